/*-------------------------------------------------------------------------
 *
 * ddl_merge.c
 *	  partstrat_ddl_merge(): the script that merges partitions into one.
 *
 * Adjacent range partitions (each one's upper bound is the next one's
 * lower bound) become one partition covering their union; list partitions
 * of the same parent become one partition holding all their values.  The
 * script is built by ps_ddl_emit_replace() (ddl_common.c), like a split
 * with one new partition and several old ones.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_merge.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"

#include "ddl.h"
#include "generators.h"

/* Are two range bound values (all key columns) equal? */
static bool
range_values_equal(Oid parentid, const PsValue *a, const PsValue *b,
				   int nkeys)
{
	Relation	rel = table_open(parentid, AccessShareLock);
	PartitionKey pk = RelationGetPartitionKey(rel);
	bool		equal = true;
	int			i;

	for (i = 0; i < nkeys && equal; i++)
	{
		if (a[i].kind != b[i].kind)
			equal = false;
		else if (a[i].kind == PS_RANGE_VALUE)
			equal = DatumGetInt32(FunctionCall2Coll(&pk->partsupfunc[i],
													pk->partcollation[i],
													a[i].value,
													b[i].value)) == 0;
	}
	table_close(rel, AccessShareLock);
	return equal;
}

static char *
range_text(const PsValue *v, int nkeys)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (i = 0; i < nkeys; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", ps_ddl_literal(&v[i]));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/* The partitions, checked, as indexes into tree->parts in bound order. */
static int *
resolve_partitions(const Oid *relids, int n, PsTree **treep)
{
	int		   *idx;
	PsTree	   *tree = NULL;
	Oid			parent = InvalidOid;
	int			i,
				j;

	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a merge needs at least two partitions, got %d", n),
				 errhint("Pass two or more partitions of the same parent.")));
	idx = palloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
	{
		Oid			relid;
		Oid			thisparent;
		int			k;

		relid = relids[i];
		ps_check_partition_kind(relid, "partstrat_ddl_merge");
		if (tree == NULL)
		{
			tree = ps_ddl_open_partition(relid, "partstrat_ddl_merge", &k);
			parent = tree->root;
		}
		else
		{
			if (!get_rel_relispartition(relid))
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("\"%s\" is not a partition", get_rel_name(relid)),
						 errhint("Pass partitions of one partitioned table.")));
			thisparent = get_partition_parent(relid, true);
			if (thisparent != parent)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partitions of different parents cannot be merged"),
						 errdetail("\"%s\" is a partition of \"%s\", \"%s\" of \"%s\".",
								   get_rel_name(relids[0]),
								   get_rel_name(parent), get_rel_name(relid),
								   get_rel_name(thisparent)),
						 errhint("Pass partitions of one partitioned table.")));
			for (k = 0; k < tree->nparts; k++)
				if (tree->parts[k].relid == relid && tree->parts[k].level == 1)
					break;
			if (k == tree->nparts)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("partition \"%s\" was not found under \"%s\"",
								get_rel_name(relid), get_rel_name(parent)),
						 errhint("It may be being detached.")));
			/* as for the first one (ps_ddl_open_partition) */
			LockRelationOid(relid, AccessShareLock);
			ps_check_read_access(relid, false);
			if (tree->parts[k].detach_pending)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("partition \"%s\" is being detached",
								get_rel_name(relid)),
						 errdetail("A DETACH PARTITION ... CONCURRENTLY was interrupted or is running."),
						 errhint("Finish it with ALTER TABLE %s DETACH PARTITION %s FINALIZE.",
								 ps_ddl_qualified(parent),
								 ps_ddl_qualified(relid))));
		}
		for (j = 0; j < i; j++)
			if (idx[j] == k)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partition \"%s\" is listed twice", get_rel_name(relid)),
						 errhint("List each partition once.")));
		idx[i] = k;
	}
	/* bound order = order in the tree */
	for (i = 1; i < n; i++)
	{
		int			v = idx[i];

		for (j = i - 1; j >= 0 && idx[j] > v; j--)
			idx[j + 1] = idx[j];
		idx[j + 1] = v;
	}
	*treep = tree;
	return idx;
}

static void
check_mergeable(const PsTree *tree, const PsPartition *p)
{
	if (p->is_default)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot merge the DEFAULT partition \"%s\"", p->relname),
				 errdetail("A DEFAULT partition has no bound to merge."),
				 errhint("Use partstrat_ddl_rescue_default(%s) to move its rows into partitions of their own.",
						 quote_literal_cstr(ps_ddl_qualified(tree->root)))));
	if (p->is_foreign)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot merge foreign partition \"%s\"", p->relname),
				 errhint("Merge local partitions only.")));
	if (!p->is_leaf)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot merge sub-partitioned partition \"%s\"", p->relname),
				 errdetail("It is itself partitioned by %s.",
						   tree->keys[p->own_key_index].keydef),
				 errhint("Merge leaf partitions only.")));
	if (p->strategy == PS_STRATEGY_HASH)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot merge hash partitions"),
				 errdetail("\"%s\" is a hash partition; a merged hash partition would need a smaller modulus for every sibling.",
						   p->relname),
				 errhint("Recreate the table with fewer hash partitions instead.")));
}

static char *merge_script_tree(const PsTree *tree, const int *idx, int n,
							   int lock_timeout);

/* The SQL defaults of partstrat_ddl_merge(). */
void
ps_merge_options_init(PsMergeOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->lock_timeout_ms = ps_ddl_lock_timeout_ms;
}

/*
 * ps_ddl_merge -- the script merging o->relids (or, from the caller's tree,
 * o->idx) into one partition, with partstrat_ddl_merge()'s ERRORs.
 */
char *
ps_ddl_merge(const PsMergeOptions *o)
{
	PsTree	   *tree;
	int		   *idx;

	if (o->tree != NULL)
		return merge_script_tree(o->tree, o->idx, o->n, o->lock_timeout_ms);
	idx = resolve_partitions(o->relids, o->n, &tree);
	return merge_script_tree(tree, idx, o->n, o->lock_timeout_ms);
}

/*
 * The merge script from a tree whose root is the partitions' parent: idx
 * are distinct indexes of level-1 partitions of tree->parts, in bound
 * (tree) order.  Saves building the tree once per merge when one caller
 * generates many (partstrat_advise).
 */
static char *
merge_script_tree(const PsTree *tree, const int *idx, int n,
				  int lock_timeout)
{
	PsPartition *first;
	PsPartition *last;
	PsBound		merged;
	List	   *olds = NIL;
	PsScript   *s;
	char	   *name;
	StringInfoData list;
	char	   *result;
	int			nest;
	int			i;

	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a merge needs at least two partitions, got %d", n),
				 errhint("Pass two or more partitions of the same parent.")));
	for (i = 0; i < n; i++)
		check_mergeable(tree, &tree->parts[idx[i]]);
	first = &tree->parts[idx[0]];
	last = &tree->parts[idx[n - 1]];

	nest = ps_ddl_iso_enter();
	merged = ps_bound_of(tree, first);
	if (first->strategy == PS_STRATEGY_RANGE)
	{
		int			nkeys = tree->keys[first->key_index].nkeys;

		for (i = 1; i < n; i++)
		{
			PsPartition *a = &tree->parts[idx[i - 1]];
			PsPartition *b = &tree->parts[idx[i]];

			if (!range_values_equal(tree->root, a->range_to, b->range_from, nkeys))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partitions \"%s\" and \"%s\" are not adjacent",
								a->relname, b->relname),
						 errdetail("\"%s\" ends at %s, \"%s\" starts at %s.",
								   a->relname, range_text(a->range_to, nkeys),
								   b->relname, range_text(b->range_from, nkeys)),
						 errhint("Merge neighbouring partitions only (see partstrat_partitions()); a gap would be swallowed by the merged partition.")));
		}
		merged.to = last->range_to;
	}
	else
	{
		int			total = 0;

		for (i = 0; i < n; i++)
			total += tree->parts[idx[i]].nlist;
		merged.list = palloc(sizeof(PsValue) * total);
		merged.nlist = 0;
		for (i = 0; i < n; i++)
		{
			PsPartition *p = &tree->parts[idx[i]];

			memcpy(&merged.list[merged.nlist], p->list_values,
				   sizeof(PsValue) * p->nlist);
			merged.nlist += p->nlist;
		}
	}

	initStringInfo(&list);
	for (i = 0; i < n; i++)
	{
		PsPartition *p = &tree->parts[idx[i]];

		appendStringInfo(&list, "%s%s", i ? ", " : "",
						 quote_qualified_identifier(p->nspname, p->relname));
		olds = lappend_oid(olds, p->relid);
	}
	s = ps_script_begin(psprintf("merge of %d partitions of %s: %s", n,
								 ps_ddl_qualified(tree->root), list.data),
						lock_timeout, true);
	name = ps_ddl_new_name(s, get_rel_namespace(first->relid), first->relname,
						   "_merged");
	ps_script_header(s, "New partition: %s %s.", quote_identifier(name),
					 ps_ddl_bound_clause(&merged));
	ps_script_header(s, "Its columns, indexes, constraints, owner, grants, options and tablespace are those of %s.",
					 quote_qualified_identifier(first->nspname, first->relname));
	for (i = 0; i < n; i++)
	{
		PsPartition *p = &tree->parts[idx[i]];

		PsBound		b = ps_bound_of(tree, p);

		ps_script_header(s, "  %s: %s (%s)",
						 quote_qualified_identifier(p->nspname, p->relname),
						 ps_ddl_bound_clause(&b),
						 p->rows_source == PS_ROWS_RELTUPLES ?
						 psprintf(INT64_FORMAT " rows estimated by ANALYZE", p->est_rows) :
						 "never analyzed");
	}
	ps_ddl_emit_replace(s, tree, olds, 1, &merged, &name);
	result = ps_script_finish(s);
	ps_ddl_iso_leave(nest);
	return result;
}
