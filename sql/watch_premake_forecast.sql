--
-- watch_premake_forecast: partstrat_advise advises premake from the growth
-- forecast, before the gap opens.  A daily table with partitions up to
-- 2026-01-15 and a DEFAULT grows 1,000 rows a day; a snapshot is taken each
-- simulated day (partstrat.reference_time).  premake_min (3 days) is met all
-- along; partstrat.forecast_horizon is 14 days.  With fewer than 3 daily
-- snapshots nothing is guessed; from the third day on, the forecast says
-- the premade partitions run out (and the DEFAULT starts receiving rows)
-- within the horizon, and the advice premakes the count partstrat_forecast
-- gives for 14 days (14 daily partitions ahead of now).  The advised DDL
-- runs; no row moves, and the advice is then satisfied.
--
SET partstrat.forecast_horizon = '14d';
SET client_min_messages = warning;

CREATE TABLE pf (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF pf FOR VALUES FROM (%L) TO (%L)',
              'pf_' || to_char(d, 'YYYYMMDD'), d::text || ' 00:00+00',
              (d + 1)::text || ' 00:00+00')
FROM generate_series('2026-01-01'::date, '2026-01-14'::date, '1 day') g, LATERAL (SELECT g::date AS d) x \gexec
CREATE TABLE pf_default PARTITION OF pf DEFAULT;

-- day d: 1,000 rows of that day, ANALYZE, a snapshot at 06:00 UTC
CREATE FUNCTION pf_day(d int) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pf SELECT g, '2026-01-01 00:00+00'::timestamptz + (d - 1) * interval '1 day'
                             + g * interval '1 minute'
    FROM generate_series(1, 1000) g;
    ANALYZE pf;
    PERFORM set_config('partstrat.reference_time',
                       ('2026-01-01 06:00+00'::timestamptz + (d - 1) * interval '1 day')::text,
                       false);
    RETURN partstrat_snapshot_take('pf');
END $$;

-- days 1 and 2: the forecast has fewer than 3 daily snapshots, and the
-- newest partition ends 14 and 13 days ahead: no premake
SELECT pf_day(1) AS leaves;
SELECT count(*) AS premake FROM partstrat_advise('pf') WHERE action = 'premake';
SELECT pf_day(2) AS leaves;
SELECT daily_snapshots, premake, summary FROM partstrat_forecast('pf', '14 days')
WHERE partition IS NULL;
SELECT count(*) AS premake FROM partstrat_advise('pf') WHERE action = 'premake';

-- day 3: 3 daily snapshots; the partitions run out on 2026-01-15, 11.75
-- days after now, within the 14-day horizon (premake_min, 3, is met)
SELECT pf_day(3) AS leaves;
SELECT daily_snapshots, round(rows_per_day) AS rows_per_day, premade_until,
       round(premade_days_left::numeric, 2) AS days_left, premake, default_from
FROM partstrat_forecast('pf', '14 days') WHERE partition IS NULL;
SELECT action, reason, evidence->>'forecast_premake' AS forecast_premake,
       evidence->>'partitions_to_create' AS to_create,
       evidence->>'daily_snapshots' AS daily_snapshots
FROM partstrat_advise('pf') WHERE action = 'premake';
-- the count is the forecast's
SELECT (SELECT (evidence->>'forecast_premake')::int FROM partstrat_advise('pf')
        WHERE action = 'premake')
     = (SELECT premake FROM partstrat_forecast('pf', '14 days') WHERE partition IS NULL)
       AS same_count;

-- the advised DDL runs: 3 more daily partitions, up to 2026-01-18 (now +
-- 14 days, day 3 at 06:00, rounded up to whole days); no row lost
SELECT count(*) AS rows_before FROM pf;
SELECT ddl AS premake_ddl FROM partstrat_advise('pf') WHERE action = 'premake' \gset
\o /dev/null
:premake_ddl
\o
SELECT count(*) AS rows_after FROM pf;
SELECT count(*) AS leaves, max(range_to[1]::timestamptz) AS newest_ends
FROM partstrat_partitions('pf') WHERE NOT is_default;
SELECT count(*) AS premake FROM partstrat_advise('pf') WHERE action = 'premake';

-- day 4: a day later the horizon moved on by one day: one more partition
SELECT pf_day(4) AS leaves;
SELECT evidence->>'forecast_premake' AS forecast_premake,
       evidence->>'partitions_to_create' AS to_create
FROM partstrat_advise('pf') WHERE action = 'premake';

-- without snapshots (another table), premake_min alone decides: none
CREATE TABLE pf2 (LIKE pf) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF pf2 FOR VALUES FROM (%L) TO (%L)',
              'pf2_' || to_char(d, 'YYYYMMDD'), d::text || ' 00:00+00',
              (d + 1)::text || ' 00:00+00')
FROM generate_series('2026-01-01'::date, '2026-01-14'::date, '1 day') g, LATERAL (SELECT g::date AS d) x \gexec
SELECT count(*) AS premake FROM partstrat_advise('pf2') WHERE action = 'premake';

-- partstrat.forecast_horizon = 0 turns the forecast's premake off
SET partstrat.forecast_horizon = 0;
SELECT count(*) AS premake FROM partstrat_advise('pf') WHERE action = 'premake';
RESET partstrat.forecast_horizon;
RESET partstrat.reference_time;
RESET client_min_messages;
DROP TABLE pf, pf2;
DROP FUNCTION pf_day(int);
