--
-- ddl_literals: the literal rewrite every script goes through
-- (ps_ddl_safe_literals, src/ddl/ddl_text.c).  Each text is shown as
-- rewritten, then run with standard_conforming_strings on and off: the
-- values are the same both ways, or (U&'...') the server refuses the text
-- with the setting off -- it never reads differently.
--
-- A test-only entry point of the module (not in the extension script).
CREATE FUNCTION test_safe_literals(text) RETURNS text
AS '$libdir/partstrat', 'partstrat_test_safe_literals' LANGUAGE C STRICT;

\pset format unaligned
SET standard_conforming_strings = on;

-- a backslash in a plain literal: E'' with doubled backslashes; E'' left
-- alone; inside a dollar-quoted body too; comments and quoted identifiers
-- left alone
SELECT test_safe_literals($q$SELECT 'C:\temp' AS a, E'x\\y' AS e, 'it''s' AS q, "c\'x" FROM (SELECT 1 AS "c\'x") s -- 'a\b'$q$) AS sql \gset
\echo :sql
:sql;
SET standard_conforming_strings = off;
:sql;
SET standard_conforming_strings = on;

-- U&'...': its backslashes are Unicode escapes; never rewritten (an E
-- would make it "U &" and a string); refused with the setting off
SELECT test_safe_literals($q$SELECT U&'d\0061t\+000061' AS u, u&'\0041\\' AS v$q$) AS sql \gset
\echo :sql
:sql;
SET standard_conforming_strings = off;
-- (terse: PostgreSQL 17 quotes the setting's name in the DETAIL)
\set VERBOSITY terse
:sql;
\set VERBOSITY default
SET standard_conforming_strings = on;

-- "bu&'...'" is the identifier bu, the operator &, a plain literal: rewritten
SELECT test_safe_literals($q$SELECT bu&'1\' FROM (SELECT 3 AS bu) s$q$) AS sql \gset
\echo :sql

-- a dollar-quoted body is rewritten the same way
SELECT test_safe_literals($q$DO $x$ BEGIN RAISE NOTICE '%', 'a\b'; END $x$$q$) AS sql \gset
\echo :sql
:sql;
SET standard_conforming_strings = off;
:sql;
RESET standard_conforming_strings;

DROP FUNCTION test_safe_literals(text);
