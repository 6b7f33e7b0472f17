# A partition left half-detached by an interrupted DETACH ... CONCURRENTLY is
# listed and flagged (pg_partition_tree() hides it, but it still occupies its
# range); its rows count in no skew measure, and partstrat_advise() advises
# finalize_detach for it and nothing else.
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
$node->safe_psql('postgres', 'SELECT pg_stat_force_next_flush()');
$node->safe_psql('postgres', 'ANALYZE ev');

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

# What the pending detach still blocks, as the advice says.
($rc, $out, $err) = $node->psql('postgres',
	'ALTER TABLE ev DETACH PARTITION ev_1 CONCURRENTLY');
like($err, qr/partition "ev_2" already pending detach/,
	'another DETACH CONCURRENTLY is refused');
($rc, $out, $err) = $node->psql('postgres',
	'CREATE TABLE ev_x PARTITION OF ev FOR VALUES FROM (15) TO (25)');
like($err, qr/would overlap partition "ev_2"/, 'an overlapping partition is refused');
($rc, $out, $err) = $node->psql('postgres', 'INSERT INTO ev VALUES (15)');
like($err, qr/no partition of relation "ev" found for row/,
	'a row for its bound is rejected');
is($node->safe_psql('postgres', 'SELECT count(*) FROM ev'), '10',
	'its rows are no longer read through the parent');

# Its rows are not the parent's: no share, no ratio, no flag.
is($node->safe_psql('postgres',
		"SELECT string_agg(concat_ws(':', partition, rows, share, ratio_to_median, flags), ',')
		 FROM partstrat_skew('ev')"),
	'ev_1:10:1:{},ev_2:10:{}', 'skew leaves the pending partition out of the measures');

is($node->safe_psql('postgres', q{
		SELECT concat_ws(E'\n', priority, action, partitions, reason, evidence, ddl,
						 est_rows_moved, est_lock)
		FROM partstrat_advise('ev')}),
	join("\n",
		'1',
		'finalize_detach',
		'{ev_2}',
		'ev_2 is half-detached from ev since an interrupted DETACH PARTITION ... CONCURRENTLY '
		  . '(or one still waiting for older transactions): its 10 rows (8192 bytes) are no longer '
		  . 'read through ev and new rows for its bound (FOR VALUES FROM (10) TO (20)) are rejected, '
		  . 'yet it still blocks every other DETACH ... CONCURRENTLY of ev and any new partition '
		  . 'overlapping that bound: finish the detach with FINALIZE.',
		'{"rows": 10, "bound": "FOR VALUES FROM (10) TO (20)", "bytes": 8192, "sizes": "catalog", "parent": "ev"}',
		'ALTER TABLE public.ev DETACH PARTITION public.ev_2 FINALIZE;',
		'0',
		'SHARE UPDATE EXCLUSIVE on ev (reads and writes go on) and ACCESS EXCLUSIVE on ev_2 '
		  . 'until COMMIT, after waiting for every transaction with an older snapshot to end'),
	'advise: finalize_detach, exactly');

# Even with a tiny target, nothing else is advised for it.
is($node->safe_psql('postgres', q{
		SELECT string_agg(action || ':' || partitions::text, ',' ORDER BY priority)
		FROM partstrat_advise('ev', 2048)}),
	'finalize_detach:{ev_2},split:{ev_1}', 'no split of the pending partition');

like($node->safe_psql('postgres', "SELECT partstrat_report('ev')"),
	qr/\n  1\. finalize_detach: ev_2 is half-detached from ev .*\n     ALTER TABLE public\.ev DETACH PARTITION public\.ev_2 FINALIZE;\n/s,
	'the report leads with it');

# Running the advice's DDL finishes the detach with every row kept.
$node->safe_psql('postgres',
	"SELECT ddl FROM partstrat_advise('ev') WHERE action = 'finalize_detach' \\gexec");
is($node->safe_psql('postgres',
		"SELECT string_agg(partition::text, ',') FROM partstrat_partitions('ev')"),
	'ev_1', 'gone after FINALIZE');
is($node->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM ev_2) || '/' || (SELECT count(*) FROM ev)
		 || '/' || (SELECT count(*) FROM pg_inherits WHERE inhrelid = 'ev_2'::regclass)"),
	'10/10/0', 'ev_2 is a standalone table with its 10 rows');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM partstrat_advise('ev') WHERE action = 'finalize_detach'"),
	'0', 'no finalize_detach advice afterwards');

# A pending detach under a time-range root: the retention advice waits for
# its FINALIZE (DETACH ... CONCURRENTLY of the parent is refused until then).
$node->safe_psql('postgres', q{
	CREATE TABLE tl (ts date) PARTITION BY RANGE (ts);
	CREATE TABLE tl_01 PARTITION OF tl FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
	CREATE TABLE tl_02 PARTITION OF tl FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');
	CREATE TABLE tl_03 PARTITION OF tl FOR VALUES FROM ('2020-03-01') TO ('2020-04-01');
	INSERT INTO tl SELECT date '2020-01-01' + g FROM generate_series(0, 89) g;
});
$node->safe_psql('postgres', 'SELECT pg_stat_force_next_flush()');
$node->safe_psql('postgres', 'ANALYZE tl');
$holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$holder->query_safe('SELECT count(*) FROM tl');
($rc, $out, $err) = $node->psql('postgres',
	"SET statement_timeout = '1s'; ALTER TABLE tl DETACH PARTITION tl_01 CONCURRENTLY");
like($err, qr/statement timeout/, 'DETACH CONCURRENTLY of tl_01 interrupted');
$holder->query_safe('COMMIT');
$holder->quit;

is($node->safe_psql('postgres', q{
		SELECT string_agg(action || ':' || partitions::text || ':' || reason, E'\n' ORDER BY priority)
		FROM partstrat_advise('tl', NULL, '1 year')}),
	'finalize_detach:{tl_01}:tl_01 is half-detached from tl since an interrupted DETACH PARTITION '
	  . '... CONCURRENTLY (or one still waiting for older transactions): its 31 rows (8192 bytes) '
	  . 'are no longer read through tl and new rows for its bound '
	  . "(FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')) are rejected, yet it still blocks "
	  . 'every other DETACH ... CONCURRENTLY of tl and any new partition overlapping that bound: '
	  . 'finish the detach with FINALIZE, then advise again for the retention of 2 older partitions.',
	'retention waits for the finalize_detach advice');
$node->safe_psql('postgres',
	"SELECT ddl FROM partstrat_advise('tl', NULL, '1 year') WHERE action = 'finalize_detach' \\gexec");
is($node->safe_psql('postgres', q{
		SELECT string_agg(action || ':' || partitions::text, ',' ORDER BY priority)
		FROM partstrat_advise('tl', NULL, '1 year')}),
	'retention:{tl_02,tl_03}', 'then the retention advice');

$node->stop;
done_testing();
