/*-------------------------------------------------------------------------
 *
 * advise_time.c
 *	  partstrat_advise() along the time axis: premake and merge, and the
 *	  time steps they reason in (retention: advise_retention.c).
 *
 * premake looks at the root of a time-range parent: the newest
 * partition's end against now + partstrat.premake_min intervals.  merge
 * joins runs of adjacent small range leaves; for time keys only within one
 * whole past month (or week, for narrow leaves).
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
#include "partstrat.h"
#include "skew.h"
#include "timeaxis.h"
#include "watch.h"

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
ddl_premake(AdviseCtx *ctx, Advice *a, int count, const char *step)
{
	ps_set_ddl(a, "partstrat_ddl_premake",
			   ps_advice_ddl_premake(ctx->tree->root, count, step));
}

static void
ddl_merge(AdviseCtx *ctx, Advice *a, int *parts, int nparts)
{
	Oid		   *relids = palloc(sizeof(Oid) * Max(nparts, 1));
	int			i;

	/* level 1: the tree at hand serves, no need to build it per merge */
	if (ctx->tree->parts[parts[0]].parent_index == -1)
	{
		ps_set_ddl(a, "partstrat_ddl_merge",
				   ps_advice_ddl_merge_tree(ctx->tree, parts, nparts));
		return;
	}
	for (i = 0; i < nparts; i++)
		relids[i] = ctx->tree->parts[parts[i]].relid;
	ps_set_ddl(a, "partstrat_ddl_merge", ps_advice_ddl_merge(relids, nparts));
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
			while (after_rescue <= def_hi && count < 10000)
			{
				after_rescue = step_add(&st, after_rescue, 1);
				count++;
			}
			count = 0;
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
		/* its script can only be made once the rescue's partitions exist */
		ps_set_part(a, newest);
		ps_json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
		ps_json_key_str(&a->evidence, "newest_ends_after_rescue", usec_text(after_rescue, typid));
		ps_json_key_str(&a->evidence, "now", usec_text(ctx->now, TIMESTAMPTZOID));
		ps_json_key_str(&a->evidence, "interval", st.adjective);
		ps_json_key_int(&a->evidence, "premake_min", ps_premake_min);
		ps_json_key_int(&a->evidence, "partitions_to_create", count);
		ps_json_key_str(&a->evidence, "after", "rescue_default");
		a->reason = psprintf("Once the rescue_default advice has moved the DEFAULT's rows into partitions of their own, the newest partition of %s will end at %s, %.1f %s after now, fewer than partstrat.premake_min (%d): then create %d more %s partitions.",
							 get_rel_name(tree->root), usec_text(after_rescue, typid),
							 (double) (after_rescue - ctx->now) / st.approx_usec,
							 st.noun, ps_premake_min, count, st.adjective);
		/* pg_partman's run_maintenance() follows them itself (advise_partman.c) */
		if (ctx->partman == NULL)
		{
			a->ddl_error = psprintf("runs after the rescue_default advice, whose partitions it follows: once that has run, SELECT partstrat_ddl_premake(%s, %d%s) gives its script",
									quote_literal_cstr(ps_root_qname(tree)), count,
									irregular ? psprintf(", step => %s",
														 quote_literal_cstr(step_arg(&st))) : "");
			ps_json_key_str(&a->evidence, "ddl_error", a->ddl_error);
		}
		a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE on the new, empty tables and, per ATTACH, on the DEFAULT, which it scans",
						   get_rel_name(tree->root));
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
		a->reason = psprintf("The forecast (%d daily snapshots) says the premade partitions of %s run out on %s, %.1f %s after now, within partstrat.forecast_horizon (%.0f days)%s: premake %d keeps it covered, create %d more %s partitions.",
							 fc_daily, get_rel_name(tree->root),
							 usec_text(hi, typid), left, st.noun,
							 ps_forecast_horizon_min / 1440.0,
							 ps_default_of(tree, -1) >= 0 ?
							 "; the DEFAULT partition receives rows from then" : "",
							 fc_premake, count, st.adjective);
	else if (left >= 0)
		a->reason = psprintf("The newest partition of %s, %s, ends at %s, %.1f %s after now, fewer than partstrat.premake_min (%d): create %d more %s partitions.",
							 get_rel_name(tree->root), tree->parts[newest].relname,
							 usec_text(hi, typid), left, st.noun,
							 ps_premake_min, count, st.adjective);
	else
		a->reason = psprintf("The newest partition of %s, %s, ended at %s, %.1f %s before now, so rows of now %s: create %d more %s partitions.",
							 get_rel_name(tree->root), tree->parts[newest].relname,
							 usec_text(hi, typid), -left, st.noun,
							 ps_default_of(tree, -1) >= 0 ? "go to the DEFAULT partition" :
							 "are rejected", count, st.adjective);
	if (irregular)
		ps_json_key_str(&a->evidence, "step", step_arg(&st));
	ddl_premake(ctx, a, count, irregular ? step_arg(&st) : NULL);
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
 * merge
 * ----------------------------------------------------------------
 */

typedef struct MergeRun
{
	int		   *members;
	int			n;
	int64		bytes;
	int64		rows;
} MergeRun;

static void
emit_merge(AdviseCtx *ctx, int g, MergeRun *run, const char *unit,
		   int nleaves)
{
	PsTree	   *tree = ctx->tree;
	PsPartition *first;
	PsPartition *last;
	Advice	   *a;
	int			i;

	if (run->n < 2)
	{
		run->n = 0;
		run->bytes = run->rows = 0;
		return;
	}
	first = &tree->parts[run->members[0]];
	last = &tree->parts[run->members[run->n - 1]];
	a = ps_new_advice(ctx, ADV_MERGE, run->n);
	ps_set_parts(a, run->members, run->n);
	for (i = 0; i < run->n; i++)
		ctx->taken[run->members[i]] = true;
	ps_json_key_int(&a->evidence, "leaves", run->n);
	ps_json_key_int(&a->evidence, "bytes", run->bytes);
	ps_json_key_int(&a->evidence, "rows", run->rows);
	ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
	ps_json_key_int(&a->evidence, "parent_leaves", nleaves);
	ps_json_key_int(&a->evidence, "merge_min_leaves", ps_merge_min_leaves);
	ps_json_key_str(&a->evidence, "from", first->range_from[0].text);
	ps_json_key_str(&a->evidence, "to", last->range_to[0].text);
	if (unit)
		ps_json_key_str(&a->evidence, "unit", unit);
	a->reason = psprintf("%d adjacent leaves from %s to %s hold %s together, each under a quarter of the %s target, and %s has %d leaves: merge them into one%s%s partition",
						 run->n, first->relname, last->relname,
						 ps_size_pretty(run->bytes), ps_size_pretty(ctx->target),
						 ps_part_name(tree, g), nleaves, unit ? " " : "",
						 unit ? unit : "");
	a->reason = ps_finish_reason(ctx, a, a->reason);
	ddl_merge(ctx, a, run->members, run->n);
	a->rows_moved = run->rows;
	a->lock = ps_replace_lock_text(tree, g,
								   psprintf("on the %d leaves while their " INT64_FORMAT " rows are copied",
											run->n, run->rows));
	run->members = palloc(sizeof(int) * Max(nleaves, 1));
	run->n = 0;
	run->bytes = run->rows = 0;
}

/*
 * The calendar unit a merge group lies within: weeks or months for leaves
 * under 28 days wide, quarters for monthly leaves, years for quarterly
 * ones; counted on the advice's axis (local time of a timestamptz key).
 */
typedef enum MergeUnit
{
	MU_NONE = -1,
	MU_WEEK,
	MU_MONTH,
	MU_QUARTER,
	MU_YEAR
} MergeUnit;

static const char *const merge_unit_names[] = {"weekly", "monthly", "quarterly", "yearly"};

#define PS_MONDAY_2000_01_03	date2j(2000, 1, 3)

/* Weeks since 2000-01-03, months, quarters or years since year 0. */
static int
unit_id(const PsAxis *axis, MergeUnit u, int64 usec)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			months;

	ps_axis_local_tm(axis, usec, &tm, &fsec);
	if (u == MU_WEEK)
	{
		int			days = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - PS_MONDAY_2000_01_03;

		return days >= 0 ? days / 7 : -((-days + 6) / 7);
	}
	months = tm.tm_year * 12 + tm.tm_mon - 1;
	return u == MU_MONTH ? months : u == MU_QUARTER ? months / 3 : tm.tm_year;
}

/* Where unit id of kind u ends, on the axis. */
static int64
unit_end(const PsAxis *axis, MergeUnit u, int id)
{
	struct pg_tm tm;
	int			months;

	memset(&tm, 0, sizeof(tm));
	if (u == MU_WEEK)
		j2date(PS_MONDAY_2000_01_03 + (id + 1) * 7, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	else
	{
		months = u == MU_MONTH ? id + 1 : u == MU_QUARTER ? (id + 1) * 3 : (id + 1) * 12;
		tm.tm_year = months / 12;
		tm.tm_mon = months % 12 + 1;
		tm.tm_mday = 1;
	}
	return ps_axis_from_local_tm(axis, &tm, 0);
}

/*
 * The unit of one leaf, or MU_NONE: fine is the unit of narrow leaves in
 * this group (weeks or months).  Only leaves of the group's own step
 * (group_st) are merged: a leaf that is already a merge (a month of a
 * daily set, a quarter of a monthly one) is not merged again into a
 * coarser unit.
 */
static MergeUnit
leaf_unit(const PsAxis *axis, int64 lo, int64 hi, MergeUnit fine,
		  const TimeStep *group_st)
{
	TimeStep	st = part_step(axis, lo, hi);

	if (!st.valid || !same_step(&st, group_st))
		return MU_NONE;
	if (st.step.months == 0)
		return hi - lo < 28 * USECS_PER_DAY ? fine : MU_NONE;
	return st.step.months == 1 ? MU_QUARTER :
		st.step.months == 3 ? MU_YEAR : MU_NONE;
}

/* The axis of a group's key: the advice's for timestamptz, else UTC. */
static PsAxis
group_axis(AdviseCtx *ctx, PsKey *key)
{
	PsAxis		axis = advice_axis(ctx);

	if (key->typids[0] != TIMESTAMPTZOID && axis.typid == TIMESTAMPTZOID)
	{
		/* a date or timestamp key: naive values, no time zone */
		axis.typid = TIMESTAMPOID;
		axis.tz = NULL;
		axis.tzname = "UTC";
	}
	return axis;
}

void
ps_advise_merge(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			g;

	for (g = -1; g < tree->nparts; g++)
	{
		PsKey	   *key;
		int			n,
					i,
					nleaves = 0;
		int		   *children;
		bool		time;
		MergeRun	run;
		int			run_unit = INT_MIN;
		int			prev = -1;
		int			last_rows;
		MergeUnit	fine = MU_MONTH;
		MergeUnit	run_kind = MU_NONE;
		PsAxis		axis;
		TimeStep	group_st;

		memset(&axis, 0, sizeof(axis));
		memset(&group_st, 0, sizeof(group_st));
		if (g >= 0 && tree->parts[g].is_leaf)
			continue;
		key = ps_group_key(tree, g);
		if (key->strategy != PS_STRATEGY_RANGE || key->nkeys != 1)
			continue;
		children = ps_children_of(tree, g, &n);
		for (i = 0; i < n; i++)
			if (tree->parts[children[i]].is_leaf &&
				!tree->parts[children[i]].detach_pending)
				nleaves++;
		if (nleaves < ps_merge_min_leaves)
			continue;
		time = ps_key_is_time(key->typids[0]);

		/*
		 * For time keys, weeks instead of months when the leaves are under a
		 * week wide and a month of them would exceed the target.
		 */
		if (time)
		{
			int64		month_bytes = 0;
			int			cur = INT_MIN;
			bool		narrow = true;
			bool		weekly = false;

			axis = group_axis(ctx, key);
			{
				int64		hi_ignored;
				bool		b1,
							b2;

				(void) newest_child_of(ctx, g, axis, &group_st, &hi_ignored,
									   &b1, &b2);
			}
			for (i = 0; i < n; i++)
			{
				int64		lo,
							hi;
				int			m;

				if (!part_bounds_usec(tree, children[i], &lo, &hi))
					continue;
				if (hi - lo >= 7 * USECS_PER_DAY)
					narrow = false;
				m = unit_id(&axis, MU_MONTH, lo);
				if (m != cur)
					month_bytes = 0;
				cur = m;
				month_bytes += ps_subtree_bytes(ctx, children[i]);
				if (month_bytes > ctx->target)
					weekly = true;
			}
			fine = weekly && narrow ? MU_WEEK : MU_MONTH;
		}

		/* the newest leaf holding rows: it and those after are current */
		last_rows = n;
		for (i = n - 1; i >= 0; i--)
		{
			int			leaf = s->leaf_of[children[i]];

			if (tree->parts[children[i]].is_default)
				continue;
			last_rows = i;
			if (leaf >= 0 && s->leaves[leaf].rows > 0)
				break;
		}

		memset(&run, 0, sizeof(run));
		run.members = palloc(sizeof(int) * Max(nleaves, 1));
		for (i = 0; i < n; i++)
		{
			int			ci = children[i];
			PsPartition *p = &tree->parts[ci];
			int			leaf = s->leaf_of[ci];
			bool		candidate;
			int			unit = 0;
			MergeUnit	kind = MU_NONE;

			CHECK_FOR_INTERRUPTS();
			candidate = p->is_leaf && !p->is_default && !p->is_foreign &&
				leaf >= 0 && !ctx->taken[ci] && s->leaves[leaf].rows >= 0 &&
				s->leaves[leaf].bytes < ctx->target / 4 &&
				!(s->leaves[leaf].flags & PS_FLAG_HOT) &&
				p->range_from[0].kind == PS_RANGE_VALUE &&
				p->range_to[0].kind == PS_RANGE_VALUE;
			if (candidate && time)
			{
				int64		lo,
							hi;

				kind = part_bounds_usec(tree, ci, &lo, &hi) ?
					leaf_unit(&axis, lo, hi, fine, &group_st) : MU_NONE;
				if (kind == MU_NONE)
					candidate = false;
				else
				{
					unit = unit_id(&axis, kind, lo);

					/*
					 * Only leaves wholly inside one calendar unit (a weekly
					 * leaf across a month's end belongs to no month), and
					 * only whole units in the past: never the current
					 * interval, never a premade one.
					 */
					if (unit_end(&axis, kind, unit) > ctx->now || hi > ctx->now ||
						unit_id(&axis, kind, hi - 1) != unit)
						candidate = false;
				}
			}
			else if (candidate && i >= last_rows)
			{
				/* not time: never the newest leaf with rows nor the premade */
				candidate = false;
			}
			if (!candidate ||
				(run.n > 0 && (prev < 0 ||
							   !(tree->parts[prev].range_to[0].kind == PS_RANGE_VALUE &&
								 strcmp(tree->parts[prev].range_to[0].text,
										p->range_from[0].text) == 0))) ||
				(run.n > 0 && time && (unit != run_unit || kind != run_kind)) ||
				(run.n > 0 && run.bytes + s->leaves[leaf >= 0 ? leaf : 0].bytes > ctx->target))
				emit_merge(ctx, g, &run, time && run_kind != MU_NONE ?
						   merge_unit_names[run_kind] : NULL, nleaves);
			prev = ci;
			if (!candidate)
				continue;
			run_unit = unit;
			run_kind = kind;
			run.members[run.n++] = ci;
			run.bytes += s->leaves[leaf].bytes;
			run.rows += Max(s->leaves[leaf].rows, 0);
		}
		emit_merge(ctx, g, &run, time && run_kind != MU_NONE ?
				   merge_unit_names[run_kind] : NULL, nleaves);
	}
}
