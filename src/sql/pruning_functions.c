/*-------------------------------------------------------------------------
 *
 * pruning_functions.c
 *	  The SQL-callable pruning report: partstrat_explain_pruning(),
 *	  partstrat_workload_pruning(), partstrat_workload_statements() and
 *	  partstrat_key_candidates().
 *
 * Arguments in, rows out: a query is prepared by ps_prepare_query() and
 * planned, diagnosed and (with actual) run by ps_explain_pruning()
 * (src/pruning/pruning.c); the workload is read and classified by
 * ps_workload_tables() and ps_workload_statements() (workload.c), the key
 * candidates by ps_key_candidates() (key_candidates.c).  This file only
 * turns their structs into tuples.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/sql/pruning_functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/array.h"
#include "utils/numeric.h"

#include "compat.h"
#include "partstrat.h"
#include "pruning.h"

PG_FUNCTION_INFO_V1(partstrat_explain_pruning);
PG_FUNCTION_INFO_V1(partstrat_workload_pruning);
PG_FUNCTION_INFO_V1(partstrat_workload_statements);
PG_FUNCTION_INFO_V1(partstrat_key_candidates);

/* A share as numeric rounded to 3 digits. */
static Datum
round3(float8 v)
{
	return DirectFunctionCall2(numeric_round,
							   DirectFunctionCall1(float8_numeric,
												   Float8GetDatum(v)),
							   Int32GetDatum(3));
}

#define EXPLAIN_PRUNING_COLS 13

/* The share of leaves pruned, of total, when kept remain. */
static Datum
ratio_numeric(int total, int kept)
{
	return round3((float8) (total - kept) / (float8) total);
}

Datum
partstrat_explain_pruning(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *query_string = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		actual = PG_GETARG_BOOL(1);
	PsPrepared *prep;
	List	   *rows;
	ListCell   *lc;

	ps_init_materialized_srf(fcinfo);
	prep = ps_prepare_query(query_string, false);
	rows = ps_explain_pruning(prep, actual);

	foreach(lc, rows)
	{
		PsPruneRow *row = lfirst(lc);
		Datum		values[EXPLAIN_PRUNING_COLS];
		bool		nulls[EXPLAIN_PRUNING_COLS];
		int			c = 0;
		int			kept;

		memset(nulls, 0, sizeof(nulls));
		values[c++] = CStringGetTextDatum(row->plan_kind);
		values[c++] = ObjectIdGetDatum(row->parent);
		values[c++] = Int32GetDatum(row->leaves_total);
		values[c++] = Int32GetDatum(row->leaves_in_plan);
		values[c++] = Int32GetDatum(Max(row->leaves_total - row->leaves_in_plan, 0));
		values[c++] = BoolGetDatum(row->prunable_at_startup);
		values[c++] = BoolGetDatum(row->prunable_at_exec);
		if (row->have_actual)
		{
			values[c++] = Int32GetDatum(row->pruned_at_startup);
			values[c++] = Int32GetDatum(row->pruned_at_exec);
			values[c++] = Int32GetDatum(row->leaves_executed);
		}
		else
		{
			nulls[c++] = true;
			nulls[c++] = true;
			nulls[c++] = true;
		}
		/* leaves left after every stage of pruning (not a LIMIT's stop) */
		kept = row->leaves_in_plan;
		if (row->have_actual)
			kept -= row->pruned_at_startup + row->pruned_at_exec;
		if (row->leaves_total > 0)
			values[c++] = ratio_numeric(row->leaves_total,
										Max(Min(kept, row->leaves_total), 0));
		else
			nulls[c++] = true;
		if (row->diagnosis)
			values[c++] = CStringGetTextDatum(row->diagnosis);
		else
			nulls[c++] = true;
		if (row->suggestion)
			values[c++] = CStringGetTextDatum(row->suggestion);
		else
			nulls[c++] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* part / whole rounded to 3 digits; 0 for an empty whole. */
static Datum
share_numeric(float8 part, float8 whole)
{
	if (whole <= 0)
		return DirectFunctionCall1(float8_numeric, Float8GetDatum(0.0));
	return round3(part / whole);
}

#define WORKLOAD_COLS 15

/* partstrat_workload_pruning(parent): one row per partitioned table */
Datum
partstrat_workload_pruning(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			parent = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	ListCell   *lc;

	ps_init_materialized_srf(fcinfo);
	/* NULL means every parent; an invalid OID ('-') is not NULL */
	if (!PG_ARGISNULL(0))
		ps_check_partitioned(parent, "partstrat_workload_pruning");

	foreach(lc, ps_workload_tables(parent))
	{
		PsWorkloadTable *t = lfirst(lc);
		Datum		values[WORKLOAD_COLS];
		bool		nulls[WORKLOAD_COLS];
		int			c = 0;
		int			k;

		memset(nulls, 0, sizeof(nulls));
		values[c++] = ObjectIdGetDatum(t->relid);
		values[c++] = Int32GetDatum(t->nstatements);
		values[c++] = Int64GetDatum(t->all_calls);
		values[c++] = Int32GetDatum(t->nfailed);
		for (k = 0; k < PS_NCLASSES; k++)
			values[c++] = share_numeric((float8) t->calls[k], (float8) t->all_calls);
		for (k = 0; k < PS_NCLASSES; k++)
			values[c++] = share_numeric(t->times[k], t->all_time);
		if (t->worst)
		{
			values[c++] = Int64GetDatum(t->worst->queryid);
			values[c++] = CStringGetTextDatum(t->worst_row->diagnosis ?
											  t->worst_row->diagnosis : "");
			values[c++] = t->worst_row->suggestion ?
				CStringGetTextDatum(t->worst_row->suggestion) : (Datum) 0;
			nulls[c - 1] = t->worst_row->suggestion == NULL;
		}
		else
		{
			nulls[c++] = true;
			nulls[c++] = true;
			nulls[c++] = true;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

#define STATEMENT_COLS 13

/* partstrat_workload_statements(parent): one row per statement */
Datum
partstrat_workload_statements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			parent = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	ListCell   *lc;

	ps_init_materialized_srf(fcinfo);
	/* NULL means every parent; an invalid OID ('-') is not NULL */
	if (!PG_ARGISNULL(0))
		ps_check_partitioned(parent, "partstrat_workload_statements");

	foreach(lc, ps_workload_statements(parent))
	{
		PsWorkloadStatement *ws = lfirst(lc);
		PsStatement *st = ws->st;
		PsPruneRow *row = ws->row;
		Datum		values[STATEMENT_COLS];
		bool		nulls[STATEMENT_COLS];
		int			c = 0;

		if (row == NULL)
		{
			/* a statement that failed: its error, no plan */
			memset(nulls, true, sizeof(nulls));
			values[1] = Int64GetDatum(st->queryid);
			nulls[1] = false;
			values[2] = CStringGetTextDatum(st->query);
			nulls[2] = false;
			values[3] = Int64GetDatum(st->calls);
			nulls[3] = false;
			values[4] = Float8GetDatum(st->total_time);
			nulls[4] = false;
			values[5] = CStringGetTextDatum(ws->class_name);
			nulls[5] = false;
			values[12] = CStringGetTextDatum(st->error);
			nulls[12] = false;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			continue;
		}
		memset(nulls, 0, sizeof(nulls));
		values[c++] = ObjectIdGetDatum(row->parent);
		values[c++] = Int64GetDatum(st->queryid);
		values[c++] = CStringGetTextDatum(st->query);
		values[c++] = Int64GetDatum(st->calls);
		values[c++] = Float8GetDatum(st->total_time);
		values[c++] = CStringGetTextDatum(ws->class_name);
		values[c++] = Int32GetDatum(row->leaves_total);
		values[c++] = Int32GetDatum(row->leaves_in_plan);
		if (ws->generic)
			values[c++] = Int32GetDatum(ws->generic->leaves_in_plan);
		else
			nulls[c++] = true;
		values[c++] = CStringGetTextDatum(row->diagnosis ? row->diagnosis : "");
		if (row->suggestion)
			values[c++] = CStringGetTextDatum(row->suggestion);
		else
			nulls[c++] = true;
		/* the generic plan's diagnosis when it differs (locking warning) */
		if (ws->generic && ws->generic->diagnosis)
			values[c++] = CStringGetTextDatum(ws->generic->diagnosis);
		else
			nulls[c++] = true;
		nulls[c++] = true;		/* error */
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

static Datum
text_array(List *names)
{
	int			n = list_length(names);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, names)
		elems[i++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

#define KEY_CANDIDATE_COLS 14

/* partstrat_key_candidates(table): one row per column the workload uses */
Datum
partstrat_key_candidates(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	ps_init_materialized_srf(fcinfo);
	foreach(lc, ps_key_candidates(PG_GETARG_OID(0)))
	{
		PsKeyCandidate *kc = lfirst(lc);
		Datum		values[KEY_CANDIDATE_COLS];
		bool		nulls[KEY_CANDIDATE_COLS];
		int			i = 0;

		memset(nulls, 0, sizeof(nulls));
		values[i++] = CStringGetTextDatum(kc->column);
		values[i++] = text_array(kc->uses);
		values[i++] = text_array(kc->operators);
		values[i++] = Int32GetDatum(kc->statements);
		values[i++] = Int64GetDatum(kc->calls);
		values[i++] = round3(kc->share);
		if (kc->have_qualstats)
			values[i++] = Int64GetDatum(kc->qualstats);
		else
			nulls[i++] = true;
		if (kc->have_stats)
		{
			values[i++] = Float8GetDatum(kc->ndistinct);
			values[i++] = Float4GetDatum(kc->null_frac);
			if (kc->have_corr)
				values[i++] = Float4GetDatum(kc->correlation);
			else
				nulls[i++] = true;
			values[i++] = kc->ndistinct > 0 ?
				Float8GetDatum((1.0 - kc->null_frac) / kc->ndistinct) : (Datum) 0;
			nulls[i - 1] = !(kc->ndistinct > 0);
		}
		else
		{
			nulls[i++] = true;
			nulls[i++] = true;
			nulls[i++] = true;
			nulls[i++] = true;
		}
		values[i++] = CStringGetTextDatum(kc->layout);
		values[i++] = round3(kc->skipped);
		values[i++] = Int64GetDatum(kc->two_sided_calls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
