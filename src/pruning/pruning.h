/*-------------------------------------------------------------------------
 *
 * pruning.h
 *	  The pruning report: shared types of pruning.c (plans), pruning_diag.c
 *	  (predicates against the partition key), pruning_params.c
 *	  (representative parameter values) and workload.c (pg_stat_statements).
 *
 * A query string is prepared once (parsed, analysed as the calling user,
 * rewritten: PsPrepared), then planned once per plan kind -- 'literal' for a
 * statement without parameters, 'generic' and 'custom' for one with -- and
 * each plan is walked into one PsPruneRow per partitioned table it touches.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_PRUNING_H
#define PARTSTRAT_PRUNING_H

#include "postgres.h"

#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"

/* GUCs of the pruning report (partstrat.c) */
extern int	ps_pruning_lock_warning_leaves;
extern int	ps_candidate_partition_kb;

/* A statement parsed, analysed and rewritten, ready to be planned. */
typedef struct PsPrepared
{
	char	   *query_string;
	List	   *queries;		/* rewritten Query list (usually one) */
	int			nparams;
	Oid		   *paramtypes;		/* inferred as PREPARE does */
	bool		plain_select;	/* may be run by actual => true */
	const char *not_plain_reason;	/* why not, when !plain_select */
} PsPrepared;

/* One row of partstrat_explain_pruning(). */
typedef struct PsPruneRow
{
	const char *plan_kind;		/* "literal", "generic", "custom" */
	Oid			parent;
	int			level;			/* 0 = root of its tree in this plan */
	int			leaves_total;
	int			leaves_in_plan;
	bool		prunable_at_startup;
	bool		prunable_at_exec;
	bool		startup_self;	/* this level's own key prunes at startup */
	bool		exec_self;		/* this level's own key prunes in execution */
	bool		have_actual;
	int			pruned_at_startup;
	int			pruned_at_exec;
	int			leaves_executed;
	char	   *diagnosis;
	char	   *suggestion;
} PsPruneRow;

/*
 * How a query's predicates use the partition key of one partitioned table
 * (pruning_diag.c).  Listed from "prunes best" to "prunes not at all".
 */
typedef enum PsPredClass
{
	PS_PRED_CONST,				/* key op constant: plan time */
	PS_PRED_EXTPARAM,			/* key op $n: custom plan time, generic startup */
	PS_PRED_STABLE,				/* key op stable expression (now()) */
	PS_PRED_STABLE_OP,			/* the operator itself is only stable */
	PS_PRED_EXEC,				/* key op subquery or outer reference */
	PS_PRED_INITPLAN,			/* key op uncorrelated scalar subquery */
	PS_PRED_JOIN,				/* key op column of another table */
	PS_PRED_WRAPPED,			/* f(key) op value */
	PS_PRED_MISMATCH,			/* key implicitly cast to the value's type */
	PS_PRED_VOLATILE,			/* key op volatile expression */
	PS_PRED_HASH_RANGE,			/* hash key with <, >, ... */
	PS_PRED_NE,					/* <>, NOT IN, NOT (...) */
	PS_PRED_OR_MIXED,			/* OR with a branch not on the key */
	PS_PRED_OTHER_OP,			/* operator outside the key's opfamily */
	PS_PRED_EXPR_KEY,			/* key is an expression, query uses the column */
	PS_PRED_ARRAY_EXPR,			/* key = ANY (array computed by an expression) */
	PS_PRED_COLLATION,			/* compared under another collation */
	PS_PRED_HASH_PARTIAL,		/* hash key: equality on some columns only */
	PS_PRED_OR_KEYS,			/* OR whose branch lacks a needed key column */
	PS_PRED_UNKNOWN_TEST,		/* IS [NOT] UNKNOWN before PostgreSQL 17 */
	PS_PRED_NULL_ARRAY,			/* key op ANY (NULL array), stable operator */
	PS_PRED_NONE				/* no predicate on the key */
} PsPredClass;

#define PS_PRED_NCLASSES (PS_PRED_NONE + 1)

/* What pruning_diag.c found for one partitioned table of a query. */
typedef struct PsPredFindings
{
	bool		found[PS_PRED_NCLASSES];
	char	   *keyname;		/* first key column or expression */
	char	   *detail[PS_PRED_NCLASSES];	/* per class: what was seen */
	char	   *rewrite[PS_PRED_NCLASSES];	/* per class: suggested SQL */
	List	   *other_columns;	/* names of filtered non-key columns */
	int			nkeys;			/* columns of the partition key */
	char		strategy;
	bool		first_key_used; /* a comparison of the first key column */
} PsPredFindings;

/* One statement of pg_stat_statements (workload.c). */
typedef struct PsStatement
{
	int64		queryid;
	Oid			userid;			/* the role that ran it most */
	char	   *query;
	int64		calls;
	float8		total_time;
	char	   *error;			/* when it failed to analyse */
	List	   *rows;			/* PsPruneRow * of the custom/literal plan */
	List	   *generic_rows;	/* PsPruneRow * of the generic plan */
} PsStatement;

/* How many of its leaves a statement's plan keeps (workload.c). */
typedef enum PsPruneClass
{
	PS_CLASS_ALL,
	PS_CLASS_RUNTIME,
	PS_CLASS_MOST,
	PS_CLASS_FEW,
	PS_NCLASSES
} PsPruneClass;

/* One partitioned table of the workload (partstrat_workload_pruning). */
typedef struct PsWorkloadTable
{
	Oid			relid;
	int			nstatements;	/* statements that touch it */
	int			nfailed;		/* failed statements naming it */
	int64		all_calls;
	float8		all_time;
	int64		calls[PS_NCLASSES];
	float8		times[PS_NCLASSES];
	PsStatement *worst;			/* its worst statement ('all', then
								 * 'most', most calls), or NULL */
	PsPruneRow *worst_row;
} PsWorkloadTable;

/* One statement of the workload (partstrat_workload_statements). */
typedef struct PsWorkloadStatement
{
	PsStatement *st;
	PsPruneRow *row;			/* NULL for a failed statement */
	PsPruneRow *generic;		/* the generic plan's, or NULL */
	const char *class_name;		/* "all", ..., or "failed" */
} PsWorkloadStatement;

/* One column as a partition key (partstrat_key_candidates). */
typedef struct PsKeyCandidate
{
	char	   *column;
	List	   *uses;			/* "equality", "range", ... (char *) */
	List	   *operators;		/* operator names (char *) */
	int			statements;
	int64		calls;
	float8		share;			/* of the calls of statements on the table */
	bool		have_qualstats;
	int64		qualstats;
	bool		have_stats;		/* pg_stats: ndistinct, null_frac */
	float8		ndistinct;
	float4		null_frac;
	bool		have_corr;
	float4		correlation;
	char	   *layout;			/* the layout the key would get */
	float8		skipped;		/* share of leaves the workload would skip */
	int64		two_sided_calls;
} PsKeyCandidate;

/* pruning.c */
extern PsPrepared *ps_prepare_query(const char *query_string,
									bool for_workload);
extern List *ps_explain_pruning(PsPrepared *prep, bool actual);
struct PsTree;
extern struct PsTree *ps_cached_tree(Oid relid);

/* pruning_find.c, pruning_diag.c */
extern PsPredFindings *ps_find_predicates(List *queries, Oid root_relid,
										  int instance, Oid level_relid);
extern void ps_diagnose(PsPruneRow *row, PsPredFindings *f, bool pruning_on);

/* workload.c */
extern List *ps_read_statements(void);
extern List *ps_workload_tables(Oid parent);
extern List *ps_workload_statements(Oid parent);

/* key_candidates.c */
extern List *ps_key_candidates(Oid relid);

/* pruning_params.c */
extern ParamListInfo ps_representative_params(PsPrepared *prep);

#endif							/* PARTSTRAT_PRUNING_H */
