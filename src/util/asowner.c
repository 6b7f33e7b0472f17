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
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/util/asowner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"

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
