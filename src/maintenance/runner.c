/*-------------------------------------------------------------------------
 *
 * runner.c
 *	  One pass over the maintenance policies, shared by
 *	  CALL partstrat_run_maintenance_proc() and the background worker.
 *
 * For each enabled policy (oldest OID first), unless it waits for a retry
 * after a failure, each action in turn -- premake, retention, DEFAULT
 * rescue, split, merge -- gets its scripts from actions.c under the short
 * lock timeout, then for each script that does something:
 *
 *	 apply = 'advise'			recorded "advised", nothing runs;
 *	 copies rows, outside the window (or none given)
 *								recorded "skipped_window";
 *	 needs top level (CONCURRENTLY) from the procedure
 *								recorded "deferred": the worker runs it;
 *	 refused by the owner rule	recorded "failed" with the reason;
 *	 otherwise					a "running" row is committed, the script
 *								runs (executor.c), the row gets "done",
 *								"skipped_lock" (with the blocking sessions)
 *								or "failed".
 *
 * A lock timeout skips the rest of that parent until the next run; a
 * failure also sets a retry delay that doubles up to a day.  One parent
 * never stops the others: every step is caught, recorded and committed.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/runner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "maintenance.h"
#include "partstrat.h"
#include "watch.h"

/* Longest retry delay after failures: a day. */
#define PS_RETRY_MAX_S	86400

/* Outcome of one parent's step. */
typedef enum
{
	STEP_OK,					/* go on with the next action */
	STEP_STOP_PARENT,			/* locked or failed: next parent */
	STEP_STOP_RUN				/* max_actions_per_run reached */
} StepResult;

typedef struct RunState
{
	const PsTxnControl *tc;
	const char *run_by;
	PsRunStats *stats;
	int			budget;			/* actions left in this run */
} RunState;

/* The enabled policies (all the caller sees, or parent's), in OID order. */
static List *
read_policies(Oid parent)
{
	MemoryContext outer = CurrentMemoryContext;
	Oid			types[1] = {OIDOID};
	Datum		values[1];
	char		nulls[1] = {OidIsValid(parent) ? ' ' : 'n'};
	List	   *result = NIL;
	uint64		i;

	values[0] = ObjectIdGetDatum(parent);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(psprintf(
									   "SELECT p.parent::pg_catalog.oid, p.retention, p.retention_action, "
									   "  p.archive_schema::pg_catalog.text, p.concurrently, coalesce(p.premake, 0), "
									   "  p.rescue_default, p.split_oversized, p.merge_undersized, "
									   "  coalesce(p.target_bytes, 0), p.maintenance_window, p.apply = 'auto', "
									   "  coalesce(s.failures, 0), s.retry_at "
									   "FROM %s p LEFT JOIN %s s ON s.parent = p.parent::pg_catalog.oid "
									   "WHERE p.enabled AND ($1 IS NULL OR p.parent::pg_catalog.oid = $1) "
									   "ORDER BY 1",
									   ps_mx_relname("partstrat_policy"),
									   ps_mx_relname("partstrat_policy_state")),
							  1, types, values, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the maintenance policies failed");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		MemoryContext spicxt = MemoryContextSwitchTo(outer);
		PsPolicy   *p = palloc0(sizeof(PsPolicy));
		bool		isnull;
		Datum		d;

		p->parent = DatumGetObjectId(SPI_getbinval(tup, td, 1, &isnull));
		d = SPI_getbinval(tup, td, 2, &isnull);
		p->retention = isnull ? NULL :
			DatumGetIntervalP(datumCopy(d, false, sizeof(Interval)));
		p->retention_action = SPI_getvalue(tup, td, 3);
		p->archive_schema = SPI_getvalue(tup, td, 4);
		p->concurrently = DatumGetBool(SPI_getbinval(tup, td, 5, &isnull));
		p->premake = DatumGetInt32(SPI_getbinval(tup, td, 6, &isnull));
		p->rescue_default = DatumGetBool(SPI_getbinval(tup, td, 7, &isnull));
		p->split_oversized = DatumGetBool(SPI_getbinval(tup, td, 8, &isnull));
		p->merge_undersized = DatumGetBool(SPI_getbinval(tup, td, 9, &isnull));
		p->target_bytes = DatumGetInt64(SPI_getbinval(tup, td, 10, &isnull));
		p->window = SPI_getvalue(tup, td, 11);
		p->apply_auto = DatumGetBool(SPI_getbinval(tup, td, 12, &isnull));
		p->failures = DatumGetInt32(SPI_getbinval(tup, td, 13, &isnull));
		d = SPI_getbinval(tup, td, 14, &isnull);
		p->retry_at = isnull ? 0 : DatumGetTimestampTz(d);
		result = lappend(result, p);
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	return result;
}

/* Record failures in a row (0: reset) and the next retry of a parent. */
static void
write_state(Oid parent, Oid owner, int failures, TimestampTz retry_at,
			const char *error)
{
	Oid			types[5] = {OIDOID, OIDOID, INT4OID, TIMESTAMPTZOID, TEXTOID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', retry_at ? ' ' : 'n', error ? ' ' : 'n'};

	values[0] = ObjectIdGetDatum(parent);
	values[1] = ObjectIdGetDatum(owner);
	values[2] = Int32GetDatum(failures);
	values[3] = TimestampTzGetDatum(retry_at);
	values[4] = error ? CStringGetTextDatum(error) : (Datum) 0;
	/* like the history's: no wait for the WAL flush (see history.c) */
	(void) set_config_option("synchronous_commit", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(psprintf("INSERT INTO %s AS s (parent, owner, failures, retry_at, last_run_at, last_error) "
									   "VALUES ($1, $2, $3, $4, pg_catalog.now(), $5) "
									   "ON CONFLICT (parent) DO UPDATE SET owner = $2, failures = $3, "
									   "retry_at = $4, last_run_at = pg_catalog.now(), "
									   "last_error = coalesce($5, s.last_error)",
									   ps_mx_relname("partstrat_policy_state")),
							  5, types, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "writing the maintenance state failed");
	SPI_finish();
}

/* The delay before the n-th retry: naptime doubled per failure, a day at most. */
static TimestampTz
retry_time(int failures)
{
	int64		delay = Max(ps_mx_naptime_s, 1);
	int			i;

	for (i = 1; i < failures && delay < PS_RETRY_MAX_S; i++)
		delay *= 2;
	delay = Min(delay, PS_RETRY_MAX_S);
	return GetCurrentTimestamp() + delay * USECS_PER_SEC;
}

/*
 * The scripts of one action, generated under partstrat.lock_timeout in a
 * subtransaction; on error *edata is set and NIL returned.
 */
static List *
generate(RunState *rs, const PsPolicy *p, PsActionKind kind,
		 ErrorData **edata)
{
	MemoryContext cxt = CurrentMemoryContext;
	PsSubxact	sx;
	List	   *scripts = NIL;

	*edata = NULL;
	ps_subxact_begin(&sx, NULL);
	PG_TRY();
	{
		int			nest = NewGUCNestLevel();

		(void) set_config_option("lock_timeout",
								 psprintf("%d", ps_ddl_lock_timeout_ms),
								 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
								 true, 0, false);
		scripts = ps_action_scripts(p, kind);
		AtEOXact_GUC(true, nest);
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		*edata = ps_subxact_abort(&sx);
		/* a cancel of the procedure's caller stops the whole CALL */
		if ((*edata)->sqlerrcode == ERRCODE_QUERY_CANCELED &&
			rs->tc->statement_timeout_ms == 0)
			ReThrowError(*edata);
		scripts = NIL;
	}
	PG_END_TRY();
	return scripts;
}

/* Record a step that ended with an error; returns the step result. */
static StepResult
record_error(RunState *rs, const PsPolicy *p, Oid owner, const char *name,
			 int64 run_id, const char *action, const char *ddl,
			 const char *error, const char *sqlstate)
{
	bool		locked = sqlstate && strcmp(sqlstate, "55P03") == 0;
	char	   *blockers = locked ? ps_history_blockers(p->parent) : NULL;
	TimestampTz retry = locked ? 0 : retry_time(p->failures + 1);
	TimestampTz now = GetCurrentTimestamp();

	if (run_id == 0)
		run_id = ps_history_start(p->parent, name, owner, action, NIL, ddl,
								  "running", rs->run_by);
	ps_history_finish(run_id, locked ? "skipped_lock" : "failed", error,
					  sqlstate, 0, blockers, retry, now);
	if (!locked)
	{
		write_state(p->parent, owner, p->failures + 1, retry, error);
		rs->stats->failed++;
		rs->stats->last_error = psprintf("%s: %s", name, error);
	}
	rs->stats->actions++;
	return STEP_STOP_PARENT;
}

/* Run or record one script of an action. */
static StepResult
run_script(RunState *rs, const PsPolicy *p, Oid owner, const char *name,
		   PsActionKind kind, const char *script, bool *acted)
{
	const char *action = ps_action_name(kind);
	PsParsedScript *ps = ps_script_parse(script);
	const char *final = NULL;
	const char *why = NULL;
	char	   *refusal;
	int64		run_id;
	PsExecResult res;

	if (ps->nwork == 0)
		return STEP_OK;
	if (rs->budget <= 0)
		return STEP_STOP_RUN;
	if (!p->apply_auto)
		final = "advised";
	else if (ps_action_copies(kind))
	{
		PsWindow	w;
		char	   *bad;

		if (p->window == NULL)
		{
			final = "skipped_window";
			why = "no maintenance window is set: actions that copy rows (split, merge, rescue) never run automatically without one";
		}
		else if (!ps_window_parse(p->window, &w, &bad) ||
				 !ps_window_contains(&w, GetCurrentTimestamp()))
		{
			final = "skipped_window";
			why = psprintf("outside the maintenance window %s", p->window);
		}
	}
	if (final == NULL && ps->needs_toplevel && !rs->tc->toplevel_ok)
	{
		final = "deferred";
		why = "DETACH ... CONCURRENTLY cannot run inside a procedure (it needs a top-level statement): the background worker runs it";
	}
	if (final)
	{
		run_id = ps_history_start(p->parent, name, owner, action,
								  ps->partitions, script, final, rs->run_by);
		if (why)
			ps_history_finish(run_id, final, why, NULL, 0, NULL, 0, 0);
		rs->tc->commit();
		return STEP_OK;
	}
	rs->budget--;
	refusal = ps_script_refusal(ps, owner);
	if (refusal)
	{
		StepResult	r = record_error(rs, p, owner, name, 0, action, script,
									 refusal, "42501");

		rs->tc->commit();
		return r;
	}
	run_id = ps_history_start(p->parent, name, owner, action, ps->partitions,
							  script, "running", rs->run_by);
	rs->tc->commit();
	memset(&res, 0, sizeof(res));
	ps_script_execute(ps, owner, rs->tc, &res);
	if (!res.ok)
	{
		StepResult	r = record_error(rs, p, owner, name, run_id, action,
									 script, res.error, res.sqlstate);

		rs->tc->commit();
		return r;
	}
	ps_history_finish(run_id, "done", NULL, NULL, res.rows_moved, NULL, 0, 0);
	rs->stats->actions++;
	*acted = true;
	rs->tc->commit();
	return STEP_OK;
}

/* The owner and qualified name of a parent; false when it is gone. */
static bool
parent_facts(Oid parent, Oid *owner, char **name)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(parent));
	Form_pg_class cls;

	if (!HeapTupleIsValid(tup))
		return false;
	cls = (Form_pg_class) GETSTRUCT(tup);
	*owner = cls->relowner;
	*name = quote_qualified_identifier(get_namespace_name(cls->relnamespace),
									   NameStr(cls->relname));
	ReleaseSysCache(tup);
	return true;
}

/* Every action of one policy. */
static StepResult
run_parent(RunState *rs, const PsPolicy *p)
{
	Oid			owner;
	char	   *name;
	bool		acted = false;
	int			k;

	if (!parent_facts(p->parent, &owner, &name))
		return STEP_OK;
	if (p->retry_at != 0 && p->retry_at > GetCurrentTimestamp())
		return STEP_OK;
	rs->stats->parents++;
	for (k = 0; k < PS_ACT_COUNT; k++)
	{
		ErrorData  *edata;
		List	   *scripts;
		ListCell   *lc;

		CHECK_FOR_INTERRUPTS();
		scripts = generate(rs, p, (PsActionKind) k, &edata);
		if (edata)
		{
			StepResult	r = record_error(rs, p, owner, name, 0,
										 ps_action_name((PsActionKind) k),
										 NULL, edata->message,
										 unpack_sql_state(edata->sqlerrcode));

			rs->tc->commit();
			return r;
		}
		foreach(lc, scripts)
		{
			StepResult	r = run_script(rs, p, owner, name, (PsActionKind) k,
									   (char *) lfirst(lc), &acted);

			if (r != STEP_OK)
				return r;
		}
	}
	/* a run without error ends a series of failures */
	if (p->failures > 0)
		write_state(p->parent, owner, 0, 0, NULL);
	return STEP_OK;
}

/* One pass over the enabled policies (or parent's). */
void
ps_run_policies(Oid parent, const char *run_by, const PsTxnControl *tc,
				PsRunStats *stats)
{
	RunState	rs;
	List	   *policies;
	ListCell   *lc;

	rs.tc = tc;
	rs.run_by = run_by;
	rs.stats = stats;
	rs.budget = ps_mx_max_actions;
	ps_history_recover();
	ps_history_trim();
	policies = read_policies(parent);
	tc->commit();
	/* watching (src/watch/): a snapshot of the parents with a policy */
	(void) ps_watch_run_snapshot(parent);
	tc->commit();
	foreach(lc, policies)
	{
		StepResult	r = run_parent(&rs, (PsPolicy *) lfirst(lc));

		/* release what generating took (ACCESS SHARE on the parent) */
		tc->commit();
		if (r == STEP_STOP_RUN)
			break;
	}
}
