/*-------------------------------------------------------------------------
 *
 * pruning.c
 *	  ps_explain_pruning() (partstrat_explain_pruning() in
 *	  src/sql/pruning_functions.c): which partitions a query's plan keeps, at
 *	  which stage the others are pruned, and why not.
 *
 * The query string is parsed (exactly one statement, never executed unless
 * actual => true), analysed as the calling user with parameter types
 * inferred as PREPARE does, rewritten and planned by the ordinary planner:
 * once as is ('literal'), or, with parameters, once generic (the plan a
 * prepared statement runs under plan_cache_mode = force_generic_plan) and
 * once custom (parameters bound to representative values, pruning_params.c).
 * The PlannedStmt is walked -- scan nodes, Append/MergeAppend run-time
 * pruning info, subplans, CTEs -- and matched with the plan's range table
 * and its AppendRelInfos, so that every partitioned table of the plan, at
 * every level, gets one row: leaves in the catalog, leaves kept in the plan,
 * whether executor startup or execution can prune more.  The EXPLAIN text
 * is never read.  pruning_diag.c explains the numbers from the predicates.
 *
 * With actual => true a plain SELECT runs once per plan, instrumented,
 * inside a subtransaction that is always rolled back: leaves initialised
 * after startup pruning and leaves executed at least once are counted.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/parsetree.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "storage/proc.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "compat.h"
#include "partstrat.h"
#include "pruning.h"

int			ps_pruning_lock_warning_leaves = 16;

/* What one PlannedStmt says about its partitioned tables. */
typedef struct PlanFacts
{
	PlannedStmt *pstmt;
	int			nrtes;
	Index	   *parent_of;		/* [rti]: parent rti in appendRelations */
	Bitmapset  *scanned;		/* rtis read by a scan node */
	Bitmapset  *startup;		/* partitioned rtis with startup steps */
	Bitmapset  *exec;			/* partitioned rtis with exec steps */
	bool		have_actual;
	Bitmapset  *initialized;	/* actual: scans left after startup pruning */
	Bitmapset  *executed;		/* actual: scans run at least once */
} PlanFacts;

/* ----------------------------------------------------------------
 * Preparing the statement
 * ----------------------------------------------------------------
 */

/* Is the statement one the planner plans (not a utility command)? */
static bool
is_optimizable(Node *stmt)
{
	switch (nodeTag(stmt))
	{
		case T_SelectStmt:
		case T_InsertStmt:
		case T_UpdateStmt:
		case T_DeleteStmt:
		case T_MergeStmt:
			return true;
		default:
			return false;
	}
}

/* Why a rewritten statement may not be run by actual => true, or NULL. */
static const char *
not_plain_select(List *queries)
{
	Query	   *q;

	if (list_length(queries) != 1)
		return "A rule rewrites it into several statements.";
	q = linitial_node(Query, queries);
	if (q->commandType != CMD_SELECT || q->utilityStmt != NULL)
		return "It is not a SELECT.";
	if (q->hasModifyingCTE)
		return "It has a data-modifying WITH clause.";
	if (q->rowMarks != NIL || q->hasForUpdate)
		return "It locks rows (FOR UPDATE or FOR SHARE).";
	if (contain_volatile_functions((Node *) q))
		return "It calls a function marked VOLATILE.";
	return NULL;
}

/*
 * ERROR for a table of another session's temporary schema: the planner
 * would fail on it with an internal error.
 */
static bool
other_temp_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION &&
			isOtherTempNamespace(get_rel_namespace(rte->relid)))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot access temporary tables of other sessions")));
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, other_temp_walker, context,
								 QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, other_temp_walker, context);
}

/*
 * Push an error context callback for the code that follows; pop_context()
 * takes it off again, on every way out that does not raise an error.
 */
static void
push_context(ErrorContextCallback *cb, void (*callback) (void *), void *arg)
{
	cb->callback = callback;
	cb->arg = arg;
	cb->previous = error_context_stack;
	error_context_stack = cb;
}

static void
pop_context(ErrorContextCallback *cb)
{
	Assert(error_context_stack == cb);
	error_context_stack = cb->previous;
}

/*
 * Error positions of a syntax or analysis error point into the query
 * string, not into the statement that called us (as SPI does).
 */
static void
query_error_callback(void *arg)
{
	const char *query = (const char *) arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(query);
	}
	else
		errcontext("query string: %s", query);
}

/*
 * Parse, analyse and rewrite one statement.  Anything but exactly one
 * plannable statement is an ERROR; nothing is executed.
 */
PsPrepared *
ps_prepare_query(const char *query_string, bool for_workload)
{
	PsPrepared *prep = palloc0(sizeof(PsPrepared));
	List	   *raw;
	RawStmt    *rs;
	Query	   *query;
	Oid		   *paramtypes = NULL;
	int			nparams = 0;
	int			i;
	ErrorContextCallback errcb;

	push_context(&errcb, query_error_callback, (void *) query_string);

	raw = raw_parser(query_string, RAW_PARSE_DEFAULT);
	if (for_workload &&
		(list_length(raw) != 1 ||
		 !is_optimizable(linitial_node(RawStmt, raw)->stmt)))
	{
		/* a workload's utility commands are not its queries: skipped */
		pop_context(&errcb);
		return NULL;
	}
	if (raw == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("query string is empty"),
				 errhint("Pass one SELECT, INSERT, UPDATE, DELETE or MERGE statement.")));
	if (list_length(raw) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("query string holds %d statements", list_length(raw)),
				 errdetail("Only one statement is planned, and none of them was executed."),
				 errhint("Pass one statement, without a semicolon in the middle.")));
	rs = linitial_node(RawStmt, raw);
	if (!is_optimizable(rs->stmt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot explain the pruning of a %s statement",
						CreateCommandName(rs->stmt)),
				 errhint("Pass one SELECT, INSERT, UPDATE, DELETE or MERGE statement.")));

	query = parse_analyze_varparams(rs, query_string, &paramtypes, &nparams,
									NULL);
	for (i = 0; i < nparams; i++)
	{
		if (paramtypes[i] == InvalidOid || paramtypes[i] == UNKNOWNOID)
			ereport(ERROR,
					(errcode(ERRCODE_INDETERMINATE_DATATYPE),
					 errmsg("could not determine data type of parameter $%d",
							i + 1),
					 errhint("Cast the parameter, e.g. $%d::integer.", i + 1)));
	}
	if (query->commandType == CMD_UTILITY)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot explain the pruning of a %s statement",
						CreateCommandName(query->utilityStmt)),
				 errhint("Pass one SELECT, INSERT, UPDATE, DELETE or MERGE statement.")));

	prep->query_string = pstrdup(query_string);
	prep->queries = pg_rewrite_query(query);
	(void) other_temp_walker((Node *) prep->queries, NULL);
	pop_context(&errcb);
	prep->nparams = nparams;
	prep->paramtypes = paramtypes;
	prep->not_plain_reason = not_plain_select(prep->queries);
	prep->plain_select = (prep->not_plain_reason == NULL);
	return prep;
}

/* ----------------------------------------------------------------
 * Walking the plan
 * ----------------------------------------------------------------
 */

static void walk_plan(Plan *plan, PlanFacts *pf);

static void
note_prune_info(PartitionPruneInfo *ppi, PlanFacts *pf)
{
	ListCell   *lc;

	if (ppi == NULL)
		return;
	foreach(lc, ppi->prune_infos)
	{
		List	   *infos = lfirst_node(List, lc);
		ListCell   *lc2;

		foreach(lc2, infos)
		{
			PartitionedRelPruneInfo *pinfo = lfirst(lc2);

			if (pinfo->initial_pruning_steps != NIL)
				pf->startup = bms_add_member(pf->startup, pinfo->rtindex);
			if (pinfo->exec_pruning_steps != NIL)
				pf->exec = bms_add_member(pf->exec, pinfo->rtindex);
		}
	}
}

static void
walk_plan_list(List *plans, PlanFacts *pf)
{
	ListCell   *lc;

	foreach(lc, plans)
		walk_plan((Plan *) lfirst(lc), pf);
}

static void
walk_plan(Plan *plan, PlanFacts *pf)
{
	if (plan == NULL)
		return;
	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	switch (nodeTag(plan))
	{
		case T_SeqScan:
		case T_SampleScan:
		case T_IndexScan:
		case T_IndexOnlyScan:
		case T_BitmapHeapScan:
		case T_TidScan:
		case T_TidRangeScan:
			pf->scanned = bms_add_member(pf->scanned,
										 ((Scan *) plan)->scanrelid);
			break;
		case T_ForeignScan:
			if (((Scan *) plan)->scanrelid > 0)
				pf->scanned = bms_add_member(pf->scanned,
											 ((Scan *) plan)->scanrelid);
			else
				pf->scanned = bms_union(pf->scanned,
										((ForeignScan *) plan)->fs_relids);
			break;
		case T_CustomScan:
			if (((Scan *) plan)->scanrelid > 0)
				pf->scanned = bms_add_member(pf->scanned,
											 ((Scan *) plan)->scanrelid);
			walk_plan_list(((CustomScan *) plan)->custom_plans, pf);
			break;
		case T_Append:
			note_prune_info(ps_append_prune_info(pf->pstmt, (Append *) plan), pf);
			walk_plan_list(((Append *) plan)->appendplans, pf);
			break;
		case T_MergeAppend:
			note_prune_info(ps_append_prune_info(pf->pstmt, (MergeAppend *) plan), pf);
			walk_plan_list(((MergeAppend *) plan)->mergeplans, pf);
			break;
		case T_SubqueryScan:
			walk_plan(((SubqueryScan *) plan)->subplan, pf);
			break;
		case T_BitmapAnd:
			walk_plan_list(((BitmapAnd *) plan)->bitmapplans, pf);
			break;
		case T_BitmapOr:
			walk_plan_list(((BitmapOr *) plan)->bitmapplans, pf);
			break;
		default:
			break;
	}
	walk_plan(plan->lefttree, pf);
	walk_plan(plan->righttree, pf);
}

/* Scan facts, run-time pruning facts and the appendrel parent links. */
static PlanFacts *
plan_facts(PlannedStmt *pstmt)
{
	PlanFacts  *pf = palloc0(sizeof(PlanFacts));
	ListCell   *lc;

	pf->pstmt = pstmt;
	pf->nrtes = list_length(pstmt->rtable);
	pf->parent_of = palloc0(sizeof(Index) * (pf->nrtes + 1));
	foreach(lc, pstmt->appendRelations)
	{
		AppendRelInfo *ari = lfirst_node(AppendRelInfo, lc);

		if (ari->child_relid <= (Index) pf->nrtes)
			pf->parent_of[ari->child_relid] = ari->parent_relid;
	}
	walk_plan(pstmt->planTree, pf);
	/* initPlans, SubPlans and CTEs are all in subplans */
	walk_plan_list(pstmt->subplans, pf);
	return pf;
}

/* A partitioned table expanded into its partitions in this plan? */
static bool
is_partitioned_rte(PlanFacts *pf, Index rti)
{
	RangeTblEntry *rte;

	if (rti == 0 || rti > (Index) pf->nrtes)
		return false;
	rte = rt_fetch(rti, pf->pstmt->rtable);
	return rte->rtekind == RTE_RELATION &&
		rte->relkind == RELKIND_PARTITIONED_TABLE && rte->inh;
}

/* Is rti the table anc, or below it in the appendrel tree? */
static bool
descends_from(PlanFacts *pf, Index rti, Index anc)
{
	int			guard = 0;

	while (rti != 0 && guard++ <= pf->nrtes)
	{
		if (rti == anc)
			return true;
		rti = pf->parent_of[rti];
	}
	return false;
}

static int
count_under(PlanFacts *pf, Bitmapset *set, Index anc)
{
	int			n = 0;
	int			x = -1;

	while ((x = bms_next_member(set, x)) >= 0)
	{
		if (x > pf->nrtes || is_partitioned_rte(pf, x))
			continue;
		if ((Index) x != anc && descends_from(pf, x, anc))
			n++;
	}
	return n;
}

static bool
any_under(PlanFacts *pf, Bitmapset *set, Index anc)
{
	int			x = -1;

	while ((x = bms_next_member(set, x)) >= 0)
	{
		if (x <= pf->nrtes && descends_from(pf, x, anc))
			return true;
	}
	return false;
}

/*
 * A cache of catalog facts (leaf counts, bound trees) for the duration of
 * one top-level statement: partstrat_workload_pruning() plans a thousand
 * statements against the same tables.  It lives in a child of
 * TopTransactionContext (which survives the per-statement subtransactions)
 * and is dropped when the transaction or the statement changes.
 */
typedef struct PsCacheEntry
{
	Oid			relid;
	int			nleaves;		/* -1 until counted */
	PsTree	   *tree;			/* NULL until built */
} PsCacheEntry;

static MemoryContext cache_cxt = NULL;
static List *cache_entries = NIL;
static LocalTransactionId cache_lxid = InvalidLocalTransactionId;
static TimestampTz cache_stmt = 0;

static PsCacheEntry *
cache_entry(Oid relid)
{
	ListCell   *lc;
	PsCacheEntry *e;
	MemoryContext old;

	if (cache_cxt == NULL || cache_lxid != ps_my_lxid() ||
		cache_stmt != GetCurrentStatementStartTimestamp())
	{
		/* a context of an ended transaction is already gone */
		if (cache_cxt != NULL && cache_lxid == ps_my_lxid())
			MemoryContextDelete(cache_cxt);
		cache_cxt = AllocSetContextCreate(TopTransactionContext,
										  "partstrat pruning cache",
										  ALLOCSET_DEFAULT_SIZES);
		cache_entries = NIL;
		cache_lxid = ps_my_lxid();
		cache_stmt = GetCurrentStatementStartTimestamp();
	}
	foreach(lc, cache_entries)
	{
		e = lfirst(lc);
		if (e->relid == relid)
			return e;
	}
	old = MemoryContextSwitchTo(cache_cxt);
	e = palloc0(sizeof(PsCacheEntry));
	e->relid = relid;
	e->nleaves = -1;
	cache_entries = lappend(cache_entries, e);
	MemoryContextSwitchTo(old);
	return e;
}

/* Leaf partitions of a partitioned table, at any depth, in the catalog. */
static int
count_leaves(Oid relid)
{
	PsCacheEntry *e = cache_entry(relid);
	List	   *all;
	ListCell   *lc;
	int			n = 0;

	if (e->nleaves >= 0)
		return e->nleaves;
	all = find_all_inheritors(relid, NoLock, NULL);
	foreach(lc, all)
	{
		char		relkind = get_rel_relkind(lfirst_oid(lc));

		if (relkind != RELKIND_PARTITIONED_TABLE && lfirst_oid(lc) != relid)
			n++;
	}
	list_free(all);
	e->nleaves = n;
	return n;
}

/* The bound tree (no sizes, no counters) of a partitioned table, cached. */
PsTree *
ps_cached_tree(Oid relid)
{
	PsCacheEntry *e = cache_entry(relid);

	if (e->tree == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(cache_cxt);

		e->tree = ps_build_tree(relid, PS_TREE_NO_SIZES | PS_TREE_NO_STATS);
		MemoryContextSwitchTo(old);
	}
	return e->tree;
}

/* ----------------------------------------------------------------
 * Running the plan (actual => true)
 * ----------------------------------------------------------------
 */

static void walk_state(PlanState *ps, PlanFacts *pf, bool after_run);

static void
walk_state_array(PlanState **states, int n, PlanFacts *pf, bool after_run)
{
	int			i;

	for (i = 0; i < n; i++)
		walk_state(states[i], pf, after_run);
}

static void
walk_state(PlanState *ps, PlanFacts *pf, bool after_run)
{
	ListCell   *lc;

	if (ps == NULL)
		return;
	check_stack_depth();

	if (after_run && ps->instrument)
		InstrEndLoop(ps->instrument);

	switch (nodeTag(ps->plan))
	{
		case T_SeqScan:
		case T_SampleScan:
		case T_IndexScan:
		case T_IndexOnlyScan:
		case T_BitmapHeapScan:
		case T_TidScan:
		case T_TidRangeScan:
		case T_ForeignScan:
		case T_CustomScan:
			{
				Index		rti = ((Scan *) ps->plan)->scanrelid;

				if (rti == 0)
					break;
				if (!after_run)
					pf->initialized = bms_add_member(pf->initialized, rti);
				else if (ps->instrument && ps->instrument->nloops > 0)
					pf->executed = bms_add_member(pf->executed, rti);
			}
			break;
		default:
			break;
	}

	switch (nodeTag(ps))
	{
		case T_AppendState:
			walk_state_array(((AppendState *) ps)->appendplans,
							 ((AppendState *) ps)->as_nplans, pf, after_run);
			break;
		case T_MergeAppendState:
			walk_state_array(((MergeAppendState *) ps)->mergeplans,
							 ((MergeAppendState *) ps)->ms_nplans, pf,
							 after_run);
			break;
		case T_SubqueryScanState:
			walk_state(((SubqueryScanState *) ps)->subplan, pf, after_run);
			break;
		case T_BitmapAndState:
			walk_state_array(((BitmapAndState *) ps)->bitmapplans,
							 ((BitmapAndState *) ps)->nplans, pf, after_run);
			break;
		case T_BitmapOrState:
			walk_state_array(((BitmapOrState *) ps)->bitmapplans,
							 ((BitmapOrState *) ps)->nplans, pf, after_run);
			break;
		case T_CustomScanState:
			foreach(lc, ((CustomScanState *) ps)->custom_ps)
				walk_state((PlanState *) lfirst(lc), pf, after_run);
			break;
		default:
			break;
	}
	walk_state(outerPlanState(ps), pf, after_run);
	walk_state(innerPlanState(ps), pf, after_run);
}

static void
walk_all_states(QueryDesc *qd, PlanFacts *pf, bool after_run)
{
	ListCell   *lc;

	walk_state(qd->planstate, pf, after_run);
	foreach(lc, qd->estate->es_subplanstates)
		walk_state((PlanState *) lfirst(lc), pf, after_run);
}

/*
 * Run the plan once, rows discarded, inside a subtransaction that is rolled
 * back whether the run succeeds or fails.  statement_timeout and query
 * cancel apply as to any statement: the caller's timer is running.
 */
static void
run_actual(PsPrepared *prep, PlanFacts *pf, ParamListInfo params)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	PsSubxact	sx;

	ps_subxact_begin(&sx, oldcxt);

	PG_TRY();
	{
		QueryDesc  *qd;

		PushActiveSnapshot(GetTransactionSnapshot());
		UpdateActiveSnapshotCommandId();
		qd = CreateQueryDesc(pf->pstmt, prep->query_string,
							 GetActiveSnapshot(), InvalidSnapshot,
							 None_Receiver, params, NULL, INSTRUMENT_ROWS);
		ExecutorStart(qd, 0);
		walk_all_states(qd, pf, false);
		ps_executor_run(qd, ForwardScanDirection, 0);
		ExecutorFinish(qd);
		walk_all_states(qd, pf, true);
		ExecutorEnd(qd);
		FreeQueryDesc(qd);
		PopActiveSnapshot();

		ps_subxact_rollback(&sx);
	}
	PG_CATCH();
	{
		ErrorData  *edata = ps_subxact_abort(&sx);

		ReThrowError(edata);
	}
	PG_END_TRY();
	pf->have_actual = true;
}

/* ----------------------------------------------------------------
 * Rows
 * ----------------------------------------------------------------
 */

static int
level_of(PlanFacts *pf, Index rti)
{
	int			level = 0;
	Index		p = pf->parent_of[rti];

	while (p != 0 && is_partitioned_rte(pf, p) && level <= pf->nrtes)
	{
		level++;
		p = pf->parent_of[p];
	}
	return level;
}

/* The root instance an rti belongs to (itself for a root). */
static Index
root_of(PlanFacts *pf, Index rti)
{
	int			guard = 0;

	while (is_partitioned_rte(pf, pf->parent_of[rti]) && guard++ <= pf->nrtes)
		rti = pf->parent_of[rti];
	return rti;
}

/* One row per partitioned table of the plan, at every level. */
static List *
plan_rows(PsPrepared *prep, PlanFacts *pf, const char *kind)
{
	List	   *rows = NIL;
	Index		rti;
	bool		pruning_on = enable_partition_pruning;

	for (rti = 1; rti <= (Index) pf->nrtes; rti++)
	{
		RangeTblEntry *rte;
		PsPruneRow *row;
		Index		root;
		int			instance = 0;
		Index		r;
		PsPredFindings *f;

		CHECK_FOR_INTERRUPTS();
		if (!is_partitioned_rte(pf, rti))
			continue;
		rte = rt_fetch(rti, pf->pstmt->rtable);
		root = root_of(pf, rti);
		/* which occurrence of the root table this is, for the predicates */
		for (r = 1; r < root; r++)
		{
			if (is_partitioned_rte(pf, r) && root_of(pf, r) == r &&
				rt_fetch(r, pf->pstmt->rtable)->relid ==
				rt_fetch(root, pf->pstmt->rtable)->relid)
				instance++;
		}

		row = palloc0(sizeof(PsPruneRow));
		row->plan_kind = kind;
		row->parent = rte->relid;
		row->level = level_of(pf, rti);
		row->leaves_total = count_leaves(rte->relid);
		row->leaves_in_plan = count_under(pf, pf->scanned, rti);
		row->prunable_at_startup = any_under(pf, pf->startup, rti);
		row->prunable_at_exec = any_under(pf, pf->exec, rti);
		row->startup_self = bms_is_member(rti, pf->startup);
		row->exec_self = bms_is_member(rti, pf->exec);
		if (pf->have_actual)
		{
			int			init = count_under(pf, pf->initialized, rti);

			row->have_actual = true;
			row->leaves_executed = count_under(pf, pf->executed, rti);
			row->pruned_at_startup = Max(row->leaves_in_plan - init, 0);
			row->pruned_at_exec = row->prunable_at_exec ?
				Max(init - row->leaves_executed, 0) : 0;
		}
		f = ps_find_predicates(prep->queries,
							   rt_fetch(root, pf->pstmt->rtable)->relid,
							   instance, rte->relid);
		ps_diagnose(row, f, pruning_on);
		rows = lappend(rows, row);
	}
	return rows;
}

/*
 * An error while planning or running the custom plan may come from a
 * representative value (a cast of it that fails): say which values.
 */
static void
custom_params_callback(void *arg)
{
	errcontext("custom plan with representative parameter values %s",
			   (const char *) arg);
}

/*
 * Plan each query of the prepared statement one way (kind) and return its
 * PsPruneRows; with actual, run each plan once first.
 */
static List *
plan_queries(PsPrepared *prep, bool actual, ParamListInfo params,
			 const char *kind, int cursor_options, ParamListInfo bound)
{
	List	   *rows = NIL;
	ListCell   *lc;

	foreach(lc, prep->queries)
	{
		Query	   *q = lfirst_node(Query, lc);
		PlannedStmt *pstmt;
		PlanFacts  *pf;

		if (q->commandType == CMD_UTILITY)
			continue;
		pstmt = pg_plan_query(copyObject(q), prep->query_string,
							  cursor_options, bound);
		/* what EXPLAIN checks in ExecutorStart */
		ps_check_plan_permissions(pstmt);
		pf = plan_facts(pstmt);
		if (actual)
			run_actual(prep, pf, params);
		rows = list_concat(rows, plan_rows(prep, pf, kind));
	}
	return rows;
}

/*
 * Plan the prepared statement (literal, or generic and custom) and return
 * its PsPruneRows; with actual, run each plan once first.
 */
List *
ps_explain_pruning(PsPrepared *prep, bool actual)
{
	List	   *rows;
	ParamListInfo params;
	ErrorContextCallback errcb;

	if (actual && !prep->plain_select)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("actual => true runs only a plain SELECT"),
				 errdetail("%s", prep->not_plain_reason),
				 errhint("Call partstrat_explain_pruning() without actual => true to see the plan only.")));

	if (prep->nparams == 0)
		return plan_queries(prep, actual, NULL, "literal",
							CURSOR_OPT_PARALLEL_OK, NULL);

	params = ps_representative_params(prep);
	rows = plan_queries(prep, actual, params, "generic",
						CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_GENERIC_PLAN, NULL);

	/* errors while planning with the values say which values they were */
	push_context(&errcb, custom_params_callback,
				 BuildParamLogString(params, NULL, 64));
	rows = list_concat(rows,
					   plan_queries(prep, actual, params, "custom",
									CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_CUSTOM_PLAN,
									params));
	pop_context(&errcb);
	return rows;
}
