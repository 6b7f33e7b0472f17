# The library works loaded from shared_preload_libraries and without it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('preload');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'partstrat'\nautovacuum = off\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE t (k int) PARTITION BY RANGE (k);
	CREATE TABLE t_1 PARTITION OF t FOR VALUES FROM (0) TO (10);
	CREATE TABLE t_2 PARTITION OF t FOR VALUES FROM (10) TO (20);
	INSERT INTO t SELECT g FROM generate_series(0, 19) g;
	ANALYZE t;
});
is($node->safe_psql('postgres', 'SHOW shared_preload_libraries'), 'partstrat',
	'library preloaded');
is($node->safe_psql('postgres',
		"SELECT string_agg(partition || ':' || est_rows, ',') FROM partstrat_partitions('t')"),
	't_1:10,t_2:10', 'inventory works when preloaded');

# partstrat.* is a reserved GUC prefix once the library is loaded
my ($rc, $out, $err) = $node->psql('postgres', "SET partstrat.no_such_setting = 1");
isnt($rc, 0, 'unknown partstrat.* setting refused');
like($err, qr/invalid configuration parameter name|unrecognized configuration parameter/,
	'with a clear message');

# and without preloading: loaded on demand by the first call
$node->stop;
$node->append_conf('postgresql.conf', "shared_preload_libraries = ''\n");
$node->start;
is($node->safe_psql('postgres', 'SHOW shared_preload_libraries'), '', 'not preloaded');
is($node->safe_psql('postgres', "SELECT leaves || '/' || total_rows FROM partstrat_summary('t')"),
	'2/20', 'summary works when loaded on demand');

$node->stop;
done_testing();
