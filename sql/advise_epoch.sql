-- Epoch sets: an integer key holding seconds (or milliseconds) since 1970
-- gets a premake of its own, in its own unit and step; an integer key
-- that is not time gets none.
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET partstrat.reference_time = '2026-03-09 12:00:00+00';
CREATE TABLE ev (id bigint, t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF ev FOR VALUES FROM (%s) TO (%s)',
              'ev_' || to_char(d, 'YYYYMMDD'), extract(epoch FROM d)::bigint,
              extract(epoch FROM d + interval '1 day')::bigint)
FROM generate_series('2026-03-01 00:00+00'::timestamptz, '2026-03-09 00:00+00', '1 day') d \gexec
INSERT INTO ev SELECT g, extract(epoch FROM '2026-03-01 00:00+00'::timestamptz)::bigint + g * 60
FROM generate_series(0, 12000) g;
ANALYZE ev;
SELECT action, evidence->>'epoch' AS epoch, evidence->>'step' AS step,
       evidence->>'newest_ends' AS newest_ends, evidence->>'partitions_to_create' AS n,
       ddl IS NOT NULL AS has_ddl, reason
FROM partstrat_advise('ev') WHERE action = 'premake';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('ev') WHERE action = 'premake' \gexec
\o
\set ECHO all
-- whole UTC days after the newest, in seconds
SELECT to_timestamp(lo) AS from_, to_timestamp(hi) AS to_
FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?(\d+)''?\) TO \(''?(\d+)''?\)'))[1]::bigint AS lo,
             (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?(\d+)''?\) TO \(''?(\d+)''?\)'))[2]::bigint AS hi
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'ev'::regclass) b
WHERE lo >= extract(epoch FROM '2026-03-10 00:00+00'::timestamptz)
ORDER BY 1;
SELECT count(*) FROM partstrat_advise('ev') WHERE action = 'premake';
-- milliseconds, hourly partitions, the newest one split in two
CREATE TABLE evm (t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF evm FOR VALUES FROM (%s) TO (%s)',
              'evm_' || to_char(h, 'YYYYMMDDHH24'), extract(epoch FROM h)::bigint * 1000,
              extract(epoch FROM h + interval '1 hour')::bigint * 1000)
FROM generate_series('2026-03-09 00:00+00'::timestamptz, '2026-03-09 10:00+00', '1 hour') h \gexec
CREATE TABLE evm_2026030911a PARTITION OF evm FOR VALUES FROM (1773054000000) TO (1773055800000);
CREATE TABLE evm_2026030911b PARTITION OF evm FOR VALUES FROM (1773055800000) TO (1773057600000);
SELECT evidence->>'epoch' AS epoch, evidence->>'step' AS step, evidence->>'interval' AS interval,
       evidence->>'newest_ends' AS newest_ends, evidence->>'partitions_to_create' AS n,
       ddl IS NOT NULL AS has_ddl
FROM partstrat_advise('evm') WHERE action = 'premake';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('evm') WHERE action = 'premake' \gexec
\o
\set ECHO all
SELECT count(*) AS partitions, max(c.relname) > 'evm_2026030911b' AS named_after
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'evm'::regclass;
SELECT count(*) FROM partstrat_advise('evm') WHERE action = 'premake';
-- an integer key that is not time: no premake
CREATE TABLE ids (id bigint NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE ids_1 PARTITION OF ids FOR VALUES FROM (0) TO (1000);
CREATE TABLE ids_2 PARTITION OF ids FOR VALUES FROM (1000) TO (2000);
SELECT count(*) FROM partstrat_advise('ids') WHERE action = 'premake';
RESET partstrat.reference_time;
RESET TimeZone;
RESET DateStyle;
DROP TABLE ev, evm, ids;
