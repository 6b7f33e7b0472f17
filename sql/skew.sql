--
-- skew: partstrat_skew() and partstrat_skew_summary() on real data.  Every
-- analyzed leaf holds at most 30,000 rows, so ANALYZE counts them exactly.
--
SET client_min_messages = notice;
-- a schema of its own: table names never collide with other tests
CREATE SCHEMA ps_skew;
SET search_path = ps_skew, public;

------------------------------------------------------------------------
-- monthly range with one huge month
------------------------------------------------------------------------
CREATE TABLE sales (id int, ts date NOT NULL, amount int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF sales FOR VALUES FROM (%L) TO (%L)',
              'sales_2026_' || lpad(m::text, 2, '0'),
              to_char(make_date(2026, m, 1), 'YYYY-MM-DD'),
              to_char(make_date(2026, m, 1) + interval '1 month', 'YYYY-MM-DD'))
FROM generate_series(1, 6) m \gexec
INSERT INTO sales SELECT g, make_date(2026, 1 + g % 6, 1) + (g / 6) % 28, g % 100
FROM generate_series(1, 6000) g;                 -- 1000 rows a month
INSERT INTO sales SELECT g, date '2026-03-01' + g % 31, g % 100
FROM generate_series(1, 20000) g;                -- and 20000 more in March
SELECT pg_stat_force_next_flush();
ANALYZE sales;

SELECT partition, parent, level, rows, rows_source, bytes = pg_total_relation_size(partition) AS bytes_ok,
       share, ratio_to_median, robust_z, density, density_unit, expected_share,
       chi2_p, heavy_values, flags
FROM partstrat_skew('sales');
SELECT * FROM partstrat_skew_summary('sales');
-- exact counts agree with ANALYZE's on small leaves
SELECT count(*) AS differing FROM partstrat_skew('sales') e
JOIN partstrat_skew('sales', true) x USING (partition)
WHERE e.rows <> x.rows OR x.rows_source <> 'count';

------------------------------------------------------------------------
-- MAD = 0: every sibling but one holds exactly the median row count.  The
-- robust z of that one is infinite (the others have no spread at all), so
-- the ratio threshold (4) decides, even among 3 or 4 leaves; with a second
-- leaf off the median, the mean absolute deviation gives a finite z.
------------------------------------------------------------------------
CREATE TABLE flat (k int) PARTITION BY RANGE (k);
SELECT format('CREATE TABLE flat_%s PARTITION OF flat FOR VALUES FROM (%s) TO (%s)', i, i * 1000, (i + 1) * 1000)
FROM generate_series(0, 3) i \gexec
INSERT INTO flat SELECT i * 1000 + g FROM generate_series(0, 2) i, generate_series(1, 100) g;
INSERT INTO flat SELECT 3000 + g FROM generate_series(1, 400) g;   -- flat_3: 4x the median
ANALYZE flat;
SELECT partition, rows, ratio_to_median, robust_z, flags FROM partstrat_skew('flat');
-- a second leaf at 4x: MAD still 0, z = 300 / (1.2533 x 120) = 1.99, no flag
CREATE TABLE flat_4 PARTITION OF flat FOR VALUES FROM (4000) TO (5000);
INSERT INTO flat SELECT 4000 + g FROM generate_series(1, 400) g;
ANALYZE flat;
SELECT partition, rows, ratio_to_median, robust_z, flags FROM partstrat_skew('flat');
-- 3 leaves, one at a quarter of the two others: undersized
CREATE TABLE trio (k int) PARTITION BY LIST (k);
CREATE TABLE trio_a PARTITION OF trio FOR VALUES IN (1);
CREATE TABLE trio_b PARTITION OF trio FOR VALUES IN (2);
CREATE TABLE trio_c PARTITION OF trio FOR VALUES IN (3);
INSERT INTO trio SELECT 1 + g % 2 FROM generate_series(1, 800) g;
INSERT INTO trio SELECT 3 FROM generate_series(1, 100) g;
ANALYZE trio;
SELECT partition, rows, ratio_to_median, robust_z, flags FROM partstrat_skew('trio');

------------------------------------------------------------------------
-- hash: uniform, then with a whale tenant
------------------------------------------------------------------------
CREATE TABLE uni (tenant int, id int) PARTITION BY HASH (tenant);
SELECT format('CREATE TABLE uni_%s PARTITION OF uni FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO uni SELECT g % 1000, g FROM generate_series(1, 40000) g;
SELECT pg_stat_force_next_flush();
ANALYZE uni;
-- about 10 % apart from 1/4 at most: no hash_imbalance flag
SELECT partition, rows, share, expected_share, chi2_p, heavy_values, flags FROM partstrat_skew('uni');
SELECT partition, rows, flags, chi2_p < 0.01 AS significant FROM partstrat_skew('uni', true);
SELECT level, strategy, partitions, rows, chi2 IS NULL AS no_chi2_from_estimates, chi2_dof, chi2_p
FROM partstrat_skew_summary('uni');
SELECT level, chi2, chi2_dof, chi2_p < 0.01 AS significant FROM partstrat_skew_summary('uni', true);

CREATE TABLE orders (tenant int, id int, note text) PARTITION BY HASH (tenant);
SELECT format('CREATE TABLE orders_%s PARTITION OF orders FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO orders SELECT g % 1000, g, 'o' FROM generate_series(1, 20000) g;
INSERT INTO orders SELECT 42, g, 'whale' FROM generate_series(1, 20000) g;
SELECT pg_stat_force_next_flush();
ANALYZE orders;
SELECT partition, rows, share, expected_share, chi2_p, heavy_values, flags FROM partstrat_skew('orders');
SELECT partition, rows, flags, chi2_p < 1e-10 AS significant FROM partstrat_skew('orders', true);
SELECT level, strategy, partitions, rows, gini, cv, max_median, default_share,
       round(chi2::numeric) AS chi2, chi2_dof, chi2_p < 1e-10 AS significant
FROM partstrat_skew_summary('orders', true);

------------------------------------------------------------------------
-- daily range: a hole, rows in DEFAULT, a missing index, stale
-- statistics, a hot leaf, an empty leaf
------------------------------------------------------------------------
CREATE TABLE ev (id int, ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF ev FOR VALUES FROM (%L) TO (%L)',
              'ev_' || to_char(d, 'MMDD'), to_char(d, 'YYYY-MM-DD 00:00:00+00'),
              to_char(d + 1, 'YYYY-MM-DD 00:00:00+00'))
FROM generate_series(timestamp '2026-01-01', '2026-01-08', '1 day') AS s(t), LATERAL (SELECT t::date AS d) x
WHERE d <> date '2026-01-05' \gexec
CREATE TABLE ev_default PARTITION OF ev DEFAULT;
-- an index on every leaf but one (created leaf by leaf, not on the parent)
SELECT format('CREATE INDEX ON %I (id)', relname) FROM pg_class
WHERE relname LIKE 'ev\_0%' AND relname <> 'ev_0103' \gexec
INSERT INTO ev SELECT g, timestamptz '2026-01-01 00:00:00+00' + (g % 7) * interval '1 day' + (g % 60) * interval '1 minute', g
FROM generate_series(1, 7000) g
WHERE g % 7 NOT IN (4, 6);                       -- Jan 5 is the hole, Jan 7 stays empty
INSERT INTO ev SELECT g, timestamptz '2026-01-05 12:00:00+00', g FROM generate_series(1, 50) g;  -- into DEFAULT
SELECT pg_stat_force_next_flush();
ANALYZE ev;
-- Jan 8 gets its rows after ANALYZE: its statistics are stale (its rows
-- come from n_live_tup) and it takes most recent writes (hot); ev_0102 gets
-- a few updates (17 % of its rows: neither stale nor hot)
INSERT INTO ev SELECT g, timestamptz '2026-01-08 06:00:00+00', g FROM generate_series(1, 900) g;
UPDATE ev SET v = v + 1 WHERE ts >= '2026-01-02 00:00:00+00' AND ts < '2026-01-02 00:10:00+00';
SELECT pg_stat_force_next_flush();
SELECT partition, rows, share, ratio_to_median, robust_z, density, flags FROM partstrat_skew('ev');
SELECT level, strategy, partitions, rows, default_share FROM partstrat_skew_summary('ev');

------------------------------------------------------------------------
-- list of range: one hot sub-partition, flagged among its own siblings
------------------------------------------------------------------------
CREATE TABLE visits (region text NOT NULL, day date NOT NULL, n int) PARTITION BY LIST (region);
CREATE TABLE visits_eu PARTITION OF visits FOR VALUES IN ('eu') PARTITION BY RANGE (day);
CREATE TABLE visits_us PARTITION OF visits FOR VALUES IN ('us') PARTITION BY RANGE (day);
SELECT format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              'visits_' || r || '_' || m, 'visits_' || r,
              to_char(make_date(2026, m, 1), 'YYYY-MM-DD'),
              to_char(make_date(2026, m, 1) + interval '1 month', 'YYYY-MM-DD'))
FROM unnest(ARRAY['eu', 'us']) r, generate_series(1, 5) m \gexec
INSERT INTO visits SELECT CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END,
       make_date(2026, 1 + (g / 2) % 5, 1 + g % 28), 1
FROM generate_series(1, 5000) g;
INSERT INTO visits SELECT 'eu', date '2026-04-01' + g % 30, 1 FROM generate_series(1, 12000) g;
SELECT pg_stat_force_next_flush();
ANALYZE visits;
SELECT partition, parent, level, rows, ratio_to_median, robust_z, flags FROM partstrat_skew('visits');
SELECT level, strategy, partitions, rows, gini, cv, max_median FROM partstrat_skew_summary('visits');

------------------------------------------------------------------------
-- privileges: pg_read_all_stats without SELECT gets size-based results
------------------------------------------------------------------------
CREATE ROLE ps_stats_reader IN ROLE pg_read_all_stats;
CREATE ROLE ps_stranger;
-- the schema, not the table: names resolve, rows stay unreadable
GRANT USAGE ON SCHEMA ps_skew TO ps_stats_reader, ps_stranger;
SET ROLE ps_stats_reader;
SELECT partition, rows, heavy_values, flags FROM partstrat_skew('orders');
SELECT partition, rows FROM partstrat_skew('orders', true);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ps_stranger;
SELECT partition FROM partstrat_skew('orders');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- with pg_read_all_stats, SELECT on the key column is enough for the heavy values
GRANT pg_read_all_stats TO ps_stranger;
GRANT SELECT (tenant) ON orders TO ps_stranger;
SET ROLE ps_stranger;
SELECT partition, heavy_values FROM partstrat_skew('orders') WHERE heavy_values IS NOT NULL;
RESET ROLE;
REVOKE SELECT (tenant) ON orders FROM ps_stranger;
REVOKE USAGE ON SCHEMA ps_skew FROM ps_stats_reader, ps_stranger;
DROP ROLE ps_stats_reader;
DROP ROLE ps_stranger;

-- bad input
SELECT * FROM partstrat_skew('ev_0101');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_skew(NULL);

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_skew CASCADE;
