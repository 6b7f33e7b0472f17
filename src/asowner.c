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
 * objects), with a GUC nest level that undoes any SET a function makes.
 * The caller's own right to read the table has been checked before (see
 * ps_check_read_access).  An error anywhere restores the caller: the
 * (sub)transaction abort resets the user and the GUC nest levels.
 *
 *		ps_spi_connect_as_owner(&ao, relid);
 *		... SPI_execute(...) ...
 *		ps_spi_finish_as_owner(&ao);
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/asowner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/syscache.h"

#include "partstrat.h"

void
ps_as_owner_begin(PsAsOwner *ao, Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	GetUserIdAndSecContext(&ao->save_userid, &ao->save_sec);
	SetUserIdAndSecContext(owner,
						   ao->save_sec | SECURITY_RESTRICTED_OPERATION);
	ao->guc_nest = NewGUCNestLevel();
}

void
ps_as_owner_end(PsAsOwner *ao)
{
	AtEOXact_GUC(false, ao->guc_nest);
	SetUserIdAndSecContext(ao->save_userid, ao->save_sec);
}

void
ps_spi_connect_as_owner(PsAsOwner *ao, Oid relid)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_owner_begin(ao, relid);
}

void
ps_spi_finish_as_owner(PsAsOwner *ao)
{
	ps_as_owner_end(ao);
	SPI_finish();
}
