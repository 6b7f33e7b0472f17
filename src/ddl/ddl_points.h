/*-------------------------------------------------------------------------
 *
 * ddl_points.h
 *	  Where to cut a partition: the distribution of its first key column
 *	  and the split points drawn from it (used by ddl_split.c).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_points.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_DDL_POINTS_H
#define PARTSTRAT_DDL_POINTS_H

#include "postgres.h"

#include "fmgr.h"

#include "partstrat.h"

#define EXACT_QUANTILES		1000	/* buckets of the exact-mode histogram */
#define MAX_SHARE_FACTOR	1.5		/* rounded pieces: at most 1.5x ideal */

/*
 * What the split knows about the first key column: its type, order, text
 * of the key expression, and the distribution of the partition's values.
 */
typedef struct SplitKey
{
	Oid			typid;
	int32		typmod;
	int16		typlen;
	bool		typbyval;
	Oid			collation;
	FmgrInfo	cmp;			/* the partition key's comparison function */
	char	   *expr;			/* SQL text of the first key column */
	bool		is_expr;		/* an expression, not a column */
	char	   *colname;		/* column name when not an expression */

	/* distribution (range and list) */
	bool		have_dist;
	double		nullfrac;
	int			nmcv;
	Datum	   *mcv;			/* sorted by cmp */
	double	   *mcvfreq;
	int			nhist;
	Datum	   *hist;			/* sorted by cmp */
	double		histmass;		/* mass of the values not in mcv */
	const char *source;			/* "pg_statistic" or "the data" */
	double		nrows;			/* rows counted (exact), else -1 */
} SplitKey;

/* Compare two values of the first key column with the key's own order. */
extern int	ps_split_key_cmp(const SplitKey *k, Datum a, Datum b);

/* Fill type, order and SQL text of the first column of a parent's key. */
extern void ps_split_read_key(SplitKey *k, Oid parentid, const PsKey *pskey);

/* "ONLY rel" for a leaf, "rel" for a partitioned table. */
extern char *ps_split_source(Oid relid);

/*
 * The distribution of the partition's values: from its pg_statistic row
 * (inherited statistics for a partitioned table), or from the data
 * (EXACT_QUANTILES + 1 exact quantiles, and the row count).  false when
 * there is none (never analyzed, empty, expression key without exact).
 */
extern bool ps_split_dist_from_stats(SplitKey *k, Oid relid);
extern bool ps_split_dist_from_data(SplitKey *k, Oid relid);

/* A value with a fraction t of the partition's values below it. */
extern Datum ps_split_quantile(const SplitKey *k, double t);

/* Is v strictly inside the partition's range on the first key column? */
extern bool ps_split_inside(const SplitKey *k, const PsPartition *p, Datum v);

/*
 * Do the points make valid pieces (increasing, inside the range) and, with
 * check_balance, none above MAX_SHARE_FACTOR times an equal share?  Fills
 * shares[] (npts + 1 entries) when the distribution is known.
 */
extern bool ps_split_points_ok(const SplitKey *k, const PsPartition *p,
							   Datum *pts, int npts, double *shares,
							   bool check_balance);

/*
 * Round the points to the coarsest natural unit (month, week, day, hour,
 * minute in the bounds' time zone; multiples of 5, 2, 1 x 10^n for
 * integers) that keeps them valid and balanced; returns the unit, or ""
 * when the points are left as they were.
 */
extern char *ps_split_round_points(const SplitKey *k, const PsPartition *p,
								   Datum *pts, int npts, double *shares);

#endif							/* PARTSTRAT_DDL_POINTS_H */
