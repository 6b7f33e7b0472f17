/*-------------------------------------------------------------------------
 *
 * proof.c
 *	  Proof that a change paid off: the statements on a parent, from
 *	  pg_stat_statements through the workload pruning report, captured
 *	  before an action and again after partstrat.proof_after of traffic.
 *
 * partstrat_proof_begin(parent, action) records a proof run and its
 * "before" sample: per statement touching the parent, its cumulative calls
 * and execution time and the leaves its plan keeps now.  The "after"
 * sample is taken by partstrat_proof_complete() -- which every
 * partstrat_snapshot_take() calls -- once the run is due: the traffic after
 * the action is the difference of the cumulative counters, the leaves are
 * those the plan keeps then.  partstrat_proof(parent) (SQL) pairs them.
 *
 * The statements are read as the caller (pg_stat_statements shows a role
 * the texts it may see); the rows are written as the owner of the proof
 * tables, after the caller's access to the parent was checked.  Without
 * pg_stat_statements the run is recorded with what it lacks.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/watch/proof.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "partstrat.h"
#include "watch.h"

PG_FUNCTION_INFO_V1(partstrat_proof_begin);
PG_FUNCTION_INFO_V1(partstrat_proof_complete);
PG_FUNCTION_INFO_V1(partstrat_proof_action_done);

int			ps_proof_after_min = 24 * 60;

/* The statements of one sample, copied out of SPI. */
typedef struct Sample
{
	int			n;
	Datum	   *queryid;
	Datum	   *query;
	Datum	   *calls;
	Datum	   *total_ms;
	Datum	   *kept;
	Datum	   *total_leaves;
	bool	   *kept_null;
	bool	   *total_null;
	char	   *lacks;			/* why there is no sample, or NULL */
} Sample;

static Datum
array_of(Datum *elems, bool *nulls, int n, Oid typid)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1] = {n};
	int			lbs[1] = {1};

	get_typlenbyvalalign(typid, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, typid,
											  typlen, typbyval, typalign));
}

static char *
proof_table(const char *name)
{
	Oid			extoid = get_extension_oid("partstrat", false);

	return quote_qualified_identifier(get_namespace_name(ps_extension_schema(extoid)),
									  name);
}

/* Read the statements on parent, as the caller (SPI connected). */
static void
read_sample(Oid parent, Sample *smp, MemoryContext outcxt)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	uint64		r;
	MemoryContext old;

	memset(smp, 0, sizeof(*smp));
	if (!OidIsValid(get_extension_oid("pg_stat_statements", true)))
	{
		smp->lacks = MemoryContextStrdup(outcxt,
										 "pg_stat_statements is not installed in this database: add it to shared_preload_libraries, restart, and CREATE EXTENSION pg_stat_statements");
		return;
	}
	values[0] = ObjectIdGetDatum(parent);
	if (SPI_execute_with_args(psprintf("SELECT queryid, query, calls, total_exec_time,"
									   " leaves_kept, leaves_total"
									   " FROM %s($1)"
									   " WHERE error IS NULL AND queryid IS NOT NULL",
									   proof_table("partstrat_workload_statements")),
							  1, argtypes, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the workload of \"%s\"", get_rel_name(parent));
	old = MemoryContextSwitchTo(outcxt);
	smp->n = (int) SPI_processed;
	smp->queryid = palloc(sizeof(Datum) * Max(smp->n, 1));
	smp->query = palloc(sizeof(Datum) * Max(smp->n, 1));
	smp->calls = palloc(sizeof(Datum) * Max(smp->n, 1));
	smp->total_ms = palloc(sizeof(Datum) * Max(smp->n, 1));
	smp->kept = palloc(sizeof(Datum) * Max(smp->n, 1));
	smp->total_leaves = palloc(sizeof(Datum) * Max(smp->n, 1));
	smp->kept_null = palloc0(sizeof(bool) * Max(smp->n, 1));
	smp->total_null = palloc0(sizeof(bool) * Max(smp->n, 1));
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *q;

		smp->queryid[r] = SPI_getbinval(tup, desc, 1, &isnull);
		q = SPI_getvalue(tup, desc, 2);
		smp->query[r] = CStringGetTextDatum(q ? q : "");
		smp->calls[r] = SPI_getbinval(tup, desc, 3, &isnull);
		smp->total_ms[r] = Float8GetDatum(DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull)));
		smp->kept[r] = SPI_getbinval(tup, desc, 5, &smp->kept_null[r]);
		smp->total_leaves[r] = SPI_getbinval(tup, desc, 6, &smp->total_null[r]);
	}
	MemoryContextSwitchTo(old);
}

/* Store a sample of run proof_id (SPI connected, acting as the owner). */
static void
store_sample(int64 proof_id, const char *phase, Sample *smp)
{
	Oid			argtypes[8] = {INT8OID, TEXTOID, INT8ARRAYOID, TEXTARRAYOID,
	INT8ARRAYOID, FLOAT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID};
	Datum		values[8];

	if (smp->n == 0)
		return;
	values[0] = Int64GetDatum(proof_id);
	values[1] = CStringGetTextDatum(phase);
	values[2] = array_of(smp->queryid, NULL, smp->n, INT8OID);
	values[3] = array_of(smp->query, NULL, smp->n, TEXTOID);
	values[4] = array_of(smp->calls, NULL, smp->n, INT8OID);
	values[5] = array_of(smp->total_ms, NULL, smp->n, FLOAT8OID);
	values[6] = array_of(smp->kept, smp->kept_null, smp->n, INT4OID);
	values[7] = array_of(smp->total_leaves, smp->total_null, smp->n, INT4OID);
	if (SPI_execute_with_args(psprintf("INSERT INTO %s (proof_id, phase, queryid, query,"
									   " calls, total_exec_ms, leaves_kept, leaves_total)"
									   " SELECT $1, $2, u.* FROM ROWS FROM"
									   " (pg_catalog.unnest($3), pg_catalog.unnest($4),"
									   " pg_catalog.unnest($5), pg_catalog.unnest($6),"
									   " pg_catalog.unnest($7), pg_catalog.unnest($8)) u"
									   " ON CONFLICT DO NOTHING",
									   proof_table("partstrat_proof_sample")),
							  8, argtypes, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not store the proof sample");
}

/*
 * partstrat_proof_begin(parent regclass, action text DEFAULT 'manual',
 * history_id bigint DEFAULT NULL) -> bigint: the "before" sample of a new
 * proof run; its "after" sample is due partstrat.proof_after from now.
 */
Datum
partstrat_proof_begin(PG_FUNCTION_ARGS)
{
	Oid			parent = PG_GETARG_OID(0);
	char	   *action = PG_ARGISNULL(1) ? "manual" : text_to_cstring(PG_GETARG_TEXT_PP(1));
	TimestampTz now = ps_watch_now();
	MemoryContext outcxt = CurrentMemoryContext;
	Oid			owner;
	Sample		smp;
	PsAsUser	ao;
	Oid			argtypes[7] = {OIDOID, TEXTOID, TEXTOID, INT8OID, TIMESTAMPTZOID,
	TIMESTAMPTZOID, TEXTOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int64		proof_id;
	bool		isnull;

	ps_check_read_access(parent, true);
	ps_check_partitioned(parent, "partstrat_proof_begin");
	owner = ps_snapshot_owner();
	/* the leaves' scan counters at the action (partstrat_proof) */
	ps_watch_snapshot_parent(parent, now);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	read_sample(parent, &smp, outcxt);

	values[0] = ObjectIdGetDatum(parent);
	values[1] = CStringGetTextDatum(quote_qualified_identifier(get_namespace_name(get_rel_namespace(parent)),
															   get_rel_name(parent)));
	values[2] = CStringGetTextDatum(action);
	values[3] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	nulls[3] = PG_ARGISNULL(2) ? 'n' : ' ';
	values[4] = TimestampTzGetDatum(now);
	values[5] = TimestampTzGetDatum(now + (int64) ps_proof_after_min * USECS_PER_MINUTE);
	values[6] = smp.lacks ? CStringGetTextDatum(smp.lacks) : (Datum) 0;
	nulls[6] = smp.lacks ? ' ' : 'n';

	ps_as_user_begin(&ao, owner, "pg_catalog, pg_temp");
	if (SPI_execute_with_args(psprintf("INSERT INTO %s (parent, parent_name, action,"
									   " history_id, before_at, after_due, lacks)"
									   " VALUES ($1, $2, $3, $4, $5, $6, $7)"
									   " RETURNING proof_id",
									   proof_table("partstrat_proof_run")),
							  7, argtypes, values, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not store the proof run");
	proof_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	store_sample(proof_id, "before", &smp);
	ps_as_user_end(&ao);
	SPI_finish();
	PG_RETURN_INT64(proof_id);
}

/*
 * Take the "after" sample of every due proof run of the parents given (or
 * of every parent the caller may read when parents is NIL and all).
 * Returns the runs completed.
 */
int
ps_proof_complete(List *parents, bool all)
{
	TimestampTz now = ps_watch_now();
	MemoryContext outcxt = CurrentMemoryContext;
	Oid			owner = ps_snapshot_owner();
	Oid			argtypes[2] = {TIMESTAMPTZOID, INT8OID};
	Datum		values[2];
	PsAsUser	ao;
	List	   *due_ids = NIL;
	List	   *due_parents = NIL;
	ListCell   *lc1,
			   *lc2;
	uint64		r;
	int			done = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	values[0] = TimestampTzGetDatum(now);
	ps_as_user_begin(&ao, owner, "pg_catalog, pg_temp");
	if (SPI_execute_with_args(psprintf("SELECT proof_id, parent FROM %s"
									   " WHERE after_at IS NULL AND after_due <= $1"
									   " ORDER BY proof_id",
									   proof_table("partstrat_proof_run")),
							  1, argtypes, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the proof runs");
	ps_as_user_end(&ao);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r],
													 SPI_tuptable->tupdesc, 1, &isnull));
		Oid			parent = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[r],
															SPI_tuptable->tupdesc, 2, &isnull));
		MemoryContext old;

		if (!(all ? ps_may_read_stats(parent) : list_member_oid(parents, parent)))
			continue;
		if (get_rel_relkind(parent) != RELKIND_PARTITIONED_TABLE)
			continue;
		old = MemoryContextSwitchTo(outcxt);
		due_ids = lappend(due_ids, palloc(sizeof(int64)));
		*(int64 *) llast(due_ids) = id;
		due_parents = lappend_oid(due_parents, parent);
		MemoryContextSwitchTo(old);
	}
	forboth(lc1, due_ids, lc2, due_parents)
	{
		int64		id = *(int64 *) lfirst(lc1);
		Oid			parent = lfirst_oid(lc2);
		Sample		smp;

		CHECK_FOR_INTERRUPTS();
		SPI_finish();
		ps_watch_snapshot_parent(parent, now);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		read_sample(parent, &smp, outcxt);
		ps_as_user_begin(&ao, owner, "pg_catalog, pg_temp");
		store_sample(id, "after", &smp);
		values[0] = TimestampTzGetDatum(now);
		values[1] = Int64GetDatum(id);
		if (SPI_execute_with_args(psprintf("UPDATE %s SET after_at = $1,"
										   " lacks = coalesce(lacks, $3) WHERE proof_id = $2",
										   proof_table("partstrat_proof_run")),
								  3, (Oid[]) {TIMESTAMPTZOID, INT8OID, TEXTOID},
								  (Datum[]) {values[0], values[1],
								  smp.lacks ? CStringGetTextDatum(smp.lacks) : (Datum) 0},
								  smp.lacks ? NULL : "  n", false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "could not complete the proof run");
		ps_as_user_end(&ao);
		done++;
	}
	SPI_finish();
	return done;
}

/* partstrat_proof_complete() -> int: the due "after" samples, now. */
Datum
partstrat_proof_complete(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(ps_proof_complete(NIL, true));
}

/*
 * partstrat_proof_action_done(parent regclass, history_id bigint DEFAULT
 * NULL) -> boolean: the action of a proof run has ended (the run of that
 * maintenance history row, or the newest open run of parent): a snapshot
 * of the parent now, from which the traffic after the action is measured
 * (the action's own copying is not counted as scans of the statements).
 * False when there is no such open run.
 */
Datum
partstrat_proof_action_done(PG_FUNCTION_ARGS)
{
	Oid			parent = PG_GETARG_OID(0);
	TimestampTz now = ps_watch_now();
	Oid			argtypes[3] = {OIDOID, INT8OID, TIMESTAMPTZOID};
	Datum		values[3];
	char		nulls[3] = {' ', PG_ARGISNULL(1) ? 'n' : ' ', ' '};
	PsAsUser	ao;
	bool		found;

	ps_check_read_access(parent, true);
	ps_check_partitioned(parent, "partstrat_proof_action_done");
	ps_watch_snapshot_parent(parent, now);
	values[0] = ObjectIdGetDatum(parent);
	values[1] = PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1);
	values[2] = TimestampTzGetDatum(now);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, ps_snapshot_owner(), "pg_catalog, pg_temp");
	if (SPI_execute_with_args(psprintf("UPDATE %s SET action_done_at = $3"
									   " WHERE proof_id = (SELECT max(proof_id) FROM %s"
									   " WHERE parent = $1 AND after_at IS NULL"
									   " AND ($2 IS NULL OR history_id = $2))",
									   proof_table("partstrat_proof_run"),
									   proof_table("partstrat_proof_run")),
							  3, argtypes, values, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not record the end of the action");
	found = SPI_processed > 0;
	ps_as_user_end(&ao);
	SPI_finish();
	PG_RETURN_BOOL(found);
}
