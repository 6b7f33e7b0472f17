-- Every proposal of partstrat_advise() has a cap, and says so in its reason
-- when the cap applies: a target of 1 byte on 30,000 rows once proposed
-- 2^20 hash sub-partitions per heavy value (27 s, 348 MB of DDL).
SET client_min_messages = warning;
-- a hash parent with one heavy value
CREATE TABLE cap_orders (customer int, id int, note text) PARTITION BY HASH (customer);
SELECT format('CREATE TABLE cap_orders_%s PARTITION OF cap_orders FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r \gexec
INSERT INTO cap_orders SELECT g % 1000, g, 'o' FROM generate_series(1, 15000) g;
INSERT INTO cap_orders SELECT 42, g, 'whale' FROM generate_series(1, 15000) g;
-- a range parent whose leaves each need far more pieces than proposed
CREATE TABLE cap_r (k int, v int) PARTITION BY RANGE (k);
SELECT format('CREATE TABLE cap_r_%s PARTITION OF cap_r FOR VALUES FROM (%s) TO (%s)', d, d * 1000, d * 1000 + 1000)
FROM generate_series(0, 29) d \gexec
INSERT INTO cap_r SELECT g, g FROM generate_series(0, 29999) g;
SELECT pg_stat_force_next_flush();
ANALYZE cap_orders, cap_r;
-- repartition: at most 16 hash sub-partitions per value; split: at most 64
-- pieces per leaf; each reason says the cap applied
SELECT action,
       (SELECT count(*) FROM regexp_matches(ddl, 'CREATE TABLE', 'g')) AS tables,
       CASE action
       WHEN 'repartition' THEN reason ~ '; the heaviest value would need \d+ hash sub-partitions of the target size, and partstrat proposes at most 16 per value \(raise the target for fewer\)'
       WHEN 'split' THEN reason ~ 'split each into 64 hash partitions of modulus 256, 193 partitions in all \(the target would need \d+ pieces, and partstrat proposes at most 64 per split: split again later, or raise the target\)'
       END AS says_cap
FROM partstrat_advise('cap_orders', 1)
ORDER BY priority;
-- the heaviest value's proposal holds 16 sub-partitions of it
SELECT count(*) AS sub_partitions
FROM partstrat_advise('cap_orders', 1) a,
     jsonb_array_elements(a.evidence->'proposed_layout') l
WHERE a.priority = 1 AND l->>'bound' LIKE 'FOR VALUES WITH (MODULUS 16,%';
-- split: at most 64 pieces per leaf
SELECT action, count(*) AS actions,
       bool_and((evidence->>'pieces')::int = 64) AS pieces_64,
       bool_and(reason ~ 'split it into 64 pieces \(the target would need \d+ pieces, and partstrat proposes at most 64 per split: split again later, or raise the target\)') AS says_cap
FROM partstrat_advise('cap_r', 1)
GROUP BY action;
-- the whole advice stays small and fast
SELECT sum(length(ddl)) < 2000000 AS small FROM partstrat_advise('cap_orders', 1);
SELECT sum(length(coalesce(ddl, ''))) < 20000000 AS small FROM partstrat_advise('cap_r', 1);
DROP TABLE cap_orders, cap_r;
