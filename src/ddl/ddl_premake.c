/*-------------------------------------------------------------------------
 *
 * ddl_premake.c
 *	  partstrat_ddl_premake(): the DDL creating the next partitions of a
 *	  range-partitioned table, on its time line (ddl_timeline.c).
 *
 * premake fills the gaps between existing partitions and adds "count"
 * partitions after the last one, each one step wide.  Every new table is
 * created standalone as a copy of the newest sibling (owner, grants,
 * reloptions, tablespace, indexes), given a CHECK constraint matching its
 * bound and attached: ATTACH takes only SHARE UPDATE EXCLUSIVE on the
 * parent, where CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_premake.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "ddl.h"
#include "ddl_time.h"
#include "generators.h"
#include "partstrat.h"

/* ----------------------------------------------------------------------
 * partstrat_ddl_premake
 * ----------------------------------------------------------------------
 */

/* Append the pieces covering [lo, hi) (hi_inf: count pieces) one step each. */
static int
add_pieces(PsTimeline *tl, PsPiece *pieces, int n, int max,
		   int64 lo, int64 hi, bool hi_inf, int count)
{
	int64		k;

	for (k = 0; hi_inf ? k < count : true; k++)
	{
		PsPiece    *pc;
		int64		a = ps_step_add(&tl->axis, &tl->step, lo, k);

		CHECK_FOR_INTERRUPTS();
		if (!hi_inf && a >= hi)
			break;
		if (n >= max)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("premake would create more than %d partitions",
							PS_PREMAKE_MAX),
					 errdetail("The gaps between the partitions of \"%s\" span more than %d steps of %s.",
							   get_rel_name(tl->parentid), PS_PREMAKE_MAX,
							   tl->step.label),
					 errhint("Pass a larger step.")));
		pc = &pieces[n++];
		memset(pc, 0, sizeof(PsPiece));
		pc->lo = a;
		pc->hi = ps_step_add(&tl->axis, &tl->step, lo, k + 1);
		if (!hi_inf && pc->hi > hi)
			pc->hi = hi;
	}
	return n;
}

/*
 * The pieces holding rows of the DEFAULT partition: CREATE or ATTACH would
 * fail on them.  An ERROR naming the first one; or, with leave (the premake
 * the advice gives beside a rescue_default), those pieces are left out: the
 * rescue's script creates them with the rows, and the pieces kept hold no
 * row of the DEFAULT, so that the two scripts run in either order.
 * Returns the number of pieces kept (in order, at the start of pieces).
 */
static int
default_rows(PsTimeline *tl, PsPiece *pieces, int npieces, bool leave)
{
	const PsPartition *def;
	StringInfoData q;
	int			i;
	int			kept = 0;
	bool	   *held;
	PsAsUser	ao;

	if (tl->default_part < 0 || npieces == 0)
		return npieces;
	def = &tl->tree->parts[tl->default_part];
	/* one scan of the DEFAULT for all pieces */
	initStringInfo(&q);
	appendStringInfo(&q, "SELECT %sCASE", leave ? "DISTINCT " : "");
	for (i = 0; i < npieces; i++)
		appendStringInfo(&q, " WHEN %s THEN %d",
						 ps_timeline_piece_expr(tl, &pieces[i]), i);
	appendStringInfo(&q, " END FROM %s WHERE (",
					 ps_ddl_qualified(def->relid));
	for (i = 0; i < npieces; i++)
		appendStringInfo(&q, "%s(%s)", i ? " OR " : "",
						 ps_timeline_piece_expr(tl, &pieces[i]));
	appendStringInfoString(&q, leave ? ")" : ") LIMIT 1");

	held = palloc0(sizeof(bool) * npieces);
	ps_spi_connect_as_owner(&ao, def->relid);
	if (SPI_execute(q.data, true, leave ? 0 : 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", q.data);
	for (i = 0; i < (int) SPI_processed; i++)
	{
		bool		isnull;
		int			idx = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
													  SPI_tuptable->tupdesc,
													  1, &isnull));

		held[isnull ? 0 : idx] = true;
	}
	ps_spi_finish_as_owner(&ao);
	for (i = 0; i < npieces; i++)
	{
		if (held[i] && !leave)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("default partition \"%s\" holds rows of a partition to be created",
							def->relname),
					 errdetail("Rows from %s to %s are in the DEFAULT partition: creating their partition would fail.",
							   ps_axis_text(&tl->axis, pieces[i].lo),
							   ps_axis_text(&tl->axis, pieces[i].hi)),
					 errhint("Run partstrat_ddl_rescue_default(%s) first: it moves those rows into partitions of their own.",
							 quote_literal_cstr(ps_ddl_qualified(tl->parentid)))));
		if (!held[i])
			pieces[kept++] = pieces[i];
	}
	return kept;
}

/* The CREATE/CHECK/index/ATTACH statements of one new partition. */
static void
emit_new_partition(PsScript *s, PsTimeline *tl, const PsPiece *pc)
{
	Oid			tmpl = tl->tree->parts[tl->template_part].relid;
	PsBound		b = ps_timeline_bound(tl, pc);
	char	   *check = ps_bound_check_name(tmpl);

	ps_script_blank(s);
	ps_script_comment(s, "%s: %s", pc->name, ps_ddl_bound_clause(&b));
	ps_ddl_new_partition(s, tmpl, tl->nspid, pc->name, true, check,
						 ps_timeline_piece_expr(tl, pc));
	ps_ddl_attach_new_partition(s, tmpl, tl->nspid, pc->name, true,
								tl->parentid, &b, check);
}

/*
 * The statements of one new partition copying a sub-partitioned template:
 * a partitioned table with the template's key, a copy of each of its
 * partitions (same bounds, indexes), the partitioned indexes linking them,
 * and the ATTACH to the parent (its empty partitions are checked in no
 * time).
 */
static void
emit_new_subpartitioned(PsScript *s, PsTimeline *tl, const PsPiece *pc)
{
	const PsTree *tree = tl->tree;
	const PsPartition *t = &tree->parts[tl->template_sub];
	char	   *nspname = get_namespace_name(tl->nspid);
	char	   *qname = quote_qualified_identifier(nspname, pc->name);
	PsBound		b = ps_timeline_bound(tl, pc);
	int			j;

	ps_script_blank(s);
	ps_script_comment(s, "%s: %s, with a copy of each of the %d partitions of %s",
					  pc->name, ps_ddl_bound_clause(&b), t->nchildren,
					  t->relname);
	ps_ddl_clone_table(s, t->relid, tl->nspid, pc->name);
	for (j = 0; j < t->nchildren; j++)
	{
		const PsPartition *c = &tree->parts[t->children[j]];
		PsBound		cb = ps_bound_of(tree, c);
		char	   *cn = ps_ddl_copy_name(s, tl->nspid, t->relname, pc->name,
										  c->relname);

		CHECK_FOR_INTERRUPTS();
		ps_ddl_clone_table(s, c->relid, tl->nspid, cn);
		ps_ddl_clone_indexes(s, c->relid, tl->nspid, cn);
		ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s", qname,
					   quote_qualified_identifier(nspname, cn),
					   ps_ddl_bound_clause(&cb));
	}
	ps_ddl_clone_indexes(s, t->relid, tl->nspid, pc->name);
	ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s",
				   ps_ddl_qualified(tl->parentid), qname,
				   ps_ddl_bound_clause(&b));
}

/* The SQL defaults of partstrat_ddl_premake(parent, count). */
void
ps_premake_options_init(PsPremakeOptions *o, Oid parentid, int count)
{
	memset(o, 0, sizeof(*o));
	o->parentid = parentid;
	o->count = count;
	o->lock_timeout_ms = ps_ddl_lock_timeout_ms;
}

/*
 * ps_ddl_premake -- the script filling the gaps of o->parentid's time line
 * and creating o->count partitions after the last one, with
 * partstrat_ddl_premake()'s ERRORs.
 */
char *
ps_ddl_premake(const PsPremakeOptions *o)
{
	const char *fn = "partstrat_ddl_premake";
	Oid			parentid = o->parentid;
	int32		count = o->count;
	int			lock_ms = o->lock_timeout_ms;
	PsTimeline *tl;
	PsPiece    *pieces;
	int			npieces = 0;
	int			ngap;
	const PsSpan *last;
	PsScript   *s;
	char	   *result;
	int			nest;
	int			left_out;
	int			i;

	Assert(count >= 0 && count <= PS_PREMAKE_MAX);
	tl = ps_timeline_open(parentid, fn, PS_TL_SINGLE_KEY);
	ps_timeline_set_step(tl, o->step, fn);
	if (tl->nspans == 0 || (tl->template_part < 0 && tl->template_sub < 0))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("\"%s\" has no partition to continue from",
						get_rel_name(parentid)),
				 errdetail("premake creates partitions after the last one and copies its properties: a plain table, or a table partitioned one level deep into plain tables by other columns than the parent's key."),
				 tl->nspans == 0 ?
				 errhint("Create the first partition with CREATE TABLE ... PARTITION OF.") :
				 errhint("Create the next partitions by hand with CREATE TABLE ... PARTITION OF: the newest one is foreign, half-detached, partitioned more than one level deep, or partitioned by a column of the parent's key.")));
	last = &tl->spans[tl->nspans - 1];
	if (last->hi_inf && count > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("partition \"%s\" already covers everything up to MAXVALUE",
						tl->tree->parts[last->part].relname),
				 errhint("Split that partition with partstrat_ddl_split(), or pass count => 0 to fill gaps only.")));

	/* the gaps between partitions, then count steps after the last */
	pieces = palloc(sizeof(PsPiece) * (PS_PREMAKE_MAX + 1));
	for (i = 0; i + 1 < tl->nspans; i++)
	{
		const PsSpan *a = &tl->spans[i];
		const PsSpan *b = &tl->spans[i + 1];

		if (!a->hi_inf && !b->lo_inf && a->hi < b->lo)
			npieces = add_pieces(tl, pieces, npieces, PS_PREMAKE_MAX,
								 a->hi, b->lo, false, 0);
	}
	ngap = npieces;
	if (!last->hi_inf)
		npieces = add_pieces(tl, pieces, npieces, PS_PREMAKE_MAX + 1,
							 last->hi, 0, true, count);
	/* from here on, deparsed text: under the script's own settings */
	nest = ps_ddl_iso_enter();
	{
		int			kept = default_rows(tl, pieces, npieces,
										o->leave_default_rows);
		int			kept_gaps = 0;

		/* the gaps' pieces come first, in order: count those kept */
		for (i = 0; i < kept; i++)
			if (ngap > 0 && pieces[i].hi <= tl->spans[tl->nspans - 1].lo)
				kept_gaps++;
		left_out = npieces - kept;
		npieces = kept;
		ngap = kept_gaps;
	}
	s = ps_script_begin(psprintf("premake of %s: %d partition%s (%d in gaps), step %s",
								 ps_ddl_qualified(parentid), npieces,
								 npieces == 1 ? "" : "s", ngap, tl->step.label),
						lock_ms, true);
	ps_timeline_name_pieces(tl, s, pieces, npieces);
	ps_script_header(s, "Step %s (%s)%s, %s.", tl->step.label,
					 tl->step.inferred ? "inferred from the partitions" : "given",
					 tl->axis.typid == TIMESTAMPTZOID ?
					 psprintf(", calendar of time zone %s", tl->axis.tzname) : "",
					 ps_timeline_naming_text(tl));
	if (left_out > 0)
		ps_script_header(s, "%d range%s holding rows of the DEFAULT partition %s left to partstrat_ddl_rescue_default(), which creates %s with the rows; this script runs before or after it.",
						 left_out, left_out == 1 ? "" : "s",
						 left_out == 1 ? "is" : "are",
						 left_out == 1 ? "it" : "them");
	if (tl->template_sub >= 0)
		ps_script_header(s, "New tables copy \"%s\" and each of its partitions: columns, partition keys and bounds, owner, grants, storage options, indexes.",
						 tl->tree->parts[tl->template_sub].relname);
	else
		ps_script_header(s, "New tables copy \"%s\": columns, owner, grants, storage options, indexes.",
						 tl->tree->parts[tl->template_part].relname);
	ps_script_header(s, "Locks: SHARE UPDATE EXCLUSIVE on the parent (reads and writes continue) for the whole script;");
	if (tl->default_part >= 0)
		ps_script_header(s, "ACCESS EXCLUSIVE on the DEFAULT partition from the first ATTACH to COMMIT, which scans it unless a guard constraint (partstrat_ddl_guard_default) excludes the new ranges.");
	else
		ps_script_header(s, "ACCESS EXCLUSIVE only on the new, empty tables.");
	if (npieces > 0)
		ps_script_stmt(s, "LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE",
					   ps_ddl_qualified(parentid));
	else
		ps_script_comment(s, "nothing to create: no gap, and count is 0");
	/* ATTACH scans the DEFAULT: the key expression runs, as the owner */
	if (npieces > 0)
		ps_script_owner_begin(s, parentid);
	for (i = 0; i < npieces; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (tl->template_sub >= 0)
			emit_new_subpartitioned(s, tl, &pieces[i]);
		else
			emit_new_partition(s, tl, &pieces[i]);
	}
	if (npieces > 0)
		ps_script_owner_end(s);
	result = ps_script_finish(s);
	ps_ddl_iso_leave(nest);
	return result;
}
