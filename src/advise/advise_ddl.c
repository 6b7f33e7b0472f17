/*-------------------------------------------------------------------------
 *
 * advise_ddl.c
 *	  The DDL of partstrat_advise(): each piece of advice gets its script
 *	  from the DDL generators, called directly in C.
 *
 * A generator that refuses (a layout it does not support, statistics it
 * needs and lacks, a DEFAULT holding rows of a range to create, ...) must
 * not abort the whole advice: every call runs in an internal
 * subtransaction, as PL/pgSQL runs a block with an EXCEPTION clause.  On
 * an ERROR the subtransaction is rolled back (its locks, memory, SPI
 * connection and GUC nest levels with it) and the message is returned for
 * the advice's evidence.  Only the generators' own kinds of error are
 * caught: a cancel, a shutdown, running out of memory or an internal
 * error is re-thrown.
 *
 * Every generator is reached through its C entry point (generators.h)
 * with an options struct; nothing here writes SQL text.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_ddl.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/memutils.h"

#include "advise_ddl.h"
#include "ddl.h"
#include "generators.h"

/* Rows one statement of the range rescue moves (its SQL default). */
#define PS_ADVICE_BATCH_ROWS	100000

typedef char *(*GenFunc) (const void *arg);

/*
 * Errors a generator raises about its input or the table's state, which
 * the advice reports instead of failing: everything but operator
 * intervention (cancel, shutdown), transaction rollback (serialization
 * failure, deadlock: the caller's transaction must see them), resources,
 * system and internal errors.
 */
static bool
generator_error(int sqlerrcode)
{
	int			class = ERRCODE_TO_CATEGORY(sqlerrcode);

	return class != ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_TRANSACTION_ROLLBACK) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_INTERNAL_ERROR);
}

/*
 * Run fn(arg) in a subtransaction; an ERROR of the generator is returned.
 * The generator works in a memory context of its own, deleted once its
 * script is copied out: an advice with hundreds of scripts does not keep
 * each generator's trees and catalog copies.
 */
static PsAdviceDdl
run_generator(GenFunc fn, const void *arg)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	PsSubxact	sx;
	MemoryContext gencontext;
	PsAdviceDdl result;

	memset(&result, 0, sizeof(result));
	gencontext = AllocSetContextCreate(oldcontext, "partstrat advice DDL",
									   ALLOCSET_DEFAULT_SIZES);
	/* not the subtransaction's context: the script outlives it */
	ps_subxact_begin(&sx, gencontext);
	PG_TRY();
	{
		char	   *ddl = fn(arg);

		result.ddl = ddl ? MemoryContextStrdup(oldcontext, ddl) : NULL;
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		ErrorData  *edata = ps_subxact_abort(&sx);

		if (!generator_error(edata->sqlerrcode))
			ReThrowError(edata);
		result.ddl = NULL;
		result.error = edata->message ? pstrdup(edata->message) :
			pstrdup("the generator failed");
		result.hint = edata->hint ? pstrdup(edata->hint) : NULL;
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextDelete(gencontext);
	return result;
}

/* ----------------------------------------------------------------
 * split, merge
 * ----------------------------------------------------------------
 */

/* the generators, with the argument types run_generator() passes */
static char *
gen_split(const void *arg)
{
	return ps_ddl_split(arg);
}

static char *
gen_merge(const void *arg)
{
	return ps_ddl_merge(arg);
}

static char *
gen_retention(const void *arg)
{
	return ps_ddl_retention(arg);
}

static char *
gen_premake(const void *arg)
{
	return ps_ddl_premake(arg);
}

static char *
gen_rescue_range(const void *arg)
{
	return ps_ddl_rescue_default(arg);
}

static char *
gen_guard(const void *arg)
{
	return ps_ddl_guard_default(arg);
}

static char *
gen_rescue_list(const void *arg)
{
	return ps_ddl_rescue_list(arg);
}

PsAdviceDdl
ps_advice_ddl_split(Oid relid, int pieces)
{
	PsSplitOptions o;

	ps_split_options_init(&o, relid, pieces);
	return run_generator(gen_split, &o);
}

PsAdviceDdl
ps_advice_ddl_split_at(Oid relid, ArrayType *boundaries)
{
	PsSplitOptions o;

	ps_split_options_init(&o, relid, 2);
	o.boundaries = boundaries;
	return run_generator(gen_split, &o);
}

PsAdviceDdl
ps_advice_ddl_merge_tree(const PsTree *tree, const int *idx, int n)
{
	PsMergeOptions o;

	ps_merge_options_init(&o);
	o.tree = tree;
	o.idx = idx;
	o.n = n;
	return run_generator(gen_merge, &o);
}

PsAdviceDdl
ps_advice_ddl_merge(const Oid *relids, int n)
{
	PsMergeOptions o;

	ps_merge_options_init(&o);
	o.relids = relids;
	o.n = n;
	return run_generator(gen_merge, &o);
}

/* ----------------------------------------------------------------
 * retention, premake, DEFAULT rescue and guard
 * ----------------------------------------------------------------
 */

PsAdviceDdl
ps_advice_ddl_retention(Oid parentid, Interval *keep, bool concurrently,
						TimestampTz as_of, int64 epoch_scale)
{
	PsRetentionOptions o;

	ps_retention_options_init(&o, parentid);
	o.keep = keep;
	o.concurrently = concurrently;
	o.as_of = as_of;
	o.epoch_scale = epoch_scale;
	return run_generator(gen_retention, &o);
}

PsAdviceDdl
ps_advice_ddl_premake(Oid parentid, int count, const char *step,
					  bool leave_default_rows)
{
	PsPremakeOptions o;

	ps_premake_options_init(&o, parentid, count);
	o.step = step;
	o.leave_default_rows = leave_default_rows;
	return run_generator(gen_premake, &o);
}

PsAdviceDdl
ps_advice_ddl_rescue_range(Oid parentid, int *ntargets)
{
	PsRescueOptions o;

	ps_rescue_options_init(&o, parentid);
	o.ntargets = ntargets;
	o.batch_rows = PS_ADVICE_BATCH_ROWS;
	return run_generator(gen_rescue_range, &o);
}

PsAdviceDdl
ps_advice_ddl_guard(Oid parentid)
{
	PsGuardOptions o;

	ps_guard_options_init(&o, parentid);
	return run_generator(gen_guard, &o);
}

PsAdviceDdl
ps_advice_ddl_rescue_list(Oid parentid, const PsKey *key, Oid default_relid,
						  Oid template_relid, int nvalues, char **values)
{
	PsListRescueOptions o;

	memset(&o, 0, sizeof(o));
	o.parentid = parentid;
	o.key = key;
	o.default_relid = default_relid;
	o.template_relid = template_relid;
	o.nvalues = nvalues;
	o.values = values;
	o.lock_timeout_ms = ps_ddl_lock_timeout_ms;
	return run_generator(gen_rescue_list, &o);
}
