# Counter resets a snapshot series must survive: a crash (the server
# discards every cumulative counter) is detected even when a leaf's counters
# have grown back past their old values; a clean restart keeps the counters
# and is no reset.  Simulated days through partstrat.reference_time.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('reset');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\nrestart_after_crash = on\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE ev (id int, k int NOT NULL) PARTITION BY RANGE (k);
	CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM (0) TO (1000000);
	CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM (1000000) TO (2000000);
});

# n rows into ev_1, counters flushed
sub load
{
	my ($n) = @_;
	$node->safe_psql('postgres',
		"INSERT INTO ev SELECT g, g FROM generate_series(1, $n) g; SELECT pg_stat_force_next_flush();");
}

sub take
{
	my ($day) = @_;
	$node->safe_psql('postgres',
		"SET partstrat.reference_time = '2026-01-0$day 12:00+00'; SELECT partstrat_snapshot_take('ev')");
}

sub delta
{
	my ($day) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT coalesce(inserted::text, 'NULL') || ' ' || counters_reset
		FROM partstrat_snapshot_deltas
		WHERE leaf = 'ev_1'::regclass AND taken_at = '2026-01-0$day 12:00+00'});
}

load(100);
take(1);
load(50);
take(2);
is(delta(2), '50 false', 'day 2: 50 rows inserted, no reset');

# many transactions before the crash, so the database's count is high
$node->safe_psql('postgres', "SELECT 1") for 1 .. 20;
$node->safe_psql('postgres', "SELECT pg_stat_force_next_flush()");
my $xacts_before = $node->safe_psql('postgres',
	"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");

# a crash: SIGKILL to the checkpointer makes the postmaster reinitialize,
# crash recovery discards every counter
my $ckpt = $node->safe_psql('postgres',
	"SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
kill 'KILL', $ckpt;
$node->poll_query_until('postgres',
	"SELECT pid <> $ckpt FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
  or die "the server did not come back after the crash";
like(slurp_file($node->logfile), qr/terminated by signal 9/, 'the server crashed');
my $ins_after_crash = $node->safe_psql('postgres',
	"SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'ev_1'");
is($ins_after_crash, '0', 'the crash reset the counters of ev_1');
# more rows than ever before: ev_1's own counter goes past its old value
load(400);
my $ins = $node->safe_psql('postgres',
	"SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'ev_1'");
cmp_ok($ins, '>', 150, "ev_1 counts $ins inserts after the crash, more than its 150 before");
take(3);
is(delta(3), 'NULL true', 'day 3: the crash is a counter reset, the delta is unknown, not 250');
is($node->safe_psql('postgres',
	"SELECT count(*) FROM partstrat_snapshot_deltas WHERE inserted < 0 OR updated < 0 OR deleted < 0 OR seq_scans < 0 OR idx_scans < 0"),
	'0', 'no negative delta anywhere');

# hot over the window: the only snapshot of the window predates the crash
$node->safe_psql('postgres', "UPDATE ev SET id = id + 1 WHERE k < 10; SELECT pg_stat_force_next_flush()");
is($node->safe_psql('postgres', q{
	SET partstrat.reference_time = '2026-01-04 13:00+00';
	SET partstrat.hot_window = '1d';
	SELECT DISTINCT hot_source FROM partstrat_skew('ev')}),
	'snapshots', 'a snapshot after the crash covers the window: snapshots');
is($node->safe_psql('postgres', q{
	SET partstrat.reference_time = '2026-01-03 06:00+00';
	SET partstrat.hot_window = '12h';
	SELECT DISTINCT hot_source FROM partstrat_skew('ev')}),
	'since_analyze', 'the window base is from before the crash: since ANALYZE instead');

# a clean restart keeps the counters: no reset
$node->restart;
load(10);
take(4);
is(delta(4), '10 false', 'day 4 after a clean restart: 10 rows, no reset');

$node->stop;
done_testing();
