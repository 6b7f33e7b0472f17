--
-- ddl_merge: partstrat_ddl_merge() generates a script; every script is shown,
-- executed, and its outcome checked row by row.
--
-- partstrat's drop event trigger (maintenance policies) logs EventTriggerInvoke
-- at DEBUG1, which the scripts' DEBUG1 output below would show at each DROP.
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
ALTER EVENT TRIGGER partstrat_on_sql_drop DISABLE;
CREATE ROLE "regress_ps merger";
CREATE SCHEMA "merge ß";
SET search_path = "merge ß", public;

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
CREATE FUNCTION debug_attach(script text) RETURNS text LANGUAGE sql AS $$
  SELECT replace(script, E'\n-- 5. catalog',
                 E'\nSET LOCAL client_min_messages = debug1;\n-- 5. catalog')
$$;

\pset format unaligned
\pset tuples_only on

--
-- 1. Adjacent range partitions, hostile names, passed out of order.
--
CREATE TABLE "Order" ("select" int NOT NULL, "day" date NOT NULL, amount numeric,
                      PRIMARY KEY ("select", "day")) PARTITION BY RANGE ("day");
CREATE INDEX "amount idx" ON "Order" (amount);
CREATE TABLE "Order 01" PARTITION OF "Order" FOR VALUES FROM ('2026-01-01') TO ('2026-01-02');
CREATE TABLE "Order ""02""" PARTITION OF "Order" FOR VALUES FROM ('2026-01-02') TO ('2026-01-03');
CREATE TABLE "Order 03" PARTITION OF "Order" FOR VALUES FROM ('2026-01-03') TO ('2026-01-04');
CREATE TABLE "Order 05" PARTITION OF "Order" FOR VALUES FROM ('2026-01-05') TO ('2026-01-06');
CREATE TABLE "Order default" PARTITION OF "Order" DEFAULT;
ALTER TABLE "Order 01" OWNER TO "regress_ps merger";
GRANT SELECT ON "Order 01" TO PUBLIC;
INSERT INTO "Order" SELECT g, '2026-01-01'::date + g % 5, g / 10.0 FROM generate_series(1, 5000) g;
SELECT * FROM rows_per_partition('"Order"');

-- a partition owned by another role: refused (its code would run as the parent's owner)
SELECT partstrat_ddl_merge(ARRAY['"Order 03"', '"Order 01"', '"Order ""02"""']::regclass[]);
-- one owner for all, who may create in the schema: the merged table is the owner's
ALTER TABLE "Order" OWNER TO "regress_ps merger";
ALTER TABLE "Order ""02""" OWNER TO "regress_ps merger";
ALTER TABLE "Order 03" OWNER TO "regress_ps merger";
ALTER TABLE "Order 05" OWNER TO "regress_ps merger";
ALTER TABLE "Order default" OWNER TO "regress_ps merger";
SELECT script_shape(partstrat_ddl_merge(ARRAY['"Order 03"', '"Order 01"', '"Order ""02"""']::regclass[]));
-- the owner may not create in the schema: refused before any row moves
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_merge(ARRAY['"Order 03"', '"Order 01"', '"Order ""02"""']::regclass[]) \gexec
\o
\set ECHO all
ROLLBACK;
GRANT USAGE, CREATE ON SCHEMA "merge ß" TO "regress_ps merger";
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_merge(ARRAY['"Order 03"', '"Order 01"', '"Order ""02"""']::regclass[])) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('"Order"');
SELECT count(*), sum("select"), sum(amount) FROM "Order";
SELECT regexp_replace(pg_get_indexdef(i.indexrelid), ' ON .* USING ', ' ON … USING '), p.inhparent::regclass
FROM pg_index i LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid
WHERE i.indrelid = '"Order 01_merged"'::regclass ORDER BY 1;
-- (relacl without "m", MAINTAIN, a privilege from PostgreSQL 17 on: the same output on every version)
SELECT relowner::regrole, replace(relacl::text, 'm/', '/') AS relacl FROM pg_class WHERE oid = '"Order 01_merged"'::regclass;
-- the merged range: no gap, no overlap
INSERT INTO "Order" VALUES (-1, '2026-01-02', 0) RETURNING tableoid::regclass;

--
-- 2. List partitions, with the NULL value; DEFAULT elsewhere is untouched.
--
CREATE TABLE region (code text, n int) PARTITION BY LIST (code);
CREATE TABLE region_eu PARTITION OF region FOR VALUES IN ('de', 'fr');
CREATE TABLE region_us PARTITION OF region FOR VALUES IN ('us');
CREATE TABLE region_none PARTITION OF region FOR VALUES IN (NULL, '');
CREATE TABLE region_other PARTITION OF region DEFAULT;
INSERT INTO region SELECT (ARRAY['de', 'fr', 'us', NULL, '', 'jp'])[1 + g % 6], g FROM generate_series(1, 600) g;
SELECT split_part(partstrat_ddl_merge(ARRAY['region_none', 'region_eu']::regclass[], lock_timeout => '1s'), E'\nBEGIN;', 1);
\set ECHO errors
\o /dev/null
SELECT debug_attach(partstrat_ddl_merge(ARRAY['region_none', 'region_eu']::regclass[])) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('region');
SELECT count(*), count(code), sum(n) FROM region;

--
-- 3. Multi-column range: adjacent when the whole bound matches.
--
CREATE TABLE mc (a int NOT NULL, b int NOT NULL) PARTITION BY RANGE (a, b);
CREATE TABLE mc_1 PARTITION OF mc FOR VALUES FROM (0, 0) TO (1, 50);
CREATE TABLE mc_2 PARTITION OF mc FOR VALUES FROM (1, 50) TO (2, MINVALUE);
CREATE TABLE mc_3 PARTITION OF mc FOR VALUES FROM (2, 0) TO (3, 0);
INSERT INTO mc SELECT g % 3, g % 100 FROM generate_series(0, 299) g;
\set ECHO errors
\o /dev/null
SELECT partstrat_ddl_merge(ARRAY['mc_1', 'mc_2']::regclass[]) \gexec
\o
\set ECHO all
SELECT * FROM rows_per_partition('mc');

--
-- 4. Bad input: an ERROR with a SQLSTATE and a hint.
--
\pset tuples_only off
-- not adjacent (a gap: 2026-01-04 is missing)
SELECT script_shape(partstrat_ddl_merge(ARRAY['"Order 01_merged"', '"Order 05"']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- (2, MINVALUE) is not (2, 0)
SELECT script_shape(partstrat_ddl_merge(ARRAY['mc_1_merged', 'mc_3']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- fewer than two
SELECT script_shape(partstrat_ddl_merge(ARRAY['"Order 05"']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_merge(ARRAY[]::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- twice the same
SELECT script_shape(partstrat_ddl_merge(ARRAY['"Order 05"', '"Order 05"']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- different parents
SELECT script_shape(partstrat_ddl_merge(ARRAY['"Order 05"', 'region_us']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- the DEFAULT
SELECT script_shape(partstrat_ddl_merge(ARRAY['region_us', 'region_other']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- the parent itself
SELECT script_shape(partstrat_ddl_merge(ARRAY['region', 'region_us']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_merge(ARRAY['region_us', 'region']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- a NULL element, a two-dimensional array
SELECT script_shape(partstrat_ddl_merge(ARRAY['region_us', NULL]::regclass[]));
\echo :LAST_ERROR_SQLSTATE
SELECT script_shape(partstrat_ddl_merge(ARRAY[['region_us'], ['region_none_merged']]::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- hash partitions
CREATE TABLE h (id int) PARTITION BY HASH (id);
CREATE TABLE h_0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE h_1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);
SELECT script_shape(partstrat_ddl_merge(ARRAY['h_0', 'h_1']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- a sub-partitioned partition
CREATE TABLE sub (a int NOT NULL, b int NOT NULL) PARTITION BY RANGE (a);
CREATE TABLE sub_1 PARTITION OF sub FOR VALUES FROM (0) TO (10) PARTITION BY LIST (b);
CREATE TABLE sub_2 PARTITION OF sub FOR VALUES FROM (10) TO (20);
SELECT script_shape(partstrat_ddl_merge(ARRAY['sub_1', 'sub_2']::regclass[]));
\echo :LAST_ERROR_SQLSTATE
-- bad lock_timeout
SELECT script_shape(partstrat_ddl_merge(ARRAY['h_0', 'h_1']::regclass[], lock_timeout => '0'));
\echo :LAST_ERROR_SQLSTATE
-- NULL: NULL
SELECT partstrat_ddl_merge(NULL) IS NULL AS is_null;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA "merge ß" CASCADE;
RESET client_min_messages;
DROP ROLE "regress_ps merger";
ALTER EVENT TRIGGER partstrat_on_sql_drop ENABLE;
