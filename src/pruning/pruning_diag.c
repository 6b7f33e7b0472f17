/*-------------------------------------------------------------------------
 *
 * pruning_diag.c
 *	  Why a plan prunes or does not: the query's parsed predicates against
 *	  the partition key, turned into a diagnosis and a suggested rewrite.
 *
 * ps_find_predicates() finds one occurrence of a partitioned table in the
 * rewritten query trees, takes the WHERE and JOIN ... ON clauses of its
 * query level -- and of the levels above when it is reached through views
 * or subqueries in FROM, rewritten onto the table's columns -- and
 * classifies every clause that mentions the table
 * (PsPredClass): a comparison of the bare key with a constant, a parameter,
 * a stable expression, another table's column; or the forms that defeat
 * pruning -- the key inside a function or cast, an implicit cast to the
 * value's type, a volatile value, <> and NOT IN, OR with another column, a
 * range operator on a hash key.  ps_diagnose() combines those findings with
 * what the plan shows (pruning.c) into one sentence and, where one exists,
 * an equivalent predicate that prunes.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning_diag.c
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

/* The partition key of one level, in the attnos of the query's table. */
typedef struct DiagCtx
{
	Query	   *query;			/* the query level of the table */
	int			rti;			/* the table's range table index */
	char		strategy;
	int			nkeys;
	Node	  **keyexprs;		/* Var or expression, varno = rti */
	Oid		   *opfamilies;
	Oid		   *keytypes;
	Oid		   *collations;		/* partition collations (0 if none) */
	char	  **keynames;
	uint32		eqmask;			/* key columns the WHERE gives by = or IS NULL */
	uint32		anymask;		/* key columns it gives by any usable operator */
	PsPredFindings *f;
} DiagCtx;

/* ----------------------------------------------------------------
 * Finding the table's query level
 * ----------------------------------------------------------------
 */

/* A query level holding the next one down as a subquery (a view). */
typedef struct ViewStep
{
	Query	   *query;
	int			rti;			/* the subquery's range table index */
} ViewStep;

/* One occurrence of the table. */
typedef struct FindHit
{
	Query	   *query;
	int			rti;
	List	   *views;			/* ViewStep *, outermost first */
} FindHit;

typedef struct FindCtx
{
	Oid			relid;
	List	   *hits;			/* FindHit * */
	List	   *views;			/* the subquery path to the current level */
} FindCtx;

/*
 * Is a subquery one PostgreSQL pushes the outer level's clauses into (a
 * view pulled up or a subquery qual pushed down)?  The conservative part of
 * subquery_is_pushdown_safe(): no LIMIT/OFFSET, grouping, aggregates,
 * window functions, DISTINCT ON, set-returning functions or set operations
 * (a plain DISTINCT lets clauses on its columns through).
 */
static bool
lift_safe(Query *sub)
{
	return sub->limitOffset == NULL && sub->limitCount == NULL &&
		!sub->hasAggs && sub->groupClause == NIL &&
		sub->groupingSets == NIL && sub->havingQual == NULL &&
		!sub->hasWindowFuncs && !sub->hasDistinctOn &&
		!sub->hasTargetSRFs && sub->setOperations == NULL &&
		sub->rowMarks == NIL;
}

/*
 * Occurrences are numbered in the order the planner's final range table
 * holds them (pruning.c matches them with the plan): a level's own
 * references first, then its subqueries in FROM (pulled up after the
 * level's own entries, or planned apart and flattened after them), then
 * the subplans of its expressions and WITH queries.
 */
static bool
find_walker(Node *node, FindCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		Query	   *q = (Query *) node;
		List	   *views = cx->views;
		ListCell   *lc;
		int			rti = 0;

		foreach(lc, q->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			rti++;
			if (rte->rtekind == RTE_RELATION && rte->relid == cx->relid &&
				rte->inh)
			{
				FindHit    *hit = palloc(sizeof(FindHit));

				hit->query = q;
				hit->rti = rti;
				hit->views = list_copy(views);
				cx->hits = lappend(cx->hits, hit);
			}
		}

		rti = 0;
		foreach(lc, q->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			rti++;
			if (rte->rtekind == RTE_SUBQUERY && rte->subquery &&
				lift_safe(rte->subquery))
			{
				/* a view or a subquery in FROM the outer clauses reach */
				ViewStep   *step = palloc(sizeof(ViewStep));

				step->query = q;
				step->rti = rti;
				cx->views = lappend(list_copy(views), step);
				find_walker((Node *) rte->subquery, cx);
			}
			else if (rte->rtekind != RTE_RELATION)
			{
				cx->views = NIL;
				(void) range_table_entry_walker(rte, find_walker, cx, 0);
			}
		}

		/* sublinks and WITH queries: subplans, after the main range table */
		cx->views = NIL;
		(void) query_tree_walker(q, find_walker, cx, QTW_IGNORE_RANGE_TABLE);
		cx->views = views;
		return false;
	}
	return expression_tree_walker(node, find_walker, cx);
}

/*
 * A clause of the level holding a subquery at "rti", rewritten for the
 * subquery's level: its columns become the expressions of the subquery's
 * target list; other Vars of the outer level become outer references.
 * NULL when it cannot be (a sublink inside, a column not in the list).
 */
typedef struct LiftCtx
{
	int			rti;
	List	   *tlist;
	bool		failed;
} LiftCtx;

static Node *
lift_mutator(Node *node, LiftCtx *cx)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) copyObject(node);

		if (v->varlevelsup == 0 && v->varno == cx->rti)
		{
			TargetEntry *tle = get_tle_by_resno(cx->tlist, v->varattno);

			if (tle == NULL || tle->resjunk)
			{
				cx->failed = true;
				return (Node *) v;
			}
			return copyObject((Node *) tle->expr);
		}
		v->varlevelsup++;
		return (Node *) v;
	}
	if (IsA(node, SubLink) || IsA(node, Query) || IsA(node, PlaceHolderVar))
	{
		cx->failed = true;
		return node;
	}
	return expression_tree_mutator(node, lift_mutator, (void *) cx);
}

static Node *
lift_clause(Node *clause, int rti, Query *sub)
{
	LiftCtx		cx;
	Node	   *r;

	cx.rti = rti;
	cx.tlist = sub->targetList;
	cx.failed = false;
	r = lift_mutator(clause, &cx);
	return cx.failed ? NULL : r;
}

/*
 * WHERE and inner JOIN ... ON clauses of a join tree, AND-ed parts apart:
 * the clauses PostgreSQL may push into a subquery of that level.
 */
static List *
jointree_clauses(Node *jt, List *acc)
{
	if (jt == NULL)
		return acc;
	if (IsA(jt, FromExpr))
	{
		FromExpr   *fe = (FromExpr *) jt;
		ListCell   *lc;

		acc = list_concat(acc, make_ands_implicit((Expr *) fe->quals));
		foreach(lc, fe->fromlist)
			acc = jointree_clauses(lfirst(lc), acc);
	}
	else if (IsA(jt, JoinExpr))
	{
		JoinExpr   *je = (JoinExpr *) jt;

		/* an outer join's ON filters nothing of its preserved side */
		if (je->jointype == JOIN_INNER)
			acc = list_concat(acc, make_ands_implicit((Expr *) je->quals));
		acc = jointree_clauses(je->larg, acc);
		acc = jointree_clauses(je->rarg, acc);
	}
	return acc;
}

/* ----------------------------------------------------------------
 * Small expression helpers
 * ----------------------------------------------------------------
 */

/*
 * Strip binary-compatible relabelling and COLLATE clauses (the collation a
 * comparison uses is checked apart, from its inputcollid).
 */
static Node *
strip_relabel(Node *n)
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

typedef struct VarRefCtx
{
	int			rti;
	int			sublevels;
	bool		this_rel;		/* a Var of rti at the table's level */
	bool		other_rel;		/* a Var of another rti at that level */
	bool		outer_ref;		/* a Var of an enclosing query */
	bool		sublink;
	bool		exec_param;
	bool		ext_param;
	Var		   *other_var;		/* first Var of another table */
} VarRefCtx;

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

static VarRefCtx
varrefs(Node *node, int rti)
{
	VarRefCtx	cx;

	memset(&cx, 0, sizeof(cx));
	cx.rti = rti;
	varref_walker(node, &cx);
	return cx;
}

/* Vars without the fields equal() compares but that do not matter here. */
static Node *
normalize_mutator(Node *node, void *context)
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
	return expression_tree_mutator(node, normalize_mutator, context);
}

/* Index of the key the node is (bare), or -1. */
static int
key_index_of(DiagCtx *cx, Node *node)
{
	int			i;
	Node	   *norm = NULL;

	node = strip_relabel(node);
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
				norm = normalize_mutator(node, NULL);
			if (equal(norm, k))
				return i;
		}
	}
	return -1;
}

static Bitmapset *pull_varattnos_of(Node *node, int rti);

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
	k = key_index_of(cx->dc, node);
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
			vr = varrefs(ke, cx->dc->rti);
			if (vr.this_rel &&
				bms_is_member(((Var *) node)->varattno -
							  FirstLowInvalidHeapAttributeNumber,
							  pull_varattnos_of(ke, cx->dc->rti)))
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
static Bitmapset *
pull_varattnos_of(Node *node, int rti)
{
	Bitmapset  *attnos = NULL;

	pull_varattnos(node, rti, &attnos);
	return attnos;
}

/* The key the node mentions anywhere, or -1. */
static int
mentions_key(DiagCtx *cx, Node *node)
{
	KeyRefCtx	kr;

	kr.dc = cx;
	kr.key = -1;
	keyref_walker(node, &kr);
	return kr.key;
}

/* "alias.column" of a Var of the table's query level. */
static char *
var_name(DiagCtx *cx, Var *v)
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

/* SQL text of a value: an ISO literal for a constant, else deparsed. */
static char *
value_sql(Node *value)
{
	value = strip_relabel(value);
	if (IsA(value, Const) && !((Const *) value)->constisnull)
	{
		Const	   *c = (Const *) value;

		return quote_literal_cstr(ps_datum_to_iso(c->constvalue,
												  c->consttype));
	}
	{
		char	   *d = ps_ddl_safe_literals(deparse_expression(value, NIL,
																 false, false));

		if (d[0] == '(' || strchr(d, ' ') == NULL)
			return d;
		return psprintf("(%s)", d);
	}
}

/* A value side folded to a constant where it is one (2024::numeric). */
static Node *
fold_value(Node *value, int rti)
{
	VarRefCtx	vr = varrefs(value, rti);

	if (vr.this_rel || vr.other_rel || vr.outer_ref || vr.sublink)
		return value;
	return eval_const_expressions(NULL, value);
}

/* value + one unit ("day", "month", ...), as SQL text. */
static char *
value_plus(Node *value, const char *unit)
{
	Node	   *v = strip_relabel(value);

	if (IsA(v, Const) && !((Const *) v)->constisnull)
	{
		Const	   *c = (Const *) v;
		Datum		iv = DirectFunctionCall3(interval_in,
											 CStringGetDatum(psprintf("1 %s", unit)),
											 ObjectIdGetDatum(InvalidOid),
											 Int32GetDatum(-1));

		switch (c->consttype)
		{
			case DATEOID:
				{
					Datum		ts = DirectFunctionCall1(date_timestamp,
														 c->constvalue);
					Datum		r = DirectFunctionCall2(timestamp_pl_interval,
														ts, iv);

					if (strcmp(unit, "day") == 0 || strcmp(unit, "month") == 0 ||
						strcmp(unit, "year") == 0)
						return quote_literal_cstr(
												  ps_datum_to_iso(DirectFunctionCall1(timestamp_date, r),
																  DATEOID));
					return quote_literal_cstr(ps_datum_to_iso(r, TIMESTAMPOID));
				}
			case TIMESTAMPOID:
				return quote_literal_cstr(
										  ps_datum_to_iso(DirectFunctionCall2(timestamp_pl_interval,
																			  c->constvalue, iv),
														  TIMESTAMPOID));
			case TIMESTAMPTZOID:
				return quote_literal_cstr(
										  ps_datum_to_iso(DirectFunctionCall2(timestamptz_pl_interval,
																			  c->constvalue, iv),
														  TIMESTAMPTZOID));
			default:
				break;
		}
	}
	if (exprType(v) == DATEOID && strcmp(unit, "day") == 0)
		return psprintf("%s + 1", value_sql(v));
	return psprintf("%s + interval '1 %s'", value_sql(v), unit);
}

/* Rewrite "k op V" where op is =, <, <=, >, >= of f(k) and [V, V1) is the range. */
static char *
range_rewrite(const char *k, const char *opname, const char *v, const char *v1)
{
	if (strcmp(opname, "=") == 0)
		return psprintf("%s >= %s AND %s < %s", k, v, k, v1);
	if (strcmp(opname, ">=") == 0)
		return psprintf("%s >= %s", k, v);
	if (strcmp(opname, ">") == 0)
		return psprintf("%s >= %s", k, v1);
	if (strcmp(opname, "<") == 0)
		return psprintf("%s < %s", k, v);
	if (strcmp(opname, "<=") == 0)
		return psprintf("%s < %s", k, v1);
	return NULL;
}

static const char *
const_text(Node *n)
{
	n = strip_relabel(n);
	if (n && IsA(n, Const) && !((Const *) n)->constisnull &&
		(((Const *) n)->consttype == TEXTOID ||
		 ((Const *) n)->consttype == UNKNOWNOID))
		return TextDatumGetCString(((Const *) n)->constvalue);
	return NULL;
}

static void note(DiagCtx *cx, PsPredClass cls, char *detail, char *rewrite);

/*
 * The key wrapped in a function, cast or operator: describe it, and write
 * the predicate on the bare key that selects the same rows, where known.
 */
static void
note_wrapped(DiagCtx *cx, int key, Node *side, const char *opname,
			 Node *value)
{
	PsPredFindings *f = cx->f;
	const char *k = cx->keynames[key];
	char	   *what = NULL;
	char	   *rewrite = NULL;

	side = strip_relabel(side);
	value = fold_value(value, cx->rti);
	if (IsA(side, Var) && !IsA(cx->keyexprs[key], Var))
	{
		/* PARTITION BY (lower(name)), WHERE name = ... */
		char	   *col = get_attname(cx->query->rtable ?
										  rt_fetch(((Var *) side)->varno, cx->query->rtable)->relid :
										  InvalidOid,
										  ((Var *) side)->varattno, true);
		const char *qcol = col ? quote_identifier(col) : NULL;
		const char *at = qcol ? strstr(k, qcol) : NULL;
		char	   *applied = NULL;

		/* the key expression with the value in place of the column */
		if (at != NULL)
			applied = psprintf("%.*s%s%s", (int) (at - k), k,
							   value_sql(value), at + strlen(qcol));
		note(cx, PS_PRED_EXPR_KEY,
			 psprintf("the partition key is the expression %s but the query compares the column %s",
					  k, var_name(cx, (Var *) side)),
			 applied ? psprintf("%s %s %s", k, opname, applied) :
			 psprintf("compare %s, not the column", k));
		return;
	}
	if (IsA(side, FuncExpr))
	{
		FuncExpr   *fe = (FuncExpr *) side;
		char	   *fname = get_func_name(fe->funcid);
		int			nargs = list_length(fe->args);

		if (fe->funcformat == COERCE_IMPLICIT_CAST)
		{
			f->found[PS_PRED_MISMATCH] = true;
			if (!f->detail[PS_PRED_MISMATCH])
			{
				f->detail[PS_PRED_MISMATCH] =
					psprintf("%s (%s) is cast to %s to be compared with %s",
							 k, format_type_be(cx->keytypes[key]),
							 format_type_be(fe->funcresulttype),
							 value_sql(value));
				f->rewrite[PS_PRED_MISMATCH] =
					psprintf("%s %s CAST(%s AS %s)", k, opname,
							 value_sql(value),
							 format_type_be(cx->keytypes[key]));
			}
			return;
		}
		if (fe->funcformat == COERCE_EXPLICIT_CAST)
			what = psprintf("a cast to %s (%s::%s)",
							format_type_be(fe->funcresulttype), k,
							format_type_be(fe->funcresulttype));
		else
			what = psprintf("%s()", fname);

		if (fe->funcresulttype == DATEOID && nargs == 1 &&
			mentions_key(cx, linitial(fe->args)) == key &&
			key_index_of(cx, linitial(fe->args)) == key)
			rewrite = range_rewrite(k, opname, value_sql(value),
									value_plus(value, "day"));
		else if (strcmp(fname, "date_trunc") == 0 && nargs >= 2 &&
				 const_text(linitial(fe->args)) != NULL &&
				 key_index_of(cx, lsecond(fe->args)) == key)
			rewrite = range_rewrite(k, opname, value_sql(value),
									value_plus(value,
											   const_text(linitial(fe->args))));
		else if ((strcmp(fname, "extract") == 0 ||
				  strcmp(fname, "date_part") == 0) && nargs == 2 &&
				 const_text(linitial(fe->args)) != NULL &&
				 pg_strcasecmp(const_text(linitial(fe->args)), "year") == 0 &&
				 IsA(strip_relabel(value), Const) &&
				 !((Const *) strip_relabel(value))->constisnull)
		{
			Const	   *c = (Const *) strip_relabel(value);
			Oid			outfn;
			bool		isvarlena;
			char	   *s;
			long		y;

			getTypeOutputInfo(c->consttype, &outfn, &isvarlena);
			s = OidOutputFunctionCall(outfn, c->constvalue);
			y = strtol(s, NULL, 10);

			rewrite = range_rewrite(k, opname,
									psprintf("'%04ld-01-01'", y),
									psprintf("'%04ld-01-01'", y + 1));
		}
		else if ((strcmp(fname, "lower") == 0 || strcmp(fname, "upper") == 0) &&
				 nargs == 1 && key_index_of(cx, linitial(fe->args)) == key)
			rewrite = psprintf("%s %s %s (when the stored values are already %s-case), or PARTITION BY LIST (%s(%s))",
							   k, opname, value_sql(value),
							   strcmp(fname, "lower") == 0 ? "lower" : "upper",
							   fname, k);
		else if (fe->funcformat == COERCE_EXPLICIT_CAST)
			rewrite = psprintf("%s %s CAST(%s AS %s)", k, opname,
							   value_sql(value),
							   format_type_be(cx->keytypes[key]));
	}
	else if (IsA(side, CoerceViaIO))
	{
		CoerceViaIO *cio = (CoerceViaIO *) side;

		what = psprintf("a cast to %s (%s::%s)",
						format_type_be(cio->resulttype), k,
						format_type_be(cio->resulttype));
		rewrite = psprintf("%s %s CAST(%s AS %s)", k, opname,
						   value_sql(value),
						   format_type_be(cx->keytypes[key]));
	}
	else if (IsA(side, OpExpr))
		what = psprintf("the operator %s", get_opname(((OpExpr *) side)->opno));
	else
		what = pstrdup("an expression");

	f->found[PS_PRED_WRAPPED] = true;
	if (!f->detail[PS_PRED_WRAPPED])
	{
		f->detail[PS_PRED_WRAPPED] = what;
		f->rewrite[PS_PRED_WRAPPED] = rewrite;
	}
}

static void
note(DiagCtx *cx, PsPredClass cls, char *detail, char *rewrite)
{
	cx->f->found[cls] = true;
	if (cx->f->detail[cls] == NULL)
	{
		cx->f->detail[cls] = detail;
		cx->f->rewrite[cls] = rewrite;
	}
}

static bool
is_range_opname(const char *opname)
{
	return strcmp(opname, "<") == 0 || strcmp(opname, "<=") == 0 ||
		strcmp(opname, ">") == 0 || strcmp(opname, ">=") == 0;
}

/* A collation's name, quoted, for a sentence. */
static char *
collation_sql(Oid coll)
{
	char	   *name = OidIsValid(coll) ? get_collation_name(coll) : NULL;

	return name ? pstrdup(quote_identifier(name)) : pstrdup("(none)");
}

/* key op value (op commuted so that the key is on the left). */
static void
classify_comparison(DiagCtx *cx, Oid opno, Oid inputcollid, Node *left,
					Node *right, bool is_array, bool use_or)
{
	int			lkey = key_index_of(cx, left);
	int			rkey = is_array ? -1 : key_index_of(cx, right);
	int			key;
	Node	   *value;
	char	   *opname;
	VarRefCtx	vr;

	if (lkey < 0 && rkey >= 0)
	{
		Oid			comm = get_commutator(opno);
		Node	   *tmp = left;

		if (OidIsValid(comm))
			opno = comm;
		left = right;
		right = tmp;
		lkey = rkey;
	}
	opname = get_opname(opno);
	if (opname == NULL)
		opname = pstrdup("?");

	if (lkey < 0)
	{
		/* the key inside an expression */
		int			k = mentions_key(cx, left);
		Node	   *side = left;
		Node	   *other = right;

		if (k < 0)
		{
			k = mentions_key(cx, right);
			side = right;
			other = left;
			if (OidIsValid(get_commutator(opno)))
				opname = get_opname(get_commutator(opno));
		}
		if (k < 0)
			return;
		if (varrefs(other, cx->rti).this_rel)
		{
			note(cx, PS_PRED_OTHER_OP,
				 psprintf("%s is compared with another column of the same row",
						  cx->keynames[k]), NULL);
			return;
		}
		note_wrapped(cx, k, side, opname, other);
		return;
	}
	key = lkey;
	if (key == 0)
		cx->f->first_key_used = true;
	value = fold_value(right, cx->rti);
	vr = varrefs(value, cx->rti);
	if (vr.this_rel)
	{
		note(cx, PS_PRED_OTHER_OP,
			 psprintf("%s is compared with another column of the same row",
					  cx->keynames[key]), NULL);
		return;
	}

	/*
	 * The planner matches a clause to the key only under the partition
	 * key's collation (PartCollMatchesExprColl): a COLLATE clause on either
	 * side takes the comparison out of pruning.
	 */
	if (OidIsValid(cx->collations[key]) &&
		inputcollid != cx->collations[key])
	{
		note(cx, PS_PRED_COLLATION,
			 psprintf("%s %s%s %s is compared under the collation %s, the partition bounds under %s",
					  cx->keynames[key], opname, is_array ? " ANY" : "",
					  value_sql(value), collation_sql(inputcollid),
					  collation_sql(cx->collations[key])),
			 psprintf("%s %s%s %s COLLATE %s%s", cx->keynames[key], opname,
					  is_array ? " ANY" : "", value_sql(value),
					  collation_sql(cx->collations[key]),
					  strcmp(opname, "=") == 0 ?
					  " (equality selects the same rows under every deterministic collation)" :
					  " (the order of the two collations may differ: check the range)"));
		return;
	}

	if (!op_in_opfamily(opno, cx->opfamilies[key]) ||
		(is_array && !use_or))
	{
		Oid			neg = get_negator(opno);

		if (strcmp(opname, "<>") == 0 ||
			(OidIsValid(neg) && op_in_opfamily(neg, cx->opfamilies[key])))
			note(cx, PS_PRED_NE,
				 psprintf(is_array ? "%s <> ALL (...) (NOT IN)" : "%s %s ...",
						  cx->keynames[key], opname),
				 NULL);
		else if (cx->strategy == PARTITION_STRATEGY_HASH &&
				 is_range_opname(opname))
			note(cx, PS_PRED_HASH_RANGE,
				 psprintf("%s %s %s", cx->keynames[key], opname,
						  value_sql(value)),
				 psprintf("%s = ... or %s IN (...)", cx->keynames[key],
						  cx->keynames[key]));
		else
			note(cx, PS_PRED_OTHER_OP,
				 psprintf("%s %s %s", cx->keynames[key], opname,
						  vr.other_rel ? "..." : value_sql(value)),
				 NULL);
		return;
	}

	if (is_array)
		opname = psprintf("%s ANY", opname);

	/*
	 * key = ANY (NULL::type[]) is never true.  With an immutable operator
	 * the planner proves it (no leaf in the plan); with a cross-type
	 * operator that is only stable (timestamp = timestamptz) it cannot, and
	 * PostgreSQL 15 disables run-time pruning on a contradiction, so every
	 * leaf is scanned to return no row.
	 */
	if (is_array && IsA(strip_relabel(value), Const) &&
		((Const *) strip_relabel(value))->constisnull &&
		op_volatile(opno) != PROVOLATILE_IMMUTABLE)
	{
		note(cx, PS_PRED_NULL_ARRAY,
			 psprintf("%s %s (NULL::%s) is never true, but its operator %s = %s is only stable",
					  cx->keynames[key], opname,
					  format_type_be(exprType(value)),
					  format_type_be(cx->keytypes[key]),
					  format_type_be(get_element_type(exprType(value)))),
			 psprintf("leave the predicate out when the array is NULL (it matches no row), or pass the array as %s[] (the key's type) so that the planner prunes every leaf",
					  format_type_be(cx->keytypes[key])));
		return;
	}

	/*
	 * PostgreSQL prunes "= ANY" over a constant array, an ARRAY[...] or (in
	 * a custom plan) a parameter, never over an array a stable expression
	 * computes ($1::text[]::timestamptz[] -- a stable cast -- or f($1) for
	 * a stable f): no pruning, not even at run time.  (An immutable one is
	 * folded in a custom plan: a parameter's case.)
	 */
	if (is_array && !vr.other_rel && !vr.outer_ref && !vr.sublink &&
		!vr.exec_param && !IsA(value, Const) && !IsA(value, ArrayExpr) &&
		!IsA(value, Param) && contain_mutable_functions(value))
	{
		note(cx, PS_PRED_ARRAY_EXPR,
			 psprintf("%s %s %s", cx->keynames[key], opname, value_sql(value)),
			 psprintf("%s %s (an array of type %s[], not cast in the query)",
					  cx->keynames[key], opname,
					  format_type_be(cx->keytypes[key])));
		return;
	}
	if (contain_volatile_functions(value))
	{
		char	   *fn = NULL;

		note(cx, PS_PRED_VOLATILE,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  vr.other_rel ? "..." : value_sql(value)),
			 fn);
	}
	else if (vr.other_rel)
		note(cx, PS_PRED_JOIN,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  var_name(cx, vr.other_var)),
			 NULL);
	else if (vr.sublink && !vr.outer_ref && !vr.exec_param)
		note(cx, PS_PRED_INITPLAN,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  IsA(strip_relabel(value), SubLink) ? "(SELECT ...)" :
					  "an expression over (SELECT ...)"),
			 NULL);
	else if (vr.outer_ref || vr.sublink || vr.exec_param)
		note(cx, PS_PRED_EXEC,
			 psprintf("%s %s a subquery or an outer reference",
					  cx->keynames[key], opname),
			 NULL);
	else if (vr.ext_param)
		note(cx, PS_PRED_EXTPARAM,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 NULL);
	else if (contain_mutable_functions(value))
		note(cx, PS_PRED_STABLE,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 NULL);
	else if (op_volatile(opno) != PROVOLATILE_IMMUTABLE)
		note(cx, PS_PRED_STABLE_OP,
			 psprintf("%s (%s) %s %s (%s)", cx->keynames[key],
					  format_type_be(cx->keytypes[key]), opname,
					  value_sql(value), format_type_be(exprType(value))),
			 psprintf("%s %s CAST(%s AS %s)", cx->keynames[key], opname,
					  value_sql(value), format_type_be(cx->keytypes[key])));
	else
		note(cx, PS_PRED_CONST,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 NULL);
}

/* Column names of this table a clause mentions (for "filters on ..."). */
static void
note_other_columns(DiagCtx *cx, Node *clause)
{
	Bitmapset  *attnos = pull_varattnos_of(clause, cx->rti);
	int			x = -1;

	while ((x = bms_next_member(attnos, x)) >= 0)
	{
		AttrNumber	att = x + FirstLowInvalidHeapAttributeNumber;
		Var			v;
		char	   *name;
		ListCell   *lc;
		bool		dup = false;

		if (att <= 0)
			continue;
		memset(&v, 0, sizeof(v));
		v.varno = cx->rti;
		v.varattno = att;
		name = var_name(cx, &v);
		name = strchr(name, '.') ? strchr(name, '.') + 1 : name;
		foreach(lc, cx->f->other_columns)
		{
			if (strcmp((char *) lfirst(lc), name) == 0)
				dup = true;
		}
		if (!dup)
			cx->f->other_columns = lappend(cx->f->other_columns, name);
	}
}

static void classify_clause(DiagCtx *cx, Node *clause);

typedef struct CorrCtx
{
	DiagCtx    *dc;
	int			depth;
	int			key;
} CorrCtx;

/* A Var of the table's key column referenced from inside a subquery. */
static bool
corr_walker(Node *node, CorrCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) node;
		int			i;

		if ((int) v->varlevelsup != cx->depth || v->varno != cx->dc->rti)
			return false;
		for (i = 0; i < cx->dc->nkeys; i++)
		{
			Node	   *k = cx->dc->keyexprs[i];

			if (IsA(k, Var) && ((Var *) k)->varattno == v->varattno)
			{
				cx->key = i;
				return true;
			}
		}
		return false;
	}
	if (IsA(node, Query))
	{
		bool		r;

		cx->depth++;
		r = query_tree_walker((Query *) node, corr_walker, cx, 0);
		cx->depth--;
		return r;
	}
	return expression_tree_walker(node, corr_walker, cx);
}

/* k IN (SELECT ...), EXISTS (SELECT ... WHERE x = k): a semi-join on k. */
static bool
classify_sublink(DiagCtx *cx, SubLink *sl)
{
	CorrCtx		cc;
	int			key = sl->testexpr ? mentions_key(cx, sl->testexpr) : -1;

	if (key < 0)
	{
		cc.dc = cx;
		cc.depth = 0;
		cc.key = -1;
		corr_walker(sl->subselect, &cc);
		key = cc.key;
	}
	if (key < 0)
		return false;
	note(cx, PS_PRED_JOIN,
		 psprintf("%s %s a subquery, a semi-join", cx->keynames[key],
				  sl->subLinkType == EXISTS_SUBLINK ? "is correlated with" :
				  "is compared with"),
		 NULL);
	return true;
}

/* Does opno give key column "key" a value pruning can use? */
static void
mask_comparison(DiagCtx *cx, Oid opno, Oid inputcollid, Node *left,
				Node *right, bool is_array, bool use_or,
				uint32 *eq, uint32 *any)
{
	int			key = key_index_of(cx, left);
	Node	   *value = right;
	int			strat;

	if (key < 0 && !is_array)
	{
		key = key_index_of(cx, right);
		value = left;
		opno = get_commutator(opno);
	}
	if (key < 0 || key >= 32 || !OidIsValid(opno) || (is_array && !use_or))
		return;
	if (varrefs(value, cx->rti).this_rel ||
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
static void
key_mask(DiagCtx *cx, Node *clause, uint32 *eq, uint32 *any)
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

			key_mask(cx, lfirst(lc), &e, &a);
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

			key_mask(cx, lfirst(lc), &e, &a);
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
		int			k = key_index_of(cx, (Node *) nt->arg);

		if (k >= 0 && k < 32 && nt->nulltesttype == IS_NULL)
			*eq = *any = (uint32) 1 << k;
		else if (k >= 0 && k < 32 && cx->strategy != PARTITION_STRATEGY_HASH)
			*any = (uint32) 1 << k;
		return;
	}
	if (IsA(clause, BooleanTest))
	{
		BooleanTest *bt = (BooleanTest *) clause;
		int			k = key_index_of(cx, (Node *) bt->arg);

		if (k >= 0 && k < 32 &&
			(bt->booltesttype == IS_TRUE || bt->booltesttype == IS_FALSE))
			*eq = *any = (uint32) 1 << k;
		return;
	}
	if (is_notclause(clause))
		clause = (Node *) get_notclausearg((Expr *) clause);
	{
		int			k = key_index_of(cx, clause);

		/* a boolean key used as a condition: key = true (or false) */
		if (k >= 0 && k < 32)
			*eq = *any = (uint32) 1 << k;
	}
}

/* The names of the key columns in a mask: "a, b". */
static char *
mask_names(DiagCtx *cx, uint32 mask)
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
static char *
eq_template(DiagCtx *cx)
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
static uint32
all_keys(DiagCtx *cx)
{
	return cx->nkeys >= 32 ? ~(uint32) 0 : (((uint32) 1 << cx->nkeys) - 1);
}

/*
 * An OR prunes only when every branch prunes: a hash key needs every column
 * by equality in each branch, a range or list key its first column.
 */
static void
check_or_branches(DiagCtx *cx, BoolExpr *or)
{
	ListCell   *lc;

	foreach(lc, or->args)
	{
		uint32		eq,
					any,
					missing;

		key_mask(cx, lfirst(lc), &eq, &any);
		if (any == 0)
			continue;			/* what prunes not in it is said apart */
		if (cx->strategy == PARTITION_STRATEGY_HASH)
			missing = all_keys(cx) & ~eq;
		else
			missing = (any & 1) ? 0 : 1;
		if (missing == 0)
			continue;
		note(cx, PS_PRED_OR_KEYS,
			 psprintf("a branch of the OR gives %s but not %s",
					  mask_names(cx, any), mask_names(cx, missing)),
			 cx->strategy == PARTITION_STRATEGY_HASH ?
			 psprintf("give every branch of the OR an equality on each of %s: (%s) OR (...)",
					  mask_names(cx, all_keys(cx)), eq_template(cx)) :
			 psprintf("give every branch of the OR a predicate on %s",
					  cx->keynames[0]));
		return;
	}
}

/* A top-level clause: classified, and its key columns counted. */
static void
classify_top(DiagCtx *cx, Node *clause)
{
	uint32		eq,
				any;

	key_mask(cx, clause, &eq, &any);
	cx->eqmask |= eq;
	cx->anymask |= any;
	classify_clause(cx, clause);
}

static void
classify_list(DiagCtx *cx, List *clauses)
{
	ListCell   *lc;

	foreach(lc, clauses)
		classify_clause(cx, (Node *) lfirst(lc));
}

static void
classify_clause(DiagCtx *cx, Node *clause)
{
	int			key;

	if (clause == NULL)
		return;
	if (!varrefs(clause, cx->rti).this_rel)
		return;
	if (IsA(clause, SubLink) && classify_sublink(cx, (SubLink *) clause))
		return;
	key = mentions_key(cx, clause);
	if (key < 0)
	{
		note_other_columns(cx, clause);
		return;
	}

	if (is_andclause(clause))
	{
		classify_list(cx, ((BoolExpr *) clause)->args);
		return;
	}
	if (is_orclause(clause))
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) clause)->args)
		{
			Node	   *arm = lfirst(lc);

			if (mentions_key(cx, arm) < 0)
			{
				note(cx, PS_PRED_OR_MIXED,
					 psprintf("%s ... OR a condition on another column",
							  cx->keynames[key]),
					 NULL);
				note_other_columns(cx, arm);
				return;
			}
		}
		check_or_branches(cx, (BoolExpr *) clause);
		classify_list(cx, ((BoolExpr *) clause)->args);
		return;
	}
	if (is_notclause(clause))
	{
		note(cx, PS_PRED_NE, psprintf("NOT (... %s ...)", cx->keynames[key]),
			 NULL);
		return;
	}
	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;

		classify_comparison(cx, op->opno, op->inputcollid, linitial(op->args),
							lsecond(op->args), false, false);
		return;
	}
	if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) clause;

		classify_comparison(cx, sa->opno, sa->inputcollid, linitial(sa->args),
							lsecond(sa->args), true, sa->useOr);
		return;
	}
#if PG_VERSION_NUM < 170000
	if (IsA(clause, BooleanTest) &&
		(((BooleanTest *) clause)->booltesttype == IS_UNKNOWN ||
		 ((BooleanTest *) clause)->booltesttype == IS_NOT_UNKNOWN) &&
		key_index_of(cx, (Node *) ((BooleanTest *) clause)->arg) >= 0)
	{
		bool		isnot = ((BooleanTest *) clause)->booltesttype == IS_NOT_UNKNOWN;

		/* PostgreSQL 17 prunes IS [NOT] UNKNOWN as IS [NOT] NULL */
		note(cx, PS_PRED_UNKNOWN_TEST,
			 psprintf("%s IS %sUNKNOWN", cx->keynames[key], isnot ? "NOT " : ""),
			 psprintf("%s IS %sNULL", cx->keynames[key], isnot ? "NOT " : ""));
		return;
	}
#endif
	if (IsA(clause, NullTest) || key_index_of(cx, clause) >= 0 ||
		IsA(clause, BooleanTest))
	{
		note(cx, PS_PRED_CONST, psprintf("a test of %s", cx->keynames[key]),
			 NULL);
		return;
	}
	note(cx, PS_PRED_OTHER_OP,
		 psprintf("an expression on %s", cx->keynames[key]), NULL);
}

/* The clauses of a join tree: WHERE and every JOIN ... ON. */
static void
classify_jointree(DiagCtx *cx, Node *jt)
{
	if (jt == NULL)
		return;
	if (IsA(jt, FromExpr))
	{
		FromExpr   *fe = (FromExpr *) jt;
		ListCell   *lc;

		classify_top(cx, fe->quals);
		foreach(lc, fe->fromlist)
			classify_jointree(cx, lfirst(lc));
	}
	else if (IsA(jt, JoinExpr))
	{
		JoinExpr   *je = (JoinExpr *) jt;

		if (je->jointype == JOIN_INNER)
			classify_top(cx, je->quals);
		else
			classify_clause(cx, je->quals);
		classify_jointree(cx, je->larg);
		classify_jointree(cx, je->rarg);
	}
}

/* The key of level_relid, expressed on the root table at cx->rti. */
static void
load_key(DiagCtx *cx, Oid root_relid, Oid level_relid)
{
	Relation	rel = table_open(level_relid, NoLock);
	Relation	root = level_relid != root_relid ?
		table_open(root_relid, NoLock) : NULL;
	PartitionKey pk = RelationGetPartitionKey(rel);
	ListCell   *partexpr = list_head(pk->partexprs);
	List	   *exprs = NIL;
	int			i;

	cx->strategy = pk->strategy;
	cx->nkeys = pk->partnatts;
	cx->keyexprs = palloc0(sizeof(Node *) * pk->partnatts);
	cx->opfamilies = palloc0(sizeof(Oid) * pk->partnatts);
	cx->keytypes = palloc0(sizeof(Oid) * pk->partnatts);
	cx->collations = palloc0(sizeof(Oid) * pk->partnatts);
	cx->keynames = palloc0(sizeof(char *) * pk->partnatts);
	for (i = 0; i < pk->partnatts; i++)
	{
		Node	   *e;

		cx->opfamilies[i] = pk->partopfamily[i];
		cx->keytypes[i] = pk->parttypid[i];
		cx->collations[i] = pk->partcollation[i];
		if (pk->partattrs[i] != 0)
		{
			char	   *name = get_attname(level_relid, pk->partattrs[i], false);
			AttrNumber	att = root ? get_attnum(root_relid, name) :
				pk->partattrs[i];

			e = (Node *) makeVar(cx->rti, att, pk->parttypid[i],
								 pk->parttypmod[i], pk->parttypcoll[i], 0);
			cx->keynames[i] = pstrdup(quote_identifier(name));
		}
		else
		{
			e = copyObject(lfirst(partexpr));
			partexpr = lnext(pk->partexprs, partexpr);
			/* E'' for a literal holding a backslash: reads the same anywhere */
			cx->keynames[i] = ps_ddl_safe_literals(psprintf("(%s)",
									   deparse_expression(e,
														  deparse_context_for(get_rel_name(level_relid),
																			  level_relid),
														  false, false)));
			if (root)
			{
				exprs = map_partition_varattnos(list_make1(e), 1, root, rel);
				e = linitial(exprs);
			}
			ChangeVarNodes(e, 1, cx->rti, 0);
			e = normalize_mutator(e, NULL);
		}
		cx->keyexprs[i] = e;
	}
	if (root)
		table_close(root, NoLock);
	table_close(rel, NoLock);
}

/*
 * The predicates of the instance-th occurrence of root_relid in the rewritten
 * queries (the first if there are fewer), classified against the partition
 * key of level_relid (root_relid itself or one of its partitions).
 */
PsPredFindings *
ps_find_predicates(List *queries, Oid root_relid, int instance,
				   Oid level_relid)
{
	PsPredFindings *f = palloc0(sizeof(PsPredFindings));
	FindCtx		fc;
	DiagCtx		cx;
	ListCell   *lc;
	FindHit    *hit;
	int			nhits;
	int			v;

	memset(&fc, 0, sizeof(fc));
	fc.relid = root_relid;
	foreach(lc, queries)
		find_walker((Node *) lfirst(lc), &fc);

	memset(&cx, 0, sizeof(cx));
	cx.f = f;
	nhits = list_length(fc.hits);
	if (nhits == 0)
	{
		/* reached through a view or a function: key name only */
		cx.rti = 1;
		load_key(&cx, level_relid, level_relid);
		f->keyname = cx.keynames[0];
		f->found[PS_PRED_NONE] = true;
		return f;
	}
	if (instance >= nhits)
		instance = 0;
	hit = (FindHit *) list_nth(fc.hits, instance);
	cx.query = hit->query;
	cx.rti = hit->rti;
	load_key(&cx, root_relid, level_relid);
	f->keyname = cx.keynames[0];
	f->nkeys = cx.nkeys;
	f->strategy = cx.strategy;
	classify_jointree(&cx, (Node *) cx.query->jointree);

	/*
	 * Through views (subqueries in FROM): the clauses of every level above,
	 * on the view's columns, rewritten down to the table's level.
	 */
	for (v = 0; v < list_length(hit->views); v++)
	{
		ViewStep   *top = list_nth(hit->views, v);

		foreach(lc, jointree_clauses((Node *) top->query->jointree, NIL))
		{
			Node	   *clause = lfirst(lc);
			int			w;

			for (w = v; w < list_length(hit->views) && clause; w++)
			{
				ViewStep   *step = list_nth(hit->views, w);
				RangeTblEntry *rte = rt_fetch(step->rti, step->query->rtable);

				clause = lift_clause(clause, step->rti, rte->subquery);
			}
			if (clause)
				classify_top(&cx, clause);
		}
	}

	/* a hash key given on some of its columns only */
	if (cx.strategy == PARTITION_STRATEGY_HASH && cx.nkeys > 1 &&
		cx.anymask != 0 && (all_keys(&cx) & ~cx.eqmask) != 0)
		note(&cx, PS_PRED_HASH_PARTIAL,
			 psprintf("the query gives %s by equality but not %s",
					  mask_names(&cx, cx.eqmask & all_keys(&cx)),
					  mask_names(&cx, all_keys(&cx) & ~cx.eqmask)),
			 psprintf("add %s to the query (= or IS NULL), or hash-partition on the columns every query gives",
					  mask_names(&cx, all_keys(&cx) & ~cx.eqmask)));
	return f;
}

/* ----------------------------------------------------------------
 * Diagnosis
 * ----------------------------------------------------------------
 */

static char *
join_other(List *names)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, names)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, (char *) lfirst(lc));
	}
	return buf.data;
}

/* The first failure class found, in order of how much it says. */
static int
first_failure(PsPredFindings *f)
{
	static const PsPredClass order[] = {
		PS_PRED_COLLATION, PS_PRED_WRAPPED, PS_PRED_EXPR_KEY,
		PS_PRED_MISMATCH, PS_PRED_VOLATILE, PS_PRED_NULL_ARRAY,
		PS_PRED_ARRAY_EXPR, PS_PRED_UNKNOWN_TEST, PS_PRED_HASH_RANGE,
		PS_PRED_NE, PS_PRED_OR_MIXED, PS_PRED_OR_KEYS, PS_PRED_HASH_PARTIAL,
		PS_PRED_OTHER_OP
	};
	int			i;

	for (i = 0; i < (int) lengthof(order); i++)
	{
		if (f->found[order[i]])
			return order[i];
	}
	return -1;
}

/* Did the query say anything about this level's own key? */
static bool
own_key_used(PsPredFindings *f)
{
	int			i;

	for (i = 0; i < PS_PRED_NCLASSES; i++)
	{
		if (i != PS_PRED_NONE && f->found[i])
			return true;
	}
	return false;
}

static char *
lock_warning(PsPruneRow *row)
{
	return psprintf("; PostgreSQL 15 locks all %d leaves of this generic plan at every execution before startup pruning removes them, a known cause of slow prepared statements on heavily partitioned tables",
					row->leaves_in_plan);
}

#define LOCK_SUGGESTION "SET plan_cache_mode = force_custom_plan for the sessions or functions that run this statement (ALTER FUNCTION ... SET plan_cache_mode = force_custom_plan), so that each execution prunes at plan time"

/* P == T and startup pruning on this level's key: why not at plan time. */
static void
diagnose_startup(PsPruneRow *row, PsPredFindings *f, const char *k,
				 bool generic, bool many)
{
	int			T = row->leaves_total;
	const char *also_exec = row->prunable_at_exec ?
		(f->found[PS_PRED_INITPLAN] ?
		 "; the initplan's result prunes more once execution starts" :
		 "; execution can prune more") : "";

	if (f->found[PS_PRED_NULL_ARRAY])
		row->diagnosis = psprintf("%s: the planner prunes only with immutable operators, so no row is found at executor startup instead of at plan time%s",
								  f->detail[PS_PRED_NULL_ARRAY],
								  many ? lock_warning(row) : "");
	else if (f->found[PS_PRED_EXTPARAM] && generic)
		row->diagnosis = psprintf("%s is compared with a parameter (%s): the generic plan keeps all %d leaves and prunes at executor startup%s%s",
								  k, f->detail[PS_PRED_EXTPARAM], T, also_exec,
								  many ? lock_warning(row) : "");
	else if (f->found[PS_PRED_STABLE_OP] && !f->found[PS_PRED_STABLE])
	{
		row->diagnosis = psprintf("type mismatch: %s uses a cross-type operator that is not immutable, so pruning waits for executor startup%s%s",
								  f->detail[PS_PRED_STABLE_OP], also_exec,
								  many ? lock_warning(row) : "");
		row->suggestion = f->rewrite[PS_PRED_STABLE_OP];
		return;
	}
	else
		row->diagnosis = psprintf("%s is compared with a value known only at executor startup (%s): pruned at executor startup, not at plan time%s%s",
								  k,
								  f->detail[PS_PRED_STABLE] ? f->detail[PS_PRED_STABLE] :
								  f->detail[PS_PRED_EXTPARAM] ? f->detail[PS_PRED_EXTPARAM] :
								  "a parameter or a stable function",
								  also_exec, many ? lock_warning(row) : "");
	if (many)
		row->suggestion = pstrdup(LOCK_SUGGESTION);
}

/* P == T and pruning during execution on this level's key. */
static void
diagnose_exec(PsPruneRow *row, PsPredFindings *f, const char *k)
{
	int			T = row->leaves_total;

	if (f->found[PS_PRED_INITPLAN] && !f->found[PS_PRED_EXEC] &&
		!f->found[PS_PRED_JOIN])
		row->diagnosis = psprintf("%s is compared with the result of an uncorrelated subquery (%s): an initplan, run once when execution starts; the plan keeps all %d leaves and those its result excludes are never executed (pruned during execution, not at executor startup)",
								  k, f->detail[PS_PRED_INITPLAN], T);
	else if (f->found[PS_PRED_JOIN])
		row->diagnosis = psprintf("%s is joined (%s): pruned only during execution, for each outer row of a parameterized nested loop", k, f->detail[PS_PRED_JOIN]);
	else
		row->diagnosis = psprintf("%s is compared with a value computed during execution (%s): pruned only during execution", k,
								  f->detail[PS_PRED_EXEC] ? f->detail[PS_PRED_EXEC] :
								  f->detail[PS_PRED_INITPLAN] ? f->detail[PS_PRED_INITPLAN] :
								  "a subquery");
}

/* No pruning at all, and the query's predicates say why. */
static bool
diagnose_failure(PsPruneRow *row, PsPredFindings *f, const char *k)
{
	switch (first_failure(f))
	{
		case PS_PRED_COLLATION:
			row->diagnosis = psprintf("collation mismatch: %s: the planner prunes only with comparisons under the partition key's collation: no pruning",
									  f->detail[PS_PRED_COLLATION]);
			row->suggestion = psprintf("compare under the key's collation: %s",
									   f->rewrite[PS_PRED_COLLATION]);
			return true;
		case PS_PRED_WRAPPED:
			row->diagnosis = psprintf("the partition key %s is wrapped in %s: no pruning", k,
									  f->detail[PS_PRED_WRAPPED]);
			row->suggestion = f->rewrite[PS_PRED_WRAPPED] ?
				psprintf("compare the bare key: %s", f->rewrite[PS_PRED_WRAPPED]) :
				psprintf("compare the bare key %s with constants that select the same rows", k);
			return true;
		case PS_PRED_EXPR_KEY:
			row->diagnosis = psprintf("%s: no pruning", f->detail[PS_PRED_EXPR_KEY]);
			row->suggestion = psprintf("filter on the key expression: %s", f->rewrite[PS_PRED_EXPR_KEY]);
			return true;
		case PS_PRED_MISMATCH:
			row->diagnosis = psprintf("type mismatch: %s: no pruning", f->detail[PS_PRED_MISMATCH]);
			row->suggestion = psprintf("compare with a value of the key's type: %s", f->rewrite[PS_PRED_MISMATCH]);
			return true;
		case PS_PRED_VOLATILE:
			row->diagnosis = psprintf("%s is compared with a volatile expression (%s): no pruning, not even at run time", k,
									  f->detail[PS_PRED_VOLATILE]);
			row->suggestion = pstrdup("compute the value first and pass it as a constant or parameter, or use a stable function (now() rather than clock_timestamp())");
			return true;
		case PS_PRED_NULL_ARRAY:
			row->diagnosis = psprintf("%s: the planner prunes only with immutable operators, and PostgreSQL (15 to 18) turns run-time pruning off when it finds the contradiction: all %d leaves are scanned to return no row",
									  f->detail[PS_PRED_NULL_ARRAY],
									  row->leaves_total);
			row->suggestion = pstrdup(f->rewrite[PS_PRED_NULL_ARRAY]);
			return true;
		case PS_PRED_ARRAY_EXPR:
			row->diagnosis = psprintf("%s is compared with = ANY over an array that an expression computes (%s): PostgreSQL prunes = ANY only over a constant array, ARRAY[...] or (in a custom plan) a parameter: no pruning, not even at run time", k,
									  f->detail[PS_PRED_ARRAY_EXPR]);
			row->suggestion = psprintf("pass the array in the key's type: %s, or list the values with IN (...)",
									   f->rewrite[PS_PRED_ARRAY_EXPR]);
			return true;
		case PS_PRED_UNKNOWN_TEST:
			row->diagnosis = psprintf("%s: PostgreSQL before 17 does not use IS [NOT] UNKNOWN for partition pruning (this server is %d): no pruning",
									  f->detail[PS_PRED_UNKNOWN_TEST], PG_VERSION_NUM / 10000);
			row->suggestion = psprintf("write %s, which selects the same rows and prunes",
									   f->rewrite[PS_PRED_UNKNOWN_TEST]);
			return true;
		case PS_PRED_HASH_RANGE:
			row->diagnosis = psprintf("%s is hash-partitioned and compared with a range operator (%s): hash partitions prune on equality only", k,
									  f->detail[PS_PRED_HASH_RANGE]);
			row->suggestion = psprintf("use %s, or partition by RANGE on %s if range queries dominate", f->rewrite[PS_PRED_HASH_RANGE], k);
			return true;
		case PS_PRED_NE:
			row->diagnosis = psprintf("%s is compared with <> or NOT IN (%s): these do not prune", k, f->detail[PS_PRED_NE]);
			row->suggestion = psprintf("list the wanted values or ranges of %s (= ANY, IN, BETWEEN)", k);
			return true;
		case PS_PRED_OR_MIXED:
			row->diagnosis = psprintf("OR across %s and another column (%s): no pruning", k, join_other(f->other_columns));
			row->suggestion = pstrdup("split the OR into a UNION ALL of one query per branch, each pruning on its own");
			return true;
		case PS_PRED_OR_KEYS:
			row->diagnosis = psprintf("OR across the key columns: %s; %s, so that branch keeps every partition and so does the OR: no pruning",
									  f->detail[PS_PRED_OR_KEYS],
									  f->strategy == PARTITION_STRATEGY_HASH ?
									  "a hash key prunes only with an equality (or IS NULL) on every key column" :
									  psprintf("a %s key prunes only with a predicate on its first column %s",
											   f->strategy == PARTITION_STRATEGY_RANGE ? "range" : "list", k));
			row->suggestion = pstrdup(f->rewrite[PS_PRED_OR_KEYS]);
			return true;
		case PS_PRED_HASH_PARTIAL:
			row->diagnosis = psprintf("the hash key has %d columns and %s: the hash of a row needs every key column, so a hash key prunes only when each has = or IS NULL: no pruning",
									  f->nkeys, f->detail[PS_PRED_HASH_PARTIAL]);
			row->suggestion = pstrdup(f->rewrite[PS_PRED_HASH_PARTIAL]);
			return true;
		case PS_PRED_OTHER_OP:
			row->diagnosis = psprintf("%s is compared with an operator that partition pruning cannot use (%s)", k, f->detail[PS_PRED_OTHER_OP]);
			row->suggestion = psprintf("compare %s with =, <, <=, >, >=, IN or BETWEEN", k);
			return true;
		default:
			return false;
	}
}

/* Why the row's numbers are what they are, and what to change. */
void
ps_diagnose(PsPruneRow *row, PsPredFindings *f, bool pruning_on)
{
	const char *k = f->keyname ? f->keyname : "the key";
	int			T = row->leaves_total;
	int			P = row->leaves_in_plan;
	bool		generic = strcmp(row->plan_kind, "generic") == 0;
	bool		many = generic && row->prunable_at_startup &&
		P > ps_pruning_lock_warning_leaves;
	bool		own = own_key_used(f);

	if (!pruning_on)
	{
		row->diagnosis = pstrdup("enable_partition_pruning is off: no partition is pruned at plan time or at run time");
		row->suggestion = pstrdup("SET enable_partition_pruning = on");
		return;
	}
	if (T == 0)
	{
		row->diagnosis = pstrdup("the table has no partitions");
		return;
	}
	if (P == 0)
	{
		row->diagnosis = psprintf("every leaf pruned at plan time: no partition matches the predicates%s",
								  strcmp(row->plan_kind, "custom") == 0 ?
								  " with the representative parameter values" : "");
		return;
	}
	if (P < T)
	{
		row->diagnosis = psprintf("pruned at plan time%s: %d of %d leaves kept%s%s%s",
								  own ? "" :
								  psprintf(" by the keys of the partitions below (no predicate on %s)", k),
								  P, T,
								  row->prunable_at_startup ? "; executor startup can prune more" : "",
								  row->prunable_at_exec ? "; execution can prune more" : "",
								  many ? lock_warning(row) : "");
		if (many)
			row->suggestion = pstrdup(LOCK_SUGGESTION);
		return;
	}

	/* P == T: nothing pruned at plan time */
	if (T == 1 && !row->prunable_at_startup && !row->prunable_at_exec)
	{
		row->diagnosis = pstrdup("a single leaf: nothing to prune");
		return;
	}

	/*
	 * Run-time pruning that only the sub-partitioned levels below do: on
	 * their keys, not on this level's.
	 */
	if ((row->prunable_at_startup || row->prunable_at_exec) &&
		!row->startup_self && !row->exec_self)
	{
		row->diagnosis = psprintf("nothing is pruned on %s at this level (%s); the sub-partitioned partitions below prune on their own keys %s",
								  k,
								  own ? "its predicates prune no partition of it" :
								  "no predicate on it",
								  row->prunable_at_startup && row->prunable_at_exec ?
								  "at executor startup and during execution" :
								  row->prunable_at_startup ? "at executor startup" :
								  "during execution");
		if (!own)
			row->suggestion = psprintf("add a predicate on %s to prune whole sub-partitioned partitions", k);
		return;
	}
	if (row->prunable_at_startup && row->startup_self)
	{
		diagnose_startup(row, f, k, generic, many);
		return;
	}
	if (row->prunable_at_exec)
	{
		diagnose_exec(row, f, k);
		return;
	}

	/* no pruning at all: say why */
	if (diagnose_failure(row, f, k))
		return;
	if (f->found[PS_PRED_JOIN])
	{
		row->diagnosis = psprintf("%s is joined (%s) but the join is not a parameterized nested loop: no pruning", k, f->detail[PS_PRED_JOIN]);
		row->suggestion = psprintf("add a predicate on %s known at plan time (e.g. the range the joined rows cover), or make a nested loop with an index on %s possible", k, k);
		return;
	}
	if (f->nkeys > 1 && f->strategy == PARTITION_STRATEGY_RANGE &&
		!f->first_key_used &&
		(f->found[PS_PRED_CONST] || f->found[PS_PRED_EXTPARAM] ||
		 f->found[PS_PRED_STABLE]))
	{
		row->diagnosis = psprintf("the range key has %d columns and the query compares only later ones: range pruning needs a predicate on the first column %s",
								  f->nkeys, k);
		row->suggestion = psprintf("add a predicate on %s", k);
		return;
	}
	if (generic && f->found[PS_PRED_EXTPARAM] && !f->found[PS_PRED_CONST])
	{
		row->diagnosis = psprintf("%s is compared with a parameter in a form run-time pruning cannot use (%s): the generic plan keeps all %d leaves",
								  k, f->detail[PS_PRED_EXTPARAM], T);
		row->suggestion = pstrdup("SET plan_cache_mode = force_custom_plan for this statement, or compare the key with scalar parameters");
		return;
	}
	if (f->found[PS_PRED_CONST] || f->found[PS_PRED_EXTPARAM] ||
		f->found[PS_PRED_STABLE] || f->found[PS_PRED_STABLE_OP])
	{
		row->diagnosis = psprintf("the predicates on %s match every partition", k);
		return;
	}
	if (f->other_columns != NIL)
		row->diagnosis = psprintf("no predicate on the partition key %s; the query filters on %s", k, join_other(f->other_columns));
	else
		row->diagnosis = psprintf("no predicate on the partition key %s", k);
	row->suggestion = psprintf("add a predicate on %s, or choose a key the workload filters on (partstrat_key_candidates)", k);
}
