/*-------------------------------------------------------------------------
 *
 * partitions.c
 *	  SQL interface of the inventory: partstrat_partitions() and
 *	  partstrat_summary().
 *
 * These functions only check their argument, build the PsTree and turn it
 * into rows; everything they know comes from inventory.c and stats.c.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/sql/partitions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "compat.h"
#include "partstrat.h"

PG_FUNCTION_INFO_V1(partstrat_partitions);
PG_FUNCTION_INFO_V1(partstrat_summary);

/* text[] of the bound values; NULL elements for the NULL list value. */
static Datum
values_array(const PsValue *vals, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1];
	int			lbs[1];
	int			i;

	for (i = 0; i < n; i++)
	{
		nulls[i] = vals[i].isnull;
		elems[i] = vals[i].isnull ? (Datum) 0 :
			CStringGetTextDatum(vals[i].text);
	}
	dims[0] = n;
	lbs[0] = 1;
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  TEXTOID, -1, false,
											  TYPALIGN_INT));
}

#define PARTITIONS_COLS 26

Datum
partstrat_partitions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = PG_GETARG_OID(0);
	PsTree	   *tree;
	int			i;

	ps_init_materialized_srf(fcinfo);
	tree = ps_open_tree(relid, "partstrat_partitions", 0);

	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];
		PsKey	   *key = &tree->keys[p->key_index];
		Datum		values[PARTITIONS_COLS];
		bool		nulls[PARTITIONS_COLS];
		bool		sized = !p->is_foreign && tree->sizes_known;
		int			c = 0;

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		values[c++] = ObjectIdGetDatum(p->relid);
		values[c++] = ObjectIdGetDatum(p->parentid);
		values[c++] = Int32GetDatum(p->level);
		values[c++] = BoolGetDatum(p->is_leaf);
		values[c++] = CStringGetTextDatum(ps_strategy_name(p->strategy));
		values[c++] = CStringGetTextDatum(key->keydef);
		values[c++] = CStringGetTextDatum(p->bound_text);
		values[c++] = BoolGetDatum(p->is_default);
		/* range_from, range_to */
		if (p->range_from)
		{
			values[c++] = values_array(p->range_from, key->nkeys);
			values[c++] = values_array(p->range_to, key->nkeys);
		}
		else
		{
			nulls[c++] = true;
			nulls[c++] = true;
		}
		/* list_values */
		if (p->list_values)
			values[c++] = values_array(p->list_values, p->nlist);
		else
			nulls[c++] = true;
		/* modulus, remainder */
		if (p->strategy == PS_STRATEGY_HASH && !p->is_default)
		{
			values[c++] = Int32GetDatum(p->modulus);
			values[c++] = Int32GetDatum(p->remainder);
		}
		else
		{
			nulls[c++] = true;
			nulls[c++] = true;
		}
		/* sizes */
		values[c] = Int64GetDatum(p->heap_bytes);
		nulls[c++] = !sized;
		values[c] = Int64GetDatum(p->index_bytes);
		nulls[c++] = !sized;
		values[c] = Int64GetDatum(p->toast_bytes);
		nulls[c++] = !sized;
		values[c] = Int64GetDatum(p->total_bytes);
		nulls[c++] = !sized;
		/* rows */
		values[c] = Int64GetDatum(p->est_rows);
		nulls[c++] = (p->est_rows < 0);
		values[c++] = CStringGetTextDatum(ps_rows_source_name(p->rows_source));
		values[c++] = Int64GetDatum(p->live_tuples);
		values[c++] = Int64GetDatum(p->dead_tuples);
		values[c++] = Int64GetDatum(p->mods_since_analyze);
		values[c] = TimestampTzGetDatum(p->last_analyze);
		nulls[c++] = (p->last_analyze == 0);
		values[c++] = CharGetDatum(p->relkind);
		values[c++] = BoolGetDatum(p->detach_pending);
		Assert(c == PARTITIONS_COLS);

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
	}
	return (Datum) 0;
}

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * Strategies of the partitioned tables at each depth, from the root's own
 * down, e.g. {range,hash}; "list/range" where siblings differ.
 */
static Datum
level_strategies(const PsTree *tree)
{
	int			ndepth = tree->nlevels + 1;
	Datum	   *elems = palloc(sizeof(Datum) * ndepth);
	char	  **seen = palloc0(sizeof(char *) * ndepth);
	int			n = 0;
	int			i;

	seen[0] = pstrdup(ps_strategy_name(tree->keys[0].strategy));
	for (i = 0; i < tree->nparts; i++)
	{
		const PsPartition *p = &tree->parts[i];
		const char *name;
		int			depth = p->level;

		if (p->own_key_index < 0 || depth >= ndepth)
			continue;
		name = ps_strategy_name(tree->keys[p->own_key_index].strategy);
		if (seen[depth] == NULL)
			seen[depth] = pstrdup(name);
		else if (strstr(seen[depth], name) == NULL)
			seen[depth] = psprintf("%s/%s", seen[depth], name);
	}
	for (i = 0; i < ndepth && seen[i] != NULL; i++)
		elems[n++] = CStringGetTextDatum(seen[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1,
										   false, TYPALIGN_INT));
}

#define SUMMARY_COLS 20

Datum
partstrat_summary(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	TupleDesc	tupdesc;
	PsTree	   *tree;
	Datum		values[SUMMARY_COLS];
	bool		nulls[SUMMARY_COLS];
	int64	   *sizes;
	int			nsized = 0;
	int64		total_rows = 0;
	int64		total_bytes = 0;
	int64		default_rows = 0;
	int			empty = 0,
				ndefault = 0,
				stale = 0,
				never = 0,
				pending = 0,
				foreign = 0;
	int			smallest = -1,
				largest = -1;
	int			i;
	int			c = 0;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	tree = ps_open_tree(relid, "partstrat_summary", 0);
	sizes = palloc(sizeof(int64) * Max(tree->nleaves, 1));

	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];

		if (p->is_default)
			ndefault++;
		if (p->detach_pending)
			pending++;
		if (!p->is_leaf)
			continue;
		if (p->is_foreign)
		{
			foreign++;
			continue;
		}
		total_rows += p->est_rows;
		total_bytes += p->total_bytes;
		if (p->est_rows == 0)
			empty++;
		if (ps_under_default(tree, i))
			default_rows += p->est_rows;
		if (p->last_analyze == 0)
			never++;
		else if (ps_stats_stale(p))
			stale++;
		sizes[nsized++] = p->total_bytes;
		if (smallest < 0 || p->total_bytes < tree->parts[smallest].total_bytes)
			smallest = i;
		if (largest < 0 || p->total_bytes > tree->parts[largest].total_bytes)
			largest = i;
	}
	qsort(sizes, nsized, sizeof(int64), int64_cmp);

	memset(nulls, 0, sizeof(nulls));
	values[c++] = ObjectIdGetDatum(relid);
	values[c++] = Int32GetDatum(tree->nleaves);
	values[c++] = Int32GetDatum(tree->nlevels);
	values[c++] = level_strategies(tree);
	values[c++] = Int64GetDatum(total_rows);
	values[c++] = Int64GetDatum(total_bytes);
	values[c++] = Int32GetDatum(empty);
	values[c++] = Int32GetDatum(ndefault);
	values[c++] = Int64GetDatum(default_rows);
	values[c] = ObjectIdGetDatum(smallest >= 0 ? tree->parts[smallest].relid : InvalidOid);
	nulls[c++] = smallest < 0;
	values[c] = Int64GetDatum(smallest >= 0 ? tree->parts[smallest].total_bytes : 0);
	nulls[c++] = smallest < 0;
	if (nsized > 0)
		values[c] = Int64GetDatum(nsized % 2 ? sizes[nsized / 2] :
								  (sizes[nsized / 2 - 1] + sizes[nsized / 2]) / 2);
	nulls[c++] = nsized == 0;
	values[c] = ObjectIdGetDatum(largest >= 0 ? tree->parts[largest].relid : InvalidOid);
	nulls[c++] = largest < 0;
	values[c] = Int64GetDatum(largest >= 0 ? tree->parts[largest].total_bytes : 0);
	nulls[c++] = largest < 0;
	values[c++] = Int32GetDatum(stale);
	values[c++] = Int32GetDatum(never);
	values[c++] = Int32GetDatum(pending);
	values[c++] = Int32GetDatum(foreign);
	values[c] = ObjectIdGetDatum(tree->top_root);
	nulls[c++] = false;
	{
		/* the tool that manages the set (advise_partman.c) */
		PsPartman  *pm = ps_partman_lookup(tree);

		nulls[c] = pm == NULL || pm->unreadable;
		values[c] = nulls[c] ? (Datum) 0 :
			CStringGetTextDatum(psprintf("pg_partman %s", pm->version ? pm->version : ""));
		c++;
	}
	Assert(c == SUMMARY_COLS);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
