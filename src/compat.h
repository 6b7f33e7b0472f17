/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Every PostgreSQL-version difference partstrat depends on, in one place.
 *
 * The rest of the code calls the names defined here and never tests
 * PG_VERSION_NUM itself.  Tested on PostgreSQL 15; written for 14 to 17.
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

#include "funcapi.h"
#include "pgstat.h"
#include "utils/guc.h"

#if PG_VERSION_NUM < 140000
#error "partstrat requires PostgreSQL 14 or later"
#endif

/* Set-returning functions: one materialized tuplestore per call. */
#if PG_VERSION_NUM >= 150000
#define ps_init_materialized_srf(fcinfo) InitMaterializedSRF((fcinfo), 0)
#else
extern void ps_init_materialized_srf(FunctionCallInfo fcinfo);
#define PS_NEED_SRF_COMPAT 1
#endif

/* GUC prefix reservation (PostgreSQL 15+). */
#if PG_VERSION_NUM >= 150000
#define ps_reserve_guc_prefix(prefix) MarkGUCPrefixReserved(prefix)
#else
#define ps_reserve_guc_prefix(prefix) EmitWarningsOnPlaceholders(prefix)
#endif

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

#if PG_VERSION_NUM >= 150000
#define ps_fetch_tabentry(relid) pgstat_fetch_stat_tabentry(relid)
#else
#define ps_fetch_tabentry(relid) pgstat_fetch_stat_tabentry(relid)
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
typedef ProcNumber PsBackendId;
#else
#define PS_INVALID_BACKEND		InvalidBackendId
#define ps_my_temp_backend()	BackendIdForTempRelations()
typedef BackendId PsBackendId;
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
