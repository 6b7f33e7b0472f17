/*-------------------------------------------------------------------------
 *
 * pruning_diag.c
 *	  Why a plan prunes or does not: ps_diagnose() combines the classified
 *	  predicates (pruning_find.c, pruning_classify.c) with what the plan
 *	  shows (pruning.c) into one sentence and, where one exists, an
 *	  equivalent predicate that prunes.
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

/*
 * Nothing pruned, and no predicate form that defeats pruning: a join that
 * is no parameterized nested loop, a later column of a range key, a
 * parameter the generic plan cannot use, predicates that match every
 * partition, or no predicate on the key at all.
 */
static void
diagnose_no_pruning(PsPruneRow *row, PsPredFindings *f, const char *k,
					bool generic)
{
	int			T = row->leaves_total;

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
	if (!diagnose_failure(row, f, k))
		diagnose_no_pruning(row, f, k, generic);
}
