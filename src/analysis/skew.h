/*-------------------------------------------------------------------------
 *
 * skew.h
 *	  Skew analysis of a partition tree: per-leaf measures and flags,
 *	  per-level dispersion, and the thresholds (GUCs) they use.
 *
 * skew.c computes everything from a PsTree plus a few facts the tree does
 * not hold (exact row counts, most-common key values, index definitions),
 * which it reads in a separate, clearly marked section.  advise.c ranks the
 * findings into actions.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/analysis/skew.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_SKEW_H
#define PARTSTRAT_SKEW_H

#include "postgres.h"

#include "partstrat.h"
#include "timeaxis.h"

/* Flags of one leaf, in the order partstrat_skew() prints them. */
#define PS_FLAG_OVERSIZED		0x0001
#define PS_FLAG_UNDERSIZED		0x0002
#define PS_FLAG_EMPTY			0x0004
#define PS_FLAG_HOT				0x0008
#define PS_FLAG_DEFAULT_ROWS	0x0010
#define PS_FLAG_HASH_IMBALANCE	0x0020
#define PS_FLAG_STALE_STATS		0x0040
#define PS_FLAG_MISSING_INDEX	0x0080
#define PS_FLAG_GAP_BEFORE		0x0100
#define PS_NFLAGS				9

/* GUCs (defined in partstrat.c, documented there and in docs/reference.md). */
extern int	ps_target_bytes_kb;
extern int64 ps_guc_target_bytes(void);
extern int	ps_merge_min_leaves;
extern int	ps_premake_min;
extern double ps_skew_ratio;
extern double ps_skew_z;
extern double ps_hash_imbalance_ratio;
extern double ps_hash_alpha;
extern double ps_hot_ratio;
extern double ps_whale_factor;
extern char *ps_reference_time;

/* One most-common key value of a leaf (from pg_statistic). */
typedef struct PsHeavyValue
{
	char	   *text;			/* ISO text of the value */
	double		freq;			/* fraction of the leaf's rows */
	int64		rows;			/* freq x the leaf's rows */
} PsHeavyValue;

/* Key statistics of one leaf's (single) key column. */
typedef struct PsKeyStats
{
	bool		found;			/* pg_statistic has a row */
	double		null_frac;
	double		n_distinct;		/* as stadistinct: < 0 means a fraction */
	int			nmcv;
	PsHeavyValue *mcv;			/* descending frequency */
	char	   *lo_text;		/* smallest value seen (histogram or MCV) */
	char	   *hi_text;		/* largest value seen */
} PsKeyStats;

typedef struct PsLeafSkew
{
	int			part;			/* index into PsTree.parts */
	int			group;			/* index of its parent in parts, -1 root */
	int64		rows;			/* exact or estimated, -1 unknown */
	bool		rows_pgstat;	/* stale reltuples: n_live_tup instead */
	int64		bytes;
	bool		bytes_catalog;	/* from relpages, not the files */
	double		share;			/* of all the tree's rows */
	double		parent_share;	/* of its direct parent's rows */
	bool		has_ratio;		/* ratio and z need >= 3 siblings */
	double		ratio_to_median;
	double		robust_z;
	bool		has_density;
	double		density;
	const char *density_unit;	/* "day" or "unit" */
	double		expected_share; /* hash: 1/modulus; else -1 */
	double		chi2_p;			/* its hash parent's test; -1 if none */
	double		mod_share;		/* of rows modified since ANALYZE */
	bool		never_analyzed;
	uint32		flags;
	int			nheavy;			/* hash_imbalance: the values behind it */
	PsHeavyValue *heavy;
	List	   *missing_sigs;	/* index definitions siblings have and it
								 * lacks ("UNIQUE USING btree (id)") */
	int			index_siblings; /* siblings that have the missing index */
	int			group_size;		/* leaves in its group */
	bool		detach_pending; /* it, or a partition above it, is being
								 * detached (pg_inherits.inhdetachpending) */
} PsLeafSkew;

typedef struct PsLevelSkew
{
	int			level;
	char	   *strategy;		/* of the parents of this level */
	int			nodes;
	int64		rows;
	double		gini;
	double		cv;
	double		max_median;		/* -1 when the median is 0 */
	double		default_share;
	bool		is_hash;
	double		chi2;
	int			dof;
	double		chi2_p;			/* -1 unless exact */
} PsLevelSkew;

typedef struct PsSkew
{
	PsTree	   *tree;
	bool		exact;			/* rows are count(*) */
	bool		stats_readable; /* may read pg_stats of the key columns */
	int64		total_rows;
	int64	   *rows;			/* per PsTree.parts index; partitioned: sum */
	int			nleaves;
	PsLeafSkew *leaves;
	int		   *leaf_of;		/* parts index -> leaves index, or -1 */
	int			nlevels;
	PsLevelSkew *levels;
	int			nstale;			/* leaves flagged stale_stats */
	PsKeyStats **keystats;		/* per leaves index, read on demand */
	double	   *mods;			/* per PsTree.parts index: modifications hot
								 * compares */
	const char *hot_source;		/* "snapshots" or "since_analyze" */
	TimestampTz hot_since;		/* snapshots: the base snapshot's time */
} PsSkew;

/* skew.c */
extern PsSkew *ps_skew_analyze(PsTree *tree, bool exact);
extern PsKeyStats *ps_skew_keystats(PsSkew *skew, int leaf);
extern double ps_chi2_pvalue(double chi2, int dof);
extern void ps_append_flags_json(StringInfo buf, uint32 flags);
extern Datum ps_flags_array(uint32 flags);
extern char *ps_heavy_json(const PsLeafSkew *leaf, const char *keyname);

/* advise.c */
extern char *ps_size_pretty(int64 bytes);

#endif							/* PARTSTRAT_SKEW_H */
