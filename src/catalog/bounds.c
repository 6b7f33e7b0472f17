/*-------------------------------------------------------------------------
 *
 * bounds.c
 *	  Partition bounds: from pg_class.relpartbound to values and text.
 *
 * A bound is read once into PsValue arrays holding both the datum (for the
 * later stages that compute with it) and a session-independent text form:
 * timestamps in ISO form and in UTC, dates in ISO form, intervals in
 * IntervalStyle postgres, floats in their shortest exact form, everything
 * else by the type's output function.  The same text must come out whatever the
 * caller's TimeZone and DateStyle, because generated DDL and test outputs
 * are built from it.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/catalog/bounds.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/timestamp.h"

#include "partstrat.h"

/*
 * Render a datum of the given type in a form that does not depend on the
 * session's settings.
 */
char *
ps_datum_to_iso(Datum value, Oid typid)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;

	switch (typid)
	{
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
			{
				Timestamp	ts = DatumGetTimestamp(value);

				if (TIMESTAMP_NOT_FINITE(ts))
					EncodeSpecialTimestamp(ts, buf);
				else if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) == 0)
				{
					/* UTC: offset 0, printed as "+00" for timestamptz */
					tm.tm_isdst = 0;
					EncodeDateTime(&tm, fsec, typid == TIMESTAMPTZOID, 0,
								   NULL, USE_ISO_DATES, buf);
				}
				else
					ereport(ERROR,
							(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
							 errmsg("timestamp out of range")));
				return pstrdup(buf);
			}
		case DATEOID:
			{
				DateADT		d = DatumGetDateADT(value);

				if (DATE_NOT_FINITE(d))
					EncodeSpecialDate(d, buf);
				else
				{
					j2date(d + POSTGRES_EPOCH_JDATE,
						   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
					EncodeDateOnly(&tm, USE_ISO_DATES, buf);
				}
				return pstrdup(buf);
			}
		case INTERVALOID:
			{
				/*
				 * IntervalStyle postgres: sql_standard's output of a
				 * mixed-sign interval reads back as another interval in a
				 * session with another style.
				 */
				struct pg_itm itm;

				interval2itm(*DatumGetIntervalP(value), &itm);
				EncodeInterval(&itm, INTSTYLE_POSTGRES, buf);
				return pstrdup(buf);
			}
		case FLOAT8OID:
		case FLOAT4OID:
			{
				/*
				 * The shortest text that reads back as the same value, as
				 * float8out gives with extra_float_digits > 0: with the
				 * session's extra_float_digits <= 0 it would be rounded,
				 * and a bound rounded is another bound.
				 */
				char	   *ascii = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

				if (typid == FLOAT8OID)
					double_to_shortest_decimal_buf(DatumGetFloat8(value), ascii);
				else
					float_to_shortest_decimal_buf(DatumGetFloat4(value), ascii);
				return ascii;
			}
		default:
			{
				Oid			outfunc;
				bool		isvarlena;

				getTypeOutputInfo(typid, &outfunc, &isvarlena);
				return OidOutputFunctionCall(outfunc, value);
			}
	}
}

/* Copy one Const of a bound into a PsValue. */
static void
read_const(PsValue *out, Node *node)
{
	Const	   *c;

	if (!IsA(node, Const))
		elog(ERROR, "unexpected node type %d in partition bound",
			 (int) nodeTag(node));
	c = (Const *) node;
	out->kind = PS_RANGE_VALUE;
	out->isnull = c->constisnull;
	if (c->constisnull)
	{
		out->value = (Datum) 0;
		out->text = NULL;
	}
	else
	{
		out->value = datumCopy(c->constvalue, c->constbyval, c->constlen);
		out->text = ps_datum_to_iso(c->constvalue, c->consttype);
	}
}

static PsValue *
read_range_datums(List *datums, int nkeys)
{
	PsValue    *vals = palloc0(sizeof(PsValue) * Max(nkeys, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, datums)
	{
		PartitionRangeDatum *prd = lfirst_node(PartitionRangeDatum, lc);

		if (i >= nkeys)
			elog(ERROR, "partition bound has more values than key columns");
		if (prd->kind == PARTITION_RANGE_DATUM_MINVALUE)
		{
			vals[i].kind = PS_RANGE_MINVALUE;
			vals[i].text = pstrdup("MINVALUE");
		}
		else if (prd->kind == PARTITION_RANGE_DATUM_MAXVALUE)
		{
			vals[i].kind = PS_RANGE_MAXVALUE;
			vals[i].text = pstrdup("MAXVALUE");
		}
		else
			read_const(&vals[i], prd->value);
		i++;
	}
	return vals;
}

/*
 * Interpret a PartitionBoundSpec (already parsed from relpartbound) for the
 * given partition, with its parent's key.
 */
void
ps_read_bound(PsPartition *part, const PsKey *key, Node *boundspec)
{
	PartitionBoundSpec *spec;

	if (boundspec == NULL || !IsA(boundspec, PartitionBoundSpec))
		elog(ERROR, "relation %u has no valid partition bound", part->relid);
	spec = (PartitionBoundSpec *) boundspec;

	part->strategy = key->strategy;
	part->is_default = spec->is_default;
	part->bound_text = deparse_expression(boundspec, NIL, false, false);
	if (spec->is_default)
		return;

	switch (spec->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			part->range_from = read_range_datums(spec->lowerdatums,
												 key->nkeys);
			part->range_to = read_range_datums(spec->upperdatums,
											   key->nkeys);
			break;
		case PARTITION_STRATEGY_LIST:
			{
				ListCell   *lc;
				int			i = 0;

				part->nlist = list_length(spec->listdatums);
				part->list_values = palloc0(sizeof(PsValue) *
											Max(part->nlist, 1));
				foreach(lc, spec->listdatums)
					read_const(&part->list_values[i++], lfirst(lc));
				break;
			}
		case PARTITION_STRATEGY_HASH:
			part->modulus = spec->modulus;
			part->remainder = spec->remainder;
			break;
		default:
			elog(ERROR, "unexpected partition strategy \"%c\"",
				 spec->strategy);
	}
}
