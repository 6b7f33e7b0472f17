/*-------------------------------------------------------------------------
 *
 * advise_retention.c
 *	  partstrat_advise(..., retention => ...): the root's partitions wholly
 *	  older than now - retention.
 *
 * On a range of dates or timestamps the cutoff is now - retention (the
 * session's calendar); on an epoch set pg_partman does not manage (an
 * integer key whose bounds read as seconds or milliseconds since 1970,
 * the rule of epoch.c that advise_epoch.c's premake follows) it is computed
 * in the calendar of UTC and read in the set's unit, as
 * partstrat_ddl_retention(..., epoch => unit) computes it.  A child goes
 * when its upper bound is at or below the cutoff, with its whole subtree;
 * while a child of the root is pending detach the retention waits
 * (finalize_detach says so).  pg_partman's epoch sets are read in the
 * unit of its epoch setting, and their DDL is its retention setting
 * (advise_partman.c), as on its other time sets.  On a key that
 * holds no time, one row without DDL says why and what serves instead:
 * not a NOTICE on every call, and not an ERROR that would fail a query
 * advising many tables.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_retention.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "epoch.h"
#include "partstrat.h"
#include "timeaxis.h"

static bool
is_time_range(PsKey *key)
{
	return key->strategy == PS_STRATEGY_RANGE && key->nkeys == 1 &&
		ps_key_is_time(key->typids[0]);
}

/*
 * The retention's script and lock: DETACH ... CONCURRENTLY unless the
 * parent has a DEFAULT (PostgreSQL refuses it then).
 */
static void
retention_ddl_lock(AdviseCtx *ctx, Advice *a, int64 scale)
{
	PsTree	   *tree = ctx->tree;
	bool		concurrently = ps_default_of(tree, -1) < 0;

	ps_set_ddl(a, "partstrat_ddl_retention",
			   ps_advice_ddl_retention(tree->root, ctx->retention,
									   concurrently, ctx->now, scale));
	if (!concurrently)
		a->lock = psprintf("ACCESS EXCLUSIVE on %s from the first DETACH to COMMIT, catalog changes only: milliseconds (DETACH ... CONCURRENTLY is refused while a DEFAULT exists); ACCESS EXCLUSIVE on each detached partition",
						   get_rel_name(tree->root));
	else
		a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s per DETACH PARTITION ... CONCURRENTLY, run outside a transaction block (reads and writes go on); ACCESS EXCLUSIVE on each detached partition",
						   get_rel_name(tree->root));
}

/*
 * Retention asked for on a set whose key holds no time (not a range of
 * dates or timestamps, and an integer whose bounds do not read as an
 * epoch): one row that says so, without DDL, and what serves instead.
 * Not an ERROR: one such set must not fail a query that advises many.
 */
static bool
retention_not_time(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsKey	   *key = &tree->keys[0];
	const char *rel = get_rel_name(tree->root);
	bool		integer = key->strategy == PS_STRATEGY_RANGE && key->nkeys == 1 &&
		(key->typids[0] == INT2OID || key->typids[0] == INT4OID ||
		 key->typids[0] == INT8OID);
	char	   *want = ps_interval_text(ctx->retention->month,
										ctx->retention->day,
										ctx->retention->time);
	Advice	   *a = ps_new_advice(ctx, ADV_RETENTION, 0);

	a->ddl_error = psprintf("retention of %s needs a key that holds time: %s is %s",
							want, rel, key->keydef);
	ps_json_key_str(&a->evidence, "retention", want);
	ps_json_key_str(&a->evidence, "key", key->keydef);
	ps_json_key_str(&a->evidence, "ddl_error", a->ddl_error);
	if (integer)
	{
		ps_json_key_str(&a->evidence, "alternative",
						psprintf("partstrat_ddl_retention(%s, keep_count => N) keeps the N newest partitions holding rows; when %s holds time since 1970-01-01 UTC, partstrat_ddl_retention(%s, keep => %s, epoch => 'seconds' or 'milliseconds')",
								 quote_literal_cstr(ps_root_qname(tree)),
								 quote_identifier(key->colnames[0] ? key->colnames[0] : "the key"),
								 quote_literal_cstr(ps_root_qname(tree)),
								 quote_literal_cstr(want)));
		a->reason = psprintf("Retention of %s cannot apply to %s: it is partitioned by %s, whose bounds do not read as seconds or milliseconds since 1970 (every bound between 2000 and 2100, a step of whole hours); keep a number of partitions instead (evidence.alternative).",
							 want, rel, key->keydef);
	}
	else
	{
		ps_json_key_str(&a->evidence, "alternative",
						"none by age: drop or detach old partitions by hand");
		a->reason = psprintf("Retention of %s cannot apply to %s: it is partitioned by %s, not by a range of dates, timestamps or epoch integers, so no partition has an age.",
							 want, rel, key->keydef);
	}
	return false;
}

/*
 * The upper bound of root child i on the retention's scale: microseconds
 * for a date or timestamp key, the integer itself for an epoch key (scale
 * > 0); false for the DEFAULT and a MAXVALUE bound.  The lower bound does
 * not matter (FROM (MINVALUE) goes when its upper bound is old), as in
 * partstrat_ddl_retention.
 */
static bool
retention_hi(PsTree *tree, int i, int64 scale, int64 *hi)
{
	PsPartition *p = &tree->parts[i];
	PsAxis		axis;
	bool		inf;

	if (p->is_default || p->range_to == NULL)
		return false;
	if (scale == 0)
	{
		if (p->range_to[0].kind == PS_RANGE_MINVALUE)
		{
			*hi = PG_INT64_MIN;
			return true;
		}
		return ps_key_value_usec(&p->range_to[0],
								 tree->keys[p->key_index].typids[0], hi);
	}
	memset(&axis, 0, sizeof(axis));
	axis.typid = tree->keys[p->key_index].typids[0];
	*hi = ps_axis_pos(&axis, &p->range_to[0], &inf);
	return !inf || p->range_to[0].kind == PS_RANGE_MINVALUE;
}

/*
 * The root's children wholly older than cutoff, into old[]; they and their
 * subtrees are taken (nothing else is advised for them).  Returns how many.
 */
static int
old_children(AdviseCtx *ctx, int64 cutoff, int64 scale, int *old,
			 int64 *rows, int64 *bytes)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			n,
				i,
				j,
				nold = 0;
	int		   *children = ps_children_of(tree, -1, &n);

	for (i = 0; i < n; i++)
	{
		int			c = children[i];
		int64		hi;

		if (tree->parts[c].detach_pending ||
			!retention_hi(tree, c, scale, &hi) || hi > cutoff)
			continue;
		old[nold++] = c;
		*rows += s->rows[c] > 0 ? s->rows[c] : 0;
		*bytes += ps_subtree_bytes(ctx, c);
		/* the whole subtree is dropped: nothing else for it */
		ctx->taken[c] = true;
		for (j = c + 1; !tree->parts[c].is_leaf && j < tree->nparts; j++)
		{
			int			up = tree->parts[j].parent_index;

			while (up >= 0 && up != c)
				up = tree->parts[up].parent_index;
			if (up == c)
				ctx->taken[j] = true;
		}
	}
	return nold;
}

/* The cutoff as the reason writes it. */
static char *
cutoff_text(int64 cutoff, int64 scale, Oid typid)
{
	if (scale == 0)
		return ps_advise_time_text(cutoff, typid);
	return psprintf("%s (" INT64_FORMAT ", %s since 1970)",
					ps_datum_to_iso(TimestampTzGetDatum(ps_epoch_to_ts(cutoff, scale)),
									TIMESTAMPTZOID),
					cutoff, ps_epoch_unit_name(scale));
}

/*
 * Retention: the root's children whose upper bound is at or below now -
 * retention, on a range of dates or timestamps, or of integers that read
 * as an epoch (advise_epoch.c's rule, in epoch.c: the cutoff is then
 * computed in the calendar of UTC and read in the set's unit, as
 * partstrat_ddl_retention(..., epoch => unit) computes it).  Returns true
 * when retention advice was given.
 */
bool
ps_advise_retention(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsPartman  *pm = ctx->partman;
	int			n,
				i,
				nold;
	int		   *children;
	int		   *old;
	int64		rows = 0,
				bytes = 0,
				scale = 0,
				cutoff;
	Advice	   *a;
	Oid			typid = tree->keys[0].typids[0];

	if (ctx->retention == NULL)
		return false;
	if (!is_time_range(&tree->keys[0]))
	{
		/*
		 * pg_partman's epoch sets are read in the unit of its epoch setting
		 * (its retention reads the key as time, as this cutoff does; the
		 * DDL is then its setting, made in advise_partman.c); other sets
		 * when their bounds read as an epoch
		 */
		if (pm && pm->time_based && !pm->unreadable)
			scale = ps_epoch_scale_of(pm->epoch);
		else if (pm == NULL)
			scale = ps_epoch_scale_of_tree(tree);
		if (scale == 0)
			return retention_not_time(ctx);
		cutoff = ps_epoch_cutoff(ctx->now, ctx->retention, scale);
	}
	else
		cutoff = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
														 TimestampTzGetDatum(ctx->now),
														 IntervalPGetDatum(ctx->retention)));
	children = ps_children_of(tree, -1, &n);
	old = palloc(sizeof(int) * Max(n, 1));
	nold = old_children(ctx, cutoff, scale, old, &rows, &bytes);
	if (nold == 0)
		return false;
	/* the script's DETACH ... CONCURRENTLY is refused until FINALIZE */
	for (i = 0; i < n; i++)
	{
		if (tree->parts[children[i]].detach_pending)
		{
			ctx->retention_deferred = nold;
			return false;
		}
	}
	a = ps_new_advice(ctx, ADV_RETENTION, nold);
	ps_set_parts(a, old, nold);
	if (scale > 0)
	{
		ps_json_key_str(&a->evidence, "cutoff",
						ps_datum_to_iso(TimestampTzGetDatum(ps_epoch_to_ts(cutoff, scale)),
										TIMESTAMPTZOID));
		ps_json_key_int(&a->evidence, "cutoff_epoch", cutoff);
		ps_json_key_str(&a->evidence, "epoch", ps_epoch_unit_name(scale));
	}
	else
		ps_json_key_str(&a->evidence, "cutoff", ps_advise_time_text(cutoff, typid));
	ps_json_key_int(&a->evidence, "partitions", nold);
	ps_json_key_int(&a->evidence, "rows_dropped", rows);
	ps_json_key_int(&a->evidence, "bytes", bytes);
	a->reason = psprintf("%d partition%s of %s (%s to %s, " INT64_FORMAT " rows, %s) hold only keys before %s, older than the retention of %s: detach them (their rows stay in standalone tables, to archive or drop).",
						 nold, nold > 1 ? "s" : "", get_rel_name(tree->root),
						 tree->parts[old[0]].relname,
						 tree->parts[old[nold - 1]].relname, rows,
						 ps_size_pretty(bytes), cutoff_text(cutoff, scale, typid),
						 ps_interval_text(ctx->retention->month, ctx->retention->day,
										  ctx->retention->time));
	retention_ddl_lock(ctx, a, scale);
	return true;
}
