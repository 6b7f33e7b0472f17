/*-------------------------------------------------------------------------
 *
 * ddl_common.c
 *	  The shared toolkit of the DDL generators: GUC, script framing,
 *	  literals and bounds, new names, cloning, row counts and locks.
 *
 * Each generator (ddl_split.c, ddl_merge.c, ...) decides *what* to do; this
 * file decides how every script says it, so that all scripts share the same
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
 * Literals and bounds
 * ---------------------------------------------------------------------
 */

char *
ps_ddl_literal(const PsValue *v)
{
	if (v->kind == PS_RANGE_MINVALUE)
		return pstrdup("MINVALUE");
	if (v->kind == PS_RANGE_MAXVALUE)
		return pstrdup("MAXVALUE");
	if (v->isnull)
		return pstrdup("NULL");
	return quote_literal_cstr(v->text);
}

PsValue
ps_ddl_value(Datum value, Oid typid, int16 typlen, bool typbyval)
{
	PsValue		v;

	v.kind = PS_RANGE_VALUE;
	v.isnull = false;
	v.value = datumCopy(value, typbyval, typlen);
	v.text = ps_datum_to_iso(value, typid);
	return v;
}

PsBound
ps_bound_of(const PsTree *tree, const PsPartition *p)
{
	PsBound		b;

	memset(&b, 0, sizeof(b));
	b.strategy = p->strategy;
	b.is_default = p->is_default;
	b.nkeys = tree->keys[p->key_index].nkeys;
	b.from = p->range_from;
	b.to = p->range_to;
	b.nlist = p->nlist;
	b.list = p->list_values;
	b.modulus = p->modulus;
	b.remainder = p->remainder;
	return b;
}

static void
append_values(StringInfo buf, const PsValue *vals, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, ps_ddl_literal(&vals[i]));
	}
}

char *
ps_ddl_bound_clause(const PsBound *b)
{
	StringInfoData buf;

	if (b->is_default)
		return pstrdup("DEFAULT");
	initStringInfo(&buf);
	switch (b->strategy)
	{
		case PS_STRATEGY_RANGE:
			appendStringInfoString(&buf, "FOR VALUES FROM (");
			append_values(&buf, b->from, b->nkeys);
			appendStringInfoString(&buf, ") TO (");
			append_values(&buf, b->to, b->nkeys);
			appendStringInfoChar(&buf, ')');
			break;
		case PS_STRATEGY_LIST:
			appendStringInfoString(&buf, "FOR VALUES IN (");
			append_values(&buf, b->list, b->nlist);
			appendStringInfoChar(&buf, ')');
			break;
		case PS_STRATEGY_HASH:
			appendStringInfo(&buf, "FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
							 b->modulus, b->remainder);
			break;
		default:
			elog(ERROR, "unexpected partition strategy \"%c\"", b->strategy);
	}
	return buf.data;
}

/* A Const of key column i holding v (NULL Const for the NULL value). */
static Const *
key_const(const PsKey *key, int i, const PsValue *v)
{
	int16		typlen;
	bool		typbyval;

	get_typlenbyval(key->typids[i], &typlen, &typbyval);
	return makeConst(key->typids[i], key->typmods[i], key->collations[i],
					 typlen, v->isnull ? (Datum) 0 : v->value, v->isnull,
					 typbyval);
}

static List *
range_datums(const PsKey *key, const PsValue *vals)
{
	List	   *l = NIL;
	int			i;

	for (i = 0; i < key->nkeys; i++)
	{
		PartitionRangeDatum *prd = makeNode(PartitionRangeDatum);

		prd->location = -1;
		if (vals[i].kind == PS_RANGE_MINVALUE)
			prd->kind = PARTITION_RANGE_DATUM_MINVALUE;
		else if (vals[i].kind == PS_RANGE_MAXVALUE)
			prd->kind = PARTITION_RANGE_DATUM_MAXVALUE;
		else
		{
			prd->kind = PARTITION_RANGE_DATUM_VALUE;
			prd->value = (Node *) key_const(key, i, &vals[i]);
		}
		l = lappend(l, prd);
	}
	return l;
}

char *
ps_ddl_bound_expr(Oid parentid, const PsKey *key, const PsBound *b)
{
	PartitionBoundSpec *spec = makeNode(PartitionBoundSpec);
	Relation	parent;
	List	   *quals;
	char	   *text;
	int			i;

	if (b->is_default)
		elog(ERROR, "ps_ddl_bound_expr called for the DEFAULT partition");
	spec->strategy = b->strategy;
	spec->is_default = false;
	spec->location = -1;
	switch (b->strategy)
	{
		case PS_STRATEGY_RANGE:
			spec->lowerdatums = range_datums(key, b->from);
			spec->upperdatums = range_datums(key, b->to);
			break;
		case PS_STRATEGY_LIST:
			for (i = 0; i < b->nlist; i++)
				spec->listdatums = lappend(spec->listdatums,
										   key_const(key, 0, &b->list[i]));
			break;
		case PS_STRATEGY_HASH:
			spec->modulus = b->modulus;
			spec->remainder = b->remainder;
			break;
	}

	parent = table_open(parentid, AccessShareLock);
	quals = get_qual_from_partbound(parent, spec);

	/*
	 * Under a parent that is itself a partition, ATTACH also checks the
	 * parent's own partition constraint: include it, or ATTACH scans.
	 */
	if (parent->rd_rel->relispartition)
		quals = list_concat(quals, RelationGetPartitionQual(parent));
	table_close(parent, AccessShareLock);
	text = deparse_expression((Node *) make_ands_explicit(quals),
							  deparse_context_for(get_rel_name(parentid),
												  parentid),
							  false, false);

	/*
	 * Hash: the constraint names the parent by OID; name it instead, so that
	 * the script reads well and stays the same across dump and restore.
	 */
	if (b->strategy == PS_STRATEGY_HASH)
	{
		char	   *oidform = psprintf("satisfies_hash_partition('%u'::oid, ",
									   parentid);
		char	   *at = strstr(text, oidform);

		if (at != NULL)
		{
			StringInfoData buf;

			initStringInfo(&buf);
			appendBinaryStringInfo(&buf, text, at - text);
			appendStringInfo(&buf, "satisfies_hash_partition(%s::regclass, ",
							 quote_literal_cstr(ps_ddl_qualified(parentid)));
			appendStringInfoString(&buf, at + strlen(oidform));
			text = buf.data;
		}
	}
	return text;
}

/* ---------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------
 */

char *
ps_ddl_qualified(Oid relid)
{
	char	   *name = get_rel_name(relid);
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));

	if (name == NULL || nsp == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(nsp, name);
}

static bool
name_taken(List *used, Oid nspid, const char *name)
{
	ListCell   *lc;
	char	   *key = psprintf("%u.%s", nspid, name);

	if (OidIsValid(get_relname_relid(name, nspid)))
		return true;
	if (OidIsValid(GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								   CStringGetDatum(name),
								   ObjectIdGetDatum(nspid))))
		return true;
	foreach(lc, used)
	{
		if (strcmp((char *) lfirst(lc), key) == 0)
			return true;
	}
	return false;
}

/*
 * base || mid || suffix in at most NAMEDATALEN - 1 bytes.  When too long,
 * "_" and 6 hex digits of a hash of the whole name go between base and
 * mid || suffix, base keeps what room is left (at least PS_NAME_MIN_BASE
 * bytes of it), and mid || suffix is cut at its end if even that does not
 * fit; every cut falls on a character boundary (multibyte-safe).  Never an
 * error, whatever the lengths.
 */
#define PS_NAME_MIN_BASE	16

static char *
fit_name(const char *base, const char *mid, const char *suffix)
{
	char	   *full = psprintf("%s%s%s", base, mid, suffix);
	char	   *tail = psprintf("%s%s", mid, suffix);
	int			maxlen = NAMEDATALEN - 1;
	char		hashpart[16];
	int			baselen = strlen(base);
	int			taillen = strlen(tail);
	int			hashlen;
	int			keep;

	if ((int) strlen(full) <= maxlen)
		return full;
	snprintf(hashpart, sizeof(hashpart), "_%06x",
			 hash_bytes((const unsigned char *) full, strlen(full)) & 0xffffff);
	hashlen = strlen(hashpart);
	keep = maxlen - hashlen - taillen;
	if (keep < Min(baselen, PS_NAME_MIN_BASE))
		keep = Min(baselen, PS_NAME_MIN_BASE);
	keep = pg_mbcliplen(base, baselen, Min(keep, baselen));
	taillen = pg_mbcliplen(tail, taillen, maxlen - hashlen - keep);
	return psprintf("%.*s%s%.*s", keep, base, hashpart, taillen, tail);
}

char *
ps_ddl_name(List **used, Oid nspid, const char *base, const char *suffix)
{
	char	   *name = fit_name(base, "", suffix);
	int			n;

	for (n = 2; name_taken(used ? *used : NIL, nspid, name); n++)
	{
		char		mid[16];

		CHECK_FOR_INTERRUPTS();
		snprintf(mid, sizeof(mid), "_%d", n);
		name = fit_name(base, mid, suffix);
	}
	if (used)
		*used = lappend(*used, psprintf("%u.%s", nspid, name));
	return name;
}

char *
ps_ddl_new_name(PsScript *s, Oid nspid, const char *base, const char *suffix)
{
	MemoryContext old = MemoryContextSwitchTo(s->mcxt);
	char	   *name = ps_ddl_name(&s->used_names, nspid, base, suffix);

	MemoryContextSwitchTo(old);
	return name;
}

char *
ps_ddl_copy_name(PsScript *s, Oid nspid, const char *oldparent,
				 const char *newparent, const char *leaf)
{
	size_t		len = strlen(oldparent);
	char	   *suffix;

	if (strncmp(leaf, oldparent, len) == 0 && leaf[len] != '\0')
		suffix = pstrdup(leaf + len);
	else
		suffix = psprintf("_%s", leaf);
	/* room for part of newparent and the hash that keeps names apart */
	suffix[pg_mbcliplen(suffix, strlen(suffix), NAMEDATALEN / 2)] = '\0';
	return ps_ddl_new_name(s, nspid, newparent, suffix);
}

/* ---------------------------------------------------------------------
 * Cloning
 * ---------------------------------------------------------------------
 */

/*
 * The catalog queries below, each prepared once per backend (SPI_keepplan:
 * the plan cache replans after catalog changes).  A caller generating
 * hundreds of scripts (partstrat_advise) would otherwise plan each query
 * once per script.
 */
#define PS_DDL_MAX_QUERIES 16

typedef struct PsDdlQuery
{
	const char *sql;			/* in TopMemoryContext */
	SPIPlanPtr	plan;
} PsDdlQuery;

static PsDdlQuery ps_ddl_queries[PS_DDL_MAX_QUERIES];
static int	ps_ddl_nqueries = 0;

/* Run a read-only catalog query with one oid parameter. */
static void
spi_query_oid(const char *sql, Oid arg)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	SPIPlanPtr	plan = NULL;
	int			i;

	values[0] = ObjectIdGetDatum(arg);
	for (i = 0; i < ps_ddl_nqueries; i++)
	{
		if (strcmp(ps_ddl_queries[i].sql, sql) == 0)
		{
			plan = ps_ddl_queries[i].plan;
			break;
		}
	}
	if (plan == NULL && ps_ddl_nqueries < PS_DDL_MAX_QUERIES)
	{
		plan = SPI_prepare(sql, 1, argtypes);
		if (plan == NULL)
			elog(ERROR, "catalog query failed to prepare: %s", sql);
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		ps_ddl_queries[ps_ddl_nqueries].sql =
			MemoryContextStrdup(TopMemoryContext, sql);
		ps_ddl_queries[ps_ddl_nqueries].plan = plan;
		ps_ddl_nqueries++;
	}
	if ((plan != NULL ?
		 SPI_execute_plan(plan, values, NULL, true, 0) :
		 SPI_execute_with_args(sql, 1, argtypes, values, NULL, true, 0)) !=
		SPI_OK_SELECT)
		elog(ERROR, "catalog query failed: %s", sql);
}

static char *
spi_text(int row, int col)
{
	char	   *v = SPI_getvalue(SPI_tuptable->vals[row],
								 SPI_tuptable->tupdesc, col);

	return v ? pstrdup(v) : NULL;
}

/* reloptions array of a relation as "a=b, c=d" with an optional prefix. */
static void
append_reloptions(StringInfo buf, Oid relid, const char *prefix, bool *first)
{
	HeapTuple	tup;
	Datum		d;
	bool		isnull;

	if (!OidIsValid(relid))
		return;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return;
	d = SysCacheGetAttr(RELOID, tup, Anum_pg_class_reloptions, &isnull);
	if (!isnull)
	{
		ArrayType  *arr = DatumGetArrayTypeP(d);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &n);
		for (i = 0; i < n; i++)
		{
			char	   *opt = TextDatumGetCString(elems[i]);
			char	   *eq = strchr(opt, '=');

			if (nulls[i] || eq == NULL)
				continue;
			*eq = '\0';
			appendStringInfo(buf, "%s%s%s = %s", *first ? "" : ", ", prefix,
							 quote_identifier(opt), quote_literal_cstr(eq + 1));
			*first = false;
		}
	}
	ReleaseSysCache(tup);
}

void
ps_ddl_clone_table(PsScript *s, Oid srcrelid, Oid nspid, const char *newname)
{
	HeapTuple	tup;
	Form_pg_class form;
	char	   *target;
	StringInfoData stmt;
	bool		first = true;
	Oid			owner;
	Oid			spc;
	char		persistence;
	Oid			toastid;
	int			i;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(srcrelid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", srcrelid);
	form = (Form_pg_class) GETSTRUCT(tup);
	owner = form->relowner;
	spc = form->reltablespace;
	persistence = form->relpersistence;
	toastid = form->reltoastrelid;
	ReleaseSysCache(tup);

	target = quote_qualified_identifier(get_namespace_name(nspid), newname);
	initStringInfo(&stmt);
	appendStringInfo(&stmt,
					 "CREATE %sTABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
					 "INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION "
					 "INCLUDING COMMENTS INCLUDING STATISTICS)",
					 persistence == RELPERSISTENCE_UNLOGGED ? "UNLOGGED " : "",
					 target, ps_ddl_qualified(srcrelid));

	/* a partitioned source: the same partition key (no storage options) */
	if (get_rel_relkind(srcrelid) == RELKIND_PARTITIONED_TABLE)
		appendStringInfo(&stmt, " PARTITION BY %s",
						 TextDatumGetCString(DirectFunctionCall1(pg_get_partkeydef,
																 ObjectIdGetDatum(srcrelid))));
	else
	{
		/* reloptions of the table and of its TOAST table */
		StringInfoData opts;

		initStringInfo(&opts);
		append_reloptions(&opts, srcrelid, "", &first);
		append_reloptions(&opts, toastid, "toast.", &first);
		if (!first)
			appendStringInfo(&stmt, " WITH (%s)", opts.data);
	}
	if (OidIsValid(spc))
		appendStringInfo(&stmt, " TABLESPACE %s",
						 quote_identifier(get_tablespace_name(spc)));
	ps_script_stmt(s, "%s", stmt.data);
	/* inside an owner block the owner creates it */
	if (!OidIsValid(s->owner_relid))
		ps_script_stmt(s, "ALTER TABLE %s OWNER TO %s", target,
					   quote_identifier(GetUserNameFromId(owner, false)));

	/* table and column privileges, when not the defaults */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	spi_query_oid("SELECT 1 FROM pg_catalog.pg_class WHERE oid = $1 AND relacl IS NOT NULL",
				  srcrelid);
	if (SPI_processed > 0)
	{
		char	   *ownername = GetUserNameFromId(owner, false);

		/* start from nothing, as an explicit ACL may withhold privileges */
		ps_script_stmt(s, "REVOKE ALL ON TABLE %s FROM PUBLIC, %s", target,
					   quote_identifier(ownername));
		/*
		 * ALL when the grantee holds every privilege a table has on this
		 * server (the owner's default set): the same text whatever the
		 * version's list (17 added MAINTAIN).
		 */
		spi_query_oid("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
					  "ELSE pg_catalog.quote_ident(r.rolname) END, "
					  "CASE WHEN pg_catalog.count(DISTINCT a.privilege_type) = "
					  "(SELECT pg_catalog.count(*) FROM pg_catalog.aclexplode("
					  "pg_catalog.acldefault('r', c.relowner))) THEN 'ALL' "
					  "ELSE pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) END, "
					  "a.is_grantable "
					  "FROM pg_catalog.pg_class c "
					  "CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a "
					  "LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee "
					  "WHERE c.oid = $1 GROUP BY 1, 3, c.relowner ORDER BY 1, 3", srcrelid);
		for (i = 0; i < (int) SPI_processed; i++)
		{
			char	   *grantee = spi_text(i, 1);
			char	   *privs = spi_text(i, 2);
			char	   *grantable = spi_text(i, 3);

			ps_script_stmt(s, "GRANT %s ON TABLE %s TO %s%s", privs, target,
						   grantee,
						   strcmp(grantable, "t") == 0 ? " WITH GRANT OPTION" : "");
		}
	}
	spi_query_oid("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
				  "ELSE pg_catalog.quote_ident(r.rolname) END, "
				  "pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type), "
				  "a.is_grantable, pg_catalog.quote_ident(att.attname) "
				  "FROM pg_catalog.pg_attribute att "
				  "CROSS JOIN LATERAL pg_catalog.aclexplode(att.attacl) a "
				  "LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee "
				  "WHERE att.attrelid = $1 AND att.attnum > 0 AND NOT att.attisdropped "
				  "GROUP BY att.attnum, 1, 3, 4 ORDER BY att.attnum, 1, 3", srcrelid);
	for (i = 0; i < (int) SPI_processed; i++)
	{
		char	   *grantee = spi_text(i, 1);
		char	   *privs = spi_text(i, 2);
		char	   *grantable = spi_text(i, 3);
		char	   *col = spi_text(i, 4);
		StringInfoData p;
		char	   *tok;
		char	   *save;

		/* "SELECT, UPDATE" -> "SELECT (c), UPDATE (c)" */
		initStringInfo(&p);
		for (tok = strtok_r(privs, ",", &save); tok;
			 tok = strtok_r(NULL, ",", &save))
		{
			while (*tok == ' ')
				tok++;
			appendStringInfo(&p, "%s%s (%s)", p.len ? ", " : "", tok, col);
		}
		ps_script_stmt(s, "GRANT %s ON TABLE %s TO %s%s", p.data, target,
					   grantee,
					   strcmp(grantable, "t") == 0 ? " WITH GRANT OPTION" : "");
	}
	SPI_finish();
}

/*
 * New name of an index of the copy: the old index name with the old table
 * name replaced by the new one when it starts with it, else
 * newname_oldindexname.
 */
static char *
index_name(PsScript *s, Oid nspid, const char *oldtable, const char *newname,
		   const char *oldindex)
{
	size_t		len = strlen(oldtable);

	if (strncmp(oldindex, oldtable, len) == 0 && oldindex[len] != '\0')
		return ps_ddl_new_name(s, nspid, newname, oldindex + len);
	return ps_ddl_new_name(s, nspid, newname, psprintf("_%s", oldindex));
}

void
ps_ddl_clone_indexes(PsScript *s, Oid srcrelid, Oid nspid, const char *newname)
{
	char	   *target = quote_qualified_identifier(get_namespace_name(nspid),
													newname);
	char	   *srcname = get_rel_name(srcrelid);
	char	   *srcqual = ps_ddl_qualified(srcrelid);
	char	   *defqual;
	bool		partitioned = get_rel_relkind(srcrelid) == RELKIND_PARTITIONED_TABLE;
	int			i;

	/*
	 * pg_get_indexdef names a temporary table's schema "pg_temp", not
	 * pg_temp_N: match its text with the same name.
	 */
	defqual = quote_qualified_identifier(get_namespace_name_or_temp(get_rel_namespace(srcrelid)),
										 srcname);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* indexes, constraint-backed or not, in name order */
	spi_query_oid("SELECT i.indexrelid, c.relname, con.oid, i.indisvalid "
				  "FROM pg_catalog.pg_index i "
				  "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
				  "LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = i.indexrelid "
				  "AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x') "
				  "WHERE i.indrelid = $1 ORDER BY c.relname", srcrelid);
	{
		int			n = (int) SPI_processed;
		SPITupleTable *tt = SPI_tuptable;

		for (i = 0; i < n; i++)
		{
			bool		isnull;
			Oid			idx = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 1, &isnull));
			char	   *iname = SPI_getvalue(tt->vals[i], tt->tupdesc, 2);
			Datum		cond = SPI_getbinval(tt->vals[i], tt->tupdesc, 3, &isnull);
			bool		nocon = isnull;
			bool		valid = DatumGetBool(SPI_getbinval(tt->vals[i], tt->tupdesc, 4, &isnull));
			char	   *newidx;

			CHECK_FOR_INTERRUPTS();
			if (!valid)
			{
				ps_script_comment(s, "index %s of %s is invalid: not copied",
								  quote_identifier(iname), srcqual);
				continue;
			}
			newidx = index_name(s, nspid, srcname, newname, iname);
			if (!nocon)
			{
				char	   *def = TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef,
																		  cond));

				ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s %s", target,
							   quote_identifier(newidx), def);
			}
			else
			{
				char	   *def = pg_get_indexdef_string(idx);
				char	   *prefix;
				char	   *uprefix;
				const char *rest;

				/*
				 * A partitioned index may read "ON ONLY" (when it has no
				 * partitions): the copy never does, so that it recurses.
				 */
				if (partitioned &&
					strstr(def, psprintf(" ON ONLY %s ", defqual)) != NULL)
					def = psprintf("%.*s%s",
								   (int) (strstr(def, " ON ONLY ") - def) + 4,
								   def,
								   strstr(def, " ON ONLY ") + strlen(" ON ONLY "));
				prefix = psprintf("CREATE INDEX %s ON %s ", quote_identifier(iname),
								  defqual);
				uprefix = psprintf("CREATE UNIQUE INDEX %s ON %s ",
								   quote_identifier(iname), defqual);
				if (strncmp(def, prefix, strlen(prefix)) == 0)
					ps_script_stmt(s, "CREATE INDEX %s ON %s %s",
								   quote_identifier(newidx), target,
								   def + strlen(prefix));
				else if (strncmp(def, uprefix, strlen(uprefix)) == 0)
				{
					rest = def + strlen(uprefix);
					ps_script_stmt(s, "CREATE UNIQUE INDEX %s ON %s %s",
								   quote_identifier(newidx), target, rest);
				}
				else
					elog(ERROR, "unexpected index definition: %s", def);
			}
		}
	}

	/* the partition's own foreign keys (inherited ones come with ATTACH) */
	spi_query_oid("SELECT pg_catalog.quote_ident(conname), "
				  "pg_catalog.pg_get_constraintdef(oid) "
				  "FROM pg_catalog.pg_constraint "
				  "WHERE conrelid = $1 AND contype = 'f' AND conparentid = 0 "
				  "ORDER BY conname", srcrelid);
	for (i = 0; i < (int) SPI_processed; i++)
		ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s %s", target,
					   spi_text(i, 1), spi_text(i, 2));
	SPI_finish();
}

char *
ps_ddl_copy_columns(Oid srcrelid)
{
	Relation	rel = table_open(srcrelid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || att->attgenerated != '\0')
			continue;
		appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
						 quote_identifier(NameStr(att->attname)));
	}
	table_close(rel, AccessShareLock);
	return buf.data;
}

void
ps_ddl_clone_notes(PsScript *s, Oid srcrelid)
{
	int			i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	spi_query_oid("SELECT 'trigger ' || pg_catalog.quote_ident(tgname) || "
				  "' exists only on this partition and is not copied' "
				  "FROM pg_catalog.pg_trigger WHERE tgrelid = $1 "
				  "AND NOT tgisinternal AND tgparentid = 0 "
				  "UNION ALL SELECT 'policy ' || pg_catalog.quote_ident(polname) || "
				  "' is not copied' FROM pg_catalog.pg_policy WHERE polrelid = $1 "
				  "UNION ALL SELECT 'foreign key ' || pg_catalog.quote_ident(conname) || "
				  "' of ' || conrelid::pg_catalog.regclass::text || "
				  "' references this partition: the script fails if it is dropped' "
				  "FROM pg_catalog.pg_constraint WHERE confrelid = $1 AND contype = 'f' "
				  "AND conparentid = 0 ORDER BY 1", srcrelid);
	for (i = 0; i < (int) SPI_processed; i++)
		ps_script_header(s, "Note: %s.", spi_text(i, 1));
	SPI_finish();
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

/* ---------------------------------------------------------------------
 * Replacing partitions by copies
 * ---------------------------------------------------------------------
 */

/* A CHECK constraint name that srcrelid does not use (LIKE copies them). */
static char *
check_name(Oid srcrelid)
{
	char	   *name = pstrdup("partstrat_bound");
	int			n;

	for (n = 2; OidIsValid(get_relation_constraint_oid(srcrelid, name, true));
		 n++)
		name = psprintf("partstrat_bound_%d", n);
	return name;
}

/* Header lines about the parent's DEFAULT partition and its scan. */
static void
default_note(PsScript *s, const PsTree *tree)
{
	int			i;

	for (i = 0; i < tree->nparts; i++)
	{
		const PsPartition *d = &tree->parts[i];

		if (d->level == 1 && d->is_default)
		{
			ps_script_header(s, "The parent has a DEFAULT partition, %s: each ATTACH scans it under",
							 quote_qualified_identifier(d->nspname, d->relname));
			ps_script_header(s, "  ACCESS EXCLUSIVE (%s) unless a valid CHECK constraint on it",
							 d->rows_source == PS_ROWS_RELTUPLES ?
							 psprintf(INT64_FORMAT " rows estimated by ANALYZE", d->est_rows) :
							 "never analyzed");
			ps_script_header(s, "  excludes the new ranges (see partstrat_ddl_guard_default).");
		}
	}
}

void
ps_ddl_emit_replace(PsScript *s, const PsTree *tree, List *old_relids,
					int nnew, const PsBound *bounds, char **names)
{
	Oid			parentid = tree->root;
	const PsKey *key = &tree->keys[tree->root_key];
	Oid			first = linitial_oid(old_relids);
	Oid			nspid = get_rel_namespace(first);
	char	   *parentq = ps_ddl_qualified(parentid);
	char	   *cols = ps_ddl_copy_columns(first);
	char	   *cname = check_name(first);
	char	  **targets = palloc(sizeof(char *) * nnew);
	char	  **exprs = palloc(sizeof(char *) * nnew);
	List	   *oldnames = NIL;
	List	   *newnames = NIL;
	ListCell   *lc;
	int			i;

	foreach(lc, old_relids)
		oldnames = lappend(oldnames, ps_ddl_qualified(lfirst_oid(lc)));
	for (i = 0; i < nnew; i++)
	{
		targets[i] = quote_qualified_identifier(get_namespace_name(nspid),
												names[i]);
		exprs[i] = ps_ddl_bound_expr(parentid, key, &bounds[i]);
		newnames = lappend(newnames, targets[i]);
	}

	/* 1. locks, with their header lines */
	ps_script_comment(s, "1. lock: the parent first, then the partition(s) to replace");
	ps_ddl_lock(s, parentid, old_relids, "SHARE");
	ps_script_header(s, "  %s and the old partition(s): ACCESS EXCLUSIVE from the DETACH to COMMIT,",
					 parentq);
	ps_script_header(s, "    catalog changes only (DETACH, ATTACH without a validation scan, DROP): milliseconds.");
	ps_script_header(s, "The copy (one pass per new partition, then the index builds) runs under the SHARE locks:");
	ps_script_header(s, "  it takes about as long as INSERT ... SELECT of the rows plus CREATE INDEX.");
	default_note(s, tree);
	ps_script_header(s, "Sessions writing straight into an old partition by name fail once it is dropped: write through the parent.");
	ps_script_header(s, "After COMMIT, ANALYZE the new partitions.");
	ps_ddl_clone_notes(s, first);
	ps_ddl_save_count(s, "rows_before", ps_ddl_owner_rows(s, parentid, oldnames));

	ps_script_blank(s);
	ps_script_comment(s, "2. as the owner: new standalone tables, each with a CHECK constraint equal to its bound, and their rows");
	ps_script_owner_begin(s, parentid);
	for (i = 0; i < nnew; i++)
	{
		ps_script_comment(s, "%s %s", targets[i], ps_ddl_bound_clause(&bounds[i]));
		ps_ddl_clone_table(s, first, nspid, names[i]);
		ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)",
					   targets[i], quote_identifier(cname), exprs[i]);
		foreach(lc, oldnames)
		{
			if (nnew > 1)
				ps_script_stmt(s, "INSERT INTO %s (%s)\n    SELECT %s FROM ONLY %s\n    WHERE %s",
							   targets[i], cols, cols, (char *) lfirst(lc),
							   exprs[i]);
			else
				ps_script_stmt(s, "INSERT INTO %s (%s)\n    SELECT %s FROM ONLY %s",
							   targets[i], cols, cols, (char *) lfirst(lc));
		}
	}

	ps_script_comment(s, "3. indexes and constraints of the old partition, built once the rows are in");
	for (i = 0; i < nnew; i++)
		ps_ddl_clone_indexes(s, first, nspid, names[i]);
	ps_script_owner_end(s);

	ps_script_blank(s);
	ps_script_comment(s, "4. every row is in a new table, or everything rolls back");
	ps_ddl_assert_count(s, "rows_before", ps_ddl_owner_rows(s, parentid, newnames));

	ps_script_blank(s);
	ps_script_comment(s, "5. catalog changes under ACCESS EXCLUSIVE: detach, attach (no scan: the CHECK implies the bound), drop");
	foreach(lc, oldnames)
		ps_script_stmt(s, "ALTER TABLE %s DETACH PARTITION %s", parentq,
					   (char *) lfirst(lc));
	ps_script_owner_begin(s, parentid);
	for (i = 0; i < nnew; i++)
	{
		ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s", parentq,
					   targets[i], ps_ddl_bound_clause(&bounds[i]));
		ps_script_stmt(s, "ALTER TABLE %s DROP CONSTRAINT %s", targets[i],
					   quote_identifier(cname));
	}
	ps_script_owner_end(s);
	foreach(lc, oldnames)
		ps_script_stmt(s, "DROP TABLE %s", (char *) lfirst(lc));
}
