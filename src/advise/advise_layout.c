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
#include "generators.h"
#include "partstrat.h"
#include "skew.h"

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

/*
 * The caps of a repartition proposal: values given a partition of their
 * own, and hash sub-partitions of one value.  A proposal creates at most
 * 2 + PS_ADVICE_MAX_VALUES * (1 + PS_ADVICE_MAX_SUB) tables plus the old
 * parent's hash partitions, whatever the target (a target of 1 byte made
 * 2^20 sub-partitions per value before the caps).  The reason says when a
 * cap applied.
 */
#define PS_ADVICE_MAX_VALUES	16
#define PS_ADVICE_MAX_SUB		16

/*
 * The cap of a split proposal: pieces of one leaf (a power of two, for
 * hash leaves).  partstrat_ddl_split() itself makes up to
 * PS_DDL_MAX_PIECES when asked.
 */
#define PS_ADVICE_MAX_PIECES	64

static int
next_pow2(int n)
{
	int			p = 1;

	while (p < n && p < (1 << 20))
		p <<= 1;
	return p;
}

/*
 * Could one value (or NULL) of this column hold half of the whale's rows?
 * Then hashing on it splits the whale little or not at all (a column
 * constant within the value, such as another column of the key always
 * given with it): its most common value's share, or its NULLs', of the
 * leaf's rows is more than half of the whale.
 */
static bool
one_value_holds_half(HeapTuple stup, int64 leaf_rows, int64 whale_rows)
{
	AttStatsSlot sslot;
	double		top = ((Form_pg_statistic) GETSTRUCT(stup))->stanullfrac;

	if (get_attstatsslot(&sslot, stup, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_NUMBERS))
	{
		if (sslot.nnumbers > 0 && sslot.numbers[0] > top)
			top = sslot.numbers[0];
		free_attstatsslot(&sslot);
	}
	return top * Max(leaf_rows, 0) > 0.5 * whale_rows;
}

/*
 * The column of a leaf, other than the key, with the most distinct values
 * in its statistics and a hash opclass, and no value holding half of the
 * whale (whale_rows): what a whale is sub-partitioned by; NULL when no
 * column would split it.
 */
static char *
best_subcolumn(AdviseCtx *ctx, int leaf, const char *keycol, int64 whale_rows)
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
		if (one_value_holds_half(stup, rows, whale_rows))
			nd = 0;
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

/*
 * The proposed partitions of the heavy values: hash sub-partitions of
 * best_subcolumn() for a value alone above the target, at most
 * PS_ADVICE_MAX_SUB of them.  Returns the most sub-partitions a value
 * needed (0: none), so that the reason can say when the cap applied.
 */
static int
proposed_values(AdviseCtx *ctx, const char *keycol, int nwhale,
				PsHeavyValue *whales, int *whale_leaf, PsProposedValue *out)
{
	int			needed_max = 0;
	int			w;

	for (w = 0; w < nwhale; w++)
	{
		PsLeafSkew *l = &ctx->skew->leaves[whale_leaf[w]];
		double		wbytes = l->rows > 0 ?
			(double) whales[w].rows * Max(l->bytes, 0) / l->rows :
			whales[w].freq * Max(l->bytes, 0);
		double		needed = wbytes > ctx->target ?
			ceil(wbytes / ctx->target) : 0;
		int			sub = needed > 0 ?
			next_pow2((int) Min(needed, PS_ADVICE_MAX_SUB)) : 0;

		out[w].value = whales[w].text;
		out[w].rows = whales[w].rows;
		out[w].sub_modulus = sub;
		out[w].subcol = sub > 1 ?
			best_subcolumn(ctx, whale_leaf[w], keycol, whales[w].rows) : NULL;
		if (out[w].subcol != NULL && needed > needed_max)
			needed_max = (int) Min(needed, INT_MAX);
	}
	return needed_max;
}

/* The reason's note when a leaf needed more pieces than the cap. */
static char *
pieces_cap_note(int64 needed)
{
	if (needed <= PS_ADVICE_MAX_PIECES)
		return "";
	return psprintf(" (the target would need " INT64_FORMAT " pieces, and partstrat proposes at most %d per split: split again later, or raise the target)",
					needed, PS_ADVICE_MAX_PIECES);
}

/* The reason's note when more values were heavy than the cap. */
static char *
values_cap_note(int nwhale)
{
	if (nwhale <= PS_ADVICE_MAX_VALUES)
		return "";
	return psprintf("; %d values are heavy, the proposal gives the %d heaviest a partition of their own (partstrat proposes at most %d) and leaves the others in the DEFAULT",
					nwhale, PS_ADVICE_MAX_VALUES, PS_ADVICE_MAX_VALUES);
}

/* The reason's note when a value needed more sub-partitions than the cap. */
static char *
sub_cap_note(int needed_max)
{
	if (needed_max <= PS_ADVICE_MAX_SUB)
		return "";
	return psprintf("; the heaviest value would need %d hash sub-partitions of the target size, and partstrat proposes at most %d per value (raise the target for fewer)",
					needed_max, PS_ADVICE_MAX_SUB);
}

/*
 * The heavy values of the hash leaves wleaves[nw], heaviest first (the
 * proposal's caps keep the heaviest), with the leaf of each; parts[] gets
 * the leaves' parts, which no other advice takes.  Returns how many.
 */
static int
collect_whales(AdviseCtx *ctx, int *wleaves, int nw, int *parts,
			   PsHeavyValue **whales_out, int **whale_leaf_out)
{
	PsSkew	   *s = ctx->skew;
	PsHeavyValue *whales;
	int		   *whale_leaf;
	int			nwhale = 0;
	int			i,
				j;

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
	/* heaviest first; stable, so that equal values keep the leaves' order */
	for (i = 1; i < nwhale; i++)
	{
		for (j = i; j > 0 && whales[j].rows > whales[j - 1].rows; j--)
		{
			PsHeavyValue t = whales[j];
			int			tl = whale_leaf[j];

			whales[j] = whales[j - 1];
			whale_leaf[j] = whale_leaf[j - 1];
			whales[j - 1] = t;
			whale_leaf[j - 1] = tl;
		}
	}
	*whales_out = whales;
	*whale_leaf_out = whale_leaf;
	return nwhale;
}

/* The evidence's heavy_values: value, partition, share and rows of each. */
static char *
heavy_values_json(AdviseCtx *ctx, PsHeavyValue *whales, int *whale_leaf,
				  int nwhale)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	StringInfoData hv;
	int			i;

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
	return hv.data;
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
	PsRepartitionOptions o;
	PsRepartitionProposal pr;
	int			needed_max;
	PsHeavyValue *whales;
	int		   *whale_leaf;
	int			nwhale = 0;
	int		   *parts = palloc(sizeof(int) * nw);
	PsLeafSkew *top;
	int			n,
				i,
				j;
	int		   *children = ps_children_of(tree, g, &n);
	int64		parent_rows = g < 0 ? s->total_rows : s->rows[g];
	Advice	   *a;

	nwhale = collect_whales(ctx, wleaves, nw, parts, &whales, &whale_leaf);
	top = &s->leaves[whale_leaf[0]];

	a = ps_new_advice(ctx, ADV_REPARTITION, (double) whales[0].rows);
	ps_set_parts(a, parts, nw);
	ps_json_key_str(&a->evidence, "key", keycol);
	ps_json_key_raw(&a->evidence, "heavy_values",
					heavy_values_json(ctx, whales, whale_leaf, nwhale));
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
	memset(&o, 0, sizeof(o));
	o.nspname = nsp;
	o.relname = pname;
	o.keycol = keycol;
	o.nvalues = Min(nwhale, PS_ADVICE_MAX_VALUES);
	o.values = palloc(sizeof(PsProposedValue) * Max(o.nvalues, 1));
	needed_max = proposed_values(ctx, keycol, o.nvalues, whales, whale_leaf,
								 o.values);
	o.rest = palloc(sizeof(PsProposedRest) * Max(n, 1));
	/* the other values keep the key: columns, expressions, classes */
	o.rest_keydef = group_partkeydef(tree, g);
	for (i = 0; i < n; i++)
	{
		PsPartition *c = &tree->parts[children[i]];
		int64		rows = Max(s->rows[children[i]], 0);

		if (c->is_default || c->modulus <= 0)
			continue;
		for (j = 0; j < nw; j++)
		{
			PsLeafSkew *wl = &s->leaves[wleaves[j]];
			int			k;

			if (wl->part != children[i])
				continue;
			for (k = 0; k < wl->nheavy; k++)
				rows -= wl->heavy[k].rows;
		}
		o.rest[o.nrest].modulus = c->modulus;
		o.rest[o.nrest].remainder = c->remainder;
		o.rest[o.nrest++].rows = rows;
	}
	a->reason = psprintf("%s%s%s", a->reason, sub_cap_note(needed_max),
						 values_cap_note(nwhale));
	a->reason = ps_finish_reason(ctx, a, a->reason);
	pr = ps_ddl_repartition(&o);
	ps_json_key_raw(&a->evidence, "proposed_layout", pr.layout_json);
	a->ddl = pr.ddl;
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
	int		   *whale_leaf = palloc(sizeof(int) * Max(nwhale, 1));
	int64		rest = l->rows;
	PsRepartitionOptions o;
	PsRepartitionProposal pr;
	PsBound		bound;
	int			needed_max;
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

	memset(&o, 0, sizeof(o));
	o.nspname = p->nspname;
	o.relname = p->relname;
	o.keycol = keycol;
	o.nvalues = Min(nwhale, PS_ADVICE_MAX_VALUES);
	o.values = palloc(sizeof(PsProposedValue) * Max(o.nvalues, 1));
	needed_max = proposed_values(ctx, keycol, o.nvalues, ks->mcv, whale_leaf,
								 o.values);
	/* values left out by the cap stay in the DEFAULT */
	for (i = o.nvalues; i < nwhale; i++)
		rest += ks->mcv[i].rows;
	o.rest_rows = rest;
	/* the bound in ISO form (bound_text follows the session's DateStyle) */
	bound = ps_bound_of(tree, p);
	o.attach_bound = ps_ddl_bound_clause(&bound);

	a->reason = ps_finish_reason(ctx, a,
								 psprintf("%s is %s, more than twice the %s target, but %s = %s holds %s of its rows, more than %.1f× the %s share of one of %d pieces: splitting on the key cannot help, so give the value a partition of its own%s%s%s",
										  p->relname, ps_size_pretty(l->bytes),
										  ps_size_pretty(ctx->target), keycol,
										  ks->mcv[0].text, ps_pct(ks->mcv[0].freq),
										  ps_whale_factor, ps_pct(1.0 / pieces), pieces,
										  nwhale > 1 ? psprintf(" (and to %d more values)", nwhale - 1) : "",
										  sub_cap_note(needed_max),
										  values_cap_note(nwhale)));
	pr = ps_ddl_repartition(&o);
	ps_json_key_raw(&a->evidence, "proposed_layout", pr.layout_json);
	a->ddl = pr.ddl;
	a->rows_moved = l->rows;
	a->lock = psprintf("ACCESS EXCLUSIVE on the parent for the DETACH and on %s; SHARE UPDATE EXCLUSIVE on the parent for the ATTACH",
					   p->relname);
}

static void
advise_split(AdviseCtx *ctx, int leaf, int pieces, int64 needed,
			 PsKeyStats *ks)
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
	a->reason = psprintf("%s holds %s of the rows (%s)%s, more than twice the %s target: split it into %d %s%s",
						 p->relname, ps_pct(l->share), ps_size_pretty(l->bytes),
						 l->has_ratio ? psprintf(", %.1f× the median sibling",
												 l->ratio_to_median) : "",
						 ps_size_pretty(ctx->target), pieces,
						 hash ? psprintf("hash partitions of modulus %d",
										 p->modulus * pieces) : "pieces",
						 pieces_cap_note(needed));
	a->reason = ps_finish_reason(ctx, a, a->reason);
	ddl_split(ctx, a, l->part, pieces);
	a->rows_moved = l->rows;
	a->lock = ps_replace_lock_text(tree, p->parent_index,
								   psprintf("on %s while its " INT64_FORMAT " rows are copied",
											p->relname, Max(l->rows, 0)));
}

/* Hash leaves (and their pieces) in remainder order. */
static void
sort_by_remainder(AdviseCtx *ctx, int *leaves, int *pieces, int n)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int			i,
				j;

	/* remainders of non-overlapping siblings differ */
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
}

/* "a and b", "a, b and c", or the first and the last of more. */
static char *
leaf_names(PsTree *tree, int *parts, int n)
{
	StringInfoData names;
	int			i;

	initStringInfo(&names);
	for (i = 0; i < n; i++)
	{
		if (n > 4 && i > 0 && i < n - 1)
			continue;
		appendStringInfo(&names, "%s%s",
						 i == 0 ? "" : n > 4 ? " to " : i == n - 1 ? " and " : ", ",
						 tree->parts[parts[i]].relname);
	}
	return names.data;
}

/* The split script of each leaf, one after the other, or the first error. */
static void
hash_splits_ddl(PsTree *tree, Advice *a, int *parts, int *pieces, int n)
{
	StringInfoData ddl;
	int			i;

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
}

/*
 * split of two or more hash leaves of one parent: one action, whose DDL is
 * the split script of each leaf (one transaction each), in remainder order.
 */
static void
advise_hash_splits(AdviseCtx *ctx, int g, int *leaves, int *pieces,
				   int64 needed, int n)
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
				i;
	int		   *children = ps_children_of(tree, g, &nc);
	int64		rows = 0,
				bytes = 0,
				bmin = PG_INT64_MAX,
				bmax = 0;
	StringInfoData split;
	Advice	   *a;

	sort_by_remainder(ctx, leaves, pieces, n);
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

	a = ps_new_advice(ctx, ADV_SPLIT, (double) bytes);
	ps_set_parts(a, parts, n);
	ps_json_key_int(&a->evidence, "leaves", n);
	ps_json_key_int(&a->evidence, "siblings", nsib);
	ps_json_key_int(&a->evidence, "bytes", bytes);
	ps_json_key_int(&a->evidence, "rows", rows);
	ps_json_key_int(&a->evidence, "target_bytes", ctx->target);
	ps_json_key_int(&a->evidence, "partitions_after", after);
	ps_json_key_raw(&a->evidence, "split", split.data);
	a->reason = psprintf("%s hash partitions of %s (%s, " INT64_FORMAT " rows) are %s to %s each, more than twice the %s target: split each into %s hash partitions of modulus %s, %d partitions in all%s",
						 n == nsib ? psprintf("All %d", n) : psprintf("%d of the %d", n, nsib),
						 ps_part_name(tree, g), leaf_names(tree, parts, n), rows,
						 ps_size_pretty(bmin), ps_size_pretty(bmax),
						 ps_size_pretty(ctx->target),
						 pmin == pmax ? psprintf("%d", pmin) : psprintf("%d to %d", pmin, pmax),
						 mmin == mmax ? psprintf("%d", mmin) : psprintf("%d to %d", mmin, mmax),
						 after, pieces_cap_note(needed));
	a->reason = ps_finish_reason(ctx, a, a->reason);

	hash_splits_ddl(tree, a, parts, pieces, n);
	a->rows_moved = rows;
	a->lock = ps_replace_lock_text(tree, g,
								   psprintf("on each of the %d leaves in turn while its rows are copied, one transaction per leaf, " INT64_FORMAT " rows in all",
											n, rows));
}

/*
 * The hash leaves with heavy values -- imbalanced ones, and oversized ones
 * the split loop adds (pool[n]) -- make one repartition per parent: one
 * proposal for the whole parent, one LIST partition per value.
 */
static void
advise_hash_parents(AdviseCtx *ctx, int *pool, int npool)
{
	PsSkew	   *s = ctx->skew;
	int			i;

	for (i = 0; i < npool; i++)
	{
		int			n = 0,
					j,
					g;
		int		   *gl;

		if (pool[i] < 0)
			continue;
		g = s->leaves[pool[i]].group;
		gl = palloc(sizeof(int) * npool);
		for (j = i; j < npool; j++)
		{
			if (pool[j] < 0 || s->leaves[pool[j]].group != g)
				continue;
			gl[n++] = pool[j];
			pool[j] = -1;
		}
		advise_hash_repartition(ctx, g, gl, n);
	}
}

/*
 * The hash leaves to split (hsplit[n], with their pieces and the pieces
 * their size needed): one split action per parent with two or more.
 */
static void
advise_hash_groups(AdviseCtx *ctx, int *hsplit, int *hpieces,
				   int64 *hneeded, int nhsplit)
{
	PsSkew	   *s = ctx->skew;
	int			g,
				i;

	for (i = 0; i < nhsplit; i++)
	{
		int			n = 0,
					j;
		int		   *gl;
		int		   *gp;
		int64		gneeded = 0;

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
			gneeded = Max(gneeded, hneeded[j]);
			hsplit[j] = -1;
		}
		if (n > 1)
			advise_hash_splits(ctx, g, gl, gp, gneeded, n);
		else
			advise_split(ctx, gl[0], gp[0], gneeded,
						 ps_skew_keystats(s, gl[0]));
	}
}

void
ps_advise_split_repartition(AdviseCtx *ctx)
{
	PsTree	   *tree = ctx->tree;
	PsSkew	   *s = ctx->skew;
	int		   *pool = palloc(sizeof(int) * Max(s->nleaves, 1));
	bool	   *in_pool = palloc0(sizeof(bool) * Max(s->nleaves, 1));
	int			npool = 0;
	int		   *hsplit = palloc(sizeof(int) * Max(s->nleaves, 1));
	int		   *hpieces = palloc(sizeof(int) * Max(s->nleaves, 1));
	int64	   *hneeded = palloc(sizeof(int64) * Max(s->nleaves, 1));
	int			nhsplit = 0;
	int			i;

	/* hash leaves imbalanced by heavy values: pooled per parent */
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];

		if (!ctx->taken[l->part] &&
			(l->flags & PS_FLAG_HASH_IMBALANCE) && l->nheavy > 0 &&
			ps_group_key(tree, l->group)->colnames[0] != NULL)
		{
			pool[npool++] = i;
			in_pool[i] = true;
		}
	}

	/* leaves above twice the target */
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		PsPartition *p = &tree->parts[l->part];
		PsKeyStats *ks;
		int64		needed;
		int			pieces;
		int			nwhale = 0;

		CHECK_FOR_INTERRUPTS();
		if (ctx->taken[l->part] || in_pool[i] || p->is_default ||
			p->is_foreign || l->bytes <= 2 * ctx->target)
			continue;
		/* at most PS_ADVICE_MAX_PIECES (a tiny target), and the reason says so */
		needed = (l->bytes + ctx->target - 1) / ctx->target;
		pieces = (int) Min(needed, PS_ADVICE_MAX_PIECES);
		if (p->strategy == PS_STRATEGY_HASH)
		{
			pieces = next_pow2(pieces);
			if (pieces > PS_ADVICE_MAX_PIECES)
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
			/* heavy values of an oversized hash leaf: pooled per parent */
			l->nheavy = nwhale;
			l->heavy = ks->mcv;
			pool[npool++] = i;
		}
		else if (nwhale > 0)
			advise_leaf_repartition(ctx, i, pieces, ks, nwhale);
		else if (p->strategy == PS_STRATEGY_HASH)
		{
			hsplit[nhsplit] = i;
			hneeded[nhsplit] = needed;
			hpieces[nhsplit++] = pieces;
		}
		else
			advise_split(ctx, i, pieces, needed, ks);
	}

	advise_hash_parents(ctx, pool, npool);

	/* hash leaves: one split action per parent with two or more */
	advise_hash_groups(ctx, hsplit, hpieces, hneeded, nhsplit);
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
		int			n = list_length(l->missing_sigs);

		if (n == 0 || ctx->taken[l->part])
			continue;
		a = ps_new_advice(ctx, ADV_ADD_INDEX, (double) Max(l->rows, 0));
		ps_set_part(a, l->part);
		initStringInfo(&ddl);
		foreach(lc, l->missing_sigs)
			appendStringInfo(&ddl, "%s%s;", ddl.len > 0 ? "\n" : "",
							 ps_ddl_index_like(lfirst(lc), p->nspname,
											   p->relname));
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
