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
	int			max_actions = 0;

	if (PG_NARGS() > 1 && !PG_ARGISNULL(1))
	{
		max_actions = PG_GETARG_INT32(1);
		if (max_actions < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_actions must be at least 1"),
					 errhint("Pass NULL (the default) to run every action that is due.")));
	}

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
	ps_run_policies(parent, "procedure", max_actions, &tc, &stats);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(runcxt);
	SPI_finish();
	if (stats.budget_reached)
		ereport(NOTICE,
				(errmsg("max_actions (%d) reached: the other due actions wait for the next call",
						max_actions)));
	PG_RETURN_VOID();
}
