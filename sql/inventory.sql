--
-- inventory: partstrat_partitions() and partstrat_summary() on every kind of
-- partition tree.  Sizes are checked against PostgreSQL's own size functions.
--
SET client_min_messages = notice;

-- sizes must equal what pg_*_size report for the same relation
CREATE FUNCTION sizes_ok(t regclass) RETURNS boolean LANGUAGE sql AS $$
  SELECT bool_and(p.total_bytes = pg_total_relation_size(p.partition)
              AND p.index_bytes = pg_indexes_size(p.partition)
              AND p.heap_bytes + p.toast_bytes = pg_table_size(p.partition)
              AND p.heap_bytes >= pg_relation_size(p.partition))
  FROM partstrat_partitions(t) p WHERE p.is_leaf AND p.relkind = 'r'
$$;

------------------------------------------------------------------------
-- range by timestamptz, daily, with a DEFAULT holding rows
------------------------------------------------------------------------
CREATE TABLE events (id bigint, ts timestamptz NOT NULL, payload text)
  PARTITION BY RANGE (ts);
CREATE TABLE events_20260101 PARTITION OF events
  FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-01-02 00:00:00+00');
CREATE TABLE events_20260102 PARTITION OF events
  FOR VALUES FROM ('2026-01-02 00:00:00+00') TO ('2026-01-03 00:00:00+00');
CREATE TABLE events_20260103 PARTITION OF events
  FOR VALUES FROM ('2026-01-03 00:00:00+00') TO ('2026-01-04 00:00:00+00');
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE INDEX ON events (id);
INSERT INTO events
SELECT g, '2026-01-01 00:00:00+00'::timestamptz + (g % 48) * interval '1 hour', 'x'
FROM generate_series(1, 4800) g;          -- 2400 rows on each of two days
INSERT INTO events
SELECT g, '2026-02-01 00:00:00+00'::timestamptz + g * interval '1 minute', 'late'
FROM generate_series(1, 300) g;           -- 300 rows in DEFAULT
-- flush this session's counters first: ANALYZE resets mods_since_analyze,
-- and counters flushed after it would count the load as modifications
SELECT pg_stat_force_next_flush();
ANALYZE events;

SELECT partition, parent, level, is_leaf, strategy, partition_key, bound,
       is_default, range_from, range_to, est_rows, rows_source, relkind,
       detach_pending, last_analyze IS NOT NULL AS analyzed
FROM partstrat_partitions('events');
SELECT sizes_ok('events');

-- bounds are the same text in any session setting
CREATE TEMP TABLE b1 AS SELECT partition, range_from, range_to FROM partstrat_partitions('events');
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
SELECT count(*) AS differing FROM (
  SELECT partition, range_from, range_to FROM partstrat_partitions('events')
  EXCEPT SELECT * FROM b1) d;
RESET TimeZone;
RESET DateStyle;

SELECT parent, leaves, levels, strategies, total_rows, empty_leaves,
       default_partitions, default_rows, smallest_leaf, largest_leaf,
       stale_stats_leaves, never_analyzed_leaves, detach_pending,
       foreign_leaves, root
FROM partstrat_summary('events');
SELECT s.total_bytes = (SELECT sum(pg_total_relation_size(relid))
                        FROM pg_partition_tree('events') WHERE isleaf) AS total_ok,
       s.median_bytes = (SELECT floor(percentile_cont(0.5) WITHIN GROUP
                                 (ORDER BY pg_total_relation_size(relid)))
                         FROM pg_partition_tree('events') WHERE isleaf) AS median_ok,
       s.largest_bytes = pg_total_relation_size(s.largest_leaf) AS largest_ok
FROM partstrat_summary('events') s;

-- modifications after ANALYZE make a leaf's statistics stale (> 20 %)
DELETE FROM events_20260101 WHERE id % 2 = 0;
SELECT pg_stat_force_next_flush();
SELECT partition, mods_since_analyze, dead_tuples FROM partstrat_partitions('events')
WHERE partition = 'events_20260101'::regclass;
SELECT stale_stats_leaves, never_analyzed_leaves FROM partstrat_summary('events');

------------------------------------------------------------------------
-- never analyzed: the row estimate falls back, and says so
------------------------------------------------------------------------
CREATE TABLE fresh (k int, v text) PARTITION BY RANGE (k);
CREATE TABLE fresh_empty PARTITION OF fresh FOR VALUES FROM (0) TO (1000);
CREATE TABLE fresh_full PARTITION OF fresh FOR VALUES FROM (1000) TO (2000);
INSERT INTO fresh SELECT g, 'v' FROM generate_series(1000, 1999) g;
SELECT partition, est_rows > 0 AS has_rows, rows_source, last_analyze
FROM partstrat_partitions('fresh');
SELECT pg_stat_force_next_flush();
SELECT partition, est_rows, rows_source FROM partstrat_partitions('fresh');
VACUUM fresh;
SELECT partition, est_rows, rows_source, last_analyze FROM partstrat_partitions('fresh');
SELECT never_analyzed_leaves, empty_leaves FROM partstrat_summary('fresh');

------------------------------------------------------------------------
-- integer range, list with NULL and DEFAULT, hash
------------------------------------------------------------------------
CREATE TABLE ints (k bigint) PARTITION BY RANGE (k);
CREATE TABLE ints_lo PARTITION OF ints FOR VALUES FROM (MINVALUE) TO (0);
CREATE TABLE ints_0 PARTITION OF ints FOR VALUES FROM (0) TO (1000000);
CREATE TABLE ints_hi PARTITION OF ints FOR VALUES FROM (1000000) TO (MAXVALUE);
SELECT partition, bound, range_from, range_to FROM partstrat_partitions('ints');

CREATE TABLE regions (region text, n int) PARTITION BY LIST (region);
CREATE TABLE regions_eu PARTITION OF regions FOR VALUES IN ('fr', 'de', 'it');
CREATE TABLE regions_null PARTITION OF regions FOR VALUES IN (NULL, 'xx');
CREATE TABLE regions_other PARTITION OF regions DEFAULT;
INSERT INTO regions VALUES ('fr', 1), (NULL, 2), ('us', 3), ('us', 4);
ANALYZE regions;
SELECT partition, bound, is_default, list_values, list_values[1] IS NULL AS first_is_null,
       est_rows
FROM partstrat_partitions('regions');
SELECT leaves, strategies, default_rows, empty_leaves FROM partstrat_summary('regions');

CREATE TABLE tenants (tenant int, v int) PARTITION BY HASH (tenant);
CREATE TABLE tenants_0 PARTITION OF tenants FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE tenants_1 PARTITION OF tenants FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE tenants_2 PARTITION OF tenants FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE tenants_3 PARTITION OF tenants FOR VALUES WITH (MODULUS 4, REMAINDER 3);
INSERT INTO tenants SELECT g % 100, g FROM generate_series(1, 1000) g;
ANALYZE tenants;
SELECT p.partition, p.strategy, p.modulus, p.remainder, p.est_rows = c.n AS exact_rows
FROM partstrat_partitions('tenants') p
JOIN (SELECT tableoid::regclass AS t, count(*) AS n FROM tenants GROUP BY 1) c
  ON c.t = p.partition;
SELECT sizes_ok('tenants');

------------------------------------------------------------------------
-- multi-level: range of hash, list of range
------------------------------------------------------------------------
CREATE TABLE metrics (ts date, dev int) PARTITION BY RANGE (ts);
CREATE TABLE metrics_2026_01 PARTITION OF metrics
  FOR VALUES FROM ('2026-01-01') TO ('2026-02-01') PARTITION BY HASH (dev);
CREATE TABLE metrics_2026_01_h0 PARTITION OF metrics_2026_01 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE metrics_2026_01_h1 PARTITION OF metrics_2026_01 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE metrics_2026_02 PARTITION OF metrics
  FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
INSERT INTO metrics SELECT '2026-01-01'::date + g % 40, g FROM generate_series(1, 400) g;
ANALYZE metrics;
SELECT partition, parent, level, is_leaf, strategy, partition_key, range_from,
       range_to, modulus, remainder, est_rows, rows_source
FROM partstrat_partitions('metrics');
SELECT leaves, levels, strategies, total_rows FROM partstrat_summary('metrics');

CREATE TABLE orders (country text, day date, amount int) PARTITION BY LIST (country);
CREATE TABLE orders_fr PARTITION OF orders FOR VALUES IN ('fr') PARTITION BY RANGE (day);
CREATE TABLE orders_fr_2026 PARTITION OF orders_fr FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE orders_fr_2027 PARTITION OF orders_fr FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us');
CREATE TABLE orders_rest PARTITION OF orders DEFAULT PARTITION BY RANGE (day);
CREATE TABLE orders_rest_all PARTITION OF orders_rest FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
INSERT INTO orders VALUES ('fr', '2026-05-01', 1), ('fr', '2027-05-01', 2), ('br', '2026-01-01', 3);
ANALYZE orders;
SELECT partition, parent, level, is_leaf, strategy, bound, list_values, range_from, range_to, est_rows
FROM partstrat_partitions('orders');
SELECT leaves, levels, strategies, default_partitions, default_rows FROM partstrat_summary('orders');

-- a sub-partitioned partition gives its subtree, levels counted from it
SELECT partition, parent, level FROM partstrat_partitions('orders_fr');
SELECT parent, leaves, levels, strategies, root FROM partstrat_summary('orders_fr');

------------------------------------------------------------------------
-- multi-column range with MINVALUE / MAXVALUE; expression keys
------------------------------------------------------------------------
CREATE TABLE grid (a int, b text) PARTITION BY RANGE (a, b);
CREATE TABLE grid_lo PARTITION OF grid FOR VALUES FROM (MINVALUE, MINVALUE) TO (10, 'm');
CREATE TABLE grid_mid PARTITION OF grid FOR VALUES FROM (10, 'm') TO (20, MAXVALUE);
CREATE TABLE grid_hi PARTITION OF grid FOR VALUES FROM (20, MAXVALUE) TO (MAXVALUE, MAXVALUE);
SELECT partition, partition_key, bound, range_from, range_to FROM partstrat_partitions('grid');

CREATE TABLE people (name text) PARTITION BY LIST (lower(name));
CREATE TABLE people_ab PARTITION OF people FOR VALUES IN ('alice', 'bob');
CREATE TABLE people_rest PARTITION OF people DEFAULT;
SELECT partition, partition_key, list_values FROM partstrat_partitions('people');

CREATE TABLE readings (ts timestamp, v float8) PARTITION BY RANGE (date_trunc('day', ts));
CREATE TABLE readings_d1 PARTITION OF readings
  FOR VALUES FROM ('2026-03-01 00:00') TO ('2026-03-02 00:00');
SELECT partition, partition_key, range_from, range_to FROM partstrat_partitions('readings');

------------------------------------------------------------------------
-- no partitions; temporary tables
------------------------------------------------------------------------
CREATE TABLE nothing_yet (k int) PARTITION BY RANGE (k);
SELECT count(*) FROM partstrat_partitions('nothing_yet');
SELECT parent, leaves, levels, strategies, total_rows, total_bytes, smallest_leaf,
       median_bytes, largest_leaf
FROM partstrat_summary('nothing_yet');

CREATE TEMP TABLE scratch (k int, pad text) PARTITION BY RANGE (k);
CREATE TEMP TABLE scratch_1 PARTITION OF scratch FOR VALUES FROM (0) TO (100);
CREATE TEMP TABLE scratch_2 PARTITION OF scratch FOR VALUES FROM (100) TO (200);
INSERT INTO scratch SELECT g, repeat('p', 500) FROM generate_series(0, 199) g;
ANALYZE scratch;
SELECT partition, level, range_from, range_to, est_rows, total_bytes > 0 AS sized
FROM partstrat_partitions('scratch');
SELECT sizes_ok('scratch');

------------------------------------------------------------------------
-- hostile names: spaces, quotes, upper case, unicode, reserved words,
-- 63-byte names
------------------------------------------------------------------------
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."select" ("Key Col" int, "order" text)
  PARTITION BY RANGE ("Key Col");
CREATE TABLE "My Schema"."we""ird part" PARTITION OF "My Schema"."select"
  FOR VALUES FROM (0) TO (10);
CREATE TABLE "My Schema"."événements_été" PARTITION OF "My Schema"."select"
  FOR VALUES FROM (10) TO (20);
CREATE TABLE "My Schema"."abcdefghij_abcdefghij_abcdefghij_abcdefghij_abcdefghij_abcdefgh"
  PARTITION OF "My Schema"."select" FOR VALUES FROM (20) TO (30)
  PARTITION BY LIST ("order");
CREATE TABLE "My Schema"."UPPER" PARTITION OF
  "My Schema"."abcdefghij_abcdefghij_abcdefghij_abcdefghij_abcdefghij_abcdefgh"
  FOR VALUES IN ('it''s', 'a "b"', '');
SELECT partition, parent, level, partition_key, bound, range_from, list_values
FROM partstrat_partitions('"My Schema"."select"');
SELECT length(relname) FROM pg_class WHERE relname LIKE 'abcdefghij%';
SELECT leaves, levels, strategies FROM partstrat_summary('"My Schema"."select"');

------------------------------------------------------------------------
-- foreign-table partitions are listed, flagged, not sized
------------------------------------------------------------------------
CREATE FOREIGN DATA WRAPPER ps_dummy_fdw;
CREATE SERVER ps_dummy_srv FOREIGN DATA WRAPPER ps_dummy_fdw;
CREATE TABLE mixed (k int) PARTITION BY RANGE (k);
CREATE TABLE mixed_local PARTITION OF mixed FOR VALUES FROM (0) TO (10);
CREATE FOREIGN TABLE mixed_remote PARTITION OF mixed FOR VALUES FROM (10) TO (20)
  SERVER ps_dummy_srv;
SELECT partition, relkind, total_bytes, est_rows, rows_source FROM partstrat_partitions('mixed');
SELECT leaves, foreign_leaves FROM partstrat_summary('mixed');
