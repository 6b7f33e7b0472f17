/*-------------------------------------------------------------------------
 *
 * metrics.c
 *	  partstrat_metrics_rows(): the rows of the view partstrat_metrics,
 *	  one per series, read by partstrat_metrics_prometheus() and by the
 *	  custom queries of prometheus-postgres-exporter (monitoring/).
 *
 * For every partitioned root the caller may read as the inventory decides
 * (SELECT, or pg_read_all_stats: exporters run as pg_monitor), one
 * inventory is built and everything about the parent is computed from it:
 * leaves, rows, bytes, rows in the DEFAULT, largest/median leaf, Gini of
 * the first level, advice by action, premade intervals and the seconds
 * until they run out.  Series are per parent (label "parent", the
 * schema-qualified quoted name), never per leaf.  A parent that fails (it
 * was dropped meanwhile, a statement timeout) gets partstrat_parent_up 0 and no
 * other series; the others are still reported.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/watch/metrics.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "advise.h"
#include "compat.h"
#include "partstrat.h"
#include "skew.h"
#include "watch.h"

PG_FUNCTION_INFO_V1(partstrat_metrics_rows);

/* The series, with their type and help text. */
typedef enum MetricId
{
	M_UP,
	M_LEAVES,
	M_ROWS,
	M_BYTES,
	M_DEFAULT_ROWS,
	M_MAX_TO_MEDIAN,
	M_GINI,
	M_ADVICE,
	M_PREMADE,
	M_RUNOUT,
	M_LAST_RUN,
	M_FAILED_RUNS,
	M_WORKER_UP,
	M_NMETRICS
} MetricId;

typedef struct MetricDef
{
	const char *name;
	const char *type;
	const char *help;
} MetricDef;

static const MetricDef metric_defs[M_NMETRICS] = {
	{"partstrat_parent_up", "gauge",
	"1 if partstrat read the partitioned table, 0 if it failed (see the server log)."},
	{"partstrat_leaves", "gauge",
	"Leaf partitions of the partitioned table."},
	{"partstrat_rows", "gauge",
	"Rows of the partitioned table, as partstrat_skew counts them (estimates)."},
	{"partstrat_bytes", "gauge",
	"Bytes of the partitioned table: heap, indexes and TOAST of every leaf."},
	{"partstrat_default_rows", "gauge",
	"Rows in the DEFAULT partition (and the partitions below it)."},
	{"partstrat_leaf_max_to_median", "gauge",
	"Bytes of the largest leaf divided by those of the median leaf (a factor, 1 or more)."},
	{"partstrat_rows_gini_ratio", "gauge",
	"Gini coefficient of the rows over the partitions of the first level (0 even, 1 all in one)."},
	{"partstrat_advice_items", "gauge",
	"Pieces of advice partstrat_advise gives now, by action."},
	{"partstrat_premade_intervals", "gauge",
	"Partitions of a time-range table lying wholly after now."},
	{"partstrat_premade_runout_seconds", "gauge",
	"Seconds from now until the upper bound of the newest partition of a time-range table (negative: passed)."},
	{"partstrat_maintenance_last_run_timestamp_seconds", "gauge",
	"End of the last finished maintenance action on the table (Unix time), labelled with its status."},
	{"partstrat_maintenance_failed_runs_total", "counter",
	"Maintenance actions on the table that failed, since partstrat was installed (never reset by history pruning)."},
	{"partstrat_worker_up", "gauge",
	"1 if the maintenance background worker of this database runs, 0 if not."},
};

#define ADVICE_KINDS ADV_NKINDS

/* What is reported of one parent. */
typedef struct ParentMetrics
{
	bool		ok;
	int			leaves;
	double		rows;
	double		bytes;
	double		default_rows;
	double		max_to_median;	/* < 0: no median */
	double		gini;			/* < 0: none */
	int			advice[ADVICE_KINDS];
	bool		has_axis;		/* time-range parent with finite bounds */
	int			premade;
	double		runout_seconds;
} ParentMetrics;

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Premade partitions and run-out time of a time-range root. */
static void
time_axis(PsTree *tree, TimestampTz now, ParentMetrics *m)
{
	const PsKey *key = &tree->keys[0];
	int64		last_hi = 0;
	bool		found = false;
	int			i;

	if (key->strategy != PS_STRATEGY_RANGE || !ps_key_is_time(key->typids[0]))
		return;
	for (i = 0; i < tree->nroot_children; i++)
	{
		PsPartition *p = &tree->parts[tree->root_children[i]];
		int64		lo,
					hi;

		if (p->is_default || p->detach_pending || p->range_to == NULL)
			continue;
		if (!ps_key_value_usec(&p->range_to[0], key->typids[0], &hi))
			continue;
		if (!found || hi > last_hi)
			last_hi = hi;
		found = true;
		if (ps_key_value_usec(&p->range_from[0], key->typids[0], &lo) &&
			lo >= now)
			m->premade++;
	}
	if (!found)
		return;
	m->has_axis = true;
	m->runout_seconds = (double) (last_hi - now) / USECS_PER_SEC;
}

/* Everything about one parent, from one inventory. */
static void
parent_metrics(Oid relid, TimestampTz now, ParentMetrics *m)
{
	PsTree	   *tree;
	PsSkew	   *s;
	List	   *advice;
	ListCell   *lc;
	int64	   *sizes;
	int			nsized = 0;
	int			i;

	memset(m, 0, sizeof(*m));
	m->max_to_median = -1;
	m->gini = -1;
	LockRelationOid(relid, AccessShareLock);
	if (!ps_may_read_stats(relid) ||
		get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		return;
	tree = ps_build_tree(relid, 0);
	s = ps_skew_analyze(tree, false);
	sizes = palloc(sizeof(int64) * Max(tree->nleaves, 1));
	m->leaves = tree->nleaves;
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];

		if (p->is_foreign)
			continue;
		if (l->rows > 0)
		{
			m->rows += l->rows;
			if (ps_under_default(tree, l->part))
				m->default_rows += l->rows;
		}
		if (p->total_bytes >= 0)
		{
			m->bytes += p->total_bytes;
			sizes[nsized++] = p->total_bytes;
		}
	}
	if (nsized > 0)
	{
		double		median;

		qsort(sizes, nsized, sizeof(int64), int64_cmp);
		median = nsized % 2 ? sizes[nsized / 2] :
			(sizes[nsized / 2 - 1] + sizes[nsized / 2]) / 2.0;
		if (median > 0)
			m->max_to_median = sizes[nsized - 1] / median;
	}
	for (i = 0; i < s->nlevels; i++)
		if (s->levels[i].level == 1)
			m->gini = s->levels[i].gini;

	advice = ps_advise_tree(tree, s, ps_guc_target_bytes(), NULL);
	foreach(lc, advice)
	{
		Advice	   *a = lfirst(lc);

		if (a->kind >= 0 && a->kind < ADVICE_KINDS)
			m->advice[a->kind]++;
	}
	time_axis(tree, now, m);
	m->ok = true;
}

/* One row of the view. */
static void
emit_labelled(ReturnSetInfo *rsinfo, MetricId id, const char *parent,
			  const char *label, const char *label_value, double value)
{
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	StringInfoData labels;

	initStringInfo(&labels);
	appendStringInfoChar(&labels, '{');
	if (parent)
	{
		appendStringInfoString(&labels, "\"parent\": ");
		escape_json(&labels, parent);
	}
	if (label)
	{
		appendStringInfo(&labels, "%s\"%s\": ", parent ? ", " : "", label);
		escape_json(&labels, label_value);
	}
	appendStringInfoChar(&labels, '}');
	values[0] = CStringGetTextDatum(metric_defs[id].name);
	values[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(labels.data));
	values[2] = Float8GetDatum(value);
	values[3] = CStringGetTextDatum(metric_defs[id].type);
	values[4] = CStringGetTextDatum(metric_defs[id].help);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

static void
emit(ReturnSetInfo *rsinfo, MetricId id, const char *parent,
	 const char *action, double value)
{
	emit_labelled(rsinfo, id, parent, action ? "action" : NULL, action, value);
}

static void
emit_parent(ReturnSetInfo *rsinfo, const char *parent, ParentMetrics *m)
{
	int			k;

	emit(rsinfo, M_UP, parent, NULL, m->ok ? 1 : 0);
	if (!m->ok)
		return;
	emit(rsinfo, M_LEAVES, parent, NULL, m->leaves);
	emit(rsinfo, M_ROWS, parent, NULL, m->rows);
	emit(rsinfo, M_BYTES, parent, NULL, m->bytes);
	emit(rsinfo, M_DEFAULT_ROWS, parent, NULL, m->default_rows);
	if (m->max_to_median >= 0)
		emit(rsinfo, M_MAX_TO_MEDIAN, parent, NULL, m->max_to_median);
	if (m->gini >= 0)
		emit(rsinfo, M_GINI, parent, NULL, m->gini);
	for (k = 0; k < ADVICE_KINDS; k++)
		emit(rsinfo, M_ADVICE, parent, ps_advice_names[k], m->advice[k]);
	if (m->has_axis)
	{
		emit(rsinfo, M_PREMADE, parent, NULL, m->premade);
		emit(rsinfo, M_RUNOUT, parent, NULL, m->runout_seconds);
	}
}

/*
 * The maintenance series of one parent (issue 17's history, when it is
 * installed): read as the owner of partstrat's tables, since the history's
 * row security shows a role only the tables it owns; the parent was checked
 * readable by the caller.
 */
static void
emit_maintenance(ReturnSetInfo *rsinfo, Oid relid, const char *parent,
				 char *history, char *failures)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	PsAsUser	ao;
	double		last = 0,
				nfail = 0;
	char	   *status = NULL;
	bool		has_last = false;
	bool		isnull;

	values[0] = ObjectIdGetDatum(relid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ps_as_user_begin(&ao, ps_snapshot_owner(), "pg_catalog, pg_temp");
	if (history &&
		SPI_execute_with_args(psprintf("SELECT extract(epoch FROM finished_at)::float8, status"
									   " FROM %s WHERE parent_oid = $1"
									   " AND finished_at IS NOT NULL AND status <> 'running'"
									   " ORDER BY finished_at DESC LIMIT 1", history),
							  1, argtypes, values, NULL, true, 0) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		last = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 1, &isnull));
		has_last = !isnull;
		status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	}
	if (SPI_execute_with_args(psprintf("SELECT failures::float8 FROM %s WHERE parent = $1",
									   failures),
							  1, argtypes, values, NULL, true, 0) == SPI_OK_SELECT &&
		SPI_processed == 1)
		nfail = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0],
											 SPI_tuptable->tupdesc, 1, &isnull));
	ps_as_user_end(&ao);
	if (has_last)
		emit_labelled(rsinfo, M_LAST_RUN, parent, "status",
					  status ? status : "", last);
	if (history)
		emit(rsinfo, M_FAILED_RUNS, parent, NULL, nfail);
	SPI_finish();
}

/* partstrat_worker_up, when the maintenance worker's status is installed. */
static void
emit_worker(ReturnSetInfo *rsinfo, const char *schema)
{
	int			ret;
	bool		isnull;
	Datum		up;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute(psprintf("SELECT coalesce(bool_or(running), false)::int::float8"
							   " FROM %s.partstrat_worker_status()"
							   " WHERE database = current_database()", schema),
					  true, 0);
	if (ret == SPI_OK_SELECT && SPI_processed == 1)
	{
		up = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			emit_labelled(rsinfo, M_WORKER_UP, NULL, NULL, NULL,
						  DatumGetFloat8(up));
	}
	SPI_finish();
}

/*
 * partstrat_metrics_rows() -> SETOF (metric text, labels jsonb,
 * value float8, type text, help text)
 */
Datum
partstrat_metrics_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz now = ps_watch_now();
	char	   *what = PG_NARGS() > 0 && !PG_ARGISNULL(0) ?
		text_to_cstring(PG_GETARG_TEXT_PP(0)) : "all";
	bool		tables = strcmp(what, "all") == 0 || strcmp(what, "tables") == 0;
	bool		maintenance = strcmp(what, "all") == 0 ||
		strcmp(what, "maintenance") == 0;
	Oid			nsp = ps_extension_schema(get_extension_oid("partstrat", false));
	const char *schema = quote_identifier(get_namespace_name(nsp));
	char	   *history = NULL;
	char	   *failures;
	MemoryContext percxt;
	MemoryContext oldcxt;
	List	   *roots;
	ListCell   *lc;

	if (!tables && !maintenance)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown set of metrics \"%s\"", what),
				 errhint("Pass 'all', 'tables' or 'maintenance'.")));
	ps_init_materialized_srf(fcinfo);
	if (OidIsValid(get_relname_relid("partstrat_history_log", nsp)))
		history = psprintf("%s.partstrat_history_log", schema);
	failures = psprintf("%s.partstrat_failure_count", schema);
	if (maintenance && OidIsValid(get_relname_relid("partstrat_history_log", nsp)))
		emit_worker(rsinfo, schema);
	roots = ps_readable_roots();
	percxt = AllocSetContextCreate(CurrentMemoryContext, "partstrat metrics",
								   ALLOCSET_DEFAULT_SIZES);
	foreach(lc, roots)
	{
		Oid			relid = lfirst_oid(lc);
		char	   *name;
		ParentMetrics m;
		PsSubxact	sx;

		CHECK_FOR_INTERRUPTS();
		name = get_rel_name(relid);
		if (name == NULL)
			continue;
		name = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
										  name);
		if (maintenance)
			emit_maintenance(rsinfo, relid, name, history, failures);
		if (!tables)
			continue;
		ps_subxact_begin(&sx, percxt);
		PG_TRY();
		{
			parent_metrics(relid, now, &m);
			ps_subxact_commit(&sx);
		}
		PG_CATCH();
		{
			char	   *msg = ps_subxact_abort_message(&sx);

			ereport(WARNING,
					(errmsg("partstrat_metrics: could not read \"%s\": %s",
							name, msg)));
			memset(&m, 0, sizeof(m));
		}
		PG_END_TRY();
		oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		emit_parent(rsinfo, name, &m);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(percxt);
	}
	return (Datum) 0;
}
