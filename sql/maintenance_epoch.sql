--
-- maintenance_epoch: a retention policy on an epoch set (an integer key
-- holding seconds or milliseconds since 1970; the unit is what its bounds
-- read as) detaches, drops or archives through
-- CALL partstrat_run_maintenance_proc() as on a time set: the partitions
-- whose upper bound is at or below now - retention, in the key's unit.
-- Partitions are made relative to now(): only counts and checks print.
--
SET client_min_messages = notice;
CREATE SCHEMA ps_mx_epoch;
CREATE SCHEMA ps_mx_epoch_arch;
SET search_path = ps_mx_epoch, public;

-- partitions of step from now - back to now + ahead (UTC, aligned to the
-- step from midnight), in epoch units of scale per second; a row every 30
-- minutes from now - back to now
CREATE FUNCTION mk_epoch(tab text, scale bigint, step interval, back interval, ahead interval)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d timestamptz;
BEGIN
    EXECUTE format('CREATE TABLE %I (t bigint NOT NULL, v int) PARTITION BY RANGE (t)', tab);
    FOR d IN SELECT g FROM generate_series(date_trunc('day', now() - back, 'UTC'), now() + ahead, step) g
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                       tab || '_' || to_char(d AT TIME ZONE 'UTC', 'YYYYMMDDHH24'), tab,
                       extract(epoch FROM d)::bigint * scale,
                       extract(epoch FROM d + step)::bigint * scale);
    END LOOP;
    EXECUTE format('INSERT INTO %I SELECT extract(epoch FROM g)::bigint * %s, row_number() over ()
                    FROM generate_series(now() - %L::interval, now(), ''30 minutes'') g',
                   tab, scale, back);
END
$$;

-- every row of a relation, hashed
CREATE FUNCTION rows_of(rel regclass, OUT n bigint, OUT h text, OUT max_t bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT count(*), coalesce(md5(string_agg(r::text, '','' ORDER BY r::text)), ''empty''), max(t) FROM %s r', rel)
    INTO n, h, max_t;
END
$$;

CREATE TABLE before_run (parent text, part text, n bigint, h text);
CREATE FUNCTION snapshot(parent regclass) RETURNS void LANGUAGE sql AS $$
    INSERT INTO ps_mx_epoch.before_run
    SELECT parent::text, c.relname, (ps_mx_epoch.rows_of(c.oid)).n, (ps_mx_epoch.rows_of(c.oid)).h
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = parent
$$;

-- daily partitions in seconds, 10 days back: retention 5 days, drop
SELECT mk_epoch('x_sec', 1, '1 day', '10 days', '2 days');
-- 6-hour partitions in milliseconds, 3 days back: retention 1 day, archive
SELECT mk_epoch('x_ms', 1000, '6 hours', '3 days', '1 day');
-- the same in seconds, with a policy that only advises
SELECT mk_epoch('x_adv', 1, '1 day', '10 days', '2 days');
SELECT snapshot('x_sec'), snapshot('x_ms'), snapshot('x_adv');

-- ---- the policies: accepted on epoch sets, refused on an id set --------
SELECT parent, retention, retention_action, archive_schema, apply
FROM partstrat_set_policy('x_sec', retention => '5 days', retention_action => 'drop', apply => 'auto');
SELECT parent, retention, retention_action, archive_schema, apply
FROM partstrat_set_policy('x_ms', retention => '1 day', retention_action => 'archive',
                          archive_schema => 'ps_mx_epoch_arch', apply => 'auto');
SELECT parent, retention, apply FROM partstrat_set_policy('x_adv', retention => '5 days');
CREATE TABLE x_ids (id bigint NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE x_ids_1 PARTITION OF x_ids FOR VALUES FROM (0) TO (1000);
CREATE TABLE x_ids_2 PARTITION OF x_ids FOR VALUES FROM (1000) TO (2000);
\set SHOW_CONTEXT never
SELECT partstrat_set_policy('x_ids', retention => '30 days');
\echo :LAST_ERROR_SQLSTATE
-- premake needs a date or timestamp key still
SELECT partstrat_set_policy('x_sec', retention => '5 days', premake => 2);
\echo :LAST_ERROR_SQLSTATE
\set SHOW_CONTEXT errors

-- ---- CALL ---------------------------------------------------------------
SELECT extract(epoch FROM now() - interval '5 days')::bigint AS sec_cutoff,
       extract(epoch FROM now() - interval '1 day')::bigint * 1000 AS ms_cutoff \gset
CALL partstrat_run_maintenance_proc();
-- x_sec: 5 days dropped; x_ms: archived (how many depends on the hour);
-- x_adv: advised only
SELECT parent, action, status, CASE WHEN parent = 'x_sec'::regclass THEN array_length(partitions, 1) END AS partitions,
       array_length(partitions, 1) > 0 AS some, error, sqlstate
FROM partstrat_history WHERE parent IN ('x_sec'::regclass, 'x_ms'::regclass, 'x_adv'::regclass)
ORDER BY parent::text, run_id;

-- x_sec: exactly the 5 days wholly older than now - 5 days are dropped; the
-- kept partitions hold the same rows
SELECT count(*) AS dropped, bool_and(c.oid IS NULL) AS all_gone
FROM before_run b LEFT JOIN pg_class c ON c.relname = b.part AND c.relnamespace = 'ps_mx_epoch'::regnamespace
WHERE b.parent = 'x_sec' AND NOT EXISTS (SELECT FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid
                                         WHERE i.inhparent = 'x_sec'::regclass AND k.relname = b.part);
SELECT count(*) AS kept, bool_and((rows_of(c.oid)).n = b.n AND (rows_of(c.oid)).h = b.h) AS same_rows
FROM before_run b JOIN pg_class c ON c.relname = b.part AND c.relnamespace = 'ps_mx_epoch'::regnamespace
WHERE b.parent = 'x_sec';
SELECT min(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''?(\d+)')::bigint) > :sec_cutoff AS kept_are_newer
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'x_sec'::regclass;
SELECT count(*) AS rows_older_than_a_kept_day FROM x_sec WHERE t < :sec_cutoff - 86400;

-- x_ms: the old partitions moved to the archive schema, standalone, with
-- exactly their rows, all older than the cutoff; the kept ones unchanged
SELECT count(*) > 0 AS some_archived, bool_and(NOT c.relispartition) AS standalone,
       bool_and((rows_of(c.oid)).n = b.n AND (rows_of(c.oid)).h = b.h) AS same_rows,
       bool_and(coalesce((rows_of(c.oid)).max_t < :ms_cutoff, true)) AS all_older
FROM before_run b JOIN pg_class c ON c.relname = b.part AND c.relnamespace = 'ps_mx_epoch_arch'::regnamespace
WHERE b.parent = 'x_ms';
SELECT count(*) AS archived_plus_kept_is_all
FROM before_run b
WHERE b.parent = 'x_ms' AND NOT EXISTS (SELECT FROM pg_class c WHERE c.relname = b.part
    AND c.relnamespace IN ('ps_mx_epoch'::regnamespace, 'ps_mx_epoch_arch'::regnamespace));
SELECT bool_and((rows_of(c.oid)).n = b.n AND (rows_of(c.oid)).h = b.h) AS kept_same_rows,
       min(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''?(\d+)')::bigint) > :ms_cutoff AS kept_are_newer
FROM before_run b JOIN pg_class c ON c.relname = b.part AND c.relnamespace = 'ps_mx_epoch'::regnamespace
WHERE b.parent = 'x_ms';

-- x_adv: advised, nothing changed
SELECT count(*) AS partitions_unchanged FROM before_run b JOIN pg_inherits i ON i.inhparent = 'x_adv'::regclass
JOIN pg_class c ON c.oid = i.inhrelid AND c.relname = b.part WHERE b.parent = 'x_adv';
SELECT ddl ~ 'Window: keep 5 days back from .* \(calendar of UTC; t holds seconds since 1970-01-01 UTC\)' AS window_in_seconds,
       (SELECT count(*) FROM regexp_matches(ddl, 'DETACH PARTITION', 'g')) AS detaches
FROM partstrat_history WHERE parent = 'x_adv'::regclass AND action = 'retention';

-- ---- steady state: a second CALL does nothing, writes nothing ------------
SELECT count(*) AS history_rows FROM partstrat_history WHERE parent IN ('x_sec'::regclass, 'x_ms'::regclass) \gset
CALL partstrat_run_maintenance_proc();
SELECT count(*) - :history_rows AS new_rows FROM partstrat_history WHERE parent IN ('x_sec'::regclass, 'x_ms'::regclass);

-- the steady state is decided from the bounds in the relation cache,
-- without the generator: a set with nothing old gets no history row even
-- though its generator would now refuse (a DEFAULT added after a
-- concurrently policy makes it fail with 55000); once a partition is old,
-- the generator runs and the failure is recorded
SELECT mk_epoch('x_cheap', 1, '1 day', '2 days', '2 days');
SELECT parent, "concurrently" FROM partstrat_set_policy('x_cheap', retention => '5 days', concurrently => true, apply => 'auto');
CREATE TABLE x_cheap_default PARTITION OF x_cheap DEFAULT;
CALL partstrat_run_maintenance_proc('x_cheap');
SELECT count(*) AS history_rows FROM partstrat_history WHERE parent = 'x_cheap'::regclass;
DO $$
BEGIN
    EXECUTE format('CREATE TABLE x_cheap_old PARTITION OF x_cheap FOR VALUES FROM (%s) TO (%s)',
                   extract(epoch FROM date_trunc('day', now() - interval '20 days', 'UTC'))::bigint,
                   extract(epoch FROM date_trunc('day', now() - interval '19 days', 'UTC'))::bigint);
END $$;
CALL partstrat_run_maintenance_proc('x_cheap');
SELECT action, status, sqlstate FROM partstrat_history WHERE parent = 'x_cheap'::regclass;

SELECT partstrat_drop_policy('x_sec'), partstrat_drop_policy('x_ms'), partstrat_drop_policy('x_adv'),
       partstrat_drop_policy('x_cheap');
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ps_mx_epoch, ps_mx_epoch_arch CASCADE;
RESET client_min_messages;
