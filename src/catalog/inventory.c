/*-------------------------------------------------------------------------
 *
 * inventory.c
 *	  Catalogs -> PsTree: every partition of a partitioned table.
 *
 * The tree is read from pg_partitioned_table (keys), the relcache's
 * partition descriptor of each partitioned table (children in bound
 * order, detach-pending ones included), pg_inherits (the detach-pending
 * flag) and pg_class (bounds, sizes, reltuples).  pg_partition_tree() is
 * not used: it hides a partition left half-detached, which still occupies
 * its range.
 *
 * Locks: the table passed in and every partitioned table below it are
 * locked in AccessShareLock until the end of the transaction (the same
 * lock a SELECT takes), so that no partition can be attached to or
 * detached from them while we read.  Leaves are not locked: their
 * pg_class rows are read through the syscache and their files are sized
 * without opening them, as pg_relation_size() would, so a leaf dropped
 * concurrently simply disappears from the result.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/catalog/inventory.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/partition.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "partitioning/partdesc.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "compat.h"
#include "partstrat.h"

const char *
ps_strategy_name(char strategy)
{
	switch (strategy)
	{
		case PS_STRATEGY_RANGE:
			return "range";
		case PS_STRATEGY_LIST:
			return "list";
		case PS_STRATEGY_HASH:
			return "hash";
	}
	return "unknown";
}

const char *
ps_rows_source_name(PsRowsSource source)
{
	switch (source)
	{
		case PS_ROWS_RELTUPLES:
			return "reltuples";
		case PS_ROWS_EMPTY:
			return "empty_file";
		case PS_ROWS_PGSTAT:
			return "pg_stat";
		case PS_ROWS_PAGES:
			return "page_estimate";
		case PS_ROWS_LEAVES:
			return "leaves";
		case PS_ROWS_NONE:
			return "unknown";
	}
	return "unknown";
}

/*
 * A leaf's statistics are stale when it was analyzed but more than
 * PS_STALE_FRACTION of its rows were modified since (not merely counted
 * since: see mods_before_analyze() in stats.c).
 */
bool
ps_stats_stale(const PsPartition *p)
{
	double		base;

	if (p->last_analyze == 0)
		return false;			/* missing, not stale */
	if (p->counters_late)
		return false;			/* counted after the ANALYZE that saw them */
	base = p->est_rows > 0 ? (double) p->est_rows : 0.0;
	return p->mods_since_analyze > PS_STALE_FRACTION * base;
}

/*
 * The children (indexes into tree->parts, in bound order) of partition g,
 * or of the root when g is -1.
 */
int *
ps_children_of(const PsTree *tree, int g, int *n)
{
	if (g < 0)
	{
		*n = tree->nroot_children;
		return tree->root_children;
	}
	*n = tree->parts[g].nchildren;
	return tree->parts[g].children;
}

/* Is partition i a DEFAULT partition or below one? */
bool
ps_under_default(const PsTree *tree, int i)
{
	while (i >= 0)
	{
		if (tree->parts[i].is_default)
			return true;
		i = tree->parts[i].parent_index;
	}
	return false;
}

/*
 * ERROR unless relid is a partitioned table.  "what" names the argument in
 * the hint ("partstrat_partitions").
 */
void
ps_check_partitioned(Oid relid, const char *what)
{
	HeapTuple	tup;
	Form_pg_class form;
	char	   *name;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped concurrently.")));
	form = (Form_pg_class) GETSTRUCT(tup);
	if (form->relkind == RELKIND_PARTITIONED_TABLE)
	{
		ReleaseSysCache(tup);
		return;
	}

	name = NameStr(form->relname);
	/* an index can be a partition too: of an index, which is no answer */
	if (form->relispartition &&
		(form->relkind == RELKIND_RELATION ||
		 form->relkind == RELKIND_FOREIGN_TABLE))
	{
		Oid			parent = get_partition_parent(relid, true);

		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partitioned table", name),
				 errdetail("It is a leaf partition of \"%s\".",
						   get_rel_name(parent)),
				 errhint("Call %s on the partitioned table \"%s\".", what,
						 get_rel_name(parent))));
	}
	else if (form->relkind == RELKIND_RELATION ||
			 form->relkind == RELKIND_FOREIGN_TABLE ||
			 form->relkind == RELKIND_MATVIEW)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partitioned table", name),
				 errdetail("It is a table without partitions (relkind \"%c\").",
						   form->relkind),
				 errhint("%s works on tables created with PARTITION BY.",
						 what)));
	else
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partitioned table", name),
				 errdetail("It is %s.",
						   form->relkind == RELKIND_VIEW ? "a view" :
						   form->relkind == RELKIND_INDEX ||
						   form->relkind == RELKIND_PARTITIONED_INDEX ?
						   "an index" :
						   form->relkind == RELKIND_SEQUENCE ? "a sequence" :
						   form->relkind == RELKIND_COMPOSITE_TYPE ?
						   "a composite type" : "not a table"),
				 errhint("%s works on tables created with PARTITION BY.",
						 what)));
}

/*
 * Lock, check and read the tree of a table passed to an SQL function.
 * A partition that is itself partitioned is accepted: its subtree is read
 * and a NOTICE names the root.
 */
PsTree *
ps_open_tree(Oid relid, const char *funcname, int flags)
{
	PsTree	   *tree;

	/* privileges first: a caller who may not read it may not lock it */
	ps_check_read_access(relid, true);
	LockRelationOid(relid, AccessShareLock);
	ps_check_partitioned(relid, funcname);
	tree = ps_build_tree(relid, flags);
	if (tree->top_root != relid)
		ereport(NOTICE,
				(errmsg("\"%s\" is a partition of \"%s\": showing its subtree only",
						get_rel_name(relid), get_rel_name(tree->top_root)),
				 errdetail("Levels are counted from \"%s\".",
						   get_rel_name(relid))));
	return tree;
}

/*
 * ERROR unless relid is a table (plain, partitioned or foreign): what a
 * generator taking a partition expects.  An index partition is a
 * partition too (of its parent index), and a message about its parent
 * would name the wrong thing.  funcname names the caller in the detail.
 */
void
ps_check_partition_kind(Oid relid, const char *funcname)
{
	char		relkind = get_rel_relkind(relid);
	const char *what;

	if (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		relkind == RELKIND_FOREIGN_TABLE || relkind == '\0')
		return;					/* a missing relation: the caller says so */
	what = relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX ?
		"an index" : relkind == RELKIND_VIEW ? "a view" :
		relkind == RELKIND_MATVIEW ? "a materialized view" :
		relkind == RELKIND_SEQUENCE ? "a sequence" : "not a table";
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("\"%s\" is not a partition", get_rel_name(relid)),
			 errdetail("It is %s; %s works on partitions of a partitioned table.",
					   what, funcname),
			 errhint("Pass a partition (see partstrat_partitions()).")));
}

/*
 * ERROR unless the current user may SELECT from the table, or (when
 * allow_stats_role) has the privileges of pg_read_all_stats.
 */
void
ps_check_read_access(Oid relid, bool allow_stats_role)
{
	Oid			userid = GetUserId();

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped concurrently.")));
	if (pg_class_aclcheck(relid, userid, ACL_SELECT) == ACLCHECK_OK)
		return;
	if (allow_stats_role && has_privs_of_role(userid, ROLE_PG_READ_ALL_STATS))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for table %s", get_rel_name(relid)),
			 errdetail("partstrat reads the partitions' sizes, statistics and bounds."),
			 errhint(allow_stats_role ?
					 "Grant SELECT on the table, or membership in pg_read_all_stats." :
					 "Grant SELECT on the table.")));
}

/* Growable arrays of the tree under construction. */
typedef struct TreeBuild
{
	PsTree	   *tree;
	int			parts_alloc;
	int			keys_alloc;
	int			flags;
	PsSizer    *sizer;
	Oid			last_nsp;		/* namespace name cache */
	char	   *last_nspname;
} TreeBuild;

static PsPartition *
new_part(TreeBuild *b)
{
	PsTree	   *tree = b->tree;

	if (tree->nparts >= b->parts_alloc)
	{
		b->parts_alloc = Max(16, b->parts_alloc * 2);
		if (tree->parts == NULL)
			tree->parts = palloc(sizeof(PsPartition) * b->parts_alloc);
		else
			tree->parts = repalloc(tree->parts,
								   sizeof(PsPartition) * b->parts_alloc);
	}
	memset(&tree->parts[tree->nparts], 0, sizeof(PsPartition));
	return &tree->parts[tree->nparts++];
}

/* Record the key of an (opened, locked) partitioned table. */
static int
add_key(TreeBuild *b, Relation rel)
{
	PsTree	   *tree = b->tree;
	PartitionKey pkey = RelationGetPartitionKey(rel);
	PsKey	   *key;
	ListCell   *exprs;
	int			i;

	if (tree->nkeys_tables >= b->keys_alloc)
	{
		b->keys_alloc = Max(4, b->keys_alloc * 2);
		if (tree->keys == NULL)
			tree->keys = palloc(sizeof(PsKey) * b->keys_alloc);
		else
			tree->keys = repalloc(tree->keys, sizeof(PsKey) * b->keys_alloc);
	}
	key = &tree->keys[tree->nkeys_tables];
	memset(key, 0, sizeof(PsKey));

	key->strategy = pkey->strategy;
	key->nkeys = pkey->partnatts;
	key->attnums = palloc(sizeof(AttrNumber) * key->nkeys);
	key->typids = palloc(sizeof(Oid) * key->nkeys);
	key->typmods = palloc(sizeof(int32) * key->nkeys);
	key->collations = palloc(sizeof(Oid) * key->nkeys);
	key->colnames = palloc0(sizeof(char *) * key->nkeys);
	exprs = list_head(pkey->partexprs);
	for (i = 0; i < key->nkeys; i++)
	{
		key->attnums[i] = pkey->partattrs[i];
		key->typids[i] = pkey->parttypid[i];
		key->typmods[i] = pkey->parttypmod[i];
		key->collations[i] = pkey->partcollation[i];
		if (key->attnums[i] != 0)
			key->colnames[i] = get_attname(RelationGetRelid(rel),
										   key->attnums[i], false);
		else if (exprs)
			exprs = lnext(pkey->partexprs, exprs);
	}
	key->keydef = TextDatumGetCString(DirectFunctionCall1(pg_get_partkeydef,
														  ObjectIdGetDatum(RelationGetRelid(rel))));
	return tree->nkeys_tables++;
}

/* pg_inherits rows of one parent: (child, detach pending), sorted by OID. */
typedef struct InhEntry
{
	Oid			child;
	bool		detach_pending;
} InhEntry;

static int
inh_cmp(const void *a, const void *b)
{
	Oid			x = ((const InhEntry *) a)->child;
	Oid			y = ((const InhEntry *) b)->child;

	return (x > y) - (x < y);
}

static InhEntry *
read_inherits(Oid parent, int *n)
{
	Relation	inh = table_open(InheritsRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int			alloc = 16;
	InhEntry   *entries = palloc(sizeof(InhEntry) * alloc);

	*n = 0;
	ScanKeyInit(&key, Anum_pg_inherits_inhparent, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(parent));
	scan = systable_beginscan(inh, InheritsParentIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_inherits form = (Form_pg_inherits) GETSTRUCT(tup);

		if (*n >= alloc)
		{
			alloc *= 2;
			entries = repalloc(entries, sizeof(InhEntry) * alloc);
		}
		entries[*n].child = form->inhrelid;
		entries[*n].detach_pending = form->inhdetachpending;
		(*n)++;
	}
	systable_endscan(scan);
	table_close(inh, AccessShareLock);
	qsort(entries, *n, sizeof(InhEntry), inh_cmp);
	return entries;
}

static const char *
namespace_name(TreeBuild *b, Oid nsp)
{
	if (nsp != b->last_nsp || b->last_nspname == NULL)
	{
		b->last_nsp = nsp;
		b->last_nspname = get_namespace_name(nsp);
	}
	return b->last_nspname;
}

/*
 * Add one child of a partitioned table, from its pg_class row.  Returns
 * false if the child is gone.
 */
static bool
add_child(TreeBuild *b, Oid child, int parent_index, Oid parentid,
		  int level, int key_index, bool detach_pending)
{
	HeapTuple	tup;
	Form_pg_class form;
	PsPartition *part;
	Datum		boundd;
	bool		isnull;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(child));
	if (!HeapTupleIsValid(tup))
		return false;
	form = (Form_pg_class) GETSTRUCT(tup);

	part = new_part(b);
	part->relid = child;
	part->parentid = parentid;
	part->parent_index = parent_index;
	part->level = level;
	part->relkind = form->relkind;
	part->is_leaf = (form->relkind != RELKIND_PARTITIONED_TABLE);
	part->is_foreign = (form->relkind == RELKIND_FOREIGN_TABLE);
	part->detach_pending = detach_pending;
	part->relpersistence = form->relpersistence;
	part->relname = pstrdup(NameStr(form->relname));
	part->nspname = pstrdup(namespace_name(b, form->relnamespace));
	part->key_index = key_index;
	part->own_key_index = -1;
	part->last_analyze = 0;

	boundd = SysCacheGetAttr(RELOID, tup, Anum_pg_class_relpartbound, &isnull);
	if (isnull)
		elog(ERROR, "partition %u has no bound", child);
	ps_read_bound(part, &b->tree->keys[key_index],
				  stringToNode(TextDatumGetCString(boundd)));

	if (part->is_leaf)
	{
		if (!(b->flags & PS_TREE_NO_SIZES))
			ps_fill_sizes(b->sizer, part, tup);
		else
			part->heap_pages = form->relpages;
		ps_fill_rows(part, tup, !(b->flags & PS_TREE_NO_STATS));
	}
	else
	{
		part->reltuples = form->reltuples;
		part->rows_source = PS_ROWS_LEAVES;
		if (!(b->flags & PS_TREE_NO_STATS))
		{
			PgStat_StatTabEntry *tab = ps_fetch_tabentry(child);

			if (tab)
				part->last_analyze = Max(PS_TAB_ANALYZE(tab),
										 PS_TAB_AUTOANALYZE(tab));
		}
	}
	ReleaseSysCache(tup);
	return true;
}

/*
 * Append the children of one partitioned table, in bound order.
 */
static void
add_children(TreeBuild *b, Oid parentid, int parent_index, int level)
{
	Relation	rel;
	PartitionDesc pd;
	InhEntry   *inh;
	int			ninh;
	int			key_index;
	int		   *children;
	int			nchildren = 0;
	int			i;

	/* The root is locked by the caller; lock the others the same way. */
	rel = table_open(parentid, AccessShareLock);
	key_index = add_key(b, rel);
	pd = RelationGetPartitionDesc(rel, false);
	inh = read_inherits(parentid, &ninh);
	children = palloc(sizeof(int) * Max(pd->nparts, 1));

	for (i = 0; i < pd->nparts; i++)
	{
		InhEntry	probe;
		InhEntry   *found;

		CHECK_FOR_INTERRUPTS();
		probe.child = pd->oids[i];
		found = bsearch(&probe, inh, ninh, sizeof(InhEntry), inh_cmp);
		if (add_child(b, pd->oids[i], parent_index, parentid, level,
					  key_index, found ? found->detach_pending : false))
			children[nchildren++] = b->tree->nparts - 1;
	}
	if (parent_index < 0)
	{
		b->tree->nroot_children = nchildren;
		b->tree->root_children = children;
	}
	else
	{
		b->tree->parts[parent_index].own_key_index = key_index;
		b->tree->parts[parent_index].nchildren = nchildren;
		b->tree->parts[parent_index].children = children;
	}
	pfree(inh);
	/* keep the lock until the end of the transaction */
	table_close(rel, NoLock);
}

/*
 * Build the tree below relid, which the caller has checked is a
 * partitioned table it may read, and has locked.
 */
PsTree *
ps_build_tree(Oid relid, int flags)
{
	TreeBuild	b;
	PsTree	   *tree;
	int			i;

	memset(&b, 0, sizeof(b));
	tree = palloc0(sizeof(PsTree));
	b.tree = tree;
	b.flags = flags;
	b.last_nsp = InvalidOid;
	tree->root = relid;
	tree->top_root = relid;
	tree->sizes_known = !(flags & PS_TREE_NO_SIZES);
	if (get_rel_relispartition(relid))
	{
		List	   *ancestors = get_partition_ancestors(relid);

		tree->top_root = llast_oid(ancestors);
		list_free(ancestors);
	}

	if (!(flags & PS_TREE_NO_SIZES))
		b.sizer = ps_sizer_begin();

	add_children(&b, relid, -1, 1);
	/* breadth first: parts[] grows while we walk it */
	for (i = 0; i < tree->nparts; i++)
	{
		if (!tree->parts[i].is_leaf)
			add_children(&b, tree->parts[i].relid, i,
						 tree->parts[i].level + 1);
	}

	if (b.sizer)
		ps_sizer_end(b.sizer);

	/* Partitioned partitions: sums over their leaves, deepest first. */
	for (i = tree->nparts - 1; i >= 0; i--)
	{
		PsPartition *p = &tree->parts[i];

		if (p->is_leaf)
			tree->nleaves++;
		tree->nlevels = Max(tree->nlevels, p->level);
		if (p->parent_index >= 0)
		{
			PsPartition *up = &tree->parts[p->parent_index];

			if (p->total_bytes > 0)
			{
				up->heap_bytes += p->heap_bytes;
				up->index_bytes += p->index_bytes;
				up->toast_bytes += p->toast_bytes;
				up->total_bytes += p->total_bytes;
			}
			if (p->est_rows > 0)
				up->est_rows += p->est_rows;
			up->live_tuples += p->live_tuples;
			up->dead_tuples += p->dead_tuples;
			up->mods_since_analyze += p->mods_since_analyze;
			up->ins_since_vacuum += p->ins_since_vacuum;
		}
	}
	return tree;
}
