/*-------------------------------------------------------------------------
 *
 * ddl_bounds.c
 *	  The script toolkit's literals and partition bounds: a value as a
 *	  literal, a bound as a FOR VALUES clause and as the CHECK expression
 *	  that implies it.
 *
 * Generators never format a value or a bound themselves; they call these.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_bounds.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/tablespace.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "partitioning/partbounds.h"
#include "utils/partcache.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "asowner.h"
#include "ddl.h"

/* ---------------------------------------------------------------------
 * Literals and bounds
 * ---------------------------------------------------------------------
 */

char *
ps_ddl_literal(const PsValue *v)
{
	if (v->kind == PS_RANGE_MINVALUE)
		return pstrdup("MINVALUE");
	if (v->kind == PS_RANGE_MAXVALUE)
		return pstrdup("MAXVALUE");
	if (v->isnull)
		return pstrdup("NULL");
	return quote_literal_cstr(v->text);
}

PsValue
ps_ddl_value(Datum value, Oid typid, int16 typlen, bool typbyval)
{
	PsValue		v;

	v.kind = PS_RANGE_VALUE;
	v.isnull = false;
	v.value = datumCopy(value, typbyval, typlen);
	v.text = ps_datum_to_iso(value, typid);
	return v;
}

PsBound
ps_bound_of(const PsTree *tree, const PsPartition *p)
{
	PsBound		b;

	memset(&b, 0, sizeof(b));
	b.strategy = p->strategy;
	b.is_default = p->is_default;
	b.nkeys = tree->keys[p->key_index].nkeys;
	b.from = p->range_from;
	b.to = p->range_to;
	b.nlist = p->nlist;
	b.list = p->list_values;
	b.modulus = p->modulus;
	b.remainder = p->remainder;
	return b;
}

static void
append_values(StringInfo buf, const PsValue *vals, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, ps_ddl_literal(&vals[i]));
	}
}

char *
ps_ddl_bound_clause(const PsBound *b)
{
	StringInfoData buf;

	if (b->is_default)
		return pstrdup("DEFAULT");
	initStringInfo(&buf);
	switch (b->strategy)
	{
		case PS_STRATEGY_RANGE:
			appendStringInfoString(&buf, "FOR VALUES FROM (");
			append_values(&buf, b->from, b->nkeys);
			appendStringInfoString(&buf, ") TO (");
			append_values(&buf, b->to, b->nkeys);
			appendStringInfoChar(&buf, ')');
			break;
		case PS_STRATEGY_LIST:
			appendStringInfoString(&buf, "FOR VALUES IN (");
			append_values(&buf, b->list, b->nlist);
			appendStringInfoChar(&buf, ')');
			break;
		case PS_STRATEGY_HASH:
			appendStringInfo(&buf, "FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
							 b->modulus, b->remainder);
			break;
		default:
			elog(ERROR, "unexpected partition strategy \"%c\"", b->strategy);
	}
	return buf.data;
}

/* A Const of key column i holding v (NULL Const for the NULL value). */
static Const *
key_const(const PsKey *key, int i, const PsValue *v)
{
	int16		typlen;
	bool		typbyval;

	get_typlenbyval(key->typids[i], &typlen, &typbyval);
	return makeConst(key->typids[i], key->typmods[i], key->collations[i],
					 typlen, v->isnull ? (Datum) 0 : v->value, v->isnull,
					 typbyval);
}

static List *
range_datums(const PsKey *key, const PsValue *vals)
{
	List	   *l = NIL;
	int			i;

	for (i = 0; i < key->nkeys; i++)
	{
		PartitionRangeDatum *prd = makeNode(PartitionRangeDatum);

		prd->location = -1;
		if (vals[i].kind == PS_RANGE_MINVALUE)
			prd->kind = PARTITION_RANGE_DATUM_MINVALUE;
		else if (vals[i].kind == PS_RANGE_MAXVALUE)
			prd->kind = PARTITION_RANGE_DATUM_MAXVALUE;
		else
		{
			prd->kind = PARTITION_RANGE_DATUM_VALUE;
			prd->value = (Node *) key_const(key, i, &vals[i]);
		}
		l = lappend(l, prd);
	}
	return l;
}

char *
ps_ddl_bound_expr(Oid parentid, const PsKey *key, const PsBound *b)
{
	PartitionBoundSpec *spec = makeNode(PartitionBoundSpec);
	Relation	parent;
	List	   *quals;
	char	   *text;
	int			i;

	if (b->is_default)
		elog(ERROR, "ps_ddl_bound_expr called for the DEFAULT partition");
	spec->strategy = b->strategy;
	spec->is_default = false;
	spec->location = -1;
	switch (b->strategy)
	{
		case PS_STRATEGY_RANGE:
			spec->lowerdatums = range_datums(key, b->from);
			spec->upperdatums = range_datums(key, b->to);
			break;
		case PS_STRATEGY_LIST:
			for (i = 0; i < b->nlist; i++)
				spec->listdatums = lappend(spec->listdatums,
										   key_const(key, 0, &b->list[i]));
			break;
		case PS_STRATEGY_HASH:
			spec->modulus = b->modulus;
			spec->remainder = b->remainder;
			break;
	}

	parent = table_open(parentid, AccessShareLock);
	quals = get_qual_from_partbound(parent, spec);

	/*
	 * Under a parent that is itself a partition, ATTACH also checks the
	 * parent's own partition constraint: include it, or ATTACH scans.
	 */
	if (parent->rd_rel->relispartition)
		quals = list_concat(quals, RelationGetPartitionQual(parent));
	table_close(parent, AccessShareLock);
	text = deparse_expression((Node *) make_ands_explicit(quals),
							  deparse_context_for(get_rel_name(parentid),
												  parentid),
							  false, false);

	/*
	 * Hash: the constraint names the parent by OID; name it instead, so that
	 * the script reads well and stays the same across dump and restore.
	 */
	if (b->strategy == PS_STRATEGY_HASH)
	{
		char	   *oidform = psprintf("satisfies_hash_partition('%u'::oid, ",
									   parentid);
		char	   *at = strstr(text, oidform);

		if (at != NULL)
		{
			StringInfoData buf;

			initStringInfo(&buf);
			appendBinaryStringInfo(&buf, text, at - text);
			appendStringInfo(&buf, "satisfies_hash_partition(%s::regclass, ",
							 quote_literal_cstr(ps_ddl_qualified(parentid)));
			appendStringInfoString(&buf, at + strlen(oidform));
			text = buf.data;
		}
	}
	return text;
}
