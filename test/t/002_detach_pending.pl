# A partition left half-detached by an interrupted DETACH ... CONCURRENTLY is
# listed and flagged (pg_partition_tree() hides it, but it still occupies its
# range).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('detach');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE ev (k int) PARTITION BY RANGE (k);
	CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM (0) TO (10);
	CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM (10) TO (20);
	INSERT INTO ev SELECT g FROM generate_series(0, 19) g;
});

# An old snapshot makes DETACH CONCURRENTLY wait in its second phase; a
# statement_timeout interrupts it there, leaving the partition pending.
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$holder->query_safe('SELECT count(*) FROM ev');

my ($rc, $out, $err) = $node->psql('postgres',
	"SET statement_timeout = '1s'; ALTER TABLE ev DETACH PARTITION ev_2 CONCURRENTLY");
like($err, qr/statement timeout/, 'DETACH CONCURRENTLY interrupted');

is($node->safe_psql('postgres',
		"SELECT string_agg(relid::text, ',') FROM pg_partition_tree('ev') WHERE isleaf"),
	'ev_1', 'pg_partition_tree hides the pending partition');
is($node->safe_psql('postgres',
		"SELECT string_agg(partition || ':' || detach_pending || ':' || array_to_string(range_from, ''), ',')
		 FROM partstrat_partitions('ev')"),
	'ev_1:false:0,ev_2:true:10', 'partstrat lists and flags it');
is($node->safe_psql('postgres', "SELECT leaves || '/' || detach_pending FROM partstrat_summary('ev')"),
	'2/1', 'summary counts it');

$holder->query_safe('COMMIT');
$holder->quit;
$node->safe_psql('postgres', 'ALTER TABLE ev DETACH PARTITION ev_2 FINALIZE');
is($node->safe_psql('postgres',
		"SELECT string_agg(partition::text, ',') FROM partstrat_partitions('ev')"),
	'ev_1', 'gone after FINALIZE');

$node->stop;
done_testing();
