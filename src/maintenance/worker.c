/*-------------------------------------------------------------------------
 *
 * worker.c
 *	  The per-database maintenance worker: runs the policies of one
 *	  database every partstrat.naptime, counted from the start of the
 *	  previous run (no drift).
 *
 * Started by the launcher, connected as partstrat.role (default the
 * bootstrap superuser, which runs every action as the table's owner).
 * Each run is the same pass as the procedure's (runner.c) with the
 * worker's own transactions: a commit after each step, and statements
 * outside BEGIN/COMMIT -- DETACH ... CONCURRENTLY -- run at top level, each
 * under partstrat.maintenance_statement_timeout.  The first thing each run
 * does is to mark the history rows that a dead process left "running"
 * as failed.  At most partstrat.max_actions_per_run actions execute per
 * run.  SIGTERM ends the worker at once (die()); SIGHUP rereads the
 * configuration.  A worker that finds its database's slot held by a live
 * worker (one a previous launcher started) exits: one worker per database.  A database without the extension is only watched.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/worker.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "maintenance.h"
#include "worker_shmem.h"

PGDLLEXPORT void partstrat_worker_main(Datum arg);

static PsMxSlot *my_slot = NULL;

/*
 * Commit and start the next transaction.  SPI outside a portal needs an
 * active snapshot: each transaction of the worker has one (SPI still takes
 * a fresh one per statement).
 */
static void
worker_commit(void)
{
	MemoryContext cxt = CurrentMemoryContext;	/* the run's, not the
												 * transaction's */

	if (ActiveSnapshotSet())
		PopActiveSnapshot();
	CommitTransactionCommand();
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	MemoryContextSwitchTo(cxt);
}

static void
clear_slot(int code, Datum arg)
{
	if (my_slot)
	{
		LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
		if (my_slot->pid == MyProcPid)
			my_slot->pid = 0;
		LWLockRelease(ps_mx_shared->lock);
	}
}

static void
set_slot_times(TimestampTz start, TimestampTz end, TimestampTz next,
			   const char *error)
{
	LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
	if (start)
		my_slot->last_start = start;
	if (end)
		my_slot->last_end = end;
	if (next)
		my_slot->next_run = next;
	if (error)
		strlcpy(my_slot->last_error, error, sizeof(my_slot->last_error));
	LWLockRelease(ps_mx_shared->lock);
}

/* One run over the database's policies. */
static void
run_once(MemoryContext runcxt)
{
	PsTxnControl tc = {worker_commit, true, 0};
	PsRunStats	stats;
	MemoryContext old;

	tc.statement_timeout_ms = ps_mx_statement_timeout_ms;
	memset(&stats, 0, sizeof(stats));
	MemoryContextReset(runcxt);
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	old = MemoryContextSwitchTo(runcxt);
	pgstat_report_activity(STATE_RUNNING, "partstrat maintenance run");
	if (!OidIsValid(get_extension_oid("partstrat", true)))
	{
		set_slot_times(0, GetCurrentTimestamp(), 0,
					   "extension partstrat is not installed in this database");
		MemoryContextSwitchTo(old);
		PopActiveSnapshot();
		CommitTransactionCommand();
		pgstat_report_activity(STATE_IDLE, NULL);
		return;
	}
	PG_TRY();
	{
		ps_run_policies(InvalidOid, "worker", ps_mx_max_actions, &tc,
						&stats);
	}
	PG_CATCH();
	{
		/* unexpected: logged, shown by partstrat_worker_status, restarted */
		ErrorData  *edata;

		MemoryContextSwitchTo(runcxt);
		edata = CopyErrorData();
		set_slot_times(0, GetCurrentTimestamp(), 0,
					   edata->message ? edata->message : "error");
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	if (ActiveSnapshotSet())
		PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	pgstat_report_stat(true);
	if (stats.budget_reached)
		ereport(LOG,
				(errmsg("partstrat worker: partstrat.max_actions_per_run (%d) reached; the other actions wait for the next run",
						ps_mx_max_actions)));
	set_slot_times(0, GetCurrentTimestamp(), 0,
				   stats.last_error ? stats.last_error : "");
}

/* Entry point of a database's worker; arg is its slot number. */
void
partstrat_worker_main(Datum arg)
{
	int			slotno = DatumGetInt32(arg);
	char		dbname[NAMEDATALEN];
	MemoryContext runcxt;
	TimestampTz next;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	my_slot = &ps_mx_shared->slots[slotno];
	LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
	strlcpy(dbname, my_slot->dbname, sizeof(dbname));
	if (my_slot->pid != 0 && my_slot->pid != MyProcPid &&
		kill(my_slot->pid, 0) == 0)
	{
		/* a worker of a previous launcher still runs: one per database */
		int			other = my_slot->pid;

		LWLockRelease(ps_mx_shared->lock);
		ereport(LOG,
				(errmsg("partstrat worker for database \"%s\" not started: process %d still maintains it",
						dbname, other)));
		proc_exit(0);
	}
	my_slot->pid = MyProcPid;
	my_slot->last_error[0] = '\0';
	LWLockRelease(ps_mx_shared->lock);
	before_shmem_exit(clear_slot, (Datum) 0);

	BackgroundWorkerInitializeConnection(dbname,
										 ps_mx_role && ps_mx_role[0] ? ps_mx_role : NULL,
										 0);
	pgstat_report_appname("partstrat worker");
	SetConfigOption("application_name", "partstrat worker",
					PGC_USERSET, PGC_S_SESSION);
	ereport(LOG,
			(errmsg("partstrat worker started for database \"%s\"", dbname)));

	runcxt = AllocSetContextCreate(TopMemoryContext, "partstrat maintenance run",
								   ALLOCSET_DEFAULT_SIZES);
	next = GetCurrentTimestamp();
	for (;;)
	{
		TimestampTz now;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			/* a shorter naptime applies to the run in progress's wait */
			next = Min(next, my_slot->last_start +
					   (int64) ps_mx_naptime_s * USECS_PER_SEC);
			set_slot_times(0, 0, next, NULL);
		}
		now = GetCurrentTimestamp();
		if (now >= next)
		{
			/* the next start counts from this one: no drift */
			next = now + (int64) ps_mx_naptime_s * USECS_PER_SEC;
			set_slot_times(now, 0, next, NULL);
			run_once(runcxt);
			continue;
		}
		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max((next - now) / 1000, 1),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
