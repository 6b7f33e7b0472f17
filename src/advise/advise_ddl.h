/*-------------------------------------------------------------------------
 *
 * advise_ddl.h
 *	  The DDL of partstrat_advise(): calls into the DDL generators that
 *	  never abort the advice.
 *
 * Each function returns the script of one piece of advice, or NULL with
 * *error set to the generator's message (and *hint to its hint, or NULL)
 * when the generator refused: the call runs in a subtransaction that is
 * rolled back on an ERROR of the generator's own (bad state, unsupported
 * layout, missing statistics).  Cancels, out-of-memory and internal errors
 * are re-thrown.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_ddl.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_ADVISE_DDL_H
#define PARTSTRAT_ADVISE_DDL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/array.h"

#include "partstrat.h"

/* the result of one generator call */
typedef struct PsAdviceDdl
{
	char	   *ddl;			/* NULL when the generator refused */
	char	   *error;			/* its message then */
	char	   *hint;			/* its hint, or NULL */
} PsAdviceDdl;

/* partstrat_ddl_split(relid, pieces) */
extern PsAdviceDdl ps_advice_ddl_split(Oid relid, int pieces);

/* partstrat_ddl_split(relid, boundaries => boundaries) */
extern PsAdviceDdl ps_advice_ddl_split_at(Oid relid, ArrayType *boundaries);

/* partstrat_ddl_merge(relids) */
extern PsAdviceDdl ps_advice_ddl_merge(const Oid *relids, int n);

/*
 * The same from the caller's tree, whose root is the partitions' parent
 * (idx: level-1 partitions in tree order; see PsMergeOptions)
 */
extern PsAdviceDdl ps_advice_ddl_merge_tree(const PsTree *tree,
											const int *idx, int n);

/*
 * partstrat_ddl_retention(parent, keep, action => 'detach', concurrently,
 * as_of, epoch): epoch_scale 0 for a date or timestamp key
 */
extern PsAdviceDdl ps_advice_ddl_retention(Oid parentid, Interval *keep,
										   bool concurrently,
										   TimestampTz as_of,
										   int64 epoch_scale);

/*
 * partstrat_ddl_premake(parent, count, step) (step NULL: inferred);
 * leave_default_rows: ranges holding rows of the DEFAULT are left to the
 * rescue_default script (count then includes them)
 */
extern PsAdviceDdl ps_advice_ddl_premake(Oid parentid, int count,
										 const char *step,
										 bool leave_default_rows);

/* partstrat_ddl_rescue_default(parent): range parents */
extern PsAdviceDdl ps_advice_ddl_rescue_range(Oid parentid, int *ntargets);

/* partstrat_ddl_guard_default(parent): range and list parents */
extern PsAdviceDdl ps_advice_ddl_guard(Oid parentid);

/*
 * The rescue of heavy values out of the DEFAULT partition of a list parent
 * (the range generator does not handle lists): one transaction per value,
 * which creates a copy of template_relid standalone, moves the value's
 * rows out of the DEFAULT, asserts the counts, builds the indexes and
 * attaches it as FOR VALUES IN (value) without a scan of the new table.
 * values are the ISO texts of values of the key's (single) column.
 */
extern PsAdviceDdl ps_advice_ddl_rescue_list(Oid parentid, const PsKey *key,
											 Oid default_relid,
											 Oid template_relid,
											 int nvalues, char **values);

#endif							/* PARTSTRAT_ADVISE_DDL_H */
