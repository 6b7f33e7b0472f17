/*-------------------------------------------------------------------------
 *
 * advise_default.c
 *	  partstrat_advise() for the DEFAULT partitions: rescue_default,
 *	  create_default, drop_default and guard_default.
 *
 * A DEFAULT holding rows of a range parent is rescued by the range
 * generator; a list parent's DEFAULT by one partition per value its
 * statistics show heavy enough, or else, when big, guarded by a CHECK
 * listing its few values so that ATTACH skips its scan.  A range parent
 * with a hole in its coverage and no DEFAULT gets one; an empty DEFAULT
 * that keeps the retention advice from DETACH ... CONCURRENTLY is dropped.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_default.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_constraint.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "advise.h"
#include "ddl.h"
#include "generators.h"
#include "partstrat.h"
#include "skew.h"

/* The relation a group stands for: the root (-1) or a partitioned part. */
static Oid
group_relid(PsTree *tree, int g)
{
	return g < 0 ? tree->root : tree->parts[g].relid;
}


static void
ddl_guard_default(AdviseCtx *ctx, Advice *a, int g)
{
	ps_set_ddl(a, "partstrat_ddl_guard_default",
			   ps_advice_ddl_guard(group_relid(ctx->tree, g)));
}

/* ----------------------------------------------------------------
 * DEFAULT partitions: rescue, create, drop, guard
 * ----------------------------------------------------------------
 */

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Most heavy values one list rescue moves out of the DEFAULT. */
#define LIST_RESCUE_MAX 20

/*
 * rescue_default for the DEFAULT d of a list group g: the values the
 * DEFAULT's statistics (most common values) show holding at least half as
 * many rows as the median list partition of g (a tenth of the DEFAULT
 * when it has no sibling), each moved into a partition of its own.
 * Returns false when there is no such value.
 */
static bool
advise_list_rescue(AdviseCtx *ctx, int g, int d)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	PsKey	   *key = ps_group_key(tree, g);
	PsLeafSkew *l = &s->leaves[s->leaf_of[d]];
	PsKeyStats *ks;
	int			n,
				i,
				nsib = 0,
				nheavy = 0,
				tmpl = -1;
	int		   *children = ps_children_of(tree, g, &n);
	int64	   *sib = palloc(sizeof(int64) * Max(n, 1));
	int64		median = 0;
	int64		threshold;
	int64		moved = 0;
	char	  **values;
	StringInfoData list;
	StringInfoData json;
	Advice	   *a;

	if (key->nkeys != 1 || key->colnames[0] == NULL || !s->stats_readable)
		return false;
	ks = ps_skew_keystats(s, s->leaf_of[d]);
	if (!ks->found || ks->nmcv == 0)
		return false;
	for (i = 0; i < n; i++)
	{
		PsPartition *c = &tree->parts[children[i]];

		if (c->is_default || c->detach_pending)
			continue;
		sib[nsib++] = Max(s->rows[children[i]], 0);
		if (tmpl < 0 && c->is_leaf && !c->is_foreign)
			tmpl = children[i];
	}
	if (nsib > 0)
	{
		qsort(sib, nsib, sizeof(int64), cmp_int64);
		median = nsib % 2 ? sib[nsib / 2] :
			(sib[nsib / 2 - 1] + sib[nsib / 2]) / 2;
		threshold = Max(median / 2, 1);
	}
	else
		threshold = Max(l->rows / 10, 1);
	while (nheavy < ks->nmcv && nheavy < LIST_RESCUE_MAX &&
		   ks->mcv[nheavy].rows >= threshold)
		nheavy++;
	if (nheavy == 0)
		return false;

	a = ps_new_advice(ctx, ADV_RESCUE_DEFAULT, l->rows);
	ps_set_part(a, d);
	ctx->taken[d] = true;
	values = palloc(sizeof(char *) * nheavy);
	initStringInfo(&list);
	initStringInfo(&json);
	appendStringInfoChar(&json, '[');
	for (i = 0; i < nheavy; i++)
	{
		PsHeavyValue *v = &ks->mcv[i];

		values[i] = v->text;
		moved += v->rows;
		appendStringInfo(&list, "%s%s%s (" INT64_FORMAT " rows, %s of the table)",
						 i == 0 ? "" : i == nheavy - 1 ? " and " : ", ",
						 i == 0 ? psprintf("%s = ", key->colnames[0]) : "",
						 quote_literal_cstr(v->text), v->rows,
						 ps_pct(s->total_rows > 0 ? (double) v->rows / s->total_rows : 0));
		if (i > 0)
			appendStringInfoString(&json, ", ");
		appendStringInfoString(&json, "{\"value\": ");
		escape_json(&json, v->text);
		appendStringInfo(&json, ", \"freq_in_default\": %.4f, \"rows\": " INT64_FORMAT "}",
						 v->freq, v->rows);
	}
	appendStringInfoChar(&json, ']');
	ps_json_key_int(&a->evidence, "rows", l->rows);
	ps_json_key_int(&a->evidence, "bytes", l->bytes);
	ps_json_key_num(&a->evidence, "share", l->share, 4);
	ps_json_key_str(&a->evidence, "key", key->colnames[0]);
	ps_json_key_raw(&a->evidence, "heavy_values", json.data);
	if (nsib > 0)
		ps_json_key_int(&a->evidence, "median_partition_rows", median);
	ps_json_key_int(&a->evidence, "threshold_rows", threshold);
	a->reason = ps_finish_reason(ctx, a,
								 psprintf("%s holds " INT64_FORMAT " rows (%s of the table, %s); %s %s %s: give %s a list partition of %s own",
										  tree->parts[d].relname, l->rows,
										  ps_pct(l->share), ps_size_pretty(l->bytes),
										  list.data, nheavy > 1 ? "each hold" : "holds",
										  nsib > 0 ? psprintf("at least half as many rows as the median list partition of %s (" INT64_FORMAT ")",
															  ps_part_name(tree, g), median) :
										  "at least a tenth of them",
										  nheavy > 1 ? "each" : "it",
										  "its"));
	ps_set_ddl(a, "the list rescue",
			   ps_advice_ddl_rescue_list(group_relid(tree, g), key,
										 tree->parts[d].relid,
										 tree->parts[tmpl >= 0 ? tmpl : d].relid,
										 nheavy, values));
	a->rows_moved = moved;
	a->lock = psprintf("one transaction per value: SHARE on %s and SHARE ROW EXCLUSIVE on %s while the value's rows move (reads go on; writes wait), then ACCESS EXCLUSIVE on %s for the ATTACH, which scans it",
					   ps_part_name(tree, g), tree->parts[d].relname,
					   tree->parts[d].relname);
	return true;
}

/*
 * Distinct key values of the DEFAULT d of a list parent from its statistics
 * (-1: unknown: no statistics, or not readable).
 */
static double
list_default_values(AdviseCtx *ctx, int d)
{
	PsSkew	   *s = ctx->skew;
	PsKeyStats *ks;

	if (!s->stats_readable)
		return -1;
	ks = ps_skew_keystats(s, s->leaf_of[d]);
	if (!ks->found)
		return -1;
	if (ks->n_distinct >= 0)
		return ks->n_distinct;
	return -ks->n_distinct * Max(s->leaves[s->leaf_of[d]].rows, 0);
}

/*
 * Whether a guard can help the DEFAULT d of a list parent: it has none
 * validated yet, and its statistics do not show more distinct values than
 * a guard can list (partstrat_ddl_guard_default counts them exactly).
 */
static bool
guardable_list_default(AdviseCtx *ctx, int d)
{
	Oid			conid = get_relation_constraint_oid(ctx->tree->parts[d].relid,
													PS_GUARD_NAME, true);

	if (OidIsValid(conid))
	{
		HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
		bool		validated = false;

		if (HeapTupleIsValid(tup))
		{
			validated = ((Form_pg_constraint) GETSTRUCT(tup))->convalidated;
			ReleaseSysCache(tup);
		}
		if (validated)
			return false;
	}
	return list_default_values(ctx, d) <= PS_GUARD_LIST_MAX + 0.5;
}

/*
 * create_default for the range group g without a DEFAULT: the holes in its
 * coverage (leaves flagged with a gap before them), whose rows are rejected
 */
static void
advise_create_default(AdviseCtx *ctx, int g)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			n,
				i,
				gaps = 0,
				first = -1;
	int		   *children = ps_children_of(tree, g, &n);
	const char *pname;
	const char *pnsp;
	Advice	   *a;

	for (i = 0; i < n; i++)
	{
		int			leaf = s->leaf_of[children[i]];

		if (leaf >= 0 && (s->leaves[leaf].flags & PS_FLAG_GAP_BEFORE))
		{
			if (first < 0)
				first = i;
			gaps++;
		}
	}
	if (gaps == 0)
		return;
	a = ps_new_advice(ctx, ADV_CREATE_DEFAULT, gaps);
	ps_set_part(a, children[first]);
	a->reason = psprintf("%s has %d hole%s in its range coverage (the first before %s, from %s to %s) and no DEFAULT partition: rows with keys in %s are rejected.",
						 ps_part_name(tree, g), gaps, gaps > 1 ? "s" : "",
						 tree->parts[children[first]].relname,
						 tree->parts[children[first - 1]].range_to[0].text,
						 tree->parts[children[first]].range_from[0].text,
						 gaps > 1 ? "them" : "it");
	ps_json_key_int(&a->evidence, "gaps", gaps);
	ps_json_key_str(&a->evidence, "gap_from", tree->parts[children[first - 1]].range_to[0].text);
	ps_json_key_str(&a->evidence, "gap_to", tree->parts[children[first]].range_from[0].text);
	pname = ps_part_name(tree, g);
	pnsp = g < 0 ? get_namespace_name(get_rel_namespace(tree->root)) :
		tree->parts[g].nspname;
	a->ddl = ps_ddl_create_default(g < 0 ? tree->root : tree->parts[g].relid,
								   pnsp, pname);
	a->lock = pstrdup("ACCESS EXCLUSIVE on the parent, briefly (CREATE TABLE ... PARTITION OF)");
}

/* rescue_default for the DEFAULT d, holding rows, of the range group g */
static void
advise_range_rescue(AdviseCtx *ctx, int g, int d)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	PsKey	   *key = ps_group_key(tree, g);
	PsPartition *dp = &tree->parts[d];
	PsLeafSkew *l = &s->leaves[s->leaf_of[d]];
	PsKeyStats *ks = ps_skew_keystats(s, s->leaf_of[d]);
	Advice	   *a;
	PsAdviceDdl ddl;
	int			ntargets = -1;

	/*
	 * Rows whose key is NULL (or infinite, for time): no range partition
	 * can hold them, and there is nothing to do about them but to know it:
	 * no action.  The statistics say it of NULLs; the generator, which
	 * looks for the rows it can move, says it of both.
	 */
	if (ks->found && ks->null_frac >= 0.999 &&
		!(l->flags & PS_FLAG_STALE_STATS))
		return;
	ddl = ps_advice_ddl_rescue_range(group_relid(tree, g), &ntargets);
	if (ddl.ddl != NULL && ntargets == 0)
		return;

	a = ps_new_advice(ctx, ADV_RESCUE_DEFAULT, l->rows);
	ps_set_part(a, d);
	ctx->taken[d] = true;
	ps_json_key_int(&a->evidence, "rows", l->rows);
	ps_json_key_int(&a->evidence, "bytes", l->bytes);
	ps_json_key_num(&a->evidence, "share", l->share, 4);
	if (ks->found && ks->lo_text)
	{
		ps_json_key_str(&a->evidence, "key_min", ks->lo_text);
		ps_json_key_str(&a->evidence, "key_max", ks->hi_text);
		a->reason = psprintf("%s holds " INT64_FORMAT " rows (%s of the table, %s) with %s from %s to %s, which belong in partitions of their own",
							 dp->relname, l->rows, ps_pct(l->share),
							 ps_size_pretty(l->bytes),
							 key->colnames[0] ? key->colnames[0] : "keys",
							 ks->lo_text, ks->hi_text);
	}
	else
		a->reason = psprintf("%s holds " INT64_FORMAT " rows (%s of the table, %s), which belong in partitions of their own",
							 dp->relname, l->rows, ps_pct(l->share),
							 ps_size_pretty(l->bytes));
	if (!s->stats_readable)
		ps_json_key_str(&a->evidence, "pg_stats", "no access: key range not shown");
	a->reason = ps_finish_reason(ctx, a, a->reason);
	ps_set_ddl(a, "partstrat_ddl_rescue_default", ddl);
	a->rows_moved = l->rows;
	a->lock = psprintf("one transaction per new partition: SHARE on %s and SHARE ROW EXCLUSIVE on %s while its rows move (reads go on; writes wait), then ACCESS EXCLUSIVE on %s for the ATTACH, which scans it",
					   ps_part_name(tree, g), dp->relname, dp->relname);
}

/* guard_default for the big DEFAULT d of the list group g */
static void
advise_guard_default(AdviseCtx *ctx, int g, int d)
{
	PsPartition *dp = &ctx->tree->parts[d];
	PsLeafSkew *l = &ctx->skew->leaves[ctx->skew->leaf_of[d]];
	double		nd = list_default_values(ctx, d);
	Advice	   *a;

	a = ps_new_advice(ctx, ADV_GUARD_DEFAULT, l->bytes);
	ps_set_part(a, d);
	ps_json_key_int(&a->evidence, "rows", l->rows);
	ps_json_key_int(&a->evidence, "bytes", l->bytes);
	ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
	if (nd >= 0)
		ps_json_key_int(&a->evidence, "distinct_values", (int64) rint(nd));
	a->reason = ps_finish_reason(ctx, a,
								 psprintf("%s holds %s (" INT64_FORMAT " rows), at least a quarter of the %s target, and every new list partition's ATTACH scans it under ACCESS EXCLUSIVE; %s: a CHECK constraint admitting only them lets ATTACH skip the scan (a new value then needs its partition before its rows arrive)",
										  dp->relname, ps_size_pretty(l->bytes),
										  l->rows, ps_size_pretty(ctx->target),
										  nd >= 0 ?
										  psprintf("its %.0f key value%s (none big enough for a partition of %s own) %s few enough to list",
												   nd, rint(nd) == 1 ? "" : "s",
												   rint(nd) == 1 ? "its" : "their",
												   rint(nd) == 1 ? "is" : "are") :
										  ctx->skew->stats_readable ?
										  "its key values are unknown until it is analyzed" :
										  "its key values are not shown (no access to pg_stats)"));
	ddl_guard_default(ctx, a, g);
	a->lock = psprintf("ACCESS EXCLUSIVE on %s for a moment (the CHECK constraint added NOT VALID), then SHARE UPDATE EXCLUSIVE while it is validated (reads and writes go on)",
					   dp->relname);
}

/*
 * drop_default for the empty DEFAULT d of a range root, which keeps the
 * retention advice from DETACH ... CONCURRENTLY
 */
static void
advise_drop_default(AdviseCtx *ctx, int d)
{
	PsPartition *dp = &ctx->tree->parts[d];
	Advice	   *a;

	a = ps_new_advice(ctx, ADV_DROP_DEFAULT, 1);
	ps_set_part(a, d);
	ps_json_key_int(&a->evidence, "rows", 0);
	a->reason = psprintf("%s is empty and, while it exists, the retention advice cannot use DETACH PARTITION ... CONCURRENTLY, which keeps reads and writes going.",
						 dp->relname);
	a->ddl = ps_ddl_drop_table(dp->relid);
	a->lock = pstrdup("ACCESS EXCLUSIVE on the parent, briefly");
}

void
ps_advise_defaults(AdviseCtx *ctx, bool retention_advised)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			g;

	for (g = -1; g < tree->nparts; g++)
	{
		PsKey	   *key;
		int			d;
		PsLeafSkew *l;
		PsPartition *dp;

		/* leaves, and parents half-detached (finalize_detach first) */
		if (g >= 0 && (tree->parts[g].is_leaf || ctx->taken[g]))
			continue;
		key = ps_group_key(tree, g);
		d = ps_default_of(tree, g);

		if (d < 0)
		{
			/* create_default: a hole in a range parent's coverage */
			if (key->strategy == PS_STRATEGY_RANGE)
				advise_create_default(ctx, g);
			continue;
		}

		dp = &tree->parts[d];
		if (!dp->is_leaf || s->leaf_of[d] < 0)
			continue;
		l = &s->leaves[s->leaf_of[d]];

		if (l->rows > 0 && key->strategy == PS_STRATEGY_RANGE)
			advise_range_rescue(ctx, g, d);
		else if (l->rows > 0 && key->strategy == PS_STRATEGY_LIST &&
				 advise_list_rescue(ctx, g, d))
			continue;
		else if (l->rows > 0 && key->strategy == PS_STRATEGY_LIST &&
				 l->bytes >= ctx->target / 4 && guardable_list_default(ctx, d))
			advise_guard_default(ctx, g, d);
		else if (l->rows == 0 && dp->mods_since_analyze == 0 &&
				 retention_advised && g < 0 &&
				 key->strategy == PS_STRATEGY_RANGE)
			advise_drop_default(ctx, d);
	}
}
