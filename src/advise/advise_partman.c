/*-------------------------------------------------------------------------
 *
 * advise_partman.c
 *	  partstrat_advise() beside pg_partman: recognise a partition set that
 *	  pg_partman manages and keep every action within its invariants.
 *
 * A parent registered in pg_partman's part_config (4.x and 5.x: the row
 * is read as JSON, so either shape serves) keeps pg_partman's names
 * (parent_pYYYYMMDD, parent_p100000), interval-aligned bounds, a
 * part_config row per sub-parent and, for epoch sets, the to_timestamp()
 * constraints pg_partman writes.  partstrat's own split, merge and
 * repartition scripts break those (a piece named ..._p100000_1 makes every
 * pg_partman call on an id set fail; a merged child is dropped whole by
 * pg_partman's retention), so on such a set:
 *
 *	premake			becomes a change of part_config.premake plus
 *					run_maintenance(), so pg_partman makes the children
 *	retention		becomes a change of part_config.retention plus
 *					run_maintenance()
 *	rescue_default	becomes pg_partman's partition_data_time() or
 *					partition_data_id(), which create children the way
 *					pg_partman names and sub-partitions them
 *	split, merge,
 *	repartition		are refused (no DDL) with the reason and the
 *					alternative
 *	partman_interval where a merge of a time set is refused and its
 *					children tile the group's calendar unit: the script
 *					that gives future children that interval the way
 *					pg_partman can follow (one such row per set; the
 *					maintenance policies never run it, and its header
 *					warns that partition_gap_fill() fails, or makes
 *					children without end, on a set with children of two
 *					intervals, in 4.7.2, 5.2.4 and 5.5.0)
 *	drop_default	is not advised: the DEFAULT is pg_partman's
 *
 * Every action of a managed set carries evidence.pg_partman.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_partman.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "advise.h"
#include "advise_time.h"
#include "ddl.h"
#include "ddl_partman.h"
#include "partstrat.h"

/* part_config's "schema.table" of a relation, as pg_partman writes it */
static char *
partman_name(Oid relid)
{
	return psprintf("%s.%s", get_namespace_name(get_rel_namespace(relid)),
					get_rel_name(relid));
}

/* A copy of s (or NULL) in cxt. */
static char *
copy_text(MemoryContext cxt, const char *s)
{
	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/* One text column of the current SPI row, or NULL. */
static char *
spi_text(int col)
{
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col);
}

/*
 * The pg_partman facts of a tree, or NULL when pg_partman is not installed
 * or does not manage it.  part_config unreadable by the caller: a PsPartman
 * with unreadable set (the set may be managed: layout changes are refused).
 */
PsPartman *
ps_partman_lookup(PsTree *tree)
{
	Oid			extoid = get_extension_oid("pg_partman", true);
	Oid			nspid;
	Oid			cfg;
	PsPartman  *pm;
	char	   *nsp;
	StringInfoData names;
	int			i;
	int			ret;
	MemoryContext caller = CurrentMemoryContext;
	bool		isnull;

	if (!OidIsValid(extoid))
		return NULL;
	/* get_extension_schema() is not exported before PostgreSQL 16 */
	SPI_connect();
	ret = SPI_execute(psprintf("SELECT extnamespace FROM pg_catalog.pg_extension WHERE oid = %u",
							   extoid), true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "pg_extension row of pg_partman not found");
	nspid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	nsp = get_namespace_name(nspid);
	if (nsp == NULL)
		return NULL;
	cfg = get_relname_relid("part_config", nspid);
	if (!OidIsValid(cfg))
		return NULL;

	pm = palloc0(sizeof(PsPartman));
	pm->schema = nsp;
	pm->parent_table = partman_name(tree->root);
	if (pg_class_aclcheck(cfg, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
	{
		pm->unreadable = true;
		return pm;
	}

	/* the root and every partitioned part: sub-parents have rows too */
	initStringInfo(&names);
	appendStringInfoString(&names, quote_literal_cstr(pm->parent_table));
	for (i = 0; i < tree->nparts; i++)
	{
		if (!tree->parts[i].is_leaf)
			appendStringInfo(&names, ", %s",
							 quote_literal_cstr(partman_name(tree->parts[i].relid)));
	}

	SPI_connect();
	ret = SPI_execute(psprintf("SELECT j->>'control', j->>'partition_interval', "
							   "j->>'partition_type', j->>'premake', j->>'retention', "
							   "coalesce(j->>'epoch', 'none'), "
							   "coalesce(j->>'retention_keep_table', 'true'), "
							   "coalesce(j->>'automatic_maintenance', 'on'), "
							   "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_partman'), "
							   "(SELECT count(*) FROM %s.part_config s WHERE s.parent_table IN (%s) "
							   "   AND s.parent_table <> j->>'parent_table') "
							   "FROM (SELECT pg_catalog.to_jsonb(c) AS j FROM %s.part_config c "
							   "      WHERE c.parent_table = %s) r",
							   quote_identifier(nsp), names.data,
							   quote_identifier(nsp),
							   quote_literal_cstr(pm->parent_table)),
					  true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %d", ret);
	if (SPI_processed == 0)
	{
		SPI_finish();
		return NULL;
	}
	pm->control = copy_text(caller, spi_text(1));
	pm->interval = copy_text(caller, spi_text(2));
	pm->type = copy_text(caller, spi_text(3));
	pm->premake = spi_text(4) ? atoi(spi_text(4)) : 4;
	pm->retention = copy_text(caller, spi_text(5));
	pm->epoch = copy_text(caller, spi_text(6));
	pm->keep_table = strcmp(spi_text(7), "true") == 0;
	pm->automatic = copy_text(caller, spi_text(8));
	pm->version = copy_text(caller, spi_text(9));
	pm->nsub = atoi(spi_text(10));
	SPI_finish();

	pm->major = pm->version ? atoi(pm->version) : 0;
	if (pm->version && strchr(pm->version, '.'))
		pm->minor = atoi(strchr(pm->version, '.') + 1);
	if (pm->control)
	{
		AttrNumber	att = get_attnum(tree->root, pm->control);

		if (att != InvalidAttrNumber)
		{
			Oid			t = get_atttype(tree->root, att);

			pm->time_based = ps_key_is_time(t) || strcmp(pm->epoch, "none") != 0;
			pm->date_control = (t == DATEOID);
		}
	}
	return pm;
}

/* "pg_partman 4.7.2 manages public.events (time, 1 day, premake 4)" */
static char *
partman_sentence(PsPartman *pm)
{
	if (pm->unreadable)
		return psprintf("pg_partman is installed and its part_config (schema %s) is not readable by this role: %s may be a set it manages",
						pm->schema, pm->parent_table);
	return psprintf("pg_partman %s manages %s (%s%s, interval %s, premake %d%s%s%s)",
					pm->version ? pm->version : "",
					pm->parent_table,
					pm->time_based ? "time" : "id",
					strcmp(pm->epoch, "none") != 0 ?
					psprintf(", epoch %s", pm->epoch) : "",
					pm->interval ? pm->interval : "?",
					pm->premake,
					pm->retention ? psprintf(", retention %s", pm->retention) : "",
					pm->nsub > 0 ? psprintf(", %d sub-partitioned set%s", pm->nsub,
											pm->nsub > 1 ? "s" : "") : "",
					strcmp(pm->automatic, "off") == 0 ?
					", automatic_maintenance off" : "");
}

/* The evidence object every action of a managed set carries. */
static char *
partman_json(PsPartman *pm)
{
	StringInfoData j;

	initStringInfo(&j);
	if (pm->unreadable)
	{
		ps_json_key_str(&j, "part_config", "not readable");
		return psprintf("{%s}", j.data);
	}
	ps_json_key_str(&j, "version", pm->version);
	ps_json_key_str(&j, "parent_table", pm->parent_table);
	ps_json_key_str(&j, "control", pm->control);
	ps_json_key_str(&j, "partition_interval", pm->interval);
	ps_json_key_int(&j, "premake", pm->premake);
	ps_json_key_str(&j, "retention", pm->retention);
	ps_json_key_str(&j, "epoch", pm->epoch);
	ps_json_key_str(&j, "automatic_maintenance", pm->automatic);
	ps_json_key_int(&j, "sub_parents", pm->nsub);
	return psprintf("{%s}", j.data);
}

/* "1 day", "2 days", "1 interval of 3 days" from a plural noun */
static char *
count_of(int n, const char *plural)
{
	const char *rest;

	if (n == 1 && strncmp(plural, "intervals", 9) == 0)
		return psprintf("1 interval%s", plural + 9);
	rest = plural + strlen(plural);
	if (n == 1 && rest > plural && rest[-1] == 's')
		return psprintf("1 %.*s", (int) (rest - plural - 1), plural);
	return psprintf("%d %s", n, plural);
}

/*
 * The reason of a premake advised because pg_partman's premake setting is
 * under partstrat.premake_min while its partitions still reach far enough
 * (the DDL is made by ps_advise_partman).
 */
void
ps_partman_premake_reason(AdviseCtx *ctx, Advice *a, const char *newest,
						  const char *ends, const char *noun)
{
	PsPartman  *pm = ctx->partman;

	ps_json_key_int(&a->evidence, "pg_partman_premake", pm->premake);
	a->reason = psprintf("The newest partition of %s, %s, ends at %s, far enough after now, but pg_partman's premake setting is %d, fewer than partstrat.premake_min (%d): its maintenance keeps only %s ahead once now passes it.",
						 get_rel_name(ctx->tree->root), newest, ends,
						 pm->premake, ps_premake_min,
						 count_of(pm->premake, noun));
}

/* What to do instead of a layout change pg_partman cannot follow. */
static void
refuse(Advice *a, PsPartman *pm, const char *what, const char *alternative)
{
	a->ddl = NULL;
	a->ddl_error = psprintf("refused on a pg_partman set: %s", what);
	ps_json_key_str(&a->evidence, "ddl_error", a->ddl_error);
	ps_json_key_str(&a->evidence, "alternative", alternative);
	a->reason = psprintf("%s But %s: %s; instead, %s.", a->reason,
						 partman_sentence(pm), what, alternative);
	a->rows_moved = 0;
	a->lock = NULL;
}

/* The calendar units of merge groups, and the interval of each */
typedef struct MergeUnitInfo
{
	const char *unit;			/* evidence.unit of the merge */
	const char *trunc;			/* date_trunc's field */
	const char *interval;		/* part_config.partition_interval */
	int			months;			/* 0: a week */
} MergeUnitInfo;

static const MergeUnitInfo merge_units[] = {
	{"weekly", "week", "1 week", 0},
	{"monthly", "month", "1 month", 1},
	{"quarterly", "quarter", "3 months", 3},
	{"yearly", "year", "1 year", 12},
};

/* The merge group's calendar unit from the merge's evidence, or NULL. */
static const MergeUnitInfo *
merge_unit(Advice *a)
{
	int			i;

	for (i = 0; i < (int) lengthof(merge_units); i++)
	{
		if (strstr(a->evidence.data,
				   psprintf("\"unit\": \"%s\"", merge_units[i].unit)))
			return &merge_units[i];
	}
	return NULL;
}

/*
 * The script that gives the future children of a time set the interval of
 * the merge group's unit, or NULL with *why_not: only where the experiments
 * (test/t/061_partman_interval.pl) show that pg_partman follows it --
 * children of the old interval must tile up to the new unit's boundary
 * (days tile any unit, months quarters and years), and pg_partman 4.x
 * orders a 3-month set by the last character of its children's names.
 */
static char *
interval_alternative(PsPartman *pm, const MergeUnitInfo *u,
					 const char **why_not)
{
	Interval   *old;
	bool		tiles;

	*why_not = NULL;
	if (u == NULL || pm->unreadable || !pm->time_based ||
		strcmp(pm->epoch, "none") != 0 || pm->nsub > 0 || pm->date_control ||
		pm->interval == NULL)
		return NULL;
	old = DatumGetIntervalP(DirectFunctionCall3(interval_in,
												CStringGetDatum(pm->interval),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1)));

	/* days tile every unit; months tile quarters and years */
	tiles = (old->month == 0 && old->day == 1 && old->time == 0) ||
		(old->month > 0 && old->day == 0 && old->time == 0 &&
		 u->months > 0 && u->months % old->month == 0);
	if (!tiles)
	{
		if ((old->month > 0 || old->day > 1) && old->time == 0)
			*why_not = psprintf("children of its interval (%s) do not end on every %s boundary, and pg_partman makes every child one interval long, so no child of the new interval could start on one",
								pm->interval, u->trunc);
		else
			*why_not = psprintf("partstrat writes that change only for sets of days or of whole months (the intervals tested with pg_partman), not of %s",
								pm->interval);
		return NULL;
	}
	if (pm->major < 5 && u->months == 3)
	{
		*why_not = "pg_partman 4.x orders a set of 3-month children by the last character of their names (the quarter of YYYY\"q\"Q), so with its names of days or months its newest child would be misread";
		return NULL;
	}
	return ps_ddl_partman_interval(pm->schema, pm->parent_table, pm->interval,
								   u->trunc, u->interval);
}

/*
 * A merge refused on a managed set becomes the partman_interval advice:
 * its DDL gives future children the group's interval (ps_ddl_partman_interval),
 * its reason says why the merge itself is not made.
 */
static void
give_interval(Advice *a, PsPartman *pm, const MergeUnitInfo *unit,
			  const char *cfg, char *script)
{
	a->kind = ADV_PARTMAN_INTERVAL;
	a->reason = psprintf("%s But %s: a merged child spans several intervals under one name, and pg_partman's retention and premake treat it as one interval long (dropping rows newer than the cutoff, overlapping new children); instead, keep these children until pg_partman's retention drops them, and give future children the %s interval with this script (a bare UPDATE of %s.partition_interval leaves a gap: pg_partman makes its next child one new interval after the start of its newest child; the script makes children of the old interval up to the next %s boundary first, then the first child of the new interval there). Do not call pg_partman's partition_gap_fill() on this set until no child of the old interval is left: it fails, or makes children without end, on a set with children of two intervals.",
						 a->reason, partman_sentence(pm), unit->unit, cfg,
						 unit->trunc);
	ps_json_key_str(&a->evidence, "refused", "merge");
	ps_json_key_str(&a->evidence, "new_interval", unit->interval);
	a->ddl = script;
	a->ddl_error = NULL;
	a->rows_moved = 0;
	a->lock = pstrdup("ACCESS EXCLUSIVE on the parent, briefly, for each child pg_partman creates");
}

/*
 * split, merge and repartition on a managed set: refused (no DDL), with
 * the reason and the alternative.  The first merge of a time set whose
 * children can move to the group's unit becomes a partman_interval advice
 * instead (give_interval); later ones point to it.
 */
static void
refuse_layout(Advice *a, PsPartman *pm, bool *interval_given)
{
	const MergeUnitInfo *unit;
	const char *why_not = NULL;
	char	   *alt = NULL;
	char	   *cfg = psprintf("%s.part_config", quote_identifier(pm->schema));

	if (a->kind == ADV_REPARTITION)
	{
		refuse(a, pm,
			   "its partitions would get names and bounds pg_partman does not make (a name it cannot parse makes every pg_partman call on the set fail)",
			   "move the rows into a new set made with the new layout (pg_partman's partition_data functions fill one it manages)");
		return;
	}
	if (a->kind == ADV_SPLIT)
	{
		refuse(a, pm,
			   "its pieces would get names and bounds pg_partman does not make (a name it cannot parse makes every pg_partman call on the set fail); nor can the set take a shorter interval for its future children: pg_partman's retention measures every child by the set's partition_interval, and would drop the older, longer children while they still hold rows newer than the cutoff, and partition_gap_fill() fails on a set with children of two intervals",
			   psprintf("if the partitions are too big, move the rows into a new set that pg_partman makes with the shorter interval (create_parent(), then its partition_data functions with p_source_table), and swap the names; %s's partition_interval is left as it is",
						cfg));
		return;
	}
	unit = merge_unit(a);
	if (unit)
		alt = interval_alternative(pm, unit, &why_not);
	if (alt && !*interval_given)
	{
		/* the first such merge becomes the change of interval */
		*interval_given = true;
		give_interval(a, pm, unit, cfg, alt);
		return;
	}
	if (alt)
	{
		refuse(a, pm,
			   "a merged child spans several intervals under one name, and pg_partman's retention and premake treat it as one interval long (dropping rows newer than the cutoff, overlapping new children)",
			   psprintf("keep these children until pg_partman's retention drops them; the partman_interval advice gives future children the %s interval",
						unit->unit));
		return;
	}
	refuse(a, pm,
		   psprintf("a merged child spans several intervals under one name, and pg_partman's retention and premake treat it as one interval long (dropping rows newer than the cutoff, overlapping new children)%s%s",
					why_not ? "; nor can its future children take a longer interval: " : "",
					why_not ? why_not : ""),
		   psprintf("keep these children until pg_partman's retention drops them%s",
					why_not ? "; for bigger partitions, move the rows into a new set that pg_partman makes with the longer interval (create_parent(), then its partition_data functions with p_source_table), and swap the names" :
					psprintf(", and leave %s's partition_interval as it is (a bare UPDATE of it leaves a gap before the next child, and partition_gap_fill() fails on a set with children of two intervals)", cfg)));
}

/*
 * Whether every partition of the set (the DEFAULT and detaching ones
 * aside) has the same width: calendar months or a fixed width for time
 * and epoch keys, the difference for ids.  pg_partman's
 * partition_gap_fill() assumes one interval from the first child on, and
 * on a set with children of two intervals fails or makes children without
 * end (test/t/061_partman_interval.pl).
 */
static bool
one_interval(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsAxis		axis = ps_time_advice_axis(ctx);
	int64		scale = ps_epoch_scale(ctx);
	bool		is_time = ctx->partman->time_based && scale == 0;
	TimeStep	first;
	bool		have = false;
	int			n,
				i;
	int		   *children = ps_children_of(tree, -1, &n);

	memset(&first, 0, sizeof(first));
	for (i = 0; i < n; i++)
	{
		PsPartition *p = &tree->parts[children[i]];
		int64		lo,
					hi;
		TimeStep	st;
		bool		ok;

		if (p->is_default || p->detach_pending)
			continue;
		ok = is_time ? ps_time_part_bounds_usec(tree, children[i], &lo, &hi) :
			ps_epoch_bounds_usec(ctx, children[i], scale > 0 ? scale : 1,
								 &lo, &hi);
		if (!ok)
			return false;
		if (is_time || scale > 0)
			st = ps_time_part_step(&axis, lo, hi);
		else
		{
			memset(&st, 0, sizeof(st));
			st.valid = true;
			st.step.usecs = hi - lo;
		}
		if (!have)
			first = st;
		else if (!st.valid || !ps_time_same_step(&first, &st))
			return false;
		have = true;
	}
	return have;
}

/*
 * Rewrite the actions of a tree pg_partman manages (see the file header);
 * returns the list without the actions that must not be advised.
 */
List *
ps_advise_partman(AdviseCtx *ctx, List *advice)
{
	PsPartman  *pm = ctx->partman;
	List	   *out = NIL;
	ListCell   *lc;
	char	   *json;
	bool		interval_given = false;

	if (pm == NULL)
		return advice;
	json = partman_json(pm);
	foreach(lc, advice)
	{
		Advice	   *a = lfirst(lc);

		ps_json_key_raw(&a->evidence, "pg_partman", json);
		switch (a->kind)
		{
			case ADV_DROP_DEFAULT:
				/* the DEFAULT is pg_partman's (check_default reads it) */
				continue;
			case ADV_SPLIT:
			case ADV_MERGE:
			case ADV_REPARTITION:
				refuse_layout(a, pm, &interval_given);
				break;
			case ADV_PREMAKE:
				if (pm->unreadable)
				{
					refuse(a, pm, "its settings are unknown",
						   "ask the owner of the set to check pg_partman's premake and that run_maintenance() runs");
					break;
				}
				a->ddl = ps_ddl_partman_premake(pm->schema, pm->parent_table,
												Max(pm->premake, ps_premake_min));
				a->ddl_error = NULL;
				a->reason = psprintf("%s %s: %s.", a->reason,
									 partman_sentence(pm),
									 pm->premake >= ps_premake_min ?
									 "its premake is enough, so its maintenance has not run: run it (and check that the background worker or a scheduled job calls run_maintenance())" :
									 psprintf("raise its premake to %d and run its maintenance, which creates the children the way pg_partman names them",
											  ps_premake_min));
				a->lock = pstrdup("pg_partman's run_maintenance(): ACCESS EXCLUSIVE on the parent briefly per new child (CREATE TABLE ... PARTITION OF)");
				break;
			case ADV_RETENTION:
				/* an id set: advise_time.c's row says why none applies */
				if (!pm->unreadable && !pm->time_based)
					break;
				if (pm->unreadable)
				{
					refuse(a, pm, "its settings are unknown",
						   "set retention in pg_partman's part_config");
					break;
				}
				a->ddl = ps_ddl_partman_retention(pm->schema, pm->parent_table,
												  ctx->retention);
				a->ddl_error = NULL;
				a->reason = psprintf("%s %s: set its retention, and its maintenance detaches the old children (retention_keep_table %s).",
									 a->reason, partman_sentence(pm),
									 pm->keep_table ? "true: kept as tables" : "false: dropped");
				a->lock = pstrdup("pg_partman's run_maintenance(): ACCESS EXCLUSIVE on the parent briefly per child detached");
				break;
			case ADV_RESCUE_DEFAULT:
				if (pm->unreadable)
				{
					refuse(a, pm, "its settings are unknown",
						   "move the rows with pg_partman's partition_data functions");
					break;
				}
				if (pm->date_control &&
					(pm->major > 5 || (pm->major == 5 && pm->minor >= 5)))
				{
					/*
					 * pg_partman 5.5.0's partition_data_time() attaches the
					 * new child of a date control column while the DEFAULT
					 * still holds its rows, and fails (5.2.4 does not).
					 */
					refuse(a, pm,
						   "its partition_data_time() fails on a date control column from 5.5 on (it attaches the new child while the DEFAULT still holds the child's rows)",
						   "move the DEFAULT's rows to a holding table and delete them from the DEFAULT, run pg_partman's run_maintenance() or create_partition_time() for their days, then insert them back through the parent, in one transaction");
					break;
				}
				/*
				 * partition_gap_fill() after it: not on 4.7's epoch sets
				 * (it fails on every one), nor on a set with children of
				 * two intervals (it fails, or makes children without end)
				 */
				a->ddl = ps_ddl_partman_partition_data(pm->schema,
													   pm->parent_table,
													   pm->time_based,
													   (pm->major >= 5 ||
														pm->epoch == NULL ||
														strcmp(pm->epoch, "none") == 0) &&
													   one_interval(ctx));
				a->ddl_error = NULL;
				a->reason = psprintf("%s %s: move them with pg_partman's %s, which creates each child as pg_partman names%s it.",
									 a->reason, partman_sentence(pm),
									 pm->time_based ? "partition_data_time()" :
									 "partition_data_id()",
									 pm->nsub > 0 ? " and sub-partitions" : "");
				a->lock = pstrdup("pg_partman's partition_data: per interval, ACCESS EXCLUSIVE on the parent briefly for the new child; the DEFAULT's rows of that interval are moved in one transaction");
				break;
			default:
				break;
		}
		out = lappend(out, a);
	}
	return out;
}

/* The line partstrat_report() gives a managed set, or NULL. */
char *
ps_partman_report_line(PsPartman *pm)
{
	if (pm == NULL)
		return NULL;
	return psprintf("%s: partstrat advises pg_partman settings for premake, retention and the DEFAULT, and refuses split, merge and repartition.",
					partman_sentence(pm));
}
