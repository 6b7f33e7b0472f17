# An index name must not decide where the toolkit cuts an index definition
# (review of issue 15): ps_ddl_clone_indexes() restates pg_get_indexdef()'s
# "CREATE INDEX name ON [ONLY] table ..." for a copy.  It cut at the first
# " ON ONLY ", so an index of a sub-partitioned partition named
# 'x ON ONLY a.sp1 USING ...' made the split fail with an internal error;
# only the exact prefix is replaced now.  Also run: a split script with such
# names, as a superuser, four ways; nothing of the names runs.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('clone_idx');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
my $hostile_only = 'x ON ONLY a.sp1 USING btree (k); ALTER ROLE alice SUPERUSER; --';
my $hostile_using = 'y USING btree (id); INSERT INTO public.canary VALUES (1); --';
$node->safe_psql('postgres', q{
CREATE EXTENSION partstrat;
CREATE ROLE alice LOGIN;
CREATE SCHEMA a AUTHORIZATION alice;
CREATE TABLE public.canary (x int);
});

# a.sp1: a sub-partitioned partition whose indexes carry hostile names
sub make_tables
{
	$node->safe_psql('postgres', qq{
DROP TABLE IF EXISTS a.sp;
SET ROLE alice;
CREATE TABLE a.sp (id int, k int, s int) PARTITION BY RANGE (k);
CREATE TABLE a.sp1 PARTITION OF a.sp FOR VALUES FROM (0) TO (100) PARTITION BY RANGE (s);
CREATE TABLE a.sp1_lo PARTITION OF a.sp1 FOR VALUES FROM (0) TO (50);
CREATE TABLE a.sp1_hi PARTITION OF a.sp1 FOR VALUES FROM (50) TO (100);
CREATE INDEX "$hostile_only" ON a.sp1 (k);
CREATE UNIQUE INDEX "$hostile_using" ON a.sp1 (id, s);
INSERT INTO a.sp SELECT g, g % 100, g % 100 FROM generate_series(1, 2000) g;
ANALYZE a.sp;
});
}
make_tables();

my ($ret, $ddl, $err) = $node->psql('postgres',
	q{SELECT partstrat_ddl_split('a.sp1', 2)});
is($ret, 0, 'the split of a sub-partitioned partition with hostile index names is written')
  or diag($err);
unlike($err, qr/unexpected index definition/, '... without an internal error');
like($ddl, qr/CREATE INDEX \S+ ON a\.\S+ USING btree \(k\);/,
	'the copy gets the index on k');
like($ddl, qr/CREATE UNIQUE INDEX \S+ ON a\.\S+ USING btree \(id, s\);/,
	'... and the unique index');
unlike($ddl, qr/^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")*"|[^"\s]\S*) ON ONLY /m, 'no copy is created ON ONLY');
my $hash = $node->safe_psql('postgres',
	q{SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM a.sp t});

for my $scs ('on', 'off')
{
	for my $how ('file', 'gexec')
	{
		make_tables();
		my $sql = $how eq 'file'
		  ? $node->safe_psql('postgres', q{SELECT partstrat_ddl_split('a.sp1', 2)})
		  : "SELECT partstrat_ddl_split('a.sp1', 2) \\gexec";
		my ($r, $out, $e) = $node->psql('postgres',
			"SET standard_conforming_strings = $scs;\n$sql",
			on_error_stop => 1);
		is($r, 0, "the split runs ($how, standard_conforming_strings $scs)")
		  or diag($e);
		is($node->safe_psql('postgres',
			q{SELECT rolsuper FROM pg_roles WHERE rolname = 'alice'}), 'f',
			"... alice is no superuser ($how, $scs)");
		is($node->safe_psql('postgres', 'SELECT count(*) FROM public.canary'), '0',
			"... the canary is empty ($how, $scs)");
		is($node->safe_psql('postgres',
			q{SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM a.sp t}), $hash,
			"... every row is still there ($how, $scs)");
		is($node->safe_psql('postgres', q{
SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'a.sp'::regclass AND c.relkind = 'p'
  AND (SELECT count(*) FROM pg_index x WHERE x.indrelid = c.oid AND x.indisvalid) = 2}), '2',
			"... and both pieces have the two indexes ($how, $scs)");
	}
}

$node->stop;
done_testing();
