--
-- ddl_framing: every generated script pins search_path (pg_catalog,
-- pg_temp) and standard_conforming_strings (on), and everything deparsed
-- into it names what lies outside pg_catalog with its schema.  The scripts
-- are generated in a session whose search_path holds the schema "app" of
-- the user's functions, operator class and type, and run in a session whose
-- search_path puts a schema "evil" first, whose functions, operator class
-- and type of the same names raise an error when called or pick wrong rows;
-- or with standard_conforming_strings off, for list values with a backslash.
-- Every script must run, move every row exactly and never call evil.
--
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
SET client_min_messages = notice;
CREATE SCHEMA app;
CREATE SCHEMA evil;
CREATE SCHEMA fr;

-- the user's functions, operator class and type
-- (PL/pgSQL: an SQL function would be inlined into the key expression)
CREATE FUNCTION app.bucket(k int) RETURNS int IMMUTABLE LANGUAGE plpgsql
    AS $$BEGIN RETURN k / 10; END$$;
CREATE FUNCTION app.norm(t text) RETURNS text IMMUTABLE LANGUAGE plpgsql
    AS $$BEGIN RETURN lower(t); END$$;
CREATE OPERATOR CLASS app.int4_plain_ops FOR TYPE int4 USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 btint4cmp(int4, int4);
CREATE TYPE app.mood AS ENUM ('happy', 'ok', 'sad', 'angry');

-- the same names in "evil": calling them is an error
CREATE FUNCTION evil.bucket(k int) RETURNS int IMMUTABLE LANGUAGE plpgsql
    AS $$BEGIN RAISE EXCEPTION 'evil.bucket(%) was called', k; END$$;
CREATE FUNCTION evil.norm(t text) RETURNS text IMMUTABLE LANGUAGE plpgsql
    AS $$BEGIN RAISE EXCEPTION 'evil.norm(%) was called', t; END$$;
CREATE OPERATOR CLASS evil.int4_plain_ops FOR TYPE int4 USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 btint4cmp(int4, int4);
CREATE TYPE evil.mood AS ENUM ('happy', 'ok', 'sad', 'angry');

-- generation: the session sees app's names unqualified (checks run with
-- search_path = fr, public, where they show qualified)
SET search_path = fr, app, public;

-- a range partition key that is an expression with a user function, an
-- index on a user function and one with a user operator class
CREATE TABLE ev (id int NOT NULL, k int NOT NULL, note text)
    PARTITION BY RANGE (bucket(k));
CREATE TABLE ev_0 PARTITION OF ev FOR VALUES FROM (0) TO (100);
CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM (100) TO (200);
CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM (200) TO (300);
CREATE INDEX ev_norm ON ev (norm(note));
CREATE INDEX ev_id ON ev (id int4_plain_ops);
INSERT INTO ev SELECT g, g, 'Note ' || g FROM generate_series(0, 2999) g;

-- Rows and a checksum of a table, to compare before and after a script.
CREATE FUNCTION fingerprint(t regclass, OUT n bigint, OUT sum bigint)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SELECT count(*), sum(hashtext(x::text)) FROM %s x', t) INTO n, sum;
END $$;
-- Every index of a table's partitions, with the schema of each operator
-- class it uses.
CREATE VIEW ev_indexes AS
SELECT c.relname AS partition, pg_get_indexdef(i.indexrelid) AS def,
       (SELECT string_agg(n.nspname, ',') FROM unnest(i.indclass) oc
        JOIN pg_opclass o ON o.oid = oc JOIN pg_namespace n ON n.oid = o.opcnamespace) AS opclass_schemas
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE i.indrelid IN (SELECT relid FROM pg_partition_tree('ev') WHERE isleaf)
ORDER BY 1, 2;

SELECT * FROM fingerprint('ev');

------------------------------------------------------------------------
-- split (exact quantiles of the expression key)
------------------------------------------------------------------------
SELECT partstrat_ddl_split('ev_0', 2, exact => true) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SHOW search_path;
SET search_path = fr, public;
SELECT tableoid::regclass AS partition, count(*), min(k), max(k) FROM ev GROUP BY 1 ORDER BY 1;
SELECT * FROM fingerprint('ev');
SELECT * FROM ev_indexes WHERE partition LIKE 'ev\_0\_%';
-- the key expression in the split's text is the user's function
SELECT position('app.bucket(k)' IN :'script') > 0 AS qualified_key,
       position(' bucket(k)' IN :'script') = 0 AS no_bare_key,
       position('app.norm(note)' IN :'script') > 0 AS qualified_index,
       position('app.int4_plain_ops' IN :'script') > 0 AS qualified_opclass;

------------------------------------------------------------------------
-- merge of the two pieces back into one
------------------------------------------------------------------------
SET search_path = fr, app, public;
-- (after the split's script the pieces' reltuples are set on 15 and 17 but
-- still -1 on 18: ANALYZE, so that the merge's header reads the same on every
-- version)
ANALYZE fr.ev_0_1, fr.ev_0_2;
SELECT partstrat_ddl_merge(ARRAY['fr.ev_0_1', 'fr.ev_0_2']::regclass[]) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SET search_path = fr, public;
SELECT tableoid::regclass AS partition, count(*), min(k), max(k) FROM ev GROUP BY 1 ORDER BY 1;
SELECT * FROM fingerprint('ev');
SELECT * FROM ev_indexes WHERE partition LIKE 'ev\_0\_%';

------------------------------------------------------------------------
-- premake: one more partition after ev_2, with the same indexes
------------------------------------------------------------------------
SET search_path = fr, app, public;
SELECT partstrat_ddl_premake('ev', 1) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SET search_path = fr, public;
SELECT partition, range_from, range_to FROM partstrat_partitions('ev') ORDER BY range_from;
SELECT * FROM ev_indexes WHERE partition NOT LIKE 'ev\_0%' AND partition NOT IN ('ev_1', 'ev_2');
INSERT INTO ev VALUES (3000, 3000, 'Note 3000');
SELECT tableoid::regclass AS partition, count(*) FROM ev WHERE k >= 3000 GROUP BY 1;

------------------------------------------------------------------------
-- retention with DETACH ... CONCURRENTLY: outside a transaction block,
-- the script gives the session its own settings back at the end
------------------------------------------------------------------------
SET search_path = fr, app, public;
SELECT partstrat_ddl_retention('ev', keep_count => 2, concurrently => true) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
SET standard_conforming_strings = off;
SET lock_timeout = '7s';
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SHOW search_path;
SHOW standard_conforming_strings;
SHOW lock_timeout;
SHOW TimeZone;
RESET standard_conforming_strings;
RESET lock_timeout;
SET search_path = fr, public;
SELECT partition, range_from, range_to FROM partstrat_partitions('ev') ORDER BY range_from;
SELECT relispartition, (SELECT count(*) FROM fr.ev_0_1_merged) AS rows FROM pg_class WHERE oid = 'fr.ev_0_1_merged'::regclass;

------------------------------------------------------------------------
-- rescue of the DEFAULT's rows, and the guard of the DEFAULT
------------------------------------------------------------------------
CREATE TABLE ev_def PARTITION OF ev DEFAULT;
INSERT INTO ev SELECT g, g, 'Note ' || g FROM generate_series(4000, 4049) g;
SELECT * FROM fingerprint('ev');
SET search_path = fr, app, public;
SELECT partstrat_ddl_rescue_default('ev') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SET search_path = fr, public;
SELECT tableoid::regclass AS partition, count(*), min(k), max(k) FROM ev GROUP BY 1 ORDER BY 1;
SELECT * FROM fingerprint('ev');
SET search_path = fr, app, public;
SELECT partstrat_ddl_guard_default('ev') AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SET search_path = fr, public;
-- (NOT NULL constraints, contype 'n', are rows of pg_constraint from PostgreSQL 18 on: left out, the same output on every version)
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ev_def'::regclass AND contype <> 'n';
-- the guard calls app.bucket: a row of a range without a partition is refused
INSERT INTO ev VALUES (9000, 9000, 'x');

------------------------------------------------------------------------
-- a list key of a user type: the values are cast to app.mood, not evil.mood
------------------------------------------------------------------------
SET search_path = fr, app, public;
CREATE TABLE mv (m mood, n int) PARTITION BY LIST (m);
CREATE TABLE mv_1 PARTITION OF mv FOR VALUES IN ('happy', 'ok', 'sad');
CREATE TABLE mv_2 PARTITION OF mv FOR VALUES IN ('angry');
INSERT INTO mv SELECT (ARRAY['happy', 'ok', 'sad', 'angry']::mood[])[1 + g % 4], g FROM generate_series(1, 400) g;
SELECT partstrat_ddl_split('mv_1', 2, exact => true) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SET search_path = fr, public;
SELECT tableoid::regclass AS partition, m, count(*) FROM mv GROUP BY 1, 2 ORDER BY 1, 2;

------------------------------------------------------------------------
-- list values with a backslash, scripts run with
-- standard_conforming_strings off
------------------------------------------------------------------------
SET search_path = fr, app, public;
CREATE TABLE lv (k text, n int) PARTITION BY LIST (k);
CREATE TABLE lv_1 PARTITION OF lv FOR VALUES IN ('a\b', 'c\d', 'e', 'f\');
CREATE TABLE lv_2 PARTITION OF lv FOR VALUES IN ('g');
INSERT INTO lv SELECT (ARRAY['a\b', 'c\d', 'e', 'f\', 'g'])[1 + g % 5], g FROM generate_series(1, 500) g;
SELECT * FROM fingerprint('lv');
SELECT partstrat_ddl_split('lv_1', 2, exact => true) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET standard_conforming_strings = off;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SHOW standard_conforming_strings;
RESET standard_conforming_strings;
SELECT tableoid::regclass AS partition, k, length(k), count(*) FROM lv GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM fingerprint('lv');
SELECT partition, bound FROM partstrat_partitions('lv') ORDER BY 1;
-- and merged back, again with standard_conforming_strings off
SELECT partstrat_ddl_merge(ARRAY['fr.lv_1_1', 'fr.lv_1_2']::regclass[]) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET standard_conforming_strings = off;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
RESET standard_conforming_strings;
SELECT tableoid::regclass AS partition, k, count(*) FROM lv GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM fingerprint('lv');

-- the advice's rescue of a heavy list value with a backslash from the
-- DEFAULT, run with standard_conforming_strings off
CREATE TABLE lr (k text, id int) PARTITION BY LIST (k);
CREATE TABLE lr_a PARTITION OF lr FOR VALUES IN ('a');
CREATE TABLE lr_b PARTITION OF lr FOR VALUES IN ('b');
CREATE TABLE lr_rest PARTITION OF lr DEFAULT;
INSERT INTO lr SELECT (ARRAY['a', 'b'])[1 + g % 2], g FROM generate_series(1, 2000) g;
INSERT INTO lr SELECT 'x\y', g FROM generate_series(1, 900) g;
INSERT INTO lr SELECT 'z' || g % 10, g FROM generate_series(1, 100) g;
ANALYZE lr;
SELECT * FROM fingerprint('lr');
SELECT ddl AS script FROM partstrat_advise('lr') WHERE action = 'rescue_default' \gset
\o results/ddl_framing_run.sql
\qecho :script
\o
SET standard_conforming_strings = off;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
RESET standard_conforming_strings;
SELECT tableoid::regclass AS partition, k = 'x\y' AS heavy, count(*) FROM lr GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM fingerprint('lr');
SELECT partition, bound FROM partstrat_partitions('lr') ORDER BY 1;

------------------------------------------------------------------------
-- bounds in a form that does not depend on the generating session: a
-- float8 bound that needs 16 digits (1/3), split in a session with
-- extra_float_digits = 0, keeps them (or the first piece would overlap its
-- neighbour)
------------------------------------------------------------------------
CREATE TABLE fl (x float8 NOT NULL) PARTITION BY RANGE (x);
CREATE TABLE fl_1 PARTITION OF fl FOR VALUES FROM (0) TO (1.0 / 3);
CREATE TABLE fl_2 PARTITION OF fl FOR VALUES FROM (1.0 / 3) TO (1);
INSERT INTO fl SELECT g / 1000.0 FROM generate_series(0, 999) g;
SET extra_float_digits = 0;
SELECT partstrat_ddl_split('fl_2', boundaries => ARRAY['0.5']) AS script \gset
SELECT script_shape(:'script');
RESET extra_float_digits;
SELECT substring(:'script' FROM 'ATTACH PARTITION [^;]*fl_2_1 [^;]*');
\o results/ddl_framing_run.sql
\qecho :script
\o
\set ECHO none
\i results/ddl_framing_run.sql
\set ECHO all
SELECT tableoid::regclass AS partition, count(*) FROM fl GROUP BY 1 ORDER BY 1;
SELECT partition, range_from, range_to FROM partstrat_partitions('fl') ORDER BY range_from;

-- the same for an interval bound generated with IntervalStyle
-- sql_standard, whose "-1 2:00:00" reads back as -1 day +2 hours elsewhere
CREATE TABLE iv (d interval NOT NULL) PARTITION BY RANGE (d);
CREATE TABLE iv_1 PARTITION OF iv FOR VALUES FROM ('-3 days') TO ('-1 day -02:00:00');
CREATE TABLE iv_2 PARTITION OF iv FOR VALUES FROM ('-1 day -02:00:00') TO ('1 day');
INSERT INTO iv SELECT g * interval '1 minute' - interval '2 days' FROM generate_series(0, 3000) g;
SET IntervalStyle = sql_standard;
SELECT partstrat_ddl_split('iv_2', boundaries => ARRAY['0']) AS script \gset
SELECT script_shape(:'script');
RESET IntervalStyle;
SELECT substring(:'script' FROM 'ATTACH PARTITION [^;]*iv_2_1 [^;]*');
\o results/ddl_framing_run.sql
\qecho :script
\o
\set ECHO none
\i results/ddl_framing_run.sql
\set ECHO all
SELECT tableoid::regclass AS partition, count(*) FROM iv GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- the add_index advice: the index its siblings have, on a user function
-- and with a user operator class, built under evil's search_path
------------------------------------------------------------------------
SET search_path = fr, app, public;
CREATE TABLE ai (id int, k int NOT NULL, note text) PARTITION BY RANGE (k);
CREATE TABLE ai_0 PARTITION OF ai FOR VALUES FROM (0) TO (100);
CREATE TABLE ai_1 PARTITION OF ai FOR VALUES FROM (100) TO (200);
CREATE TABLE ai_2 PARTITION OF ai FOR VALUES FROM (200) TO (300);
CREATE INDEX ON ai_0 (norm(note), id int4_plain_ops);
CREATE INDEX ON ai_1 (norm(note), id int4_plain_ops);
INSERT INTO ai SELECT g, g % 300, 'Note ' || g FROM generate_series(1, 3000) g;
ANALYZE ai;
-- a small target: layout advice is for tables above a quarter of it
SELECT ddl AS script FROM partstrat_advise('ai', 65536) WHERE action = 'add_index' \gset
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO errors
\o /dev/null
\i results/ddl_framing_run.sql
\o
\set ECHO all
SET search_path = fr, public;
SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE i.indrelid = 'ai_2'::regclass;
SELECT action FROM partstrat_advise('ai', 65536) WHERE action = 'add_index';

------------------------------------------------------------------------
-- a temporary table, with an index on a user function: the scripts name
-- it by its pg_temp_N schema (not shown: N varies), pg_get_indexdef by
-- "pg_temp"
------------------------------------------------------------------------
SET search_path = fr, app, public;
CREATE TEMP TABLE tt (k int NOT NULL, note text) PARTITION BY RANGE (k);
CREATE TEMP TABLE tt_0 PARTITION OF tt FOR VALUES FROM (0) TO (1000);
CREATE INDEX tt_norm ON tt (norm(note));
INSERT INTO tt SELECT g, 'Note ' || g FROM generate_series(0, 999) g;
SELECT partstrat_ddl_split('tt_0', 2, exact => true) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO none
\i results/ddl_framing_run.sql
\set ECHO all
SET search_path = fr, app, public;
SELECT partstrat_ddl_premake('tt', 1) AS script \gset
SELECT script_shape(:'script');
\o results/ddl_framing_run.sql
\qecho :script
\o
SET search_path = evil, public;
\set ECHO none
\i results/ddl_framing_run.sql
\set ECHO all
SET search_path = fr, public;
SELECT tableoid::regclass AS partition, count(*) FROM tt GROUP BY 1 ORDER BY 1;
SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE i.indrelid IN (SELECT relid FROM pg_partition_tree('tt') WHERE isleaf) ORDER BY 1;
DROP TABLE tt;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA fr CASCADE;
DROP SCHEMA evil CASCADE;
DROP SCHEMA app CASCADE;
RESET client_min_messages;
