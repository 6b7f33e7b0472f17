--
-- hostile: what a hostile DBA or table owner passes.  A line break in a
-- name or a list value never escapes a comment of a generated script (it
-- would turn the rest of the line into SQL run with the DBA's rights);
-- unknown OIDs, tables dropped in the same transaction and other sessions'
-- temporary tables are ERRORs with a SQLSTATE, not internal errors.
--
CREATE SCHEMA "hostile ""h""";
SET search_path = "hostile ""h""", public;
CREATE TABLE pwned (what text);

-- Rows and a checksum of a table, to compare before and after a script.
CREATE FUNCTION fingerprint(t regclass, OUT n bigint, OUT sum bigint)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SELECT count(*), sum(hashtext(x::text)) FROM %s x', t) INTO n, sum;
END $$;

-- A range partition and a DEFAULT whose names hold a line break and SQL.
CREATE TABLE nl (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE "nl_a
INSERT INTO pwned VALUES ('partition name'); --" PARTITION OF nl FOR VALUES FROM (0) TO (100);
CREATE TABLE nl_b PARTITION OF nl FOR VALUES FROM (100) TO (200);
CREATE TABLE "nl_def
INSERT INTO pwned VALUES ('default name'); --" PARTITION OF nl DEFAULT;
INSERT INTO nl SELECT g % 200, 'v' || g FROM generate_series(1, 1000) g;
INSERT INTO nl VALUES (250, 'to rescue'), (251, 'to rescue');
ANALYZE nl;
SELECT * FROM fingerprint('nl');
SELECT oid AS nl_a FROM pg_class WHERE relname LIKE 'nl\_a%' \gset
-- the header names the partition on two comment lines
SELECT split_part(partstrat_ddl_split(:nl_a, exact => true), E'\n-- Generated', 1);
-- every script runs as generated and runs nothing else
SELECT partstrat_ddl_split(:nl_a, exact => true) \gexec
SELECT * FROM pwned;
SELECT * FROM fingerprint('nl');
SELECT partstrat_ddl_merge(array_agg(partition ORDER BY range_from[1]::int))
FROM partstrat_partitions('nl') WHERE NOT is_default \gexec
SELECT * FROM pwned;
SELECT * FROM fingerprint('nl');
SELECT partstrat_ddl_rescue_default('nl', 1, step => '100') \gexec
SELECT partstrat_ddl_premake('nl', 1, step => '100') \gexec
SELECT * FROM pwned;
SELECT * FROM fingerprint('nl');
SELECT partstrat_ddl_guard_default('nl') \gexec
SELECT partstrat_ddl_retention('nl', keep_count => 1, action => 'drop') \gexec
SELECT * FROM pwned;
SELECT partition, bound FROM partstrat_partitions('nl');

-- A list value that holds a line break and SQL.
CREATE TABLE lv (k text, v int) PARTITION BY LIST (k);
CREATE TABLE lv_a PARTITION OF lv FOR VALUES IN ('a', E'b\nINSERT INTO pwned VALUES (''list value''); --');
CREATE TABLE lv_c PARTITION OF lv FOR VALUES IN ('c');
INSERT INTO lv SELECT (ARRAY['a', E'b\nINSERT INTO pwned VALUES (''list value''); --', 'c'])[1 + g % 3], g
FROM generate_series(1, 300) g;
ANALYZE lv;
SELECT * FROM fingerprint('lv');
SELECT partstrat_ddl_split('lv_a', exact => true) \gexec
SELECT * FROM pwned;
SELECT * FROM fingerprint('lv');
SELECT partstrat_ddl_merge(array_agg(partition ORDER BY partition::text))
FROM partstrat_partitions('lv') \gexec
SELECT * FROM pwned;
SELECT * FROM fingerprint('lv');
-- the list guard of a DEFAULT holding that value, under a hostile name
CREATE TABLE "lv ""def"";" PARTITION OF lv DEFAULT;
INSERT INTO lv VALUES (E'x\nINSERT INTO pwned VALUES (''guard''); --', 1), (E'it''s \\', 2);
SELECT partstrat_ddl_guard_default('lv') \gexec
SELECT * FROM pwned;
SELECT pg_get_constraintdef(oid), convalidated FROM pg_constraint
WHERE conrelid = '"lv ""def"";"'::regclass;
INSERT INTO lv VALUES (E'it''s \\', 3);
SELECT k, count(*) FROM ONLY "lv ""def"";" GROUP BY k ORDER BY k;

-- A leaf that already has a constraint named like the script's temporary
-- CHECK: the split of its sub-partitioned parent picks another name and
-- keeps the leaf's own constraint.
CREATE TABLE sp (k int NOT NULL, t int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE sp_1 PARTITION OF sp FOR VALUES FROM (0) TO (100) PARTITION BY RANGE (t);
CREATE TABLE sp_1_a PARTITION OF sp_1 FOR VALUES FROM (0) TO (10);
ALTER TABLE sp_1_a ADD CONSTRAINT partstrat_bound CHECK (t >= 0);
INSERT INTO sp SELECT g % 100, g % 10 FROM generate_series(1, 1000) g;
SELECT * FROM fingerprint('sp');
SELECT DISTINCT m[1] AS temporary_check
FROM regexp_matches(partstrat_ddl_split('sp_1', boundaries => '{50}'),
                    'ADD CONSTRAINT (partstrat_bound\w*)', 'g') m;
SELECT partstrat_ddl_split('sp_1', boundaries => '{50}') \gexec
SELECT * FROM fingerprint('sp');
SELECT partition, bound FROM partstrat_partitions('sp');
SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conname LIKE 'partstrat%' AND conrelid::regclass::text LIKE 'sp%' ORDER BY 1, 2;

-- A relation OID that does not exist, or a table dropped in this
-- transaction: 42P01, never a "(null)" name or a cache lookup failure.
SELECT * FROM partstrat_key_candidates(0);
\echo :LAST_ERROR_SQLSTATE
-- an invalid OID ('-') is not NULL (which means every parent)
SELECT * FROM partstrat_workload_pruning(0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_workload_statements('-');
\echo :LAST_ERROR_SQLSTATE
BEGIN;
CREATE TABLE gone (k int) PARTITION BY RANGE (k);
CREATE TABLE gone_1 PARTITION OF gone FOR VALUES FROM (0) TO (10);
SELECT 'gone'::regclass::oid AS gone, 'gone_1'::regclass::oid AS gone_1 \gset
DROP TABLE gone;
-- (the messages name the OIDs, which vary: SQLSTATEs only)
\set VERBOSITY sqlstate
SAVEPOINT s;
SELECT * FROM partstrat_key_candidates(:gone);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT * FROM partstrat_partitions(:gone);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT * FROM partstrat_skew(:gone, true);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT * FROM partstrat_advise(:gone);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT partstrat_ddl_split(:gone_1);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT partstrat_ddl_merge(ARRAY[:gone_1, :gone_1]::oid[]::regclass[]);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT partstrat_ddl_premake(:gone, 1);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
\set VERBOSITY default

-- Another session's temporary partitioned table: 0A000, not the planner's
-- internal error (XX000).
CREATE EXTENSION dblink;
-- (the server's own socket: a server not started by pg_regress has no PGHOST)
SELECT dblink_connect('other',
       format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''),
                       'localhost')));
SELECT dblink_exec('other', $$
  CREATE TEMP TABLE otp (k int) PARTITION BY RANGE (k);
  CREATE TEMP TABLE otp_1 PARTITION OF otp FOR VALUES FROM (0) TO (10);
  CREATE TEMP TABLE otp_2 PARTITION OF otp FOR VALUES FROM (10) TO (20);
  INSERT INTO otp SELECT g % 20 FROM generate_series(1, 100) g$$);
SELECT c.oid AS otp, quote_ident(n.nspname) AS otp_nsp
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'otp' AND n.nspname <> 'pg_temp' \gset
-- the catalogs can be read
SELECT c.relname, p.bound
FROM partstrat_partitions(:otp) p JOIN pg_class c ON c.oid = p.partition ORDER BY 2;
-- the data cannot
SELECT * FROM partstrat_skew(:otp, true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_skew_summary(:otp, true);
\echo :LAST_ERROR_SQLSTATE
-- (the context names the temporary schema, which varies)
\set VERBOSITY terse
SELECT * FROM partstrat_explain_pruning(format('SELECT * FROM %s.otp WHERE k = $1', :'otp_nsp'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_explain_pruning(format('SELECT * FROM %s.otp WHERE k = 1', :'otp_nsp'), true);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;

-- A parameter cast from text to the key gets a value of the key, as text;
-- one inside an expression gets a plain value of its type, which may not
-- convert: the error says which value was used.
CREATE TABLE ev (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
SELECT plan_kind, leaves_total, leaves_in_plan FROM partstrat_explain_pruning('SELECT * FROM ev WHERE ts = $1::text::timestamptz');
SELECT * FROM partstrat_explain_pruning($$SELECT * FROM ev WHERE ts = ($1 || ' 00:00')::timestamptz$$);
\echo :LAST_ERROR_SQLSTATE
-- with a typed parameter it works
SELECT plan_kind, leaves_total, leaves_in_plan FROM partstrat_explain_pruning('SELECT * FROM ev WHERE ts = $1');

-- Archiving into a schema whose tables pg_dump leaves out, or that vanish
-- with the session, would lose the archive: refused.
CREATE TABLE ar (k int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE ar_1 PARTITION OF ar FOR VALUES FROM (0) TO (10);
CREATE TABLE ar_2 PARTITION OF ar FOR VALUES FROM (10) TO (20);
INSERT INTO ar VALUES (1), (11);
SELECT partstrat_ddl_retention('ar', keep_count => 1, action => 'archive', archive_schema => 'pg_catalog');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_retention('ar', keep_count => 1, action => 'archive', archive_schema => 'information_schema');
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE tmp_marker (x int);
SELECT nspname AS my_temp FROM pg_namespace WHERE oid = pg_my_temp_schema() \gset
-- (the message names the temporary schema, which varies)
\set VERBOSITY sqlstate
SELECT partstrat_ddl_retention('ar', keep_count => 1, action => 'archive', archive_schema => :'my_temp');
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
DROP TABLE tmp_marker;

-- Row-level security: as the pg_stats view, partstrat does not show the
-- statistics (most common values, quantiles) of a table to a user its
-- policies apply to.
CREATE ROLE regress_hostile_reader;
CREATE TABLE rls (tenant int, k int, secret text) PARTITION BY RANGE (k);
CREATE TABLE rls_1 PARTITION OF rls FOR VALUES FROM (0) TO (100);
CREATE TABLE rls_2 PARTITION OF rls FOR VALUES FROM (100) TO (200);
INSERT INTO rls SELECT g % 50, g % 200, 'secret-' || (g % 3) FROM generate_series(1, 3000) g;
ANALYZE rls;
ALTER TABLE rls ENABLE ROW LEVEL SECURITY;
ALTER TABLE rls_1 ENABLE ROW LEVEL SECURITY;
ALTER TABLE rls_2 ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON rls USING (tenant = 1);
CREATE POLICY mine ON rls_1 USING (tenant = 1);
CREATE POLICY mine ON rls_2 USING (tenant = 1);
GRANT USAGE ON SCHEMA "hostile ""h""" TO regress_hostile_reader;
GRANT SELECT ON rls, rls_1, rls_2 TO regress_hostile_reader;
SET ROLE regress_hostile_reader;
-- the representative value is not a most common value of the column
SELECT * FROM partstrat_explain_pruning('SELECT * FROM rls WHERE secret = $1 AND $1::int > 0');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_split('rls_1');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- the owner sees them
SELECT * FROM partstrat_explain_pruning('SELECT * FROM rls WHERE secret = $1 AND $1::int > 0');
\echo :LAST_ERROR_SQLSTATE
SELECT split_part(partstrat_ddl_split('rls_1'), E'\n-- Locks', 1);

-- A partition left half-detached (DETACH ... CONCURRENTLY cancelled while
-- another session's snapshot still sees it): merge refuses it wherever it
-- is listed, as split does.
CREATE TABLE hd (k int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE hd_1 PARTITION OF hd FOR VALUES FROM (0) TO (10);
CREATE TABLE hd_2 PARTITION OF hd FOR VALUES FROM (10) TO (20);
INSERT INTO hd SELECT g % 20 FROM generate_series(1, 100) g;
CREATE EXTENSION dblink;
SELECT dblink_connect('other',
       format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''),
                       'localhost')));
SELECT dblink_exec('other', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('other', format('SELECT count(*) FROM %I.hd', current_schema())) AS t(n bigint);
SET statement_timeout = '2s';
ALTER TABLE hd DETACH PARTITION hd_2 CONCURRENTLY;
RESET statement_timeout;
SELECT dblink_exec('other', 'COMMIT');
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;
SELECT partition, detach_pending FROM partstrat_partitions('hd');
SELECT partstrat_ddl_merge('{hd_1,hd_2}');
\echo :LAST_ERROR_SQLSTATE
SELECT partstrat_ddl_merge('{hd_2,hd_1}');
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE hd DETACH PARTITION hd_2 FINALIZE;

-- Merge checks SELECT on every partition listed, not on the first only.
CREATE TABLE pm (k int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE pm_1 PARTITION OF pm FOR VALUES FROM (0) TO (10);
CREATE TABLE pm_2 PARTITION OF pm FOR VALUES FROM (10) TO (20);
GRANT SELECT ON pm, pm_1 TO regress_hostile_reader;
SET ROLE regress_hostile_reader;
SELECT partstrat_ddl_merge('{pm_1,pm_2}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- The repartition proposal of partstrat_advise names the leaf it replaces in
-- a comment: a line break in that name stays inside the comment.
CREATE TABLE wl (k int, v int) PARTITION BY LIST (k);
CREATE TABLE "wl_a
INSERT INTO pwned VALUES ('advise'); --" PARTITION OF wl FOR VALUES IN (1, 2, 3);
CREATE TABLE wl_b PARTITION OF wl FOR VALUES IN (4);
INSERT INTO wl SELECT CASE WHEN g % 10 = 0 THEN 2 + g % 20 / 10 ELSE 1 END, g
FROM generate_series(1, 20000) g;
INSERT INTO wl SELECT 4, g FROM generate_series(1, 2000) g;
ANALYZE wl;
SELECT count(*) AS repartition_advice FROM partstrat_advise('wl', target_bytes => 200000)
WHERE action = 'repartition';
SELECT ddl FROM partstrat_advise('wl', target_bytes => 200000) WHERE action = 'repartition' \gexec
SELECT * FROM pwned;

-- Rows are read as the table's owner: a partition key calling the owner's
-- function never runs with the rights of the (superuser) caller, who only
-- asked for a script.  eve.k() and eve.day() refuse to run as anyone else.
CREATE ROLE regress_eve;
CREATE SCHEMA eve AUTHORIZATION regress_eve;
SET ROLE regress_eve;
CREATE FUNCTION eve.k(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF current_user <> 'regress_eve' THEN
		RAISE EXCEPTION 'eve.k ran as %', current_user;
	END IF;
	RETURN lower(t);
END $$;
CREATE FUNCTION eve.day(ts timestamptz) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF current_user <> 'regress_eve' THEN
		RAISE EXCEPTION 'eve.day ran as %', current_user;
	END IF;
	RETURN (ts AT TIME ZONE 'UTC')::date;
END $$;
CREATE TABLE eve.t (name text, n int) PARTITION BY LIST (eve.k(name));
CREATE TABLE eve.t_a PARTITION OF eve.t FOR VALUES IN ('a', 'b');
CREATE TABLE eve.t_default PARTITION OF eve.t DEFAULT;
INSERT INTO eve.t SELECT (ARRAY['A', 'b', 'C', 'd'])[1 + g % 4], g
FROM generate_series(1, 400) g;
CREATE TABLE eve.r (ts timestamptz, n int) PARTITION BY RANGE (eve.day(ts));
CREATE TABLE eve.r_1 PARTITION OF eve.r FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE eve.r_default PARTITION OF eve.r DEFAULT;
INSERT INTO eve.r SELECT '2026-01-01 00:00+00'::timestamptz + g * interval '1 hour', g
FROM generate_series(0, 1000) g;
ANALYZE eve.t, eve.r;
RESET ROLE;
SELECT partstrat_ddl_guard_default('eve.t') ~ 'IN \(''c'', ''d''\)' AS list_guard;
SELECT partstrat_ddl_split('eve.t_a', exact => true) ~ 'FOR VALUES IN \(''b''\)' AS list_split;
SELECT partstrat_ddl_split('eve.r_1', 2, exact => true) ~ 'FOR VALUES FROM \(''2026-01-19''\)' AS range_split;
SELECT partstrat_ddl_rescue_default('eve.r', step => '1 month') ~ 'FOR VALUES FROM \(''2026-02-01''\) TO \(''2026-03-01''\)' AS rescue;
SELECT partstrat_ddl_premake('eve.r', 1) IS NULL AS premake;
\echo :LAST_ERROR_SQLSTATE
SELECT current_user = session_user AS caller_restored;
DROP SCHEMA eve CASCADE;
DROP ROLE regress_eve;

-- Reading rows as the owner never lets the caller choose the operators the
-- owner's rights run: a caller's "<" and ">=" first in its search_path are
-- not used (the generators pin search_path).
CREATE ROLE regress_mal;
CREATE SCHEMA mal AUTHORIZATION regress_mal;
GRANT USAGE ON SCHEMA "hostile ""h""" TO regress_mal;
CREATE TABLE mr (ts timestamptz) PARTITION BY RANGE (ts);
CREATE TABLE mr_1 PARTITION OF mr FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
CREATE TABLE mr_d PARTITION OF mr DEFAULT;
INSERT INTO mr VALUES ('2025-06-01 00:00+00');
GRANT SELECT ON mr TO regress_mal;
SET ROLE regress_mal;
CREATE FUNCTION mal.cmp(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'mal.cmp ran as %', current_user;
END $$;
CREATE OPERATOR mal.< (leftarg = timestamptz, rightarg = timestamptz, function = mal.cmp);
CREATE OPERATOR mal.>= (leftarg = timestamptz, rightarg = timestamptz, function = mal.cmp);
SET search_path = mal, pg_catalog, "hostile ""h""", public;
SELECT partstrat_ddl_guard_default('mr') ~ 'CHECK \(ts IS NULL OR ts < ' AS guard;
SELECT partstrat_ddl_rescue_default('mr', step => '1 month') ~ 'FOR VALUES FROM \(''2025-06-01' AS rescue;
RESET search_path;
RESET ROLE;
SET search_path = "hostile ""h""", public;

-- Rows the caller may not read are not read for it: pg_read_all_stats
-- gives sizes and statistics, not rows; row security policies would be
-- bypassed by the owner.
CREATE ROLE regress_statsonly IN ROLE pg_read_all_stats;
GRANT USAGE ON SCHEMA "hostile ""h""" TO regress_statsonly;
CREATE TABLE sec (region text) PARTITION BY LIST (region);
CREATE TABLE sec_eu PARTITION OF sec FOR VALUES IN ('eu');
CREATE TABLE sec_d PARTITION OF sec DEFAULT;
INSERT INTO sec VALUES ('eu'), ('TOPSECRET');
SET ROLE regress_statsonly;
SELECT partstrat_ddl_guard_default('sec');
\echo :LAST_ERROR_SQLSTATE
SELECT action, ddl IS NULL AS no_ddl, evidence->>'ddl_error' AS ddl_error
FROM partstrat_advise('sec', 8192) WHERE action = 'guard_default';
RESET ROLE;
ALTER TABLE sec ENABLE ROW LEVEL SECURITY;
CREATE POLICY eu_only ON sec USING (region = 'eu');
GRANT SELECT ON sec TO regress_mal;
SET ROLE regress_mal;
SELECT * FROM sec;
SELECT partstrat_ddl_guard_default('sec');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM partstrat_skew('sec', true);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- SELECT through the parent, where no policy applies, is enough
ALTER TABLE sec DISABLE ROW LEVEL SECURITY;
ALTER TABLE sec_d ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON sec_d TO regress_mal;
SET ROLE regress_mal;
SELECT partstrat_ddl_guard_default('sec') ~ 'TOPSECRET' AS through_parent;
RESET ROLE;
-- a policy FORCEd on the owner: the owner's read fails, it does not hide rows
ALTER TABLE sec_d OWNER TO regress_mal;
CREATE POLICY sec_d_eu ON sec_d USING (region = 'eu');
ALTER TABLE sec_d FORCE ROW LEVEL SECURITY;
SELECT partstrat_ddl_guard_default('sec');
\echo :LAST_ERROR_SQLSTATE
DROP TABLE sec, mr;
DROP SCHEMA mal CASCADE;
REVOKE USAGE ON SCHEMA "hostile ""h""" FROM regress_mal, regress_statsonly;
DROP ROLE regress_mal;
DROP ROLE regress_statsonly;

DROP SCHEMA "hostile ""h""" CASCADE;
DROP ROLE regress_hostile_reader;
