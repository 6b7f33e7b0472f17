/*-------------------------------------------------------------------------
 *
 * ddl_time.h
 *	  The time line of a range-partitioned table, shared by the retention,
 *	  premake and DEFAULT-rescue generators.
 *
 * A PsTimeline lays the partitions of a range-partitioned table out on one
 * axis -- the first key column, an integer or a date/timestamp -- as
 * "spans" of int64 positions (the integer itself, days for a date,
 * microseconds for a timestamp).  On that axis it knows the step between
 * bounds (inferred from the existing partitions or given by the caller),
 * the time zone the bounds were drawn in, the naming pattern of the
 * partitions, and how to cut any stretch of the axis into new partitions
 * of one step each, clipped to the gaps between existing partitions.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_time.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_DDL_TIME_H
#define PARTSTRAT_DDL_TIME_H

#include "postgres.h"

#include "pgtime.h"

#include "ddl.h"
#include "partstrat.h"
#include "timeaxis.h"

/* One partition on the axis (first key column only). */
typedef struct PsSpan
{
	int			part;			/* index in tree->parts */
	bool		lo_inf;			/* FROM (MINVALUE) or -infinity */
	bool		hi_inf;			/* TO (MAXVALUE) or infinity */
	int64		lo;
	int64		hi;
} PsSpan;

/* A stretch of the axis a new partition will cover: [lo, hi). */
typedef struct PsPiece
{
	int64		lo;
	int64		hi;
	int64		rows;			/* rescue: rows of the DEFAULT in it */
	char	   *name;			/* unquoted, once named */
} PsPiece;

typedef struct PsTimeline
{
	PsTree	   *tree;
	Oid			parentid;
	const PsKey *key;
	PsAxis		axis;
	char	   *keyexpr;		/* the key as an SQL expression (quoted) */
	int			nspans;
	PsSpan	   *spans;			/* level-1 partitions but the DEFAULT, by lo */
	int			default_part;	/* index in tree->parts, -1: none */
	int			template_part;	/* newest regular leaf, -1: none */
	int			template_sub;	/* newest partition, when it is partitioned
								 * one level deep (plain leaves), -1: none */
	PsStep		step;
	bool		has_step;
	/* naming of new partitions */
	Oid			nspid;
	struct PsNaming *naming;	/* NULL until needed (ddl_pattern.c) */
} PsTimeline;

/* Where a naming pattern comes from. */
typedef enum PsNamingSource
{
	PS_NAMING_DETECTED,			/* the existing partitions' names */
	PS_NAMING_EPOCH_DATES,		/* their prefix, dates instead of numbers */
	PS_NAMING_PARTSTRAT			/* partstrat's own: <parent>_p<bound> */
} PsNamingSource;

/*
 * How new partitions are named: prefix || the lower bound rendered by
 * format || suffix (ddl_pattern.c).
 */
typedef struct PsNaming
{
	char	   *prefix;
	char	   *suffix;
	const char *format;			/* a date format ("%Y_%m_%d"), "%v" (the
								 * bound) or "%n" (the bound / ival) */
	PsAxis		taxis;			/* the calendar dates are read in */
	int64		epoch_scale;	/* integer key read as time since 1970:
								 * units per second; 0: not */
	int64		ival;			/* "%n": the integer step */
	PsNamingSource source;
} PsNaming;

/* Flags of ps_timeline_open(). */
#define PS_TL_SINGLE_KEY	0x01	/* refuse multi-column keys */
#define PS_TL_TIME_ONLY		0x02	/* refuse integer keys (premake policies) */

/* ddl_timeline.c: the time line */
extern PsTimeline *ps_timeline_open(Oid parentid, const char *funcname,
									int flags);
extern PsTimeline *ps_timeline_of_tree(PsTree *tree);
extern void ps_timeline_set_step(PsTimeline *tl, const char *step_arg,
								 const char *funcname);
extern PsPiece ps_timeline_piece_at(PsTimeline *tl, int64 v);
extern PsBound ps_timeline_bound(PsTimeline *tl, const PsPiece *piece);
extern void ps_timeline_name_pieces(PsTimeline *tl, PsScript *s,
									PsPiece *pieces, int npieces);
extern char *ps_timeline_naming_text(PsTimeline *tl);
extern char *ps_timeline_piece_expr(PsTimeline *tl, const PsPiece *piece);
extern char *ps_bound_check_name(Oid tmpl);

/* ddl_pattern.c: the naming pattern */
extern PsNaming *ps_naming_detect(const PsTimeline *tl);
extern char *ps_naming_render(const PsNaming *nm, int64 pos);
extern char *ps_naming_pattern_text(const PsNaming *nm);
extern char *ps_naming_text(const PsNaming *nm);

#endif							/* PARTSTRAT_DDL_TIME_H */
