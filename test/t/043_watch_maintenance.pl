# Maintenance wired to watching, end to end: each run (the procedure's and
# the worker's) takes a snapshot of the parents with a policy; a failed run
# raises partstrat_maintenance_failed_runs_total, which never goes down
# when the history is pruned; the last run and the worker show in the
# metrics (worker up, then down once it is stopped).  pg_dump and restore
# keep the failure counter and the snapshots, attached by name to the
# restored tables; those of a dropped parent are not dumped.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

# a long naptime: the runs below are the procedure's until the worker is
# woken up with a short one
my $node = maint_node('watch043', "partstrat.databases = 'app'", "partstrat.naptime = 3600");
maint_setup_db($node, 'app', undef);
mk_daily($node, 'app', 'ev', 5, 1, 24);
mk_daily($node, 'app', 'bad', 2, 0);
mk_daily($node, 'app', 'nopol', 2, 0);
mk_daily($node, 'app', 'gone', 2, 0);
# bad's owner may not create tables in public: its premake fails
$node->safe_psql('app', q{
	CREATE ROLE bad_owner;
	ALTER TABLE bad OWNER TO bad_owner;
	SELECT format('ALTER TABLE %I OWNER TO bad_owner', relname) FROM pg_class
	WHERE relname LIKE 'bad\_%' AND relkind = 'r' \gexec
	SELECT partstrat_set_policy('ev', premake => 3, apply => 'auto');
	SELECT partstrat_set_policy('bad', premake => 3, apply => 'auto');
	SELECT partstrat_set_policy('gone', premake => 1);
});

sub metric
{
	my ($name, $parent) = @_;
	my $where = defined $parent ? "AND labels->>'parent' = '$parent'" : '';
	return $node->safe_psql('app',
		"SELECT value FROM partstrat_metrics_rows('maintenance') WHERE metric = '$name' $where");
}
my $snaps = q{SELECT string_agg(parent::text || ':' || n, ',' ORDER BY parent::text)
	FROM (SELECT parent, count(DISTINCT taken_at) AS n FROM partstrat_snapshots GROUP BY parent) s};

ok($node->poll_query_until('app', q{SELECT running FROM partstrat_worker_status()
	WHERE database = 'app'}), 'the worker of app runs');
is(metric('partstrat_worker_up'), '1', 'partstrat_worker_up is 1');
is($node->safe_psql('app', $snaps), '', 'no snapshot before a run');

# a run of the procedure: a snapshot of ev and bad (policies), not of nopol
my $leaves_ev = leaves_total($node, 'app', 'ev');
$node->safe_psql('app', 'CALL partstrat_run_maintenance_proc()');
is($node->safe_psql('app', $snaps), 'bad:1,ev:1,gone:1', 'the run took a snapshot of each parent with a policy');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_snapshots s
	WHERE parent = 'ev'::regclass AND taken_at = (SELECT min(taken_at) FROM partstrat_snapshots)}),
	$leaves_ev, 'one row per leaf of ev, taken before the premake');
is(history($node, 'app', 'public', 'ev'), 'premake:done', 'ev: premake done');
is(history($node, 'app', 'public', 'bad'), 'premake:failed', 'bad: premake failed');
is(metric('partstrat_maintenance_failed_runs_total', 'public.bad'), '1', 'bad: one failed run');
is(metric('partstrat_maintenance_failed_runs_total', 'public.ev'), '0', 'ev: none');
my $last = $node->safe_psql('app', q{SELECT extract(epoch FROM max(finished_at))::float8 FROM partstrat_history
	WHERE parent_name = 'public.ev' AND status = 'done'});
is($node->safe_psql('app', q{SELECT labels->>'status' || ' ' || (abs(value - } . $last . q{) < 0.001)
	FROM partstrat_metrics_rows('maintenance')
	WHERE metric = 'partstrat_maintenance_last_run_timestamp_seconds' AND labels->>'parent' = 'public.ev'}),
	'done true', 'ev: the last-run metric is the end of its done premake');
is($node->safe_psql('app', q{SELECT labels->>'status' FROM partstrat_metrics_rows('maintenance')
	WHERE metric = 'partstrat_maintenance_last_run_timestamp_seconds' AND labels->>'parent' = 'public.bad'}),
	'failed', 'bad: its last run failed');

# a second run of the procedure (bad's retry made due): one more snapshot each, two failures
$node->safe_psql('app', q{UPDATE partstrat_policy_state SET retry_at = NULL});
$node->safe_psql('app', 'CALL partstrat_run_maintenance_proc()');
is($node->safe_psql('app', $snaps), 'bad:2,ev:2,gone:2', 'each run takes its snapshot');
is(metric('partstrat_maintenance_failed_runs_total', 'public.bad'), '2', 'bad: two failed runs');

# the worker's runs take their snapshots too
$node->safe_psql('app', q{UPDATE partstrat_policy_state SET retry_at = NULL});
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.naptime = 1; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE run_by = 'worker' AND parent_name = 'public.bad' AND status = 'failed'}),
	'the worker ran bad and it failed again');
ok($node->poll_query_until('app', q{SELECT count(DISTINCT taken_at) >= 3 FROM partstrat_snapshots
	WHERE parent = 'ev'::regclass}), "the worker's run took a snapshot");
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.naptime = 3600; SELECT pg_reload_conf()});
sleep 2;
my $failed = metric('partstrat_maintenance_failed_runs_total', 'public.bad');
cmp_ok($failed, '>=', 3, "bad: $failed failed runs, the worker's counted");
is($failed, $node->safe_psql('app', q{SELECT count(*) FROM partstrat_history
	WHERE parent_name = 'public.bad' AND status = 'failed'}), 'the counter matches the history so far');

# the history is pruned: the counter does not go down
$node->safe_psql('app', 'DELETE FROM partstrat_history_log');
is($node->safe_psql('app', 'SELECT count(*) FROM partstrat_history'), '0', 'the history is gone');
is(metric('partstrat_maintenance_failed_runs_total', 'public.bad'), $failed,
	'the failed-runs counter keeps its value');
$node->safe_psql('app', q{UPDATE partstrat_policy_state SET retry_at = NULL});
$node->safe_psql('app', 'CALL partstrat_run_maintenance_proc()');
is(metric('partstrat_maintenance_failed_runs_total', 'public.bad'), $failed + 1,
	'and goes on counting from there');

# pg_dump and restore keep the counter and the snapshots, by table name;
# those of a dropped parent are left out (its regclass would be a bare OID)
$node->safe_psql('app', 'DROP TABLE gone');
is($node->safe_psql('app', q{SELECT count(*) > 0 FROM partstrat_snapshot WHERE parent_name = 'public.gone'}),
	't', 'the rows of the dropped parent are still in the table');
my $snaps_before = $node->safe_psql('app', $snaps);
my $dump = $node->basedir . '/app.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('app') ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
# a table created first takes OIDs the restored tables had: rows must not follow OIDs
$node->safe_psql('restored', q{CREATE TABLE decoy (t timestamptz) PARTITION BY RANGE (t);
	SELECT format('CREATE TABLE decoy_%s PARTITION OF decoy FOR VALUES FROM (%L) TO (%L)', g,
		'2000-01-01'::date + g, '2000-01-01'::date + g + 1) FROM generate_series(1, 20) g \gexec});
$node->command_ok([ 'pg_restore', '-d', $node->connstr('restored'), $dump ], 'pg_restore');
is($node->safe_psql('restored', q{SELECT parent::text || ':' || failures FROM partstrat_failure_count ORDER BY 1}),
	'bad:' . ($failed + 1), 'the failure counter is restored, on the table of that name');
is($node->safe_psql('restored', q{SELECT value FROM partstrat_metrics_rows('maintenance')
	WHERE metric = 'partstrat_maintenance_failed_runs_total' AND labels->>'parent' = 'public.bad'}),
	$failed + 1, 'and its metric');
is($node->safe_psql('restored', $snaps), $snaps_before, 'the snapshots are restored, by table name');
is($node->safe_psql('restored', q{SELECT count(*) FROM partstrat_snapshot WHERE parent::text LIKE 'decoy%'}),
	'0', 'none on another table');
is($node->safe_psql('restored', q{SELECT count(*) FROM partstrat_snapshot WHERE parent_name = 'public.gone'}),
	'0', 'none of the dropped parent');

# the worker stops: partstrat_worker_up goes to 0
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.databases = ''; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT value = 0 FROM partstrat_metrics_rows('maintenance')
	WHERE metric = 'partstrat_worker_up'}), 'partstrat_worker_up is 0 once the worker stopped')
  or diag($node->safe_psql('app', 'SELECT * FROM partstrat_worker_status()'));

$node->stop;
done_testing();
