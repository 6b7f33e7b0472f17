/*-------------------------------------------------------------------------
 *
 * skew_facts.c
 *	  The facts skew analysis needs beyond the partition tree, read from
 *	  the catalogs, the statistics and the rows.
 *
 * The tree (inventory.c) holds bounds, sizes and counters; skew.c computes
 * its measures over the tree and over the facts read here: exact row
 * counts (one count(*) ... GROUP BY tableoid through the parent, with
 * exact => true), the key column's pg_statistic row of a leaf (only when
 * the user may read it, as pg_stats would show it), leaf sizes from
 * pg_class when their statistics are fresh (from the files otherwise),
 * and index counts and definitions.  Every catalog scan, syscache lookup
 * and SPI query of the skew analysis is in this file; skew.c reads none.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/catalog/skew_facts.c
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
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "ddl.h"
#include "partstrat.h"
#include "skew.h"
#include "skew_facts.h"

/* ----------------------------------------------------------------
 * Leaves by OID, exact counts, statistics
 * ----------------------------------------------------------------
 */

static int
oidindex_cmp(const void *a, const void *b)
{
	Oid			x = ((const OidIndex *) a)->oid;
	Oid			y = ((const OidIndex *) b)->oid;

	return (x > y) - (x < y);
}

/* Sorted (leaf OID, leaves index) pairs, for lookups by OID. */
OidIndex *
ps_leaf_oid_index(PsSkew *s)
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

int
ps_find_leaf(const OidIndex *map, int n, Oid oid)
{
	OidIndex	probe;
	const OidIndex *found;

	probe.oid = oid;
	found = bsearch(&probe, map, n, sizeof(OidIndex), oidindex_cmp);
	return found ? found->index : -1;
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
void
ps_facts_count_exact(PsSkew *s, const OidIndex *map)
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
		int			leaf = ps_find_leaf(map, s->nleaves, oid);

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
bool
ps_facts_stats_readable(PsTree *tree)
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

/* ----------------------------------------------------------------
 * Sizes and indexes
 * ----------------------------------------------------------------
 */

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
 * (relpages of the heap, its TOAST table and, in ps_facts_index_counts(),
 * its indexes) when its statistics are fresh; from the files otherwise,
 * since relpages is only as recent as the last VACUUM or ANALYZE.
 */
void
ps_facts_catalog_bytes(PsSkew *s, PsLeafSkew *l, PsSizer **sizer)
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
void
ps_facts_refresh_unanalyzed(PsTree *tree)
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

/*
 * What follows "CREATE [UNIQUE] INDEX name ON [ONLY] schema.table " in def,
 * the pg_get_indexdef() text of index idx of relid ("USING btree (id)"),
 * or NULL when def does not start so.
 */
static char *
index_def_rest(char *def, Form_pg_index idx, Oid relid)
{
	char	   *qrel = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												  get_rel_name(relid));
	const char *iname = quote_identifier(get_rel_name(idx->indexrelid));
	const char *uniq = idx->indisunique ? "UNIQUE " : "";
	char	   *prefix;

	prefix = psprintf("CREATE %sINDEX %s ON %s USING ", uniq, iname, qrel);
	if (strncmp(def, prefix, strlen(prefix)) == 0)
		return def + strlen(prefix) - strlen("USING ");
	prefix = psprintf("CREATE %sINDEX %s ON ONLY %s USING ", uniq, iname, qrel);
	if (strncmp(def, prefix, strlen(prefix)) == 0)
		return def + strlen(prefix) - strlen("USING ");
	return NULL;
}

/*
 * Index definitions of a relation as short signatures ("UNIQUE USING btree
 * (id)") that do not depend on the index's or the table's name.
 */
static void
index_signatures(Relation pg_index, Oid relid, List **sigs)
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

		/*
		 * Cut the definition after the exact "CREATE INDEX name ON table"
		 * that pg_get_indexdef writes, never at the first " USING ": an
		 * index or table name may hold " USING " and SQL after it.
		 */
		using = index_def_rest(def, idx, relid);
		if (using == NULL)
			continue;
		sig = psprintf("%s%s", idx->indisunique ? "UNIQUE " : "", using);
		*sigs = lappend(*sigs, sig);
	}
	systable_endscan(scan);
}

/*
 * Valid indexes of each leaf, counted in one heap scan of pg_index (counts
 * indexed like s->leaves); the pages of those indexes are added to the
 * bytes of the leaves sized from the catalog.
 */
int *
ps_facts_index_counts(PsSkew *s, const OidIndex *map)
{
	Relation	pg_index;
	SysScanDesc scan;
	HeapTuple	tup;
	int		   *counts = palloc0(sizeof(int) * Max(s->nleaves, 1));

	pg_index = table_open(IndexRelationId, AccessShareLock);
	scan = systable_beginscan(pg_index, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
		int			leaf = ps_find_leaf(map, s->nleaves, idx->indrelid);

		if (leaf >= 0 && idx->indisvalid)
			counts[leaf]++;
		if (leaf >= 0 && s->leaves[leaf].bytes_catalog)
			s->leaves[leaf].bytes += class_pages(idx->indexrelid) * (int64) BLCKSZ;
	}
	systable_endscan(scan);
	table_close(pg_index, AccessShareLock);
	return counts;
}

/*
 * The index signatures of each of relids[n] (a List of char * each).  The
 * definitions may become add_index DDL: they are deparsed under the
 * scripts' settings (names outside pg_catalog schema-qualified, ISO
 * literals).
 */
List **
ps_facts_index_signatures(const Oid *relids, int n)
{
	Relation	pg_index = table_open(IndexRelationId, AccessShareLock);
	List	  **sigs = palloc0(sizeof(List *) * Max(n, 1));
	int			nest = ps_ddl_iso_enter();
	int			i;

	for (i = 0; i < n; i++)
		index_signatures(pg_index, relids[i], &sigs[i]);
	ps_ddl_iso_leave(nest);
	table_close(pg_index, AccessShareLock);
	return sigs;
}
