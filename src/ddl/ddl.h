/*-------------------------------------------------------------------------
 *
 * ddl.h
 *	  The shared toolkit of partstrat's DDL generators.
 *
 * Every generator (split, merge, retention, premake, DEFAULT rescue) builds
 * its script with the functions declared here, so that every script has the
 * same guarantees: one transaction framed by SET LOCAL lock_timeout,
 * TimeZone, search_path and standard_conforming_strings, a header saying
 * which locks it takes, literals in ISO form, identifiers quoted, every
 * name outside pg_catalog schema-qualified, new names safe at NAMEDATALEN,
 * new tables cloned with every property of the partition they replace,
 * attached without a validation scan, and row counts asserted before
 * COMMIT.
 *
 * Nothing here executes DDL: everything appends text to a PsScript.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_DDL_H
#define PARTSTRAT_DDL_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/array.h"

#include "partstrat.h"

/* ---- GUCs of DDL generation ---------------------------------------- */

/* partstrat.lock_timeout, in milliseconds (default 500, < deadlock_timeout) */
extern int	ps_ddl_lock_timeout_ms;

/* ---- Session independence -------------------------------------------- */

/*
 * The search_path of every generated script and of the text building that
 * produces it: names outside pg_catalog are deparsed schema-qualified, and
 * nothing of a user-writable schema can shadow what the script calls.
 */
#define PS_DDL_SEARCH_PATH	"pg_catalog, pg_temp"

/*
 * Enter/leave a GUC nest level with DateStyle = ISO, TimeZone = UTC,
 * IntervalStyle = postgres, extra_float_digits = 1, search_path =
 * PS_DDL_SEARCH_PATH and standard_conforming_strings = on, so that output
 * functions and deparsed expressions produce text that means the same in
 * any session running the script (which sets the same search_path and
 * standard_conforming_strings).  Wrap every generator's text building --
 * and every query it runs with deparsed text -- in these two calls; an
 * ERROR in between restores the settings on abort.
 */
extern int	ps_ddl_iso_enter(void);
extern void ps_ddl_iso_leave(int nestlevel);

/*
 * Partition key column keyno (0-based) of parentid as SQL text: the quoted
 * column name, or the parenthesized key expression deparsed under
 * ps_ddl_iso_enter()'s settings (every name outside pg_catalog qualified),
 * whatever the caller's settings are.
 */
extern char *ps_ddl_key_expr(Oid parentid, int keyno);

/*
 * Statements (each ending in ";") that are not a generator's script (the
 * DDL of some advice), pinned like one: BEGIN; SET LOCAL search_path and
 * standard_conforming_strings; the statements; COMMIT;.  Deparse the
 * statements under ps_ddl_iso_enter().
 */
extern char *ps_ddl_pin(const char *statements);

/* ---- Opening the target ---------------------------------------------- */

/*
 * Check that relid is a partition (not pending detach) that the caller may
 * read, lock its parent with ACCESS SHARE, and build the parent's tree
 * (level 1 = the partition and its siblings).  *index is the partition's
 * index in tree->parts.  funcname names the caller in messages.
 */
extern PsTree *ps_ddl_open_partition(Oid relid, const char *funcname,
									 int *index);

/* ---- Script framing -------------------------------------------------- */

typedef struct PsScript
{
	StringInfoData header;		/* header comment lines (without "-- ") */
	StringInfoData body;		/* statements between BEGIN and COMMIT */
	int			lock_timeout_ms;
	bool		transaction;	/* false: outside a transaction block */
	bool		caller_search_path; /* save the session's search_path
									 * before the SET LOCALs, for
									 * ps_script_restore_search_path() */
	List	   *used_names;		/* "nspoid.name" created by this script */
	MemoryContext mcxt;			/* where the script lives */
	int			nstatements;
	/* statements run as a table's owner (ps_script_owner_begin) */
	StringInfoData owner_body;	/* the open block's statements */
	Oid			owner_relid;	/* its table; InvalidOid: no block open */
	Oid			owner_of;		/* the table of the script's blocks */
	bool		owner_inline;	/* a temporary table: the block runs plainly */
	int			nowner_blocks;
} PsScript;

/*
 * Start a script.  title is the first header line ("split of ...").
 * transaction = true frames the body with BEGIN; SET LOCAL lock_timeout;
 * SET LOCAL TimeZone = 'UTC'; SET LOCAL search_path = PS_DDL_SEARCH_PATH;
 * SET LOCAL standard_conforming_strings = on; ... COMMIT;.  transaction =
 * false (scripts with DETACH ... CONCURRENTLY) uses plain SET at the top
 * and restores the session's own values of those four settings at the end
 * (not RESET: a session may have SET them), and adds no BEGIN/COMMIT.
 */
extern PsScript *ps_script_begin(const char *title, int lock_timeout_ms,
								 bool transaction);

/* Append one line to the header comment (printf-style, no "--"). */
extern void ps_script_header(PsScript *s, const char *fmt,...)
			pg_attribute_printf(2, 3);

/* Append a comment line to the body ("-- " is added). */
extern void ps_script_comment(PsScript *s, const char *fmt,...)
			pg_attribute_printf(2, 3);

/* Append one statement to the body (";" and newline are added). */
extern void ps_script_stmt(PsScript *s, const char *fmt,...)
			pg_attribute_printf(2, 3);


/* Most pieces one split makes (partstrat_ddl_split refuses more). */
#define PS_DDL_MAX_PIECES	1000

/* The guard constraint partstrat_ddl_guard_default adds to a DEFAULT. */
#define PS_GUARD_NAME	"partstrat_default_guard"

/* Most values a list guard holds (see ddl_rescue.c). */
#define PS_GUARD_LIST_MAX	100

/* Append an empty line to the body. */
extern void ps_script_blank(PsScript *s);

/*
 * Statements that move rows or run the table owner's code (CREATE TABLE of
 * a copy, INSERT ... SELECT, DELETE, ADD CONSTRAINT / VALIDATE, CREATE
 * INDEX, ATTACH that may scan, DO blocks moving rows) go between
 * ps_script_owner_begin(s, relid) and ps_script_owner_end(s): the script
 * then runs them as one call of partstrat_exec_as_owner(relid, $tag$
 * statements $tag$), as the owner of relid and never with the rights of
 * whoever runs the script (see src/util/asowner.h for what it checks).
 * Statements, comments, blank lines and DO blocks emitted while a block
 * is open go into it; ps_ddl_clone_table() then creates the copy as the
 * owner (no OWNER TO).  Catalog-only steps (LOCK, DETACH, DROP) and the
 * row-count blocks stay outside (their counts go through
 * ps_ddl_owner_rows()).  ps_script_owner_begin() refuses (42501)
 * when the table and its partitions do not share one owner.  A temporary
 * table belongs to the session running the script (and a
 * security-restricted operation cannot create one): its blocks are
 * written as plain statements.  ps_script_finish() says in the header
 * what runs as whom.  No block may be open at ps_script_finish().
 */
extern void ps_script_owner_begin(PsScript *s, Oid relid);
extern void ps_script_owner_end(PsScript *s);

/*
 * An SQL expression (bigint) computing select_sql -- a SELECT count(*) that
 * evaluates the owner's code, such as a key expression in WHERE -- as the
 * owner of relid through partstrat_exec_as_owner(), for the row counts of
 * ps_ddl_save_count() / ps_ddl_assert_count().
 */
extern char *ps_ddl_owner_count(PsScript *s, Oid relid,
								const char *select_sql);

/*
 * The schema of the partstrat extension, where partstrat_exec_as_owner()
 * lives (ERROR 55000 when the extension is not installed).
 */
extern char *ps_ddl_extension_schema(void);

/*
 * Assemble the script: header comment (with the lock_timeout sentence),
 * framing, body, COMMIT (or RESET).  Returns a palloc'd string.
 */
extern char *ps_script_finish(PsScript *s);

/* ---- Script text (ddl_text.c) ---------------------------------------- */

/*
 * The one writer of comment text: text as "-- " comment line(s) ending in a
 * newline.  A line feed or carriage return inside text (from a name or a
 * value) starts a new "-- " line, so that it never turns the rest of the
 * line into SQL.  No other code writes "--".
 */
extern void ps_ddl_append_comment(StringInfo buf, const char *text);
extern char *ps_ddl_comment(const char *text);

/*
 * body between dollar quotes $partstrat$ (or $partstrat_N$, a tag that does
 * not occur in body), the closing tag on a line of its own.
 */
extern char *ps_dollar_quote(const char *body);

/*
 * A statement putting back, as the session's own, the search_path the
 * session had when the script began (saved there when
 * s->caller_search_path): pg_partman's functions restore the search_path
 * they found with set_config(..., false), which turns the script's SET
 * LOCAL value into the session's for good.  Transaction scripts only.
 */
extern void ps_script_restore_search_path(PsScript *s);

/*
 * sql (deparsed with standard_conforming_strings on) with every '...'
 * literal holding a backslash rewritten as E'...' with doubled
 * backslashes: the text reads the same whatever the running session's
 * standard_conforming_strings is, parsed statement by statement (psql -f)
 * or as a whole (\gexec).  Comments, quoted identifiers and E'' literals
 * are left as they are; dollar-quoted bodies are rewritten the same way.
 * ps_script_finish() and ps_ddl_pin() apply it.
 */
extern char *ps_ddl_safe_literals(const char *sql);

/* ---- Literals and bounds --------------------------------------------- */

/*
 * A literal for a bound value: MINVALUE / MAXVALUE bare, NULL for the NULL
 * list value, otherwise quote_literal_cstr() of its ISO text.
 */
extern char *ps_ddl_literal(const PsValue *v);

/* A PsValue for a datum of the given type (text by ps_datum_to_iso). */
extern PsValue ps_ddl_value(Datum value, Oid typid, int16 typlen,
							bool typbyval);

/*
 * The bound of a partition to be created or attached.  For a range:
 * nkeys values in from[] and to[]; for a list: nlist values in list[]
 * (isnull for the NULL value); for hash: modulus and remainder.
 */
typedef struct PsBound
{
	char		strategy;		/* PS_STRATEGY_* */
	bool		is_default;
	int			nkeys;
	PsValue    *from;
	PsValue    *to;
	int			nlist;
	PsValue    *list;
	int			modulus;
	int			remainder;
} PsBound;

/* The bound of an existing partition of the tree (shares its arrays). */
extern PsBound ps_bound_of(const PsTree *tree, const PsPartition *p);

/*
 * "FOR VALUES FROM (...) TO (...)", "FOR VALUES IN (...)",
 * "FOR VALUES WITH (MODULUS m, REMAINDER r)" or "DEFAULT".
 */
extern char *ps_ddl_bound_clause(const PsBound *b);

/*
 * The boolean expression PostgreSQL uses as the partition constraint of
 * bound b under parent (as get_qual_from_partbound builds it: IS NOT NULL
 * on range keys, expression keys deparsed, literals in ISO form -- call
 * inside ps_ddl_iso_enter).  A valid CHECK constraint with this expression
 * lets ATTACH PARTITION skip its validation scan; the same text serves as
 * the WHERE clause selecting the rows of the bound.  key is the parent's
 * key (tree->keys[p->key_index]).  Not for the DEFAULT.
 */
extern char *ps_ddl_bound_expr(Oid parentid, const PsKey *key,
							   const PsBound *b);

/* ---- Names ----------------------------------------------------------- */

/*
 * The namer: every name partstrat makes for a new relation (tables,
 * indexes, the advice's proposals) comes from here.  A new relation name
 * base || suffix in namespace nspid, at most NAMEDATALEN - 1 bytes: when
 * too long, "_" plus 6 hex digits of a hash of the full name go before
 * suffix, base is cut to the room left (keeping at least its first 16
 * bytes) and, when even then too long, suffix is cut at its end; every cut
 * is at a character boundary.  Never an error, whatever the lengths.  If
 * the name is taken by an existing relation or type of the schema, or is
 * in *used ("nspoid.name" strings; used may be NULL), "_2", "_3", ... go
 * before suffix until it is free; the name is then appended to *used.
 * Returned unquoted.
 */
extern char *ps_ddl_name(List **used, Oid nspid, const char *base,
						 const char *suffix);

/* ps_ddl_name() with the names of script s (recorded in s). */
extern char *ps_ddl_new_name(PsScript *s, Oid nspid, const char *base,
							 const char *suffix);

/*
 * A new partition's name prefix || tail (tail: its bound's text and the
 * pattern's suffix): as ps_ddl_new_name(), but prefix is what a long name
 * loses and "_2", "_3", ... go at the end.
 */
extern char *ps_ddl_new_name_tail(PsScript *s, Oid nspid, const char *prefix,
								  const char *tail);

/*
 * Name of the copy of a sub-partition "leaf" of "oldparent" made for
 * "newparent": the leaf's name with the old prefix replaced
 * (events_2026_10_h0 -> events_2026_12_h0), else newparent_leaf, the part
 * after newparent cut to 32 bytes; made unique by ps_ddl_new_name().
 */
extern char *ps_ddl_copy_name(PsScript *s, Oid nspid, const char *oldparent,
							  const char *newparent, const char *leaf);

/* quote_qualified_identifier() of a relation by OID. */
extern char *ps_ddl_qualified(Oid relid);

/* ---- Cloning a partition onto a new standalone table ----------------- */

/*
 * Emit the statements that create nspname.newname as a standalone copy of
 * partition srcrelid's definition, before any row is copied: CREATE
 * [UNLOGGED] TABLE (LIKE ... INCLUDING DEFAULTS, CONSTRAINTS, GENERATED,
 * STORAGE, COMPRESSION, COMMENTS, STATISTICS) WITH (reloptions, toast
 * reloptions) TABLESPACE, owner, table and column grants.  A partitioned
 * source gives a partitioned copy (same PARTITION BY, no storage options,
 * no partitions).  Indexes come later, from ps_ddl_clone_indexes().
 */
extern void ps_ddl_clone_table(PsScript *s, Oid srcrelid, Oid nspid,
							   const char *newname);

/*
 * Emit the statements that build, on nspname.newname, every index of
 * srcrelid (constraint indexes as ADD CONSTRAINT ... PRIMARY KEY/UNIQUE/
 * EXCLUDE, others as CREATE INDEX, including indexes that exist only on
 * the partition) and its own foreign keys.  Index names are derived from
 * newname with ps_ddl_new_name().  Run after the rows are copied (faster
 * than maintaining indexes row by row); ATTACH then links them to the
 * parent's partitioned indexes without building anything.  For a
 * partitioned source, run it after its partitions are attached: the
 * partitioned indexes then only link the partitions' existing indexes.
 */
extern void ps_ddl_clone_indexes(PsScript *s, Oid srcrelid, Oid nspid,
								 const char *newname);

/*
 * The quoted, comma-separated list of srcrelid's columns that an
 * INSERT ... SELECT copies (not dropped, not generated).
 */
extern char *ps_ddl_copy_columns(Oid srcrelid);

/*
 * Notes on what cloning does not carry over (triggers local to the
 * partition, row-level security policies, foreign keys referencing it),
 * appended as header lines.
 */
extern void ps_ddl_clone_notes(PsScript *s, Oid srcrelid);

/*
 * A new partition name (in nspid) cloned from tmpl, in two halves around
 * whatever fills it: ps_ddl_new_partition() creates the table
 * (ps_ddl_clone_table), with its indexes first when with_indexes (an empty
 * table), and adds the CHECK constraint check (quoted) on expr, equal to its
 * bound; ps_ddl_attach_new_partition() builds its indexes unless they were
 * built first, attaches it to parentid FOR VALUES b (no validation scan: the
 * CHECK implies the bound) and drops the CHECK.  Premake, the range rescue
 * and the list rescue use both; ps_ddl_emit_replace() the first.
 */
extern void ps_ddl_new_partition(PsScript *s, Oid tmpl, Oid nspid,
								 const char *name, bool with_indexes,
								 const char *check, const char *expr);
extern void ps_ddl_attach_new_partition(PsScript *s, Oid tmpl, Oid nspid,
										const char *name, bool with_indexes,
										Oid parentid, const PsBound *b,
										const char *check);

/* ---- Row-count assertion --------------------------------------------- */

/*
 * "(SELECT count(*) FROM ONLY a) + (SELECT count(*) FROM ONLY b)" for the
 * given quoted relation names (a List of char *).
 */
extern char *ps_ddl_count_expr(List *relnames);

/*
 * ps_ddl_owner_count() of ps_ddl_count_expr(relnames): the row counts of
 * the script's DO blocks run as the owner of relid, never as whoever runs
 * the script (a row security policy FORCEd on a table would otherwise run
 * the owner's functions with the rights of a member of the owner's role;
 * as the owner, with row_security off, it makes the count fail instead).
 */
static inline char *
ps_ddl_owner_rows(PsScript *s, Oid relid, List *relnames)
{
	return ps_ddl_owner_count(s, relid,
							  psprintf("SELECT %s", ps_ddl_count_expr(relnames)));
}

/*
 * Emit a DO block saving the value of count_expr in the transaction-local
 * setting partstrat_script.<label> (label: lower-case letters and '_').
 */
extern void ps_ddl_save_count(PsScript *s, const char *label,
							  const char *count_expr);

/*
 * Emit a DO block that raises an error (so the whole script rolls back) if
 * count_expr differs from the count saved under label.
 */
extern void ps_ddl_assert_count(PsScript *s, const char *label,
								const char *count_expr);

/* ---- Locks ----------------------------------------------------------- */

/*
 * Emit the lock statements in partstrat's deadlock-free order: first
 * LOCK TABLE ONLY parent IN SHARE MODE (readers keep reading, writes
 * through the parent wait), then the given partitions (a List of OIDs, in
 * the order given: bound order) IN mode, each with ONLY unless it is
 * itself partitioned.  Plus a header line per lock.
 */
extern void ps_ddl_lock(PsScript *s, Oid parentid, List *partitions,
						const char *mode);

/* ---- Replacing partitions by copies ---------------------------------- */

/*
 * Emit the body of a script that replaces the partitions old_relids (a List
 * of OIDs, level-1 partitions of tree->root, in bound order) by nnew new
 * partitions with the given bounds and (unquoted) names, in the schema of
 * the first old partition:
 *   lock the parent SHARE, then the old partitions SHARE;
 *   save the old row count;
 *   per new partition: clone the first old partition's definition, add a
 *   CHECK constraint equal to the new bound, copy its rows
 *   (INSERT ... SELECT ... FROM ONLY old [WHERE bound], WHERE only when
 *   nnew > 1);
 *   build the indexes; assert the row count;
 *   DETACH the old partitions, ATTACH the new ones (no validation scan
 *   thanks to the CHECK), drop the CHECKs, DROP the old partitions.
 * Also appends the header lines on locks and their durations.
 */
extern void ps_ddl_emit_replace(PsScript *s, const PsTree *tree,
								List *old_relids, int nnew,
								const PsBound *bounds, char **names);

/* ---- Common entry points of the generators --------------------------- */

/* Return a script as the text result of an SQL function. */
#define PS_RETURN_SCRIPT(str)	PG_RETURN_TEXT_P(cstring_to_text(str))

#endif							/* PARTSTRAT_DDL_H */
