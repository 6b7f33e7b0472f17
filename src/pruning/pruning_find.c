/*-------------------------------------------------------------------------
 *
 * pruning_find.c
 *	  Where a query's predicates on a partitioned table are: one occurrence
 *	  of the table in the rewritten query trees, the WHERE and JOIN ... ON
 *	  clauses of its level and of the levels above it when it is reached
 *	  through views or subqueries in FROM (lifted onto the table's columns).
 *
 * ps_find_predicates() is the entry point: it loads the partition key of
 * the level asked for (load_key) and hands every clause to the classifier
 * (pruning_classify.c).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning_find.c
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
	cx->keyraw = palloc0(sizeof(Node *) * pk->partnatts);
	cx->keyrel = level_relid;
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
			cx->keyraw[i] = copyObject(e);
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
			e = pd_normalize_mutator(e, NULL);
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
	pd_classify_jointree(&cx, (Node *) cx.query->jointree);

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
				pd_classify_top(&cx, clause);
		}
	}

	/* a hash key given on some of its columns only */
	if (cx.strategy == PARTITION_STRATEGY_HASH && cx.nkeys > 1 &&
		cx.anymask != 0 && (pd_all_keys(&cx) & ~cx.eqmask) != 0)
		pd_note(&cx, PS_PRED_HASH_PARTIAL,
			 psprintf("the query gives %s by equality but not %s",
					  pd_mask_names(&cx, cx.eqmask & pd_all_keys(&cx)),
					  pd_mask_names(&cx, pd_all_keys(&cx) & ~cx.eqmask)),
			 psprintf("add %s to the query (= or IS NULL), or hash-partition on the columns every query gives",
					  pd_mask_names(&cx, pd_all_keys(&cx) & ~cx.eqmask)));
	return f;
}
