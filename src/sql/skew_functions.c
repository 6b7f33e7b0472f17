/*-------------------------------------------------------------------------
 *
 * skew_functions.c
 *	  The SQL-callable skew measures: partstrat_skew() and
 *	  partstrat_skew_summary().
 *
 * Each opens the tree (ps_open_tree), runs the analysis (skew.c, over the
 * facts of skew_facts.c) and turns its structs into rows, rounded for
 * display; the definitions of the measures are in skew.c and in
 * docs/reference.md.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/sql/skew_functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "compat.h"
#include "partstrat.h"
#include "skew.h"

PG_FUNCTION_INFO_V1(partstrat_skew);
PG_FUNCTION_INFO_V1(partstrat_skew_summary);

static double
round_to(double x, int digits)
{
	double		f = pow(10, digits);

	return rint(x * f) / f;
}

static void
notice_no_stats(PsSkew *s, const char *funcname)
{
	if (!s->stats_readable)
		ereport(NOTICE,
				(errmsg("%s: no access to pg_stats of \"%s\": results are size-based",
						funcname, get_rel_name(s->tree->root)),
				 errdetail("Most-common key values need SELECT on the table or its partition key columns."),
				 errhint("Grant SELECT on the partition key columns to see the heavy key values.")));
}

/*
 * The common start of both SRFs: the tuplestore set up, the tree opened and
 * analysed (exact counts with the second argument).  NULL for a NULL
 * table, which returns no rows.
 */
static PsSkew *
open_and_analyze(FunctionCallInfo fcinfo, const char *funcname, int flags,
				 bool *exact)
{
	PsTree	   *tree;

	ps_init_materialized_srf(fcinfo);
	*exact = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	if (PG_ARGISNULL(0))
		return NULL;
	tree = ps_open_tree(PG_GETARG_OID(0), funcname, flags);
	return ps_skew_analyze(tree, *exact);
}

#define SKEW_COLS 16

Datum
partstrat_skew(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		exact;
	PsSkew	   *s = open_and_analyze(fcinfo, "partstrat_skew", 0, &exact);
	PsTree	   *tree;
	int			i;

	if (s == NULL)
		return (Datum) 0;
	tree = s->tree;
	notice_no_stats(s, "partstrat_skew");

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];
		Datum		values[SKEW_COLS];
		bool		nulls[SKEW_COLS];
		char	   *heavy;
		int			c = 0;

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		values[c++] = ObjectIdGetDatum(p->relid);
		values[c++] = ObjectIdGetDatum(p->parentid);
		values[c++] = Int32GetDatum(p->level);
		values[c] = Int64GetDatum(l->rows);
		nulls[c++] = l->rows < 0;
		values[c++] = CStringGetTextDatum(exact && !l->detach_pending ? "count" :
										  l->rows_pgstat ? "pg_stat" :
										  ps_rows_source_name(p->rows_source));
		values[c] = Int64GetDatum(l->bytes);
		nulls[c++] = l->bytes < 0 || !tree->sizes_known;
		values[c] = Float8GetDatum(round_to(l->share, 4));
		nulls[c++] = l->rows < 0 || l->detach_pending;
		values[c] = Float8GetDatum(round_to(l->ratio_to_median, 2));
		nulls[c++] = !l->has_ratio;
		values[c] = Float8GetDatum(round_to(l->robust_z, 2));
		nulls[c++] = !l->has_ratio;
		values[c] = Float8GetDatum(round_to(l->density, 2));
		nulls[c++] = !l->has_density;
		values[c] = l->density_unit ? CStringGetTextDatum(l->density_unit) : (Datum) 0;
		nulls[c++] = !l->has_density;
		values[c] = Float8GetDatum(round_to(l->expected_share, 4));
		nulls[c++] = l->expected_share < 0;
		values[c] = Float8GetDatum(l->chi2_p);
		nulls[c++] = l->chi2_p < 0;
		heavy = ps_heavy_json(l, NULL);
		values[c] = heavy ? DirectFunctionCall1(jsonb_in, CStringGetDatum(heavy)) : (Datum) 0;
		nulls[c++] = heavy == NULL;
		values[c++] = ps_flags_array(l->flags);
		values[c++] = CStringGetTextDatum(s->hot_source);
		Assert(c == SKEW_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

#define SKEW_SUMMARY_COLS 11

Datum
partstrat_skew_summary(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		exact;
	PsSkew	   *s = open_and_analyze(fcinfo, "partstrat_skew_summary",
									 PS_TREE_NO_SIZES, &exact);
	int			i;

	if (s == NULL)
		return (Datum) 0;

	for (i = 0; i < s->nlevels; i++)
	{
		PsLevelSkew *L = &s->levels[i];
		Datum		values[SKEW_SUMMARY_COLS];
		bool		nulls[SKEW_SUMMARY_COLS];
		int			c = 0;

		memset(nulls, 0, sizeof(nulls));
		values[c++] = Int32GetDatum(L->level);
		values[c] = L->strategy ? CStringGetTextDatum(L->strategy) : (Datum) 0;
		nulls[c++] = L->strategy == NULL;
		values[c++] = Int32GetDatum(L->nodes);
		values[c++] = Int64GetDatum(L->rows);
		values[c++] = Float8GetDatum(round_to(L->gini, 4));
		values[c++] = Float8GetDatum(round_to(L->cv, 4));
		values[c] = Float8GetDatum(round_to(L->max_median, 2));
		nulls[c++] = L->max_median < 0;
		values[c++] = Float8GetDatum(round_to(L->default_share, 4));
		values[c] = Float8GetDatum(round_to(L->chi2, 2));
		nulls[c++] = !L->is_hash || !s->exact;
		values[c] = Int32GetDatum(L->dof);
		nulls[c++] = !L->is_hash;
		values[c] = Float8GetDatum(L->chi2_p);
		nulls[c++] = L->chi2_p < 0;
		Assert(c == SKEW_SUMMARY_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
