/*-------------------------------------------------------------------------
 *
 * pruning_params.c
 *	  Representative values for the parameters of a statement, so that its
 *	  'custom' plan is the plan a real execution would get.
 *
 * A parameter compared with a column ($1 = t.k, t.k BETWEEN $1 AND $2,
 * t.k = ANY($1)) takes a value of that column: for a partition key the most
 * common value of the parent's statistics, else a value inside the newest
 * partition (the last by bound), else the newest analysed leaf's most common
 * value; for another column its most common value (parent, then leaves),
 * else the median of its histogram.  Anything else gets a plain non-NULL
 * value of its type.  Never NULL: a NULL prunes every partition and makes
 * the plan look perfect (see PG15-FACTS.md).
 *
 * Statistics are read only when the calling user may SELECT the column,
 * as the pg_stats view requires.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning_params.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "partstrat.h"
#include "pruning.h"

/* Which column each parameter is compared with. */
typedef struct ParamMapCtx
{
	List	   *rtables;		/* innermost query level first */
	int			nparams;
	Oid		   *relids;
	AttrNumber *attnums;
	bool	   *upper;			/* column < $n or column <= $n */
} ParamMapCtx;

/*
 * The expression under its casts: implicit ones only, or explicit ones too
 * (a parameter's side: ORMs write $1::text::timestamptz, and the value of
 * the column it is compared with, as text, is what such a parameter gets).
 */
static Node *
strip_casts_ext(Node *n, bool explicit)
{
	for (;;)
	{
		if (n == NULL)
			return NULL;
		if (IsA(n, RelabelType))
			n = (Node *) ((RelabelType *) n)->arg;
		else if (IsA(n, FuncExpr) &&
				 (((FuncExpr *) n)->funcformat == COERCE_IMPLICIT_CAST ||
				  (explicit && ((FuncExpr *) n)->funcformat == COERCE_EXPLICIT_CAST)) &&
				 list_length(((FuncExpr *) n)->args) >= 1)
			n = linitial(((FuncExpr *) n)->args);
		else if (IsA(n, CoerceViaIO) &&
				 (((CoerceViaIO *) n)->coerceformat == COERCE_IMPLICIT_CAST ||
				  explicit))
			n = (Node *) ((CoerceViaIO *) n)->arg;
		else if (IsA(n, ArrayCoerceExpr) && explicit)
			n = (Node *) ((ArrayCoerceExpr *) n)->arg;
		else
			return n;
	}
}

static Node *
strip_casts(Node *n)
{
	return strip_casts_ext(n, false);
}

static void
note_param(ParamMapCtx *cx, Node *colside, Node *paramside, bool upper)
{
	Var		   *v;
	Param	   *p;
	List	   *rtable;
	RangeTblEntry *rte;
	List	   *elems = NIL;
	ListCell   *lc;

	colside = strip_casts(colside);
	paramside = strip_casts_ext(paramside, true);
	if (colside == NULL || paramside == NULL || !IsA(colside, Var))
		return;
	if (IsA(paramside, ArrayExpr))
		elems = ((ArrayExpr *) paramside)->elements;
	else
		elems = list_make1(paramside);
	v = (Var *) colside;
	if ((int) v->varlevelsup >= list_length(cx->rtables))
		return;
	rtable = (List *) list_nth(cx->rtables, v->varlevelsup);
	if (v->varno < 1 || v->varno > list_length(rtable) ||
		v->varattno <= 0)
		return;
	rte = rt_fetch(v->varno, rtable);
	if (rte->rtekind != RTE_RELATION)
		return;
	foreach(lc, elems)
	{
		Node	   *e = strip_casts_ext(lfirst(lc), true);

		if (e == NULL || !IsA(e, Param))
			continue;
		p = (Param *) e;
		if (p->paramkind != PARAM_EXTERN || p->paramid < 1 ||
			p->paramid > cx->nparams || OidIsValid(cx->relids[p->paramid - 1]))
			continue;
		cx->relids[p->paramid - 1] = rte->relid;
		cx->attnums[p->paramid - 1] = v->varattno;
		cx->upper[p->paramid - 1] = upper;
	}
}

static bool
param_map_walker(Node *node, ParamMapCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		Query	   *q = (Query *) node;
		bool		r;

		cx->rtables = lcons(q->rtable, cx->rtables);
		r = query_tree_walker(q, param_map_walker, cx, 0);
		cx->rtables = list_delete_first(cx->rtables);
		return r;
	}
	if (IsA(node, OpExpr) && list_length(((OpExpr *) node)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) node;
		char	   *name = get_opname(op->opno);
		bool		lt = name && (strcmp(name, "<") == 0 || strcmp(name, "<=") == 0);
		bool		gt = name && (strcmp(name, ">") == 0 || strcmp(name, ">=") == 0);

		note_param(cx, linitial(op->args), lsecond(op->args), lt);
		note_param(cx, lsecond(op->args), linitial(op->args), gt);
	}
	else if (IsA(node, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;

		note_param(cx, linitial(sa->args), lsecond(sa->args), false);
	}
	return expression_tree_walker(node, param_map_walker, cx);
}

/*
 * Text to a datum of typid; false (and no error) when the input function
 * refuses it.  PostgreSQL 15 has no soft input errors: a subtransaction.
 */
static bool
safe_input(const char *str, Oid typid, Datum *out)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	PsSubxact	sx;
	volatile bool ok = true;

	ps_subxact_begin(&sx, oldcxt);
	PG_TRY();
	{
		Oid			infn;
		Oid			ioparam;

		getTypeInputInfo(typid, &infn, &ioparam);
		*out = OidInputFunctionCall(infn, (char *) str, ioparam, -1);
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		(void) ps_subxact_abort_message(&sx);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/* A value of one type as a value of another (through text). */
static bool
convert_value(Datum value, Oid from, Oid to, Datum *out)
{
	Oid			outfn;
	bool		isvarlena;
	Oid			elem = get_element_type(to);

	if (from == to)
	{
		int16		typlen;
		bool		typbyval;

		get_typlenbyval(to, &typlen, &typbyval);
		*out = datumCopy(value, typbyval, typlen);
		return true;
	}
	getTypeOutputInfo(from, &outfn, &isvarlena);
	if (OidIsValid(elem) && !OidIsValid(get_element_type(from)))
	{
		/* k = ANY($1): a one-element array */
		Datum		e;
		int16		typlen;
		bool		typbyval;
		char		typalign;

		if (!convert_value(value, from, elem, &e))
			return false;
		get_typlenbyvalalign(elem, &typlen, &typbyval, &typalign);
		*out = PointerGetDatum(construct_array(&e, 1, elem, typlen, typbyval,
											   typalign));
		return true;
	}
	return safe_input(OidOutputFunctionCall(outfn, value), to, out);
}

/* Most common value (or histogram median) of a column's statistics. */
static bool
stats_value(Oid relid, AttrNumber attnum, bool inh, bool histogram,
			Datum *out, Oid *typid)
{
	HeapTuple	tup;
	AttStatsSlot sslot;
	bool		found = false;

	if (attnum <= 0)
		return false;
	if (pg_attribute_aclcheck(relid, attnum, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;
	/* as pg_stats: hidden when row-level security applies to the caller */
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return false;
	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid),
						  Int16GetDatum(attnum), BoolGetDatum(inh));
	if (!HeapTupleIsValid(tup))
		return false;
	if (get_attstatsslot(&sslot, tup, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES))
	{
		if (sslot.nvalues > 0)
		{
			*typid = sslot.valuetype;
			found = convert_value(sslot.values[0], sslot.valuetype,
								  sslot.valuetype, out);
		}
		free_attstatsslot(&sslot);
	}
	if (!found && histogram &&
		get_attstatsslot(&sslot, tup, STATISTIC_KIND_HISTOGRAM, InvalidOid,
						 ATTSTATSSLOT_VALUES))
	{
		if (sslot.nvalues > 0)
		{
			*typid = sslot.valuetype;
			found = convert_value(sslot.values[sslot.nvalues / 2],
								  sslot.valuetype, sslot.valuetype, out);
		}
		free_attstatsslot(&sslot);
	}
	ReleaseSysCache(tup);
	return found;
}

/* A value inside the newest partition whose parent is keyed on attname. */
static bool
newest_partition_value(PsTree *tree, const char *attname, bool upper,
					   Datum *out, Oid *typid)
{
	int			i;

	for (i = tree->nparts - 1; i >= 0; i--)
	{
		PsPartition *p = &tree->parts[i];
		PsKey	   *key = &tree->keys[p->key_index];
		int			pos = -1;
		int			j;

		CHECK_FOR_INTERRUPTS();
		if (p->is_default || p->detach_pending)
			continue;
		for (j = 0; j < key->nkeys; j++)
		{
			if (key->colnames[j] && strcmp(key->colnames[j], attname) == 0)
				pos = j;
		}
		if (pos < 0)
			continue;
		if (p->strategy == PS_STRATEGY_RANGE && upper &&
			p->range_to[pos].kind == PS_RANGE_VALUE)
		{
			/* column < $n: the newest partition's upper bound keeps it */
			*typid = key->typids[pos];
			return convert_value(p->range_to[pos].value, *typid, *typid,
								 out);
		}
		if (p->strategy == PS_STRATEGY_RANGE &&
			p->range_from[pos].kind == PS_RANGE_VALUE)
		{
			*typid = key->typids[pos];
			return convert_value(p->range_from[pos].value, *typid, *typid,
								 out);
		}
		if (p->strategy == PS_STRATEGY_LIST && pos == 0)
		{
			for (j = 0; j < p->nlist; j++)
			{
				if (!p->list_values[j].isnull)
				{
					*typid = key->typids[0];
					return convert_value(p->list_values[j].value, *typid,
										 *typid, out);
				}
			}
		}
	}
	return false;
}

/* Is attname a key column at some level of the tree? */
static bool
is_key_column(PsTree *tree, const char *attname)
{
	int			i;
	int			j;

	for (i = 0; i < tree->nkeys_tables; i++)
	{
		for (j = 0; j < tree->keys[i].nkeys; j++)
		{
			if (tree->keys[i].colnames[j] &&
				strcmp(tree->keys[i].colnames[j], attname) == 0)
				return true;
		}
	}
	return false;
}

/* A value of a partitioned table's column: the rules in the header. */
static bool
partitioned_value(Oid relid, AttrNumber attnum, bool upper, Datum *out,
				  Oid *typid)
{
	char	   *attname = get_attname(relid, attnum, false);
	PsTree	   *tree = ps_cached_tree(relid);
	bool		is_key = is_key_column(tree, attname);
	int			i;
	int			tries = 0;

	/*
	 * A key: the parent's most common value only, not its histogram; an
	 * upper bound (k < $2 of a range) the newest partition's upper bound, so
	 * that k >= $1 AND k < $2 keeps the newest partition instead of nothing.
	 */
	if (!(is_key && upper) &&
		stats_value(relid, attnum, true, !is_key, out, typid))
		return true;
	if (is_key && newest_partition_value(tree, attname, upper, out, typid))
		return true;
	/* the newest leaves' own statistics */
	for (i = tree->nparts - 1; i >= 0 && tries < 8; i--)
	{
		PsPartition *p = &tree->parts[i];
		AttrNumber	leafatt;

		CHECK_FOR_INTERRUPTS();
		if (!p->is_leaf || p->is_foreign)
			continue;
		tries++;
		leafatt = get_attnum(p->relid, attname);
		if (leafatt != InvalidAttrNumber &&
			stats_value(p->relid, leafatt, false, true, out, typid))
			return true;
	}
	return false;
}

/* A plain non-NULL value of a type, for parameters without a column. */
static bool
type_value(Oid typid, Datum *out)
{
	static const char *const tries[] = {"1", "a", "true", "now", "1 day",
	"{}", "00000000-0000-0000-0000-000000000000", "0", ""};
	char		cat;
	bool		pref;
	const char *first;
	int			i;

	get_type_category_preferred(typid, &cat, &pref);
	switch (cat)
	{
		case TYPCATEGORY_NUMERIC:
			first = "1";
			break;
		case TYPCATEGORY_STRING:
			first = "a";
			break;
		case TYPCATEGORY_BOOLEAN:
			first = "true";
			break;
		case TYPCATEGORY_DATETIME:
			first = "now";
			break;
		case TYPCATEGORY_TIMESPAN:
			first = "1 day";
			break;
		case TYPCATEGORY_ARRAY:
			first = "{}";
			break;
		default:
			first = "0";
			break;
	}
	if (safe_input(first, typid, out))
		return true;
	for (i = 0; i < (int) lengthof(tries); i++)
	{
		if (safe_input(tries[i], typid, out))
			return true;
	}
	return false;
}

/*
 * A ParamListInfo with every parameter of the statement bound to a
 * representative non-NULL value, flagged constant as for a custom plan.
 */
ParamListInfo
ps_representative_params(PsPrepared *prep)
{
	ParamMapCtx cx;
	ParamListInfo params = makeParamList(prep->nparams);
	ListCell   *lc;
	int			i;

	memset(&cx, 0, sizeof(cx));
	cx.nparams = prep->nparams;
	cx.relids = palloc0(sizeof(Oid) * prep->nparams);
	cx.attnums = palloc0(sizeof(AttrNumber) * prep->nparams);
	cx.upper = palloc0(sizeof(bool) * prep->nparams);
	foreach(lc, prep->queries)
		param_map_walker((Node *) lfirst(lc), &cx);

	for (i = 0; i < prep->nparams; i++)
	{
		ParamExternData *prm = &params->params[i];
		Oid			ptype = prep->paramtypes[i];
		Datum		v = (Datum) 0;
		Oid			vtype = InvalidOid;
		bool		found = false;

		CHECK_FOR_INTERRUPTS();
		if (OidIsValid(cx.relids[i]))
		{
			if (get_rel_relkind(cx.relids[i]) == RELKIND_PARTITIONED_TABLE)
				found = partitioned_value(cx.relids[i], cx.attnums[i],
										  cx.upper[i], &v, &vtype);
			else
				found = stats_value(cx.relids[i], cx.attnums[i], false, true,
									&v, &vtype);
			if (found)
				found = convert_value(v, vtype, ptype, &v);
		}
		if (!found)
			found = type_value(ptype, &v);
		prm->value = v;
		prm->isnull = !found;
		prm->pflags = PARAM_FLAG_CONST;
		prm->ptype = ptype;
	}
	return params;
}
