--
-- watch_forecast: partstrat_forecast() on steady, accelerating and bursty
-- growth.  The snapshots are written straight into partstrat_snapshot (as
-- the superuser) for real tables, one per day at 06:00 UTC from 2026-01-01
-- to 2026-01-11; "now" is partstrat.reference_time.  Every expected date
-- follows from the median of the last 7 daily deltas.
--
SET partstrat.reference_time = '2026-01-11 12:00+00';
SET partstrat.target_bytes = '100MB';

CREATE FUNCTION fc_make(t text, with_default boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE %I (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts)', t);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', t || '_2026_01', t, '2026-01-01 00:00+00', '2026-02-01 00:00+00');
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', t || '_2026_02', t, '2026-02-01 00:00+00', '2026-03-01 00:00+00');
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', t || '_2026_03', t, '2026-03-01 00:00+00', '2026-04-01 00:00+00');
    IF with_default THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_default', t);
    END IF;
END $$;

-- daily growth of the January leaf in MB on day d (1 .. 11); the other
-- leaves stay empty
CREATE FUNCTION fc_snapshots(t text, growth_mb float8[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO partstrat_snapshot (taken_at, parent, parent_name, stats_reset,
        db_xacts, leaf, leaf_name, is_default, rows, bytes, inserted, updated,
        deleted, seq_scans, idx_scans)
    SELECT '2026-01-01 06:00+00'::timestamptz + (d - 1) * interval '1 day',
           t::regclass, t, NULL, 1000 * d, p.partition, p.partition::text,
           p.is_default,
           CASE WHEN p.partition::text LIKE '%_2026_01'
                THEN (SELECT sum(g) * 1000 FROM unnest(growth_mb[1:d]) g)::bigint ELSE 0 END,
           CASE WHEN p.partition::text LIKE '%_2026_01'
                THEN (SELECT sum(g) * 1048576 FROM unnest(growth_mb[1:d]) g)::bigint ELSE 0 END,
           0, 0, 0, 0, 0
    FROM generate_series(1, 11) d, partstrat_partitions(t::regclass) p
$$;

-- steady: 10 MB a day.  100 MB target reached in 10 days (the leaf is empty
-- now: sizes are today's); 20.5 days to the end of January: 205 MB, over
-- twice the target.  March ends on 2026-04-01: 79.5 days of premade
-- partitions, premake ceil(90 / 31) = 3.
SELECT fc_make('steady', true);
SELECT fc_snapshots('steady', array_fill(10::float8, ARRAY[11]));
SELECT partition, daily_snapshots, rows_per_day, bytes_per_day / 1048576 AS mb_per_day,
       days_to_target, target_at, range_closes_at, bytes_at_close / 1048576 AS mb_at_close,
       premade_until, premade_days_left, premake, default_from,
       bytes_at_horizon / 1048576 AS mb_at_horizon
FROM partstrat_forecast('steady');
SELECT summary FROM partstrat_forecast('steady');
-- partstrat_advise uses the forecast: the January leaf is empty now but
-- will hold 205 MB when its range closes: split into 3 equal stretches of
-- time now.  The script runs and leaves the three pieces.
SELECT action, partitions, reason, evidence->>'bytes_at_close' AS bytes_at_close
FROM partstrat_advise('steady') WHERE action = 'split';
SELECT ddl AS split_ddl FROM partstrat_advise('steady') WHERE action = 'split' \gset
SET client_min_messages = warning;
\o /dev/null
:split_ddl
\o
RESET client_min_messages;
SELECT partition, bound FROM partstrat_partitions('steady') ORDER BY range_from NULLS LAST;

-- accelerating: day d grows d MB.  The median of the last 7 daily deltas
-- (5 .. 11 MB) is 8 MB/day: 12.5 days to the target.
SELECT fc_make('accel', false);
SELECT fc_snapshots('accel', ARRAY[1,2,3,4,5,6,7,8,9,10,11]::float8[]);
SELECT partition, bytes_per_day / 1048576 AS mb_per_day, days_to_target, target_at,
       premade_until, default_from
FROM partstrat_forecast('accel');
-- 8 MB/day over the 20.5 days left: 164 MB at close, under twice the
-- target: no split advised
SELECT count(*) AS splits FROM partstrat_advise('accel') WHERE action = 'split';

-- bursty: 10 MB a day, and one bulk load of 500 MB on day 8.  The median
-- ignores it: still 10 MB/day (a mean would say 59 MB/day).
SELECT fc_make('bursty', false);
SELECT fc_snapshots('bursty', ARRAY[10,10,10,10,10,10,10,500,10,10,10]::float8[]);
SELECT partition, bytes_per_day / 1048576 AS mb_per_day, days_to_target, target_at
FROM partstrat_forecast('bursty');

-- fewer than 3 daily snapshots: said, nothing guessed
SELECT fc_make('young', false);
DELETE FROM partstrat_snapshot WHERE parent = 'steady'::regclass AND taken_at > '2026-01-02 12:00+00';
SELECT partition, daily_snapshots, rows_per_day, bytes_per_day, days_to_target, summary
FROM partstrat_forecast('steady');
SELECT daily_snapshots, rows_per_day, summary FROM partstrat_forecast('young');
-- two snapshots the same day count once
SELECT partstrat_snapshot_take('young');
SELECT partstrat_snapshot_take('young');
SELECT daily_snapshots FROM partstrat_forecast('young');

-- bad input
SELECT * FROM partstrat_forecast('steady', interval '-1 day');
SELECT * FROM partstrat_forecast('steady', NULL);
SELECT count(*) FROM partstrat_forecast(NULL);
CREATE TABLE fc_plain (a int);
SELECT * FROM partstrat_forecast('fc_plain');

DROP TABLE steady, accel, bursty, young, fc_plain;
DROP FUNCTION fc_make(text, boolean), fc_snapshots(text, float8[]);
DELETE FROM partstrat_snapshot;
