# The scripts of partstrat_ddl_rescue_default() and partstrat_ddl_retention()
# run against a live server.
#
# 1. The rescue script runs while a second session keeps writing through the
#    parent (rows of an existing partition, rows of ranges being rescued,
#    rows of a range that has no partition) and straight into a sibling:
#    no row lost, none duplicated, no error in the writer, no deadlock.
# 2. A retention script with DETACH ... CONCURRENTLY is interrupted by its
#    lock_timeout (an old snapshot keeps the detach waiting): the partition
#    is left "detach pending", the generator then emits the FINALIZE, and the
#    second script completes the job with every row kept.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes;

my $node = PostgreSQL::Test::Cluster->new('time_concurrency');
$node->init;
$node->append_conf('postgresql.conf', qq{
autovacuum = off
deadlock_timeout = 1s
log_lock_waits = on
});
$node->start;

# ---------------------------------------------------------------------
# 1. rescue under a concurrent writer
# ---------------------------------------------------------------------
my $preload = 90000;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION partstrat;
	CREATE TABLE "Ev ü" (id bigint NOT NULL, ts timestamptz, note text)
	  PARTITION BY RANGE (ts);
	CREATE INDEX ON "Ev ü" (ts);
	CREATE TABLE "Ev ü 2026_02" PARTITION OF "Ev ü"
	  FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');
	CREATE TABLE "Ev ü 2026_04" PARTITION OF "Ev ü"
	  FOR VALUES FROM ('2026-04-01 00:00+00') TO ('2026-05-01 00:00+00');
	CREATE TABLE "Ev ü default" PARTITION OF "Ev ü" DEFAULT;
	-- January, March and May in the DEFAULT: 30000 rows each
	INSERT INTO "Ev ü" SELECT g, '2026-01-01 00:00+00'::timestamptz
	    + ((g / 30000) * 2) * interval '1 month' + (g % 30000) * interval '1 minute', 'pre'
	FROM generate_series(0, $preload - 1) g;

	CREATE PROCEDURE writer(n int) LANGUAGE plpgsql AS \$\$
	BEGIN
		FOR i IN 1 .. n LOOP
			-- a range being rescued (March), through the parent
			INSERT INTO "Ev ü" VALUES (1000000 + i, '2026-03-15 00:00+00'::timestamptz + i * interval '1 second', 'rescued');
			COMMIT;
			-- an existing partition, straight into it
			INSERT INTO "Ev ü 2026_02" VALUES (2000000 + i, '2026-02-15 00:00+00'::timestamptz + i * interval '1 second', 'direct');
			COMMIT;
			-- a range without a partition (July): the DEFAULT
			INSERT INTO "Ev ü" VALUES (3000000 + i, '2026-07-15 00:00+00'::timestamptz + i * interval '1 second', 'default');
			COMMIT;
			PERFORM pg_sleep(0.001);
		END LOOP;
	END
	\$\$;
});

my $script = $node->safe_psql('postgres',
	q{SELECT partstrat_ddl_rescue_default('"Ev ü"', batch_rows => 5000)});
like($script, qr/-- partstrat: rescue 3 of 3/, 'three targets: January, March, May');

my $iterations = 1500;
my $writer = $node->background_psql('postgres', on_error_stop => 0);
$writer->query_until(qr/writer started/,
	"\\echo writer started\nCALL writer($iterations);\n\\echo writer done\n");
Time::HiRes::sleep(0.3);

my ($stdout, $stderr);
my $rc = $node->psql('postgres', $script, stdout => \$stdout, stderr => \$stderr,
	on_error_stop => 1);
is($rc, 0, 'the rescue script succeeds while the writer runs');
is($stderr, '', 'no error from the rescue script');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CALL writer%' AND state = 'active'"),
	'1', 'the writer was still running when the script ended');

$writer->query_until(qr/writer done/, '');
$writer->query('SELECT 1');
is($writer->{stderr}, '', 'no error in the writer');
$writer->quit;

my $total = $preload + 3 * $iterations;
is($node->safe_psql('postgres', q{SELECT count(*), count(DISTINCT id) FROM "Ev ü"}),
	"$total|$total", 'no row lost, none duplicated');
is($node->safe_psql('postgres', q{
	SELECT string_agg(format('%s %s', partition, n), ', ' ORDER BY partition::text)
	FROM (SELECT tableoid::regclass AS partition, count(*) AS n FROM "Ev ü" GROUP BY 1) c}),
	qq{"Ev ü 2026_01" 30000, "Ev ü 2026_02" $iterations, "Ev ü 2026_03" }
	  . (30000 + $iterations) . qq{, "Ev ü 2026_05" 30000, "Ev ü default" $iterations},
	'rows per partition: the rescued months, the writer\'s rows where they belong');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM ONLY "Ev ü default" WHERE ts < '2026-06-01 00:00+00'}),
	'0', 'nothing of the rescued ranges left in the DEFAULT');
unlike(slurp_file($node->logfile), qr/deadlock detected/, 'no deadlock');

# ---------------------------------------------------------------------
# 2. DETACH ... CONCURRENTLY interrupted by lock_timeout, then finished
# ---------------------------------------------------------------------
$node->safe_psql('postgres', q{
	CREATE TABLE rc (id int, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	CREATE TABLE rc_01 PARTITION OF rc FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00');
	CREATE TABLE rc_02 PARTITION OF rc FOR VALUES FROM ('2020-02-01 00:00+00') TO ('2020-03-01 00:00+00');
	CREATE TABLE rc_03 PARTITION OF rc FOR VALUES FROM ('2020-03-01 00:00+00') TO ('2020-04-01 00:00+00');
	INSERT INTO rc SELECT g, '2020-01-01 00:00+00'::timestamptz + g * interval '1 day' FROM generate_series(0, 90) g;
});
my $retention = $node->safe_psql('postgres', q{
	SELECT partstrat_ddl_retention('rc', keep => '1 month', concurrently => true,
	                               lock_timeout => '1s', as_of => '2020-04-15 00:00+00')});
like($retention, qr/-- if interrupted: ALTER TABLE public\.rc DETACH PARTITION public\.rc_01 FINALIZE;\nALTER TABLE public\.rc DETACH PARTITION public\.rc_01 CONCURRENTLY;/,
	'each DETACH ... CONCURRENTLY comes with its FINALIZE');

# an old snapshot keeps the detach waiting in its second phase
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$holder->query_safe('SELECT count(*) FROM rc');
$rc = $node->psql('postgres', $retention, stdout => \$stdout, stderr => \$stderr,
	on_error_stop => 1);
isnt($rc, 0, 'the retention script stops');
like($stderr, qr/lock timeout/, 'on its lock_timeout');
is($node->safe_psql('postgres',
		q{SELECT string_agg(partition || ':' || detach_pending, ',') FROM partstrat_partitions('rc')}),
	'rc_01:true,rc_02:false,rc_03:false', 'rc_01 is left detach pending');
$holder->query_safe('COMMIT');
$holder->quit;

# the generator finishes it with FINALIZE, then detaches the next one
my $again = $node->safe_psql('postgres', q{
	SELECT partstrat_ddl_retention('rc', keep => '1 month', concurrently => true,
	                               as_of => '2020-04-15 00:00+00')});
like($again, qr/ALTER TABLE public\.rc DETACH PARTITION public\.rc_01 FINALIZE;/,
	'the second script finalizes the pending detach');
$rc = $node->psql('postgres', $again, stdout => \$stdout, stderr => \$stderr,
	on_error_stop => 1);
is($rc, 0, 'the second script succeeds');
is($node->safe_psql('postgres',
		q{SELECT string_agg(partition::text, ',') FROM partstrat_partitions('rc')}),
	'rc_03', 'only March is left');
is($node->safe_psql('postgres',
		q{SELECT (SELECT count(*) FROM rc_01) || '/' || (SELECT count(*) FROM rc_02) || '/' || (SELECT count(*) FROM rc)}),
	'31/29/31', 'the detached partitions keep their rows');

$node->stop;
done_testing();
