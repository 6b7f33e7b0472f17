# A DETACH ... CONCURRENTLY left pending (interrupted) is finished by the
# next retention run: the worker runs the FINALIZE, then the rest.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint036', "partstrat.databases = ''", "partstrat.naptime = 1");
maint_setup_db($node, 'app', undef);
mk_daily($node, 'app', 'rp', 10, 1, 24);
my $rows = total_rows($node, 'app', 'rp');
my $oldest = $node->safe_psql('app', q{SELECT min(c.relname) FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'rp'::regclass});

# an old snapshot makes DETACH CONCURRENTLY wait; a timeout leaves it pending
my $holder = $node->background_psql('app');
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$holder->query_safe('SELECT count(*) FROM rp');
my ($rc, $out, $err) = $node->psql('app',
	"SET statement_timeout = '1s'; ALTER TABLE rp DETACH PARTITION $oldest CONCURRENTLY");
like($err, qr/statement timeout/, 'DETACH CONCURRENTLY interrupted');
$holder->query_safe('COMMIT');
$holder->quit;
is($node->safe_psql('app', 'SELECT count(*) FROM pg_inherits WHERE inhdetachpending'), '1',
	'one partition pending detach');

$node->safe_psql('app', q{SELECT partstrat_set_policy('rp', retention => '3 days', concurrently => true, apply => 'auto')});
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.databases = 'app'; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.rp' AND status IN ('done', 'failed')}), 'the worker ran the retention');
is($node->safe_psql('app', q{SELECT string_agg(status || coalesce(' ' || error, ''), ',') FROM partstrat_history
	WHERE parent_name = 'public.rp'}), 'done', 'done');
like($node->safe_psql('app', q{SELECT ddl FROM partstrat_history WHERE parent_name = 'public.rp'}),
	qr/DETACH PARTITION public\.$oldest FINALIZE/, 'with the FINALIZE of the pending detach');
is($node->safe_psql('app', 'SELECT count(*) FROM pg_inherits WHERE inhdetachpending'), '0',
	'nothing pending any more');
is(older_attached($node, 'app', 'rp', '3 days'), '0', 'every old partition detached');
is(total_rows($node, 'app', 'rp'), $rows, 'no row lost');

$node->stop;
done_testing();
