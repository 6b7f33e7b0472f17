/*-------------------------------------------------------------------------
 *
 * actions.c
 *	  The one place where maintenance meets the DDL generators: the script
 *	  of each action of a policy.
 *
 * Premake, retention and the DEFAULT rescue call the generators' C entry
 * points (generators.h) with an options struct; split and merge take the
 * scripts partstrat_advise() ranks for the parent (the skew-driven choice
 * of which leaves to split or merge, through SQL).  Before a generator is
 * called, a cheap look at the partition bounds in the relation cache
 * decides the steady state (nothing to do) without building the tree.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/actions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "storage/bufmgr.h"
#include "utils/date.h"
#include "utils/partcache.h"
#include "utils/rel.h"
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
#include "maintenance.h"

/* Most partitions one premake action creates to catch up with now. */
#define PS_MX_PREMAKE_MAX 1000

/* How early the cheap retention look may answer "maybe". */
#define PS_MX_CUTOFF_MARGIN ((int64) 3 * USECS_PER_HOUR)

static const char *const action_names[PS_ACT_COUNT] = {
	"premake", "retention", "rescue_default", "split", "merge"
};

const char *
ps_action_name(PsActionKind kind)
{
	return action_names[kind];
}

bool
ps_action_copies(PsActionKind kind)
{
	return kind == PS_ACT_RESCUE || kind == PS_ACT_SPLIT ||
		kind == PS_ACT_MERGE;
}

/* The position of the transaction's start on the time line's axis. */
static int64
now_on_axis(const PsTimeline *tl)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;
	Timestamp	local;

	if (tl->axis.typid == TIMESTAMPTZOID)
		return now;
	/* date and timestamp keys are read as the session's local time */
	if (timestamp2tm(now, &tzoff, &tm, &fsec, NULL, NULL) != 0 ||
		tm2timestamp(&tm, fsec, NULL, &local) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	if (tl->axis.typid == DATEOID)
		return local / USECS_PER_DAY - (local % USECS_PER_DAY < 0 ? 1 : 0);
	return local;
}

/*
 * The cheap look before a generator is called: the parent's partition
 * bounds from the relation cache (ACCESS SHARE on the parent, under the
 * caller's lock_timeout), on the axis of a single range key of type
 * timestamptz, timestamp or date.  The steady state -- nothing to make,
 * nothing to remove -- is decided here without building the tree.
 */
typedef struct BoundFacts
{
	bool		usable;			/* single time key, range, facts valid */
	Oid			typid;
	int			ahead;			/* partitions whose lower bound is > now */
								/* (now: the transaction's start) */
	bool		gaps;			/* a hole between the first and last bound */
	bool		last_inf;		/* the last bound is MAXVALUE */
	int64		last_hi;		/* the upper bound of the last partition */
	int64		first_hi;		/* the smallest upper bound of a partition */
	bool		detached;		/* a partition is pending detach */
	bool		default_has_pages;
} BoundFacts;

static int64
bound_pos(Oid typid, Datum d)
{
	if (typid == DATEOID)
		return (int64) DatumGetDateADT(d);
	return DatumGetInt64(d);
}

static int64 now_for_type(Oid typid);

static void
bound_facts(Oid parent, BoundFacts *f)
{
	int64		now;
	Relation	rel = table_open(parent, AccessShareLock);
	PartitionKey key = RelationGetPartitionKey(rel);
	PartitionDesc pd;
	PartitionBoundInfo bi;
	int			i;

	memset(f, 0, sizeof(*f));
	f->first_hi = PG_INT64_MAX;
	if (key == NULL || key->strategy != PARTITION_STRATEGY_RANGE ||
		key->partnatts != 1 ||
		(key->parttypid[0] != TIMESTAMPTZOID &&
		 key->parttypid[0] != TIMESTAMPOID && key->parttypid[0] != DATEOID))
	{
		table_close(rel, NoLock);
		return;
	}
	f->typid = key->parttypid[0];
	now = now_for_type(f->typid);
	pd = RelationGetPartitionDesc(rel, false);
	f->detached = pd->detached_exist;
	bi = pd->boundinfo;
	if (bi != NULL && partition_bound_has_default(bi))
	{
		Relation	def = table_open(pd->oids[bi->default_index], AccessShareLock);

		f->default_has_pages = RelationGetNumberOfBlocks(def) > 0;
		table_close(def, NoLock);
	}
	if (bi == NULL || bi->ndatums == 0)
	{
		table_close(rel, NoLock);
		return;
	}
	/*
	 * range bounds: datums[i] is the upper bound of partition indexes[i]
	 * (-1: datums[i] only starts one, or a hole), datums[i - 1] its lower
	 */
	for (i = 1; i < bi->ndatums; i++)
	{
		bool		lo_inf = bi->kind[i - 1][0] != PARTITION_RANGE_DATUM_VALUE;
		bool		hi_inf = bi->kind[i][0] != PARTITION_RANGE_DATUM_VALUE;

		if (bi->indexes[i] < 0)
		{
			f->gaps = true;
			continue;
		}
		if (!lo_inf && bound_pos(f->typid, bi->datums[i - 1][0]) > now)
			f->ahead++;
		if (!hi_inf && f->first_hi == PG_INT64_MAX)
			f->first_hi = bound_pos(f->typid, bi->datums[i][0]);
	}
	f->last_inf = bi->kind[bi->ndatums - 1][0] != PARTITION_RANGE_DATUM_VALUE;
	f->last_hi = f->last_inf ? 0 : bound_pos(f->typid, bi->datums[bi->ndatums - 1][0]);
	f->usable = true;
	table_close(rel, NoLock);
}

/* now on the axis of a key of type typid (as now_on_axis does) */
static int64
now_for_type(Oid typid)
{
	PsTimeline	tl;

	memset(&tl, 0, sizeof(tl));
	tl.axis.typid = typid;
	return now_on_axis(&tl);
}

/*
 * Premake: the partitions that keep p->premake intervals ahead of now, and
 * those filling gaps.  NIL without calling the generator when there is
 * nothing to do (the steady state: most runs).
 */
static List *
premake_scripts(const PsPolicy *p)
{
	PsTimeline *tl;
	int64		now;
	int			ahead = 0;
	bool		gaps = false;
	int			count;
	int			i;
	const PsSpan *last;
	PsPremakeOptions o;
	char	   *script;
	BoundFacts	f;

	/* the steady state, from the relation cache */
	bound_facts(p->parent, &f);
	if (f.usable && !f.last_inf && f.last_hi > now_for_type(f.typid))
	{
		/* the common case: the last partition is ahead of now */
		count = Max(p->premake - f.ahead, 0);
		gaps = f.gaps;
	}
	else
	{
		tl = ps_timeline_open(p->parent, "partstrat_run_maintenance",
							  PS_TL_SINGLE_KEY | PS_TL_TIME_ONLY);
		now = now_on_axis(tl);
		for (i = 0; i < tl->nspans; i++)
		{
			const PsSpan *sp = &tl->spans[i];

			if (!sp->lo_inf && sp->lo > now)
				ahead++;
			if (i > 0 && !sp->lo_inf && !tl->spans[i - 1].hi_inf &&
				tl->spans[i - 1].hi < sp->lo)
				gaps = true;
		}
		last = tl->nspans > 0 ? &tl->spans[tl->nspans - 1] : NULL;
		if (last && !last->hi_inf && last->hi <= now)
		{
			/* behind: the partitions up to the one holding now, then premake */
			int64		pos = last->hi;

			ps_timeline_set_step(tl, NULL, "partstrat_run_maintenance");
			count = 0;
			while (pos <= now && count < PS_MX_PREMAKE_MAX)
			{
				pos = ps_step_add(&tl->axis, &tl->step, pos, 1);
				count++;
			}
			count += p->premake;
		}
		else
			count = Max(p->premake - ahead, 0);
	}
	if (count == 0 && !gaps)
		return NIL;
	ps_premake_options_init(&o, p->parent, Min(count, PS_PREMAKE_MAX));
	script = ps_ddl_premake(&o);
	return script ? list_make1(script) : NIL;
}

/*
 * Could a partition of these bounds be older than now - retention?  The
 * generator computes the cutoff in the calendar of the bounds' time zone;
 * this look computes it in the session's and so answers yes up to
 * PS_MX_CUTOFF_MARGIN early: only a "no" skips the generator.
 */
static bool
retention_maybe(const PsPolicy *p, const BoundFacts *f)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	TimestampTz cutoff;
	int64		first_hi = f->first_hi;

	if (f->detached || first_hi == PG_INT64_MAX)
		return true;
	cutoff = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													 TimestampTzGetDatum(now),
													 IntervalPGetDatum(p->retention)));
	if (f->typid != TIMESTAMPTZOID)
	{
		PsTimeline	tl;

		/* the cutoff as local time, as the generator reads date/timestamp */
		memset(&tl, 0, sizeof(tl));
		tl.axis.typid = TIMESTAMPOID;
		cutoff = now_on_axis(&tl) - (now - cutoff);
		if (f->typid == DATEOID)
			first_hi *= USECS_PER_DAY;
	}
	return first_hi <= cutoff + PS_MX_CUTOFF_MARGIN;
}

/* A bound datum of an integer key. */
static int64
int_pos(Oid typid, Datum d)
{
	return typid == INT2OID ? DatumGetInt16(d) :
		typid == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d);
}

/*
 * The cheap look for an epoch set (an integer key: bound_facts() reads
 * time keys only): the unit its bounds read as (epoch.c), and whether the
 * oldest upper bound is at or below now - retention in that unit, computed
 * as the generator computes it.  Only a "no" skips the generator; a set
 * whose bounds do not read as time goes to the generator, whose ERROR
 * the history records.
 */
static bool
epoch_retention_maybe(const PsPolicy *p)
{
	Relation	rel = table_open(p->parent, AccessShareLock);
	PartitionKey key = RelationGetPartitionKey(rel);
	PartitionDesc pd;
	PartitionBoundInfo bi;
	Oid			typid;
	int64	   *lo,
			   *hi,
				first_hi = PG_INT64_MAX,
				scale;
	int			n = 0,
				i;
	bool		maybe = true;

	if (key == NULL || key->strategy != PARTITION_STRATEGY_RANGE ||
		key->partnatts != 1 ||
		(key->parttypid[0] != INT2OID && key->parttypid[0] != INT4OID &&
		 key->parttypid[0] != INT8OID))
	{
		table_close(rel, NoLock);
		return true;
	}
	typid = key->parttypid[0];
	pd = RelationGetPartitionDesc(rel, false);
	bi = pd->boundinfo;
	if (pd->detached_exist || bi == NULL || bi->ndatums < 2)
	{
		table_close(rel, NoLock);
		return true;
	}
	lo = palloc(sizeof(int64) * bi->ndatums);
	hi = palloc(sizeof(int64) * bi->ndatums);
	/* datums[i] is the upper bound of partition indexes[i] (-1: a hole) */
	for (i = 1; i < bi->ndatums; i++)
	{
		if (bi->indexes[i] < 0 ||
			bi->kind[i][0] != PARTITION_RANGE_DATUM_VALUE)
			continue;
		hi[n] = int_pos(typid, bi->datums[i][0]);
		first_hi = Min(first_hi, hi[n]);
		if (bi->kind[i - 1][0] != PARTITION_RANGE_DATUM_VALUE)
			continue;
		lo[n] = int_pos(typid, bi->datums[i - 1][0]);
		n++;
	}
	table_close(rel, NoLock);
	scale = ps_epoch_scale_of_bounds(lo, hi, n);
	if (scale > 0 && first_hi != PG_INT64_MAX)
		maybe = first_hi <= ps_epoch_cutoff(GetCurrentTransactionStartTimestamp(),
											p->retention, scale);
	return maybe;
}

static List *
retention_scripts(const PsPolicy *p)
{
	PsRetentionOptions o;
	char	   *script;
	BoundFacts	f;

	bound_facts(p->parent, &f);
	if (f.usable && !retention_maybe(p, &f))
		return NIL;
	if (!f.usable && !epoch_retention_maybe(p))
		return NIL;
	ps_retention_options_init(&o, p->parent);
	o.keep = p->retention;
	o.action = strcmp(p->retention_action, "drop") == 0 ? PS_RETENTION_DROP :
		strcmp(p->retention_action, "archive") == 0 ? PS_RETENTION_ARCHIVE :
		PS_RETENTION_DETACH;
	if (o.action == PS_RETENTION_ARCHIVE)
	{
		/* checked by partstrat_set_policy; the schema may be gone since */
		o.archive_name = p->archive_schema;
		o.archive_nsp = get_namespace_oid(p->archive_schema, false);
	}
	o.concurrently = p->concurrently;
	o.as_of = GetCurrentTransactionStartTimestamp();
	/* an integer key: the epoch unit its bounds read as (else an ERROR) */
	o.epoch_scale = PS_EPOCH_FROM_BOUNDS;
	script = ps_ddl_retention(&o);
	return script ? list_make1(script) : NIL;
}

static List *
rescue_scripts(const PsPolicy *p)
{
	PsRescueOptions o;
	char	   *script;
	BoundFacts	f;

	if (!OidIsValid(get_default_partition_oid(p->parent)))
		return NIL;
	bound_facts(p->parent, &f);
	if (f.usable && !f.default_has_pages)
		return NIL;
	ps_rescue_options_init(&o, p->parent);
	script = ps_ddl_rescue_default(&o);
	return script ? list_make1(script) : NIL;
}

/* Split or merge: the scripts of partstrat_advise()'s advice of that kind. */
static List *
advised_scripts(const PsPolicy *p, const char *action)
{
	List	   *result = NIL;
	Oid			argtypes[3] = {REGCLASSOID, INT8OID, TEXTOID};
	Datum		args[3];
	char		nulls[3] = {' ', p->target_bytes > 0 ? ' ' : 'n', ' '};
	MemoryContext outer = CurrentMemoryContext;
	uint64		i;

	args[0] = ObjectIdGetDatum(p->parent);
	args[1] = Int64GetDatum(p->target_bytes);
	args[2] = CStringGetTextDatum(action);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(psprintf("SELECT a.ddl FROM %s($1, $2) a "
									   "WHERE a.action = $3 AND a.ddl IS NOT NULL "
									   "ORDER BY a.priority",
									   ps_mx_relname("partstrat_advise")),
							  3, argtypes, args, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "partstrat_advise failed");
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *ddl = SPI_getvalue(SPI_tuptable->vals[i],
									   SPI_tuptable->tupdesc, 1);
		MemoryContext spicxt;

		/*
		 * The list too, not only its strings, in the caller's context:
		 * SPI_connect() made SPI's procedure context current, which
		 * SPI_finish() deletes.  A list left there was read after the free
		 * (by the worker, whose next statements reuse that memory: a NULL
		 * script, SIGSEGV in raw_parser).
		 */
		spicxt = MemoryContextSwitchTo(outer);
		result = lappend(result, pstrdup(ddl));
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	return result;
}

/* The scripts of one action of a policy, NIL when it has nothing to do. */
List *
ps_action_scripts(const PsPolicy *p, PsActionKind kind)
{
	switch (kind)
	{
		case PS_ACT_PREMAKE:
			return p->premake > 0 ? premake_scripts(p) : NIL;
		case PS_ACT_RETENTION:
			return p->retention ? retention_scripts(p) : NIL;
		case PS_ACT_RESCUE:
			return p->rescue_default ? rescue_scripts(p) : NIL;
		case PS_ACT_SPLIT:
			return p->split_oversized ? advised_scripts(p, "split") : NIL;
		case PS_ACT_MERGE:
			return p->merge_undersized ? advised_scripts(p, "merge") : NIL;
		default:
			break;
	}
	return NIL;
}
