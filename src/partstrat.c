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

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	/* GUCs are defined first, whether preloaded or not. */

	/* GUCs of the inventory: none yet */

	/* GUCs of skew detection and advice */

	/* GUCs of DDL generation */
	ps_ddl_define_gucs();

	/* GUCs of the pruning report */

	ps_reserve_guc_prefix("partstrat");

	if (!process_shared_preload_libraries_in_progress)
		return;
	/* The background worker is registered here in a later version. */
}
