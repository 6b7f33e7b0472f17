# The workload pruning report reads pg_stat_statements: statements with $n
# parameters are analysed (generic and custom plans) and weighted by calls
# (exact shares) and by execution time (checked by rank only).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('workload');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_stat_statements, pg_qualstats'
pg_stat_statements.track = top
pg_qualstats.sample_rate = 1
autovacuum = off
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE EXTENSION pg_stat_statements;
	CREATE EXTENSION pg_qualstats;
	CREATE TABLE orders (id int, customer int, created date, status text);
	INSERT INTO orders
	SELECT g, g % 100, date '2024-01-01' + g % 300,
		(ARRAY['open', 'paid', 'shipped'])[1 + g % 3]
	FROM generate_series(1, 10000) g;
	ANALYZE orders;
	CREATE TABLE ev (id int, ts timestamptz NOT NULL, kind text, v int)
		PARTITION BY RANGE (ts);
	CREATE TABLE ev_2024_01 PARTITION OF ev
		FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2024-02-01 00:00+00');
	CREATE TABLE ev_2024_02 PARTITION OF ev
		FOR VALUES FROM ('2024-02-01 00:00+00') TO ('2024-03-01 00:00+00');
	CREATE TABLE ev_2024_03 PARTITION OF ev
		FOR VALUES FROM ('2024-03-01 00:00+00') TO ('2024-04-01 00:00+00');
	CREATE TABLE ev_2024_04 PARTITION OF ev
		FOR VALUES FROM ('2024-04-01 00:00+00') TO ('2024-05-01 00:00+00');
	INSERT INTO ev
	SELECT g, '2024-01-01 00:00+00'::timestamptz + g * interval '5 minutes',
		'k' || (g % 3), g
	FROM generate_series(0, 34000) g;
	CREATE TABLE m (region text, day date, v int) PARTITION BY LIST (region);
	CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu') PARTITION BY RANGE (day);
	CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us') PARTITION BY RANGE (day);
	CREATE TABLE m_eu_1 PARTITION OF m_eu FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
	CREATE TABLE m_eu_2 PARTITION OF m_eu FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
	CREATE TABLE m_us_1 PARTITION OF m_us FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
	CREATE TABLE m_us_2 PARTITION OF m_us FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
	CREATE TABLE m_other PARTITION OF m DEFAULT;
	ANALYZE ev;
	ANALYZE m;
});

# The workload, run serially after a reset.
$node->safe_psql('postgres',
	'SELECT pg_stat_statements_reset(), pg_qualstats_reset()');
my @workload = (
	# ev, few leaves: 6 calls
	[6, q{SELECT count(*) FROM ev WHERE ts >= '2024-02-10 00:00+00' AND ts < '2024-02-11 00:00+00'}],
	# ev, all leaves: 3 + 1 calls, full scans (the most time)
	[3, q{SELECT count(*) FROM ev WHERE kind = 'k1'}],
	[1, q{SELECT count(*) FROM ev WHERE date(ts) = '2024-02-10'}],
	# ev, fails to analyse once normalized ("interval $1")
	[2, q{SELECT count(*) FROM ev WHERE ts > now() - interval '1 day'}],
	# m, most leaves (2 of 5): 4 calls; few (1 of 5): 1 call
	[4, q{SELECT count(*) FROM m WHERE region = 'eu'}],
	[1, q{SELECT count(*) FROM m WHERE region = 'eu' AND day = '2024-02-05'}],
	# orders, not partitioned: which key?
	[5, q{SELECT count(*) FROM orders WHERE customer = 5}],
	[3, q{SELECT count(*) FROM orders WHERE created >= '2024-02-01' AND created < '2024-03-01'}],
	[2, q{SELECT count(*) FROM orders o JOIN m ON m.v = o.id WHERE o.status = 'open'}],
);
for my $q (@workload)
{
	$node->safe_psql('postgres', $q->[1]) for 1 .. $q->[0];
}

my $summary = $node->safe_psql('postgres', q{
	SELECT parent, statements, calls, failed_statements,
		calls_share_all_leaves, calls_share_runtime, calls_share_most_leaves,
		calls_share_few_leaves
	FROM partstrat_workload_pruning() ORDER BY parent::text});
is($summary, join("\n",
	'ev|3|10|1|0.400|0.000|0.000|0.600',
	'm|3|7|0|0.286|0.000|0.571|0.143'),
	'call-weighted shares per parent, failed statements counted');

# time: the two full scans of ev cost more than the six one-leaf scans
my $time_rank = $node->safe_psql('postgres', q{
	SELECT time_share_all_leaves > time_share_few_leaves,
		time_share_all_leaves + time_share_runtime + time_share_most_leaves
			+ time_share_few_leaves BETWEEN 0.998 AND 1.002
	FROM partstrat_workload_pruning('ev')});
is($time_rank, 't|t', 'time-weighted shares ranked, summing to one');

my $worst = $node->safe_psql('postgres', q{
	SELECT worst_diagnosis FROM partstrat_workload_pruning('ev')});
like($worst, qr/^no predicate on the partition key ts; the query filters on kind$/,
	'the worst statement is the most called one that keeps every leaf');

my $list = $node->safe_psql('postgres', q{
	SELECT pruning, calls, leaves_total, leaves_kept, generic_leaves_kept,
		left(diagnosis, 40), query
	FROM partstrat_workload_statements('ev') WHERE pruning <> 'failed'});
is($list, join("\n",
	'all|3|4|4|4|no predicate on the partition key ts; th|SELECT count(*) FROM ev WHERE kind = $1',
	'all|1|4|4|4|the partition key ts is wrapped in date(|SELECT count(*) FROM ev WHERE date(ts) = $1',
	'few|6|4|1|4|pruned at plan time: 1 of 4 leaves kept|SELECT count(*) FROM ev WHERE ts >= $1 AND ts < $2'),
	'statements worst first, with custom and generic leaves kept');

my $failed = $node->safe_psql('postgres', q{
	SELECT calls, query, error IS NOT NULL
	FROM partstrat_workload_statements('ev') WHERE pruning = 'failed'});
is($failed, '2|SELECT count(*) FROM ev WHERE ts > now() - interval $1|t',
	'a statement that fails to analyse is listed with its error');

# every parent: the sub-partitioned m_eu appears only through m
my $parents = $node->safe_psql('postgres', q{
	SELECT string_agg(parent::text, ',' ORDER BY parent::text)
	FROM partstrat_workload_statements() WHERE pruning <> 'failed'});
is($parents, 'ev,ev,ev,m,m,m', 'without a parent: the roots of every tree');

# key candidates of a table that is not partitioned yet
my $cand = $node->safe_psql('postgres', q{
	SELECT column_name, uses, operators, statements, calls, calls_share,
		qualstats_occurrences IS NOT NULL, assumed_layout, predicted_skip_share,
		two_sided_range_calls
	FROM partstrat_key_candidates('orders') ORDER BY column_name});
is($cand, join("\n",
	'created|{range}|{>=,<}|1|3|0.300|t|RANGE, 2 partitions of partstrat.candidate_partition_size|0.150|3',
	'customer|{equality}|{=}|1|5|0.500|t|RANGE, 2 partitions of partstrat.candidate_partition_size|0.250|0',
	'id|{join}|{=}|1|2|0.200|t|RANGE, 2 partitions of partstrat.candidate_partition_size|0.000|0',
	'status|{equality}|{=}|1|2|0.200|t|LIST, one partition per value (3 values)|0.133|0'),
	'key candidates: call-weighted uses, pg_qualstats, layout and predicted skip');
# pg_qualstats saw both bounds on created evaluated on every execution (2 x 3)
is($node->safe_psql('postgres', q{
	SELECT qualstats_occurrences FROM partstrat_key_candidates('orders')
	WHERE column_name = 'created'}), '6', 'pg_qualstats occurrences');
my $sel = $node->safe_psql('postgres', q{
	SELECT round(eq_selectivity::numeric, 4) FROM partstrat_key_candidates('orders')
	WHERE column_name = 'status'});
is($sel, '0.3333', 'selectivity of an equality from pg_stats');
# and of a partitioned one: ts and kind
my $evc = $node->safe_psql('postgres', q{
	SELECT string_agg(column_name || ':' || calls, ',' ORDER BY column_name)
	FROM partstrat_key_candidates('ev')});
is($evc, 'kind:3,ts:7', 'key candidates of a partitioned table (expressions count)');

# Statements are planned as the role that ran them: an IMMUTABLE function
# the planner folds never runs with the rights of the caller of the report.
$node->safe_psql('postgres', q{
	CREATE ROLE mallory LOGIN;
	GRANT SELECT ON ev TO mallory;
	GRANT pg_read_all_stats TO mallory;
	CREATE SCHEMA mal AUTHORIZATION mallory;
	SET ROLE mallory;
	CREATE FUNCTION mal.pick() RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE AS $$
	BEGIN
		IF current_user <> 'mallory' THEN
			RAISE EXCEPTION 'pick() ran as %', current_user;
		END IF;
		RETURN '2024-02-10 00:00+00';
	END $$;
	RESET ROLE;
});
$node->safe_psql('postgres', 'SELECT pg_stat_statements_reset()');
$node->safe_psql('postgres', q{SELECT count(*) FROM ev WHERE ts = mal.pick()},
	extra_params => [ '-U', 'mallory' ]);
$node->safe_psql('postgres', q{SELECT count(*) FROM ev WHERE kind = 'k2'});
is($node->safe_psql('postgres', q{
	SELECT pruning, leaves_kept, coalesce(error, '-'), query
	FROM partstrat_workload_statements('ev') ORDER BY query}),
	join("\n",
		'all|4|-|SELECT count(*) FROM ev WHERE kind = $1',
		'few|1|-|SELECT count(*) FROM ev WHERE ts = mal.pick()'),
	"another role's statement is planned as that role, not as the caller");
is($node->safe_psql('postgres', q{
	SELECT pruning, coalesce(error, '-'), query
	FROM partstrat_workload_statements('ev') ORDER BY query},
	extra_params => [ '-U', 'mallory' ]),
	join("\n",
		'failed|the statement was run by a superuser|SELECT count(*) FROM ev WHERE kind = $1',
		'few|-|SELECT count(*) FROM ev WHERE ts = mal.pick()'),
	"a superuser's statement is not planned for a caller who is not one");

# The reader's search_path does not choose the functions an author's
# statement names, and nothing its planning SETs stays in the reader's
# session: victim's statement calls lower(); mallory (pg_read_all_stats)
# puts a lower() of its own first in its search_path.
$node->safe_psql('postgres', q{
	CREATE ROLE victim LOGIN;
	GRANT SELECT ON ev TO victim;
	CREATE FUNCTION mal.lower(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
	BEGIN
		RAISE EXCEPTION 'mal.lower ran as %', current_user;
	END $$;
	ALTER FUNCTION mal.lower(text) OWNER TO mallory;
	CREATE FUNCTION public.sets(i int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
	BEGIN
		PERFORM set_config('search_path', 'mal, public', false);
		RETURN i;
	END $$;
});
$node->safe_psql('postgres', 'SELECT pg_stat_statements_reset()');
$node->safe_psql('postgres', q{SELECT count(*) FROM ev WHERE kind = lower('K1')},
	extra_params => [ '-U', 'victim' ]);
$node->safe_psql('postgres', q{SELECT count(*) FROM ev WHERE id = sets(1)},
	extra_params => [ '-U', 'victim' ]);
is($node->safe_psql('postgres', q{
	SET search_path = mal, pg_catalog, public;
	SELECT pruning, coalesce(error, '-'), query
	FROM partstrat_workload_statements('ev') ORDER BY query},
	extra_params => [ '-U', 'mallory' ]),
	join("\n",
		'all|-|SELECT count(*) FROM ev WHERE id = sets($1)',
		'all|-|SELECT count(*) FROM ev WHERE kind = lower($1)'),
	"an author's statement resolves its names under the author's search_path");
is($node->safe_psql('postgres', q{
	SET search_path = public;
	SELECT count(*) FROM partstrat_workload_statements('ev');
	SHOW search_path}),
	"2\npublic", "settings made while planning do not stay in the reader's session");

# A temporary view of the reader named like the author's table never stands
# in for it: pg_temp comes last in the author's search_path.
$node->safe_psql('postgres', q{
	CREATE TABLE public.loot (who text);
	GRANT INSERT, SELECT ON public.loot TO PUBLIC;
	SELECT pg_stat_statements_reset();
});
$node->safe_psql('postgres', q{SELECT count(*) FROM ev WHERE kind = 'k2'},
	extra_params => [ '-U', 'victim' ]);
is($node->safe_psql('postgres', q{
	CREATE FUNCTION pg_temp.steal() RETURNS void LANGUAGE sql VOLATILE AS
		'INSERT INTO public.loot VALUES (current_user)';
	CREATE FUNCTION pg_temp.evil() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
	BEGIN
		PERFORM pg_temp.steal();
		RETURN true;
	END $$;
	CREATE TEMP VIEW ev AS SELECT * FROM public.ev WHERE pg_temp.evil();
	GRANT SELECT ON ev TO PUBLIC;
	SELECT pruning, coalesce(error, '-'), query
	FROM partstrat_workload_statements('public.ev');
	SELECT count(*) FROM public.loot},
	extra_params => [ '-U', 'mallory' ]),
	"all|-|SELECT count(*) FROM ev WHERE kind = \$1\n0",
	"the reader's temporary view does not stand in for the author's table");

# a parent given that is not partitioned: an error
my ($rc, $out, $err) = $node->psql('postgres',
	q{SELECT * FROM partstrat_workload_pruning('pg_class')});
isnt($rc, 0, 'a table that is not partitioned is refused');

$node->stop;
done_testing();
