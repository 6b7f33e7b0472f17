/*-------------------------------------------------------------------------
 *
 * ddl_partman.h
 *	  Scripts that change pg_partman's settings of a set it manages and let
 *	  pg_partman do the work (ddl_partman.c).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_partman.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_DDL_PARTMAN_H
#define PARTSTRAT_DDL_PARTMAN_H

#include "postgres.h"

#include "datatype/timestamp.h"

/* part_config.premake = premake, then run_maintenance(parent) */
extern char *ps_ddl_partman_premake(const char *schema,
									const char *parent_table, int premake);

/* part_config.retention = keep, then run_maintenance(parent) */
extern char *ps_ddl_partman_retention(const char *schema,
									  const char *parent_table,
									  Interval *keep);

/*
 * partition_data_time() or partition_data_id() of the DEFAULT's rows; gap_fill:
 * then partition_gap_fill() (the children between)
 */
extern char *ps_ddl_partman_partition_data(const char *schema,
										   const char *parent_table,
										   bool time_based,
										   bool gap_fill);

/*
 * A longer interval for a time set's future children: children of
 * old_interval up to the next boundary of unit ('week', 'month', 'quarter',
 * 'year'), part_config.partition_interval = new_interval, the first child
 * of new_interval at that boundary, then run_maintenance(parent)
 */
extern char *ps_ddl_partman_interval(const char *schema,
									 const char *parent_table,
									 const char *old_interval,
									 const char *unit,
									 const char *new_interval);

#endif							/* PARTSTRAT_DDL_PARTMAN_H */
