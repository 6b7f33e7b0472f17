/*-------------------------------------------------------------------------
 *
 * ddl_partman.c
 *	  The DDL of partstrat_advise() for a set pg_partman manages: a change
 *	  of its part_config row and a call of pg_partman's own functions, so
 *	  that children keep pg_partman's names, bounds, sub-partitioning and
 *	  constraints.
 *
 * Each script is one transaction, framed by the script toolkit (lock
 * timeout, TimeZone UTC, search_path, standard_conforming_strings);
 * pg_partman's functions are called schema-qualified, its parent_table as
 * a literal.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_partman.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "ddl_partman.h"

/* Most loops of partition_data_*: one interval of rows per loop. */
#define PS_PARTMAN_DATA_LOOPS	100000

static PsScript *
partman_script(const char *what, const char *parent_table)
{
	PsScript   *s = ps_script_begin(psprintf("%s of the pg_partman set %s",
											 what, parent_table),
									ps_ddl_lock_timeout_ms, true);

	ps_script_header(s, "pg_partman manages this set: the change is made to its settings and done by its own functions, so that its children keep pg_partman's names, bounds and sub-partitions.");
	/* pg_partman's functions would leave this script's search_path behind */
	s->caller_search_path = true;
	return s;
}

static void
run_maintenance(PsScript *s, const char *schema, const char *parent_table)
{
	ps_script_stmt(s, "SELECT %s.run_maintenance(%s)",
				   quote_identifier(schema), quote_literal_cstr(parent_table));
}

char *
ps_ddl_partman_premake(const char *schema, const char *parent_table,
					   int premake)
{
	PsScript   *s = partman_script("premake", parent_table);

	ps_script_stmt(s, "UPDATE %s.part_config SET premake = %d WHERE parent_table = %s",
				   quote_identifier(schema), premake,
				   quote_literal_cstr(parent_table));
	run_maintenance(s, schema, parent_table);
	ps_script_restore_search_path(s);
	return ps_script_finish(s);
}

char *
ps_ddl_partman_retention(const char *schema, const char *parent_table,
						 Interval *keep)
{
	PsScript   *s = partman_script("retention", parent_table);
	int			nest = ps_ddl_iso_enter();
	char	   *iv = DatumGetCString(DirectFunctionCall1(interval_out,
														 IntervalPGetDatum(keep)));

	ps_ddl_iso_leave(nest);

	ps_script_stmt(s, "UPDATE %s.part_config SET retention = %s WHERE parent_table = %s",
				   quote_identifier(schema), quote_literal_cstr(iv),
				   quote_literal_cstr(parent_table));
	run_maintenance(s, schema, parent_table);
	ps_script_restore_search_path(s);
	return ps_script_finish(s);
}

char *
ps_ddl_partman_partition_data(const char *schema, const char *parent_table,
							  bool time_based, bool gap_fill)
{
	PsScript   *s = partman_script("rescue of the DEFAULT's rows", parent_table);

	ps_script_comment(s, "one loop per interval of rows, until the DEFAULT holds none pg_partman can place");
	ps_script_stmt(s, "SELECT %s.%s(%s, %d)",
				   quote_identifier(schema),
				   time_based ? "partition_data_time" : "partition_data_id",
				   quote_literal_cstr(parent_table), PS_PARTMAN_DATA_LOOPS);
	if (gap_fill)
	{
		/*
		 * partition_data_*() creates only the children that get rows; those
		 * between them and the premade ones would stay missing (their rows
		 * going to the DEFAULT) until someone calls partition_gap_fill().
		 */
		ps_script_comment(s, "then the children between the new ones and the others, which partition_data does not make");
		ps_script_stmt(s, "SELECT %s.partition_gap_fill(%s)",
					   quote_identifier(schema), quote_literal_cstr(parent_table));
	}
	ps_script_restore_search_path(s);
	return ps_script_finish(s);
}

/*
 * The newest child's end, read through pg_partman (show_partitions and
 * show_partition_info with the given interval: 4.x and 5.2 report a child's
 * end as its start plus that interval, 5.5 its real bound).
 */
static char *
newest_end_sql(const char *nsp, const char *parent_lit, const char *iv_text)
{
	return psprintf("SELECT i.child_end_time FROM %s.show_partitions(%s, 'DESC') p, "
					"LATERAL %s.show_partition_info(p.partition_schemaname || '.' || p.partition_tablename, %s, %s) i "
					"LIMIT 1",
					nsp, parent_lit, nsp, iv_text, parent_lit);
}

/*
 * A longer interval for a time set's future children, done so that
 * pg_partman can follow it.  pg_partman makes its next child one interval
 * (the set's current one) after the start of its newest child, so a bare
 * UPDATE of partition_interval leaves a gap (or, shorter, skips children):
 * the script first makes children of the old interval up to the next
 * boundary of unit (date_trunc's 'week', 'month', 'quarter', 'year', in
 * UTC), changes partition_interval (only if it is still old_interval),
 * makes the first child of the new interval at that boundary, and runs
 * pg_partman's maintenance for the set.  Every bound is computed by the
 * script from the children it finds, so it stays right if pg_partman
 * premade more children since the advice.
 */
char *
ps_ddl_partman_interval(const char *schema, const char *parent_table,
						const char *old_interval, const char *unit,
						const char *new_interval)
{
	PsScript   *s = partman_script(psprintf("interval %s for future children", new_interval),
								   parent_table);
	const char *nsp = quote_identifier(schema);
	char	   *parent_lit = quote_literal_cstr(parent_table);
	char	   *old_lit = psprintf("%s::interval", quote_literal_cstr(old_interval));
	char	   *new_lit = psprintf("%s::interval", quote_literal_cstr(new_interval));
	char	   *old_text = quote_literal_cstr(old_interval);

	ps_script_header(s, "Children made before keep their interval; keep them until pg_partman's retention drops them.");
	ps_script_header(s, "Do not call %s.partition_gap_fill() on this set while it has children of both intervals: it assumes one interval from the first child on, and fails or makes children without end.",
					 nsp);
	ps_script_comment(s, "children of the old interval (%s) from the newest child's end up to the next %s boundary",
					  old_interval, unit);
	ps_script_stmt(s, "SELECT %s.create_partition_time(%s, ARRAY(SELECT pg_catalog.generate_series(e, pg_catalog.date_trunc(%s, e - '1 microsecond'::interval) + %s - %s, %s) FROM (%s) l(e)))",
				   nsp, parent_lit, quote_literal_cstr(unit), new_lit, old_lit,
				   old_lit, newest_end_sql(nsp, parent_lit, old_text));
	ps_script_comment(s, "the set's interval, only if it is still %s", old_interval);
	ps_script_stmt(s, "UPDATE %s.part_config SET partition_interval = %s WHERE parent_table = %s AND partition_interval::interval = %s",
				   nsp, quote_literal_cstr(new_interval), parent_lit, old_lit);
	ps_script_comment(s, "the first child of the new interval, at that boundary, then pg_partman's premake");
	ps_script_stmt(s, "SELECT %s.create_partition_time(%s, ARRAY(%s))",
				   nsp, parent_lit, newest_end_sql(nsp, parent_lit, old_text));
	run_maintenance(s, schema, parent_table);
	ps_script_restore_search_path(s);
	return ps_script_finish(s);
}
