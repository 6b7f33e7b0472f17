/*-------------------------------------------------------------------------
 *
 * procedure.c
 *	  CALL partstrat_run_maintenance_proc(parent DEFAULT NULL): one pass
 *	  over the policies from any session (pg_cron, a DBA), committing
 *	  between steps with SPI_commit.
 *
 * The procedure runs with the caller's rights: row security on the policy
 * table shows it only the policies of tables whose owner's rights it has,
 * and every script runs as the table's owner.  It needs a non-atomic
 * context (CALL outside a transaction block): its commits are what keeps a
 * lock from outliving its step.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/procedure.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "utils/memutils.h"

#include "maintenance.h"

PG_FUNCTION_INFO_V1(partstrat_run_maintenance_proc);

static void
proc_commit(void)
{
	SPI_commit();
}

Datum
partstrat_run_maintenance_proc(PG_FUNCTION_ARGS)
{
	CallContext *cc = (CallContext *) fcinfo->context;
	PsTxnControl tc = {proc_commit, false, 0};
	PsRunStats	stats;
	MemoryContext runcxt;
	MemoryContext old;
	Oid			parent = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);

	if (cc == NULL || !IsA(cc, CallContext) || cc->atomic)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("partstrat_run_maintenance_proc must be called with CALL outside a transaction block"),
				 errhint("Run CALL partstrat_run_maintenance_proc(); on its own: it commits after each step.")));
	if (SPI_connect_ext(SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect_ext failed");
	/* survives the commits: a child of the CALL's portal */
	runcxt = AllocSetContextCreate(PortalContext, "partstrat maintenance run",
								   ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(runcxt);
	memset(&stats, 0, sizeof(stats));
	ps_run_policies(parent, "procedure", &tc, &stats);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(runcxt);
	SPI_finish();
	PG_RETURN_VOID();
}
