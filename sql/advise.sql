--
-- advise: partstrat_advise() and partstrat_report() on real data, with the
-- exact advice expected; running the advice (or, for actions whose DDL
-- comes from the DDL generators, the generated script itself, run with
-- \gexec), then ANALYZE, makes it go away without losing a row.
--
SET client_min_messages = notice;
-- a schema of its own: table names never collide with other tests
CREATE SCHEMA ps_advise;
SET search_path = ps_advise, public;
-- time-based advice (premake, retention, merge) looks at this "now"
SET partstrat.reference_time = '2027-06-01 00:00:00+00';

CREATE FUNCTION advice(t regclass, target bigint DEFAULT NULL, retention interval DEFAULT NULL)
RETURNS TABLE (priority int, action text, partitions regclass[], reason text,
               est_rows_moved bigint, est_lock text)
LANGUAGE sql AS $$
  SELECT priority, action, partitions, reason, est_rows_moved, est_lock
  FROM partstrat_advise(t, target, retention)
$$;

------------------------------------------------------------------------
-- balanced and healthy: no advice, with the default target and a small one
------------------------------------------------------------------------
CREATE TABLE bal (k int, v text) PARTITION BY RANGE (k);
SELECT format('CREATE TABLE bal_%s PARTITION OF bal FOR VALUES FROM (%s) TO (%s)', i, i * 1000, (i + 1) * 1000)
FROM generate_series(0, 7) i \gexec
INSERT INTO bal SELECT g % 8000, 'v' FROM generate_series(1, 16000) g;
SELECT pg_stat_force_next_flush();
ANALYZE bal;
SELECT * FROM partstrat_advise('bal');
SELECT count(*) AS advice, max(pg_total_relation_size(p.relid)) < 2 * 65536 AS leaves_under_twice_target
FROM partstrat_advise('bal', 65536), pg_partition_tree('bal') p;
SELECT * FROM partstrat_advise('bal', 65536);

------------------------------------------------------------------------
-- a monthly table where one month holds most rows: split it
------------------------------------------------------------------------
CREATE TABLE sales (id int, ts date NOT NULL, amount int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF sales FOR VALUES FROM (%L) TO (%L)',
              'sales_2026_' || lpad(m::text, 2, '0'),
              to_char(make_date(2026, m, 1), 'YYYY-MM-DD'),
              to_char(make_date(2026, m, 1) + interval '1 month', 'YYYY-MM-DD'))
FROM generate_series(1, 6) m \gexec
INSERT INTO sales SELECT g, make_date(2026, 1 + g % 6, 1) + (g / 6) % 28, g % 100
FROM generate_series(1, 6000) g;
INSERT INTO sales SELECT g, date '2026-03-01' + g % 31, g % 100
FROM generate_series(1, 20000) g;
SELECT pg_stat_force_next_flush();
ANALYZE sales;
SELECT * FROM advice('sales', 262144);
SELECT evidence FROM partstrat_advise('sales', 262144);
-- the split into the advised 4 pieces, by the advice's own script: the
-- advice does not come back, and no row is lost
SELECT action, ddl IS NOT NULL AS has_ddl, evidence->>'ddl_error' AS ddl_error
FROM partstrat_advise('sales', 262144);
CREATE TEMP TABLE sales_before AS SELECT count(*) AS n, sum(id) AS s FROM sales;
SELECT tableoid::regclass AS partition, count(*) FROM sales GROUP BY 1 ORDER BY 1;
SELECT ddl FROM partstrat_advise('sales', 262144) WHERE action = 'split' \gexec
SELECT tableoid::regclass AS partition, count(*) FROM sales GROUP BY 1 ORDER BY 1;
SELECT pg_stat_force_next_flush();
ANALYZE sales;
SELECT * FROM advice('sales', 262144);
SELECT (SELECT count(*) FROM sales) = n AND (SELECT sum(id) FROM sales) = s AS no_row_lost FROM sales_before;

------------------------------------------------------------------------
-- many tiny daily partitions: merge them by month
------------------------------------------------------------------------
SET partstrat.merge_min_leaves = 30;
CREATE TABLE clicks (id int, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
              'clicks_' || to_char(t, 'YYYYMMDD'), to_char(t, 'YYYY-MM-DD 00:00:00+00'),
              to_char(t + interval '1 day', 'YYYY-MM-DD 00:00:00+00'))
FROM generate_series(timestamp '2026-01-01', '2026-02-09', '1 day') t \gexec
INSERT INTO clicks SELECT g, timestamptz '2026-01-01 00:00:00+00' + (g % 40) * interval '1 day'
FROM generate_series(1, 2000) g;
SELECT pg_stat_force_next_flush();
ANALYZE clicks;
SELECT priority, action, array_length(partitions, 1) AS leaves, partitions[1] AS first,
       partitions[array_length(partitions, 1)] AS last, reason, est_rows_moved, est_lock
FROM partstrat_advise('clicks', 1048576);
SELECT evidence - 'bytes' AS evidence FROM partstrat_advise('clicks', 1048576);
-- below merge_min_leaves, a few dozen small leaves are fine
RESET partstrat.merge_min_leaves;
SELECT count(*) AS advice FROM partstrat_advise('clicks', 1048576);
SET partstrat.merge_min_leaves = 30;
-- merged by the advice's scripts: nothing more to merge
CREATE TEMP TABLE clicks_before AS SELECT count(*) AS n FROM clicks;
SELECT ddl FROM partstrat_advise('clicks', 1048576) WHERE action = 'merge' ORDER BY priority \gexec
SELECT tableoid::regclass AS partition, count(*) FROM clicks GROUP BY 1 ORDER BY 1;
SELECT partition, range_from, range_to FROM partstrat_partitions('clicks') ORDER BY range_from;
SELECT pg_stat_force_next_flush();
ANALYZE clicks;
SELECT * FROM advice('clicks', 1048576);
SELECT (SELECT count(*) FROM clicks) = n AS no_row_lost FROM clicks_before;
RESET partstrat.merge_min_leaves;

------------------------------------------------------------------------
-- rows in DEFAULT: rescue them
------------------------------------------------------------------------
CREATE TABLE logs (id int, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE logs_2026_01 PARTITION OF logs FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE logs_2026_02 PARTITION OF logs FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE logs_default PARTITION OF logs DEFAULT;
INSERT INTO logs SELECT g, date '2026-01-01' + g % 59 FROM generate_series(1, 5900) g;
INSERT INTO logs SELECT g, date '2026-03-01' + g % 20 FROM generate_series(1, 400) g;
SELECT pg_stat_force_next_flush();
ANALYZE logs;
SELECT * FROM advice('logs');
SELECT evidence - 'bytes' AS evidence FROM partstrat_advise('logs');
-- rescued by the advice's script: the DEFAULT's rows get a partition of
-- their own
CREATE TEMP TABLE logs_before AS SELECT count(*) AS n FROM logs;
SELECT ddl FROM partstrat_advise('logs') WHERE action = 'rescue_default' \gexec
SELECT tableoid::regclass AS partition, count(*) FROM logs GROUP BY 1 ORDER BY 1;
SELECT pg_stat_force_next_flush();
ANALYZE logs;
SELECT * FROM advice('logs');
SELECT (SELECT count(*) FROM logs) = n AS no_row_lost FROM logs_before;

------------------------------------------------------------------------
-- hash with a whale tenant: repartition, not split
------------------------------------------------------------------------
CREATE TABLE orders (tenant int, id int, note text) PARTITION BY HASH (tenant);
SELECT format('CREATE TABLE orders_%s PARTITION OF orders FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO orders SELECT g % 1000, g, 'o' FROM generate_series(1, 20000) g;
INSERT INTO orders SELECT 42, g, 'whale' FROM generate_series(1, 20000) g;
SELECT pg_stat_force_next_flush();
ANALYZE orders;
SELECT * FROM advice('orders', 262144);
SELECT ddl FROM partstrat_advise('orders', 262144);
SELECT jsonb_pretty(evidence - 'proposed_layout') FROM partstrat_advise('orders', 262144);
-- the proposed layout is valid, holds every row, and the predicted rows
-- per new partition are within 10 % of what it really gets (the layout is
-- kept first: once orders_new exists, the advice names its proposal anew)
CREATE TEMP TABLE orders_proposal AS
SELECT evidence->'proposed_layout' AS layout FROM partstrat_advise('orders', 262144);
SELECT ddl FROM partstrat_advise('orders', 262144) \gexec
INSERT INTO orders_new SELECT * FROM orders;
SELECT (SELECT count(*) FROM orders_new) = (SELECT count(*) FROM orders) AS no_row_lost;
SELECT l->>'partition' AS partition, (l->>'predicted_rows')::int AS predicted, c.n AS actual,
       abs(c.n - (l->>'predicted_rows')::int) <= 0.1 * c.n AS within_10pct
FROM orders_proposal a,
     jsonb_array_elements(a.layout) l
JOIN (SELECT tableoid::regclass::text AS t, count(*) AS n FROM orders_new GROUP BY 1) c
  ON c.t = l->>'partition'
ORDER BY 1;
DROP TABLE orders_new, orders_proposal;
-- pg_read_all_stats without SELECT: size-based advice only, and it says so
-- (no heavy values: the oversized leaf gets a split, its key unchecked)
CREATE ROLE ps_advise_reader IN ROLE pg_read_all_stats;
GRANT USAGE ON SCHEMA ps_advise TO ps_advise_reader;
SET ROLE ps_advise_reader;
SELECT priority, action, partitions, evidence->>'pg_stats' AS pg_stats,
       evidence->>'key_values' AS key_values
FROM partstrat_advise('orders', 262144);
RESET ROLE;
REVOKE USAGE ON SCHEMA ps_advise FROM ps_advise_reader;
DROP ROLE ps_advise_reader;

------------------------------------------------------------------------
-- list of range with one hot sub-partition: split it, at its level
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
SELECT * FROM advice('visits', 131072);

------------------------------------------------------------------------
-- never analyzed: analyze first, and the rest says it is an estimate
------------------------------------------------------------------------
CREATE TABLE fresh (k int, v text) PARTITION BY RANGE (k);
CREATE TABLE fresh_a PARTITION OF fresh FOR VALUES FROM (0) TO (1000);
CREATE TABLE fresh_b PARTITION OF fresh FOR VALUES FROM (1000) TO (2000);
CREATE TABLE fresh_c PARTITION OF fresh FOR VALUES FROM (2000) TO (3000);
INSERT INTO fresh SELECT g % 1000, 'a' FROM generate_series(1, 20000) g;
INSERT INTO fresh SELECT 1000 + g % 1000, 'b' FROM generate_series(1, 1000) g;
SELECT pg_stat_force_next_flush();
SELECT * FROM advice('fresh', 262144);
-- the split generator needs statistics: it refuses, and the advice says
-- why instead of failing
SELECT action, ddl IS NULL AS no_ddl, evidence->>'ddl_error' AS ddl_error,
       evidence->>'ddl_hint' AS ddl_hint
FROM partstrat_advise('fresh', 262144);
SELECT ddl FROM partstrat_advise('fresh', 262144) WHERE action = 'analyze' \gexec
SELECT * FROM advice('fresh', 262144);

------------------------------------------------------------------------
-- a missing index, and stale statistics
------------------------------------------------------------------------
CREATE TABLE acct (id int, k int NOT NULL, v text) PARTITION BY RANGE (k);
SELECT format('CREATE TABLE acct_%s PARTITION OF acct FOR VALUES FROM (%s) TO (%s)', i, i * 100, (i + 1) * 100)
FROM generate_series(0, 3) i \gexec
SELECT format('CREATE INDEX ON acct_%s (id) WHERE v IS NOT NULL', i) FROM generate_series(0, 3) i WHERE i <> 2 \gexec
CREATE UNIQUE INDEX ON acct_0 (k, id);
CREATE UNIQUE INDEX ON acct_1 (k, id);
CREATE UNIQUE INDEX ON acct_3 (k, id);
INSERT INTO acct SELECT g, g % 400, 'x' FROM generate_series(1, 4000) g;
SELECT pg_stat_force_next_flush();
ANALYZE acct;
DELETE FROM acct WHERE k BETWEEN 300 AND 399 AND id % 2 = 0;   -- half of acct_3
SELECT pg_stat_force_next_flush();
-- under a quarter of the default target: no add_index (not material)
SELECT * FROM advice('acct');
-- a small target: the table matters
SELECT * FROM advice('acct', 262144);
SELECT action, ddl FROM partstrat_advise('acct', 262144);
SELECT ddl FROM partstrat_advise('acct', 262144) \gexec
SELECT * FROM advice('acct', 262144);

------------------------------------------------------------------------
-- retention, premake and an empty DEFAULT that blocks DETACH CONCURRENTLY
------------------------------------------------------------------------
CREATE TABLE metrics (ts timestamptz NOT NULL, val int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF metrics FOR VALUES FROM (%L) TO (%L)',
              'metrics_2026_' || lpad(m::text, 2, '0'),
              to_char(make_date(2026, m, 1), 'YYYY-MM-DD 00:00:00+00'),
              to_char(make_date(2026, m, 1) + interval '1 month', 'YYYY-MM-DD 00:00:00+00'))
FROM generate_series(1, 6) m \gexec
CREATE TABLE metrics_default PARTITION OF metrics DEFAULT;
INSERT INTO metrics SELECT timestamptz '2026-01-01 00:00:00+00' + (g % 180) * interval '1 day', g
FROM generate_series(1, 1800) g;
SELECT pg_stat_force_next_flush();
ANALYZE metrics;
SET partstrat.reference_time = '2026-06-10 00:00:00+00';
SELECT * FROM advice('metrics');
SELECT * FROM advice('metrics', NULL, '3 months');
SELECT action, evidence FROM partstrat_advise('metrics', NULL, '3 months');
-- the advice's scripts, in priority order: nothing comes back, and the
-- detached partitions keep their rows
CREATE TEMP TABLE metrics_before AS SELECT count(*) AS n, sum(val) AS s FROM metrics;
SELECT ddl FROM partstrat_advise('metrics', NULL, '3 months') ORDER BY priority \gexec
SELECT partition, range_from, range_to FROM partstrat_partitions('metrics') ORDER BY range_from;
SELECT relname, relispartition FROM pg_class
WHERE relname IN ('metrics_2026_01', 'metrics_2026_02', 'metrics_default') ORDER BY 1;
ANALYZE metrics;
SELECT * FROM advice('metrics', NULL, '3 months');
SELECT (SELECT count(*) FROM metrics) + (SELECT count(*) FROM metrics_2026_01)
       + (SELECT count(*) FROM metrics_2026_02) = n
   AND (SELECT sum(val) FROM metrics) + (SELECT sum(val) FROM metrics_2026_01)
       + (SELECT sum(val) FROM metrics_2026_02) = s AS no_row_lost
FROM metrics_before;
-- without a DEFAULT, the retention script detaches CONCURRENTLY: top-level
-- statements outside a transaction block, run as psql -f would (\gexec
-- sends a script as one query, an implicit transaction block)
CREATE TABLE events (ts timestamptz NOT NULL, val int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
              'events_2026_' || lpad(m::text, 2, '0'),
              to_char(make_date(2026, m, 1), 'YYYY-MM-DD 00:00:00+00'),
              to_char(make_date(2026, m, 1) + interval '1 month', 'YYYY-MM-DD 00:00:00+00'))
FROM generate_series(1, 9) m \gexec
INSERT INTO events SELECT timestamptz '2026-01-01 00:00:00+00' + (g % 270) * interval '1 day', g
FROM generate_series(1, 2700) g;
SELECT pg_stat_force_next_flush();
ANALYZE events;
SELECT * FROM advice('events', NULL, '3 months');
CREATE TEMP TABLE events_before AS SELECT count(*) AS n, sum(val) AS s FROM events;
\getenv abs_builddir PG_ABS_BUILDDIR
\set retention_script :abs_builddir '/results/advise_retention.sql'
\pset format unaligned
\pset tuples_only on
SELECT ddl FROM partstrat_advise('events', NULL, '3 months') WHERE action = 'retention' \g :retention_script
\pset format aligned
\pset tuples_only off
\i :retention_script
SELECT partition, range_from, range_to FROM partstrat_partitions('events') ORDER BY range_from;
ANALYZE events;
SELECT * FROM advice('events', NULL, '3 months');
SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM events_2026_01)
       + (SELECT count(*) FROM events_2026_02) = n
   AND (SELECT sum(val) FROM events) + (SELECT sum(val) FROM events_2026_01)
       + (SELECT sum(val) FROM events_2026_02) = s AS no_row_lost
FROM events_before;
-- retention on a table not partitioned by time: one row without DDL says
-- why (its bounds do not read as an epoch either), no NOTICE
SELECT action, partitions, ddl IS NULL AS no_ddl, evidence->>'ddl_error' AS why
FROM partstrat_advise('bal', NULL, '1 day');
SET partstrat.reference_time = '2027-06-01 00:00:00+00';

------------------------------------------------------------------------
-- a hole in the coverage and no DEFAULT: rows are rejected
------------------------------------------------------------------------
CREATE TABLE holes (k int) PARTITION BY RANGE (k);
CREATE TABLE holes_0 PARTITION OF holes FOR VALUES FROM (0) TO (100);
CREATE TABLE holes_2 PARTITION OF holes FOR VALUES FROM (200) TO (300);
INSERT INTO holes SELECT g % 100 FROM generate_series(1, 500) g;
INSERT INTO holes SELECT 200 + g % 100 FROM generate_series(1, 500) g;
ANALYZE holes;
SELECT * FROM advice('holes');
SELECT ddl FROM partstrat_advise('holes') \gexec
SELECT * FROM advice('holes');

------------------------------------------------------------------------
-- an oversized range leaf whose rows sit on one customer: repartition it
-- (splitting the range cannot separate one value)
------------------------------------------------------------------------
CREATE TABLE invoices (customer int NOT NULL, id int, amount int) PARTITION BY RANGE (customer);
CREATE TABLE invoices_0 PARTITION OF invoices FOR VALUES FROM (0) TO (100);
CREATE TABLE invoices_1 PARTITION OF invoices FOR VALUES FROM (100) TO (200);
CREATE TABLE invoices_2 PARTITION OF invoices FOR VALUES FROM (200) TO (300);
INSERT INTO invoices SELECT g % 300, g, 1 FROM generate_series(1, 3000) g;
INSERT INTO invoices SELECT 7, g, 1 FROM generate_series(1, 15000) g;
SELECT pg_stat_force_next_flush();
ANALYZE invoices;
SELECT * FROM advice('invoices', 131072);
SELECT ddl FROM partstrat_advise('invoices', 131072);
SELECT ddl FROM partstrat_advise('invoices', 131072) \gexec
INSERT INTO invoices_0_new SELECT * FROM invoices_0;
SELECT (SELECT count(*) FROM invoices_0_new) = (SELECT count(*) FROM invoices_0) AS no_row_lost,
       (SELECT count(*) FROM invoices_0_new_v1) AS whale_rows;

------------------------------------------------------------------------
-- uniform hash leaves above twice the target: one split of them all, to a
-- larger modulus; its DDL is each leaf's split script, in remainder order
------------------------------------------------------------------------
CREATE TABLE uni (tenant int, id int) PARTITION BY HASH (tenant);
SELECT format('CREATE TABLE uni_%s PARTITION OF uni FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO uni SELECT g % 1000, g FROM generate_series(1, 40000) g;
SELECT pg_stat_force_next_flush();
ANALYZE uni;
SELECT * FROM advice('uni', 131072);
SELECT jsonb_pretty(evidence) AS evidence,
       ddl = (SELECT string_agg(partstrat_ddl_split(format('uni_%s', r)::regclass, 4), E'\n' ORDER BY r)
              FROM generate_series(0, 3) r) AS ddl_is_the_four_scripts
FROM partstrat_advise('uni', 131072);
SELECT tenant % 7 AS bucket, count(*), sum(id) FROM uni GROUP BY 1 ORDER BY 1;
-- (the four scripts, run without echoing them: ddl_split shows such scripts)
\set ECHO none
SELECT ddl FROM partstrat_advise('uni', 131072) \gexec
\set ECHO all
ANALYZE uni;
SELECT * FROM partstrat_advise('uni', 131072);
SELECT count(*) AS leaves, string_agg(DISTINCT substring(bound from 'modulus \d+'), ', ') AS moduli
FROM (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'uni'::regclass) b;
SELECT tenant % 7 AS bucket, count(*), sum(id) FROM uni GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------
-- two of four hash leaves oversized (distinct keys: no whale): one split of
-- the two; a single oversized hash leaf keeps a split row of its own
------------------------------------------------------------------------
CREATE TABLE hh (k int, v int) PARTITION BY HASH (k);
SELECT format('CREATE TABLE hh_%s PARTITION OF hh FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO hh SELECT g, g FROM generate_series(1, 20000) g
WHERE g <= 2000 OR satisfies_hash_partition('hh'::regclass, 4, 0, g)
   OR satisfies_hash_partition('hh'::regclass, 4, 2, g);
SELECT pg_stat_force_next_flush();
ANALYZE hh;
SELECT * FROM advice('hh', 65536);
SELECT evidence->'split' AS split,
       ddl = (SELECT string_agg(partstrat_ddl_split(format('hh_%s', r)::regclass, 4), E'\n' ORDER BY r)
              FROM unnest('{0,2}'::int[]) r) AS ddl_is_the_two_scripts
FROM partstrat_advise('hh', 65536);
SELECT count(*), sum(v) FROM hh;
\set ECHO none
SELECT ddl FROM partstrat_advise('hh', 65536) \gexec
\set ECHO all
ANALYZE hh;
SELECT * FROM partstrat_advise('hh', 65536);
SELECT count(*), sum(v) FROM hh;
CREATE TABLE hs (k int, v int) PARTITION BY HASH (k);
SELECT format('CREATE TABLE hs_%s PARTITION OF hs FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO hs SELECT g, g FROM generate_series(1, 20000) g
WHERE g <= 2000 OR satisfies_hash_partition('hs'::regclass, 4, 3, g);
SELECT pg_stat_force_next_flush();
ANALYZE hs;
SELECT * FROM advice('hs', 65536);

------------------------------------------------------------------------
-- a big DEFAULT of a list parent: every ATTACH scans it
------------------------------------------------------------------------
CREATE TABLE people (country text, id int) PARTITION BY LIST (country);
CREATE TABLE people_fr PARTITION OF people FOR VALUES IN ('fr');
CREATE TABLE people_de PARTITION OF people FOR VALUES IN ('de');
CREATE TABLE people_other PARTITION OF people DEFAULT;
INSERT INTO people SELECT (ARRAY['fr', 'de'])[1 + g % 2], g FROM generate_series(1, 2000) g;
INSERT INTO people SELECT 'c' || (g % 60), g FROM generate_series(1, 4000) g;
INSERT INTO people VALUES (NULL, 0);
SELECT pg_stat_force_next_flush();
ANALYZE people;
SELECT * FROM advice('people', 262144);
SELECT evidence FROM partstrat_advise('people', 262144);
-- the guard lists the DEFAULT's 60 values
SELECT ddl AS guard FROM partstrat_advise('people', 262144)
WHERE action = 'guard_default' \gset
SELECT :'guard' = partstrat_ddl_guard_default('people') AS same_as_generator,
       :'guard' ~ 'CHECK \(country IS NULL OR country IN \(''c0'', ''c1'', ''c10'',' AS lists_values;
:guard
SELECT count(*) FROM people;
-- ATTACH of a new value now skips the scan of the DEFAULT
CREATE TABLE people_it (LIKE people);
INSERT INTO people_it VALUES ('it', 1);
SET client_min_messages = debug1;
ALTER TABLE people ATTACH PARTITION people_it FOR VALUES IN ('it');
RESET client_min_messages;
-- a value without a partition is refused; the DEFAULT's own values go on
INSERT INTO people VALUES ('zz', 1);
INSERT INTO people VALUES ('c7', 1), (NULL, 1);
SELECT count(*) FROM people;
SELECT pg_stat_force_next_flush();
ANALYZE people;
-- guarded: no advice
SELECT * FROM advice('people', 262144);

-- more values than a CHECK can list for the prover (100): no guard advised,
-- and the generator says why
CREATE TABLE people2 (country text, id int) PARTITION BY LIST (country);
CREATE TABLE people2_fr PARTITION OF people2 FOR VALUES IN ('fr');
CREATE TABLE people2_de PARTITION OF people2 FOR VALUES IN ('de');
CREATE TABLE people2_other PARTITION OF people2 DEFAULT;
INSERT INTO people2 SELECT (ARRAY['fr', 'de'])[1 + g % 2], g FROM generate_series(1, 2000) g;
INSERT INTO people2 SELECT 'c' || (g % 200), g FROM generate_series(1, 4000) g;
SELECT pg_stat_force_next_flush();
ANALYZE people2;
SELECT * FROM advice('people2', 262144);
SELECT partstrat_ddl_guard_default('people2');
\echo :LAST_ERROR_SQLSTATE
DROP TABLE people2;

------------------------------------------------------------------------
-- a list parent whose DEFAULT holds heavy values: rescue them into list
-- partitions of their own
------------------------------------------------------------------------
CREATE TABLE customers (country text, id int) PARTITION BY LIST (country);
CREATE TABLE customers_fr PARTITION OF customers FOR VALUES IN ('FR');
CREATE TABLE customers_de PARTITION OF customers FOR VALUES IN ('DE');
CREATE TABLE customers_us PARTITION OF customers FOR VALUES IN ('US');
CREATE TABLE customers_gb PARTITION OF customers FOR VALUES IN ('GB');
CREATE TABLE customers_default PARTITION OF customers DEFAULT;
CREATE INDEX ON customers (id);
INSERT INTO customers SELECT (ARRAY['FR', 'DE', 'US'])[1 + g % 3], g FROM generate_series(1, 6000) g;
INSERT INTO customers SELECT 'GB', g FROM generate_series(1, 1000) g;
INSERT INTO customers SELECT 'BR', g FROM generate_series(1, 1500) g;
INSERT INTO customers SELECT 'JP', g FROM generate_series(1, 1200) g;
INSERT INTO customers SELECT 'c' || g % 20, g FROM generate_series(1, 300) g;
SELECT pg_stat_force_next_flush();
ANALYZE customers;
SELECT partition, rows, flags FROM partstrat_skew('customers') ORDER BY partition;
SELECT * FROM advice('customers');
SELECT jsonb_pretty(evidence - 'bytes') FROM partstrat_advise('customers');
CREATE TEMP TABLE customers_before AS SELECT count(*) AS n, sum(id) AS s FROM customers;
SELECT tableoid::regclass AS partition, count(*) FROM customers GROUP BY 1 ORDER BY 1;
SELECT ddl FROM partstrat_advise('customers') WHERE action = 'rescue_default' \gexec
SELECT tableoid::regclass AS partition, count(*) FROM customers GROUP BY 1 ORDER BY 1;
SELECT partition, bound FROM partstrat_partitions('customers') ORDER BY partition;
SELECT indexrelid::regclass AS index FROM pg_index
WHERE indrelid IN ('customers_br'::regclass, 'customers_jp'::regclass) ORDER BY 1;
SELECT pg_stat_force_next_flush();
ANALYZE customers;
SELECT * FROM advice('customers');
SELECT (SELECT count(*) FROM customers) = n AND (SELECT sum(id) FROM customers) = s AS no_row_lost
FROM customers_before;
-- hostile names and values: quoted everywhere, names made of the value's
-- letters, a value with a quote and a space
CREATE TABLE "Cli ""ents" ("Land" text, id int) PARTITION BY LIST ("Land");
CREATE TABLE "Cli ""ents_a" PARTITION OF "Cli ""ents" FOR VALUES IN ('a');
CREATE TABLE "Cli ""ents_b" PARTITION OF "Cli ""ents" FOR VALUES IN ('b');
CREATE TABLE "Cli ""ents_rest" PARTITION OF "Cli ""ents" DEFAULT;
INSERT INTO "Cli ""ents" SELECT (ARRAY['a', 'b'])[1 + g % 2], g FROM generate_series(1, 2000) g;
INSERT INTO "Cli ""ents" SELECT 'O''Neil & Co', g FROM generate_series(1, 900) g;
INSERT INTO "Cli ""ents" SELECT 'z' || g % 10, g FROM generate_series(1, 100) g;
ANALYZE "Cli ""ents";
SELECT * FROM advice('"Cli ""ents"');
CREATE TEMP TABLE cli_before AS SELECT count(*) AS n, sum(id) AS s FROM "Cli ""ents";
SELECT ddl FROM partstrat_advise('"Cli ""ents"') WHERE action = 'rescue_default' \gexec
SELECT tableoid::regclass AS partition, "Land" = 'O''Neil & Co' AS heavy, count(*)
FROM "Cli ""ents" GROUP BY 1, 2 ORDER BY 1, 2;
ANALYZE "Cli ""ents";
SELECT * FROM advice('"Cli ""ents"');
SELECT (SELECT count(*) FROM "Cli ""ents") = n AND (SELECT sum(id) FROM "Cli ""ents") = s AS no_row_lost
FROM cli_before;

------------------------------------------------------------------------
-- the report the demo prints
------------------------------------------------------------------------
SET partstrat.target_bytes = '128kB';
SELECT partstrat_report('visits');
RESET partstrat.target_bytes;
-- the split it prints, run at its level (a sub-partition of visits_eu):
-- the advice does not come back, and no row is lost
CREATE TEMP TABLE visits_before AS SELECT count(*) AS n, sum(n) AS s FROM visits;
SELECT ddl FROM partstrat_advise('visits', 131072) WHERE action = 'split' \gexec
SELECT tableoid::regclass AS partition, count(*) FROM visits
WHERE region = 'eu' AND day >= '2026-04-01' AND day < '2026-05-01' GROUP BY 1 ORDER BY 1;
ANALYZE visits;
SELECT * FROM advice('visits', 131072);
SELECT (SELECT count(*) FROM visits) = n AND (SELECT sum(n) FROM visits) = s AS no_row_lost
FROM visits_before;
SELECT partstrat_report('bal');
-- above 40 leaves, only the flagged ones are listed
CREATE TABLE many (k int) PARTITION BY RANGE (k);
SELECT format('CREATE TABLE many_%s PARTITION OF many FOR VALUES FROM (%s) TO (%s)', i, i * 10, (i + 1) * 10)
FROM generate_series(0, 44) i \gexec
INSERT INTO many SELECT g % 450 FROM generate_series(1, 4500) g;
INSERT INTO many SELECT 7 FROM generate_series(1, 2000) g;
SELECT pg_stat_force_next_flush();
ANALYZE many;
SELECT partstrat_report('many');

------------------------------------------------------------------------
-- bad input
------------------------------------------------------------------------
SELECT * FROM partstrat_advise('bal', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_advise('bal', NULL, '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_advise('bal_0');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_advise(NULL);
SELECT partstrat_report(NULL);
SHOW partstrat.target_bytes;
SHOW partstrat.merge_min_leaves;
SHOW partstrat.premake_min;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_advise CASCADE;
