/*-------------------------------------------------------------------------
 *
 * advise_functions.c
 *	  The SQL-callable advice: partstrat_advise() and partstrat_report().
 *
 * Arguments in (the target size, the retention interval, checked here),
 * tuples or text out; the advice itself is ps_advise_relation() and the
 * report's text ps_report_text() (src/advise/).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/sql/advise_functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "compat.h"
#include "partstrat.h"

PG_FUNCTION_INFO_V1(partstrat_advise);
PG_FUNCTION_INFO_V1(partstrat_report);

/* target_bytes: NULL or absent for partstrat.target_bytes, else > 0 */
static int64
target_arg(FunctionCallInfo fcinfo, int argno)
{
	int64		target;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return ps_guc_target_bytes();
	target = PG_GETARG_INT64(argno);
	if (target <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target_bytes must be positive"),
				 errdetail("target_bytes was " INT64_FORMAT ".", target),
				 errhint("Pass a size in bytes, e.g. pg_size_bytes('1GB'), or NULL for partstrat.target_bytes.")));
	return target;
}

static Datum
parts_array(PsTree *tree, Advice *a)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(a->nparts, 1));
	int			i;

	for (i = 0; i < a->nparts; i++)
		elems[i] = ObjectIdGetDatum(tree->parts[a->parts[i]].relid);
	return PointerGetDatum(construct_array(elems, a->nparts, REGCLASSOID,
										   sizeof(Oid), true, TYPALIGN_INT));
}


#define ADVISE_COLS 8

/* partstrat_advise(parent, target_bytes, retention): one row per action */
Datum
partstrat_advise(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid;
	int64		target;
	Interval   *retention = NULL;
	PsTree	   *tree;
	List	   *advice;
	ListCell   *lc;

	ps_init_materialized_srf(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	relid = PG_GETARG_OID(0);
	target = target_arg(fcinfo, 1);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		retention = PG_GETARG_INTERVAL_P(2);
		if (retention->month < 0 || retention->day < 0 || retention->time < 0 ||
			(retention->month == 0 && retention->day == 0 && retention->time == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention must be a positive interval"),
					 errhint("Pass e.g. interval '90 days', or NULL for no retention advice.")));
	}
	advice = ps_advise_relation(relid, target, retention, "partstrat_advise",
								&tree);

	foreach(lc, advice)
	{
		Advice	   *a = lfirst(lc);
		Datum		values[ADVISE_COLS];
		bool		nulls[ADVISE_COLS];
		int			c = 0;

		memset(nulls, 0, sizeof(nulls));
		values[c++] = Int32GetDatum(a->priority);
		values[c++] = CStringGetTextDatum(ps_advice_names[a->kind]);
		values[c++] = parts_array(tree, a);
		values[c++] = CStringGetTextDatum(a->reason);
		values[c++] = DirectFunctionCall1(jsonb_in,
										  CStringGetDatum(psprintf("{%s}", a->evidence.data)));
		values[c] = a->ddl ? CStringGetTextDatum(a->ddl) : (Datum) 0;
		nulls[c++] = a->ddl == NULL;
		values[c++] = Int64GetDatum(a->rows_moved);
		values[c] = a->lock ? CStringGetTextDatum(a->lock) : (Datum) 0;
		nulls[c++] = a->lock == NULL;
		Assert(c == ADVISE_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* partstrat_report(parent): the report as text */
Datum
partstrat_report(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ps_report_text(PG_GETARG_OID(0))));
}
