/*-------------------------------------------------------------------------
 *
 * key_candidates.c
 *	  ps_key_candidates() (partstrat_key_candidates() in
 *	  src/sql/pruning_functions.c): which columns the workload filters and
 *	  joins a table on -- the evidence for choosing a partition key
 *	  ("query-first partitioning"), for a partitioned table or one that is
 *	  not partitioned yet.
 *
 * Every statement of pg_stat_statements that reads the table is parsed and
 * analysed (not planned); the WHERE and JOIN ... ON clauses of the table's
 * query level are sorted per column into equality, IN list, range (one- or
 * two-sided), join, expression (the column inside a function) and other
 * uses, weighted by the statement's calls.  When pg_qualstats is installed
 * its counts of the quals actually evaluated on the table (or its
 * partitions) are added.  pg_stats gives the number of distinct values,
 * the NULL fraction and the correlation.
 *
 * For each column the predicted share of leaves the workload would skip
 * with that key assumes, and says: LIST with one partition per value for a
 * column with at most PS_LIST_MAX_VALUES distinct values; otherwise RANGE
 * with partitions of partstrat.candidate_partition_size (at least 2); HASH
 * for a type without a btree ordering.  An equality keeps one partition, an
 * IN list of k values k of them, a one-sided range a third of the table
 * (the planner's default), a two-sided range 0.5 % (its default) -- never
 * less than one partition; a join or an expression on the column keeps all.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/key_candidates.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/typcache.h"

#include "compat.h"
#include "partstrat.h"
#include "pruning.h"

int			ps_candidate_partition_kb = 1024 * 1024;

#define PS_LIST_MAX_VALUES	64
#define PS_HASH_PARTITIONS	8
#define DEFAULT_ONE_SIDED	(1.0 / 3.0)
#define DEFAULT_TWO_SIDED	0.005

/* Uses of a column within one statement. */
typedef enum KcUse
{
	KC_EQ,
	KC_IN,
	KC_LOWER,
	KC_UPPER,
	KC_JOIN,
	KC_EXPR,
	KC_OTHER,
	KC_NUSES
} KcUse;

static const char *const use_names[] = {
	"equality", "in-list", "range", "range", "join", "expression", "other"
};

/* What the workload does with one column of the table. */
typedef struct KcColumn
{
	AttrNumber	attnum;
	char	   *name;
	int			statements;
	int64		calls;
	int64		use_calls[KC_NUSES];
	int64		two_sided_calls;
	List	   *operators;		/* distinct operator names (char *) */
	int			max_in;			/* longest IN list seen */
	int64		qualstats;		/* pg_qualstats occurrences, -1 if absent */
	/* this statement */
	bool		cur[KC_NUSES];
	int			cur_in;
	/* statistics */
	bool		have_stats;
	float4		null_frac;
	float8		ndistinct;		/* a count (negative values resolved) */
	float4		correlation;
	bool		have_corr;
} KcColumn;

typedef struct KcCtx
{
	Oid			relid;
	int			natts;
	KcColumn   *cols;			/* [attnum - 1] */
	List	   *rtables;		/* stack while walking */
	MemoryContext keep;			/* for what outlives one statement */
	Query	   *query;			/* level being classified */
	int			rti;
} KcCtx;

/* ----------------------------------------------------------------
 * Clauses of one statement
 * ----------------------------------------------------------------
 */

static Node *
strip(Node *n)
{
	while (n && IsA(n, RelabelType))
		n = (Node *) ((RelabelType *) n)->arg;
	return n;
}

/* The column of the table a side is (bare), or 0. */
static AttrNumber
bare_column(KcCtx *cx, Node *n)
{
	n = strip(n);
	if (n && IsA(n, Var) && ((Var *) n)->varno == cx->rti &&
		((Var *) n)->varlevelsup == 0 && ((Var *) n)->varattno > 0)
		return ((Var *) n)->varattno;
	return 0;
}

/* The only column of the table inside an expression, or 0. */
static AttrNumber
inner_column(KcCtx *cx, Node *n)
{
	Bitmapset  *attnos = NULL;
	int			x;

	pull_varattnos(n, cx->rti, &attnos);
	if (bms_num_members(attnos) != 1)
		return 0;
	x = bms_singleton_member(attnos) + FirstLowInvalidHeapAttributeNumber;
	return x > 0 ? x : 0;
}

static bool
mentions_other_rel(KcCtx *cx, Node *n)
{
	Bitmapset  *r = pull_varnos(NULL, n);

	return !bms_is_empty(bms_del_member(bms_copy(r), cx->rti));
}

static void
use(KcCtx *cx, AttrNumber att, KcUse u, const char *opname)
{
	KcColumn   *c;
	ListCell   *lc;

	if (att <= 0 || att > cx->natts)
		return;
	c = &cx->cols[att - 1];
	if (c->name == NULL)
		return;					/* dropped column */
	c->cur[u] = true;
	if (opname)
	{
		MemoryContext old;

		foreach(lc, c->operators)
		{
			if (strcmp((char *) lfirst(lc), opname) == 0)
				return;
		}
		old = MemoryContextSwitchTo(cx->keep);
		c->operators = lappend(c->operators, pstrdup(opname));
		MemoryContextSwitchTo(old);
	}
}

static void kc_clause(KcCtx *cx, Node *clause);

static void
kc_comparison(KcCtx *cx, Oid opno, Node *l, Node *r)
{
	char	   *opname = get_opname(opno);
	AttrNumber	att = bare_column(cx, l);
	Node	   *value = r;
	bool		commuted = false;

	if (opname == NULL)
		return;
	if (att == 0 && (att = bare_column(cx, r)) != 0)
	{
		value = l;
		commuted = true;
	}
	if (att == 0)
	{
		/* the column inside an expression: date(ts) = ... */
		att = inner_column(cx, l);
		if (att == 0)
			att = inner_column(cx, r);
		use(cx, att, KC_EXPR, opname);
		return;
	}
	if (bare_column(cx, value) != 0 || inner_column(cx, value) != 0)
	{
		use(cx, att, KC_OTHER, opname);
		return;
	}
	if (mentions_other_rel(cx, value))
	{
		use(cx, att, KC_JOIN, opname);
		return;
	}
	if (strcmp(opname, "=") == 0)
		use(cx, att, KC_EQ, opname);
	else if (strcmp(opname, "<") == 0 || strcmp(opname, "<=") == 0)
		use(cx, att, commuted ? KC_LOWER : KC_UPPER, opname);
	else if (strcmp(opname, ">") == 0 || strcmp(opname, ">=") == 0)
		use(cx, att, commuted ? KC_UPPER : KC_LOWER, opname);
	else
		use(cx, att, KC_OTHER, opname);
}

static void
kc_clause(KcCtx *cx, Node *clause)
{
	ListCell   *lc;

	if (clause == NULL)
		return;
	CHECK_FOR_INTERRUPTS();
	if (is_andclause(clause) || is_orclause(clause))
	{
		foreach(lc, ((BoolExpr *) clause)->args)
			kc_clause(cx, lfirst(lc));
	}
	else if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;

		kc_comparison(cx, op->opno, linitial(op->args), lsecond(op->args));
	}
	else if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) clause;
		AttrNumber	att = bare_column(cx, linitial(sa->args));
		char	   *opname = get_opname(sa->opno);
		Node	   *arr = strip(lsecond(sa->args));
		int			n = 0;

		if (att == 0)
		{
			use(cx, inner_column(cx, linitial(sa->args)), KC_EXPR, opname);
			return;
		}
		if (!sa->useOr || opname == NULL || strcmp(opname, "=") != 0)
		{
			use(cx, att, KC_OTHER, sa->useOr ? opname : "<> ALL");
			return;
		}
		if (IsA(arr, ArrayExpr))
			n = list_length(((ArrayExpr *) arr)->elements);
		else if (IsA(arr, Const) && !((Const *) arr)->constisnull)
		{
			ArrayType  *a = DatumGetArrayTypeP(((Const *) arr)->constvalue);

			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
		}
		use(cx, att, KC_IN, "IN");
		if (att <= cx->natts && n > cx->cols[att - 1].cur_in)
			cx->cols[att - 1].cur_in = n;
	}
	else if (IsA(clause, NullTest))
		use(cx, bare_column(cx, (Node *) ((NullTest *) clause)->arg), KC_OTHER,
			"IS NULL");
	else if (is_notclause(clause))
		use(cx, inner_column(cx, clause), KC_OTHER, "NOT");
}

static void
kc_jointree(KcCtx *cx, Node *jt)
{
	ListCell   *lc;

	if (jt == NULL)
		return;
	if (IsA(jt, FromExpr))
	{
		kc_clause(cx, ((FromExpr *) jt)->quals);
		foreach(lc, ((FromExpr *) jt)->fromlist)
			kc_jointree(cx, lfirst(lc));
	}
	else if (IsA(jt, JoinExpr))
	{
		kc_clause(cx, ((JoinExpr *) jt)->quals);
		kc_jointree(cx, ((JoinExpr *) jt)->larg);
		kc_jointree(cx, ((JoinExpr *) jt)->rarg);
	}
}

/* Every query level that reads the table; false if none. */
static bool
kc_walker(Node *node, KcCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		Query	   *q = (Query *) node;
		ListCell   *lc;
		int			rti = 0;
		bool		found = false;

		foreach(lc, q->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			rti++;
			if (rte->rtekind == RTE_RELATION && rte->relid == cx->relid)
			{
				cx->query = q;
				cx->rti = rti;
				kc_jointree(cx, (Node *) q->jointree);
				found = true;
			}
		}
		if (query_tree_walker(q, kc_walker, cx, 0))
			found = true;
		return found;
	}
	return expression_tree_walker(node, kc_walker, cx);
}

/* Analyse one statement; true if it reads the table. */
static bool
kc_statement(KcCtx *cx, PsStatement *st)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	PsSubxact	sx;
	MemoryContext stmtcxt = AllocSetContextCreate(oldcxt,
												  "partstrat key candidates statement",
												  ALLOCSET_DEFAULT_SIZES);
	volatile bool found = false;

	ps_subxact_begin(&sx, stmtcxt);
	PG_TRY();
	{
		PsPrepared *prep = ps_prepare_query(st->query, true);
		ListCell   *lc;

		if (prep != NULL)
		{
			foreach(lc, prep->queries)
			{
				if (kc_walker((Node *) lfirst(lc), cx))
					found = true;
			}
		}
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		st->error = ps_subxact_abort_message(&sx);
	}
	PG_END_TRY();
	MemoryContextDelete(stmtcxt);
	return found;
}

/* ----------------------------------------------------------------
 * pg_stats, pg_qualstats, size
 * ----------------------------------------------------------------
 */

static void
read_stats(KcCtx *cx)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		args[1];
	uint64		i;

	args[0] = ObjectIdGetDatum(cx->relid);
	/* pg_stats, as the caller: only the columns one may read */
	if (SPI_execute_with_args("SELECT a.attnum, s.null_frac, "
							  "CASE WHEN s.n_distinct >= 0 THEN s.n_distinct "
							  "ELSE -s.n_distinct * greatest(c.reltuples, 0) END::float8, "
							  "s.correlation "
							  "FROM pg_catalog.pg_stats s "
							  "JOIN pg_catalog.pg_class c ON c.oid = $1 "
							  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
							  "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
							  "AND a.attname = s.attname "
							  "WHERE s.schemaname = n.nspname AND s.tablename = c.relname "
							  "AND s.inherited = (c.relkind = 'p')",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_stats");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int			att = DatumGetInt16(SPI_getbinval(tup, desc, 1, &isnull));
		KcColumn   *c;

		if (att <= 0 || att > cx->natts)
			continue;
		c = &cx->cols[att - 1];
		c->have_stats = true;
		c->null_frac = DatumGetFloat4(SPI_getbinval(tup, desc, 2, &isnull));
		c->ndistinct = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		c->correlation = DatumGetFloat4(SPI_getbinval(tup, desc, 4, &isnull));
		c->have_corr = !isnull;
	}
}

/* pg_qualstats counts of quals on the table or any of its partitions. */
static bool
read_qualstats(KcCtx *cx)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		args[1];
	char	   *nsp;
	uint64		i;
	int			k;

	if (SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
					"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
					"WHERE e.extname = 'pg_qualstats'", true, 1) != SPI_OK_SELECT ||
		SPI_processed == 0)
		return false;
	nsp = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	for (k = 0; k < cx->natts; k++)
		cx->cols[k].qualstats = 0;
	args[0] = ObjectIdGetDatum(cx->relid);
	if (SPI_execute_with_args(psprintf("SELECT r.attnum, sum(q.occurences)::bigint "
									   "FROM %s.pg_qualstats() q "
									   "JOIN (SELECT $1 AS relid UNION "
									   "SELECT relid FROM pg_catalog.pg_partition_tree($1)) t "
									   "ON t.relid = q.lrelid "
									   "JOIN pg_catalog.pg_attribute l ON l.attrelid = q.lrelid "
									   "AND l.attnum = q.lattnum "
									   "JOIN pg_catalog.pg_attribute r ON r.attrelid = $1 "
									   "AND r.attname = l.attname "
									   "WHERE q.dbid = (SELECT oid FROM pg_catalog.pg_database "
									   "WHERE datname = pg_catalog.current_database()) "
									   "GROUP BY r.attnum",
									   quote_identifier(nsp)),
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_qualstats");
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int			att = DatumGetInt16(SPI_getbinval(SPI_tuptable->vals[i],
													  SPI_tuptable->tupdesc, 1,
													  &isnull));

		if (att > 0 && att <= cx->natts)
			cx->cols[att - 1].qualstats =
				DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
											SPI_tuptable->tupdesc, 2, &isnull));
	}
	return true;
}

static int64
table_bytes(Oid relid)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		args[1];
	bool		isnull;
	Datum		d;

	args[0] = ObjectIdGetDatum(relid);
	if (SPI_execute_with_args("SELECT coalesce(sum(pg_catalog.pg_relation_size(relid)), 0)::bigint "
							  "FROM (SELECT $1 AS relid UNION "
							  "SELECT relid FROM pg_catalog.pg_partition_tree($1) "
							  "WHERE isleaf) t",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not size the table");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/* ----------------------------------------------------------------
 * Prediction and rows
 * ----------------------------------------------------------------
 */

/* Share of partitions one statement's use of the column keeps. */
static float8
kept_share(bool *uses, int in_len, int nparts)
{
	float8		one = 1.0 / nparts;

	if (uses[KC_EQ])
		return one;
	if (uses[KC_IN])
		return Min(1.0, (float8) Max(in_len, 1) / nparts);
	if (uses[KC_LOWER] && uses[KC_UPPER])
		return Max(one, DEFAULT_TWO_SIDED);
	if (uses[KC_LOWER] || uses[KC_UPPER])
		return Max(one, DEFAULT_ONE_SIDED);
	return 1.0;
}

typedef struct KcStmtUse
{
	int64		calls;
	bool		uses[KC_NUSES];
	int			in_len;
} KcStmtUse;

/* ERROR unless relid is a table; the context set up for its columns. */
static void
kc_open(KcCtx *cx, Oid relid)
{
	char		relkind = get_rel_relkind(relid);
	Relation	rel;
	int			k;

	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped concurrently.")));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", get_rel_name(relid)),
				 errhint("Pass a table, partitioned or not.")));
	ps_check_read_access(relid, false);

	memset(cx, 0, sizeof(*cx));
	cx->relid = relid;
	cx->keep = CurrentMemoryContext;
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped concurrently.")));
	cx->natts = RelationGetNumberOfAttributes(rel);
	relation_close(rel, AccessShareLock);
	cx->cols = palloc0(sizeof(KcColumn) * Max(cx->natts, 1));
	for (k = 0; k < cx->natts; k++)
	{
		cx->cols[k].attnum = k + 1;
		cx->cols[k].name = get_attname(relid, k + 1, true);
		cx->cols[k].qualstats = -1;
	}
}

/*
 * Classify every statement of the workload; per column, the list of its
 * uses per statement (KcStmtUse) goes into per_col.  Returns the calls of
 * all statements that read the table.
 */
static int64
kc_read_workload(KcCtx *cx, List **per_col)
{
	int64		all_calls = 0;
	ListCell   *lc;
	int			k;

	foreach(lc, ps_read_statements())
	{
		PsStatement *st = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		for (k = 0; k < cx->natts; k++)
		{
			memset(cx->cols[k].cur, 0, sizeof(cx->cols[k].cur));
			cx->cols[k].cur_in = 0;
		}
		if (!kc_statement(cx, st))
			continue;
		all_calls += st->calls;
		for (k = 0; k < cx->natts; k++)
		{
			KcColumn   *c = &cx->cols[k];
			KcStmtUse  *su;
			int			u;
			bool		any = false;

			for (u = 0; u < KC_NUSES; u++)
			{
				if (c->cur[u])
				{
					c->use_calls[u] += st->calls;
					any = true;
				}
			}
			if (!any)
				continue;
			if (c->cur[KC_LOWER] && c->cur[KC_UPPER])
				c->two_sided_calls += st->calls;
			c->statements++;
			c->calls += st->calls;
			c->max_in = Max(c->max_in, c->cur_in);
			su = palloc(sizeof(KcStmtUse));
			su->calls = st->calls;
			memcpy(su->uses, c->cur, sizeof(su->uses));
			su->in_len = c->cur_in;
			per_col[k] = lappend(per_col[k], su);
		}
	}
	return all_calls;
}

/* The candidate of one column: its layout and the leaves it would skip. */
static PsKeyCandidate *
kc_candidate(KcCtx *cx, KcColumn *c, List *uses_per_stmt, int64 all_calls,
			 int64 bytes, bool have_qualstats)
{
	PsKeyCandidate *kc = palloc0(sizeof(PsKeyCandidate));
	TypeCacheEntry *tc;
	int			nparts;
	int			u;
	ListCell   *lc;

	for (u = 0; u < KC_NUSES; u++)
	{
		if (c->use_calls[u] > 0 && !list_member_ptr(kc->uses, use_names[u]))
			kc->uses = lappend(kc->uses, (void *) use_names[u]);
	}
	tc = lookup_type_cache(get_atttype(cx->relid, c->attnum), TYPECACHE_LT_OPR);
	if (c->have_stats && c->ndistinct >= 1 &&
		c->ndistinct <= PS_LIST_MAX_VALUES)
	{
		nparts = (int) c->ndistinct;
		kc->layout = psprintf("LIST, one partition per value (%d values)", nparts);
	}
	else if (!OidIsValid(tc->lt_opr))
	{
		nparts = PS_HASH_PARTITIONS;
		kc->layout = psprintf("HASH, %d partitions (the type has no ordering)", nparts);
	}
	else
	{
		int64		target = (int64) ps_candidate_partition_kb * 1024;

		nparts = (int) Max(2, (bytes + target - 1) / target);
		kc->layout = psprintf("RANGE, %d partitions of partstrat.candidate_partition_size", nparts);
	}
	if (all_calls > 0)
	{
		foreach(lc, uses_per_stmt)
		{
			KcStmtUse  *su = lfirst(lc);
			bool		h[KC_NUSES];

			memcpy(h, su->uses, sizeof(h));
			if (!OidIsValid(tc->lt_opr))
				h[KC_LOWER] = h[KC_UPPER] = false;	/* hash: = only */
			kc->skipped += su->calls * (1.0 - kept_share(h, su->in_len, nparts));
		}
		kc->skipped /= all_calls;
	}
	kc->column = c->name;
	kc->operators = c->operators;
	kc->statements = c->statements;
	kc->calls = c->calls;
	kc->share = all_calls > 0 ? (float8) c->calls / all_calls : 0;
	kc->have_qualstats = have_qualstats;
	kc->qualstats = Max(c->qualstats, 0);
	kc->have_stats = c->have_stats;
	kc->ndistinct = c->ndistinct;
	kc->null_frac = c->null_frac;
	kc->have_corr = c->have_corr;
	kc->correlation = c->correlation;
	kc->two_sided_calls = c->two_sided_calls;
	return kc;
}

/*
 * The key candidates of a table (partstrat_key_candidates()): one per column
 * the workload uses or pg_qualstats counts, in column order.
 */
List *
ps_key_candidates(Oid relid)
{
	KcCtx		cx;
	List	  **per_col;		/* per column: KcStmtUse * per statement */
	int64		all_calls;
	int64		bytes;
	bool		have_qualstats;
	List	   *result = NIL;
	int			k;

	kc_open(&cx, relid);
	per_col = palloc0(sizeof(List *) * Max(cx.natts, 1));
	all_calls = kc_read_workload(&cx, per_col);

	SPI_connect();
	read_stats(&cx);
	have_qualstats = read_qualstats(&cx);
	bytes = table_bytes(relid);
	SPI_finish();

	for (k = 0; k < cx.natts; k++)
	{
		KcColumn   *c = &cx.cols[k];

		if (c->name == NULL || (c->calls == 0 && c->qualstats <= 0))
			continue;
		result = lappend(result, kc_candidate(&cx, c, per_col[k], all_calls,
											  bytes, have_qualstats));
	}
	return result;
}
