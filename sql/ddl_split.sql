--
-- ddl_split: partstrat_ddl_split() generates a script; every script is shown
-- (it must be deterministic), executed, and its outcome checked row by row.
--
-- partstrat's drop event trigger (maintenance policies) logs EventTriggerInvoke
-- at DEBUG1, which the scripts' DEBUG1 output below would show at each DROP.
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
ALTER EVENT TRIGGER partstrat_on_sql_drop DISABLE;
CREATE ROLE regress_ps_owner;
CREATE ROLE "regress_ps reader";
CREATE SCHEMA "ddl split ü";
SET search_path = "ddl split ü", public;

-- Rows per leaf of a tree, in bound order, with the bound in ISO form.
CREATE FUNCTION rows_per_partition(parent regclass)
RETURNS TABLE (partition regclass, bound text, n bigint)
LANGUAGE sql AS $$
  SELECT p.partition,
         coalesce('FROM ' || array_to_string(p.range_from, ', ') || ' TO ' || array_to_string(p.range_to, ', '),
                  'IN ' || array_to_string(p.list_values, ', ', 'NULL'),
                  'MODULUS ' || p.modulus || ' REMAINDER ' || p.remainder, 'DEFAULT'),
         (xpath('/row/c/text()',
                query_to_xml(format('SELECT count(*) AS c FROM ONLY %s', p.partition),
                             false, true, '')))[1]::text::bigint
  FROM partstrat_partitions(parent) WITH ORDINALITY p WHERE p.is_leaf ORDER BY p.ordinality
$$;
-- indexes of a table, without the table's own name
CREATE FUNCTION index_defs(tab regclass)
RETURNS SETOF text LANGUAGE sql AS $$
  SELECT regexp_replace(pg_get_indexdef(indexrelid), ' ON .* USING ', ' ON … USING ')
  FROM pg_index WHERE indrelid = tab ORDER BY 1
$$;

-- Run a generated script with DEBUG1 messages from its final catalog step
-- on: ATTACH then reports "partition constraint ... is implied by existing
-- constraints" instead of scanning.  (Only a SET is added; the script's own
-- statements are unchanged.)
CREATE FUNCTION debug_attach(script text) RETURNS text LANGUAGE sql AS $$
  SELECT replace(script, E'\n-- 5. catalog',
                 E'\nSET LOCAL client_min_messages = debug1;\n-- 5. catalog')
$$;

\pset format unaligned
\pset tuples_only on

--
-- 1. Range on timestamptz, hostile names, statistics-based split points.
--
CREATE TABLE "Ev ""log"" select" (
    id bigint NOT NULL,
    "at time" timestamptz NOT NULL,
    "user" text,
    payload int CHECK (payload >= 0),
    PRIMARY KEY (id, "at time")
) PARTITION BY RANGE ("at time");
CREATE INDEX "Ev user idx" ON "Ev ""log"" select" ("user");
CREATE TABLE "Ev 2026-01 ünï" PARTITION OF "Ev ""log"" select"
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')
    WITH (fillfactor = 70);
CREATE TABLE "Ev 2026-02" PARTITION OF "Ev ""log"" select"
    FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');
-- an index that exists only on the partition
CREATE INDEX "only on child" ON "Ev 2026-01 ünï" (payload) WHERE payload > 10;
-- one owner for the table and its partitions (the script refuses others),
-- who may create the pieces in the schema
ALTER TABLE "Ev ""log"" select" OWNER TO regress_ps_owner;
ALTER TABLE "Ev 2026-01 ünï" OWNER TO regress_ps_owner;
ALTER TABLE "Ev 2026-02" OWNER TO regress_ps_owner;
GRANT USAGE, CREATE ON SCHEMA "ddl split ü" TO regress_ps_owner;
GRANT SELECT, INSERT ON "Ev 2026-01 ünï" TO "regress_ps reader";
GRANT UPDATE ("user") ON "Ev 2026-01 ünï" TO "regress_ps reader";
-- 20,000 rows in January, twice as dense in its second half
INSERT INTO "Ev ""log"" select"
SELECT g, '2026-01-01 00:00:00+00'::timestamptz + (g % 14880) * interval '3 minutes',
       'u' || (g % 7), g % 100
FROM generate_series(1, 20000) g;
INSERT INTO "Ev ""log"" select" VALUES (0, '2026-02-10 00:00:00+00', 'feb', 1);
ANALYZE "Ev 2026-01 ünï";

SELECT partstrat_ddl_split('"Ev 2026-01 ünï"');
-- executed as generated
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('"Ev 2026-01 ünï"')) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('"Ev ""log"" select"');
SELECT count(*), count(DISTINCT id), sum(payload) FROM "Ev ""log"" select";
SELECT index_defs('"Ev 2026-01 ünï_1"');
SELECT index_defs('"Ev 2026-01 ünï_2"');
-- every new index is attached to the parent's index where there is one
SELECT c.relname, i.inhparent::regclass
FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
WHERE c.relname LIKE 'Ev 2026-01 ünï%' AND c.relkind = 'i' ORDER BY 1;
-- (relacl without "m", MAINTAIN, a privilege from PostgreSQL 17 on: the same output on every version)
SELECT relname, relowner::regrole, replace(relacl::text, 'm/', '/') AS relacl, reloptions FROM pg_class
WHERE relname LIKE 'Ev 2026-01 ünï%' AND relkind = 'r' ORDER BY 1;
SELECT attrelid::regclass, attname, attacl FROM pg_attribute
WHERE attrelid IN ('"Ev 2026-01 ünï_1"'::regclass, '"Ev 2026-01 ünï_2"'::regclass)
  AND attacl IS NOT NULL ORDER BY 1, 2;
-- the CHECK constraints used for ATTACH are gone; the table's own CHECK stays
-- (NOT NULL constraints, contype 'n', are rows of pg_constraint from PostgreSQL 18 on: left out, the same output on every version)
SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid IN ('"Ev 2026-01 ünï_1"'::regclass, '"Ev 2026-01 ünï_2"'::regclass) AND contype <> 'n'
ORDER BY 1, 2;

--
-- 2. The same split means the same in any session: the text does not
--    depend on TimeZone or DateStyle.
--
CREATE TABLE tz (t timestamptz NOT NULL) PARTITION BY RANGE (t);
CREATE TABLE tz_1 PARTITION OF tz FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
INSERT INTO tz SELECT '2026-03-01 00:00:00+00'::timestamptz + g * interval '1 hour' FROM generate_series(0, 743) g;
ANALYZE tz_1;
CREATE TEMP TABLE scripts AS SELECT 1 AS n, partstrat_ddl_split('tz_1', 4) AS s;
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
INSERT INTO scripts SELECT 2, partstrat_ddl_split('tz_1', 4);
RESET TimeZone;
RESET DateStyle;
SELECT count(DISTINCT s) FROM scripts;
SELECT s FROM scripts WHERE n = 1;
-- a partition whose bounds are at midnight in Los Angeles: rounded there
CREATE TABLE la (t timestamptz NOT NULL) PARTITION BY RANGE (t);
CREATE TABLE la_1 PARTITION OF la FOR VALUES FROM ('2026-01-01 00:00:00-08') TO ('2026-01-08 00:00:00-08');
INSERT INTO la SELECT '2026-01-01 00:00:00-08'::timestamptz + g * interval '1 minute' FROM generate_series(0, 10079) g;
ANALYZE la_1;
SELECT split_part(partstrat_ddl_split('la_1'), 'Locks,', 1);

--
-- 3. Integer key, exact quantiles, rounded to a round step; ATTACH does
--    not scan (DEBUG1 shows "implied by existing constraints").
--
CREATE TABLE nums (k int NOT NULL, v int) PARTITION BY RANGE (k);
CREATE TABLE nums_a PARTITION OF nums FOR VALUES FROM (0) TO (100000);
CREATE TABLE nums_b PARTITION OF nums FOR VALUES FROM (100000) TO (200000);
CREATE INDEX ON nums (v);
INSERT INTO nums SELECT (g * 7919) % 100000, g FROM generate_series(1, 30000) g;
SELECT script_shape(partstrat_ddl_split('nums_a', 3, exact => true));
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('nums_a', 3, exact => true)) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('nums');
SELECT count(*), sum(k), sum(v) FROM nums;

--
-- 4. Explicit boundaries (read in the caller's TimeZone), and a
--    low-cardinality date key (MCVs, no histogram).
--
CREATE TABLE days (d date NOT NULL, n int) PARTITION BY RANGE (d);
CREATE TABLE days_2026 PARTITION OF days FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO days SELECT '2026-01-01'::date + (g % 30), g FROM generate_series(1, 3000) g;
ANALYZE days_2026;
SELECT s FROM (SELECT partstrat_ddl_split('days_2026', 2) AS s) x \gset
SELECT split_part(:'s', 'Locks,', 1);
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('days_2026', boundaries => ARRAY['2026-01-10', '2026-01-20']) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('days');
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('tz_1', boundaries => ARRAY['2026-03-10']) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('tz');

--
-- 5. Multi-column key (split on the first column) and an expression key.
--
CREATE TABLE mc (a int NOT NULL, b int NOT NULL) PARTITION BY RANGE (a, b);
CREATE TABLE mc_1 PARTITION OF mc FOR VALUES FROM (0, 0) TO (100, 0);
CREATE TABLE mc_2 PARTITION OF mc FOR VALUES FROM (100, 0) TO (200, 0);
INSERT INTO mc SELECT g % 100, g FROM generate_series(0, 999) g;
ANALYZE mc_1;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('mc_1') \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('mc');
CREATE TABLE ex (s text NOT NULL) PARTITION BY RANGE (lower(s));
CREATE TABLE ex_1 PARTITION OF ex FOR VALUES FROM ('a') TO ('n');
INSERT INTO ex SELECT chr(65 + g % 13) || g FROM generate_series(1, 1300) g;
SELECT split_part(partstrat_ddl_split('ex_1', exact => true), '-- 2. ', 2);
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('ex_1', exact => true)) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('ex');

-- Unbounded ends (MINVALUE, MAXVALUE) and a numeric key.
CREATE TABLE nb (x numeric NOT NULL) PARTITION BY RANGE (x);
CREATE TABLE nb_low PARTITION OF nb FOR VALUES FROM (MINVALUE) TO (0);
CREATE TABLE nb_high PARTITION OF nb FOR VALUES FROM (0) TO (MAXVALUE);
INSERT INTO nb SELECT (g - 500) * 1.5 FROM generate_series(0, 999) g;
ANALYZE nb;
SELECT split_part(partstrat_ddl_split('nb_low', 2), 'Locks,', 1);
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('nb_high', 3) \gexec
\o
\set ECHO all
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('nb_low', 2) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('nb');

-- An open end that is a value, -infinity, or MINVALUE to 'infinity': the
-- split points round to months at UTC midnight as a finite partition's do
-- (not in a "time zone" read off the infinite bound's time of day).  Rows
-- at -infinity count in the first piece.
CREATE TABLE inf (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
CREATE TABLE inf_old PARTITION OF inf
    FOR VALUES FROM ('-infinity') TO ('2026-01-01 00:00:00+00');
CREATE TABLE inf_2026_01 PARTITION OF inf
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
INSERT INTO inf SELECT '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', g
FROM generate_series(0, 7999) g;
INSERT INTO inf SELECT '-infinity', g FROM generate_series(1, 40) g;
ANALYZE inf_old;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('inf_old', 4) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('inf');
CREATE TABLE inf_all (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE inf_all_1 PARTITION OF inf_all FOR VALUES FROM (MINVALUE) TO ('infinity');
INSERT INTO inf_all SELECT '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 hour'
FROM generate_series(0, 7999) g;
ANALYZE inf_all_1;
SELECT split_part(split_part(partstrat_ddl_split('inf_all_1', 4), '-- New bounds', 2), '-- Locks', 1);
CREATE TABLE inf_d (d date NOT NULL) PARTITION BY RANGE (d);
CREATE TABLE inf_d_old PARTITION OF inf_d FOR VALUES FROM ('-infinity') TO ('2026-01-01');
INSERT INTO inf_d SELECT date '2020-01-01' + g % 2000 FROM generate_series(0, 7999) g;
INSERT INTO inf_d SELECT '-infinity' FROM generate_series(1, 2000) g;
ANALYZE inf_d_old;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('inf_d_old', 4) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('inf_d');

-- A float key over a range narrower than 1: the quantile is searched down
-- to the double, not to half a unit (the median of 0.334 .. 0.999, not 0.75).
CREATE TABLE fk (x float8 NOT NULL) PARTITION BY RANGE (x);
CREATE TABLE fk_1 PARTITION OF fk FOR VALUES FROM (0) TO (1.0 / 3);
CREATE TABLE fk_2 PARTITION OF fk FOR VALUES FROM (1.0 / 3) TO (1);
INSERT INTO fk SELECT g / 1000.0 FROM generate_series(0, 999) g;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('fk_2', 2, exact => true) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('fk');

-- A dropped column, a generated column, a default, and a partition whose
-- columns are in another order than its parent's.
CREATE TABLE gen (k int NOT NULL, drop_me int, v int DEFAULT 7,
                  w int GENERATED ALWAYS AS (v * 2) STORED) PARTITION BY RANGE (k);
CREATE TABLE gen_1 PARTITION OF gen FOR VALUES FROM (0) TO (100);
ALTER TABLE gen DROP COLUMN drop_me;
CREATE TABLE gen_2 (v int DEFAULT 7, k int NOT NULL, w int GENERATED ALWAYS AS (v * 2) STORED);
ALTER TABLE gen ATTACH PARTITION gen_2 FOR VALUES FROM (100) TO (200);
INSERT INTO gen (k, v) SELECT g, g % 13 FROM generate_series(0, 199) g;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('gen_1', boundaries => ARRAY['50']) \gexec
\o
\set ECHO all
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('gen_2', boundaries => ARRAY['150']) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('gen');
SELECT count(*), sum(k), sum(v), sum(w), bool_and(w = v * 2) FROM gen;
INSERT INTO gen (k) VALUES (160) RETURNING tableoid::regclass, *;

--
-- 6. Hash: remainder r of modulus m becomes r and r + m of modulus 2m.
--
CREATE TABLE h (id int NOT NULL PRIMARY KEY, t int) PARTITION BY HASH (id);
CREATE TABLE h_0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE h_1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO h SELECT g, -g FROM generate_series(1, 10000) g;
SELECT script_shape(partstrat_ddl_split('h_0'));
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('h_0')) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('h');
SELECT count(*), sum(id) FROM h;
-- modulus 2 next to moduli 4: 3 pieces (modulus 6) is refused
SELECT script_shape(partstrat_ddl_split('h_1', 3));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_split('h_1', boundaries => ARRAY['1']));
\echo :LAST_ERROR_SQLSTATE

--
-- 7. List: groups of values balanced by row counts.
--
CREATE TABLE l (c text, n int) PARTITION BY LIST (c);
CREATE TABLE l_1 PARTITION OF l FOR VALUES IN ('a', 'b', 'c', 'd', 'e', NULL);
CREATE TABLE l_2 PARTITION OF l FOR VALUES IN ('z');
INSERT INTO l SELECT (ARRAY['a', 'b', 'b', 'c', 'c', 'c', 'd', 'e', NULL, 'z'])[1 + g % 10], g
FROM generate_series(0, 9999) g;
ANALYZE l_1;
SELECT split_part(partstrat_ddl_split('l_1', 2), 'Locks,', 1);
SELECT split_part(partstrat_ddl_split('l_1', 3, exact => true), 'Locks,', 1);
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('l_1', 3, exact => true)) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('l');

--
-- 8. Names at NAMEDATALEN: a 63-byte partition name gets a hash suffix.
--
CREATE TABLE "long parent" (k int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE "ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿx" PARTITION OF "long parent" FOR VALUES FROM (0) TO (1000);
-- a name already taken: dup_1 exists, so the first piece is not called that
CREATE TABLE dup PARTITION OF "long parent" FOR VALUES FROM (1000) TO (2000);
CREATE TABLE dup_1 (taken int);
INSERT INTO "long parent" SELECT g FROM generate_series(0, 1999) g;
ANALYZE "ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿx", dup;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('"ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿx"', 3) \gexec
\o
\set ECHO all
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_split('dup') \gexec
\o
\set ECHO all
SELECT r.partition, octet_length(c.relname), r.n
FROM rows_per_partition('"long parent"') r JOIN pg_class c ON c.oid = r.partition;

--
-- 9. Sub-partitions: a leaf under a sub-partitioned partition is split
--    within its own parent; the sub-partitioned partition itself is split
--    into pieces that are partitioned the same way.
--
CREATE TABLE st (a int NOT NULL, b int NOT NULL, c text NOT NULL, PRIMARY KEY (a, b, c)) PARTITION BY RANGE (a);
CREATE INDEX st_c ON st (c);
CREATE TABLE st_1 PARTITION OF st FOR VALUES FROM (0) TO (10) PARTITION BY LIST (b);
CREATE TABLE st_1_x PARTITION OF st_1 FOR VALUES IN (1, 2, 3, 4);
CREATE TABLE st_1_y PARTITION OF st_1 FOR VALUES IN (5, 6);
CREATE TABLE st_2 PARTITION OF st FOR VALUES FROM (10) TO (20);
GRANT SELECT ON st_1 TO "regress_ps reader";
INSERT INTO st SELECT g % 20, 1 + (g / 20) % 6, 'c' || g FROM generate_series(0, 599) g;
SELECT split_part(partstrat_ddl_split('st_1_x', exact => true), E'\nBEGIN;', 1);
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('st_1_x', exact => true)) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('st');
INSERT INTO st VALUES (5, 3, 'new') RETURNING tableoid::regclass;
-- the sub-partitioned partition (statistics of a partitioned table come
-- from ANALYZE of the table itself)
ANALYZE st_1;
SELECT script_shape(partstrat_ddl_split('st_1'));
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_split('st_1')) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('st');
SELECT count(*), sum(a), sum(b) FROM st;
SELECT i.indrelid::regclass, regexp_replace(pg_get_indexdef(i.indexrelid), ' ON .* USING ', ' ON … USING '),
       h.inhparent::regclass
FROM pg_index i LEFT JOIN pg_inherits h ON h.inhrelid = i.indexrelid
WHERE i.indrelid::regclass::text LIKE 'st\_1\__%' ORDER BY 1, 2;
-- (relacl without "m", MAINTAIN, a privilege from PostgreSQL 17 on: the same output on every version)
SELECT relname, relkind, replace(relacl::text, 'm/', '/') AS relacl FROM pg_class WHERE relname IN ('st_1_1', 'st_1_2') ORDER BY 1;

--
-- 10. Bad input: an ERROR with a SQLSTATE and a hint.
--
\pset tuples_only off
-- the partitioned table itself
SELECT script_shape(partstrat_ddl_split('"Ev ""log"" select"'));
\echo :LAST_ERROR_SQLSTATE
-- a plain table
CREATE TABLE plain (k int);
SELECT script_shape(partstrat_ddl_split('plain'));
\echo :LAST_ERROR_SQLSTATE
-- the DEFAULT partition
CREATE TABLE nums_def PARTITION OF nums DEFAULT;
SELECT script_shape(partstrat_ddl_split('nums_def'));
\echo :LAST_ERROR_SQLSTATE
-- a sub-partitioned partition
CREATE TABLE sub (a int NOT NULL, b int NOT NULL) PARTITION BY RANGE (a);
CREATE TABLE sub_1 PARTITION OF sub FOR VALUES FROM (0) TO (10) PARTITION BY LIST (b);
CREATE TABLE sub_1_d PARTITION OF sub_1 DEFAULT;
SELECT script_shape(partstrat_ddl_split('sub_1'));
\echo :LAST_ERROR_SQLSTATE
-- too few pieces, NULL pieces
SELECT script_shape(partstrat_ddl_split('nums_b', 1));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_split('nums_b', NULL));
\echo :LAST_ERROR_SQLSTATE
-- never analyzed
SELECT script_shape(partstrat_ddl_split('nums_b'));
\echo :LAST_ERROR_SQLSTATE
-- empty, exact
SELECT script_shape(partstrat_ddl_split('nums_b', exact => true));
\echo :LAST_ERROR_SQLSTATE
-- boundaries outside the range, on its edge, not increasing, NULL
SELECT script_shape(partstrat_ddl_split('nums_b', boundaries => ARRAY['250000']));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_split('nums_b', boundaries => ARRAY['100000']));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_split('nums_b', boundaries => ARRAY['150000', '120000']));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_split('nums_b', boundaries => ARRAY[NULL]));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_split('nums_b', boundaries => ARRAY['not a number']));
\echo :LAST_ERROR_SQLSTATE
-- list: more pieces than values
SELECT script_shape(partstrat_ddl_split('l_2', 2));
\echo :LAST_ERROR_SQLSTATE
-- bad lock_timeout
SELECT script_shape(partstrat_ddl_split('nums_b', exact => true, lock_timeout => '-1s'));
\echo :LAST_ERROR_SQLSTATE
-- a key with too few distinct values for the pieces
CREATE TABLE few (k int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE few_1 PARTITION OF few FOR VALUES FROM (0) TO (10);
INSERT INTO few SELECT 5 FROM generate_series(1, 100);
ANALYZE few_1;
SELECT script_shape(partstrat_ddl_split('few_1', 3));
\echo :LAST_ERROR_SQLSTATE
-- NULL partition: NULL
SELECT partstrat_ddl_split(NULL) IS NULL AS is_null;
-- the GUC
SHOW partstrat.lock_timeout;
SET partstrat.lock_timeout = '2s';
SELECT substring(partstrat_ddl_split('few_1', boundaries => ARRAY['5']) FROM 'SET LOCAL lock_timeout = [^;]*');
SELECT substring(partstrat_ddl_split('few_1', boundaries => ARRAY['5'], lock_timeout => '150ms') FROM 'SET LOCAL lock_timeout = [^;]*');
RESET partstrat.lock_timeout;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA "ddl split ü" CASCADE;
RESET client_min_messages;
DROP ROLE regress_ps_owner;
DROP ROLE "regress_ps reader";
ALTER EVENT TRIGGER partstrat_on_sql_drop ENABLE;
