# Proof that a change paid off, with pg_stat_statements preloaded: the
# statements on a parent are sampled before a split of its big leaf and
# again after partstrat.proof_after of traffic (simulated days through
# partstrat.reference_time; the daily snapshot takes the second sample).
# partstrat_proof() shows each statement's calls and mean time before and
# after, and the overall change.  Without pg_stat_statements it says what
# it lacks; a role without rights on the parent sees nothing of it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('proof');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
autovacuum = off
max_parallel_workers_per_gather = 0
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE EXTENSION pg_stat_statements;
	CREATE TABLE ev (id int, ts timestamptz NOT NULL, pad text) PARTITION BY RANGE (ts);
	CREATE TABLE ev_2026_01 PARTITION OF ev
		FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
	CREATE TABLE ev_2026_02 PARTITION OF ev
		FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');
	INSERT INTO ev SELECT g, '2026-01-01 00:00+00'::timestamptz + (g % 744) * interval '1 hour',
		repeat('x', 100)
		FROM generate_series(1, 300000) g;
	ANALYZE ev;
	CREATE ROLE nobody LOGIN;
});

my @workload = (
	q{SELECT count(*) FROM ev WHERE ts >= '2026-01-03 00:00+00' AND ts < '2026-01-04 00:00+00'},
	q{SELECT max(id) FROM ev WHERE ts >= '2026-01-20 00:00+00' AND ts < '2026-01-21 00:00+00'},
);
sub run_workload
{
	for my $q (@workload)
	{
		$node->safe_psql('postgres', join(';', ($q) x 10));
	}
}

# without a recorded action: says so
like($node->safe_psql('postgres', "SELECT summary FROM partstrat_proof('ev')"),
	qr/no action recorded yet/, 'no action yet: said');

$node->safe_psql('postgres', 'SELECT pg_stat_statements_reset()');
run_workload();

my $id = $node->safe_psql('postgres', q{
	SET partstrat.reference_time = '2026-02-01 12:00+00';
	SET partstrat.proof_after = '2d';
	SELECT partstrat_proof_begin('ev', 'split')});
like($id, qr/^\d+$/, 'a proof run begins');
like($node->safe_psql('postgres', "SELECT summary FROM partstrat_proof('ev')"),
	qr/second sample is due at/, 'before the traffic: the second sample is due');

# the change: split the big leaf into 31 daily pieces
my $ddl = $node->safe_psql('postgres', q{
	SELECT partstrat_ddl_split('ev_2026_01', boundaries =>
		(SELECT array_agg(d::text) FROM generate_series('2026-01-02 00:00+00'::timestamptz,
			'2026-01-31 00:00+00', interval '1 day') d))});
$node->safe_psql('postgres', $ddl);
$node->safe_psql('postgres', 'ANALYZE ev');
is($node->safe_psql('postgres', "SELECT count(*) FROM partstrat_partitions('ev')"), '32',
	'the split made 31 daily leaves');
is($node->safe_psql('postgres', "SELECT count(*) FROM ev"), '300000', 'no row lost');

run_workload();
# a day later by the reference time: not yet due with proof_after = 2 days
is($node->safe_psql('postgres', q{
	SET partstrat.reference_time = '2026-02-02 12:00+00';
	SELECT partstrat_proof_complete()}), '0', 'not due yet (proof_after 2 days at the start)');
# two days later, the daily snapshot takes the second sample
$node->safe_psql('postgres', q{
	SET partstrat.reference_time = '2026-02-03 13:00+00';
	SELECT partstrat_snapshot_take('ev')});

# the leaves are those the workload report finds for the normalized
# statement ($n for the constants): its plans, not this run's literal ones
my @rows = split /\n/, $node->safe_psql('postgres', q{
	SELECT calls_before, calls_after, mean_ms_after < mean_ms_before,
	       leaves_before IS NOT NULL AND leaves_after IS NOT NULL
	FROM partstrat_proof('ev') WHERE queryid IS NOT NULL AND query ~ '^SELECT (count|max)'
	  AND query ~ 'ts >=' ORDER BY query});
is(join(';', @rows), '10|10|t|t;10|10|t|t',
	'each of the two: 10 calls before, 10 after, faster after, leaves from the pruning report');
is($node->safe_psql('postgres', q{
	SELECT calls_before IS NULL FROM partstrat_proof('ev') WHERE query = 'SELECT count(*) FROM ev'}),
	't', 'a statement seen only after the change has no before');
my $summary = $node->safe_psql('postgres',
	"SELECT summary FROM partstrat_proof('ev') WHERE queryid IS NULL");
like($summary, qr/^public\.ev, split: the 2 statements on public\.ev: mean [0-9.]+ ms -> [0-9.]+ ms, leaves scanned [0-9.]+ -> [0-9.]+$/,
	"the overall change: $summary");
my ($before, $after) = $summary =~ /mean ([0-9.]+) ms -> ([0-9.]+) ms/;
cmp_ok($after * 3, '<', $before, 'the split made the statements more than 3 times faster');

# a role without rights on ev sees nothing of its proof
my ($rc, $out, $err) = $node->psql('postgres', "SELECT * FROM partstrat_proof('ev')",
	extra_params => [ '-U', 'nobody' ]);
like($err, qr/permission denied for table ev/, 'nobody: permission denied');
is($node->safe_psql('postgres', 'SELECT count(*) FROM partstrat_proof_runs', extra_params => [ '-U', 'nobody' ]),
	'0', 'nobody sees no proof run');
($rc, $out, $err) = $node->psql('postgres', "SELECT partstrat_proof_begin('ev')",
	extra_params => [ '-U', 'nobody' ]);
like($err, qr/permission denied for table ev/, 'nobody cannot begin a proof on ev');

# without pg_stat_statements in the database: the run says what it lacks
$node->safe_psql('postgres', 'CREATE DATABASE nopss');
$node->safe_psql('nopss', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE t (k int) PARTITION BY LIST (k);
	CREATE TABLE t_1 PARTITION OF t FOR VALUES IN (1);
});
like($node->safe_psql('nopss', "SELECT summary FROM partstrat_proof('t')"),
	qr/pg_stat_statements is not installed in this database/, 'no pg_stat_statements: said');
$node->safe_psql('nopss', "SELECT partstrat_proof_begin('t')");
like($node->safe_psql('nopss', "SELECT summary FROM partstrat_proof('t')"),
	qr/no proof: pg_stat_statements is not installed/, 'a run without it says what it lacks');

$node->stop;
done_testing();
