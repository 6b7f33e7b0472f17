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

CREATE PROCEDURE partstrat_run_maintenance_proc(parent regclass DEFAULT NULL)
AS 'MODULE_PATHNAME', 'partstrat_run_maintenance_proc'
LANGUAGE C;

COMMENT ON PROCEDURE partstrat_run_maintenance_proc(regclass) IS
'runs every enabled maintenance policy the caller may manage (or the one of parent), committing after each step, each under lock_timeout; a locked or failing table is recorded in partstrat_history and skipped';

CREATE FUNCTION partstrat_worker_status(
    OUT database name, OUT configured boolean, OUT running boolean, OUT pid int,
    OUT last_run_start timestamptz, OUT last_run_end timestamptz,
    OUT next_run timestamptz, OUT last_error text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'partstrat_worker_status'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION partstrat_worker_status() IS
'the background maintenance worker per configured database (partstrat.databases): whether it runs, its last run, next run and last error; no row when the library is not preloaded and nothing is configured';
