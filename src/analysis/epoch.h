/*-------------------------------------------------------------------------
 *
 * epoch.h
 *	  Integer keys that hold time as seconds (or milli-, micro-,
 *	  nanoseconds) since 1970-01-01 UTC: their unit and conversions.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/analysis/epoch.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_EPOCH_H
#define PARTSTRAT_EPOCH_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "partstrat.h"

/* Seconds from 1970-01-01 to 2000-01-01 and to 2100-01-01. */
#define PS_EPOCH_2000		INT64CONST(946684800)
#define PS_EPOCH_2100		INT64CONST(4102444800)

extern int64 ps_epoch_scale_of(const char *unit);
extern const char *ps_epoch_unit_name(int64 scale);
extern TimestampTz ps_epoch_to_ts(int64 v, int64 scale);
extern int64 ps_ts_to_epoch(TimestampTz ts, int64 scale);
extern bool ps_epoch_bounds_fit(const int64 *lo, const int64 *hi, int n,
								int64 scale);
extern int64 ps_epoch_scale_of_bounds(const int64 *lo, const int64 *hi,
									  int n);
extern int64 ps_epoch_scale_of_tree(const PsTree *tree);
extern int64 ps_epoch_cutoff(TimestampTz as_of, const Interval *keep,
							 int64 scale);

#endif							/* PARTSTRAT_EPOCH_H */
