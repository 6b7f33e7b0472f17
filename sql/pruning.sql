--
-- pruning: partstrat_explain_pruning() walks the plan of one statement and
-- says, per partitioned table, how many leaves each stage keeps and why.
--
SET client_min_messages = warning;
CREATE TABLE ev (id int, ts timestamptz NOT NULL, kind text, v int)
    PARTITION BY RANGE (ts);
CREATE TABLE ev_2024_01 PARTITION OF ev
    FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2024-02-01 00:00+00');
CREATE TABLE ev_2024_02 PARTITION OF ev
    FOR VALUES FROM ('2024-02-01 00:00+00') TO ('2024-03-01 00:00+00');
CREATE TABLE ev_2024_03 PARTITION OF ev
    FOR VALUES FROM ('2024-03-01 00:00+00') TO ('2024-04-01 00:00+00');
CREATE TABLE ev_2024_04 PARTITION OF ev
    FOR VALUES FROM ('2024-04-01 00:00+00') TO ('2024-05-01 00:00+00');
INSERT INTO ev
SELECT g, '2024-01-01 00:00+00'::timestamptz + g * interval '1 hour', 'k' || (g % 3), g
FROM generate_series(0, 2903) g;
CREATE INDEX ev_ts ON ev (ts);
CREATE TABLE dim (ts timestamptz, name text);
INSERT INTO dim VALUES ('2024-02-03 00:00+00', 'a');
ANALYZE ev;
ANALYZE dim;
-- the plan only, in one compact line per row
CREATE FUNCTION ep(q text, actual boolean DEFAULT false)
RETURNS TABLE (kind text, parent regclass, total int, in_plan int,
               at_plan int, startup boolean, exec boolean,
               pruned_startup int, pruned_exec int, executed int,
               ratio numeric)
LANGUAGE sql AS $$
    SELECT plan_kind, parent, leaves_total, leaves_in_plan, pruned_at_plan,
           prunable_at_startup, prunable_at_exec, pruned_at_startup,
           pruned_at_exec, leaves_executed, pruning_ratio
    FROM partstrat_explain_pruning(q, actual)
$$;
CREATE FUNCTION why(q text)
RETURNS TABLE (kind text, parent regclass, diagnosis text, suggestion text)
LANGUAGE sql AS $$
    SELECT plan_kind, parent, diagnosis, suggestion
    FROM partstrat_explain_pruning(q)
$$;
\pset null '-'

-- by key, with constants: pruned at plan time
SELECT * FROM ep($$SELECT * FROM ev WHERE ts >= '2024-02-10 00:00+00' AND ts < '2024-03-05 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts >= '2024-02-10 00:00+00' AND ts < '2024-03-05 00:00+00'$$);
-- one leaf left: no Append node in the plan
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = '2024-02-05 00:00+00'$$);
-- everything pruned: a Result with a false one-time filter
SELECT * FROM ep($$SELECT * FROM ev WHERE ts < '2023-01-01 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts < '2023-01-01 00:00+00'$$);

-- relative to now(): only at executor startup (every leaf is in the past)
SELECT * FROM ep($$SELECT * FROM ev WHERE ts >= now() - interval '1 day'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts >= now() - interval '1 day'$$);
SELECT * FROM ep($$SELECT * FROM ev WHERE ts >= now() - interval '1 day'$$, true);

-- a parameter: the generic plan keeps every leaf for startup pruning, the
-- custom plan binds $1 to a value inside the newest partition (ts has no
-- most common value)
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = $1$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = $1$$);
SELECT * FROM ep($$SELECT * FROM ev WHERE ts >= $1 AND kind = $2$$, true);
-- a range between two parameters: the newest partition's bounds, not an
-- empty range
SELECT * FROM ep($$SELECT * FROM ev WHERE ts >= $1 AND ts < $2$$);
-- many leaves kept for startup pruning: the PostgreSQL 15 locking warning
SET partstrat.pruning_lock_warning_leaves = 3;
SELECT * FROM why($$SELECT * FROM ev WHERE ts = $1$$);
RESET partstrat.pruning_lock_warning_leaves;
-- types of parameters are inferred as PREPARE does; none: an error
SELECT * FROM ep($$SELECT * FROM ev WHERE $1 IS NULL$$);
\echo :LAST_ERROR_SQLSTATE

-- the key inside a function or a cast: no pruning, and the sargable rewrite
SELECT * FROM ep($$SELECT * FROM ev WHERE date(ts) = '2024-02-10'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE date(ts) = '2024-02-10'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts::date > '2024-02-10'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE extract(year FROM ts) = 2024$$);
SELECT * FROM why($$SELECT * FROM ev WHERE date_trunc('month', ts) = '2024-02-01 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts::text = '2024-02-10'$$);
-- a cross-type comparison that is only stable: startup pruning only
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = '2024-02-10'::timestamp$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = '2024-02-10'::timestamp$$);
-- parameters an ORM passes as text and casts in the query: the custom
-- plan binds them to a value of the column they are compared with, as text;
-- the text-to-timestamptz cast is stable: pruned at executor startup
SELECT * FROM ep($$SELECT * FROM ev WHERE ts >= $1::text::timestamptz AND ts < $2::text::timestamptz$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts >= $1::text::timestamptz AND ts < $2::text::timestamptz$$);
-- = ANY over an array a cast computes: no pruning at all, even with values
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = ANY($1::text[]::timestamptz[])$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = ANY($1::text[]::timestamptz[])$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = ANY('{"2024-02-10 00:00+00"}'::text[]::timestamptz[])$$);
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = ANY('{"2024-02-10 00:00+00"}'::timestamptz[])$$);

-- not the key, volatile, OR, <>
SELECT * FROM ep($$SELECT * FROM ev WHERE kind = 'k1'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE kind = 'k1'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts > clock_timestamp() - interval '1000 days'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = '2024-02-10 00:00+00' OR kind = 'k1'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts <> '2024-02-10 00:00+00'$$);
SET enable_partition_pruning = off;
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = '2024-02-05 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = '2024-02-05 00:00+00'$$);
RESET enable_partition_pruning;

-- a join: pruned during execution by a parameterized nested loop
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT * FROM ep($$SELECT * FROM dim JOIN ev ON ev.ts = dim.ts$$, true);
SELECT * FROM why($$SELECT * FROM dim JOIN ev ON ev.ts = dim.ts$$);
-- and a subquery: during execution too
SELECT * FROM ep($$SELECT count(*) FROM ev WHERE ts = (SELECT max(ts) FROM dim)$$, true);
RESET enable_hashjoin;
RESET enable_mergejoin;
-- a hash join cannot prune
SET enable_nestloop = off;
SELECT * FROM why($$SELECT * FROM dim JOIN ev ON ev.ts = dim.ts$$);
RESET enable_nestloop;

-- through views and subqueries in FROM: the predicates on their columns
-- are traced down to the key
CREATE VIEW ev_v AS SELECT id, ts AS happened, kind FROM ev WHERE kind <> 'none';
CREATE VIEW ev_vv AS SELECT happened AS at, id FROM ev_v;
SELECT * FROM why($$SELECT * FROM ev_v WHERE date(happened) = '2024-02-10'$$);
SELECT * FROM why($$SELECT * FROM ev_vv WHERE date(at) = '2024-02-10'$$);
SELECT * FROM ep($$SELECT * FROM ev_vv WHERE at >= '2024-02-10 00:00+00' AND at < '2024-02-11 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM ev_vv WHERE at >= '2024-02-10 00:00+00' AND at < '2024-02-11 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM ev_vv WHERE id = 3$$);
SELECT * FROM why($$SELECT * FROM (SELECT ts + interval '1 day' AS t2 FROM ev) s WHERE t2 > '2024-02-15 00:00+00'$$);
-- not into a subquery PostgreSQL pushes nothing into (LIMIT, aggregates),
-- nor from an outer join's ON: these do not filter the table
SELECT * FROM why($$SELECT * FROM (SELECT * FROM ev LIMIT 10) s WHERE ts = '2024-02-10 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM (SELECT kind, max(ts) AS mx FROM ev GROUP BY kind) s WHERE mx = '2024-02-10 00:00+00'$$);
SELECT * FROM why($$SELECT * FROM (SELECT ts, id FROM ev) s LEFT JOIN dim ON s.ts = '2024-02-10 00:00+00' AND dim.name = 'a'$$);
-- a plain DISTINCT lets them through
SELECT * FROM why($$SELECT * FROM (SELECT DISTINCT ts FROM ev) s WHERE date(ts) = '2024-02-10'$$);
-- each occurrence of the table keeps its own diagnosis: the level's own
-- references, then its subqueries in FROM, then the subplans of its
-- expressions, as the planner numbers them
SELECT * FROM why($$SELECT * FROM (SELECT * FROM ev WHERE date(ts) = '2024-02-10') s, ev e2
                    WHERE e2.ts = '2024-02-10 00:00+00' AND s.id = e2.id$$);
SELECT * FROM why($$SELECT (SELECT count(*) FROM ev e1 WHERE date(e1.ts) = '2024-02-10'), s.*
                    FROM (SELECT * FROM ev e2 WHERE e2.ts = '2024-03-10 00:00+00') s$$);
DROP VIEW ev_vv, ev_v;
-- = ANY over an immutable cast of a parameter: folded in the custom plan
CREATE TABLE ip (k int) PARTITION BY RANGE (k);
CREATE TABLE ip_1 PARTITION OF ip FOR VALUES FROM (0) TO (10);
CREATE TABLE ip_2 PARTITION OF ip FOR VALUES FROM (10) TO (20);
SELECT * FROM why($$SELECT * FROM ip WHERE k = ANY($1::text[]::int[])$$);
DROP TABLE ip;

-- UNION ALL, CTE: one row per occurrence of the table
SELECT * FROM ep($$WITH a AS MATERIALIZED (SELECT * FROM ev WHERE ts < '2024-02-01 00:00+00')
SELECT id FROM a UNION ALL SELECT id FROM ev WHERE ts >= '2024-04-01 00:00+00'$$);
-- UPDATE prunes too (planned, never executed)
SELECT * FROM ep($$UPDATE ev SET v = 0 WHERE ts = $1$$);
SELECT count(*) AS untouched FROM ev WHERE v <> 0;

-- multi-level: LIST (region) then RANGE (day); a row per partitioned table
CREATE TABLE m (region text, day date, v int) PARTITION BY LIST (region);
CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu') PARTITION BY RANGE (day);
CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us') PARTITION BY RANGE (day);
CREATE TABLE m_eu_1 PARTITION OF m_eu FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE m_eu_2 PARTITION OF m_eu FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE m_us_1 PARTITION OF m_us FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE m_us_2 PARTITION OF m_us FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE m_other PARTITION OF m DEFAULT;
SELECT * FROM ep($$SELECT * FROM m WHERE day = '2024-02-05'$$);
SELECT * FROM why($$SELECT * FROM m WHERE region = 'eu'$$);
SELECT * FROM ep($$SELECT * FROM m WHERE region = 'eu' AND day = $1$$);
SELECT * FROM why($$SELECT * FROM m WHERE date_trunc('month', day) = '2024-02-01'$$);
SELECT * FROM why($$SELECT * FROM m WHERE lower(region) = 'eu'$$);

-- an expression key, a two-column range key
CREATE TABLE ek (name text, v int) PARTITION BY LIST (lower(name));
CREATE TABLE ek_a PARTITION OF ek FOR VALUES IN ('a');
CREATE TABLE ek_b PARTITION OF ek FOR VALUES IN ('b');
SELECT * FROM ep($$SELECT * FROM ek WHERE lower(name) = 'a'$$);
SELECT * FROM why($$SELECT * FROM ek WHERE name = 'A'$$);
-- the column's name inside a literal of the key expression, and the column
-- twice: the suggestion puts the value in place of the column only
CREATE TABLE ekl (name text, v int) PARTITION BY LIST (('name:' || name || lower(name)));
CREATE TABLE ekl_a PARTITION OF ekl FOR VALUES IN ('name:Aa');
CREATE TABLE ekl_b PARTITION OF ekl FOR VALUES IN ('name:Bb');
SELECT * FROM why($$SELECT * FROM ekl WHERE name = 'A'$$);
CREATE TABLE mc (a int, b int) PARTITION BY RANGE (a, b);
CREATE TABLE mc1 PARTITION OF mc FOR VALUES FROM (0, 0) TO (10, 0);
CREATE TABLE mc2 PARTITION OF mc FOR VALUES FROM (10, 0) TO (20, 0);
SELECT * FROM why($$SELECT * FROM mc WHERE b = 5$$);
SELECT * FROM ep($$SELECT * FROM mc WHERE a = $1 AND b = $2$$);
-- semi-joins, and an array parameter the generic plan cannot prune with
SELECT * FROM why($$SELECT * FROM ev e WHERE EXISTS (SELECT 1 FROM dim d WHERE d.ts = e.ts)$$);
SELECT * FROM why($$SELECT * FROM ev WHERE ts = ANY ($1)$$);

-- hash: equality prunes, a range does not
CREATE TABLE h (id int, v int) PARTITION BY HASH (id);
CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (modulus 4, remainder 0);
CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (modulus 4, remainder 1);
CREATE TABLE h2 PARTITION OF h FOR VALUES WITH (modulus 4, remainder 2);
CREATE TABLE h3 PARTITION OF h FOR VALUES WITH (modulus 4, remainder 3);
SELECT * FROM ep($$SELECT * FROM h WHERE id IN (1, 2)$$);
SELECT * FROM why($$SELECT * FROM h WHERE id < 10$$);
SELECT * FROM why($$SELECT * FROM h WHERE id = 1.5$$);
SELECT * FROM why($$SELECT * FROM h WHERE id NOT IN (1, 2)$$);

-- hostile and bad input: an ERROR, and nothing executed
SELECT * FROM ep($$SELECT 1; CREATE TABLE hostile ()$$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep($$DELETE FROM ev; DROP TABLE ev$$);
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('hostile') AS hostile, count(*) AS ev_rows FROM ev;
SELECT * FROM ep('');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep('  -- nothing but a comment');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep('SELEC 1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep('CREATE TABLE hostile ()');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep('SELECT * INTO hostile FROM ev');
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('hostile') AS hostile;
-- actual => true runs only a plain SELECT
SELECT * FROM ep($$DELETE FROM ev$$, true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep($$WITH d AS (DELETE FROM ev RETURNING *) SELECT * FROM d$$, true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = '2024-02-05 00:00+00' FOR UPDATE$$, true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ep($$SELECT nextval('no_such_seq'::text) FROM ev$$, true);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS ev_rows FROM ev;
-- the query runs with the caller's rights
CREATE ROLE ps_pruning_nobody;
SET ROLE ps_pruning_nobody;
SELECT * FROM ep($$SELECT * FROM ev WHERE ts = '2024-02-05 00:00+00'$$);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP ROLE ps_pruning_nobody;
-- statement_timeout applies to actual => true
CREATE FUNCTION slow() RETURNS int STABLE LANGUAGE plpgsql
AS $$ BEGIN PERFORM pg_sleep(5); RETURN 1; END $$;
SET statement_timeout = '200ms';
SELECT * FROM ep($$SELECT slow() FROM ev WHERE ts = '2024-02-05 00:00+00'$$, true);
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
-- the workload report needs pg_stat_statements (test/t/020_workload.pl)
SELECT * FROM partstrat_workload_pruning();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_key_candidates('ev');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_key_candidates('ev_ts');
\echo :LAST_ERROR_SQLSTATE
-- hard cases of PostgreSQL's partition_prune.sql, each with its own diagnosis
-- a COLLATE other than the partition key's: no pruning, said as such
CREATE TABLE coll_pruning (a text COLLATE "C") PARTITION BY LIST (a);
CREATE TABLE coll_pruning_a PARTITION OF coll_pruning FOR VALUES IN ('a');
CREATE TABLE coll_pruning_b PARTITION OF coll_pruning FOR VALUES IN ('b');
CREATE TABLE coll_pruning_def PARTITION OF coll_pruning DEFAULT;
SELECT * FROM ep($$SELECT * FROM coll_pruning WHERE a COLLATE "C" = 'a' COLLATE "C"$$);
SELECT * FROM ep($$SELECT * FROM coll_pruning WHERE a COLLATE "POSIX" = 'a' COLLATE "POSIX"$$);
SELECT * FROM why($$SELECT * FROM coll_pruning WHERE a COLLATE "POSIX" = 'a' COLLATE "POSIX"$$);
-- the suggested rewrite prunes
SELECT * FROM ep($$SELECT * FROM coll_pruning WHERE a = 'a' COLLATE "C"$$);
-- a hash key on two columns given one of them, or an OR across them
CREATE TABLE hp (a int, b text, c int) PARTITION BY HASH (a, b);
CREATE TABLE hp0 PARTITION OF hp FOR VALUES WITH (modulus 4, remainder 0);
CREATE TABLE hp1 PARTITION OF hp FOR VALUES WITH (modulus 4, remainder 1);
CREATE TABLE hp2 PARTITION OF hp FOR VALUES WITH (modulus 4, remainder 2);
CREATE TABLE hp3 PARTITION OF hp FOR VALUES WITH (modulus 4, remainder 3);
SELECT * FROM ep($$SELECT * FROM hp WHERE a = 1$$);
SELECT * FROM why($$SELECT * FROM hp WHERE a = 1$$);
SELECT * FROM why($$SELECT * FROM hp WHERE b = 'xxx'$$);
SELECT * FROM why($$SELECT * FROM hp WHERE a = 1 AND b IS NULL$$);
SELECT * FROM ep($$SELECT * FROM hp WHERE a = 1 OR b = 'xxx'$$);
SELECT * FROM why($$SELECT * FROM hp WHERE a = 1 OR b = 'xxx'$$);
SELECT * FROM why($$SELECT * FROM hp WHERE (a = 1 AND b = 'abcde') OR (a = 2 AND b = 'xxx') OR (a IS NULL AND b IS NULL)$$);
-- a range key on two columns: an OR branch without the first column
CREATE TABLE mc2p (a int, b int) PARTITION BY RANGE (a, b);
CREATE TABLE mc2p0 PARTITION OF mc2p FOR VALUES FROM (MINVALUE, MINVALUE) TO (1, MINVALUE);
CREATE TABLE mc2p1 PARTITION OF mc2p FOR VALUES FROM (1, MINVALUE) TO (2, MINVALUE);
CREATE TABLE mc2p2 PARTITION OF mc2p FOR VALUES FROM (2, MINVALUE) TO (MAXVALUE, MAXVALUE);
SELECT * FROM why($$SELECT * FROM mc2p WHERE a = 1 OR b = 1$$);
-- IS UNKNOWN: PostgreSQL 17 prunes it as IS NULL, 15 does not (the plans and
-- diagnoses of 17 and 18 are in expected/pruning_1.out)
CREATE TABLE boolpart (a bool) PARTITION BY LIST (a);
CREATE TABLE boolpart_default PARTITION OF boolpart DEFAULT;
CREATE TABLE boolpart_t PARTITION OF boolpart FOR VALUES IN ('true');
CREATE TABLE boolpart_f PARTITION OF boolpart FOR VALUES IN ('false');
SELECT * FROM ep($$SELECT * FROM boolpart WHERE a IS UNKNOWN$$);
SELECT * FROM why($$SELECT * FROM boolpart WHERE a IS UNKNOWN$$);
SELECT * FROM why($$SELECT * FROM boolpart WHERE a IS NOT UNKNOWN$$);
SELECT * FROM ep($$SELECT * FROM boolpart WHERE a IS NULL$$);
-- = ANY over a NULL array with a stable cross-type operator
CREATE TABLE stable_qual_pruning (a timestamp) PARTITION BY RANGE (a);
CREATE TABLE stable_qual_pruning1 PARTITION OF stable_qual_pruning
  FOR VALUES FROM ('2000-01-01') TO ('2000-02-01');
CREATE TABLE stable_qual_pruning2 PARTITION OF stable_qual_pruning
  FOR VALUES FROM ('2000-02-01') TO ('2000-03-01');
CREATE TABLE stable_qual_pruning3 PARTITION OF stable_qual_pruning
  FOR VALUES FROM ('3000-02-01') TO ('3000-03-01');
SELECT * FROM ep($$SELECT * FROM stable_qual_pruning WHERE a = ANY (NULL::timestamptz[])$$, true);
SELECT * FROM why($$SELECT * FROM stable_qual_pruning WHERE a = ANY (NULL::timestamptz[])$$);
SELECT * FROM ep($$SELECT * FROM stable_qual_pruning WHERE a = ANY (NULL::timestamp[])$$);
-- run-time pruning at the sub-partitioned level, on its own key
CREATE TABLE ab (a int NOT NULL, b int NOT NULL) PARTITION BY LIST (a);
CREATE TABLE ab_a1 PARTITION OF ab FOR VALUES IN (1) PARTITION BY LIST (b);
CREATE TABLE ab_a1_b1 PARTITION OF ab_a1 FOR VALUES IN (1);
CREATE TABLE ab_a1_b2 PARTITION OF ab_a1 FOR VALUES IN (2);
CREATE TABLE ab_a1_b3 PARTITION OF ab_a1 FOR VALUES IN (3);
CREATE TABLE ab_a2 PARTITION OF ab FOR VALUES IN (2) PARTITION BY LIST (b);
CREATE TABLE ab_a2_b1 PARTITION OF ab_a2 FOR VALUES IN (1);
CREATE TABLE ab_a2_b2 PARTITION OF ab_a2 FOR VALUES IN (2);
CREATE TABLE ab_a2_b3 PARTITION OF ab_a2 FOR VALUES IN (3);
CREATE TABLE lprt_a (a int NOT NULL);
INSERT INTO lprt_a SELECT 0 FROM generate_series(1, 100);
INSERT INTO lprt_a VALUES (1), (1);
ANALYZE lprt_a;
SELECT * FROM ep($$SELECT * FROM ab WHERE b = $1$$);
SELECT * FROM why($$SELECT * FROM ab WHERE b = $1$$);
SELECT * FROM ep($$SELECT * FROM ab WHERE b = (SELECT 1)$$, true);
SELECT * FROM why($$SELECT * FROM ab WHERE b = (SELECT 1)$$);
-- an initplan prunes during execution, once, not at executor startup
SELECT * FROM ep($$SELECT * FROM ab WHERE a = (SELECT max(a) FROM lprt_a) AND b = (SELECT max(a) - 1 FROM lprt_a)$$, true);
SELECT * FROM why($$SELECT * FROM ab WHERE a = (SELECT max(a) FROM lprt_a) AND b = (SELECT max(a) - 1 FROM lprt_a)$$);
DROP TABLE coll_pruning, hp, mc2p, boolpart, stable_qual_pruning, ab, lprt_a;
-- NULL: no rows
SELECT count(*) FROM partstrat_explain_pruning(NULL);
