/*-------------------------------------------------------------------------
 *
 * history.c
 *	  The maintenance history: a row written and committed before each
 *	  action starts and updated after, the sessions that blocked it, the
 *	  removal of old rows, and the rows a crash left "running".
 *
 * The history keeps the parent's name as text (and its OID until the
 * table is dropped), so it stays readable after drops.  Every statement
 * runs through SPI in the caller's transaction, with the caller's rights
 * (row security lets a role write only rows of tables whose owner's
 * rights it has).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/history.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "maintenance.h"

/* The schema of an extension (get_extension_schema is static before 16). */
static Oid
extension_schema(Oid ext)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			result = InvalidOid;

	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		result = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/* The extension's schema-qualified, quoted name of one of its objects. */
char *
ps_mx_relname(const char *name)
{
	Oid			ext = get_extension_oid("partstrat", true);
	char	   *nsp;

	if (!OidIsValid(ext))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"partstrat\" is not installed in database \"%s\"",
						get_database_name(MyDatabaseId)),
				 errhint("CREATE EXTENSION partstrat, or remove the database from partstrat.databases.")));
	nsp = get_namespace_name(extension_schema(ext));
	return quote_qualified_identifier(nsp, name);
}

/*
 * Run one statement of the history through SPI (left connected: the
 * caller reads the result, then SPI_finish()).  The transaction commits
 * with synchronous_commit off: history and state rows do not wait for
 * their own WAL flush -- the commit of the action that follows flushes
 * them with its own, and a crash loses at most the last few hundred
 * milliseconds of rows, never an action's changes.
 */
static void
spi_run(const char *sql, int nargs, Oid *types, Datum *values,
		const char *nulls, int expect)
{
	int			rc;

	(void) set_config_option("synchronous_commit", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
	if (rc != expect)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
}

static Datum
text_array(List *names)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(names), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, names)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * Write a history row.  status "running" starts an action (finish it with
 * ps_history_finish); "advised", "skipped_window" and "deferred" are final
 * and refresh the previous row of the same action instead when it says
 * the same (a parent outside its window is not a new row every naptime).
 */
int64
ps_history_start(Oid parent, const char *parent_name, Oid owner,
				 const char *action, List *partitions, const char *ddl,
				 const char *status, const char *run_by)
{
	Oid			types[9] = {OIDOID, TEXTOID, OIDOID, TEXTOID, TEXTARRAYOID,
	TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID};
	Datum		values[9];
	char		nulls[9];
	bool		final = strcmp(status, "running") != 0;
	char	   *log = ps_mx_relname("partstrat_history_log");
	int64		run_id = 0;
	bool		isnull;

	memset(nulls, ' ', sizeof(nulls));	/* no NULL unless set below */
	values[0] = ObjectIdGetDatum(parent);
	values[1] = CStringGetTextDatum(parent_name);
	values[2] = ObjectIdGetDatum(owner);
	values[3] = CStringGetTextDatum(action);
	values[4] = text_array(partitions);
	values[5] = CStringGetTextDatum(ddl ? ddl : "");
	values[6] = CStringGetTextDatum(status);
	values[7] = CStringGetTextDatum(run_by);
	values[8] = TimestampTzGetDatum(MyStartTimestamp);
	if (final)
	{
		spi_run(psprintf("UPDATE %s h SET finished_at = clock_timestamp(), ddl = nullif($6, '') "
						 "WHERE h.run_id = (SELECT max(l.run_id) FROM %s l "
						 "  WHERE l.parent_oid = $1 AND l.action = $4) "
						 "AND h.status = $7 AND h.partitions = $5 RETURNING h.run_id",
						 log, log),
				9, types, values, nulls, SPI_OK_UPDATE_RETURNING);
		if (SPI_processed > 0)
		{
			run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												 SPI_tuptable->tupdesc, 1,
												 &isnull));
			SPI_finish();
			return run_id;
		}
		SPI_finish();
	}
	spi_run(psprintf("INSERT INTO %s (parent_oid, parent_name, owner, action, "
					 "partitions, ddl, status, run_by, backend_start, finished_at, duration_ms) "
					 "VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, $8, $9, "
					 "  CASE WHEN $7 <> 'running' THEN clock_timestamp() END, "
					 "  CASE WHEN $7 <> 'running' THEN 0 END) RETURNING run_id",
					 log),
			9, types, values, nulls, SPI_OK_INSERT_RETURNING);
	run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return run_id;
}

/* Record the outcome of an action started with ps_history_start. */
void
ps_history_finish(int64 run_id, const char *status, const char *error,
				  const char *sqlstate, int64 rows_moved,
				  const char *blockers, TimestampTz retry_at,
				  TimestampTz started)
{
	Oid			types[7] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, INT8OID,
	JSONBOID, TIMESTAMPTZOID};
	Datum		values[7];
	char		nulls[7];

	memset(nulls, ' ', sizeof(nulls));	/* no NULL unless set below */
	values[0] = Int64GetDatum(run_id);
	values[1] = CStringGetTextDatum(status);
	if (error)
		values[2] = CStringGetTextDatum(error);
	else
		nulls[2] = 'n';
	if (sqlstate)
		values[3] = CStringGetTextDatum(sqlstate);
	else
		nulls[3] = 'n';
	values[4] = Int64GetDatum(rows_moved);
	if (blockers)
		values[5] = DirectFunctionCall1(jsonb_in, CStringGetDatum(blockers));
	else
		nulls[5] = 'n';
	if (retry_at)
		values[6] = TimestampTzGetDatum(retry_at);
	else
		nulls[6] = 'n';
	spi_run(psprintf("UPDATE %s SET status = $2, error = $3, sqlstate = $4, "
					 "rows_moved = $5, blockers = $6, retry_at = $7, "
					 "finished_at = clock_timestamp(), "
					 "duration_ms = extract(epoch FROM clock_timestamp() - started_at) * 1000 "
					 "WHERE run_id = $1",
					 ps_mx_relname("partstrat_history_log")),
			7, types, values, nulls, SPI_OK_UPDATE);
	SPI_finish();
}

/*
 * The sessions holding locks on the tables of parent's tree, as a JSON
 * array: pid, user, application, state, age of the transaction, the first
 * 200 characters of the query, the lock modes.  Taken right after a lock
 * timeout (pg_blocking_pids() is empty once the wait is over), whatever
 * the blocker does: running, idle in a transaction, or a background
 * process.  The history is read by the roles with the rights of the
 * table's owner, so a blocker's state, transaction and query are written
 * only when the owner could see them in pg_stat_activity (a session of a
 * role whose rights the owner has, or the owner has pg_read_all_stats);
 * otherwise they read "<insufficient privilege>", as pg_stat_activity
 * says, and pid, user and locks remain.
 */
char *
ps_history_blockers(Oid parent, Oid owner)
{
	Oid			types[2] = {OIDOID, OIDOID};
	Datum		values[2];
	char	   *result = NULL;
	MemoryContext outer = CurrentMemoryContext;

	values[0] = ObjectIdGetDatum(parent);
	values[1] = ObjectIdGetDatum(owner);
	spi_run("SELECT coalesce(pg_catalog.jsonb_agg(CASE WHEN v.seen THEN pg_catalog.jsonb_build_object("
			"  'pid', a.pid, 'user', a.usename, 'application', a.application_name, "
			"  'backend_type', a.backend_type, 'state', a.state, "
			"  'xact_age', (pg_catalog.clock_timestamp() - a.xact_start)::pg_catalog.text, "
			"  'query', pg_catalog.left(a.query, 200), 'locks', l.modes) "
			"ELSE pg_catalog.jsonb_build_object("
			"  'pid', a.pid, 'user', a.usename, 'application', a.application_name, "
			"  'backend_type', a.backend_type, 'state', '<insufficient privilege>', "
			"  'xact_age', '<insufficient privilege>', 'query', '<insufficient privilege>', "
			"  'locks', l.modes) END ORDER BY a.pid), '[]')::pg_catalog.text "
			"FROM (SELECT k.pid, pg_catalog.array_agg(DISTINCT k.mode) AS modes "
			"      FROM pg_catalog.pg_locks k "
			"      WHERE k.locktype = 'relation' AND k.granted "
			"        AND k.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid() "
			"        AND k.database = (SELECT d.oid FROM pg_catalog.pg_database d "
			"                          WHERE d.datname = pg_catalog.current_database()) "
			"        AND k.relation IN (SELECT t.relid FROM pg_catalog.pg_partition_tree($1) t) "
			"      GROUP BY k.pid) l "
			"JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
			"CROSS JOIN LATERAL (SELECT coalesce(pg_catalog.pg_has_role($2, a.usesysid, 'USAGE'), false) "
			"  OR pg_catalog.pg_has_role($2, 'pg_read_all_stats', 'USAGE') AS seen) v",
			2, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0],
									 SPI_tuptable->tupdesc, 1);

		result = v ? MemoryContextStrdup(outer, v) : NULL;
	}
	SPI_finish();
	return result;
}

/* The owner of the extension's tables (who bypasses their row security). */
Oid
ps_mx_tables_owner(void)
{
	Oid			ext = get_extension_oid("partstrat", false);
	Oid			relid = get_relname_relid("partstrat_history_log",
										  extension_schema(ext));
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		return InvalidOid;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Remove finished rows older than partstrat.history_keep. */
void
ps_history_trim(void)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1];

	values[0] = Int32GetDatum(ps_mx_history_keep_s);
	spi_run(psprintf("DELETE FROM %s WHERE started_at < pg_catalog.now() - "
					 "pg_catalog.make_interval(secs => $1) AND status <> 'running'",
					 ps_mx_relname("partstrat_history_log")),
			1, types, values, NULL, SPI_OK_DELETE);
	SPI_finish();
}

/*
 * Rows left "running" by a process that no longer exists (no session with
 * that pid and backend start) are marked failed: "server restarted" when
 * that process started before the postmaster, "worker ended" otherwise.
 * A CALL still running in another session is left alone.
 */
int
ps_history_recover(void)
{
	int			n;

	spi_run(psprintf("UPDATE %s h SET status = 'failed', finished_at = pg_catalog.clock_timestamp(), "
					 "  error = CASE WHEN h.backend_start < pg_catalog.pg_postmaster_start_time() "
					 "    THEN 'server restarted' ELSE 'worker ended' END "
					 "    || ' while the action ran; a transaction that did not commit changed nothing', "
					 "  sqlstate = '57P01' "
					 "WHERE h.status = 'running' AND NOT EXISTS ("
					 "  SELECT FROM pg_catalog.pg_stat_activity a WHERE a.pid = h.pid "
					 "  AND (a.backend_start IS NULL OR a.backend_start = h.backend_start))",
					 ps_mx_relname("partstrat_history_log")),
			0, NULL, NULL, NULL, SPI_OK_UPDATE);
	n = (int) SPI_processed;
	SPI_finish();
	return n;
}
