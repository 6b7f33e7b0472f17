/*-------------------------------------------------------------------------
 *
 * ddl_partman.c
 *	  The DDL of partstrat_advise() for a set pg_partman manages: a change
 *	  of its part_config row and a call of pg_partman's own functions, so
 *	  that children keep pg_partman's names, bounds, sub-partitioning and
 *	  constraints.
 *
 * Each script is one transaction, framed by the script toolkit (lock
 * timeout, search_path, standard_conforming_strings); pg_partman's
 * functions are called schema-qualified, its parent_table as a literal.
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
