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

-- One row of partstrat_skew(): a leaf compared with its siblings.
CREATE TYPE partstrat_skew_leaf AS (
    partition regclass,
    parent regclass,
    level int,
    rows bigint,
    rows_source text,
    bytes bigint,
    share float8,
    ratio_to_median float8,
    robust_z float8,
    density float8,
    density_unit text,
    expected_share float8,
    chi2_p float8,
    heavy_values jsonb,
    flags text[]
);

COMMENT ON TYPE partstrat_skew_leaf IS
'one leaf of a partition tree with its skew measures, as returned by partstrat_skew()';

CREATE FUNCTION partstrat_skew(parent regclass, exact boolean DEFAULT false)
RETURNS SETOF partstrat_skew_leaf
AS 'MODULE_PATHNAME', 'partstrat_skew'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_skew(regclass, boolean) IS
'per leaf: rows, bytes, share, ratio to the median sibling, robust z, density, hash share and flags (oversized, undersized, empty, hot, default_has_rows, hash_imbalance, stale_stats, missing_index, gap_before); exact => true counts the rows';

CREATE TYPE partstrat_skew_level AS (
    level int,
    strategy text,
    partitions int,
    rows bigint,
    gini float8,
    cv float8,
    max_median float8,
    default_share float8,
    chi2 float8,
    chi2_dof int,
    chi2_p float8
);

COMMENT ON TYPE partstrat_skew_level IS
'dispersion of the rows over the partitions of one level, as returned by partstrat_skew_summary()';

CREATE FUNCTION partstrat_skew_summary(parent regclass, exact boolean DEFAULT false)
RETURNS SETOF partstrat_skew_level
AS 'MODULE_PATHNAME', 'partstrat_skew_summary'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_skew_summary(regclass, boolean) IS
'per level of a partition tree: Gini coefficient, coefficient of variation, max/median, share of rows in DEFAULT, and for hash levels the chi-square test (p-value only with exact => true)';

CREATE TYPE partstrat_advice AS (
    priority int,
    action text,
    partitions regclass[],
    reason text,
    evidence jsonb,
    ddl text,
    est_rows_moved bigint,
    est_lock text
);

COMMENT ON TYPE partstrat_advice IS
'one piece of advice of partstrat_advise()';

CREATE FUNCTION partstrat_advise(parent regclass, target_bytes bigint DEFAULT NULL,
                                 retention interval DEFAULT NULL)
RETURNS SETOF partstrat_advice
AS 'MODULE_PATHNAME', 'partstrat_advise'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_advise(regclass, bigint, interval) IS
'ranked advice for a partitioned table (analyze, finalize_detach, split, merge, retention, premake, rescue/guard/create/drop DEFAULT, add_index, repartition), each with its reason, evidence, DDL, rows moved and lock';

CREATE FUNCTION partstrat_report(parent regclass)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_report'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION partstrat_report(regclass) IS
'readable report of a partitioned table: summary, skew per leaf and advice with DDL';


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
    as_of timestamptz DEFAULT NULL,
    epoch text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_ddl_retention'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_ddl_retention(regclass, interval, int, text, name, boolean, interval, timestamptz, text) IS
'DDL removing the partitions wholly older than the window (keep: an interval back from as_of, default now(); keep_count: the newest partitions holding rows and those after them): detach, drop or archive (move to archive_schema); concurrently: DETACH ... CONCURRENTLY outside a transaction block; epoch: the unit (seconds, milliseconds, ...) of an integer key holding time since 1970, for keep';

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
'DDL adding to the DEFAULT partition a CHECK constraint that lets ATTACH skip its scan: for a range parent it excludes every key from the first partition''s lower bound up, for a list parent it admits only the values the DEFAULT holds (at most 100); either way the DEFAULT stops taking rows of keys without a partition';


------------------------------------------------------------------------------
-- Pruning report
------------------------------------------------------------------------------

CREATE FUNCTION partstrat_explain_pruning(
    query text,
    actual boolean DEFAULT false,
    OUT plan_kind text,
    OUT parent regclass,
    OUT leaves_total int,
    OUT leaves_in_plan int,
    OUT pruned_at_plan int,
    OUT prunable_at_startup boolean,
    OUT prunable_at_exec boolean,
    OUT pruned_at_startup int,
    OUT pruned_at_exec int,
    OUT leaves_executed int,
    OUT pruning_ratio numeric,
    OUT diagnosis text,
    OUT suggestion text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_explain_pruning'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_explain_pruning(text, boolean) IS
'plans one statement (literal, or generic and custom when it has $n parameters) and reports per partitioned table how many leaves the plan keeps, whether startup or execution can prune more, and why not; actual => true runs a plain SELECT in a rolled-back subtransaction and counts the leaves executed';

CREATE FUNCTION partstrat_workload_pruning(
    parent regclass DEFAULT NULL,
    OUT parent regclass,
    OUT statements int,
    OUT calls bigint,
    OUT failed_statements int,
    OUT calls_share_all_leaves numeric,
    OUT calls_share_runtime numeric,
    OUT calls_share_most_leaves numeric,
    OUT calls_share_few_leaves numeric,
    OUT time_share_all_leaves numeric,
    OUT time_share_runtime numeric,
    OUT time_share_most_leaves numeric,
    OUT time_share_few_leaves numeric,
    OUT worst_queryid bigint,
    OUT worst_diagnosis text,
    OUT worst_suggestion text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_workload_pruning'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_workload_pruning(regclass) IS
'per partitioned table, the shares of calls and of execution time (pg_stat_statements) in statements whose plans keep all leaves, prune only at run time, keep most leaves, or few; failed_statements counts statements that name the table and could not be analysed';

CREATE FUNCTION partstrat_workload_statements(
    parent regclass DEFAULT NULL,
    OUT parent regclass,
    OUT queryid bigint,
    OUT query text,
    OUT calls bigint,
    OUT total_exec_time float8,
    OUT pruning text,
    OUT leaves_total int,
    OUT leaves_kept int,
    OUT generic_leaves_kept int,
    OUT diagnosis text,
    OUT suggestion text,
    OUT generic_diagnosis text,
    OUT error text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_workload_statements'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_workload_statements(regclass) IS
'the statements of pg_stat_statements that touch a partitioned table, worst pruning first (all, most, run-time, few), with the leaves their custom and generic plans keep, the diagnosis and the suggestion; statements that could not be analysed come last, with their error';

CREATE FUNCTION partstrat_key_candidates(
    relation regclass,
    OUT column_name text,
    OUT uses text[],
    OUT operators text[],
    OUT statements int,
    OUT calls bigint,
    OUT calls_share numeric,
    OUT qualstats_occurrences bigint,
    OUT n_distinct float8,
    OUT null_frac real,
    OUT correlation real,
    OUT eq_selectivity float8,
    OUT assumed_layout text,
    OUT predicted_skip_share numeric,
    OUT two_sided_range_calls bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_key_candidates'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_key_candidates(regclass) IS
'columns the workload (pg_stat_statements, and pg_qualstats when installed) filters and joins a table on, call-weighted, with pg_stats selectivity and the predicted share of leaves each would let the workload skip as a partition key (the assumed layout is given)';

-- ---------------------------------------------------------------------
-- safetext: running a script's data-moving statements as the table owner
-- ---------------------------------------------------------------------

CREATE FUNCTION partstrat_exec_as_owner(parent regclass, statements text)
RETURNS text
AS 'MODULE_PATHNAME', 'partstrat_exec_as_owner'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_exec_as_owner(regclass, text) IS
'runs statements (moving rows, building indexes, attaching) as the owner of parent in a security-restricted operation, never with the caller''s rights; the caller must have the owner''s privileges, and parent, its ancestors and partitions must share that owner; returns the first value of the last statement when it is a SELECT (a row count); generated scripts call it';

-- ---------------------------------------------------------------------
-- advice (issue 19): the inventory names the tool that manages a set
-- ---------------------------------------------------------------------

ALTER TYPE partstrat_tree_summary ADD ATTRIBUTE managed_by text;

COMMENT ON COLUMN partstrat_tree_summary.managed_by IS
'the partition manager registered for the set, e.g. ''pg_partman 4.7.2'' when pg_partman''s part_config has a row for it; NULL otherwise (or when part_config is not readable)';

------------------------------------------------------------------------------
-- Scheduled maintenance: policies, history, the procedure (src/maintenance/)
------------------------------------------------------------------------------

-- May the current role manage (set, read, run) the policy of relation rel?
-- It must have the rights of the relation's owner.
CREATE FUNCTION partstrat_may_manage(rel oid)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = rel), false) $$;

COMMENT ON FUNCTION partstrat_may_manage(oid) IS
'true when the current role has the rights of the owner of the relation (pg_has_role(owner, ''USAGE'')): who may set, read and run its maintenance policy';

-- One row per partitioned table under maintenance.  parent is a regclass:
-- pg_dump writes it as the table's qualified name, so a restore attaches
-- the policy to the table of that name, never to whatever has the old OID.
CREATE TABLE partstrat_policy (
    parent regclass PRIMARY KEY,
    retention interval,
    retention_action text NOT NULL DEFAULT 'detach'
        CHECK (retention_action IN ('detach', 'drop', 'archive')),
    archive_schema name,
    "concurrently" boolean NOT NULL DEFAULT false,
    premake int CHECK (premake > 0),
    rescue_default boolean NOT NULL DEFAULT false,
    split_oversized boolean NOT NULL DEFAULT false,
    merge_undersized boolean NOT NULL DEFAULT false,
    target_bytes bigint CHECK (target_bytes > 0),
    maintenance_window text,
    apply text NOT NULL DEFAULT 'advise' CHECK (apply IN ('advise', 'auto')),
    enabled boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by name NOT NULL DEFAULT current_user
);

-- State of the runs (not dumped): failures in a row and the next retry.
CREATE TABLE partstrat_policy_state (
    parent oid PRIMARY KEY,
    owner oid NOT NULL,
    failures int NOT NULL DEFAULT 0,
    retry_at timestamptz,
    last_run_at timestamptz,
    last_error text
);

CREATE TABLE partstrat_history_log (
    run_id bigserial PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    parent_oid oid,
    parent_name text NOT NULL,
    owner oid NOT NULL,
    action text NOT NULL,
    partitions text[],
    ddl text,
    status text NOT NULL CHECK (status IN ('running', 'done', 'advised', 'skipped_lock',
        'skipped_window', 'deferred', 'failed', 'dropped')),
    error text,
    sqlstate text,
    rows_moved bigint,
    duration_ms float8,
    blockers jsonb,
    retry_at timestamptz,
    run_by text NOT NULL DEFAULT 'procedure',
    pid int NOT NULL DEFAULT pg_backend_pid(),
    backend_start timestamptz
);
CREATE INDEX partstrat_history_log_started ON partstrat_history_log (started_at);
CREATE INDEX partstrat_history_log_parent ON partstrat_history_log (parent_oid);
CREATE INDEX partstrat_history_log_running ON partstrat_history_log (run_id)
    WHERE status = 'running';

-- Row security: a role sees and writes only the rows of tables whose
-- owner's rights it has.
ALTER TABLE partstrat_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE partstrat_policy_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE partstrat_history_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY partstrat_owner_rights ON partstrat_policy
    USING (@extschema@.partstrat_may_manage(parent));
CREATE POLICY partstrat_owner_rights ON partstrat_policy_state
    USING (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY partstrat_owner_rights ON partstrat_history_log
    USING (pg_catalog.pg_has_role(owner, 'USAGE'));
GRANT SELECT, INSERT, UPDATE, DELETE ON partstrat_policy, partstrat_policy_state,
    partstrat_history_log TO PUBLIC;
GRANT USAGE ON SEQUENCE partstrat_history_log_run_id_seq TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('partstrat_policy', '');

CREATE VIEW partstrat_policies WITH (security_barrier) AS
SELECT p.parent, p.retention, p.retention_action, p.archive_schema, p."concurrently",
       p.premake, p.rescue_default, p.split_oversized, p.merge_undersized,
       p.target_bytes, p.maintenance_window, p.apply, p.enabled,
       s.failures, s.retry_at, s.last_run_at, s.last_error,
       p.updated_at, p.updated_by
FROM @extschema@.partstrat_policy p
LEFT JOIN @extschema@.partstrat_policy_state s ON s.parent = p.parent::oid
WHERE @extschema@.partstrat_may_manage(p.parent);

COMMENT ON VIEW partstrat_policies IS
'the maintenance policies of the tables whose owner''s rights the current role has, with failures in a row, the next retry and the last error';

CREATE VIEW partstrat_history WITH (security_barrier) AS
SELECT h.run_id, h.started_at, h.finished_at,
       h.parent_oid::regclass AS parent, h.parent_name, h.action, h.partitions,
       h.ddl, h.status, h.error, h.sqlstate, h.rows_moved, h.duration_ms,
       h.blockers, h.retry_at, h.run_by, h.pid
FROM @extschema@.partstrat_history_log h
WHERE pg_catalog.pg_has_role(h.owner, 'USAGE');

COMMENT ON VIEW partstrat_history IS
'one row per maintenance action (written before it starts, updated after): status running, done, advised, skipped_lock (blockers: the sessions holding the locks), skipped_window, deferred, failed, dropped';

GRANT SELECT ON partstrat_policies, partstrat_history TO PUBLIC;

-- Validation of a policy (C): raises an error with a SQLSTATE and a hint.
CREATE FUNCTION partstrat_check_policy(
    parent regclass, retention interval, retention_action text, archive_schema name,
    concurrently boolean, premake int, split_oversized boolean,
    merge_undersized boolean, target_bytes bigint, maintenance_window text,
    apply text)
RETURNS void
AS 'MODULE_PATHNAME', 'partstrat_check_policy'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_check_policy(regclass, interval, text, name, boolean, int, boolean, boolean, bigint, text, text) IS
'checks the arguments of a maintenance policy and raises an error with a hint when one is wrong (used by partstrat_set_policy)';

CREATE FUNCTION partstrat_set_policy(
    parent regclass,
    retention interval DEFAULT NULL,
    retention_action text DEFAULT 'detach',
    archive_schema name DEFAULT NULL,
    concurrently boolean DEFAULT false,
    premake int DEFAULT NULL,
    rescue_default boolean DEFAULT false,
    split_oversized boolean DEFAULT false,
    merge_undersized boolean DEFAULT false,
    target_bytes bigint DEFAULT NULL,
    maintenance_window text DEFAULT NULL,
    apply text DEFAULT 'advise',
    enabled boolean DEFAULT true)
RETURNS @extschema@.partstrat_policies
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result @extschema@.partstrat_policies;
BEGIN
    PERFORM @extschema@.partstrat_check_policy(parent, retention, retention_action,
        archive_schema, $5, premake, split_oversized, merge_undersized,
        target_bytes, maintenance_window, apply);
    INSERT INTO @extschema@.partstrat_policy AS p (parent, retention, retention_action,
        archive_schema, "concurrently", premake, rescue_default, split_oversized,
        merge_undersized, target_bytes, maintenance_window, apply, enabled)
    VALUES (parent, retention, coalesce(retention_action, 'detach'), archive_schema,
        coalesce($5, false), premake, coalesce(rescue_default, false),
        coalesce(split_oversized, false), coalesce(merge_undersized, false),
        target_bytes, maintenance_window, coalesce(apply, 'advise'), coalesce(enabled, true))
    ON CONFLICT ON CONSTRAINT partstrat_policy_pkey DO UPDATE SET
        retention = excluded.retention, retention_action = excluded.retention_action,
        archive_schema = excluded.archive_schema, "concurrently" = excluded."concurrently",
        premake = excluded.premake, rescue_default = excluded.rescue_default,
        split_oversized = excluded.split_oversized,
        merge_undersized = excluded.merge_undersized,
        target_bytes = excluded.target_bytes,
        maintenance_window = excluded.maintenance_window, apply = excluded.apply,
        enabled = excluded.enabled, updated_at = now(), updated_by = current_user;
    -- a new policy starts without failures
    DELETE FROM @extschema@.partstrat_policy_state s WHERE s.parent = $1::oid;
    SELECT * INTO result FROM @extschema@.partstrat_policies v WHERE v.parent = $1;
    RETURN result;
END
$$;

COMMENT ON FUNCTION partstrat_set_policy(regclass, interval, text, name, boolean, int, boolean, boolean, boolean, bigint, text, text, boolean) IS
'creates or replaces the maintenance policy of a partitioned table (needs the rights of its owner): retention (detach, drop or archive; concurrently), premake (intervals ahead of now), rescue_default, split_oversized, merge_undersized (target_bytes), maintenance_window (''02:00-05:00 Europe/Berlin''), apply (advise: record only; auto: execute), enabled';

CREATE FUNCTION partstrat_drop_policy(parent regclass)
RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT @extschema@.partstrat_may_manage(parent) THEN
        RAISE EXCEPTION 'permission denied for the policy of table %', parent
            USING ERRCODE = '42501',
                  HINT = 'Only a role with the rights of the table''s owner may drop its policy.';
    END IF;
    DELETE FROM @extschema@.partstrat_policy_state s WHERE s.parent = $1::oid;
    DELETE FROM @extschema@.partstrat_policy p WHERE p.parent = $1;
    RETURN FOUND;
END
$$;

COMMENT ON FUNCTION partstrat_drop_policy(regclass) IS
'removes the maintenance policy of a table (needs the rights of its owner); false when it had none';

-- Dropping a partitioned table removes its policy and says so in the history.
-- SECURITY DEFINER: the dropped table is gone from pg_class, so the row
-- security of the policy table can no longer tell whose policy it was.
CREATE FUNCTION partstrat_on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    obj record;
    pol record;
BEGIN
    FOR obj IN SELECT * FROM pg_event_trigger_dropped_objects()
               WHERE classid = 'pg_class'::regclass AND objsubid = 0
                 AND object_type = 'table'
    LOOP
        FOR pol IN DELETE FROM @extschema@.partstrat_policy p
                   WHERE p.parent::oid = obj.objid RETURNING p.parent::oid AS oid
        LOOP
            INSERT INTO @extschema@.partstrat_history_log (finished_at, parent_oid,
                parent_name, owner, action, status, error, run_by, duration_ms)
            SELECT clock_timestamp(), NULL, obj.object_identity,
                coalesce((SELECT s.owner FROM @extschema@.partstrat_policy_state s
                          WHERE s.parent = obj.objid),
                         (SELECT h.owner FROM @extschema@.partstrat_history_log h
                          WHERE h.parent_oid = obj.objid ORDER BY h.run_id DESC LIMIT 1),
                         session_user::regrole::oid),
                'policy', 'dropped',
                'the table was dropped: its policy is removed', 'event', 0;
        END LOOP;
        DELETE FROM @extschema@.partstrat_policy_state s WHERE s.parent = obj.objid;
        UPDATE @extschema@.partstrat_history_log h SET parent_oid = NULL
        WHERE h.parent_oid = obj.objid;
    END LOOP;
END
$$;

CREATE EVENT TRIGGER partstrat_on_sql_drop ON sql_drop
    WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP OWNED')
    EXECUTE FUNCTION partstrat_on_sql_drop();

CREATE PROCEDURE partstrat_run_maintenance_proc(parent regclass DEFAULT NULL,
    max_actions integer DEFAULT NULL)
AS 'MODULE_PATHNAME', 'partstrat_run_maintenance_proc'
LANGUAGE C;

COMMENT ON PROCEDURE partstrat_run_maintenance_proc(regclass, integer) IS
'runs every enabled maintenance policy the caller may manage (or the one of parent), every due action in one call (at most max_actions when given), committing after each step, each under lock_timeout; a locked or failing table is recorded in partstrat_history and skipped';

CREATE FUNCTION partstrat_worker_status(
    OUT database name, OUT configured boolean, OUT running boolean, OUT pid int,
    OUT last_run_start timestamptz, OUT last_run_end timestamptz,
    OUT next_run timestamptz, OUT last_error text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_worker_status'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_worker_status() IS
'the background maintenance worker per configured database (partstrat.databases): whether it runs, its last run, next run and last error; and a row for the current database when no worker serves it, saying why';

------------------------------------------------------------------------------
-- Watching over time: snapshots, forecast, metrics (src/watch/,
-- docs/watching.md)
------------------------------------------------------------------------------

-- One row per leaf and snapshot.  Names are stored as they were (the leaf
-- may be dropped later); pairs of snapshots are matched by OID, so a leaf
-- dropped and created again under the same name starts a new series.  The
-- parent is a regclass (as in partstrat_policy): pg_dump writes its name, so
-- a restore attaches the rows to the table of that name, never to whatever
-- has the old OID; the rows of a dropped parent are left out of the dump (a
-- dangling regclass would be written as a bare OID).
-- stats_reset and db_xacts are pg_stat_database's for this database at that
-- moment: a change of the first or a drop of the second means the counters
-- were reset (pg_stat_reset(), a crash).
CREATE TABLE partstrat_snapshot (
    taken_at timestamptz NOT NULL,
    parent regclass NOT NULL,
    parent_name text NOT NULL,
    stats_reset timestamptz,
    db_xacts bigint NOT NULL,
    leaf oid NOT NULL,
    leaf_name text NOT NULL,
    is_default boolean NOT NULL,
    rows bigint,
    bytes bigint,
    inserted bigint,
    updated bigint,
    deleted bigint,
    seq_scans bigint,
    idx_scans bigint,
    PRIMARY KEY (parent, taken_at, leaf)
);
CREATE INDEX partstrat_snapshot_taken_at ON partstrat_snapshot (taken_at);
REVOKE ALL ON partstrat_snapshot FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('partstrat_snapshot',
    'WHERE EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = parent::pg_catalog.oid)');

COMMENT ON TABLE partstrat_snapshot IS
'snapshots of partition trees, one row per leaf: rows, bytes and cumulative counters (read it through the view partstrat_snapshots)';

CREATE FUNCTION partstrat_may_read(relid oid)
RETURNS boolean
AS 'MODULE_PATHNAME', 'partstrat_may_read'
LANGUAGE C STRICT STABLE PARALLEL SAFE;

COMMENT ON FUNCTION partstrat_may_read(oid) IS
'true if the relation exists and the current user may read its sizes and statistics (SELECT on it, or pg_read_all_stats)';

CREATE FUNCTION partstrat_snapshot_take(parent regclass DEFAULT NULL,
                                        complete_proofs boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'partstrat_snapshot_take'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_snapshot_take(regclass, boolean) IS
'stores a snapshot (rows, bytes, counters per leaf) of the partitioned table given, or of every parent with a maintenance policy the caller may read; deletes snapshots older than partstrat.snapshot_keep; takes the due second samples of their proofs (complete_proofs); returns the leaf rows stored';

-- The snapshots of the parents the caller may read.
CREATE VIEW partstrat_snapshots WITH (security_barrier) AS
SELECT taken_at, parent, parent_name, leaf, leaf_name, is_default, rows,
       bytes, inserted, updated, deleted, seq_scans, idx_scans, stats_reset,
       db_xacts
FROM partstrat_snapshot
WHERE partstrat_may_read(parent);

GRANT SELECT ON partstrat_snapshots TO PUBLIC;

COMMENT ON VIEW partstrat_snapshots IS
'the snapshots of the partitioned tables the current user may read';

-- Consecutive snapshots of each leaf (same OID), with the deltas.  Counter
-- deltas are NULL when the counters were reset in between (the database's
-- stats_reset changed, its transaction count or any counter of the leaf went
-- down): never negative, never the whole history counted as one interval.
CREATE VIEW partstrat_snapshot_deltas WITH (security_barrier) AS
SELECT parent, parent_name, leaf, leaf_name, is_default,
       prev_taken_at, taken_at,
       extract(epoch FROM taken_at - prev_taken_at)::float8 / 86400 AS days,
       rows - prev_rows AS rows_delta,
       bytes - prev_bytes AS bytes_delta,
       CASE WHEN NOT reset THEN inserted - prev_inserted END AS inserted,
       CASE WHEN NOT reset THEN updated - prev_updated END AS updated,
       CASE WHEN NOT reset THEN deleted - prev_deleted END AS deleted,
       CASE WHEN NOT reset THEN seq_scans - prev_seq_scans END AS seq_scans,
       CASE WHEN NOT reset THEN idx_scans - prev_idx_scans END AS idx_scans,
       reset AS counters_reset
FROM (
    SELECT s.*,
           prev_stats_reset IS DISTINCT FROM stats_reset
           OR db_xacts < prev_db_xacts
           OR inserted < prev_inserted OR updated < prev_updated
           OR deleted < prev_deleted OR seq_scans < prev_seq_scans
           OR idx_scans < prev_idx_scans
           OR (inserted IS NULL) <> (prev_inserted IS NULL) AS reset
    FROM (
        SELECT p.*,
               lag(taken_at) OVER w AS prev_taken_at,
               lag(rows) OVER w AS prev_rows,
               lag(bytes) OVER w AS prev_bytes,
               lag(inserted) OVER w AS prev_inserted,
               lag(updated) OVER w AS prev_updated,
               lag(deleted) OVER w AS prev_deleted,
               lag(seq_scans) OVER w AS prev_seq_scans,
               lag(idx_scans) OVER w AS prev_idx_scans,
               lag(stats_reset) OVER w AS prev_stats_reset,
               lag(db_xacts) OVER w AS prev_db_xacts
        FROM partstrat_snapshot p
        WHERE partstrat_may_read(p.parent)
        WINDOW w AS (PARTITION BY p.parent, p.leaf ORDER BY p.taken_at)
    ) s
    WHERE prev_taken_at IS NOT NULL
) d;

GRANT SELECT ON partstrat_snapshot_deltas TO PUBLIC;

COMMENT ON VIEW partstrat_snapshot_deltas IS
'changes of each leaf between consecutive snapshots; counter deltas are NULL across a counter reset';

ALTER TYPE partstrat_skew_leaf ADD ATTRIBUTE hot_source text;

-- Metrics: one row per series; partstrat_metrics_prometheus() prints them in
-- the Prometheus text format, monitoring/ has the exporter's queries.
CREATE FUNCTION partstrat_metrics_rows(
    what text DEFAULT 'all',
    OUT metric text,
    OUT labels jsonb,
    OUT value float8,
    OUT type text,
    OUT help text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_metrics_rows'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_metrics_rows(text) IS
'the rows of the view partstrat_metrics: what => ''all'', ''tables'' (one inventory per parent) or ''maintenance'' (last run, failed runs, worker: no inventory)';

CREATE VIEW partstrat_metrics AS
SELECT metric, labels, value, type, help FROM partstrat_metrics_rows();

GRANT SELECT ON partstrat_metrics TO PUBLIC;

COMMENT ON VIEW partstrat_metrics IS
'per partitioned table the caller may read (label parent): leaves, rows, bytes, rows in DEFAULT, largest/median leaf, Gini, advice by action, premade intervals and seconds until they run out';

CREATE FUNCTION partstrat_metrics_prometheus()
RETURNS text
LANGUAGE sql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
WITH m AS (
    SELECT * FROM @extschema@.partstrat_metrics
), lines AS (
    SELECT metric, type, help,
           metric
           || coalesce('{' || (SELECT string_agg(
                  key || '="'
                  || replace(replace(replace(value, E'\\', E'\\\\'),
                                     '"', E'\\"'),
                             E'\n', E'\\n')
                  || '"', ',' ORDER BY key)
               FROM jsonb_each_text(m.labels)) || '}', '')
           || ' '
           || CASE WHEN m.value = 'Infinity'::float8 THEN '+Inf'
                   WHEN m.value = '-Infinity'::float8 THEN '-Inf'
                   ELSE m.value::text END AS line
    FROM m
), families AS (
    SELECT metric,
           '# HELP ' || metric || ' '
           || replace(replace(min(help), E'\\', E'\\\\'), E'\n', E'\\n')
           || E'\n# TYPE ' || metric || ' ' || min(type) || E'\n'
           || string_agg(line || E'\n', '' ORDER BY line) AS block
    FROM lines
    GROUP BY metric
)
SELECT coalesce(string_agg(block, '' ORDER BY metric), '') FROM families
$fn$;

COMMENT ON FUNCTION partstrat_metrics_prometheus() IS
'partstrat_metrics in the Prometheus text exposition format (label values escaped)';

-- Forecast
CREATE TYPE partstrat_forecast_row AS (
    parent regclass,
    partition regclass,
    daily_snapshots int,
    rows_per_day float8,
    bytes_per_day float8,
    bytes bigint,
    target_bytes bigint,
    days_to_target float8,
    target_at timestamptz,
    range_closes_at timestamptz,
    bytes_at_close bigint,
    premade_until timestamptz,
    premade_days_left float8,
    premake int,
    default_from timestamptz,
    bytes_at_horizon bigint,
    summary text
);

COMMENT ON TYPE partstrat_forecast_row IS
'one row of partstrat_forecast(): the parent (partition NULL) or one growing leaf';

-- The last snapshot of one day of one leaf, numbered by day (inside
-- partstrat_forecast).
CREATE TYPE partstrat_forecast_point AS (
    i int,
    taken_at timestamptz,
    days float8,
    leaf oid,
    rows bigint,
    bytes bigint
);

CREATE FUNCTION partstrat_forecast(parent regclass,
                                   horizon interval DEFAULT '90 days')
RETURNS SETOF partstrat_forecast_row
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    now_ts timestamptz := coalesce(
        nullif(current_setting('partstrat.reference_time', true), '')::timestamptz,
        transaction_timestamp());
    target bigint;
    hdays float8;
    pname text;
    keytype oid;
    has_default boolean;
    npick int;
    r @extschema@.partstrat_forecast_row;
    lf record;
    newest record;
    step_days float8;
    parts @extschema@.partstrat_partition[];
    snap @extschema@.partstrat_forecast_point[];
BEGIN
    IF parent IS NULL THEN
        RETURN;
    END IF;
    IF horizon IS NULL OR extract(epoch FROM horizon) <= 0 THEN
        RAISE EXCEPTION 'horizon must be a positive interval'
            USING ERRCODE = '22023',
                  HINT = 'Pass e.g. interval ''90 days''.';
    END IF;
    hdays := extract(epoch FROM horizon) / 86400;

    -- The inventory checks the caller's access and that parent is partitioned.
    -- Arrays, not temporary tables: the forecast runs on a standby too.
    parts := ARRAY(SELECT p FROM @extschema@.partstrat_partitions(parent) p);
    -- (read once the library is loaded: a new session's first call)
    target := pg_size_bytes(current_setting('partstrat.target_bytes'));

    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
      INTO pname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = parent;
    SELECT a.atttypid INTO keytype
      FROM pg_partitioned_table pt
      JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
     WHERE pt.partrelid = parent AND pt.partstrat = 'r';
    SELECT bool_or(is_default) INTO has_default
      FROM unnest(parts) WHERE level = 1;

    r.parent := parent;
    r.target_bytes := target;
    SELECT sum(total_bytes) INTO r.bytes FROM unnest(parts) WHERE is_leaf;

    -- the time axis: bounds of the first level as timestamptz (date and
    -- timestamp keys read as UTC)
    IF keytype IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        SELECT max(hi) AS hi,
               (array_agg(hi - lo ORDER BY hi DESC))[1] AS step
          INTO newest
          FROM (SELECT CASE WHEN keytype = 'timestamptz'::regtype
                            THEN range_from[1]::timestamptz
                            ELSE range_from[1]::timestamp AT TIME ZONE 'UTC' END AS lo,
                       CASE WHEN keytype = 'timestamptz'::regtype
                            THEN range_to[1]::timestamptz
                            ELSE range_to[1]::timestamp AT TIME ZONE 'UTC' END AS hi
                  FROM unnest(parts)
                 WHERE level = 1 AND NOT is_default AND NOT detach_pending
                   AND range_from[1] ~ '^[0-9]' AND range_to[1] ~ '^[0-9]') b;
        IF newest.hi IS NOT NULL THEN
            r.premade_until := newest.hi;
            r.premade_days_left := extract(epoch FROM newest.hi - now_ts) / 86400;
            step_days := extract(epoch FROM newest.step) / 86400;
            IF step_days > 0 THEN
                r.premake := ceil(hdays / step_days)::int;
            END IF;
            IF has_default THEN
                r.default_from := newest.hi;
            END IF;
        END IF;
    END IF;

    -- the last snapshot of each day (UTC), numbered
    snap := ARRAY(
    WITH pick AS (
        SELECT taken_at, row_number() OVER (ORDER BY taken_at)::int AS i,
               extract(epoch FROM taken_at - lag(taken_at) OVER (ORDER BY taken_at))
                   / 86400 AS days
          FROM (SELECT max(taken_at) AS taken_at
                  FROM @extschema@.partstrat_snapshots s
                 WHERE s.parent = partstrat_forecast.parent AND s.taken_at <= now_ts
                 GROUP BY (s.taken_at AT TIME ZONE 'UTC')::date) d
    )
    SELECT ROW(pick.i, pick.taken_at, pick.days, s.leaf, s.rows,
               s.bytes)::@extschema@.partstrat_forecast_point
      FROM pick JOIN @extschema@.partstrat_snapshots s
        ON s.parent = partstrat_forecast.parent AND s.taken_at = pick.taken_at);
    SELECT count(DISTINCT i) INTO npick FROM unnest(snap);
    r.daily_snapshots := npick;

    IF npick < 3 THEN
        r.summary := format('%s: %s daily snapshot%s, 3 are needed: no forecast (take one a day with partstrat_snapshot_take())',
                            pname, npick, CASE WHEN npick = 1 THEN '' ELSE 's' END);
        RETURN NEXT r;
        RETURN;
    END IF;

    -- the parent: growth between consecutive days (a leaf new since the
    -- previous day counts whole; a leaf gone is not negative growth),
    -- median of the last 7 daily rates
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY drows / days),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY dbytes / days)
      INTO r.rows_per_day, r.bytes_per_day
      FROM (SELECT c.i, c.days,
                   sum(coalesce(c.rows, 0) - coalesce(p.rows, 0)) AS drows,
                   sum(coalesce(c.bytes, 0) - coalesce(p.bytes, 0)) AS dbytes
              FROM unnest(snap) c
              LEFT JOIN unnest(snap) p ON p.leaf = c.leaf AND p.i = c.i - 1
             WHERE c.i > npick - 7
             GROUP BY c.i, c.days) g
     WHERE days > 0;
    r.bytes_at_horizon := (r.bytes + greatest(r.bytes_per_day, 0) * hdays)::bigint;

    -- the growing leaves
    FOR lf IN
        WITH d AS (
            SELECT c.leaf, c.i, (c.rows - p.rows) / c.days AS rpd,
                   (c.bytes - p.bytes) / c.days AS bpd
              FROM unnest(snap) c
              JOIN unnest(snap) p ON p.leaf = c.leaf AND p.i = c.i - 1
             WHERE c.days > 0
        ), f AS (
            -- a leaf's rate counts from the day it first grew: a premade
            -- partition's empty days before its range opens are not its rate
            SELECT leaf, min(i) AS first_i FROM d
             WHERE rpd > 0 OR bpd > 0 GROUP BY leaf
        )
        SELECT d.leaf,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY d.rpd) AS rows_per_day,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY d.bpd) AS bytes_per_day,
               x.total_bytes AS bytes,
               x.is_default,
               CASE WHEN keytype = 'timestamptz'::regtype AND x.range_to[1] ~ '^[0-9]'
                    THEN x.range_to[1]::timestamptz
                    WHEN keytype IN ('date'::regtype, 'timestamp'::regtype) AND x.range_to[1] ~ '^[0-9]'
                    THEN x.range_to[1]::timestamp AT TIME ZONE 'UTC' END AS closes
          FROM d
          JOIN f ON f.leaf = d.leaf
          JOIN unnest(parts) x ON x.partition = d.leaf AND x.is_leaf
         WHERE d.i >= f.first_i AND d.i > npick - 7
         GROUP BY d.leaf, x.total_bytes, x.is_default, x.range_to
        HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY d.bpd) > 0
         ORDER BY d.leaf::regclass::text
    LOOP
        DECLARE
            lr @extschema@.partstrat_forecast_row;
        BEGIN
            lr.parent := parent;
            lr.partition := lf.leaf;
            lr.daily_snapshots := npick;
            lr.rows_per_day := lf.rows_per_day;
            lr.bytes_per_day := lf.bytes_per_day;
            lr.bytes := lf.bytes;
            lr.target_bytes := target;
            lr.days_to_target := greatest((target - lf.bytes) / lf.bytes_per_day, 0);
            lr.target_at := now_ts + lr.days_to_target * interval '1 day';
            IF lf.closes IS NOT NULL AND lf.closes > now_ts THEN
                lr.range_closes_at := lf.closes;
                lr.bytes_at_close := (lf.bytes + lf.bytes_per_day
                    * extract(epoch FROM lf.closes - now_ts) / 86400)::bigint;
            END IF;
            lr.bytes_at_horizon := (lf.bytes + lf.bytes_per_day * hdays)::bigint;
            lr.summary := format('%s grows %s/day (%s rows/day)',
                                 lf.leaf::regclass, pg_size_pretty(lf.bytes_per_day::bigint),
                                 round(lf.rows_per_day::numeric))
                || CASE WHEN lf.bytes >= target
                        THEN format('; already above the target %s', pg_size_pretty(target))
                        ELSE format('; passes the target %s in %s days, on %s',
                                    pg_size_pretty(target), round(lr.days_to_target::numeric, 1),
                                    to_char(lr.target_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')) END
                || CASE WHEN lr.range_closes_at IS NOT NULL
                        THEN format('; %s when its range closes on %s',
                                    pg_size_pretty(lr.bytes_at_close),
                                    to_char(lr.range_closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                        ELSE '' END
                || CASE WHEN lf.is_default THEN '; it is the DEFAULT partition: rows arrive without a partition of their own' ELSE '' END;
            IF lf.is_default THEN
                r.default_from := least(r.default_from, now_ts);
                IF r.default_from IS NULL THEN
                    r.default_from := now_ts;
                END IF;
            END IF;
            IF r.days_to_target IS NULL OR lr.days_to_target < r.days_to_target THEN
                r.days_to_target := lr.days_to_target;
                r.target_at := lr.target_at;
            END IF;
            RETURN NEXT lr;
        END;
    END LOOP;

    r.summary := format('%s grows %s/day (%s rows/day, median of %s daily deltas)',
                        pname, pg_size_pretty(r.bytes_per_day::bigint),
                        round(r.rows_per_day::numeric),
                        least(npick - 1, 7))
        || CASE WHEN r.premade_until IS NULL THEN ''
                WHEN r.premade_until <= now_ts
                THEN format('; its premade partitions ran out on %s, %s days ago',
                            to_char(r.premade_until AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                            round(-r.premade_days_left::numeric))
                ELSE format('; its premade partitions run out on %s, in %s days',
                            to_char(r.premade_until AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                            round(r.premade_days_left::numeric)) END
        || CASE WHEN r.premake IS NULL THEN ''
                ELSE format('; premake %s keeps %s days covered', r.premake, round(hdays::numeric)) END
        || CASE WHEN r.default_from IS NULL THEN ''
                WHEN r.default_from <= now_ts THEN '; the DEFAULT partition receives rows now'
                ELSE format('; the DEFAULT partition receives rows from %s',
                            to_char(r.default_from AT TIME ZONE 'UTC', 'YYYY-MM-DD')) END
        || CASE WHEN r.days_to_target IS NULL THEN ''
                ELSE format('; a leaf passes the target %s in %s days',
                            pg_size_pretty(target), round(r.days_to_target::numeric, 1)) END
        || format('; %s at the horizon (%s)', pg_size_pretty(r.bytes_at_horizon),
                  to_char((now_ts + horizon) AT TIME ZONE 'UTC', 'YYYY-MM-DD'));
    RETURN NEXT r;
END
$fn$;

COMMENT ON FUNCTION partstrat_forecast(regclass, interval) IS
'growth of a partitioned table from its daily snapshots (median of the last 7 daily deltas): rows and bytes per day, days until a leaf passes partstrat.target_bytes, premade partitions left, the premake count that covers the horizon, when the DEFAULT receives rows, size at the horizon, with a sentence per row';

-- Proof: the statements on a parent before an action and after
-- partstrat.proof_after of traffic (src/watch/proof.c).  history_id is the
-- maintenance history's row when maintenance applied the action.
CREATE TABLE partstrat_proof_run (
    proof_id bigserial PRIMARY KEY,
    parent regclass NOT NULL,
    parent_name text NOT NULL,
    action text NOT NULL,
    history_id bigint,
    before_at timestamptz NOT NULL,
    after_due timestamptz NOT NULL,
    after_at timestamptz,
    lacks text,
    action_done_at timestamptz
);
CREATE INDEX partstrat_proof_run_due ON partstrat_proof_run (after_due)
    WHERE after_at IS NULL;
CREATE TABLE partstrat_proof_sample (
    proof_id bigint NOT NULL REFERENCES partstrat_proof_run ON DELETE CASCADE,
    phase text NOT NULL CHECK (phase IN ('before', 'after')),
    queryid bigint NOT NULL,
    query text NOT NULL,
    calls bigint NOT NULL,
    total_exec_ms float8 NOT NULL,
    leaves_kept int,
    leaves_total int,
    PRIMARY KEY (proof_id, phase, queryid)
);
REVOKE ALL ON partstrat_proof_run, partstrat_proof_sample FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('partstrat_proof_run',
    'WHERE EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = parent::pg_catalog.oid)');
SELECT pg_catalog.pg_extension_config_dump('partstrat_proof_run_proof_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('partstrat_proof_sample',
    'WHERE EXISTS (SELECT FROM @extschema@.partstrat_proof_run r JOIN pg_catalog.pg_class c ON c.oid = r.parent::pg_catalog.oid WHERE r.proof_id = partstrat_proof_sample.proof_id)');

CREATE VIEW partstrat_proof_runs WITH (security_barrier) AS
SELECT * FROM partstrat_proof_run WHERE partstrat_may_read(parent);
CREATE VIEW partstrat_proof_samples WITH (security_barrier) AS
SELECT s.* FROM partstrat_proof_sample s
JOIN partstrat_proof_run r USING (proof_id)
WHERE partstrat_may_read(r.parent);
GRANT SELECT ON partstrat_proof_runs, partstrat_proof_samples TO PUBLIC;

CREATE FUNCTION partstrat_proof_begin(parent regclass, action text DEFAULT 'manual',
                                      history_id bigint DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'partstrat_proof_begin'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_proof_begin(regclass, text, bigint) IS
'records the statements on a parent (pg_stat_statements: calls, execution time, leaves their plans keep) before an action; the second sample is taken partstrat.proof_after later by partstrat_proof_complete()';

CREATE FUNCTION partstrat_proof_action_done(parent regclass, history_id bigint DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'partstrat_proof_action_done'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_proof_action_done(regclass, bigint) IS
'the action of a proof run (of that maintenance history row, or the newest open run of parent) has ended: a snapshot now, from which the traffic after the action is measured (maintenance calls it when a row-moving action is done)';

CREATE FUNCTION partstrat_proof_complete()
RETURNS int
AS 'MODULE_PATHNAME', 'partstrat_proof_complete'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_proof_complete() IS
'takes the second sample of every proof run that is due (partstrat_snapshot_take() calls it for its parents); returns the runs completed';

CREATE TYPE partstrat_proof_row AS (
    proof_id bigint,
    action text,
    before_at timestamptz,
    after_at timestamptz,
    queryid bigint,
    query text,
    calls_before bigint,
    mean_ms_before float8,
    calls_after bigint,
    mean_ms_after float8,
    leaves_before float8,
    leaves_after float8,
    summary text
);

CREATE FUNCTION partstrat_proof(parent regclass)
RETURNS SETOF partstrat_proof_row
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    pname text;
    run record;
    r @extschema@.partstrat_proof_row;
    n int;
    scans_before float8;
    scans_after float8;
    stmts @extschema@.partstrat_proof_row[];
BEGIN
    IF parent IS NULL THEN
        RETURN;
    END IF;
    IF NOT @extschema@.partstrat_may_read(parent) THEN
        RAISE EXCEPTION 'permission denied for table %',
                        (SELECT relname FROM pg_class WHERE oid = parent)
            USING ERRCODE = '42501',
                  DETAIL = 'partstrat reads the proof of a table whose sizes and statistics you may read.',
                  HINT = 'Grant SELECT on the table, or membership in pg_read_all_stats.';
    END IF;
    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) INTO pname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent;
    SELECT count(*) INTO n FROM @extschema@.partstrat_proof_runs pr WHERE pr.parent = partstrat_proof.parent;
    IF n = 0 THEN
        r.summary := format('%s: no action recorded yet (partstrat_proof_begin(%L) before a change)%s',
                            pname, pname,
                            CASE WHEN NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')
                                 THEN '; pg_stat_statements is not installed in this database: add it to shared_preload_libraries, restart, and CREATE EXTENSION pg_stat_statements'
                                 ELSE '' END);
        RETURN NEXT r;
        RETURN;
    END IF;
    FOR run IN SELECT * FROM @extschema@.partstrat_proof_runs pr
               WHERE pr.parent = partstrat_proof.parent ORDER BY pr.proof_id
    LOOP
        r := NULL;
        r.proof_id := run.proof_id;
        r.action := run.action;
        r.before_at := run.before_at;
        r.after_at := run.after_at;
        IF run.lacks IS NOT NULL THEN
            r.summary := format('%s, %s: no proof: %s', pname, run.action, run.lacks);
            RETURN NEXT r;
            CONTINUE;
        END IF;
        IF run.after_at IS NULL THEN
            r.summary := format('%s, %s: statements sampled before at %s; the second sample is due at %s (partstrat.proof_after)',
                                pname, run.action, run.before_at, run.after_due);
            RETURN NEXT r;
            CONTINUE;
        END IF;
        -- Leaves really scanned, from the leaves' scan counters (seq_scan +
        -- idx_scan) in the snapshots taken with the samples: before, their
        -- cumulative values at the action (as the statements' calls are
        -- cumulative up to it); after, their growth from the end of the
        -- action (its own copying is not traffic) to the second sample,
        -- per leaf OID (a leaf made by the action counts from zero).
        SELECT sum(coalesce(s.seq_scans, 0) + coalesce(s.idx_scans, 0)) INTO scans_before
          FROM @extschema@.partstrat_snapshots s
         WHERE s.parent = partstrat_proof.parent AND s.taken_at = run.before_at;
        SELECT sum(CASE WHEN b.leaf IS NULL OR b.n > a.n THEN a.n ELSE a.n - b.n END)
          INTO scans_after
          FROM (SELECT s.leaf, coalesce(s.seq_scans, 0) + coalesce(s.idx_scans, 0) AS n
                  FROM @extschema@.partstrat_snapshots s
                 WHERE s.parent = partstrat_proof.parent AND s.taken_at = run.after_at) a
          LEFT JOIN (SELECT s.leaf, coalesce(s.seq_scans, 0) + coalesce(s.idx_scans, 0) AS n
                       FROM @extschema@.partstrat_snapshots s
                      WHERE s.parent = partstrat_proof.parent
                        AND s.taken_at = coalesce(run.action_done_at, run.before_at)) b
            ON b.leaf = a.leaf;
        -- per statement: before, the cumulative mean up to the action; after,
        -- the traffic since (the difference of the counters, or the counters
        -- themselves when pg_stat_statements was reset in between).  Leaves
        -- scanned per call: a statement without parameters ran the plan the
        -- pruning report shows, so it scanned the leaves that plan keeps; the
        -- scans left over are shared among the statements with $n
        -- parameters (whose plans with representative values can be far
        -- off) by calls x the leaves their plans keep.  Without the
        -- snapshots, the plans' figures.
        stmts := ARRAY(
        WITH b AS (SELECT * FROM @extschema@.partstrat_proof_samples WHERE proof_id = run.proof_id AND phase = 'before'),
             a AS (SELECT * FROM @extschema@.partstrat_proof_samples WHERE proof_id = run.proof_id AND phase = 'after'),
             p AS (
                SELECT coalesce(a.queryid, b.queryid) AS queryid,
                       coalesce(a.query, b.query) AS query,
                       b.calls AS calls_before,
                       b.total_exec_ms AS total_before,
                       CASE WHEN b.calls IS NULL OR a.calls < b.calls THEN a.calls
                            ELSE a.calls - b.calls END AS calls_after,
                       CASE WHEN b.calls IS NULL OR a.calls < b.calls THEN a.total_exec_ms
                            ELSE a.total_exec_ms - b.total_exec_ms END AS total_after,
                       b.leaves_kept::float8 AS plan_before, a.leaves_kept::float8 AS plan_after,
                       coalesce(a.query, b.query) !~ '\$[0-9]' AS literal
                  FROM a FULL JOIN b USING (queryid)),
             t AS (
                SELECT coalesce(sum(calls_before * plan_before) FILTER (WHERE literal), 0) AS fixed_b,
                       sum(calls_before * coalesce(plan_before, 1)) FILTER (WHERE NOT literal) AS weight_b,
                       coalesce(sum(calls_after * plan_after) FILTER (WHERE literal), 0) AS fixed_a,
                       sum(calls_after * coalesce(plan_after, 1)) FILTER (WHERE NOT literal) AS weight_a
                  FROM p),
             m AS (
                SELECT p.*,
                       CASE WHEN p.calls_before IS NULL THEN NULL
                            WHEN scans_before IS NULL OR p.literal THEN p.plan_before
                            ELSE greatest(scans_before - t.fixed_b, 0) * coalesce(p.plan_before, 1)
                                 / nullif(t.weight_b, 0) END AS leaves_before,
                       CASE WHEN p.calls_after IS NULL THEN NULL
                            WHEN scans_after IS NULL OR p.literal THEN p.plan_after
                            ELSE greatest(scans_after - t.fixed_a, 0) * coalesce(p.plan_after, 1)
                                 / nullif(t.weight_a, 0) END AS leaves_after
                  FROM p, t)
        SELECT ROW(run.proof_id, run.action, run.before_at, run.after_at, m.queryid, m.query,
               m.calls_before, m.total_before / nullif(m.calls_before, 0),
               m.calls_after, m.total_after / nullif(m.calls_after, 0),
               m.leaves_before, m.leaves_after,
               format('mean %s ms -> %s ms, leaves scanned %s -> %s',
                      coalesce(round((m.total_before / nullif(m.calls_before, 0))::numeric, 2)::text, '?'),
                      coalesce(round((m.total_after / nullif(m.calls_after, 0))::numeric, 2)::text, '?'),
                      coalesce(round(m.leaves_before::numeric, 1)::text, '?'),
                      coalesce(round(m.leaves_after::numeric, 1)::text, '?')))::@extschema@.partstrat_proof_row
          FROM m ORDER BY m.total_before DESC NULLS LAST, m.queryid);
        RETURN QUERY SELECT * FROM unnest(stmts);
        -- overall: call-weighted over the statements seen both times
        SELECT count(*),
               sum(x.mean_ms_before * x.calls_before) / nullif(sum(x.calls_before), 0),
               sum(x.mean_ms_after * x.calls_after) / nullif(sum(x.calls_after), 0),
               sum(x.leaves_before * x.calls_before)
                 / nullif(sum(x.calls_before) FILTER (WHERE x.leaves_before IS NOT NULL), 0),
               sum(x.leaves_after * x.calls_after)
                 / nullif(sum(x.calls_after) FILTER (WHERE x.leaves_after IS NOT NULL), 0),
               sum(x.calls_before), sum(x.calls_after)
          INTO n, r.mean_ms_before, r.mean_ms_after, r.leaves_before, r.leaves_after,
               r.calls_before, r.calls_after
          FROM unnest(stmts) x
         WHERE x.calls_before IS NOT NULL AND x.calls_after IS NOT NULL;
        r.queryid := NULL;
        r.query := NULL;
        r.summary := format('%s, %s: the %s statement%s on %s: mean %s ms -> %s ms, leaves scanned %s -> %s',
                            pname, run.action, n, CASE WHEN n = 1 THEN '' ELSE 's' END, pname,
                            coalesce(round(r.mean_ms_before::numeric, 2)::text, '?'),
                            coalesce(round(r.mean_ms_after::numeric, 2)::text, '?'),
                            coalesce(round(r.leaves_before::numeric, 1)::text, '?'),
                            coalesce(round(r.leaves_after::numeric, 1)::text, '?'));
        RETURN NEXT r;
    END LOOP;
END
$fn$;

COMMENT ON FUNCTION partstrat_proof(regclass) IS
'per recorded action on a parent: each statement''s calls, mean execution time and leaves scanned before and after, and a summary row (queryid NULL); says what it lacks without pg_stat_statements';

-- Maintenance (issue 17, partstrat_history_log) wired to watching: a
-- counter of failed actions that never goes down (the history is pruned;
-- the counter is dumped, by table name, and survives a restore), and,
-- before each action that moves rows, a snapshot and the proof's first
-- sample.  The trigger is created only when the history table exists (the
-- maintenance section comes before this one in the script).  Each run of
-- the procedure or the worker also takes a snapshot of the parents with a
-- policy when it starts (src/watch/snapshot.c, ps_watch_run_snapshot).
CREATE TABLE partstrat_failure_count (
    parent regclass PRIMARY KEY,
    parent_name text NOT NULL,
    failures bigint NOT NULL DEFAULT 0,
    last_failed_at timestamptz
);
REVOKE ALL ON partstrat_failure_count FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('partstrat_failure_count',
    'WHERE EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = parent::pg_catalog.oid)');

CREATE FUNCTION partstrat_watch_history()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NEW.status = 'failed' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'failed')
       AND NEW.parent_oid IS NOT NULL THEN
        INSERT INTO @extschema@.partstrat_failure_count AS f
               (parent, parent_name, failures, last_failed_at)
        VALUES (NEW.parent_oid, NEW.parent_name, 1, clock_timestamp())
        ON CONFLICT (parent) DO UPDATE
            SET failures = f.failures + 1, parent_name = excluded.parent_name,
                last_failed_at = excluded.last_failed_at;
    END IF;
    RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION partstrat_watch_history() IS
'trigger of partstrat_history_log: counts failed maintenance actions per parent in partstrat_failure_count (never pruned)';

-- Runs as the role that writes the history row (the table's owner): reads
-- pg_stat_statements as that role; an error never stops the action.
CREATE FUNCTION partstrat_watch_history_before()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.status = 'running' AND NEW.parent_oid IS NOT NULL
       AND NEW.action IN ('split', 'merge', 'rescue_default', 'repartition') THEN
        -- a snapshot (due proofs are completed by the daily snapshot, not
        -- here) and the proof's first sample, keyed by the history row
        BEGIN
            PERFORM @extschema@.partstrat_snapshot_take(NEW.parent_oid::regclass, false);
            PERFORM @extschema@.partstrat_proof_begin(NEW.parent_oid::regclass,
                                                      NEW.action, NEW.run_id);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'partstrat: no snapshot or proof before % of %: %',
                          NEW.action, NEW.parent_name, SQLERRM;
        END;
    ELSIF TG_OP = 'UPDATE' AND NEW.status = 'done' AND OLD.status = 'running'
          AND NEW.parent_oid IS NOT NULL
          AND NEW.action IN ('split', 'merge', 'rescue_default', 'repartition') THEN
        -- the end of the action: the proof measures the traffic from here
        BEGIN
            PERFORM @extschema@.partstrat_proof_action_done(NEW.parent_oid::regclass,
                                                            NEW.run_id);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'partstrat: no snapshot after % of %: %',
                          NEW.action, NEW.parent_name, SQLERRM;
        END;
    END IF;
    RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION partstrat_watch_history_before() IS
'trigger of partstrat_history_log: before a maintenance action that moves rows, a snapshot of its parent and the first sample of its proof; when it is done, a snapshot from which its proof measures the traffic after it';

DO $do$
BEGIN
    IF to_regclass('@extschema@.partstrat_history_log') IS NOT NULL THEN
        CREATE TRIGGER partstrat_watch_failures
            AFTER INSERT OR UPDATE OF status ON @extschema@.partstrat_history_log
            FOR EACH ROW EXECUTE FUNCTION @extschema@.partstrat_watch_history();
        CREATE TRIGGER partstrat_watch_actions
            AFTER INSERT OR UPDATE OF status ON @extschema@.partstrat_history_log
            FOR EACH ROW EXECUTE FUNCTION @extschema@.partstrat_watch_history_before();
    END IF;
END
$do$;

------------------------------------------------------------------------------
-- Moving maintenance over from pg_partman (issue 19, docs/advice.md): its
-- part_config rows (4.x and 5.x, read as JSON) become partstrat policies.
------------------------------------------------------------------------------

CREATE FUNCTION partstrat_import_partman(
    parent regclass DEFAULT NULL,
    dry_run boolean DEFAULT true,
    switch_off_partman boolean DEFAULT false,
    apply text DEFAULT 'advise')
RETURNS TABLE (partman_table text, relation regclass, result text,
    premake int, retention interval, retention_action text, archive_schema name,
    not_mapped text[], detail text, switch_off_ddl text)
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nsp name;
    ver text;
    cfg jsonb;
    rel oid;
    relkind "char";
    ispart boolean;
    keytype regtype;
    blocking text[];
    notes text[];
    sub boolean;
    want_parent oid := $1;
    found_one boolean := false;
    pol record;
BEGIN
    IF coalesce(apply, '') NOT IN ('advise', 'auto') THEN
        RAISE EXCEPTION 'unknown apply "%"', apply USING ERRCODE = '22023',
            HINT = 'Pass advise (record what would be done) or auto (execute).';
    END IF;
    IF switch_off_partman AND apply <> 'auto' THEN
        RAISE EXCEPTION 'switch_off_partman needs apply => ''auto''' USING ERRCODE = '22023',
            DETAIL = 'With apply => ''advise'' the policies only record what they would do: nothing would premake or drop partitions once pg_partman''s maintenance is off.',
            HINT = 'Pass apply => ''auto'', or leave pg_partman''s maintenance on.';
    END IF;
    SELECT n.nspname, e.extversion INTO nsp, ver
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_partman';
    IF nsp IS NULL THEN
        RAISE EXCEPTION 'pg_partman is not installed in this database' USING ERRCODE = '42704';
    END IF;

    FOR cfg IN EXECUTE format('SELECT to_jsonb(c) FROM %I.part_config c ORDER BY c.parent_table', nsp)
    LOOP
        partman_table := cfg->>'parent_table';
        SELECT c.oid, c.relkind, c.relispartition INTO rel, relkind, ispart
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname || '.' || c.relname = cfg->>'parent_table';
        CONTINUE WHEN want_parent IS NOT NULL AND rel IS DISTINCT FROM want_parent;
        found_one := true;
        relation := rel::regclass;
        premake := NULL; retention := NULL; retention_action := NULL;
        archive_schema := NULL; switch_off_ddl := NULL;
        blocking := '{}'; notes := '{}';

        IF rel IS NULL OR relkind <> 'p' THEN
            result := 'not imported';
            not_mapped := ARRAY['not a partitioned table'];
            detail := format('%s is %s: pg_partman''s trigger-based sets and missing tables are not imported.',
                cfg->>'parent_table', CASE WHEN rel IS NULL THEN 'not found' ELSE 'not a partitioned table' END);
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF NOT @extschema@.partstrat_may_manage(rel) THEN
            IF want_parent IS NOT NULL THEN
                RAISE EXCEPTION 'permission denied to set the policy of table %', rel::regclass
                    USING ERRCODE = '42501',
                          HINT = 'Only a role with the rights of the table''s owner may move its maintenance.';
            END IF;
            result := 'skipped';
            not_mapped := '{}';
            detail := 'The current role has not the rights of the table''s owner: no policy is set.';
            RETURN NEXT;
            CONTINUE;
        END IF;

        SELECT a.atttypid::regtype INTO keytype
        FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = cfg->>'control';
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.part_config_sub s WHERE s.sub_parent = $1)', nsp)
            INTO sub USING cfg->>'parent_table';

        -- what partstrat's policies cannot carry: the set stays with pg_partman
        IF ispart THEN
            blocking := blocking || 'sub-parent'::text;
        END IF;
        IF sub THEN
            blocking := blocking || 'sub-partitioning'::text;
        END IF;
        IF coalesce(cfg->>'epoch', 'none') <> 'none' THEN
            blocking := blocking || format('epoch %s', cfg->>'epoch');
        ELSIF cfg->>'time_encoder' IS NOT NULL OR cfg->>'time_decoder' IS NOT NULL THEN
            blocking := blocking || 'time_encoder/time_decoder'::text;
        ELSIF keytype IS NULL OR keytype NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
            blocking := blocking || format('id interval %s', cfg->>'partition_interval');
        END IF;
        IF cfg->>'partition_type' NOT IN ('native', 'range') THEN
            blocking := blocking || format('partition_type %s', cfg->>'partition_type');
        END IF;
        IF (cfg->>'undo_in_progress')::boolean THEN
            blocking := blocking || 'undo_in_progress'::text;
        END IF;

        -- what is carried with a difference, or left behind
        IF NOT coalesce((cfg->>'infinite_time_partitions')::boolean, false) THEN
            notes := notes || 'infinite_time_partitions false (pg_partman premakes from the newest row when none arrive; partstrat premakes ahead of now)'::text;
        END IF;
        IF NOT coalesce((cfg->>'retention_keep_index')::boolean, true) AND cfg->>'retention' IS NOT NULL THEN
            notes := notes || 'retention_keep_index false (detached tables keep their indexes)'::text;
        END IF;
        IF cfg->>'constraint_cols' IS NOT NULL THEN
            notes := notes || format('constraint_cols %s (no constraints are added to old children)', cfg->>'constraint_cols');
        END IF;
        IF cfg->>'template_table' IS NOT NULL THEN
            notes := notes || format('template_table %s (new children copy the newest child''s columns and indexes instead)', cfg->>'template_table');
        END IF;
        IF coalesce((cfg->>'retention_keep_publication')::boolean, false) THEN
            notes := notes || 'retention_keep_publication true'::text;
        END IF;
        IF cfg->>'automatic_maintenance' = 'off' THEN
            notes := notes || 'automatic_maintenance was already off'::text;
        END IF;

        IF cardinality(blocking) > 0 THEN
            result := 'not imported';
            not_mapped := blocking || notes;
            detail := format('%s stays with pg_partman %s: partstrat''s policies cannot carry %s.',
                cfg->>'parent_table', ver, array_to_string(blocking, ', '));
            RETURN NEXT;
            CONTINUE;
        END IF;

        premake := (cfg->>'premake')::int;
        IF cfg->>'retention' IS NOT NULL THEN
            retention := (cfg->>'retention')::interval;
            IF cfg->>'retention_schema' IS NOT NULL THEN
                retention_action := 'archive';
                archive_schema := cfg->>'retention_schema';
            ELSIF NOT coalesce((cfg->>'retention_keep_table')::boolean, true) THEN
                retention_action := 'drop';
            ELSE
                retention_action := 'detach';
            END IF;
        END IF;
        not_mapped := notes;
        IF cfg->>'automatic_maintenance' IS DISTINCT FROM 'off' THEN
            switch_off_ddl := format('UPDATE %I.part_config SET automatic_maintenance = ''off'' WHERE parent_table = %L',
                nsp, cfg->>'parent_table');
        END IF;

        IF dry_run THEN
            result := 'would import';
        ELSE
            -- a policy the set already has keeps its other settings
            SELECT * INTO pol FROM @extschema@.partstrat_policies v WHERE v.parent = rel;
            PERFORM @extschema@.partstrat_set_policy(rel::regclass, retention => retention,
                retention_action => coalesce(retention_action, 'detach'),
                archive_schema => archive_schema,
                "concurrently" => coalesce(pol."concurrently", false),
                premake => premake,
                rescue_default => coalesce(pol.rescue_default, false),
                split_oversized => coalesce(pol.split_oversized, false),
                merge_undersized => coalesce(pol.merge_undersized, false),
                target_bytes => pol.target_bytes,
                maintenance_window => pol.maintenance_window,
                apply => apply, enabled => coalesce(pol.enabled, true));
            result := 'imported';
            IF switch_off_partman AND switch_off_ddl IS NOT NULL THEN
                EXECUTE switch_off_ddl;
                switch_off_ddl := NULL;
            END IF;
        END IF;
        detail := format('premake %s%s, apply %s. %s',
            premake,
            CASE WHEN retention IS NULL THEN ', no retention'
                 ELSE format(', retention %s (%s%s)', retention, retention_action,
                             CASE WHEN archive_schema IS NULL THEN '' ELSE ' to ' || quote_ident(archive_schema) END) END,
            apply,
            CASE WHEN switch_off_ddl IS NULL
                 THEN format('pg_partman''s own maintenance of %s is off.', cfg->>'parent_table')
                 ELSE format('pg_partman''s own maintenance of %s must then be switched off (switch_off_ddl, or switch_off_partman => true), or both will premake and drop.', cfg->>'parent_table') END);
        RETURN NEXT;
    END LOOP;
    IF want_parent IS NOT NULL AND NOT found_one THEN
        RAISE EXCEPTION 'table % is not managed by pg_partman', want_parent::regclass
            USING ERRCODE = '22023',
                  HINT = format('It has no row in %I.part_config.', nsp);
    END IF;
END
$$;

COMMENT ON FUNCTION partstrat_import_partman(regclass, boolean, boolean, text) IS
'turns pg_partman''s part_config rows (4.x and 5.x) into partstrat policies: premake, retention (detach, drop when pg_partman dropped, archive to retention_schema); dry_run (default) only reports what it maps and what it cannot (sub-partitioning, epoch, id sets...); only sets whose owner''s rights the caller has; switch_off_partman => true sets pg_partman''s automatic_maintenance off for the imported sets (needs apply => ''auto'')';
