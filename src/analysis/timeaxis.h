/*-------------------------------------------------------------------------
 *
 * timeaxis.h
 *	  The time axis: positions, steps and their arithmetic (timeaxis.c),
 *	  shared by the advice and the generators' time line.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/analysis/timeaxis.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_TIMEAXIS_H
#define PARTSTRAT_TIMEAXIS_H

#include "postgres.h"

#include "pgtime.h"

#include "partstrat.h"

/* The axis of the first key column. */
typedef struct PsAxis
{
	Oid			typid;			/* INT2/4/8OID, DATEOID, TIMESTAMP[TZ]OID */
	int16		typlen;
	bool		typbyval;
	bool		is_time;		/* date or timestamp[tz] */
	pg_tz	   *tz;				/* calendar arithmetic; UTC unless
								 * timestamptz */
	char	   *tzname;
} PsAxis;

/*
 * A step between bounds: an integer, or calendar months + days + a fixed
 * number of microseconds, added in the axis's time zone the way
 * timestamptz + interval is.
 */
typedef struct PsStep
{
	int64		ival;
	int32		months;
	int32		days;
	int64		usecs;
	char	   *label;			/* "daily", "monthly", "1000", "6 hours" */
	bool		inferred;		/* false: given by the caller */
} PsStep;

/* Is a key column of this type on the time axis (date, timestamp[tz])? */
extern bool ps_key_is_time(Oid typid);

/* A time bound value in microseconds since 2000-01-01 (dates at midnight). */
extern bool ps_key_value_usec(const PsValue *v, Oid typid, int64 *usec);

/* Positions of key values on the axis, and back. */
extern int64 ps_axis_pos(const PsAxis *axis, const PsValue *v, bool *inf);
extern PsValue ps_axis_value(const PsAxis *axis, int64 pos);
extern char *ps_axis_text(const PsAxis *axis, int64 pos);

/* A position as local calendar fields of the axis's zone, and back. */
extern void ps_axis_local_tm(const PsAxis *axis, int64 pos, struct pg_tm *tm,
							 fsec_t *fsec);
extern int64 ps_axis_from_local_tm(const PsAxis *axis, struct pg_tm *tm,
								   fsec_t fsec);

/* base + n steps (ERROR 22008 out of the type's range). */
extern int64 ps_step_add(const PsAxis *axis, const PsStep *step, int64 base,
						 int64 n);

/* The n with base + n steps <= v < base + (n + 1) steps. */
extern int64 ps_step_floor(const PsAxis *axis, const PsStep *step,
						   int64 base, int64 v);

/* "daily", "monthly", "quarterly", ..., else ps_interval_text() */
extern char *ps_step_label(const PsAxis *axis, const PsStep *st);

/* "1 year 2 months", "3 days 6 hours": an interval for people. */
extern char *ps_interval_text(int32 months, int32 days, int64 usecs);

#endif							/* PARTSTRAT_TIMEAXIS_H */
