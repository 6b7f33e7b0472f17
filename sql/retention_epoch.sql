--
-- retention_epoch: retention on epoch sets pg_partman does not manage (an
-- integer key holding seconds or milliseconds since 1970, recognised from
-- its bounds as advise_epoch.c does).  The advice gives the partitions
-- whose upper bound is at or below reference time - retention, read in the
-- key's unit, with the cutoff as the integer and as a time, and the script
-- of partstrat_ddl_retention(..., epoch => unit); the scripts are executed
-- and the outcome checked row by row.  A bigint id set gets one row saying
-- why no retention applies, and no NOTICE.
--
\set ECHO none
\i sql/ddl_shape.inc
\set ECHO all
CREATE SCHEMA ps_reten_epoch;
SET search_path = ps_reten_epoch, public;
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET partstrat.reference_time = '2026-03-20 12:00:00+00';

-- every row of a set, per level-1 partition: count and hash (before and after)
CREATE TABLE rows_before (tab text, part text, n bigint, h text);
CREATE FUNCTION all_rows(rel oid) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT r::text FROM %s r', rel::regclass);
END $$;
CREATE FUNCTION part_hashes(parent regclass) RETURNS TABLE (part text, n bigint, h text)
LANGUAGE sql AS $$
  SELECT c.relname::text, count(r.r), coalesce(md5(string_agg(r.r, ',' ORDER BY r.r)), 'empty')
  FROM pg_partition_tree(parent) t JOIN pg_class c ON c.oid = t.relid
  LEFT JOIN LATERAL ps_reten_epoch.all_rows(t.relid) r(r) ON true
  WHERE t.level = 1 GROUP BY c.relname
$$;

------------------------------------------------------------------------
-- seconds, daily partitions from 2026-03-01 to 2026-03-24 (UTC), no
-- DEFAULT; the oldest day is sub-partitioned by hash.  Retention 14 days
-- back from 2026-03-20 12:00: cutoff 2026-03-06 12:00 (1772798400), so
-- 2026-03-01 to 2026-03-05 go (DETACH ... CONCURRENTLY: no DEFAULT).
------------------------------------------------------------------------
CREATE TABLE es (id bigint NOT NULL, t bigint NOT NULL, v text) PARTITION BY RANGE (t);
CREATE TABLE es_20260301 PARTITION OF es FOR VALUES FROM (1772323200) TO (1772409600)
  PARTITION BY HASH (id);
CREATE TABLE es_20260301_h0 PARTITION OF es_20260301 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE es_20260301_h1 PARTITION OF es_20260301 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
SELECT format('CREATE TABLE %I PARTITION OF es FOR VALUES FROM (%s) TO (%s)',
              'es_' || to_char(d, 'YYYYMMDD'), extract(epoch FROM d)::bigint,
              extract(epoch FROM d + interval '1 day')::bigint)
FROM generate_series('2026-03-02 00:00+00'::timestamptz, '2026-03-24 00:00+00', '1 day') d \gexec
-- a row every 10 minutes up to the reference time
INSERT INTO es SELECT g, 1772323200 + g * 600, 'row ' || g FROM generate_series(0, 2808) g;
ANALYZE es;
INSERT INTO rows_before SELECT 'es', * FROM part_hashes('es');

SELECT action, partitions, regexp_replace(reason, ', [0-9]+ [kMG]?B\)', ', (size))') AS reason,
       evidence - 'bytes' - 'sizes' AS evidence, est_lock
FROM partstrat_advise('es', retention => '14 days') WHERE action = 'retention';
-- the advice's script is the generator's, given the unit
SELECT ddl = partstrat_ddl_retention('es', keep => '14 days', concurrently => true,
                                     as_of => '2026-03-20 12:00+00', epoch => 'seconds') AS same_script
FROM partstrat_advise('es', retention => '14 days') WHERE action = 'retention';
SELECT ddl AS script FROM partstrat_advise('es', retention => '14 days') WHERE action = 'retention' \gset
SELECT script_shape(:'script');
\o results/retention_epoch_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/retention_epoch_run.sql
\o
\set ECHO all
-- the old partitions are gone from the parent; no row older than the cutoff left in it
SELECT count(*) AS old_left FROM pg_inherits
WHERE inhparent = 'es'::regclass AND inhrelid::regclass::text < 'es_20260306';
-- 2026-03-06 straddles the cutoff: its rows before 12:00 stay
SELECT count(*) AS rows_kept_before_cutoff, min(t) = 1772755200 AS from_0306 FROM es WHERE t < 1772798400;
-- the partitions no longer under the parent, and the kept ones (19 of 24)
-- with the same rows; the detached ones: standalone, exactly their old rows
SELECT b.part AS gone FROM rows_before b LEFT JOIN part_hashes('es') a USING (part)
WHERE b.tab = 'es' AND a.part IS NULL ORDER BY 1;
SELECT count(*) AS kept_unchanged FROM rows_before b JOIN part_hashes('es') a USING (part, n, h)
WHERE b.tab = 'es';
SELECT c.relname, c.relispartition, c.relkind, b.n, x.n = b.n AND x.h = b.h AS same_rows
FROM rows_before b JOIN pg_class c ON c.relname = b.part AND c.relnamespace = 'ps_reten_epoch'::regnamespace,
     LATERAL (SELECT count(*) AS n, coalesce(md5(string_agg(r, ',' ORDER BY r)), 'empty') AS h FROM all_rows(c.oid) r) x
WHERE b.tab = 'es' AND b.part < 'es_20260306' ORDER BY 1;
SELECT count(*) AS subpartitions_kept FROM pg_inherits WHERE inhparent = 'es_20260301'::regclass;
-- second pass: nothing left to advise for retention
SELECT count(*) AS retention_rows FROM partstrat_advise('es', retention => '14 days') WHERE action = 'retention';

------------------------------------------------------------------------
-- milliseconds, 6-hour partitions from 2026-03-17 to 2026-03-21, a
-- DEFAULT with an old and a future row.  Retention 2 days back from
-- 2026-03-20 12:00: cutoff 2026-03-18 12:00 (1773835200000): six
-- partitions go, the last of them ending exactly at the cutoff; one
-- transaction (plain DETACH: the DEFAULT refuses CONCURRENTLY); the DEFAULT
-- stays.
------------------------------------------------------------------------
CREATE TABLE em (t bigint NOT NULL, payload int) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF em FOR VALUES FROM (%s) TO (%s)',
              'em_' || to_char(h, 'YYYYMMDDHH24'), extract(epoch FROM h)::bigint * 1000,
              extract(epoch FROM h + interval '6 hours')::bigint * 1000)
FROM generate_series('2026-03-17 00:00+00'::timestamptz, '2026-03-20 18:00+00', '6 hours') h \gexec
CREATE TABLE em_default PARTITION OF em DEFAULT;
INSERT INTO em SELECT 1773705600000 + g * 420000, g FROM generate_series(0, 800) g;
INSERT INTO em VALUES (1700000000000, -1), (1900000000000, -2);
ANALYZE em;
INSERT INTO rows_before SELECT 'em', * FROM part_hashes('em');
SELECT action, partitions, regexp_replace(reason, ', [0-9]+ [kMG]?B\)', ', (size))') AS reason,
       evidence - 'bytes' - 'sizes' AS evidence, est_lock
FROM partstrat_advise('em', retention => '2 days') WHERE action = 'retention';
SELECT ddl = partstrat_ddl_retention('em', keep => '2 days', as_of => '2026-03-20 12:00+00',
                                     epoch => 'milliseconds') AS same_script
FROM partstrat_advise('em', retention => '2 days') WHERE action = 'retention';
SELECT ddl AS script FROM partstrat_advise('em', retention => '2 days') WHERE action = 'retention' \gset
SELECT script_shape(:'script');
SELECT regexp_match(:'script', '-- Window: [^\n]*') AS window;
\o results/retention_epoch_run.sql
\qecho :script
\o
\set ECHO errors
\o /dev/null
\i results/retention_epoch_run.sql
\o
\set ECHO all
SELECT partition, range_from, range_to FROM partstrat_partitions('em') ORDER BY partition;
SELECT count(*) AS kept_unchanged FROM rows_before b JOIN part_hashes('em') a USING (part, n, h)
WHERE b.tab = 'em';
SELECT c.relname, c.relispartition, b.n, x.n = b.n AND x.h = b.h AS same_rows,
       x.max_t <= 1773835200000 AS all_before_cutoff
FROM rows_before b JOIN pg_class c ON c.relname = b.part AND c.relnamespace = 'ps_reten_epoch'::regnamespace,
     LATERAL (SELECT count(*) AS n, coalesce(md5(string_agg(r, ',' ORDER BY r)), 'empty') AS h,
                     max(split_part(trim(r, '()'), ',', 1)::bigint) AS max_t
              FROM all_rows(c.oid) r) x
WHERE b.tab = 'em' AND NOT c.relispartition ORDER BY 1;
SELECT count(*) AS retention_rows FROM partstrat_advise('em', retention => '2 days') WHERE action = 'retention';

------------------------------------------------------------------------
-- a bigint id set (bounds that do not read as time): one retention row,
-- no DDL, the reason and the alternative; no NOTICE.  The generator
-- refuses keep on it (22023), and says which unit an epoch set's bounds
-- read as.
------------------------------------------------------------------------
CREATE TABLE ids (id bigint NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE ids_1 PARTITION OF ids FOR VALUES FROM (0) TO (100000);
CREATE TABLE ids_2 PARTITION OF ids FOR VALUES FROM (100000) TO (200000);
INSERT INTO ids SELECT generate_series(1, 150000, 7);
ANALYZE ids;
SELECT action, partitions, ddl IS NULL AS no_ddl, reason, evidence - 'sizes' AS evidence
FROM partstrat_advise('ids', retention => '30 days');
SELECT count(*) AS rows_without_retention FROM partstrat_advise('ids');
SELECT partstrat_ddl_retention('ids', keep => '30 days');
SELECT partstrat_ddl_retention('es', keep => '30 days');
SELECT partstrat_ddl_retention('ids', keep => '30 days', epoch => 'fortnights');
SELECT partstrat_ddl_retention('ids', keep_count => 1, epoch => 'seconds');
CREATE TABLE tz (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE tz_1 PARTITION OF tz FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
SELECT partstrat_ddl_retention('tz', keep => '30 days', epoch => 'seconds');
\set VERBOSITY sqlstate
SELECT partstrat_ddl_retention('ids', keep => '30 days');
SELECT partstrat_ddl_retention('tz', keep => '30 days', epoch => 'seconds');
\set VERBOSITY default
-- keep_count still serves an id set
SELECT script_shape(partstrat_ddl_retention('ids', keep_count => 1));

RESET partstrat.reference_time;
RESET TimeZone;
RESET DateStyle;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_reten_epoch CASCADE;
RESET client_min_messages;
