# Retention advice on an epoch set (bigint seconds since 1970, not
# pg_partman's) while a partition is pending detach: as on a time set, the
# retention waits (finalize_detach says how many older partitions follow);
# once FINALIZEd, the advice gives the retention, whose DETACH ...
# CONCURRENTLY script, run with psql -f, detaches exactly the partitions
# wholly older than now - retention, read in seconds, and loses no row.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('retention_epoch_pending');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;

# daily partitions of 2026-03-01 .. 2026-03-10 (UTC) in seconds, a row
# every 10 minutes; retention 5 days back from 2026-03-10 12:00: cutoff
# 2026-03-05 12:00 (1772712000), so 2026-03-01 .. 2026-03-04 go
$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE es (t bigint NOT NULL, v int) PARTITION BY RANGE (t);
	SELECT format('CREATE TABLE %I PARTITION OF es FOR VALUES FROM (%s) TO (%s)',
				  'es_' || to_char(d AT TIME ZONE 'UTC', 'YYYYMMDD'), extract(epoch FROM d)::bigint,
				  extract(epoch FROM d + interval '1 day')::bigint)
	FROM generate_series('2026-03-01 00:00+00'::timestamptz, '2026-03-10 00:00+00', '1 day') d \gexec
	INSERT INTO es SELECT 1772323200 + g * 600, g FROM generate_series(0, 1367) g;
	ANALYZE es;
});
my $set = "SET partstrat.reference_time = '2026-03-10 12:00:00+00'; SET TimeZone = 'UTC';";

# es_20260308, inside the window, is left pending by an interrupted DETACH
# CONCURRENTLY (an old snapshot makes it wait; statement_timeout stops it)
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$holder->query_safe('SELECT count(*) FROM es');
my ($rc, $out, $err) = $node->psql('postgres',
	"SET statement_timeout = '1s'; ALTER TABLE es DETACH PARTITION es_20260308 CONCURRENTLY");
like($err, qr/statement timeout/, 'DETACH CONCURRENTLY of es_20260308 interrupted');
$holder->query_safe('COMMIT');
$holder->quit;

# the retention waits for the FINALIZE, and finalize_detach says so
is($node->safe_psql('postgres', "$set
	SELECT string_agg(action || ':' || coalesce(evidence->>'retention_deferred', '-'), ',' ORDER BY priority)
	FROM partstrat_advise('es', retention => '5 days')
	WHERE action IN ('retention', 'finalize_detach')"),
	'finalize_detach:4', 'retention deferred behind finalize_detach (4 older partitions)');
my $fin = $node->safe_psql('postgres', "$set
	SELECT ddl FROM partstrat_advise('es', retention => '5 days') WHERE action = 'finalize_detach'");
$node->safe_psql('postgres', $fin);

# then the retention: the 4 old days, the cutoff as the integer and as a time
is($node->safe_psql('postgres', "$set
	SELECT array_to_string(partitions, ',') || ' ' || (evidence->>'cutoff_epoch') || ' '
		   || (evidence->>'cutoff') || ' ' || (evidence->>'epoch')
	FROM partstrat_advise('es', retention => '5 days') WHERE action = 'retention'"),
	'es_20260301,es_20260302,es_20260303,es_20260304 1772712000 2026-03-05 12:00:00+00 seconds',
	'retention advice on the epoch set');
my $script = $node->safe_psql('postgres', "$set
	SELECT ddl FROM partstrat_advise('es', retention => '5 days') WHERE action = 'retention'");
my @stmts = grep { /^ALTER TABLE/ } split /\n/, $script;
is(scalar(@stmts), 4, 'four DETACH ... CONCURRENTLY statements');
like($script, qr/at or below 1772712000 \(2026-03-05 12:00:00\+00\) go/, 'the header gives the cutoff');

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
		 FROM pg_inherits WHERE inhparent = 'es'::regclass"),
	'es_20260305,es_20260306,es_20260307,es_20260309,es_20260310',
	'the old days and the finalized one are gone from the parent');
is($node->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM es) || '/' || (SELECT count(*) FROM es_20260301)
		 || '/' || (SELECT count(*) FROM es_20260304) || '/' || (SELECT count(*) FROM es_20260308)
		 || '/' || (SELECT max(t) FROM es_20260304)"),
	'648/144/144/144/1772668200', 'every row is still there; the detached days hold theirs');
is($node->safe_psql('postgres', "$set
	SELECT count(*) FROM partstrat_advise('es', retention => '5 days') WHERE action = 'retention'"),
	'0', 'second pass: no retention advice');

$node->stop;
done_testing();
