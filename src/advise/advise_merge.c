/*-------------------------------------------------------------------------
 *
 * advise_merge.c
 *	  partstrat_advise()'s merge: runs of adjacent small range leaves.
 *
 * For time keys (and epoch sets, their bounds read as time) a group lies
 * within one whole past calendar unit: a month (or an ISO week, for narrow
 * leaves a month of which exceeds the target), a quarter for monthly
 * leaves, a year for quarterly ones; never the current unit, never a
 * premade partition.  For other keys, never the newest leaf holding rows
 * nor the premade ones after it.  The steps are advise_time.c's.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_merge.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "advise_time.h"
#include "partstrat.h"
#include "skew.h"
#include "timeaxis.h"

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
	TimeStep	st = ps_time_part_step(axis, lo, hi);

	if (!st.valid || !ps_time_same_step(&st, group_st))
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
	PsAxis		axis = ps_time_advice_axis(ctx);

	if (key->typids[0] != TIMESTAMPTZOID && axis.typid == TIMESTAMPTZOID)
	{
		/* a date or timestamp key: naive values, no time zone */
		axis.typid = TIMESTAMPOID;
		axis.tz = NULL;
		axis.tzname = "UTC";
	}
	return axis;
}

/* A leaf's bounds on the merge's axis: epoch units read as time (scale). */
static bool
merge_bounds(AdviseCtx *ctx, int part, int64 scale, int64 *lo, int64 *hi)
{
	if (scale > 0)
		return ps_epoch_bounds_usec(ctx, part, scale, lo, hi);
	return ps_time_part_bounds_usec(ctx->tree, part, lo, hi);
}

/*
 * The step of a group's leaves: the most common one among the newest
 * (newest_child_of), or for an epoch key among all its leaves, read as time.
 */
static TimeStep
group_step(AdviseCtx *ctx, int g, const PsAxis *axis, int64 scale)
{
	TimeStep	st;
	int64		hi_ignored;
	bool		b1,
				b2;
	int			n,
				i,
				j,
				best_votes = 0;
	int		   *children;
	TimeStep   *steps;

	memset(&st, 0, sizeof(st));
	if (scale <= 0)
	{
		(void) ps_time_newest_child_of(ctx, g, *axis, &st, &hi_ignored,
									   &b1, &b2);
		return st;
	}
	children = ps_children_of(ctx->tree, g, &n);
	steps = palloc0(sizeof(TimeStep) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		int64		lo,
					hi;

		if (merge_bounds(ctx, children[i], scale, &lo, &hi))
			steps[i] = ps_time_part_step(axis, lo, hi);
	}
	for (i = 0; i < n; i++)
	{
		int			votes = 0;

		if (!steps[i].valid)
			continue;
		for (j = 0; j < n; j++)
			if (steps[j].valid && ps_time_same_step(&steps[i], &steps[j]))
				votes++;
		if (votes > best_votes)
		{
			best_votes = votes;
			st = steps[i];
		}
	}
	return st;
}

void
ps_advise_merge(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			g;
	/* an integer key holding epoch time: grouped by calendar unit too */
	int64		root_scale = ps_epoch_scale(ctx);

	for (g = -1; g < tree->nparts; g++)
	{
		int64		scale = g < 0 ? root_scale : 0;
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
		time = ps_key_is_time(key->typids[0]) || scale > 0;

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
			group_st = group_step(ctx, g, &axis, scale);
			for (i = 0; i < n; i++)
			{
				int64		lo,
							hi;
				int			m;

				if (!merge_bounds(ctx, children[i], scale, &lo, &hi))
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

				kind = merge_bounds(ctx, ci, scale, &lo, &hi) ?
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
