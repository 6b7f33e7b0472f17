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
#include "pruning.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	/* GUCs are defined first, whether preloaded or not. */

	/* GUCs of the inventory: none yet */

	/* GUCs of skew detection and advice */

	/* GUCs of DDL generation */

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

	ps_reserve_guc_prefix("partstrat");

	if (!process_shared_preload_libraries_in_progress)
		return;
	/* The background worker is registered here in a later version. */
}
