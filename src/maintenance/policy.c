/*-------------------------------------------------------------------------
 *
 * policy.c
 *	  Checking a maintenance policy, and its daily maintenance window.
 *
 * partstrat_set_policy() (SQL, in the install script) calls
 * partstrat_check_policy() here before it writes the row.  A row written
 * by hand into the table (row security lets only the owner's roles do it)
 * is not checked again: what it asks for fails in the generator, and the
 * run records the error.  Every refusal has a SQLSTATE and a hint; nothing
 * wrong is silently replaced by a default.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/policy.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/partition.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "ddl_time.h"
#include "generators.h"
#include "maintenance.h"

PG_FUNCTION_INFO_V1(partstrat_check_policy);

/* Parse "HH:MM" at *p; advances *p.  -1 when it does not parse. */
static int
parse_hhmm(const char **p)
{
	const char *s = *p;
	int			h = 0,
				m = 0,
				nd = 0;

	while (isdigit((unsigned char) *s) && nd < 2)
		h = h * 10 + (*s++ - '0'), nd++;
	if (nd == 0 || *s != ':')
		return -1;
	s++;
	nd = 0;
	while (isdigit((unsigned char) *s) && nd < 2)
		m = m * 10 + (*s++ - '0'), nd++;
	if (nd != 2 || h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*p = s;
	return h * 60 + m;
}

/*
 * Parse a daily window "HH:MM-HH:MM" with an optional time zone name after
 * a space ("02:00-05:00 Europe/Berlin").  A window may cross midnight
 * ("22:00-04:00"); an empty one (start = end) does not parse.
 */
bool
ps_window_parse(const char *text, PsWindow *w, char **why)
{
	const char *p = text;

	while (isspace((unsigned char) *p))
		p++;
	w->start_min = parse_hhmm(&p);
	if (w->start_min < 0 || *p != '-')
	{
		*why = "It must start with a time range such as 02:00-05:00.";
		return false;
	}
	p++;
	w->end_min = parse_hhmm(&p);
	if (w->end_min < 0)
	{
		*why = "It must start with a time range such as 02:00-05:00.";
		return false;
	}
	if (w->start_min % 1440 == w->end_min % 1440)
	{
		*why = "The window is empty: its start and end are the same time.";
		return false;
	}
	w->start_min %= 1440;
	w->end_min %= 1440;
	w->tzname = NULL;
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
	{
		char	   *tz = pstrdup(p);
		int			n = strlen(tz);

		while (n > 0 && isspace((unsigned char) tz[n - 1]))
			tz[--n] = '\0';
		if (strchr(tz, ' ') != NULL || pg_tzset(tz) == NULL)
		{
			*why = psprintf("\"%s\" is not a time zone name known to the server (see pg_timezone_names).", tz);
			return false;
		}
		w->tzname = tz;
	}
	return true;
}

/* Is t inside the window (in its time zone, or the session's)? */
bool
ps_window_contains(const PsWindow *w, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;
	pg_tz	   *tz = w->tzname ? pg_tzset(w->tzname) : session_timezone;
	int			m;

	if (timestamp2tm(t, &tzoff, &tm, &fsec, NULL, tz) != 0)
		return false;
	m = tm.tm_hour * 60 + tm.tm_min;
	if (w->start_min < w->end_min)
		return m >= w->start_min && m < w->end_min;
	return m >= w->start_min || m < w->end_min;
}

/* Is the interval > 0 (every field >= 0, one > 0, or its span > 0)? */
static bool
interval_positive(const Interval *iv)
{
	Interval	zero;

	memset(&zero, 0, sizeof(zero));
	return DatumGetBool(DirectFunctionCall2(interval_gt,
											IntervalPGetDatum(iv),
											IntervalPGetDatum(&zero))) &&
		iv->month >= 0 && iv->day >= 0 && iv->time >= 0;
}

/* Does parent have a DEFAULT partition? */
static bool
has_default(Oid parent)
{
	return OidIsValid(get_default_partition_oid(parent));
}

/* The parent: a partitioned table, not a partition, whose owner we are. */
static void
check_parent(Oid parent)
{
	HeapTuple	tup;
	Form_pg_class cls;
	char	   *name;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(parent));
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", parent)));
	cls = (Form_pg_class) GETSTRUCT(tup);
	name = pstrdup(NameStr(cls->relname));
	if (cls->relkind != RELKIND_PARTITIONED_TABLE)
	{
		ReleaseSysCache(tup);
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partitioned table", name),
				 errhint("A maintenance policy applies to a table created with PARTITION BY.")));
	}
	if (cls->relispartition)
	{
		ReleaseSysCache(tup);
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a partition of \"%s\"", name,
						get_rel_name(get_partition_parent(parent, true))),
				 errhint("Set the policy on the root of the partition tree.")));
	}
	if (!has_privs_of_role(GetUserId(), cls->relowner))
	{
		ReleaseSysCache(tup);
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to set the maintenance policy of table \"%s\"", name),
				 errhint("Only a role with the rights of the table's owner may set its policy.")));
	}
	ReleaseSysCache(tup);
}

static void
bad_arg(const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", msg),
			 errhint("%s", hint)));
}

/* Check a policy; ERROR with a SQLSTATE and a hint when it is wrong. */
void
ps_policy_check(const PsPolicy *p)
{
	const char *fn = "partstrat_set_policy";

	check_parent(p->parent);
	if (p->retention && !interval_positive(p->retention))
		bad_arg("retention must be a positive interval",
				"Pass how long partitions are kept, such as '30 days'.");
	if (strcmp(p->retention_action, "detach") != 0 &&
		strcmp(p->retention_action, "drop") != 0 &&
		strcmp(p->retention_action, "archive") != 0)
		bad_arg(psprintf("unknown retention_action \"%s\"", p->retention_action),
				"Pass detach, drop or archive.");
	if (strcmp(p->retention_action, "archive") == 0)
	{
		Oid			nsp;

		if (p->archive_schema == NULL)
			bad_arg("retention_action archive needs archive_schema",
					"Pass archive_schema => the schema detached partitions are moved to.");
		nsp = get_namespace_oid(p->archive_schema, true);

		if (!OidIsValid(nsp))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_SCHEMA),
					 errmsg("schema \"%s\" does not exist", p->archive_schema),
					 errhint("Create the archive schema first.")));
		if (IsCatalogNamespace(nsp) || IsToastNamespace(nsp) ||
			isAnyTempNamespace(nsp) ||
			strcmp(p->archive_schema, "information_schema") == 0 ||
			nsp == get_rel_namespace(p->parent))
			bad_arg(psprintf("cannot archive partitions in schema \"%s\"", p->archive_schema),
					"Pass a schema of your own, other than the table's: pg_dump leaves system schemas out.");
	}
	else if (p->archive_schema != NULL)
		bad_arg("archive_schema is given but retention_action is not archive",
				"Pass retention_action => 'archive', or leave archive_schema out.");
	if (p->concurrently && p->retention == NULL)
		bad_arg("concurrently applies to retention, and no retention is given",
				"Pass retention => an interval, or leave concurrently out.");
	if (p->concurrently && has_default(p->parent))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot detach partitions of \"%s\" concurrently",
						get_rel_name(p->parent)),
				 errdetail("It has a DEFAULT partition: PostgreSQL refuses DETACH PARTITION ... CONCURRENTLY then."),
				 errhint("Pass concurrently => false (a plain DETACH holds ACCESS EXCLUSIVE on the parent for catalog changes only).")));
	if (p->premake < 0)
		bad_arg("premake must be positive",
				"Pass how many intervals are kept ahead of now, such as 4.");
	if (p->target_bytes < 0)
		bad_arg("target_bytes must be positive",
				"Pass a size in bytes, or leave it out for partstrat.target_bytes.");
	if ((p->split_oversized || p->merge_undersized || p->rescue_default) &&
		p->window == NULL)
		ereport(NOTICE,
				(errmsg("split, merge and rescue run only inside a maintenance window, and none is given"),
				 errhint("Pass maintenance_window => '02:00-05:00' (with a time zone name if needed); without one these actions are only advised.")));
	if (p->window)
	{
		PsWindow	w;
		char	   *why;

		if (!ps_window_parse(p->window, &w, &why))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
					 errmsg("invalid maintenance_window \"%s\"", p->window),
					 errdetail("%s", why),
					 errhint("Write a daily window as HH:MM-HH:MM, optionally followed by a time zone name: '02:00-05:00 Europe/Berlin'.")));
	}
	/*
	 * premake works on a time line, retention on one or on an integer key
	 * that reads as an epoch: refused here, not later
	 */
	if (p->premake > 0)
		(void) ps_timeline_open(p->parent, fn, PS_TL_SINGLE_KEY | PS_TL_TIME_ONLY);
	if (p->retention)
		ps_retention_check_key(p->parent, fn);
}

/*
 * partstrat_check_policy(parent, retention, retention_action,
 * archive_schema, concurrently, premake, split_oversized, merge_undersized,
 * target_bytes, maintenance_window, apply)
 */
Datum
partstrat_check_policy(PG_FUNCTION_ARGS)
{
	PsPolicy	p;
	char	   *apply;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("parent must not be NULL"),
				 errhint("Pass the partitioned table the policy is for.")));
	memset(&p, 0, sizeof(p));
	p.parent = PG_GETARG_OID(0);
	p.retention = PG_ARGISNULL(1) ? NULL : PG_GETARG_INTERVAL_P(1);
	p.retention_action = PG_ARGISNULL(2) ? "detach" : text_to_cstring(PG_GETARG_TEXT_PP(2));
	p.archive_schema = PG_ARGISNULL(3) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(3)));
	p.concurrently = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);
	if (!PG_ARGISNULL(5) && PG_GETARG_INT32(5) <= 0)
		bad_arg("premake must be positive",
				"Pass how many intervals are kept ahead of now, such as 4, or leave premake out.");
	p.premake = PG_ARGISNULL(5) ? 0 : PG_GETARG_INT32(5);
	p.split_oversized = PG_ARGISNULL(6) ? false : PG_GETARG_BOOL(6);
	p.merge_undersized = PG_ARGISNULL(7) ? false : PG_GETARG_BOOL(7);
	if (!PG_ARGISNULL(8) && PG_GETARG_INT64(8) <= 0)
		bad_arg("target_bytes must be positive",
				"Pass a size in bytes, or leave it out for partstrat.target_bytes.");
	p.target_bytes = PG_ARGISNULL(8) ? 0 : PG_GETARG_INT64(8);
	p.window = PG_ARGISNULL(9) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(9));
	apply = PG_ARGISNULL(10) ? "advise" : text_to_cstring(PG_GETARG_TEXT_PP(10));
	if (strcmp(apply, "advise") != 0 && strcmp(apply, "auto") != 0)
		bad_arg(psprintf("unknown apply \"%s\"", apply),
				"Pass 'advise' (record what would be done, change nothing) or 'auto' (execute).");
	ps_policy_check(&p);
	PG_RETURN_VOID();
}
