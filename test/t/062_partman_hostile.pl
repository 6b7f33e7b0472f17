# The scripts partstrat_advise() writes for a pg_partman set (premake,
# retention, rescue_default through partition_data_time, partman_interval)
# on a set whose schema and table names hold a double quote, a backslash,
# a space, capitals, a dollar quote and a comment, run by a superuser under both settings of
# standard_conforming_strings: each runs, the canary stays empty, no row
# changes, and pg_partman's run_maintenance(), show_partitions and
# check_default still work on the set.  (A dot and a single quote are left
# out: pg_partman itself splits parent_table at the first dot, and its
# show_partitions() fails on a quote.)
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsPartman;

my ($node, undef, $pm5) = partman_node('partman_hostile', "TimeZone = 'UTC'");

# names with a double quote, a backslash, a space, capitals, a dollar quote
# and a comment
# (no single quote: pg_partman 4.7.2's own show_partitions() fails on one,
# with a syntax error, in a set partstrat never touched as well)
my $sch_name = q{Sq "d\b x};
my $tab_name = q{Ev "t\ y$x$ -- INSERT INTO canary VALUES(1)};
sub qi { my ($n) = @_; $n =~ s/"/""/g; return qq{"$n"}; }
sub ql { my ($n) = @_; $n =~ s/'/''/g; return qq{'$n'}; }
my $sch = qi($sch_name);
my $parent = $sch . '.' . qi($tab_name);
my $parent_lit = ql("$sch_name.$tab_name");
my $parent_reg = ql($parent);
my $iv = $pm5 ? q{'1 day'} : q{'native', 'daily'};

$node->safe_psql('postgres', qq{
	CREATE EXTENSION partstrat;
	CREATE SCHEMA partman;
	CREATE EXTENSION pg_partman SCHEMA partman;
	CREATE TABLE canary (what text);
	CREATE SCHEMA $sch;
	CREATE TABLE $parent (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
	SELECT partman.create_parent($parent_lit, 'ts', $iv, p_premake := 1,
		p_start_partition := (now() - interval '40 days')::date::text);
	INSERT INTO $parent SELECT g, now() - interval '40 days' + (g % 40) * interval '1 day'
		FROM generate_series(1, 4000) g;
	INSERT INTO $parent SELECT g, now() + interval '2 days' FROM generate_series(4001, 4050) g;
	ANALYZE $parent;
});

# the rows the retention of 20 days keeps (the older children are detached
# by pg_partman, retention_keep_table, with their rows)
my $keep_from = $node->safe_psql('postgres', "SELECT now() - interval '19 days'");
my $rows = sub {
	return $node->safe_psql('postgres', "SELECT count(*) || ':' || sum(id) || ':' || md5(string_agg(id::text || ts::text, ',' ORDER BY id)) FROM $parent WHERE ts >= '$keep_from'");
};
my $all = sub {
	return $node->safe_psql('postgres', qq{
		SELECT sum((xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = } . ql($sch_name) . q{ AND c.relkind = 'r'});
};
my $all_before = $all->();
my $before = $rows->();

my $actions = $node->safe_psql('postgres', qq{
	SET partstrat.merge_min_leaves = 4;
	SELECT string_agg(action, ',' ORDER BY action) FROM partstrat_advise($parent_reg, 65536, '20 days') WHERE ddl IS NOT NULL});
is($actions, 'partman_interval,premake,rescue_default,retention',
	'the hostile set gets premake, retention, rescue and the interval change, each with DDL');

my @ddl = split /\x1e/, $node->safe_psql('postgres', qq{
	SET partstrat.merge_min_leaves = 4;
	SELECT string_agg(ddl, chr(30) ORDER BY priority, action) FROM partstrat_advise($parent_reg, 65536, '20 days')
	WHERE ddl IS NOT NULL});
my $i = 0;
for my $script (@ddl)
{
	my $scs = $i++ % 2 ? 'off' : 'on';
	my ($rc, $out, $err) = $node->psql('postgres',
		"SET standard_conforming_strings = $scs;\n$script\nSHOW search_path;", on_error_stop => 1);
	is($rc, 0, "script $i runs (standard_conforming_strings $scs)") or diag("$script\n$err");
	like($out, qr/"\$user", public\z/, "script $i: the session's search_path is kept");
}
is($node->safe_psql('postgres', 'SELECT count(*) FROM canary'), '0', 'the canary is empty');
is($rows->(), $before, 'no row changed');
is($node->safe_psql('postgres', "SELECT partition_interval::interval = '1 week' AND retention = '20 days' FROM partman.part_config WHERE parent_table = $parent_lit"),
	't', 'part_config has the advised interval and retention');
my ($rc, $out, $err) = $node->psql('postgres', qq{
	SELECT partman.run_maintenance($parent_lit);
	SELECT count(*) > 0 FROM partman.show_partitions($parent_lit);
	SELECT count(*) FROM partman.check_default(true);
}, on_error_stop => 1);
is($rc, 0, "pg_partman's run_maintenance, show_partitions and check_default work") or diag($err);
like($out, qr/t\n0\z/, 'the set has children, and no DEFAULT holds rows');
is($rows->(), $before, 'no row changed after pg_partman\'s maintenance');
is($all->(), $all_before, 'the rows of the detached children are kept in their tables');

$node->stop;
done_testing();
