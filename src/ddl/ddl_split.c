/*-------------------------------------------------------------------------
 *
 * ddl_split.c
 *	  partstrat_ddl_split(): the script that splits one partition.
 *
 * Range partitions are cut at quantiles of the partition's own data (from
 * its pg_statistic row -- null fraction, most common values and histogram
 * together -- or from the data with exact => true), rounded to the
 * coarsest natural unit that keeps the pieces balanced, or at explicit
 * boundaries.  Hash partitions become two (or k) partitions of a multiple
 * of their modulus.  List partitions are cut into groups of values
 * balanced by row counts.  Where to cut a range is ddl_points.c's job.
 * The script itself is built by ps_ddl_emit_replace() (ddl_common.c):
 * copy into new standalone tables, assert the row count, then swap them in
 * under a short ACCESS EXCLUSIVE lock.  A sub-partitioned partition (one
 * level of plain leaves) is rebuilt here, piece by piece.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_split.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_constraint.h"
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
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "ddl_points.h"
#include "generators.h"



/* ---------------------------------------------------------------------
 * Range
 * ---------------------------------------------------------------------
 */

static void
no_stats_error(const SplitKey *k, const PsPartition *p)
{
	if (check_enable_rls(p->relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("statistics of partition \"%s\" are hidden by row-level security",
						p->relname),
				 errdetail("As in pg_stats, the statistics of a table are not shown to a user its row security policies apply to."),
				 errhint("Run it as the table owner, whom row security does not restrict.")));
	if (k->is_expr)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("partition \"%s\" has no statistics on its partition key expression %s",
						p->relname, k->expr),
				 errdetail("ANALYZE keeps statistics of columns only."),
				 errhint("Pass exact => true to compute the split points from the data, or pass boundaries.")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("partition \"%s\" has no statistics on column \"%s\"",
					p->relname, k->colname),
			 errdetail("Split points are quantiles of the partition's own statistics, which it lacks (never analyzed, or empty)."),
			 errhint("Run ANALYZE %s, or pass exact => true to compute the split points from the data.",
					 quote_qualified_identifier(p->nspname, p->relname))));
}

/* The bound of a range partition, in ISO form. */
static char *
old_bound_text(const PsPartition *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "FOR VALUES FROM (");
	appendStringInfoString(&buf, ps_ddl_literal(&p->range_from[0]));
	appendStringInfoString(&buf, ") TO (");
	appendStringInfoString(&buf, ps_ddl_literal(&p->range_to[0]));
	appendStringInfoString(&buf, ") on its first key column");
	return buf.data;
}

/* Parse the explicit boundaries (in the caller's session settings). */
static Datum *
parse_boundaries(const SplitKey *k, ArrayType *arr, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	Datum	   *vals;
	Oid			infunc;
	Oid			ioparam;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("boundaries must be a one-dimensional array"),
				 errhint("Pass e.g. ARRAY['2026-01-15', '2026-01-22'].")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	if (*n == 0 || *n >= PS_DDL_MAX_PIECES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("boundaries must hold between 1 and %d values", PS_DDL_MAX_PIECES - 1),
				 errhint("Pass the split points, or NULL to compute them.")));
	getTypeInputInfo(k->typid, &infunc, &ioparam);
	vals = palloc(sizeof(Datum) * *n);
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("boundaries must not contain NULL"),
					 errhint("Range partitions cannot be split at NULL: pass values of the partition key.")));
		vals[i] = OidInputFunctionCall(infunc, TextDatumGetCString(elems[i]),
									   ioparam, k->typmod);
	}
	return vals;
}

/*
 * The split points of a range partition: explicit, or quantiles (rounded).
 * Fills shares[] (npts + 1 entries, -1 when unknown) and *how.
 */
static Datum *
range_points(SplitKey *k, const PsPartition *p, int pieces,
			 Datum *explicit_pts, int nexplicit, bool exact,
			 double *shares, char **how)
{
	Datum	   *pts;
	int			npts = pieces - 1;
	int			i;

	if (explicit_pts)
	{
		for (i = 0; i < nexplicit; i++)
		{
			if (!ps_split_inside(k, p, explicit_pts[i]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("boundary %s is not strictly inside the range of partition \"%s\"",
								quote_literal_cstr(ps_datum_to_iso(explicit_pts[i], k->typid)),
								p->relname),
						 errdetail("The partition holds %s.", old_bound_text(p)),
						 errhint("Pass values strictly between the partition's lower and upper bounds.")));
			if (i > 0 && ps_split_key_cmp(k, explicit_pts[i - 1], explicit_pts[i]) >= 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("boundaries must be strictly increasing"),
						 errdetail("%s does not come after %s.",
								   quote_literal_cstr(ps_datum_to_iso(explicit_pts[i], k->typid)),
								   quote_literal_cstr(ps_datum_to_iso(explicit_pts[i - 1], k->typid))),
						 errhint("Sort the boundaries and remove duplicates.")));
		}
		if (exact)
			(void) ps_split_dist_from_data(k, p->relid);
		else
			(void) ps_split_dist_from_stats(k, p->relid);
		if (k->have_dist)
			(void) ps_split_points_ok(k, p, explicit_pts, nexplicit, shares, false);
		else
			for (i = 0; i <= nexplicit; i++)
				shares[i] = -1;
		*how = pstrdup("given");
		return explicit_pts;
	}

	if (exact ? !ps_split_dist_from_data(k, p->relid) : !ps_split_dist_from_stats(k, p->relid))
	{
		if (exact)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("partition \"%s\" has fewer than two rows", p->relname),
					 errhint("Pass boundaries to split it at chosen values.")));
		no_stats_error(k, p);
	}

	pts = palloc(sizeof(Datum) * npts);
	for (i = 0; i < npts; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pts[i] = ps_split_quantile(k, (double) (i + 1) / pieces);
	}
	if (!ps_split_points_ok(k, p, pts, npts, shares, false))
	{
		/* quantiles not distinct or not inside: try rounding anyway */
		char	   *unit = ps_split_round_points(k, p, pts, npts, shares);

		if (*unit == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot find %d distinct split points inside partition \"%s\"",
							npts, p->relname),
					 errdetail("Its key has too few distinct values in %s.", k->source),
					 errhint("Split into fewer pieces, or pass boundaries.")));
		*how = psprintf("quantiles of %s, rounded to %s", k->source, unit);
		return pts;
	}
	{
		char	   *unit = ps_split_round_points(k, p, pts, npts, shares);

		*how = *unit ? psprintf("quantiles of %s, rounded to %s", k->source, unit) :
			psprintf("quantiles of %s, not rounded (no unit keeps the pieces within %.1fx of an equal share)",
					 k->source, MAX_SHARE_FACTOR);
	}
	return pts;
}

static PsBound *
range_bounds(const PsTree *tree, const PsPartition *p, const SplitKey *k,
			 Datum *pts, int npts)
{
	int			nkeys = tree->keys[p->key_index].nkeys;
	PsBound    *b = palloc0(sizeof(PsBound) * (npts + 1));
	int			i,
				j;

	for (i = 0; i <= npts; i++)
	{
		b[i] = ps_bound_of(tree, p);
		if (i > 0)
		{
			b[i].from = palloc0(sizeof(PsValue) * nkeys);
			b[i].from[0] = ps_ddl_value(pts[i - 1], k->typid, k->typlen,
										k->typbyval);
			for (j = 1; j < nkeys; j++)
			{
				b[i].from[j].kind = PS_RANGE_MINVALUE;
				b[i].from[j].text = pstrdup("MINVALUE");
			}
		}
		if (i < npts)
		{
			b[i].to = palloc0(sizeof(PsValue) * nkeys);
			b[i].to[0] = ps_ddl_value(pts[i], k->typid, k->typlen,
									  k->typbyval);
			for (j = 1; j < nkeys; j++)
			{
				b[i].to[j].kind = PS_RANGE_MINVALUE;
				b[i].to[j].text = pstrdup("MINVALUE");
			}
		}
	}
	return b;
}

/* ---------------------------------------------------------------------
 * Hash
 * ---------------------------------------------------------------------
 */

static PsBound *
hash_bounds(const PsTree *tree, const PsPartition *p, int pieces)
{
	int			newmod;
	PsBound    *b;
	int			i;

	if ((int64) p->modulus * pieces > INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("modulus %d times %d pieces is out of range", p->modulus, pieces),
				 errhint("Split into fewer pieces.")));
	newmod = p->modulus * pieces;
	for (i = 0; i < tree->nparts; i++)
	{
		const PsPartition *o = &tree->parts[i];

		if (o->level != 1 || o->relid == p->relid || o->is_default)
			continue;
		if (!(newmod % o->modulus == 0 || o->modulus % newmod == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot split hash partition \"%s\" into %d pieces", p->relname, pieces),
					 errdetail("The new modulus %d and the modulus %d of partition \"%s\" do not divide one another; PostgreSQL requires every modulus to be a factor of the next larger one.",
							   newmod, o->modulus, o->relname),
					 errhint("Split into a number of pieces that keeps the moduli multiples of one another, e.g. pieces => 2.")));
	}
	b = palloc0(sizeof(PsBound) * pieces);
	for (i = 0; i < pieces; i++)
	{
		b[i] = ps_bound_of(tree, p);
		b[i].modulus = newmod;
		b[i].remainder = p->remainder + i * p->modulus;
	}
	return b;
}

/* Count the rows of each new hash piece (sampled above 1M rows unless exact). */
static void
hash_shares(const PsTree *tree, const PsPartition *p, PsBound *b, int pieces,
			bool exact, double *shares, char **how, double *nrows)
{
	StringInfoData sql;
	bool		sample = !exact && p->est_rows > 1000000;
	double		total = 0;
	int			i;
	PsAsUser	ao;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (i = 0; i < pieces; i++)
		appendStringInfo(&sql, "%scount(*) FILTER (WHERE %s)", i ? ", " : "",
						 ps_ddl_bound_expr(tree->root, &tree->keys[p->key_index], &b[i]));
	appendStringInfo(&sql, " FROM %s", ps_split_source(p->relid));
	if (sample)
		appendStringInfo(&sql, " TABLESAMPLE SYSTEM (%g) REPEATABLE (0)",
						 Max(0.01, 100.0 * 1000000 / p->est_rows));
	ps_spi_connect_as_owner(&ao, p->relid);
	if (SPI_execute(sql.data, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hash share query failed");
	for (i = 0; i < pieces; i++)
	{
		bool		isnull;

		shares[i] = (double) DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														 SPI_tuptable->tupdesc,
														 i + 1, &isnull));
		total += shares[i];
	}
	ps_spi_finish_as_owner(&ao);
	for (i = 0; i < pieces; i++)
		shares[i] = total > 0 ? shares[i] / total : -1;
	if (!sample)
		*nrows = total;
	*how = psprintf("satisfies_hash_partition() over %s rows",
					sample ? "a sample of the" : "all the");
}

/* ---------------------------------------------------------------------
 * List
 * ---------------------------------------------------------------------
 */

/* Weight of each list value: exact counts or MCV frequencies. */
static double *
list_weights(SplitKey *k, const PsPartition *p, bool exact, char **how)
{
	double	   *w = palloc0(sizeof(double) * p->nlist);
	int			i,
				j;

	if (exact)
	{
		StringInfoData sql;
		PsAsUser	ao;

		initStringInfo(&sql);
		appendStringInfoString(&sql, "SELECT ");
		for (i = 0; i < p->nlist; i++)
		{
			if (p->list_values[i].isnull)
				appendStringInfo(&sql, "%scount(*) FILTER (WHERE %s IS NULL)",
								 i ? ", " : "", k->expr);
			else
				appendStringInfo(&sql, "%scount(*) FILTER (WHERE %s = %s::%s)",
								 i ? ", " : "", k->expr,
								 quote_literal_cstr(p->list_values[i].text),
								 format_type_with_typemod(k->typid, k->typmod));
		}
		appendStringInfo(&sql, " FROM %s", ps_split_source(p->relid));
		ps_spi_connect_as_owner(&ao, p->relid);
		if (SPI_execute(sql.data, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "list count query failed");
		for (i = 0; i < p->nlist; i++)
		{
			bool		isnull;

			w[i] = (double) DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														SPI_tuptable->tupdesc,
														i + 1, &isnull));
		}
		ps_spi_finish_as_owner(&ao);
		k->nrows = 0;
		for (i = 0; i < p->nlist; i++)
			k->nrows += w[i];
		*how = pstrdup("exact row counts");
		return w;
	}

	if (!ps_split_dist_from_stats(k, p->relid))
		no_stats_error(k, p);
	{
		double		matched = 0;
		int			unmatched = 0;

		for (i = 0; i < p->nlist; i++)
		{
			w[i] = -1;
			if (p->list_values[i].isnull)
				w[i] = k->nullfrac;
			else
				for (j = 0; j < k->nmcv; j++)
					if (ps_split_key_cmp(k, k->mcv[j], p->list_values[i].value) == 0)
						w[i] = k->mcvfreq[j];
			if (w[i] >= 0)
				matched += w[i];
			else
				unmatched++;
		}
		for (i = 0; i < p->nlist; i++)
			if (w[i] < 0)
				w[i] = unmatched > 0 ? Max(0.0, 1.0 - matched) / unmatched : 0;
	}
	*how = pstrdup("most-common-value frequencies of pg_statistic");
	return w;
}

/*
 * Groups of list values balanced by weight: heaviest value first into the
 * lightest group (ties: the lower group); values keep their bound order
 * inside a group, groups are ordered by their first value.
 */
static PsBound *
list_bounds(const PsTree *tree, const PsPartition *p, const double *w,
			int pieces, double *shares)
{
	int		   *order = palloc(sizeof(int) * p->nlist);
	int		   *group = palloc(sizeof(int) * p->nlist);
	double	   *load = palloc0(sizeof(double) * pieces);
	int		   *first = palloc(sizeof(int) * pieces);
	int		   *gorder = palloc(sizeof(int) * pieces);
	PsBound    *b = palloc0(sizeof(PsBound) * pieces);
	double		total = 0;
	int			i,
				j,
				g;

	/* values by weight, descending, stable */
	for (i = 0; i < p->nlist; i++)
		order[i] = i;
	for (i = 1; i < p->nlist; i++)
	{
		int			v = order[i];

		for (j = i - 1; j >= 0 && w[order[j]] < w[v]; j--)
			order[j + 1] = order[j];
		order[j + 1] = v;
	}
	/* the first `pieces` values each open a group, so none is empty */
	for (i = 0; i < p->nlist; i++)
	{
		int			best = 0;

		if (i < pieces)
			best = i;
		else
			for (g = 1; g < pieces; g++)
				if (load[g] < load[best])
					best = g;
		group[order[i]] = best;
		load[best] += w[order[i]];
		total += w[order[i]];
	}
	for (g = 0; g < pieces; g++)
		first[g] = p->nlist;
	for (i = p->nlist - 1; i >= 0; i--)
		first[group[i]] = i;
	for (g = 0; g < pieces; g++)
		gorder[g] = g;
	for (i = 1; i < pieces; i++)
	{
		int			v = gorder[i];

		for (j = i - 1; j >= 0 && first[gorder[j]] > first[v]; j--)
			gorder[j + 1] = gorder[j];
		gorder[j + 1] = v;
	}
	for (g = 0; g < pieces; g++)
	{
		int			src = gorder[g];

		b[g] = ps_bound_of(tree, p);
		b[g].list = palloc0(sizeof(PsValue) * p->nlist);
		b[g].nlist = 0;
		for (i = 0; i < p->nlist; i++)
			if (group[i] == src)
				b[g].list[b[g].nlist++] = p->list_values[i];
		shares[g] = total > 0 ? load[src] / total : -1;
	}
	return b;
}

/* ---------------------------------------------------------------------
 * The SQL function
 * ---------------------------------------------------------------------
 */

static void
check_splittable(const PsTree *tree, const PsPartition *p)
{
	char	   *q = quote_qualified_identifier(p->nspname, p->relname);

	if (p->is_default)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot split the DEFAULT partition \"%s\"", p->relname),
				 errdetail("A DEFAULT partition has no bound to cut."),
				 errhint("Use partstrat_ddl_rescue_default(%s) to move its rows into partitions of their own.",
						 quote_literal_cstr(ps_ddl_qualified(tree->root)))));
	if (p->is_foreign)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot split foreign partition \"%s\"", p->relname),
				 errdetail("Its rows live on another server."),
				 errhint("Split the remote table there, then attach new foreign tables.")));
	if (!p->is_leaf)
	{
		int			i;

		for (i = 0; i < p->nchildren; i++)
		{
			const PsPartition *c = &tree->parts[p->children[i]];

			if (c->is_leaf && !c->is_foreign && !c->is_default &&
				!c->detach_pending)
				continue;
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot split sub-partitioned partition \"%s\"", p->relname),
					 errdetail("Its partition \"%s\" is %s; only sub-partitions that are plain leaves with a bound are rebuilt.",
							   c->relname,
							   !c->is_leaf ? "itself partitioned" :
							   c->is_foreign ? "a foreign table" :
							   c->is_default ? "its DEFAULT partition" :
							   "being detached"),
					 errhint("Split one of its own partitions instead: SELECT partstrat_ddl_split(partition) FROM partstrat_partitions(%s) WHERE is_leaf.",
							 quote_literal_cstr(q))));
		}
	}
}

/* ---------------------------------------------------------------------
 * A sub-partitioned partition: rebuild its subtree once per piece
 * ---------------------------------------------------------------------
 */

/*
 * A CHECK constraint name that no leaf of p uses (LIKE copies the leaves'
 * own).
 */
static char *
leaves_check_name(const PsTree *tree, const PsPartition *p)
{
	char	   *cname = "partstrat_bound";
	int			n = 2;
	int			j;

	for (j = 0; j < p->nchildren; j++)
	{
		if (OidIsValid(get_relation_constraint_oid(tree->parts[p->children[j]].relid,
												   cname, true)))
		{
			cname = psprintf("partstrat_bound_%d", n++);
			j = -1;
		}
	}
	return cname;
}

/*
 * The indexes of the copies of p's leaves in one piece, each copy attached
 * to the piece (no scan: its CHECK implies the bound), then the piece's own
 * indexes.
 */
static void
attach_copies(PsScript *s, const PsTree *tree, const PsPartition *p,
			  const char *piece, char **copyname, char **leafbound)
{
	Oid			nspid = get_rel_namespace(p->relid);
	char	   *nspname = get_namespace_name(nspid);
	char	   *pieceq = quote_qualified_identifier(nspname, piece);
	int			j;

	for (j = 0; j < p->nchildren; j++)
	{
		const PsPartition *c = &tree->parts[p->children[j]];

		ps_ddl_clone_indexes(s, c->relid, nspid, copyname[j]);
		ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s", pieceq,
					   quote_qualified_identifier(nspname, copyname[j]),
					   leafbound[j]);
	}
	ps_ddl_clone_indexes(s, p->relid, nspid, piece);
}

/*
 * Like ps_ddl_emit_replace(), for a partition P that is partitioned itself
 * (one level of leaves below it): each piece is a new partitioned table
 * with P's key, holding a copy of each of P's leaves restricted to the
 * piece.  Every leaf copy carries a CHECK constraint implying both its own
 * bound and the piece's bound, so neither ATTACH (leaf to piece, piece to
 * parent) scans.
 */
static void
emit_replace_partitioned(PsScript *s, const PsTree *tree, const PsPartition *p,
						 int nnew, const PsBound *bounds, char **names)
{
	const PsKey *key = &tree->keys[tree->root_key];
	const PsKey *subkey = &tree->keys[p->own_key_index];
	Oid			nspid = get_rel_namespace(p->relid);
	char	   *nspname = get_namespace_name(nspid);
	char	   *parentq = ps_ddl_qualified(tree->root);
	char	   *oldq = quote_qualified_identifier(p->nspname, p->relname);
	int			nleaves = p->nchildren;
	char	  **leafq = palloc(sizeof(char *) * Max(nleaves, 1));
	char	  **leafexpr = palloc(sizeof(char *) * Max(nleaves, 1));
	char	  **leafbound = palloc(sizeof(char *) * Max(nleaves, 1));
	char	  **copyname = palloc(sizeof(char *) * Max(nleaves * nnew, 1));
	List	   *oldleaves = NIL;
	List	   *newleaves = NIL;
	char	   *cname = leaves_check_name(tree, p);
	int			i,
				j;

	for (j = 0; j < nleaves; j++)
	{
		const PsPartition *c = &tree->parts[p->children[j]];
		PsBound		cb = ps_bound_of(tree, c);

		leafq[j] = quote_qualified_identifier(c->nspname, c->relname);
		leafbound[j] = ps_ddl_bound_clause(&cb);
		leafexpr[j] = ps_ddl_bound_expr(p->relid, subkey, &cb);
		oldleaves = lappend(oldleaves, leafq[j]);
	}

	ps_script_comment(s, "1. lock: the parent first, then the partition to replace (with its partitions)");
	ps_ddl_lock(s, tree->root, list_make1_oid(p->relid), "SHARE");
	ps_script_header(s, "  %s and %s with its partitions: ACCESS EXCLUSIVE from the DETACH to COMMIT,",
					 parentq, oldq);
	ps_script_header(s, "    catalog changes only (DETACH, ATTACH without a validation scan, DROP): milliseconds.");
	ps_script_header(s, "The copy (one pass per piece and partition, then the index builds) runs under the SHARE locks.");
	/* the key deparsed here, under the script's search_path (not keydef) */
	ps_script_header(s, "%s is partitioned by %s: each piece is a partitioned table with a copy of each of its %d partition(s).",
					 oldq,
					 TextDatumGetCString(DirectFunctionCall1(pg_get_partkeydef,
															 ObjectIdGetDatum(p->relid))),
					 nleaves);
	ps_script_header(s, "After COMMIT, ANALYZE the new partitions.");
	ps_ddl_clone_notes(s, p->relid);
	ps_ddl_save_count(s, "rows_before",
					  ps_ddl_owner_rows(s, tree->root, oldleaves));

	ps_script_blank(s);
	ps_script_comment(s, "2. as the owner, per piece: a partitioned table, and a copy of each partition with its rows");
	ps_script_owner_begin(s, tree->root);
	for (i = 0; i < nnew; i++)
	{
		char	   *pieceq = quote_qualified_identifier(nspname, names[i]);
		char	   *pexpr = ps_ddl_bound_expr(tree->root, key, &bounds[i]);

		ps_script_comment(s, "%s %s", pieceq, ps_ddl_bound_clause(&bounds[i]));
		ps_ddl_clone_table(s, p->relid, nspid, names[i]);
		for (j = 0; j < nleaves; j++)
		{
			const PsPartition *c = &tree->parts[p->children[j]];
			char	   *cn = ps_ddl_copy_name(s, nspid, p->relname, names[i],
											c->relname);
			char	   *cq = quote_qualified_identifier(nspname, cn);

			copyname[i * nleaves + j] = cn;
			newleaves = lappend(newleaves, cq);
			ps_ddl_clone_table(s, c->relid, nspid, cn);
			ps_script_stmt(s, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s AND %s)",
						   cq, cname, pexpr, leafexpr[j]);
			ps_script_stmt(s, "INSERT INTO %s (%s)\n    SELECT %s FROM ONLY %s\n    WHERE %s",
						   cq, ps_ddl_copy_columns(c->relid),
						   ps_ddl_copy_columns(c->relid), leafq[j], pexpr);
		}
	}

	ps_script_comment(s, "3. indexes of the partitions, then each copy attached to its piece (no scan), then the pieces' own indexes");
	for (i = 0; i < nnew; i++)
		attach_copies(s, tree, p, names[i], &copyname[i * nleaves], leafbound);
	ps_script_owner_end(s);

	ps_script_blank(s);
	ps_script_comment(s, "4. every row is in a new table, or everything rolls back");
	ps_ddl_assert_count(s, "rows_before",
						ps_ddl_owner_rows(s, tree->root, newleaves));

	ps_script_blank(s);
	ps_script_comment(s, "5. catalog changes under ACCESS EXCLUSIVE: detach, attach (no scan: the CHECKs imply the bounds), drop");
	ps_script_stmt(s, "ALTER TABLE %s DETACH PARTITION %s", parentq, oldq);
	ps_script_owner_begin(s, tree->root);
	for (i = 0; i < nnew; i++)
	{
		ps_script_stmt(s, "ALTER TABLE %s ATTACH PARTITION %s %s", parentq,
					   quote_qualified_identifier(nspname, names[i]),
					   ps_ddl_bound_clause(&bounds[i]));
		for (j = 0; j < nleaves; j++)
			ps_script_stmt(s, "ALTER TABLE %s DROP CONSTRAINT %s",
						   quote_qualified_identifier(nspname,
													  copyname[i * nleaves + j]),
						   cname);
	}
	ps_script_owner_end(s);
	ps_script_stmt(s, "DROP TABLE %s", oldq);
}

static char *
share_text(double share, double nrows)
{
	if (share < 0)
		return pstrdup("share unknown");
	if (nrows >= 0)
		return psprintf("%.1f%%, about %.0f rows", 100.0 * share,
						rint(share * nrows));
	return psprintf("%.1f%%", 100.0 * share);
}

/* ERROR unless p can be split into that many pieces. */
static void
check_pieces(const PsPartition *p, int pieces)
{
	if (pieces < 2 || pieces > PS_DDL_MAX_PIECES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pieces must be between 2 and %d", PS_DDL_MAX_PIECES),
				 errhint("A split makes at least two partitions.")));
	if (p->strategy == PS_STRATEGY_LIST && pieces > p->nlist)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot split list partition \"%s\" of %d value%s into %d pieces",
						p->relname, p->nlist, p->nlist == 1 ? "" : "s", pieces),
				 errdetail("Each piece needs at least one value of the list."),
				 p->nlist < 2 ?
				 errhint("A list partition of one value cannot be split.") :
				 errhint("Pass pieces => %d or fewer.", p->nlist)));
}

/* The new bounds of the pieces, their predicted shares and how. */
static PsBound *
split_bounds(PsTree *tree, PsPartition *p, SplitKey *k, int pieces,
			 Datum *explicit_pts, int nexplicit, bool exact, double *shares,
			 char **how)
{
	PsBound    *bounds;

	switch (p->strategy)
	{
		case PS_STRATEGY_RANGE:
			{
				Datum	   *pts = range_points(k, p, pieces, explicit_pts,
											   nexplicit, exact, shares, how);

				bounds = range_bounds(tree, p, k, pts, pieces - 1);
				break;
			}
		case PS_STRATEGY_HASH:
			bounds = hash_bounds(tree, p, pieces);
			hash_shares(tree, p, bounds, pieces, exact, shares, how,
						&k->nrows);
			break;
		case PS_STRATEGY_LIST:
			{
				double	   *w = list_weights(k, p, exact, how);

				bounds = list_bounds(tree, p, w, pieces, shares);
				break;
			}
		default:
			elog(ERROR, "unexpected strategy \"%c\"", p->strategy);
	}
	return bounds;
}

/*
 * The old partition's rows for the header: counted, else estimated (and
 * then kept in k->nrows for the shares), else unknown.
 */
static char *
rows_text(const PsPartition *p, SplitKey *k)
{
	if (k->nrows >= 0)
		return psprintf("%.0f rows (counted)", k->nrows);
	if (p->rows_source == PS_ROWS_RELTUPLES)
	{
		k->nrows = (double) p->est_rows;
		return psprintf(INT64_FORMAT " rows (estimated by ANALYZE)",
						p->est_rows);
	}
	if (!p->is_leaf && p->reltuples >= 0)
	{
		/* a partitioned table ANALYZEd as a whole */
		k->nrows = rint(p->reltuples);
		return psprintf("%.0f rows (estimated by ANALYZE)", k->nrows);
	}
	return pstrdup("rows unknown (never analyzed)");
}

/* The SQL defaults of partstrat_ddl_split(relid, pieces). */
void
ps_split_options_init(PsSplitOptions *o, Oid relid, int pieces)
{
	memset(o, 0, sizeof(*o));
	o->relid = relid;
	o->pieces = pieces;
	o->lock_timeout_ms = ps_ddl_lock_timeout_ms;
}

/*
 * ps_ddl_split -- the script splitting partition o->relid into o->pieces
 * (at o->boundaries when given), with partstrat_ddl_split()'s ERRORs.
 */
char *
ps_ddl_split(const PsSplitOptions *o)
{
	Oid			relid = o->relid;
	int			pieces = o->pieces;
	ArrayType  *boundaries = o->boundaries;
	bool		exact = o->exact;
	int			lock_timeout = o->lock_timeout_ms;
	int			index;
	PsTree	   *tree;
	PsPartition *p;
	SplitKey	k;
	Datum	   *explicit_pts = NULL;
	int			nexplicit = 0;
	PsBound    *bounds;
	double	   *shares;
	char	   *how;
	char	  **names;
	PsScript   *s;
	List	   *olds;
	int			nest;
	char	   *result;
	int			i;

	ps_check_partition_kind(relid, "partstrat_ddl_split");
	tree = ps_ddl_open_partition(relid, "partstrat_ddl_split", &index);
	p = &tree->parts[index];
	check_splittable(tree, p);
	ps_split_read_key(&k, tree->root, &tree->keys[p->key_index]);

	if (boundaries != NULL)
	{
		if (p->strategy != PS_STRATEGY_RANGE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("boundaries apply to range partitions only"),
					 errdetail("\"%s\" is a %s partition.", p->relname,
							   ps_strategy_name(p->strategy)),
					 errhint("Leave boundaries NULL and choose the number of pieces.")));
		/* parsed in the caller's settings: that is what the caller meant */
		explicit_pts = parse_boundaries(&k, boundaries, &nexplicit);
		pieces = nexplicit + 1;
	}
	check_pieces(p, pieces);

	nest = ps_ddl_iso_enter();
	shares = palloc0(sizeof(double) * (pieces + 1));
	bounds = split_bounds(tree, p, &k, pieces, explicit_pts, nexplicit, exact,
						  shares, &how);

	s = ps_script_begin(psprintf("split of partition %s of %s into %d pieces",
								 quote_qualified_identifier(p->nspname, p->relname),
								 ps_ddl_qualified(tree->root), pieces),
						lock_timeout, true);
	{
		PsBound		old = ps_bound_of(tree, p);

		ps_script_header(s, "Old bound: %s; %s.", ps_ddl_bound_clause(&old),
						 rows_text(p, &k));
	}
	ps_script_header(s, "New bounds (%s), with predicted shares:", how);
	names = palloc(sizeof(char *) * pieces);
	for (i = 0; i < pieces; i++)
	{
		names[i] = ps_ddl_new_name(s, get_rel_namespace(p->relid), p->relname,
								   psprintf("_%d", i + 1));
		ps_script_header(s, "  %s %s (%s)",
						 quote_identifier(names[i]),
						 ps_ddl_bound_clause(&bounds[i]),
						 share_text(shares[i], k.nrows));
	}
	olds = list_make1_oid(p->relid);
	if (p->is_leaf)
		ps_ddl_emit_replace(s, tree, olds, pieces, bounds, names);
	else
		emit_replace_partitioned(s, tree, p, pieces, bounds, names);
	result = ps_script_finish(s);
	ps_ddl_iso_leave(nest);
	return result;
}
