/*-------------------------------------------------------------------------
 *
 * partstrat.c
 *	  Module entry point: PG_MODULE_MAGIC, _PG_init and the GUCs.
 *
 * The library works when loaded on demand by CREATE EXTENSION or a
 * function call, and also from shared_preload_libraries (where the
 * background worker will be registered once it exists).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/partstrat.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "compat.h"
#include "partstrat.h"
#include "ddl.h"
#include "maintenance.h"
#include "pruning.h"
#include "skew.h"
#include "watch.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	/* GUCs are defined first, whether preloaded or not. */

	/* GUCs of the inventory: none yet */

	/* GUCs of skew detection and advice */
	DefineCustomIntVariable("partstrat.target_bytes",
							"Target size of one leaf partition for partstrat_advise().",
							"Leaves above twice this size are advised to be split, runs of leaves under a quarter of it to be merged.",
							&ps_target_bytes_kb,
							1024 * 1024, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.merge_min_leaves",
							"Fewest leaves a parent must have before merges are advised.",
							NULL,
							&ps_merge_min_leaves,
							100, 2, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.premake_min",
							"Fewest partition intervals a time-range parent should have ahead of now.",
							NULL,
							&ps_premake_min,
							3, 1, 10000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomRealVariable("partstrat.skew_ratio",
							 "Ratio to the median sibling from which a leaf is oversized (or, inverted, undersized).",
							 NULL,
							 &ps_skew_ratio,
							 4.0, 1.0, 1e9,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("partstrat.skew_z",
							 "Robust z-score (median/MAD) from which a leaf is oversized (or, negated, undersized).",
							 NULL,
							 &ps_skew_z,
							 3.5, 0.0, 1e9,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("partstrat.hash_imbalance_ratio",
							 "Share of a hash partition, relative to 1/modulus, from which it is imbalanced.",
							 NULL,
							 &ps_hash_imbalance_ratio,
							 1.2, 1.0, 1e9,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("partstrat.hash_alpha",
							 "With exact counts, the chi-square p-value under which a hash imbalance is flagged.",
							 NULL,
							 &ps_hash_alpha,
							 0.01, 0.0, 1.0,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("partstrat.hot_ratio",
							 "Share of recent modifications, relative to the share of rows, from which a leaf is hot.",
							 NULL,
							 &ps_hot_ratio,
							 3.0, 1.0, 1e9,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("partstrat.whale_factor",
							 "A key value holding more than this many times the ideal piece share of a leaf makes splitting useless.",
							 NULL,
							 &ps_whale_factor,
							 1.5, 1.0, 1e9,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomStringVariable("partstrat.reference_time",
							   "The time partstrat_advise() takes as now (empty: the transaction start).",
							   "Lets a DBA ask what the advice will be at another time.",
							   &ps_reference_time,
							   "",
							   PGC_USERSET, 0,
							   NULL, NULL, NULL);

	/* GUCs of DDL generation */
	DefineCustomIntVariable("partstrat.lock_timeout",
							"lock_timeout of the DDL scripts partstrat generates.",
							"Used when a generator's lock_timeout argument is NULL. "
							"Keep it below deadlock_timeout so that, in a lock "
							"cycle with the application, the script gives way.",
							&ps_ddl_lock_timeout_ms,
							500, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS,
							NULL, NULL, NULL);

	/* GUCs of the pruning report */
	DefineCustomIntVariable("partstrat.pruning_lock_warning_leaves",
							"Leaves a generic plan may keep for startup pruning before partstrat_explain_pruning warns about locking.",
							"PostgreSQL 15 locks every leaf of a generic plan at each execution, before startup pruning; beyond 16 relations a backend leaves the fast-path locks.",
							&ps_pruning_lock_warning_leaves,
							16, 0, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("partstrat.candidate_partition_size",
							"Partition size partstrat_key_candidates assumes for a range key.",
							"The number of range partitions predicted for a candidate key is the table's size divided by this, at least 2.",
							&ps_candidate_partition_kb,
							1024 * 1024, 8, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	/* GUCs of watching over time: snapshots, hot window (src/watch/) */
	ps_watch_define_gucs();

	/*
	 * GUCs of scheduled maintenance; when preloaded, its shared memory and
	 * the launcher (src/maintenance/launcher.c).
	 */
	ps_mx_init();

	ps_reserve_guc_prefix("partstrat");

	if (!process_shared_preload_libraries_in_progress)
		return;
	/* (the maintenance launcher was registered by ps_mx_init above) */
}
