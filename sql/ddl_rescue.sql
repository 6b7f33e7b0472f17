--
-- ddl_rescue: partstrat_ddl_rescue_default() moves the rows of the DEFAULT
-- partition into new partitions of the siblings' step, one transaction per
-- new partition; an interrupted rescue is completed by a second run.
-- partstrat_ddl_guard_default() then keeps the DEFAULT from taking rows
-- of the ranges the siblings cover or will cover.  Every script is
-- executed and the rows counted per partition before and after.
--
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
SET client_min_messages = notice;
-- a schema of its own: nothing here depends on what other tests leave behind
CREATE SCHEMA ps_rescue;
SET search_path = ps_rescue, public;

CREATE FUNCTION gaps(t regclass) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(hi || ' <> ' || nlo, ', '), 'none')
  FROM (SELECT range_to[1] AS hi,
               lead(range_from[1]) OVER (ORDER BY n) AS nlo
        FROM (SELECT range_from, range_to, row_number() OVER () AS n
              FROM partstrat_partitions(t)
              WHERE level = 1 AND NOT is_default) p) q
  WHERE nlo IS NOT NULL AND nlo <> hi
$$;

------------------------------------------------------------------------
-- monthly partitions (UTC) for February and April; the DEFAULT holds rows
-- of December, January (before the first partition), March (a gap) and
-- May (after the last), and two rows with a NULL key
------------------------------------------------------------------------
CREATE TABLE ev (id int NOT NULL, ts timestamptz, n int) PARTITION BY RANGE (ts);
CREATE TABLE ev_2026_02 PARTITION OF ev
  FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');
CREATE TABLE ev_2026_04 PARTITION OF ev
  FOR VALUES FROM ('2026-04-01 00:00+00') TO ('2026-05-01 00:00+00');
CREATE TABLE ev_default PARTITION OF ev DEFAULT;
CREATE INDEX ev_ts ON ev (ts);
INSERT INTO ev SELECT g, '2025-12-20 00:00+00'::timestamptz + g * interval '2 hours', g % 7
FROM generate_series(0, 1799) g;          -- 2025-12-20 .. 2026-05-19
INSERT INTO ev VALUES (-1, NULL, 0), (-2, NULL, 0);
SELECT tableoid::regclass AS partition, count(*) FROM ev GROUP BY 1 ORDER BY 1;
SELECT date_trunc('month', ts AT TIME ZONE 'UTC') AS month, count(*)
FROM ev_default GROUP BY 1 ORDER BY 1;
CREATE TEMP TABLE before AS SELECT id, ts, n FROM ev;

-- premake refuses: the DEFAULT holds rows of March and May
SELECT script_shape(partstrat_ddl_premake('ev', 1));

-- the rescue, in batches of at most 100 rows
SELECT partstrat_ddl_rescue_default('ev', batch_rows => 100) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_rescue_run.sql
\qecho :script
\o
-- an interruption after the first target: execute only its transaction
SELECT split_part(:'script', E'\n-- partstrat: rescue 2 of 4', 1) AS first \gset
\o results/ddl_rescue_first.sql
\qecho :first
\o
SET client_min_messages = debug1;
\i results/ddl_rescue_first.sql
RESET client_min_messages;
SELECT tableoid::regclass AS partition, count(*) FROM ev GROUP BY 1 ORDER BY 1;

-- the second run generates the rest: three targets, executed in full
SELECT partstrat_ddl_rescue_default('ev', batch_rows => 100) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_rescue_run.sql
\qecho :script
\o
\set ECHO none
\i results/ddl_rescue_run.sql
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('ev');
SELECT gaps('ev');
SELECT tableoid::regclass AS partition, count(*) FROM ev GROUP BY 1 ORDER BY 1;
-- every row is still there, unchanged, and nothing but NULL keys in the DEFAULT
SELECT (SELECT count(*) FROM ev) AS rows_now,
       (SELECT count(*) FROM (SELECT * FROM ev EXCEPT SELECT * FROM before) d) AS changed,
       (SELECT count(*) FROM ev_default WHERE ts IS NOT NULL) AS default_non_null;
-- the index of the parent is on every new partition
SELECT tablename, indexname FROM pg_indexes WHERE tablename LIKE 'ev\_%'
  AND schemaname = 'ps_rescue' ORDER BY 1, 2;
-- a third run has nothing to do
SELECT partstrat_ddl_rescue_default('ev') ~ 'Nothing to do' AS nothing_to_do;

------------------------------------------------------------------------
-- the guard: CHECK on the DEFAULT refusing every key from the first
-- partition up; ATTACH of a new partition then skips the DEFAULT's scan
------------------------------------------------------------------------
SELECT partstrat_ddl_guard_default('ev') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_rescue_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_rescue_run.sql
\o
\set ECHO all
-- (NOT NULL constraints, contype 'n', are rows of pg_constraint from PostgreSQL 18 on: left out, the same output on every version)
SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint
WHERE conrelid = 'ev_default'::regclass AND contype <> 'n';
-- a row of a range without a partition is refused, NULL keys still pass
INSERT INTO ev VALUES (5000, '2026-07-01 00:00+00', 0);
INSERT INTO ev VALUES (5001, NULL, 0);
-- premake: "updated partition constraint for default partition ... is implied"
SELECT partstrat_ddl_premake('ev', 1) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_rescue_run.sql
\qecho :script
\o
SET client_min_messages = debug1;
\set ECHO none
\i results/ddl_rescue_run.sql
\set ECHO all
RESET client_min_messages;
SELECT partition FROM partstrat_partitions('ev');
-- generating the guard again replaces it (same lower bound)
SELECT partstrat_ddl_guard_default('ev') ~ 'DROP CONSTRAINT IF EXISTS partstrat_default_guard' AS replaces;

------------------------------------------------------------------------
-- the guard of a list parent's DEFAULT: a CHECK admitting only the values
-- it holds; ATTACH of any other value then skips the DEFAULT's scan.
-- Column keys, expression keys and keys with a collation of their own.
------------------------------------------------------------------------
CREATE TABLE lg (name text, d date, id int) PARTITION BY LIST (name);
CREATE TABLE lg_a PARTITION OF lg FOR VALUES IN ('a');
CREATE TABLE lg_default PARTITION OF lg DEFAULT;
INSERT INTO lg SELECT (ARRAY['a', 'b', 'c', 'it''s', NULL])[1 + g % 5], NULL, g
FROM generate_series(1, 500) g;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_guard_default('lg') \gexec
\o
\set ECHO all
SELECT pg_get_constraintdef(oid), convalidated FROM pg_constraint
WHERE conrelid = 'lg_default'::regclass;
CREATE TABLE lg_x (LIKE lg);
SET client_min_messages = debug1;
ALTER TABLE lg ATTACH PARTITION lg_x FOR VALUES IN ('x', 'y');
RESET client_min_messages;
-- a value without a partition is refused; the DEFAULT's values and NULL pass
INSERT INTO lg VALUES ('z', NULL, 0);
INSERT INTO lg VALUES ('b', NULL, 0), (NULL, NULL, 0), ('x', NULL, 0);
SELECT tableoid::regclass, count(*) FROM lg GROUP BY 1 ORDER BY 1;
DROP TABLE lg;

CREATE TABLE lge (name text, id int) PARTITION BY LIST (lower(name));
CREATE TABLE lge_default PARTITION OF lge DEFAULT;
INSERT INTO lge VALUES ('A', 1), ('b', 2), ('B', 3);
CREATE TABLE lgc (name text, id int) PARTITION BY LIST (name COLLATE "C");
CREATE TABLE lgc_default PARTITION OF lgc DEFAULT;
INSERT INTO lgc VALUES ('A', 1), ('b', 2);
CREATE TABLE lgd (d date, id int) PARTITION BY LIST (d);
CREATE TABLE lgd_default PARTITION OF lgd DEFAULT;
INSERT INTO lgd VALUES ('2026-01-31', 1), ('2026-02-01', 2);
SET datestyle = 'SQL, DMY';
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_guard_default(t)
FROM unnest('{lge,lgc,lgd}'::regclass[]) t \gexec
\o
\set ECHO all
RESET datestyle;
SELECT conrelid::regclass, pg_get_constraintdef(oid), convalidated
FROM pg_constraint WHERE conname = 'partstrat_default_guard' ORDER BY 1;
CREATE TABLE lge_x (LIKE lge);
CREATE TABLE lgc_x (LIKE lgc);
CREATE TABLE lgd_x (LIKE lgd);
SET client_min_messages = debug1;
ALTER TABLE lge ATTACH PARTITION lge_x FOR VALUES IN ('x');
ALTER TABLE lgc ATTACH PARTITION lgc_x FOR VALUES IN ('x');
ALTER TABLE lgd ATTACH PARTITION lgd_x FOR VALUES IN ('2026-03-01');
RESET client_min_messages;
DROP TABLE lge, lgc, lgd;

-- what the list guard refuses: more values than the prover expands, a key
-- with another operator class, an empty DEFAULT is closed to all but NULL
CREATE TABLE lgm (k int) PARTITION BY LIST (k);
CREATE TABLE lgm_default PARTITION OF lgm DEFAULT;
INSERT INTO lgm SELECT generate_series(1, 101);
SELECT partstrat_ddl_guard_default('lgm');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM lgm WHERE k > 100;
SELECT partstrat_ddl_guard_default('lgm') ~ 'admits only the 100 values' AS hundred_ok;
TRUNCATE lgm;
SELECT partstrat_ddl_guard_default('lgm') ~ 'CHECK \(k IS NULL\) NOT VALID' AS closed;
CREATE TABLE lgp (name text) PARTITION BY LIST (name text_pattern_ops);
CREATE TABLE lgp_default PARTITION OF lgp DEFAULT;
SELECT script_shape(partstrat_ddl_guard_default('lgp'));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE lgh (k int) PARTITION BY HASH (k);
SELECT script_shape(partstrat_ddl_guard_default('lgh'));
\echo :LAST_ERROR_SQLSTATE
DROP TABLE lgm, lgp, lgh;

------------------------------------------------------------------------
-- integer key, no partition but the DEFAULT: the step must be given;
-- hostile names; names for the new partitions come from partstrat
------------------------------------------------------------------------
CREATE SCHEMA "Sch ""ema";
CREATE TABLE "Sch ""ema"."Ünïcode ""order"" tbl" ("select" bigint, "Val" text)
  PARTITION BY RANGE ("select");
CREATE TABLE "Sch ""ema"."Ünïcode ""order"" tbl default" PARTITION OF "Sch ""ema"."Ünïcode ""order"" tbl" DEFAULT;
INSERT INTO "Sch ""ema"."Ünïcode ""order"" tbl" SELECT g * 37, 'v''' || g FROM generate_series(-5, 60) g;
SELECT partstrat_ddl_rescue_default('"Sch ""ema"."Ünïcode ""order"" tbl"');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_rescue_default('"Sch ""ema"."Ünïcode ""order"" tbl"', step => '1000') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_rescue_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_rescue_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('"Sch ""ema"."Ünïcode ""order"" tbl"');
SELECT tableoid::regclass AS partition, count(*), min("select"), max("select")
FROM "Sch ""ema"."Ünïcode ""order"" tbl" GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- bad input: ERROR, SQLSTATE and hint
------------------------------------------------------------------------
SELECT script_shape(partstrat_ddl_rescue_default('ev', batch_rows => 0));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_rescue_default('ev', lock_timeout => '-5 min'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_rescue_default('ev', step => 'sometimes'));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE nd (k int) PARTITION BY RANGE (k);
CREATE TABLE nd_1 PARTITION OF nd FOR VALUES FROM (0) TO (10);
SELECT script_shape(partstrat_ddl_rescue_default('nd'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_guard_default('nd'));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE gl (k int) PARTITION BY LIST (k);
SELECT script_shape(partstrat_ddl_guard_default('gl'));
\echo :LAST_ERROR_SQLSTATE
-- the guard refuses while the DEFAULT holds rows it would exclude
CREATE TABLE gd (k int) PARTITION BY RANGE (k);
CREATE TABLE gd_1 PARTITION OF gd FOR VALUES FROM (0) TO (10);
CREATE TABLE gd_default PARTITION OF gd DEFAULT;
INSERT INTO gd VALUES (-5), (50), (NULL);
SELECT script_shape(partstrat_ddl_guard_default('gd'));
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_guard_default('"Sch ""ema"."Ünïcode ""order"" tbl"') IS NOT NULL AS guard_ok;

DROP TABLE ev, nd, gl, gd;
SET client_min_messages = warning;
DROP SCHEMA "Sch ""ema" CASCADE;
RESET client_min_messages;
DROP FUNCTION gaps(regclass);
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_rescue CASCADE;
RESET client_min_messages;
