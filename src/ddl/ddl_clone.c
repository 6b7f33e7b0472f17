/*-------------------------------------------------------------------------
 *
 * ddl_clone.c
 *	  The script toolkit's copies: a new table made like a partition (its
 *	  columns, options, privileges, indexes and constraints), and the
 *	  replacement of partitions by such copies holding their rows.
 *
 * ps_ddl_clone_table() and ps_ddl_clone_indexes() read the catalogs (SPI,
 * with their queries prepared once per backend) and write statements;
 * ps_ddl_emit_replace() is the copy-check-swap sequence split and merge share.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_clone.c
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

/*
 * GRANT statements on target for the rows of the last catalog query: grantee,
 * privileges ("SELECT, UPDATE" or "ALL"), is_grantable and, for column
 * privileges (column != 0), the quoted column name in that column.
 */
static void
emit_grants(PsScript *s, const char *target, int column)
{
	int			i;

	for (i = 0; i < (int) SPI_processed; i++)
	{
		char	   *grantee = spi_text(i, 1);
		char	   *privs = spi_text(i, 2);
		char	   *grantable = spi_text(i, 3);

		if (column != 0)
		{
			/* "SELECT, UPDATE" -> "SELECT (c), UPDATE (c)" */
			char	   *col = spi_text(i, column);
			StringInfoData p;
			char	   *tok;
			char	   *save;

			initStringInfo(&p);
			for (tok = strtok_r(privs, ",", &save); tok;
				 tok = strtok_r(NULL, ",", &save))
			{
				while (*tok == ' ')
					tok++;
				appendStringInfo(&p, "%s%s (%s)", p.len ? ", " : "", tok, col);
			}
			privs = p.data;
		}
		ps_script_stmt(s, "GRANT %s ON TABLE %s TO %s%s", privs, target,
					   grantee,
					   strcmp(grantable, "t") == 0 ? " WITH GRANT OPTION" : "");
	}
}

/* The table's and its columns' privileges on target, when not the defaults. */
static void
emit_privileges(PsScript *s, Oid srcrelid, Oid owner, const char *target)
{
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
		emit_grants(s, target, 0);
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
	emit_grants(s, target, 4);
	SPI_finish();
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
	emit_privileges(s, srcrelid, owner, target);
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

/*
 * The definition of an index without a constraint, as pg_get_indexdef
 * writes it for the source (whose qualified name is defqual), restated for
 * the copy.  Only the exact prefix "CREATE [UNIQUE] INDEX name ON [ONLY]
 * table " is replaced: an index name holding " ON ONLY " or " USING " is
 * part of that prefix, never a place to cut.  A partitioned index may read
 * ON ONLY (when it has no partitions): the copy never does, so that it
 * recurses.
 */
static void
clone_index_def(PsScript *s, Oid idx, const char *iname, const char *defqual,
				const char *target, const char *newidx)
{
	char	   *def = pg_get_indexdef_string(idx);
	int			unique;
	int			only;

	for (unique = 0; unique < 2; unique++)
	{
		for (only = 0; only < 2; only++)
		{
			char	   *prefix = psprintf("CREATE %sINDEX %s ON %s%s ",
										  unique ? "UNIQUE " : "",
										  quote_identifier(iname),
										  only ? "ONLY " : "", defqual);

			if (strncmp(def, prefix, strlen(prefix)) == 0)
			{
				ps_script_stmt(s, "CREATE %sINDEX %s ON %s %s",
							   unique ? "UNIQUE " : "",
							   quote_identifier(newidx), target,
							   def + strlen(prefix));
				return;
			}
		}
	}
	elog(ERROR, "unexpected index definition: %s", def);
}

void
ps_ddl_clone_indexes(PsScript *s, Oid srcrelid, Oid nspid, const char *newname)
{
	char	   *target = quote_qualified_identifier(get_namespace_name(nspid),
													newname);
	char	   *srcname = get_rel_name(srcrelid);
	char	   *srcqual = ps_ddl_qualified(srcrelid);
	char	   *defqual;
	int			n;
	SPITupleTable *tt;
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
	n = (int) SPI_processed;
	tt = SPI_tuptable;
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
			ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s %s", target,
						   quote_identifier(newidx),
						   TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef,
																   cond)));
		else
			clone_index_def(s, idx, iname, defqual, target, newidx);
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

/* The first half of a new partition: see ddl.h. */
void
ps_ddl_new_partition(PsScript *s, Oid tmpl, Oid nspid, const char *name,
					 bool with_indexes, const char *check, const char *expr)
{
	ps_ddl_clone_table(s, tmpl, nspid, name);
	if (with_indexes)
		ps_ddl_clone_indexes(s, tmpl, nspid, name);
	ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)",
				   quote_qualified_identifier(get_namespace_name(nspid), name),
				   check, expr);
}

/* The second half of a new partition: see ddl.h. */
void
ps_ddl_attach_new_partition(PsScript *s, Oid tmpl, Oid nspid, const char *name,
							bool with_indexes, Oid parentid, const PsBound *b,
							const char *check)
{
	char	   *qname = quote_qualified_identifier(get_namespace_name(nspid),
												   name);

	if (!with_indexes)
		ps_ddl_clone_indexes(s, tmpl, nspid, name);
	ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s",
				   ps_ddl_qualified(parentid), qname, ps_ddl_bound_clause(b));
	ps_script_stmt(s, "ALTER TABLE %s DROP CONSTRAINT %s", qname, check);
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
		ps_ddl_new_partition(s, first, nspid, names[i], false,
							 quote_identifier(cname), exprs[i]);
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
