/*-------------------------------------------------------------------------
 *
 * ddl_rescue.c
 *	  partstrat_ddl_rescue_default() and partstrat_ddl_guard_default():
 *	  moving rows out of a range-partitioned table's DEFAULT partition, and
 *	  keeping new ones out.
 *
 * The rescue finds, with one min() query per target, every stretch of the
 * key that holds rows of the DEFAULT and no partition of its own, cut at
 * the siblings' step (ddl_time.h).  Each target is one transaction of the
 * script: lock the parent (SHARE) and the DEFAULT (SHARE ROW EXCLUSIVE),
 * create the new table standalone with a CHECK constraint matching its
 * bound, move its rows out of the DEFAULT batch_rows at a time (DELETE ...
 * RETURNING feeding an INSERT), assert the row counts, build the indexes,
 * ATTACH it (no scan of the new table thanks to the CHECK) and drop the
 * CHECK.  Rows are never invisible: other sessions see them in the DEFAULT
 * until COMMIT, in the new partition after.  An interruption leaves every
 * committed target in place and the others untouched; running the
 * generator again produces the rest.
 *
 * The guard is a CHECK constraint on the DEFAULT that PostgreSQL's
 * predicate prover can use to show that a new partition's rows cannot be in
 * the DEFAULT, so that ATTACH (and CREATE TABLE ... PARTITION OF) skips the
 * scan of the DEFAULT under its ACCESS EXCLUSIVE lock.  For a range parent
 * it refuses every key from the lowest bound of the siblings up; for a list
 * parent it admits only the values the DEFAULT holds now (the prover
 * expands an IN list of at most 100 values, so a DEFAULT holding more
 * cannot be guarded).  Either way a row without a partition of its own is
 * refused instead of silently landing in the DEFAULT.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_rescue.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"

#include "ddl.h"
#include "ddl_time.h"
#include "generators.h"
#include "partstrat.h"

/*
 * PS_GUARD_LIST_MAX (ddl.h) is the most values a list guard holds:
 * predtest.c expands a constant array of at most 100 elements
 * (MAX_SAOP_ARRAY_SIZE) into the OR of its equalities; past it, no proof,
 * and every ATTACH scans the DEFAULT again.
 */

/* Most targets one rescue script holds. */
#define PS_RESCUE_MAX	10000

/* Pieces counted per query (each is a column of the query). */
#define PS_COUNT_CHUNK	1000

/*
 * The DEFAULT partition d of parentid (-1: none), for funcname that works
 * on the DEFAULT of "kind" tables: ERROR when there is none or it is
 * partitioned or foreign.
 */
static const PsPartition *
default_in(const PsTree *tree, int d, Oid parentid, const char *funcname,
		   const char *kind)
{
	const PsPartition *def;

	if (d < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("\"%s\" has no DEFAULT partition",
						get_rel_name(parentid)),
				 errhint("%s works on the DEFAULT partition of a %s table.",
						 funcname, kind)));
	def = &tree->parts[d];
	if (!def->is_leaf || def->is_foreign)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("DEFAULT partition \"%s\" is not a plain table",
						def->relname),
				 errdetail("%s works on a DEFAULT partition that is neither partitioned nor foreign.",
						   funcname),
				 errhint("Run it on the partitions of \"%s\" instead.",
						 def->relname)));
	return def;
}

/* The DEFAULT of a time line (see default_in). */
static const PsPartition *
default_of(PsTimeline *tl, const char *funcname)
{
	return default_in(tl->tree, tl->default_part, tl->parentid, funcname,
					  "range-partitioned");
}

/* Keys the rescue leaves in the DEFAULT: NULL, and infinities for time. */
static const char *
movable_cond(PsTimeline *tl)
{
	if (tl->axis.is_time)
		return psprintf("%s IS NOT NULL AND pg_catalog.isfinite(%s)",
						tl->keyexpr, tl->keyexpr);
	return psprintf("%s IS NOT NULL", tl->keyexpr);
}

/*
 * The targets: from the lowest movable key of the DEFAULT up, the piece
 * holding it, then the lowest key at or above that piece's end, ...
 */
static PsPiece *
find_targets(PsTimeline *tl, const PsPartition *def, int *ntargets)
{
	char	   *from = ps_ddl_qualified(def->relid);
	char	   *first = psprintf("SELECT min(%s) FROM ONLY %s WHERE %s",
								 tl->keyexpr, from, movable_cond(tl));
	char	   *next = psprintf("%s AND %s >= $1", first, tl->keyexpr);
	PsPiece    *targets = SPI_palloc(sizeof(PsPiece) * 16);	/* outlives SPI */
	int			alloc = 16;
	int			n = 0;
	Datum		arg = (Datum) 0;
	Oid			argtype = tl->axis.typid;

	for (;;)
	{
		bool		isnull;
		Datum		d;
		PsValue		v;
		bool		inf;

		CHECK_FOR_INTERRUPTS();
		if (SPI_execute_with_args(n == 0 ? first : next, n == 0 ? 0 : 1,
								  &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute failed: %s", n == 0 ? first : next);
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
						  &isnull);
		if (isnull)
			break;
		memset(&v, 0, sizeof(v));
		v.kind = PS_RANGE_VALUE;
		v.value = d;
		if (n >= PS_RESCUE_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the rows of DEFAULT partition \"%s\" belong to more than %d partitions",
							def->relname, PS_RESCUE_MAX),
					 errhint("Pass a larger step.")));
		if (n >= alloc)
		{
			alloc *= 2;
			targets = SPI_repalloc(targets, sizeof(PsPiece) * alloc);
		}
		targets[n] = ps_timeline_piece_at(tl, ps_axis_pos(&tl->axis, &v, &inf));
		arg = ps_axis_value(&tl->axis, targets[n].hi).value;
		n++;
	}
	*ntargets = n;
	return targets;
}

/* Rows of each target, and the rows staying in the DEFAULT. */
static int64
count_targets(PsTimeline *tl, const PsPartition *def, PsPiece *targets,
			  int ntargets)
{
	char	   *from = ps_ddl_qualified(def->relid);
	int64		staying = 0;
	int			start;
	bool		isnull;

	for (start = 0; start == 0 || start < ntargets; start += PS_COUNT_CHUNK)
	{
		StringInfoData q;
		int			i;
		int			end = Min(ntargets, start + PS_COUNT_CHUNK);

		CHECK_FOR_INTERRUPTS();
		initStringInfo(&q);
		appendStringInfo(&q, "SELECT count(*) FILTER (WHERE NOT (%s))",
						 movable_cond(tl));
		for (i = start; i < end; i++)
			appendStringInfo(&q, ", count(*) FILTER (WHERE %s)",
							 ps_timeline_piece_expr(tl, &targets[i]));
		appendStringInfo(&q, " FROM ONLY %s", from);
		if (SPI_execute(q.data, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute failed: %s", q.data);
		staying = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1,
											  &isnull));
		for (i = start; i < end; i++)
			targets[i].rows =
				DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc,
											i - start + 2, &isnull));
		if (ntargets == 0)
			break;
	}
	return staying;
}

/* The DO block moving one target's rows, batch_rows per statement. */
static void
emit_move(PsScript *s, const char *defname, const char *newname,
		  const char *cols, const char *where, int batch_rows)
{
	char	   *body;

	body = psprintf("DECLARE\n"
					"    moved bigint;\n"
					"BEGIN\n"
					"    LOOP\n"
					"        WITH batch AS (\n"
					"            DELETE FROM ONLY %s\n"
					"            WHERE ctid = ANY (ARRAY(SELECT ctid FROM ONLY %s\n"
					"                                    WHERE %s LIMIT %d))\n"
					"            RETURNING %s)\n"
					"        INSERT INTO %s (%s) SELECT %s FROM batch;\n"
					"        GET DIAGNOSTICS moved = ROW_COUNT;\n"
					"        EXIT WHEN moved < %d;\n"
					"    END LOOP;\n"
					"END",
					defname, defname, where, batch_rows, cols, newname, cols,
					cols, batch_rows);
	ps_script_stmt(s, "DO %s", ps_dollar_quote(body));
}

/*
 * The new table of a target when the newest partition is itself
 * partitioned (one level, plain leaves): a partitioned copy of it with a
 * copy of each of its partitions (same bounds) and their indexes, and the
 * CHECK constraint of the bound on the partitioned table (its partitions
 * get it too, so that ATTACH scans none), as premake makes one.  Rows
 * inserted into it are routed to its partitions.
 */
static void
new_subpartitioned(PsScript *s, PsTimeline *tl, const char *name,
				   const char *check, const char *where)
{
	const PsTree *tree = tl->tree;
	const PsPartition *t = &tree->parts[tl->template_sub];
	char	   *nspname = get_namespace_name(tl->nspid);
	char	   *qname = quote_qualified_identifier(nspname, name);
	int			j;

	ps_script_comment(s, "%s copies the partitioned %s and each of its %d partitions",
					  name, t->relname, t->nchildren);
	ps_ddl_clone_table(s, t->relid, tl->nspid, name);
	for (j = 0; j < t->nchildren; j++)
	{
		const PsPartition *c = &tree->parts[t->children[j]];
		PsBound		cb = ps_bound_of(tree, c);
		char	   *cn = ps_ddl_copy_name(s, tl->nspid, t->relname, name,
										  c->relname);

		CHECK_FOR_INTERRUPTS();
		ps_ddl_clone_table(s, c->relid, tl->nspid, cn);
		ps_ddl_clone_indexes(s, c->relid, tl->nspid, cn);
		ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s", qname,
					   quote_qualified_identifier(nspname, cn),
					   ps_ddl_bound_clause(&cb));
	}
	ps_ddl_clone_indexes(s, t->relid, tl->nspid, name);
	ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)", qname,
				   check, where);
}

/* One target: a whole transaction. */
static char *
target_script(PsTimeline *tl, const PsPartition *def, Oid tmpl,
			  PsPiece *pc, int k, int ntargets, int batch_rows, int lock_ms,
			  List **used_names)
{
	char	   *defname = ps_ddl_qualified(def->relid);
	char	   *nspname = get_namespace_name(tl->nspid);
	char	   *newname = quote_qualified_identifier(nspname, pc->name);
	char	   *where = ps_timeline_piece_expr(tl, pc);
	char	   *cols = ps_ddl_copy_columns(def->relid);
	PsBound		b = ps_timeline_bound(tl, pc);
	char	   *check = ps_bound_check_name(tmpl);
	PsScript   *s;

	s = ps_script_begin(psprintf("rescue %d of %d from %s: %s %s (" INT64_FORMAT " rows when generated)",
								 k + 1, ntargets, defname, newname,
								 ps_ddl_bound_clause(&b), pc->rows),
						lock_ms, true);
	s->used_names = *used_names;
	ps_script_header(s, "Creates %s standalone (a copy of %s), moves its rows out of the DEFAULT",
					 newname, ps_ddl_qualified(tmpl));
	ps_script_header(s, "at most %d per statement, checks the counts, builds its indexes and attaches it.",
					 batch_rows);
	ps_script_header(s, "Rows stay visible: in the DEFAULT until COMMIT, in the new partition after.");
	ps_ddl_lock(s, tl->parentid, list_make1_oid(def->relid),
				"SHARE ROW EXCLUSIVE");
	ps_script_header(s, "  ATTACH then takes ACCESS EXCLUSIVE on the DEFAULT and scans it (it no longer holds the range),");
	ps_script_header(s, "  and SHARE UPDATE EXCLUSIVE on the parent; it does not scan the new table (CHECK constraint).");
	ps_script_header(s, "Run for long enough to copy this target's rows; the other targets are separate transactions.");

	ps_script_owner_begin(s, tl->parentid);
	if (tl->template_sub >= 0)
		new_subpartitioned(s, tl, pc->name, check, where);
	else
		ps_ddl_new_partition(s, tmpl, tl->nspid, pc->name, false, check,
							 where);
	ps_script_owner_end(s);
	ps_ddl_save_count(s, "default_rows",
					  ps_ddl_owner_rows(s, tl->parentid, list_make1(defname)));
	ps_ddl_save_count(s, "target_rows",
					  ps_ddl_owner_count(s, tl->parentid,
										 psprintf("SELECT count(*) FROM ONLY %s WHERE %s",
												  defname, where)));
	ps_script_owner_begin(s, tl->parentid);
	emit_move(s, defname, newname, cols, where, batch_rows);
	ps_script_owner_end(s);
	if (tl->template_sub >= 0)
	{
		/* the rows are in the new table's partitions, not in it */
		ps_ddl_assert_count(s, "default_rows",
							ps_ddl_owner_count(s, tl->parentid,
											   psprintf("SELECT (SELECT count(*) FROM ONLY %s) + (SELECT count(*) FROM %s)",
														defname, newname)));
		ps_ddl_assert_count(s, "target_rows",
							ps_ddl_owner_count(s, tl->parentid,
											   psprintf("SELECT count(*) FROM %s",
														newname)));
	}
	else
	{
		ps_ddl_assert_count(s, "default_rows",
							ps_ddl_owner_rows(s, tl->parentid,
											  list_make2(defname, newname)));
		ps_ddl_assert_count(s, "target_rows",
							ps_ddl_owner_rows(s, tl->parentid,
											  list_make1(newname)));
	}
	ps_script_owner_begin(s, tl->parentid);
	ps_ddl_attach_new_partition(s, tmpl, tl->nspid, pc->name,
								tl->template_sub >= 0, tl->parentid, &b,
								check);
	ps_script_owner_end(s);
	*used_names = s->used_names;
	return ps_script_finish(s);
}

/* The SQL defaults of partstrat_ddl_rescue_default(parent). */
void
ps_rescue_options_init(PsRescueOptions *o, Oid parentid)
{
	memset(o, 0, sizeof(*o));
	o->parentid = parentid;
	o->batch_rows = 100000;
	o->lock_timeout_ms = ps_ddl_lock_timeout_ms;
}

/*
 * ps_ddl_rescue_default -- the script moving the rows of a range parent's
 * DEFAULT into new partitions, with partstrat_ddl_rescue_default()'s
 * ERRORs.
 */
char *
ps_ddl_rescue_default(const PsRescueOptions *o)
{
	const char *fn = "partstrat_ddl_rescue_default";
	Oid			parentid = o->parentid;
	int32		batch_rows = o->batch_rows;
	int			lock_ms = o->lock_timeout_ms;
	PsTimeline *tl;
	const PsPartition *def;
	PsPiece    *targets;
	int			ntargets;
	int64		staying;
	Oid			tmpl;
	PsScript   *names;
	StringInfoData out;
	List	   *used;
	int			nest;
	PsAsUser	ao;
	int			i;

	Assert(batch_rows >= 1);
	tl = ps_timeline_open(parentid, fn, PS_TL_SINGLE_KEY);
	def = default_of(tl, fn);
	ps_timeline_set_step(tl, o->step, fn);
	/* the newest partition, partitioned or not (as premake copies it) */
	tmpl = tl->template_sub >= 0 ? tl->tree->parts[tl->template_sub].relid :
		tl->template_part >= 0 ? tl->tree->parts[tl->template_part].relid :
		def->relid;

	/* the queries run deparsed text: under the scripts' own settings */
	nest = ps_ddl_iso_enter();
	ps_spi_connect_as_owner(&ao, def->relid);
	targets = find_targets(tl, def, &ntargets);
	staying = count_targets(tl, def, targets, ntargets);
	ps_spi_finish_as_owner(&ao);
	if (o->ntargets)
		*o->ntargets = ntargets;

	names = ps_script_begin("names", lock_ms, true);
	ps_timeline_name_pieces(tl, names, targets, ntargets);
	used = names->used_names;

	initStringInfo(&out);
	ps_ddl_append_comment(&out, psprintf("partstrat: rescue of the rows of DEFAULT partition %s of %s",
										 ps_ddl_qualified(def->relid),
										 ps_ddl_qualified(parentid)));
	ps_ddl_append_comment(&out, "Generated text only: nothing has been executed. Run it as one script (psql -f).");
	ps_ddl_append_comment(&out, psprintf("%d new partition%s, step %s (%s)%s%s; one transaction each, in key order.",
										 ntargets, ntargets == 1 ? "" : "s", tl->step.label,
										 tl->step.inferred ? "inferred from the siblings" : "given",
										 tl->axis.typid == TIMESTAMPTZOID ?
										 psprintf(", calendar of time zone %s", tl->axis.tzname) : "",
										 ntargets > 0 ?
										 psprintf(", %s", ps_timeline_naming_text(tl)) : ""));
	ps_ddl_append_comment(&out, "If it stops half-way, the committed transactions stay and the others changed nothing:");
	ps_ddl_append_comment(&out, psprintf("run SELECT partstrat_ddl_rescue_default(%s) again for the rest.",
										 quote_literal_cstr(ps_ddl_qualified(parentid))));
	if (staying > 0)
		ps_ddl_append_comment(&out, psprintf(INT64_FORMAT " row%s with a NULL%s key stay%s in the DEFAULT: no range partition can hold them.",
											 staying, staying == 1 ? "" : "s",
											 tl->axis.is_time ? " or infinite" : "",
											 staying == 1 ? "s" : ""));
	if (ntargets == 0)
		ps_ddl_append_comment(&out, "Nothing to do: the DEFAULT holds no row that a partition could take.");
	for (i = 0; i < ntargets; i++)
	{
		appendStringInfoChar(&out, '\n');
		appendStringInfoString(&out,
							   target_script(tl, def, tmpl, &targets[i], i,
											 ntargets, batch_rows, lock_ms,
											 &used));
	}
	ps_ddl_iso_leave(nest);
	return out.data;
}

/* ----------------------------------------------------------------------
 * partstrat_ddl_guard_default
 * ----------------------------------------------------------------------
 */

/*
 * The two scripts of a guard: the CHECK added NOT VALID (a moment of ACCESS
 * EXCLUSIVE on the DEFAULT, no scan), then validated (SHARE UPDATE
 * EXCLUSIVE while it scans).  "lines" explain the constraint.
 */
static char *
guard_scripts(Oid parentid, const char *defname, const char *check,
			  const char *const *lines, int nlines, int lock_ms)
{
	PsScript   *s1;
	PsScript   *s2;
	int			i;

	s1 = ps_script_begin(psprintf("guard of DEFAULT partition %s of %s, step 1 of 2: add the constraint",
								  defname, ps_ddl_qualified(parentid)),
						 lock_ms, true);
	for (i = 0; i < nlines; i++)
		ps_script_header(s1, "%s", lines[i]);
	ps_script_header(s1, "Locks: ACCESS EXCLUSIVE on the DEFAULT for a moment (NOT VALID: no scan).");
	ps_script_stmt(s1, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", defname,
				   PS_GUARD_NAME);
	ps_script_stmt(s1, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s) NOT VALID",
				   defname, PS_GUARD_NAME, check);

	s2 = ps_script_begin(psprintf("guard of DEFAULT partition %s, step 2 of 2: validate it",
								  defname),
						 lock_ms, true);
	ps_script_header(s2, "Locks: SHARE UPDATE EXCLUSIVE on the DEFAULT while it is scanned (reads and writes go on).");
	/* the scan evaluates the key expression: as the owner */
	ps_script_owner_begin(s2, parentid);
	ps_script_stmt(s2, "ALTER TABLE %s VALIDATE CONSTRAINT %s", defname,
				   PS_GUARD_NAME);
	ps_script_owner_end(s2);
	return psprintf("%s\n%s", ps_script_finish(s1), ps_script_finish(s2));
}

/* The guard of a range parent's DEFAULT: no key from the lowest bound up. */
static char *
range_guard(Oid parentid, int lock_ms, const char *fn)
{
	PsTimeline *tl;
	const PsPartition *def;
	const PsSpan *low;
	char	   *check;
	char	   *defname;
	char	   *q;
	int64		refused;
	bool		isnull;
	PsAsUser	ao;
	const char *lines[4];

	tl = ps_timeline_open(parentid, fn, PS_TL_SINGLE_KEY);
	def = default_of(tl, fn);
	if (tl->nspans == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("\"%s\" has no partition but the DEFAULT",
						get_rel_name(parentid)),
				 errdetail("The guard excludes the keys from the lowest bound of the other partitions up."),
				 errhint("Create partitions first, for example with partstrat_ddl_rescue_default(%s, step => '1 month').",
						 quote_literal_cstr(ps_ddl_qualified(parentid)))));
	low = &tl->spans[0];
	defname = ps_ddl_qualified(def->relid);

	if (low->lo_inf)
		check = psprintf("%s IS NULL", tl->keyexpr);
	else
		check = psprintf("%s IS NULL OR %s < %s", tl->keyexpr, tl->keyexpr,
						 ps_ddl_literal(&tl->tree->parts[low->part].range_from[0]));

	/* rows the constraint would refuse: VALIDATE would fail on them */
	q = psprintf("SELECT count(*) FROM ONLY %s WHERE NOT (%s)", defname, check);
	ps_spi_connect_as_owner(&ao, def->relid);
	if (SPI_execute(q, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", q);
	refused = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
	ps_spi_finish_as_owner(&ao);
	if (refused > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("DEFAULT partition \"%s\" holds " INT64_FORMAT " row%s the guard would exclude",
						def->relname, refused, refused == 1 ? "" : "s"),
				 errdetail("The guard is CHECK (%s).", check),
				 errhint("Move them into partitions of their own first with partstrat_ddl_rescue_default(%s).",
						 quote_literal_cstr(ps_ddl_qualified(parentid)))));

	lines[0] = psprintf("CHECK (%s) on the DEFAULT: every key%s has, or will have, a partition of its own.",
						check, low->lo_inf ? "" : " from the lowest bound of the partitions up");
	lines[1] = "ATTACH of a new partition in that range then skips the scan of the DEFAULT,";
	lines[2] = "and a row of a range without a partition is refused instead of landing in the DEFAULT";
	lines[3] = "(create its partition first, with partstrat_ddl_premake).";
	return guard_scripts(parentid, defname, check, lines, 4, lock_ms);
}

/*
 * The list key as the expression its partition constraints compare, so
 * that the prover matches the guard with them: the column or the key
 * expression (ps_ddl_key_expr).  A key with a collation of its own
 * (PARTITION BY LIST (k COLLATE "C")) is compared as the key relabeled to
 * that collation, but tested for NULL as it is: *collate gets " COLLATE
 * ..." to append to the key in comparisons, else "".  Keys with an operator
 * class outside the type's default btree family are refused: the guard's
 * "=" would not be their equality.
 */
static char *
list_key_expression(Oid parentid, const PsKey *key, const char *fn,
					char **collate)
{
	Relation	rel = table_open(parentid, NoLock); /* locked by ps_open_tree */
	PartitionKey pk = RelationGetPartitionKey(rel);
	Oid			opclass = GetDefaultOpClass(key->typids[0], BTREE_AM_OID);
	bool		default_family = OidIsValid(opclass) &&
		get_opclass_family(opclass) == pk->partopfamily[0];
	bool		own_collation = pk->partcollation[0] != pk->parttypcoll[0];

	*collate = own_collation ?
		psprintf(" COLLATE %s", generate_collation_name(pk->partcollation[0])) :
		pstrdup("");
	table_close(rel, NoLock);
	if (!default_family)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not support a partition key with a non-default operator class",
						fn),
				 errdetail("The partition key of \"%s\" is %s.",
						   get_rel_name(parentid), key->keydef),
				 errhint("Add the CHECK constraint on the DEFAULT partition by hand, with the operator class's equality operator.")));
	return ps_ddl_key_expr(parentid, 0);
}

/*
 * The guard of a list parent's DEFAULT: only the values it holds now.
 */
static char *
list_guard(PsTree *tree, Oid parentid, int lock_ms, const char *fn)
{
	MemoryContext outer = CurrentMemoryContext;
	const PsKey *key = &tree->keys[0];
	const PsPartition *def;
	char	   *keyexpr;
	char	   *cmpexpr;
	char	   *collate;
	char	   *defname;
	char	   *q;
	char	  **values;
	int			nvalues;
	int			d = -1;
	int			i;
	PsAsUser	ao;
	StringInfoData in;
	char	   *check;
	const char *lines[6];

	for (i = 0; i < tree->nroot_children; i++)
	{
		if (tree->parts[tree->root_children[i]].is_default)
			d = tree->root_children[i];
	}
	def = default_in(tree, d, parentid, fn, "range- or list-partitioned");
	defname = ps_ddl_qualified(def->relid);
	keyexpr = list_key_expression(parentid, key, fn, &collate);
	cmpexpr = collate[0] ? psprintf("(%s%s)", keyexpr, collate) : keyexpr;

	/* the values the DEFAULT holds, one more than a guard can hold */
	q = psprintf("SELECT v FROM (SELECT DISTINCT %s AS v FROM ONLY %s) d WHERE v IS NOT NULL ORDER BY v LIMIT %d",
				 cmpexpr, defname, PS_GUARD_LIST_MAX + 1);
	ps_spi_connect_as_owner(&ao, def->relid);
	if (SPI_execute(q, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", q);
	nvalues = (int) SPI_processed;
	values = MemoryContextAlloc(outer, sizeof(char *) * Max(nvalues, 1));
	for (i = 0; i < nvalues; i++)
		values[i] = MemoryContextStrdup(outer,
										SPI_getvalue(SPI_tuptable->vals[i],
													 SPI_tuptable->tupdesc, 1));
	ps_spi_finish_as_owner(&ao);
	if (nvalues > PS_GUARD_LIST_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("DEFAULT partition \"%s\" holds more than %d distinct values of the partition key",
						def->relname, PS_GUARD_LIST_MAX),
				 errdetail("PostgreSQL proves that a CHECK constraint keeps a new partition's values out of the DEFAULT only from a list of at most %d values: with a longer one every ATTACH still scans it.",
						   PS_GUARD_LIST_MAX),
				 errhint("Move values into list partitions of their own first (see the rescue_default rows of partstrat_advise(%s)).",
						 quote_literal_cstr(ps_ddl_qualified(parentid)))));

	initStringInfo(&in);
	for (i = 0; i < nvalues; i++)
		appendStringInfo(&in, "%s%s", i > 0 ? ", " : "",
						 quote_literal_cstr(values[i]));
	if (nvalues == 0)
		check = psprintf("%s IS NULL", keyexpr);
	else
		check = psprintf("%s IS NULL OR %s IN (%s)", keyexpr, cmpexpr, in.data);

	lines[0] = nvalues == 0 ?
		psprintf("CHECK (%s) on the DEFAULT: it holds no value but NULL, and will take no other.",
				 check) :
		psprintf("CHECK (%s) on the DEFAULT: it admits only the %d value%s it holds now (and NULL).",
				 check, nvalues, nvalues == 1 ? "" : "s");
	lines[1] = "ATTACH (or CREATE TABLE ... PARTITION OF) of a list partition for other values then skips the scan of the DEFAULT";
	lines[2] = "(unless the new partition takes NULL, or more than 100 values: the proof then fails and the DEFAULT is scanned).";
	lines[3] = "A row whose value has no partition and is not in this list is refused instead of landing in the DEFAULT:";
	lines[4] = "create the value's partition first (CREATE TABLE ... PARTITION OF ... FOR VALUES IN (...)).";
	lines[5] = "If step 2 fails, rows with other values reached the DEFAULT in between: generate the guard again.";
	return guard_scripts(parentid, defname, check, lines, 6, lock_ms);
}

/* The SQL defaults of partstrat_ddl_guard_default(parent). */
void
ps_guard_options_init(PsGuardOptions *o, Oid parentid)
{
	memset(o, 0, sizeof(*o));
	o->parentid = parentid;
	o->lock_timeout_ms = ps_ddl_lock_timeout_ms;
}

/*
 * ps_ddl_guard_default -- the two scripts adding and validating the guard
 * constraint of a range or list parent's DEFAULT, with
 * partstrat_ddl_guard_default()'s ERRORs.
 */
char *
ps_ddl_guard_default(const PsGuardOptions *o)
{
	const char *fn = "partstrat_ddl_guard_default";
	Oid			parentid = o->parentid;
	int			lock_ms = o->lock_timeout_ms;
	PsTree	   *tree;
	char	   *result;
	int			nest;

	tree = ps_open_tree(parentid, fn, PS_TREE_NO_SIZES | PS_TREE_NO_STATS);
	nest = ps_ddl_iso_enter();
	if (tree->keys[0].strategy == PS_STRATEGY_HASH)
		default_in(tree, -1, parentid, fn, "range- or list-partitioned");
	if (tree->keys[0].strategy == PS_STRATEGY_LIST)
		result = list_guard(tree, parentid, lock_ms, fn);
	else
		result = range_guard(parentid, lock_ms, fn);
	ps_ddl_iso_leave(nest);
	return result;
}
