/*-------------------------------------------------------------------------
 *
 * ddl_functions.c
 *	  The SQL-callable DDL generators: partstrat_ddl_split, _merge,
 *	  _retention, _premake, _rescue_default and _guard_default.
 *
 * Each function here only converts its SQL arguments into the generator's
 * options struct (generators.h), checks them (NULLs, ranges, the archive
 * schema), calls the generator's C entry point and returns its script as
 * text -- the shape of pg_stat_statements' thin versioned entry points.
 * Everything a C caller (the advice, the maintenance worker) needs lives
 * behind the entry points, never behind these functions.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/sql/ddl_functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "epoch.h"
#include "generators.h"

PG_FUNCTION_INFO_V1(partstrat_ddl_split);
PG_FUNCTION_INFO_V1(partstrat_ddl_merge);
PG_FUNCTION_INFO_V1(partstrat_ddl_retention);
PG_FUNCTION_INFO_V1(partstrat_ddl_premake);
PG_FUNCTION_INFO_V1(partstrat_ddl_rescue_default);
PG_FUNCTION_INFO_V1(partstrat_ddl_guard_default);

/*
 * The lock_timeout of a generator, in milliseconds: argument argno of the
 * SQL function (an interval, NULL meaning the GUC partstrat.lock_timeout).
 * ERROR (22023, with a hint) when not positive or above INT_MAX ms.
 */
static int
ps_ddl_lock_timeout_arg(FunctionCallInfo fcinfo, int argno)
{
	Interval   *iv;
	double		ms;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return ps_ddl_lock_timeout_ms;
	iv = PG_GETARG_INTERVAL_P(argno);
	ms = ((double) iv->time +
		  (double) iv->day * USECS_PER_DAY +
		  (double) iv->month * DAYS_PER_MONTH * USECS_PER_DAY) / 1000.0;
	ms = ceil(ms);
	if (ms <= 0 || ms > INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lock_timeout must be between 1 millisecond and %d milliseconds",
						INT_MAX),
				 errhint("Pass an interval such as '500ms', or NULL to use partstrat.lock_timeout.")));
	return (int) ms;
}

/* A text argument as a C string, NULL when SQL NULL or absent. */
static const char *
text_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * partstrat_ddl_split(partition regclass, pieces int, boundaries text[],
 * exact boolean, lock_timeout interval)
 */
Datum
partstrat_ddl_split(PG_FUNCTION_ARGS)
{
	PsSplitOptions o;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pieces must not be NULL"),
				 errhint("Pass the number of partitions to make, e.g. pieces => 2.")));
	ps_split_options_init(&o, PG_GETARG_OID(0), PG_GETARG_INT32(1));
	o.boundaries = PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2);
	o.exact = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
	o.lock_timeout_ms = ps_ddl_lock_timeout_arg(fcinfo, 4);
	PS_RETURN_SCRIPT(ps_ddl_split(&o));
}

/* partstrat_ddl_merge(partitions regclass[], lock_timeout interval) */
Datum
partstrat_ddl_merge(PG_FUNCTION_ARGS)
{
	PsMergeOptions o;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	Oid		   *relids;
	int			n;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	arr = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("partitions must be a one-dimensional array"),
				 errhint("Pass e.g. ARRAY['t_2026_01', 't_2026_02']::regclass[].")));
	deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT,
					  &elems, &nulls, &n);
	relids = palloc(sizeof(Oid) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("partitions must not contain NULL"),
					 errhint("Pass the partitions to merge.")));
		relids[i] = DatumGetObjectId(elems[i]);
	}
	ps_merge_options_init(&o);
	o.relids = relids;
	o.n = n;
	o.lock_timeout_ms = ps_ddl_lock_timeout_arg(fcinfo, 1);
	PS_RETURN_SCRIPT(ps_ddl_merge(&o));
}

/* keep: a positive interval that as_of - keep can be computed with */
static Interval *
retention_keep_arg(FunctionCallInfo fcinfo)
{
	Interval   *keep;

	if (PG_ARGISNULL(1))
		return NULL;
	keep = PG_GETARG_INTERVAL_P(1);
	if (keep->month < 0 || keep->day < 0 || keep->time < 0 ||
		(keep->month == 0 && keep->day == 0 && keep->time == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("keep must be a positive interval"),
				 errhint("Pass the age of the oldest rows to keep, for example keep => '90 days'.")));
	return keep;
}

/* action, archive_schema: the action, and the schema it archives into */
static void
retention_action_args(FunctionCallInfo fcinfo, PsRetentionOptions *o)
{
	const char *action = text_arg(fcinfo, 3);

	if (action != NULL && pg_strcasecmp(action, "detach") == 0)
		o->action = PS_RETENTION_DETACH;
	else if (action != NULL && pg_strcasecmp(action, "drop") == 0)
		o->action = PS_RETENTION_DROP;
	else if (action != NULL && pg_strcasecmp(action, "archive") == 0)
		o->action = PS_RETENTION_ARCHIVE;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid retention action \"%s\"",
						action ? action : "NULL"),
				 errhint("Pass action => 'detach', 'drop' or 'archive'.")));

	if (!PG_ARGISNULL(4))
		o->archive_name = pstrdup(NameStr(*PG_GETARG_NAME(4)));
	if (o->action == PS_RETENTION_ARCHIVE && o->archive_name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action \"archive\" needs archive_schema"),
				 errhint("Pass archive_schema => 'the schema to move the partitions to'.")));
	if (o->action != PS_RETENTION_ARCHIVE && o->archive_name != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("archive_schema is only used with action \"archive\""),
				 errhint("Pass action => 'archive', or leave archive_schema out.")));
	if (o->archive_name == NULL)
		return;
	o->archive_nsp = get_namespace_oid(o->archive_name, true);
	if (!OidIsValid(o->archive_nsp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("archive schema \"%s\" does not exist",
						o->archive_name),
				 errhint("Create it first: CREATE SCHEMA %s;",
						 quote_identifier(o->archive_name))));
	/* pg_dump leaves out the system schemas: the archive would be lost */
	if (IsCatalogNamespace(o->archive_nsp) ||
		IsToastNamespace(o->archive_nsp) ||
		isAnyTempNamespace(o->archive_nsp) ||
		strcmp(o->archive_name, "information_schema") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot archive partitions in schema \"%s\"",
						o->archive_name),
				 errdetail("It is a system or temporary schema: pg_dump leaves its tables out, or they vanish with the session."),
				 errhint("Create a schema of your own for the archive.")));
	if (o->archive_nsp == get_rel_namespace(o->parentid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot archive partitions of \"%s\" in its own schema \"%s\"",
						get_rel_name(o->parentid), o->archive_name),
				 errdetail("Archiving detaches each partition and moves it to archive_schema; in the parent's own schema it would only be detached, and would look like a live table."),
				 errhint("Pass an archive schema of its own, for example archive_schema => 'archive' after CREATE SCHEMA archive; or action => 'detach'.")));
}

/* epoch: the unit of an integer key holding time, read with keep */
static void
retention_epoch_arg(FunctionCallInfo fcinfo, PsRetentionOptions *o)
{
	const char *unit;

	/* the argument is the ninth: an older SQL signature has none */
	if (PG_NARGS() < 9 || PG_ARGISNULL(8))
		return;
	unit = text_to_cstring(PG_GETARG_TEXT_PP(8));
	o->epoch_scale = ps_epoch_scale_of(unit);
	if (o->epoch_scale == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid epoch \"%s\"", unit),
				 errhint("Pass epoch => 'seconds', 'milliseconds', 'microseconds' or 'nanoseconds': the unit of time since 1970-01-01 UTC the key holds.")));
	if (o->keep == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epoch is only used with keep"),
				 errhint("Pass keep => '90 days' with it, or leave epoch out with keep_count.")));
}

/*
 * partstrat_ddl_retention(parent regclass, keep interval, keep_count int,
 * action text, archive_schema name, concurrently boolean, lock_timeout
 * interval, as_of timestamptz, epoch text)
 */
Datum
partstrat_ddl_retention(PG_FUNCTION_ARGS)
{
	PsRetentionOptions o;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ps_retention_options_init(&o, PG_GETARG_OID(0));
	o.keep = retention_keep_arg(fcinfo);
	if (!PG_ARGISNULL(2))
	{
		o.keep_count = PG_GETARG_INT32(2);
		if (o.keep_count < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("keep_count must be at least 1"),
					 errdetail("The keep_count given is %d.", o.keep_count),
					 errhint("Pass the number of partitions with data to keep.")));
	}
	if (o.keep == NULL && o.keep_count == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("keep or keep_count is required"),
				 errhint("Pass keep => '90 days' (time keys) or keep_count => 12 (any key).")));
	retention_action_args(fcinfo, &o);
	o.concurrently = PG_ARGISNULL(5) ? false : PG_GETARG_BOOL(5);
	o.lock_timeout_ms = ps_ddl_lock_timeout_arg(fcinfo, 6);
	if (!PG_ARGISNULL(7))
		o.as_of = PG_GETARG_TIMESTAMPTZ(7);
	if (TIMESTAMP_NOT_FINITE(o.as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be finite"),
				 errhint("Leave as_of out to use the transaction's start time.")));
	retention_epoch_arg(fcinfo, &o);
	PS_RETURN_SCRIPT(ps_ddl_retention(&o));
}

/*
 * partstrat_ddl_premake(parent regclass, count int, step text,
 * lock_timeout interval)
 */
Datum
partstrat_ddl_premake(PG_FUNCTION_ARGS)
{
	PsPremakeOptions o;
	int32		count;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("count must not be NULL"),
				 errhint("Pass the number of partitions to create after the last one, 0 to fill gaps only.")));
	count = PG_GETARG_INT32(1);
	if (count < 0 || count > PS_PREMAKE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("count must be between 0 and %d", PS_PREMAKE_MAX),
				 errdetail("The count given is %d.", count),
				 errhint("Pass the number of partitions to create after the last one, 0 to fill gaps only.")));
	ps_premake_options_init(&o, PG_GETARG_OID(0), count);
	o.lock_timeout_ms = ps_ddl_lock_timeout_arg(fcinfo, 3);
	o.step = text_arg(fcinfo, 2);
	PS_RETURN_SCRIPT(ps_ddl_premake(&o));
}

/*
 * partstrat_ddl_rescue_default(parent regclass, batch_rows int,
 * lock_timeout interval, step text)
 */
Datum
partstrat_ddl_rescue_default(PG_FUNCTION_ARGS)
{
	PsRescueOptions o;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ps_rescue_options_init(&o, PG_GETARG_OID(0));
	o.batch_rows = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1);
	if (o.batch_rows < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch_rows must be at least 1"),
				 errhint("Pass the most rows one statement moves, for example batch_rows => 100000.")));
	o.lock_timeout_ms = ps_ddl_lock_timeout_arg(fcinfo, 2);
	o.step = text_arg(fcinfo, 3);
	PS_RETURN_SCRIPT(ps_ddl_rescue_default(&o));
}

/* partstrat_ddl_guard_default(parent regclass, lock_timeout interval) */
Datum
partstrat_ddl_guard_default(PG_FUNCTION_ARGS)
{
	PsGuardOptions o;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ps_guard_options_init(&o, PG_GETARG_OID(0));
	o.lock_timeout_ms = ps_ddl_lock_timeout_arg(fcinfo, 1);
	PS_RETURN_SCRIPT(ps_ddl_guard_default(&o));
}
