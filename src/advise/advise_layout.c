/*-------------------------------------------------------------------------
 *
 * advise_layout.c
 *	  partstrat_advise() for the layout of the leaves: split, repartition
 *	  and add_index.
 *
 * A leaf above twice the target is split into ceil(size / target) pieces
 * (a power of two for hash leaves; several hash leaves of one parent make
 * one action), unless its rows sit on a few values no split on the key
 * can spread: then the key is wrong, and repartition proposes a LIST
 * partition per heavy value, as CREATE TABLE ... PARTITION BY statements
 * with the predicted rows per new partition.  add_index gives a leaf the
 * indexes its siblings have and it lacks.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_layout.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_statistic.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "advise.h"
#include "ddl.h"
#include "partstrat.h"
#include "skew.h"

/*
 * The closing comment line of a proposed layout.  Names and bounds in it may
 * hold line breaks: ps_ddl_comment() keeps every line a comment, so nothing
 * of them can run as SQL.  The proposal ends without a newline.
 */
static void
append_last_comment(StringInfo ddl, const char *text)
{
	char	   *c = ps_ddl_comment(text);
	size_t		len = strlen(c);

	if (len > 0 && c[len - 1] == '\n')
		c[len - 1] = '\0';
	appendStringInfoString(ddl, c);
}

static void
ddl_split(AdviseCtx *ctx, Advice *a, int part, int pieces)
{
	ps_set_ddl(a, "partstrat_ddl_split",
			   ps_advice_ddl_split(ctx->tree->parts[part].relid, pieces));
}

/* ----------------------------------------------------------------
 * split and repartition
 * ----------------------------------------------------------------
 */

static int
next_pow2(int n)
{
	int			p = 1;

	while (p < n && p < (1 << 20))
		p <<= 1;
	return p;
}

/*
 * The column of a leaf, other than the key, with the most distinct values
 * in its statistics and a hash opclass: what a whale is sub-partitioned by.
 */
static char *
best_subcolumn(AdviseCtx *ctx, int leaf, const char *keycol)
{
	PsPartition *p = &ctx->tree->parts[ctx->skew->leaves[leaf].part];
	int64		rows = ctx->skew->leaves[leaf].rows;
	HeapTuple	ctup = SearchSysCache1(RELOID, ObjectIdGetDatum(p->relid));
	int			natts;
	AttrNumber	att;
	char	   *best = NULL;
	double		best_nd = 1;

	if (!HeapTupleIsValid(ctup))
		return NULL;
	natts = ((Form_pg_class) GETSTRUCT(ctup))->relnatts;
	ReleaseSysCache(ctup);
	for (att = 1; att <= natts; att++)
	{
		HeapTuple	atup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(p->relid),
										   Int16GetDatum(att));
		Form_pg_attribute form;
		HeapTuple	stup;
		double		nd;
		char	   *name;
		AttrNumber	rootatt;

		if (!HeapTupleIsValid(atup))
			continue;
		form = (Form_pg_attribute) GETSTRUCT(atup);
		name = pstrdup(NameStr(form->attname));
		if (form->attisdropped || strcmp(name, keycol) == 0 ||
			!OidIsValid(lookup_type_cache(form->atttypid,
										  TYPECACHE_HASH_OPFAMILY)->hash_opf))
		{
			ReleaseSysCache(atup);
			continue;
		}
		ReleaseSysCache(atup);
		/* pg_stats rule: SELECT on the table or the column */
		rootatt = get_attnum(ctx->tree->root, name);
		if (rootatt == InvalidAttrNumber ||
			(pg_class_aclcheck(ctx->tree->root, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
			 pg_attribute_aclcheck(ctx->tree->root, rootatt, GetUserId(),
								   ACL_SELECT) != ACLCHECK_OK))
			continue;
		stup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(p->relid),
							   Int16GetDatum(att), BoolGetDatum(false));
		if (!HeapTupleIsValid(stup))
			continue;
		nd = ((Form_pg_statistic) GETSTRUCT(stup))->stadistinct;
		ReleaseSysCache(stup);
		if (nd < 0)
			nd = -nd * Max(rows, 0);
		if (nd > best_nd)
		{
			best_nd = nd;
			best = name;
		}
	}
	return best;
}

/* Append one proposed partition to the DDL and to the evidence layout. */
static void
propose(StringInfo ddl, StringInfo layout, const char *stmt,
		const char *name, const char *bound, int64 rows)
{
	if (rows >= 0)
		appendStringInfo(ddl, "%s  -- predicted rows: " INT64_FORMAT "\n",
						 stmt, rows);
	else
		appendStringInfo(ddl, "%s\n", stmt);
	if (rows < 0)
		return;
	if (layout->len > 1)
		appendStringInfoString(layout, ", ");
	appendStringInfoString(layout, "{\"partition\": ");
	escape_json(layout, name);
	appendStringInfoString(layout, ", \"bound\": ");
	escape_json(layout, bound);
	appendStringInfo(layout, ", \"predicted_rows\": " INT64_FORMAT "}", rows);
}

/*
 * The whale values' own LIST partitions under "newq", sub-partitioned by
 * hash of another column when one value alone is above the target.
 */
static void
propose_whales(AdviseCtx *ctx, StringInfo ddl, StringInfo layout,
			   const char *nsp, const char *newname, const char *keycol,
			   int nwhale, PsHeavyValue *whales, int *whale_leaf)
{
	char	   *newq = quote_qualified_identifier(nsp, newname);
	int			w;

	for (w = 0; w < nwhale; w++)
	{
		PsLeafSkew *l = &ctx->skew->leaves[whale_leaf[w]];
		char	   *wname = ps_make_name(newname, psprintf("_v%d", w + 1));
		char	   *wq = quote_qualified_identifier(nsp, wname);
		char	   *bound = psprintf("FOR VALUES IN (%s)",
									 quote_literal_cstr(whales[w].text));
		double		wbytes = l->rows > 0 ?
			(double) whales[w].rows * Max(l->bytes, 0) / l->rows :
			whales[w].freq * Max(l->bytes, 0);
		int			sub = wbytes > ctx->target ?
			next_pow2((int) ceil(wbytes / ctx->target)) : 0;
		char	   *subcol = sub ? best_subcolumn(ctx, whale_leaf[w], keycol) : NULL;
		int			r;

		if (sub > 1 && subcol)
		{
			propose(ddl, layout,
					psprintf("CREATE TABLE %s PARTITION OF %s %s PARTITION BY HASH (%s);",
							 wq, newq, bound, quote_identifier(subcol)),
					wname, bound, -1);
			for (r = 0; r < sub; r++)
			{
				char	   *pname = ps_make_name(wname, psprintf("_p%d", r));
				char	   *pbound = psprintf("FOR VALUES WITH (MODULUS %d, REMAINDER %d)", sub, r);

				propose(ddl, layout,
						psprintf("CREATE TABLE %s PARTITION OF %s %s;",
								 quote_qualified_identifier(nsp, pname), wq, pbound),
						pname, pbound, whales[w].rows / sub);
			}
		}
		else
			propose(ddl, layout,
					psprintf("CREATE TABLE %s PARTITION OF %s %s;", wq, newq, bound),
					wname, bound, whales[w].rows);
	}
}

/* The partition key of group g as PARTITION BY takes it, names qualified. */
static char *
group_partkeydef(PsTree *tree, int g)
{
	Oid			relid = g < 0 ? tree->root : tree->parts[g].relid;
	int			nest = ps_ddl_iso_enter();
	char	   *def = TextDatumGetCString(DirectFunctionCall1(pg_get_partkeydef,
															  ObjectIdGetDatum(relid)));

	ps_ddl_iso_leave(nest);
	return def;
}

/* repartition of a hash parent whose imbalance comes from heavy values */
static void
advise_hash_repartition(AdviseCtx *ctx, int g, int *wleaves, int nw)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	PsKey	   *key = ps_group_key(tree, g);
	const char *keycol = key->colnames[0];
	const char *pname = ps_part_name(tree, g);
	const char *nsp = g < 0 ? get_namespace_name(get_rel_namespace(tree->root)) :
		tree->parts[g].nspname;
	char	   *newname = ps_make_name(pname, "_new");
	char	   *restname = ps_make_name(newname, "_rest");
	PsHeavyValue *whales;
	int		   *whale_leaf;
	int			nwhale = 0;
	int			norig;
	int64	   *orig_rows;
	int		   *orig_leaf;
	int		   *parts = palloc(sizeof(int) * nw);
	StringInfoData ddl;
	StringInfoData layout;
	PsLeafSkew *top;
	int			n,
				i,
				j;
	int		   *children = ps_children_of(tree, g, &n);
	int64		parent_rows = g < 0 ? s->total_rows : s->rows[g];
	Advice	   *a;

	for (i = 0; i < nw; i++)
		nwhale += s->leaves[wleaves[i]].nheavy;
	whales = palloc(sizeof(PsHeavyValue) * Max(nwhale, 1));
	whale_leaf = palloc(sizeof(int) * Max(nwhale, 1));
	nwhale = 0;
	for (i = 0; i < nw; i++)
	{
		PsLeafSkew *l = &s->leaves[wleaves[i]];

		parts[i] = l->part;
		ctx->taken[l->part] = true;
		for (j = 0; j < l->nheavy; j++)
		{
			whales[nwhale] = l->heavy[j];
			whale_leaf[nwhale++] = wleaves[i];
		}
	}
	/* per leaf, for the rows left to the other values */
	norig = nwhale;
	orig_rows = palloc(sizeof(int64) * Max(nwhale, 1));
	orig_leaf = palloc(sizeof(int) * Max(nwhale, 1));
	for (i = 0; i < nwhale; i++)
	{
		orig_rows[i] = whales[i].rows;
		orig_leaf[i] = whale_leaf[i];
	}

	/*
	 * A value heavy in several leaves (a multi-column hash key spreads one
	 * value of its first column over them) gets one LIST partition: two
	 * FOR VALUES IN the same value would overlap (42P17).
	 */
	for (i = 0; i < nwhale; i++)
	{
		for (j = 0; j < i; j++)
		{
			if (strcmp(whales[i].text, whales[j].text) == 0)
			{
				whales[j].rows += whales[i].rows;
				whales[j].freq = Max(whales[j].freq, whales[i].freq);
				memmove(&whales[i], &whales[i + 1], sizeof(PsHeavyValue) * (nwhale - i - 1));
				memmove(&whale_leaf[i], &whale_leaf[i + 1], sizeof(int) * (nwhale - i - 1));
				nwhale--;
				i--;
				break;
			}
		}
	}
	for (i = 1; i < nwhale; i++)
	{
		if (whales[i].rows > whales[0].rows)
		{
			PsHeavyValue t = whales[0];
			int			tl = whale_leaf[0];

			whales[0] = whales[i];
			whale_leaf[0] = whale_leaf[i];
			whales[i] = t;
			whale_leaf[i] = tl;
		}
	}
	top = &s->leaves[whale_leaf[0]];

	a = ps_new_advice(ctx, ADV_REPARTITION, (double) whales[0].rows);
	ps_set_parts(a, parts, nw);
	ps_json_key_str(&a->evidence, "key", keycol);
	{
		StringInfoData hv;

		initStringInfo(&hv);
		appendStringInfoChar(&hv, '[');
		for (i = 0; i < nwhale; i++)
		{
			if (i > 0)
				appendStringInfoString(&hv, ", ");
			appendStringInfoString(&hv, "{\"value\": ");
			escape_json(&hv, whales[i].text);
			appendStringInfo(&hv, ", \"partition\": ");
			escape_json(&hv, tree->parts[s->leaves[whale_leaf[i]].part].relname);
			appendStringInfo(&hv, ", \"freq_in_partition\": %.4f, \"rows\": " INT64_FORMAT "}",
							 whales[i].freq, whales[i].rows);
		}
		appendStringInfoChar(&hv, ']');
		ps_json_key_raw(&a->evidence, "heavy_values", hv.data);
	}
	ps_json_key_num(&a->evidence, "share_of_parent", top->parent_share, 4);
	ps_json_key_num(&a->evidence, "expected_share", top->expected_share, 4);
	a->reason = psprintf("%s = %s holds " INT64_FORMAT " rows, %s of %s, and makes %s hold %.1f× its fair share of 1/%d",
						 keycol, whales[0].text, whales[0].rows,
						 ps_pct(parent_rows > 0 ? (double) whales[0].rows / parent_rows : 0),
						 pname, tree->parts[top->part].relname,
						 top->parent_share / top->expected_share,
						 (int) rint(1.0 / top->expected_share));
	a->reason = psprintf("%s%s: hashing never splits one value, so give %s a LIST partition of its own and hash the other values",
						 a->reason,
						 nwhale > 1 ? psprintf(" (with %d more heavy value%s)", nwhale - 1, nwhale > 2 ? "s" : "") : "",
						 nwhale > 1 ? "each" : "it");
	a->reason = ps_finish_reason(ctx, a, a->reason);

	initStringInfo(&ddl);
	initStringInfo(&layout);
	appendStringInfoChar(&layout, '[');
	appendStringInfo(&ddl, "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (%s);\n",
					 quote_qualified_identifier(nsp, newname),
					 quote_qualified_identifier(nsp, pname),
					 quote_identifier(keycol));
	propose_whales(ctx, &ddl, &layout, nsp, newname, keycol, nwhale, whales,
				   whale_leaf);
	/*
	 * The other values keep the key as it is -- every column, expression,
	 * collation and operator class -- so that the remainders of the old
	 * partitions still mean the same rows.
	 */
	propose(&ddl, &layout,
			psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT PARTITION BY %s;",
					 quote_qualified_identifier(nsp, restname),
					 quote_qualified_identifier(nsp, newname),
					 group_partkeydef(tree, g)),
			restname, "DEFAULT", -1);
	for (i = 0; i < n; i++)
	{
		PsPartition *c = &tree->parts[children[i]];
		int64		rows = Max(s->rows[children[i]], 0);
		char	   *cname;
		char	   *cbound;

		if (c->is_default || c->modulus <= 0)
			continue;
		for (j = 0; j < norig; j++)
		{
			if (s->leaves[orig_leaf[j]].part == children[i])
				rows -= orig_rows[j];
		}
		cname = ps_make_name(restname, psprintf("_p%d", c->remainder));
		cbound = psprintf("FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
						  c->modulus, c->remainder);
		propose(&ddl, &layout,
				psprintf("CREATE TABLE %s PARTITION OF %s %s;",
						 quote_qualified_identifier(nsp, cname),
						 quote_qualified_identifier(nsp, restname), cbound),
				cname, cbound, Max(rows, 0));
	}
	appendStringInfoChar(&layout, ']');
	ps_json_key_raw(&a->evidence, "proposed_layout", layout.data);
	append_last_comment(&ddl,
						psprintf("then copy the rows of %s into %s and swap the names",
								 quote_qualified_identifier(nsp, pname),
								 quote_qualified_identifier(nsp, newname)));
	a->ddl = ps_ddl_pin(ddl.data);
	a->rows_moved = parent_rows;
	a->lock = psprintf("ACCESS SHARE on %s while its rows are copied (writes must be paused or replayed); ACCESS EXCLUSIVE on both tables for the rename",
					   pname);
}

/* repartition of one range or list leaf whose rows sit on few values */
static void
advise_leaf_repartition(AdviseCtx *ctx, int leaf, int pieces,
						PsKeyStats *ks, int nwhale)
{
	PsTree	   *tree = ctx->tree;
	PsLeafSkew *l = &ctx->skew->leaves[leaf];
	PsPartition *p = &tree->parts[l->part];
	PsKey	   *key = &tree->keys[p->key_index];
	const char *keycol = key->colnames[0];
	char	   *newname = ps_make_name(p->relname, "_new");
	char	   *restname = ps_make_name(newname, "_rest");
	int		   *whale_leaf = palloc(sizeof(int) * Max(nwhale, 1));
	int64		rest = l->rows;
	StringInfoData ddl;
	StringInfoData layout;
	PsBound		bound;
	Advice	   *a;
	int			i;

	for (i = 0; i < nwhale; i++)
	{
		whale_leaf[i] = leaf;
		rest -= ks->mcv[i].rows;
	}
	ctx->taken[l->part] = true;
	a = ps_new_advice(ctx, ADV_REPARTITION, (double) l->bytes);
	ps_set_part(a, l->part);
	ps_json_key_int(&a->evidence, "bytes", l->bytes);
	ps_json_key_int(&a->evidence, "rows", l->rows);
	ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
	ps_json_key_int(&a->evidence, "pieces_needed", pieces);
	ps_json_key_str(&a->evidence, "key", keycol);
	ps_json_key_str(&a->evidence, "value", ks->mcv[0].text);
	ps_json_key_num(&a->evidence, "value_share", ks->mcv[0].freq, 4);
	ps_json_key_num(&a->evidence, "ideal_piece_share", 1.0 / pieces, 4);
	a->reason = ps_finish_reason(ctx, a,
								 psprintf("%s is %s, more than twice the %s target, but %s = %s holds %s of its rows, more than %.1f× the %s share of one of %d pieces: splitting on the key cannot help, so give the value a partition of its own%s",
										  p->relname, ps_size_pretty(l->bytes),
										  ps_size_pretty(ctx->target), keycol,
										  ks->mcv[0].text, ps_pct(ks->mcv[0].freq),
										  ps_whale_factor, ps_pct(1.0 / pieces), pieces,
										  nwhale > 1 ? psprintf(" (and to %d more values)", nwhale - 1) : ""));
	initStringInfo(&ddl);
	initStringInfo(&layout);
	appendStringInfoChar(&layout, '[');
	appendStringInfo(&ddl, "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (%s);\n",
					 quote_qualified_identifier(p->nspname, newname), ps_qname(p),
					 quote_identifier(keycol));
	propose_whales(ctx, &ddl, &layout, p->nspname, newname, keycol, nwhale,
				   ks->mcv, whale_leaf);
	propose(&ddl, &layout,
			psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT;",
					 quote_qualified_identifier(p->nspname, restname),
					 quote_qualified_identifier(p->nspname, newname)),
			restname, "DEFAULT", Max(rest, 0));
	appendStringInfoChar(&layout, ']');
	ps_json_key_raw(&a->evidence, "proposed_layout", layout.data);
	/* the bound in ISO form (bound_text follows the session's DateStyle) */
	bound = ps_bound_of(tree, p);
	append_last_comment(&ddl,
						psprintf("then copy the rows of %s into %s, DETACH the old leaf and ATTACH the new table %s",
								 ps_qname(p), quote_qualified_identifier(p->nspname, newname),
								 ps_ddl_bound_clause(&bound)));
	a->ddl = ps_ddl_pin(ddl.data);
	a->rows_moved = l->rows;
	a->lock = psprintf("ACCESS EXCLUSIVE on the parent for the DETACH and on %s; SHARE UPDATE EXCLUSIVE on the parent for the ATTACH",
					   p->relname);
}

static void
advise_split(AdviseCtx *ctx, int leaf, int pieces, PsKeyStats *ks)
{
	PsTree	   *tree = ctx->tree;
	PsLeafSkew *l = &ctx->skew->leaves[leaf];
	PsPartition *p = &tree->parts[l->part];
	Advice	   *a;
	bool		hash = p->strategy == PS_STRATEGY_HASH;

	ctx->taken[l->part] = true;
	a = ps_new_advice(ctx, ADV_SPLIT, (double) l->bytes);
	ps_set_part(a, l->part);
	ps_json_key_int(&a->evidence, "bytes", l->bytes);
	ps_json_key_int(&a->evidence, "rows", l->rows);
	ps_json_key_num(&a->evidence, "share", l->share, 4);
	if (l->has_ratio)
		ps_json_key_num(&a->evidence, "ratio_to_median", l->ratio_to_median, 2);
	ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
	ps_json_key_int(&a->evidence, "pieces", pieces);
	if (hash)
		ps_json_key_int(&a->evidence, "new_modulus", p->modulus * pieces);
	if (!ctx->skew->stats_readable)
		ps_json_key_str(&a->evidence, "key_values", "not checked: no access to pg_stats");
	else if (!ks->found)
		ps_json_key_str(&a->evidence, "key_values", "not checked: no statistics");
	else if (ks->nmcv > 0)
		ps_json_key_num(&a->evidence, "largest_value_share", ks->mcv[0].freq, 4);
	a->reason = psprintf("%s holds %s of the rows (%s)%s, more than twice the %s target: split it into %d %s",
						 p->relname, ps_pct(l->share), ps_size_pretty(l->bytes),
						 l->has_ratio ? psprintf(", %.1f× the median sibling",
												 l->ratio_to_median) : "",
						 ps_size_pretty(ctx->target), pieces,
						 hash ? psprintf("hash partitions of modulus %d",
										 p->modulus * pieces) : "pieces");
	a->reason = ps_finish_reason(ctx, a, a->reason);
	ddl_split(ctx, a, l->part, pieces);
	a->rows_moved = l->rows;
	a->lock = ps_replace_lock_text(tree, p->parent_index,
								   psprintf("on %s while its " INT64_FORMAT " rows are copied",
											p->relname, Max(l->rows, 0)));
}

/*
 * split of two or more hash leaves of one parent: one action, whose DDL is
 * the split script of each leaf (one transaction each), in remainder order.
 */
static void
advise_hash_splits(AdviseCtx *ctx, int g, int *leaves, int *pieces, int n)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int		   *parts = palloc(sizeof(int) * n);
	int			nsib = 0,
				after = 0,
				pmin = INT_MAX,
				pmax = 0,
				mmin = INT_MAX,
				mmax = 0,
				nc,
				i,
				j;
	int		   *children = ps_children_of(tree, g, &nc);
	int64		rows = 0,
				bytes = 0,
				bmin = PG_INT64_MAX,
				bmax = 0;
	StringInfoData ddl;
	StringInfoData split;
	StringInfoData names;
	Advice	   *a;

	/* remainder order (remainders of non-overlapping siblings differ) */
	for (i = 1; i < n; i++)
	{
		for (j = i; j > 0 && tree->parts[s->leaves[leaves[j]].part].remainder <
			 tree->parts[s->leaves[leaves[j - 1]].part].remainder; j--)
		{
			int			t = leaves[j];
			int			tp = pieces[j];

			leaves[j] = leaves[j - 1];
			pieces[j] = pieces[j - 1];
			leaves[j - 1] = t;
			pieces[j - 1] = tp;
		}
	}
	for (i = 0; i < nc; i++)
	{
		if (!tree->parts[children[i]].is_default &&
			!tree->parts[children[i]].detach_pending)
			nsib++;
	}
	initStringInfo(&split);
	appendStringInfoChar(&split, '[');
	for (i = 0; i < n; i++)
	{
		PsLeafSkew *l = &s->leaves[leaves[i]];
		PsPartition *p = &tree->parts[l->part];
		int			m = p->modulus * pieces[i];

		parts[i] = l->part;
		ctx->taken[l->part] = true;
		rows += Max(l->rows, 0);
		bytes += l->bytes;
		bmin = Min(bmin, l->bytes);
		bmax = Max(bmax, l->bytes);
		pmin = Min(pmin, pieces[i]);
		pmax = Max(pmax, pieces[i]);
		mmin = Min(mmin, m);
		mmax = Max(mmax, m);
		after += pieces[i];
		appendStringInfo(&split, "%s{\"partition\": ", i ? ", " : "");
		escape_json(&split, p->relname);
		appendStringInfo(&split, ", \"bytes\": " INT64_FORMAT ", \"rows\": " INT64_FORMAT ", \"pieces\": %d, \"new_modulus\": %d}",
						 l->bytes, l->rows, pieces[i], m);
	}
	appendStringInfoChar(&split, ']');
	after += nsib - n;
	/* "a and b", "a, b and c", or the first and the last of more */
	initStringInfo(&names);
	for (i = 0; i < n; i++)
	{
		if (n > 4 && i > 0 && i < n - 1)
			continue;
		appendStringInfo(&names, "%s%s",
						 i == 0 ? "" : n > 4 ? " to " : i == n - 1 ? " and " : ", ",
						 tree->parts[parts[i]].relname);
	}

	a = ps_new_advice(ctx, ADV_SPLIT, (double) bytes);
	ps_set_parts(a, parts, n);
	ps_json_key_int(&a->evidence, "leaves", n);
	ps_json_key_int(&a->evidence, "siblings", nsib);
	ps_json_key_int(&a->evidence, "bytes", bytes);
	ps_json_key_int(&a->evidence, "rows", rows);
	ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
	ps_json_key_int(&a->evidence, "partitions_after", after);
	ps_json_key_raw(&a->evidence, "split", split.data);
	a->reason = psprintf("%s hash partitions of %s (%s, " INT64_FORMAT " rows) are %s to %s each, more than twice the %s target: split each into %s hash partitions of modulus %s, %d partitions in all",
						 n == nsib ? psprintf("All %d", n) : psprintf("%d of the %d", n, nsib),
						 ps_part_name(tree, g), names.data, rows,
						 ps_size_pretty(bmin), ps_size_pretty(bmax),
						 ps_size_pretty(ctx->target),
						 pmin == pmax ? psprintf("%d", pmin) : psprintf("%d to %d", pmin, pmax),
						 mmin == mmax ? psprintf("%d", mmin) : psprintf("%d to %d", mmin, mmax),
						 after);
	a->reason = ps_finish_reason(ctx, a, a->reason);

	initStringInfo(&ddl);
	for (i = 0; i < n; i++)
	{
		PsAdviceDdl r = ps_advice_ddl_split(tree->parts[parts[i]].relid,
											pieces[i]);

		if (r.ddl == NULL)
		{
			ps_set_ddl(a, psprintf("partstrat_ddl_split of %s",
								   tree->parts[parts[i]].relname), r);
			break;
		}
		appendStringInfo(&ddl, "%s%s", i ? "\n" : "", r.ddl);
	}
	if (a->ddl_error == NULL)
		a->ddl = ddl.data;
	a->rows_moved = rows;
	a->lock = ps_replace_lock_text(tree, g,
								   psprintf("on each of the %d leaves in turn while its rows are copied, one transaction per leaf, " INT64_FORMAT " rows in all",
											n, rows));
}

void
ps_advise_split_repartition(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	bool	   *in_pool = palloc0(sizeof(bool) * Max(s->nleaves, 1));
	int		   *hsplit = palloc(sizeof(int) * Max(s->nleaves, 1));
	int		   *hpieces = palloc(sizeof(int) * Max(s->nleaves, 1));
	int		   *hwhale = palloc(sizeof(int) * Max(s->nleaves, 1));
	int			nhsplit = 0;
	int			nhwhale = 0;
	int			g,
				i;

	/*
	 * hash leaves imbalanced by heavy values: pooled with the oversized
	 * ones below, one repartition per parent
	 */
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];

		if (!ctx->taken[l->part] &&
			(l->flags & PS_FLAG_HASH_IMBALANCE) && l->nheavy > 0 &&
			ps_group_key(tree, l->group)->colnames[0] != NULL)
		{
			hwhale[nhwhale++] = i;
			in_pool[i] = true;
		}
	}

	/* leaves above twice the target */
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];
		PsKeyStats *ks;
		int			pieces;
		int			nwhale = 0;

		CHECK_FOR_INTERRUPTS();
		if (ctx->taken[l->part] || in_pool[i] || p->is_default || p->is_foreign ||
			l->bytes <= 2 * ctx->target)
			continue;
		/* no more pieces than the split generator makes (a tiny target) */
		pieces = (int) Min((l->bytes + ctx->target - 1) / ctx->target,
						   PS_DDL_MAX_PIECES);
		if (p->strategy == PS_STRATEGY_HASH)
		{
			pieces = next_pow2(pieces);
			if (pieces > PS_DDL_MAX_PIECES)
				pieces /= 2;
		}
		ks = ps_skew_keystats(s, i);
		if (ks->found && tree->keys[p->key_index].colnames[0] != NULL)
		{
			while (nwhale < ks->nmcv &&
				   ks->mcv[nwhale].freq > ps_whale_factor / pieces)
				nwhale++;
		}
		if (nwhale > 0 && p->strategy == PS_STRATEGY_HASH)
		{
			/* heavy values of an oversized hash leaf: one action per parent */
			l->nheavy = nwhale;
			l->heavy = ks->mcv;
			hwhale[nhwhale++] = i;
		}
		else if (nwhale > 0)
			advise_leaf_repartition(ctx, i, pieces, ks, nwhale);
		else if (p->strategy == PS_STRATEGY_HASH)
		{
			hsplit[nhsplit] = i;
			hpieces[nhsplit++] = pieces;
		}
		else
			advise_split(ctx, i, pieces, ks);
	}

	/* oversized hash leaves with heavy values: one repartition per parent */
	for (i = 0; i < nhwhale; i++)
	{
		int			n = 0,
					j;
		int		   *gl;

		if (hwhale[i] < 0)
			continue;
		g = s->leaves[hwhale[i]].group;
		gl = palloc(sizeof(int) * nhwhale);
		for (j = i; j < nhwhale; j++)
		{
			if (hwhale[j] < 0 || s->leaves[hwhale[j]].group != g)
				continue;
			gl[n++] = hwhale[j];
			hwhale[j] = -1;
		}
		advise_hash_repartition(ctx, g, gl, n);
	}

	/* hash leaves: one split action per parent with two or more */
	for (i = 0; i < nhsplit; i++)
	{
		int			n = 0,
					j;
		int		   *gl;
		int		   *gp;

		if (hsplit[i] < 0)
			continue;
		g = s->leaves[hsplit[i]].group;
		gl = palloc(sizeof(int) * nhsplit);
		gp = palloc(sizeof(int) * nhsplit);
		for (j = i; j < nhsplit; j++)
		{
			if (hsplit[j] < 0 || s->leaves[hsplit[j]].group != g)
				continue;
			gl[n] = hsplit[j];
			gp[n++] = hpieces[j];
			hsplit[j] = -1;
		}
		if (n > 1)
			advise_hash_splits(ctx, g, gl, gp, n);
		else
			advise_split(ctx, gl[0], gp[0], ps_skew_keystats(s, gl[0]));
	}
}

/* ----------------------------------------------------------------
 * add_index
 * ----------------------------------------------------------------
 */

void
ps_advise_add_index(AdviseCtx *ctx)
{
	PsSkew	   *s = ctx->skew;
	int			i;

	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &ctx->tree->parts[l->part];
		StringInfoData ddl;
		StringInfoData sigs;
		ListCell   *lc;
		Advice	   *a;
		int			n = list_length(l->missing_indexes);

		if (n == 0 || ctx->taken[l->part])
			continue;
		a = ps_new_advice(ctx, ADV_ADD_INDEX, (double) Max(l->rows, 0));
		ps_set_part(a, l->part);
		initStringInfo(&ddl);
		foreach(lc, l->missing_indexes)
			appendStringInfo(&ddl, "%s%s;", ddl.len > 0 ? "\n" : "",
							 (char *) lfirst(lc));
		initStringInfo(&sigs);
		appendStringInfoChar(&sigs, '[');
		foreach(lc, l->missing_sigs)
		{
			if (sigs.len > 1)
				appendStringInfoString(&sigs, ", ");
			escape_json(&sigs, lfirst(lc));
		}
		appendStringInfoChar(&sigs, ']');
		ps_json_key_raw(&a->evidence, "missing", sigs.data);
		ps_json_key_int(&a->evidence, "siblings_with_it", l->index_siblings);
		ps_json_key_int(&a->evidence, "siblings", l->group_size - 1);
		ps_json_key_int(&a->evidence, "rows", l->rows);
		{
			StringInfoData list;

			initStringInfo(&list);
			foreach(lc, l->missing_sigs)
				appendStringInfo(&list, "%s%s", list.len ? "; " : "",
								 (char *) lfirst(lc));
			a->reason = psprintf("%s lacks %s (%s) that %d of its %d siblings have, so queries that use %s elsewhere scan this leaf",
								 p->relname, n > 1 ? psprintf("%d indexes", n) : "the index",
								 list.data, l->index_siblings, l->group_size - 1,
								 n > 1 ? "them" : "it");
		}
		a->reason = ps_finish_reason(ctx, a, a->reason);
		a->ddl = ps_ddl_pin(ddl.data);
		a->lock = psprintf("SHARE on %s while the index builds (writes to it wait; CREATE INDEX CONCURRENTLY, run outside a transaction block, avoids that)",
						   p->relname);
	}
}
