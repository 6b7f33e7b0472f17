-- Merge groups by calendar unit: days and weeks within a month (or week),
-- monthly leaves within one calendar quarter, quarterly leaves within one
-- year; never the current unit, never a future or premade partition.
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET partstrat.merge_min_leaves = 4;
SET partstrat.reference_time = '2026-05-15 12:00:00+00';
-- monthly leaves, January 2025 to August 2026 (June to August premade, empty)
CREATE TABLE mu_m (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF mu_m FOR VALUES FROM (%L) TO (%L)',
              'mu_m_' || to_char(m, 'YYYY_MM'), m, m + interval '1 month')
FROM generate_series('2025-01-01 00:00+00'::timestamptz, '2026-08-01 00:00+00', '1 month') m \gexec
INSERT INTO mu_m SELECT '2025-01-01 00:00+00'::timestamptz + g * interval '3 hours', g
FROM generate_series(0, 3900) g;
ANALYZE mu_m;
SELECT evidence->>'unit' AS unit, evidence->>'from' AS from_, evidence->>'to' AS to_,
       (evidence->>'leaves')::int AS leaves, ddl IS NOT NULL AS has_ddl
FROM partstrat_advise('mu_m', 262144) WHERE action = 'merge'
ORDER BY evidence->>'from';
-- quarterly leaves, 2023 to 2026: whole past years only
CREATE TABLE mu_q (d date NOT NULL, v int) PARTITION BY RANGE (d);
SELECT format('CREATE TABLE %I PARTITION OF mu_q FOR VALUES FROM (%L) TO (%L)',
              'mu_q_' || to_char(q, 'YYYY"q"Q'), q::date, (q + interval '3 months')::date)
FROM generate_series('2023-01-01'::timestamp, '2026-10-01', '3 months') q \gexec
INSERT INTO mu_q SELECT date '2023-01-01' + g % 1230, g FROM generate_series(0, 3000) g;
ANALYZE mu_q;
SELECT evidence->>'unit' AS unit, evidence->>'from' AS from_, evidence->>'to' AS to_,
       (evidence->>'leaves')::int AS leaves
FROM partstrat_advise('mu_q', 262144) WHERE action = 'merge'
ORDER BY evidence->>'from';
-- the scripts run, and every row stays
CREATE TEMP TABLE mu_before AS
SELECT 'mu_m' AS t, count(*) AS n, sum(v) AS s FROM mu_m
UNION ALL SELECT 'mu_q', count(*), sum(v) FROM mu_q;
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('mu_m', 262144) WHERE action = 'merge' \gexec
SELECT ddl FROM partstrat_advise('mu_q', 262144) WHERE action = 'merge' \gexec
\o
\set ECHO all
SELECT b.t, b.n = a.n AND b.s = a.s AS same_rows
FROM mu_before b
JOIN (SELECT 'mu_m' AS t, count(*) AS n, sum(v) AS s FROM mu_m
      UNION ALL SELECT 'mu_q', count(*), sum(v) FROM mu_q) a USING (t)
ORDER BY 1;
SELECT pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent IN ('mu_m'::regclass, 'mu_q'::regclass)
ORDER BY i.inhparent::regclass::text, 1;
-- a second pass: nothing left to merge
SELECT count(*) FROM partstrat_advise('mu_m', 262144) WHERE action = 'merge';
SELECT count(*) FROM partstrat_advise('mu_q', 262144) WHERE action = 'merge';
-- an epoch set (bigint seconds), daily leaves 2026-04-20 to 2026-05-24: the
-- same calendar units read as time (weeks here, a month of them being over
-- the target), never the current week, never the premade days
CREATE TABLE mu_e (t bigint NOT NULL, v int) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF mu_e FOR VALUES FROM (%s) TO (%s)',
              'mu_e_' || to_char(d, 'YYYYMMDD'), extract(epoch FROM d)::bigint,
              extract(epoch FROM d + interval '1 day')::bigint)
FROM generate_series('2026-04-20 00:00+00'::timestamptz, '2026-05-24 00:00+00', '1 day') d \gexec
INSERT INTO mu_e SELECT extract(epoch FROM '2026-04-20 00:00+00'::timestamptz)::bigint + g * 600, g
FROM generate_series(0, 3700) g;
ANALYZE mu_e;
SELECT evidence->>'unit' AS unit, to_timestamp((evidence->>'from')::bigint) AS from_,
       to_timestamp((evidence->>'to')::bigint) AS to_, (evidence->>'leaves')::int AS leaves
FROM partstrat_advise('mu_e', 65536) WHERE action = 'merge'
ORDER BY (evidence->>'from')::bigint;
CREATE TEMP TABLE mu_e_before AS SELECT count(*) AS n, sum(v) AS s FROM mu_e;
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('mu_e', 65536) WHERE action = 'merge' \gexec
\o
\set ECHO all
SELECT b.n = a.n AND b.s = a.s AS same_rows
FROM mu_e_before b, (SELECT count(*) AS n, sum(v) AS s FROM mu_e) a;
SELECT count(*) FROM partstrat_advise('mu_e', 65536) WHERE action = 'merge';
DROP TABLE mu_e;
RESET partstrat.reference_time;
RESET partstrat.merge_min_leaves;
RESET TimeZone;
RESET DateStyle;
DROP TABLE mu_m, mu_q;
