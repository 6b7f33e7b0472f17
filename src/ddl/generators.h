/*-------------------------------------------------------------------------
 *
 * generators.h
 *	  The C entry points of partstrat's DDL generators: one options struct
 *	  and one function per generator, returning the script.
 *
 * Every generator (split, merge, retention, premake, DEFAULT rescue of a
 * range or a list parent, DEFAULT guard) and every proposal of the advice
 * that is SQL text (repartition, create_default, analyze, finalize) is
 * reached through this header.  The SQL functions (src/sql/ddl_functions.c)
 * convert their arguments into an options struct and call these; the
 * advice (src/advise/) fills the struct itself; the maintenance worker will
 * do the same.  An options struct is initialized with its
 * ps_*_options_init() (the SQL defaults, lock_timeout from the GUC
 * partstrat.lock_timeout), then the caller sets what it needs.  The entry
 * points raise the same ERRORs as the SQL functions for a table in a state
 * they cannot handle; they trust the options to be in range (the wrappers
 * check the arguments).  Nothing here executes DDL.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/generators.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_GENERATORS_H
#define PARTSTRAT_GENERATORS_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/array.h"

#include "partstrat.h"

/* Most partitions one premake call creates. */
#define PS_PREMAKE_MAX		10000

/* ---- split ----------------------------------------------------------- */

typedef struct PsSplitOptions
{
	Oid			relid;			/* the partition to split */
	int			pieces;			/* 2 .. PS_DDL_MAX_PIECES */
	ArrayType  *boundaries;		/* explicit split points, or NULL */
	bool		exact;			/* count rows instead of statistics */
	int			lock_timeout_ms;
} PsSplitOptions;

extern void ps_split_options_init(PsSplitOptions *o, Oid relid, int pieces);
extern char *ps_ddl_split(const PsSplitOptions *o);

/* ---- merge ----------------------------------------------------------- */

typedef struct PsMergeOptions
{
	/* either relids[n] ... */
	const Oid  *relids;
	/* ... or a tree the caller built whose root is the partitions' parent */
	const PsTree *tree;
	const int  *idx;			/* level-1 partitions of tree, tree order */
	int			n;
	int			lock_timeout_ms;
} PsMergeOptions;

extern void ps_merge_options_init(PsMergeOptions *o);
extern char *ps_ddl_merge(const PsMergeOptions *o);

/* ---- retention ------------------------------------------------------- */

typedef enum PsRetentionAction
{
	PS_RETENTION_DETACH,
	PS_RETENTION_DROP,
	PS_RETENTION_ARCHIVE
} PsRetentionAction;

typedef struct PsRetentionOptions
{
	Oid			parentid;
	Interval   *keep;			/* NULL: not given */
	int32		keep_count;		/* 0: not given */
	PsRetentionAction action;
	Oid			archive_nsp;	/* action archive: the schema (checked) */
	char	   *archive_name;
	bool		concurrently;
	int			lock_timeout_ms;
	TimestampTz as_of;			/* finite */
	int64		epoch_scale;	/* keep on an integer key holding time since
								 * 1970: its units per second; 0: none;
								 * PS_EPOCH_FROM_BOUNDS: what the bounds
								 * read as (maintenance) */
} PsRetentionOptions;

/* epoch_scale: the unit the bounds read as (seconds or milliseconds) */
#define PS_EPOCH_FROM_BOUNDS	INT64CONST(-1)

extern void ps_retention_options_init(PsRetentionOptions *o, Oid parentid);
extern const char *ps_retention_action_name(PsRetentionAction action);
extern char *ps_ddl_retention(const PsRetentionOptions *o);
extern void ps_retention_check_key(Oid parentid, const char *funcname);

/* ---- premake --------------------------------------------------------- */

typedef struct PsPremakeOptions
{
	Oid			parentid;
	int			count;			/* 0 .. PS_PREMAKE_MAX */
	const char *step;			/* NULL: inferred from the partitions */
	int			lock_timeout_ms;
	bool		leave_default_rows; /* leave ranges holding DEFAULT rows to
									 * the rescue (else an ERROR) */
} PsPremakeOptions;

extern void ps_premake_options_init(PsPremakeOptions *o, Oid parentid,
									int count);
extern char *ps_ddl_premake(const PsPremakeOptions *o);

/* ---- DEFAULT rescue and guard ---------------------------------------- */

typedef struct PsRescueOptions
{
	Oid			parentid;		/* range-partitioned */
	int			batch_rows;		/* >= 1 */
	const char *step;			/* NULL: inferred from the siblings */
	int			lock_timeout_ms;
	int		   *ntargets;		/* not NULL: set to the new partitions'
								 * number (0: only NULL or infinite keys) */
} PsRescueOptions;

extern void ps_rescue_options_init(PsRescueOptions *o, Oid parentid);
extern char *ps_ddl_rescue_default(const PsRescueOptions *o);

/*
 * The rescue of heavy values out of the DEFAULT partition of a list parent:
 * one transaction per value, which creates a copy of template_relid
 * standalone, moves the value's rows out of the DEFAULT, asserts the
 * counts, builds the indexes and attaches it as FOR VALUES IN (value)
 * without a scan of the new table.  values are the ISO texts of values of
 * the key's (single) column.
 */
typedef struct PsListRescueOptions
{
	Oid			parentid;
	const PsKey *key;
	Oid			default_relid;
	Oid			template_relid;
	int			nvalues;
	char	  **values;
	int			lock_timeout_ms;
} PsListRescueOptions;

extern char *ps_ddl_rescue_list(const PsListRescueOptions *o);

typedef struct PsGuardOptions
{
	Oid			parentid;		/* range- or list-partitioned */
	int			lock_timeout_ms;
} PsGuardOptions;

extern void ps_guard_options_init(PsGuardOptions *o, Oid parentid);
extern char *ps_ddl_guard_default(const PsGuardOptions *o);

/* ---- Proposals of the advice (ddl_proposals.c) ----------------------- */

/*
 * CREATE TABLE <parent's schema>.<parent>_default PARTITION OF parent
 * DEFAULT, pinned like a script.
 */
extern char *ps_ddl_create_default(Oid parentid, const char *nspname,
								   const char *relname);

/* ANALYZE of the given relations (qualified by OID), one statement. */
extern char *ps_ddl_analyze(const Oid *relids, int n);

/*
 * CREATE [UNIQUE] INDEX ON nspname.relname USING ...: the index of
 * signature sig ("UNIQUE USING btree (id)", as the skew analysis reads it,
 * deparsed under the scripts' settings), without the ";".
 */
extern char *ps_ddl_index_like(const char *sig, const char *nspname,
							   const char *relname);

/* DROP TABLE relid; */
extern char *ps_ddl_drop_table(Oid relid);

/* ALTER TABLE parent DETACH PARTITION part FINALIZE; */
extern char *ps_ddl_finalize_detach(Oid parentid, Oid relid);

/*
 * A repartition proposal: a new LIST-partitioned table beside the old one
 * with a partition per heavy value (sub-partitioned by hash of subcol when
 * sub_modulus > 1), and a DEFAULT for the other values (hash-partitioned
 * like the old parent when nrest > 0).  It is advice, not a script: the
 * copy and the swap are left to the DBA (the closing comment says so).
 */
typedef struct PsProposedValue
{
	const char *value;			/* ISO text of the value */
	int64		rows;
	int			sub_modulus;	/* > 1: hash sub-partitions */
	const char *subcol;			/* their column */
} PsProposedValue;

typedef struct PsProposedRest
{
	int			modulus;
	int			remainder;
	int64		rows;
} PsProposedRest;

/* Most partitions one repartition proposal creates (hash pieces included). */
#define PS_PROPOSAL_MAX_PARTS	256

typedef struct PsRepartitionOptions
{
	const char *nspname;		/* schema of the old table and the new one */
	const char *relname;		/* the old table (unquoted) */
	const char *keycol;
	int			nvalues;
	PsProposedValue *values;
	/* the DEFAULT: hashed into nrest partitions, or plain with rest_rows */
	const char *rest_keydef;	/* its PARTITION BY: the parent's own key
								 * (pg_get_partkeydef), else HASH (keycol) */
	int			nrest;
	PsProposedRest *rest;
	int64		rest_rows;
	/* a leaf: the bound the new table is attached with, else NULL */
	const char *attach_bound;
	Oid			attach_parent;	/* ... under this parent */
} PsRepartitionOptions;

typedef struct PsRepartitionProposal
{
	char	   *ddl;
	char	   *layout_json;	/* [{"partition", "bound", "predicted_rows"}] */
	char	   *newname;		/* the new table (unquoted) */
	int			npartitions;	/* tables the proposal creates */
} PsRepartitionProposal;

extern PsRepartitionProposal ps_ddl_repartition(const PsRepartitionOptions *o);

#endif							/* PARTSTRAT_GENERATORS_H */
