# A split (an action that copies rows) runs only inside the maintenance
# window: outside it the policy records skipped_window, inside it the
# worker splits, rows counted before and after.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint032', "partstrat.databases = 'app'", "partstrat.naptime = 1");
maint_setup_db($node, 'app', undef);
$node->safe_psql('app', q{
	CREATE TABLE sp (k int NOT NULL, pad text) PARTITION BY RANGE (k);
	CREATE TABLE sp_1 PARTITION OF sp FOR VALUES FROM (0) TO (1000);
	CREATE TABLE sp_2 PARTITION OF sp FOR VALUES FROM (1000) TO (2000);
	CREATE TABLE sp_3 PARTITION OF sp FOR VALUES FROM (2000) TO (3000);
	CREATE TABLE sp_4 PARTITION OF sp FOR VALUES FROM (3000) TO (100000);
	INSERT INTO sp SELECT g % 3000, 'x' FROM generate_series(1, 3000) g;
	INSERT INTO sp SELECT 3000 + g % 90000, repeat('y', 100) FROM generate_series(1, 50000) g;
	ANALYZE sp;
});
my $sum = $node->safe_psql('app', q{SELECT count(*) || ':' || sum(k) FROM sp});

# no window: split is never automatic
$node->safe_psql('app', q{SELECT partstrat_set_policy('sp', split_oversized => true,
	target_bytes => 1048576, apply => 'auto')});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.sp' AND action = 'split' AND status = 'skipped_window'}),
	'without a window: skipped_window');
like($node->safe_psql('app', q{SELECT error FROM partstrat_history WHERE parent_name = 'public.sp'}),
	qr/no maintenance window is set/, 'saying why');

# a window that starts in two hours: still skipped
$node->safe_psql('app', q{SELECT partstrat_set_policy('sp', split_oversized => true,
	target_bytes => 1048576, apply => 'auto',
	maintenance_window => to_char(now() AT TIME ZONE 'UTC' + interval '2 hours', 'HH24:MI') || '-'
	                      || to_char(now() AT TIME ZONE 'UTC' + interval '3 hours', 'HH24:MI') || ' UTC')});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.sp' AND error LIKE 'outside the maintenance window%'}),
	'outside the window: skipped_window');
sleep 2;
is($node->safe_psql('app', q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'sp'::regclass}),
	'4', 'nothing split outside the window');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history
	WHERE parent_name = 'public.sp' AND status = 'skipped_window'}),
	'1', 'one row, refreshed with the latest reason rather than repeated every run');

# the window opens (it covers now): the worker splits
$node->safe_psql('app', q{SELECT partstrat_set_policy('sp', split_oversized => true,
	target_bytes => 1048576, apply => 'auto',
	maintenance_window => to_char(now() AT TIME ZONE 'UTC' - interval '1 hour', 'HH24:MI') || '-'
	                      || to_char(now() AT TIME ZONE 'UTC' + interval '1 hour', 'HH24:MI') || ' UTC')});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.sp' AND action = 'split' AND status IN ('done', 'failed')}),
	'inside the window: the split ran');
is($node->safe_psql('app', q{SELECT status || coalesce(' ' || error, '') FROM partstrat_history
	WHERE parent_name = 'public.sp' AND action = 'split' AND status IN ('done', 'failed')}),
	'done', 'and succeeded');
cmp_ok($node->safe_psql('app', q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'sp'::regclass}),
	'>', 4, 'the oversized leaf is split');
is($node->safe_psql('app', q{SELECT count(*) || ':' || sum(k) FROM sp}), $sum, 'every row kept');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_class WHERE relname LIKE 'sp\_%'
	AND relkind = 'r' AND NOT relispartition}), '0', 'no table left behind');
# the worker ran the split and the runs after it without crashing (a list
# read after SPI_finish freed it once gave a NULL script here: SIGSEGV)
unlike(slurp_file($node->logfile), qr/terminated by signal/,
	'no process of the server crashed');

$node->stop;
done_testing();
