/*-------------------------------------------------------------------------
 *
 * launcher.c
 *	  The GUCs of scheduled maintenance, the shared status of the workers,
 *	  and the launcher: one background process that keeps one worker per
 *	  database of partstrat.databases running.
 *
 * The launcher is registered from _PG_init when the library is preloaded,
 * starts once recovery has finished (never on a standby) and is restarted
 * by the postmaster if it dies.  Each naptime, and on SIGHUP, it compares
 * the running workers with partstrat.databases: it registers the missing
 * ones (a failed registration -- no free max_worker_processes -- is logged
 * and retried on the next round, and the launcher wakes when one of its
 * workers ends), and stops those of databases removed from the list.  A
 * worker that ended (terminated, failed) is started again on the next
 * round.  Databases run in parallel: one that hangs never delays another.
 *
 * When the launcher ends (SIGTERM, an error) it stops its workers; the
 * postmaster starts it again after bgw_restart_time and it starts them
 * again.  A worker still alive without a handle (its launcher died before
 * it could stop it) is left to run, never doubled.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/launcher.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

#include "compat.h"
#include "maintenance.h"
#include "worker_shmem.h"

char	   *ps_mx_databases = NULL;
int			ps_mx_naptime_s = 60;
char	   *ps_mx_role = NULL;
int			ps_mx_max_actions = 100;
int			ps_mx_history_keep_s = 30 * 86400;
int			ps_mx_statement_timeout_ms = 3600 * 1000;

PsMxShared *ps_mx_shared = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

PGDLLEXPORT void partstrat_launcher_main(Datum arg);

/* The launcher's handles of its workers, by slot. */
static BackgroundWorkerHandle *handles[PS_MX_MAX_DATABASES];

PG_FUNCTION_INFO_V1(partstrat_worker_status);

static void
mx_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(PsMxShared));
	RequestNamedLWLockTranche("partstrat", 1);
}

static void
mx_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	ps_mx_shared = ShmemInitStruct("partstrat maintenance", sizeof(PsMxShared),
								   &found);
	if (!found)
	{
		memset(ps_mx_shared, 0, sizeof(PsMxShared));
		ps_mx_shared->lock = &(GetNamedLWLockTranche("partstrat"))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

/* Define the GUCs; when preloaded, reserve shared memory and register the launcher. */
void
ps_mx_init(void)
{
	BackgroundWorker bgw;

	DefineCustomStringVariable("partstrat.databases",
							   "Databases whose maintenance policies the background worker runs (comma-separated).",
							   "Empty: none.  Needs shared_preload_libraries = 'partstrat'.",
							   &ps_mx_databases, "",
							   PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.naptime",
							"Time between the starts of two maintenance runs of a database.",
							NULL,
							&ps_mx_naptime_s, 60, 1, 86400,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomStringVariable("partstrat.role",
							   "Role the background maintenance workers connect as (empty: the bootstrap superuser).",
							   "Every action runs as the owner of its table whatever this role is.",
							   &ps_mx_role, "",
							   PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.max_actions_per_run",
							"Most actions one maintenance run executes in a database.",
							NULL,
							&ps_mx_max_actions, 100, 1, INT_MAX,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.history_keep",
							"Age after which maintenance history rows are removed.",
							NULL,
							&ps_mx_history_keep_s, 30 * 86400, 60, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.maintenance_statement_timeout",
							"statement_timeout of each statement the background worker runs.",
							"Lock waits are bounded by partstrat.lock_timeout.",
							&ps_mx_statement_timeout_ms, 3600 * 1000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);

	if (!process_shared_preload_libraries_in_progress || IsBinaryUpgrade)
		return;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = mx_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = mx_shmem_startup;

	memset(&bgw, 0, sizeof(bgw));
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = 10;
	snprintf(bgw.bgw_library_name, BGW_MAXLEN, "partstrat");
	snprintf(bgw.bgw_function_name, BGW_MAXLEN, "partstrat_launcher_main");
	snprintf(bgw.bgw_name, BGW_MAXLEN, "partstrat launcher");
	snprintf(bgw.bgw_type, BGW_MAXLEN, "partstrat launcher");
	RegisterBackgroundWorker(&bgw);
}

/* The configured databases, as a List of char *. */
static List *
configured_databases(void)
{
	char	   *raw = pstrdup(ps_mx_databases ? ps_mx_databases : "");
	List	   *names = NIL;

	if (!SplitIdentifierString(raw, ',', &names))
	{
		ereport(LOG,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("partstrat.databases is not a valid list of names: \"%s\"",
						ps_mx_databases)));
		return NIL;
	}
	return names;
}

/* The slot of database name, creating it when create; NULL if none/full. */
static PsMxSlot *
slot_of(const char *name, bool create)
{
	int			i;
	PsMxSlot   *free_slot = NULL;

	for (i = 0; i < PS_MX_MAX_DATABASES; i++)
	{
		PsMxSlot   *s = &ps_mx_shared->slots[i];

		if (s->in_use && strcmp(s->dbname, name) == 0)
			return s;
		if (!s->in_use && free_slot == NULL)
			free_slot = s;
	}
	if (!create || free_slot == NULL)
		return NULL;
	memset(free_slot, 0, sizeof(PsMxSlot));
	free_slot->in_use = true;
	strlcpy(free_slot->dbname, name, NAMEDATALEN);
	return free_slot;
}

/* Register the worker of one database (dynamic, never restarted by itself). */
static bool
start_worker(int slotno, BackgroundWorkerHandle **handle)
{
	BackgroundWorker bgw;

	memset(&bgw, 0, sizeof(bgw));
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(bgw.bgw_library_name, BGW_MAXLEN, "partstrat");
	snprintf(bgw.bgw_function_name, BGW_MAXLEN, "partstrat_worker_main");
	snprintf(bgw.bgw_name, BGW_MAXLEN, "partstrat worker %s",
			 ps_mx_shared->slots[slotno].dbname);
	snprintf(bgw.bgw_type, BGW_MAXLEN, "partstrat worker");
	bgw.bgw_main_arg = Int32GetDatum(slotno);
	bgw.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&bgw, handle))
	{
		ereport(LOG,
				(errmsg("partstrat launcher could not start the worker of database \"%s\": no free background worker slot",
						ps_mx_shared->slots[slotno].dbname),
				 errhint("Raise max_worker_processes; the launcher tries again at its next round.")));
		return false;
	}
	return true;
}

/* Is the worker of slot i running (started by this launcher or not)? */
static bool
worker_alive(int i)
{
	pid_t		pid = 0;
	int			slot_pid;

	if (handles[i] != NULL)
		return GetBackgroundWorkerPid(handles[i], &pid) != BGWH_STOPPED;
	LWLockAcquire(ps_mx_shared->lock, LW_SHARED);
	slot_pid = ps_mx_shared->slots[i].pid;
	LWLockRelease(ps_mx_shared->lock);
	return slot_pid != 0 && kill(slot_pid, 0) == 0;
}

/* Stop the worker of slot i. */
static void
stop_worker(int i)
{
	if (handles[i] != NULL)
		TerminateBackgroundWorker(handles[i]);
	else if (ps_mx_shared->slots[i].pid != 0)
		(void) kill(ps_mx_shared->slots[i].pid, SIGTERM);
}

/* The launcher ends: its workers end with it (it starts them again). */
static void
launcher_exit(int code, Datum arg)
{
	int			i;

	for (i = 0; i < PS_MX_MAX_DATABASES; i++)
		if (handles[i] != NULL)
			TerminateBackgroundWorker(handles[i]);
	LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
	if (ps_mx_shared->launcher_pid == MyProcPid)
		ps_mx_shared->launcher_pid = 0;
	LWLockRelease(ps_mx_shared->lock);
}

/* One round: start missing workers, stop workers of removed databases. */
static void
launcher_round(void)
{
	List	   *names = configured_databases();
	bool		wanted[PS_MX_MAX_DATABASES];
	ListCell   *lc;
	int			i;

	memset(wanted, 0, sizeof(wanted));
	foreach(lc, names)
	{
		char	   *name = lfirst(lc);
		PsMxSlot   *s;

		LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
		s = slot_of(name, true);
		LWLockRelease(ps_mx_shared->lock);
		if (s == NULL)
		{
			ereport(LOG,
					(errmsg("partstrat launcher: more than %d databases in partstrat.databases; \"%s\" is not maintained",
							PS_MX_MAX_DATABASES, name)));
			continue;
		}
		wanted[s - ps_mx_shared->slots] = true;
	}
	for (i = 0; i < PS_MX_MAX_DATABASES; i++)
	{
		PsMxSlot   *s = &ps_mx_shared->slots[i];
		bool		alive;

		if (!s->in_use)
			continue;
		alive = worker_alive(i);
		if (!wanted[i])
		{
			if (alive)
				stop_worker(i);
			else
			{
				LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
				s->in_use = false;
				LWLockRelease(ps_mx_shared->lock);
			}
			continue;
		}
		if (!alive)
		{
			if (handles[i])
				pfree(handles[i]);
			handles[i] = NULL;
			if (start_worker(i, &handles[i]))
				ereport(LOG,
						(errmsg("partstrat launcher started the worker of database \"%s\"",
								s->dbname)));
		}
	}
}

/* Entry point of the launcher. */
void
partstrat_launcher_main(Datum arg)
{
	memset(handles, 0, sizeof(handles));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	/* no database: the launcher reads only shared memory and the GUCs */
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("partstrat launcher");
	LWLockAcquire(ps_mx_shared->lock, LW_EXCLUSIVE);
	ps_mx_shared->launcher_pid = MyProcPid;
	LWLockRelease(ps_mx_shared->lock);
	before_shmem_exit(launcher_exit, (Datum) 0);
	ereport(LOG, (errmsg("partstrat launcher started")));

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		launcher_round();
		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(ps_mx_naptime_s, 10) * 1000L,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/*
 * partstrat_worker_status(): one row per database of partstrat.databases,
 * from the shared status the workers keep, and one for the current database
 * when it is not configured, saying why no worker serves it (the library not
 * preloaded, or the database not in the list).
 */
Datum
partstrat_worker_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *names = configured_databases();
	ListCell   *lc;
	int			i;

	ps_init_materialized_srf(fcinfo);
	foreach(lc, names)
	{
		char	   *name = lfirst(lc);
		Datum		values[8];
		bool		nulls[8];
		PsMxSlot	copy;
		PsMxSlot   *s = NULL;

		memset(nulls, 0, sizeof(nulls));
		if (ps_mx_shared)
		{
			LWLockAcquire(ps_mx_shared->lock, LW_SHARED);
			s = slot_of(name, false);
			if (s)
				copy = *s;
			LWLockRelease(ps_mx_shared->lock);
		}
		values[0] = DirectFunctionCall1(namein, CStringGetDatum(name));
		values[1] = BoolGetDatum(true);
		values[2] = BoolGetDatum(s != NULL && copy.pid != 0);
		if (s != NULL && copy.pid != 0)
			values[3] = Int32GetDatum(copy.pid);
		else
			nulls[3] = true;
		for (i = 0; i < 3; i++)
		{
			TimestampTz t = s == NULL ? 0 :
				i == 0 ? copy.last_start : i == 1 ? copy.last_end : copy.next_run;

			if (t == 0)
				nulls[4 + i] = true;
			else
				values[4 + i] = TimestampTzGetDatum(t);
		}
		if (s != NULL && copy.last_error[0] != '\0')
			values[7] = CStringGetTextDatum(copy.last_error);
		else if (ps_mx_shared == NULL)
			values[7] = CStringGetTextDatum("the library is not in shared_preload_libraries: no background worker");
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	foreach(lc, names)
	{
		if (strcmp(lfirst(lc), get_database_name(MyDatabaseId)) == 0)
			break;
	}
	if (lc == NULL)
	{
		Datum		values[8];
		bool		nulls[8];

		memset(nulls, true, sizeof(nulls));
		values[0] = DirectFunctionCall1(namein,
										CStringGetDatum(get_database_name(MyDatabaseId)));
		values[1] = BoolGetDatum(false);
		values[2] = BoolGetDatum(false);
		values[7] = CStringGetTextDatum(ps_mx_shared == NULL ?
										"the library is not in shared_preload_libraries: no background worker; schedule CALL partstrat_run_maintenance_proc() instead" :
										"this database is not in partstrat.databases: no background worker serves it");
		nulls[0] = nulls[1] = nulls[2] = nulls[7] = false;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
