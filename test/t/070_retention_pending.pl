# Retention with concurrently => true while another partition is pending
# detach: PostgreSQL refuses every DETACH ... CONCURRENTLY of the parent
# until that detach is finished ("already pending detach"), so the script
# FINALIZEs the pending partition first -- what the server's own hint says --
# and then detaches the partitions outside the window.  Run with psql -f, as
# documented, it detaches them all and loses no row.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('retention_pending');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE tl (ts date, v int) PARTITION BY RANGE (ts);
	CREATE TABLE tl_01 PARTITION OF tl FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
	CREATE TABLE tl_02 PARTITION OF tl FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');
	CREATE TABLE tl_03 PARTITION OF tl FOR VALUES FROM ('2020-03-01') TO ('2020-04-01');
	CREATE TABLE tl_04 PARTITION OF tl FOR VALUES FROM ('2020-04-01') TO ('2020-05-01');
	INSERT INTO tl SELECT date '2020-01-01' + g, g FROM generate_series(0, 120) g;
});

# tl_04, inside the window, is left pending by an interrupted DETACH
# CONCURRENTLY (an old snapshot makes it wait; statement_timeout stops it).
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$holder->query_safe('SELECT count(*) FROM tl');
my ($rc, $out, $err) = $node->psql('postgres',
	"SET statement_timeout = '1s'; ALTER TABLE tl DETACH PARTITION tl_04 CONCURRENTLY");
like($err, qr/statement timeout/, 'DETACH CONCURRENTLY of tl_04 interrupted');
$holder->query_safe('COMMIT');
$holder->quit;

# without the FINALIZE, the first DETACH CONCURRENTLY of the script fails
($rc, $out, $err) = $node->psql('postgres',
	'ALTER TABLE tl DETACH PARTITION tl_01 CONCURRENTLY');
like($err, qr/partition "tl_04" already pending detach/,
	'a DETACH CONCURRENTLY is refused while tl_04 is pending');

my $script = $node->safe_psql('postgres', q{
	SELECT partstrat_ddl_retention('tl', keep => '1 month', concurrently => true,
								   as_of => '2020-04-15 00:00+00')});
my @stmts = grep { /^ALTER TABLE/ } split /\n/, $script;
is(join("\n", @stmts),
	join("\n",
		'ALTER TABLE public.tl DETACH PARTITION public.tl_04 FINALIZE;',
		'ALTER TABLE public.tl DETACH PARTITION public.tl_01 CONCURRENTLY;',
		'ALTER TABLE public.tl DETACH PARTITION public.tl_02 CONCURRENTLY;'),
	'the pending detach is finished first, then the window\'s partitions detached');
like($script,
	qr/-- left "detach pending" by an interrupted DETACH \.\.\. CONCURRENTLY, which blocks every other DETACH \.\.\. CONCURRENTLY of public\.tl: finished first \(inside the window, it stays a standalone table\)\n/,
	'the script says why');

# run as documented: psql -f, outside a transaction block
my $file = $node->basedir . '/retention.sql';
open(my $fh, '>', $file) or die;
print $fh $script;
close($fh);
($rc, $out, $err) = $node->psql('postgres', undef,
	extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file ]);
is($rc, 0, 'the script runs with psql -f') or diag($err);

is($node->safe_psql('postgres',
		"SELECT string_agg(inhrelid::regclass::text, ',' ORDER BY inhrelid::regclass::text)
		 FROM pg_inherits WHERE inhparent = 'tl'::regclass"),
	'tl_03', 'tl_03 is the only partition left');
is($node->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM tl_01) || '/' || (SELECT count(*) FROM tl_02) || '/'
		 || (SELECT count(*) FROM tl_03) || '/' || (SELECT count(*) FROM tl_04)"),
	'31/29/31/30', 'every row is still there, in the detached tables');

$node->stop;
done_testing();
