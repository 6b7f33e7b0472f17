--
-- advise_quiet: advice an expert signs on the tables DBAs really have:
-- quiet on a newcomer's first script and on small tables, merges only of
-- whole past calendar units, nothing to do about NULL keys.
--
SET client_min_messages = notice;
CREATE SCHEMA ps_quiet;
SET search_path = ps_quiet, public;
SET partstrat.reference_time = '2026-03-20 00:00:00+00';

CREATE FUNCTION advice(t regclass, target bigint DEFAULT NULL)
RETURNS TABLE (priority int, action text, partitions regclass[], reason text)
LANGUAGE sql AS $$
  SELECT priority, action, partitions, reason FROM partstrat_advise(t, target)
$$;

------------------------------------------------------------------------
-- a newcomer's first script: load, ANALYZE, advise in one session.  The
-- insert counts reach the statistics after the ANALYZE that saw the rows
-- (flushed at the next idle moment): no analyze advice for that.
------------------------------------------------------------------------
CREATE TABLE nb (id int, ts timestamptz NOT NULL, v text) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF nb FOR VALUES FROM (%L) TO (%L)', 'nb_' || to_char(m, 'YYYYMM'),
              to_char(m, 'YYYY-MM-DD'), to_char(m + interval '1 month', 'YYYY-MM-DD'))
FROM generate_series(date '2025-07-01', date '2026-06-01', interval '1 month') m \gexec
-- ANALYZE inside the loading transaction
BEGIN;
INSERT INTO nb SELECT g, timestamptz '2025-07-01' + (g % 180) * interval '1 day', 'x'
FROM generate_series(1, 18000) g;
ANALYZE nb;
COMMIT;
SELECT pg_stat_force_next_flush();
SELECT count(*) AS leaves_counted_100pct_modified FROM pg_stat_user_tables
WHERE relname LIKE 'nb\_%' AND n_live_tup > 0 AND n_mod_since_analyze = n_live_tup;
SELECT * FROM advice('nb');
-- ANALYZE right after the load, in its own transaction: the insert counts
-- may reach the statistics after it (n_live_tup doubles)
CREATE TABLE nb2 (LIKE nb) PARTITION BY RANGE (ts);
CREATE TABLE nb2_a PARTITION OF nb2 FOR VALUES FROM ('2025-07-01') TO ('2025-10-01');
CREATE TABLE nb2_b PARTITION OF nb2 FOR VALUES FROM ('2025-10-01') TO ('2026-01-01');
CREATE TABLE nb2_c PARTITION OF nb2 FOR VALUES FROM ('2026-01-01') TO ('2026-04-01');
CREATE TABLE nb2_d PARTITION OF nb2 FOR VALUES FROM ('2026-04-01') TO ('2026-07-01');
BEGIN;
INSERT INTO nb2 SELECT g, timestamptz '2025-07-01' + (g % 180) * interval '1 day', 'x'
FROM generate_series(1, 18000) g;
-- the insert counts wait in this transaction until it ends; the ANALYZE
-- below runs in another transaction after this one's commit, before the
-- counts are flushed, exactly as a script with no pause does
COMMIT;
ANALYZE nb2;
SELECT pg_stat_force_next_flush();
SELECT relname, n_live_tup >= n_mod_since_analyze AS counted_after FROM pg_stat_user_tables
WHERE relname LIKE 'nb2\__' AND n_live_tup > 0 ORDER BY 1;
SELECT * FROM advice('nb2');
-- rows really written after the ANALYZE: those leaves need it
INSERT INTO nb SELECT g, timestamptz '2025-08-01' + (g % 20) * interval '1 day', 'y'
FROM generate_series(1, 5000) g;
DELETE FROM nb WHERE ts >= '2025-11-01' AND ts < '2025-12-01' AND id % 2 = 0;
SELECT pg_stat_force_next_flush();
SELECT * FROM advice('nb');
DROP TABLE nb, nb2;

------------------------------------------------------------------------
-- a 300-row hash table, 12 values of 25 rows in 3 partitions: nothing
-- material to say (no repartition, split, merge or add_index under a
-- quarter of the target)
------------------------------------------------------------------------
CREATE TABLE tinyh (k int, v text) PARTITION BY HASH (k);
CREATE TABLE tinyh_0 PARTITION OF tinyh FOR VALUES WITH (modulus 3, remainder 0);
CREATE TABLE tinyh_1 PARTITION OF tinyh FOR VALUES WITH (modulus 3, remainder 1);
CREATE TABLE tinyh_2 PARTITION OF tinyh FOR VALUES WITH (modulus 3, remainder 2);
CREATE INDEX ON tinyh_0 (v);
INSERT INTO tinyh SELECT g % 12, 'v' FROM generate_series(1, 300) g;
ANALYZE tinyh;
SELECT * FROM advice('tinyh');
-- with a target it is big against, the layout advice is given
SELECT action FROM partstrat_advise('tinyh', 8192) ORDER BY priority;
DROP TABLE tinyh;

------------------------------------------------------------------------
-- merge: only leaves wholly inside one past calendar month, never the
-- current month, never the premade future
------------------------------------------------------------------------
SET partstrat.merge_min_leaves = 4;
CREATE TABLE wk (id int, ts date NOT NULL) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF wk FOR VALUES FROM (%L) TO (%L)',
              'wk_' || to_char(d, 'YYYYMMDD'), to_char(d, 'YYYY-MM-DD'), to_char(d + 7, 'YYYY-MM-DD'))
FROM (SELECT d::date AS d FROM generate_series(date '2026-01-05', date '2026-04-06', interval '7 days') d) s \gexec
INSERT INTO wk SELECT g, date '2026-01-05' + g % 74 FROM generate_series(1, 1480) g;
ANALYZE wk;
SELECT priority, action, partitions FROM partstrat_advise('wk', 131072) ORDER BY priority;
-- an id set: the newest leaf with rows and the empty premade ones stay
CREATE TABLE ids (id bigint NOT NULL, v text) PARTITION BY RANGE (id);
SELECT format('CREATE TABLE ids_p%s PARTITION OF ids FOR VALUES FROM (%s) TO (%s)', i * 1000, i * 1000, (i + 1) * 1000)
FROM generate_series(0, 9) i \gexec
INSERT INTO ids SELECT g, 'v' FROM generate_series(0, 5499) g;
ANALYZE ids;
SELECT priority, action, partitions FROM partstrat_advise('ids', 262144) ORDER BY priority;
RESET partstrat.merge_min_leaves;
DROP TABLE wk, ids;

------------------------------------------------------------------------
-- a range DEFAULT holding only rows with a NULL key: no range partition
-- can hold them; nothing to advise
------------------------------------------------------------------------
CREATE TABLE nk (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE nk_0 PARTITION OF nk FOR VALUES FROM (0) TO (100);
CREATE TABLE nk_default PARTITION OF nk DEFAULT;
INSERT INTO nk SELECT g, g % 100 FROM generate_series(1, 500) g;
INSERT INTO nk SELECT g, NULL FROM generate_series(1, 50) g;
ANALYZE nk;
SELECT * FROM advice('nk');
-- a non-NULL stray row: rescued
INSERT INTO nk VALUES (1, 150);
ANALYZE nk;
SELECT action, partitions FROM partstrat_advise('nk');
DROP TABLE nk;
-- a time key: NULLs and infinities, which no range partition can hold
-- either (the rescue's script would create nothing)
CREATE TABLE nkt (id int, ts timestamptz) PARTITION BY RANGE (ts);
CREATE TABLE nkt_0 PARTITION OF nkt FOR VALUES FROM ('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');
CREATE TABLE nkt_1 PARTITION OF nkt FOR VALUES FROM ('2026-04-01 00:00+00') TO ('2026-05-01 00:00+00');
CREATE TABLE nkt_2 PARTITION OF nkt FOR VALUES FROM ('2026-05-01 00:00+00') TO ('2026-06-01 00:00+00');
CREATE TABLE nkt_3 PARTITION OF nkt FOR VALUES FROM ('2026-06-01 00:00+00') TO ('2026-07-01 00:00+00');
CREATE TABLE nkt_default PARTITION OF nkt DEFAULT;
INSERT INTO nkt SELECT g, timestamptz '2026-03-01 00:00+00' + (g % 20) * interval '1 day' FROM generate_series(1, 500) g;
INSERT INTO nkt SELECT g, NULL FROM generate_series(1, 40) g;
INSERT INTO nkt SELECT g, 'infinity' FROM generate_series(1, 3) g;
INSERT INTO nkt SELECT g, '-infinity' FROM generate_series(1, 2) g;
ANALYZE nkt;
SELECT * FROM advice('nkt');
DROP TABLE nkt;

------------------------------------------------------------------------
-- a DEFAULT holding rows of past and future months and premake due: both
-- in one pass, each with its script; the premake leaves the months holding
-- the DEFAULT's rows to the rescue and fills the others, so that the two
-- scripts of the one pass run in priority order, or in the other order
------------------------------------------------------------------------
CREATE TABLE dp (id int, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF dp FOR VALUES FROM (%L) TO (%L)', 'dp_' || to_char(m, 'YYYYMM'),
              to_char(m, 'YYYY-MM-DD 00:00+00'), to_char(m + interval '1 month', 'YYYY-MM-DD 00:00+00'))
FROM generate_series(date '2025-10-01', date '2026-01-01', interval '1 month') m \gexec
CREATE TABLE dp_default PARTITION OF dp DEFAULT;
INSERT INTO dp SELECT g, timestamptz '2025-10-01 00:00+00' + (g % 170) * interval '1 day'
FROM generate_series(1, 1700) g;
-- rows of May, none of April: the rescue leaves April a gap
INSERT INTO dp SELECT g, timestamptz '2026-05-10 00:00+00' FROM generate_series(1701, 1710) g;
ANALYZE dp;
SELECT priority, action, ddl IS NOT NULL AS has_ddl, evidence->>'ddl_error' AS ddl_error
FROM partstrat_advise('dp') ORDER BY priority;
SELECT count(*) AS rows_before, sum(id) AS ids_before FROM dp;
-- the scripts of the one pass, run in priority order (their text is tested
-- elsewhere)
CREATE TEMP TABLE dp_scripts AS SELECT priority, ddl FROM partstrat_advise('dp') WHERE ddl IS NOT NULL;
\set ECHO none
\o /dev/null
SELECT ddl FROM dp_scripts ORDER BY priority \gexec
\o
\set ECHO all
SET TimeZone = 'UTC';
SELECT string_agg(c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid), E'\n' ORDER BY c.relname) AS partitions
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'dp'::regclass;
RESET TimeZone;
SELECT count(*) AS rows_after, sum(id) AS ids_after,
       count(*) FILTER (WHERE tableoid = 'dp_default'::regclass) AS in_default FROM dp;
ANALYZE dp;
SELECT action FROM partstrat_advise('dp');
DROP TABLE dp, dp_scripts;
-- a sub-partitioned root, the scripts run in the other order
CREATE TABLE sdp (id int, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF sdp FOR VALUES FROM (%L) TO (%L) PARTITION BY HASH (id)', 'sdp_' || to_char(m, 'YYYYMM'),
              to_char(m, 'YYYY-MM-DD 00:00+00'), to_char(m + interval '1 month', 'YYYY-MM-DD 00:00+00'))
FROM generate_series(date '2025-12-01', date '2026-03-01', interval '1 month') m \gexec
SELECT format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 2, REMAINDER %s)', 'sdp_' || to_char(m, 'YYYYMM') || '_h' || r,
              'sdp_' || to_char(m, 'YYYYMM'), r)
FROM generate_series(date '2025-12-01', date '2026-03-01', interval '1 month') m, generate_series(0, 1) r \gexec
CREATE TABLE sdp_default PARTITION OF sdp DEFAULT;
INSERT INTO sdp SELECT g, timestamptz '2025-12-01 00:00+00' + (g % 100) * interval '1 day' FROM generate_series(1, 1000) g;
INSERT INTO sdp SELECT g, timestamptz '2026-05-10 00:00+00' FROM generate_series(1001, 1010) g;
ANALYZE sdp;
SELECT priority, action, ddl IS NOT NULL AS has_ddl, evidence->>'ddl_error' AS ddl_error
FROM partstrat_advise('sdp') ORDER BY priority;
CREATE TEMP TABLE sdp_scripts AS SELECT priority, ddl FROM partstrat_advise('sdp') WHERE ddl IS NOT NULL;
\set ECHO none
\o /dev/null
SELECT ddl FROM sdp_scripts ORDER BY priority DESC \gexec
\o
\set ECHO all
SET TimeZone = 'UTC';
SELECT string_agg(c.relname || ' ' || c.relkind::text || ' ' || pg_get_expr(c.relpartbound, c.oid), E'\n' ORDER BY c.relname) AS partitions
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sdp'::regclass;
RESET TimeZone;
SELECT count(*) AS rows_after, sum(id) AS ids_after,
       count(*) FILTER (WHERE tableoid = 'sdp_default'::regclass) AS in_default FROM sdp;
-- the rescued month is sub-partitioned like the others, its rows in its
-- partitions, and no constraint of the scripts is left
SELECT t.relid::regclass AS partition, t.isleaf, (SELECT count(*) FROM sdp WHERE tableoid = t.relid) AS rows
FROM pg_partition_tree('sdp_202605') t ORDER BY 1::text;
SELECT count(*) AS script_constraints_left FROM pg_constraint c, pg_partition_tree('sdp') t
WHERE c.conrelid = t.relid AND c.conname LIKE 'partstrat%';
ANALYZE sdp;
SELECT action FROM partstrat_advise('sdp');
DROP TABLE sdp, sdp_scripts;

-- an epoch set (seconds), days with rows in the DEFAULT and days without:
-- the premake makes the days between, the rescue those with rows
SET partstrat.premake_min = 6;
CREATE TABLE edp (id bigint, t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF edp FOR VALUES FROM (%s) TO (%s)', 'edp_' || to_char(d, 'YYYYMMDD'),
              extract(epoch FROM d)::bigint, extract(epoch FROM d + interval '1 day')::bigint)
FROM generate_series('2026-03-10 00:00+00'::timestamptz, '2026-03-20 00:00+00', '1 day') d \gexec
CREATE TABLE edp_default PARTITION OF edp DEFAULT;
INSERT INTO edp SELECT g, extract(epoch FROM '2026-03-10 00:00+00'::timestamptz)::bigint + g * 100
FROM generate_series(0, 9000) g;
INSERT INTO edp SELECT g, extract(epoch FROM d)::bigint FROM generate_series(9001, 9010) g,
  unnest(ARRAY['2026-03-22 12:00+00', '2026-03-24 12:00+00']::timestamptz[]) d;
ANALYZE edp;
SELECT priority, action, ddl IS NOT NULL AS has_ddl, evidence->>'ddl_error' AS ddl_error
FROM partstrat_advise('edp') ORDER BY priority;
SELECT count(*) AS rows_before, sum(id) AS ids_before FROM edp;
CREATE TEMP TABLE edp_scripts AS SELECT priority, ddl FROM partstrat_advise('edp') WHERE ddl IS NOT NULL;
\set ECHO none
\o /dev/null
SELECT ddl FROM edp_scripts ORDER BY priority \gexec
\o
\set ECHO all
SELECT to_timestamp(lo) AT TIME ZONE 'UTC' AS from_, (hi - lo) / 3600 AS hours
FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?(\d+)''?\) TO \(''?(\d+)''?\)'))[1]::bigint AS lo,
             (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?(\d+)''?\) TO \(''?(\d+)''?\)'))[2]::bigint AS hi
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'edp'::regclass) b
WHERE lo >= extract(epoch FROM '2026-03-20 00:00+00'::timestamptz)
ORDER BY 1;
SELECT count(*) AS rows_after, sum(id) AS ids_after,
       count(*) FILTER (WHERE tableoid = 'edp_default'::regclass) AS in_default FROM edp;
ANALYZE edp;
SELECT action FROM partstrat_advise('edp');
DROP TABLE edp, edp_scripts;
RESET partstrat.premake_min;

------------------------------------------------------------------------
-- repartition of a multi-column hash key with a custom operator class:
-- one action for the parent, one LIST partition per heavy value, and the
-- other values keep the key's columns and classes (valid DDL, executed)
------------------------------------------------------------------------
CREATE FUNCTION q_hash_int4(int4, int8) RETURNS int8 LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT $1::int8 * 7919 + $2 $$;
CREATE OPERATOR CLASS q_int4_hash_ops FOR TYPE int4 USING hash
AS OPERATOR 1 =, FUNCTION 2 q_hash_int4(int4, int8);
CREATE TABLE hrp (a int, b text, v text) PARTITION BY HASH (a q_int4_hash_ops, b);
SELECT format('CREATE TABLE hrp_%s PARTITION OF hrp FOR VALUES WITH (modulus 4, remainder %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO hrp SELECT 1, (ARRAY['x', 'y', 'z', 'w'])[1 + g % 4], repeat('p', 100)
FROM generate_series(1, 24000) g;
INSERT INTO hrp SELECT g % 1000, 'y' || g % 7, repeat('p', 100) FROM generate_series(1, 8000) g;
ANALYZE hrp;
SELECT action, partitions FROM partstrat_advise('hrp', 262144) ORDER BY priority;
SELECT count(*) FILTER (WHERE line LIKE '%FOR VALUES IN%') AS list_partitions,
       string_agg(line, E'\n') FILTER (WHERE line LIKE '%DEFAULT PARTITION BY%') AS rest
FROM partstrat_advise('hrp', 262144), regexp_split_to_table(ddl, E'\n') line
WHERE action = 'repartition';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('hrp', 262144) WHERE action = 'repartition' \gexec
\o
\set ECHO all
INSERT INTO hrp_new SELECT * FROM hrp;
SELECT (SELECT count(*) FROM hrp) AS rows_old, (SELECT count(*) FROM hrp_new) AS rows_new;
-- the other values land where they did: the key and its classes are kept
SELECT r, (SELECT count(*) FROM hrp WHERE a <> 1 AND tableoid = format('hrp_%s', r)::regclass) AS old_rows,
       (SELECT count(*) FROM hrp_new WHERE tableoid = format('hrp_new_rest_p%s', r)::regclass) AS new_rows
FROM generate_series(0, 3) r;
DROP TABLE hrp, hrp_new;
-- a heavy value of a three-column key whose rows all share the other key
-- columns: hashing on them would not split it (every row in one
-- sub-partition, predicted an equal share each): the predicted rows of
-- every proposed partition are what it gets
CREATE TABLE hrp3 (b text, a int, c date, v text) PARTITION BY HASH (b, a q_int4_hash_ops, c);
SELECT format('CREATE TABLE hrp3_%s PARTITION OF hrp3 FOR VALUES WITH (modulus 3, remainder %s)', r, r)
FROM generate_series(0, 2) r \gexec
INSERT INTO hrp3 SELECT 'k', 7, date '2026-01-01', repeat('p', 100) FROM generate_series(1, 20000) g;
INSERT INTO hrp3 SELECT 'y' || g % 7, g % 1000, date '2026-01-01' + g % 5, repeat('p', 100)
FROM generate_series(1, 8000) g;
ANALYZE hrp3;
SELECT action, partitions FROM partstrat_advise('hrp3', 262144) ORDER BY priority;
CREATE TEMP TABLE hrp3_ddl AS SELECT ddl FROM partstrat_advise('hrp3', 262144) WHERE action = 'repartition';
\set ECHO none
\o /dev/null
SELECT ddl FROM hrp3_ddl \gexec
\o
\set ECHO all
INSERT INTO hrp3_new SELECT * FROM hrp3;
SELECT m[1] AS partition, m[2]::int AS predicted, r.n AS rows,
       r.n BETWEEN m[2]::int * 0.8 AND m[2]::int * 1.25 AS as_predicted
FROM hrp3_ddl a, regexp_split_to_table(a.ddl, E'\n') line,
     regexp_match(line, 'CREATE TABLE ps_quiet\.(\S+) .*-- predicted rows: (\d+)') m,
     LATERAL (SELECT count(*) AS n FROM hrp3_new WHERE tableoid = ('ps_quiet.' || m[1])::regclass) r
WHERE m IS NOT NULL
ORDER BY 1;
DROP TABLE hrp3, hrp3_new, hrp3_ddl;
DROP OPERATOR FAMILY q_int4_hash_ops USING hash;
DROP FUNCTION q_hash_int4(int4, int8);

DROP FUNCTION advice(regclass, bigint);
DROP SCHEMA ps_quiet;
