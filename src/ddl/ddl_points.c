/*-------------------------------------------------------------------------
 *
 * ddl_points.c
 *	  Where to cut a range partition: the distribution of its first key
 *	  column, quantiles of it, and their rounding to natural units.
 *
 * The distribution comes from the partition's pg_statistic row (null
 * fraction, most common values and histogram together: a low-cardinality
 * key has MCVs and no histogram) or, with exact => true, from 1,001 exact
 * quantiles of the data.  Split points are its quantiles, rounded to the
 * coarsest natural unit that still gives distinct points inside the range
 * with no piece above 1.5 times an equal share.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_points.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "ddl_points.h"

/* ---------------------------------------------------------------------
 * The first key column
 * ---------------------------------------------------------------------
 */

int
ps_split_key_cmp(const SplitKey *k, Datum a, Datum b)
{
	return DatumGetInt32(FunctionCall2Coll((FmgrInfo *) &k->cmp,
										   k->collation, a, b));
}

static int
datum_qsort_cmp(const void *a, const void *b, void *arg)
{
	return ps_split_key_cmp((const SplitKey *) arg, *(const Datum *) a,
				   *(const Datum *) b);
}

void
ps_split_read_key(SplitKey *k, Oid parentid, const PsKey *pskey)
{
	Relation	rel = table_open(parentid, AccessShareLock);
	PartitionKey pk = RelationGetPartitionKey(rel);

	memset(k, 0, sizeof(*k));
	k->nrows = -1;
	k->typid = pskey->typids[0];
	k->typmod = pskey->typmods[0];
	k->collation = pskey->collations[0];
	get_typlenbyval(k->typid, &k->typlen, &k->typbyval);
	if (pk->strategy != PARTITION_STRATEGY_HASH)
		fmgr_info_copy(&k->cmp, &pk->partsupfunc[0], CurrentMemoryContext);
	if (pk->partattrs[0] != 0)
		k->colname = pstrdup(pskey->colnames[0]);
	else
		k->is_expr = true;
	table_close(rel, AccessShareLock);
	/* qualified names: the text runs in queries under ps_ddl_iso_enter() */
	k->expr = ps_ddl_key_expr(parentid, 0);
}

/* "ONLY rel" for a leaf, "rel" for a partitioned table (all its rows). */
char *
ps_split_source(Oid relid)
{
	return psprintf("%s%s",
					get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE ? "" : "ONLY ",
					ps_ddl_qualified(relid));
}

/* ---------------------------------------------------------------------
 * Distribution: pg_statistic or the data
 * ---------------------------------------------------------------------
 */

static Datum *
copy_datums(const SplitKey *k, Datum *src, int n)
{
	Datum	   *dst = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		dst[i] = datumCopy(src[i], k->typbyval, k->typlen);
	return dst;
}

/* Sort the MCVs (with their frequencies) and the histogram by cmp. */
static void
sort_dist(SplitKey *k)
{
	int			i,
				j;

	qsort_arg(k->hist, k->nhist, sizeof(Datum), datum_qsort_cmp, k);
	/* insertion sort of the MCVs keeps the frequencies aligned */
	for (i = 1; i < k->nmcv; i++)
	{
		Datum		v = k->mcv[i];
		double		f = k->mcvfreq[i];

		for (j = i - 1; j >= 0 && ps_split_key_cmp(k, k->mcv[j], v) > 0; j--)
		{
			k->mcv[j + 1] = k->mcv[j];
			k->mcvfreq[j + 1] = k->mcvfreq[j];
		}
		k->mcv[j + 1] = v;
		k->mcvfreq[j + 1] = f;
	}
}

/* From the partition's own statistics; false when it has none. */
bool
ps_split_dist_from_stats(SplitKey *k, Oid relid)
{
	AttrNumber	attnum;
	HeapTuple	tup;
	AttStatsSlot sslot;
	double		mcvsum = 0;
	int			i;

	if (k->is_expr)
		return false;
	/* as pg_stats: hidden when row-level security applies to the caller */
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return false;
	attnum = get_attnum(relid, k->colname);
	if (attnum == InvalidAttrNumber)
		return false;
	/* a partitioned table has statistics of its whole tree only */
	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid),
						  Int16GetDatum(attnum),
						  BoolGetDatum(get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE));
	if (!HeapTupleIsValid(tup))
		return false;
	k->nullfrac = ((Form_pg_statistic) GETSTRUCT(tup))->stanullfrac;
	if (get_attstatsslot(&sslot, tup, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		k->nmcv = sslot.nvalues;
		k->mcv = copy_datums(k, sslot.values, sslot.nvalues);
		k->mcvfreq = palloc(sizeof(double) * Max(sslot.nvalues, 1));
		for (i = 0; i < sslot.nvalues; i++)
		{
			k->mcvfreq[i] = sslot.numbers[i];
			mcvsum += sslot.numbers[i];
		}
		free_attstatsslot(&sslot);
	}
	if (get_attstatsslot(&sslot, tup, STATISTIC_KIND_HISTOGRAM, InvalidOid,
						 ATTSTATSSLOT_VALUES))
	{
		k->nhist = sslot.nvalues;
		k->hist = copy_datums(k, sslot.values, sslot.nvalues);
		free_attstatsslot(&sslot);
	}
	ReleaseSysCache(tup);
	k->histmass = Max(0.0, 1.0 - k->nullfrac - mcvsum);
	if (k->nhist < 2)
		k->histmass = 0;
	k->source = "pg_statistic";
	k->have_dist = (k->nmcv > 0 || k->nhist >= 2);
	if (k->have_dist)
		sort_dist(k);
	return k->have_dist;
}

/*
 * From the data: EXACT_QUANTILES + 1 exact quantiles (percentile_disc),
 * used as an equal-mass histogram.  false when the partition is empty.
 */
bool
ps_split_dist_from_data(SplitKey *k, Oid relid)
{
	char	   *sql;
	bool		isnull;
	Datum		arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	char		typalign;
	MemoryContext caller = CurrentMemoryContext;
	PsAsUser	ao;

	sql = psprintf("SELECT pg_catalog.percentile_disc("
				   "ARRAY(SELECT g::float8 / %d FROM pg_catalog.generate_series(0, %d) g)) "
				   "WITHIN GROUP (ORDER BY %s), pg_catalog.count(*) FROM %s",
				   EXACT_QUANTILES, EXACT_QUANTILES, k->expr,
				   ps_split_source(relid));
	ps_spi_connect_as_owner(&ao, relid);
	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "quantile query failed: %s", sql);
	k->nrows = (double) DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 2,
													&isnull));
	arr = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
						&isnull);
	if (isnull)
	{
		ps_spi_finish_as_owner(&ao);
		return false;
	}
	{
		int16		tl;
		bool		tb;

		get_typlenbyvalalign(k->typid, &tl, &tb, &typalign);
	}
	deconstruct_array(DatumGetArrayTypeP(arr), k->typid, k->typlen,
					  k->typbyval, typalign, &elems, &nulls, &n);
	/* copy out of SPI's memory */
	{
		MemoryContext old = MemoryContextSwitchTo(caller);
		int			i,
					m = 0;

		k->hist = palloc(sizeof(Datum) * n);
		for (i = 0; i < n; i++)
			if (!nulls[i])
				k->hist[m++] = datumCopy(elems[i], k->typbyval, k->typlen);
		k->nhist = m;
		MemoryContextSwitchTo(old);
	}
	ps_spi_finish_as_owner(&ao);
	k->nullfrac = 0;
	k->histmass = 1.0;
	k->source = "the data";
	k->have_dist = (k->nhist >= 2);
	return k->have_dist;
}

/* ---------------------------------------------------------------------
 * Numbers for interpolation and rounding
 * ---------------------------------------------------------------------
 */

static bool
is_numeric_type(Oid typid)
{
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return true;
		default:
			return false;
	}
}

static double
to_double(Oid typid, Datum d)
{
	switch (typid)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		case FLOAT4OID:
			return DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case DATEOID:
			return DatumGetDateADT(d);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return (double) DatumGetTimestamp(d);
	}
	elog(ERROR, "type %u is not numeric", typid);
	return 0;
}

static Datum
from_double(Oid typid, double x)
{
	switch (typid)
	{
		case INT2OID:
			return Int16GetDatum((int16) Max(Min(rint(x), PG_INT16_MAX), PG_INT16_MIN));
		case INT4OID:
			return Int32GetDatum((int32) Max(Min(rint(x), PG_INT32_MAX), PG_INT32_MIN));
		case INT8OID:
			/* 2^63 is not representable: stay one ulp inside */
			return Int64GetDatum((int64) Max(Min(rint(x), 9223372036854774784.0),
											 -9223372036854775808.0));
		case NUMERICOID:
			return DirectFunctionCall1(float8_numeric, Float8GetDatum(x));
		case FLOAT4OID:
			return Float4GetDatum((float4) x);
		case FLOAT8OID:
			return Float8GetDatum(x);
		case DATEOID:
			return DateADTGetDatum((DateADT) rint(x));
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return TimestampGetDatum((Timestamp) rint(x));
	}
	elog(ERROR, "type %u is not numeric", typid);
	return (Datum) 0;
}

/*
 * Fraction (of the non-null rows) of the partition's values below x.
 * MCVs count fully; each histogram bucket counts linearly (numeric types)
 * or half (others) when x falls inside it.
 */
static double
cdf(const SplitKey *k, Datum x)
{
	double		below = 0;
	double		total = 0;
	int			i;
	bool		numeric = is_numeric_type(k->typid);

	for (i = 0; i < k->nmcv; i++)
	{
		total += k->mcvfreq[i];
		if (ps_split_key_cmp(k, k->mcv[i], x) < 0)
			below += k->mcvfreq[i];
	}
	if (k->nhist >= 2 && k->histmass > 0)
	{
		double		per = k->histmass / (k->nhist - 1);

		total += k->histmass;
		for (i = 0; i + 1 < k->nhist; i++)
		{
			Datum		lo = k->hist[i],
						hi = k->hist[i + 1];

			if (ps_split_key_cmp(k, hi, x) < 0)
				below += per;
			else if (ps_split_key_cmp(k, lo, x) < 0)
			{
				if (numeric)
				{
					double		dlo = to_double(k->typid, lo),
								dhi = to_double(k->typid, hi),
								dx = to_double(k->typid, x);

					below += dhi > dlo ? per * (dx - dlo) / (dhi - dlo) : per;
				}
				else
					below += per / 2;
			}
			else if (ps_split_key_cmp(k, hi, x) == 0 && ps_split_key_cmp(k, lo, x) < 0)
				below += per;
		}
	}
	return total > 0 ? below / total : 0;
}

/*
 * A value x with cdf(x) close to t: by bisection over doubles for numeric
 * types, else the MCV or histogram bound whose cdf is closest.
 */
Datum
ps_split_quantile(const SplitKey *k, double t)
{
	Datum		best = (Datum) 0;
	double		bestdist = 2.0;
	int			i;

	if (is_numeric_type(k->typid))
	{
		double		lo = INFINITY,
					hi = -INFINITY;
		double		tolerance = 0.5;
		int			iter;

		for (i = 0; i < k->nmcv; i++)
		{
			lo = Min(lo, to_double(k->typid, k->mcv[i]));
			hi = Max(hi, to_double(k->typid, k->mcv[i]));
		}
		for (i = 0; i < k->nhist; i++)
		{
			lo = Min(lo, to_double(k->typid, k->hist[i]));
			hi = Max(hi, to_double(k->typid, k->hist[i]));
		}
		/*
		 * Integers, dates and timestamps (microseconds) are whole numbers:
		 * half a unit is close enough, and max + 1 holds every value below
		 * it.  Floats and numerics are not: bisect down to adjacent doubles
		 * (a tolerance of 0.5 left a split of values within [0.3, 1] at
		 * 0.75 instead of the median).
		 */
		if (k->typid == FLOAT4OID || k->typid == FLOAT8OID ||
			k->typid == NUMERICOID)
		{
			tolerance = 0;
			hi = nextafter(hi, INFINITY);
		}
		else
			hi = hi + 1;
		for (iter = 0; iter < 2000 && hi - lo > tolerance; iter++)
		{
			double		mid = lo + (hi - lo) / 2;

			if (mid <= lo || mid >= hi)
				break;			/* adjacent doubles */
			if (cdf(k, from_double(k->typid, mid)) < t)
				lo = mid;
			else
				hi = mid;
		}
		return from_double(k->typid, hi);
	}
	for (i = 0; i < k->nmcv + k->nhist; i++)
	{
		Datum		v = i < k->nmcv ? k->mcv[i] : k->hist[i - k->nmcv];
		double		d = fabs(cdf(k, v) - t);

		if (d < bestdist)
		{
			bestdist = d;
			best = v;
		}
	}
	return best;
}

/* ---------------------------------------------------------------------
 * Rounding
 * ---------------------------------------------------------------------
 */

typedef enum RoundUnit
{
	ROUND_MONTH,
	ROUND_WEEK,
	ROUND_DAY,
	ROUND_HOUR,
	ROUND_MINUTE
} RoundUnit;

static const char *const round_unit_names[] = {"month", "week", "day", "hour", "minute"};

/*
 * Round a timestamp (microseconds) to the nearest unit boundary in the
 * frame local = ts - zoff.
 */
static int64
round_ts(int64 ts, int64 zoff, RoundUnit unit)
{
	int64		local = ts - zoff;
	int64		lo,
				hi;

	if (unit == ROUND_HOUR || unit == ROUND_MINUTE)
	{
		int64		step = unit == ROUND_HOUR ? USECS_PER_HOUR : USECS_PER_MINUTE;

		lo = local - ((local % step) + step) % step;
		hi = lo + step;
	}
	else
	{
		int64		days = local >= 0 ? local / USECS_PER_DAY :
			-((-local + USECS_PER_DAY - 1) / USECS_PER_DAY);
		int			jd = (int) days + POSTGRES_EPOCH_JDATE;
		int			y,
					m,
					d;

		if (unit == ROUND_DAY)
		{
			lo = days * USECS_PER_DAY;
			hi = lo + USECS_PER_DAY;
		}
		else if (unit == ROUND_WEEK)
		{
			int			back = (j2day(jd) + 6) % 7; /* days since Monday */

			lo = (days - back) * USECS_PER_DAY;
			hi = lo + 7 * USECS_PER_DAY;
		}
		else
		{
			j2date(jd, &y, &m, &d);
			lo = (int64) (date2j(y, m, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
			if (m == 12)
				hi = (int64) (date2j(y + 1, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
			else
				hi = (int64) (date2j(y, m + 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
		}
	}
	return (local - lo <= hi - local ? lo : hi) + zoff;
}

/*
 * Offset of the siblings' time zone: the partition's bounds sit at
 * midnight there.  Taken from the lower bound's time of day in UTC
 * (08:00 for a zone 8 hours west of UTC), else the upper bound's.
 */
static int64
zone_offset(const PsPartition *p)
{
	const PsValue *v = NULL;
	int64		tod;

	/* MINVALUE, MAXVALUE, -infinity and infinity say nothing of the zone */
	if (p->range_from[0].kind == PS_RANGE_VALUE &&
		!TIMESTAMP_NOT_FINITE(DatumGetTimestamp(p->range_from[0].value)))
		v = &p->range_from[0];
	else if (p->range_to[0].kind == PS_RANGE_VALUE &&
			 !TIMESTAMP_NOT_FINITE(DatumGetTimestamp(p->range_to[0].value)))
		v = &p->range_to[0];
	if (v == NULL)
		return 0;
	tod = DatumGetTimestamp(v->value) % USECS_PER_DAY;
	if (tod < 0)
		tod += USECS_PER_DAY;
	return tod <= 12 * USECS_PER_HOUR ? tod : tod - USECS_PER_DAY;
}

/* Within (lo, hi) of the first key column, strictly? */
bool
ps_split_inside(const SplitKey *k, const PsPartition *p, Datum v)
{
	if (p->range_from[0].kind == PS_RANGE_MAXVALUE ||
		p->range_to[0].kind == PS_RANGE_MINVALUE)
		return false;
	if (p->range_from[0].kind == PS_RANGE_VALUE &&
		ps_split_key_cmp(k, p->range_from[0].value, v) >= 0)
		return false;
	if (p->range_to[0].kind == PS_RANGE_VALUE &&
		ps_split_key_cmp(k, v, p->range_to[0].value) >= 0)
		return false;
	return true;
}

/*
 * Do the points make valid pieces (increasing, inside the range) with no
 * piece above MAX_SHARE_FACTOR times the ideal share?  shares[] gets the
 * share of each piece.
 */
bool
ps_split_points_ok(const SplitKey *k, const PsPartition *p, Datum *pts,
				   int npts, double *shares, bool check_balance)
{
	double		prev = 0;
	int			i;

	for (i = 0; i < npts; i++)
	{
		if (!ps_split_inside(k, p, pts[i]))
			return false;
		if (i > 0 && ps_split_key_cmp(k, pts[i - 1], pts[i]) >= 0)
			return false;
	}
	if (!k->have_dist)
		return true;
	for (i = 0; i <= npts; i++)
	{
		double		c = i < npts ? cdf(k, pts[i]) : 1.0;

		shares[i] = c - prev;
		prev = c;
		if (check_balance && shares[i] > MAX_SHARE_FACTOR / (npts + 1))
			return false;
	}
	return true;
}

/*
 * Round the quantile points to the coarsest unit that keeps them valid
 * and balanced; leave them as they are when none does.  Returns the name
 * of the unit used ("" when not rounded).
 */
char *
ps_split_round_points(const SplitKey *k, const PsPartition *p, Datum *pts,
					  int npts, double *shares)
{
	Datum	   *cand = palloc(sizeof(Datum) * npts);
	int			i;

	if (k->typid == TIMESTAMPOID || k->typid == TIMESTAMPTZOID ||
		k->typid == DATEOID)
	{
		int64		zoff = k->typid == DATEOID ? 0 : zone_offset(p);
		int			u;
		int			last = k->typid == DATEOID ? ROUND_WEEK : ROUND_MINUTE;

		/* an infinite point (a quantile at -infinity) has no unit */
		for (i = 0; i < npts; i++)
		{
			if (k->typid == DATEOID ?
				DATE_NOT_FINITE(DatumGetDateADT(pts[i])) :
				TIMESTAMP_NOT_FINITE(DatumGetTimestamp(pts[i])))
				last = -1;
		}
		for (u = ROUND_MONTH; u <= last; u++)
		{
			bool		valid = true;

			for (i = 0; i < npts; i++)
			{
				if (k->typid == DATEOID)
				{
					int64		ts = (int64) DatumGetDateADT(pts[i]) * USECS_PER_DAY;
					int64		r = round_ts(ts, 0, u) / USECS_PER_DAY;

					valid &= IS_VALID_DATE(r);
					cand[i] = DateADTGetDatum((DateADT) r);
				}
				else
				{
					int64		r = round_ts(DatumGetTimestamp(pts[i]), zoff, u);

					valid &= IS_VALID_TIMESTAMP(r);
					cand[i] = TimestampGetDatum(r);
				}
			}
			if (valid && ps_split_points_ok(k, p, cand, npts, shares, true))
			{
				memcpy(pts, cand, sizeof(Datum) * npts);
				return psprintf("%s%s", round_unit_names[u],
								zoff != 0 ? " (in the bounds' time zone)" : "");
			}
		}
	}
	else if (k->typid == INT2OID || k->typid == INT4OID ||
			 k->typid == INT8OID || k->typid == NUMERICOID)
	{
		double		mag;
		static const int mult[] = {5, 2, 1};

		for (mag = 1e18; mag >= 1; mag /= 10)
		{
			int			j;

			for (j = 0; j < 3; j++)
			{
				double		step = mag * mult[j];

				if (step == 1 && k->typid != NUMERICOID)
					continue;	/* rounding integers to 1 is no rounding */
				for (i = 0; i < npts; i++)
					cand[i] = from_double(k->typid,
										  rint(to_double(k->typid, pts[i]) / step) * step);
				if (ps_split_points_ok(k, p, cand, npts, shares, true))
				{
					memcpy(pts, cand, sizeof(Datum) * npts);
					return psprintf("multiples of %.0f", step);
				}
			}
		}
	}
	(void) ps_split_points_ok(k, p, pts, npts, shares, false);
	return pstrdup("");
}

