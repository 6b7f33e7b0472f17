--
-- maintenance: policies (checks, rights, the view, the drop trigger), the
-- history and CALL partstrat_run_maintenance_proc() (premake, retention,
-- advise, deferred CONCURRENTLY, the owner rule, retries, steady state).
-- Partitions are made relative to now(): only counts are printed.
--
SET client_min_messages = notice;

-- daily partitions of a timestamptz key, from days_back days ago to
-- days_ahead days ahead (UTC midnights)
CREATE FUNCTION mk_daily(tab text, days_back int, days_ahead int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d date;
BEGIN
    EXECUTE format('CREATE TABLE %I (t timestamptz NOT NULL, v int) PARTITION BY RANGE (t)', tab);
    FOR d IN SELECT g::date FROM generate_series((now() AT TIME ZONE 'UTC')::date - days_back,
                                                 (now() AT TIME ZONE 'UTC')::date + days_ahead,
                                                 '1 day') g
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       tab || '_' || to_char(d, 'YYYYMMDD'), tab,
                       d::text || ' 00:00+00', (d + 1)::text || ' 00:00+00');
    END LOOP;
END
$$;

-- leaves wholly after now, and all leaves
CREATE FUNCTION leaves(tab regclass, OUT ahead bigint, OUT total bigint)
LANGUAGE sql AS $$
    SELECT count(*) FILTER (WHERE pg_get_expr(c.relpartbound, c.oid) ~ 'FROM'
             AND substring(pg_get_expr(c.relpartbound, c.oid) FROM $r$FROM \('([^']*)'$r$)::timestamptz > now()),
           count(*)
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = tab
$$;

CREATE FUNCTION rows_in(rel regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', rel) INTO n;
    RETURN n;
END
$$;

SELECT mk_daily('m_events', 10, 1);
INSERT INTO m_events SELECT now() - g * interval '1 hour', g FROM generate_series(0, 200) g;
CREATE TABLE m_plain (k int);
CREATE TABLE m_int (k int) PARTITION BY RANGE (k);
CREATE TABLE m_int_1 PARTITION OF m_int FOR VALUES FROM (0) TO (10);
CREATE TABLE m_def (t timestamptz) PARTITION BY RANGE (t);
CREATE TABLE m_def_d PARTITION OF m_def DEFAULT;

-- ---- checks: every refusal has a SQLSTATE and a hint ------------------
SELECT partstrat_set_policy('m_plain', retention => '30 days');
\echo :LAST_ERROR_SQLSTATE
-- (leaf names carry today's date: shown as YYYYMMDD)
DO $$
BEGIN
    PERFORM partstrat_set_policy(('m_events_' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD'))::regclass, premake => 3);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, '_[0-9]{8}\M', '_YYYYMMDD', 'g');
END $$;
SELECT partstrat_set_policy('m_events', retention => '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', retention => '0');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', retention => '30 days', retention_action => 'archive');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', retention => '30 days', retention_action => 'archive', archive_schema => 'no_such_schema');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', retention => '30 days', archive_schema => 'public');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', retention => '30 days', retention_action => 'truncate');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', premake => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', premake => 3, maintenance_window => '2am to 5am');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', premake => 3, maintenance_window => '02:00-05:00 Mars/Olympus');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', premake => 3, maintenance_window => '02:00-02:00');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', premake => 3, apply => 'yes');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', premake => 3, target_bytes => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_events', concurrently => true);
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_def', retention => '30 days', concurrently => true);
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy('m_int', retention => '30 days');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_set_policy(NULL, premake => 3);
\echo :LAST_ERROR_SQLSTATE
-- nothing was written
SELECT count(*) FROM partstrat_policies;

-- ---- a policy, read back, replaced -----------------------------------
SELECT parent, retention, retention_action, "concurrently", premake, apply, enabled
FROM partstrat_set_policy('m_events', retention => '5 days', premake => 4);
SELECT parent, retention, premake, maintenance_window, apply
FROM partstrat_set_policy('m_events', retention => '5 days', premake => 4, apply => 'auto',
                          split_oversized => true, maintenance_window => '22:00-04:00 Europe/Berlin');
SELECT parent, retention, premake, apply, failures FROM partstrat_policies;

-- ---- CALL: in a transaction block it refuses --------------------------
BEGIN;
CALL partstrat_run_maintenance_proc();
ROLLBACK;

-- ---- CALL: premake and retention run -----------------------------------
SELECT * FROM leaves('m_events');
SELECT count(*) AS rows_before FROM m_events \gset
CALL partstrat_run_maintenance_proc();
SELECT * FROM leaves('m_events');
SELECT action, status, array_length(partitions, 1) AS partitions, error, sqlstate,
       parent_name, run_by
FROM partstrat_history ORDER BY run_id;
-- retention detaches (5 days kept: 5 partitions wholly older go), rows
-- of the detached tables are still there
SELECT count(*) AS detached FROM pg_class c
WHERE c.relname LIKE 'm\_events\_%' AND NOT c.relispartition AND c.relkind = 'r';
SELECT (SELECT count(*) FROM m_events) + (SELECT sum(rows_in(c.oid))
    FROM pg_class c WHERE c.relname LIKE 'm\_events\_%' AND NOT c.relispartition AND c.relkind = 'r')
    = :rows_before AS no_row_lost;

-- ---- steady state: nothing to do, nothing written ---------------------
SELECT count(*) AS history_rows FROM partstrat_history \gset
CALL partstrat_run_maintenance_proc();
SELECT count(*) - :history_rows AS new_rows FROM partstrat_history;
SELECT * FROM leaves('m_events');

-- ---- advise: records what it would do, changes nothing ---------------
SELECT mk_daily('m_adv', 10, 0);
SELECT parent, apply FROM partstrat_set_policy('m_adv', retention => '3 days', premake => 2);
SELECT * FROM leaves('m_adv');
CALL partstrat_run_maintenance_proc('m_adv');
SELECT * FROM leaves('m_adv');
SELECT action, status, array_length(partitions, 1) AS partitions, ddl LIKE '%ATTACH PARTITION%' AS attaches,
       ddl LIKE '%DETACH PARTITION%' AS detaches
FROM partstrat_history WHERE parent = 'm_adv'::regclass ORDER BY run_id;
-- a second advise run refreshes those rows instead of adding new ones
CALL partstrat_run_maintenance_proc('m_adv');
SELECT count(*) FROM partstrat_history WHERE parent = 'm_adv'::regclass;

-- ---- CONCURRENTLY from the procedure: deferred to the worker ----------
SELECT mk_daily('m_conc', 10, 3);
SELECT parent, "concurrently" FROM partstrat_set_policy('m_conc', retention => '3 days', concurrently => true, apply => 'auto');
CALL partstrat_run_maintenance_proc('m_conc');
SELECT * FROM leaves('m_conc');
SELECT action, status, error FROM partstrat_history WHERE parent = 'm_conc'::regclass;

-- ---- the owner rule: a leaf of another owner, no CREATE on the schema -
CREATE ROLE ps_m_owner;
CREATE ROLE ps_m_other;
SELECT mk_daily('m_owned', 10, 5);
ALTER TABLE m_owned OWNER TO ps_m_owner;
-- (the leaves are named by date: the statements are not echoed)
\set ECHO none
SELECT format('ALTER TABLE %I OWNER TO ps_m_owner', c.relname)
FROM pg_class c WHERE c.relname LIKE 'm\_owned\_%' \gexec
-- the oldest leaf belongs to someone else: retention refuses
SELECT format('ALTER TABLE %I OWNER TO ps_m_other', min(c.relname))
FROM pg_class c WHERE c.relname LIKE 'm\_owned\_%' \gexec
\set ECHO all
SELECT mk_daily('m_owned2', 2, 0);
ALTER TABLE m_owned2 OWNER TO ps_m_owner;
\set ECHO none
SELECT format('ALTER TABLE %I OWNER TO ps_m_owner', c.relname)
FROM pg_class c WHERE c.relname LIKE 'm\_owned2\_%' \gexec
\set ECHO all
SELECT parent FROM partstrat_set_policy('m_owned', retention => '3 days', apply => 'auto');
SELECT parent FROM partstrat_set_policy('m_owned2', premake => 3, apply => 'auto');
CALL partstrat_run_maintenance_proc();
-- (leaf names carry today's date: shown as YYYYMMDD)
SELECT parent_name, action, status, sqlstate,
       regexp_replace(error, '_[0-9]{8}\M', '_YYYYMMDD', 'g') AS error
FROM partstrat_history WHERE parent_name LIKE '%m\_owned%' ORDER BY run_id;
-- failed: retried later, the delay shown
SELECT parent, failures, retry_at > now() AS retry_later, last_error IS NOT NULL AS has_error
FROM partstrat_policies WHERE parent::text LIKE 'm\_owned%' ORDER BY 1;
-- a failing parent did not stop the others: m_events is still maintained
SELECT count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE status = 'done') AS done
FROM partstrat_history;
-- waiting for the retry: the next CALL does not try again
SELECT count(*) AS history_rows FROM partstrat_history \gset
CALL partstrat_run_maintenance_proc();
SELECT count(*) - :history_rows AS new_rows FROM partstrat_history;
-- the delay doubles per failure up to a day
UPDATE partstrat_policy_state SET failures = 20, retry_at = now() - interval '1 second'
WHERE parent = 'm_owned'::regclass::oid;
CALL partstrat_run_maintenance_proc('m_owned');
SELECT failures, retry_at - now() BETWEEN interval '23 hours 59 minutes' AND interval '1 day' AS one_day
FROM partstrat_policies WHERE parent = 'm_owned'::regclass;

-- ---- rights: another role sees neither the policy nor the history ----
CREATE ROLE ps_m_stranger;
SET ROLE ps_m_stranger;
SELECT count(*) AS policies FROM partstrat_policies;
SELECT count(*) AS history FROM partstrat_history;
SELECT count(*) AS raw_policies FROM partstrat_policy;
SELECT partstrat_set_policy('m_owned', retention => '1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_drop_policy('m_owned');
\echo :LAST_ERROR_SQLSTATE
UPDATE partstrat_policy SET apply = 'auto';
INSERT INTO partstrat_policy (parent, premake) VALUES ('m_owned', 1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- a member of the owner's role sees its tables only
GRANT ps_m_owner TO ps_m_stranger;
SET ROLE ps_m_stranger;
SELECT parent FROM partstrat_policies ORDER BY 1;
SELECT DISTINCT parent_name FROM partstrat_history ORDER BY 1;
RESET ROLE;
REVOKE ps_m_owner FROM ps_m_stranger;

-- ---- dropping a parent removes its policy and says so ----------------
DROP TABLE m_adv;
SELECT count(*) FROM partstrat_policies WHERE parent::text = 'm_adv';
SELECT parent, parent_name, action, status, error FROM partstrat_history
WHERE parent_name = 'public.m_adv' ORDER BY run_id;
SELECT partstrat_drop_policy('m_conc') AS dropped, partstrat_drop_policy('m_conc') AS again;

-- ---- pg_dump keeps the policies (the table is marked for it) ----------
SELECT c.relname, y.extcondition
FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY x(oid, n)
JOIN pg_class c ON c.oid = x.oid
JOIN LATERAL unnest(e.extcondition) WITH ORDINALITY y(extcondition, m) ON y.m = x.n
WHERE e.extname = 'partstrat' ORDER BY c.relname;

-- ---- no worker without preloading -------------------------------------
SELECT count(*) FROM partstrat_worker_status();

DROP TABLE m_events, m_conc, m_owned, m_owned2, m_plain, m_int, m_def CASCADE;
DROP TABLE IF EXISTS m_events_x;
\set ECHO none
SELECT format('DROP TABLE %I', c.relname) FROM pg_class c
WHERE c.relname ~ '^m_(events|owned|conc|adv)' AND c.relkind = 'r' \gexec
\set ECHO all
DROP FUNCTION mk_daily(text, int, int), leaves(regclass), rows_in(regclass);
DROP ROLE ps_m_owner, ps_m_other, ps_m_stranger;

-- ---- installed into a schema outside the search_path ------------------
DROP EXTENSION partstrat;
CREATE SCHEMA extensions;
CREATE EXTENSION partstrat SCHEMA extensions;
SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'partstrat';
SHOW search_path;
CREATE TABLE x_events (t timestamptz NOT NULL) PARTITION BY RANGE (t);
CREATE TABLE x_events_1 PARTITION OF x_events
    FOR VALUES FROM (date_trunc('day', now() - interval '1 day')) TO (date_trunc('day', now()));
CREATE TABLE x_events_2 PARTITION OF x_events
    FOR VALUES FROM (date_trunc('day', now())) TO (date_trunc('day', now() + interval '1 day'));
SELECT parent, premake, apply FROM extensions.partstrat_set_policy('x_events', premake => 2, apply => 'auto');
CALL extensions.partstrat_run_maintenance_proc();
SELECT action, status, array_length(partitions, 1) AS partitions FROM extensions.partstrat_history;
SELECT count(*) AS leaves FROM pg_inherits WHERE inhparent = 'x_events'::regclass;
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'extensions' AND c.relkind IN ('r', 'v') ORDER BY 1;
DROP TABLE x_events;
DROP EXTENSION partstrat;
DROP SCHEMA extensions;
CREATE EXTENSION partstrat;
-- without preloading, the status says why no worker serves this database
SELECT database = current_database() AS this_db, configured, running, last_error
FROM partstrat_worker_status();
