--
-- watch_snapshot: snapshots over simulated days (partstrat.reference_time),
-- deltas and counter resets (pg_stat_reset(), a leaf dropped and created
-- again), retention (partstrat.snapshot_keep), hot from snapshot deltas
-- (partstrat.hot_window), metrics and their Prometheus text, and what a
-- role without rights sees.  In a database of its own: the metrics cover
-- every partitioned table, partstrat_snapshot_take() without a parent every
-- one with a maintenance policy.
--
CREATE DATABASE watch_snapshot;
\c watch_snapshot
SET client_min_messages = warning;
CREATE EXTENSION partstrat;
SET TimeZone = 'UTC';

CREATE TABLE ev (id int, ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
DO $$
BEGIN
    FOR d IN 1 .. 7 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF ev FOR VALUES FROM (%L) TO (%L)',
                       'ev_010' || d,
                       '2026-01-01 00:00+00'::timestamptz + (d - 1) * interval '1 day',
                       '2026-01-01 00:00+00'::timestamptz + d * interval '1 day');
    END LOOP;
END $$;
CREATE TABLE ev_default PARTITION OF ev DEFAULT;

-- One day: 100 rows into that day's leaf, counters flushed, ANALYZE, a
-- snapshot at 23:00 of that day.
CREATE FUNCTION load_day(d int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO ev SELECT g, '2026-01-01 00:00+00'::timestamptz
        + (d - 1) * interval '1 day' + g * interval '1 minute', 0
    FROM generate_series(1, 100) g;
    SELECT pg_stat_force_next_flush();
$$;

SELECT load_day(1);
ANALYZE ev;
SET partstrat.reference_time = '2026-01-01 23:00+00';
SELECT partstrat_snapshot_take('ev');
SELECT load_day(2);
ANALYZE ev;
SET partstrat.reference_time = '2026-01-02 23:00+00';
-- without a parent: every parent with a maintenance policy (ev, once it
-- has one)
SELECT partstrat_snapshot_take();
SELECT (partstrat_set_policy('ev', premake => 2)).parent;
SELECT parent, premake, apply FROM partstrat_policies;
SELECT partstrat_snapshot_take();
SELECT load_day(3);
ANALYZE ev;
SET partstrat.reference_time = '2026-01-03 23:00+00';
SELECT partstrat_snapshot_take('ev');

SELECT taken_at, leaf_name, is_default, rows, bytes > 0 AS has_bytes, inserted, updated, deleted
FROM partstrat_snapshots WHERE rows > 0 OR is_default ORDER BY taken_at, leaf_name;

-- deltas: rows and counters between consecutive snapshots of each leaf
SELECT leaf_name, prev_taken_at, taken_at, days, rows_delta, inserted, counters_reset
FROM partstrat_snapshot_deltas
WHERE rows_delta <> 0 OR inserted <> 0 OR counters_reset
ORDER BY taken_at, leaf_name;

-- pg_stat_reset(): every counter starts again from zero.  The deltas
-- across it are unknown (NULL), never negative.
SELECT pg_stat_reset();
SELECT load_day(4);
ANALYZE ev;
SET partstrat.reference_time = '2026-01-04 23:00+00';
SELECT partstrat_snapshot_take('ev');
SELECT leaf_name, rows_delta, inserted, updated, deleted, seq_scans, counters_reset
FROM partstrat_snapshot_deltas
WHERE taken_at = '2026-01-04 23:00+00' AND leaf_name IN ('public.ev_0101', 'public.ev_0104')
ORDER BY leaf_name;
SELECT count(*) AS negative FROM partstrat_snapshot_deltas
WHERE inserted < 0 OR updated < 0 OR deleted < 0 OR seq_scans < 0 OR idx_scans < 0;

-- a leaf dropped and created again with the same name is another series:
-- no delta pairs the old leaf with the new one
DROP TABLE ev_0105;
CREATE TABLE ev_0105 PARTITION OF ev
    FOR VALUES FROM ('2026-01-05 00:00+00') TO ('2026-01-06 00:00+00');
SELECT load_day(5);
ANALYZE ev;
SET partstrat.reference_time = '2026-01-05 23:00+00';
SELECT partstrat_snapshot_take('ev');
SELECT count(DISTINCT leaf) AS leaves_named_ev_0105 FROM partstrat_snapshots
WHERE leaf_name = 'public.ev_0105';
SELECT count(*) AS deltas_of_new_ev_0105 FROM partstrat_snapshot_deltas
WHERE leaf = 'ev_0105'::regclass;
-- the old ev_0105 had no rows; the new one has 100: nowhere a delta of them
SELECT count(*) FROM partstrat_snapshot_deltas
WHERE leaf_name = 'public.ev_0105' AND rows_delta <> 0;

-- retention: snapshots older than partstrat.snapshot_keep go at each take
SET partstrat.snapshot_keep = '3d';
SELECT load_day(6);
ANALYZE ev;
SET partstrat.reference_time = '2026-01-06 23:00+00';
SELECT partstrat_snapshot_take('ev');
SELECT DISTINCT taken_at FROM partstrat_snapshots ORDER BY 1;
RESET partstrat.snapshot_keep;

-- hot from snapshots: since the snapshot of day 6, ev_0101 was updated
-- three times over; ANALYZE then reset every n_mod_since_analyze.  Over a
-- day (a snapshot covers it) ev_0101 is hot; over 10 minutes no snapshot
-- covers the window and the modifications since ANALYZE (none) are used.
UPDATE ev SET v = 1 WHERE ts < '2026-01-02 00:00+00';
UPDATE ev SET v = 2 WHERE ts < '2026-01-02 00:00+00';
UPDATE ev SET v = 3 WHERE ts < '2026-01-02 00:00+00';
SELECT pg_stat_force_next_flush();
ANALYZE ev;
SET partstrat.reference_time = '2026-01-07 23:00+00';
SET partstrat.hot_window = '1d';
SELECT partition, flags, hot_source FROM partstrat_skew('ev') WHERE partition::text IN ('ev_0101', 'ev_0102');
SET partstrat.hot_window = '10min';
SELECT partition, flags, hot_source FROM partstrat_skew('ev') WHERE partition::text IN ('ev_0101', 'ev_0102');
RESET partstrat.hot_window;

-- metrics: one series per parent (and action), never per leaf
SELECT metric, labels,
       CASE metric WHEN 'partstrat_bytes' THEN (value > 0)::int::float8
                   WHEN 'partstrat_leaf_max_to_median' THEN (value >= 1)::int::float8
                   ELSE value END AS value, type
FROM partstrat_metrics_rows('tables') ORDER BY metric, labels::text;
SELECT count(*) FILTER (WHERE help IS NULL OR help = '') AS without_help,
       count(DISTINCT metric) AS metrics
FROM partstrat_metrics_rows('tables');
-- the view is the same rows, and the maintenance ones (none here)
SELECT (SELECT count(*) FROM partstrat_metrics WHERE metric NOT LIKE 'partstrat_maintenance%' AND metric <> 'partstrat_worker_up')
     = (SELECT count(*) FROM partstrat_metrics_rows('tables')) AS same;
SELECT * FROM partstrat_metrics_rows('nonsense');

-- Prometheus text: a table name cannot inject a series
DO $$
BEGIN
    EXECUTE format('CREATE TABLE %I (k int) PARTITION BY LIST (k)',
                   E'x"} 1\npartstrat_leaves{parent="evil\\');
END $$;
SELECT line FROM regexp_split_to_table(partstrat_metrics_prometheus(), E'\n') line
WHERE line LIKE 'partstrat_leaves%' OR line LIKE '# %partstrat_leaves %' ORDER BY line;
SELECT count(*) AS lines_not_a_sample FROM regexp_split_to_table(partstrat_metrics_prometheus(), E'\n') line
WHERE line <> '' AND line !~ '^# (HELP|TYPE) partstrat_[a-z_]+ '
  AND line !~ '^partstrat_[a-z_]+(\{([a-z]+="([^"\\\n]|\\.)*",?)+\})? -?[0-9.e+]+$';

-- partstrat.watch_policies_only: metrics only for parents with a
-- maintenance policy (ev)
SET partstrat.watch_policies_only = on;
SELECT count(*) FROM partstrat_metrics WHERE labels ? 'parent';
SELECT partstrat_snapshot_take();
RESET partstrat.watch_policies_only;

-- a role without rights on ev sees none of its snapshots, forecast or metrics
CREATE ROLE regress_watch_nobody;
CREATE ROLE regress_watch_stats IN ROLE pg_read_all_stats;
SET ROLE regress_watch_nobody;
SELECT count(*) FROM partstrat_snapshots;
SELECT count(*) FROM partstrat_snapshot_deltas;
-- (partstrat_worker_up, one series without labels, is the worker's, not a parent's)
SELECT count(*) FROM partstrat_metrics WHERE metric <> 'partstrat_worker_up';
SELECT partstrat_metrics_prometheus() !~ 'parent=' AS no_parent_series;
SELECT partstrat_snapshot_take();
SELECT partstrat_snapshot_take('ev');
SELECT * FROM partstrat_forecast('ev');
SELECT count(*) FROM partstrat_snapshot;
INSERT INTO partstrat_snapshot (taken_at, parent, parent_name, db_xacts, leaf, leaf_name, is_default)
VALUES (now(), 'ev'::regclass, 'ev', 0, 'ev'::regclass, 'ev', false);
RESET ROLE;
-- pg_read_all_stats (what pg_monitor has) reads them all
SET ROLE regress_watch_stats;
SELECT count(*) > 0 AS sees FROM partstrat_snapshots;
SELECT count(DISTINCT labels->>'parent') AS parents FROM partstrat_metrics;
SET partstrat.reference_time = '2026-01-08 23:00+00';
SELECT partstrat_snapshot_take('ev');
RESET ROLE;

\c contrib_regression
DROP DATABASE watch_snapshot;
DROP ROLE regress_watch_nobody, regress_watch_stats;
