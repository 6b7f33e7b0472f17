# Metrics end to end, real parts only: a server with partstrat, Debian's
# prometheus-postgres-exporter scraping it with monitoring/'s queries file
# as a pg_monitor role, Debian's prometheus scraping the exporter on
# loopback; PromQL through Prometheus's HTTP API gives the partstrat_
# series with the values of the view.  promtool accepts the output of
# partstrat_metrics_prometheus(), and every expression of the Grafana
# dashboard names a series the exporter really produces.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;
use HTTP::Tiny;
use IPC::Run qw(run start);
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = File::Spec->rel2abs(dirname(__FILE__) . '/../..');
my $exporter_bin = '/usr/bin/prometheus-postgres-exporter';
my $prometheus_bin = '/usr/bin/prometheus';
my $promtool_bin = '/usr/bin/promtool';
for my $bin ($exporter_bin, $prometheus_bin, $promtool_bin)
{
	BAIL_OUT("$bin is missing: apt-get install prometheus prometheus-postgres-exporter")
	  unless -x $bin;
}

my $node = PostgreSQL::Test::Cluster->new('prom');
$node->init;
# preloaded with a worker for this database (a long naptime: the runs
# below are the procedure's), so that the maintenance series exist
$node->append_conf('postgresql.conf', qq{autovacuum = off
shared_preload_libraries = 'partstrat'
partstrat.databases = 'postgres'
partstrat.naptime = 3600
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE ev (id int, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	CREATE TABLE ev_1 PARTITION OF ev
		FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
	CREATE TABLE ev_2 PARTITION OF ev
		FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');
	CREATE TABLE ev_3 PARTITION OF ev
		FOR VALUES FROM ('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');
	CREATE TABLE ev_default PARTITION OF ev DEFAULT;
	INSERT INTO ev SELECT g, '2026-01-01 00:00+00'::timestamptz + g * interval '1 minute'
		FROM generate_series(1, 3000) g;
	INSERT INTO ev SELECT g, '2027-01-01 00:00+00' FROM generate_series(1, 7) g;
	CREATE TABLE secret (k int) PARTITION BY LIST (k);
	CREATE TABLE secret_1 PARTITION OF secret FOR VALUES IN (1);
	CREATE ROLE exporter LOGIN IN ROLE pg_monitor;
	CREATE ROLE nobody LOGIN;
	REVOKE ALL ON secret FROM PUBLIC;
	-- maintenance: mt is premade by a policy, mbad's owner may not create
	-- tables in public, so its premake fails
	CREATE TABLE mt (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	CREATE TABLE mt_1 PARTITION OF mt
		FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
	CREATE TABLE mbad (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	CREATE TABLE mbad_1 PARTITION OF mbad
		FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
	CREATE ROLE mbad_owner;
	REVOKE CREATE ON SCHEMA public FROM PUBLIC;
	ALTER TABLE mbad OWNER TO mbad_owner;
	ALTER TABLE mbad_1 OWNER TO mbad_owner;
	SELECT partstrat_set_policy('mt', premake => 2, apply => 'auto');
	SELECT partstrat_set_policy('mbad', premake => 2, apply => 'auto');
});
$node->safe_psql('postgres', 'CALL partstrat_run_maintenance_proc()');
is($node->safe_psql('postgres', q{SELECT string_agg(parent_name || ' ' || status, ', ' ORDER BY parent_name)
	FROM partstrat_history WHERE status IN ('done', 'failed')}),
	'public.mbad failed, public.mt done', 'maintenance: one run done, one failed');
# a name that tries to inject a series
$node->safe_psql('postgres', <<'SQL');
DO $$ BEGIN
	EXECUTE format('CREATE TABLE %I (k int) PARTITION BY LIST (k)',
		E'x"} 1\npartstrat_leaves{parent="evil\\');
END $$;
SQL
$node->safe_psql('postgres', 'SELECT pg_stat_force_next_flush()');
$node->safe_psql('postgres', 'ANALYZE');

# promtool accepts the text format, as the exporter's role sees it
my $text = $node->safe_psql('postgres',
	"SET ROLE exporter; SELECT partstrat_metrics_prometheus()");
my ($out, $err) = ('', '');
run([ $promtool_bin, 'check', 'metrics' ], '<', \"$text\n", '>', \$out, '2>', \$err);
is($? >> 8, 0, 'promtool check metrics accepts partstrat_metrics_prometheus()');
is($out . $err, '', 'promtool has no lint complaint');
like($text, qr/^partstrat_default_rows\{parent="public\.ev"\} 7$/m,
	'the text has the DEFAULT rows of ev');
is(scalar(() = $text =~ /^partstrat_leaves\{/mg), 5,
	'one partstrat_leaves sample per readable parent, the hostile name included');
my $nobody = $node->safe_psql('postgres',
	"SET ROLE nobody; SELECT count(*) FROM partstrat_metrics WHERE labels->>'parent' = 'public.secret'");
is($nobody, '0', 'a role without rights on a parent sees none of its metrics');

# the exporter, as pg_monitor, on loopback
my $exp_port = PostgreSQL::Test::Cluster::get_free_port();
my $dsn = sprintf('host=%s port=%d user=exporter dbname=postgres sslmode=disable',
	$node->host, $node->port);
my ($exp_out, $exp_err) = ('', '');
local $ENV{DATA_SOURCE_NAME} = $dsn;
my $exporter = start(
	[
		$exporter_bin, '--disable-default-metrics', '--disable-settings-metrics',
		"--extend.query-path=$root/monitoring/postgres-exporter-queries.yaml",
		"--web.listen-address=127.0.0.1:$exp_port"
	],
	'>', \$exp_out, '2>', \$exp_err);

my $http = HTTP::Tiny->new(timeout => 10);
my $scrape = '';
for (1 .. 60)
{
	my $r = $http->get("http://127.0.0.1:$exp_port/metrics");
	if ($r->{success} && $r->{content} =~ /^partstrat_leaves\{/m)
	{
		$scrape = $r->{content};
		last;
	}
	sleep 1;
}
like($scrape, qr/^partstrat_leaves\{parent="public\.ev"(,server="[^"]*")?\} 4$/m,
	'the exporter serves partstrat_leaves of ev')
  or diag("exporter stderr: $exp_err");
like($scrape, qr/^partstrat_advice_items\{action="rescue_default",parent="public\.ev"(,server="[^"]*")?\} 1$/m,
	'and the advice by action (the DEFAULT holds rows to rescue)');
my @leaves_lines = $scrape =~ /^(partstrat_leaves\{.*)$/mg;
is(scalar(@leaves_lines), 5, 'five partstrat_leaves series: ev, mt, mbad, secret (pg_monitor reads its sizes), the hostile name');
like($scrape, qr/^partstrat_maintenance_failed_runs_total\{parent="public\.mbad"(,server="[^"]*")?\} 1$/m,
	'the exporter serves the failed runs of mbad');
like($scrape, qr/^partstrat_maintenance_last_run_timestamp_seconds\{parent="public\.mt",(server="[^"]*",)?status="done"\} [0-9.e+]+$/m,
	'and the last run of mt, done');
like($scrape, qr/^partstrat_worker_up(\{server="[^"]*"\})? 1$/m, 'and the worker, up');
is(scalar(grep { /evil/ } @leaves_lines), 1, 'the hostile name stays inside one label value');

# every name of the dashboard is a series of the exporter
my %served;
$served{$1} = 1 while $scrape =~ /^(partstrat_[a-z_]+)[{ ]/mg;
my $dash = decode_json(slurp_file("$root/monitoring/grafana-dashboard.json"));
my @exprs;
for my $panel (@{ $dash->{panels} })
{
	push @exprs, map { $_->{expr} } @{ $panel->{targets} };
}
push @exprs, map { $_->{definition} } grep { $_->{definition} } @{ $dash->{templating}{list} };
ok(@exprs >= 15, 'the dashboard has expressions');
is(scalar(grep { /partstrat_(maintenance_last_run_timestamp_seconds|maintenance_failed_runs_total|worker_up|advice_items)\b/ } @exprs),
	6, 'the dashboard charts the maintenance series and the advice');
my @unknown;
for my $e (@exprs)
{
	my @names = $e =~ /\b(partstrat_[a-z_]+)\b/g;
	push @unknown, "$e (names no partstrat_ series)" unless @names;
	push @unknown, grep { !$served{$_} } @names;
}
is(join(', ', @unknown), '', 'every dashboard expression names a series the exporter produces');
# and every series the view has is served by the exporter
my @view = split /\n/, $node->safe_psql('postgres',
	"SET ROLE exporter; SELECT DISTINCT metric FROM partstrat_metrics ORDER BY 1");
is(join(',', grep { !$served{$_} } @view), '', 'the exporter serves every metric of the view');

# Prometheus scrapes the exporter
my $prom_port = PostgreSQL::Test::Cluster::get_free_port();
my $prom_dir = PostgreSQL::Test::Utils::tempdir();
open my $cfg, '>', "$prom_dir/prometheus.yml" or die;
print $cfg <<"EOC";
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: partstrat
    static_configs:
      - targets: ['127.0.0.1:$exp_port']
EOC
close $cfg;
my ($prom_out, $prom_err) = ('', '');
my $prometheus = start(
	[
		$prometheus_bin, "--config.file=$prom_dir/prometheus.yml",
		"--storage.tsdb.path=$prom_dir/data",
		"--web.listen-address=127.0.0.1:$prom_port"
	],
	'>', \$prom_out, '2>', \$prom_err);

sub promql
{
	my ($q) = @_;
	my $r = $http->get("http://127.0.0.1:$prom_port/api/v1/query?"
		  . $http->www_form_urlencode({ query => $q }));
	return undef unless $r->{success};
	my $j = eval { decode_json($r->{content}) };
	return $j && $j->{status} eq 'success' ? $j->{data}{result} : undef;
}

my $res;
for (1 .. 90)
{
	$res = promql('partstrat_leaves{parent="public.ev"}');
	last if $res && @$res;
	sleep 1;
}
ok($res && @$res == 1, 'Prometheus has partstrat_leaves of ev') or diag("prometheus: $prom_err");
is($res->[0]{value}[1], '4', 'with 4 leaves') if $res && @$res;
$res = promql('partstrat_default_rows{parent="public.ev"}');
is($res && @$res ? $res->[0]{value}[1] : undef, '7', 'and 7 rows in its DEFAULT');
my $days = $node->safe_psql('postgres',
	"SELECT round(value) FROM partstrat_metrics WHERE metric = 'partstrat_premade_runout_seconds' AND labels->>'parent' = 'public.ev'");
$res = promql('round(partstrat_premade_runout_seconds{parent="public.ev"})');
ok($res && @$res && abs($res->[0]{value}[1] - $days) < 600,
	'the seconds until the premade partitions run out match the view');
$res = promql('count(partstrat_leaves)');
is($res && @$res ? $res->[0]{value}[1] : undef, '5',
	'one partstrat_leaves series per parent pg_monitor reads, the hostile one included');
$res = promql('partstrat_maintenance_failed_runs_total{parent="public.mbad"}');
is($res && @$res ? $res->[0]{value}[1] : undef, '1', 'PromQL: one failed run of mbad');
$res = promql('partstrat_worker_up');
is($res && @$res ? $res->[0]{value}[1] : undef, '1', 'PromQL: the worker is up');
$res = promql('sum by (action) (partstrat_advice_items{parent="public.ev"})');
ok($res && @$res == 13, 'advice series by action (one per action partstrat_advise can return)');

$prometheus->kill_kill;
$exporter->kill_kill;
$node->stop;
done_testing();
