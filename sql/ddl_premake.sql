--
-- ddl_premake: partstrat_ddl_premake() infers the step, the time zone and
-- the naming pattern of the existing partitions, fills the gaps and creates
-- the next ones.  Every generated script is executed here and checked: rows
-- per partition, new bounds, no gap, owner, grants, indexes, and ATTACH
-- without a validation scan (debug1: "implied by existing constraints").
--
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
SET client_min_messages = notice;
-- a schema of its own: nothing here depends on what other tests leave behind
CREATE SCHEMA ps_premake;
SET search_path = ps_premake, public;
CREATE ROLE regress_ps_owner;
CREATE ROLE regress_ps_reader;

-- gaps between consecutive level-1 partitions ('none' when contiguous)
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
-- monthly timestamptz partitions drawn in Paris time, a gap (March),
-- a DEFAULT, an index only on the newest partition, owner and grants
------------------------------------------------------------------------
CREATE TABLE ev (id bigint, ts timestamptz NOT NULL, v int,
                 PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);
CREATE INDEX ON ev (v);
CREATE TABLE ev_2026_01 PARTITION OF ev
  FOR VALUES FROM ('2026-01-01 00:00+01') TO ('2026-02-01 00:00+01');
CREATE TABLE ev_2026_02 PARTITION OF ev
  FOR VALUES FROM ('2026-02-01 00:00+01') TO ('2026-03-01 00:00+01');
CREATE TABLE ev_2026_04 PARTITION OF ev
  FOR VALUES FROM ('2026-04-01 00:00+02') TO ('2026-05-01 00:00+02');
CREATE TABLE ev_default PARTITION OF ev DEFAULT;
-- one owner for the table and its partitions (scripts refuse others), who
-- may create in the schema
ALTER TABLE ev OWNER TO regress_ps_owner;
ALTER TABLE ev_2026_01 OWNER TO regress_ps_owner;
ALTER TABLE ev_2026_02 OWNER TO regress_ps_owner;
ALTER TABLE ev_2026_04 OWNER TO regress_ps_owner;
ALTER TABLE ev_default OWNER TO regress_ps_owner;
GRANT USAGE, CREATE ON SCHEMA ps_premake TO regress_ps_owner;
GRANT SELECT ON ev_2026_04 TO regress_ps_reader;
CREATE INDEX ev_2026_04_x_ids ON ev_2026_04 (id) WHERE v = 1;
INSERT INTO ev SELECT g, '2026-01-01 00:00+01'::timestamptz + g * interval '5 hours', 1
FROM generate_series(1, 250) g;
INSERT INTO ev SELECT g, '2026-04-01 00:00+02'::timestamptz + g * interval '1 day', 2
FROM generate_series(1000, 1009) g;

-- the DEFAULT holds a row of March: premake refuses and points to the rescue
INSERT INTO ev VALUES (0, '2026-03-10 12:00+01', 3);
SELECT partstrat_ddl_premake('ev', 2);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM ev WHERE id = 0;

SELECT tableoid::regclass AS partition, count(*) FROM ev GROUP BY 1 ORDER BY 1;

-- the same text in any session: time zone and date style do not matter
SELECT partstrat_ddl_premake('ev', 2) AS script \gset
SELECT script_shape(:'script');
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
SELECT partstrat_ddl_premake('ev', 2) = :'script' AS same_text;
RESET TimeZone;
RESET DateStyle;

-- execute it: March fills the gap, then May and June
\o results/ddl_premake_run.sql
\qecho :script
\o
SET client_min_messages = debug1;
\set ECHO errors
\o /dev/null
\i results/ddl_premake_run.sql
\o
\set ECHO all
RESET client_min_messages;

SELECT partition, bound FROM partstrat_partitions('ev');
SELECT gaps('ev');
SELECT tableoid::regclass AS partition, count(*) FROM ev GROUP BY 1 ORDER BY 1;
-- owner and grants of the newest sibling
-- (relacl without "m", MAINTAIN, a privilege from PostgreSQL 17 on: the same output on every version)
SELECT c.relname, c.relowner::regrole, replace(c.relacl::text, 'm/', '/') AS relacl
FROM pg_class c WHERE c.relname LIKE 'ev\_2026\__%' AND c.relkind = 'r'
  AND c.relnamespace = 'ps_premake'::regnamespace ORDER BY 1;
-- the parent's indexes plus the one that existed only on ev_2026_04
SELECT tablename, indexname FROM pg_indexes
WHERE tablename LIKE 'ev\_2026\__%' AND schemaname = 'ps_premake' ORDER BY 1, 2;
-- no temporary CHECK constraint left
SELECT conrelid::regclass, conname FROM pg_constraint
WHERE conrelid::regclass::text LIKE 'ev%' AND contype = 'c'
  AND connamespace = 'ps_premake'::regnamespace;
-- new rows of May land in the new partition
INSERT INTO ev VALUES (2000, '2026-05-15 12:00+02', 4);
SELECT tableoid::regclass AS partition, count(*) FROM ev WHERE id = 2000 GROUP BY 1;

-- count => 0 fills gaps only: nothing to do now
\pset format unaligned
\pset tuples_only on
SELECT script_shape(partstrat_ddl_premake('ev', 0));
\pset format aligned
\pset tuples_only off

------------------------------------------------------------------------
-- daily date partitions named d_YYYYMMDD, a two-day gap, no DEFAULT
------------------------------------------------------------------------
CREATE TABLE d (k date NOT NULL, n int) PARTITION BY RANGE (k);
CREATE TABLE d_20260101 PARTITION OF d FOR VALUES FROM ('2026-01-01') TO ('2026-01-02');
CREATE TABLE d_20260102 PARTITION OF d FOR VALUES FROM ('2026-01-02') TO ('2026-01-03');
CREATE TABLE d_20260105 PARTITION OF d FOR VALUES FROM ('2026-01-05') TO ('2026-01-06');
INSERT INTO d VALUES ('2026-01-01', 1), ('2026-01-02', 2), ('2026-01-05', 5);
SELECT partstrat_ddl_premake('d', 2) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_premake_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_premake_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('d');
SELECT gaps('d');
SELECT tableoid::regclass AS partition, count(*) FROM d GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- weekly timestamp partitions named wk_pIYYYwIW (ISO weeks)
------------------------------------------------------------------------
CREATE TABLE wk (ts timestamp NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE wk_p2026w01 PARTITION OF wk FOR VALUES FROM ('2025-12-29') TO ('2026-01-05');
CREATE TABLE wk_p2026w02 PARTITION OF wk FOR VALUES FROM ('2026-01-05') TO ('2026-01-12');
SELECT partstrat_ddl_premake('wk', 2) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_premake_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_premake_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('wk');

------------------------------------------------------------------------
-- integer partitions of 1000 named t_p<from>, a gap
------------------------------------------------------------------------
CREATE TABLE t (k bigint NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE t_p0 PARTITION OF t FOR VALUES FROM (0) TO (1000);
CREATE TABLE t_p1000 PARTITION OF t FOR VALUES FROM (1000) TO (2000);
CREATE TABLE t_p3000 PARTITION OF t FOR VALUES FROM (3000) TO (4000);
INSERT INTO t SELECT g FROM generate_series(0, 3999, 7) g WHERE g NOT BETWEEN 2000 AND 2999;
SELECT tableoid::regclass AS partition, count(*) FROM t GROUP BY 1 ORDER BY 1;
SELECT partstrat_ddl_premake('t', 1) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_premake_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_premake_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('t');
SELECT gaps('t');
SELECT tableoid::regclass AS partition, count(*) FROM t GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- irregular widths: ERROR with a hint, then an explicit step
------------------------------------------------------------------------
CREATE TABLE irr (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE irr_a PARTITION OF irr FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-01-02 00:00+00');
CREATE TABLE irr_b PARTITION OF irr FOR VALUES FROM ('2026-01-02 00:00+00') TO ('2026-02-01 00:00+00');
SELECT script_shape(partstrat_ddl_premake('irr', 1));
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_premake('irr', 2, step => 'monthly') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_premake_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_premake_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('irr');

------------------------------------------------------------------------
-- hostile names: schema and table with quotes, spaces, unicode, a
-- reserved word; 63-byte partition names; the next name already taken
------------------------------------------------------------------------
CREATE SCHEMA "Sch ""ema";
CREATE TABLE "Sch ""ema"."Évé ""select"" table" ("from" timestamptz NOT NULL, "user" text)
  PARTITION BY RANGE ("from");
CREATE TABLE "Sch ""ema"."évènements_avec_un_nom_très_très_long_pour_namedata_2026_01"
  PARTITION OF "Sch ""ema"."Évé ""select"" table"
  FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
SELECT octet_length(relname) FROM pg_class WHERE relname LIKE 'évènements%';
-- the name of February is taken by an unrelated table: the new one gets a
-- suffix, and is cut with a hash to stay within 63 bytes
CREATE TABLE "Sch ""ema"."évènements_avec_un_nom_très_très_long_pour_namedata_2026_02" (x int);
INSERT INTO "Sch ""ema"."Évé ""select"" table" VALUES ('2026-01-15 00:00+00', 'o''brien');
SELECT partstrat_ddl_premake('"Sch ""ema"."Évé ""select"" table"', 2) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_premake_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/ddl_premake_run.sql
\o
\set ECHO all
SELECT partition, octet_length(partition::text) AS bytes, range_from, range_to
FROM partstrat_partitions('"Sch ""ema"."Évé ""select"" table"');
SELECT tableoid::regclass AS partition, count(*)
FROM "Sch ""ema"."Évé ""select"" table" GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- bad input: ERROR, SQLSTATE and hint
------------------------------------------------------------------------
SELECT script_shape(partstrat_ddl_premake('ev', NULL));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('ev', -1));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('ev', 1, step => 'fortnightly'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('ev', 1, step => '-1 month'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('d', 1, step => '6 hours'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('t', 1, step => 'monthly'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('ev', 1, lock_timeout => '-1 s'));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_premake('ev_2026_01', 1));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE li (k int) PARTITION BY LIST (k);
SELECT script_shape(partstrat_ddl_premake('li', 1));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE mc (a int, b int) PARTITION BY RANGE (a, b);
SELECT script_shape(partstrat_ddl_premake('mc', 1));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tx (k text) PARTITION BY RANGE (k);
SELECT script_shape(partstrat_ddl_premake('tx', 1));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE em (k int) PARTITION BY RANGE (k);
SELECT script_shape(partstrat_ddl_premake('em', 1, step => '10'));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE mx (k int) PARTITION BY RANGE (k);
CREATE TABLE mx_1 PARTITION OF mx FOR VALUES FROM (0) TO (MAXVALUE);
SELECT script_shape(partstrat_ddl_premake('mx', 1, step => '10'));
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE sm (k smallint) PARTITION BY RANGE (k);
CREATE TABLE sm_1 PARTITION OF sm FOR VALUES FROM (0) TO (30000);
SELECT script_shape(partstrat_ddl_premake('sm', 1));
\echo :LAST_ERROR_SQLSTATE

-- a range table whose partitions are partitioned by hash: each new month is
-- a copy of the newest with a copy of each of its partitions and indexes
CREATE TABLE rh (id int, ts timestamptz NOT NULL, v int, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
CREATE TABLE rh_2026_10 PARTITION OF rh
    FOR VALUES FROM ('2026-10-01 00:00+00') TO ('2026-11-01 00:00+00') PARTITION BY HASH (id);
CREATE TABLE rh_2026_10_h0 PARTITION OF rh_2026_10 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE rh_2026_10_h1 PARTITION OF rh_2026_10 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE rh_2026_11 PARTITION OF rh
    FOR VALUES FROM ('2026-11-01 00:00+00') TO ('2026-12-01 00:00+00') PARTITION BY HASH (id);
CREATE TABLE rh_2026_11_h0 PARTITION OF rh_2026_11 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE rh_2026_11_h1 PARTITION OF rh_2026_11 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE INDEX ON rh (v);
GRANT SELECT ON rh_2026_11_h1 TO regress_ps_reader;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_premake('rh', 2) \gexec
\o
\set ECHO all
SELECT partition, level, bound FROM partstrat_partitions('rh') ORDER BY level, partition;
INSERT INTO rh SELECT g, '2027-01-15 00:00+00', g FROM generate_series(1, 100) g;
SELECT tableoid::regclass, count(*) FROM rh GROUP BY 1 ORDER BY 1;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'rh_2027_01_h1'::regclass ORDER BY 1;
SELECT has_table_privilege('regress_ps_reader', 'rh_2027_01_h1', 'SELECT') AS granted;
-- a partition partitioned two levels deep is not copied: nothing to continue from
CREATE TABLE rd (ts date NOT NULL, k int) PARTITION BY RANGE (ts);
CREATE TABLE rd_1 PARTITION OF rd FOR VALUES FROM ('2026-01-01') TO ('2026-02-01') PARTITION BY LIST (k);
CREATE TABLE rd_1_a PARTITION OF rd_1 FOR VALUES IN (1) PARTITION BY HASH (k);
CREATE TABLE rd_1_a_0 PARTITION OF rd_1_a FOR VALUES WITH (MODULUS 1, REMAINDER 0);
SELECT script_shape(partstrat_ddl_premake('rd', 1));
\echo :LAST_ERROR_SQLSTATE
-- nor one partitioned by the parent's own key: its bounds would not fit
CREATE TABLE rs (ts date NOT NULL, k int) PARTITION BY RANGE (ts);
CREATE TABLE rs_2026_10 PARTITION OF rs FOR VALUES FROM ('2026-10-01') TO ('2026-11-01') PARTITION BY RANGE (ts);
CREATE TABLE rs_2026_10_a PARTITION OF rs_2026_10 FOR VALUES FROM ('2026-10-01') TO ('2026-10-16');
SELECT script_shape(partstrat_ddl_premake('rs', 1));
\echo :LAST_ERROR_SQLSTATE
-- a sub-partition whose name does not start with its parent's, and long
CREATE TABLE rl (ts date NOT NULL, k int) PARTITION BY RANGE (ts);
CREATE TABLE rl_2026_10 PARTITION OF rl FOR VALUES FROM ('2026-10-01') TO ('2026-11-01') PARTITION BY LIST (k);
CREATE TABLE "odd""name_of_a_sub_partition_that_is_rather_long_58_bytes" PARTITION OF rl_2026_10 FOR VALUES IN (1, 2);
CREATE TABLE rl_2026_10_def PARTITION OF rl_2026_10 DEFAULT;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_premake('rl', 1) \gexec
\o
\set ECHO all
INSERT INTO rl VALUES ('2026-11-05', 1), ('2026-11-05', 7);
SELECT tableoid::regclass, count(*) FROM rl GROUP BY 1 ORDER BY 1;

DROP TABLE ev, d, wk, t, irr, li, mc, tx, em, mx, sm, rh, rd, rs, rl;
SET client_min_messages = warning;
DROP SCHEMA "Sch ""ema" CASCADE;
RESET client_min_messages;
DROP FUNCTION gaps(regclass);
REVOKE ALL ON SCHEMA ps_premake FROM regress_ps_owner;
DROP ROLE regress_ps_owner;
DROP ROLE regress_ps_reader;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_premake CASCADE;
RESET client_min_messages;
