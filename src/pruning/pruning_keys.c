/*-------------------------------------------------------------------------
 *
 * pruning_keys.c
 *	  Expression helpers of the predicate classifier: which key column an
 *	  expression is, which tables and parameters it references, and the
 *	  masks of key columns a WHERE clause gives a usable value.
 *
 * Pure functions over parse trees and the DiagCtx (pruning_pred.h); they
 * read the catalogs only for names.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning_keys.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/hash.h"
#include "access/nbtree.h"
#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "partitioning/partdefs.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "partstrat.h"
#include "pruning.h"
#include "pruning_pred.h"

/* ----------------------------------------------------------------
 * Small expression helpers
 * ----------------------------------------------------------------
 */

/*
 * Strip binary-compatible relabelling and COLLATE clauses (the collation a
 * comparison uses is checked apart, from its inputcollid).
 */
Node *
pd_strip_relabel(Node *n)
{
	while (n && (IsA(n, RelabelType) || IsA(n, CollateExpr)))
	{
		if (IsA(n, RelabelType))
			n = (Node *) ((RelabelType *) n)->arg;
		else
			n = (Node *) ((CollateExpr *) n)->arg;
	}
	return n;
}


static bool
varref_walker(Node *node, VarRefCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) node;

		if ((int) v->varlevelsup == cx->sublevels)
		{
			if (v->varno == cx->rti)
				cx->this_rel = true;
			else
			{
				cx->other_rel = true;
				if (cx->other_var == NULL)
					cx->other_var = v;
			}
		}
		else if ((int) v->varlevelsup > cx->sublevels)
			cx->outer_ref = true;
		return false;
	}
	if (IsA(node, Param))
	{
		if (((Param *) node)->paramkind == PARAM_EXTERN)
			cx->ext_param = true;
		else
			cx->exec_param = true;
		return false;
	}
	if (IsA(node, SubLink))
		cx->sublink = true;
	if (IsA(node, Query))
	{
		bool		r;

		cx->sublevels++;
		r = query_tree_walker((Query *) node, varref_walker, cx, 0);
		cx->sublevels--;
		return r;
	}
	return expression_tree_walker(node, varref_walker, cx);
}

VarRefCtx
pd_varrefs(Node *node, int rti)
{
	VarRefCtx	cx;

	memset(&cx, 0, sizeof(cx));
	cx.rti = rti;
	varref_walker(node, &cx);
	return cx;
}

/* Vars without the fields equal() compares but that do not matter here. */
Node *
pd_normalize_mutator(Node *node, void *context)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) copyObject(node);

		v->varnosyn = 0;
		v->varattnosyn = 0;
		v->location = -1;
		return (Node *) v;
	}
	return expression_tree_mutator(node, pd_normalize_mutator, context);
}

/* Index of the key the node is (bare), or -1. */
int
pd_key_index_of(DiagCtx *cx, Node *node)
{
	int			i;
	Node	   *norm = NULL;

	node = pd_strip_relabel(node);
	if (node == NULL)
		return -1;
	for (i = 0; i < cx->nkeys; i++)
	{
		Node	   *k = cx->keyexprs[i];

		if (IsA(k, Var))
		{
			if (IsA(node, Var) &&
				((Var *) node)->varno == ((Var *) k)->varno &&
				((Var *) node)->varattno == ((Var *) k)->varattno &&
				((Var *) node)->varlevelsup == 0)
				return i;
		}
		else
		{
			if (norm == NULL)
				norm = pd_normalize_mutator(node, NULL);
			if (equal(norm, k))
				return i;
		}
	}
	return -1;
}


typedef struct KeyRefCtx
{
	DiagCtx    *dc;
	int			key;			/* first key found, -1 if none */
} KeyRefCtx;

static bool
keyref_walker(Node *node, KeyRefCtx *cx)
{
	int			k;

	if (node == NULL)
		return false;
	k = pd_key_index_of(cx->dc, node);
	if (k >= 0)
	{
		cx->key = k;
		return true;
	}
	/* expression keys: the columns they are made of count as the key */
	if (IsA(node, Var) && ((Var *) node)->varno == cx->dc->rti &&
		((Var *) node)->varlevelsup == 0)
	{
		int			i;

		for (i = 0; i < cx->dc->nkeys; i++)
		{
			Node	   *ke = cx->dc->keyexprs[i];
			VarRefCtx	vr;

			if (IsA(ke, Var))
				continue;
			vr = pd_varrefs(ke, cx->dc->rti);
			if (vr.this_rel &&
				bms_is_member(((Var *) node)->varattno -
							  FirstLowInvalidHeapAttributeNumber,
							  pd_pull_varattnos_of(ke, cx->dc->rti)))
			{
				cx->key = i;
				return true;
			}
		}
	}
	if (IsA(node, Query))
		return false;			/* a subquery's own Vars are not the key */
	return expression_tree_walker(node, keyref_walker, cx);
}

/* pull_varattnos() for the level-0 Vars of one rti. */
Bitmapset *
pd_pull_varattnos_of(Node *node, int rti)
{
	Bitmapset  *attnos = NULL;

	pull_varattnos(node, rti, &attnos);
	return attnos;
}

/* The key the node mentions anywhere, or -1. */
int
pd_mentions_key(DiagCtx *cx, Node *node)
{
	KeyRefCtx	kr;

	kr.dc = cx;
	kr.key = -1;
	keyref_walker(node, &kr);
	return kr.key;
}

/* "alias.column" of a Var of the table's query level. */
char *
pd_var_name(DiagCtx *cx, Var *v)
{
	RangeTblEntry *rte;
	char	   *col = NULL;

	if (v->varno < 1 || v->varno > list_length(cx->query->rtable))
		return pstrdup("?");
	rte = rt_fetch(v->varno, cx->query->rtable);
	if (v->varattno > 0 && v->varattno <= list_length(rte->eref->colnames))
		col = strVal(list_nth(rte->eref->colnames, v->varattno - 1));
	return psprintf("%s.%s", quote_identifier(rte->eref->aliasname),
					col ? quote_identifier(col) : "?");
}

/* Does opno give key column "key" a value pruning can use? */
static void
mask_comparison(DiagCtx *cx, Oid opno, Oid inputcollid, Node *left,
				Node *right, bool is_array, bool use_or,
				uint32 *eq, uint32 *any)
{
	int			key = pd_key_index_of(cx, left);
	Node	   *value = right;
	int			strat;

	if (key < 0 && !is_array)
	{
		key = pd_key_index_of(cx, right);
		value = left;
		opno = get_commutator(opno);
	}
	if (key < 0 || key >= 32 || !OidIsValid(opno) || (is_array && !use_or))
		return;
	if (pd_varrefs(value, cx->rti).this_rel ||
		contain_volatile_functions(value))
		return;
	if (OidIsValid(cx->collations[key]) && inputcollid != cx->collations[key])
		return;
	if (!op_in_opfamily(opno, cx->opfamilies[key]))
		return;
	strat = get_op_opfamily_strategy(opno, cx->opfamilies[key]);
	if ((cx->strategy == PARTITION_STRATEGY_HASH && strat == HTEqualStrategyNumber) ||
		(cx->strategy != PARTITION_STRATEGY_HASH && strat == BTEqualStrategyNumber))
		*eq |= (uint32) 1 << key;
	if (cx->strategy != PARTITION_STRATEGY_HASH || strat == HTEqualStrategyNumber)
		*any |= (uint32) 1 << key;
}

/*
 * The key columns a clause gives values that pruning can use: *eq those
 * given by equality or IS NULL, *any those given by any operator of the
 * key's operator family.  AND unites its parts; OR keeps what every branch
 * gives (PostgreSQL prunes an OR branch by branch, and a branch that
 * prunes nothing keeps every partition).
 */
void
pd_key_mask(DiagCtx *cx, Node *clause, uint32 *eq, uint32 *any)
{
	*eq = *any = 0;
	if (clause == NULL)
		return;
	if (IsA(clause, List) || is_andclause(clause))
	{
		List	   *args = IsA(clause, List) ? (List *) clause :
			((BoolExpr *) clause)->args;
		ListCell   *lc;

		foreach(lc, args)
		{
			uint32		e,
						a;

			pd_key_mask(cx, lfirst(lc), &e, &a);
			*eq |= e;
			*any |= a;
		}
		return;
	}
	if (is_orclause(clause))
	{
		ListCell   *lc;
		bool		first = true;

		foreach(lc, ((BoolExpr *) clause)->args)
		{
			uint32		e,
						a;

			pd_key_mask(cx, lfirst(lc), &e, &a);
			*eq = first ? e : (*eq & e);
			*any = first ? a : (*any & a);
			first = false;
		}
		return;
	}
	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;

		mask_comparison(cx, op->opno, op->inputcollid, linitial(op->args),
						lsecond(op->args), false, false, eq, any);
		return;
	}
	if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) clause;

		mask_comparison(cx, sa->opno, sa->inputcollid, linitial(sa->args),
						lsecond(sa->args), true, sa->useOr, eq, any);
		return;
	}
	if (IsA(clause, NullTest))
	{
		NullTest   *nt = (NullTest *) clause;
		int			k = pd_key_index_of(cx, (Node *) nt->arg);

		if (k >= 0 && k < 32 && nt->nulltesttype == IS_NULL)
			*eq = *any = (uint32) 1 << k;
		else if (k >= 0 && k < 32 && cx->strategy != PARTITION_STRATEGY_HASH)
			*any = (uint32) 1 << k;
		return;
	}
	if (IsA(clause, BooleanTest))
	{
		BooleanTest *bt = (BooleanTest *) clause;
		int			k = pd_key_index_of(cx, (Node *) bt->arg);

		if (k >= 0 && k < 32 &&
			(bt->booltesttype == IS_TRUE || bt->booltesttype == IS_FALSE))
			*eq = *any = (uint32) 1 << k;
		return;
	}
	if (is_notclause(clause))
		clause = (Node *) get_notclausearg((Expr *) clause);
	{
		int			k = pd_key_index_of(cx, clause);

		/* a boolean key used as a condition: key = true (or false) */
		if (k >= 0 && k < 32)
			*eq = *any = (uint32) 1 << k;
	}
}

/* The names of the key columns in a mask: "a, b". */
char *
pd_mask_names(DiagCtx *cx, uint32 mask)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < cx->nkeys && i < 32; i++)
	{
		if (mask & ((uint32) 1 << i))
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "",
							 cx->keynames[i]);
	}
	return buf.data;
}

/* "a = ... AND b = ...": every key column by equality. */
char *
pd_eq_template(DiagCtx *cx)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < cx->nkeys; i++)
		appendStringInfo(&buf, "%s%s = ...", i > 0 ? " AND " : "",
						 cx->keynames[i]);
	return buf.data;
}

/* Every key column, as a mask. */
uint32
pd_all_keys(DiagCtx *cx)
{
	return cx->nkeys >= 32 ? ~(uint32) 0 : (((uint32) 1 << cx->nkeys) - 1);
}
