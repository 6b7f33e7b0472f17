/*-------------------------------------------------------------------------
 *
 * ddl_retention.c
 *	  partstrat_ddl_retention(): the DDL removing partitions older than a
 *	  retention window.
 *
 * The window is either a time span back from "as_of" (keep; the
 * transaction's start by default) -- a partition is removed only when its
 * upper bound is at or below as_of - keep, so every row it can hold is
 * older -- or a number of partitions (keep_count), counted back from the
 * newest partition that holds a row, so that empty partitions made ahead
 * of time never push a partition with data out of the window.  With both,
 * a partition is removed only when both say so.  The DEFAULT partition is
 * never removed.
 *
 * keep needs a date or timestamp key, or an integer key holding time since
 * 1970-01-01 UTC in the unit the caller names (epoch: seconds,
 * milliseconds, ...); the cutoff is then as_of - keep in the calendar of
 * UTC, read in that unit (the last whole unit at or before it).  Without
 * epoch an integer key is refused, with a hint naming the unit its bounds
 * read as: a generator that removes partitions does not guess.
 *
 * Actions: detach, drop (detach, then drop) and archive (detach, then move
 * the table -- and its sub-partitions -- to another schema).  The script
 * is one transaction holding ACCESS EXCLUSIVE on the parent for catalog
 * changes only; with concurrently => true it is a series of top-level
 * DETACH PARTITION ... CONCURRENTLY statements, which PostgreSQL runs
 * outside any transaction block and refuses when the parent has a DEFAULT
 * partition.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_retention.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "ddl_time.h"
#include "epoch.h"
#include "generators.h"
#include "partstrat.h"

/* The SQL defaults of partstrat_ddl_retention(parent): action detach. */
void
ps_retention_options_init(PsRetentionOptions *o, Oid parentid)
{
	memset(o, 0, sizeof(*o));
	o->parentid = parentid;
	o->action = PS_RETENTION_DETACH;
	o->lock_timeout_ms = ps_ddl_lock_timeout_ms;
	o->as_of = GetCurrentTransactionStartTimestamp();
}

/* "detach", "drop" or "archive" */
const char *
ps_retention_action_name(PsRetentionAction action)
{
	return action == PS_RETENTION_DETACH ? "detach" :
		action == PS_RETENTION_DROP ? "drop" : "archive";
}

/*
 * base - keep on the axis.  An out-of-range result is the keep's fault,
 * and the message says so (the axis's own message is about the step of new
 * partitions).  Nothing runs between the catch and the new ERROR.
 */
static int64
keep_cutoff(const PsAxis *axis, const PsStep *keep, int64 base,
			const PsRetentionOptions *a, Oid keytype)
{
	MemoryContext ctx = CurrentMemoryContext;
	volatile int64 result = 0;

	PG_TRY();
	{
		result = ps_step_add(axis, keep, base, -1);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(ctx);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_DATETIME_VALUE_OUT_OF_RANGE)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("keep \"%s\" reaches before the earliest value of type %s",
						ps_interval_text(a->keep->month, a->keep->day,
										 a->keep->time),
						format_type_be(keytype)),
				 errdetail("The window would start keep before as_of (%s).",
						   ps_datum_to_iso(TimestampTzGetDatum(a->as_of),
										   TIMESTAMPTZOID)),
				 errhint("Pass a shorter keep, or keep_count to keep a number of partitions.")));
	}
	PG_END_TRY();
	return result;
}

/*
 * The cutoff on the axis: as_of - keep, in the time zone of the bounds for
 * timestamptz and in the session's time zone otherwise (a date or a
 * timestamp without time zone is read as local time).  For a date key the
 * cutoff is a timestamp (microseconds); compare bounds * USECS_PER_DAY.
 */
static int64
cutoff_of(PsTimeline *tl, const PsRetentionOptions *a)
{
	PsStep		keep;
	PsAxis		axis = tl->axis;
	int64		base = a->as_of;

	memset(&keep, 0, sizeof(keep));
	keep.months = a->keep->month;
	keep.days = a->keep->day;
	keep.usecs = a->keep->time;
	if (a->epoch_scale > 0)
	{
		/* the key holds time since 1970 in UTC: the calendar of UTC */
		axis.typid = TIMESTAMPTZOID;
		axis.is_time = true;
		axis.tz = pg_tzset("UTC");
		axis.tzname = "UTC";
		return ps_ts_to_epoch(keep_cutoff(&axis, &keep, base, a,
										  tl->axis.typid),
							  a->epoch_scale);
	}
	if (axis.typid != TIMESTAMPTZOID)
	{
		struct pg_tm tm;
		fsec_t		fsec;
		int			tzoff;

		/* local time of as_of in the session, as a timestamp */
		if (timestamp2tm(a->as_of, &tzoff, &tm, &fsec, NULL, NULL) != 0 ||
			tm2timestamp(&tm, fsec, NULL, &base) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		axis.typid = TIMESTAMPOID;
		axis.tz = NULL;
	}
	return keep_cutoff(&axis, &keep, base, a, tl->axis.typid);
}

/* Is partition p (level 1) wholly older than the cutoff? */
static bool
older_than(PsTimeline *tl, const PsPartition *p, int64 cutoff)
{
	bool		inf;
	int64		hi = ps_axis_pos(&tl->axis, &p->range_to[0], &inf);

	if (inf)
		return p->range_to[0].kind == PS_RANGE_MINVALUE;
	if (tl->axis.typid == DATEOID)
		hi *= USECS_PER_DAY;
	if (hi < cutoff)
		return true;
	/* (hi, MINVALUE, ...) holds nothing at hi itself */
	return hi == cutoff &&
		(tl->key->nkeys == 1 || p->range_to[1].kind == PS_RANGE_MINVALUE);
}

/* Does the partition (or its subtree) hold any row? */
static bool
has_rows(Oid relid)
{
	bool		result;
	char	   *q = psprintf("SELECT 1 FROM %s LIMIT 1", ps_ddl_qualified(relid));

	if (SPI_execute(q, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", q);
	result = SPI_processed > 0;
	pfree(q);
	return result;
}

/*
 * Mark in remove[] (indexes of tree->parts) the level-1 partitions the
 * window leaves out.  Returns how many.
 */
static int
select_partitions(PsTimeline *tl, const PsRetentionOptions *a, bool *remove,
				  int64 *cutoff, int *anchor)
{
	PsTree	   *tree = tl->tree;
	int			n = 0;
	int			i;
	int			kept = 0;

	*anchor = -1;
	if (a->keep)
		*cutoff = cutoff_of(tl, a);

	/* keep_count: from the newest partition with a row, back */
	if (a->keep_count > 0)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		for (i = tree->nparts - 1; i >= 0; i--)
		{
			PsPartition *p = &tree->parts[i];

			CHECK_FOR_INTERRUPTS();
			if (p->level != 1 || p->is_default || p->detach_pending)
				continue;
			if (*anchor < 0 && has_rows(p->relid))
				*anchor = i;
			if (*anchor >= 0)
				kept++;
			if (kept > a->keep_count)
				remove[i] = true;
		}
		SPI_finish();
	}

	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];

		if (p->level != 1 || p->is_default)
			continue;
		if (a->keep_count == 0)
			remove[i] = true;
		if (a->keep && remove[i] && !older_than(tl, p, *cutoff))
			remove[i] = false;
		/* a half-detached partition older than the window is finished */
		if (p->detach_pending && a->keep && older_than(tl, p, *cutoff))
			remove[i] = true;
		if (remove[i])
			n++;
	}
	return n;
}

/* A name for nspid free there and in the partition's own schema. */
static char *
archive_name(PsScript *s, const PsPartition *p, Oid archive_nsp)
{
	Oid			own = get_rel_namespace(p->relid);
	char	   *name;

	if (!OidIsValid(get_relname_relid(p->relname, archive_nsp)))
	{
		ps_ddl_new_name(s, archive_nsp, p->relname, "");
		return p->relname;
	}
	do
	{
		CHECK_FOR_INTERRUPTS();
		name = ps_ddl_new_name(s, archive_nsp, p->relname, "");
	} while (OidIsValid(get_relname_relid(name, own)));
	return name;
}

/* The statements after the DETACH of one partition. */
static void
emit_after_detach(PsScript *s, PsTimeline *tl, const PsRetentionOptions *a,
				  int index)
{
	PsTree	   *tree = tl->tree;
	const PsPartition *p = &tree->parts[index];
	int			i;

	if (a->action == PS_RETENTION_DROP)
	{
		ps_script_stmt(s, "DROP TABLE %s", ps_ddl_qualified(p->relid));
		return;
	}
	if (a->action != PS_RETENTION_ARCHIVE)
		return;

	/* the partition, then every table below it (SET SCHEMA moves one) */
	for (i = index; i < tree->nparts; i++)
	{
		const PsPartition *q = &tree->parts[i];
		const PsPartition *up = q;
		char	   *name;

		while (up->parent_index >= 0 && up != p)
			up = &tree->parts[up->parent_index];
		if (up != p)
			continue;
		if (get_rel_namespace(q->relid) == a->archive_nsp)
		{
			ps_script_comment(s, "%s is already in schema %s",
							  ps_ddl_qualified(q->relid),
							  quote_identifier(a->archive_name));
			continue;
		}
		name = archive_name(s, q, a->archive_nsp);
		if (strcmp(name, q->relname) != 0)
		{
			ps_script_comment(s, "%s exists in schema %s: renamed",
							  quote_identifier(q->relname),
							  quote_identifier(a->archive_name));
			ps_script_stmt(s, "ALTER TABLE %s RENAME TO %s",
						   ps_ddl_qualified(q->relid), quote_identifier(name));
			ps_script_stmt(s, "ALTER TABLE %s SET SCHEMA %s",
						   quote_qualified_identifier(q->nspname, name),
						   quote_identifier(a->archive_name));
		}
		else
			ps_script_stmt(s, "ALTER TABLE %s SET SCHEMA %s",
						   ps_ddl_qualified(q->relid),
						   quote_identifier(a->archive_name));
	}
}

/*
 * The statements removing level-1 partition i (removed: outside the
 * window, removed by the action; else only its pending detach finished).
 */
static void
emit_removal(PsScript *s, PsTimeline *tl, const PsRetentionOptions *a,
			 int i, bool removed)
{
	PsTree	   *tree = tl->tree;
	PsPartition *p = &tree->parts[i];
	char	   *parent = ps_ddl_qualified(tl->parentid);
	char	   *qual = ps_ddl_qualified(p->relid);
	PsBound		b = ps_bound_of(tree, p);

	ps_script_blank(s);
	ps_script_comment(s, "%s %s", qual, ps_ddl_bound_clause(&b));
	if (p->detach_pending)
	{
		if (removed)
			ps_script_comment(s, "left \"detach pending\" by an interrupted DETACH ... CONCURRENTLY: finished here");
		else
			ps_script_comment(s, "left \"detach pending\" by an interrupted DETACH ... CONCURRENTLY, which blocks every other DETACH ... CONCURRENTLY of %s: finished first (inside the window, it stays a standalone table)",
							  parent);
		ps_script_stmt(s, "ALTER TABLE %s DETACH PARTITION %s FINALIZE",
					   parent, qual);
	}
	else if (a->concurrently)
	{
		ps_script_comment(s, "if interrupted: ALTER TABLE %s DETACH PARTITION %s FINALIZE;",
						  parent, qual);
		ps_script_stmt(s, "ALTER TABLE %s DETACH PARTITION %s CONCURRENTLY",
					   parent, qual);
	}
	else
		ps_script_stmt(s, "ALTER TABLE %s DETACH PARTITION %s", parent, qual);
	if (removed)
		emit_after_detach(s, tl, a, i);
}

static void
emit_header(PsScript *s, PsTimeline *tl, const PsRetentionOptions *a,
			int64 cutoff, int anchor)
{
	const char *parent = ps_ddl_qualified(tl->parentid);

	if (a->keep)
	{
		char	   *keep = ps_interval_text(a->keep->month, a->keep->day,
											a->keep->time);

		if (a->epoch_scale > 0)
			ps_script_header(s, "Window: keep %s back from %s (calendar of UTC; %s holds %s since 1970-01-01 UTC), so partitions whose upper bound is at or below " INT64_FORMAT " (%s) go.",
							 keep,
							 ps_datum_to_iso(TimestampTzGetDatum(a->as_of),
											 TIMESTAMPTZOID),
							 tl->keyexpr ? tl->keyexpr : "the key",
							 ps_epoch_unit_name(a->epoch_scale), cutoff,
							 ps_datum_to_iso(TimestampTzGetDatum(ps_epoch_to_ts(cutoff, a->epoch_scale)),
											 TIMESTAMPTZOID));
		else
			ps_script_header(s, "Window: keep %s back from %s (%s), so partitions whose upper bound is at or below %s go.",
							 keep,
							 ps_datum_to_iso(TimestampTzGetDatum(a->as_of),
											 TIMESTAMPTZOID),
							 tl->axis.typid == TIMESTAMPTZOID ?
							 psprintf("calendar of time zone %s", tl->axis.tzname) :
							 "local time of the session",
							 ps_datum_to_iso(TimestampGetDatum(cutoff),
											 tl->axis.typid == TIMESTAMPTZOID ?
											 TIMESTAMPTZOID : TIMESTAMPOID));
	}
	if (a->keep_count > 0)
	{
		if (anchor >= 0)
			ps_script_header(s, "Window: the %d newest partition%s up to \"%s\" (the newest holding rows) and every partition after it.",
							 a->keep_count, a->keep_count == 1 ? "" : "s",
							 tl->tree->parts[anchor].relname);
		else
			ps_script_header(s, "Window: no partition holds a row, so keep_count keeps every partition.");
	}
	ps_script_header(s, "Action: %s%s.", ps_retention_action_name(a->action),
					 a->action == PS_RETENTION_ARCHIVE ?
					 psprintf(" (detach, then move to schema %s)",
							  quote_identifier(a->archive_name)) :
					 a->action == PS_RETENTION_DROP ? " (detach, then DROP TABLE: the rows are gone)" : "");
	if (a->concurrently)
	{
		ps_script_header(s, "Run it with psql, outside any transaction block (not with --single-transaction,");
		ps_script_header(s, "not from a function): each DETACH ... CONCURRENTLY is a statement of its own that");
		ps_script_header(s, "takes SHARE UPDATE EXCLUSIVE on %s (reads and writes go on) and waits for", parent);
		ps_script_header(s, "the transactions using the partition; then ACCESS EXCLUSIVE on the partition alone.");
		ps_script_header(s, "If one is interrupted (lock_timeout, cancel, crash), its partition stays \"detach pending\":");
		ps_script_header(s, "finish it with the FINALIZE statement given above it, then run the rest of the script.");
	}
	else
	{
		ps_script_header(s, "Locks: ACCESS EXCLUSIVE on %s from the first statement to COMMIT", parent);
		ps_script_header(s, "(readers and writers of the parent wait; catalog changes only, no row is read or copied,");
		ps_script_header(s, "so it lasts milliseconds), then ACCESS EXCLUSIVE on each partition removed.");
	}
}

/*
 * keep reads the key as time: a date or timestamp, or an integer with the
 * unit of its epoch given (the hint names the unit its bounds read as);
 * PS_EPOCH_FROM_BOUNDS (a maintenance policy) takes that unit, and sets
 * a->epoch_scale to it.
 */
static void
check_axis(PsTimeline *tl, PsRetentionOptions *a)
{
	const char *rel = get_rel_name(a->parentid);
	bool		policy = a->epoch_scale == PS_EPOCH_FROM_BOUNDS;
	int64		seen;

	if (policy && (tl->axis.is_time || a->keep == NULL))
		a->epoch_scale = 0;
	if (a->epoch_scale > 0 && tl->axis.is_time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epoch is only for a key of integers, and \"%s\" is partitioned by %s",
						rel, format_type_be(tl->axis.typid)),
				 errdetail("The partition key of \"%s\" is %s.", rel,
						   tl->key->keydef),
				 errhint("Leave epoch out: keep is read on the key's own calendar.")));
	if (a->keep == NULL || tl->axis.is_time || a->epoch_scale > 0)
		return;
	seen = ps_epoch_scale_of_tree(tl->tree);
	if (policy && seen > 0)
	{
		a->epoch_scale = seen;
		return;
	}
	if (policy)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is partitioned by an integer, not by time", rel),
				 errdetail("The partition key of \"%s\" is %s, and its bounds do not read as seconds or milliseconds since 1970-01-01 UTC (every bound between 2000 and 2100, a step of whole hours).",
						   rel, tl->key->keydef),
				 errhint("Retention by age needs a key that holds time; partstrat_ddl_retention(keep_count => ...) keeps a number of partitions instead.")));
	if (seen > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is partitioned by an integer, not by time", rel),
				 errdetail("The partition key of \"%s\" is %s; its bounds read as %s since 1970-01-01 UTC.",
						   rel, tl->key->keydef, ps_epoch_unit_name(seen)),
				 errhint("Pass epoch => '%s' to read keep in that unit, or keep_count instead of keep.",
						 ps_epoch_unit_name(seen))));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("\"%s\" is partitioned by an integer, not by time", rel),
			 errdetail("The partition key of \"%s\" is %s.", rel,
					   tl->key->keydef),
			 errhint("Pass keep_count instead of keep; or, when the key holds time since 1970-01-01 UTC, epoch => 'seconds' (or 'milliseconds').")));
}

/*
 * ps_retention_check_key -- ERROR unless a retention by age (a policy's:
 * the epoch unit from the bounds) can work on parentid's key.
 */
void
ps_retention_check_key(Oid parentid, const char *funcname)
{
	PsRetentionOptions o;
	Interval	keep;

	memset(&keep, 0, sizeof(keep));
	keep.day = 1;
	ps_retention_options_init(&o, parentid);
	o.keep = &keep;
	o.epoch_scale = PS_EPOCH_FROM_BOUNDS;
	check_axis(ps_timeline_open(parentid, funcname, PS_TL_SINGLE_KEY), &o);
}

/*
 * ps_ddl_retention -- the script removing the partitions of o->parentid
 * outside the window, with partstrat_ddl_retention()'s ERRORs.
 */
char *
ps_ddl_retention(const PsRetentionOptions *o)
{
	const char *fn = "partstrat_ddl_retention";
	PsRetentionOptions a = *o;
	PsTimeline *tl;
	PsTree	   *tree;
	bool	   *remove;
	int64		cutoff = 0;
	int			anchor;
	int			nremove;
	PsScript   *s;
	char	   *parent;
	char	   *result;
	int			nest;
	int			i;

	Assert(a.keep != NULL || a.keep_count > 0);
	tl = ps_timeline_open(a.parentid, fn, 0);
	tree = tl->tree;
	check_axis(tl, &a);
	Assert(a.epoch_scale >= 0);
	if (a.concurrently && tl->default_part >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot detach partitions of \"%s\" concurrently",
						get_rel_name(a.parentid)),
				 errdetail("\"%s\" has a DEFAULT partition, \"%s\": PostgreSQL refuses DETACH PARTITION ... CONCURRENTLY then.",
						   get_rel_name(a.parentid),
						   tree->parts[tl->default_part].relname),
				 errhint("Pass concurrently => false: the script then holds ACCESS EXCLUSIVE on the parent for catalog changes only.")));

	remove = palloc0(sizeof(bool) * Max(tree->nparts, 1));
	nremove = select_partitions(tl, &a, remove, &cutoff, &anchor);

	nest = ps_ddl_iso_enter();
	parent = ps_ddl_qualified(a.parentid);
	s = ps_script_begin(psprintf("retention of %s: %s %d partition%s",
								 parent, ps_retention_action_name(a.action), nremove,
								 nremove == 1 ? "" : "s"),
						a.lock_timeout_ms, !a.concurrently);
	emit_header(s, tl, &a, cutoff, anchor);

	if (nremove == 0)
		ps_script_comment(s, "nothing to remove: every partition may hold rows inside the window");
	else if (!a.concurrently)
		ps_script_stmt(s, "LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE", parent);

	/*
	 * PostgreSQL refuses every DETACH ... CONCURRENTLY of the parent while
	 * one of its partitions is pending detach: a concurrent script finishes
	 * those first, inside the window or not.
	 */
	if (a.concurrently && nremove > 0)
	{
		for (i = 0; i < tree->nparts; i++)
		{
			if (tree->parts[i].level == 1 && tree->parts[i].detach_pending)
				emit_removal(s, tl, &a, i, remove[i]);
		}
	}
	for (i = 0; i < tree->nparts; i++)
	{
		if (remove[i] && !(a.concurrently && tree->parts[i].detach_pending))
			emit_removal(s, tl, &a, i, true);
	}
	result = ps_script_finish(s);
	ps_ddl_iso_leave(nest);
	return result;
}
