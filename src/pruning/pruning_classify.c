/*-------------------------------------------------------------------------
 *
 * pruning_classify.c
 *	  The predicate classifier: every clause that mentions the table is
 *	  sorted into a PsPredClass -- a comparison of the bare key with a
 *	  constant, a parameter, a stable expression, another table's column;
 *	  or a form that defeats pruning (the key inside a function or cast, an
 *	  implicit cast, a volatile value, <> and NOT IN, OR with another column,
 *	  a range operator on a hash key) -- with a rewrite that prunes where
 *	  one exists.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning_classify.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/hash.h"
#include "access/nbtree.h"
#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "partitioning/partdefs.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "partstrat.h"
#include "pruning.h"
#include "pruning_pred.h"

/* SQL text of a value: an ISO literal for a constant, else deparsed. */
static char *
value_sql(Node *value)
{
	value = pd_strip_relabel(value);
	if (IsA(value, Const) && !((Const *) value)->constisnull)
	{
		Const	   *c = (Const *) value;

		return quote_literal_cstr(ps_datum_to_iso(c->constvalue,
												  c->consttype));
	}
	{
		char	   *d = ps_ddl_safe_literals(deparse_expression(value, NIL,
																 false, false));

		if (d[0] == '(' || strchr(d, ' ') == NULL)
			return d;
		return psprintf("(%s)", d);
	}
}

/* A value side folded to a constant where it is one (2024::numeric). */
static Node *
fold_value(Node *value, int rti)
{
	VarRefCtx	vr = pd_varrefs(value, rti);

	if (vr.this_rel || vr.other_rel || vr.outer_ref || vr.sublink)
		return value;
	return eval_const_expressions(NULL, value);
}

/* value + one unit ("day", "month", ...), as SQL text. */
static char *
value_plus(Node *value, const char *unit)
{
	Node	   *v = pd_strip_relabel(value);

	if (IsA(v, Const) && !((Const *) v)->constisnull)
	{
		Const	   *c = (Const *) v;
		Datum		iv = DirectFunctionCall3(interval_in,
											 CStringGetDatum(psprintf("1 %s", unit)),
											 ObjectIdGetDatum(InvalidOid),
											 Int32GetDatum(-1));

		switch (c->consttype)
		{
			case DATEOID:
				{
					Datum		ts = DirectFunctionCall1(date_timestamp,
														 c->constvalue);
					Datum		r = DirectFunctionCall2(timestamp_pl_interval,
														ts, iv);

					if (strcmp(unit, "day") == 0 || strcmp(unit, "month") == 0 ||
						strcmp(unit, "year") == 0)
						return quote_literal_cstr(
												  ps_datum_to_iso(DirectFunctionCall1(timestamp_date, r),
																  DATEOID));
					return quote_literal_cstr(ps_datum_to_iso(r, TIMESTAMPOID));
				}
			case TIMESTAMPOID:
				return quote_literal_cstr(
										  ps_datum_to_iso(DirectFunctionCall2(timestamp_pl_interval,
																			  c->constvalue, iv),
														  TIMESTAMPOID));
			case TIMESTAMPTZOID:
				return quote_literal_cstr(
										  ps_datum_to_iso(DirectFunctionCall2(timestamptz_pl_interval,
																			  c->constvalue, iv),
														  TIMESTAMPTZOID));
			default:
				break;
		}
	}
	if (exprType(v) == DATEOID && strcmp(unit, "day") == 0)
		return psprintf("%s + 1", value_sql(v));
	return psprintf("%s + interval '1 %s'", value_sql(v), unit);
}

/* Rewrite "k op V" where op is =, <, <=, >, >= of f(k) and [V, V1) is the range. */
static char *
range_rewrite(const char *k, const char *opname, const char *v, const char *v1)
{
	if (strcmp(opname, "=") == 0)
		return psprintf("%s >= %s AND %s < %s", k, v, k, v1);
	if (strcmp(opname, ">=") == 0)
		return psprintf("%s >= %s", k, v);
	if (strcmp(opname, ">") == 0)
		return psprintf("%s >= %s", k, v1);
	if (strcmp(opname, "<") == 0)
		return psprintf("%s < %s", k, v);
	if (strcmp(opname, "<=") == 0)
		return psprintf("%s < %s", k, v1);
	return NULL;
}

static const char *
const_text(Node *n)
{
	n = pd_strip_relabel(n);
	if (n && IsA(n, Const) && !((Const *) n)->constisnull &&
		(((Const *) n)->consttype == TEXTOID ||
		 ((Const *) n)->consttype == UNKNOWNOID))
		return TextDatumGetCString(((Const *) n)->constvalue);
	return NULL;
}


/* A marker for the column in a deparsed key expression: "$999999". */
#define KEY_MARKER_ID 999999

typedef struct MarkCtx
{
	AttrNumber	attno;
	bool		found;
} MarkCtx;

static Node *
mark_column_mutator(Node *node, MarkCtx *mc)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varno == 1 &&
		((Var *) node)->varlevelsup == 0 &&
		((Var *) node)->varattno == mc->attno)
	{
		Var		   *v = (Var *) node;
		Param	   *p = makeNode(Param);

		p->paramkind = PARAM_EXTERN;
		p->paramid = KEY_MARKER_ID;
		p->paramtype = v->vartype;
		p->paramtypmod = v->vartypmod;
		p->paramcollid = v->varcollid;
		p->location = -1;
		mc->found = true;
		return (Node *) p;
	}
	return expression_tree_mutator(node, mark_column_mutator, (void *) mc);
}

/*
 * The key expression (as keynames writes it) with the value in place of the
 * column col: the column's Vars in the expression tree are replaced, never a
 * piece of text, so that a literal or another identifier holding the
 * column's name stays as it is.  NULL when that cannot be written.
 */
static char *
key_applied(DiagCtx *cx, int key, const char *col, Node *value)
{
	MarkCtx		mc;
	Node	   *e;
	char	   *marker = psprintf("$%d", KEY_MARKER_ID);
	size_t		mlen = strlen(marker);
	char	   *text;
	char	   *val;
	const char *p;
	StringInfoData out;

	if (cx->keyraw[key] == NULL)
		return NULL;
	mc.attno = get_attnum(cx->keyrel, col);
	mc.found = false;
	if (mc.attno == InvalidAttrNumber ||
		strstr(cx->keynames[key], marker) != NULL)
		return NULL;
	e = mark_column_mutator(copyObject(cx->keyraw[key]), &mc);
	if (!mc.found)
		return NULL;
	text = ps_ddl_safe_literals(psprintf("(%s)",
										 deparse_expression(e,
															deparse_context_for(get_rel_name(cx->keyrel),
																				cx->keyrel),
															false, false)));
	val = value_sql(value);
	initStringInfo(&out);
	for (p = text; *p;)
	{
		if (strncmp(p, marker, mlen) == 0 && !isdigit((unsigned char) p[mlen]))
		{
			appendStringInfoString(&out, val);
			p += mlen;
		}
		else
			appendStringInfoChar(&out, *p++);
	}
	return out.data;
}

/*
 * The predicate on the bare key that selects the rows of "f(key) op value"
 * for the functions whose inverse is a range or a value: date(), date_trunc,
 * extract(year), lower()/upper() (false for the others; *out may be NULL
 * when op has no such predicate).
 */
static bool
function_rewrite(DiagCtx *cx, int key, FuncExpr *fe, const char *fname,
				 const char *opname, Node *value, char **out)
{
	const char *k = cx->keynames[key];
	int			nargs = list_length(fe->args);
	char	   *rewrite = NULL;

	if (fe->funcresulttype == DATEOID && nargs == 1 &&
		pd_mentions_key(cx, linitial(fe->args)) == key &&
		pd_key_index_of(cx, linitial(fe->args)) == key)
		rewrite = range_rewrite(k, opname, value_sql(value),
								value_plus(value, "day"));
	else if (strcmp(fname, "date_trunc") == 0 && nargs >= 2 &&
			 const_text(linitial(fe->args)) != NULL &&
			 pd_key_index_of(cx, lsecond(fe->args)) == key)
		rewrite = range_rewrite(k, opname, value_sql(value),
								value_plus(value,
										   const_text(linitial(fe->args))));
	else if ((strcmp(fname, "extract") == 0 ||
			  strcmp(fname, "date_part") == 0) && nargs == 2 &&
			 const_text(linitial(fe->args)) != NULL &&
			 pg_strcasecmp(const_text(linitial(fe->args)), "year") == 0 &&
			 IsA(pd_strip_relabel(value), Const) &&
			 !((Const *) pd_strip_relabel(value))->constisnull)
	{
		Const	   *c = (Const *) pd_strip_relabel(value);
		Oid			outfn;
		bool		isvarlena;
		char	   *s;
		long		y;

		getTypeOutputInfo(c->consttype, &outfn, &isvarlena);
		s = OidOutputFunctionCall(outfn, c->constvalue);
		y = strtol(s, NULL, 10);

		rewrite = range_rewrite(k, opname,
								psprintf("'%04ld-01-01'", y),
								psprintf("'%04ld-01-01'", y + 1));
	}
	else if ((strcmp(fname, "lower") == 0 || strcmp(fname, "upper") == 0) &&
			 nargs == 1 && pd_key_index_of(cx, linitial(fe->args)) == key)
		rewrite = psprintf("%s %s %s (when the stored values are already %s-case), or PARTITION BY LIST (%s(%s))",
						   k, opname, value_sql(value),
						   strcmp(fname, "lower") == 0 ? "lower" : "upper",
						   fname, k);
	else
		return false;
	*out = rewrite;
	return true;
}

/*
 * The key wrapped in a function, cast or operator: describe it, and write
 * the predicate on the bare key that selects the same rows, where known.
 */
static void
note_wrapped(DiagCtx *cx, int key, Node *side, const char *opname,
			 Node *value)
{
	PsPredFindings *f = cx->f;
	const char *k = cx->keynames[key];
	char	   *what = NULL;
	char	   *rewrite = NULL;

	side = pd_strip_relabel(side);
	value = fold_value(value, cx->rti);
	if (IsA(side, Var) && !IsA(cx->keyexprs[key], Var))
	{
		/* PARTITION BY (lower(name)), WHERE name = ... */
		char	   *col = get_attname(cx->query->rtable ?
										  rt_fetch(((Var *) side)->varno, cx->query->rtable)->relid :
										  InvalidOid,
										  ((Var *) side)->varattno, true);
		char	   *applied = col ? key_applied(cx, key, col, value) : NULL;

		pd_note(cx, PS_PRED_EXPR_KEY,
			 psprintf("the partition key is the expression %s but the query compares the column %s",
					  k, pd_var_name(cx, (Var *) side)),
			 applied ? psprintf("%s %s %s", k, opname, applied) :
			 psprintf("compare %s, not the column", k));
		return;
	}
	if (IsA(side, FuncExpr))
	{
		FuncExpr   *fe = (FuncExpr *) side;
		char	   *fname = get_func_name(fe->funcid);

		if (fe->funcformat == COERCE_IMPLICIT_CAST)
		{
			f->found[PS_PRED_MISMATCH] = true;
			if (!f->detail[PS_PRED_MISMATCH])
			{
				f->detail[PS_PRED_MISMATCH] =
					psprintf("%s (%s) is cast to %s to be compared with %s",
							 k, format_type_be(cx->keytypes[key]),
							 format_type_be(fe->funcresulttype),
							 value_sql(value));
				f->rewrite[PS_PRED_MISMATCH] =
					psprintf("%s %s CAST(%s AS %s)", k, opname,
							 value_sql(value),
							 format_type_be(cx->keytypes[key]));
			}
			return;
		}
		if (fe->funcformat == COERCE_EXPLICIT_CAST)
			what = psprintf("a cast to %s (%s::%s)",
							format_type_be(fe->funcresulttype), k,
							format_type_be(fe->funcresulttype));
		else
			what = psprintf("%s()", fname);

		if (!function_rewrite(cx, key, fe, fname, opname, value, &rewrite) &&
			fe->funcformat == COERCE_EXPLICIT_CAST)
			rewrite = psprintf("%s %s CAST(%s AS %s)", k, opname,
							   value_sql(value),
							   format_type_be(cx->keytypes[key]));
	}
	else if (IsA(side, CoerceViaIO))
	{
		CoerceViaIO *cio = (CoerceViaIO *) side;

		what = psprintf("a cast to %s (%s::%s)",
						format_type_be(cio->resulttype), k,
						format_type_be(cio->resulttype));
		rewrite = psprintf("%s %s CAST(%s AS %s)", k, opname,
						   value_sql(value),
						   format_type_be(cx->keytypes[key]));
	}
	else if (IsA(side, OpExpr))
		what = psprintf("the operator %s", get_opname(((OpExpr *) side)->opno));
	else
		what = pstrdup("an expression");

	f->found[PS_PRED_WRAPPED] = true;
	if (!f->detail[PS_PRED_WRAPPED])
	{
		f->detail[PS_PRED_WRAPPED] = what;
		f->rewrite[PS_PRED_WRAPPED] = rewrite;
	}
}

void
pd_note(DiagCtx *cx, PsPredClass cls, char *detail, char *rewrite)
{
	cx->f->found[cls] = true;
	if (cx->f->detail[cls] == NULL)
	{
		cx->f->detail[cls] = detail;
		cx->f->rewrite[cls] = rewrite;
	}
}

static bool
is_range_opname(const char *opname)
{
	return strcmp(opname, "<") == 0 || strcmp(opname, "<=") == 0 ||
		strcmp(opname, ">") == 0 || strcmp(opname, ">=") == 0;
}

/* A collation's name, quoted, for a sentence. */
static char *
collation_sql(Oid coll)
{
	char	   *name = OidIsValid(coll) ? get_collation_name(coll) : NULL;

	return name ? pstrdup(quote_identifier(name)) : pstrdup("(none)");
}

/* A comparison with the key inside an expression on either side. */
static void
classify_wrapped(DiagCtx *cx, Oid opno, char *opname, Node *left, Node *right)
{
	int			k = pd_mentions_key(cx, left);
	Node	   *side = left;
	Node	   *other = right;

	if (k < 0)
	{
		k = pd_mentions_key(cx, right);
		side = right;
		other = left;
		if (OidIsValid(get_commutator(opno)))
			opname = get_opname(get_commutator(opno));
	}
	if (k < 0)
		return;
	if (pd_varrefs(other, cx->rti).this_rel)
	{
		pd_note(cx, PS_PRED_OTHER_OP,
			 psprintf("%s is compared with another column of the same row",
					  cx->keynames[k]), NULL);
		return;
	}
	note_wrapped(cx, k, side, opname, other);
}

/*
 * Is opno an operator of the key's operator family (and an array one
 * combined with OR, = ANY)?  If not, note why the comparison cannot prune.
 */
static bool
usable_operator(DiagCtx *cx, int key, Oid opno, const char *opname,
				Node *value, VarRefCtx *vrp, bool is_array, bool use_or)
{
	VarRefCtx	vr = *vrp;
	Oid			neg;

	if (op_in_opfamily(opno, cx->opfamilies[key]) && !(is_array && !use_or))
		return true;
	neg = get_negator(opno);
	if (strcmp(opname, "<>") == 0 ||
		(OidIsValid(neg) && op_in_opfamily(neg, cx->opfamilies[key])))
		pd_note(cx, PS_PRED_NE,
			 psprintf(is_array ? "%s <> ALL (...) (NOT IN)" : "%s %s ...",
					  cx->keynames[key], opname),
			 NULL);
	else if (cx->strategy == PARTITION_STRATEGY_HASH &&
			 is_range_opname(opname))
		pd_note(cx, PS_PRED_HASH_RANGE,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 psprintf("%s = ... or %s IN (...)", cx->keynames[key],
					  cx->keynames[key]));
	else
		pd_note(cx, PS_PRED_OTHER_OP,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  vr.other_rel ? "..." : value_sql(value)),
			 NULL);
	return false;
}

/*
 * A usable comparison of the key with a value: what kind of value decides
 * when (and whether) it prunes -- a constant at planning, a parameter in a
 * custom plan, a stable expression at executor startup, a join or a
 * subquery during execution, a volatile value never.
 */
static void
classify_value(DiagCtx *cx, int key, Oid opno, const char *opname,
			   Node *value, VarRefCtx *vrp)
{
	VarRefCtx	vr = *vrp;

	if (contain_volatile_functions(value))
	{
		char	   *fn = NULL;

		pd_note(cx, PS_PRED_VOLATILE,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  vr.other_rel ? "..." : value_sql(value)),
			 fn);
	}
	else if (vr.other_rel)
		pd_note(cx, PS_PRED_JOIN,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  pd_var_name(cx, vr.other_var)),
			 NULL);
	else if (vr.sublink && !vr.outer_ref && !vr.exec_param)
		pd_note(cx, PS_PRED_INITPLAN,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  IsA(pd_strip_relabel(value), SubLink) ? "(SELECT ...)" :
					  "an expression over (SELECT ...)"),
			 NULL);
	else if (vr.outer_ref || vr.sublink || vr.exec_param)
		pd_note(cx, PS_PRED_EXEC,
			 psprintf("%s %s a subquery or an outer reference",
					  cx->keynames[key], opname),
			 NULL);
	else if (vr.ext_param)
		pd_note(cx, PS_PRED_EXTPARAM,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 NULL);
	else if (contain_mutable_functions(value))
		pd_note(cx, PS_PRED_STABLE,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 NULL);
	else if (op_volatile(opno) != PROVOLATILE_IMMUTABLE)
		pd_note(cx, PS_PRED_STABLE_OP,
			 psprintf("%s (%s) %s %s (%s)", cx->keynames[key],
					  format_type_be(cx->keytypes[key]), opname,
					  value_sql(value), format_type_be(exprType(value))),
			 psprintf("%s %s CAST(%s AS %s)", cx->keynames[key], opname,
					  value_sql(value), format_type_be(cx->keytypes[key])));
	else
		pd_note(cx, PS_PRED_CONST,
			 psprintf("%s %s %s", cx->keynames[key], opname,
					  value_sql(value)),
			 NULL);
}

/*
 * The planner matches a clause to the key only under the partition key's
 * collation (PartCollMatchesExprColl): a COLLATE clause on either side
 * takes the comparison out of pruning.  True (and noted) when it does.
 */
static bool
collation_mismatch(DiagCtx *cx, int key, Oid inputcollid, const char *opname,
				   bool is_array, Node *value)
{
	if (!OidIsValid(cx->collations[key]) ||
		inputcollid == cx->collations[key])
		return false;
	pd_note(cx, PS_PRED_COLLATION,
		 psprintf("%s %s%s %s is compared under the collation %s, the partition bounds under %s",
				  cx->keynames[key], opname, is_array ? " ANY" : "",
				  value_sql(value), collation_sql(inputcollid),
				  collation_sql(cx->collations[key])),
		 psprintf("%s %s%s %s COLLATE %s%s", cx->keynames[key], opname,
				  is_array ? " ANY" : "", value_sql(value),
				  collation_sql(cx->collations[key]),
				  strcmp(opname, "=") == 0 ?
				  " (equality selects the same rows under every deterministic collation)" :
				  " (the order of the two collations may differ: check the range)"));
	return true;
}

/* key op value (op commuted so that the key is on the left). */
static void
classify_comparison(DiagCtx *cx, Oid opno, Oid inputcollid, Node *left,
					Node *right, bool is_array, bool use_or)
{
	int			lkey = pd_key_index_of(cx, left);
	int			rkey = is_array ? -1 : pd_key_index_of(cx, right);
	int			key;
	Node	   *value;
	char	   *opname;
	VarRefCtx	vr;

	if (lkey < 0 && rkey >= 0)
	{
		Oid			comm = get_commutator(opno);
		Node	   *tmp = left;

		if (OidIsValid(comm))
			opno = comm;
		left = right;
		right = tmp;
		lkey = rkey;
	}
	opname = get_opname(opno);
	if (opname == NULL)
		opname = pstrdup("?");

	if (lkey < 0)
	{
		/* the key inside an expression */
		classify_wrapped(cx, opno, opname, left, right);
		return;
	}
	key = lkey;
	if (key == 0)
		cx->f->first_key_used = true;
	value = fold_value(right, cx->rti);
	vr = pd_varrefs(value, cx->rti);
	if (vr.this_rel)
	{
		pd_note(cx, PS_PRED_OTHER_OP,
			 psprintf("%s is compared with another column of the same row",
					  cx->keynames[key]), NULL);
		return;
	}

	if (collation_mismatch(cx, key, inputcollid, opname, is_array, value))
		return;

	if (!usable_operator(cx, key, opno, opname, value, &vr, is_array, use_or))
		return;

	if (is_array)
		opname = psprintf("%s ANY", opname);

	/*
	 * key = ANY (NULL::type[]) is never true.  With an immutable operator
	 * the planner proves it (no leaf in the plan); with a cross-type
	 * operator that is only stable (timestamp = timestamptz) it cannot, and
	 * PostgreSQL 15 disables run-time pruning on a contradiction, so every
	 * leaf is scanned to return no row.
	 */
	if (is_array && IsA(pd_strip_relabel(value), Const) &&
		((Const *) pd_strip_relabel(value))->constisnull &&
		op_volatile(opno) != PROVOLATILE_IMMUTABLE)
	{
		pd_note(cx, PS_PRED_NULL_ARRAY,
			 psprintf("%s %s (NULL::%s) is never true, but its operator %s = %s is only stable",
					  cx->keynames[key], opname,
					  format_type_be(exprType(value)),
					  format_type_be(cx->keytypes[key]),
					  format_type_be(get_element_type(exprType(value)))),
			 psprintf("leave the predicate out when the array is NULL (it matches no row), or pass the array as %s[] (the key's type) so that the planner prunes every leaf",
					  format_type_be(cx->keytypes[key])));
		return;
	}

	/*
	 * PostgreSQL prunes "= ANY" over a constant array, an ARRAY[...] or (in
	 * a custom plan) a parameter, never over an array a stable expression
	 * computes ($1::text[]::timestamptz[] -- a stable cast -- or f($1) for
	 * a stable f): no pruning, not even at run time.  (An immutable one is
	 * folded in a custom plan: a parameter's case.)
	 */
	if (is_array && !vr.other_rel && !vr.outer_ref && !vr.sublink &&
		!vr.exec_param && !IsA(value, Const) && !IsA(value, ArrayExpr) &&
		!IsA(value, Param) && contain_mutable_functions(value))
	{
		pd_note(cx, PS_PRED_ARRAY_EXPR,
			 psprintf("%s %s %s", cx->keynames[key], opname, value_sql(value)),
			 psprintf("%s %s (an array of type %s[], not cast in the query)",
					  cx->keynames[key], opname,
					  format_type_be(cx->keytypes[key])));
		return;
	}
	classify_value(cx, key, opno, opname, value, &vr);
}

/* Column names of this table a clause mentions (for "filters on ..."). */
static void
note_other_columns(DiagCtx *cx, Node *clause)
{
	Bitmapset  *attnos = pd_pull_varattnos_of(clause, cx->rti);
	int			x = -1;

	while ((x = bms_next_member(attnos, x)) >= 0)
	{
		AttrNumber	att = x + FirstLowInvalidHeapAttributeNumber;
		Var			v;
		char	   *name;
		ListCell   *lc;
		bool		dup = false;

		if (att <= 0)
			continue;
		memset(&v, 0, sizeof(v));
		v.varno = cx->rti;
		v.varattno = att;
		name = pd_var_name(cx, &v);
		name = strchr(name, '.') ? strchr(name, '.') + 1 : name;
		foreach(lc, cx->f->other_columns)
		{
			if (strcmp((char *) lfirst(lc), name) == 0)
				dup = true;
		}
		if (!dup)
			cx->f->other_columns = lappend(cx->f->other_columns, name);
	}
}

static void classify_clause(DiagCtx *cx, Node *clause);

typedef struct CorrCtx
{
	DiagCtx    *dc;
	int			depth;
	int			key;
} CorrCtx;

/* A Var of the table's key column referenced from inside a subquery. */
static bool
corr_walker(Node *node, CorrCtx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) node;
		int			i;

		if ((int) v->varlevelsup != cx->depth || v->varno != cx->dc->rti)
			return false;
		for (i = 0; i < cx->dc->nkeys; i++)
		{
			Node	   *k = cx->dc->keyexprs[i];

			if (IsA(k, Var) && ((Var *) k)->varattno == v->varattno)
			{
				cx->key = i;
				return true;
			}
		}
		return false;
	}
	if (IsA(node, Query))
	{
		bool		r;

		cx->depth++;
		r = query_tree_walker((Query *) node, corr_walker, cx, 0);
		cx->depth--;
		return r;
	}
	return expression_tree_walker(node, corr_walker, cx);
}

/* k IN (SELECT ...), EXISTS (SELECT ... WHERE x = k): a semi-join on k. */
static bool
classify_sublink(DiagCtx *cx, SubLink *sl)
{
	CorrCtx		cc;
	int			key = sl->testexpr ? pd_mentions_key(cx, sl->testexpr) : -1;

	if (key < 0)
	{
		cc.dc = cx;
		cc.depth = 0;
		cc.key = -1;
		corr_walker(sl->subselect, &cc);
		key = cc.key;
	}
	if (key < 0)
		return false;
	pd_note(cx, PS_PRED_JOIN,
		 psprintf("%s %s a subquery, a semi-join", cx->keynames[key],
				  sl->subLinkType == EXISTS_SUBLINK ? "is correlated with" :
				  "is compared with"),
		 NULL);
	return true;
}

/*
 * An OR prunes only when every branch prunes: a hash key needs every column
 * by equality in each branch, a range or list key its first column.
 */
static void
check_or_branches(DiagCtx *cx, BoolExpr *or)
{
	ListCell   *lc;

	foreach(lc, or->args)
	{
		uint32		eq,
					any,
					missing;

		pd_key_mask(cx, lfirst(lc), &eq, &any);
		if (any == 0)
			continue;			/* what prunes not in it is said apart */
		if (cx->strategy == PARTITION_STRATEGY_HASH)
			missing = pd_all_keys(cx) & ~eq;
		else
			missing = (any & 1) ? 0 : 1;
		if (missing == 0)
			continue;
		pd_note(cx, PS_PRED_OR_KEYS,
			 psprintf("a branch of the OR gives %s but not %s",
					  pd_mask_names(cx, any), pd_mask_names(cx, missing)),
			 cx->strategy == PARTITION_STRATEGY_HASH ?
			 psprintf("give every branch of the OR an equality on each of %s: (%s) OR (...)",
					  pd_mask_names(cx, pd_all_keys(cx)), pd_eq_template(cx)) :
			 psprintf("give every branch of the OR a predicate on %s",
					  cx->keynames[0]));
		return;
	}
}

/* A top-level clause: classified, and its key columns counted. */
void
pd_classify_top(DiagCtx *cx, Node *clause)
{
	uint32		eq,
				any;

	pd_key_mask(cx, clause, &eq, &any);
	cx->eqmask |= eq;
	cx->anymask |= any;
	classify_clause(cx, clause);
}

static void
classify_list(DiagCtx *cx, List *clauses)
{
	ListCell   *lc;

	foreach(lc, clauses)
		classify_clause(cx, (Node *) lfirst(lc));
}

static void
classify_clause(DiagCtx *cx, Node *clause)
{
	int			key;

	if (clause == NULL)
		return;
	if (!pd_varrefs(clause, cx->rti).this_rel)
		return;
	if (IsA(clause, SubLink) && classify_sublink(cx, (SubLink *) clause))
		return;
	key = pd_mentions_key(cx, clause);
	if (key < 0)
	{
		note_other_columns(cx, clause);
		return;
	}

	if (is_andclause(clause))
	{
		classify_list(cx, ((BoolExpr *) clause)->args);
		return;
	}
	if (is_orclause(clause))
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) clause)->args)
		{
			Node	   *arm = lfirst(lc);

			if (pd_mentions_key(cx, arm) < 0)
			{
				pd_note(cx, PS_PRED_OR_MIXED,
					 psprintf("%s ... OR a condition on another column",
							  cx->keynames[key]),
					 NULL);
				note_other_columns(cx, arm);
				return;
			}
		}
		check_or_branches(cx, (BoolExpr *) clause);
		classify_list(cx, ((BoolExpr *) clause)->args);
		return;
	}
	if (is_notclause(clause))
	{
		pd_note(cx, PS_PRED_NE, psprintf("NOT (... %s ...)", cx->keynames[key]),
			 NULL);
		return;
	}
	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;

		classify_comparison(cx, op->opno, op->inputcollid, linitial(op->args),
							lsecond(op->args), false, false);
		return;
	}
	if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) clause;

		classify_comparison(cx, sa->opno, sa->inputcollid, linitial(sa->args),
							lsecond(sa->args), true, sa->useOr);
		return;
	}
#if PG_VERSION_NUM < 170000
	if (IsA(clause, BooleanTest) &&
		(((BooleanTest *) clause)->booltesttype == IS_UNKNOWN ||
		 ((BooleanTest *) clause)->booltesttype == IS_NOT_UNKNOWN) &&
		pd_key_index_of(cx, (Node *) ((BooleanTest *) clause)->arg) >= 0)
	{
		bool		isnot = ((BooleanTest *) clause)->booltesttype == IS_NOT_UNKNOWN;

		/* PostgreSQL 17 prunes IS [NOT] UNKNOWN as IS [NOT] NULL */
		pd_note(cx, PS_PRED_UNKNOWN_TEST,
			 psprintf("%s IS %sUNKNOWN", cx->keynames[key], isnot ? "NOT " : ""),
			 psprintf("%s IS %sNULL", cx->keynames[key], isnot ? "NOT " : ""));
		return;
	}
#endif
	if (IsA(clause, NullTest) || pd_key_index_of(cx, clause) >= 0 ||
		IsA(clause, BooleanTest))
	{
		pd_note(cx, PS_PRED_CONST, psprintf("a test of %s", cx->keynames[key]),
			 NULL);
		return;
	}
	pd_note(cx, PS_PRED_OTHER_OP,
		 psprintf("an expression on %s", cx->keynames[key]), NULL);
}

/* The clauses of a join tree: WHERE and every JOIN ... ON. */
void
pd_classify_jointree(DiagCtx *cx, Node *jt)
{
	if (jt == NULL)
		return;
	if (IsA(jt, FromExpr))
	{
		FromExpr   *fe = (FromExpr *) jt;
		ListCell   *lc;

		pd_classify_top(cx, fe->quals);
		foreach(lc, fe->fromlist)
			pd_classify_jointree(cx, lfirst(lc));
	}
	else if (IsA(jt, JoinExpr))
	{
		JoinExpr   *je = (JoinExpr *) jt;

		if (je->jointype == JOIN_INNER)
			pd_classify_top(cx, je->quals);
		else
			classify_clause(cx, je->quals);
		pd_classify_jointree(cx, je->larg);
		pd_classify_jointree(cx, je->rarg);
	}
}
