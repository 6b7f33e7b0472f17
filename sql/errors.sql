--
-- errors: bad input gives an ERROR with a SQLSTATE, a message and a hint;
-- NULL gives nothing.
--
CREATE TABLE plain (k int);
CREATE TABLE parted (k int, secret text) PARTITION BY RANGE (k);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE VIEW v AS SELECT 1 AS one;
CREATE INDEX plain_k ON plain (k);
CREATE SEQUENCE seq;

-- not partitioned
SELECT * FROM partstrat_partitions('plain');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_summary('plain');
\echo :LAST_ERROR_SQLSTATE
-- a leaf partition
SELECT * FROM partstrat_partitions('parted_1');
\echo :LAST_ERROR_SQLSTATE
-- a view, an index, a sequence
SELECT * FROM partstrat_partitions('v');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_partitions('plain_k');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_summary('seq');
\echo :LAST_ERROR_SQLSTATE
-- does not exist
SELECT * FROM partstrat_partitions('no_such_table');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_partitions(12345::oid::regclass);
\echo :LAST_ERROR_SQLSTATE
-- NULL: nothing
SELECT count(*) FROM partstrat_partitions(NULL);
SELECT partstrat_summary(NULL) IS NULL AS summary_is_null;

-- a role that may not read the table
CREATE ROLE ps_nobody;
CREATE ROLE ps_stats_reader IN ROLE pg_read_all_stats;
CREATE ROLE ps_reader;
GRANT SELECT ON parted TO ps_reader;
SET ROLE ps_nobody;
SELECT * FROM partstrat_partitions('parted');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_summary('parted');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- pg_read_all_stats sees sizes and counters
SET ROLE ps_stats_reader;
SELECT partition, level, est_rows, total_bytes IS NOT NULL AS sized
FROM partstrat_partitions('parted');
RESET ROLE;
-- SELECT on the parent is enough
SET ROLE ps_reader;
SELECT partition, level, range_from, range_to FROM partstrat_partitions('parted');
SELECT leaves FROM partstrat_summary('parted');
RESET ROLE;
DROP ROLE ps_nobody;
DROP ROLE ps_stats_reader;
REVOKE ALL ON parted FROM ps_reader;
DROP ROLE ps_reader;
