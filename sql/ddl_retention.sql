--
-- ddl_retention: partstrat_ddl_retention() removes the partitions wholly
-- older than the window (keep back from as_of, or keep_count partitions
-- with data), by detach, drop or archive, in one transaction or with
-- top-level DETACH ... CONCURRENTLY statements.  Every script is executed
-- (psql \i sends its statements one by one, outside any transaction block,
-- as psql -f would) and the result checked.
--
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
SET client_min_messages = notice;
-- a schema of its own: nothing here depends on what other tests leave behind
CREATE SCHEMA ps_retention;
SET search_path = ps_retention, public;

-- monthly partitions of 2020 (UTC), rows in January to June, empty ones
-- made ahead for July to September, a DEFAULT with two rows
CREATE FUNCTION make_monthly(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %I (id int, ts timestamptz NOT NULL) PARTITION BY RANGE (ts)', t);
  FOR m IN 1..9 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   t || '_' || to_char(m, 'FM00'), t,
                   make_timestamptz(2020, m, 1, 0, 0, 0, 'UTC'),
                   make_timestamptz(2020, m + 1, 1, 0, 0, 0, 'UTC'));
  END LOOP;
  EXECUTE format('INSERT INTO %I SELECT g, make_timestamptz(2020, 1, 1, 0, 0, 0, ''UTC'') + g * interval ''1 day'' FROM generate_series(0, 180) g', t);
END $$;

CREATE TABLE counts (tab text, partition text, n bigint);

------------------------------------------------------------------------
-- keep 3 months back from 2020-06-15: January and February go; March
-- (upper bound 2020-04-01 after the cutoff 2020-03-15) holds rows inside
-- the window and stays
------------------------------------------------------------------------
SELECT make_monthly('r1');
CREATE TABLE r1_default PARTITION OF r1 DEFAULT;
INSERT INTO r1 VALUES (-1, '2019-06-01 00:00+00'), (-2, '2021-06-01 00:00+00');
SELECT tableoid::regclass AS partition, count(*) FROM r1 GROUP BY 1 ORDER BY 1;
SELECT partstrat_ddl_retention('r1', keep => '3 months', as_of => '2020-06-15 00:00+00') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\i results/ddl_retention_run.sql
SELECT partition, range_from, range_to FROM partstrat_partitions('r1');
-- the detached tables are standalone, with all their rows
SELECT c.relname, c.relispartition, (SELECT count(*) FROM r1_01) AS r1_01_rows,
       (SELECT count(*) FROM r1_02) AS r1_02_rows
FROM pg_class c WHERE c.relname IN ('r1_01', 'r1_02')
  AND c.relnamespace = 'ps_retention'::regnamespace ORDER BY 1;
SELECT tableoid::regclass AS partition, count(*) FROM r1 GROUP BY 1 ORDER BY 1;
-- the same window again: nothing left to remove
SELECT partstrat_ddl_retention('r1', keep => '3 months', as_of => '2020-06-15 00:00+00') ~ 'nothing to remove' AS nothing;

------------------------------------------------------------------------
-- drop, with keep_count: the 3 newest partitions holding rows (April to
-- June) and the empty ones after them stay; the empty ones made ahead do
-- not count
------------------------------------------------------------------------
SELECT make_monthly('r2');
SELECT partstrat_ddl_retention('r2', keep_count => 3, action => 'drop') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('r2');
SELECT count(*) AS dropped_left FROM pg_class WHERE relname IN ('r2_01', 'r2_02', 'r2_03')
  AND relnamespace = 'ps_retention'::regnamespace;
SELECT tableoid::regclass AS partition, count(*) FROM r2 GROUP BY 1 ORDER BY 1;
-- keep and keep_count together: a partition goes only when both agree
SELECT make_monthly('r3');
SELECT partstrat_ddl_retention('r3', keep => '1 month', keep_count => 5,
                               as_of => '2020-06-15 00:00+00') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition FROM partstrat_partitions('r3');

------------------------------------------------------------------------
-- archive into a schema with a hostile name, where a table of the same
-- name already exists (renamed on the way); hostile parent and partition
-- names; the detached partitions keep their rows
------------------------------------------------------------------------
CREATE SCHEMA "Arch ""ive";
CREATE SCHEMA "Live Data";
CREATE TABLE "Live Data"."Événements ""select""" (id int, "from" date NOT NULL)
  PARTITION BY RANGE ("from");
CREATE TABLE "Live Data"."ev 2020-01" PARTITION OF "Live Data"."Événements ""select"""
  FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
CREATE TABLE "Live Data"."ev 2020-02" PARTITION OF "Live Data"."Événements ""select"""
  FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');
CREATE TABLE "Live Data"."ev 2020-03" PARTITION OF "Live Data"."Événements ""select"""
  FOR VALUES FROM ('2020-03-01') TO ('2020-04-01');
CREATE TABLE "Arch ""ive"."ev 2020-01" (x int);
INSERT INTO "Live Data"."Événements ""select""" SELECT g, date '2020-01-01' + g FROM generate_series(0, 89) g;
SELECT tableoid::regclass AS partition, count(*) FROM "Live Data"."Événements ""select""" GROUP BY 1 ORDER BY 1;
SELECT partstrat_ddl_retention('"Live Data"."Événements ""select"""', keep => '40 days',
                               action => 'archive', archive_schema => 'Arch "ive',
                               as_of => '2020-04-10 12:00+00') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition FROM partstrat_partitions('"Live Data"."Événements ""select"""');
SELECT n.nspname, c.relname, c.relispartition FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('Arch "ive', 'Live Data') AND c.relkind IN ('r', 'p') ORDER BY 1, 2;
SELECT count(*) FROM "Arch ""ive"."ev 2020-01_2";
SELECT count(*) FROM "Arch ""ive"."ev 2020-02";

------------------------------------------------------------------------
-- integer keys with keep_count; a sub-partitioned partition
------------------------------------------------------------------------
CREATE TABLE ri (k int NOT NULL, s int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE ri_0 PARTITION OF ri FOR VALUES FROM (0) TO (100) PARTITION BY LIST (s);
CREATE TABLE ri_0_a PARTITION OF ri_0 FOR VALUES IN (1);
CREATE TABLE ri_0_b PARTITION OF ri_0 FOR VALUES IN (2);
CREATE TABLE ri_100 PARTITION OF ri FOR VALUES FROM (100) TO (200);
CREATE TABLE ri_200 PARTITION OF ri FOR VALUES FROM (200) TO (300);
CREATE TABLE ri_300 PARTITION OF ri FOR VALUES FROM (300) TO (400);
INSERT INTO ri SELECT g, 1 + g % 2 FROM generate_series(0, 249) g;
SELECT partstrat_ddl_retention('ri', keep_count => 2, action => 'drop') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition, level FROM partstrat_partitions('ri');
SELECT count(*) AS subtree_left FROM pg_class WHERE relname IN ('ri_0', 'ri_0_a', 'ri_0_b')
  AND relnamespace = 'ps_retention'::regnamespace;
SELECT tableoid::regclass AS partition, count(*) FROM ri GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- a two-column key (ts, id): the window is read on ts; a partition whose
-- upper bound is (cutoff, MINVALUE) holds nothing at the cutoff and goes,
-- one ending at (cutoff, 5) may hold rows at the cutoff and stays
------------------------------------------------------------------------
CREATE TABLE mk (ts timestamptz NOT NULL, id int NOT NULL) PARTITION BY RANGE (ts, id);
CREATE TABLE mk_1 PARTITION OF mk
  FOR VALUES FROM ('2020-01-01 00:00+00', MINVALUE) TO ('2020-02-01 00:00+00', MINVALUE);
CREATE TABLE mk_2 PARTITION OF mk
  FOR VALUES FROM ('2020-02-01 00:00+00', MINVALUE) TO ('2020-03-01 00:00+00', 5);
CREATE TABLE mk_3 PARTITION OF mk
  FOR VALUES FROM ('2020-03-01 00:00+00', 5) TO ('2020-04-01 00:00+00', MINVALUE);
INSERT INTO mk VALUES ('2020-01-15 00:00+00', 1), ('2020-03-01 00:00+00', 1), ('2020-03-01 00:00+00', 9);
SELECT tableoid::regclass AS partition, count(*) FROM mk GROUP BY 1 ORDER BY 1;
SELECT partstrat_ddl_retention('mk', keep => '1 month', action => 'drop',
                               as_of => '2020-04-01 00:00+00') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition FROM partstrat_partitions('mk');

------------------------------------------------------------------------
-- archive of a sub-partitioned partition: its partitions move too
------------------------------------------------------------------------
CREATE SCHEMA ps_retention_arch;
CREATE TABLE sp (k int NOT NULL, s int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE sp_0 PARTITION OF sp FOR VALUES FROM (0) TO (100) PARTITION BY LIST (s);
CREATE TABLE sp_0_a PARTITION OF sp_0 FOR VALUES IN (1);
CREATE TABLE sp_0_b PARTITION OF sp_0 FOR VALUES IN (2);
CREATE TABLE sp_100 PARTITION OF sp FOR VALUES FROM (100) TO (200);
INSERT INTO sp SELECT g, 1 + g % 2 FROM generate_series(0, 199) g;
SELECT partstrat_ddl_retention('sp', keep_count => 1, action => 'archive',
                               archive_schema => 'ps_retention_arch') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition FROM partstrat_partitions('sp');
SELECT partition, level FROM partstrat_partitions('ps_retention_arch.sp_0');
SELECT tableoid::regclass AS partition, count(*) FROM ps_retention_arch.sp_0 GROUP BY 1 ORDER BY 1;
SET client_min_messages = warning;
DROP SCHEMA ps_retention_arch CASCADE;
RESET client_min_messages;

------------------------------------------------------------------------
-- concurrently: one top-level DETACH ... CONCURRENTLY per partition with
-- its FINALIZE comment; psql runs them outside any transaction block
------------------------------------------------------------------------
SELECT make_monthly('rc');
SELECT partstrat_ddl_retention('rc', keep => '3 months', concurrently => true,
                               action => 'drop', lock_timeout => '2s',
                               as_of => '2020-06-15 00:00+00') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SHOW lock_timeout;
SELECT partition FROM partstrat_partitions('rc');
SELECT tableoid::regclass AS partition, count(*) FROM rc GROUP BY 1 ORDER BY 1;
-- the same script in one transaction block fails, as PostgreSQL requires
SELECT make_monthly('rd');
BEGIN;
ALTER TABLE rd DETACH PARTITION rd_01 CONCURRENTLY;
ROLLBACK;

------------------------------------------------------------------------
-- a partition left "detach pending" is finished with FINALIZE
------------------------------------------------------------------------
SELECT make_monthly('rp');
-- simulate an interrupted DETACH ... CONCURRENTLY: the catalog state it leaves
UPDATE pg_inherits SET inhdetachpending = true WHERE inhrelid = 'rp_01'::regclass;
SELECT partition, detach_pending FROM partstrat_partitions('rp') WHERE detach_pending;
SELECT partstrat_ddl_retention('rp', keep => '4 months', as_of => '2020-06-15 00:00+00') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_retention_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_retention_run.sql
\o
\set ECHO all
SELECT partition, detach_pending FROM partstrat_partitions('rp');

------------------------------------------------------------------------
-- bad input: ERROR, SQLSTATE and hint
------------------------------------------------------------------------
SELECT script_shape(partstrat_ddl_retention('r1'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '-1 day'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep_count => 0));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', action => 'truncate'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', action => 'archive'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', action => 'archive', archive_schema => 'no such schema'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', archive_schema => 'Arch "ive'));
\echo :LAST_ERROR_SQLSTATE
-- archive into the parent's own schema: it would only detach
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', action => 'archive', archive_schema => 'ps_retention'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', concurrently => true));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('ri', keep => '1 year'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', as_of => 'infinity'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('r1', keep => '1 year', lock_timeout => '0'));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE rl (k int) PARTITION BY LIST (k);
SELECT script_shape(partstrat_ddl_retention('rl', keep_count => 1));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_retention('counts', keep_count => 1));
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_retention(NULL, keep_count => 1) IS NULL AS null_parent;

DROP TABLE r1, r1_01, r1_02, r2, r3, r3_01, ri, mk, sp, rc, rd, rp, rp_01, rl, counts;
SET client_min_messages = warning;
DROP SCHEMA "Arch ""ive" CASCADE;
RESET client_min_messages;
SET client_min_messages = warning;
DROP SCHEMA "Live Data" CASCADE;
RESET client_min_messages;
DROP FUNCTION make_monthly(text);
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_retention CASCADE;
RESET client_min_messages;
