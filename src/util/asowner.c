/*-------------------------------------------------------------------------
 *
 * asowner.c
 *	  Reading a table's rows as its owner, in a security-restricted
 *	  operation, the way ANALYZE and CREATE INDEX evaluate expressions.
 *
 * Some generators and the exact skew read rows: min() of the partition key
 * in the DEFAULT, quantiles of a leaf, counts per hash remainder or list
 * value.  A partition key can be an expression calling the table owner's
 * functions; evaluated with the caller's rights -- often a superuser's, and
 * the background maintenance's -- such a function could do anything the
 * caller may (read server files, ...).  So every query that evaluates
 * expressions over a table's rows switches to the owner of the table it
 * scans, in a security-restricted operation (no SET ROLE, no temporary
 * objects), with a GUC nest level that undoes any SET a function makes and
 * pins search_path to pg_catalog, pg_temp: the caller's search_path must
 * not choose the operators and functions the owner's rights run.
 *
 * Reading as the owner must not show the caller rows it could not read
 * itself: the caller needs SELECT on the table or on a table it is a
 * partition of (the stats role pg_read_all_stats, enough for the sizes and
 * statistics, is not), and no row security policy may apply to it there
 * (the owner would bypass it).  row_security is off while the owner reads:
 * a policy FORCEd on the owner makes the query fail rather than hide rows.  An error anywhere restores the caller: the
 * (sub)transaction abort resets the user and the GUC nest levels.
 *
 *		ps_spi_connect_as_owner(&ao, relid);
 *		... SPI_execute(...) ...
 *		ps_spi_finish_as_owner(&ao);
 *
 * Writing as the owner: ps_exec_as_owner() (asowner.h) runs the statements
 * of a script or of the maintenance worker that move rows or evaluate the
 * owner's code as the owner of the table, with the checks described there.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/util/asowner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_tablespace.h"
#include "commands/tablespace.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "asowner.h"
#include "compat.h"
#include "partstrat.h"

/*
 * ERROR unless the caller may read every row of relid: SELECT on it or on
 * an ancestor, with no row security policy applying to it there.
 */
static void
check_caller_reads(Oid relid)
{
	Oid			userid = GetUserId();
	List	   *rels = lcons_oid(relid, get_partition_ancestors(relid));
	Oid			rls_rel = InvalidOid;
	ListCell   *lc;

	foreach(lc, rels)
	{
		Oid			r = lfirst_oid(lc);

		if (pg_class_aclcheck(r, userid, ACL_SELECT) != ACLCHECK_OK)
			continue;
		if (check_enable_rls(r, InvalidOid, true) == RLS_ENABLED)
		{
			/* through another table, maybe */
			if (!OidIsValid(rls_rel))
				rls_rel = r;
			continue;
		}
		return;
	}
	if (OidIsValid(rls_rel))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("row-level security applies to \"%s\" for the current user",
						get_rel_name(rls_rel)),
				 errdetail("partstrat reads the rows of \"%s\" to write this script, and would see rows the policies hide.",
						   get_rel_name(relid)),
				 errhint("Run it as the table owner, or as a role that bypasses row-level security.")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for table %s",
					get_rel_name(llast_oid(rels))),
			 errdetail("partstrat reads the rows of \"%s\" to write this script; pg_read_all_stats shows sizes and statistics, not rows.",
					   get_rel_name(relid)),
			 errhint("Grant SELECT on the table.")));
}

void
ps_as_owner_begin(PsAsUser *ao, Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	check_caller_reads(relid);

	ps_as_user_begin(ao, owner, "pg_catalog, pg_temp");
	/* a policy FORCEd on the owner raises an error, never hides rows */
	(void) set_config_option("row_security", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

void
ps_as_user_begin(PsAsUser *ao, Oid userid, const char *search_path)
{
	GetUserIdAndSecContext(&ao->save_userid, &ao->save_sec);
	SetUserIdAndSecContext(userid,
						   ao->save_sec | SECURITY_RESTRICTED_OPERATION);
	ao->guc_nest = NewGUCNestLevel();
	(void) set_config_option("search_path", search_path,
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
}

void
ps_as_user_end(PsAsUser *ao)
{
	AtEOXact_GUC(false, ao->guc_nest);
	SetUserIdAndSecContext(ao->save_userid, ao->save_sec);
}

void
ps_spi_connect_as_owner(PsAsUser *ao, Oid relid)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_owner_begin(ao, relid);
}

void
ps_spi_finish_as_owner(PsAsUser *ao)
{
	ps_as_user_end(ao);
	SPI_finish();
}

/* ---------------------------------------------------------------------
 * Running statements as the owner (asowner.h)
 * ---------------------------------------------------------------------
 */

Oid
ps_rel_owner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped concurrently.")));
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * The owner rule, for one relation the owner's statements touch: the role
 * owning r when that is not owner, else InvalidOid (also when r does not
 * exist).  partstrat_exec_as_owner() and the maintenance executor both ask.
 */
Oid
ps_other_owner(Oid r, Oid owner)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(r));
	Oid			o;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	o = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return o == owner ? InvalidOid : o;
}

/* May owner create tables in schema nsp (USAGE and CREATE on it)? */
bool
ps_owner_may_create_in(Oid nsp, Oid owner)
{
	return ps_namespace_aclcheck(nsp, owner, ACL_CREATE) == ACLCHECK_OK &&
		ps_namespace_aclcheck(nsp, owner, ACL_USAGE) == ACLCHECK_OK;
}

static void check_tree_owned(Oid relid, Oid owner);

/* What the error context callback says. */
typedef struct ExecAsOwnerState
{
	Oid			relid;
	Oid			owner;
	int			stmtno;
} ExecAsOwnerState;

static void
exec_as_owner_context(void *arg)
{
	ExecAsOwnerState *st = arg;

	if (st->stmtno > 0)
		errcontext("statement %d run as role \"%s\", the owner of \"%s\" (partstrat_exec_as_owner)",
				   st->stmtno, GetUserNameFromId(st->owner, true),
				   get_rel_name(st->relid));
}

/* ERROR unless relation r (when it exists) belongs to owner. */
static void
check_owned(Oid r, Oid owner, Oid relid)
{
	Oid			o = ps_other_owner(r, owner);

	if (!OidIsValid(o))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("\"%s\" is owned by role \"%s\", not by \"%s\", the owner of \"%s\"",
					get_rel_name(r), GetUserNameFromId(o, true),
					GetUserNameFromId(owner, true), get_rel_name(relid)),
			 errdetail("partstrat runs the code of the tables it moves rows between (constraints, defaults, triggers, key and index expressions) as the owner of \"%s\": the code of a table owned by another role would run with rights that role does not have.",
					   get_rel_name(relid)),
			 errhint("Give it the same owner: ALTER TABLE %s OWNER TO %s;",
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(r)),
												get_rel_name(r)),
					 quote_identifier(GetUserNameFromId(owner, false)))));
}

/*
 * A qualified RangeVar (partstrat always qualifies) must be owned, in a
 * schema the owner may use: else the statement would fail later with a
 * bare "permission denied for schema" (the row counts run before the
 * tables are created).
 */
static void
check_rangevar(RangeVar *rv, Oid owner, Oid relid)
{
	Oid			r;
	Oid			nsp;

	if (rv == NULL || rv->schemaname == NULL)
		return;					/* a CTE, or pg_catalog's own */
	/* looked up without an ACL check: the owner's is made here */
	nsp = get_namespace_oid(rv->schemaname, true);
	if (!OidIsValid(nsp))
		return;
	r = get_relname_relid(rv->relname, nsp);
	if (!OidIsValid(r))
		return;
	check_owned(r, owner, relid);
	if (ps_namespace_aclcheck(nsp, owner, ACL_USAGE) != ACLCHECK_OK)
	{
		char	   *role = GetUserNameFromId(owner, false);

		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" may not use schema \"%s\"",
						role, get_namespace_name(nsp)),
				 errdetail("The rows are counted and moved by the owner of the table, \"%s\", in tables it owns; nothing has been moved.",
						   role),
				 errhint("GRANT USAGE, CREATE ON SCHEMA %s TO %s;",
						 quote_identifier(get_namespace_name(nsp)),
						 quote_identifier(role))));
	}
}

static bool
rangevar_walker(Node *node, void *context)
{
	ExecAsOwnerState *st = context;

	if (node == NULL)
		return false;
	if (IsA(node, RangeVar))
	{
		check_rangevar((RangeVar *) node, st->owner, st->relid);
		return false;
	}
	return raw_expression_tree_walker(node, rangevar_walker, context);
}

/* ERROR unless the owner may create in the schema and tablespace. */
static void
check_may_create(const char *schemaname, const char *spcname, Oid owner,
				 const char *what)
{
	char	   *role = GetUserNameFromId(owner, false);

	if (schemaname != NULL)
	{
		Oid			nsp = get_namespace_oid(schemaname, true);

		if (OidIsValid(nsp) && !ps_owner_may_create_in(nsp, owner))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("role \"%s\" may not create %s in schema \"%s\"",
							role, what, schemaname),
					 errdetail("The rows are moved by the owner of the table, \"%s\", into tables it owns; nothing has been moved.",
							   role),
					 errhint("GRANT USAGE, CREATE ON SCHEMA %s TO %s;",
							 quote_identifier(schemaname),
							 quote_identifier(role))));
	}
	if (spcname != NULL)
	{
		Oid			spc = get_tablespace_oid(spcname, true);

		if (OidIsValid(spc) && spc != MyDatabaseTableSpace &&
			ps_tablespace_aclcheck(spc, owner, ACL_CREATE) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("role \"%s\" may not create %s in tablespace \"%s\"",
							role, what, spcname),
					 errdetail("The rows are moved by the owner of the table, \"%s\", into tables it owns; nothing has been moved.",
							   role),
					 errhint("GRANT CREATE ON TABLESPACE %s TO %s;",
							 quote_identifier(spcname),
							 quote_identifier(role))));
	}
}

/* The checks of one raw statement, before it runs. */
static void
check_statement(Node *stmt, ExecAsOwnerState *st)
{
	Oid			owner = st->owner;
	Oid			relid = st->relid;
	ListCell   *lc;

	switch (nodeTag(stmt))
	{
		case T_InsertStmt:
		case T_DeleteStmt:
		case T_UpdateStmt:
		case T_SelectStmt:
			(void) rangevar_walker(stmt, st);
			break;
		case T_AlterTableStmt:
			check_rangevar(((AlterTableStmt *) stmt)->relation, owner, relid);
			foreach(lc, ((AlterTableStmt *) stmt)->cmds)
			{
				AlterTableCmd *cmd = lfirst(lc);

				if (cmd->subtype == AT_AttachPartition ||
					cmd->subtype == AT_DetachPartition)
					check_rangevar(((PartitionCmd *) cmd->def)->name, owner,
								   relid);
			}
			break;
		case T_IndexStmt:
			{
				IndexStmt  *is = (IndexStmt *) stmt;

				check_rangevar(is->relation, owner, relid);
				check_may_create(NULL, is->tableSpace, owner, "an index");
				break;
			}
		case T_CreateStmt:
			{
				CreateStmt *cs = (CreateStmt *) stmt;

				check_may_create(cs->relation->schemaname, cs->tablespacename,
								 owner, "a table");
				foreach(lc, cs->inhRelations)
					check_rangevar(lfirst(lc), owner, relid);
				foreach(lc, cs->tableElts)
				{
					if (IsA(lfirst(lc), TableLikeClause))
						check_rangevar(((TableLikeClause *) lfirst(lc))->relation,
									   owner, relid);
				}
				break;
			}
		case T_GrantStmt:
			{
				GrantStmt  *gs = (GrantStmt *) stmt;

				if (gs->objtype != OBJECT_TABLE || gs->targtype != ACL_TARGET_OBJECT)
					goto unsupported;
				foreach(lc, gs->objects)
					check_rangevar(lfirst(lc), owner, relid);
				break;
			}
		case T_DropStmt:
			{
				DropStmt   *ds = (DropStmt *) stmt;

				if (ds->removeType != OBJECT_TABLE)
					goto unsupported;
				foreach(lc, ds->objects)
					check_rangevar(makeRangeVarFromNameList(lfirst(lc)), owner,
								   relid);
				break;
			}
		case T_VacuumStmt:
			{
				VacuumStmt *vs = (VacuumStmt *) stmt;

				if (vs->is_vacuumcmd)
					goto unsupported;
				foreach(lc, vs->rels)
					check_rangevar(((VacuumRelation *) lfirst(lc))->relation,
								   owner, relid);
				break;
			}
		case T_DoStmt:
			/* a loop moving rows in batches: its tables are the tree's */
			break;
		default:
			goto unsupported;
	}
	return;

unsupported:
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("partstrat_exec_as_owner does not run this kind of statement"),
			 errdetail("It runs INSERT, UPDATE, DELETE, SELECT, ALTER TABLE, CREATE TABLE, CREATE INDEX, GRANT and REVOKE on tables, DROP TABLE, ANALYZE and DO.")));
}

void
ps_check_same_owner(Oid relid)
{
	check_tree_owned(relid, ps_rel_owner(relid));
}


/*
 * Objects in the session's temporary schema (types, relations, functions,
 * operators).  The owner's code may not leave any there: from the session's
 * pg_temp a domain named like a built-in type shadows it for the rest of
 * the session, running the owner's CHECK as whoever runs the session (a
 * security-restricted operation refuses temporary tables only; PostgreSQL
 * 18 lets a temporary domain through).  The owner cannot drop the
 * session's own objects, so a count that grows means it created some.
 * Not read_only: a fresh snapshot sees what the statements just created.
 */
static int64
temp_schema_objects(void)
{
	bool		isnull;
	Datum		d;

	if (SPI_execute("SELECT (SELECT count(*) FROM pg_catalog.pg_type"
					" WHERE typnamespace = pg_catalog.pg_my_temp_schema())"
					" + (SELECT count(*) FROM pg_catalog.pg_class"
					" WHERE relnamespace = pg_catalog.pg_my_temp_schema())"
					" + (SELECT count(*) FROM pg_catalog.pg_proc"
					" WHERE pronamespace = pg_catalog.pg_my_temp_schema())"
					" + (SELECT count(*) FROM pg_catalog.pg_operator"
					" WHERE oprnamespace = pg_catalog.pg_my_temp_schema())",
					false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not count temporary objects");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/* ERROR unless relid, its ancestors and its partitions have one owner. */
static void
check_tree_owned(Oid relid, Oid owner)
{
	List	   *rels = list_concat(find_all_inheritors(relid, NoLock, NULL),
								   get_partition_ancestors(relid));
	ListCell   *lc;

	foreach(lc, rels)
	{
		CHECK_FOR_INTERRUPTS();
		check_owned(lfirst_oid(lc), owner, relid);
	}
}

char *
ps_exec_as_owner(Oid relid, const char *sql)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *result = NULL;
	Oid			owner = ps_rel_owner(relid);
	ExecAsOwnerState st;
	ErrorContextCallback errcb;
	List	   *stmts;
	int64		ntemp;
	PsAsUser	ao;
	ListCell   *lc;

	/*
	 * The caller must have the owner's privileges and be able to become it:
	 * from PostgreSQL 16 a member granted the role WITH SET FALSE has its
	 * privileges but may not act as it (own objects as it, use its
	 * attributes such as BYPASSRLS), which running as the owner would give.
	 */
	if (!has_privs_of_role(GetUserId(), owner)
#if PG_VERSION_NUM >= 160000
		|| !member_can_set_role(GetUserId(), owner)
#endif
		)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be able to act as role \"%s\" to run this script",
						GetUserNameFromId(owner, false)),
				 errdetail("Its statements run as \"%s\", the owner of \"%s\".",
						   GetUserNameFromId(owner, false),
						   get_rel_name(relid)),
				 errhint("Run it as that role, as a member of it, or as a superuser.")));
	check_tree_owned(relid, owner);

	st.relid = relid;
	st.owner = owner;
	st.stmtno = 0;
	errcb.callback = exec_as_owner_context;
	errcb.arg = &st;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	stmts = raw_parser(sql, RAW_PARSE_DEFAULT);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, owner, "pg_catalog, pg_temp");
	(void) set_config_option("row_security", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	ntemp = temp_schema_objects();
	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		char	   *text;
		int			rc;

		List	   *now;

		CHECK_FOR_INTERRUPTS();
		st.stmtno++;
		check_statement(rs->stmt, &st);
		text = rs->stmt_len > 0 ?
			pnstrdup(sql + rs->stmt_location, rs->stmt_len) :
			pstrdup(sql + rs->stmt_location);

		/*
		 * Check what runs, not what was read before anything ran: a
		 * statement before this one may have changed a setting that changes
		 * how SQL text reads (standard_conforming_strings off makes a
		 * literal holding a backslash end elsewhere), turning this one
		 * statement into several.  SPI_execute() parses the text right
		 * after this parse, under the same settings.
		 */
		now = raw_parser(text, RAW_PARSE_DEFAULT);
		if (list_length(now) != 1 ||
			nodeTag(linitial_node(RawStmt, now)->stmt) != nodeTag(rs->stmt))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("statement %d of partstrat_exec_as_owner reads differently than when it was checked",
							st.stmtno),
					 errdetail("A statement before it changed a setting that changes how SQL text is read, such as standard_conforming_strings."),
					 errhint("Write literals holding a backslash as E'...'.")));
		check_statement(linitial_node(RawStmt, now)->stmt, &st);
		rc = SPI_execute(text, false, 0);
		if (rc < 0)
			elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
		result = NULL;
		if (rc == SPI_OK_SELECT && SPI_processed > 0 && SPI_tuptable != NULL)
		{
			char	   *v = SPI_getvalue(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1);

			result = v ? MemoryContextStrdup(caller, v) : NULL;
		}
	}
	if (temp_schema_objects() != ntemp)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the code of the owner of \"%s\" created temporary objects",
						get_rel_name(relid)),
				 errdetail("A temporary type, function or operator of the owner would stay in this session's pg_temp and could shadow a built-in one."),
				 errhint("Remove the creation of temporary objects from the owner's triggers, constraints and functions.")));
	ps_as_user_end(&ao);
	SPI_finish();
	error_context_stack = errcb.previous;
	return result;
}
