/*-------------------------------------------------------------------------
 *
 * exec_as_owner.c
 *	  partstrat_exec_as_owner(parent regclass, statements text): the SQL
 *	  face of ps_exec_as_owner() (src/util/asowner.h).
 *
 * Generated scripts call it for every statement that moves rows or runs
 * the table owner's code, so that a superuser running a script never runs
 * that code with superuser rights.  Anyone may call it: it only ever
 * lowers the caller's rights to the owner's, and refuses a caller without
 * the owner's privileges.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/sql/exec_as_owner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "asowner.h"

PG_FUNCTION_INFO_V1(partstrat_exec_as_owner);

Datum
partstrat_exec_as_owner(PG_FUNCTION_ARGS)
{
	char	   *result = ps_exec_as_owner(PG_GETARG_OID(0),
										  text_to_cstring(PG_GETARG_TEXT_PP(1)));

	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
