# The forecast on a real streaming standby (pg_basebackup -R): it writes
# nothing (no temporary tables), so a read-only replica gives the same
# forecast, advice (premake from the forecast) and metrics as the primary.
# Taking a snapshot there is refused with a clear read-only error.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('fc_primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "autovacuum = off\n");
$primary->start;
$primary->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE ev (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	SELECT format('CREATE TABLE %I PARTITION OF ev FOR VALUES FROM (%L) TO (%L)',
	              'ev_' || to_char(g, 'YYYYMMDD'), g::date::text || ' 00:00+00',
	              (g::date + 1)::text || ' 00:00+00')
	FROM generate_series('2026-01-01'::date, '2026-01-14'::date, '1 day') g \gexec
	CREATE TABLE ev_default PARTITION OF ev DEFAULT;
});
# three simulated days of 1,000 rows and a snapshot each
for my $d (1 .. 3)
{
	$primary->safe_psql('postgres', qq{
		INSERT INTO ev SELECT g, '2026-01-01 00:00+00'::timestamptz + ($d - 1) * interval '1 day'
		                         + g * interval '1 minute' FROM generate_series(1, 1000) g;
		ANALYZE ev;
		SET partstrat.reference_time = '2026-01-0$d 06:00+00';
		SELECT partstrat_snapshot_take('ev');
	});
}

# a standby made with pg_basebackup -R, streaming from the primary
my $bkp = $primary->backup_dir . '/standby_bkp';
$primary->command_ok(
	[ 'pg_basebackup', '-D', $bkp, '-R', '-X', 'stream', '-c', 'fast', '--no-sync',
	  '-d', $primary->connstr('postgres') ],
	'pg_basebackup -R');
my $standby = PostgreSQL::Test::Cluster->new('fc_standby');
$standby->init_from_backup($primary, 'standby_bkp');
$standby->start;
my $lsn = $primary->lsn('insert');
ok($standby->poll_query_until('postgres', "SELECT pg_last_wal_replay_lsn() >= '$lsn'"),
	'the standby replayed the primary');
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');
like($standby->safe_psql('postgres', 'SELECT status FROM pg_stat_wal_receiver'), qr/streaming/,
	'and streams from the primary');

my $fc = q{SET partstrat.reference_time = '2026-01-03 06:00+00';
	SELECT coalesce(partition::text, '-') || '|' || daily_snapshots || '|' || round(rows_per_day) || '|'
	       || coalesce(premake::text, '') || '|' || summary
	FROM partstrat_forecast('ev', '14 days') ORDER BY partition NULLS FIRST};
my $on_primary = $primary->safe_psql('postgres', $fc);
like($on_primary, qr/^-\|3\|1000\|14\|public\.ev grows /, 'the primary forecasts from 3 daily snapshots');
my ($rc, $on_standby, $err) = $standby->psql('postgres', $fc);
is($rc, 0, 'the forecast runs on the standby') or diag($err);
is($on_standby, $on_primary, 'and gives the same rows as the primary');

my $advice = q{SET partstrat.reference_time = '2026-01-03 06:00+00';
	SET partstrat.forecast_horizon = '14d';
	SELECT action || ' ' || (evidence->>'forecast_premake') || ' ' || (evidence->>'partitions_to_create')
	FROM partstrat_advise('ev') WHERE action = 'premake'};
is($standby->safe_psql('postgres', $advice), 'premake 14 3',
	'the standby advises the premake the forecast computes');
is($standby->safe_psql('postgres', $advice), $primary->safe_psql('postgres', $advice),
	'as the primary does');
is($standby->safe_psql('postgres',
	q{SELECT value FROM partstrat_metrics WHERE metric = 'partstrat_leaves' AND labels->>'parent' = 'public.ev'}),
	'15', 'the metrics read on the standby');

($rc, my $out, $err) = $standby->psql('postgres', "SELECT partstrat_snapshot_take('ev')");
like($err, qr/read-only transaction/, 'a snapshot on the standby is refused: read-only');

$standby->stop;
$primary->stop;
done_testing();
