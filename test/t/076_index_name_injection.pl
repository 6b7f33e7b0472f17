# A hostile index name must not become SQL in the advice (review of issue
# 15): the add_index advice copies a sibling's index definition; cut at the
# first " USING " of pg_get_indexdef(), an index named
# 'x USING btree (k); ALTER ROLE alice SUPERUSER; --' made the advice a
# statement that a superuser running it would run.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('review_idx');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION partstrat;
CREATE ROLE alice LOGIN;
CREATE SCHEMA a AUTHORIZATION alice;
CREATE TABLE public.canary (x int);
SET ROLE alice;
CREATE TABLE a.ix (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE a.ix1 PARTITION OF a.ix FOR VALUES FROM (0) TO (100);
CREATE TABLE a.ix2 PARTITION OF a.ix FOR VALUES FROM (100) TO (200);
CREATE INDEX "x USING btree (k); ALTER ROLE alice SUPERUSER; --" ON a.ix1 (k);
CREATE INDEX "y USING btree (id); INSERT INTO public.canary VALUES (1); --" ON a.ix1 (id);
INSERT INTO a.ix SELECT g, g % 200 FROM generate_series(1, 2000) g;
ANALYZE a.ix;
});
# a small target: the table is not "small" (no add_index advice for those)

my $ddl = $node->safe_psql('postgres',
	q{SELECT ddl FROM partstrat_advise('a.ix', 262144) WHERE action = 'add_index'});
diag($node->safe_psql('postgres', q{SELECT string_agg(action || ': ' || reason, E'\n') FROM partstrat_advise('a.ix', 262144)})) if $ddl eq '';
like($ddl, qr/CREATE INDEX ON a\.ix2 USING btree \(k\);/, 'the missing index is proposed');
like($ddl, qr/CREATE INDEX ON a\.ix2 USING btree \(id\);/, '... both of them');
unlike($ddl, qr/ALTER ROLE|canary/, 'no part of an index name is in the DDL');

# run as a superuser, four ways
for my $scs ('on', 'off')
{
	for my $how ('file', 'gexec')
	{
		$node->safe_psql('postgres', 'DROP INDEX IF EXISTS a.ix2_k_idx, a.ix2_id_idx');
		my $sql = $how eq 'file' ? $ddl
		  # the whole DDL as one query (its statements hold ";\n" inside
		  # the dollar quotes of partstrat_exec_as_owner: not split here)
		  : q{SELECT ddl FROM partstrat_advise('a.ix', 262144) WHERE action = 'add_index'} . "\n\\gexec";
		my ($ret, $out, $err) = $node->psql('postgres',
			"SET standard_conforming_strings = $scs;\n$sql");
		is($ret, 0, "add_index runs ($how, standard_conforming_strings $scs)")
		  or diag($err);
		is($node->safe_psql('postgres',
			q{SELECT rolsuper FROM pg_roles WHERE rolname = 'alice'}), 'f',
			"... alice is no superuser ($how, $scs)");
		is($node->safe_psql('postgres', 'SELECT count(*) FROM public.canary'), '0',
			"... the canary is empty ($how, $scs)");
		is($node->safe_psql('postgres',
			q{SELECT count(*) FROM pg_indexes WHERE schemaname = 'a' AND tablename = 'ix2'}), '2',
			"... and a.ix2 has its two indexes ($how, $scs)");
	}
}

$node->stop;
done_testing();
