/*-------------------------------------------------------------------------
 *
 * advise.h
 *	  Internal to the files of partstrat_advise(): the advice, the context
 *	  every stage reads and adds to, and the helpers they share.
 *
 * advise.c holds the context, the shared helpers, analyze, finalize_detach,
 * the ranking and partstrat_advise(); one file per other stage:
 * advise_default.c (rescue_default, create_default, drop_default,
 * guard_default), advise_time.c (premake, merge), advise_retention.c,
 * advise_epoch.c (premake of epoch sets),
 * advise_layout.c (split, repartition, add_index); advise_report.c holds
 * partstrat_report().  The public types are in partstrat.h and skew.h.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_ADVISE_H
#define PARTSTRAT_ADVISE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

#include "advise_ddl.h"
#include "partstrat.h"
#include "skew.h"

/* Action kinds, in the order they are advised. */
typedef enum AdviceKind
{
	ADV_ANALYZE,
	ADV_FINALIZE_DETACH,
	ADV_RESCUE_DEFAULT,
	ADV_CREATE_DEFAULT,
	ADV_PREMAKE,
	ADV_REPARTITION,
	ADV_SPLIT,
	ADV_ADD_INDEX,
	ADV_RETENTION,
	ADV_DROP_DEFAULT,
	ADV_GUARD_DEFAULT,
	ADV_MERGE,
	ADV_PARTMAN_INTERVAL		/* pg_partman sets: a longer interval for future
								 * children, where a merge is refused */
} AdviceKind;

#define ADV_NKINDS (ADV_PARTMAN_INTERVAL + 1)

/* their names in partstrat_advise().action, by kind */
extern const char *const ps_advice_names[];

typedef struct Advice
{
	AdviceKind	kind;
	double		weight;			/* larger first within a kind */
	int			nparts;
	int		   *parts;			/* PsTree.parts indexes */
	char	   *reason;
	StringInfoData evidence;	/* a JSON object, without the braces */
	char	   *ddl;
	char	   *ddl_error;		/* why the generator gave no DDL */
	int64		rows_moved;
	char	   *lock;
	int			priority;
} Advice;

/* pg_partman's settings of a set it manages (advise_partman.c) */
typedef struct PsPartman
{
	bool		unreadable;		/* part_config not readable: unknown */
	char	   *schema;			/* pg_partman's schema */
	char	   *version;		/* extversion */
	int			major;
	char	   *parent_table;	/* "schema.table", as part_config has it */
	char	   *control;
	char	   *interval;
	char	   *type;
	int			premake;
	char	   *retention;		/* NULL: none */
	char	   *epoch;			/* "none", "seconds", "milliseconds", ... */
	bool		keep_table;		/* retention_keep_table */
	char	   *automatic;		/* automatic_maintenance */
	int			nsub;			/* sub-parents with part_config rows */
	bool		time_based;		/* time or epoch control, else id */
	bool		date_control;	/* the control column is of type date */
	int			minor;			/* extversion's second number */
} PsPartman;

typedef struct AdviseCtx
{
	PsTree	   *tree;
	PsSkew	   *skew;
	int64		target;
	Interval   *retention;
	TimestampTz now;
	List	   *advice;
	bool	   *taken;			/* per parts index: split/merge/... */
	bool		any_stale;
	int			retention_deferred; /* old partitions, while a detach is
									 * pending on the root */
	PsPartman  *partman;		/* NULL unless pg_partman manages the set */
} AdviseCtx;

/* advise.c: formatting */
extern char *ps_pct(double share);
extern char *ps_qname(const PsPartition *p);
extern char *ps_root_qname(PsTree *tree);
extern const char *ps_part_name(PsTree *tree, int i);
extern void ps_json_key_str(StringInfo buf, const char *key, const char *val);
extern void ps_json_key_int(StringInfo buf, const char *key, int64 val);
extern void ps_json_key_num(StringInfo buf, const char *key, double val,
							int digits);
extern void ps_json_key_raw(StringInfo buf, const char *key, const char *raw);

/* advise.c: a new piece of advice, its parts, reason and DDL */
extern Advice *ps_new_advice(AdviseCtx *ctx, AdviceKind kind, double weight);
extern void ps_set_parts(Advice *a, int *parts, int n);
extern void ps_set_part(Advice *a, int part);
extern char *ps_finish_reason(AdviseCtx *ctx, Advice *a, char *reason);
extern void ps_set_ddl(Advice *a, const char *generator, PsAdviceDdl r);

/* advise.c: groups (g: -1 for the root, else a partitioned part) */
extern PsKey *ps_group_key(PsTree *tree, int g);
extern int64 ps_subtree_bytes(AdviseCtx *ctx, int i);
extern int	ps_default_of(PsTree *tree, int g);
extern char *ps_replace_lock_text(PsTree *tree, int g, const char *what);

/* advise.c: every piece of advice for one tree, sorted, priorities set */
extern List *ps_advise_tree(PsTree *tree, PsSkew *s, int64 target,
							Interval *retention);
extern void ps_notice_no_stats(PsSkew *s);
extern List *ps_advise_relation(Oid relid, int64 target, Interval *retention,
								const char *caller, PsTree **tree_out);

/* advise_report.c: partstrat_report()'s text */
extern char *ps_report_text(Oid relid);

/* advise_default.c */
extern void ps_advise_defaults(AdviseCtx *ctx, bool retention_advised);

/* advise_time.c */
extern void ps_advise_premake(AdviseCtx *ctx);
extern void ps_advise_merge(AdviseCtx *ctx);
extern char *ps_advise_time_text(int64 usec, Oid typid);

/* advise_retention.c */
extern bool ps_advise_retention(AdviseCtx *ctx);

/* advise_epoch.c */
extern void ps_advise_premake_epoch(AdviseCtx *ctx);
extern int64 ps_epoch_scale(AdviseCtx *ctx);
extern bool ps_epoch_bounds_usec(AdviseCtx *ctx, int part, int64 scale,
								 int64 *lo, int64 *hi);

/* advise_layout.c */
extern void ps_advise_split_repartition(AdviseCtx *ctx);

/* advise_forecast.c: splits the growth forecast calls for (snapshots) */
extern void ps_advise_forecast_split(AdviseCtx *ctx);
extern int	ps_forecast_premake(AdviseCtx *ctx, int64 lo, int64 hi,
								int *daily);
extern void ps_advise_add_index(AdviseCtx *ctx);

/* advise_partman.c */
extern PsPartman *ps_partman_lookup(PsTree *tree);
extern List *ps_advise_partman(AdviseCtx *ctx, List *advice);
extern char *ps_partman_report_line(PsPartman *pm);
extern void ps_partman_premake_reason(AdviseCtx *ctx, Advice *a,
									  const char *newest, const char *ends,
									  const char *noun);

#endif							/* PARTSTRAT_ADVISE_H */
