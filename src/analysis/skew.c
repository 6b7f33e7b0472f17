/*-------------------------------------------------------------------------
 *
 * skew.c
 *	  Skew detection: partstrat_skew() and partstrat_skew_summary().
 *
 * The analysis is pure arithmetic over the PsTree: rows, sizes and
 * counters of each leaf, compared with its siblings (the leaves of the same
 * direct parent).  Definitions, each documented in the README:
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
 *	hot				its share of the rows modified since each leaf's last
 *					ANALYZE (n_mod_since_analyze) is >= partstrat.hot_ratio
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
 * A few facts are not in the tree and are read here, in the section marked
 * "Facts the tree lacks": exact row counts (one count(*) ... GROUP BY
 * tableoid through the parent), the key column's pg_statistic row of a
 * leaf (only when the user may read it, as pg_stats would show it), and
 * index definitions (only for sibling groups whose index counts differ).
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

PG_FUNCTION_INFO_V1(partstrat_skew);
PG_FUNCTION_INFO_V1(partstrat_skew_summary);

static int64 class_pages(Oid relid);

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

/* ----------------------------------------------------------------
 * Key values
 * ----------------------------------------------------------------
 */

bool
ps_key_is_time(Oid typid)
{
	return typid == DATEOID || typid == TIMESTAMPOID ||
		typid == TIMESTAMPTZOID;
}

/* A time bound value in microseconds since 2000-01-01 (UTC). */
bool
ps_key_value_usec(const PsValue *v, Oid typid, int64 *usec)
{
	if (v->kind != PS_RANGE_VALUE || v->isnull)
		return false;
	if (typid == DATEOID)
	{
		DateADT		d = DatumGetDateADT(v->value);

		if (DATE_NOT_FINITE(d))
			return false;
		*usec = (int64) d * USECS_PER_DAY;
		return true;
	}
	if (typid == TIMESTAMPOID || typid == TIMESTAMPTZOID)
	{
		Timestamp	ts = DatumGetTimestamp(v->value);

		if (TIMESTAMP_NOT_FINITE(ts))
			return false;
		*usec = ts;
		return true;
	}
	return false;
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
 * Facts the tree lacks: exact counts, key statistics, indexes
 * ----------------------------------------------------------------
 */

typedef struct OidIndex
{
	Oid			oid;
	int			index;
} OidIndex;

static int
oidindex_cmp(const void *a, const void *b)
{
	Oid			x = ((const OidIndex *) a)->oid;
	Oid			y = ((const OidIndex *) b)->oid;

	return (x > y) - (x < y);
}

/* Sorted (leaf OID, leaves index) pairs, for lookups by OID. */
static OidIndex *
leaf_oid_index(PsSkew *s)
{
	OidIndex   *map = palloc(sizeof(OidIndex) * Max(s->nleaves, 1));
	int			i;

	for (i = 0; i < s->nleaves; i++)
	{
		map[i].oid = s->tree->parts[s->leaves[i].part].relid;
		map[i].index = i;
	}
	qsort(map, s->nleaves, sizeof(OidIndex), oidindex_cmp);
	return map;
}

static int
find_leaf(const OidIndex *map, int n, Oid oid)
{
	OidIndex	probe;
	const OidIndex *found;

	probe.oid = oid;
	found = bsearch(&probe, map, n, sizeof(OidIndex), oidindex_cmp);
	return found ? found->index : -1;
}

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

static char *
qualified_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/*
 * Exact rows of every leaf: one scan through the table the tree was built
 * from, so that SELECT on it is enough (as for any query of it).
 */
static void
count_exact(PsSkew *s, const OidIndex *map)
{
	Oid			root = s->tree->root;
	char	   *query;
	uint64		i;
	int			j;

	if (pg_class_aclcheck(root, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", get_rel_name(root)),
				 errdetail("exact => true counts the rows of every partition."),
				 errhint("Grant SELECT on the table, or call with exact => false.")));

	/* counted through the policies, the numbers would be of visible rows */
	if (check_enable_rls(root, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("row-level security applies to \"%s\" for the current user",
						get_rel_name(root)),
				 errdetail("exact => true counts the rows of every partition; the policies would hide some."),
				 errhint("Call with exact => false, or as the table owner.")));

	/* the planner would fail with an internal error on such a tree */
	if (isOtherTempNamespace(get_rel_namespace(root)))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot access temporary tables of other sessions"),
				 errdetail("exact => true counts the rows of every partition."),
				 errhint("Call with exact => false.")));

	/* a leaf being detached is not seen through the parent: its estimate */
	for (j = 0; j < s->nleaves; j++)
		if (!s->leaves[j].detach_pending)
			s->leaves[j].rows = s->tree->parts[s->leaves[j].part].is_foreign ? -1 : 0;

	query = psprintf("SELECT tableoid, count(*) FROM %s GROUP BY tableoid",
					 qualified_name(root));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not count the rows of \"%s\"", get_rel_name(root));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Oid			oid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														 SPI_tuptable->tupdesc,
														 1, &isnull));
		int64		n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
													SPI_tuptable->tupdesc,
													2, &isnull));
		int			leaf = find_leaf(map, s->nleaves, oid);

		if (leaf >= 0)
			s->leaves[leaf].rows = n;
	}
	SPI_finish();
}

/*
 * May the current user read pg_stats of the key columns?  As the pg_stats
 * view: SELECT on the table or on the column; here on the table the tree
 * was built from (the user can read the leaves' rows through it).
 */
static bool
key_stats_readable(PsTree *tree)
{
	Oid			userid = GetUserId();
	int			k;

	/* as pg_stats: hidden when row-level security applies to the caller */
	if (check_enable_rls(tree->root, InvalidOid, true) == RLS_ENABLED)
		return false;
	if (pg_class_aclcheck(tree->root, userid, ACL_SELECT) == ACLCHECK_OK)
		return true;
	for (k = 0; k < tree->nkeys_tables; k++)
	{
		PsKey	   *key = &tree->keys[k];
		int			c;

		for (c = 0; c < key->nkeys; c++)
		{
			AttrNumber	att;

			if (key->colnames[c] == NULL)
				return false;
			att = get_attnum(tree->root, key->colnames[c]);
			if (att == InvalidAttrNumber ||
				pg_attribute_aclcheck(tree->root, att, userid,
									  ACL_SELECT) != ACLCHECK_OK)
				return false;
		}
	}
	return true;
}

static int
heavy_cmp(const void *a, const void *b)
{
	double		x = ((const PsHeavyValue *) a)->freq;
	double		y = ((const PsHeavyValue *) b)->freq;

	return (x < y) - (x > y);
}

/*
 * The pg_statistic facts of a leaf's key column (its direct parent's first
 * key column), read once.  Not found when the user may not read them, the
 * key is an expression, or the leaf was never analyzed.
 */
PsKeyStats *
ps_skew_keystats(PsSkew *s, int leaf)
{
	PsLeafSkew *l = &s->leaves[leaf];
	PsPartition *p = &s->tree->parts[l->part];
	PsKey	   *key = &s->tree->keys[p->key_index];
	PsKeyStats *ks;
	HeapTuple	tup;
	AttrNumber	att;
	AttStatsSlot sslot;
	AttStatsSlot hist;
	bool		have_hist;
	TypeCacheEntry *tc;
	Oid			typid;
	int			i;

	if (s->keystats[leaf])
		return s->keystats[leaf];
	ks = palloc0(sizeof(PsKeyStats));
	s->keystats[leaf] = ks;
	if (!s->stats_readable || key->colnames[0] == NULL || p->is_foreign)
		return ks;
	att = get_attnum(p->relid, key->colnames[0]);
	if (att == InvalidAttrNumber)
		return ks;
	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(p->relid),
						  Int16GetDatum(att), BoolGetDatum(false));
	if (!HeapTupleIsValid(tup))
		return ks;
	ks->found = true;
	ks->null_frac = ((Form_pg_statistic) GETSTRUCT(tup))->stanullfrac;
	ks->n_distinct = ((Form_pg_statistic) GETSTRUCT(tup))->stadistinct;
	typid = key->typids[0];

	memset(&hist, 0, sizeof(hist));
	have_hist = get_attstatsslot(&hist, tup, STATISTIC_KIND_HISTOGRAM,
								 InvalidOid, ATTSTATSSLOT_VALUES) &&
		hist.nvalues > 0;
	if (get_attstatsslot(&sslot, tup, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		ks->nmcv = sslot.nvalues;
		ks->mcv = palloc(sizeof(PsHeavyValue) * Max(sslot.nvalues, 1));
		for (i = 0; i < sslot.nvalues; i++)
		{
			ks->mcv[i].text = ps_datum_to_iso(sslot.values[i], typid);
			ks->mcv[i].freq = sslot.numbers[i];
			ks->mcv[i].rows = l->rows > 0 ?
				(int64) rint(sslot.numbers[i] * l->rows) : 0;
		}
	}
	else
		memset(&sslot, 0, sizeof(sslot));

	/* the smallest and largest value seen: MCVs and histogram ends */
	tc = lookup_type_cache(typid, TYPECACHE_CMP_PROC_FINFO);
	if (OidIsValid(tc->cmp_proc))
	{
		Datum		lo = (Datum) 0,
					hi = (Datum) 0;
		bool		any = false;
		int			n = sslot.nvalues + (have_hist ? 2 : 0);

		for (i = 0; i < n; i++)
		{
			Datum		v;

			if (i < sslot.nvalues)
				v = sslot.values[i];
			else if (i == sslot.nvalues)
				v = hist.values[0];
			else
				v = hist.values[hist.nvalues - 1];
			if (!any)
			{
				lo = hi = v;
				any = true;
				continue;
			}
			if (DatumGetInt32(FunctionCall2Coll(&tc->cmp_proc_finfo,
												key->collations[0],
												v, lo)) < 0)
				lo = v;
			if (DatumGetInt32(FunctionCall2Coll(&tc->cmp_proc_finfo,
												key->collations[0],
												v, hi)) > 0)
				hi = v;
		}
		if (any)
		{
			ks->lo_text = ps_datum_to_iso(lo, typid);
			ks->hi_text = ps_datum_to_iso(hi, typid);
		}
	}
	if (ks->nmcv > 0)
		qsort(ks->mcv, ks->nmcv, sizeof(PsHeavyValue), heavy_cmp);
	if (sslot.values)
		free_attstatsslot(&sslot);
	if (have_hist)
		free_attstatsslot(&hist);
	ReleaseSysCache(tup);
	return ks;
}

/*
 * Index definitions of a relation as short signatures ("UNIQUE USING btree
 * (id)") that do not depend on the index's or the table's name, with the
 * CREATE INDEX statement that builds the same index on "target".
 */
static void
index_signatures(Relation pg_index, Oid relid, List **sigs, List **defs,
				 const char *target)
{
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(pg_index, IndexIndrelidIndexId, true,
							  NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
		char	   *def;
		char	   *using;
		char	   *sig;

		if (!idx->indisvalid)
			continue;
		def = TextDatumGetCString(DirectFunctionCall1(pg_get_indexdef,
													  ObjectIdGetDatum(idx->indexrelid)));
		using = strstr(def, " USING ");
		if (using == NULL)
			continue;
		sig = psprintf("%s%s", idx->indisunique ? "UNIQUE " : "", using + 1);
		*sigs = lappend(*sigs, sig);
		if (defs)
			*defs = lappend(*defs,
							psprintf("CREATE %sINDEX ON %s %s",
									 idx->indisunique ? "UNIQUE " : "",
									 target, using + 1));
	}
	systable_endscan(scan);
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
 * missing_index: in each group of sibling leaves whose index counts differ
 * (one heap scan of pg_index counts them), compare the definitions.
 */
static void
find_missing_indexes(PsSkew *s, const OidIndex *map)
{
	PsTree	   *tree = s->tree;
	Relation	pg_index;
	SysScanDesc scan;
	HeapTuple	tup;
	int		   *counts = palloc0(sizeof(int) * Max(s->nleaves, 1));
	int			nest;
	int			g;
	int			i;

	pg_index = table_open(IndexRelationId, AccessShareLock);
	scan = systable_beginscan(pg_index, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
		int			leaf = find_leaf(map, s->nleaves, idx->indrelid);

		if (leaf >= 0 && idx->indisvalid)
			counts[leaf]++;
		if (leaf >= 0 && s->leaves[leaf].bytes_catalog)
			s->leaves[leaf].bytes += class_pages(idx->indexrelid) * (int64) BLCKSZ;
	}
	systable_endscan(scan);

	/*
	 * The definitions become add_index DDL: deparse them under the scripts'
	 * settings (names outside pg_catalog schema-qualified, ISO literals).
	 */
	nest = ps_ddl_iso_enter();

	/* groups: -1 (the root) and every partitioned part */
	for (g = -1; g < tree->nparts; g++)
	{
		int		   *members = palloc(sizeof(int) * Max(s->nleaves, 1));
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
			members[n++] = i;
			lo = Min(lo, counts[i]);
			hi = Max(hi, counts[i]);
		}
		if (n < 2 || lo == hi)
		{
			pfree(members);
			continue;
		}
		sigs = palloc0(sizeof(List *) * n);
		for (i = 0; i < n; i++)
		{
			index_signatures(pg_index, tree->parts[s->leaves[members[i]].part].relid,
							 &sigs[i], NULL, NULL);
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
				PsPartition *p = &tree->parts[l->part];

				if (list_has_string(sigs[i], sig))
					continue;
				l->flags |= PS_FLAG_MISSING_INDEX;
				l->missing_sigs = lappend(l->missing_sigs, sig);
				l->missing_indexes =
					lappend(l->missing_indexes,
							psprintf("CREATE %sINDEX ON %s %s",
									 strncmp(sig, "UNIQUE ", 7) == 0 ? "UNIQUE " : "",
									 quote_qualified_identifier(p->nspname, p->relname),
									 strncmp(sig, "UNIQUE ", 7) == 0 ? sig + 7 : sig));
				l->index_siblings = have;
			}
		}
	}
	ps_ddl_iso_leave(nest);
	table_close(pg_index, AccessShareLock);
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

/* Measures of the leaves of one group (the children of one parent). */
static void
analyze_group(PsSkew *s, int g)
{
	PsTree	   *tree = s->tree;
	int			n;
	int		   *children = ps_children_of(tree, g, &n);
	double	   *vals = palloc(sizeof(double) * Max(n, 1));
	double	   *dev = palloc(sizeof(double) * Max(n, 1));
	int			nv = 0;
	double		med,
				mad,
				meanad = 0;
	int			ndev = 0;
	double		group_rows = 0,
				group_mods = 0;
	int			nleafs = 0;
	double		chi2_p = -1;
	char		strategy = PS_STRATEGY_RANGE;
	int			prev = -1;
	int			i;

	if (n == 0)
		return;
	strategy = tree->parts[children[0]].strategy;

	if (strategy == PS_STRATEGY_HASH && s->exact)
	{
		int			dof;
		double		chi2 = hash_chi2(s, children, n, &dof);

		if (dof > 0)
			chi2_p = ps_chi2_pvalue(chi2, dof);
	}

	for (i = 0; i < n; i++)
	{
		int			ci = children[i];
		PsPartition *c = &tree->parts[ci];

		if (c->detach_pending)
			continue;
		if (s->rows[ci] >= 0)
			group_rows += s->rows[ci];
		if (c->is_leaf && !c->is_foreign)
		{
			group_mods += Max(c->mods_since_analyze, 0);
			nleafs++;
		}
		if (c->is_leaf && !c->is_default && !c->is_foreign)
			vals[nv++] = s->rows[ci];
	}
	med = median_of(vals, nv);
	for (i = 0; i < nv; i++)
	{
		dev[i] = fabs(vals[i] - med);
		meanad += dev[i];
		if (dev[i] > 0)
			ndev++;
	}
	meanad = nv > 0 ? meanad / nv : 0;
	mad = median_of(dev, nv);

	for (i = 0; i < n; i++)
	{
		int			ci = children[i];
		PsPartition *c = &tree->parts[ci];
		PsLeafSkew *l;
		double		x;

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
		l->group_size = nleafs;
		if (l->rows < 0 || l->detach_pending)
			continue;
		x = l->rows;
		l->parent_share = group_rows > 0 ? x / group_rows : 0;
		l->chi2_p = chi2_p;

		if (nv >= 3 && !c->is_default)
		{
			l->has_ratio = med > 0;
			l->ratio_to_median = med > 0 ? x / med : 0;
			if (mad > 0)
				l->robust_z = 0.6745 * (x - med) / mad;
			else if (ndev == 1 && x != med)
				l->robust_z = x > med ? get_float8_infinity() :
					-get_float8_infinity();
			else if (meanad > 0)
				l->robust_z = (x - med) / (1.253314 * meanad);
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
		if (group_mods > 0 && c->mods_since_analyze > 0 && nleafs >= 2)
		{
			double		base = Max(l->parent_share, 1.0 / nleafs);

			l->mod_share = c->mods_since_analyze / group_mods;
			if (l->mod_share >= ps_hot_ratio * base)
				l->flags |= PS_FLAG_HOT;
		}

		if (c->strategy == PS_STRATEGY_HASH && !c->is_default &&
			c->modulus > 0)
		{
			l->expected_share = 1.0 / c->modulus;
			if (group_rows > 0 &&
				l->parent_share >= ps_hash_imbalance_ratio * l->expected_share &&
				(chi2_p < 0 || chi2_p < ps_hash_alpha))
				l->flags |= PS_FLAG_HASH_IMBALANCE;
		}
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

/* pg_class.relpages of a relation, 0 if it is gone. */
static int64
class_pages(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int64		pages;

	if (!HeapTupleIsValid(tup))
		return 0;
	pages = ((Form_pg_class) GETSTRUCT(tup))->relpages;
	ReleaseSysCache(tup);
	return pages;
}

/*
 * Bytes of a leaf of a tree built without file sizes: from the catalog
 * (relpages of the heap, its TOAST table and, in find_missing_indexes(),
 * its indexes) when its statistics are fresh; from the files otherwise,
 * since relpages is only as recent as the last VACUUM or ANALYZE.
 */
static void
catalog_bytes(PsSkew *s, PsLeafSkew *l, PsSizer **sizer)
{
	PsPartition *p = &s->tree->parts[l->part];
	HeapTuple	tup;
	Form_pg_class form;

	if (p->is_foreign)
	{
		l->bytes = -1;
		return;
	}
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(p->relid));
	if (!HeapTupleIsValid(tup))
	{
		l->bytes = 0;
		return;
	}
	form = (Form_pg_class) GETSTRUCT(tup);
	if (form->reltuples >= 0 && !(l->flags & PS_FLAG_STALE_STATS))
	{
		l->bytes_catalog = true;
		l->bytes = (int64) form->relpages * BLCKSZ;
		if (OidIsValid(form->reltoastrelid))
			l->bytes += class_pages(form->reltoastrelid) * (int64) BLCKSZ;
	}
	else
	{
		/* never analyzed: sized by refresh_unanalyzed() already */
		if (p->reltuples >= 0)
		{
			if (*sizer == NULL)
				*sizer = ps_sizer_begin();
			ps_fill_sizes(*sizer, p, tup);
		}
		l->bytes = p->total_bytes;
	}
	ReleaseSysCache(tup);
}

/*
 * A tree built without file sizes has relpages = 0 for a leaf never
 * analyzed nor vacuumed, so its row estimate fell back to "empty".  Size
 * those leaves from their files and estimate their rows again, as the
 * inventory does.
 */
static void
refresh_unanalyzed(PsTree *tree)
{
	PsSizer    *sizer = NULL;
	int			i;

	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];
		HeapTuple	tup;

		if (!p->is_leaf || p->is_foreign || p->reltuples >= 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(p->relid));
		if (!HeapTupleIsValid(tup))
			continue;
		if (sizer == NULL)
			sizer = ps_sizer_begin();
		ps_fill_sizes(sizer, p, tup);
		ps_fill_rows(p, tup, true);
		ReleaseSysCache(tup);
	}
	if (sizer)
		ps_sizer_end(sizer);
}

PsSkew *
ps_skew_analyze(PsTree *tree, bool exact)
{
	PsSkew	   *s = palloc0(sizeof(PsSkew));
	PsSizer    *sizer = NULL;
	OidIndex   *map;
	int			i;
	int			lvl;

	if (!tree->sizes_known)
		refresh_unanalyzed(tree);
	s->tree = tree;
	s->exact = exact;
	s->stats_readable = key_stats_readable(tree);
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
	map = leaf_oid_index(s);
	if (exact)
		count_exact(s, map);

	/* rows of every part, partitioned ones as sums, deepest first */
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
				catalog_bytes(s, l, &sizer);
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
			catalog_bytes(s, l, &sizer);
	}

	if (sizer)
		ps_sizer_end(sizer);

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
	find_missing_indexes(s, map);

	/* per level */
	s->nlevels = tree->nlevels;
	s->levels = palloc0(sizeof(PsLevelSkew) * Max(tree->nlevels, 1));
	for (lvl = 1; lvl <= tree->nlevels; lvl++)
	{
		PsLevelSkew *L = &s->levels[lvl - 1];
		double	   *vals = palloc(sizeof(double) * Max(tree->nparts, 1));
		double		sum = 0,
					sumsq = 0,
					maxv = 0,
					weighted = 0,
					defrows = 0,
					med;
		bool		all_hash = true;
		int			g;

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
			continue;
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
		{
			/* sum the tests of every hash parent of this level */
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
	}
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
static double
round_to(double x, int digits)
{
	double		f = pow(10, digits);

	return rint(x * f) / f;
}

static void
notice_no_stats(PsSkew *s, const char *funcname)
{
	if (!s->stats_readable)
		ereport(NOTICE,
				(errmsg("%s: no access to pg_stats of \"%s\": results are size-based",
						funcname, get_rel_name(s->tree->root)),
				 errdetail("Most-common key values need SELECT on the table or its partition key columns."),
				 errhint("Grant SELECT on the partition key columns to see the heavy key values.")));
}

#define SKEW_COLS 15

Datum
partstrat_skew(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	bool		exact = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	PsTree	   *tree;
	PsSkew	   *s;
	int			i;

	ps_init_materialized_srf(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	tree = ps_open_tree(relid, "partstrat_skew", 0);
	s = ps_skew_analyze(tree, exact);
	notice_no_stats(s, "partstrat_skew");

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];
		Datum		values[SKEW_COLS];
		bool		nulls[SKEW_COLS];
		char	   *heavy;
		int			c = 0;

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		values[c++] = ObjectIdGetDatum(p->relid);
		values[c++] = ObjectIdGetDatum(p->parentid);
		values[c++] = Int32GetDatum(p->level);
		values[c] = Int64GetDatum(l->rows);
		nulls[c++] = l->rows < 0;
		values[c++] = CStringGetTextDatum(exact && !l->detach_pending ? "count" :
										  l->rows_pgstat ? "pg_stat" :
										  ps_rows_source_name(p->rows_source));
		values[c] = Int64GetDatum(l->bytes);
		nulls[c++] = l->bytes < 0 || !tree->sizes_known;
		values[c] = Float8GetDatum(round_to(l->share, 4));
		nulls[c++] = l->rows < 0 || l->detach_pending;
		values[c] = Float8GetDatum(round_to(l->ratio_to_median, 2));
		nulls[c++] = !l->has_ratio;
		values[c] = Float8GetDatum(round_to(l->robust_z, 2));
		nulls[c++] = !l->has_ratio;
		values[c] = Float8GetDatum(round_to(l->density, 2));
		nulls[c++] = !l->has_density;
		values[c] = l->density_unit ? CStringGetTextDatum(l->density_unit) : (Datum) 0;
		nulls[c++] = !l->has_density;
		values[c] = Float8GetDatum(round_to(l->expected_share, 4));
		nulls[c++] = l->expected_share < 0;
		values[c] = Float8GetDatum(l->chi2_p);
		nulls[c++] = l->chi2_p < 0;
		heavy = ps_heavy_json(l, NULL);
		values[c] = heavy ? DirectFunctionCall1(jsonb_in, CStringGetDatum(heavy)) : (Datum) 0;
		nulls[c++] = heavy == NULL;
		values[c++] = ps_flags_array(l->flags);
		Assert(c == SKEW_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

#define SKEW_SUMMARY_COLS 11

Datum
partstrat_skew_summary(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	bool		exact = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	PsTree	   *tree;
	PsSkew	   *s;
	int			i;

	ps_init_materialized_srf(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	tree = ps_open_tree(relid, "partstrat_skew_summary", PS_TREE_NO_SIZES);
	s = ps_skew_analyze(tree, exact);

	for (i = 0; i < s->nlevels; i++)
	{
		PsLevelSkew *L = &s->levels[i];
		Datum		values[SKEW_SUMMARY_COLS];
		bool		nulls[SKEW_SUMMARY_COLS];
		int			c = 0;

		memset(nulls, 0, sizeof(nulls));
		values[c++] = Int32GetDatum(L->level);
		values[c] = L->strategy ? CStringGetTextDatum(L->strategy) : (Datum) 0;
		nulls[c++] = L->strategy == NULL;
		values[c++] = Int32GetDatum(L->nodes);
		values[c++] = Int64GetDatum(L->rows);
		values[c++] = Float8GetDatum(round_to(L->gini, 4));
		values[c++] = Float8GetDatum(round_to(L->cv, 4));
		values[c] = Float8GetDatum(round_to(L->max_median, 2));
		nulls[c++] = L->max_median < 0;
		values[c++] = Float8GetDatum(round_to(L->default_share, 4));
		values[c] = Float8GetDatum(round_to(L->chi2, 2));
		nulls[c++] = !L->is_hash || !s->exact;
		values[c] = Int32GetDatum(L->dof);
		nulls[c++] = !L->is_hash;
		values[c] = Float8GetDatum(L->chi2_p);
		nulls[c++] = L->chi2_p < 0;
		Assert(c == SKEW_SUMMARY_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
