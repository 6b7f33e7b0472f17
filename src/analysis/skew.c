/*-------------------------------------------------------------------------
 *
 * skew.c
 *	  Skew detection: the measures and flags of every leaf and level.
 *
 * The analysis is pure arithmetic over the PsTree: rows, sizes and
 * counters of each leaf, compared with its siblings (the leaves of the same
 * direct parent).  Definitions, each documented in docs/reference.md:
 *
 *	rows			count(*) with exact => true; else pg_class.reltuples, or
 *					pg_stat's n_live_tup for a leaf whose statistics are
 *					stale, or the inventory's fallbacks for a leaf never
 *					analyzed (rows_source says which)
 *	share			of the rows of the whole tree
 *	density			rows per day (date/timestamp keys) or per unit (numeric
 *					keys) of a single-column range leaf with finite bounds
 *	ratio_to_median	rows / median rows of the non-DEFAULT leaf siblings
 *	robust_z		0.6745 (rows - median) / MAD of the same siblings (with
 *					MAD = 0: (rows - median) / (1.2533 mean absolute
 *					deviation); 0 when every sibling is equal; +/-Infinity
 *					when every other sibling equals the median, since their
 *					spread is nil and the mean absolute deviation would cap
 *					the z of the lone outlier at n / 1.2533 whatever its
 *					size).  Needs at least 3 siblings.
 *	oversized		ratio >= partstrat.skew_ratio and z >= partstrat.skew_z
 *	undersized		not empty, ratio <= 1/skew_ratio and z <= -skew_z
 *	empty			0 rows
 *	hot				its share of the rows modified over the hot window
 *					(partstrat.hot_window, from snapshots: see
 *					src/watch/snapshot.c) or, when no snapshot covers the
 *					window, since each leaf's last ANALYZE
 *					(n_mod_since_analyze; hot_source says which), is >=
 *					partstrat.hot_ratio
 *					times the larger of its share of the siblings' rows and
 *					1/siblings
 *	default_has_rows	a DEFAULT partition (or below one) with rows
 *	hash_imbalance	a hash leaf whose share of its parent's rows is >=
 *					partstrat.hash_imbalance_ratio times 1/modulus; with
 *					exact counts the parent's chi-square test must also
 *					give p < partstrat.hash_alpha.  The chi-square of the
 *					row counts is divided by the mean rows per distinct key
 *					value (from the leaves' statistics): rows of one value
 *					move together, so they are not independent draws, and
 *					an unadjusted test calls any real table significant.
 *	stale_stats		rows but never analyzed (an empty leaf never analyzed is
 *					not flagged: there is nothing to sample), or rows
 *					modified since ANALYZE > 20 % of its rows
 *	missing_index	an index definition at least half of its siblings
 *					have and it lacks
 *	gap_before		its lower range bound is not the previous sibling's
 *					upper bound
 *
 * A partition being detached (pg_inherits.inhdetachpending, left by an
 * interrupted DETACH ... CONCURRENTLY) and the leaves below it keep their
 * rows and bytes, but their rows are no longer the parent's: they count in
 * no share, median, MAD, modification share, index comparison, chi-square
 * or level measure, and get no flag (a partition being detached still
 * occupies its range: no gap_before for the sibling after it).
 *
 * The facts the tree lacks (exact row counts, the key column's
 * pg_statistic row of a leaf, catalog sizes, index counts and definitions)
 * are read by src/catalog/skew_facts.c; this file reads no catalog and runs
 * no query: it computes.  The SQL functions partstrat_skew() and
 * partstrat_skew_summary() are in src/sql/skew_functions.c.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/analysis/skew.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "compat.h"
#include "ddl.h"
#include "partstrat.h"
#include "skew.h"
#include "watch.h"
#include "skew_facts.h"
#include "timeaxis.h"

/* GUC variables of skew detection and advice (see skew.h) */
int			ps_target_bytes_kb = 1024 * 1024;
int			ps_merge_min_leaves = 100;
int			ps_premake_min = 3;
double		ps_skew_ratio = 4.0;
double		ps_skew_z = 3.5;
double		ps_hash_imbalance_ratio = 1.2;
double		ps_hash_alpha = 0.01;
double		ps_hot_ratio = 3.0;
double		ps_whale_factor = 1.5;
char	   *ps_reference_time = NULL;

/* partstrat.target_bytes in bytes */
int64
ps_guc_target_bytes(void)
{
	return (int64) ps_target_bytes_kb * 1024;
}



static const char *const flag_names[PS_NFLAGS] = {
	"oversized", "undersized", "empty", "hot", "default_has_rows",
	"hash_imbalance", "stale_stats", "missing_index", "gap_before"
};

/* ----------------------------------------------------------------
 * Small statistics
 * ----------------------------------------------------------------
 */

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Median of n values (sorts them in place). */
static double
median_of(double *v, int n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(double), double_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Regularized upper incomplete gamma Q(a, x), for the chi-square tail. */
static double
gamma_q(double a, double x)
{
	double		lead;
	int			i;

	if (x <= 0)
		return 1.0;
	lead = exp(-x + a * log(x) - lgamma(a));
	if (x < a + 1)
	{
		/* series for P(a, x) */
		double		ap = a;
		double		del = 1.0 / a;
		double		sum = del;

		for (i = 0; i < 10000; i++)
		{
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-15)
				break;
		}
		return Max(0.0, 1.0 - sum * lead);
	}
	else
	{
		/* continued fraction for Q(a, x) (modified Lentz) */
		double		b = x + 1 - a;
		double		c = 1.0 / 1e-300;
		double		d = 1.0 / b;
		double		h = d;

		for (i = 1; i < 10000; i++)
		{
			double		an = -i * (i - a);
			double		del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < 1e-300)
				d = 1e-300;
			c = b + an / c;
			if (fabs(c) < 1e-300)
				c = 1e-300;
			d = 1.0 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-15)
				break;
		}
		return Min(1.0, lead * h);
	}
}

/* p-value of a chi-square statistic with dof degrees of freedom. */
double
ps_chi2_pvalue(double chi2, int dof)
{
	if (dof <= 0)
		return 1.0;
	return gamma_q(dof / 2.0, chi2 / 2.0);
}

/* A numeric bound value as a double. */
static bool
key_value_number(const PsValue *v, Oid typid, double *out)
{
	if (v->kind != PS_RANGE_VALUE || v->isnull)
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
			*out = (double) DatumGetInt64(v->value);
			return true;
		case FLOAT4OID:
			*out = DatumGetFloat4(v->value);
			return true;
		case FLOAT8OID:
			*out = DatumGetFloat8(v->value);
			return true;
		case NUMERICOID:
			*out = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													  v->value));
			return true;
	}
	return false;
}

/* ----------------------------------------------------------------
 * Index comparison
 * ----------------------------------------------------------------
 */


/* Is part i, or a partition above it, being detached? */
static bool
pending_subtree(const PsTree *tree, int i)
{
	for (; i >= 0; i = tree->parts[i].parent_index)
	{
		if (tree->parts[i].detach_pending)
			return true;
	}
	return false;
}

static bool
list_has_string(List *list, const char *s)
{
	ListCell   *lc;

	foreach(lc, list)
	{
		if (strcmp((char *) lfirst(lc), s) == 0)
			return true;
	}
	return false;
}

/*
 * missing_index: in each group of sibling leaves whose index counts differ,
 * compare the definitions; a leaf lacks a definition at least half of its
 * siblings have (not all: then it is no sibling's lack).
 */
static void
find_missing_indexes(PsSkew *s, const int *counts)
{
	PsTree	   *tree = s->tree;
	int		   *members = palloc(sizeof(int) * Max(s->nleaves, 1));
	Oid		   *relids = palloc(sizeof(Oid) * Max(s->nleaves, 1));
	int			g;
	int			i;

	/* groups: -1 (the root) and every partitioned part */
	for (g = -1; g < tree->nparts; g++)
	{
		int			n = 0;
		int			lo = INT_MAX,
					hi = -1;
		List	  **sigs;
		List	   *all = NIL;
		ListCell   *lc;

		if (g >= 0 && tree->parts[g].is_leaf)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < s->nleaves; i++)
		{
			if (s->leaves[i].group != g || s->leaves[i].detach_pending ||
				tree->parts[s->leaves[i].part].is_foreign)
				continue;
			relids[n] = tree->parts[s->leaves[i].part].relid;
			members[n++] = i;
			lo = Min(lo, counts[i]);
			hi = Max(hi, counts[i]);
		}
		if (n < 2 || lo == hi)
			continue;
		sigs = ps_facts_index_signatures(relids, n);
		for (i = 0; i < n; i++)
		{
			foreach(lc, sigs[i])
			{
				if (!list_has_string(all, lfirst(lc)))
					all = lappend(all, lfirst(lc));
			}
		}
		foreach(lc, all)
		{
			char	   *sig = lfirst(lc);
			int			have = 0;

			for (i = 0; i < n; i++)
			{
				if (list_has_string(sigs[i], sig))
					have++;
			}
			if (have * 2 < n || have == n)
				continue;
			for (i = 0; i < n; i++)
			{
				PsLeafSkew *l = &s->leaves[members[i]];

				if (list_has_string(sigs[i], sig))
					continue;
				l->flags |= PS_FLAG_MISSING_INDEX;
				l->missing_sigs = lappend(l->missing_sigs, sig);
				l->index_siblings = have;
			}
		}
	}
	pfree(members);
	pfree(relids);
}

/* ----------------------------------------------------------------
 * The analysis
 * ----------------------------------------------------------------
 */

/* Rows of density per day (time keys) or per unit (numbers). */
static void
leaf_density(PsSkew *s, PsLeafSkew *l)
{
	PsPartition *p = &s->tree->parts[l->part];
	PsKey	   *key = &s->tree->keys[p->key_index];
	Oid			typid = key->typids[0];

	if (p->strategy != PS_STRATEGY_RANGE || p->is_default ||
		key->nkeys != 1 || l->rows < 0)
		return;
	if (ps_key_is_time(typid))
	{
		int64		lo,
					hi;

		if (!ps_key_value_usec(&p->range_from[0], typid, &lo) ||
			!ps_key_value_usec(&p->range_to[0], typid, &hi) || hi <= lo)
			return;
		l->density = l->rows / ((double) (hi - lo) / USECS_PER_DAY);
		l->density_unit = "day";
		l->has_density = true;
	}
	else
	{
		double		lo,
					hi;

		if (!key_value_number(&p->range_from[0], typid, &lo) ||
			!key_value_number(&p->range_to[0], typid, &hi) || hi <= lo)
			return;
		l->density = l->rows / (hi - lo);
		l->density_unit = "unit";
		l->has_density = true;
	}
}

/* Do the texts of two range bounds (all key columns) agree? */
static bool
same_bound(const PsValue *a, const PsValue *b, int nkeys)
{
	int			i;

	for (i = 0; i < nkeys; i++)
	{
		if (a[i].kind != b[i].kind)
			return false;
		if (a[i].kind == PS_RANGE_VALUE &&
			strcmp(a[i].text ? a[i].text : "", b[i].text ? b[i].text : "") != 0)
			return false;
	}
	return true;
}

/*
 * Chi-square statistic of the children of a hash parent against their
 * expected shares (1/modulus each, normalized over the children present).
 */
static double
hash_chi2(PsSkew *s, int *children, int n, int *dof)
{
	double		wsum = 0;
	double		total = 0;
	double		chi2 = 0;
	int			i;

	*dof = 0;
	for (i = 0; i < n; i++)
	{
		PsPartition *c = &s->tree->parts[children[i]];

		if (c->is_default || c->detach_pending || c->modulus <= 0 ||
			s->rows[children[i]] < 0)
			continue;
		wsum += 1.0 / c->modulus;
		total += s->rows[children[i]];
		(*dof)++;
	}
	if (*dof < 2 || total <= 0)
	{
		*dof = 0;
		return 0;
	}
	for (i = 0; i < n; i++)
	{
		PsPartition *c = &s->tree->parts[children[i]];
		double		e;
		double		o;

		if (c->is_default || c->detach_pending || c->modulus <= 0 ||
			s->rows[children[i]] < 0)
			continue;
		e = total * (1.0 / c->modulus) / wsum;
		o = s->rows[children[i]];
		chi2 += (o - e) * (o - e) / e;
	}
	(*dof)--;

	/*
	 * Rows of one key value always land together, so the rows are not
	 * independent draws: divide by the mean rows per distinct value (the
	 * design effect of equal clusters), from the leaves' statistics.
	 */
	if (s->exact)
	{
		double		distinct = 0;
		bool		known = true;

		for (i = 0; i < n && known; i++)
		{
			int			leaf = s->leaf_of[children[i]];
			PsKeyStats *ks;

			if (s->tree->parts[children[i]].is_default ||
				s->tree->parts[children[i]].detach_pending)
				continue;
			if (leaf < 0)
			{
				known = false;
				break;
			}
			ks = ps_skew_keystats(s, leaf);
			if (!ks->found)
				known = false;
			else if (ks->n_distinct > 0)
				distinct += ks->n_distinct;
			else
				distinct += -ks->n_distinct * Max(s->leaves[leaf].rows, 0);
		}
		if (known && distinct >= 1 && total / distinct > 1)
			chi2 /= total / distinct;
	}
	return chi2;
}

/* What the leaves of one group are measured against. */
typedef struct GroupStats
{
	int			nv;				/* sized leaves (not DEFAULT, not foreign) */
	double		med;			/* their median rows */
	double		mad;			/* median absolute deviation */
	double		meanad;			/* mean absolute deviation */
	int			ndev;			/* leaves off the median */
	double		rows;			/* rows of the group */
	double		mods;			/* recent modifications of its leaves */
	int			nleafs;
	double		chi2_p;			/* hash groups counted exactly, else -1 */
} GroupStats;

/* The group's totals, median and deviations (children[0..n-1] of it). */
static void
group_stats(PsSkew *s, int *children, int n, GroupStats *gs)
{
	PsTree	   *tree = s->tree;
	double	   *vals = palloc(sizeof(double) * Max(n, 1));
	double	   *dev = palloc(sizeof(double) * Max(n, 1));
	int			i;

	memset(gs, 0, sizeof(*gs));
	gs->chi2_p = -1;
	if (tree->parts[children[0]].strategy == PS_STRATEGY_HASH && s->exact)
	{
		int			dof;
		double		chi2 = hash_chi2(s, children, n, &dof);

		if (dof > 0)
			gs->chi2_p = ps_chi2_pvalue(chi2, dof);
	}

	for (i = 0; i < n; i++)
	{
		int			ci = children[i];
		PsPartition *c = &tree->parts[ci];

		if (c->detach_pending)
			continue;
		if (s->rows[ci] >= 0)
			gs->rows += s->rows[ci];
		if (c->is_leaf && !c->is_foreign)
		{
			gs->mods += s->mods[ci];
			gs->nleafs++;
		}
		if (c->is_leaf && !c->is_default && !c->is_foreign)
			vals[gs->nv++] = s->rows[ci];
	}
	gs->med = median_of(vals, gs->nv);
	for (i = 0; i < gs->nv; i++)
	{
		dev[i] = fabs(vals[i] - gs->med);
		gs->meanad += dev[i];
		if (dev[i] > 0)
			gs->ndev++;
	}
	gs->meanad = gs->nv > 0 ? gs->meanad / gs->nv : 0;
	gs->mad = median_of(dev, gs->nv);
}

/* One leaf's measures and flags against its group. */
static void
leaf_measures(PsSkew *s, int ci, PsLeafSkew *l, const GroupStats *gs)
{
	PsPartition *c = &s->tree->parts[ci];
	double		x = l->rows;
	double		med = gs->med;

	l->parent_share = gs->rows > 0 ? x / gs->rows : 0;
	l->chi2_p = gs->chi2_p;

	if (gs->nv >= 3 && !c->is_default)
	{
		l->has_ratio = med > 0;
		l->ratio_to_median = med > 0 ? x / med : 0;
		if (gs->mad > 0)
			l->robust_z = 0.6745 * (x - med) / gs->mad;
		else if (gs->ndev == 1 && x != med)
			l->robust_z = x > med ? get_float8_infinity() :
				-get_float8_infinity();
		else if (gs->meanad > 0)
			l->robust_z = (x - med) / (1.253314 * gs->meanad);
		else
			l->robust_z = 0;
		if (l->has_ratio && l->ratio_to_median >= ps_skew_ratio &&
			l->robust_z >= ps_skew_z)
			l->flags |= PS_FLAG_OVERSIZED;
		if (l->has_ratio && x > 0 &&
			l->ratio_to_median <= 1.0 / ps_skew_ratio &&
			l->robust_z <= -ps_skew_z)
			l->flags |= PS_FLAG_UNDERSIZED;
	}

	/* hot: share of the recent modifications vs share of the rows */
	if (gs->mods > 0 && s->mods[ci] > 0 && gs->nleafs >= 2)
	{
		double		base = Max(l->parent_share, 1.0 / gs->nleafs);

		l->mod_share = s->mods[ci] / gs->mods;
		if (l->mod_share >= ps_hot_ratio * base)
			l->flags |= PS_FLAG_HOT;
	}

	if (c->strategy == PS_STRATEGY_HASH && !c->is_default &&
		c->modulus > 0)
	{
		l->expected_share = 1.0 / c->modulus;
		if (gs->rows > 0 &&
			l->parent_share >= ps_hash_imbalance_ratio * l->expected_share &&
			(gs->chi2_p < 0 || gs->chi2_p < ps_hash_alpha))
			l->flags |= PS_FLAG_HASH_IMBALANCE;
	}
}

/* Measures of the leaves of one group (the children of one parent). */
static void
analyze_group(PsSkew *s, int g)
{
	PsTree	   *tree = s->tree;
	int			n;
	int		   *children = ps_children_of(tree, g, &n);
	GroupStats	gs;
	int			prev = -1;
	int			i;

	if (n == 0)
		return;
	group_stats(s, children, n, &gs);

	for (i = 0; i < n; i++)
	{
		int			ci = children[i];
		PsPartition *c = &tree->parts[ci];
		PsLeafSkew *l;

		/* gap_before: any child, in bound order */
		if (c->strategy == PS_STRATEGY_RANGE && !c->is_default)
		{
			if (prev >= 0 && c->is_leaf && s->leaf_of[ci] >= 0 &&
				!s->leaves[s->leaf_of[ci]].detach_pending &&
				!same_bound(tree->parts[prev].range_to, c->range_from,
							tree->keys[c->key_index].nkeys))
				s->leaves[s->leaf_of[ci]].flags |= PS_FLAG_GAP_BEFORE;
			prev = ci;
		}
		if (!c->is_leaf || s->leaf_of[ci] < 0)
			continue;
		l = &s->leaves[s->leaf_of[ci]];
		l->group_size = gs.nleafs;
		if (l->rows < 0 || l->detach_pending)
			continue;
		leaf_measures(s, ci, l, &gs);
	}
}

/* The values behind a hash imbalance: MCVs that alone explain it. */
static void
find_heavy_values(PsSkew *s, int leaf)
{
	PsLeafSkew *l = &s->leaves[leaf];
	PsPartition *p = &s->tree->parts[l->part];
	PsKeyStats *ks = ps_skew_keystats(s, leaf);
	double		parent_rows = p->parent_index >= 0 ?
		s->rows[p->parent_index] : s->total_rows;
	double		expected = parent_rows * l->expected_share;
	int			i;

	if (!ks->found || ks->nmcv == 0)
		return;
	l->heavy = palloc(sizeof(PsHeavyValue) * Min(ks->nmcv, 5));
	for (i = 0; i < ks->nmcv && l->nheavy < 5; i++)
	{
		if (ks->mcv[i].rows >= (ps_hash_imbalance_ratio - 1.0) * expected)
			l->heavy[l->nheavy++] = ks->mcv[i];
	}
}

/* The leaves of the tree, with their rows and bytes as the tree has them. */
static void
init_leaves(PsSkew *s)
{
	PsTree	   *tree = s->tree;
	int			i;

	s->rows = palloc(sizeof(int64) * Max(tree->nparts, 1));
	s->leaf_of = palloc(sizeof(int) * Max(tree->nparts, 1));
	s->leaves = palloc0(sizeof(PsLeafSkew) * Max(tree->nleaves, 1));
	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];

		s->leaf_of[i] = -1;
		if (!p->is_leaf)
			continue;
		s->leaf_of[i] = s->nleaves;
		s->leaves[s->nleaves].part = i;
		s->leaves[s->nleaves].group = p->parent_index;
		s->leaves[s->nleaves].rows = p->est_rows;
		/* stale reltuples: the live-row counter is closer to the truth */
		if (p->has_pgstat && p->last_analyze != 0 && ps_stats_stale(p))
		{
			s->leaves[s->nleaves].rows = Max(p->live_tuples, 0);
			s->leaves[s->nleaves].rows_pgstat = true;
		}
		s->leaves[s->nleaves].bytes = p->total_bytes;
		s->leaves[s->nleaves].expected_share = -1;
		s->leaves[s->nleaves].chi2_p = -1;
		s->leaves[s->nleaves].detach_pending = pending_subtree(tree, i);
		s->nleaves++;
	}
	s->keystats = palloc0(sizeof(PsKeyStats *) * Max(s->nleaves, 1));
	/* modifications hot compares: over the hot window, else since ANALYZE */
	s->mods = palloc0(sizeof(double) * Max(tree->nparts, 1));
	s->hot_source = "since_analyze";
	if (ps_watch_window_mods(tree, s->mods, &s->hot_since))
		s->hot_source = "snapshots";
	else
		for (i = 0; i < tree->nparts; i++)
			s->mods[i] = Max(tree->parts[i].mods_since_analyze, 0);
}

/* rows of every part, partitioned ones as sums, deepest first */
static void
sum_rows(PsSkew *s)
{
	PsTree	   *tree = s->tree;
	int			i;

	for (i = 0; i < tree->nparts; i++)
		s->rows[i] = tree->parts[i].is_leaf ?
			s->leaves[s->leaf_of[i]].rows : 0;
	for (i = tree->nparts - 1; i >= 0; i--)
	{
		PsPartition *p = &tree->parts[i];

		if (s->rows[i] <= 0 || p->detach_pending)
			continue;
		if (p->parent_index >= 0)
			s->rows[p->parent_index] += s->rows[i];
		else
			s->total_rows += s->rows[i];
	}
}

/* Share, empty, default_has_rows, stale_stats, density and bytes per leaf. */
static void
measure_leaves(PsSkew *s)
{
	PsTree	   *tree = s->tree;
	PsSizer    *sizer = NULL;
	int			i;

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];

		CHECK_FOR_INTERRUPTS();
		if (p->is_foreign)
			continue;
		if (l->detach_pending)
		{
			if (!tree->sizes_known)
				ps_facts_catalog_bytes(s, l, &sizer);
			continue;
		}
		l->share = s->total_rows > 0 && l->rows > 0 ?
			(double) l->rows / s->total_rows : 0;
		if (l->rows == 0)
			l->flags |= PS_FLAG_EMPTY;
		if (l->rows > 0 && ps_under_default(tree, l->part))
			l->flags |= PS_FLAG_DEFAULT_ROWS;
		l->never_analyzed = p->last_analyze == 0 &&
			(p->est_rows > 0 || p->heap_pages > 0 || l->rows > 0);
		if (l->never_analyzed || ps_stats_stale(p))
		{
			l->flags |= PS_FLAG_STALE_STATS;
			s->nstale++;
		}
		leaf_density(s, l);
		if (!tree->sizes_known)
			ps_facts_catalog_bytes(s, l, &sizer);
	}
	if (sizer)
		ps_sizer_end(sizer);
}

/* The chi-square of every hash parent of level lvl, summed. */
static void
level_chi2(PsSkew *s, PsLevelSkew *L, int lvl)
{
	PsTree	   *tree = s->tree;
	int			g;

	for (g = -1; g < tree->nparts; g++)
	{
		int			n,
					dof;
		int		   *children;

		if (g >= 0 && (tree->parts[g].is_leaf ||
					   tree->parts[g].level != lvl - 1))
			continue;
		if (g < 0 && lvl != 1)
			continue;
		children = ps_children_of(tree, g, &n);
		L->chi2 += hash_chi2(s, children, n, &dof);
		L->dof += dof;
	}
	if (s->exact && L->dof > 0)
		L->chi2_p = ps_chi2_pvalue(L->chi2, L->dof);
}

/* Gini, coefficient of variation, max/median, DEFAULT share of a level. */
static void
measure_level(PsSkew *s, PsLevelSkew *L, int lvl)
{
	PsTree	   *tree = s->tree;
	double	   *vals = palloc(sizeof(double) * Max(tree->nparts, 1));
	double		sum = 0,
				sumsq = 0,
				maxv = 0,
				weighted = 0,
				defrows = 0,
				med;
	bool		all_hash = true;
	int			i;

	L->level = lvl;
	L->chi2_p = -1;
	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];

		if (p->level != lvl || s->rows[i] < 0 || p->is_foreign ||
			pending_subtree(tree, i))
			continue;
		vals[L->nodes++] = s->rows[i];
		sum += s->rows[i];
		sumsq += (double) s->rows[i] * s->rows[i];
		maxv = Max(maxv, s->rows[i]);
		if (p->is_default)
			defrows += s->rows[i];
		if (p->strategy != PS_STRATEGY_HASH)
			all_hash = false;
		if (L->strategy == NULL)
			L->strategy = pstrdup(ps_strategy_name(p->strategy));
		else if (strstr(L->strategy, ps_strategy_name(p->strategy)) == NULL)
			L->strategy = psprintf("%s/%s", L->strategy,
								   ps_strategy_name(p->strategy));
	}
	L->rows = (int64) sum;
	if (L->nodes == 0)
		return;
	qsort(vals, L->nodes, sizeof(double), double_cmp);
	for (i = 0; i < L->nodes; i++)
		weighted += (i + 1) * vals[i];
	L->gini = sum > 0 ? (2.0 * weighted) / (L->nodes * sum) -
		(L->nodes + 1.0) / L->nodes : 0;
	if (sum > 0)
	{
		double		mean = sum / L->nodes;
		double		var = sumsq / L->nodes - mean * mean;

		L->cv = sqrt(Max(var, 0)) / mean;
	}
	med = median_of(vals, L->nodes);
	L->max_median = med > 0 ? maxv / med : -1;
	L->default_share = sum > 0 ? defrows / sum : 0;
	L->is_hash = all_hash;
	if (all_hash)
		level_chi2(s, L, lvl);
}

/*
 * ps_skew_analyze -- the measures and flags of every leaf and level of
 * tree, over the facts skew_facts.c reads (exact: rows counted).
 */
PsSkew *
ps_skew_analyze(PsTree *tree, bool exact)
{
	PsSkew	   *s = palloc0(sizeof(PsSkew));
	OidIndex   *map;
	int			i;
	int			lvl;

	if (!tree->sizes_known)
		ps_facts_refresh_unanalyzed(tree);
	s->tree = tree;
	s->exact = exact;
	s->stats_readable = ps_facts_stats_readable(tree);
	init_leaves(s);
	map = ps_leaf_oid_index(s);
	if (exact)
		ps_facts_count_exact(s, map);
	sum_rows(s);
	measure_leaves(s);

	analyze_group(s, -1);
	for (i = 0; i < tree->nparts; i++)
	{
		if (!tree->parts[i].is_leaf)
			analyze_group(s, i);
	}
	for (i = 0; i < s->nleaves; i++)
	{
		if (s->leaves[i].flags & PS_FLAG_HASH_IMBALANCE)
			find_heavy_values(s, i);
	}
	find_missing_indexes(s, ps_facts_index_counts(s, map));

	s->nlevels = tree->nlevels;
	s->levels = palloc0(sizeof(PsLevelSkew) * Max(tree->nlevels, 1));
	for (lvl = 1; lvl <= tree->nlevels; lvl++)
		measure_level(s, &s->levels[lvl - 1], lvl);
	return s;
}

/* ----------------------------------------------------------------
 * Output helpers
 * ----------------------------------------------------------------
 */

Datum
ps_flags_array(uint32 flags)
{
	Datum		elems[PS_NFLAGS];
	int			n = 0;
	int			i;

	for (i = 0; i < PS_NFLAGS; i++)
	{
		if (flags & (1 << i))
			elems[n++] = CStringGetTextDatum(flag_names[i]);
	}
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

void
ps_append_flags_json(StringInfo buf, uint32 flags)
{
	int			i;
	bool		first = true;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < PS_NFLAGS; i++)
	{
		if (flags & (1 << i))
		{
			appendStringInfo(buf, "%s\"%s\"", first ? "" : ", ", flag_names[i]);
			first = false;
		}
	}
	appendStringInfoChar(buf, ']');
}

/* JSON array of the heavy values of a leaf, or NULL if none. */
char *
ps_heavy_json(const PsLeafSkew *leaf, const char *keyname)
{
	StringInfoData buf;
	int			i;

	if (leaf->nheavy == 0)
		return NULL;
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < leaf->nheavy; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, "{\"value\": ");
		escape_json(&buf, leaf->heavy[i].text);
		appendStringInfo(&buf, ", \"freq\": %.4f, \"rows\": " INT64_FORMAT "}",
						 leaf->heavy[i].freq, leaf->heavy[i].rows);
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/* Round for display: the analysis is an estimate, not a measurement. */
