# Proof that a change paid off, with pg_stat_statements preloaded: the
# statements on a parent are sampled before a policy splits its big leaf
# and again after partstrat.proof_after of traffic (simulated days through
# partstrat.reference_time; the daily snapshot takes the second sample).
# partstrat_proof() shows each statement's calls and mean time before and
# after, the leaves it really scanned (measured by the leaves' scan
# counters), and the overall change.  Without pg_stat_statements it says what
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

# the change: a policy splits the big leaf (split_oversized, a 4 MB
# target, a window open all day); before it runs, the maintenance trigger
# takes the proof's first sample, and when it is done, the snapshot the
# traffic after it is measured from
my $hour = (gmtime())[2];
my $window = sprintf('%02d:00-%02d:00 UTC', ($hour + 23) % 24, ($hour + 2) % 24);
$node->safe_psql('postgres', qq{
	SELECT partstrat_set_policy('ev', split_oversized => true, target_bytes => 4194304,
		apply => 'auto', maintenance_window => '$window')});
$node->safe_psql('postgres', q{
	SET partstrat.proof_after = '2d';
	CALL partstrat_run_maintenance_proc('ev')});
is($node->safe_psql('postgres', q{SELECT action || ' ' || status FROM partstrat_history
	WHERE parent = 'ev'::regclass AND status <> 'advised' ORDER BY run_id}),
	'split done', 'the policy split the big leaf');
is($node->safe_psql('postgres', q{SELECT count(*) FROM partstrat_proof_runs r
	JOIN partstrat_history h ON h.run_id = r.history_id
	WHERE r.action = 'split' AND r.action_done_at > r.before_at}),
	'1', 'a proof run keyed by the history row, with the end of the action');
like($node->safe_psql('postgres', "SELECT summary FROM partstrat_proof('ev')"),
	qr/second sample is due at/, 'before the traffic: the second sample is due');
$node->safe_psql('postgres', 'ANALYZE ev');
my $leaves = $node->safe_psql('postgres', "SELECT count(*) FROM partstrat_partitions('ev') WHERE is_leaf");
cmp_ok($leaves, '>', 2, "the split made $leaves leaves");
is($node->safe_psql('postgres', "SELECT count(*) FROM ev"), '300000', 'no row lost');

run_workload();
# a day later by the reference time: not yet due with proof_after = 2 days
is($node->safe_psql('postgres', q{
	SELECT partstrat_proof_complete()
	FROM (SELECT set_config('partstrat.reference_time', (now() + interval '1 day')::text, false)) x}),
	'0', 'not due a day after the action (proof_after 2 days)');
# two days later, the daily snapshot takes the second sample
$node->safe_psql('postgres', q{
	SELECT set_config('partstrat.reference_time', (now() + interval '2 days 1 hour')::text, false);
	SELECT partstrat_snapshot_take('ev')});

# what each literal statement of the workload really scans, before and
# after the split (one leaf per execution before; after, those of the
# split's pieces its day falls in)
sub scanned
{
	my ($q) = @_;
	my $plan = $node->safe_psql('postgres', "EXPLAIN (COSTS OFF) $q");
	return scalar(() = $plan =~ /Scan on /g);
}
my $real_after = 0;
$real_after += scanned($_) for @workload;
$real_after /= 2;

# leaves scanned per call, from the leaves' scan counters (not from the
# normalized statements' plans: those bind $1 and $2 to representative
# values whose range spans more leaves than any execution did)
my @rows = split /\n/, $node->safe_psql('postgres', q{
	SELECT calls_before, calls_after, mean_ms_after < mean_ms_before,
	       round(leaves_before::numeric, 2)
	FROM partstrat_proof('ev') WHERE queryid IS NOT NULL AND query ~ '^SELECT (count|max)'
	  AND query ~ 'ts >=' ORDER BY query});
is(join(';', @rows), '10|10|t|1.00;10|10|t|1.00',
	'each of the two: 10 calls before, 10 after, faster after, 1 leaf scanned per call before');
is($node->safe_psql('postgres', q{
	SELECT calls_before IS NULL, leaves_after FROM partstrat_proof('ev') WHERE query = 'SELECT count(*) FROM ev'}),
	"t|$leaves", 'a statement seen only after the change has no before; without parameters it scanned every leaf');
my $summary = $node->safe_psql('postgres',
	"SELECT summary FROM partstrat_proof('ev') WHERE queryid IS NULL");
like($summary, qr/^public\.ev, split: the 2 statements on public\.ev: mean [0-9.]+ ms -> [0-9.]+ ms, leaves scanned 1\.0 -> [0-9.]+$/,
	"the overall change: $summary");
is($node->safe_psql('postgres', q{SELECT round(leaves_after::numeric, 2) FROM partstrat_proof('ev') WHERE queryid IS NULL}),
	sprintf('%.2f', $real_after), "leaves scanned after: $real_after per call, what the literal statements really scan");
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
