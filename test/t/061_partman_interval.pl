# A longer interval for the future children of a pg_partman set (4.7 on
# PostgreSQL 15, 5.2 on 17, 5.5 on 18).  A merge of small children is
# refused on a pg_partman set; where the children tile the merge group's
# calendar unit, the first such merge becomes a partman_interval advice
# whose DDL moves future children to that unit.  Here it is executed:
# pg_partman's run_maintenance(), show_partitions, show_partition_info and
# check_default work, the new children are contiguous with the old ones
# and start on the unit's boundaries, rows of the new children's dates land
# in them (not the DEFAULT), and no row changes.  partition_gap_fill() on a
# set with children of two intervals fails, or makes children without end:
# the advice says so, and the maintenance policies never run it.  A bare UPDATE of
# partition_interval leaves a gap; a split is refused with its reason.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsPartman;

my ($node, undef, $pm5) = partman_node('partman_interval', "TimeZone = 'UTC'");

$node->safe_psql('postgres', qq{
	CREATE EXTENSION partstrat;
	CREATE SCHEMA partman;
	CREATE EXTENSION pg_partman SCHEMA partman;

	-- daily, 40 days back, small days: merges into ISO weeks
	CREATE TABLE iv_daily (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_daily', 'ts', 'daily', '1 day', ", p_premake := 1, p_start_partition := (now() - interval '40 days')::date::text")]}
	INSERT INTO iv_daily SELECT g, now() - interval '40 days' + (g % 40) * interval '1 day'
		FROM generate_series(1, 4000) g;

	-- monthly, 15 small months back: merges into past quarters
	CREATE TABLE iv_monthly (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_monthly', 'ts', 'monthly', '1 month', ", p_premake := 1, p_start_partition := date_trunc('month', now() - interval '15 months')::date::text")]}
	INSERT INTO iv_monthly SELECT g, date_trunc('month', now() - interval '15 months')
		+ (now() - date_trunc('month', now() - interval '15 months')) * (g / 1501.0)
		FROM generate_series(1, 1500) g;

	-- quarterly, from 2 years back: merges into past years
	CREATE TABLE iv_quarterly (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_quarterly', 'ts', 'quarterly', '3 months', ", p_premake := 1, p_start_partition := date_trunc('year', now() - interval '2 years')::date::text")]}
	INSERT INTO iv_quarterly SELECT g, date_trunc('year', now() - interval '2 years')
		+ (now() - date_trunc('year', now() - interval '2 years')) * (g / 1001.0)
		FROM generate_series(1, 1000) g;

	-- weekly, 14 weeks back: merges within a month, which weeks do not tile
	CREATE TABLE iv_weekly (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_weekly', 'ts', 'weekly', '1 week', ", p_premake := 2, p_start_partition := (now() - interval '14 weeks')::date::text")]}
	INSERT INTO iv_weekly SELECT g, now() - interval '14 weeks' + (g % 98) * interval '1 day'
		FROM generate_series(1, 980) g;

	-- daily, for a bare UPDATE of partition_interval
	CREATE TABLE iv_bare (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_bare', 'ts', 'daily', '1 day', ", p_premake := 2, p_start_partition := (now() - interval '5 days')::date::text")]}
	INSERT INTO iv_bare SELECT g, now() - g * interval '1 hour' FROM generate_series(1, 100) g;

	-- monthly, one month much bigger than the others: split advised
	CREATE TABLE iv_split (id bigint NOT NULL, ts timestamptz NOT NULL, pad text) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_split', 'ts', 'monthly', '1 month', ", p_premake := 3, p_start_partition := date_trunc('month', now() - interval '3 months')::date::text")]}
	INSERT INTO iv_split SELECT g, date_trunc('month', now() - interval '2 months') + (g % 28) * interval '1 day', repeat('x', 200)
		FROM generate_series(1, 3000) g;
	INSERT INTO iv_split SELECT g, now() - interval '1 hour', 'y' FROM generate_series(3001, 3100) g;
});
$node->safe_psql('postgres', 'ANALYZE iv_daily, iv_monthly, iv_split, iv_weekly, iv_quarterly');

# rows of a set: count, sum and an order-independent hash of (id, ts)
sub rows_of
{
	my ($set) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT count(*) || '/' || coalesce(sum(id), 0) || '/' || coalesce(sum(('x' || left(md5(id || ':' || ts), 15))::bit(60)::bigint), 0)
		FROM $set WHERE id > 0});
}

# children in bound order: "lower..upper" each, and whether each starts
# where the one before it ends
sub bounds_of
{
	my ($set) = @_;
	return $node->safe_psql('postgres', qq{
		WITH b AS (
			SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)')) AS r
			FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = '$set'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'),
		t AS (SELECT r[1]::timestamptz AS lo, r[2]::timestamptz AS hi FROM b),
		l AS (SELECT lo, hi, lag(hi) OVER (ORDER BY lo) AS prev FROM t)
		SELECT string_agg(CASE WHEN prev IS NULL OR prev = lo THEN '' ELSE 'GAP ' END
			|| to_char(lo, 'YYYY-MM-DD') || '..' || to_char(hi, 'YYYY-MM-DD'), ' ' ORDER BY lo)
		FROM l});
}

# pg_partman's functions on a set whose future children took a new interval
sub partman_works
{
	my ($set, $what) = @_;
	my ($rc, $out, $err) = $node->psql('postgres', "SELECT partman.run_maintenance('public.$set')", on_error_stop => 1);
	is($rc, 0, "$what: run_maintenance() works") or diag($err);
	($rc, $out, $err) = $node->psql('postgres', 'SELECT partman.run_maintenance()', on_error_stop => 1);
	is($rc, 0, "$what: run_maintenance() of every set works") or diag($err);
	($rc, $out, $err) = $node->psql('postgres', qq{
		SELECT count(*) FROM partman.show_partitions('public.$set') p,
			LATERAL partman.show_partition_info(p.partition_schemaname || '.' || p.partition_tablename, NULL, 'public.$set') i
		WHERE i.child_start_time IS NOT NULL;
	}, on_error_stop => 1);
	is($rc, 0, "$what: show_partitions and show_partition_info of every child work") or diag($err);
	is($out, $node->safe_psql('postgres', "SELECT count(*) - 1 FROM pg_inherits WHERE inhparent = '$set'::regclass"),
		"$what: show_partitions lists every child");
	($rc, $out, $err) = $node->psql('postgres', 'SELECT * FROM partman.check_default(true)', on_error_stop => 1);
	is($rc, 0, "$what: check_default works") or diag($err);
	is($out, '', "$what: check_default: no DEFAULT holds rows");
	unlike(bounds_of($set), qr/GAP/, "$what: the children are contiguous (no gap, no overlap)");
}

my %before = map { $_ => rows_of($_) } qw(iv_daily iv_monthly iv_split iv_quarterly);

# partition_gap_fill works before the change
my ($rc, $out, $err) = $node->psql('postgres', "SELECT partman.partition_gap_fill('public.iv_daily')", on_error_stop => 1);
is($rc, 0, 'iv_daily: partition_gap_fill works while the set has one interval') or diag($err);

# the merges are refused; the first whose children tile its unit becomes
# the partman_interval advice, with the script for that unit
my $adv = sub {
	my ($set, $col) = @_;
	return $node->safe_psql('postgres', qq{
		SET partstrat.merge_min_leaves = 4;
		SELECT string_agg(DISTINCT action || ':' || (ddl IS NULL)::text || ':' || coalesce(evidence->>'unit', '-') || ':' || coalesce($col, '-'), E'\\n')
		FROM partstrat_advise('$set', 65536, NULL) WHERE action IN ('merge', 'partman_interval')});
};
my $alt = sub {
	my ($set) = @_;
	return $node->safe_psql('postgres', qq{
		SET partstrat.merge_min_leaves = 4;
		SELECT string_agg(ddl, E'\\n') FROM partstrat_advise('$set', 65536, NULL) WHERE action = 'partman_interval'});
};
my $nint = sub {
	my ($set) = @_;
	return $node->safe_psql('postgres', qq{
		SET partstrat.merge_min_leaves = 4;
		SELECT count(*) FILTER (WHERE action = 'partman_interval') || '/' || count(*) FILTER (WHERE action = 'merge')
		FROM partstrat_advise('$set', 65536, NULL)});
};
is($adv->('iv_daily', "evidence->>'ddl_error'"),
	"merge:true:weekly:refused on a pg_partman set: a merged child spans several intervals under one name, and pg_partman's retention and premake treat it as one interval long (dropping rows newer than the cutoff, overlapping new children)\npartman_interval:false:weekly:-",
	'iv_daily: the weekly merges are refused (no DDL) with the reason, and one becomes the change of interval');
like($nint->('iv_daily'), qr{^1/[1-9]\d*$}, 'iv_daily: one partman_interval advice, beside the refused merges');
like($node->safe_psql('postgres', q{
	SET partstrat.merge_min_leaves = 4;
	SELECT reason || ' | ' || (evidence->>'new_interval') || ' | ' || (evidence->>'refused') FROM partstrat_advise('iv_daily', 65536, NULL) WHERE action = 'partman_interval'}),
	qr/give future children the weekly interval with this script \(a bare UPDATE of partman\.part_config\.partition_interval leaves a gap.*Do not call pg_partman's partition_gap_fill\(\) on this set until no child of the old interval is left: it fails, or makes children without end.* \| 1 week \| merge$/,
	'iv_daily: the reason says what the script does, and that partition_gap_fill must wait');
like($node->safe_psql('postgres', q{
	SET partstrat.merge_min_leaves = 4;
	SELECT reason FROM partstrat_advise('iv_daily', 65536, NULL) WHERE action = 'merge' LIMIT 1}),
	qr/keep these children until pg_partman's retention drops them; the partman_interval advice gives future children the weekly interval\.$/,
	'iv_daily: the other merges point to it');
my $daily_alt = $alt->('iv_daily');
like($daily_alt, qr/UPDATE partman\.part_config SET partition_interval = '1 week' WHERE parent_table = 'public\.iv_daily' AND partition_interval::interval = '1 day'::interval;\n.*create_partition_time\('public\.iv_daily'.*\n.*run_maintenance\('public\.iv_daily'\)/s,
	'iv_daily: the alternative changes part_config and lets pg_partman make the children');

# the change of interval, executed
($rc, $out, $err) = $node->psql('postgres', "SET search_path = public, partman;\n$daily_alt\nSHOW search_path;", on_error_stop => 1);
is($rc, 0, 'iv_daily: the interval script runs') or diag("$daily_alt\n$err");
like($out, qr/public, partman$/, "iv_daily: the session's search_path is kept (pg_partman's functions restore the one they found as the session's)");
is($node->safe_psql('postgres', "SELECT partition_interval::interval = '1 week' FROM partman.part_config WHERE parent_table = 'public.iv_daily'"),
	't', 'iv_daily: part_config has the weekly interval');
partman_works('iv_daily', 'iv_daily after the change');
# the newest children are weeks, Monday to Monday, after the old days
my $b = bounds_of('iv_daily');
note "iv_daily: $b";
is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE hi - lo = interval '7 days' AND extract(isodow FROM lo) = 1) || '/' ||
	       count(*) FILTER (WHERE hi - lo = interval '1 day') || '/' || count(*)
	FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)')) r, c.oid
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_daily'::regclass) x,
		LATERAL (SELECT r[1]::timestamptz lo, r[2]::timestamptz hi) y WHERE r IS NOT NULL}) =~ /^(\d+)\/(\d+)\/(\d+)$/ && $1 >= 1 && $2 >= 40 && $1 + $2 == $3,
	1, 'iv_daily: every child is an old day or a new ISO week from a Monday, and there are weeks');
# rows of the new interval's dates land in a week, not the DEFAULT
$node->safe_psql('postgres', q{
	INSERT INTO iv_daily SELECT -1, lo + interval '3 days 5 hours' FROM (
		SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz lo
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_daily'::regclass
		ORDER BY 1 DESC NULLS LAST LIMIT 1) n});
is($node->safe_psql('postgres', q{
	SELECT upper(pg_get_expr(c.relpartbound, c.oid)) LIKE 'FOR VALUES FROM%' AND
	       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz
	     - (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz = interval '7 days'
	FROM iv_daily d JOIN pg_class c ON c.oid = d.tableoid WHERE d.id = -1}),
	't', 'iv_daily: a row of the newest week lands in that week\'s child');
is(rows_of('iv_daily'), $before{iv_daily}, 'iv_daily: no row changed');
# a second pass of maintenance keeps making weeks
$node->safe_psql('postgres', "UPDATE partman.part_config SET premake = 6 WHERE parent_table = 'public.iv_daily'");
partman_works('iv_daily', 'iv_daily after a premake of 6 weeks');
is($node->safe_psql('postgres', q{
	SELECT max(r[1]::timestamptz) > now() + interval '4 weeks' FROM (
		SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)') r
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_daily'::regclass) x}),
	't', 'iv_daily: pg_partman premakes weeks');

# partition_gap_fill: what the advice warns of
($rc, $out, $err) = $node->psql('postgres', "SET statement_timeout = '10s'; SELECT partman.partition_gap_fill('public.iv_daily')");
isnt($rc, 0, 'iv_daily: partition_gap_fill fails on a set with children of two intervals');
like($err, qr/would overlap partition|statement timeout/, 'iv_daily: it overlaps, or makes children without end until cancelled');
note "partition_gap_fill: $err";
unlike(bounds_of('iv_daily'), qr/GAP/, 'iv_daily: its failure changed nothing');
is(rows_of('iv_daily'), $before{iv_daily}, 'iv_daily: and no row changed');

# monthly to quarterly: pg_partman 5 names children YYYYMMDD and orders
# them by their bounds; 4.x orders 3-month sets by the names' last character
my $monthly = $adv->('iv_monthly', "left(ddl, 12)");
if ($pm5)
{
	like($monthly, qr/^(merge:true:quarterly:-\n)?partman_interval:false:quarterly:-- partstrat$/, 'iv_monthly: the quarterly merges are refused and one becomes the change of interval');
	is(substr($nint->('iv_monthly'), 0, 2), '1/', 'iv_monthly: one partman_interval advice');
	my $malt = $alt->('iv_monthly');
	like($malt, qr/date_trunc\('quarter'.*SET partition_interval = '3 months'/s, 'iv_monthly: the alternative moves to quarters');
	($rc, $out, $err) = $node->psql('postgres', $malt, on_error_stop => 1);
	is($rc, 0, 'iv_monthly: the interval script runs') or diag("$malt\n$err");
	$node->safe_psql('postgres', "UPDATE partman.part_config SET premake = 4 WHERE parent_table = 'public.iv_monthly'");
	partman_works('iv_monthly', 'iv_monthly after the change');
	note 'iv_monthly: ' . bounds_of('iv_monthly');
	is($node->safe_psql('postgres', q{
		SELECT count(*) FILTER (WHERE lo = date_trunc('quarter', lo) AND hi = lo + interval '3 months') >= 2
		   AND count(*) FILTER (WHERE hi = lo + interval '1 month' AND lo = date_trunc('month', lo))
		     + count(*) FILTER (WHERE lo = date_trunc('quarter', lo) AND hi = lo + interval '3 months') = count(*)
		FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)')) r
			FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_monthly'::regclass) x,
			LATERAL (SELECT r[1]::timestamptz lo, r[2]::timestamptz hi) y WHERE r IS NOT NULL}),
		't', 'iv_monthly: old months, then calendar quarters');
	is($node->safe_psql('postgres', q{
		SELECT partition_tablename FROM partman.show_partitions('public.iv_monthly', 'DESC') LIMIT 1}),
		$node->safe_psql('postgres', q{
		SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'iv_monthly'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
		ORDER BY (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz DESC LIMIT 1}),
		'iv_monthly: show_partitions finds the newest quarter');
	$node->safe_psql('postgres', q{
		INSERT INTO iv_monthly SELECT -1, date_trunc('quarter', now()) + interval '7 months'});
	is($node->safe_psql('postgres', q{SELECT d.tableoid::regclass::text !~ 'default' FROM iv_monthly d WHERE id = -1}),
		't', 'iv_monthly: a row two quarters ahead lands in a child');
	is(rows_of('iv_monthly'), $before{iv_monthly}, 'iv_monthly: no row changed');
}
else
{
	is($monthly, "merge:true:quarterly:-", 'iv_monthly: pg_partman 4: the quarterly merges are refused, without a change of interval');
	like($node->safe_psql('postgres', q{
		SET partstrat.merge_min_leaves = 4;
		SELECT reason FROM partstrat_advise('iv_monthly', 65536, NULL) WHERE action = 'merge' LIMIT 1}),
		qr/pg_partman 4\.x orders a set of 3-month children by the last character of their names.*move the rows into a new set that pg_partman makes with the longer interval/,
		'iv_monthly: pg_partman 4: the reason, and the alternative');
}

# quarterly to yearly (4.x names YYYY"q"Q, 5.x YYYYMMDD)
like($adv->('iv_quarterly', "left(ddl, 12)"), qr/^(merge:true:yearly:-\n)?partman_interval:false:yearly:-- partstrat$/,
	'iv_quarterly: the yearly merges are refused and one becomes the change of interval');
is(substr($nint->('iv_quarterly'), 0, 2), '1/', 'iv_quarterly: one partman_interval advice');
my $qalt = $alt->('iv_quarterly');
like($qalt, qr/date_trunc\('year'.*SET partition_interval = '1 year'/s, 'iv_quarterly: the alternative moves to years');
($rc, $out, $err) = $node->psql('postgres', $qalt, on_error_stop => 1);
is($rc, 0, 'iv_quarterly: the interval script runs') or diag("$qalt\n$err");
$node->safe_psql('postgres', "UPDATE partman.part_config SET premake = 3 WHERE parent_table = 'public.iv_quarterly'");
partman_works('iv_quarterly', 'iv_quarterly after the change');
note 'iv_quarterly: ' . bounds_of('iv_quarterly');
is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE lo = date_trunc('year', lo) AND hi = lo + interval '1 year') >= 2
	   AND count(*) FILTER (WHERE hi = lo + interval '3 months' AND lo = date_trunc('quarter', lo))
	     + count(*) FILTER (WHERE lo = date_trunc('year', lo) AND hi = lo + interval '1 year') = count(*)
	FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)')) r
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_quarterly'::regclass) x,
		LATERAL (SELECT r[1]::timestamptz lo, r[2]::timestamptz hi) y WHERE r IS NOT NULL}),
	't', 'iv_quarterly: old quarters, then calendar years');
is($node->safe_psql('postgres', q{
	SELECT partition_tablename FROM partman.show_partitions('public.iv_quarterly', 'DESC') LIMIT 1}),
	$node->safe_psql('postgres', q{
	SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	WHERE i.inhparent = 'iv_quarterly'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
	ORDER BY (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz DESC LIMIT 1}),
	'iv_quarterly: show_partitions finds the newest year');
$node->safe_psql('postgres', q{INSERT INTO iv_quarterly SELECT -1, date_trunc('year', now()) + interval '2 years 5 months'});
is($node->safe_psql('postgres', q{SELECT d.tableoid::regclass::text !~ 'default' FROM iv_quarterly d WHERE id = -1}),
	't', 'iv_quarterly: a row two years ahead lands in a child');
is(rows_of('iv_quarterly'), $before{iv_quarterly}, 'iv_quarterly: no row changed');

# weekly to monthly: weeks do not end on month boundaries, and pg_partman
# makes every child one interval long: refused, without a script
is($adv->('iv_weekly', "left(ddl, 12)"), 'merge:true:monthly:-',
	'iv_weekly: the monthly merges are refused, without an alternative script');
like($node->safe_psql('postgres', q{
	SET partstrat.merge_min_leaves = 4;
	SELECT reason FROM partstrat_advise('iv_weekly', 65536, NULL) WHERE action = 'merge' LIMIT 1}),
	qr/nor can its future children take a longer interval: children of its interval \((?:7 days|1 week)\) do not end on every month boundary/,
	'iv_weekly: the reason');

# a bare UPDATE of partition_interval (what partstrat does not advise):
# pg_partman's next child starts one new interval after the start of its
# newest child, and rows of the days between go to the DEFAULT
$node->safe_psql('postgres', q{
	UPDATE partman.part_config SET partition_interval = '1 week' WHERE parent_table = 'public.iv_bare';
	SELECT partman.run_maintenance('public.iv_bare');
	INSERT INTO iv_bare VALUES (-1, now() + interval '4 days');
});
like(bounds_of('iv_bare'), qr/GAP/, 'iv_bare: a bare UPDATE of partition_interval leaves a gap');
is($node->safe_psql('postgres', q{SELECT tableoid::regclass FROM iv_bare WHERE id = -1}), 'iv_bare_default',
	'iv_bare: and a row of the gap goes to the DEFAULT');

# a bare shorter interval, daily to hourly: pg_partman's next child starts
# one hour after the start of its newest day, and gets that day's name
# (datetime_string is of days), so it makes no hourly child
$node->safe_psql('postgres', qq{
	CREATE TABLE iv_hourly (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	@{[create_parent('public.iv_hourly', 'ts', 'daily', '1 day', ", p_premake := 2, p_start_partition := (now() - interval '3 days')::date::text")]}
	INSERT INTO iv_hourly SELECT g, now() - g * interval '1 hour' FROM generate_series(1, 48) g;
	UPDATE partman.part_config SET partition_interval = '1 hour' WHERE parent_table = 'public.iv_hourly';
	SELECT partman.run_maintenance('public.iv_hourly');
});
is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE r[2]::timestamptz - r[1]::timestamptz < interval '1 day') || '/' || count(*)
	FROM (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)') r
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_hourly'::regclass) x WHERE r IS NOT NULL}),
	'0/' . $node->safe_psql('postgres', "SELECT count(*) - 1 FROM pg_inherits WHERE inhparent = 'iv_hourly'::regclass"),
	'iv_hourly: a bare UPDATE to 1 hour: pg_partman makes no hourly child (names of days)');

# id sets: a bare longer interval leaves a gap; a bare shorter one makes
# pg_partman's next child overlap its newest one
$node->safe_psql('postgres', qq{
	CREATE TABLE iv_id (id bigint NOT NULL) PARTITION BY RANGE (id);
	@{[create_parent('public.iv_id', 'id', '1000', '1000', ", p_premake := 2")]}
	INSERT INTO iv_id SELECT generate_series(1, 2500);
	SELECT partman.run_maintenance('public.iv_id');
	CREATE TABLE iv_id2 (id bigint NOT NULL) PARTITION BY RANGE (id);
	@{[create_parent('public.iv_id2', 'id', '1000', '1000', ", p_premake := 2")]}
	INSERT INTO iv_id2 SELECT generate_series(1, 2500);
	SELECT partman.run_maintenance('public.iv_id2');
	UPDATE partman.part_config SET partition_interval = '5000' WHERE parent_table = 'public.iv_id';
	UPDATE partman.part_config SET partition_interval = '250' WHERE parent_table = 'public.iv_id2';
	INSERT INTO iv_id SELECT generate_series(2501, 4500);
	INSERT INTO iv_id2 SELECT generate_series(2501, 4500);
	SELECT partman.run_maintenance('public.iv_id');
	INSERT INTO iv_id VALUES (5001);
});
is($node->safe_psql('postgres', q{
	SELECT string_agg(pg_get_expr(c.relpartbound, c.oid), ', ' ORDER BY c.relname)
	FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iv_id'::regclass
	  AND c.relname IN ('iv_id_p5000', 'iv_id_p9000')}),
	"FOR VALUES FROM ('9000') TO ('14000')",
	'iv_id: a bare UPDATE to 5000: the next child starts at 4000 + 5000 (no child from 5000)');
is($node->safe_psql('postgres', q{SELECT tableoid::regclass FROM iv_id WHERE id = 5001}), 'iv_id_default',
	'iv_id: and a row of the gap goes to the DEFAULT');
($rc, $out, $err) = $node->psql('postgres', q{SELECT partman.run_maintenance('public.iv_id2')});
like($err, qr/partition "iv_id2_p4250" would overlap partition "iv_id2_p4000"/,
	'iv_id2: a bare UPDATE to 250: pg_partman\'s next child overlaps its newest, and its maintenance of the set fails');
note "iv_id2: rc $rc: $err";

# a split: refused, the set's interval left as it is
like($node->safe_psql('postgres', q{
	SELECT string_agg(evidence->>'ddl_error' || ' / ' || (evidence->>'alternative'), E'\n')
	FROM partstrat_advise('iv_split', 65536, NULL) WHERE action = 'split' AND ddl IS NULL}),
	qr/^refused on a pg_partman set: .*nor can the set take a shorter interval for its future children: pg_partman's retention measures every child by the set's partition_interval.*partition_gap_fill\(\) fails on a set with children of two intervals \/ .*move the rows into a new set that pg_partman makes with the shorter interval/s,
	'iv_split: the split is refused, with the reason a shorter interval cannot be advised either');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM partstrat_advise('iv_split', 65536, NULL) WHERE action = 'partman_interval'}),
	'0', 'iv_split: no script for a shorter interval');
is(rows_of('iv_split'), $before{iv_split}, 'iv_split: no row changed');

$node->stop;
done_testing();
