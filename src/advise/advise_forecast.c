/*-------------------------------------------------------------------------
 *
 * advise_forecast.c
 *	  Advice from the growth forecast: a split of a time-range leaf that is
 *	  not yet too large but, at the rate its snapshots show, will hold more
 *	  than twice partstrat.target_bytes when its range closes.
 *
 * The rate is the one partstrat_forecast() prints (the median of the
 * leaf's last 7 daily deltas, ps_watch_leaf_growth()); with fewer than 3
 * daily snapshots nothing is advised.  The split cuts the leaf's range into
 * equal stretches of time, so the part of the range still to come is cut
 * too -- cut points from the rows already there would all fall in its past.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_forecast.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "ddl.h"
#include "partstrat.h"
#include "skew.h"
#include "watch.h"

/* A position on a time axis (microseconds) as ISO text of the key's type. */
static char *
usec_iso(int64 usec, Oid typid)
{
	if (typid == DATEOID)
		return ps_datum_to_iso(DateADTGetDatum((DateADT) (usec / USECS_PER_DAY)),
							   DATEOID);
	return ps_datum_to_iso(TimestampGetDatum((Timestamp) usec), typid);
}

/* Equal stretches of [lo, hi): the pieces - 1 inner bounds, as text[]. */
static ArrayType *
equal_bounds(int64 lo, int64 hi, int pieces, Oid typid, int *nbounds)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(pieces, 1));
	int64		prev = lo;
	int			n = 0;
	int			k;

	for (k = 1; k < pieces; k++)
	{
		int64		b = lo + (int64) ((double) (hi - lo) * k / pieces);

		if (typid == DATEOID)
			b = b / USECS_PER_DAY * USECS_PER_DAY;
		else
			b = b / USECS_PER_SEC * USECS_PER_SEC;
		if (b <= prev || b >= hi)
			continue;
		elems[n++] = CStringGetTextDatum(usec_iso(b, typid));
		prev = b;
	}
	*nbounds = n;
	return construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
}

void
ps_advise_forecast_split(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	double	   *rate = NULL;
	bool		read = false;
	int			i;

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];
		PsKey	   *key = &tree->keys[p->key_index];
		Oid			typid = key->typids[0];
		int64		lo,
					hi,
					at_close;
		int			pieces,
					nbounds;
		ArrayType  *bounds;
		Advice	   *a;

		CHECK_FOR_INTERRUPTS();
		if (ctx->taken[l->part] || p->is_default || p->is_foreign ||
			l->detach_pending || p->strategy != PS_STRATEGY_RANGE ||
			key->nkeys != 1 || !ps_key_is_time(typid) ||
			l->bytes < 0 || l->bytes > 2 * ctx->target)
			continue;
		if (!ps_key_value_usec(&p->range_from[0], typid, &lo) ||
			!ps_key_value_usec(&p->range_to[0], typid, &hi) ||
			hi <= ctx->now)
			continue;
		if (!read)
		{
			rate = ps_watch_leaf_growth(tree, ctx->now);
			read = true;
		}
		if (rate == NULL)
			return;
		if (rate[l->part] <= 0)
			continue;
		at_close = l->bytes + (int64) (rate[l->part] *
									   (double) (hi - ctx->now) / USECS_PER_DAY);
		if (at_close <= 2 * ctx->target)
			continue;
		pieces = (int) Min((at_close + ctx->target - 1) / ctx->target,
						   PS_DDL_MAX_PIECES);
		bounds = equal_bounds(lo, hi, pieces, typid, &nbounds);
		if (nbounds == 0)
			continue;

		ctx->taken[l->part] = true;
		a = ps_new_advice(ctx, ADV_SPLIT, (double) at_close);
		ps_set_part(a, l->part);
		ps_json_key_int(&a->evidence, "bytes", l->bytes);
		ps_json_key_num(&a->evidence, "bytes_per_day", rate[l->part], 0);
		ps_json_key_str(&a->evidence, "growth_source",
						"snapshots: median of the last 7 daily deltas");
		ps_json_key_str(&a->evidence, "range_closes", usec_iso(hi, typid));
		ps_json_key_int(&a->evidence, "bytes_at_close", at_close);
		ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
		ps_json_key_int(&a->evidence, "pieces", nbounds + 1);
		a->reason = psprintf("%s grows %s a day and will hold about %s when its range closes at %s, more than twice the %s target: split its range into %d equal stretches of time now, while it holds %s",
							 p->relname, ps_size_pretty((int64) rate[l->part]),
							 ps_size_pretty(at_close), usec_iso(hi, typid),
							 ps_size_pretty(ctx->target), nbounds + 1,
							 ps_size_pretty(l->bytes));
		a->reason = ps_finish_reason(ctx, a, a->reason);
		ps_set_ddl(a, "partstrat_ddl_split",
				   ps_advice_ddl_split_at(p->relid, bounds));
		a->rows_moved = Max(l->rows, 0);
		a->lock = ps_replace_lock_text(tree, p->parent_index,
									   psprintf("on %s while its " INT64_FORMAT " rows are copied",
												p->relname, Max(l->rows, 0)));
	}
}

/*
 * The premake the growth forecast calls for, by partstrat_forecast()'s
 * rule: with 3 daily snapshots of the parent or more, when its newest
 * partition [lo, hi) ends before now + partstrat.forecast_horizon (the
 * premade partitions run out, or the DEFAULT starts receiving rows, within
 * the horizon), the number of partitions of that width ahead of now that
 * cover the horizon: ceil(horizon / width).  0 otherwise.  *daily gets the
 * daily snapshots counted.
 */
int
ps_forecast_premake(AdviseCtx *ctx, int64 lo, int64 hi, int *daily)
{
	int64		horizon = (int64) ps_forecast_horizon_min * USECS_PER_MINUTE;
	double		n;

	*daily = 0;
	if (horizon <= 0 || hi <= lo || hi >= ctx->now + horizon)
		return 0;
	*daily = ps_watch_daily_snapshots(ctx->tree->root, ctx->now);
	if (*daily < 3)
		return 0;
	n = ceil((double) horizon / (double) (hi - lo));
	return (int) Min(n, 10000);
}
