# Helpers of the pg_partman TAP tests (060-062): a started node, or the whole
# test skipped when pg_partman is not installed, and create_parent() written
# in the arguments of pg_partman 4 or 5.
package PsPartman;
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Exporter 'import';
our @EXPORT = qw(partman_node create_parent);

# pg_partman 5 or later on the node partman_node() made
my $pm5;

# A started node ($name, extra postgresql.conf lines) whose server has
# pg_partman; returns the node, pg_partman's version and whether it is 5 or
# later (4 takes the type 'native' and interval names such as 'daily', 5 the
# interval itself).  Skips the test when pg_partman is not installed.
sub partman_node
{
	my ($name, @conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf',
		join("\n", "autovacuum = off", "max_locks_per_transaction = 256", @conf) . "\n");
	$node->start;

	my $sharedir = $node->safe_psql('postgres',
		"SELECT setting FROM pg_config WHERE name = 'SHAREDIR'");
	plan skip_all => "pg_partman is not installed in $sharedir (Debian package postgresql-NN-partman)"
	  unless -f "$sharedir/extension/pg_partman.control";
	my $version = $node->safe_psql('postgres',
		"SELECT default_version FROM pg_available_extensions WHERE name = 'pg_partman'");
	$pm5 = $version !~ /^4\./;
	note "pg_partman $version";
	return ($node, $version, $pm5);
}

# create_parent(parent, control, interval as 4 names it, as 5 writes it,
# further arguments starting with a comma): the SELECT that makes the set.
sub create_parent
{
	my ($parent, $control, $iv4, $iv5, $extra) = @_;
	$extra //= '';
	return $pm5
	  ? "SELECT partman.create_parent('$parent', '$control', '$iv5'$extra);"
	  : "SELECT partman.create_parent('$parent', '$control', 'native', '$iv4'$extra);";
}

1;
