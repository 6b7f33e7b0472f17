/*-------------------------------------------------------------------------
 *
 * ddl_timeline.c
 *	  The time line of a range-partitioned table (ddl_time.h), shared by the
 *	  premake, retention and DEFAULT-rescue generators.
 *
 * The time line lays the level-1 partitions out on the first key column,
 * finds the time zone their bounds were drawn in (the zone in which every
 * bound is a local midnight, else the one in which they share a local time
 * of day), the step between them (equal calendar months, days or a fixed
 * duration; equal widths for integers), and cuts any stretch of the axis
 * into new partitions of one step each, named by the set's naming pattern
 * (ddl_pattern.c: events_20260101, events_2026_01, events_p2026w01, ...).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_timeline.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "ddl_time.h"
#include "partstrat.h"

/* ----------------------------------------------------------------------
 * Time zone of the bounds
 * ----------------------------------------------------------------------
 */

static int
cstring_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Every time zone name PostgreSQL knows, sorted (posix/, right/ left out). */
static List *
all_zone_names(void)
{
	pg_tzenum  *e = pg_tzenumerate_start();
	pg_tz	   *tz;
	char	  **names = NULL;
	int			n = 0,
				alloc = 0;
	List	   *result = NIL;
	int			i;

	while ((tz = pg_tzenumerate_next(e)) != NULL)
	{
		const char *name = pg_get_timezone_name(tz);

		if (name == NULL || strncmp(name, "posix/", 6) == 0 ||
			strncmp(name, "right/", 6) == 0 || !pg_tz_acceptable(tz))
			continue;
		if (n >= alloc)
		{
			alloc = Max(64, alloc * 2);
			names = names ? repalloc(names, sizeof(char *) * alloc) :
				palloc(sizeof(char *) * alloc);
		}
		names[n++] = pstrdup(name);
	}
	pg_tzenumerate_end(e);
	if (n > 0)
		qsort(names, n, sizeof(char *), cstring_cmp);
	for (i = 0; i < n; i++)
		result = lappend(result, names[i]);
	return result;
}

/*
 * Do all finite bounds of the time line fall on a local midnight
 * (midnight = true) or on one local time of day, in this zone?
 */
static bool
zone_fits(PsTimeline *tl, pg_tz *tz, bool midnight)
{
	PsAxis		axis = tl->axis;
	int64		tod = -1;
	int			i,
				side;

	axis.tz = tz;
	for (i = 0; i < tl->nspans; i++)
	{
		for (side = 0; side < 2; side++)
		{
			const PsSpan *sp = &tl->spans[i];
			struct pg_tm tm;
			fsec_t		fsec;
			int64		t;

			if (side == 0 ? sp->lo_inf : sp->hi_inf)
				continue;
			ps_axis_local_tm(&axis, side == 0 ? sp->lo : sp->hi, &tm, &fsec);
			t = ((int64) tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) *
				USECS_PER_SEC + fsec;
			if (midnight && t != 0)
				return false;
			if (tod >= 0 && t != tod)
				return false;
			tod = t;
		}
	}
	return true;
}

/*
 * Zones tried before all others, so that bounds drawn in, say, Paris time
 * are read in "Europe/Paris" rather than in the first zone of the same
 * rules in name order ("Africa/Ceuta").
 */
static const char *const common_zones[] = {
	"Europe/London", "Europe/Paris", "Europe/Helsinki", "Europe/Moscow",
	"America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata",
	"Asia/Shanghai", "Asia/Tokyo", "Asia/Singapore", "Asia/Dubai",
	"Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg",
	NULL
};

/*
 * The time zone a timestamptz time line's bounds were drawn in: the first
 * of UTC, the session's TimeZone, the server's default TimeZone, a few
 * common zones and then every known zone in name order in which all bounds
 * are local midnights; else the first in which they share one local time
 * of day; else UTC.
 */
static void
choose_time_zone(PsTimeline *tl, bool all_zones)
{
	List	   *first = NIL;
	List	   *all = NIL;
	int			pass;
	const char *reset;
	int			i;

	first = lappend(first, "UTC");
	if (session_timezone)
		first = lappend(first, pstrdup(pg_get_timezone_name(session_timezone)));
	reset = GetConfigOptionResetString("TimeZone");
	if (reset)
		first = lappend(first, pstrdup(reset));
	for (i = 0; common_zones[i] != NULL; i++)
		first = lappend(first, (char *) common_zones[i]);

	for (pass = 0; pass < 4; pass++)
	{
		bool		midnight = (pass < 2);
		List	   *names;
		ListCell   *lc;

		if (pass % 2 == 1 && !all_zones)
			continue;
		if (pass % 2 == 1 && all == NIL)
			all = all_zone_names();
		names = (pass % 2 == 0) ? first : all;
		foreach(lc, names)
		{
			const char *name = lfirst(lc);
			pg_tz	   *tz = pg_tzset(name);

			CHECK_FOR_INTERRUPTS();
			if (tz && zone_fits(tl, tz, midnight))
			{
				tl->axis.tz = tz;
				tl->axis.tzname = pstrdup(name);
				return;
			}
		}
	}
	tl->axis.tz = pg_tzset("UTC");
	tl->axis.tzname = "UTC";
}

/* ----------------------------------------------------------------------
 * Opening the time line
 * ----------------------------------------------------------------------
 */

static int
span_cmp(const void *a, const void *b)
{
	const PsSpan *x = a;
	const PsSpan *y = b;

	if (x->lo_inf != y->lo_inf)
		return x->lo_inf ? -1 : 1;
	return (x->lo > y->lo) - (x->lo < y->lo);
}


/*
 * A level-1 partition premake can copy with its subtree: partitioned, one
 * level deep, its partitions plain tables (not foreign, not half-detached),
 * by a key on columns the parent's key does not use -- else the copies'
 * bounds, the template's, would not fit the new range (a month split into
 * halves by the same timestamp).
 */
static bool
sub_template_ok(const PsTree *tree, const PsPartition *p)
{
	const PsKey *key = &tree->keys[0];
	const PsKey *sub;
	int			i,
				j;

	if (p->is_leaf || p->is_foreign || p->detach_pending || p->nchildren == 0 ||
		p->own_key_index < 0)
		return false;
	sub = &tree->keys[p->own_key_index];
	for (i = 0; i < sub->nkeys; i++)
	{
		if (sub->colnames[i] == NULL)
			return false;
		for (j = 0; j < key->nkeys; j++)
		{
			if (key->colnames[j] == NULL ||
				strcmp(key->colnames[j], sub->colnames[i]) == 0)
				return false;
		}
	}
	for (j = 0; j < p->nchildren; j++)
	{
		const PsPartition *c = &tree->parts[p->children[j]];

		if (!c->is_leaf || c->is_foreign || c->detach_pending)
			return false;
	}
	return true;
}

/*
 * Lay the level-1 partitions out as spans on tl's axis, find the DEFAULT,
 * the templates of new partitions and their schema, and (timestamptz) the
 * time zone of the bounds (all_zones: in every zone of the system if none
 * of the preferred ones fits).
 */
static void
lay_out(PsTimeline *tl, bool all_zones)
{
	PsTree	   *tree = tl->tree;
	int			i;
	int			newest = -1;
	int			newest_sub = -1;

	tl->default_part = -1;
	tl->template_part = -1;
	tl->template_sub = -1;
	tl->spans = palloc0(sizeof(PsSpan) * Max(tree->nparts, 1));
	for (i = 0; i < tree->nparts; i++)
	{
		PsPartition *p = &tree->parts[i];
		PsSpan	   *sp;

		if (p->level != 1)
			continue;
		if (p->is_default)
		{
			tl->default_part = i;
			continue;
		}
		sp = &tl->spans[tl->nspans++];
		sp->part = i;
		sp->lo = ps_axis_pos(&tl->axis, &p->range_from[0], &sp->lo_inf);
		sp->hi = ps_axis_pos(&tl->axis, &p->range_to[0], &sp->hi_inf);
		if (p->is_leaf && !p->is_foreign && !p->detach_pending &&
			(newest < 0 || span_cmp(sp, &tl->spans[newest]) > 0))
			newest = tl->nspans - 1;
		if (sub_template_ok(tree, p) &&
			(newest_sub < 0 || span_cmp(sp, &tl->spans[newest_sub]) > 0))
			newest_sub = tl->nspans - 1;
	}
	if (newest >= 0)
		tl->template_part = tl->spans[newest].part;
	/* premake copies the newest of all, sub-partitioned or not */
	if (newest_sub >= 0 &&
		(newest < 0 || span_cmp(&tl->spans[newest_sub], &tl->spans[newest]) > 0))
		tl->template_sub = tl->spans[newest_sub].part;
	qsort(tl->spans, tl->nspans, sizeof(PsSpan), span_cmp);

	if (tl->template_sub >= 0)
		tl->nspid = get_rel_namespace(tree->parts[tl->template_sub].relid);
	else if (tl->template_part >= 0)
		tl->nspid = get_rel_namespace(tree->parts[tl->template_part].relid);
	else
		tl->nspid = get_rel_namespace(tl->parentid);
	if (tl->axis.typid == TIMESTAMPTZOID)
		choose_time_zone(tl, all_zones);
}

/*
 * The time line of parentid for generator funcname: the tree read and
 * checked (range-partitioned; flags: one key column, time keys only), laid
 * out.  The step is set afterwards (ps_timeline_set_step).
 */
PsTimeline *
ps_timeline_open(Oid parentid, const char *funcname, int flags)
{
	PsTimeline *tl = palloc0(sizeof(PsTimeline));
	PsTree	   *tree;
	const PsKey *key;

	tree = ps_open_tree(parentid, funcname, PS_TREE_NO_SIZES);
	tl->tree = tree;
	tl->parentid = parentid;
	key = tl->key = &tree->keys[0];
	if (key->strategy != PS_STRATEGY_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not partitioned by range",
						get_rel_name(parentid)),
				 errdetail("Its partition key is %s.", key->keydef),
				 errhint("%s works on tables partitioned by range over a date, a timestamp or an integer.",
						 funcname)));
	if (key->nkeys > 1 && (flags & PS_TL_SINGLE_KEY))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not support multi-column partition keys",
						funcname),
				 errdetail("The partition key of \"%s\" is %s.",
						   get_rel_name(parentid), key->keydef),
				 errhint("Create the partitions with CREATE TABLE ... PARTITION OF.")));

	tl->axis.typid = key->typids[0];
	get_typlenbyval(tl->axis.typid, &tl->axis.typlen, &tl->axis.typbyval);
	switch (tl->axis.typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			tl->axis.is_time = false;
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			tl->axis.is_time = true;
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s does not support partition keys of type %s",
							funcname, format_type_be(tl->axis.typid)),
					 errdetail("The partition key of \"%s\" is %s.",
							   get_rel_name(parentid), key->keydef),
					 errhint("Supported key types are date, timestamp, timestamptz, smallint, integer and bigint.")));
	}
	if (!tl->axis.is_time && (flags & PS_TL_TIME_ONLY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is partitioned by an integer, not by time",
						get_rel_name(parentid)),
				 errdetail("The partition key of \"%s\" is %s.",
						   get_rel_name(parentid), key->keydef),
				 errhint("A premake policy keeps partitions ahead of now on a key of type date, timestamp or timestamptz; on an integer key, run the premake DDL of partstrat_advise() or partstrat_ddl_premake(parent, count) instead.")));
	tl->axis.tz = pg_tzset("UTC");
	tl->axis.tzname = "UTC";
	if (key->nkeys == 1)
		tl->keyexpr = ps_ddl_key_expr(parentid, 0);

	lay_out(tl, true);
	return tl;
}

/*
 * The time line of a tree built by the caller (the advice's), without the
 * checks and messages of ps_timeline_open(): NULL unless the root is
 * range-partitioned by one date, timestamp or timestamptz column.  Spans,
 * templates and the time zone of the bounds as for the generators; no
 * step (the caller reasons on its own partitions) and no key expression.
 * The time zone is looked for among the preferred zones only (UTC, the
 * session's, the server's, the common ones), not in every zone of the
 * system: the advice runs often, and reading ~600 zone files and checking
 * every bound against each costs hundreds of milliseconds where no zone
 * fits (hourly partitions).
 */
PsTimeline *
ps_timeline_of_tree(PsTree *tree)
{
	PsTimeline *tl;
	const PsKey *key = &tree->keys[0];

	if (key->strategy != PS_STRATEGY_RANGE || key->nkeys != 1 ||
		!ps_key_is_time(key->typids[0]))
		return NULL;
	tl = palloc0(sizeof(PsTimeline));
	tl->tree = tree;
	tl->parentid = tree->root;
	tl->key = key;
	tl->axis.typid = key->typids[0];
	get_typlenbyval(tl->axis.typid, &tl->axis.typlen, &tl->axis.typbyval);
	tl->axis.is_time = true;
	tl->axis.tz = pg_tzset("UTC");
	tl->axis.tzname = "UTC";
	lay_out(tl, false);
	return tl;
}

/* ----------------------------------------------------------------------
 * The step
 * ----------------------------------------------------------------------
 */

/* Does every finite span of the time line measure exactly one step? */
static bool
step_fits_all(const PsTimeline *tl, const PsStep *st)
{
	int			i;

	for (i = 0; i < tl->nspans; i++)
	{
		const PsSpan *sp = &tl->spans[i];

		if (sp->lo_inf || sp->hi_inf)
			continue;
		if (ps_step_add(&tl->axis, st, sp->lo, 1) != sp->hi)
			return false;
	}
	return true;
}

/* Width of a span for messages: "2026-01-01 to 2026-02-01". */
static char *
span_text(const PsTimeline *tl, const PsSpan *sp)
{
	const PsPartition *p = &tl->tree->parts[sp->part];

	return psprintf("\"%s\" (%s)", p->relname, p->bound_text);
}

static void
infer_step(PsTimeline *tl, const char *funcname)
{
	const PsSpan *first = NULL;
	const PsSpan *other = NULL;
	PsStep		cand[3];
	int			ncand = 0;
	int			i;

	for (i = 0; i < tl->nspans; i++)
		if (!tl->spans[i].lo_inf && !tl->spans[i].hi_inf)
		{
			first = &tl->spans[i];
			break;
		}
	if (first == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot infer the step of the partitions of \"%s\"",
						get_rel_name(tl->parentid)),
				 errdetail("It has no partition with two finite bounds."),
				 errhint("Pass step, for example step => '%s'.",
						 tl->axis.is_time ? "1 month" : "1000")));

	memset(cand, 0, sizeof(cand));
	if (!tl->axis.is_time)
		cand[ncand++].ival = first->hi - first->lo;
	else
	{
		struct pg_tm lo,
					hi;
		fsec_t		fs;

		ps_axis_local_tm(&tl->axis, first->lo, &lo, &fs);
		ps_axis_local_tm(&tl->axis, first->hi, &hi, &fs);
		/* whole calendar months, whole days, or a fixed duration */
		cand[ncand].months = (hi.tm_year - lo.tm_year) * 12 +
			(hi.tm_mon - lo.tm_mon);
		if (cand[ncand].months > 0)
			ncand++;
		cand[ncand].days = date2j(hi.tm_year, hi.tm_mon, hi.tm_mday) -
			date2j(lo.tm_year, lo.tm_mon, lo.tm_mday);
		if (cand[ncand].days > 0)
			ncand++;
		if (tl->axis.typid != DATEOID)
			cand[ncand++].usecs = first->hi - first->lo;
	}
	for (i = 0; i < ncand; i++)
	{
		if (ps_step_add(&tl->axis, &cand[i], first->lo, 1) != first->hi)
			continue;
		if (step_fits_all(tl, &cand[i]))
		{
			tl->step = cand[i];
			tl->step.label = ps_step_label(&tl->axis, &tl->step);
			tl->step.inferred = true;
			tl->has_step = true;
			return;
		}
	}

	/* irregular: name two partitions of different widths */
	for (i = 0; i < tl->nspans && other == NULL; i++)
	{
		const PsSpan *sp = &tl->spans[i];

		if (sp->lo_inf || sp->hi_inf || sp == first)
			continue;
		if (ncand == 0 ||
			ps_step_add(&tl->axis, &cand[0], sp->lo, 1) != sp->hi)
			other = sp;
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot infer the step of the partitions of \"%s\"",
					get_rel_name(tl->parentid)),
			 other ?
			 errdetail("Partitions %s and %s have different widths.",
					   span_text(tl, first), span_text(tl, other)) :
			 errdetail("Partition %s is not a whole number of months or days.",
					   span_text(tl, first)),
			 errhint("Pass step, for example step => '%s'.",
					 tl->axis.is_time ? "1 month" : "1000")));
}

static void
step_syntax_callback(void *arg)
{
	errhint("Pass an interval such as '1 month' or '6 hours', or one of hourly, daily, weekly, monthly, quarterly, yearly.");
}

static void
parse_step(PsTimeline *tl, const char *text, const char *funcname)
{
	PsStep	   *st = &tl->step;
	char	   *s = pstrdup(text);
	char	   *p;

	memset(st, 0, sizeof(PsStep));
	for (p = s; *p; p++)
		*p = pg_tolower((unsigned char) *p);
	p = s;
	while (*p == ' ')
		p++;

	if (!tl->axis.is_time)
	{
		char	   *end;
		long long	v;

		errno = 0;
		v = strtoll(p, &end, 10);
		while (*end == ' ')
			end++;
		if (errno != 0 || end == p || *end != '\0' || v <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid step \"%s\" for an integer partition key",
							text),
					 errhint("Pass a positive integer, for example step => '1000'.")));
		st->ival = v;
	}
	else if (strcmp(p, "hourly") == 0)
		st->usecs = USECS_PER_HOUR;
	else if (strcmp(p, "daily") == 0)
		st->days = 1;
	else if (strcmp(p, "weekly") == 0)
		st->days = 7;
	else if (strcmp(p, "monthly") == 0)
		st->months = 1;
	else if (strcmp(p, "quarterly") == 0)
		st->months = 3;
	else if (strcmp(p, "yearly") == 0)
		st->months = 12;
	else
	{
		ErrorContextCallback cb;
		Interval   *iv;

		cb.callback = step_syntax_callback;
		cb.arg = NULL;
		cb.previous = error_context_stack;
		error_context_stack = &cb;
		iv = DatumGetIntervalP(DirectFunctionCall3(interval_in,
												   CStringGetDatum(text),
												   ObjectIdGetDatum(InvalidOid),
												   Int32GetDatum(-1)));
		error_context_stack = cb.previous;
		st->months = iv->month;
		st->days = iv->day;
		st->usecs = iv->time;
		if (st->months < 0 || st->days < 0 || st->usecs < 0 ||
			(st->months == 0 && st->days == 0 && st->usecs == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("step must be a positive interval"),
					 errdetail("The step given is \"%s\".", text),
					 errhint("Pass an interval such as '1 month' or '6 hours'.")));
		if (tl->axis.typid == DATEOID && st->usecs != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("step of a date partition key must be whole days or months"),
					 errdetail("The step given is \"%s\".", text),
					 errhint("Pass a step such as '1 day' or '1 month'.")));
	}
	st->label = ps_step_label(&tl->axis, st);
	st->inferred = false;
	tl->has_step = true;
}

/*
 * Set the step: parse step_arg when not NULL, else infer it from the
 * partitions (ERROR when they are irregular).
 */
void
ps_timeline_set_step(PsTimeline *tl, const char *step_arg,
					 const char *funcname)
{
	if (step_arg != NULL)
		parse_step(tl, pstrdup(step_arg), funcname);
	else
		infer_step(tl, funcname);
}

/* ----------------------------------------------------------------------
 * Pieces: new partitions on the axis
 * ----------------------------------------------------------------------
 */

/* The first instant of 2000-01-01 (2000-01-03, a Monday, for weeks). */
static int64
natural_anchor(const PsTimeline *tl)
{
	struct pg_tm tm;

	if (!tl->axis.is_time)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2000;
	tm.tm_mon = 1;
	tm.tm_mday = (tl->step.months == 0 && tl->step.days % 7 == 0 &&
				  tl->step.days > 0) ? 3 : 1;
	return ps_axis_from_local_tm(&tl->axis, &tm, 0);
}

/*
 * The piece holding position v, which no partition covers: one step of
 * the grid anchored at the end of the partition before v (at the start of
 * the first partition when v is below all, at 2000-01-01 or 0 when there
 * is none), clipped to the gap between partitions.
 */
PsPiece
ps_timeline_piece_at(PsTimeline *tl, int64 v)
{
	const PsSpan *prev = NULL;
	const PsSpan *next = NULL;
	int64		anchor;
	int64		n;
	PsPiece		piece;
	int			i;

	Assert(tl->has_step);
	for (i = 0; i < tl->nspans; i++)
	{
		const PsSpan *sp = &tl->spans[i];

		if (!sp->hi_inf && sp->hi <= v)
			prev = sp;
		else if (next == NULL && !sp->lo_inf && sp->lo > v)
			next = sp;
		else if ((sp->lo_inf || sp->lo <= v) && (sp->hi_inf || v < sp->hi))
			elog(ERROR, "position " INT64_FORMAT " is inside partition \"%s\"",
				 v, tl->tree->parts[sp->part].relname);
	}
	anchor = prev ? prev->hi : next ? next->lo : natural_anchor(tl);
	n = ps_step_floor(&tl->axis, &tl->step, anchor, v);
	piece.lo = ps_step_add(&tl->axis, &tl->step, anchor, n);
	piece.hi = ps_step_add(&tl->axis, &tl->step, anchor, n + 1);
	if (prev && piece.lo < prev->hi)
		piece.lo = prev->hi;
	if (next && piece.hi > next->lo)
		piece.hi = next->lo;
	piece.rows = 0;
	piece.name = NULL;
	return piece;
}

/* The bound of a piece (its values live as long as the current context). */
PsBound
ps_timeline_bound(PsTimeline *tl, const PsPiece *piece)
{
	PsBound		b;

	memset(&b, 0, sizeof(b));
	b.strategy = PS_STRATEGY_RANGE;
	b.nkeys = 1;
	b.from = palloc(sizeof(PsValue));
	b.to = palloc(sizeof(PsValue));
	*b.from = ps_axis_value(&tl->axis, piece->lo);
	*b.to = ps_axis_value(&tl->axis, piece->hi);
	return b;
}

/* The partition constraint of a piece: its CHECK and its WHERE clause. */
char *
ps_timeline_piece_expr(PsTimeline *tl, const PsPiece *piece)
{
	PsBound		b = ps_timeline_bound(tl, piece);

	return ps_ddl_bound_expr(tl->parentid, tl->key, &b);
}

/* ----------------------------------------------------------------------
 * Names of new partitions (the pattern: ddl_pattern.c)
 * ----------------------------------------------------------------------
 */

/*
 * How new partitions are named, for a script header: "names like
 * ev_YYYY_MM (as the existing partitions)".
 */
char *
ps_timeline_naming_text(PsTimeline *tl)
{
	if (tl->naming == NULL)
		tl->naming = ps_naming_detect(tl);
	return ps_naming_text(tl->naming);
}

/*
 * Name new partitions with the set's pattern, made unique and cut to
 * NAMEDATALEN by the namer (the bound's text is kept, the prefix cut).
 */
void
ps_timeline_name_pieces(PsTimeline *tl, PsScript *s, PsPiece *pieces,
						int npieces)
{
	int			i;

	if (tl->naming == NULL)
		tl->naming = ps_naming_detect(tl);
	for (i = 0; i < npieces; i++)
	{
		char	   *tail = psprintf("%s%s",
									ps_naming_render(tl->naming, pieces[i].lo),
									tl->naming->suffix);

		pieces[i].name = ps_ddl_new_name_tail(s, tl->nspid,
											  tl->naming->prefix, tail);
	}
}

/*
 * Name of the temporary CHECK constraint of a table cloned from tmpl: one
 * that tmpl does not use, since LIKE ... INCLUDING CONSTRAINTS copies
 * tmpl's CHECK constraints.  Returned quoted.
 */
char *
ps_bound_check_name(Oid tmpl)
{
	char	   *name = pstrdup("partstrat_bound_check");
	int			n;

	for (n = 2; OidIsValid(get_relation_constraint_oid(tmpl, name, true)); n++)
		name = psprintf("partstrat_bound_check_%d", n);
	return pstrdup(quote_identifier(name));
}
