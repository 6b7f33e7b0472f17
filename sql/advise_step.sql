-- The advice infers a set's step from the set, not from its newest
-- partition: the most common width among the newest partitions, so that a
-- split (or merged) newest partition does not change it, and the premake
-- script it carries is given that step (partstrat_ddl_premake alone would
-- refuse the irregular set).
SET DateStyle = ISO;
SET TimeZone = 'UTC';
CREATE TABLE st (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF st FOR VALUES FROM (%L) TO (%L)',
              'st_' || to_char(d, 'YYYYMMDD'), d, d + interval '1 day')
FROM generate_series('2026-03-01 00:00+00'::timestamptz, '2026-03-09 00:00+00', '1 day') d \gexec
-- the newest day split in two halves
CREATE TABLE st_20260310_a PARTITION OF st FOR VALUES FROM ('2026-03-10 00:00+00') TO ('2026-03-10 12:00+00');
CREATE TABLE st_20260310_b PARTITION OF st FOR VALUES FROM ('2026-03-10 12:00+00') TO ('2026-03-11 00:00+00');
INSERT INTO st SELECT '2026-03-01 00:00+00'::timestamptz + g * interval '10 minutes', g
FROM generate_series(0, 1400) g;
ANALYZE st;
SET partstrat.reference_time = '2026-03-10 06:00:00+00';
SELECT action, evidence->>'interval' AS interval, evidence->>'step' AS step,
       evidence->>'partitions_to_create' AS n, ddl IS NOT NULL AS has_ddl, reason
FROM partstrat_advise('st') WHERE action = 'premake';
-- without the step, the generator refuses the irregular set
SELECT partstrat_ddl_premake('st', 3);
-- the advised script runs and continues whole days after the split day
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('st') WHERE action = 'premake' \gexec
\o
\set ECHO all
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'st'::regclass AND c.relname > 'st_20260310_b'
ORDER BY 1;
SELECT count(*) FROM partstrat_advise('st') WHERE action = 'premake';
-- a set whose newest partitions are merged (two days in one): still daily
CREATE TABLE sm (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF sm FOR VALUES FROM (%L) TO (%L)',
              'sm_' || to_char(d, 'YYYYMMDD'), d, d + interval '1 day')
FROM generate_series('2026-03-01 00:00+00'::timestamptz, '2026-03-08 00:00+00', '1 day') d \gexec
CREATE TABLE sm_20260309_10 PARTITION OF sm FOR VALUES FROM ('2026-03-09 00:00+00') TO ('2026-03-11 00:00+00');
SELECT evidence->>'interval' AS interval, evidence->>'step' AS step,
       evidence->>'partitions_to_create' AS n
FROM partstrat_advise('sm') WHERE action = 'premake';
RESET partstrat.reference_time;
RESET TimeZone;
RESET DateStyle;
DROP TABLE st, sm;
