# The launcher: a worker it cannot register (no free max_worker_processes)
# is logged and retried, never fatal, and starts once a slot frees; SIGTERM
# stops the launcher and its workers promptly, the postmaster starts the
# launcher again, which starts one worker per database again.  A statement
# of the worker longer than partstrat.maintenance_statement_timeout is
# cancelled and the action failed, nothing lost.  A standby runs no
# launcher.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use PsMaint;

my $node = maint_node('maint039', "partstrat.databases = ''", "partstrat.naptime = 1",
	"max_worker_processes = 2", "max_logical_replication_workers = 0",
	"wal_level = replica", "max_wal_senders = 4");
maint_setup_db($node, 'app', undef);
maint_setup_db($node, 'db2', undef);
my $q_launcher = q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'partstrat launcher'};
my $launcher = $node->safe_psql('app', $q_launcher);
like($launcher, qr/^\d+$/, 'one launcher');

# two databases, one free slot: one worker runs, the other is retried
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.databases = 'app, db2'; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'partstrat worker'}),
	'one worker runs');
my $running = $node->safe_psql('app', q{SELECT datname FROM pg_stat_activity WHERE backend_type = 'partstrat worker'});
my $waiting = $running eq 'app' ? 'db2' : 'app';
my $failures = sub {
	my @m = slurp_file($node->logfile) =~ /could not start the worker of database "$waiting": no free background worker slot/g;
	return scalar @m;
};
my $deadline = time() + 60;
sleep 1 while $failures->() < 3 && time() < $deadline;
cmp_ok($failures->(), '>=', 3, "the registration for $waiting failed, was logged, and was retried");
is($node->safe_psql('app', $q_launcher), $launcher, 'never fatal: the same launcher runs');
is($node->safe_psql('app', qq{SELECT running::text || ' ' || (last_run_start IS NULL)::text FROM partstrat_worker_status()
	WHERE database = '$waiting'}), 'false true', "status: $waiting has no worker yet");

# a slot frees: the waiting database gets its worker
$node->safe_psql('app', qq{ALTER SYSTEM SET partstrat.databases = '$waiting'; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'partstrat worker'
	AND datname = '$waiting'}), "once $running\'s worker stops, $waiting\'s starts");
ok($node->poll_query_until('app', qq{SELECT last_run_end IS NOT NULL FROM partstrat_worker_status() WHERE database = '$waiting'}),
	'and runs');
is($node->safe_psql('app', $q_launcher), $launcher, 'still the same launcher');

# ---- the launcher's own restart ------------------------------------------
$node->append_conf('postgresql.conf', "max_worker_processes = 8\npartstrat.databases = 'app, db2'\n");
$node->safe_psql('app', 'ALTER SYSTEM RESET partstrat.databases');
$node->restart;
my $q_workers = q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'partstrat worker'};
ok($node->poll_query_until('app', "SELECT ($q_workers) = 2"), 'after a restart: two workers');
$launcher = $node->safe_psql('app', $q_launcher);
my $wpids = $node->safe_psql('app', q{SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity
	WHERE backend_type = 'partstrat worker'});

my $t0 = time();
kill 'TERM', $launcher;
ok($node->poll_query_until('app', q{SELECT count(*) = 0 FROM pg_stat_activity
	WHERE backend_type IN ('partstrat launcher', 'partstrat worker')}),
	'SIGTERM: the launcher and its workers stop');
my $stopped = time() - $t0;
cmp_ok($stopped, '<', 5, sprintf('promptly (%.1f s)', $stopped));

ok($node->poll_query_until('app', qq{SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'partstrat launcher' AND pid <> $launcher}), 'the postmaster starts the launcher again');
ok($node->poll_query_until('app', qq{SELECT count(DISTINCT datname) = 2 FROM pg_stat_activity
	WHERE backend_type = 'partstrat worker' AND pid NOT IN ($wpids)}), 'which starts the workers again');
sleep 3;
is($node->safe_psql('app', q{SELECT string_agg(datname || ':' || n, ',' ORDER BY datname) FROM (SELECT datname, count(*) AS n
	FROM pg_stat_activity WHERE backend_type = 'partstrat worker' GROUP BY datname) x}), 'app:1,db2:1',
	'one worker per database');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_worker_status() WHERE running}), '2',
	'status: both running');

# ---- maintenance_statement_timeout -----------------------------------------
# a DEFAULT rescue whose copy is slow (an index on a slow immutable function)
$node->safe_psql('app', q{
	CREATE FUNCTION slow_key(t timestamptz) RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE AS $$
	BEGIN PERFORM pg_catalog.pg_sleep(0.002); RETURN t; END $$;
	SELECT mk_daily('sl', 2, 0);
	CREATE TABLE sl_default PARTITION OF sl DEFAULT;
	INSERT INTO sl SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 days'
	                      + g * interval '1 second', g FROM generate_series(1, 1500) g;
	CREATE INDEX sl_slow ON sl (slow_key(t));
	ANALYZE sl;
	ALTER SYSTEM SET partstrat.maintenance_statement_timeout = '1s';
	SELECT pg_reload_conf();
});
my $sl_hash = $node->safe_psql('app', q{SELECT count(*) || ':' || md5(string_agg(t::text || '/' || v, ',' ORDER BY t, v)) FROM sl});
$node->safe_psql('app', q{SELECT partstrat_set_policy('sl', rescue_default => true, apply => 'auto',
	maintenance_window => to_char(now() AT TIME ZONE 'UTC' - interval '1 hour', 'HH24:MI') || '-'
	                      || to_char(now() AT TIME ZONE 'UTC' + interval '1 hour', 'HH24:MI') || ' UTC')});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.sl' AND status = 'failed'}), 'the slow rescue failed');
is($node->safe_psql('app', q{SELECT sqlstate || ' ' || (error LIKE 'canceling statement due to statement timeout%')::text
	FROM partstrat_history WHERE parent_name = 'public.sl' AND status = 'failed' ORDER BY run_id LIMIT 1}),
	'57014 true', 'cancelled by partstrat.maintenance_statement_timeout');
cmp_ok($node->safe_psql('app', q{SELECT max(duration_ms) FROM partstrat_history WHERE parent_name = 'public.sl'}),
	'<', 2900, 'after about a second');
$node->safe_psql('app', q{SELECT partstrat_set_policy('sl', rescue_default => true, enabled => false)});
is($node->safe_psql('app', q{SELECT count(*) || ':' || md5(string_agg(t::text || '/' || v, ',' ORDER BY t, v)) FROM sl}),
	$sl_hash, 'no row lost');
is($node->safe_psql('app', 'SELECT count(*) FROM sl_default'), '1500', 'the DEFAULT keeps its rows');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_class WHERE relname LIKE 'sl\_%' AND relkind = 'r'
	AND NOT relispartition}), '0', 'no table left behind');
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no process crashed');

# ---- never on a standby ----------------------------------------------------
$node->backup('b');
my $standby = PostgreSQL::Test::Cluster->new('maint039s');
$standby->init_from_backup($node, 'b', has_streaming => 1);
$standby->start;
$node->wait_for_catchup($standby);
sleep 3;
is($standby->safe_psql('app', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');
is($standby->safe_psql('app', q{SELECT count(*) FROM pg_stat_activity
	WHERE backend_type IN ('partstrat launcher', 'partstrat worker')}), '0',
	'no launcher and no worker on the standby');
is($standby->safe_psql('app', q{SELECT string_agg(database || ':' || running, ',' ORDER BY database)
	FROM partstrat_worker_status()}), 'app:false,db2:false', 'its status says so');
$standby->stop;

$node->stop;
done_testing();
