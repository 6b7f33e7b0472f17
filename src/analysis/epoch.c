/*-------------------------------------------------------------------------
 *
 * epoch.c
 *	  Integer keys that hold time as seconds (or milli-, micro-,
 *	  nanoseconds) since 1970-01-01 UTC: their unit and conversions,
 *	  shared by the advice (premake, retention), the retention generator
 *	  and maintenance.
 *
 * A unit is a scale: units per second (1 for seconds, 1000 for
 * milliseconds, ...).  A set pg_partman does not manage reads as an epoch
 * set when every finite bound of its children lies between 2000 and 2100
 * read as seconds or as milliseconds, and the most common width among its
 * newest children is a whole number of hours in that unit.  Times are
 * PostgreSQL's (microseconds since 2000-01-01 UTC); a time converts to
 * the last whole unit at or before it, so that "upper bound at or below
 * the cutoff" never takes a partition holding a newer row.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/analysis/epoch.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "pgtime.h"

#include "epoch.h"
#include "timeaxis.h"

/* Children the step is inferred from (as the advice does). */
#define PS_EPOCH_SAMPLE		12

/* Units per second of a unit's name (pg_partman's epoch setting), or 0. */
int64
ps_epoch_scale_of(const char *unit)
{
	if (unit == NULL)
		return 0;
	if (strcmp(unit, "seconds") == 0)
		return 1;
	if (strcmp(unit, "milliseconds") == 0)
		return 1000;
	if (strcmp(unit, "microseconds") == 0)
		return 1000000;
	if (strcmp(unit, "nanoseconds") == 0)
		return INT64CONST(1000000000);
	return 0;
}

/* "seconds", "milliseconds", "microseconds" or "nanoseconds" */
const char *
ps_epoch_unit_name(int64 scale)
{
	return scale == 1 ? "seconds" : scale == 1000 ? "milliseconds" :
		scale == 1000000 ? "microseconds" : "nanoseconds";
}

/* Epoch units to a time (microseconds since 2000-01-01 UTC). */
TimestampTz
ps_epoch_to_ts(int64 v, int64 scale)
{
	int64		usec = scale <= USECS_PER_SEC ?
		v * (USECS_PER_SEC / scale) : v / (scale / USECS_PER_SEC);

	return usec - PS_EPOCH_2000 * USECS_PER_SEC;
}

/* A time to epoch units: the last whole unit at or before it. */
int64
ps_ts_to_epoch(TimestampTz ts, int64 scale)
{
	int64		usec = ts + PS_EPOCH_2000 * USECS_PER_SEC;
	int64		per;

	if (scale > USECS_PER_SEC)
	{
		int64		result;

		if (pg_mul_s64_overflow(usec, scale / USECS_PER_SEC, &result))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range for an epoch in %s",
							ps_epoch_unit_name(scale))));
		return result;
	}
	per = USECS_PER_SEC / scale;
	return usec >= 0 ? usec / per : -((-usec + per - 1) / per);
}

/* Do all the bounds read as times of 2000-2100 in this unit? */
bool
ps_epoch_bounds_fit(const int64 *lo, const int64 *hi, int n, int64 scale)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if (lo[i] < PS_EPOCH_2000 * scale || hi[i] > PS_EPOCH_2100 * scale)
			return false;
	}
	return true;
}

static int
cmp_hi_desc(const void *a, const void *b)
{
	int64		x = ((const int64 *) a)[1];
	int64		y = ((const int64 *) b)[1];

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * The unit n partitions [lo[i], hi[i]) of one integer column read as (see
 * the file header): 1 (seconds), 1000 (milliseconds), or 0 when they do
 * not read as times.
 */
int64
ps_epoch_scale_of_bounds(const int64 *lo, const int64 *hi, int n)
{
	int			i,
				j,
				nsample,
				best_votes = 0;
	int64	   *pairs,
				width = 0,
				scale;

	if (n < 2)
		return 0;
	scale = ps_epoch_bounds_fit(lo, hi, n, 1) ? 1 :
		ps_epoch_bounds_fit(lo, hi, n, 1000) ? 1000 : 0;
	if (scale == 0)
		return 0;

	/* the most common width among the newest PS_EPOCH_SAMPLE (newer wins) */
	pairs = palloc(sizeof(int64) * 2 * n);
	for (i = 0; i < n; i++)
	{
		pairs[2 * i] = lo[i];
		pairs[2 * i + 1] = hi[i];
	}
	qsort(pairs, n, sizeof(int64) * 2, cmp_hi_desc);
	nsample = Min(n, PS_EPOCH_SAMPLE);
	for (i = 0; i < nsample; i++)
	{
		int64		w = pairs[2 * i + 1] - pairs[2 * i];
		int			votes = 0;

		for (j = 0; j < nsample; j++)
			if (pairs[2 * j + 1] - pairs[2 * j] == w)
				votes++;
		if (votes > best_votes)
		{
			best_votes = votes;
			width = w;
		}
	}
	pfree(pairs);
	if (width <= 0 || width % (SECS_PER_HOUR * scale) != 0)
		return 0;
	return scale;
}

/*
 * The same for the root's children of a tree (the DEFAULT, partitions
 * pending detach and unbounded ones left out); 0 unless it is a range over
 * one integer column.  pg_partman's epoch setting, where there is one, is
 * the caller's to prefer.
 */
int64
ps_epoch_scale_of_tree(const PsTree *tree)
{
	const PsKey *key = &tree->keys[0];
	Oid			typid = key->typids[0];
	int			n,
				i,
				nb = 0;
	int		   *children;
	int64	   *lo,
			   *hi;
	PsAxis		axis;

	if (key->strategy != PS_STRATEGY_RANGE || key->nkeys != 1 ||
		(typid != INT2OID && typid != INT4OID && typid != INT8OID))
		return 0;
	memset(&axis, 0, sizeof(axis));
	axis.typid = typid;
	children = ps_children_of(tree, -1, &n);
	lo = palloc(sizeof(int64) * Max(n, 1));
	hi = palloc(sizeof(int64) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		const PsPartition *p = &tree->parts[children[i]];
		bool		linf,
					hinf;

		if (p->is_default || p->detach_pending)
			continue;
		lo[nb] = ps_axis_pos(&axis, &p->range_from[0], &linf);
		hi[nb] = ps_axis_pos(&axis, &p->range_to[0], &hinf);
		if (!linf && !hinf)
			nb++;
	}
	return ps_epoch_scale_of_bounds(lo, hi, nb);
}

/*
 * as_of - keep in epoch units: the calendar arithmetic of timestamptz in
 * UTC (the time zone of the epoch), then the last whole unit at or before.
 * ERRORs with ERRCODE_DATETIME_VALUE_OUT_OF_RANGE when it leaves the range
 * of timestamptz.
 */
int64
ps_epoch_cutoff(TimestampTz as_of, const Interval *keep, int64 scale)
{
	PsAxis		axis;
	PsStep		step;

	memset(&axis, 0, sizeof(axis));
	axis.typid = TIMESTAMPTZOID;
	axis.typlen = sizeof(TimestampTz);
	axis.typbyval = true;
	axis.is_time = true;
	axis.tz = pg_tzset("UTC");
	axis.tzname = "UTC";
	memset(&step, 0, sizeof(step));
	step.months = keep->month;
	step.days = keep->day;
	step.usecs = keep->time;
	return ps_ts_to_epoch(ps_step_add(&axis, &step, as_of, -1), scale);
}
