# kill -9 of the worker during a split: the postmaster reinitializes, the
# worker comes back, the split is "failed" in the history (the process is
# gone), no row is lost, no half-made table is left, and the next run does
# the split.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint034', "partstrat.databases = 'app'", "partstrat.naptime = 1",
	"restart_after_crash = on");
maint_setup_db($node, 'app', undef);
# an index whose (immutable) function is slow: the copy of the split takes
# seconds, long enough to kill the worker in the middle of it
$node->safe_psql('app', q{
	CREATE FUNCTION slow_key(k int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
	BEGIN PERFORM pg_catalog.pg_sleep(0.002); RETURN k; END $$;
	CREATE TABLE sp (k int NOT NULL, pad text) PARTITION BY RANGE (k);
	CREATE TABLE sp_1 PARTITION OF sp FOR VALUES FROM (0) TO (1000);
	CREATE TABLE sp_2 PARTITION OF sp FOR VALUES FROM (1000) TO (2000);
	CREATE TABLE sp_3 PARTITION OF sp FOR VALUES FROM (2000) TO (3000);
	CREATE TABLE sp_4 PARTITION OF sp FOR VALUES FROM (3000) TO (100000);
	INSERT INTO sp SELECT g % 3000, 'x' FROM generate_series(1, 300) g;
	INSERT INTO sp SELECT 3000 + g % 90000, repeat('y', 400) FROM generate_series(1, 6000) g;
	CREATE INDEX sp_slow ON sp (slow_key(k));
	ANALYZE sp;
});
my $sum = $node->safe_psql('app', q{SELECT count(*) || ':' || sum(k) FROM sp});
$node->safe_psql('app', q{SELECT partstrat_set_policy('sp', split_oversized => true,
	target_bytes => 1048576, apply => 'auto',
	maintenance_window => to_char(now() AT TIME ZONE 'UTC' - interval '1 hour', 'HH24:MI') || '-'
	                      || to_char(now() AT TIME ZONE 'UTC' + interval '1 hour', 'HH24:MI') || ' UTC')});

ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.sp' AND action = 'split' AND status = 'running'}),
	'the worker is splitting');
sleep 1;
my $pid = $node->safe_psql('app', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'partstrat worker'});
like($pid, qr/^\d+$/, 'worker pid');
is($node->safe_psql('app', q{SELECT status FROM partstrat_history WHERE action = 'split'}), 'running',
	'still in the split');
kill 'KILL', $pid;

# every session ends; the server comes back; so does the worker
ok($node->poll_query_until('app', 'SELECT 1', '1'), 'the server is back after reinitialization');
like(slurp_file($node->logfile), qr/terminated by signal 9: Killed/, 'the postmaster saw the crash');
# the slow function is no longer needed
$node->safe_psql('app', q{CREATE OR REPLACE FUNCTION slow_key(k int) RETURNS int
	LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN k; END $$});
ok($node->poll_query_until('app', qq{SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'partstrat worker' AND pid <> $pid}), 'the worker is back');

ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE action = 'split' AND status = 'failed'}), 'the interrupted split is failed in the history');
like($node->safe_psql('app', q{SELECT error FROM partstrat_history WHERE action = 'split' AND status = 'failed'}),
	qr/(worker ended|server restarted) while the action ran/, 'saying why');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE status = 'running' AND action = 'split'
	AND run_id = (SELECT min(run_id) FROM partstrat_history WHERE action = 'split')}), '0',
	'nothing is left running');

ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE action = 'split' AND status = 'done'}), 'the next run does the split');
is($node->safe_psql('app', q{SELECT count(*) || ':' || sum(k) FROM sp}), $sum, 'no row lost');
cmp_ok($node->safe_psql('app', q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'sp'::regclass}),
	'>', 4, 'split');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_class WHERE relname LIKE 'sp\_%'
	AND relkind = 'r' AND NOT relispartition}), '0', 'no leftover table');

$node->stop;
done_testing();
