/*-------------------------------------------------------------------------
 *
 * snapshot.c
 *	  Snapshots of partition trees: partstrat_snapshot_take(), their
 *	  retention, and the deltas over the hot window that partstrat_skew()
 *	  uses for the "hot" flag.
 *
 * One snapshot of a parent is one row per leaf in partstrat_snapshot:
 * rows, bytes and the leaf's cumulative counters (rows inserted, updated,
 * deleted, sequential and index scans), with the database's
 * pg_stat_database.stats_reset and transaction count at that moment.  The
 * counters restart from zero after pg_stat_reset(), after a crash, and for
 * a leaf dropped and created again; a delta between two snapshots is only
 * trusted when the leaf is the same relation (same OID), the database's
 * stats_reset did not change, its transaction count did not go down, and
 * no counter of the leaf went down (see the view partstrat_snapshot_deltas
 * in the SQL script, which applies the same rule).
 *
 * Which parents: the one given, or every partitioned root the caller may
 * read as the inventory decides (SELECT, or pg_read_all_stats).  The rows
 * are written as the owner of the snapshot table, after the caller's read
 * access to the parent was checked: anyone who may read a parent's
 * statistics may record them, and only those.  Rows older than
 * partstrat.snapshot_keep are deleted by each call.
 *
 * "Now" is partstrat.reference_time when set (simulated days in tests, a
 * DBA asking "what if"), else the transaction start.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/watch/snapshot.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "partstrat.h"
#include "skew.h"
#include "watch.h"

PG_FUNCTION_INFO_V1(partstrat_snapshot_take);
PG_FUNCTION_INFO_V1(partstrat_may_read);

int			ps_snapshot_keep_min = 90 * 24 * 60;
int			ps_hot_window_min = 24 * 60;
int			ps_forecast_horizon_min = 90 * 24 * 60;
bool		ps_watch_policies_only = false;

void
ps_watch_define_gucs(void)
{
	DefineCustomIntVariable("partstrat.snapshot_keep",
							"How long partstrat_snapshot_take() keeps snapshots.",
							"Each call deletes the snapshots older than this.",
							&ps_snapshot_keep_min,
							90 * 24 * 60, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MIN,
							NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.proof_after",
							"Traffic after an action before its proof's second sample is taken.",
							"partstrat_proof_complete(), called by every partstrat_snapshot_take(), samples the statements of the runs this old.",
							&ps_proof_after_min,
							24 * 60, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MIN,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("partstrat.watch_policies_only",
							 "Limit partstrat_metrics to parents with a maintenance policy.",
							 "Off: every partitioned root the caller may read.  On: only those with an enabled policy in partstrat_policy (none while scheduled maintenance is not installed).",
							 &ps_watch_policies_only,
							 false,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.forecast_horizon",
							"How far ahead partstrat_advise() wants premade partitions when the growth forecast applies.",
							"With 3 daily snapshots or more, premake is advised when the premade partitions run out (or the DEFAULT partition starts receiving rows) within this horizon, with the count partstrat_forecast() gives for it.",
							&ps_forecast_horizon_min,
							90 * 24 * 60, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MIN,
							NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.hot_window",
							"Window over which partstrat_skew() measures the modifications of each leaf from snapshots.",
							"When a snapshot taken between one and two windows ago exists, hot compares the leaves' modifications since then; otherwise those since each leaf's last ANALYZE.",
							&ps_hot_window_min,
							24 * 60, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MIN,
							NULL, NULL, NULL);
}

/* The time taken as now: partstrat.reference_time, or the transaction's start. */
TimestampTz
ps_watch_now(void)
{
	if (ps_reference_time && ps_reference_time[0] != '\0')
		return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
													   CStringGetDatum(ps_reference_time),
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
	return GetCurrentTransactionStartTimestamp();
}

/* May the current user read the sizes and statistics of relid?  No error. */
bool
ps_may_read_stats(Oid relid)
{
	Oid			userid = GetUserId();

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return false;
	return pg_class_aclcheck(relid, userid, ACL_SELECT) == ACLCHECK_OK ||
		has_privs_of_role(userid, ROLE_PG_READ_ALL_STATS);
}

/*
 * partstrat_may_read(relid oid) -> boolean: the filter of the views over
 * the snapshot table.  False for a relation that no longer exists.
 */
Datum
partstrat_may_read(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ps_may_read_stats(PG_GETARG_OID(0)));
}

/*
 * The roots of the list that have an enabled maintenance policy
 * (partstrat_policy of scheduled maintenance, read as the owner of
 * partstrat's tables: the caller's read access was checked already).
 */
static List *
with_policy(List *roots)
{
	Oid			extoid = get_extension_oid("partstrat", false);
	Oid			nsp = ps_extension_schema(extoid);
	List	   *kept = NIL;
	MemoryContext outer = CurrentMemoryContext;
	PsAsUser	ao;
	ListCell   *lc;
	uint64		r;

	if (!OidIsValid(get_relname_relid("partstrat_policy", nsp)))
		return NIL;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, ps_snapshot_owner(), "pg_catalog, pg_temp");
	if (SPI_execute(psprintf("SELECT parent::oid FROM %s WHERE enabled",
							 quote_qualified_identifier(get_namespace_name(nsp),
														"partstrat_policy")),
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the maintenance policies");
	ps_as_user_end(&ao);
	foreach(lc, roots)
	{
		for (r = 0; r < SPI_processed; r++)
		{
			bool		isnull;

			if (DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[r],
											   SPI_tuptable->tupdesc, 1,
											   &isnull)) == lfirst_oid(lc))
			{
				MemoryContext old = MemoryContextSwitchTo(outer);

				kept = lappend_oid(kept, lfirst_oid(lc));
				MemoryContextSwitchTo(old);
				break;
			}
		}
	}
	SPI_finish();
	return kept;
}

/*
 * Every partitioned root (not itself a partition) the caller may read, by
 * OID; other sessions' temporary tables are skipped.
 */
List *
ps_readable_roots_all(void)
{
	Relation	rel = table_open(RelationRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0,
										  NULL);
	HeapTuple	tup;
	List	   *roots = NIL;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tup);

		CHECK_FOR_INTERRUPTS();
		if (form->relkind != RELKIND_PARTITIONED_TABLE || form->relispartition)
			continue;
		if (form->relpersistence == RELPERSISTENCE_TEMP &&
			isOtherTempNamespace(form->relnamespace))
			continue;
		if (!ps_may_read_stats(form->oid))
			continue;
		roots = lappend_oid(roots, form->oid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	list_sort(roots, list_oid_cmp);
	return roots;
}

/* ps_readable_roots_all(), narrowed by partstrat.watch_policies_only. */
List *
ps_readable_roots(void)
{
	List	   *roots = ps_readable_roots_all();

	if (ps_watch_policies_only)
		roots = with_policy(roots);
	return roots;
}

/* The snapshot table, its schema (quoted) and owner. */
typedef struct SnapTable
{
	Oid			relid;
	Oid			owner;
	char	   *qname;			/* schema-qualified, quoted */
} SnapTable;

/* The schema of an extension (get_extension_schema is static before 16). */
Oid
ps_extension_schema(Oid extoid)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			nsp = InvalidOid;

	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

static SnapTable
snapshot_table(void)
{
	SnapTable	t;
	Oid			extoid = get_extension_oid("partstrat", false);
	Oid			nsp = ps_extension_schema(extoid);
	HeapTuple	tup;

	t.relid = get_relname_relid("partstrat_snapshot", nsp);
	if (!OidIsValid(t.relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table partstrat_snapshot of extension partstrat does not exist"),
				 errhint("Update the extension: ALTER EXTENSION partstrat UPDATE.")));
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(t.relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", t.relid);
	t.owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	t.qname = quote_qualified_identifier(get_namespace_name(nsp),
										 "partstrat_snapshot");
	return t;
}

/* The owner of the tables of watch (snapshots, proof runs). */
Oid
ps_snapshot_owner(void)
{
	return snapshot_table().owner;
}

/* Rows of a leaf as skew counts them: reltuples, or n_live_tup if stale. */
static int64
leaf_rows(const PsPartition *p)
{
	if (p->has_pgstat && p->last_analyze != 0 && ps_stats_stale(p))
		return Max(p->live_tuples, 0);
	return p->est_rows;
}

/*
 * Scans of a relation this backend counted and has not flushed yet: a
 * maintenance run's own scans, so that a snapshot taken right after its
 * action already has them (proof.c measures the traffic from there).
 */
static int64
pending_scans(Oid relid)
{
	PgStat_TableStatus *ts = find_tabstat_entry(relid);

	return ts ? PS_PENDING_SCANS(ts) : 0;
}

/* Index scans of a relation: the sum over its indexes, as pg_stat_all_tables. */
static int64
index_scans(Relation pg_index, Oid relid)
{
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int64		total = 0;

	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(pg_index, IndexIndrelidIndexId, true,
							  NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
		PgStat_StatTabEntry *e = ps_fetch_tabentry(idx->indexrelid);

		if (e)
			total += e->numscans;
		total += pending_scans(idx->indexrelid);
	}
	systable_endscan(scan);
	return total;
}

/* Column arrays of one parent's snapshot, filled leaf by leaf. */
#define SNAP_INT_COLS 7			/* rows bytes ins upd del seq idx */

typedef struct SnapCols
{
	int			n;
	Datum	   *leaf;
	Datum	   *name;
	Datum	   *dflt;
	Datum	   *ints[SNAP_INT_COLS];
	bool	   *inulls[SNAP_INT_COLS];
} SnapCols;

static Datum
make_array(Datum *elems, bool *nulls, int n, Oid typid)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1];

	get_typlenbyvalalign(typid, &typlen, &typbyval, &typalign);
	dims[0] = n;
	lbs[0] = 1;
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  typid, typlen, typbyval,
											  typalign));
}

static void
fill_cols(SnapCols *c, PsTree *tree)
{
	Relation	pg_index = table_open(IndexRelationId, AccessShareLock);
	int			size = Max(tree->nleaves, 1);
	int			i,
				k;

	c->n = 0;
	c->leaf = palloc(sizeof(Datum) * size);
	c->name = palloc(sizeof(Datum) * size);
	c->dflt = palloc(sizeof(Datum) * size);
	for (k = 0; k < SNAP_INT_COLS; k++)
	{
		c->ints[k] = palloc(sizeof(Datum) * size);
		c->inulls[k] = palloc0(sizeof(bool) * size);
	}
	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];
		PgStat_StatTabEntry *e;
		int64		rows;
		int			n = c->n;

		CHECK_FOR_INTERRUPTS();
		if (!p->is_leaf)
			continue;
		c->leaf[n] = ObjectIdGetDatum(p->relid);
		c->name[n] = CStringGetTextDatum(quote_qualified_identifier(p->nspname,
																	p->relname));
		c->dflt[n] = BoolGetDatum(p->is_default || ps_under_default(tree, i));
		rows = leaf_rows(p);
		c->ints[0][n] = Int64GetDatum(rows);
		c->inulls[0][n] = rows < 0;
		c->ints[1][n] = Int64GetDatum(p->total_bytes);
		c->inulls[1][n] = p->is_foreign || !tree->sizes_known;
		e = p->is_foreign ? NULL : ps_fetch_tabentry(p->relid);
		if (e)
		{
			c->ints[2][n] = Int64GetDatum(e->tuples_inserted);
			c->ints[3][n] = Int64GetDatum(e->tuples_updated);
			c->ints[4][n] = Int64GetDatum(e->tuples_deleted);
			c->ints[5][n] = Int64GetDatum(e->numscans + pending_scans(p->relid));
			c->ints[6][n] = Int64GetDatum(index_scans(pg_index, p->relid));
		}
		else if (p->is_foreign)
		{
			for (k = 2; k < SNAP_INT_COLS; k++)
				c->inulls[k][n] = true;
		}
		else
		{
			/* no entry yet: nothing flushed since it was created */
			for (k = 2; k < SNAP_INT_COLS; k++)
				c->ints[k][n] = Int64GetDatum(0);
			c->ints[5][n] = Int64GetDatum(pending_scans(p->relid));
			c->ints[6][n] = Int64GetDatum(index_scans(pg_index, p->relid));
		}
		c->n++;
	}
	table_close(pg_index, AccessShareLock);
}

#define INSERT_NARGS 15

static const char *insert_sql =
"INSERT INTO %s AS s (taken_at, parent, parent_name, stats_reset, db_xacts,"
" leaf, leaf_name, is_default, rows, bytes, inserted, updated, deleted,"
" seq_scans, idx_scans)"
" SELECT $1, $2, $3, $4, $5, u.* FROM ROWS FROM (pg_catalog.unnest($6),"
" pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9),"
" pg_catalog.unnest($10), pg_catalog.unnest($11), pg_catalog.unnest($12),"
" pg_catalog.unnest($13), pg_catalog.unnest($14), pg_catalog.unnest($15))"
" AS u(leaf, leaf_name, is_default, rows, bytes, inserted, updated, deleted,"
" seq_scans, idx_scans)"
" ON CONFLICT (parent, taken_at, leaf) DO UPDATE SET"
" parent_name = excluded.parent_name, stats_reset = excluded.stats_reset,"
" db_xacts = excluded.db_xacts, leaf_name = excluded.leaf_name,"
" is_default = excluded.is_default, rows = excluded.rows,"
" bytes = excluded.bytes, inserted = excluded.inserted,"
" updated = excluded.updated, deleted = excluded.deleted,"
" seq_scans = excluded.seq_scans, idx_scans = excluded.idx_scans";

/* Store one snapshot of one tree (SPI connected, acting as the owner). */
static int
store_snapshot(SnapTable *t, PsTree *tree, TimestampTz now,
			   Datum stats_reset, bool reset_null, int64 db_xacts)
{
	SnapCols	c;
	Oid			argtypes[INSERT_NARGS] = {
		TIMESTAMPTZOID, OIDOID, TEXTOID, TIMESTAMPTZOID, INT8OID,
		OIDARRAYOID, TEXTARRAYOID, BOOLARRAYOID,
		INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
		INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID
	};
	Datum		values[INSERT_NARGS];
	char		nulls[INSERT_NARGS];
	int			k;

	fill_cols(&c, tree);
	if (c.n == 0)
		return 0;
	memset(nulls, ' ', sizeof(nulls));
	values[0] = TimestampTzGetDatum(now);
	values[1] = ObjectIdGetDatum(tree->root);
	values[2] = CStringGetTextDatum(quote_qualified_identifier(get_namespace_name(get_rel_namespace(tree->root)),
															   get_rel_name(tree->root)));
	values[3] = stats_reset;
	if (reset_null)
		nulls[3] = 'n';
	values[4] = Int64GetDatum(db_xacts);
	values[5] = make_array(c.leaf, NULL, c.n, OIDOID);
	values[6] = make_array(c.name, NULL, c.n, TEXTOID);
	values[7] = make_array(c.dflt, NULL, c.n, BOOLOID);
	for (k = 0; k < SNAP_INT_COLS; k++)
		values[8 + k] = make_array(c.ints[k], c.inulls[k], c.n, INT8OID);

	if (SPI_execute_with_args(psprintf(insert_sql, t->qname), INSERT_NARGS,
							  argtypes, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not store the snapshot of \"%s\"",
			 get_rel_name(tree->root));
	return c.n;
}

/* Delete the snapshots older than partstrat.snapshot_keep. */
static void
apply_retention(SnapTable *t, TimestampTz now)
{
	Oid			argtypes[1] = {TIMESTAMPTZOID};
	Datum		values[1];
	TimestampTz cutoff = now - (int64) ps_snapshot_keep_min * USECS_PER_MINUTE;

	values[0] = TimestampTzGetDatum(cutoff);
	if (SPI_execute_with_args(psprintf("DELETE FROM %s WHERE taken_at < $1",
									   t->qname),
							  1, argtypes, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not delete old snapshots");
}

/*
 * Store a snapshot of each tree (opened by the caller), delete the
 * snapshots older than partstrat.snapshot_keep, and, when complete_proofs,
 * take the due second samples of these parents' proofs.  Returns the leaf
 * rows stored.
 */
static int64
take_snapshots(List *trees, TimestampTz now, bool complete_proofs)
{
	SnapTable	t = snapshot_table();
	PgStat_StatDBEntry *db;
	Datum		stats_reset = (Datum) 0;
	bool		reset_null = true;
	int64		db_xacts = 0;
	int64		stored = 0;
	PsAsUser	ao;
	ListCell   *lc;

	db = pgstat_fetch_stat_dbentry(MyDatabaseId);
	if (db)
	{
		db_xacts = PS_DB_XACTS(db);
		if (db->stat_reset_timestamp != 0)
		{
			stats_reset = TimestampTzGetDatum(db->stat_reset_timestamp);
			reset_null = false;
		}
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, t.owner, "pg_catalog, pg_temp");
	foreach(lc, trees)
		stored += store_snapshot(&t, (PsTree *) lfirst(lc), now,
								 stats_reset, reset_null, db_xacts);
	apply_retention(&t, now);
	ps_as_user_end(&ao);
	SPI_finish();

	/* the proofs due of these parents get their "after" sample */
	if (complete_proofs)
	{
		List	   *taken = NIL;

		foreach(lc, trees)
			taken = lappend_oid(taken, ((PsTree *) lfirst(lc))->root);
		(void) ps_proof_complete(taken, false);
	}
	return stored;
}

/*
 * The trees of the parents given, each locked and checked again (dropped,
 * or privileges revoked, since the list was made: skipped).
 */
static List *
open_trees(List *parents)
{
	List	   *trees = NIL;
	ListCell   *lc;

	foreach(lc, parents)
	{
		Oid			relid = lfirst_oid(lc);

		LockRelationOid(relid, AccessShareLock);
		if (!ps_may_read_stats(relid) ||
			get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		{
			UnlockRelationOid(relid, AccessShareLock);
			continue;
		}
		trees = lappend(trees, ps_build_tree(relid, 0));
	}
	return trees;
}

/*
 * A snapshot of one parent the caller may read, at now, without completing
 * proofs: the leaves' scan counters that a proof's sample is measured with
 * (proof.c).
 */
void
ps_watch_snapshot_parent(Oid parent, TimestampTz now)
{
	(void) take_snapshots(open_trees(list_make1_oid(parent)), now, false);
}

/*
 * partstrat_snapshot_take(parent regclass DEFAULT NULL,
 *						   complete_proofs boolean DEFAULT true) -> bigint
 *
 * Store a snapshot of the parent given (any partitioned table the caller
 * may read), or of every parent with a maintenance policy the caller may
 * read; delete the snapshots older than partstrat.snapshot_keep.  Returns
 * the leaf rows stored.
 */
Datum
partstrat_snapshot_take(PG_FUNCTION_ARGS)
{
	TimestampTz now = ps_watch_now();
	List	   *trees;

	if (TIMESTAMP_NOT_FINITE(now))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("partstrat.reference_time must be finite")));
	if (!PG_ARGISNULL(0))
		trees = list_make1(ps_open_tree(PG_GETARG_OID(0),
										"partstrat_snapshot_take", 0));
	else
		trees = open_trees(with_policy(ps_readable_roots_all()));
	PG_RETURN_INT64(take_snapshots(trees, now,
								   PG_NARGS() < 2 || PG_ARGISNULL(1) ||
								   PG_GETARG_BOOL(1)));
}

/*
 * The snapshot a maintenance run takes when it starts (runner.c): of the
 * parent given, or of every parent with an enabled policy, that the
 * current user may read; due proofs of those parents are completed.  Never
 * an error: a failure is a WARNING and the run goes on.  Returns the leaf
 * rows stored.
 */
int64
ps_watch_run_snapshot(Oid parent)
{
	MemoryContext cxt = CurrentMemoryContext;
	PsSubxact	sx;
	volatile int64 stored = 0;

	if (!OidIsValid(get_extension_oid("partstrat", true)))
		return 0;
	ps_subxact_begin(&sx, NULL);
	PG_TRY();
	{
		TimestampTz now = ps_watch_now();
		List	   *parents;

		if (OidIsValid(parent))
			parents = ps_may_read_stats(parent) ? list_make1_oid(parent) : NIL;
		else
			parents = ps_readable_roots_all();
		parents = with_policy(parents);
		if (parents != NIL && !TIMESTAMP_NOT_FINITE(now))
			stored = take_snapshots(open_trees(parents), now, true);
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = ps_subxact_abort(&sx);
		/* a cancel stops the run, as it stops the policies' steps */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		ereport(WARNING,
				(errcode(edata->sqlerrcode),
				 errmsg("partstrat: the maintenance run took no snapshot: %s",
						edata->message)));
		stored = 0;
	}
	PG_END_TRY();
	return stored;
}

/* Counters of one leaf in the base snapshot of the hot window. */
typedef struct BaseMods
{
	Oid			leaf;
	bool		known;
	int64		ins;
	int64		upd;
	int64		del;
} BaseMods;

static int
base_cmp(const void *a, const void *b)
{
	Oid			x = ((const BaseMods *) a)->leaf;
	Oid			y = ((const BaseMods *) b)->leaf;

	return (x > y) - (x < y);
}

/*
 * The hot window's modifications of each leaf of a tree.
 *
 * The base is the newest snapshot of the tree's root taken at or before
 * now - hot_window and no earlier than now - 2 x hot_window.  A leaf's
 * modifications are its counters now minus those of the base; a leaf
 * created since (not in the base) counts from zero; a leaf whose counters
 * went down counts from zero (its counters were reset: the modifications
 * since are a lower bound).  When the database's statistics were reset
 * since the base (stats_reset changed, or its transaction count went down
 * between consecutive snapshots or since the last one:
 * pg_stat_reset(), a crash) the snapshots do not cover the window.
 */
bool
ps_watch_window_mods(PsTree *tree, double *mods, TimestampTz *since)
{
	SnapTable	t;
	TimestampTz now = ps_watch_now();
	int64		window = (int64) ps_hot_window_min * USECS_PER_MINUTE;
	Oid			argtypes[3] = {OIDOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[3];
	PgStat_StatDBEntry *db = pgstat_fetch_stat_dbentry(MyDatabaseId);
	PsAsUser	ao;
	BaseMods   *base = NULL;
	int			nbase = 0;
	bool		covered = false;
	int			ret;
	uint64		r;
	int			i;

	if (!OidIsValid(get_extension_oid("partstrat", true)) ||
		TIMESTAMP_NOT_FINITE(now) || db == NULL)
		return false;
	t = snapshot_table();
	values[0] = ObjectIdGetDatum(tree->root);
	values[1] = TimestampTzGetDatum(now - window);
	values[2] = TimestampTzGetDatum(now - 2 * window);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, t.owner, "pg_catalog, pg_temp");
	ret = SPI_execute_with_args(psprintf("SELECT leaf, inserted, updated, deleted,"
										 " taken_at FROM %s"
										 " WHERE parent = $1 AND taken_at ="
										 " (SELECT max(taken_at) FROM %s WHERE parent = $1"
										 " AND taken_at <= $2 AND taken_at >= $3)",
										 t.qname, t.qname),
								3, argtypes, values, NULL, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the snapshots");
	if (SPI_processed > 0)
	{
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		nbase = (int) SPI_processed;
		base = palloc(sizeof(BaseMods) * nbase);
		*since = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0],
												   desc, 5, &isnull));
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			bool		n1,
						n2,
						n3;

			base[r].leaf = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &n1));
			base[r].ins = DatumGetInt64(SPI_getbinval(tup, desc, 2, &n1));
			base[r].upd = DatumGetInt64(SPI_getbinval(tup, desc, 3, &n2));
			base[r].del = DatumGetInt64(SPI_getbinval(tup, desc, 4, &n3));
			base[r].known = !(n1 || n2 || n3);
		}
		qsort(base, nbase, sizeof(BaseMods), base_cmp);

		/*
		 * No reset from the base on: every snapshot since (of any parent,
		 * all of this database) and now have the base's stats_reset, and
		 * the database's transaction count never goes down along the way.
		 */
		values[0] = TimestampTzGetDatum(*since);
		ret = SPI_execute_with_args(psprintf("SELECT stats_reset, max(db_xacts)"
											 " FROM %s WHERE taken_at >= $1"
											 " GROUP BY taken_at, stats_reset"
											 " ORDER BY taken_at",
											 t.qname),
									1, argtypes + 1, values, NULL, true, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "could not read the snapshots");
		covered = true;
		{
			TimestampTz first_reset = 0;
			int64		last_xacts = -1;

			desc = SPI_tuptable->tupdesc;
			for (r = 0; r < SPI_processed && covered; r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				Datum		d = SPI_getbinval(tup, desc, 1, &isnull);
				TimestampTz reset = isnull ? 0 : DatumGetTimestampTz(d);
				int64		xacts = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));

				if (r == 0)
					first_reset = reset;
				covered = reset == first_reset && xacts >= last_xacts;
				last_xacts = xacts;
			}
			covered = covered && db->stat_reset_timestamp == first_reset &&
				PS_DB_XACTS(db) >= last_xacts;
		}
	}
	ps_as_user_end(&ao);

	if (covered)
	{
		for (i = 0; i < tree->nparts; i++)
		{
			PsPartition *p = &tree->parts[i];
			PgStat_StatTabEntry *e;
			BaseMods	key;
			BaseMods   *b;
			double		now_mods = 0;
			double		base_mods = 0;

			if (!p->is_leaf || p->is_foreign)
				continue;
			e = ps_fetch_tabentry(p->relid);
			if (e)
				now_mods = e->tuples_inserted + e->tuples_updated +
					e->tuples_deleted;
			key.leaf = p->relid;
			b = bsearch(&key, base, nbase, sizeof(BaseMods), base_cmp);
			/* a leaf whose counters went down was reset: from zero */
			if (b && b->known && e && e->tuples_inserted >= b->ins &&
				e->tuples_updated >= b->upd && e->tuples_deleted >= b->del)
				base_mods = (double) b->ins + b->upd + b->del;
			mods[i] = Max(now_mods - base_mods, 0);
		}
	}
	SPI_finish();
	return covered;
}

/*
 * Growth of each leaf of a tree in bytes per day, from the snapshots: the
 * last snapshot of each day (UTC) up to now, the median of a leaf's last 7
 * daily deltas counted from the day it first grew (a premade partition's
 * empty days are not its rate).  Indexed like tree->parts; -1 where
 * unknown.  NULL when the root has fewer than 3 daily snapshots: nothing is
 * guessed.  The same rule as partstrat_forecast().
 */
double *
ps_watch_leaf_growth(PsTree *tree, TimestampTz now)
{
	SnapTable	t;
	Oid			argtypes[2] = {OIDOID, TIMESTAMPTZOID};
	Datum		values[2];
	PsAsUser	ao;
	double	   *rate = NULL;
	int			ret;
	uint64		r;
	int			i;

	if (!OidIsValid(get_extension_oid("partstrat", true)) ||
		TIMESTAMP_NOT_FINITE(now))
		return NULL;
	t = snapshot_table();
	values[0] = ObjectIdGetDatum(tree->root);
	values[1] = TimestampTzGetDatum(now);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, t.owner, "pg_catalog, pg_temp");
	ret = SPI_execute_with_args(psprintf(
										 "WITH pick AS ("
										 " SELECT taken_at, row_number() OVER (ORDER BY taken_at) AS i,"
										 " extract(epoch FROM taken_at - lag(taken_at) OVER (ORDER BY taken_at))::float8 / 86400 AS days"
										 " FROM (SELECT max(taken_at) AS taken_at FROM %s"
										 " WHERE parent = $1 AND taken_at <= $2"
										 " GROUP BY (taken_at AT TIME ZONE 'UTC')::date) x),"
										 " n AS (SELECT count(*) AS n FROM pick),"
										 " snap AS (SELECT pick.i, pick.days, s.leaf, s.rows, s.bytes"
										 " FROM pick JOIN %s s ON s.parent = $1 AND s.taken_at = pick.taken_at),"
										 " d AS (SELECT c.leaf, c.i, (c.rows - p.rows) / c.days AS rpd,"
										 " (c.bytes - p.bytes) / c.days AS bpd"
										 " FROM snap c JOIN snap p ON p.leaf = c.leaf AND p.i = c.i - 1"
										 " WHERE c.days > 0),"
										 " f AS (SELECT leaf, min(i) AS first_i FROM d"
										 " WHERE rpd > 0 OR bpd > 0 GROUP BY leaf)"
										 " SELECT n.n, d.leaf, percentile_cont(0.5) WITHIN GROUP (ORDER BY d.bpd)"
										 " FROM n LEFT JOIN (d JOIN f ON f.leaf = d.leaf) ON d.i >= f.first_i"
										 " AND d.i > n.n - 7"
										 " GROUP BY n.n, d.leaf",
										 t.qname, t.qname),
								2, argtypes, values, NULL, true, 0);
	ps_as_user_end(&ao);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the snapshots");
	if (SPI_processed > 0)
	{
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int64		n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													desc, 1, &isnull));

		if (n >= 3)
		{
			rate = palloc(sizeof(double) * Max(tree->nparts, 1));
			for (i = 0; i < tree->nparts; i++)
				rate[i] = -1;
			for (r = 0; r < SPI_processed; r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				bool		n1,
							n2;
				Oid			leaf = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &n1));
				double		bpd = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &n2));

				if (n1 || n2)
					continue;
				for (i = 0; i < tree->nparts; i++)
					if (tree->parts[i].relid == leaf)
						rate[i] = bpd;
			}
		}
	}
	SPI_finish();
	return rate;
}

/*
 * Days (UTC) with a snapshot of root up to now: the forecast needs 3.
 * 0 when the extension's snapshot table is not there.
 */
int
ps_watch_daily_snapshots(Oid root, TimestampTz now)
{
	SnapTable	t;
	Oid			argtypes[2] = {OIDOID, TIMESTAMPTZOID};
	Datum		values[2];
	PsAsUser	ao;
	bool		isnull;
	int			n = 0;

	if (!OidIsValid(get_extension_oid("partstrat", true)) ||
		TIMESTAMP_NOT_FINITE(now))
		return 0;
	t = snapshot_table();
	values[0] = ObjectIdGetDatum(root);
	values[1] = TimestampTzGetDatum(now);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, t.owner, "pg_catalog, pg_temp");
	if (SPI_execute_with_args(psprintf("SELECT count(DISTINCT (taken_at AT TIME ZONE 'UTC')::date)::int4"
									   " FROM %s WHERE parent = $1 AND taken_at <= $2",
									   t.qname),
							  2, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the snapshots");
	ps_as_user_end(&ao);
	if (SPI_processed == 1)
		n = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return n;
}
