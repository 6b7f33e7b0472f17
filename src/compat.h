/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Every PostgreSQL-version difference partstrat depends on, in one place.
 *
 * The rest of the code calls the names defined here and never tests
 * PG_VERSION_NUM itself.  Built and tested on PostgreSQL 15, 17 and 18
 * (test/pgversions.sh); 16 is not tested (no Debian release packages it)
 * but every difference below is placed at the release that made it.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/compat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_COMPAT_H
#define PARTSTRAT_COMPAT_H

#include "postgres.h"

#include "common/relpath.h"
#include "executor/executor.h"
#include "funcapi.h"
#include "pgstat.h"
#include "storage/proc.h"
#include "utils/guc.h"

#if PG_VERSION_NUM < 150000
#error "partstrat requires PostgreSQL 15 or later"
#endif

/* Set-returning functions: one materialized tuplestore per call. */
#define ps_init_materialized_srf(fcinfo) InitMaterializedSRF((fcinfo), 0)

/* GUC prefix reservation. */
#define ps_reserve_guc_prefix(prefix) MarkGUCPrefixReserved(prefix)

/* Cumulative statistics of one table: fields were renamed in 16. */
#if PG_VERSION_NUM >= 160000
#define PS_TAB_LIVE(e)			((e)->live_tuples)
#define PS_TAB_DEAD(e)			((e)->dead_tuples)
#define PS_TAB_MODS(e)			((e)->mod_since_analyze)
#define PS_TAB_INS_VAC(e)		((e)->ins_since_vacuum)
#define PS_TAB_ANALYZE(e)		((e)->last_analyze_time)
#define PS_TAB_AUTOANALYZE(e)	((e)->last_autoanalyze_time)
#else
#define PS_TAB_LIVE(e)			((e)->n_live_tuples)
#define PS_TAB_DEAD(e)			((e)->n_dead_tuples)
#define PS_TAB_MODS(e)			((e)->changes_since_analyze)
#define PS_TAB_INS_VAC(e)		((e)->inserts_since_vacuum)
#define PS_TAB_ANALYZE(e)		((e)->analyze_timestamp)
#define PS_TAB_AUTOANALYZE(e)	((e)->autovac_analyze_timestamp)
#endif

/* Transactions of a database (pg_stat_database): renamed in 16. */
#if PG_VERSION_NUM >= 160000
#define PS_DB_XACTS(e)			((e)->xact_commit + (e)->xact_rollback)
#else
#define PS_DB_XACTS(e)			((e)->n_xact_commit + (e)->n_xact_rollback)
#endif

#define ps_fetch_tabentry(relid) pgstat_fetch_stat_tabentry(relid)

/* Scans this backend counted on a relation, not yet in the shared stats. */
#if PG_VERSION_NUM >= 160000
#define PS_PENDING_SCANS(ts) ((ts)->counts.numscans)
#else
#define PS_PENDING_SCANS(ts) ((ts)->t_counts.t_numscans)
#endif

/* Physical file of a relation: RelFileNode became RelFileLocator in 16. */
#if PG_VERSION_NUM >= 160000
#include "storage/relfilelocator.h"
typedef RelFileLocator PsFileId;
#define PS_FILEID_SET(f, spc, db, rel) \
	do { (f).spcOid = (spc); (f).dbOid = (db); (f).relNumber = (rel); } while (0)
#else
#include "storage/relfilenode.h"
typedef RelFileNode PsFileId;
#define PS_FILEID_SET(f, spc, db, rel) \
	do { (f).spcNode = (spc); (f).dbNode = (db); (f).relNode = (rel); } while (0)
#endif

/* Backend id of a temporary relation's owner (ProcNumber in 17). */
#if PG_VERSION_NUM >= 170000
#define PS_INVALID_BACKEND		INVALID_PROC_NUMBER
#define ps_my_temp_backend()	ProcNumberForTempRelations()
#define ps_temp_namespace_backend(nsp)	GetTempNamespaceProcNumber(nsp)
typedef ProcNumber PsBackendId;
#else
#define PS_INVALID_BACKEND		InvalidBackendId
#define ps_my_temp_backend()	BackendIdForTempRelations()
#define ps_temp_namespace_backend(nsp)	GetTempNamespaceBackendId(nsp)
typedef BackendId PsBackendId;
#endif

/*
 * Local transaction id of this backend: PGPROC's lxid moved into its
 * vxid in 17.
 */
#if PG_VERSION_NUM >= 170000
#define ps_my_lxid()			(MyProc->vxid.lxid)
#else
#define ps_my_lxid()			(MyProc->lxid)
#endif

/*
 * The permission check ExecutorStart makes on a planned statement (EXPLAIN
 * makes it too): 16 moved the permissions out of the range table into the
 * statement's RTEPermissionInfo list (ExecCheckRTPerms became
 * ExecCheckPermissions).  Raises the usual "permission denied" error.
 */
static inline void
ps_check_plan_permissions(PlannedStmt *pstmt)
{
#if PG_VERSION_NUM >= 160000
	(void) ExecCheckPermissions(pstmt->rtable, pstmt->permInfos, true);
#else
	(void) ExecCheckRTPerms(pstmt->rtable, true);
#endif
}

/*
 * Path of one fork of a relation's file, palloc'd: 18 returns it in a
 * struct (RelPathStr) instead of a palloc'd string.
 */
static inline char *
ps_relpath(PsFileId fid, PsBackendId backend, ForkNumber fork)
{
#if PG_VERSION_NUM >= 180000
	return pstrdup(relpathbackend(fid, backend, fork).str);
#else
	return relpathbackend(fid, backend, fork);
#endif
}

/*
 * The run-time pruning steps of an Append or MergeAppend (NULL if none):
 * 18 keeps them in the statement's partPruneInfos list, the node keeps
 * their index.
 */
#if PG_VERSION_NUM >= 180000
#define ps_append_prune_info(pstmt, node) \
	((node)->part_prune_index >= 0 ? \
	 list_nth_node(PartitionPruneInfo, (pstmt)->partPruneInfos, \
				   (node)->part_prune_index) : NULL)
#else
#define ps_append_prune_info(pstmt, node)	((node)->part_prune_info)
#endif

/* ExecutorRun lost its execute_once argument in 18. */
#if PG_VERSION_NUM >= 180000
#define ps_executor_run(qd, dir, count)	ExecutorRun((qd), (dir), (count))
#else
#define ps_executor_run(qd, dir, count)	ExecutorRun((qd), (dir), (count), true)
#endif

/* Running a portal to completion: 18 dropped PortalRun's run_once. */
#if PG_VERSION_NUM >= 180000
#define ps_portal_run(portal, count, top, dest, altdest, qc) \
	PortalRun((portal), (count), (top), (dest), (altdest), (qc))
#else
#define ps_portal_run(portal, count, top, dest, altdest, qc) \
	PortalRun((portal), (count), (top), true, (dest), (altdest), (qc))
#endif

/* ACL checks on a schema or tablespace (object_aclcheck in 16). */
#if PG_VERSION_NUM >= 160000
#define ps_namespace_aclcheck(nsp, role, mode) \
	object_aclcheck(NamespaceRelationId, (nsp), (role), (mode))
#define ps_tablespace_aclcheck(spc, role, mode) \
	object_aclcheck(TableSpaceRelationId, (spc), (role), (mode))
#else
#define ps_namespace_aclcheck(nsp, role, mode) \
	pg_namespace_aclcheck((nsp), (role), (mode))
#define ps_tablespace_aclcheck(spc, role, mode) \
	pg_tablespace_aclcheck((spc), (role), (mode))
#endif

#endif							/* PARTSTRAT_COMPAT_H */
