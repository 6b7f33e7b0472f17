/* partstrat--0.1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION partstrat" to load this file. \quit

------------------------------------------------------------------------------
-- Inventory
------------------------------------------------------------------------------

-- Row types of the inventory functions.  They are types of their own (not
-- OUT parameters) so that the argument "parent" and the column "parent" can
-- share a name.
CREATE TYPE partstrat_partition AS (
    partition regclass,
    parent regclass,
    level int,
    is_leaf boolean,
    strategy text,
    partition_key text,
    bound text,
    is_default boolean,
    range_from text[],
    range_to text[],
    list_values text[],
    modulus int,
    remainder int,
    heap_bytes bigint,
    index_bytes bigint,
    toast_bytes bigint,
    total_bytes bigint,
    est_rows bigint,
    rows_source text,
    live_tuples bigint,
    dead_tuples bigint,
    mods_since_analyze bigint,
    last_analyze timestamptz,
    relkind "char",
    detach_pending boolean
);

COMMENT ON TYPE partstrat_partition IS
'one partition of a partitioned table, as returned by partstrat_partitions()';

CREATE FUNCTION partstrat_partitions(parent regclass)
RETURNS SETOF partstrat_partition
AS 'MODULE_PATHNAME', 'partstrat_partitions'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_partitions(regclass) IS
'every partition of a partitioned table (all levels) with its bound, sizes, row estimate and statistics counters';

CREATE TYPE partstrat_tree_summary AS (
    parent regclass,
    leaves int,
    levels int,
    strategies text[],
    total_rows bigint,
    total_bytes bigint,
    empty_leaves int,
    default_partitions int,
    default_rows bigint,
    smallest_leaf regclass,
    smallest_bytes bigint,
    median_bytes bigint,
    largest_leaf regclass,
    largest_bytes bigint,
    stale_stats_leaves int,
    never_analyzed_leaves int,
    detach_pending int,
    foreign_leaves int,
    root regclass
);

COMMENT ON TYPE partstrat_tree_summary IS
'one-row summary of a partition tree, as returned by partstrat_summary()';

CREATE FUNCTION partstrat_summary(parent regclass)
RETURNS partstrat_tree_summary
AS 'MODULE_PATHNAME', 'partstrat_summary'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_summary(regclass) IS
'summary of a partition tree: leaves, levels, strategies, rows, bytes, empty leaves, rows in DEFAULT, smallest/median/largest leaf, stale statistics';

------------------------------------------------------------------------------
-- Skew detection and advice
------------------------------------------------------------------------------

-- (skew functions go here)


------------------------------------------------------------------------------
-- DDL generation
------------------------------------------------------------------------------

-- (DDL generators go here)

CREATE FUNCTION partstrat_ddl_split(
    partition regclass,
    pieces int DEFAULT 2,
    boundaries text[] DEFAULT NULL,
    exact boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_split'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_ddl_split(regclass, int, text[], boolean, interval) IS
'DDL script (text, not executed) that splits one range, list or hash partition into pieces: new tables cloned from it, rows copied and counted, then swapped in under a short ACCESS EXCLUSIVE lock, in one transaction';

CREATE FUNCTION partstrat_ddl_merge(
    partitions regclass[],
    lock_timeout interval DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_merge'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_ddl_merge(regclass[], interval) IS
'DDL script (text, not executed) that merges adjacent range partitions, or list partitions, of one parent into one partition, rows counted, in one transaction';


------------------------------------------------------------------------------
-- DDL generation: retention, premake, DEFAULT rescue
------------------------------------------------------------------------------

CREATE FUNCTION partstrat_ddl_retention(
    parent regclass,
    keep interval DEFAULT NULL,
    keep_count int DEFAULT NULL,
    action text DEFAULT 'detach',
    archive_schema name DEFAULT NULL,
    concurrently boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL,
    as_of timestamptz DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_retention'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_ddl_retention(regclass, interval, int, text, name, boolean, interval, timestamptz) IS
'DDL removing the partitions wholly older than the window (keep: an interval back from as_of, default now(); keep_count: the newest partitions holding rows and those after them): detach, drop or archive (move to archive_schema); concurrently: DETACH ... CONCURRENTLY outside a transaction block';

CREATE FUNCTION partstrat_ddl_premake(
    parent regclass,
    count int,
    step text DEFAULT NULL,
    lock_timeout interval DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_premake'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_ddl_premake(regclass, int, text, interval) IS
'DDL creating the partitions that fill the gaps between existing ones and count more after the last, one step each (inferred from the bounds, or step: daily, weekly, monthly, quarterly, yearly, hourly, an interval or an integer), named like the existing ones';

CREATE FUNCTION partstrat_ddl_rescue_default(
    parent regclass,
    batch_rows int DEFAULT 100000,
    lock_timeout interval DEFAULT NULL,
    step text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_rescue_default'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_ddl_rescue_default(regclass, int, interval, text) IS
'DDL moving the rows of the DEFAULT partition into new partitions of the siblings'' step, one transaction per new partition (rows moved batch_rows at a time, counts asserted, attached without a scan of the new table); rerun it after an interruption';

CREATE FUNCTION partstrat_ddl_guard_default(
    parent regclass,
    lock_timeout interval DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_guard_default'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_ddl_guard_default(regclass, interval) IS
'DDL adding to the DEFAULT partition a CHECK constraint that excludes every key from the first partition''s lower bound up (the ranges the siblings cover or will cover), so that ATTACH does not scan the DEFAULT and the DEFAULT stops taking rows of those ranges';


------------------------------------------------------------------------------
-- Pruning report
------------------------------------------------------------------------------

-- (pruning functions go here)
