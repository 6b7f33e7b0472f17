/*-------------------------------------------------------------------------
 *
 * advise.c
 *	  The advice: the skew findings ranked into actions, each with its
 *	  reason, evidence, DDL, rows moved and lock (ps_advise_relation(),
 *	  which partstrat_advise() in src/sql/advise_functions.c returns).
 *
 * Every action is decided here from the PsTree and the PsSkew of skew.c:
 *
 *	analyze			leaves with rows never analyzed, or > 20 % modified since
 *	finalize_detach	a partition left half-detached (detach pending) by an
 *					interrupted DETACH ... CONCURRENTLY: no other advice for
 *					it, and its rows count in no other advice's numbers
 *	rescue_default	a DEFAULT partition holding rows of a range parent (or
 *					list values big enough for a partition of their own)
 *	create_default	a range parent with a hole in its coverage and no
 *					DEFAULT: rows of the hole are rejected
 *	premake			a live time-range parent whose newest partition ends
 *					fewer than partstrat.premake_min intervals after now
 *	repartition		the key is wrong: a hash leaf imbalanced by one heavy
 *					value, or a leaf too big to keep whose rows sit on one
 *					value above partstrat.whale_factor x the ideal piece
 *	split			a leaf above twice the target, into ceil(size / target)
 *					pieces (a power of two for hash leaves); several hash
 *					leaves of one parent: one action, their scripts in
 *					remainder order
 *	add_index		an index its siblings have and the leaf lacks
 *	retention		time-range partitions wholly older than now - retention
 *	drop_default	an empty DEFAULT that forbids DETACH ... CONCURRENTLY,
 *					when the retention advice needs it
 *	guard_default	a big DEFAULT of a list parent that every ATTACH scans,
 *					with few enough values for a CHECK listing them
 *	merge			runs of adjacent range leaves under a quarter of the
 *					target, within one whole past month (or week), when the
 *					parent has at least partstrat.merge_min_leaves leaves
 *
 * Sizes come from the catalog (relpages of the heap, TOAST and indexes) for
 * leaves whose statistics are fresh, and from the files for the others
 * (relpages is only as recent as the last VACUUM or ANALYZE); evidence.sizes
 * says which.  This keeps the advice cheaper than the inventory itself.
 * Statistics of a partitioned parent (inherited pg_stats) are never needed:
 * every number comes from the leaves, whose statistics autovacuum keeps.
 *
 * A leaf gets at most one of split, merge, repartition and retention.  The
 * DDL of split, merge, retention, premake, rescue_default and guard_default
 * comes from the DDL generators through advise_ddl.c (one ddl_* function per
 * action, next to the action); a generator that refuses leaves the action's
 * ddl NULL and its message in evidence.ddl_error, without failing the
 * advice.
 *
 * This file holds the context and the helpers every stage shares
 * (advise.h), analyze and finalize_detach, the ranking and
 * ps_advise_relation(); the other stages are in advise_default.c (the
 * DEFAULT partitions), advise_time.c (premake, retention, merge) and
 * advise_layout.c (split, repartition, add_index), and the report's text in
 * advise_report.c.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "compat.h"
#include "ddl.h"
#include "generators.h"
#include "partstrat.h"
#include "skew.h"

const char *const ps_advice_names[] = {
	"analyze", "finalize_detach", "rescue_default", "create_default",
	"premake", "repartition", "split", "add_index", "retention",
	"drop_default", "guard_default", "merge", "partman_interval"
};

/* ----------------------------------------------------------------
 * Formatting
 * ----------------------------------------------------------------
 */

char *
ps_size_pretty(int64 bytes)
{
	return TextDatumGetCString(DirectFunctionCall1(pg_size_pretty,
												   Int64GetDatum(bytes)));
}

/* A share as a percentage: "61%", "0.4%". */
char *
ps_pct(double share)
{
	double		p = share * 100;

	if (p >= 10 || p == 0)
		return psprintf("%.0f%%", p);
	return psprintf("%.1f%%", p);
}

char *
ps_qname(const PsPartition *p)
{
	return quote_qualified_identifier(p->nspname, p->relname);
}

char *
ps_root_qname(PsTree *tree)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(tree->root)),
									  get_rel_name(tree->root));
}

/* "name" of a part or of the root, unquoted, for sentences */
const char *
ps_part_name(PsTree *tree, int i)
{
	return i < 0 ? get_rel_name(tree->root) : tree->parts[i].relname;
}

void
ps_json_key_str(StringInfo buf, const char *key, const char *val)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfoString(buf, ": ");
	if (val)
		escape_json(buf, val);
	else
		appendStringInfoString(buf, "null");
}

void
ps_json_key_int(StringInfo buf, const char *key, int64 val)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfo(buf, ": " INT64_FORMAT, val);
}

void
ps_json_key_num(StringInfo buf, const char *key, double val, int digits)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfo(buf, ": %.*f", digits, val);
}

/* raw JSON value */
void
ps_json_key_raw(StringInfo buf, const char *key, const char *raw)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfo(buf, ": %s", raw);
}

Advice *
ps_new_advice(AdviseCtx *ctx, AdviceKind kind, double weight)
{
	Advice	   *a = palloc0(sizeof(Advice));

	a->kind = kind;
	a->weight = weight;
	initStringInfo(&a->evidence);
	ctx->advice = lappend(ctx->advice, a);
	return a;
}

void
ps_set_parts(Advice *a, int *parts, int n)
{
	a->nparts = n;
	a->parts = palloc(sizeof(int) * Max(n, 1));
	memcpy(a->parts, parts, sizeof(int) * n);
}

void
ps_set_part(Advice *a, int part)
{
	ps_set_parts(a, &part, 1);
}

/*
 * Advice resting on leaves whose statistics are missing or stale says so,
 * in its evidence and at the end of its reason.
 */
static char *
maybe_unreliable(AdviseCtx *ctx, Advice *a, char *reason)
{
	int			i;

	for (i = 0; i < a->nparts; i++)
	{
		int			leaf = ctx->skew->leaf_of[a->parts[i]];

		if (leaf >= 0 && (ctx->skew->leaves[leaf].flags & PS_FLAG_STALE_STATS))
		{
			ps_json_key_str(&a->evidence, "statistics", "stale until the analyze advice has run");
			return psprintf("%s, an estimate until the analyze advice has run",
							reason);
		}
	}
	return reason;
}

char *
ps_finish_reason(AdviseCtx *ctx, Advice *a, char *reason)
{
	return psprintf("%s.", maybe_unreliable(ctx, a, reason));
}

/* ----------------------------------------------------------------
 * DDL of the generators (issue 9).  One ddl_* function per action, next
 * to the action; each calls its generator through advise_ddl.c, where a
 * generator's refusal becomes the advice's ddl_error instead of an ERROR
 * of the whole advice.
 * ----------------------------------------------------------------
 */

/* Record a generator's script in the advice, or why there is none. */
void
ps_set_ddl(Advice *a, const char *generator, PsAdviceDdl r)
{
	a->ddl = r.ddl;
	if (r.ddl != NULL)
		return;
	a->ddl_error = psprintf("%s refused: %s", generator, r.error);
	ps_json_key_str(&a->evidence, "ddl_error", a->ddl_error);
	if (r.hint)
		ps_json_key_str(&a->evidence, "ddl_hint", r.hint);
}

/* ----------------------------------------------------------------
 * Groups of a tree
 * ----------------------------------------------------------------
 */

/* The key of a group (its parent's key). */
PsKey *
ps_group_key(PsTree *tree, int g)
{
	return g < 0 ? &tree->keys[0] :
		&tree->keys[tree->parts[g].own_key_index];
}

/* Bytes of a part: its own (a leaf) or its leaves' (partitioned). */
int64
ps_subtree_bytes(AdviseCtx *ctx, int i)
{
	PsPartition *p = &ctx->tree->parts[i];
	int64		sum = 0;
	int			c;

	if (p->is_leaf)
		return ctx->skew->leaf_of[i] >= 0 ?
			Max(ctx->skew->leaves[ctx->skew->leaf_of[i]].bytes, 0) : 0;
	for (c = 0; c < p->nchildren; c++)
		sum += ps_subtree_bytes(ctx, p->children[c]);
	return sum;
}

/* The DEFAULT partition of group g, or -1 when it has none. */
int
ps_default_of(PsTree *tree, int g)
{
	int			n;
	int		   *children = ps_children_of(tree, g, &n);
	int			i;

	for (i = 0; i < n; i++)
	{
		if (tree->parts[children[i]].is_default)
			return children[i];
	}
	return -1;
}

/*
 * The locks of a split or merge script (ps_ddl_emit_replace): the parent g
 * SHARE first, then the partitions replaced SHARE for the copy; ACCESS
 * EXCLUSIVE only from the DETACH to COMMIT; the DEFAULT scanned per ATTACH.
 */
char *
ps_replace_lock_text(PsTree *tree, int g, const char *what)
{
	int			d = ps_default_of(tree, g);

	return psprintf("SHARE on %s, then %s (reads go on; writes wait); ACCESS EXCLUSIVE on them only from the DETACH to COMMIT, catalog changes only: milliseconds%s",
					ps_part_name(tree, g), what,
					d >= 0 ? psprintf("; each ATTACH scans the DEFAULT %s under ACCESS EXCLUSIVE",
									  tree->parts[d].relname) : "");
}

/* ----------------------------------------------------------------
 * analyze
 * ----------------------------------------------------------------
 */

static void
advise_analyze(AdviseCtx *ctx)
{
	PsSkew	   *s = ctx->skew;
	PsTree	   *tree = ctx->tree;
	int		   *parts = palloc(sizeof(int) * Max(s->nleaves, 1));
	int			n = 0,
				never = 0,
				stale = 0;
	Oid		   *relids = palloc(sizeof(Oid) * Max(s->nleaves, 1));
	Advice	   *a;
	int			i;

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];

		if (!(l->flags & PS_FLAG_STALE_STATS))
			continue;
		parts[n++] = l->part;
		if (l->never_analyzed)
			never++;
		else
			stale++;
		relids[n - 1] = tree->parts[l->part].relid;
	}
	if (n == 0)
		return;
	ctx->any_stale = true;
	a = ps_new_advice(ctx, ADV_ANALYZE, n);
	ps_set_parts(a, parts, n);
	a->ddl = ps_ddl_analyze(relids, n);
	a->lock = pstrdup("SHARE UPDATE EXCLUSIVE on each leaf while it is sampled (reads and writes go on)");
	ps_json_key_int(&a->evidence, "never_analyzed", never);
	ps_json_key_int(&a->evidence, "stale", stale);
	ps_json_key_num(&a->evidence, "stale_fraction", PS_STALE_FRACTION, 2);
	if (never > 0 && stale > 0)
		a->reason = psprintf("%d of %d leaves have no usable statistics (%d never analyzed, %d with more than %.0f%% of their rows modified since their last ANALYZE): the other advice is estimated until they are analyzed.",
							 n, s->nleaves, never, stale, PS_STALE_FRACTION * 100);
	else if (never > 0)
		a->reason = psprintf("%d of %d leaves %s never analyzed: the other advice is estimated until they are analyzed.",
							 n, s->nleaves, n == 1 ? "was" : "were");
	else
		a->reason = psprintf("%d of %d leaves had more than %.0f%% of their rows modified since their last ANALYZE: the other advice is estimated until they are analyzed.",
							 n, s->nleaves, PS_STALE_FRACTION * 100);
}

/* ----------------------------------------------------------------
 * finalize_detach
 * ----------------------------------------------------------------
 */

/*
 * A partition left "detach pending" by an interrupted DETACH ...
 * CONCURRENTLY: its rows are no longer read through the parent and new
 * rows for its bound are rejected, yet it still refuses any other DETACH
 * ... CONCURRENTLY of the parent and any new partition overlapping its
 * bound.  FINALIZE completes the detach.  Nothing else is advised for it
 * or below it.
 */
static void
advise_finalize_detach(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	int			i,
				j;

	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];
		const char *parent;
		int64		rows;
		Advice	   *a;

		if (!p->detach_pending)
			continue;
		parent = ps_part_name(tree, p->parent_index);
		rows = Max(ctx->skew->rows[i], 0);
		for (j = i; j < tree->nparts; j++)
		{
			int			up = j;

			while (up >= 0 && up != i)
				up = tree->parts[up].parent_index;
			if (up == i)
				ctx->taken[j] = true;
		}
		a = ps_new_advice(ctx, ADV_FINALIZE_DETACH, (double) rows);
		ps_set_part(a, i);
		ps_json_key_str(&a->evidence, "parent", parent);
		ps_json_key_str(&a->evidence, "bound", p->bound_text);
		ps_json_key_int(&a->evidence, "rows", rows);
		ps_json_key_int(&a->evidence, "bytes", ps_subtree_bytes(ctx, i));
		a->reason = psprintf("%s is half-detached from %s since an interrupted DETACH PARTITION ... CONCURRENTLY (or one still waiting for older transactions): its " INT64_FORMAT " rows (%s) are no longer read through %s and new rows for its bound (%s) are rejected, yet it still blocks every other DETACH ... CONCURRENTLY of %s and any new partition overlapping that bound: finish the detach with FINALIZE%s.",
							 p->relname, parent, rows,
							 ps_size_pretty(ps_subtree_bytes(ctx, i)), parent,
							 p->bound_text, parent,
							 p->parent_index < 0 && ctx->retention_deferred > 0 ?
							 psprintf(", then advise again for the retention of %d older partition%s",
									  ctx->retention_deferred,
									  ctx->retention_deferred > 1 ? "s" : "") : "");
		if (p->parent_index < 0 && ctx->retention_deferred > 0)
			ps_json_key_int(&a->evidence, "retention_deferred", ctx->retention_deferred);
		a->ddl = ps_ddl_finalize_detach(p->parent_index < 0 ? tree->root :
										tree->parts[p->parent_index].relid,
										p->relid);
		a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s (reads and writes go on) and ACCESS EXCLUSIVE on %s until COMMIT, after waiting for every transaction with an older snapshot to end",
						   parent, p->relname);
	}
}

/* ----------------------------------------------------------------
 * Ranking and the SQL functions
 * ----------------------------------------------------------------
 */

static int
advice_cmp(const ListCell *a, const ListCell *b)
{
	const Advice *x = lfirst(a);
	const Advice *y = lfirst(b);

	if (x->kind != y->kind)
		return (x->kind > y->kind) - (x->kind < y->kind);
	if (x->weight != y->weight)
		return (x->weight < y->weight) - (x->weight > y->weight);
	return (x->parts[0] > y->parts[0]) - (x->parts[0] < y->parts[0]);
}

static TimestampTz
reference_now(void)
{
	if (ps_reference_time && ps_reference_time[0] != '\0')
		return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
													   CStringGetDatum(ps_reference_time),
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
	return GetCurrentTransactionStartTimestamp();
}

/*
 * Where the sizes behind a piece of advice come from: the catalog
 * (relpages) for leaves with fresh statistics, the files for the others.
 */
static const char *
sizes_source(PsSkew *s, Advice *a)
{
	bool		files = false,
				catalog = false;
	int			i;

	for (i = 0; i < a->nparts; i++)
	{
		int			leaf = s->leaf_of[a->parts[i]];

		if (leaf < 0)
			continue;
		if (s->leaves[leaf].bytes_catalog)
			catalog = true;
		else
			files = true;
	}
	return files && catalog ? "catalog and files" : files ? "files" : "catalog";
}

/* Is the whole table under a quarter of the target? */
static bool
small_table(AdviseCtx *ctx)
{
	int64		total = 0;
	int			i;

	for (i = 0; i < ctx->skew->nleaves; i++)
		total += Max(ctx->skew->leaves[i].bytes, 0);
	return total < ctx->target / 4;
}

/* Decide every piece of advice for one tree; sorted, priorities set. */
List *
ps_advise_tree(PsTree *tree, PsSkew *s, int64 target, Interval *retention)
{
	AdviseCtx	ctx;
	bool		retained;
	ListCell   *lc;
	int			prio = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.tree = tree;
	ctx.skew = s;
	ctx.target = target;
	ctx.retention = retention;
	ctx.now = reference_now();
	ctx.taken = palloc0(sizeof(bool) * Max(tree->nparts, 1));
	ctx.partman = ps_partman_lookup(tree);

	advise_analyze(&ctx);
	retained = ps_advise_retention(&ctx);
	advise_finalize_detach(&ctx);
	ps_advise_defaults(&ctx, retained);
	ps_advise_premake(&ctx);

	/* a leaf forecast to outgrow the target before its range closes */
	ps_advise_forecast_split(&ctx);

	/*
	 * Layout advice must be material: a table under a quarter of the
	 * target gets no split, repartition, merge or add_index (premake,
	 * retention and the DEFAULT's rescue still apply: they keep rows from
	 * being rejected and keep the policy).
	 */
	if (!small_table(&ctx))
	{
		ps_advise_split_repartition(&ctx);
		ps_advise_merge(&ctx);
		/* last: a leaf about to be split, merged or dropped needs no index */
		ps_advise_add_index(&ctx);
	}

	/* a set pg_partman manages: its settings, never its invariants */
	ctx.advice = ps_advise_partman(&ctx, ctx.advice);

	list_sort(ctx.advice, advice_cmp);
	foreach(lc, ctx.advice)
	{
		Advice	   *a = lfirst(lc);

		a->priority = ++prio;
		if (!s->stats_readable && a->kind != ADV_ANALYZE)
			ps_json_key_str(&a->evidence, "pg_stats",
							"no access: size-based advice only");
		ps_json_key_str(&a->evidence, "sizes", sizes_source(s, a));
	}
	return ctx.advice;
}

void
ps_notice_no_stats(PsSkew *s)
{
	if (!s->stats_readable)
		ereport(NOTICE,
				(errmsg("partstrat_advise: no access to pg_stats of \"%s\": the advice is size-based only",
						get_rel_name(s->tree->root)),
				 errdetail("Heavy key values (repartition) and key ranges need SELECT on the table or its columns."),
				 errhint("Grant SELECT on the table to get the full advice.")));
}

/*
 * The ranked advice for a partitioned table, as partstrat_advise() returns
 * it: the tree opened (caller names the SQL function in its messages), its
 * skew analysed, a NOTICE when pg_stats is out of reach.  *tree_out gets the
 * tree the Advice's parts index into.
 */
List *
ps_advise_relation(Oid relid, int64 target, Interval *retention,
				   const char *caller, PsTree **tree_out)
{
	PsTree	   *tree;
	PsSkew	   *s;

	tree = ps_open_tree(relid, caller, PS_TREE_NO_SIZES);
	s = ps_skew_analyze(tree, false);
	ps_notice_no_stats(s);
	*tree_out = tree;
	return ps_advise_tree(tree, s, target, retention);
}
