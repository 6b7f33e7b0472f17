/*-------------------------------------------------------------------------
 *
 * partstrat.h
 *	  The in-memory description of a partition tree, shared by every stage.
 *
 * The inventory (inventory.c, stats.c) reads the catalogs once and builds a
 * PsTree: one PsPartition per partition of the tree, in the order
 * partstrat_partitions() prints them (level, then the parent's order, then
 * bound order).  Later stages -- skew analysis, DDL generation, advice, the
 * background worker -- take a PsTree as input and never read the catalogs
 * for the same facts again.
 *
 * Everything hangs off the memory context that was current when
 * ps_build_tree() was called; freeing that context frees the tree.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/partstrat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_H
#define PARTSTRAT_H

#include "postgres.h"

#include "access/attnum.h"
#include "access/htup.h"
#include "datatype/timestamp.h"
#include "nodes/pg_list.h"
#include "utils/resowner.h"

/* Partitioning strategies, the same letters as pg_partitioned_table. */
#define PS_STRATEGY_RANGE	'r'
#define PS_STRATEGY_LIST	'l'
#define PS_STRATEGY_HASH	'h'

/* Where PsPartition.est_rows came from (see stats.c). */
typedef enum PsRowsSource
{
	PS_ROWS_RELTUPLES,			/* pg_class.reltuples (ANALYZE or VACUUM) */
	PS_ROWS_EMPTY,				/* never analyzed, heap file has no pages: 0 */
	PS_ROWS_PGSTAT,				/* never analyzed: pg_stat n_live_tup */
	PS_ROWS_PAGES,				/* never analyzed: pages x tuples per page */
	PS_ROWS_LEAVES,				/* partitioned: sum over its leaves */
	PS_ROWS_NONE				/* foreign table: unknown */
} PsRowsSource;

/* One value of a range bound: a datum, or MINVALUE / MAXVALUE. */
typedef enum PsRangeKind
{
	PS_RANGE_MINVALUE = -1,
	PS_RANGE_VALUE = 0,
	PS_RANGE_MAXVALUE = 1
} PsRangeKind;

typedef struct PsValue
{
	PsRangeKind kind;			/* always PS_RANGE_VALUE for list values */
	bool		isnull;			/* list values only: the NULL value */
	Datum		value;			/* copied into the tree's context */
	char	   *text;			/* ISO, session-independent; NULL if isnull */
} PsValue;

/*
 * The partition key of one partitioned table of the tree.
 */
typedef struct PsKey
{
	char		strategy;		/* PS_STRATEGY_* */
	int			nkeys;
	AttrNumber *attnums;		/* 0 for an expression column */
	Oid		   *typids;			/* type of each key column or expression */
	int32	   *typmods;
	Oid		   *collations;
	char	   *keydef;			/* pg_get_partkeydef(), e.g. "RANGE (ts)" */
	char	  **colnames;		/* column name, or NULL for an expression */
} PsKey;

/*
 * One partition (leaf or partitioned) of the tree.
 */
typedef struct PsPartition
{
	Oid			relid;
	Oid			parentid;		/* its direct parent */
	int			parent_index;	/* index of the parent in PsTree.parts, -1
								 * for a child of the root */
	int			level;			/* 1 = child of the root */
	char		relkind;		/* RELKIND_RELATION, _PARTITIONED_TABLE,
								 * _FOREIGN_TABLE */
	bool		is_leaf;
	bool		is_foreign;
	bool		detach_pending; /* pg_inherits.inhdetachpending */
	char		relpersistence;
	char	   *relname;		/* unquoted */
	char	   *nspname;		/* unquoted */

	/* The bound, interpreted with the parent's key (PsTree.keys). */
	int			key_index;		/* the parent's key in PsTree.keys */
	int			own_key_index;	/* its own key if partitioned, else -1 */
	char		strategy;		/* the parent's strategy */
	bool		is_default;
	char	   *bound_text;		/* as pg_get_expr(relpartbound) */
	PsValue    *range_from;		/* nkeys entries, range only */
	PsValue    *range_to;
	int			nlist;			/* list only: values incl. the NULL value */
	PsValue    *list_values;
	int			modulus;		/* hash only */
	int			remainder;

	/* Sizes in bytes (-1 when not sized: foreign tables). */
	int64		heap_bytes;		/* main, fsm, vm and init forks */
	int64		index_bytes;	/* every index of the partition */
	int64		toast_bytes;	/* TOAST table and its index */
	int64		total_bytes;
	BlockNumber heap_pages;		/* pages of the main fork now */

	/* Rows and counters. */
	float8		reltuples;		/* raw pg_class.reltuples (-1: never) */
	int64		est_rows;		/* -1 when unknown */
	PsRowsSource rows_source;
	bool		has_pgstat;		/* counters exist in pg_stat */
	int64		live_tuples;
	int64		dead_tuples;
	int64		mods_since_analyze;
	int64		ins_since_vacuum;
	TimestampTz last_analyze;	/* 0 when never analyzed */
	bool		counters_late;	/* the modifications were counted after the
								 * ANALYZE that saw them */

	/* Children, as indexes into PsTree.parts, in bound order. */
	int			nchildren;
	int		   *children;
} PsPartition;

typedef struct PsTree
{
	Oid			root;			/* the table the tree was built from */
	Oid			top_root;		/* root of the whole hierarchy (== root
								 * unless a sub-partition was given) */
	int			nkeys_tables;	/* entries in keys[] */
	PsKey	   *keys;			/* keys[0] is the root's key */
	int			root_key;		/* always 0 */
	int			nparts;
	PsPartition *parts;			/* level order, then bound order */
	int			nroot_children; /* children of the root, in bound order */
	int		   *root_children;
	int			nlevels;		/* deepest level present (0: no partitions) */
	int			nleaves;
	bool		sizes_known;	/* false if built with PS_TREE_NO_SIZES */
} PsTree;

/* Flags for ps_build_tree(). */
#define PS_TREE_NO_SIZES	0x01	/* skip the file sizes */
#define PS_TREE_NO_STATS	0x02	/* skip pg_stat counters */

/* Fraction of modified rows above which a leaf's statistics are stale. */
#define PS_STALE_FRACTION	0.2

/* inventory.c */
extern PsTree *ps_build_tree(Oid relid, int flags);
extern void ps_check_partitioned(Oid relid, const char *what);

/* ERROR unless relid is a table (an index partition is not one). */
extern void ps_check_partition_kind(Oid relid, const char *funcname);
extern void ps_check_read_access(Oid relid, bool allow_stats_role);
extern const char *ps_strategy_name(char strategy);
extern const char *ps_rows_source_name(PsRowsSource source);
extern bool ps_stats_stale(const PsPartition *p);
extern int *ps_children_of(const PsTree *tree, int g, int *n);
extern bool ps_under_default(const PsTree *tree, int i);

/* subxact.c: a subtransaction whose error does not end the statement */
typedef struct PsSubxact
{
	MemoryContext oldcxt;
	ResourceOwner oldowner;
} PsSubxact;

extern void ps_subxact_begin(PsSubxact *sx, MemoryContext workcxt);
extern void ps_subxact_commit(PsSubxact *sx);
extern void ps_subxact_rollback(PsSubxact *sx);
extern ErrorData *ps_subxact_abort(PsSubxact *sx);
extern char *ps_subxact_abort_message(PsSubxact *sx);

/*
 * asowner.c: queries over a table's rows run as its owner, and statements
 * of the workload as their author (security-restricted, settings undone)
 */
typedef struct PsAsUser
{
	Oid			save_userid;
	int			save_sec;
	int			guc_nest;
} PsAsUser;

extern void ps_as_owner_begin(PsAsUser *ao, Oid relid);
extern void ps_as_user_begin(PsAsUser *ao, Oid userid,
							 const char *search_path);
extern void ps_as_user_end(PsAsUser *ao);
extern void ps_spi_connect_as_owner(PsAsUser *ao, Oid relid);
extern void ps_spi_finish_as_owner(PsAsUser *ao);

/*
 * inventory.c: lock, check and read the tree of a table passed to an SQL
 * function (a NOTICE when it is a partitioned partition)
 */
extern PsTree *ps_open_tree(Oid relid, const char *funcname, int flags);

/* bounds.c */
extern void ps_read_bound(PsPartition *part, const PsKey *key,
						  Node *boundspec);
extern char *ps_datum_to_iso(Datum value, Oid typid);

/* stats.c */
typedef struct PsSizer PsSizer;
extern PsSizer *ps_sizer_begin(void);
extern void ps_sizer_end(PsSizer *sizer);
extern void ps_fill_sizes(PsSizer *sizer, PsPartition *part,
						  HeapTuple classtup);
extern void ps_fill_rows(PsPartition *part, HeapTuple classtup,
						 bool with_pgstat);

#endif							/* PARTSTRAT_H */
