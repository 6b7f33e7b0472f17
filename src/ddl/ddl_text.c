/*-------------------------------------------------------------------------
 *
 * ddl_text.c
 *	  The text rules of every generated script: comment lines, dollar
 *	  quotes and string literals that read the same in any session.
 *
 * A script is run by psql -f or \gexec, in sessions whose
 * standard_conforming_strings may be on or off, by people who may be
 * superusers; names and values in it come from the tables and may hold
 * anything a name or value can (line breaks, quotes, backslashes, "$$",
 * "--", "*" "/").  Three rules keep such text inert:
 *
 * - Comment lines.  Both psql and the server end a "--" comment at a line
 *   feed or a carriage return: ps_ddl_append_comment() is the one function
 *   that writes comment text, and it starts a new "-- " line at each of
 *   them (pg_dump's sanitize_line does the same job for its comments).
 *
 * - Dollar quotes.  ps_dollar_quote() puts a body between tags that do not
 *   occur in it, on lines of their own.
 *
 * - String literals.  PostgreSQL's deparser (ruleutils) writes a literal
 *   for the setting standard_conforming_strings has while it deparses,
 *   never as E'...': with the setting on (as partstrat deparses), 'C:\temp'
 *   keeps a bare backslash, which a session with the setting off reads as
 *   an escape -- a tab, or the end of the literal and the start of SQL.
 *   (With the setting off, ruleutils doubles the backslash without E, which
 *   a session with the setting on reads as two.)  ps_ddl_safe_literals()
 *   rewrites, in a whole script, every '...' literal holding a backslash
 *   into E'...' with doubled backslashes, the one form that reads the same
 *   either way (quote_literal_cstr() writes that form too).  It scans SQL
 *   as the server does: comments, quoted identifiers, E'' literals and
 *   dollar-quoted bodies (which partstrat only uses for SQL and PL/pgSQL
 *   code, rewritten the same way).  ps_script_finish() and ps_ddl_pin()
 *   apply it to every script.  A U&'...' literal (which partstrat never
 *   writes: the deparser does not) is left as it is: its backslashes are
 *   Unicode escapes, not string escapes, and a session with
 *   standard_conforming_strings off refuses it outright ("unsafe use of
 *   string constant with Unicode escapes") -- it never reads differently,
 *   while an E prefix would make it another token sequence.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_text.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "ddl.h"

/* ---------------------------------------------------------------------
 * Comment lines
 * ---------------------------------------------------------------------
 */

void
ps_ddl_append_comment(StringInfo buf, const char *text)
{
	const char *p;

	appendStringInfoString(buf, "-- ");
	for (p = text; *p; p++)
	{
		if (*p == '\r' && p[1] == '\n')
			continue;			/* CR LF: one line break */
		if (*p == '\n' || *p == '\r')
			appendStringInfoString(buf, "\n-- ");
		else
			appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '\n');
}

char *
ps_ddl_comment(const char *text)
{
	StringInfoData buf;

	initStringInfo(&buf);
	ps_ddl_append_comment(&buf, text);
	return buf.data;
}

/* ---------------------------------------------------------------------
 * Dollar quotes
 * ---------------------------------------------------------------------
 */

char *
ps_dollar_quote(const char *body)
{
	char	   *tag = pstrdup("$partstrat$");
	size_t		len = strlen(body);
	int			n;

	for (n = 1; strstr(body, tag) != NULL; n++)
		tag = psprintf("$partstrat_%d$", n);

	/*
	 * The closing tag starts a line: a body ending in "$partstrat" cannot
	 * run into it.
	 */
	return psprintf("%s\n%s%s%s", tag, body,
					(len > 0 && body[len - 1] == '\n') ? "" : "\n", tag);
}

/* ---------------------------------------------------------------------
 * String literals
 * ---------------------------------------------------------------------
 */

/* A character that continues an unquoted identifier (scan.l's ident_cont). */
static bool
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '$' || IS_HIGHBIT_SET(c);
}

/*
 * Length of the dollar-quote delimiter at p ("$", optional tag, "$"), or 0
 * when p does not start one.
 */
static int
dollar_delim_len(const char *p)
{
	const char *q = p + 1;

	if (*p != '$')
		return 0;
	if (*q == '$')
		return 2;
	if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		  *q == '_' || IS_HIGHBIT_SET(*q)))
		return 0;
	while (ident_char(*q) && *q != '$')
		q++;
	if (*q != '$')
		return 0;
	return (int) (q - p) + 1;
}

static void safe_literals(StringInfo out, const char *p, const char *end);

/*
 * Copy a '...' literal starting at p (the quote); return what follows.
 * escaped: an E'...' literal (backslash escapes).  verbatim: never
 * rewritten (U&'...').
 */
static const char *
copy_literal(StringInfo out, const char *p, const char *end, bool escaped,
			 bool verbatim)
{
	const char *start = p;
	bool		backslash = false;

	p++;
	while (p < end)
	{
		if (escaped && *p == '\\' && p + 1 < end)
		{
			p += 2;
			continue;
		}
		if (*p == '\\')
			backslash = true;
		if (*p == '\'')
		{
			if (p + 1 < end && p[1] == '\'')
			{
				p += 2;
				continue;
			}
			p++;
			break;
		}
		p++;
	}
	if (escaped || verbatim || !backslash)
	{
		appendBinaryStringInfo(out, start, p - start);
		return p;
	}

	/* '...' with a backslash: E'...' with every backslash doubled */
	appendStringInfoString(out, "E'");
	for (start++; start < p - 1; start++)
	{
		if (*start == '\\')
			appendStringInfoChar(out, '\\');
		appendStringInfoChar(out, *start);
	}
	appendStringInfoChar(out, '\'');
	return p;
}

static void
safe_literals(StringInfo out, const char *p, const char *end)
{
	while (p < end)
	{
		char		prev = out->len > 0 ? out->data[out->len - 1] : '\0';
		char		prev2 = out->len > 1 ? out->data[out->len - 2] : '\0';
		char		prev3 = out->len > 2 ? out->data[out->len - 3] : '\0';
		int			dl;

		if (p[0] == '-' && p + 1 < end && p[1] == '-')
		{
			const char *eol = p;

			while (eol < end && *eol != '\n' && *eol != '\r')
				eol++;
			appendBinaryStringInfo(out, p, eol - p);
			p = eol;
		}
		else if (p[0] == '/' && p + 1 < end && p[1] == '*')
		{
			const char *q = p + 2;
			int			depth = 1;

			while (q < end && depth > 0)
			{
				if (q[0] == '/' && q + 1 < end && q[1] == '*')
				{
					depth++;
					q += 2;
				}
				else if (q[0] == '*' && q + 1 < end && q[1] == '/')
				{
					depth--;
					q += 2;
				}
				else
					q++;
			}
			appendBinaryStringInfo(out, p, q - p);
			p = q;
		}
		else if (*p == '"')
		{
			const char *q = p + 1;

			while (q < end)
			{
				if (*q == '"')
				{
					if (q + 1 < end && q[1] == '"')
					{
						q += 2;
						continue;
					}
					q++;
					break;
				}
				q++;
			}
			appendBinaryStringInfo(out, p, q - p);
			p = q;
		}
		else if (*p == '\'')
		{
			bool		escaped = (prev == 'E' || prev == 'e') &&
				!ident_char(prev2);
			bool		unicode = prev == '&' && (prev2 == 'U' || prev2 == 'u') &&
				!ident_char(prev3);

			p = copy_literal(out, p, end, escaped, unicode);
		}
		else if (*p == '$' && !ident_char(prev) &&
				 (dl = dollar_delim_len(p)) > 0)
		{
			const char *body = p + dl;
			const char *close = body;

			while (close < end && strncmp(close, p, dl) != 0)
				close++;
			appendBinaryStringInfo(out, p, dl);
			safe_literals(out, body, close);
			if (close < end)
				appendBinaryStringInfo(out, p, dl);
			p = close < end ? close + dl : end;
		}
		else
		{
			appendStringInfoChar(out, *p);
			p++;
		}
	}
}

char *
ps_ddl_safe_literals(const char *sql)
{
	StringInfoData out;

	initStringInfo(&out);
	safe_literals(&out, sql, sql + strlen(sql));
	return out.data;
}

/*
 * partstrat_test_safe_literals(text) -- ps_ddl_safe_literals() of its
 * argument, for the regression tests (sql/ddl_literals.sql), which declare
 * it themselves from the module: it is not part of the extension's SQL.
 */
PG_FUNCTION_INFO_V1(partstrat_test_safe_literals);

Datum
partstrat_test_safe_literals(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ps_ddl_safe_literals(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}
