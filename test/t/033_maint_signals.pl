# SIGHUP applies a new naptime; pg_terminate_backend of a database worker
# stops it promptly and the launcher starts it again; a database removed
# from partstrat.databases loses its worker; without a free background
# worker slot the launcher logs it and keeps running.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use PsMaint;

my $node = maint_node('maint033', "partstrat.databases = 'app'", "partstrat.naptime = 3600");
maint_setup_db($node, 'app', undef);
mk_daily($node, 'app', 'pm', 2, 0);

ok($node->poll_query_until('app', q{SELECT last_run_end IS NOT NULL FROM partstrat_worker_status()}),
	'the worker ran once at start');
is($node->safe_psql('app', q{SELECT round(extract(epoch FROM next_run - last_run_start)) FROM partstrat_worker_status()}),
	'3600', 'next run one naptime after the start of the last');

$node->safe_psql('app', q{SELECT partstrat_set_policy('pm', premake => 3, apply => 'auto')});
sleep 3;
is(leaves_ahead($node, 'app', 'pm'), '0', 'with naptime 1 h, nothing yet');

# SIGHUP: the new naptime applies to the wait in progress
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.naptime = 1; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.pm' AND status = 'done'}), 'after SIGHUP the policy runs');
is(leaves_ahead($node, 'app', 'pm'), '3', 'premake applied');

# pg_terminate_backend: gone at once, restarted by the launcher
my $pid = $node->safe_psql('app', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'partstrat worker'});
like($pid, qr/^\d+$/, 'one worker');
my $t0 = time();
$node->safe_psql('app', "SELECT pg_terminate_backend($pid)");
ok($node->poll_query_until('app', qq{SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid}),
	'the worker stops on SIGTERM');
cmp_ok(time() - $t0, '<', 5, 'promptly');
ok($node->poll_query_until('app', qq{SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'partstrat worker' AND pid <> $pid}), 'the launcher starts it again');
ok($node->poll_query_until('app', q{SELECT running FROM partstrat_worker_status()}), 'status: running');

# removed from partstrat.databases: its worker stops
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.databases = ''; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT count(*) = 0 FROM pg_stat_activity
	WHERE backend_type = 'partstrat worker'}), 'a database removed from the list loses its worker');
is($node->safe_psql('app', q{SELECT database || ' ' || configured || ' ' || running || ' ' || last_error FROM partstrat_worker_status()}),
	'app false false this database is not in partstrat.databases: no background worker serves it',
	'status: the database is no longer served, and says so');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'partstrat launcher'}),
	'1', 'the launcher stays');
$node->stop;

# no free worker slot: logged, retried, never fatal
my $small = maint_node('maint033b', "partstrat.databases = 'app'", "partstrat.naptime = 1",
	"max_worker_processes = 2", "max_logical_replication_workers = 0");
maint_setup_db($small, 'app', undef);
$small->safe_psql('app', q{ALTER SYSTEM SET partstrat.databases = 'app, postgres'; SELECT pg_reload_conf()});
ok($small->poll_query_until('app', q{SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'partstrat launcher'}),
	'launcher running with 2 worker slots');
my $log = $small->logfile;
ok(PostgreSQL::Test::Utils::slurp_file($log) =~ /could not start the worker of database "(app|postgres)": no free background worker slot/
	|| do { sleep 5; PostgreSQL::Test::Utils::slurp_file($log) =~ /no free background worker slot/ },
	'a failed registration is logged');
sleep 2;
is($small->safe_psql('app', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'partstrat launcher'}),
	'1', 'and the launcher keeps running');
$small->stop;
done_testing();
