-- Messages that name the argument at fault: a keep too long for the key's
-- type names keep (not the step of new partitions), and an index passed where
-- a partition or a partitioned table is expected is called an index (not
-- "a leaf partition" of its parent index, nor is the parent index named).
\set VERBOSITY default
CREATE TABLE arg_d (ts date, v int) PARTITION BY RANGE (ts);
CREATE TABLE arg_d_01 PARTITION OF arg_d FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
CREATE TABLE arg_d_02 PARTITION OF arg_d FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');
CREATE INDEX arg_d_v ON arg_d (v);
CREATE TABLE arg_tz (ts timestamptz) PARTITION BY RANGE (ts);
CREATE TABLE arg_tz_01 PARTITION OF arg_tz FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00');
SELECT partstrat_ddl_retention('arg_d', keep => '1000000 years', as_of => '2026-01-01 00:00+00');
SELECT partstrat_ddl_retention('arg_tz', keep => '1000000 years', as_of => '2026-01-01 00:00+00');
-- a long keep inside the type's range removes nothing
SELECT partstrat_ddl_retention('arg_tz', keep => '6000 years', as_of => '2026-01-01 00:00+00') ~ 'nothing to remove' AS kept;
-- an index partition where a partition is expected
SELECT partstrat_ddl_split('arg_d_01_v_idx', 2);
SELECT partstrat_ddl_merge(ARRAY['arg_d_01_v_idx', 'arg_d_02_v_idx']::regclass[]);
SELECT partstrat_ddl_merge(ARRAY['arg_d_01', 'arg_d_02_v_idx']::regclass[]);
-- an index partition where a partitioned table is expected
SELECT * FROM partstrat_partitions('arg_d_01_v_idx');
SELECT * FROM partstrat_advise('arg_d_01_v_idx');
SELECT partstrat_ddl_premake('arg_d_v', 1);
DROP TABLE arg_d, arg_tz;
