# A parent locked by another session is skipped_lock, naming the blocking
# session, and done on the next run once the lock is gone, nothing lost; a
# failing parent does not stop the others and is retried with a growing
# delay.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint031', "partstrat.databases = 'app'", "partstrat.naptime = 1");
maint_setup_db($node, 'app', undef);
mk_daily($node, 'app', 'lk', 10, 1, 24);
mk_daily($node, 'app', 'good', 2, 0);
mk_daily($node, 'app', 'bad', 2, 0);
# bad's owner may not create tables in public (PostgreSQL 15's default):
# its premake is refused with the reason, every run
$node->safe_psql('app', q{
	CREATE ROLE maint_owner;
	ALTER TABLE bad OWNER TO maint_owner;
	SELECT format('ALTER TABLE %I OWNER TO maint_owner', relname) FROM pg_class
	WHERE relname LIKE 'bad\_%' AND relkind = 'r' \gexec
});
my $lk_rows = total_rows($node, 'app', 'lk');

my $holder = $node->background_psql('app');
$holder->query_safe('BEGIN');
$holder->query_safe('LOCK TABLE lk IN ACCESS SHARE MODE');
my $holder_pid = $holder->query_safe('SELECT pg_backend_pid()');

$node->safe_psql('app', q{
	SELECT partstrat_set_policy('bad', premake => 3, apply => 'auto');
	SELECT partstrat_set_policy('lk', retention => '3 days', apply => 'auto');
	SELECT partstrat_set_policy('good', premake => 3, apply => 'auto');
});

ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.lk' AND status = 'skipped_lock'}), 'locked parent: skipped_lock');
my $blockers = $node->safe_psql('app', q{SELECT blockers FROM partstrat_history
	WHERE parent_name = 'public.lk' AND status = 'skipped_lock' ORDER BY run_id LIMIT 1});
like($blockers, qr/"pid": $holder_pid\b/, 'the blocking session is named by its pid');
like($blockers, qr/"query": "SELECT pg_backend_pid\(\)/, "with its query") or diag($blockers);
like($blockers, qr/"state": "idle in transaction"/, 'and its state');
like($blockers, qr/"locks": \["AccessShareLock"\]/, 'and the lock it holds');
is($node->safe_psql('app', q{SELECT sqlstate FROM partstrat_history
	WHERE parent_name = 'public.lk' AND status = 'skipped_lock' ORDER BY run_id LIMIT 1}),
	'55P03', 'with the lock timeout SQLSTATE');
is($node->safe_psql('app', q{SELECT failures FROM partstrat_policies WHERE parent = 'lk'::regclass}),
	'', 'a skipped lock is not a failure');

# the others went on
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.good' AND status = 'done'}), 'another parent is done meanwhile');
is(leaves_ahead($node, 'app', 'good'), '3', 'its premake is there');
like($node->safe_psql('app', q{SELECT sqlstate || ' ' || error FROM partstrat_history
	WHERE parent_name = 'public.bad' AND status = 'failed' ORDER BY run_id LIMIT 1}),
	qr/^42501 (role maint_owner, the owner of the parent, has no CREATE privilege on schema public|role "maint_owner" may not create a table in schema "public")/,
	'the failing parent is refused with the reason');

# the lock goes away: done on a later run, nothing lost
$holder->query_safe('COMMIT');
$holder->quit;
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.lk' AND status = 'done'}), 'done once the lock is released');
is(older_attached($node, 'app', 'lk', '3 days'), '0', 'the old partitions are detached');
is(total_rows($node, 'app', 'lk'), $lk_rows, 'no row lost');

# retried with a growing delay (naptime 1 s: 1, 2, 4, ... s)
ok($node->poll_query_until('app', q{SELECT failures >= 3 FROM partstrat_policies WHERE parent = 'bad'::regclass}),
	'the failing parent is retried');
my $delays = $node->safe_psql('app', q{SELECT string_agg(round(extract(epoch FROM retry_at - finished_at))::text, ',' ORDER BY run_id)
	FROM partstrat_history WHERE parent_name = 'public.bad' AND status = 'failed'});
my @d = split /,/, $delays;
ok(@d >= 3 && $d[1] > $d[0] && $d[2] > $d[1], "the delay grows ($delays s)");
is($node->safe_psql('app', q{SELECT retry_at > now() FROM partstrat_policies WHERE parent = 'bad'::regclass}),
	't', 'the next retry is shown');
# failed runs of bad did not keep good from its steady state
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE parent_name = 'public.good'}),
	'1', 'the healthy parent was not run again for nothing');

$node->stop;
done_testing();
