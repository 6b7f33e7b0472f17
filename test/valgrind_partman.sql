-- valgrind_partman: the pg_partman paths of partstrat (recognition, the
-- advice that becomes part_config settings, the partman_interval action,
-- epoch and sub-partitioned sets, import), run by test/valgrind.sh against a
-- server under memcheck when pg_partman 4.x is installed.  Outcomes are
-- asserted by TAP 060-062; here every statement must only succeed.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS partstrat;
CREATE SCHEMA vg_pm;
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;

-- daily, 40 days back, premake 1; rows beyond the premake in the DEFAULT
CREATE TABLE vg_pm.daily (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('vg_pm.daily', 'ts', 'native', 'daily', p_premake := 1,
    p_start_partition := (now() - interval '40 days')::date::text);
INSERT INTO vg_pm.daily SELECT g, now() - interval '40 days' + (g % 40) * interval '1 day'
    FROM generate_series(1, 4000) g;
INSERT INTO vg_pm.daily SELECT g, now() + interval '2 days' FROM generate_series(4001, 4050) g;

-- id, interval 1000, rows beyond the premake in the DEFAULT
CREATE TABLE vg_pm.ids (id bigint NOT NULL, v text) PARTITION BY RANGE (id);
SELECT partman.create_parent('vg_pm.ids', 'id', 'native', '1000', p_premake := 2);
INSERT INTO vg_pm.ids SELECT g, 'v' FROM generate_series(1, 9000) g;

-- epoch seconds, daily, thirty days of children
CREATE TABLE vg_pm.ep (id bigint NOT NULL, t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT partman.create_parent('vg_pm.ep', 't', 'native', 'daily', p_epoch := 'seconds', p_premake := 1,
    p_start_partition := (now() - interval '30 days')::date::text);
INSERT INTO vg_pm.ep SELECT g, extract(epoch FROM now() - interval '10 days' + (g % 10) * interval '1 day')::bigint
    FROM generate_series(1, 1000) g;

-- monthly, sub-partitioned by id
CREATE TABLE vg_pm.sub (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('vg_pm.sub', 'ts', 'native', 'monthly', p_premake := 1,
    p_start_partition := date_trunc('month', now() - interval '2 months')::date::text);
SELECT partman.create_sub_parent('vg_pm.sub', 'id', 'native', '1000', p_premake := 1, p_native_check := 'yes');
INSERT INTO vg_pm.sub SELECT g, greatest(now() - interval '60 days' + (g % 60) * interval '1 day',
                                         date_trunc('month', now() - interval '2 months'))
    FROM generate_series(1, 1500) g;

-- a hostile name
CREATE SCHEMA "Vg ""s\";
CREATE TABLE "Vg ""s\"."t $x$ -- x" (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('Vg "s\.t $x$ -- x', 'ts', 'native', 'daily', p_premake := 1,
    p_start_partition := (now() - interval '20 days')::date::text);
INSERT INTO "Vg ""s\"."t $x$ -- x" SELECT g, now() - interval '20 days' + (g % 20) * interval '1 day'
    FROM generate_series(1, 500) g;

ANALYZE vg_pm.daily, vg_pm.ids, vg_pm.ep, vg_pm.sub, "Vg ""s\"."t $x$ -- x";

SELECT count(*) > 0 AS advised FROM partstrat_advise('vg_pm.daily');
SELECT count(*) >= 0 AS advised FROM partstrat_advise('vg_pm.ids');
SELECT count(*) >= 0 AS advised FROM partstrat_advise('vg_pm.ep');
SELECT count(*) >= 0 AS advised FROM partstrat_advise('vg_pm.sub');
SELECT count(*) >= 0 AS advised FROM partstrat_advise('"Vg ""s\"."t $x$ -- x"');
SELECT length(partstrat_report('vg_pm.daily')) > 0 AS reported;
SELECT length(partstrat_report('vg_pm.ep')) > 0 AS reported;
SELECT length(partstrat_report('vg_pm.sub')) > 0 AS reported;
SELECT count(*) > 0 AS listed FROM partstrat_partitions('vg_pm.sub');
SELECT count(*) > 0 AS summed FROM partstrat_summary('vg_pm.ep');
SELECT count(*) > 0 AS skewed FROM partstrat_skew('vg_pm.daily');
SELECT partstrat_snapshot_take() > 0 AS snapped;
SELECT count(*) > 0 AS metrics FROM partstrat_metrics_rows();
SELECT count(*) > 0 AS importable FROM partstrat_import_partman();

