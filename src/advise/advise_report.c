/*-------------------------------------------------------------------------
 *
 * advise_report.c
 *	  The text of partstrat_report() (src/sql/advise_functions.c): the
 *	  summary, a table per level, a table of leaves and the numbered advice
 *	  with its lock and DDL.
 *
 * The advice is partstrat_advise()'s (ps_advise_tree() with the default
 * target and no retention); the tables come from the same skew analysis.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/advise/advise_report.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "advise.h"
#include "partstrat.h"
#include "skew.h"

/* Above this many leaves, the report lists only the flagged ones. */
#define REPORT_ALL_LEAVES 40

/* Append a table whose cells are strings, columns aligned. */
static void
append_table(StringInfo out, int ncols, const char *const *heads,
			 List *rows, const bool *right)
{
	int		   *w = palloc0(sizeof(int) * ncols);
	ListCell   *lc;
	int			c;

	for (c = 0; c < ncols; c++)
		w[c] = pg_mbstrlen(heads[c]);
	foreach(lc, rows)
	{
		char	  **cells = lfirst(lc);

		for (c = 0; c < ncols; c++)
			w[c] = Max(w[c], pg_mbstrlen(cells[c]));
	}
	appendStringInfoString(out, "  ");
	for (c = 0; c < ncols; c++)
		appendStringInfo(out, "%s%-*s", c ? " | " : "", c == ncols - 1 ? 0 : w[c], heads[c]);
	appendStringInfoString(out, "\n  ");
	for (c = 0; c < ncols; c++)
	{
		int			k;

		if (c)
			appendStringInfoString(out, "-+-");
		for (k = 0; k < w[c]; k++)
			appendStringInfoChar(out, '-');
	}
	appendStringInfoChar(out, '\n');
	foreach(lc, rows)
	{
		char	  **cells = lfirst(lc);

		appendStringInfoString(out, "  ");
		for (c = 0; c < ncols; c++)
		{
			int			pad = w[c] - pg_mbstrlen(cells[c]);

			if (c)
				appendStringInfoString(out, " | ");
			if (right[c])
				appendStringInfoSpaces(out, pad);
			appendStringInfoString(out, cells[c]);
			if (!right[c] && c < ncols - 1)
				appendStringInfoSpaces(out, pad);
		}
		appendStringInfoChar(out, '\n');
	}
}

/* The table of the levels: strategy, size and skew measures of each. */
static void
report_levels(StringInfo out, PsSkew *s)
{
	static const char *const level_heads[] = {
		"level", "strategy", "partitions", "rows", "gini", "cv", "max/median",
		"in default"
	};
	static const bool level_right[] = {true, false, true, true, true, true, true, true};
	List	   *rows = NIL;
	int			i;

	appendStringInfoString(out, "\nLevels:\n");
	for (i = 0; i < s->nlevels; i++)
	{
		PsLevelSkew *L = &s->levels[i];
		char	  **cells = palloc(sizeof(char *) * 8);

		cells[0] = psprintf("%d", L->level);
		cells[1] = L->strategy ? L->strategy : "";
		cells[2] = psprintf("%d", L->nodes);
		cells[3] = psprintf(INT64_FORMAT, L->rows);
		cells[4] = psprintf("%.2f", L->gini);
		cells[5] = psprintf("%.2f", L->cv);
		cells[6] = L->max_median < 0 ? "" : psprintf("%.1f", L->max_median);
		cells[7] = ps_pct(L->default_share);
		rows = lappend(rows, cells);
	}
	append_table(out, 8, level_heads, rows, level_right);
}

/* The table of the leaves (only the flagged ones of a big tree). */
static void
report_leaves(StringInfo out, PsTree *tree, PsSkew *s)
{
	static const char *const skew_heads[] = {
		"partition", "rows", "size", "share", "x median", "robust z", "flags"
	};
	static const bool skew_right[] = {false, true, true, true, true, true, false};
	List	   *rows = NIL;
	int			hidden = 0;
	int			i;

	appendStringInfoString(out, "\nLeaves:\n");
	for (i = 0; i < s->nleaves; i++)
	{
		PsLeafSkew *l = &s->leaves[i];
		char	  **cells;
		StringInfoData f;

		/* a big tree: only the leaves with a flag */
		if (s->nleaves > REPORT_ALL_LEAVES && l->flags == 0)
		{
			hidden++;
			continue;
		}
		cells = palloc(sizeof(char *) * 7);

		initStringInfo(&f);
		ps_append_flags_json(&f, l->flags);
		/* [ "a", "b" ] -> a, b */
		{
			char	   *src = f.data;
			StringInfoData g;

			initStringInfo(&g);
			for (; *src; src++)
				if (*src != '[' && *src != ']' && *src != '"')
					appendStringInfoChar(&g, *src);
			cells[6] = g.data;
		}
		cells[0] = tree->parts[l->part].relname;
		cells[1] = l->rows < 0 ? "" : psprintf(INT64_FORMAT, l->rows);
		cells[2] = l->bytes < 0 ? "" : ps_size_pretty(l->bytes);
		cells[3] = l->rows < 0 || l->detach_pending ? "" : ps_pct(l->share);
		cells[4] = l->has_ratio ? psprintf("%.1f", l->ratio_to_median) : "";
		cells[5] = !l->has_ratio ? "" : isinf(l->robust_z) ?
			(l->robust_z > 0 ? "Infinity" : "-Infinity") :
			psprintf("%.1f", l->robust_z);
		rows = lappend(rows, cells);
	}
	append_table(out, 7, skew_heads, rows, skew_right);
	if (hidden > 0)
		appendStringInfo(out, "  (and %d leaves without flags)\n", hidden);
}

/* The numbered advice, each with its lock and DDL (or why it has none). */
static void
report_advice(StringInfo out, List *advice)
{
	ListCell   *lc;

	appendStringInfoString(out, "\nAdvice:\n");
	if (advice == NIL)
		appendStringInfoString(out, "  none: the table is healthy.\n");
	foreach(lc, advice)
	{
		Advice	   *a = lfirst(lc);

		appendStringInfo(out, "  %d. %s: %s\n", a->priority,
						 ps_advice_names[a->kind], a->reason);
		if (a->lock)
			appendStringInfo(out, "     lock: %s\n", a->lock);
		if (a->ddl)
		{
			char	   *ddl = pstrdup(a->ddl);
			char	   *line;
			char	   *save = NULL;

			for (line = strtok_r(ddl, "\n", &save); line;
				 line = strtok_r(NULL, "\n", &save))
				appendStringInfo(out, "     %s\n", line);
		}
		else if (a->ddl_error)
			appendStringInfo(out, "     (no DDL: %s)\n", a->ddl_error);
	}
}

/*
 * partstrat_report()'s text for a partitioned table: the summary, the
 * levels, the leaves and the advice partstrat_advise() gives with the
 * default target and no retention.
 */
char *
ps_report_text(Oid relid)
{
	PsTree	   *tree;
	PsSkew	   *s;
	List	   *advice;
	StringInfoData out;
	int64		bytes = 0;
	int			i;

	tree = ps_open_tree(relid, "partstrat_report", PS_TREE_NO_SIZES);
	s = ps_skew_analyze(tree, false);
	ps_notice_no_stats(s);
	advice = ps_advise_tree(tree, s, ps_guc_target_bytes(), NULL);

	for (i = 0; i < s->nleaves; i++)
		bytes += Max(s->leaves[i].bytes, 0);

	initStringInfo(&out);
	appendStringInfo(&out, "partstrat report for %s\n\n", ps_root_qname(tree));
	appendStringInfo(&out, "Summary: %d leaves on %d level%s, " INT64_FORMAT " rows (estimated), %s (sizes from the catalog, or the files for leaves with stale statistics); target leaf size %s.\n",
					 tree->nleaves, tree->nlevels, tree->nlevels == 1 ? "" : "s",
					 s->total_rows, ps_size_pretty(bytes),
					 ps_size_pretty(ps_guc_target_bytes()));
	if (!s->stats_readable)
		appendStringInfoString(&out, "No access to pg_stats: the advice is size-based only.\n");
	{
		char	   *pm = ps_partman_report_line(ps_partman_lookup(tree));

		if (pm)
			appendStringInfo(&out, "%s\n", pm);
	}
	report_levels(&out, s);
	report_leaves(&out, tree, s);
	report_advice(&out, advice);
	return out.data;
}
