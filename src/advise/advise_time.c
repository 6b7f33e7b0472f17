/*-------------------------------------------------------------------------
 *
 * advise_time.c
 *	  partstrat_advise() along the time axis: premake and merge, and the
 *	  time steps they reason in (retention: advise_retention.c).
 *
 * premake looks at the root of a time-range parent: the newest
 * partition's end against now + partstrat.premake_min intervals.  The
 * merge, which reasons in the same steps, is in advise_merge.c.
 *
 * Steps are added on the time axis the generators use (timeaxis.c), so
 * that "three months ahead" means the same here as in premake's script.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_time.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "ddl_time.h"
#include "generators.h"
#include "partstrat.h"
#include "skew.h"
#include "timeaxis.h"
#include "advise_time.h"
#include "watch.h"

/* ----------------------------------------------------------------
 * Time layout
 * ----------------------------------------------------------------
 */

/* Whether a key is a range of one date or timestamp column. */
static bool
is_time_range(PsKey *key)
{
	return key->strategy == PS_STRATEGY_RANGE && key->nkeys == 1 &&
		ps_key_is_time(key->typids[0]);
}

static bool
part_bounds_usec(PsTree *tree, int i, int64 *lo, int64 *hi)
{
	PsPartition *p = &tree->parts[i];
	Oid			typid = tree->keys[p->key_index].typids[0];

	if (p->is_default || p->range_from == NULL)
		return false;
	return ps_key_value_usec(&p->range_from[0], typid, lo) &&
		ps_key_value_usec(&p->range_to[0], typid, hi);
}

/*
 * The axis of the advice's positions (microseconds; dates at midnight):
 * for a timestamptz key, in the time zone its bounds were drawn in, found
 * as the generators find it (ddl_timeline.c), so that "monthly" and "three
 * months ahead" mean here what they mean in premake's script; UTC
 * otherwise.
 */
static PsAxis
advice_axis(AdviseCtx *ctx)
{
	PsAxis		axis;
	PsTimeline *tl;

	memset(&axis, 0, sizeof(axis));
	axis.typid = TIMESTAMPOID;
	axis.typlen = sizeof(Timestamp);
	axis.typbyval = true;
	axis.is_time = true;
	axis.tzname = "UTC";
	if (ctx->tree->keys[0].typids[0] == TIMESTAMPTZOID &&
		(tl = ps_timeline_of_tree(ctx->tree)) != NULL)
		axis = tl->axis;
	return axis;
}

/* t + n steps, as the generators add them (timestamptz + interval) */
static Timestamp
step_add(const TimeStep *st, Timestamp t, int n)
{
	return ps_step_add(&st->axis, &st->step, t, n);
}

/* The width of one partition: calendar months when aligned to them. */
static TimeStep
part_step(const PsAxis *axis, int64 lo, int64 hi)
{
	TimeStep	st;
	struct pg_tm a,
				b;
	fsec_t		fa,
				fb;

	memset(&st, 0, sizeof(st));
	if (hi <= lo)
		return st;
	st.valid = true;
	st.axis = *axis;
	ps_axis_local_tm(axis, lo, &a, &fa);
	ps_axis_local_tm(axis, hi, &b, &fb);
	if (a.tm_mday == 1 && b.tm_mday == 1 && a.tm_hour == 0 && b.tm_hour == 0 &&
		a.tm_min == 0 && b.tm_min == 0 && a.tm_sec == 0 && b.tm_sec == 0 &&
		fa == 0 && fb == 0)
	{
		int			months = (b.tm_year - a.tm_year) * 12 + (b.tm_mon - a.tm_mon);

		st.step.months = months;
		st.approx_usec = (int64) (months * 30.436875 * USECS_PER_DAY);
		st.adjective = months == 1 ? "monthly" : months == 3 ?
			"quarterly" : months == 12 ? "yearly" :
			psprintf("%d-month", months);
		st.noun = months == 1 ? "months" : months == 3 ?
			"quarters" : months == 12 ? "years" :
			psprintf("intervals of %d months", months);
		return st;
	}
	st.step.usecs = hi - lo;
	st.approx_usec = hi - lo;
	st.adjective = st.approx_usec == USECS_PER_DAY ? "daily" :
		st.approx_usec == 7 * USECS_PER_DAY ? "weekly" :
		st.approx_usec == USECS_PER_HOUR ? "hourly" :
		psprintf("%.4g-day", (double) st.approx_usec / USECS_PER_DAY);
	st.noun = st.approx_usec == USECS_PER_DAY ? "days" :
		st.approx_usec == 7 * USECS_PER_DAY ? "weeks" :
		st.approx_usec == USECS_PER_HOUR ? "hours" :
		psprintf("intervals of %.4g days", (double) st.approx_usec / USECS_PER_DAY);
	return st;
}

static char *
usec_text(int64 usec, Oid typid)
{
	if (typid == DATEOID)
		return ps_datum_to_iso(DateADTGetDatum((DateADT) (usec / USECS_PER_DAY)),
							   DATEOID);
	return ps_datum_to_iso(TimestampGetDatum(usec), typid);
}

/* The same, for the retention advice (advise_retention.c). */
char *
ps_advise_time_text(int64 usec, Oid typid)
{
	return usec_text(usec, typid);
}

static void
ddl_premake(AdviseCtx *ctx, Advice *a, int count, const char *step,
			bool leave_default_rows)
{
	ps_set_ddl(a, "partstrat_ddl_premake",
			   ps_advice_ddl_premake(ctx->tree->root, count, step,
									 leave_default_rows));
}

/* ----------------------------------------------------------------
 * premake and retention (time-range root)
 * ----------------------------------------------------------------
 */

/* Recent children the step of a set is inferred from. */
#define PS_STEP_SAMPLE	12

static bool
same_step(const TimeStep *a, const TimeStep *b)
{
	return a->valid && b->valid && a->step.months == b->step.months &&
		(a->step.months != 0 || a->step.usecs == b->step.usecs);
}

/*
 * The step of the set as a premake script's step argument: whole months
 * or days ("1 month", "7 days": a date key takes nothing else), else the
 * fixed duration.
 */
static char *
step_arg(const TimeStep *st)
{
	if (st->step.months != 0)
		return psprintf("%d months", st->step.months);
	if (st->step.usecs % USECS_PER_DAY == 0)
		return psprintf(INT64_FORMAT " days", st->step.usecs / USECS_PER_DAY);
	return ps_interval_text(0, 0, st->step.usecs);
}

/*
 * The newest bounded child of the root, and the step of the set: the most
 * common width among its newest PS_STEP_SAMPLE children (the newer on a
 * tie), so that one split or merged child, even the newest, does not make
 * the set look irregular.  *irregular: some child in the sample has
 * another width (the premake script must then be given the step).
 */
static int
newest_child_of(AdviseCtx *ctx, int g, PsAxis axis, TimeStep *st,
				int64 *hi_out, bool *unbounded, bool *irregular)
{
	PsTree	   *tree = ctx->tree;
	int			n,
				i,
				j,
				best = -1;
	int		   *children = ps_children_of(tree, g, &n);
	int64		best_hi = 0;
	TimeStep	steps[PS_STEP_SAMPLE];
	int64		his[PS_STEP_SAMPLE];
	int			nsample = 0;
	int			best_votes = 0;

	*unbounded = false;
	*irregular = false;
	for (i = 0; i < n; i++)
	{
		PsPartition *p = &tree->parts[children[i]];
		int64		lo,
					hi;

		if (p->is_default || p->detach_pending)
			continue;
		if (p->range_to && p->range_to[0].kind == PS_RANGE_MAXVALUE)
			*unbounded = true;
		if (!part_bounds_usec(tree, children[i], &lo, &hi))
			continue;
		if (best < 0 || hi > best_hi)
		{
			best = children[i];
			best_hi = hi;
		}
		/* keep the PS_STEP_SAMPLE newest, ordered newest first */
		if (nsample == PS_STEP_SAMPLE && his[PS_STEP_SAMPLE - 1] >= hi)
			continue;
		for (j = Min(nsample, PS_STEP_SAMPLE - 1); j > 0 && his[j - 1] < hi; j--)
		{
			his[j] = his[j - 1];
			steps[j] = steps[j - 1];
		}
		his[j] = hi;
		steps[j] = part_step(&axis, lo, hi);
		nsample = Min(nsample + 1, PS_STEP_SAMPLE);
	}
	for (i = 0; i < nsample; i++)
	{
		int			votes = 0;

		for (j = 0; j < nsample; j++)
			if (same_step(&steps[i], &steps[j]))
				votes++;
		if (votes > best_votes)
		{
			best_votes = votes;
			*st = steps[i];
		}
	}
	*irregular = best_votes < nsample;
	*hi_out = best_hi;
	return best;
}

/* The same for the root, on the advice's axis. */
static int
newest_child(AdviseCtx *ctx, TimeStep *st, int64 *hi_out, bool *unbounded,
			 bool *irregular)
{
	return newest_child_of(ctx, -1, advice_axis(ctx), st, hi_out, unbounded,
						   irregular);
}

/* The newest key of the DEFAULT d from its statistics, as usec. */
static bool
default_max_usec(AdviseCtx *ctx, int d, Oid typid, int64 *usec)
{
	PsKeyStats *ks = ps_skew_keystats(ctx->skew, ctx->skew->leaf_of[d]);
	Oid			typinput;
	Oid			typioparam;
	Datum		v;

	if (!ks->found || ks->hi_text == NULL)
		return false;
	getTypeInputInfo(typid, &typinput, &typioparam);
	v = OidInputFunctionCall(typinput, ks->hi_text, typioparam, -1);
	if (typid == DATEOID)
	{
		DateADT		dd = DatumGetDateADT(v);

		if (DATE_NOT_FINITE(dd))
			return false;
		*usec = (int64) dd * USECS_PER_DAY;
		return true;
	}
	*usec = DatumGetTimestamp(v);
	return !TIMESTAMP_NOT_FINITE(*usec);
}

/*
 * The premake beside a rescue_default: the rescue's partitions will end at
 * after_rescue; count more are due after them.  The script covers the
 * rescued steps too but leaves out the ranges holding the DEFAULT's rows
 * (the rescue creates those with their rows), so that both scripts of the
 * one pass run, in either order.  pg_partman's run_maintenance() follows
 * the rescue's children itself (advise_partman.c).
 */
static void
premake_after_rescue(AdviseCtx *ctx, Advice *a, int newest,
					 const TimeStep *st, Timestamp after_rescue, int rescued,
					 int count, bool irregular)
{
	PsTree	   *tree = ctx->tree;
	Oid			typid = tree->keys[0].typids[0];

	ps_set_part(a, newest);
	ps_json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
	ps_json_key_str(&a->evidence, "newest_ends_after_rescue", usec_text(after_rescue, typid));
	ps_json_key_str(&a->evidence, "now", usec_text(ctx->now, TIMESTAMPTZOID));
	ps_json_key_str(&a->evidence, "interval", st->adjective);
	ps_json_key_int(&a->evidence, "premake_min", ps_premake_min);
	ps_json_key_int(&a->evidence, "partitions_to_create", count);
	ps_json_key_str(&a->evidence, "after", "rescue_default");
	a->reason = psprintf("Once the rescue_default advice has moved the DEFAULT's rows into partitions of their own, the newest partition of %s will end at %s, %.1f %s after now, fewer than partstrat.premake_min (%d): create %d more %s partition%s after it (the script leaves the ranges holding the DEFAULT's rows to the rescue, and runs before or after it).",
						 get_rel_name(tree->root), usec_text(after_rescue, typid),
						 (double) (after_rescue - ctx->now) / st->approx_usec,
						 st->noun, ps_premake_min, count, st->adjective,
						 count == 1 ? "" : "s");
	a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE on the new, empty tables and, per ATTACH, on the DEFAULT, which it scans",
					   get_rel_name(tree->root));
	if (ctx->partman != NULL)
		return;
	if (irregular)
		ps_json_key_str(&a->evidence, "step", step_arg(st));
	ddl_premake(ctx, a, Min(rescued + count, PS_PREMAKE_MAX),
				irregular ? step_arg(st) : NULL, true);
}

void
ps_advise_premake(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	TimeStep	st = {0};
	int64		hi;
	bool		unbounded;
	int			newest;
	Timestamp	want;
	Timestamp	live_from;
	int			count = 0;
	int			rescued = 0;	/* steps the rescue's partitions may take */
	int			fc_premake = 0;
	int			fc_daily = 0;
	double		left;
	Timestamp	t;
	Timestamp	after_rescue;
	Advice	   *a;
	Oid			typid = tree->keys[0].typids[0];
	bool		irregular;

	if (!is_time_range(&tree->keys[0]))
	{
		/* an integer key holding epoch seconds (advise_epoch.c) */
		ps_advise_premake_epoch(ctx);
		return;
	}
	newest = newest_child(ctx, &st, &hi, &unbounded, &irregular);
	if (newest < 0 || unbounded || !st.valid)
		return;
	want = step_add(&st, ctx->now, ps_premake_min);
	live_from = step_add(&st, ctx->now, -ps_premake_min);
	/* the growth forecast's premake, before the gap opens (advise_forecast.c) */
	{
		int64		lo,
					nhi;

		if (part_bounds_usec(tree, newest, &lo, &nhi))
			fc_premake = ps_forecast_premake(ctx, lo, nhi, &fc_daily);
		if (fc_premake > 0 && step_add(&st, ctx->now, fc_premake) > want)
			want = step_add(&st, ctx->now, fc_premake);
		else
			fc_premake = 0;
	}

	/*
	 * A DEFAULT whose rows the rescue_default advice moves out: once it has
	 * run, the partitions end after the DEFAULT's newest key.  Premake is
	 * judged from there, in the same pass, and runs after the rescue.
	 */
	after_rescue = hi;
	{
		int			d = ps_default_of(tree, -1);
		int64		def_hi;

		if (d >= 0 && ctx->taken[d] && ctx->skew->leaf_of[d] >= 0 &&
			default_max_usec(ctx, d, typid, &def_hi))
		{
			while (after_rescue <= def_hi && rescued < 10000)
			{
				after_rescue = step_add(&st, after_rescue, 1);
				rescued++;
			}
		}
	}
	if (ctx->partman != NULL && after_rescue >= ctx->now)
	{
		/*
		 * pg_partman counts its premake from the interval that holds now
		 * (or, with infinite_time_partitions off, its newest row): ahead
		 * enough when premake_min intervals follow the current one's start,
		 * else its own premake, once raised, would never satisfy the advice.
		 */
		Timestamp	cur = after_rescue;
		int			k;

		for (k = 0; cur > ctx->now && k < 10000; k++)
			cur = step_add(&st, cur, -1);
		want = step_add(&st, cur, ps_premake_min);
	}
	if (after_rescue < live_from)
		return;					/* an archive */
	if (after_rescue >= want)
	{
		/* enough ahead; on a pg_partman set, its setting must keep it so */
		if (ctx->partman != NULL && !ctx->partman->unreadable &&
			ctx->partman->premake < ps_premake_min)
		{
			a = ps_new_advice(ctx, ADV_PREMAKE, 1);
			ps_set_part(a, newest);
			ps_json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
			ps_json_key_str(&a->evidence, "newest_ends", usec_text(after_rescue, typid));
			ps_json_key_str(&a->evidence, "now", usec_text(ctx->now, TIMESTAMPTZOID));
			ps_json_key_str(&a->evidence, "interval", st.adjective);
			ps_json_key_int(&a->evidence, "premake_min", ps_premake_min);
			ps_partman_premake_reason(ctx, a, tree->parts[newest].relname,
									  usec_text(after_rescue, typid), st.noun);
		}
		return;
	}
	for (t = after_rescue; t < want && count < 10000; t = step_add(&st, t, 1))
		count++;
	left = (double) (hi - ctx->now) / st.approx_usec;
	a = ps_new_advice(ctx, ADV_PREMAKE, count);
	if (after_rescue > hi)
	{
		premake_after_rescue(ctx, a, newest, &st, after_rescue, rescued,
							 count, irregular);
		return;
	}
	ps_set_part(a, newest);
	ps_json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
	ps_json_key_str(&a->evidence, "newest_ends", usec_text(hi, typid));
	ps_json_key_str(&a->evidence, "now", usec_text(ctx->now, TIMESTAMPTZOID));
	ps_json_key_num(&a->evidence, "intervals_left", left, 2);
	ps_json_key_str(&a->evidence, "interval", st.adjective);
	ps_json_key_int(&a->evidence, "premake_min", ps_premake_min);
	ps_json_key_int(&a->evidence, "partitions_to_create", count);
	if (fc_premake > 0)
	{
		ps_json_key_int(&a->evidence, "forecast_premake", fc_premake);
		ps_json_key_num(&a->evidence, "forecast_horizon_days",
						ps_forecast_horizon_min / 1440.0, 1);
		ps_json_key_int(&a->evidence, "daily_snapshots", fc_daily);
	}
	if (fc_premake > 0)
		a->reason = psprintf("The forecast (%d daily snapshots) says the premade partitions of %s run out on %s, %.1f %s after now, within partstrat.forecast_horizon (%.0f days)%s: premake %d keeps it covered, create %d more %s partition%s.",
							 fc_daily, get_rel_name(tree->root),
							 usec_text(hi, typid), left, st.noun,
							 ps_forecast_horizon_min / 1440.0,
							 ps_default_of(tree, -1) >= 0 ?
							 "; the DEFAULT partition receives rows from then" : "",
							 fc_premake, count, st.adjective,
							 count == 1 ? "" : "s");
	else if (left >= 0)
		a->reason = psprintf("The newest partition of %s, %s, ends at %s, %.1f %s after now, fewer than partstrat.premake_min (%d): create %d more %s partition%s.",
							 get_rel_name(tree->root), tree->parts[newest].relname,
							 usec_text(hi, typid), left, st.noun,
							 ps_premake_min, count, st.adjective,
							 count == 1 ? "" : "s");
	else
		a->reason = psprintf("The newest partition of %s, %s, ended at %s, %.1f %s before now, so rows of now %s: create %d more %s partition%s.",
							 get_rel_name(tree->root), tree->parts[newest].relname,
							 usec_text(hi, typid), -left, st.noun,
							 ps_default_of(tree, -1) >= 0 ? "go to the DEFAULT partition" :
							 "are rejected", count, st.adjective,
							 count == 1 ? "" : "s");
	if (irregular)
		ps_json_key_str(&a->evidence, "step", step_arg(&st));
	ddl_premake(ctx, a, count, irregular ? step_arg(&st) : NULL, false);
	{
		int			d = ps_default_of(tree, -1);

		if (d >= 0)
			a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE on %s from the first ATTACH to COMMIT, which scans it",
							   get_rel_name(tree->root), tree->parts[d].relname);
		else
			a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE only on the new, empty tables",
							   get_rel_name(tree->root));
	}
}

/* ----------------------------------------------------------------
 * The time steps, for the merge (advise_merge.c)
 * ----------------------------------------------------------------
 */

bool
ps_time_part_bounds_usec(PsTree *tree, int i, int64 *lo, int64 *hi)
{
	return part_bounds_usec(tree, i, lo, hi);
}

PsAxis
ps_time_advice_axis(AdviseCtx *ctx)
{
	return advice_axis(ctx);
}

TimeStep
ps_time_part_step(const PsAxis *axis, int64 lo, int64 hi)
{
	return part_step(axis, lo, hi);
}

bool
ps_time_same_step(const TimeStep *a, const TimeStep *b)
{
	return same_step(a, b);
}

int
ps_time_newest_child_of(AdviseCtx *ctx, int g, PsAxis axis, TimeStep *st,
						int64 *hi_out, bool *unbounded, bool *irregular)
{
	return newest_child_of(ctx, g, axis, st, hi_out, unbounded, irregular);
}
