# pg_dump and restore keep the policies, attached by name to the restored
# tables; the run state and the history are not part of the dump.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint035');
maint_setup_db($node, 'app', undef);
mk_daily($node, 'app', 'ev', 5, 1);
$node->safe_psql('app', q{
	CREATE SCHEMA "Odd schema";
	CREATE TABLE "Odd schema"."Ev 2" (t timestamptz NOT NULL) PARTITION BY RANGE (t);
	CREATE TABLE "Odd schema"."Ev 2 a" PARTITION OF "Odd schema"."Ev 2"
		FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-01-02 00:00+00');
	-- a table whose OID the restored "ev" may take: the policy must not follow the OID
	CREATE TABLE decoy (t timestamptz) PARTITION BY RANGE (t);
	SELECT partstrat_set_policy('ev', retention => '30 days', premake => 4, apply => 'auto',
		maintenance_window => '02:00-05:00 Europe/Berlin');
	SELECT partstrat_set_policy('"Odd schema"."Ev 2"', premake => 2);
});
my $policies = q{SELECT string_agg(parent::text || '|' || coalesce(retention::text, '') || '|' || coalesce(premake, 0)
	|| '|' || apply || '|' || coalesce(maintenance_window, ''), ',' ORDER BY parent::text) FROM partstrat_policies};
my $before = $node->safe_psql('app', $policies);

my $dump = $node->basedir . '/app.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('app') ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '-d', $node->connstr('restored'), $dump ], 'pg_restore');
is($node->safe_psql('restored', $policies), $before, 'the policies are restored, on the same tables by name');
is($node->safe_psql('restored', q{SELECT count(*) FROM partstrat_policies p
	JOIN pg_class c ON c.oid = p.parent::oid WHERE c.relname = 'decoy'}), '0', 'none on another table');
is($node->safe_psql('restored', 'SELECT count(*) FROM partstrat_history'), '0', 'the history is not dumped');

$node->stop;
done_testing();
