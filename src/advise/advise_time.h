/*-------------------------------------------------------------------------
 *
 * advise_time.h
 *	  The time steps partstrat_advise() reasons in (advise_time.c), shared
 *	  with the merge (advise_merge.c).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_time.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PS_ADVISE_TIME_H
#define PS_ADVISE_TIME_H

#include "advise.h"
#include "timeaxis.h"

/*
 * The step of a time-range parent's partitions, on the time axis shared
 * with the generators (timeaxis.h): calendar months when the newest
 * partition is aligned to them, else a fixed width, on a UTC timestamp
 * axis; with the words the reasons use.
 */
typedef struct TimeStep
{
	bool		valid;
	PsAxis		axis;			/* its positions' axis (advice_axis) */
	PsStep		step;			/* months, or usecs */
	int64		approx_usec;	/* months as 30.436875 days */
	const char *adjective;		/* "monthly", "daily", ... */
	const char *noun;			/* "months", "days", ... */
} TimeStep;

/* A partition's bounds as microseconds on the advice's axis, or false. */
extern bool ps_time_part_bounds_usec(PsTree *tree, int i, int64 *lo,
									 int64 *hi);

/* The axis of the advice's positions (the root key's time zone, or UTC). */
extern PsAxis ps_time_advice_axis(AdviseCtx *ctx);

/* The step of a partition [lo, hi) on axis (valid false: none). */
extern TimeStep ps_time_part_step(const PsAxis *axis, int64 lo, int64 hi);

/* Whether two steps are the same. */
extern bool ps_time_same_step(const TimeStep *a, const TimeStep *b);

/*
 * The newest child of group g with bounds, and the most common step among
 * the newest ones (irregular when they differ).
 */
extern int	ps_time_newest_child_of(AdviseCtx *ctx, int g, PsAxis axis,
									TimeStep *st, int64 *hi_out,
									bool *unbounded, bool *irregular);

#endif							/* PS_ADVISE_TIME_H */
