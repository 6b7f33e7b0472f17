/*-------------------------------------------------------------------------
 *
 * ddl_common.c
 *	  The script toolkit's framing: session-independent deparsing, the
 *	  script's header, statements and comments, owner blocks, row counts
 *	  and locks.
 *
 * Each generator (ddl_split.c, ddl_merge.c, ...) decides *what* to do; the
 * toolkit (this file, ddl_bounds.c, ddl_names.c, ddl_clone.c, ddl_text.c)
 * decides how every script says it, so that all scripts share the same
 * guarantees (see ddl.h).  Functions here only append text to a PsScript;
 * they read the catalogs (through the syscache or SPI) but change nothing.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_common.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/tablespace.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "partitioning/partbounds.h"
#include "utils/partcache.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "asowner.h"
#include "ddl.h"

/* partstrat.lock_timeout, defined in _PG_init (partstrat.c) */
int			ps_ddl_lock_timeout_ms = 500;

/* ---------------------------------------------------------------------
 * Session independence
 * ---------------------------------------------------------------------
 */

static void
set_local(const char *name, const char *value)
{
	(void) set_config_option(name, value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

int
ps_ddl_iso_enter(void)
{
	int			nest = NewGUCNestLevel();

	set_local("datestyle", "ISO, YMD");
	set_local("timezone", "UTC");
	set_local("intervalstyle", "postgres");
	set_local("extra_float_digits", "1");
	set_local("bytea_output", "hex");

	/*
	 * Deparsed expressions, index and constraint definitions and type names
	 * name everything outside pg_catalog with its schema under this
	 * search_path, and every script runs under the same one (see
	 * ps_script_finish): a function or operator of a schema early in the
	 * session's search_path cannot shadow the one the script means.
	 * Literals are deparsed for standard_conforming_strings = on, which the
	 * scripts set too.
	 */
	set_local("search_path", PS_DDL_SEARCH_PATH);
	set_local("standard_conforming_strings", "on");
	return nest;
}

void
ps_ddl_iso_leave(int nestlevel)
{
	AtEOXact_GUC(false, nestlevel);
}

char *
ps_ddl_key_expr(Oid parentid, int keyno)
{
	Relation	rel = table_open(parentid, AccessShareLock);
	PartitionKey pk = RelationGetPartitionKey(rel);
	char	   *result;
	int			nexpr = 0;
	int			nest;
	int			i;

	if (pk == NULL || keyno < 0 || keyno >= pk->partnatts)
		elog(ERROR, "relation %u has no partition key column %d", parentid,
			 keyno);
	if (pk->partattrs[keyno] != 0)
		result = pstrdup(quote_identifier(get_attname(parentid,
													  pk->partattrs[keyno],
													  false)));
	else
	{
		/* expressions are stored in key order, one per zero partattrs */
		for (i = 0; i < keyno; i++)
			if (pk->partattrs[i] == 0)
				nexpr++;
		nest = ps_ddl_iso_enter();
		result = psprintf("(%s)",
						  deparse_expression(list_nth(pk->partexprs, nexpr),
											 deparse_context_for(get_rel_name(parentid),
																 parentid),
											 false, false));
		ps_ddl_iso_leave(nest);
	}
	table_close(rel, AccessShareLock);
	return result;
}

/* ---------------------------------------------------------------------
 * Opening the target
 * ---------------------------------------------------------------------
 */

PsTree *
ps_ddl_open_partition(Oid relid, const char *funcname, int *index)
{
	Oid			parent;
	PsTree	   *tree;
	char	   *name = get_rel_name(relid);
	int			i;

	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped concurrently.")));
	if (!get_rel_relispartition(relid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partition", name),
				 errdetail("%s works on one partition of a partitioned table.",
						   funcname),
				 errhint("Pass a partition (see partstrat_partitions()), not the partitioned table itself.")));

	parent = get_partition_parent(relid, true);
	LockRelationOid(parent, AccessShareLock);
	LockRelationOid(relid, AccessShareLock);
	ps_check_read_access(parent, false);
	ps_check_read_access(relid, false);
	tree = ps_build_tree(parent, PS_TREE_NO_SIZES);

	for (i = 0; i < tree->nparts; i++)
	{
		if (tree->parts[i].relid == relid && tree->parts[i].level == 1)
		{
			if (tree->parts[i].detach_pending)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("partition \"%s\" is being detached", name),
						 errdetail("A DETACH PARTITION ... CONCURRENTLY was interrupted or is running."),
						 errhint("Finish it with ALTER TABLE %s DETACH PARTITION %s FINALIZE.",
								 ps_ddl_qualified(parent),
								 ps_ddl_qualified(relid))));
			*index = i;
			return tree;
		}
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("partition \"%s\" was not found under \"%s\"", name,
					get_rel_name(parent)),
			 errhint("It may have been detached concurrently.")));
	return NULL;				/* keep compiler quiet */
}

/* ---------------------------------------------------------------------
 * Script framing
 * ---------------------------------------------------------------------
 */

/* The settings a script outside a transaction block sets with plain SET. */
static const char *const session_settings[] = {
	"lock_timeout", "TimeZone", "search_path", "standard_conforming_strings"
};

/*
 * A DO block saving (save) or restoring the session's own values of
 * session_settings in/from partstrat_script.session_<name>: a script run
 * with psql's \i in a working session leaves it as it found it, which RESET
 * would not (it returns to the defaults, not to a value the session SET).
 * Everything in it is qualified: the first block runs under the session's
 * search_path.
 */
static void
append_session_settings(StringInfo out, bool save)
{
	int			i;

	appendStringInfoString(out, "DO $partstrat$\nBEGIN\n");	/* fixed text */
	for (i = 0; i < (int) lengthof(session_settings); i++)
	{
		const char *name = session_settings[i];
		char	   *saved = psprintf("partstrat_script.session_%s", name);

		if (save)
			appendStringInfo(out,
							 "    PERFORM pg_catalog.set_config('%s', pg_catalog.current_setting('%s'), false);\n",
							 saved, name);
		else
			appendStringInfo(out,
							 "    PERFORM pg_catalog.set_config('%s', pg_catalog.current_setting('%s'), false);\n",
							 name, saved);
	}
	appendStringInfoString(out, "END\n$partstrat$;\n");
}

/* Where a script saves the session's search_path (caller_search_path). */
#define PS_CALLER_SEARCH_PATH "partstrat_script.caller_search_path"

void
ps_script_restore_search_path(PsScript *s)
{
	Assert(s->transaction && s->caller_search_path);
	ps_script_comment(s, "pg_partman's functions leave the search_path they found (this script's) as the session's: put the session's own back");
	ps_script_stmt(s, "DO $partstrat$ BEGIN PERFORM pg_catalog.set_config('search_path', pg_catalog.current_setting('" PS_CALLER_SEARCH_PATH "'), false); END $partstrat$");
}

PsScript *
ps_script_begin(const char *title, int lock_timeout_ms, bool transaction)
{
	PsScript   *s = palloc0(sizeof(PsScript));

	initStringInfo(&s->header);
	initStringInfo(&s->body);
	s->mcxt = CurrentMemoryContext;
	s->lock_timeout_ms = lock_timeout_ms;
	s->transaction = transaction;
	ps_ddl_append_comment(&s->header, psprintf("partstrat: %s", title));
	ps_ddl_append_comment(&s->header,
						  "Generated text only: nothing has been executed. "
						  "Run it as one script (psql -f).");
	return s;
}

/* Format into a new palloc'd string (args is only copied, never used). */
static char *vformat(const char *fmt, va_list args) pg_attribute_printf(1, 0);

static char *
vformat(const char *fmt, va_list args)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		va_list		copy;
		int			needed;

		va_copy(copy, args);
		needed = appendStringInfoVA(&buf, fmt, copy);
		va_end(copy);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	return buf.data;
}

/* Where statements go: the open owner block, else the body. */
static StringInfo
script_target(PsScript *s)
{
	return OidIsValid(s->owner_relid) ? &s->owner_body : &s->body;
}

/*
 * Refuse early (at generation) a tree of several owners, which
 * partstrat_exec_as_owner() would refuse when run: once per table and
 * transaction, so that an advice generating hundreds of scripts for one
 * parent walks its partitions once.  The check that matters is the one at
 * run time.
 */
static void
owner_check_once(Oid relid)
{
	static Oid	checked_relid = InvalidOid;
	static TimestampTz checked_xact = 0;
	TimestampTz xact = GetCurrentTransactionStartTimestamp();

	if (relid == checked_relid && xact == checked_xact)
		return;
	ps_check_same_owner(relid);
	checked_relid = relid;
	checked_xact = xact;
}

void
ps_script_owner_begin(PsScript *s, Oid relid)
{
	MemoryContext old = MemoryContextSwitchTo(s->mcxt);

	if (OidIsValid(s->owner_relid) || s->owner_inline)
		elog(ERROR, "owner block already open");
	if (OidIsValid(s->owner_of) && s->owner_of != relid)
		elog(ERROR, "owner blocks of one script must name one table");
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
	{
		s->owner_inline = true;
		s->owner_of = relid;
		MemoryContextSwitchTo(old);
		return;
	}
	owner_check_once(relid);
	initStringInfo(&s->owner_body);
	s->owner_relid = relid;
	s->owner_of = relid;
	MemoryContextSwitchTo(old);
}

/* The schema of the extension, where partstrat_exec_as_owner lives. */
char *
ps_ddl_extension_schema(void)
{
	Oid			ext = get_extension_oid("partstrat", true);
	char	   *nsp = NULL;

	if (OidIsValid(ext))
	{
		Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tup;

		ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(ext));
		scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1,
								  &key);
		tup = systable_getnext(scan);
		if (HeapTupleIsValid(tup))
			nsp = get_namespace_name(((Form_pg_extension) GETSTRUCT(tup))->extnamespace);
		systable_endscan(scan);
		table_close(rel, AccessShareLock);
	}

	if (nsp == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"partstrat\" is not installed in this database"),
				 errhint("CREATE EXTENSION partstrat;")));
	return nsp;
}

void
ps_script_owner_end(PsScript *s)
{
	Oid			relid = s->owner_relid;

	if (s->owner_inline)
	{
		s->owner_inline = false;
		return;
	}
	if (!OidIsValid(relid))
		elog(ERROR, "no owner block open");
	s->owner_relid = InvalidOid;
	appendStringInfo(&s->body, "SELECT %s.partstrat_exec_as_owner(%s::regclass, %s);\n",
					 quote_identifier(ps_ddl_extension_schema()),
					 quote_literal_cstr(ps_ddl_qualified(relid)),
					 ps_dollar_quote(s->owner_body.data));
	s->nstatements++;
	s->nowner_blocks++;
}

char *
ps_ddl_owner_count(PsScript *s, Oid relid, const char *select_sql)
{
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
	{
		s->owner_of = relid;
		return psprintf("(%s)", select_sql);
	}
	if (OidIsValid(s->owner_of) && s->owner_of != relid)
		elog(ERROR, "owner blocks of one script must name one table");
	s->owner_of = relid;
	s->nowner_blocks++;
	return psprintf("%s.partstrat_exec_as_owner(%s::regclass, %s)::bigint",
					quote_identifier(ps_ddl_extension_schema()),
					quote_literal_cstr(ps_ddl_qualified(relid)),
					ps_dollar_quote(select_sql));
}

void
ps_script_header(PsScript *s, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	ps_ddl_append_comment(&s->header, vformat(fmt, args));
	va_end(args);
}

void
ps_script_comment(PsScript *s, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	ps_ddl_append_comment(script_target(s), vformat(fmt, args));
	va_end(args);
}

void
ps_script_stmt(PsScript *s, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	appendStringInfo(script_target(s), "%s;\n", vformat(fmt, args));
	va_end(args);
	s->nstatements++;
}

void
ps_script_blank(PsScript *s)
{
	appendStringInfoChar(script_target(s), '\n');
}

char *
ps_script_finish(PsScript *s)
{
	StringInfoData out;

	if (OidIsValid(s->owner_relid) || s->owner_inline)
		elog(ERROR, "owner block left open");
	initStringInfo(&out);
	appendStringInfoString(&out, s->header.data);
	if (s->nowner_blocks > 0)
	{
		char	   *owner = GetUserNameFromId(ps_rel_owner(s->owner_of), false);

		ps_ddl_append_comment(&out, psprintf("Runs as: the statements passed to partstrat_exec_as_owner() run as role %s,",
											 quote_identifier(owner)));
		ps_ddl_append_comment(&out, psprintf("  the owner of %s, in a security-restricted operation: the tables' code",
											 ps_ddl_qualified(s->owner_of)));
		ps_ddl_append_comment(&out, "  (constraints, defaults, triggers, key and index expressions) never runs with your rights.");
		ps_ddl_append_comment(&out, "  They refuse to start unless you have that role's privileges (it, a member, a superuser),");
		ps_ddl_append_comment(&out, "  every partition has that owner and the owner may create the new tables.");
		ps_ddl_append_comment(&out, "  Row counts run as that role too. The rest (locks, comparing the counts, DETACH, DROP)");
		ps_ddl_append_comment(&out, "  runs as you and runs no table's code.");
	}
	else if (OidIsValid(s->owner_of))
		ps_ddl_append_comment(&out, "Runs as: you, the owner of these temporary tables of your session.");
	else
		ps_ddl_append_comment(&out, "Runs as: you; every statement changes the catalog only and runs no table's code.");
	if (s->transaction)
	{
		ps_ddl_append_comment(&out, psprintf("Every lock waits at most %dms (lock_timeout); on a timeout the script",
											 s->lock_timeout_ms));
		ps_ddl_append_comment(&out, "stops with an error and, being one transaction, changes nothing: run it again.");
	}
	else
	{
		ps_ddl_append_comment(&out, psprintf("Every lock waits at most %dms (lock_timeout).",
											 s->lock_timeout_ms));
		ps_ddl_append_comment(&out, "The session's lock_timeout, TimeZone, search_path and standard_conforming_strings");
		ps_ddl_append_comment(&out, "are saved first and restored at the end.");
	}
	appendStringInfoChar(&out, '\n');
	if (s->transaction)
	{
		appendStringInfoString(&out, "BEGIN;\n");
		if (s->caller_search_path)
			appendStringInfoString(&out, "DO $partstrat$ BEGIN PERFORM pg_catalog.set_config('" PS_CALLER_SEARCH_PATH "', pg_catalog.current_setting('search_path'), true); END $partstrat$;\n");
		appendStringInfo(&out, "SET LOCAL lock_timeout = '%dms';\n",
						 s->lock_timeout_ms);
		appendStringInfoString(&out, "SET LOCAL TimeZone = 'UTC';\n");
		appendStringInfoString(&out, "SET LOCAL search_path = " PS_DDL_SEARCH_PATH ";\n");
		appendStringInfoString(&out, "SET LOCAL standard_conforming_strings = on;\n");
	}
	else
	{
		append_session_settings(&out, true);
		appendStringInfo(&out, "SET lock_timeout = '%dms';\n",
						 s->lock_timeout_ms);
		appendStringInfoString(&out, "SET TimeZone = 'UTC';\n");
		appendStringInfoString(&out, "SET search_path = " PS_DDL_SEARCH_PATH ";\n");
		appendStringInfoString(&out, "SET standard_conforming_strings = on;\n");
	}
	appendStringInfoChar(&out, '\n');
	appendStringInfoString(&out, s->body.data);
	appendStringInfoChar(&out, '\n');
	if (s->transaction)
		appendStringInfoString(&out, "COMMIT;\n");
	else
		append_session_settings(&out, false);
	return ps_ddl_safe_literals(out.data);
}

char *
ps_ddl_pin(const char *statements)
{
	return ps_ddl_safe_literals(psprintf("BEGIN;\n"
										 "SET LOCAL search_path = " PS_DDL_SEARCH_PATH ";\n"
										 "SET LOCAL standard_conforming_strings = on;\n"
										 "%s\n"
										 "COMMIT;", statements));
}

/* ---------------------------------------------------------------------
 * Row counts
 * ---------------------------------------------------------------------
 */

char *
ps_ddl_count_expr(List *relnames)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, relnames)
		appendStringInfo(&buf, "%s(SELECT count(*) FROM ONLY %s)",
						 buf.len ? "\n        + " : "",
						 (char *) lfirst(lc));
	if (buf.len == 0)
		appendStringInfoString(&buf, "0");
	return buf.data;
}

static void
emit_do(PsScript *s, const char *body)
{
	appendStringInfo(script_target(s), "DO %s;\n", ps_dollar_quote(body));
	s->nstatements++;
}

static void
check_label(const char *label)
{
	const char *p;

	for (p = label; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			elog(ERROR, "invalid count label \"%s\"", label);
}

void
ps_ddl_save_count(PsScript *s, const char *label, const char *count_expr)
{
	check_label(label);
	emit_do(s, psprintf("BEGIN\n"
						"    PERFORM pg_catalog.set_config('partstrat_script.%s',\n"
						"        (%s)::text, true);\n"
						"END\n", label, count_expr));
}

void
ps_ddl_assert_count(PsScript *s, const char *label, const char *count_expr)
{
	check_label(label);
	emit_do(s, psprintf("DECLARE\n"
						"    rows_before bigint := pg_catalog.current_setting('partstrat_script.%s')::bigint;\n"
						"    rows_after bigint := %s;\n"
						"BEGIN\n"
						"    IF rows_after IS DISTINCT FROM rows_before THEN\n"
						"        RAISE EXCEPTION 'partstrat: %% rows before, %% rows after: rolling back', rows_before, rows_after\n"
						"            USING ERRCODE = 'data_corrupted',\n"
						"                  HINT = 'Nothing was changed. Report this as a bug of partstrat.';\n"
						"    END IF;\n"
						"END\n", label, count_expr));
}

/* ---------------------------------------------------------------------
 * Locks
 * ---------------------------------------------------------------------
 */

void
ps_ddl_lock(PsScript *s, Oid parentid, List *partitions, const char *mode)
{
	ListCell   *lc;
	StringInfoData names;

	ps_script_stmt(s, "LOCK TABLE ONLY %s IN SHARE MODE",
				   ps_ddl_qualified(parentid));
	initStringInfo(&names);
	foreach(lc, partitions)
	{
		Oid			relid = lfirst_oid(lc);
		bool		partitioned = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE;

		ps_script_stmt(s, "LOCK TABLE %s%s IN %s MODE",
					   partitioned ? "" : "ONLY ", ps_ddl_qualified(relid), mode);
		appendStringInfo(&names, "%s%s", names.len ? ", " : "",
						 ps_ddl_qualified(relid));
	}
	ps_script_header(s, "Locks, taken in this order (parent first: no lock cycle with writers):");
	ps_script_header(s, "  %s: SHARE until COMMIT (reads go on; writes through the parent wait);",
					 ps_ddl_qualified(parentid));
	if (names.len)
		ps_script_header(s, "  %s: %s until COMMIT (reads go on; writes wait);",
						 names.data, mode);
}
