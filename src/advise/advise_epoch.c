/*-------------------------------------------------------------------------
 *
 * advise_epoch.c
 *	  partstrat_advise()'s premake for epoch sets: a range of an integer
 *	  key that holds time as seconds (or milli-, micro-, nanoseconds) since
 *	  1970-01-01 UTC.
 *
 * A set is an epoch set when pg_partman manages it with an epoch setting
 * (part_config.epoch: the unit is pg_partman's), or, for a set pg_partman
 * does not manage, when every finite bound lies between 2000 and 2100 read
 * as seconds or as milliseconds and its step is a whole number of hours in
 * that unit.  Its step is the most common width among its newest
 * partitions (a split or merged partition does not change it), "now" is
 * partstrat.reference_time (or now()) in the same unit, and premake is
 * advised when the newest partition ends fewer than partstrat.premake_min
 * steps after now.  On a pg_partman set the DDL becomes pg_partman's
 * premake setting and run_maintenance() (advise_partman.c), which names
 * and bounds the children as pg_partman does; on another set it is
 * partstrat_ddl_premake() with the set's integer step.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_epoch.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "epoch.h"
#include "generators.h"
#include "partstrat.h"
#include "skew.h"

/* Recent children the step is inferred from (as advise_time.c does). */
#define PS_EPOCH_SAMPLE		12

/* A bound of an integer key, or false for MINVALUE/MAXVALUE. */
static bool
int_bound(const PsValue *v, Oid typid, int64 *out)
{
	if (v == NULL || v->kind != PS_RANGE_VALUE)
		return false;
	switch (typid)
	{
		case INT2OID:
			*out = DatumGetInt16(v->value);
			return true;
		case INT4OID:
			*out = DatumGetInt32(v->value);
			return true;
		case INT8OID:
			*out = DatumGetInt64(v->value);
			return true;
		default:
			return false;
	}
}

static int
cmp_desc(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static char *
ts_text(TimestampTz ts)
{
	return ps_datum_to_iso(TimestampTzGetDatum(ts), TIMESTAMPTZOID);
}

/* "daily", "hourly", "weekly", else "6-hour" */
static char *
width_words(int64 width, int64 scale, const char **noun)
{
	int64		secs = width / scale;

	if (secs == SECS_PER_DAY)
		return (*noun = "days", "daily");
	if (secs == SECS_PER_HOUR)
		return (*noun = "hours", "hourly");
	if (secs == 7 * SECS_PER_DAY)
		return (*noun = "weeks", "weekly");
	*noun = "intervals";
	if (secs % SECS_PER_DAY == 0)
		return psprintf(INT64_FORMAT "-day", secs / SECS_PER_DAY);
	return psprintf(INT64_FORMAT "-hour", secs / SECS_PER_HOUR);
}

/* The newest key of the DEFAULT d (its statistics), or false. */
static bool
default_max(AdviseCtx *ctx, int d, int64 *out)
{
	PsKeyStats *ks;
	char	   *end;

	if (d < 0 || !ctx->taken[d] || ctx->skew->leaf_of[d] < 0)
		return false;
	ks = ps_skew_keystats(ctx->skew, ctx->skew->leaf_of[d]);
	if (!ks->found || ks->hi_text == NULL)
		return false;
	*out = strtoll(ks->hi_text, &end, 10);
	return *end == '\0';
}

/*
 * Premake of an epoch set (see the file header); does nothing for another
 * set.
 */
void
ps_advise_premake_epoch(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsKey	   *key = &tree->keys[0];
	Oid			typid = key->typids[0];
	PsPartman  *pm = ctx->partman;
	int			n,
				i,
				j,
				nb = 0,
				newest = -1,
				best_votes = 0,
				nsample = 0,
				count;
	int		   *children;
	int64	   *lo,
			   *hi,
			   *his,
				cut,
				scale,
				width = 0,
				top = 0,
				after,
				now_e,
				want,
				def_hi;
	bool		irregular;
	const char *noun;
	char	   *adjective;
	Advice	   *a;

	if (key->strategy != PS_STRATEGY_RANGE || key->nkeys != 1 ||
		(typid != INT2OID && typid != INT4OID && typid != INT8OID))
		return;
	children = ps_children_of(tree, -1, &n);
	lo = palloc(sizeof(int64) * Max(n, 1));
	hi = palloc(sizeof(int64) * Max(n, 1));
	his = palloc(sizeof(int64) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		PsPartition *p = &tree->parts[children[i]];

		if (p->is_default || p->detach_pending)
			continue;
		if (p->range_to && p->range_to[0].kind == PS_RANGE_MAXVALUE)
			return;				/* nothing to premake after MAXVALUE */
		if (!int_bound(&p->range_from[0], typid, &lo[nb]) ||
			!int_bound(&p->range_to[0], typid, &hi[nb]))
			continue;
		if (newest < 0 || hi[nb] > top)
		{
			newest = children[i];
			top = hi[nb];
		}
		nb++;
	}
	if (newest < 0)
		return;

	/* the unit: pg_partman's setting, else what the bounds read as */
	if (pm != NULL && !pm->unreadable)
		scale = ps_epoch_scale_of(pm->epoch);
	else if (pm == NULL && nb >= 2 && ps_epoch_bounds_fit(lo, hi, nb, 1))
		scale = 1;
	else if (pm == NULL && nb >= 2 && ps_epoch_bounds_fit(lo, hi, nb, 1000))
		scale = 1000;
	else
		scale = 0;
	if (scale == 0)
		return;

	/* the most common width among the newest PS_EPOCH_SAMPLE partitions */
	for (i = 0; i < nb; i++)
		his[i] = hi[i];
	qsort(his, nb, sizeof(int64), cmp_desc);
	cut = his[Min(nb, PS_EPOCH_SAMPLE) - 1];	/* the sample ends at or after */
	for (i = 0; i < nb; i++)
	{
		int			votes = 0;

		if (hi[i] < cut)
			continue;
		for (j = 0; j < nb; j++)
			if (hi[j] >= cut && hi[j] - lo[j] == hi[i] - lo[i])
				votes++;
		if (votes > best_votes || (votes == best_votes && hi[i] == top))
		{
			best_votes = votes;
			width = hi[i] - lo[i];
		}
		nsample++;
	}
	irregular = best_votes < nsample;
	/* not pg_partman's: the step must be whole hours to read as time */
	if (width <= 0 || (pm == NULL && width % (SECS_PER_HOUR * scale) != 0))
		return;

	now_e = ps_ts_to_epoch(ctx->now, scale);
	want = now_e + ps_premake_min * width;
	if (pm != NULL)
	{
		/*
		 * pg_partman counts its premake from the interval that holds now
		 * (or, with infinite_time_partitions off, its newest row): ahead
		 * enough when premake_min intervals follow the current one's start.
		 */
		int64		d = now_e - top;
		int64		k = d >= 0 ? d / width : -((-d + width - 1) / width);

		want = top + k * width + ps_premake_min * width;
	}
	after = top;
	/* the DEFAULT's rows the rescue moves out land in partitions first */
	if (default_max(ctx, ps_default_of(tree, -1), &def_hi))
		while (after <= def_hi && after < PG_INT64_MAX - width)
			after += width;
	if (after < now_e - ps_premake_min * width)
		return;					/* an archive */
	adjective = width_words(width, scale, &noun);
	if (after >= want)
	{
		/* enough ahead; on a pg_partman set, its setting must keep it so */
		if (pm != NULL && !pm->unreadable && pm->premake < ps_premake_min)
		{
			a = ps_new_advice(ctx, ADV_PREMAKE, 1);
			ps_set_part(a, newest);
			ps_json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
			ps_json_key_str(&a->evidence, "newest_ends", ts_text(ps_epoch_to_ts(after, scale)));
			ps_json_key_str(&a->evidence, "epoch", ps_epoch_unit_name(scale));
			ps_json_key_int(&a->evidence, "step", width);
			ps_json_key_int(&a->evidence, "premake_min", ps_premake_min);
			ps_partman_premake_reason(ctx, a, tree->parts[newest].relname,
									  ts_text(ps_epoch_to_ts(after, scale)), noun);
		}
		return;
	}
	count = (int) ((want - after + width - 1) / width);

	a = ps_new_advice(ctx, ADV_PREMAKE, count);
	ps_set_part(a, newest);
	ps_json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
	ps_json_key_int(&a->evidence, "newest_ends_epoch", after);
	ps_json_key_str(&a->evidence, "newest_ends", ts_text(ps_epoch_to_ts(after, scale)));
	ps_json_key_str(&a->evidence, "now", ts_text(ctx->now));
	ps_json_key_str(&a->evidence, "epoch", ps_epoch_unit_name(scale));
	ps_json_key_int(&a->evidence, "step", width);
	ps_json_key_str(&a->evidence, "interval", adjective);
	ps_json_key_int(&a->evidence, "premake_min", ps_premake_min);
	ps_json_key_int(&a->evidence, "partitions_to_create", count);
	a->reason = psprintf("%s is partitioned by %s, an epoch in %s%s: its newest partition%s, %s, ends at %s (" INT64_FORMAT "), %.1f %s after now, fewer than partstrat.premake_min (%d): create %d more %s partition%s of " INT64_FORMAT ".",
						 get_rel_name(tree->root),
						 quote_identifier(get_attname(tree->root, key->attnums[0], false)),
						 ps_epoch_unit_name(scale),
						 pm ? " (pg_partman's epoch setting)" : " (its bounds read as times)",
						 after > top ? ", once the rescue_default advice has moved the DEFAULT's rows," : "",
						 tree->parts[newest].relname,
						 ts_text(ps_epoch_to_ts(after, scale)), after,
						 (double) (after - now_e) / width, noun,
						 ps_premake_min, count, adjective, count == 1 ? "" : "s", width);
	a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE on the new, empty tables%s",
					   get_rel_name(tree->root),
					   ps_default_of(tree, -1) >= 0 ? " and, per ATTACH, on the DEFAULT, which it scans" : "");
	/* pg_partman's sets: its own premake (advise_partman.c) */
	if (pm != NULL)
		return;
	/*
	 * Beside a rescue_default: the script covers the rescued steps too but
	 * leaves the ranges holding the DEFAULT's rows to the rescue, so that
	 * both run, in either order.
	 */
	if (after > top)
		count = (int) Min((after - top) / width + count, PS_PREMAKE_MAX);
	ps_set_ddl(a, "partstrat_ddl_premake",
			   ps_advice_ddl_premake(tree->root, count,
									 irregular ? psprintf(INT64_FORMAT, width) : NULL,
									 after > top));
}

/*
 * ps_epoch_scale -- units per second of the root's key when it holds epoch
 * time: pg_partman's epoch setting on its sets, else the rule every epoch
 * reader shares (ps_epoch_scale_of_tree), else 0.  The merge groups such a
 * set by calendar unit (advise_merge.c).
 */
int64
ps_epoch_scale(AdviseCtx *ctx)
{
	PsPartman  *pm = ctx->partman;
	PsKey	   *key = &ctx->tree->keys[0];
	Oid			typid = key->typids[0];

	if (key->strategy != PS_STRATEGY_RANGE || key->nkeys != 1 ||
		(typid != INT2OID && typid != INT4OID && typid != INT8OID))
		return 0;
	if (pm != NULL)
		return pm->unreadable ? 0 : ps_epoch_scale_of(pm->epoch);
	return ps_epoch_scale_of_tree(ctx->tree);
}

/*
 * ps_epoch_bounds_usec -- a partition's bounds of an epoch key (scale
 * units per second) as microseconds since 2000-01-01 UTC, or false.
 */
bool
ps_epoch_bounds_usec(AdviseCtx *ctx, int part, int64 scale, int64 *lo,
					 int64 *hi)
{
	PsPartition *p = &ctx->tree->parts[part];
	Oid			typid = ctx->tree->keys[p->key_index].typids[0];
	int64		a,
				b;

	if (p->is_default || p->range_from == NULL || scale <= 0 ||
		!int_bound(&p->range_from[0], typid, &a) ||
		!int_bound(&p->range_to[0], typid, &b))
		return false;
	*lo = ps_epoch_to_ts(a, scale);
	*hi = ps_epoch_to_ts(b, scale);
	return true;
}
