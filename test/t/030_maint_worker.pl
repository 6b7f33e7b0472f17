# The background worker alone applies premake and retention policies (plain
# and CONCURRENTLY) within a few naptimes, records advise-only policies
# without changing anything, never touches a database not configured, and
# works with the extension installed in schema "extensions".
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint030', "partstrat.databases = 'app'", "partstrat.naptime = 1");
maint_setup_db($node, 'app', 'extensions');
maint_setup_db($node, 'other', undef);

# app: premake only, plain retention, CONCURRENTLY retention, advise
mk_daily($node, 'app', 'pm', 2, 0);
mk_daily($node, 'app', 'rt', 10, 1, 24);
mk_daily($node, 'app', 'rc', 10, 1, 24);
mk_daily($node, 'app', 'adv', 10, 0, 24);
my $rt_rows = total_rows($node, 'app', 'rt');
my $rc_rows = total_rows($node, 'app', 'rc');
my $adv_leaves = leaves_total($node, 'app', 'adv');
# other: the same policy, but the database is not in partstrat.databases
mk_daily($node, 'other', 'pm', 2, 0);

$node->safe_psql('app', q{
	SELECT extensions.partstrat_set_policy('pm', premake => 3, apply => 'auto');
	SELECT extensions.partstrat_set_policy('rt', retention => '3 days', apply => 'auto');
	SELECT extensions.partstrat_set_policy('rc', retention => '3 days', concurrently => true, apply => 'auto');
	SELECT extensions.partstrat_set_policy('adv', retention => '3 days', premake => 2);
});
$node->safe_psql('other', q{SELECT partstrat_set_policy('pm', premake => 3, apply => 'auto')});

# the processes say who they are
ok($node->poll_query_until('postgres', q{SELECT count(*) = 2 FROM pg_stat_activity
	WHERE backend_type IN ('partstrat launcher', 'partstrat worker')
	  AND application_name LIKE 'partstrat %'}), 'launcher and worker in pg_stat_activity');

ok($node->poll_query_until('app', q{SELECT count(DISTINCT parent_name) = 3 FROM extensions.partstrat_history
	WHERE parent_name IN ('public.pm', 'public.rt', 'public.rc') AND status = 'done'}),
	'the worker ran the three policies');

is(leaves_ahead($node, 'app', 'pm'), '3', 'premake: 3 partitions ahead of now, made by the worker')
  or diag($node->safe_psql('app', q{SELECT string_agg(pg_get_expr(c.relpartbound, c.oid), E'\n') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'pm'::regclass}), $node->safe_psql('app', q{SELECT ddl FROM extensions.partstrat_history WHERE parent_name = 'public.pm'}));
is(history($node, 'app', 'extensions', 'pm'), 'premake:done', 'premake recorded once');

is(older_attached($node, 'app', 'rt', '3 days'), '0', 'retention: no partition older than 3 days attached');
is(total_rows($node, 'app', 'rt'), $rt_rows, 'retention: no row lost (detached, not dropped)');
is(older_attached($node, 'app', 'rc', '3 days'), '0', 'retention CONCURRENTLY: done by the worker');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_inherits WHERE inhdetachpending}), '0',
	'no detach left pending');
is(total_rows($node, 'app', 'rc'), $rc_rows, 'retention CONCURRENTLY: no row lost');
like($node->safe_psql('app', q{SELECT ddl FROM extensions.partstrat_history WHERE parent_name = 'public.rc'}),
	qr/DETACH PARTITION .* CONCURRENTLY/, 'the CONCURRENTLY script is what ran');
is($node->safe_psql('app', q{SELECT string_agg(DISTINCT run_by, ',') FROM extensions.partstrat_history}),
	'worker', 'every action was the worker\'s');

# advise: recorded, nothing changed
ok($node->poll_query_until('app', q{SELECT count(*) = 2 FROM extensions.partstrat_history
	WHERE parent_name = 'public.adv' AND status = 'advised'}), 'advise: premake and retention recorded');
is(leaves_total($node, 'app', 'adv'), $adv_leaves, 'advise: no partition made or detached');

# a few more runs: the steady state writes nothing new
my $n = $node->safe_psql('app', 'SELECT count(*) FROM extensions.partstrat_history');
sleep 3;
is($node->safe_psql('app', 'SELECT count(*) FROM extensions.partstrat_history'), $n,
	'steady state: later runs add no history rows');

# the other database was never touched
is(leaves_ahead($node, 'other', 'pm'), '0', 'a database not configured gets no premake');
is($node->safe_psql('other', 'SELECT count(*) FROM partstrat_history'), '0',
	'and no history');

my $status = $node->safe_psql('app',
	q{SELECT database || ':' || running || ':' || (last_run_end IS NOT NULL) || ':' || (next_run > last_run_start)
	  FROM extensions.partstrat_worker_status()});
is($status, 'app:true:true:true', 'partstrat_worker_status: app runs, with last and next run')
  or diag($node->safe_psql('app', 'SELECT * FROM extensions.partstrat_worker_status()'));

$node->stop;
done_testing();
