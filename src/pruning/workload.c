/*-------------------------------------------------------------------------
 *
 * workload.c
 *	  Pruning over the whole workload: every statement pg_stat_statements
 *	  recorded for the current database, analysed as
 *	  partstrat_explain_pruning() does, weighted by calls and execution time.
 *
 * pg_stat_statements texts carry $n where the constants were; their types
 * are inferred as PREPARE does and the 'custom' plan binds them to
 * representative values (pruning_params.c), which is the plan the recorded
 * executions with constants got.  Per statement and partitioned table the
 * leaves kept classify it: 'all' (no pruning), 'run-time' (all kept in the
 * plan, pruned at executor startup or during execution), 'most' (more than
 * one leaf and more than a tenth of them kept) or 'few'.  A statement that
 * fails to parse, analyse or plan is listed with its error, in its own
 * subtransaction, and never stops the report.
 *
 * Planning runs code: the planner folds calls of IMMUTABLE functions, which
 * may be anybody's.  Each statement is therefore parsed and planned as the
 * role that ran it (the one with the most calls when several did), under
 * that role's own search_path (pg_db_role_setting, else the default), in a
 * security-restricted operation with its settings undone afterwards -- as
 * autovacuum runs index expressions as the table owner: a statement cannot
 * run its author's functions with the rights of the DBA who reads the
 * report, the reader cannot choose (through its search_path) which
 * functions run with the author's, and nothing the planning does stays in
 * the reader's session.  A superuser's statement is analysed only for a
 * superuser caller.
 *
 * ps_workload_tables() gives one PsWorkloadTable per partitioned table with
 * the calls and execution time per class (partstrat_workload_pruning()),
 * and ps_workload_statements() the statements, worst first, with their
 * diagnosis and suggestion (partstrat_workload_statements(); both in
 * src/sql/pruning_functions.c).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/workload.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/formatting.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "compat.h"
#include "partstrat.h"
#include "pruning.h"

static const char *const class_names[] = {"all", "run-time", "most", "few"};

/* One (statement, partitioned table) pair. */
typedef struct WlHit
{
	PsStatement *st;
	PsPruneRow *row;			/* the worst occurrence of the table */
	PsPruneRow *generic;		/* the generic plan's, or NULL */
	PsPruneClass cls;
} WlHit;

/* ----------------------------------------------------------------
 * Reading pg_stat_statements
 * ----------------------------------------------------------------
 */

List *
ps_read_statements(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *result = NIL;
	char	   *nsp;
	uint64		i;
	bool		isnull;

	SPI_connect();
	if (SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
					"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
					"WHERE e.extname = 'pg_stat_statements'",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up pg_stat_statements");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_stat_statements is not installed in this database"),
				 errdetail("The workload report reads the statements and their calls from pg_stat_statements."),
				 errhint("Add pg_stat_statements to shared_preload_libraries, restart the server, and run CREATE EXTENSION pg_stat_statements.")));
	nsp = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (SPI_execute(psprintf("SELECT queryid, query, sum(calls)::bigint, "
							 "sum(total_exec_time)::float8, "
							 "(pg_catalog.array_agg(userid ORDER BY calls DESC))[1] "
							 "FROM %s.pg_stat_statements "
							 "WHERE dbid = (SELECT oid FROM pg_catalog.pg_database "
							 "WHERE datname = pg_catalog.current_database()) "
							 "AND query IS NOT NULL AND queryid IS NOT NULL "
							 "GROUP BY queryid, query ORDER BY queryid",
							 quote_identifier(nsp)),
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_stat_statements");

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext old = MemoryContextSwitchTo(cxt);
		PsStatement *st = palloc0(sizeof(PsStatement));

		st->queryid = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		st->query = TextDatumGetCString(SPI_getbinval(tup, desc, 2, &isnull));
		st->calls = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
		st->total_time = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
		st->userid = DatumGetObjectId(SPI_getbinval(tup, desc, 5, &isnull));
		result = lappend(result, st);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* ----------------------------------------------------------------
 * Analysing one statement
 * ----------------------------------------------------------------
 */

typedef struct TouchCtx
{
	Oid			parent;
	bool		found;
} TouchCtx;

static bool
touch_walker(Node *node, TouchCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		ListCell   *lc;

		foreach(lc, ((Query *) node)->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			if (rte->rtekind != RTE_RELATION ||
				rte->relkind != RELKIND_PARTITIONED_TABLE)
				continue;
			if (!OidIsValid(cx->parent) || rte->relid == cx->parent ||
				list_member_oid(get_partition_ancestors(rte->relid),
								cx->parent))
			{
				cx->found = true;
				return true;
			}
		}
		return query_tree_walker((Query *) node, touch_walker, cx, 0);
	}
	return expression_tree_walker(node, touch_walker, cx);
}

/* Does the statement read or write a partitioned table (of parent's tree)? */
static bool
touches(PsPrepared *prep, Oid parent)
{
	TouchCtx	cx;
	ListCell   *lc;

	cx.parent = parent;
	cx.found = false;
	foreach(lc, prep->queries)
	{
		if (touch_walker((Node *) lfirst(lc), &cx))
			break;
	}
	return cx.found;
}

static PsPruneRow *
copy_row(PsPruneRow *row)
{
	PsPruneRow *c = palloc(sizeof(PsPruneRow));

	memcpy(c, row, sizeof(PsPruneRow));
	c->diagnosis = row->diagnosis ? pstrdup(row->diagnosis) : NULL;
	c->suggestion = row->suggestion ? pstrdup(row->suggestion) : NULL;
	return c;
}

/*
 * Analyse one statement in a subtransaction and a memory context of its
 * own (a generic plan over a thousand leaves is large): false when it does
 * not touch
 * a partitioned table (or is not a plannable statement), st->error set when
 * it fails.
 */
/*
 * The role a statement is planned as: the one that ran it, unless it no
 * longer exists or is a superuser and the caller is not (ERROR).
 */
static Oid
statement_user(PsStatement *st)
{
	Oid			caller = GetUserId();

	if (!OidIsValid(st->userid) || st->userid == caller)
		return caller;
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(st->userid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the role that ran the statement (OID %u) no longer exists",
						st->userid),
				 errdetail("Statements are planned as the role that ran them.")));
	if (superuser_arg(st->userid) && !superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the statement was run by a superuser"),
				 errdetail("Statements are planned as the role that ran them; a superuser's are planned only for a superuser.")));
	return st->userid;
}

/*
 * The search_path the author's sessions start with: its setting for this
 * database, else for every database, else this database's, else the
 * built-in default.  Not the caller's: the caller would choose which
 * functions the author's statement names, and so run its own code with the
 * author's rights.
 */
static char *
author_search_path(Oid author)
{
	MemoryContext outer = CurrentMemoryContext;
	Oid			argtypes[2] = {OIDOID, OIDOID};
	Datum		args[2];
	char	   *result = NULL;
	uint64		i;

	args[0] = ObjectIdGetDatum(MyDatabaseId);
	args[1] = ObjectIdGetDatum(author);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT c FROM pg_catalog.pg_db_role_setting s, "
							  "pg_catalog.unnest(s.setconfig) c "
							  "WHERE s.setdatabase IN (0, $1) AND s.setrole IN (0, $2) "
							  "AND c LIKE 'search\\_path=%' "
							  "ORDER BY s.setrole <> 0 DESC, s.setdatabase <> 0 DESC",
							  2, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_db_role_setting");
	for (i = 0; i < SPI_processed && result == NULL; i++)
	{
		char	   *c = SPI_getvalue(SPI_tuptable->vals[i],
									 SPI_tuptable->tupdesc, 1);

		if (c != NULL)
			result = MemoryContextStrdup(outer, c + strlen("search_path="));
	}
	SPI_finish();
	/* pg_temp last: the reader's temporary tables never stand in for the author's */
	return psprintf("%s, pg_temp", result ? result : "\"$user\", public");
}

/* Does a (rewritten) query read a temporary relation, through a view too? */
static bool
temp_rel_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, temp_rel_walker, context,
								 QTW_EXAMINE_RTES_BEFORE);
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		return rte->rtekind == RTE_RELATION &&
			isAnyTempNamespace(get_rel_namespace(rte->relid));
	}
	return expression_tree_walker(node, temp_rel_walker, context);
}

static bool
analyse_statement(PsStatement *st, Oid parent)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	PsSubxact	sx;
	MemoryContext stmtcxt = AllocSetContextCreate(oldcxt,
												  "partstrat workload statement",
												  ALLOCSET_DEFAULT_SIZES);
	volatile bool relevant = false;

	ps_subxact_begin(&sx, stmtcxt);
	PG_TRY();
	{
		Oid			author = statement_user(st);
		char	   *path = author_search_path(author);
		PsAsUser	as;
		PsPrepared *prep;
		bool		hit;
		List	   *rows = NIL;

		/*
		 * Parsed and planned as its author, under the author's search_path,
		 * in a security-restricted operation; whatever a function the
		 * planner folds SETs is undone.  An error's subtransaction abort
		 * restores the user and the settings.
		 */
		ps_as_user_begin(&as, author, path);
		prep = ps_prepare_query(st->query, true);
		if (prep != NULL &&
			temp_rel_walker((Node *) prep->queries, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("the statement reads a temporary table or view"),
					 errdetail("Statements are analysed as their author; a temporary object of the session reading the report would stand in for the author's.")));
		hit = prep != NULL && touches(prep, parent);
		if (hit)
			rows = ps_explain_pruning(prep, false);
		ps_as_user_end(&as);

		if (hit)
		{
			ListCell   *lc;

			relevant = true;
			MemoryContextSwitchTo(oldcxt);
			foreach(lc, rows)
			{
				PsPruneRow *row = copy_row(lfirst(lc));

				if (strcmp(row->plan_kind, "generic") == 0)
					st->generic_rows = lappend(st->generic_rows, row);
				else
					st->rows = lappend(st->rows, row);
			}
		}
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		st->error = ps_subxact_abort_message(&sx);
		relevant = true;
	}
	PG_END_TRY();
	MemoryContextDelete(stmtcxt);
	return relevant;
}

static PsPruneClass
classify_row(PsPruneRow *row)
{
	int			kept = row->leaves_in_plan;
	int			total = row->leaves_total;

	if (kept >= total && total > 1)
		return (row->prunable_at_startup || row->prunable_at_exec) ?
			PS_CLASS_RUNTIME : PS_CLASS_ALL;
	if (kept <= 1 || kept * 10 <= total)
		return PS_CLASS_FEW;
	return PS_CLASS_MOST;
}

/* Does the row belong to the report (a root, or the parent asked for)? */
static bool
row_wanted(PsPruneRow *row, Oid parent)
{
	if (OidIsValid(parent))
		return row->parent == parent;
	return row->level == 0;
}

/* The (statement, table) pairs of all analysed statements. */
static List *
workload_hits(List *statements, Oid parent)
{
	List	   *hits = NIL;
	ListCell   *lc;

	foreach(lc, statements)
	{
		PsStatement *st = lfirst(lc);
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		foreach(lc2, st->rows)
		{
			PsPruneRow *row = lfirst(lc2);
			WlHit	   *hit = NULL;
			ListCell   *lc3;

			if (!row_wanted(row, parent))
				continue;
			/* the same table twice in a statement: keep the worst */
			foreach(lc3, hits)
			{
				WlHit	   *h = lfirst(lc3);

				if (h->st == st && h->row->parent == row->parent)
					hit = h;
			}
			if (hit == NULL)
			{
				hit = palloc0(sizeof(WlHit));
				hit->st = st;
				hit->row = row;
				hits = lappend(hits, hit);
			}
			else if (row->leaves_in_plan > hit->row->leaves_in_plan)
				hit->row = row;
			hit->cls = classify_row(hit->row);
		}
		foreach(lc2, hits)
		{
			WlHit	   *h = lfirst(lc2);
			ListCell   *lc3;

			if (h->st != st)
				continue;
			foreach(lc3, st->generic_rows)
			{
				PsPruneRow *g = lfirst(lc3);

				if (g->parent == h->row->parent && g->level == h->row->level &&
					(h->generic == NULL ||
					 g->leaves_in_plan > h->generic->leaves_in_plan))
					h->generic = g;
			}
		}
	}
	return hits;
}

/* Read and analyse the workload. */
static List *
analyse_workload(Oid parent, List **failed)
{
	List	   *statements = ps_read_statements();
	List	   *analysed = NIL;
	ListCell   *lc;

	*failed = NIL;
	foreach(lc, statements)
	{
		PsStatement *st = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (!analyse_statement(st, parent))
			continue;
		if (st->error)
			*failed = lappend(*failed, st);
		else
			analysed = lappend(analysed, st);
	}
	return analysed;
}

static bool
is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		c == '$' || IS_HIGHBIT_SET(c);
}

/*
 * Does a failed statement's text name the table (case-insensitive, as a
 * whole identifier)?  A statement that cannot be analysed has no range
 * table to ask.
 */
static bool
text_mentions(const char *query, Oid relid)
{
	char	   *relname = get_rel_name(relid);
	char	   *q;
	char	   *name;
	size_t		len;
	char	   *p;

	if (relname == NULL)
		return false;
	q = asc_tolower(query, strlen(query));
	name = asc_tolower(relname, strlen(relname));
	len = strlen(name);
	for (p = strstr(q, name); p != NULL; p = strstr(p + 1, name))
	{
		if ((p == q || !is_ident_char(p[-1])) && !is_ident_char(p[len]))
			return true;
	}
	return false;
}

/* ----------------------------------------------------------------
 * The report's two shapes
 * ----------------------------------------------------------------
 */

/*
 * Per partitioned table of the workload (every one when parent is
 * InvalidOid, else parent alone, listed even without statements): the
 * calls and execution time per class, the failed statements naming it and
 * its worst statement.
 */
List *
ps_workload_tables(Oid parent)
{
	List	   *failed;
	List	   *hits = workload_hits(analyse_workload(parent, &failed), parent);
	List	   *parents = NIL;
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, hits)
		parents = list_append_unique_oid(parents, ((WlHit *) lfirst(lc))->row->parent);
	if (OidIsValid(parent))
		parents = list_append_unique_oid(parents, parent);

	foreach(lc, parents)
	{
		PsWorkloadTable *t = palloc0(sizeof(PsWorkloadTable));
		WlHit	   *worst = NULL;
		ListCell   *lc2;

		t->relid = lfirst_oid(lc);
		foreach(lc2, hits)
		{
			WlHit	   *h = lfirst(lc2);

			if (h->row->parent != t->relid)
				continue;
			t->nstatements++;
			t->calls[h->cls] += h->st->calls;
			t->times[h->cls] += h->st->total_time;
			t->all_calls += h->st->calls;
			t->all_time += h->st->total_time;
			if (h->cls == PS_CLASS_ALL || h->cls == PS_CLASS_MOST)
			{
				if (worst == NULL ||
					(worst->cls == PS_CLASS_MOST && h->cls == PS_CLASS_ALL) ||
					(worst->cls == h->cls && h->st->calls > worst->st->calls))
					worst = h;
			}
		}
		foreach(lc2, failed)
		{
			if (text_mentions(((PsStatement *) lfirst(lc2))->query, t->relid))
				t->nfailed++;
		}
		if (worst)
		{
			t->worst = worst->st;
			t->worst_row = worst->row;
		}
		result = lappend(result, t);
	}
	return result;
}

/* Order of the statement list: worst class first, then most calls. */
static int
hit_cmp(const ListCell *a, const ListCell *b)
{
	static const int rank[] = {0, 2, 1, 3};	/* all, run-time, most, few */
	WlHit	   *x = lfirst(a);
	WlHit	   *y = lfirst(b);

	if (rank[x->cls] != rank[y->cls])
		return rank[x->cls] - rank[y->cls];
	if (x->st->calls != y->st->calls)
		return x->st->calls > y->st->calls ? -1 : 1;
	if (x->st->queryid != y->st->queryid)
		return x->st->queryid < y->st->queryid ? -1 : 1;
	return 0;
}

/*
 * The statements of the workload that touch parent (every partitioned
 * table when InvalidOid), worst first, then those that failed (naming
 * parent, when given).
 */
List *
ps_workload_statements(Oid parent)
{
	List	   *failed;
	List	   *hits = workload_hits(analyse_workload(parent, &failed), parent);
	List	   *result = NIL;
	ListCell   *lc;

	list_sort(hits, hit_cmp);
	foreach(lc, hits)
	{
		WlHit	   *h = lfirst(lc);
		PsWorkloadStatement *ws = palloc0(sizeof(PsWorkloadStatement));

		ws->st = h->st;
		ws->row = h->row;
		ws->generic = h->generic;
		ws->class_name = class_names[h->cls];
		result = lappend(result, ws);
	}
	foreach(lc, failed)
	{
		PsStatement *st = lfirst(lc);
		PsWorkloadStatement *ws;

		if (OidIsValid(parent) && !text_mentions(st->query, parent))
			continue;
		ws = palloc0(sizeof(PsWorkloadStatement));
		ws->st = st;
		ws->class_name = "failed";
		result = lappend(result, ws);
	}
	return result;
}
