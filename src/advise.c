/*-------------------------------------------------------------------------
 *
 * advise.c
 *	  partstrat_advise() and partstrat_report(): the skew findings ranked
 *	  into actions, each with its reason, evidence, DDL, rows moved and lock.
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
 * action below); a generator that refuses leaves the action's ddl NULL and
 * its message in evidence.ddl_error, without failing the advice.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "advise_ddl.h"
#include "compat.h"
#include "ddl.h"
#include "partstrat.h"
#include "skew.h"

PG_FUNCTION_INFO_V1(partstrat_advise);
PG_FUNCTION_INFO_V1(partstrat_report);

/*
 * The closing comment line of a proposed layout.  Names and bounds in it may
 * hold line breaks: ps_ddl_comment() keeps every line a comment, so nothing
 * of them can run as SQL.  The proposal ends without a newline.
 */
static void
append_last_comment(StringInfo ddl, const char *text)
{
	char	   *c = ps_ddl_comment(text);
	size_t		len = strlen(c);

	if (len > 0 && c[len - 1] == '\n')
		c[len - 1] = '\0';
	appendStringInfoString(ddl, c);
}

/* Action kinds, in the order they are advised. */
typedef enum AdviceKind
{
	ADV_ANALYZE,
	ADV_FINALIZE_DETACH,
	ADV_RESCUE_DEFAULT,
	ADV_CREATE_DEFAULT,
	ADV_PREMAKE,
	ADV_REPARTITION,
	ADV_SPLIT,
	ADV_ADD_INDEX,
	ADV_RETENTION,
	ADV_DROP_DEFAULT,
	ADV_GUARD_DEFAULT,
	ADV_MERGE
} AdviceKind;

static const char *const advice_names[] = {
	"analyze", "finalize_detach", "rescue_default", "create_default",
	"premake", "repartition", "split", "add_index", "retention",
	"drop_default", "guard_default", "merge"
};

typedef struct Advice
{
	AdviceKind	kind;
	double		weight;			/* larger first within a kind */
	int			nparts;
	int		   *parts;			/* PsTree.parts indexes */
	char	   *reason;
	StringInfoData evidence;	/* a JSON object, without the braces */
	char	   *ddl;
	char	   *ddl_error;		/* why the generator gave no DDL */
	int64		rows_moved;
	char	   *lock;
	int			priority;
} Advice;

/* The time layout of a time-range parent. */
typedef struct TimeStep
{
	bool		valid;
	int			months;			/* > 0: calendar months */
	int64		usec;			/* else a fixed width */
	int64		approx_usec;	/* months as 30.436875 days */
	const char *adjective;		/* "monthly", "daily", ... */
	const char *noun;			/* "months", "days", ... */
} TimeStep;

typedef struct AdviseCtx
{
	PsTree	   *tree;
	PsSkew	   *skew;
	int64		target;
	Interval   *retention;
	TimestampTz now;
	List	   *advice;
	bool	   *taken;			/* per parts index: split/merge/... */
	bool		any_stale;
	int			retention_deferred; /* old partitions, while a detach is
									 * pending on the root */
} AdviseCtx;

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
static char *
pct(double share)
{
	double		p = share * 100;

	if (p >= 10 || p == 0)
		return psprintf("%.0f%%", p);
	return psprintf("%.1f%%", p);
}

static char *
qname(const PsPartition *p)
{
	return quote_qualified_identifier(p->nspname, p->relname);
}

static char *
root_qname(PsTree *tree)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(tree->root)),
									  get_rel_name(tree->root));
}

/* "name" of a part or of the root, unquoted, for sentences */
static const char *
part_name(PsTree *tree, int i)
{
	return i < 0 ? get_rel_name(tree->root) : tree->parts[i].relname;
}

static void
json_key_str(StringInfo buf, const char *key, const char *val)
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

static void
json_key_int(StringInfo buf, const char *key, int64 val)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfo(buf, ": " INT64_FORMAT, val);
}

static void
json_key_num(StringInfo buf, const char *key, double val, int digits)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfo(buf, ": %.*f", digits, val);
}

/* raw JSON value */
static void
json_key_raw(StringInfo buf, const char *key, const char *raw)
{
	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfo(buf, ": %s", raw);
}

/* A new relation name: base + suffix, cut to fit NAMEDATALEN. */
static char *
make_name(const char *base, const char *suffix)
{
	int			room = NAMEDATALEN - 1 - strlen(suffix);
	int			len = pg_mbcliplen(base, strlen(base), Max(room, 1));

	return psprintf("%.*s%s", len, base, suffix);
}

static Advice *
new_advice(AdviseCtx *ctx, AdviceKind kind, double weight)
{
	Advice	   *a = palloc0(sizeof(Advice));

	a->kind = kind;
	a->weight = weight;
	initStringInfo(&a->evidence);
	ctx->advice = lappend(ctx->advice, a);
	return a;
}

static void
set_parts(Advice *a, int *parts, int n)
{
	a->nparts = n;
	a->parts = palloc(sizeof(int) * Max(n, 1));
	memcpy(a->parts, parts, sizeof(int) * n);
}

static void
set_part(Advice *a, int part)
{
	set_parts(a, &part, 1);
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
			json_key_str(&a->evidence, "statistics", "stale until the analyze advice has run");
			return psprintf("%s, an estimate until the analyze advice has run",
							reason);
		}
	}
	return reason;
}

static char *
finish_reason(AdviseCtx *ctx, Advice *a, char *reason)
{
	return psprintf("%s.", maybe_unreliable(ctx, a, reason));
}

/* ----------------------------------------------------------------
 * DDL of the generators (issue 9).  One function per action; each calls
 * its generator through advise_ddl.c, where a generator's refusal becomes
 * the advice's ddl_error instead of an ERROR of the whole advice.
 * ----------------------------------------------------------------
 */

/* Record a generator's script in the advice, or why there is none. */
static void
set_ddl(Advice *a, const char *generator, PsAdviceDdl r)
{
	a->ddl = r.ddl;
	if (r.ddl != NULL)
		return;
	a->ddl_error = psprintf("%s refused: %s", generator, r.error);
	json_key_str(&a->evidence, "ddl_error", a->ddl_error);
	if (r.hint)
		json_key_str(&a->evidence, "ddl_hint", r.hint);
}

/* The relation a group stands for: the root (-1) or a partitioned part. */
static Oid
group_relid(PsTree *tree, int g)
{
	return g < 0 ? tree->root : tree->parts[g].relid;
}

static void
ddl_split(AdviseCtx *ctx, Advice *a, int part, int pieces)
{
	set_ddl(a, "partstrat_ddl_split",
			ps_advice_ddl_split(ctx->tree->parts[part].relid, pieces));
}

static void
ddl_merge(AdviseCtx *ctx, Advice *a, int *parts, int nparts)
{
	Oid		   *relids = palloc(sizeof(Oid) * Max(nparts, 1));
	int			i;

	/* level 1: the tree at hand serves, no need to build it per merge */
	if (ctx->tree->parts[parts[0]].parent_index == -1)
	{
		set_ddl(a, "partstrat_ddl_merge",
				ps_advice_ddl_merge_tree(ctx->tree, parts, nparts));
		return;
	}
	for (i = 0; i < nparts; i++)
		relids[i] = ctx->tree->parts[parts[i]].relid;
	set_ddl(a, "partstrat_ddl_merge", ps_advice_ddl_merge(relids, nparts));
}

static void
ddl_retention(AdviseCtx *ctx, Advice *a, bool concurrently)
{
	set_ddl(a, "partstrat_ddl_retention",
			ps_advice_ddl_retention(ctx->tree->root, ctx->retention,
									concurrently, ctx->now));
}

static void
ddl_premake(AdviseCtx *ctx, Advice *a, int count)
{
	set_ddl(a, "partstrat_ddl_premake",
			ps_advice_ddl_premake(ctx->tree->root, count));
}

static void
ddl_rescue_default(AdviseCtx *ctx, Advice *a, int g)
{
	set_ddl(a, "partstrat_ddl_rescue_default",
			ps_advice_ddl_rescue_range(group_relid(ctx->tree, g)));
}

static void
ddl_guard_default(AdviseCtx *ctx, Advice *a, int g)
{
	set_ddl(a, "partstrat_ddl_guard_default",
			ps_advice_ddl_guard(group_relid(ctx->tree, g)));
}

/* ----------------------------------------------------------------
 * Time layout
 * ----------------------------------------------------------------
 */

/* The key of a group (its parent's key), and whether it is a time range. */
static PsKey *
group_key(PsTree *tree, int g)
{
	return g < 0 ? &tree->keys[0] :
		&tree->keys[tree->parts[g].own_key_index];
}

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

static Timestamp
add_months(Timestamp t, int months)
{
	struct pg_tm tm;
	fsec_t		fsec;
	Timestamp	out;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		return t;
	tm.tm_mon += months;
	while (tm.tm_mon > MONTHS_PER_YEAR)
	{
		tm.tm_mon -= MONTHS_PER_YEAR;
		tm.tm_year++;
	}
	if (tm2timestamp(&tm, fsec, NULL, &out) != 0)
		return t;
	return out;
}

static Timestamp
step_add(const TimeStep *st, Timestamp t, int n)
{
	return st->months > 0 ? add_months(t, st->months * n) : t + st->usec * n;
}

/* The width of one partition: calendar months when aligned to them. */
static TimeStep
part_step(int64 lo, int64 hi)
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
	if (timestamp2tm(lo, NULL, &a, &fa, NULL, NULL) == 0 &&
		timestamp2tm(hi, NULL, &b, &fb, NULL, NULL) == 0 &&
		a.tm_mday == 1 && b.tm_mday == 1 && a.tm_hour == 0 && b.tm_hour == 0 &&
		a.tm_min == 0 && b.tm_min == 0 && a.tm_sec == 0 && b.tm_sec == 0 &&
		fa == 0 && fb == 0)
	{
		st.months = (b.tm_year - a.tm_year) * 12 + (b.tm_mon - a.tm_mon);
		st.approx_usec = (int64) (st.months * 30.436875 * USECS_PER_DAY);
		st.adjective = st.months == 1 ? "monthly" : st.months == 3 ?
			"quarterly" : st.months == 12 ? "yearly" :
			psprintf("%d-month", st.months);
		st.noun = st.months == 1 ? "months" : st.months == 3 ?
			"quarters" : st.months == 12 ? "years" :
			psprintf("intervals of %d months", st.months);
		return st;
	}
	st.usec = hi - lo;
	st.approx_usec = st.usec;
	st.adjective = st.usec == USECS_PER_DAY ? "daily" :
		st.usec == 7 * USECS_PER_DAY ? "weekly" :
		st.usec == USECS_PER_HOUR ? "hourly" :
		psprintf("%.4g-day", (double) st.usec / USECS_PER_DAY);
	st.noun = st.usec == USECS_PER_DAY ? "days" :
		st.usec == 7 * USECS_PER_DAY ? "weeks" :
		st.usec == USECS_PER_HOUR ? "hours" :
		psprintf("intervals of %.4g days", (double) st.usec / USECS_PER_DAY);
	return st;
}

/* An interval as text that does not depend on IntervalStyle. */
static char *
interval_text(const Interval *iv)
{
	StringInfoData buf;
	int			years = iv->month / MONTHS_PER_YEAR;
	int			months = iv->month % MONTHS_PER_YEAR;

	initStringInfo(&buf);
	if (years)
		appendStringInfo(&buf, "%d year%s", years, years == 1 ? "" : "s");
	if (months)
		appendStringInfo(&buf, "%s%d month%s", buf.len ? " " : "", months,
						 months == 1 ? "" : "s");
	if (iv->day)
		appendStringInfo(&buf, "%s%d day%s", buf.len ? " " : "", iv->day,
						 iv->day == 1 ? "" : "s");
	if (iv->time)
	{
		int64		secs = iv->time / USECS_PER_SEC;

		appendStringInfo(&buf, "%s%02d:%02d:%02d", buf.len ? " " : "",
						 (int) (secs / 3600), (int) (secs / 60 % 60),
						 (int) (secs % 60));
	}
	return buf.data;
}

static char *
usec_text(int64 usec, Oid typid)
{
	if (typid == DATEOID)
		return ps_datum_to_iso(DateADTGetDatum((DateADT) (usec / USECS_PER_DAY)),
							   DATEOID);
	return ps_datum_to_iso(TimestampGetDatum(usec), typid);
}

/* Bytes of a part: its own (a leaf) or its leaves' (partitioned). */
static int64
subtree_bytes(AdviseCtx *ctx, int i)
{
	PsPartition *p = &ctx->tree->parts[i];
	int64		sum = 0;
	int			c;

	if (p->is_leaf)
		return ctx->skew->leaf_of[i] >= 0 ?
			Max(ctx->skew->leaves[ctx->skew->leaf_of[i]].bytes, 0) : 0;
	for (c = 0; c < p->nchildren; c++)
		sum += subtree_bytes(ctx, p->children[c]);
	return sum;
}

/*
 * The locks of a split or merge script (ps_ddl_emit_replace): the parent g
 * SHARE first, then the partitions replaced SHARE for the copy; ACCESS
 * EXCLUSIVE only from the DETACH to COMMIT; the DEFAULT scanned per ATTACH.
 */
static int	default_of(PsTree *tree, int g);

static char *
replace_lock_text(PsTree *tree, int g, const char *what)
{
	int			d = default_of(tree, g);

	return psprintf("SHARE on %s, then %s (reads go on; writes wait); ACCESS EXCLUSIVE on them only from the DETACH to COMMIT, catalog changes only: milliseconds%s",
					part_name(tree, g), what,
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
	StringInfoData ddl;
	Advice	   *a;
	int			i;

	initStringInfo(&ddl);
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
		appendStringInfo(&ddl, "%s%s", n == 1 ? "ANALYZE " : ", ",
						 qname(&tree->parts[l->part]));
	}
	if (n == 0)
		return;
	ctx->any_stale = true;
	appendStringInfoChar(&ddl, ';');
	a = new_advice(ctx, ADV_ANALYZE, n);
	set_parts(a, parts, n);
	a->ddl = ddl.data;
	a->lock = pstrdup("SHARE UPDATE EXCLUSIVE on each leaf while it is sampled (reads and writes go on)");
	json_key_int(&a->evidence, "never_analyzed", never);
	json_key_int(&a->evidence, "stale", stale);
	json_key_num(&a->evidence, "stale_fraction", PS_STALE_FRACTION, 2);
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
		parent = part_name(tree, p->parent_index);
		rows = Max(ctx->skew->rows[i], 0);
		for (j = i; j < tree->nparts; j++)
		{
			int			up = j;

			while (up >= 0 && up != i)
				up = tree->parts[up].parent_index;
			if (up == i)
				ctx->taken[j] = true;
		}
		a = new_advice(ctx, ADV_FINALIZE_DETACH, (double) rows);
		set_part(a, i);
		json_key_str(&a->evidence, "parent", parent);
		json_key_str(&a->evidence, "bound", p->bound_text);
		json_key_int(&a->evidence, "rows", rows);
		json_key_int(&a->evidence, "bytes", subtree_bytes(ctx, i));
		a->reason = psprintf("%s is half-detached from %s since an interrupted DETACH PARTITION ... CONCURRENTLY (or one still waiting for older transactions): its " INT64_FORMAT " rows (%s) are no longer read through %s and new rows for its bound (%s) are rejected, yet it still blocks every other DETACH ... CONCURRENTLY of %s and any new partition overlapping that bound: finish the detach with FINALIZE%s.",
							 p->relname, parent, rows,
							 ps_size_pretty(subtree_bytes(ctx, i)), parent,
							 p->bound_text, parent,
							 p->parent_index < 0 && ctx->retention_deferred > 0 ?
							 psprintf(", then advise again for the retention of %d older partition%s",
									  ctx->retention_deferred,
									  ctx->retention_deferred > 1 ? "s" : "") : "");
		if (p->parent_index < 0 && ctx->retention_deferred > 0)
			json_key_int(&a->evidence, "retention_deferred", ctx->retention_deferred);
		a->ddl = psprintf("ALTER TABLE %s DETACH PARTITION %s FINALIZE;",
						  p->parent_index < 0 ? root_qname(tree) :
						  qname(&tree->parts[p->parent_index]), qname(p));
		a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s (reads and writes go on) and ACCESS EXCLUSIVE on %s until COMMIT, after waiting for every transaction with an older snapshot to end",
						   parent, p->relname);
	}
}

/* ----------------------------------------------------------------
 * DEFAULT partitions: rescue, create, drop, guard
 * ----------------------------------------------------------------
 */

static int
default_of(PsTree *tree, int g)
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
	PsKey	   *key = group_key(tree, g);
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

	a = new_advice(ctx, ADV_RESCUE_DEFAULT, l->rows);
	set_part(a, d);
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
						 pct(s->total_rows > 0 ? (double) v->rows / s->total_rows : 0));
		if (i > 0)
			appendStringInfoString(&json, ", ");
		appendStringInfoString(&json, "{\"value\": ");
		escape_json(&json, v->text);
		appendStringInfo(&json, ", \"freq_in_default\": %.4f, \"rows\": " INT64_FORMAT "}",
						 v->freq, v->rows);
	}
	appendStringInfoChar(&json, ']');
	json_key_int(&a->evidence, "rows", l->rows);
	json_key_int(&a->evidence, "bytes", l->bytes);
	json_key_num(&a->evidence, "share", l->share, 4);
	json_key_str(&a->evidence, "key", key->colnames[0]);
	json_key_raw(&a->evidence, "heavy_values", json.data);
	if (nsib > 0)
		json_key_int(&a->evidence, "median_partition_rows", median);
	json_key_int(&a->evidence, "threshold_rows", threshold);
	a->reason = finish_reason(ctx, a,
							  psprintf("%s holds " INT64_FORMAT " rows (%s of the table, %s); %s %s %s: give %s a list partition of %s own",
									   tree->parts[d].relname, l->rows,
									   pct(l->share), ps_size_pretty(l->bytes),
									   list.data, nheavy > 1 ? "each hold" : "holds",
									   nsib > 0 ? psprintf("at least half as many rows as the median list partition of %s (" INT64_FORMAT ")",
														   part_name(tree, g), median) :
									   "at least a tenth of them",
									   nheavy > 1 ? "each" : "it",
									   "its"));
	set_ddl(a, "the list rescue",
			ps_advice_ddl_rescue_list(group_relid(tree, g), key,
									  tree->parts[d].relid,
									  tree->parts[tmpl >= 0 ? tmpl : d].relid,
									  nheavy, values));
	a->rows_moved = moved;
	a->lock = psprintf("one transaction per value: SHARE on %s and SHARE ROW EXCLUSIVE on %s while the value's rows move (reads go on; writes wait), then ACCESS EXCLUSIVE on %s for the ATTACH, which scans it",
					   part_name(tree, g), tree->parts[d].relname,
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

static void
advise_defaults(AdviseCtx *ctx, bool retention_advised)
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
		Advice	   *a;

		/* leaves, and parents half-detached (finalize_detach first) */
		if (g >= 0 && (tree->parts[g].is_leaf || ctx->taken[g]))
			continue;
		key = group_key(tree, g);
		d = default_of(tree, g);

		if (d < 0)
		{
			/* create_default: a hole in a range parent's coverage */
			int			n,
						i,
						gaps = 0,
						first = -1;
			int		   *children = ps_children_of(tree, g, &n);

			if (key->strategy != PS_STRATEGY_RANGE)
				continue;
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
				continue;
			a = new_advice(ctx, ADV_CREATE_DEFAULT, gaps);
			set_part(a, children[first]);
			a->reason = psprintf("%s has %d hole%s in its range coverage (the first before %s, from %s to %s) and no DEFAULT partition: rows with keys in %s are rejected.",
								 part_name(tree, g), gaps, gaps > 1 ? "s" : "",
								 tree->parts[children[first]].relname,
								 tree->parts[children[first - 1]].range_to[0].text,
								 tree->parts[children[first]].range_from[0].text,
								 gaps > 1 ? "them" : "it");
			json_key_int(&a->evidence, "gaps", gaps);
			json_key_str(&a->evidence, "gap_from", tree->parts[children[first - 1]].range_to[0].text);
			json_key_str(&a->evidence, "gap_to", tree->parts[children[first]].range_from[0].text);
			{
				const char *pname = part_name(tree, g);
				const char *pnsp = g < 0 ?
					get_namespace_name(get_rel_namespace(tree->root)) :
					tree->parts[g].nspname;

				a->ddl = ps_ddl_pin(psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT;",
											 quote_qualified_identifier(pnsp, make_name(pname, "_default")),
											 quote_qualified_identifier(pnsp, pname)));
			}
			a->lock = pstrdup("ACCESS EXCLUSIVE on the parent, briefly (CREATE TABLE ... PARTITION OF)");
			continue;
		}

		dp = &tree->parts[d];
		if (!dp->is_leaf || s->leaf_of[d] < 0)
			continue;
		l = &s->leaves[s->leaf_of[d]];

		if (l->rows > 0 && key->strategy == PS_STRATEGY_RANGE)
		{
			PsKeyStats *ks = ps_skew_keystats(s, s->leaf_of[d]);

			a = new_advice(ctx, ADV_RESCUE_DEFAULT, l->rows);
			set_part(a, d);
			ctx->taken[d] = true;
			json_key_int(&a->evidence, "rows", l->rows);
			json_key_int(&a->evidence, "bytes", l->bytes);
			json_key_num(&a->evidence, "share", l->share, 4);
			if (ks->found && ks->lo_text)
			{
				json_key_str(&a->evidence, "key_min", ks->lo_text);
				json_key_str(&a->evidence, "key_max", ks->hi_text);
				a->reason = psprintf("%s holds " INT64_FORMAT " rows (%s of the table, %s) with %s from %s to %s, which belong in partitions of their own",
									 dp->relname, l->rows, pct(l->share),
									 ps_size_pretty(l->bytes),
									 key->colnames[0] ? key->colnames[0] : "keys",
									 ks->lo_text, ks->hi_text);
			}
			else
				a->reason = psprintf("%s holds " INT64_FORMAT " rows (%s of the table, %s), which belong in partitions of their own",
									 dp->relname, l->rows, pct(l->share),
									 ps_size_pretty(l->bytes));
			if (!s->stats_readable)
				json_key_str(&a->evidence, "pg_stats", "no access: key range not shown");
			a->reason = finish_reason(ctx, a, a->reason);
			ddl_rescue_default(ctx, a, g);
			a->rows_moved = l->rows;
			a->lock = psprintf("one transaction per new partition: SHARE on %s and SHARE ROW EXCLUSIVE on %s while its rows move (reads go on; writes wait), then ACCESS EXCLUSIVE on %s for the ATTACH, which scans it",
							   part_name(tree, g), dp->relname, dp->relname);
		}
		else if (l->rows > 0 && key->strategy == PS_STRATEGY_LIST &&
				 advise_list_rescue(ctx, g, d))
			continue;
		else if (l->rows > 0 && key->strategy == PS_STRATEGY_LIST &&
				 l->bytes >= ctx->target / 4 && guardable_list_default(ctx, d))
		{
			double		nd = list_default_values(ctx, d);

			a = new_advice(ctx, ADV_GUARD_DEFAULT, l->bytes);
			set_part(a, d);
			json_key_int(&a->evidence, "rows", l->rows);
			json_key_int(&a->evidence, "bytes", l->bytes);
			json_key_int(&a->evidence, "target_bytes", ctx->target);
			if (nd >= 0)
				json_key_int(&a->evidence, "distinct_values", (int64) rint(nd));
			a->reason = finish_reason(ctx, a,
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
		else if (l->rows == 0 && dp->mods_since_analyze == 0 &&
				 retention_advised && g < 0 &&
				 key->strategy == PS_STRATEGY_RANGE)
		{
			a = new_advice(ctx, ADV_DROP_DEFAULT, 1);
			set_part(a, d);
			json_key_int(&a->evidence, "rows", 0);
			a->reason = psprintf("%s is empty and, while it exists, the retention advice cannot use DETACH PARTITION ... CONCURRENTLY, which keeps reads and writes going.",
								 dp->relname);
			a->ddl = psprintf("DROP TABLE %s;", qname(dp));
			a->lock = pstrdup("ACCESS EXCLUSIVE on the parent, briefly");
		}
	}
}

/* ----------------------------------------------------------------
 * premake and retention (time-range root)
 * ----------------------------------------------------------------
 */

/* The newest bounded child of the root and its step. */
static int
newest_child(AdviseCtx *ctx, TimeStep *st, int64 *hi_out, bool *unbounded)
{
	PsTree	   *tree = ctx->tree;
	int			n,
				i,
				best = -1;
	int		   *children = ps_children_of(tree, -1, &n);
	int64		best_hi = 0;

	*unbounded = false;
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
			*st = part_step(lo, hi);
		}
	}
	*hi_out = best_hi;
	return best;
}

static void
advise_premake(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	TimeStep	st;
	int64		hi;
	bool		unbounded;
	int			newest;
	Timestamp	want;
	Timestamp	live_from;
	int			count = 0;
	double		left;
	Timestamp	t;
	Advice	   *a;
	Oid			typid = tree->keys[0].typids[0];

	if (!is_time_range(&tree->keys[0]))
		return;
	newest = newest_child(ctx, &st, &hi, &unbounded);
	if (newest < 0 || unbounded || !st.valid)
		return;
	want = step_add(&st, ctx->now, ps_premake_min);
	live_from = step_add(&st, ctx->now, -ps_premake_min);
	if (hi >= want || hi < live_from)
		return;					/* enough ahead, or an archive */
	for (t = hi; t < want && count < 10000; t = step_add(&st, t, 1))
		count++;
	left = (double) (hi - ctx->now) / st.approx_usec;
	a = new_advice(ctx, ADV_PREMAKE, count);
	set_part(a, newest);
	json_key_str(&a->evidence, "newest_partition", tree->parts[newest].relname);
	json_key_str(&a->evidence, "newest_ends", usec_text(hi, typid));
	json_key_str(&a->evidence, "now", usec_text(ctx->now, TIMESTAMPTZOID));
	json_key_num(&a->evidence, "intervals_left", left, 2);
	json_key_str(&a->evidence, "interval", st.adjective);
	json_key_int(&a->evidence, "premake_min", ps_premake_min);
	json_key_int(&a->evidence, "partitions_to_create", count);
	if (left >= 0)
		a->reason = psprintf("The newest partition of %s, %s, ends at %s, %.1f %s after now, fewer than partstrat.premake_min (%d): create %d more %s partitions.",
							 get_rel_name(tree->root), tree->parts[newest].relname,
							 usec_text(hi, typid), left, st.noun,
							 ps_premake_min, count, st.adjective);
	else
		a->reason = psprintf("The newest partition of %s, %s, ended at %s, %.1f %s before now, so rows of now %s: create %d more %s partitions.",
							 get_rel_name(tree->root), tree->parts[newest].relname,
							 usec_text(hi, typid), -left, st.noun,
							 default_of(tree, -1) >= 0 ? "go to the DEFAULT partition" :
							 "are rejected", count, st.adjective);
	ddl_premake(ctx, a, count);
	{
		int			d = default_of(tree, -1);

		if (d >= 0)
			a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE on %s from the first ATTACH to COMMIT, which scans it",
							   get_rel_name(tree->root), tree->parts[d].relname);
		else
			a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s for the whole script (reads and writes go on); ACCESS EXCLUSIVE only on the new, empty tables",
							   get_rel_name(tree->root));
	}
}

/* Returns true when retention advice was given. */
static bool
advise_retention(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			n,
				i,
				nold = 0;
	int		   *children;
	int		   *old;
	int64		rows = 0,
				bytes = 0;
	Timestamp	cutoff;
	Advice	   *a;
	Oid			typid = tree->keys[0].typids[0];
	StringInfoData names;

	if (ctx->retention == NULL)
		return false;
	if (!is_time_range(&tree->keys[0]))
	{
		ereport(NOTICE,
				(errmsg("retention is ignored: \"%s\" is not partitioned by a range of dates or timestamps",
						get_rel_name(tree->root))));
		return false;
	}
	cutoff = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													 TimestampTzGetDatum(ctx->now),
													 IntervalPGetDatum(ctx->retention)));
	children = ps_children_of(tree, -1, &n);
	old = palloc(sizeof(int) * Max(n, 1));
	initStringInfo(&names);
	for (i = 0; i < n; i++)
	{
		int64		lo,
					hi;
		int			j;

		if (tree->parts[children[i]].detach_pending ||
			!part_bounds_usec(tree, children[i], &lo, &hi) || hi > cutoff)
			continue;
		old[nold++] = children[i];
		rows += s->rows[children[i]] > 0 ? s->rows[children[i]] : 0;
		bytes += subtree_bytes(ctx, children[i]);
		/* the whole subtree is dropped: nothing else for it */
		ctx->taken[children[i]] = true;
		for (j = children[i] + 1;
			 !tree->parts[children[i]].is_leaf && j < tree->nparts; j++)
		{
			int			up = tree->parts[j].parent_index;

			while (up >= 0 && up != children[i])
				up = tree->parts[up].parent_index;
			if (up == children[i])
				ctx->taken[j] = true;
		}
	}
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
	a = new_advice(ctx, ADV_RETENTION, nold);
	set_parts(a, old, nold);
	json_key_str(&a->evidence, "cutoff", usec_text(cutoff, typid));
	json_key_int(&a->evidence, "partitions", nold);
	json_key_int(&a->evidence, "rows_dropped", rows);
	json_key_int(&a->evidence, "bytes", bytes);
	a->reason = psprintf("%d partition%s of %s (%s to %s, " INT64_FORMAT " rows, %s) hold only keys before %s, older than the retention of %s: detach them (their rows stay in standalone tables, to archive or drop).",
						 nold, nold > 1 ? "s" : "", get_rel_name(tree->root),
						 tree->parts[old[0]].relname,
						 tree->parts[old[nold - 1]].relname, rows,
						 ps_size_pretty(bytes), usec_text(cutoff, typid),
						 interval_text(ctx->retention));
	if (default_of(tree, -1) >= 0)
	{
		ddl_retention(ctx, a, false);
		a->lock = psprintf("ACCESS EXCLUSIVE on %s from the first DETACH to COMMIT, catalog changes only: milliseconds (DETACH ... CONCURRENTLY is refused while a DEFAULT exists); ACCESS EXCLUSIVE on each detached partition",
						   get_rel_name(tree->root));
	}
	else
	{
		ddl_retention(ctx, a, true);
		a->lock = psprintf("SHARE UPDATE EXCLUSIVE on %s per DETACH PARTITION ... CONCURRENTLY, run outside a transaction block (reads and writes go on); ACCESS EXCLUSIVE on each detached partition",
						   get_rel_name(tree->root));
	}
	return true;
}

/* ----------------------------------------------------------------
 * split and repartition
 * ----------------------------------------------------------------
 */

static int
next_pow2(int n)
{
	int			p = 1;

	while (p < n && p < (1 << 20))
		p <<= 1;
	return p;
}

/*
 * The column of a leaf, other than the key, with the most distinct values
 * in its statistics and a hash opclass: what a whale is sub-partitioned by.
 */
static char *
best_subcolumn(AdviseCtx *ctx, int leaf, const char *keycol)
{
	PsPartition *p = &ctx->tree->parts[ctx->skew->leaves[leaf].part];
	int64		rows = ctx->skew->leaves[leaf].rows;
	HeapTuple	ctup = SearchSysCache1(RELOID, ObjectIdGetDatum(p->relid));
	int			natts;
	AttrNumber	att;
	char	   *best = NULL;
	double		best_nd = 1;

	if (!HeapTupleIsValid(ctup))
		return NULL;
	natts = ((Form_pg_class) GETSTRUCT(ctup))->relnatts;
	ReleaseSysCache(ctup);
	for (att = 1; att <= natts; att++)
	{
		HeapTuple	atup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(p->relid),
										   Int16GetDatum(att));
		Form_pg_attribute form;
		HeapTuple	stup;
		double		nd;
		char	   *name;
		AttrNumber	rootatt;

		if (!HeapTupleIsValid(atup))
			continue;
		form = (Form_pg_attribute) GETSTRUCT(atup);
		name = pstrdup(NameStr(form->attname));
		if (form->attisdropped || strcmp(name, keycol) == 0 ||
			!OidIsValid(lookup_type_cache(form->atttypid,
										  TYPECACHE_HASH_OPFAMILY)->hash_opf))
		{
			ReleaseSysCache(atup);
			continue;
		}
		ReleaseSysCache(atup);
		/* pg_stats rule: SELECT on the table or the column */
		rootatt = get_attnum(ctx->tree->root, name);
		if (rootatt == InvalidAttrNumber ||
			(pg_class_aclcheck(ctx->tree->root, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
			 pg_attribute_aclcheck(ctx->tree->root, rootatt, GetUserId(),
								   ACL_SELECT) != ACLCHECK_OK))
			continue;
		stup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(p->relid),
							   Int16GetDatum(att), BoolGetDatum(false));
		if (!HeapTupleIsValid(stup))
			continue;
		nd = ((Form_pg_statistic) GETSTRUCT(stup))->stadistinct;
		ReleaseSysCache(stup);
		if (nd < 0)
			nd = -nd * Max(rows, 0);
		if (nd > best_nd)
		{
			best_nd = nd;
			best = name;
		}
	}
	return best;
}

/* Append one proposed partition to the DDL and to the evidence layout. */
static void
propose(StringInfo ddl, StringInfo layout, const char *stmt,
		const char *name, const char *bound, int64 rows)
{
	if (rows >= 0)
		appendStringInfo(ddl, "%s  -- predicted rows: " INT64_FORMAT "\n",
						 stmt, rows);
	else
		appendStringInfo(ddl, "%s\n", stmt);
	if (rows < 0)
		return;
	if (layout->len > 1)
		appendStringInfoString(layout, ", ");
	appendStringInfoString(layout, "{\"partition\": ");
	escape_json(layout, name);
	appendStringInfoString(layout, ", \"bound\": ");
	escape_json(layout, bound);
	appendStringInfo(layout, ", \"predicted_rows\": " INT64_FORMAT "}", rows);
}

/*
 * The whale values' own LIST partitions under "newq", sub-partitioned by
 * hash of another column when one value alone is above the target.
 */
static void
propose_whales(AdviseCtx *ctx, StringInfo ddl, StringInfo layout,
			   const char *nsp, const char *newname, const char *keycol,
			   int nwhale, PsHeavyValue *whales, int *whale_leaf)
{
	char	   *newq = quote_qualified_identifier(nsp, newname);
	int			w;

	for (w = 0; w < nwhale; w++)
	{
		PsLeafSkew *l = &ctx->skew->leaves[whale_leaf[w]];
		char	   *wname = make_name(newname, psprintf("_v%d", w + 1));
		char	   *wq = quote_qualified_identifier(nsp, wname);
		char	   *bound = psprintf("FOR VALUES IN (%s)",
									 quote_literal_cstr(whales[w].text));
		double		wbytes = whales[w].freq * Max(l->bytes, 0);
		int			sub = wbytes > ctx->target ?
			next_pow2((int) ceil(wbytes / ctx->target)) : 0;
		char	   *subcol = sub ? best_subcolumn(ctx, whale_leaf[w], keycol) : NULL;
		int			r;

		if (sub > 1 && subcol)
		{
			propose(ddl, layout,
					psprintf("CREATE TABLE %s PARTITION OF %s %s PARTITION BY HASH (%s);",
							 wq, newq, bound, quote_identifier(subcol)),
					wname, bound, -1);
			for (r = 0; r < sub; r++)
			{
				char	   *pname = make_name(wname, psprintf("_p%d", r));
				char	   *pbound = psprintf("FOR VALUES WITH (MODULUS %d, REMAINDER %d)", sub, r);

				propose(ddl, layout,
						psprintf("CREATE TABLE %s PARTITION OF %s %s;",
								 quote_qualified_identifier(nsp, pname), wq, pbound),
						pname, pbound, whales[w].rows / sub);
			}
		}
		else
			propose(ddl, layout,
					psprintf("CREATE TABLE %s PARTITION OF %s %s;", wq, newq, bound),
					wname, bound, whales[w].rows);
	}
}

/* repartition of a hash parent whose imbalance comes from heavy values */
static void
advise_hash_repartition(AdviseCtx *ctx, int g, int *wleaves, int nw)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	PsKey	   *key = group_key(tree, g);
	const char *keycol = key->colnames[0];
	const char *pname = part_name(tree, g);
	const char *nsp = g < 0 ? get_namespace_name(get_rel_namespace(tree->root)) :
		tree->parts[g].nspname;
	char	   *newname = make_name(pname, "_new");
	char	   *restname = make_name(newname, "_rest");
	PsHeavyValue *whales;
	int		   *whale_leaf;
	int			nwhale = 0;
	int		   *parts = palloc(sizeof(int) * nw);
	StringInfoData ddl;
	StringInfoData layout;
	PsLeafSkew *top;
	int			n,
				i,
				j;
	int		   *children = ps_children_of(tree, g, &n);
	int64		parent_rows = g < 0 ? s->total_rows : s->rows[g];
	Advice	   *a;

	for (i = 0; i < nw; i++)
		nwhale += s->leaves[wleaves[i]].nheavy;
	whales = palloc(sizeof(PsHeavyValue) * Max(nwhale, 1));
	whale_leaf = palloc(sizeof(int) * Max(nwhale, 1));
	nwhale = 0;
	for (i = 0; i < nw; i++)
	{
		PsLeafSkew *l = &s->leaves[wleaves[i]];

		parts[i] = l->part;
		ctx->taken[l->part] = true;
		for (j = 0; j < l->nheavy; j++)
		{
			whales[nwhale] = l->heavy[j];
			whale_leaf[nwhale++] = wleaves[i];
		}
	}
	for (i = 1; i < nwhale; i++)
	{
		if (whales[i].rows > whales[0].rows)
		{
			PsHeavyValue t = whales[0];
			int			tl = whale_leaf[0];

			whales[0] = whales[i];
			whale_leaf[0] = whale_leaf[i];
			whales[i] = t;
			whale_leaf[i] = tl;
		}
	}
	top = &s->leaves[whale_leaf[0]];

	a = new_advice(ctx, ADV_REPARTITION, (double) whales[0].rows);
	set_parts(a, parts, nw);
	json_key_str(&a->evidence, "key", keycol);
	{
		StringInfoData hv;

		initStringInfo(&hv);
		appendStringInfoChar(&hv, '[');
		for (i = 0; i < nwhale; i++)
		{
			if (i > 0)
				appendStringInfoString(&hv, ", ");
			appendStringInfoString(&hv, "{\"value\": ");
			escape_json(&hv, whales[i].text);
			appendStringInfo(&hv, ", \"partition\": ");
			escape_json(&hv, tree->parts[s->leaves[whale_leaf[i]].part].relname);
			appendStringInfo(&hv, ", \"freq_in_partition\": %.4f, \"rows\": " INT64_FORMAT "}",
							 whales[i].freq, whales[i].rows);
		}
		appendStringInfoChar(&hv, ']');
		json_key_raw(&a->evidence, "heavy_values", hv.data);
	}
	json_key_num(&a->evidence, "share_of_parent", top->parent_share, 4);
	json_key_num(&a->evidence, "expected_share", top->expected_share, 4);
	a->reason = psprintf("%s = %s holds " INT64_FORMAT " rows, %s of %s, and makes %s hold %.1f× its fair share of 1/%d",
						 keycol, whales[0].text, whales[0].rows,
						 pct(parent_rows > 0 ? (double) whales[0].rows / parent_rows : 0),
						 pname, tree->parts[top->part].relname,
						 top->parent_share / top->expected_share,
						 (int) rint(1.0 / top->expected_share));
	a->reason = psprintf("%s%s: hashing never splits one value, so give %s a LIST partition of its own and hash the other values",
						 a->reason,
						 nwhale > 1 ? psprintf(" (with %d more heavy value%s)", nwhale - 1, nwhale > 2 ? "s" : "") : "",
						 nwhale > 1 ? "each" : "it");
	a->reason = finish_reason(ctx, a, a->reason);

	initStringInfo(&ddl);
	initStringInfo(&layout);
	appendStringInfoChar(&layout, '[');
	appendStringInfo(&ddl, "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (%s);\n",
					 quote_qualified_identifier(nsp, newname),
					 quote_qualified_identifier(nsp, pname),
					 quote_identifier(keycol));
	propose_whales(ctx, &ddl, &layout, nsp, newname, keycol, nwhale, whales,
				   whale_leaf);
	propose(&ddl, &layout,
			psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT PARTITION BY HASH (%s);",
					 quote_qualified_identifier(nsp, restname),
					 quote_qualified_identifier(nsp, newname),
					 quote_identifier(keycol)),
			restname, "DEFAULT", -1);
	for (i = 0; i < n; i++)
	{
		PsPartition *c = &tree->parts[children[i]];
		int64		rows = Max(s->rows[children[i]], 0);
		char	   *cname;
		char	   *cbound;

		if (c->is_default || c->modulus <= 0)
			continue;
		for (j = 0; j < nwhale; j++)
		{
			if (s->leaves[whale_leaf[j]].part == children[i])
				rows -= whales[j].rows;
		}
		cname = make_name(restname, psprintf("_p%d", c->remainder));
		cbound = psprintf("FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
						  c->modulus, c->remainder);
		propose(&ddl, &layout,
				psprintf("CREATE TABLE %s PARTITION OF %s %s;",
						 quote_qualified_identifier(nsp, cname),
						 quote_qualified_identifier(nsp, restname), cbound),
				cname, cbound, Max(rows, 0));
	}
	appendStringInfoChar(&layout, ']');
	json_key_raw(&a->evidence, "proposed_layout", layout.data);
	append_last_comment(&ddl,
						psprintf("then copy the rows of %s into %s and swap the names",
								 quote_qualified_identifier(nsp, pname),
								 quote_qualified_identifier(nsp, newname)));
	a->ddl = ps_ddl_pin(ddl.data);
	a->rows_moved = parent_rows;
	a->lock = psprintf("ACCESS SHARE on %s while its rows are copied (writes must be paused or replayed); ACCESS EXCLUSIVE on both tables for the rename",
					   pname);
}

/* repartition of one range or list leaf whose rows sit on few values */
static void
advise_leaf_repartition(AdviseCtx *ctx, int leaf, int pieces,
						PsKeyStats *ks, int nwhale)
{
	PsTree	   *tree = ctx->tree;
	PsLeafSkew *l = &ctx->skew->leaves[leaf];
	PsPartition *p = &tree->parts[l->part];
	PsKey	   *key = &tree->keys[p->key_index];
	const char *keycol = key->colnames[0];
	char	   *newname = make_name(p->relname, "_new");
	char	   *restname = make_name(newname, "_rest");
	int		   *whale_leaf = palloc(sizeof(int) * Max(nwhale, 1));
	int64		rest = l->rows;
	StringInfoData ddl;
	StringInfoData layout;
	PsBound		bound;
	Advice	   *a;
	int			i;

	for (i = 0; i < nwhale; i++)
	{
		whale_leaf[i] = leaf;
		rest -= ks->mcv[i].rows;
	}
	ctx->taken[l->part] = true;
	a = new_advice(ctx, ADV_REPARTITION, (double) l->bytes);
	set_part(a, l->part);
	json_key_int(&a->evidence, "bytes", l->bytes);
	json_key_int(&a->evidence, "rows", l->rows);
	json_key_int(&a->evidence, "target_bytes", ctx->target);
	json_key_int(&a->evidence, "pieces_needed", pieces);
	json_key_str(&a->evidence, "key", keycol);
	json_key_str(&a->evidence, "value", ks->mcv[0].text);
	json_key_num(&a->evidence, "value_share", ks->mcv[0].freq, 4);
	json_key_num(&a->evidence, "ideal_piece_share", 1.0 / pieces, 4);
	a->reason = finish_reason(ctx, a,
							  psprintf("%s is %s, more than twice the %s target, but %s = %s holds %s of its rows, more than %.1f× the %s share of one of %d pieces: splitting on the key cannot help, so give the value a partition of its own%s",
									   p->relname, ps_size_pretty(l->bytes),
									   ps_size_pretty(ctx->target), keycol,
									   ks->mcv[0].text, pct(ks->mcv[0].freq),
									   ps_whale_factor, pct(1.0 / pieces), pieces,
									   nwhale > 1 ? psprintf(" (and to %d more values)", nwhale - 1) : ""));
	initStringInfo(&ddl);
	initStringInfo(&layout);
	appendStringInfoChar(&layout, '[');
	appendStringInfo(&ddl, "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (%s);\n",
					 quote_qualified_identifier(p->nspname, newname), qname(p),
					 quote_identifier(keycol));
	propose_whales(ctx, &ddl, &layout, p->nspname, newname, keycol, nwhale,
				   ks->mcv, whale_leaf);
	propose(&ddl, &layout,
			psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT;",
					 quote_qualified_identifier(p->nspname, restname),
					 quote_qualified_identifier(p->nspname, newname)),
			restname, "DEFAULT", Max(rest, 0));
	appendStringInfoChar(&layout, ']');
	json_key_raw(&a->evidence, "proposed_layout", layout.data);
	/* the bound in ISO form (bound_text follows the session's DateStyle) */
	bound = ps_bound_of(tree, p);
	append_last_comment(&ddl,
						psprintf("then copy the rows of %s into %s, DETACH the old leaf and ATTACH the new table %s",
								 qname(p), quote_qualified_identifier(p->nspname, newname),
								 ps_ddl_bound_clause(&bound)));
	a->ddl = ps_ddl_pin(ddl.data);
	a->rows_moved = l->rows;
	a->lock = psprintf("ACCESS EXCLUSIVE on the parent for the DETACH and on %s; SHARE UPDATE EXCLUSIVE on the parent for the ATTACH",
					   p->relname);
}

static void
advise_split(AdviseCtx *ctx, int leaf, int pieces, PsKeyStats *ks)
{
	PsTree	   *tree = ctx->tree;
	PsLeafSkew *l = &ctx->skew->leaves[leaf];
	PsPartition *p = &tree->parts[l->part];
	Advice	   *a;
	bool		hash = p->strategy == PS_STRATEGY_HASH;

	ctx->taken[l->part] = true;
	a = new_advice(ctx, ADV_SPLIT, (double) l->bytes);
	set_part(a, l->part);
	json_key_int(&a->evidence, "bytes", l->bytes);
	json_key_int(&a->evidence, "rows", l->rows);
	json_key_num(&a->evidence, "share", l->share, 4);
	if (l->has_ratio)
		json_key_num(&a->evidence, "ratio_to_median", l->ratio_to_median, 2);
	json_key_int(&a->evidence, "target_bytes", ctx->target);
	json_key_int(&a->evidence, "pieces", pieces);
	if (hash)
		json_key_int(&a->evidence, "new_modulus", p->modulus * pieces);
	if (!ctx->skew->stats_readable)
		json_key_str(&a->evidence, "key_values", "not checked: no access to pg_stats");
	else if (!ks->found)
		json_key_str(&a->evidence, "key_values", "not checked: no statistics");
	else if (ks->nmcv > 0)
		json_key_num(&a->evidence, "largest_value_share", ks->mcv[0].freq, 4);
	a->reason = psprintf("%s holds %s of the rows (%s)%s, more than twice the %s target: split it into %d %s",
						 p->relname, pct(l->share), ps_size_pretty(l->bytes),
						 l->has_ratio ? psprintf(", %.1f× the median sibling",
												 l->ratio_to_median) : "",
						 ps_size_pretty(ctx->target), pieces,
						 hash ? psprintf("hash partitions of modulus %d",
										 p->modulus * pieces) : "pieces");
	a->reason = finish_reason(ctx, a, a->reason);
	ddl_split(ctx, a, l->part, pieces);
	a->rows_moved = l->rows;
	a->lock = replace_lock_text(tree, p->parent_index,
								psprintf("on %s while its " INT64_FORMAT " rows are copied",
										 p->relname, Max(l->rows, 0)));
}

/*
 * split of two or more hash leaves of one parent: one action, whose DDL is
 * the split script of each leaf (one transaction each), in remainder order.
 */
static void
advise_hash_splits(AdviseCtx *ctx, int g, int *leaves, int *pieces, int n)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int		   *parts = palloc(sizeof(int) * n);
	int			nsib = 0,
				after = 0,
				pmin = INT_MAX,
				pmax = 0,
				mmin = INT_MAX,
				mmax = 0,
				nc,
				i,
				j;
	int		   *children = ps_children_of(tree, g, &nc);
	int64		rows = 0,
				bytes = 0,
				bmin = PG_INT64_MAX,
				bmax = 0;
	StringInfoData ddl;
	StringInfoData split;
	StringInfoData names;
	Advice	   *a;

	/* remainder order (remainders of non-overlapping siblings differ) */
	for (i = 1; i < n; i++)
	{
		for (j = i; j > 0 && tree->parts[s->leaves[leaves[j]].part].remainder <
			 tree->parts[s->leaves[leaves[j - 1]].part].remainder; j--)
		{
			int			t = leaves[j];
			int			tp = pieces[j];

			leaves[j] = leaves[j - 1];
			pieces[j] = pieces[j - 1];
			leaves[j - 1] = t;
			pieces[j - 1] = tp;
		}
	}
	for (i = 0; i < nc; i++)
	{
		if (!tree->parts[children[i]].is_default &&
			!tree->parts[children[i]].detach_pending)
			nsib++;
	}
	initStringInfo(&split);
	appendStringInfoChar(&split, '[');
	for (i = 0; i < n; i++)
	{
		PsLeafSkew *l = &s->leaves[leaves[i]];
		PsPartition *p = &tree->parts[l->part];
		int			m = p->modulus * pieces[i];

		parts[i] = l->part;
		ctx->taken[l->part] = true;
		rows += Max(l->rows, 0);
		bytes += l->bytes;
		bmin = Min(bmin, l->bytes);
		bmax = Max(bmax, l->bytes);
		pmin = Min(pmin, pieces[i]);
		pmax = Max(pmax, pieces[i]);
		mmin = Min(mmin, m);
		mmax = Max(mmax, m);
		after += pieces[i];
		appendStringInfo(&split, "%s{\"partition\": ", i ? ", " : "");
		escape_json(&split, p->relname);
		appendStringInfo(&split, ", \"bytes\": " INT64_FORMAT ", \"rows\": " INT64_FORMAT ", \"pieces\": %d, \"new_modulus\": %d}",
						 l->bytes, l->rows, pieces[i], m);
	}
	appendStringInfoChar(&split, ']');
	after += nsib - n;
	/* "a and b", "a, b and c", or the first and the last of more */
	initStringInfo(&names);
	for (i = 0; i < n; i++)
	{
		if (n > 4 && i > 0 && i < n - 1)
			continue;
		appendStringInfo(&names, "%s%s",
						 i == 0 ? "" : n > 4 ? " to " : i == n - 1 ? " and " : ", ",
						 tree->parts[parts[i]].relname);
	}

	a = new_advice(ctx, ADV_SPLIT, (double) bytes);
	set_parts(a, parts, n);
	json_key_int(&a->evidence, "leaves", n);
	json_key_int(&a->evidence, "siblings", nsib);
	json_key_int(&a->evidence, "bytes", bytes);
	json_key_int(&a->evidence, "rows", rows);
	json_key_int(&a->evidence, "target_bytes", ctx->target);
	json_key_int(&a->evidence, "partitions_after", after);
	json_key_raw(&a->evidence, "split", split.data);
	a->reason = psprintf("%s hash partitions of %s (%s, " INT64_FORMAT " rows) are %s to %s each, more than twice the %s target: split each into %s hash partitions of modulus %s, %d partitions in all",
						 n == nsib ? psprintf("All %d", n) : psprintf("%d of the %d", n, nsib),
						 part_name(tree, g), names.data, rows,
						 ps_size_pretty(bmin), ps_size_pretty(bmax),
						 ps_size_pretty(ctx->target),
						 pmin == pmax ? psprintf("%d", pmin) : psprintf("%d to %d", pmin, pmax),
						 mmin == mmax ? psprintf("%d", mmin) : psprintf("%d to %d", mmin, mmax),
						 after);
	a->reason = finish_reason(ctx, a, a->reason);

	initStringInfo(&ddl);
	for (i = 0; i < n; i++)
	{
		PsAdviceDdl r = ps_advice_ddl_split(tree->parts[parts[i]].relid,
											pieces[i]);

		if (r.ddl == NULL)
		{
			set_ddl(a, psprintf("partstrat_ddl_split of %s",
								tree->parts[parts[i]].relname), r);
			break;
		}
		appendStringInfo(&ddl, "%s%s", i ? "\n" : "", r.ddl);
	}
	if (a->ddl_error == NULL)
		a->ddl = ddl.data;
	a->rows_moved = rows;
	a->lock = replace_lock_text(tree, g,
								psprintf("on each of the %d leaves in turn while its rows are copied, one transaction per leaf, " INT64_FORMAT " rows in all",
										 n, rows));
}

static void
advise_split_repartition(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int		   *hash_whales = palloc(sizeof(int) * Max(s->nleaves, 1));
	int		   *hsplit = palloc(sizeof(int) * Max(s->nleaves, 1));
	int		   *hpieces = palloc(sizeof(int) * Max(s->nleaves, 1));
	int			nhsplit = 0;
	int			g,
				i;

	/* hash parents imbalanced by heavy values */
	for (g = -1; g < tree->nparts; g++)
	{
		int			nw = 0;

		if (g >= 0 && tree->parts[g].is_leaf)
			continue;
		for (i = 0; i < s->nleaves; i++)
		{
			PsLeafSkew *l = &s->leaves[i];

			if (l->group == g && !ctx->taken[l->part] &&
				(l->flags & PS_FLAG_HASH_IMBALANCE) && l->nheavy > 0 &&
				group_key(tree, g)->colnames[0] != NULL)
				hash_whales[nw++] = i;
		}
		if (nw > 0)
			advise_hash_repartition(ctx, g, hash_whales, nw);
	}

	/* leaves above twice the target */
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];
		PsKeyStats *ks;
		int			pieces;
		int			nwhale = 0;

		CHECK_FOR_INTERRUPTS();
		if (ctx->taken[l->part] || p->is_default || p->is_foreign ||
			l->bytes <= 2 * ctx->target)
			continue;
		/* no more pieces than the split generator makes (a tiny target) */
		pieces = (int) Min((l->bytes + ctx->target - 1) / ctx->target,
						   PS_DDL_MAX_PIECES);
		if (p->strategy == PS_STRATEGY_HASH)
		{
			pieces = next_pow2(pieces);
			if (pieces > PS_DDL_MAX_PIECES)
				pieces /= 2;
		}
		ks = ps_skew_keystats(s, i);
		if (ks->found && tree->keys[p->key_index].colnames[0] != NULL)
		{
			while (nwhale < ks->nmcv &&
				   ks->mcv[nwhale].freq > ps_whale_factor / pieces)
				nwhale++;
		}
		if (nwhale > 0 && p->strategy == PS_STRATEGY_HASH)
		{
			/* heavy values of an oversized hash leaf */
			l->nheavy = nwhale;
			l->heavy = ks->mcv;
			advise_hash_repartition(ctx, l->group, &i, 1);
		}
		else if (nwhale > 0)
			advise_leaf_repartition(ctx, i, pieces, ks, nwhale);
		else if (p->strategy == PS_STRATEGY_HASH)
		{
			hsplit[nhsplit] = i;
			hpieces[nhsplit++] = pieces;
		}
		else
			advise_split(ctx, i, pieces, ks);
	}

	/* hash leaves: one split action per parent with two or more */
	for (i = 0; i < nhsplit; i++)
	{
		int			n = 0,
					j;
		int		   *gl;
		int		   *gp;

		if (hsplit[i] < 0)
			continue;
		g = s->leaves[hsplit[i]].group;
		gl = palloc(sizeof(int) * nhsplit);
		gp = palloc(sizeof(int) * nhsplit);
		for (j = i; j < nhsplit; j++)
		{
			if (hsplit[j] < 0 || s->leaves[hsplit[j]].group != g)
				continue;
			gl[n] = hsplit[j];
			gp[n++] = hpieces[j];
			hsplit[j] = -1;
		}
		if (n > 1)
			advise_hash_splits(ctx, g, gl, gp, n);
		else
			advise_split(ctx, gl[0], gp[0], ps_skew_keystats(s, gl[0]));
	}
}

/* ----------------------------------------------------------------
 * add_index
 * ----------------------------------------------------------------
 */

static void
advise_add_index(AdviseCtx *ctx)
{
	PsSkew	   *s = ctx->skew;
	int			i;

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &ctx->tree->parts[l->part];
		StringInfoData ddl;
		StringInfoData sigs;
		ListCell   *lc;
		Advice	   *a;
		int			n = list_length(l->missing_indexes);

		if (n == 0 || ctx->taken[l->part])
			continue;
		a = new_advice(ctx, ADV_ADD_INDEX, (double) Max(l->rows, 0));
		set_part(a, l->part);
		initStringInfo(&ddl);
		foreach(lc, l->missing_indexes)
			appendStringInfo(&ddl, "%s%s;", ddl.len > 0 ? "\n" : "",
							 (char *) lfirst(lc));
		initStringInfo(&sigs);
		appendStringInfoChar(&sigs, '[');
		foreach(lc, l->missing_sigs)
		{
			if (sigs.len > 1)
				appendStringInfoString(&sigs, ", ");
			escape_json(&sigs, lfirst(lc));
		}
		appendStringInfoChar(&sigs, ']');
		json_key_raw(&a->evidence, "missing", sigs.data);
		json_key_int(&a->evidence, "siblings_with_it", l->index_siblings);
		json_key_int(&a->evidence, "siblings", l->group_size - 1);
		json_key_int(&a->evidence, "rows", l->rows);
		{
			StringInfoData list;

			initStringInfo(&list);
			foreach(lc, l->missing_sigs)
				appendStringInfo(&list, "%s%s", list.len ? "; " : "",
								 (char *) lfirst(lc));
			a->reason = psprintf("%s lacks %s (%s) that %d of its %d siblings have, so queries that use %s elsewhere scan this leaf",
								 p->relname, n > 1 ? psprintf("%d indexes", n) : "the index",
								 list.data, l->index_siblings, l->group_size - 1,
								 n > 1 ? "them" : "it");
		}
		a->reason = finish_reason(ctx, a, a->reason);
		a->ddl = ps_ddl_pin(ddl.data);
		a->lock = psprintf("SHARE on %s while the index builds (writes to it wait; CREATE INDEX CONCURRENTLY, run outside a transaction block, avoids that)",
						   p->relname);
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
	a = new_advice(ctx, ADV_MERGE, run->n);
	set_parts(a, run->members, run->n);
	for (i = 0; i < run->n; i++)
		ctx->taken[run->members[i]] = true;
	json_key_int(&a->evidence, "leaves", run->n);
	json_key_int(&a->evidence, "bytes", run->bytes);
	json_key_int(&a->evidence, "rows", run->rows);
	json_key_int(&a->evidence, "target_bytes", ctx->target);
	json_key_int(&a->evidence, "parent_leaves", nleaves);
	json_key_int(&a->evidence, "merge_min_leaves", ps_merge_min_leaves);
	json_key_str(&a->evidence, "from", first->range_from[0].text);
	json_key_str(&a->evidence, "to", last->range_to[0].text);
	if (unit)
		json_key_str(&a->evidence, "unit", unit);
	a->reason = psprintf("%d adjacent leaves from %s to %s hold %s together, each under a quarter of the %s target, and %s has %d leaves: merge them into one%s%s partition",
						 run->n, first->relname, last->relname,
						 ps_size_pretty(run->bytes), ps_size_pretty(ctx->target),
						 part_name(tree, g), nleaves, unit ? " " : "",
						 unit ? unit : "");
	a->reason = finish_reason(ctx, a, a->reason);
	ddl_merge(ctx, a, run->members, run->n);
	a->rows_moved = run->rows;
	a->lock = replace_lock_text(tree, g,
								psprintf("on the %d leaves while their " INT64_FORMAT " rows are copied",
										 run->n, run->rows));
	run->members = palloc(sizeof(int) * Max(nleaves, 1));
	run->n = 0;
	run->bytes = run->rows = 0;
}

/* Months since year 0 of a time value, and ISO weeks since 2000-01-03. */
static int
month_of(int64 usec)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(usec, NULL, &tm, &fsec, NULL, NULL) != 0)
		return 0;
	return tm.tm_year * 12 + tm.tm_mon - 1;
}

static int
week_of(int64 usec)
{
	int64		days = usec / USECS_PER_DAY - 2;	/* 2000-01-03 is a Monday */

	return (int) (days >= 0 ? days / 7 : -((-days + 6) / 7));
}

static Timestamp
unit_end(int unit_id, bool weekly)
{
	if (weekly)
		return ((int64) unit_id * 7 + 2 + 7) * USECS_PER_DAY;
	{
		struct pg_tm tm;
		Timestamp	t;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = (unit_id + 1) / 12;
		tm.tm_mon = (unit_id + 1) % 12 + 1;
		tm.tm_mday = 1;
		if (tm2timestamp(&tm, 0, NULL, &t) != 0)
			return DT_NOEND;
		return t;
	}
}

static void
advise_merge(AdviseCtx *ctx)
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
		bool		weekly = false;

		if (g >= 0 && tree->parts[g].is_leaf)
			continue;
		key = group_key(tree, g);
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

			for (i = 0; i < n; i++)
			{
				int64		lo,
							hi;
				int			m;

				if (!part_bounds_usec(tree, children[i], &lo, &hi))
					continue;
				if (hi - lo >= 7 * USECS_PER_DAY)
					narrow = false;
				m = month_of(lo);
				if (m != cur)
					month_bytes = 0;
				cur = m;
				month_bytes += subtree_bytes(ctx, children[i]);
				if (month_bytes > ctx->target)
					weekly = true;
			}
			weekly = weekly && narrow;
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

				if (!part_bounds_usec(tree, ci, &lo, &hi) ||
					hi - lo >= 28 * USECS_PER_DAY)
					candidate = false;
				else
				{
					unit = weekly ? week_of(lo) : month_of(lo);
					/* only whole units in the past */
					if (unit_end(unit, weekly) > ctx->now)
						candidate = false;
				}
			}
			if (!candidate ||
				(run.n > 0 && (prev < 0 ||
							   !(tree->parts[prev].range_to[0].kind == PS_RANGE_VALUE &&
								 strcmp(tree->parts[prev].range_to[0].text,
										p->range_from[0].text) == 0))) ||
				(run.n > 0 && time && unit != run_unit) ||
				(run.n > 0 && run.bytes + s->leaves[leaf >= 0 ? leaf : 0].bytes > ctx->target))
				emit_merge(ctx, g, &run, time ? (weekly ? "weekly" : "monthly") : NULL,
						   nleaves);
			prev = ci;
			if (!candidate)
				continue;
			run_unit = unit;
			run.members[run.n++] = ci;
			run.bytes += s->leaves[leaf].bytes;
			run.rows += Max(s->leaves[leaf].rows, 0);
		}
		emit_merge(ctx, g, &run, time ? (weekly ? "weekly" : "monthly") : NULL,
				   nleaves);
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

/* Decide every piece of advice for one tree; sorted, priorities set. */
static List *
advise_tree(PsTree *tree, PsSkew *s, int64 target, Interval *retention)
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

	advise_analyze(&ctx);
	retained = advise_retention(&ctx);
	advise_finalize_detach(&ctx);
	advise_defaults(&ctx, retained);
	advise_premake(&ctx);
	advise_split_repartition(&ctx);
	advise_merge(&ctx);
	/* last: a leaf about to be split, merged or dropped needs no index */
	advise_add_index(&ctx);

	list_sort(ctx.advice, advice_cmp);
	foreach(lc, ctx.advice)
	{
		Advice	   *a = lfirst(lc);

		a->priority = ++prio;
		if (!s->stats_readable && a->kind != ADV_ANALYZE)
			json_key_str(&a->evidence, "pg_stats",
						 "no access: size-based advice only");
		json_key_str(&a->evidence, "sizes", sizes_source(s, a));
	}
	return ctx.advice;
}

static int64
target_arg(FunctionCallInfo fcinfo, int argno)
{
	int64		target;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return ps_guc_target_bytes();
	target = PG_GETARG_INT64(argno);
	if (target <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target_bytes must be positive"),
				 errdetail("target_bytes was " INT64_FORMAT ".", target),
				 errhint("Pass a size in bytes, e.g. pg_size_bytes('1GB'), or NULL for partstrat.target_bytes.")));
	return target;
}

static Datum
parts_array(PsTree *tree, Advice *a)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(a->nparts, 1));
	int			i;

	for (i = 0; i < a->nparts; i++)
		elems[i] = ObjectIdGetDatum(tree->parts[a->parts[i]].relid);
	return PointerGetDatum(construct_array(elems, a->nparts, REGCLASSOID,
										   sizeof(Oid), true, TYPALIGN_INT));
}

static void
notice_no_stats(PsSkew *s)
{
	if (!s->stats_readable)
		ereport(NOTICE,
				(errmsg("partstrat_advise: no access to pg_stats of \"%s\": the advice is size-based only",
						get_rel_name(s->tree->root)),
				 errdetail("Heavy key values (repartition) and key ranges need SELECT on the table or its columns."),
				 errhint("Grant SELECT on the table to get the full advice.")));
}

#define ADVISE_COLS 8

Datum
partstrat_advise(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid;
	int64		target;
	Interval   *retention = NULL;
	PsTree	   *tree;
	PsSkew	   *s;
	List	   *advice;
	ListCell   *lc;

	ps_init_materialized_srf(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	relid = PG_GETARG_OID(0);
	target = target_arg(fcinfo, 1);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		retention = PG_GETARG_INTERVAL_P(2);
		if (retention->month < 0 || retention->day < 0 || retention->time < 0 ||
			(retention->month == 0 && retention->day == 0 && retention->time == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention must be a positive interval"),
					 errhint("Pass e.g. interval '90 days', or NULL for no retention advice.")));
	}
	tree = ps_open_tree(relid, "partstrat_advise", PS_TREE_NO_SIZES);
	s = ps_skew_analyze(tree, false);
	notice_no_stats(s);
	advice = advise_tree(tree, s, target, retention);

	foreach(lc, advice)
	{
		Advice	   *a = lfirst(lc);
		Datum		values[ADVISE_COLS];
		bool		nulls[ADVISE_COLS];
		int			c = 0;

		memset(nulls, 0, sizeof(nulls));
		values[c++] = Int32GetDatum(a->priority);
		values[c++] = CStringGetTextDatum(advice_names[a->kind]);
		values[c++] = parts_array(tree, a);
		values[c++] = CStringGetTextDatum(a->reason);
		values[c++] = DirectFunctionCall1(jsonb_in,
										  CStringGetDatum(psprintf("{%s}", a->evidence.data)));
		values[c] = a->ddl ? CStringGetTextDatum(a->ddl) : (Datum) 0;
		nulls[c++] = a->ddl == NULL;
		values[c++] = Int64GetDatum(a->rows_moved);
		values[c] = a->lock ? CStringGetTextDatum(a->lock) : (Datum) 0;
		nulls[c++] = a->lock == NULL;
		Assert(c == ADVISE_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ----------------------------------------------------------------
 * partstrat_report
 * ----------------------------------------------------------------
 */

/* Above this many leaves, the report lists only the flagged ones. */
#define REPORT_ALL_LEAVES 40

/* Append a table whose cells are strings, columns aligned. */
static void
append_table(StringInfo out, int ncols, const char *const *heads,
			 List *rows, const bool *right)
{
	int		   *w = palloc0(sizeof(int) * ncols);
	ListCell   *lc;
	int			c;

	for (c = 0; c < ncols; c++)
		w[c] = pg_mbstrlen(heads[c]);
	foreach(lc, rows)
	{
		char	  **cells = lfirst(lc);

		for (c = 0; c < ncols; c++)
			w[c] = Max(w[c], pg_mbstrlen(cells[c]));
	}
	appendStringInfoString(out, "  ");
	for (c = 0; c < ncols; c++)
		appendStringInfo(out, "%s%-*s", c ? " | " : "", c == ncols - 1 ? 0 : w[c], heads[c]);
	appendStringInfoString(out, "\n  ");
	for (c = 0; c < ncols; c++)
	{
		int			k;

		if (c)
			appendStringInfoString(out, "-+-");
		for (k = 0; k < w[c]; k++)
			appendStringInfoChar(out, '-');
	}
	appendStringInfoChar(out, '\n');
	foreach(lc, rows)
	{
		char	  **cells = lfirst(lc);

		appendStringInfoString(out, "  ");
		for (c = 0; c < ncols; c++)
		{
			int			pad = w[c] - pg_mbstrlen(cells[c]);

			if (c)
				appendStringInfoString(out, " | ");
			if (right[c])
				appendStringInfoSpaces(out, pad);
			appendStringInfoString(out, cells[c]);
			if (!right[c] && c < ncols - 1)
				appendStringInfoSpaces(out, pad);
		}
		appendStringInfoChar(out, '\n');
	}
}

Datum
partstrat_report(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	PsTree	   *tree;
	PsSkew	   *s;
	List	   *advice;
	List	   *rows = NIL;
	ListCell   *lc;
	StringInfoData out;
	int64		bytes = 0;
	int			hidden = 0;
	int			i;
	static const char *const skew_heads[] = {
		"partition", "rows", "size", "share", "x median", "robust z", "flags"
	};
	static const bool skew_right[] = {false, true, true, true, true, true, false};
	static const char *const level_heads[] = {
		"level", "strategy", "partitions", "rows", "gini", "cv", "max/median",
		"in default"
	};
	static const bool level_right[] = {true, false, true, true, true, true, true, true};

	tree = ps_open_tree(relid, "partstrat_report", PS_TREE_NO_SIZES);
	s = ps_skew_analyze(tree, false);
	notice_no_stats(s);
	advice = advise_tree(tree, s, ps_guc_target_bytes(), NULL);

	for (i = 0; i < s->nleaves; i++)
		bytes += Max(s->leaves[i].bytes, 0);

	initStringInfo(&out);
	appendStringInfo(&out, "partstrat report for %s\n\n", root_qname(tree));
	appendStringInfo(&out, "Summary: %d leaves on %d level%s, " INT64_FORMAT " rows (estimated), %s (sizes from the catalog, or the files for leaves with stale statistics); target leaf size %s.\n",
					 tree->nleaves, tree->nlevels, tree->nlevels == 1 ? "" : "s",
					 s->total_rows, ps_size_pretty(bytes),
					 ps_size_pretty(ps_guc_target_bytes()));
	if (!s->stats_readable)
		appendStringInfoString(&out, "No access to pg_stats: the advice is size-based only.\n");

	appendStringInfoString(&out, "\nLevels:\n");
	for (i = 0; i < s->nlevels; i++)
	{
		PsLevelSkew *L = &s->levels[i];
		char	  **cells = palloc(sizeof(char *) * 8);

		cells[0] = psprintf("%d", L->level);
		cells[1] = L->strategy ? L->strategy : "";
		cells[2] = psprintf("%d", L->nodes);
		cells[3] = psprintf(INT64_FORMAT, L->rows);
		cells[4] = psprintf("%.2f", L->gini);
		cells[5] = psprintf("%.2f", L->cv);
		cells[6] = L->max_median < 0 ? "" : psprintf("%.1f", L->max_median);
		cells[7] = pct(L->default_share);
		rows = lappend(rows, cells);
	}
	append_table(&out, 8, level_heads, rows, level_right);

	rows = NIL;
	appendStringInfoString(&out, "\nLeaves:\n");
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		char	  **cells;
		StringInfoData f;

		/* a big tree: only the leaves with a flag */
		if (s->nleaves > REPORT_ALL_LEAVES && l->flags == 0)
		{
			hidden++;
			continue;
		}
		cells = palloc(sizeof(char *) * 7);

		initStringInfo(&f);
		ps_append_flags_json(&f, l->flags);
		/* [ "a", "b" ] -> a, b */
		{
			char	   *src = f.data;
			StringInfoData g;

			initStringInfo(&g);
			for (; *src; src++)
				if (*src != '[' && *src != ']' && *src != '"')
					appendStringInfoChar(&g, *src);
			cells[6] = g.data;
		}
		cells[0] = tree->parts[l->part].relname;
		cells[1] = l->rows < 0 ? "" : psprintf(INT64_FORMAT, l->rows);
		cells[2] = l->bytes < 0 ? "" : ps_size_pretty(l->bytes);
		cells[3] = l->rows < 0 || l->detach_pending ? "" : pct(l->share);
		cells[4] = l->has_ratio ? psprintf("%.1f", l->ratio_to_median) : "";
		cells[5] = !l->has_ratio ? "" : isinf(l->robust_z) ?
			(l->robust_z > 0 ? "Infinity" : "-Infinity") :
			psprintf("%.1f", l->robust_z);
		rows = lappend(rows, cells);
	}
	append_table(&out, 7, skew_heads, rows, skew_right);
	if (hidden > 0)
		appendStringInfo(&out, "  (and %d leaves without flags)\n", hidden);

	appendStringInfoString(&out, "\nAdvice:\n");
	if (advice == NIL)
		appendStringInfoString(&out, "  none: the table is healthy.\n");
	foreach(lc, advice)
	{
		Advice	   *a = lfirst(lc);

		appendStringInfo(&out, "  %d. %s: %s\n", a->priority,
						 advice_names[a->kind], a->reason);
		if (a->lock)
			appendStringInfo(&out, "     lock: %s\n", a->lock);
		if (a->ddl)
		{
			char	   *ddl = pstrdup(a->ddl);
			char	   *line;
			char	   *save = NULL;

			for (line = strtok_r(ddl, "\n", &save); line;
				 line = strtok_r(NULL, "\n", &save))
				appendStringInfo(&out, "     %s\n", line);
		}
		else if (a->ddl_error)
			appendStringInfo(&out, "     (no DDL: %s)\n", a->ddl_error);
	}
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}
