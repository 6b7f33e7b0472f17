/*-------------------------------------------------------------------------
 *
 * watch.h
 *	  Watching partition trees over time: snapshots of every leaf, deltas
 *	  between them (with counter resets detected), and the metrics read by
 *	  Prometheus.
 *
 * snapshot.c stores and reads the snapshot table (partstrat_snapshot);
 * metrics.c turns one inventory per parent into metric rows.  The forecast
 * and the Prometheus text are SQL over these (sql/partstrat--0.1.0.sql).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/watch/watch.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_WATCH_H
#define PARTSTRAT_WATCH_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "nodes/pg_list.h"

#include "partstrat.h"

/* GUCs (defined in partstrat.c through ps_watch_define_gucs()) */
extern int	ps_snapshot_keep_min;	/* partstrat.snapshot_keep, minutes */
extern int	ps_hot_window_min;	/* partstrat.hot_window, minutes */
extern bool ps_watch_policies_only; /* partstrat.watch_policies_only */
extern int	ps_proof_after_min; /* partstrat.proof_after, minutes */
extern int	ps_forecast_horizon_min;	/* partstrat.forecast_horizon, minutes */

extern void ps_watch_define_gucs(void);

/* snapshot.c */
extern TimestampTz ps_watch_now(void);
extern bool ps_may_read_stats(Oid relid);
extern List *ps_readable_roots(void);
extern List *ps_readable_roots_all(void);

/* A snapshot of one parent at now, proofs not completed. */
extern void ps_watch_snapshot_parent(Oid parent, TimestampTz now);

/* The snapshot at the start of a maintenance run (never an error). */
extern int64 ps_watch_run_snapshot(Oid parent);
extern Oid	ps_extension_schema(Oid extoid);
extern Oid	ps_snapshot_owner(void);

/* proof.c */
extern int	ps_proof_complete(List *parents, bool all);

/*
 * Modifications (rows inserted + updated + deleted) of each leaf over the
 * hot window, from the snapshots: mods[] is indexed like tree->parts.
 * Returns false (mods[] untouched) when no snapshot covers the window.
 */
extern bool ps_watch_window_mods(PsTree *tree, double *mods,
								 TimestampTz *since);

/* Days (UTC) with a snapshot of root up to now. */
extern int	ps_watch_daily_snapshots(Oid root, TimestampTz now);

/* Bytes per day of each leaf (tree->parts index, -1 unknown), or NULL. */
extern double *ps_watch_leaf_growth(PsTree *tree, TimestampTz now);

#endif							/* PARTSTRAT_WATCH_H */
