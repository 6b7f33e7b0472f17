/*-------------------------------------------------------------------------
 *
 * worker_shmem.h
 *	  The shared memory of the maintenance launcher and workers: one slot
 *	  per configured database, read by partstrat_worker_status().
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/worker_shmem.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_WORKER_SHMEM_H
#define PARTSTRAT_WORKER_SHMEM_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "storage/lwlock.h"

/* Most databases partstrat.databases may name. */
#define PS_MX_MAX_DATABASES 64

typedef struct PsMxSlot
{
	bool		in_use;
	char		dbname[NAMEDATALEN];
	int			pid;			/* 0: no worker running */
	TimestampTz last_start;
	TimestampTz last_end;
	TimestampTz next_run;
	char		last_error[256];
} PsMxSlot;

typedef struct PsMxShared
{
	LWLock	   *lock;
	int			launcher_pid;
	PsMxSlot	slots[PS_MX_MAX_DATABASES];
} PsMxShared;

/* NULL unless the library is preloaded. */
extern PsMxShared *ps_mx_shared;

#endif							/* PARTSTRAT_WORKER_SHMEM_H */
