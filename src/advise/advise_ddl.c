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
 * The generators of retention, premake and DEFAULT rescue are SQL-callable
 * functions with optional arguments and no separate C entry point: they
 * are called here through a FunctionCallInfo built on the stack, which is
 * what the SQL call does, minus the parsing.
 *
 * A list parent's DEFAULT has no generator of its own: its rescue (one
 * partition per heavy value) is built here from the DDL toolkit (ddl.h),
 * with the same guarantees as the range rescue.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_ddl.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "advise_ddl.h"
#include "ddl.h"
#include "ddl_time.h"

/* The SQL-callable generators of ddl_retention.c, ddl_premake.c, ddl_rescue.c */
extern PGDLLEXPORT Datum partstrat_ddl_retention(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum partstrat_ddl_premake(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum partstrat_ddl_rescue_default(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum partstrat_ddl_guard_default(PG_FUNCTION_ARGS);

/* Rows one statement of the range rescue moves (its SQL default). */
#define PS_ADVICE_BATCH_ROWS	100000

/* Most arguments of a generator called through call_sql(). */
#define PS_GEN_MAXARGS	8

typedef char *(*GenFunc) (void *arg);

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
run_generator(GenFunc fn, void *arg)
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

/* Call an SQL-callable generator: NULL arguments where nulls[i]. */
static char *
call_sql(PGFunction fn, int nargs, const Datum *args, const bool *nulls)
{
	LOCAL_FCINFO(fcinfo, PS_GEN_MAXARGS);
	Datum		result;
	int			i;

	Assert(nargs <= PS_GEN_MAXARGS);
	InitFunctionCallInfoData(*fcinfo, NULL, nargs, InvalidOid, NULL, NULL);
	for (i = 0; i < nargs; i++)
	{
		fcinfo->args[i].value = args[i];
		fcinfo->args[i].isnull = nulls[i];
	}
	result = fn(fcinfo);
	if (fcinfo->isnull)
		return NULL;
	return TextDatumGetCString(result);
}

/* ----------------------------------------------------------------
 * split, merge
 * ----------------------------------------------------------------
 */

typedef struct SplitArg
{
	Oid			relid;
	int			pieces;
	ArrayType  *boundaries;		/* text[], or NULL: from the data */
} SplitArg;

static char *
gen_split(void *arg)
{
	SplitArg   *a = arg;

	return ps_ddl_split_script(a->relid, a->pieces, a->boundaries, false,
							   ps_ddl_lock_timeout_ms);
}

PsAdviceDdl
ps_advice_ddl_split(Oid relid, int pieces)
{
	SplitArg	a;

	a.relid = relid;
	a.pieces = pieces;
	a.boundaries = NULL;
	return run_generator(gen_split, &a);
}

PsAdviceDdl
ps_advice_ddl_split_at(Oid relid, ArrayType *boundaries)
{
	SplitArg	a;

	a.relid = relid;
	a.pieces = 2;
	a.boundaries = boundaries;
	return run_generator(gen_split, &a);
}

typedef struct MergeArg
{
	const Oid  *relids;
	int			n;
} MergeArg;

static char *
gen_merge(void *arg)
{
	MergeArg   *a = arg;

	return ps_ddl_merge_script(a->relids, a->n, ps_ddl_lock_timeout_ms);
}

typedef struct MergeTreeArg
{
	const PsTree *tree;
	const int  *idx;
	int			n;
} MergeTreeArg;

static char *
gen_merge_tree(void *arg)
{
	MergeTreeArg *a = arg;

	return ps_ddl_merge_script_tree(a->tree, a->idx, a->n,
									ps_ddl_lock_timeout_ms);
}

PsAdviceDdl
ps_advice_ddl_merge_tree(const PsTree *tree, const int *idx, int n)
{
	MergeTreeArg a;

	a.tree = tree;
	a.idx = idx;
	a.n = n;
	return run_generator(gen_merge_tree, &a);
}

PsAdviceDdl
ps_advice_ddl_merge(const Oid *relids, int n)
{
	MergeArg	a;

	a.relids = relids;
	a.n = n;
	return run_generator(gen_merge, &a);
}

/* ----------------------------------------------------------------
 * retention, premake, range rescue and guard
 * ----------------------------------------------------------------
 */

typedef struct SqlArg
{
	PGFunction	fn;
	int			nargs;
	Datum		args[PS_GEN_MAXARGS];
	bool		nulls[PS_GEN_MAXARGS];
} SqlArg;

static char *
gen_sql(void *arg)
{
	SqlArg	   *a = arg;

	return call_sql(a->fn, a->nargs, a->args, a->nulls);
}

/* A call of fn(parentid, NULL, NULL, ...) with nargs arguments. */
static void
sql_arg_init(SqlArg *a, PGFunction fn, int nargs, Oid parentid)
{
	int			i;

	a->fn = fn;
	a->nargs = nargs;
	for (i = 0; i < PS_GEN_MAXARGS; i++)
	{
		a->args[i] = (Datum) 0;
		a->nulls[i] = true;
	}
	a->args[0] = ObjectIdGetDatum(parentid);
	a->nulls[0] = false;
}

static void
sql_arg_set(SqlArg *a, int argno, Datum value)
{
	a->args[argno] = value;
	a->nulls[argno] = false;
}

PsAdviceDdl
ps_advice_ddl_retention(Oid parentid, Interval *keep, bool concurrently,
						TimestampTz as_of)
{
	SqlArg		a;

	/*
	 * (parent, keep, keep_count, action, archive_schema, concurrently,
	 * lock_timeout, as_of)
	 */
	sql_arg_init(&a, partstrat_ddl_retention, 8, parentid);
	sql_arg_set(&a, 1, IntervalPGetDatum(keep));
	sql_arg_set(&a, 3, CStringGetTextDatum("detach"));
	sql_arg_set(&a, 5, BoolGetDatum(concurrently));
	sql_arg_set(&a, 7, TimestampTzGetDatum(as_of));
	return run_generator(gen_sql, &a);
}

PsAdviceDdl
ps_advice_ddl_premake(Oid parentid, int count)
{
	SqlArg		a;

	/* (parent, count, step, lock_timeout) */
	sql_arg_init(&a, partstrat_ddl_premake, 4, parentid);
	sql_arg_set(&a, 1, Int32GetDatum(count));
	return run_generator(gen_sql, &a);
}

PsAdviceDdl
ps_advice_ddl_rescue_range(Oid parentid)
{
	SqlArg		a;

	/* (parent, batch_rows, lock_timeout, step) */
	sql_arg_init(&a, partstrat_ddl_rescue_default, 4, parentid);
	sql_arg_set(&a, 1, Int32GetDatum(PS_ADVICE_BATCH_ROWS));
	return run_generator(gen_sql, &a);
}

PsAdviceDdl
ps_advice_ddl_guard(Oid parentid)
{
	SqlArg		a;

	/* (parent, lock_timeout) */
	sql_arg_init(&a, partstrat_ddl_guard_default, 2, parentid);
	return run_generator(gen_sql, &a);
}

/* ----------------------------------------------------------------
 * Rescue of heavy values from a list parent's DEFAULT
 * ----------------------------------------------------------------
 */

typedef struct ListRescueArg
{
	Oid			parentid;
	const PsKey *key;
	Oid			default_relid;
	Oid			template_relid;
	int			nvalues;
	char	  **values;
} ListRescueArg;

/* "_br" for 'BR': a name suffix from a value, ASCII letters and digits */
static char *
value_suffix(const char *value, int k)
{
	StringInfoData buf;
	const char *c;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '_');
	for (c = value; *c && buf.len < 21; c++)
	{
		if (isalnum((unsigned char) *c) && !IS_HIGHBIT_SET(*c))
			appendStringInfoChar(&buf, tolower((unsigned char) *c));
		else if (buf.data[buf.len - 1] != '_')
			appendStringInfoChar(&buf, '_');
	}
	if (buf.len < 2 || (buf.len == 2 && buf.data[1] == '_'))
		return psprintf("_v%d", k + 1);
	return buf.data;
}

/* One value: a whole transaction. */
static char *
list_target_script(ListRescueArg *a, PsValue *v, int k, List **used)
{
	Oid			nspid = get_rel_namespace(a->default_relid);
	char	   *parent = ps_ddl_qualified(a->parentid);
	char	   *defname = ps_ddl_qualified(a->default_relid);
	char	   *cols = ps_ddl_copy_columns(a->default_relid);
	char	   *check = ps_bound_check_name(a->template_relid);
	PsBound		b;
	char	   *where;
	char	   *name;
	char	   *newq;
	PsScript   *s;

	memset(&b, 0, sizeof(b));
	b.strategy = PS_STRATEGY_LIST;
	b.nkeys = 1;
	b.nlist = 1;
	b.list = v;
	where = ps_ddl_bound_expr(a->parentid, a->key, &b);

	s = ps_script_begin(psprintf("rescue %d of %d from %s: the rows of %s %s",
								 k + 1, a->nvalues, defname,
								 quote_identifier(a->key->colnames[0]),
								 ps_ddl_bound_clause(&b)),
						ps_ddl_lock_timeout_ms, true);
	s->used_names = *used;
	name = ps_ddl_new_name(s, nspid, get_rel_name(a->parentid),
						   value_suffix(v->text, k));
	newq = quote_qualified_identifier(get_namespace_name(nspid), name);
	ps_script_header(s, "Creates %s standalone (a copy of %s), moves the value's rows out of the DEFAULT,",
					 newq, ps_ddl_qualified(a->template_relid));
	ps_script_header(s, "checks the counts, builds its indexes and attaches it.");
	ps_script_header(s, "Rows stay visible: in the DEFAULT until COMMIT, in the new partition after.");
	ps_ddl_lock(s, a->parentid, list_make1_oid(a->default_relid),
				"SHARE ROW EXCLUSIVE");
	ps_script_header(s, "  ATTACH then takes ACCESS EXCLUSIVE on the DEFAULT and scans it (it no longer holds the value),");
	ps_script_header(s, "  and SHARE UPDATE EXCLUSIVE on the parent; it does not scan the new table (CHECK constraint).");
	ps_script_header(s, "Run for long enough to copy this value's rows; the other values are separate transactions.");

	ps_ddl_clone_table(s, a->template_relid, nspid, name);
	ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)",
				   newq, check, where);
	ps_ddl_save_count(s, "default_rows",
					  psprintf("SELECT count(*) FROM ONLY %s", defname));
	ps_ddl_save_count(s, "target_rows",
					  psprintf("SELECT count(*) FROM ONLY %s WHERE %s",
							   defname, where));
	ps_script_stmt(s, "WITH moved AS (DELETE FROM ONLY %s WHERE %s RETURNING %s) INSERT INTO %s (%s) SELECT %s FROM moved",
				   defname, where, cols, newq, cols, cols);
	ps_ddl_assert_count(s, "default_rows",
						ps_ddl_count_expr(list_make2(defname, newq)));
	ps_ddl_assert_count(s, "target_rows", ps_ddl_count_expr(list_make1(newq)));
	ps_ddl_clone_indexes(s, a->template_relid, nspid, name);
	ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s", parent, newq,
				   ps_ddl_bound_clause(&b));
	ps_script_stmt(s, "ALTER TABLE %s DROP CONSTRAINT %s", newq, check);
	*used = s->used_names;
	return ps_script_finish(s);
}

static char *
gen_rescue_list(void *arg)
{
	ListRescueArg *a = arg;
	Oid			typid = a->key->typids[0];
	Oid			typinput;
	Oid			typioparam;
	int16		typlen;
	bool		typbyval;
	StringInfoData out;
	List	   *used = NIL;
	int			nest;
	int			k;

	getTypeInputInfo(typid, &typinput, &typioparam);
	get_typlenbyval(typid, &typlen, &typbyval);
	nest = ps_ddl_iso_enter();
	initStringInfo(&out);
	appendStringInfo(&out, "-- partstrat: rescue of %d heavy value%s from DEFAULT partition %s of %s\n",
					 a->nvalues, a->nvalues == 1 ? "" : "s",
					 ps_ddl_qualified(a->default_relid),
					 ps_ddl_qualified(a->parentid));
	appendStringInfoString(&out, "-- Generated text only: nothing has been executed. Run it as one script (psql -f).\n");
	appendStringInfo(&out, "-- One new list partition per value, one transaction each.  If it stops half-way, the\n"
					 "-- committed transactions stay and the others changed nothing: run\n"
					 "-- SELECT ddl FROM partstrat_advise(%s) WHERE action = 'rescue_default' for the rest.\n",
					 quote_literal_cstr(ps_ddl_qualified(a->parentid)));
	for (k = 0; k < a->nvalues; k++)
	{
		/* MCV texts are ISO: read back under ps_ddl_iso_enter's settings */
		Datum		d = OidInputFunctionCall(typinput, a->values[k],
											 typioparam, -1);
		PsValue		v = ps_ddl_value(d, typid, typlen, typbyval);

		CHECK_FOR_INTERRUPTS();
		appendStringInfoChar(&out, '\n');
		appendStringInfoString(&out, list_target_script(a, &v, k, &used));
	}
	ps_ddl_iso_leave(nest);
	return out.data;
}

PsAdviceDdl
ps_advice_ddl_rescue_list(Oid parentid, const PsKey *key, Oid default_relid,
						  Oid template_relid, int nvalues, char **values)
{
	ListRescueArg a;

	a.parentid = parentid;
	a.key = key;
	a.default_relid = default_relid;
	a.template_relid = template_relid;
	a.nvalues = nvalues;
	a.values = values;
	return run_generator(gen_rescue_list, &a);
}
