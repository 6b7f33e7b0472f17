/*-------------------------------------------------------------------------
 *
 * timeaxis.c
 *	  The time axis every part of partstrat reasons on: positions of key
 *	  values, steps between bounds and their arithmetic, and their labels.
 *
 * A key value of an integer, date or timestamp column is a position on an
 * int64 axis (the integer itself, days for a date, microseconds for a
 * timestamp); a step is an integer or calendar months + days + a fixed
 * number of microseconds, added in the axis's time zone the way
 * timestamptz + interval is (the day of the month clamped to the month's
 * length).  The advice (advise_time.c) and the generators' time line
 * (ddl_timeline.c: premake, retention, the DEFAULT rescue) both compute
 * with these functions and label steps with the same words ("daily",
 * "monthly", "3 months").  Pure computation: no catalog access.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/analysis/timeaxis.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "partstrat.h"
#include "timeaxis.h"

/* Days of an average month, to estimate how many steps fit in a stretch. */
#define PS_DAYS_PER_MONTH	30.436875

/* ----------------------------------------------------------------------
 * Axis values
 * ----------------------------------------------------------------------
 */

static void
axis_out_of_range(const PsAxis *axis)
{
	ereport(ERROR,
			(errcode(axis->is_time ? ERRCODE_DATETIME_VALUE_OUT_OF_RANGE :
					 ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("next partition bound is out of range for type %s",
					format_type_be(axis->typid)),
			 errhint("Pass a smaller step or count.")));
}

/*
 * Position of a bound value on the axis.  *inf is set for MINVALUE,
 * MAXVALUE and infinite dates or timestamps (then PG_INT64_MIN or
 * PG_INT64_MAX is returned).
 */
int64
ps_axis_pos(const PsAxis *axis, const PsValue *v, bool *inf)
{
	*inf = false;
	if (v->kind != PS_RANGE_VALUE)
	{
		*inf = true;
		return v->kind == PS_RANGE_MINVALUE ? PG_INT64_MIN : PG_INT64_MAX;
	}
	switch (axis->typid)
	{
		case INT2OID:
			return DatumGetInt16(v->value);
		case INT4OID:
			return DatumGetInt32(v->value);
		case INT8OID:
			return DatumGetInt64(v->value);
		case DATEOID:
			{
				DateADT		d = DatumGetDateADT(v->value);

				if (DATE_NOT_FINITE(d))
				{
					*inf = true;
					return DATE_IS_NOBEGIN(d) ? PG_INT64_MIN : PG_INT64_MAX;
				}
				return d;
			}
		default:
			{
				Timestamp	ts = DatumGetTimestamp(v->value);

				if (TIMESTAMP_NOT_FINITE(ts))
				{
					*inf = true;
					return TIMESTAMP_IS_NOBEGIN(ts) ? PG_INT64_MIN : PG_INT64_MAX;
				}
				return ts;
			}
	}
}

/* A bound value (datum and ISO text) at a position of the axis. */
PsValue
ps_axis_value(const PsAxis *axis, int64 pos)
{
	PsValue		v;
	Datum		d;

	switch (axis->typid)
	{
		case INT2OID:
			if (pos < PG_INT16_MIN || pos > PG_INT16_MAX)
				axis_out_of_range(axis);
			d = Int16GetDatum((int16) pos);
			break;
		case INT4OID:
			if (pos < PG_INT32_MIN || pos > PG_INT32_MAX)
				axis_out_of_range(axis);
			d = Int32GetDatum((int32) pos);
			break;
		case INT8OID:
			d = Int64GetDatum(pos);
			break;
		case DATEOID:
			if (pos < PG_INT32_MIN || pos > PG_INT32_MAX ||
				!IS_VALID_DATE((DateADT) pos))
				axis_out_of_range(axis);
			d = DateADTGetDatum((DateADT) pos);
			break;
		default:
			if (!IS_VALID_TIMESTAMP(pos))
				axis_out_of_range(axis);
			d = TimestampGetDatum(pos);
			break;
	}
	/* every axis type is passed by value: nothing to copy */
	memset(&v, 0, sizeof(v));
	v.kind = PS_RANGE_VALUE;
	v.value = d;
	v.text = ps_datum_to_iso(d, axis->typid);
	return v;
}

/* ISO text of a position, for comments and messages. */
char *
ps_axis_text(const PsAxis *axis, int64 pos)
{
	PsValue		v = ps_axis_value(axis, pos);

	return v.text;
}

/*
 * Local calendar fields of a time position, in the axis's time zone for
 * timestamptz.
 */
void
ps_axis_local_tm(const PsAxis *axis, int64 pos, struct pg_tm *tm, fsec_t *fsec)
{
	int			tzoff;

	memset(tm, 0, sizeof(*tm));
	*fsec = 0;
	if (axis->typid == DATEOID)
	{
		j2date((int) pos + POSTGRES_EPOCH_JDATE,
			   &tm->tm_year, &tm->tm_mon, &tm->tm_mday);
		return;
	}
	if (timestamp2tm(pos, axis->typid == TIMESTAMPTZOID ? &tzoff : NULL,
					 tm, fsec, NULL, axis->tz) != 0)
		axis_out_of_range(axis);
}

/* Back from local calendar fields to a position. */
int64
ps_axis_from_local_tm(const PsAxis *axis, struct pg_tm *tm, fsec_t fsec)
{
	Timestamp	ts;

	if (axis->typid == DATEOID)
	{
		if (!IS_VALID_JULIAN(tm->tm_year, tm->tm_mon, tm->tm_mday))
			axis_out_of_range(axis);
		return date2j(tm->tm_year, tm->tm_mon, tm->tm_mday) -
			POSTGRES_EPOCH_JDATE;
	}
	if (!IS_VALID_JULIAN(tm->tm_year, tm->tm_mon, tm->tm_mday))
		axis_out_of_range(axis);
	if (axis->typid == TIMESTAMPTZOID)
	{
		int			tzoff = DetermineTimeZoneOffset(tm, axis->tz);

		if (tm2timestamp(tm, fsec, &tzoff, &ts) != 0)
			axis_out_of_range(axis);
	}
	else if (tm2timestamp(tm, fsec, NULL, &ts) != 0)
		axis_out_of_range(axis);
	return ts;
}

/*
 * base + n steps.  Months, then days are added to the local calendar
 * fields (the day of the month clamped to the month's length), then the
 * fixed microseconds: the arithmetic of timestamptz + interval in the
 * axis's time zone.  Always computed from base, so that clamping a day
 * never accumulates.
 */
int64
ps_step_add(const PsAxis *axis, const PsStep *step, int64 base, int64 n)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int64		result;

	if (!axis->is_time)
	{
		if (pg_mul_s64_overflow(step->ival, n, &result) ||
			pg_add_s64_overflow(base, result, &result))
			axis_out_of_range(axis);
		return result;
	}

	ps_axis_local_tm(axis, base, &tm, &fsec);
	if (step->months != 0)
	{
		int64		total = (int64) tm.tm_year * 12 + (tm.tm_mon - 1) +
			(int64) step->months * n;
		int64		year = total >= 0 ? total / 12 : -((-total + 11) / 12);

		if (year < -4713 || year > 294276)
			axis_out_of_range(axis);
		tm.tm_year = (int) year;
		tm.tm_mon = (int) (total - year * 12) + 1;
		if (tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1])
			tm.tm_mday = day_tab[isleap(tm.tm_year)][tm.tm_mon - 1];
	}
	if (step->days != 0)
	{
		int64		jd = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) +
			(int64) step->days * n;

		if (jd < 0 || jd > PG_INT32_MAX)
			axis_out_of_range(axis);
		j2date((int) jd, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	}
	result = ps_axis_from_local_tm(axis, &tm, fsec);
	if (step->usecs != 0)
	{
		int64		add;

		if (pg_mul_s64_overflow(step->usecs, n, &add) ||
			pg_add_s64_overflow(result, add, &result))
			axis_out_of_range(axis);
	}
	return result;
}

/*
 * The n with base + n steps <= v < base + (n + 1) steps: estimated from
 * the step's average length, then corrected.
 */
int64
ps_step_floor(const PsAxis *axis, const PsStep *step, int64 base, int64 v)
{
	double		len;
	int64		n;

	if (!axis->is_time)
		len = (double) step->ival;
	else if (axis->typid == DATEOID)
		len = step->months * PS_DAYS_PER_MONTH + step->days;
	else
		len = (step->months * PS_DAYS_PER_MONTH + step->days) *
			(double) USECS_PER_DAY + (double) step->usecs;
	n = (int64) floor(((double) v - (double) base) / len);
	while (ps_step_add(axis, step, base, n) > v)
	{
		CHECK_FOR_INTERRUPTS();
		n--;
	}
	while (ps_step_add(axis, step, base, n + 1) <= v)
	{
		CHECK_FOR_INTERRUPTS();
		n++;
	}
	return n;
}

/* ----------------------------------------------------------------
 * Key values
 * ----------------------------------------------------------------
 */

bool
ps_key_is_time(Oid typid)
{
	return typid == DATEOID || typid == TIMESTAMPOID ||
		typid == TIMESTAMPTZOID;
}

/* A time bound value in microseconds since 2000-01-01 (UTC). */
bool
ps_key_value_usec(const PsValue *v, Oid typid, int64 *usec)
{
	if (v->kind != PS_RANGE_VALUE || v->isnull)
		return false;
	if (typid == DATEOID)
	{
		DateADT		d = DatumGetDateADT(v->value);

		if (DATE_NOT_FINITE(d))
			return false;
		*usec = (int64) d * USECS_PER_DAY;
		return true;
	}
	if (typid == TIMESTAMPOID || typid == TIMESTAMPTZOID)
	{
		Timestamp	ts = DatumGetTimestamp(v->value);

		if (TIMESTAMP_NOT_FINITE(ts))
			return false;
		*usec = ts;
		return true;
	}
	return false;
}

/* ----------------------------------------------------------------------
 * Labels
 * ----------------------------------------------------------------------
 */

char *
ps_step_label(const PsAxis *axis, const PsStep *st)
{
	if (!axis->is_time)
		return psprintf(INT64_FORMAT, st->ival);
	if (st->days == 0 && st->usecs == 0)
	{
		if (st->months == 1)
			return "monthly";
		if (st->months == 3)
			return "quarterly";
		if (st->months == 12)
			return "yearly";
	}
	if (st->months == 0 && st->usecs == 0)
	{
		if (st->days == 1)
			return "daily";
		if (st->days == 7)
			return "weekly";
	}
	if (st->months == 0 && st->days == 0 && st->usecs == USECS_PER_HOUR)
		return "hourly";
	return ps_interval_text(st->months, st->days, st->usecs);
}

/* "1 year 2 months", "3 days 6 hours": an interval for people. */
char *
ps_interval_text(int32 months, int32 days, int64 usecs)
{
	StringInfoData buf;
	PsStep		one;
	PsStep	   *st = &one;

	one.months = months;
	one.days = days;
	one.usecs = usecs;
	initStringInfo(&buf);
	if (st->months >= 12)
		appendStringInfo(&buf, "%d year%s", st->months / 12,
						 st->months / 12 == 1 ? "" : "s");
	if (st->months % 12 != 0)
		appendStringInfo(&buf, "%s%d month%s", buf.len ? " " : "",
						 st->months % 12, st->months % 12 == 1 ? "" : "s");
	if (st->days != 0)
		appendStringInfo(&buf, "%s%d day%s", buf.len ? " " : "", st->days,
						 st->days == 1 ? "" : "s");
	if (st->usecs != 0)
	{
		int64		u = st->usecs;

		if (u % USECS_PER_HOUR == 0)
			appendStringInfo(&buf, "%s" INT64_FORMAT " hours",
							 buf.len ? " " : "", u / USECS_PER_HOUR);
		else if (u % USECS_PER_MINUTE == 0)
			appendStringInfo(&buf, "%s" INT64_FORMAT " minutes",
							 buf.len ? " " : "", u / USECS_PER_MINUTE);
		else
			appendStringInfo(&buf, "%s" INT64_FORMAT " microseconds",
							 buf.len ? " " : "", u);
	}
	return buf.data;
}
