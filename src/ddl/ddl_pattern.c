/*-------------------------------------------------------------------------
 *
 * ddl_pattern.c
 *	  The naming pattern of a range set: inferred from its existing
 *	  partitions, used for every partition partstrat creates on its time
 *	  line (premake, the DEFAULT rescue, the epoch premake).
 *
 * A pattern is a prefix, the partition's lower bound rendered by a format,
 * and a suffix.  Formats are dates (events_2026_03_11, events_20260311,
 * events_y2026m03, events_p2026w11, events_p2026q1 -- pg_partman 4.x's
 * and 5.x's among them) for time keys and for integer keys that hold
 * time since 1970 in seconds, milli-, micro- or nanoseconds (the bound read
 * as a UTC time in that unit), and the lower bound itself (or the bound
 * divided by the step) for integer keys.
 *
 * The sample is the newest partitions of one width: the most common width
 * among the newest PS_PATTERN_WINDOW partitions with two finite bounds
 * (partitions split or merged by hand or by partstrat have another width
 * and names of their own), at most PS_PATTERN_SAMPLE of them; when no
 * pattern fits it, the next most common width's.  A pattern
 * (a format, and a prefix and a suffix read off a partition's name around
 * the text of its lower bound) must give exactly the names of most of the
 * sample (more than half, two at least: a merged partition of the common
 * width, or one named by hand, does not hide the set's pattern) and tell a
 * partition from the next one; the pattern that names the most wins, on a
 * tie the most specific format (days before months: events_20260301 is a
 * daily name even when every partition starts on the first of a month).
 *
 * An integer key whose partitions are named by the number but whose bounds
 * read as time (an epoch set, src/analysis/epoch.c) gets date names with
 * the same prefix, never raw seconds.  When no format fits, partstrat's
 * own pattern: <parent>_p<date> (<parent>_p<lower bound> for integers that
 * are not time).
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_pattern.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "ddl.h"
#include "ddl_time.h"
#include "epoch.h"
#include "partstrat.h"

/* The newest partitions the width is voted among, and the sample's size. */
#define PS_PATTERN_WINDOW	36
#define PS_PATTERN_SAMPLE	12

/*
 * Date formats, most specific first.  %Y year, %m month, %d day, %H hour,
 * %M minute, %S second, %G ISO year, %V ISO week, %q quarter; anything
 * else is literal text.
 */
static const char *const date_formats[] = {
	/* seconds (pg_partman 4.x sub-minute, 5.x sub-daily) */
	"%Y_%m_%d_%H%M%S", "%Y%m%d_%H%M%S", "%Y%m%d%H%M%S",
	/* minutes */
	"%Y_%m_%d_%H%M", "%Y%m%d_%H%M", "%Y%m%d%H%M", "%Y_%m_%d_%H_%M",
	"%Y-%m-%d_%H%M",
	/* hours */
	"%Y_%m_%d_%H", "%Y%m%d_%H", "%Y%m%d%H", "%Y-%m-%d_%H", "y%Ym%md%dh%H",
	/* days */
	"%Y_%m_%d", "%Y%m%d", "%Y-%m-%d", "y%Ym%md%d",
	/* ISO weeks (pg_partman 4.x: _pIYYYwIW) */
	"%Gw%V", "%G_w%V", "%GW%V", "%G_W%V",
	/* quarters (pg_partman 4.x: _pYYYYqQ) */
	"%Yq%q", "%Y_q%q", "%YQ%q", "%Y_Q%q",
	/* months */
	"%Y_%m", "%Y%m", "%Y-%m", "y%Ym%m",
	/* years */
	"%Y", "y%Y",
	NULL
};

/* Epoch units tried for an integer key named by dates: per second. */
static const int64 epoch_scales[] = {
	1, 1000, 1000000, INT64CONST(1000000000), 0
};

/* A partition of the sample. */
typedef struct PatLeaf
{
	int64		lo;
	int64		hi;
	const char *name;
	PsStep		width;
} PatLeaf;

/* ----------------------------------------------------------------------
 * Rendering
 * ----------------------------------------------------------------------
 */

/* Does pos, read as a time, fall between 2000 and 2100 (epoch only)? */
static bool
epoch_plausible(int64 pos, int64 scale)
{
	return pos >= PS_EPOCH_2000 * scale && pos <= PS_EPOCH_2100 * scale;
}

/* Calendar fields of a position of nm's key. */
static void
naming_tm(const PsNaming *nm, int64 pos, struct pg_tm *tm)
{
	fsec_t		fsec;

	if (nm->epoch_scale > 0)
	{
		if (!epoch_plausible(pos, nm->epoch_scale))
		{
			/* out of 2000-2100: read as the nearest end (never an ERROR) */
			pos = pos < PS_EPOCH_2000 * nm->epoch_scale ?
				PS_EPOCH_2000 * nm->epoch_scale :
				PS_EPOCH_2100 * nm->epoch_scale;
		}
		pos = ps_epoch_to_ts(pos, nm->epoch_scale);
	}
	ps_axis_local_tm(&nm->taxis, pos, tm, &fsec);
}

/* Is fmt a date format (else "%v" or "%n": the integer itself)? */
static bool
is_date_format(const char *fmt)
{
	return strcmp(fmt, "%v") != 0 && strcmp(fmt, "%n") != 0;
}

/*
 * ps_naming_render -- the text a name has for position pos (the lower
 * bound of a partition) under nm's format, without prefix and suffix.
 */
char *
ps_naming_render(const PsNaming *nm, int64 pos)
{
	StringInfoData buf;
	struct pg_tm tm;
	const char *f;

	initStringInfo(&buf);
	if (strcmp(nm->format, "%v") == 0)
	{
		appendStringInfo(&buf, INT64_FORMAT, pos);
		return buf.data;
	}
	if (strcmp(nm->format, "%n") == 0)
	{
		appendStringInfo(&buf, INT64_FORMAT,
						 nm->ival > 0 ? pos / nm->ival : pos);
		return buf.data;
	}
	naming_tm(nm, pos, &tm);
	for (f = nm->format; *f; f++)
	{
		if (*f != '%' || f[1] == '\0')
		{
			appendStringInfoChar(&buf, *f);
			continue;
		}
		switch (*++f)
		{
			case 'Y':
				appendStringInfo(&buf, "%04d", tm.tm_year);
				break;
			case 'm':
				appendStringInfo(&buf, "%02d", tm.tm_mon);
				break;
			case 'd':
				appendStringInfo(&buf, "%02d", tm.tm_mday);
				break;
			case 'H':
				appendStringInfo(&buf, "%02d", tm.tm_hour);
				break;
			case 'M':
				appendStringInfo(&buf, "%02d", tm.tm_min);
				break;
			case 'S':
				appendStringInfo(&buf, "%02d", tm.tm_sec);
				break;
			case 'G':
				appendStringInfo(&buf, "%04d",
								 date2isoyear(tm.tm_year, tm.tm_mon, tm.tm_mday));
				break;
			case 'V':
				appendStringInfo(&buf, "%02d",
								 date2isoweek(tm.tm_year, tm.tm_mon, tm.tm_mday));
				break;
			case 'q':
				appendStringInfo(&buf, "%d", (tm.tm_mon - 1) / 3 + 1);
				break;
			default:
				appendStringInfoChar(&buf, *f);
		}
	}
	return buf.data;
}

/*
 * ps_naming_pattern_text -- nm for people: "events_YYYY_MM_DD",
 * "ev_p<lower bound>".
 */
char *
ps_naming_pattern_text(const PsNaming *nm)
{
	StringInfoData buf;
	const char *f;

	initStringInfo(&buf);
	appendStringInfoString(&buf, nm->prefix);
	for (f = nm->format; *f; f++)
	{
		if (*f != '%' || f[1] == '\0')
		{
			appendStringInfoChar(&buf, *f);
			continue;
		}
		switch (*++f)
		{
			case 'Y':
				appendStringInfoString(&buf, "YYYY");
				break;
			case 'm':
				appendStringInfoString(&buf, "MM");
				break;
			case 'd':
				appendStringInfoString(&buf, "DD");
				break;
			case 'H':
				appendStringInfoString(&buf, "HH24");
				break;
			case 'M':
				appendStringInfoString(&buf, "MI");
				break;
			case 'S':
				appendStringInfoString(&buf, "SS");
				break;
			case 'G':
				appendStringInfoString(&buf, "IYYY");
				break;
			case 'V':
				appendStringInfoString(&buf, "IW");
				break;
			case 'q':
				appendStringInfoString(&buf, "Q");
				break;
			case 'v':
				appendStringInfoString(&buf, "<lower bound>");
				break;
			case 'n':
				appendStringInfoString(&buf, "<lower bound / step>");
				break;
			default:
				appendStringInfoChar(&buf, *f);
		}
	}
	appendStringInfoString(&buf, nm->suffix);
	return buf.data;
}

/* ----------------------------------------------------------------------
 * The sample
 * ----------------------------------------------------------------------
 */

/*
 * The width of [lo, hi) as a step: whole calendar months, else whole
 * days, else a duration (integers: the difference).
 */
static PsStep
width_of(const PsAxis *axis, int64 lo, int64 hi)
{
	PsStep		st;
	struct pg_tm a,
				b;
	fsec_t		fs;

	memset(&st, 0, sizeof(st));
	if (!axis->is_time)
	{
		st.ival = hi - lo;
		return st;
	}
	ps_axis_local_tm(axis, lo, &a, &fs);
	ps_axis_local_tm(axis, hi, &b, &fs);
	st.months = (b.tm_year - a.tm_year) * 12 + (b.tm_mon - a.tm_mon);
	if (st.months > 0 && ps_step_add(axis, &st, lo, 1) == hi)
		return st;
	st.months = 0;
	st.days = date2j(b.tm_year, b.tm_mon, b.tm_mday) -
		date2j(a.tm_year, a.tm_mon, a.tm_mday);
	if (st.days > 0 && ps_step_add(axis, &st, lo, 1) == hi)
		return st;
	st.days = 0;
	st.usecs = hi - lo;
	return st;
}

static bool
same_width(const PsStep *a, const PsStep *b)
{
	return a->ival == b->ival && a->months == b->months &&
		a->days == b->days && a->usecs == b->usecs;
}

/*
 * The newest PS_PATTERN_WINDOW partitions with two finite bounds into
 * win[] (newest first); returns how many.
 */
static int
pattern_window(const PsTimeline *tl, PatLeaf *win)
{
	int			nwin = 0;
	int			i;

	for (i = tl->nspans - 1; i >= 0 && nwin < PS_PATTERN_WINDOW; i--)
	{
		const PsSpan *sp = &tl->spans[i];

		if (sp->lo_inf || sp->hi_inf)
			continue;
		win[nwin].lo = sp->lo;
		win[nwin].hi = sp->hi;
		win[nwin].name = tl->tree->parts[sp->part].relname;
		win[nwin].width = width_of(&tl->axis, sp->lo, sp->hi);
		nwin++;
	}
	return nwin;
}

/*
 * The widths of the window, most common first (on a tie, the newer):
 * reps[k] is the newest partition of the k-th width, votes[k] how many
 * have it.  Returns the number of widths.
 */
static int
width_groups(const PatLeaf *win, int nwin, int *reps, int *votes)
{
	int			ngroups = 0;
	int			i,
				j;

	for (i = 0; i < nwin; i++)
	{
		int			v = 0;

		for (j = 0; j < i; j++)
			if (same_width(&win[i].width, &win[j].width))
				break;
		if (j < i)
			continue;			/* counted with a newer one */
		for (j = i; j < nwin; j++)
			if (same_width(&win[i].width, &win[j].width))
				v++;
		/* insert after the groups with as many votes (newer first) */
		for (j = ngroups; j > 0 && votes[j - 1] < v; j--)
		{
			reps[j] = reps[j - 1];
			votes[j] = votes[j - 1];
		}
		reps[j] = i;
		votes[j] = v;
		ngroups++;
	}
	return ngroups;
}

/* The sample of one width: its newest PS_PATTERN_SAMPLE partitions. */
static int
width_sample(const PatLeaf *win, int nwin, int rep, PatLeaf *out)
{
	int			n = 0;
	int			i;

	for (i = rep; i < nwin && n < PS_PATTERN_SAMPLE; i++)
		if (same_width(&win[i].width, &win[rep].width))
			out[n++] = win[i];
	return n;
}

/* ----------------------------------------------------------------------
 * Finding the pattern
 * ----------------------------------------------------------------------
 */

/* The position one sample width after pos (false: out of range). */
static bool
next_pos(const PsNaming *nm, const PsAxis *axis, const PatLeaf *leaf,
		 int64 *out)
{
	if (!axis->is_time)
	{
		if (pg_add_s64_overflow(leaf->lo, leaf->width.ival, out))
			return false;
		return nm->epoch_scale == 0 || epoch_plausible(*out, nm->epoch_scale);
	}
	*out = leaf->hi;
	return true;
}

/*
 * How many leaves of the sample nm's format names, with the prefix and
 * suffix most of them share (read off each leaf's name around the text
 * of its lower bound, newest leaf first); sets nm's prefix and suffix.
 * 0 when the format does not tell the newest leaf from the next one.
 */
static int
format_votes(PsNaming *nm, const PsAxis *axis, const PatLeaf *sample, int n)
{
	char	   *text[PS_PATTERN_SAMPLE];
	int			best = 0;
	int			k,
				i;
	int64		next;

	for (i = 0; i < n; i++)
		text[i] = ps_naming_render(nm, sample[i].lo);
	if (!next_pos(nm, axis, &sample[0], &next) ||
		strcmp(ps_naming_render(nm, next), text[0]) == 0)
		return 0;
	for (k = 0; k < n && best < n; k++)
	{
		const char *name = sample[k].name;
		const char *at;

		/* each place the text occurs in the name: a prefix, a suffix */
		for (at = strstr(name, text[k]); at != NULL; at = strstr(at + 1, text[k]))
		{
			size_t		plen = at - name;
			const char *suffix = at + strlen(text[k]);
			int			votes = 0;

			CHECK_FOR_INTERRUPTS();
			for (i = 0; i < n; i++)
			{
				const char *other = sample[i].name;
				size_t		tlen = strlen(text[i]);

				if (strncmp(other, name, plen) == 0 &&
					strncmp(other + plen, text[i], tlen) == 0 &&
					strcmp(other + plen + tlen, suffix) == 0)
					votes++;
			}
			if (votes > best)
			{
				best = votes;
				nm->prefix = pnstrdup(name, plen);
				nm->suffix = pstrdup(suffix);
			}
		}
	}
	return best;
}

/*
 * Keep nm's current format when it names more leaves than *best (the
 * best so far, whose settings are in *kept).
 */
static void
vote(PsNaming *nm, const PsAxis *axis, const PatLeaf *sample, int n,
	 int *best, PsNaming *kept)
{
	int			votes = format_votes(nm, axis, sample, n);

	if (votes > *best)
	{
		*best = votes;
		*kept = *nm;
	}
}

/* Try every date format (most specific first: the first wins a tie). */
static void
vote_dates(PsNaming *nm, const PsAxis *axis, const PatLeaf *sample, int n,
		   int *best, PsNaming *kept)
{
	int			f;

	for (f = 0; date_formats[f] != NULL; f++)
	{
		nm->format = date_formats[f];
		vote(nm, axis, sample, n, best, kept);
	}
}

/* The calendar epoch dates are read in: UTC timestamptz. */
static void
utc_time_axis(PsAxis *ax)
{
	memset(ax, 0, sizeof(*ax));
	ax->typid = TIMESTAMPTZOID;
	ax->typlen = sizeof(TimestampTz);
	ax->typbyval = true;
	ax->is_time = true;
	ax->tz = pg_tzset("UTC");
	ax->tzname = "UTC";
}

/* An integer key: dates in an epoch unit, else the number. */
static void
vote_integer(PsNaming *nm, const PsTimeline *tl, const PatLeaf *sample,
			 int n, int *best, PsNaming *kept)
{
	int			s,
				i;

	for (s = 0; epoch_scales[s] != 0; s++)
	{
		for (i = 0; i < n; i++)
			if (!epoch_plausible(sample[i].lo, epoch_scales[s]))
				break;
		if (i < n)
			continue;
		utc_time_axis(&nm->taxis);
		nm->epoch_scale = epoch_scales[s];
		vote_dates(nm, &tl->axis, sample, n, best, kept);
	}
	nm->epoch_scale = 0;
	nm->taxis = tl->axis;
	nm->format = "%v";
	vote(nm, &tl->axis, sample, n, best, kept);
	nm->ival = sample[0].width.ival;
	for (i = 0; i < n; i++)
		if (nm->ival <= 0 || sample[i].lo % nm->ival != 0)
			return;
	nm->format = "%n";
	vote(nm, &tl->axis, sample, n, best, kept);
}

/*
 * Dates for an epoch set: the format for its step (days, else minutes),
 * with the epoch's unit.  False when the set is not an epoch set.
 */
static bool
epoch_dates(PsNaming *nm, const PsTimeline *tl, int64 width)
{
	int64		scale = ps_epoch_scale_of_tree(tl->tree);

	if (scale <= 0)
		return false;
	utc_time_axis(&nm->taxis);
	nm->epoch_scale = scale;
	nm->format = (width > 0 && width % (SECS_PER_DAY * scale) == 0) ?
		"%Y%m%d" : "%Y%m%d_%H%M";
	return true;
}

/* partstrat's own pattern, by the time line's step. */
static void
fallback_format(PsNaming *nm, const PsTimeline *tl)
{
	if (!tl->axis.is_time)
		nm->format = "%v";
	else if (tl->step.usecs % USECS_PER_DAY != 0)
		nm->format = "%Y%m%d_%H%M";
	else if (tl->step.days != 0 || tl->step.usecs != 0)
		nm->format = "%Y%m%d";
	else if (tl->step.months % 12 == 0)
		nm->format = "%Y";
	else
		nm->format = "%Y%m";
}

/*
 * The pattern of one sample, into *nm: true when it names most of the
 * sample (more than half, two at least when there are two).
 */
static bool
sample_pattern(PsNaming *nm, const PsTimeline *tl, const PatLeaf *sample,
			   int n)
{
	PsNaming	kept;
	int			best = 0;

	nm->taxis = tl->axis;
	if (tl->axis.is_time)
		vote_dates(nm, &tl->axis, sample, n, &best, &kept);
	else
		vote_integer(nm, tl, sample, n, &best, &kept);
	if (best * 2 <= n || (best < 2 && n > 1))
		return false;
	*nm = kept;
	return true;
}

/*
 * ps_naming_detect -- the naming pattern of tl's partitions (see the file
 * header): the sample of the most common width first, then of the others
 * (a newest day split into many hours leaves the days' pattern).  Never an
 * error: partstrat's own pattern when none fits.
 */
PsNaming *
ps_naming_detect(const PsTimeline *tl)
{
	PsNaming   *nm = palloc0(sizeof(PsNaming));
	PatLeaf		win[PS_PATTERN_WINDOW];
	PatLeaf		sample[PS_PATTERN_SAMPLE];
	int			reps[PS_PATTERN_WINDOW];
	int			votes[PS_PATTERN_WINDOW];
	int			nwin = pattern_window(tl, win);
	int			ngroups = width_groups(win, nwin, reps, votes);
	int			g;

	for (g = 0; g < ngroups; g++)
	{
		int			n = width_sample(win, nwin, reps[g], sample);

		/* a lone partition of its width is not a convention */
		if (votes[g] < 2 && ngroups > 1)
			continue;
		if (!sample_pattern(nm, tl, sample, n))
			continue;
		nm->source = PS_NAMING_DETECTED;
		/* an epoch set named by the number: dates, same prefix and suffix */
		if (!is_date_format(nm->format) &&
			epoch_dates(nm, tl, sample[0].width.ival))
			nm->source = PS_NAMING_EPOCH_DATES;
		return nm;
	}
	nm->source = PS_NAMING_PARTSTRAT;
	nm->prefix = psprintf("%s_p", get_rel_name(tl->parentid));
	nm->suffix = "";
	nm->epoch_scale = 0;
	nm->taxis = tl->axis;
	if (tl->axis.is_time ||
		!epoch_dates(nm, tl, tl->has_step ? tl->step.ival :
					 nwin > 0 ? win[0].width.ival : 0))
		fallback_format(nm, tl);
	return nm;
}

/*
 * ps_naming_text -- how new partitions are named, for a script header:
 * "names like events_YYYY_MM (as the existing partitions)".
 */
char *
ps_naming_text(const PsNaming *nm)
{
	char	   *pattern = ps_naming_pattern_text(nm);
	char	   *unit = nm->epoch_scale > 0 ?
		psprintf("; the lower bound in %s since 1970 read as a UTC time",
				 ps_epoch_unit_name(nm->epoch_scale)) : "";

	switch (nm->source)
	{
		case PS_NAMING_DETECTED:
			return psprintf("names like %s (as the existing partitions%s)",
							pattern, unit);
		case PS_NAMING_EPOCH_DATES:
			return psprintf("names like %s (the existing partitions' prefix, but dates, not numbers%s)",
							pattern, unit);
		case PS_NAMING_PARTSTRAT:
			break;
	}
	return psprintf("names like %s (partstrat's pattern: the existing names follow none it knows%s)",
					pattern, unit);
}
