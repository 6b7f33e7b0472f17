# The pruning diagnosis suggests a filter on the key expression: its
# literals must read the same whatever standard_conforming_strings is
# (review of issue 15).  A key expression replace(path, '\', '/') came back
# with a bare '\' beside an E'' value: pasted into a session with the
# setting off, the suggestion read differently (and did not parse).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('review_prune');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION partstrat;
CREATE SCHEMA a;
CREATE TABLE a.pk (id int, path text) PARTITION BY LIST ((replace(path, '\', '/')));
CREATE TABLE a.pk1 PARTITION OF a.pk FOR VALUES IN ('C:/temp');
CREATE TABLE a.pk2 PARTITION OF a.pk FOR VALUES IN ('D:/x');
INSERT INTO a.pk VALUES (1, 'C:\temp'), (2, 'C:/temp'), (3, 'D:/x');
});

my $sugg = $node->safe_psql('postgres',
	q{SELECT suggestion FROM partstrat_explain_pruning($$SELECT * FROM a.pk WHERE path = 'C:\temp'$$)});
like($sugg, qr/^filter on the key expression: /, 'the key expression is suggested');
(my $where = $sugg) =~ s/^filter on the key expression: //;
unlike($where, qr/(?<![E\\])'\\'/, 'no bare backslash literal in it');
for my $scs ('on', 'off')
{
	my ($ret, $out, $err) = $node->psql('postgres',
		"SET standard_conforming_strings = $scs; SELECT string_agg(id::text, ',' ORDER BY id) FROM a.pk WHERE $where");
	is($out, '1,2', "the suggested filter finds the same rows (standard_conforming_strings $scs)")
	  or diag($err);
}
$node->stop;
done_testing();
