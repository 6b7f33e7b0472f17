# Helpers of the maintenance TAP tests (030-039): a preloaded node, tables of
# daily partitions made relative to now, and counts of what a run changed.
package PsMaint;
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Exporter 'import';
our @EXPORT = qw(maint_node maint_setup_db mk_daily leaves_ahead leaves_total
  older_attached total_rows history);

# A started node with partstrat preloaded; extra postgresql.conf lines.
sub maint_node
{
	my ($name, @conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', join("\n",
		"shared_preload_libraries = 'partstrat'",
		"autovacuum = off",
		"max_locks_per_transaction = 256",
		"log_min_messages = log",
		@conf) . "\n");
	$node->start;
	return $node;
}

# Create database $db with the extension (in $schema) and the helper mk_daily.
sub maint_setup_db
{
	my ($node, $db, $schema) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db") if $db ne 'postgres';
	my $ext = $schema
	  ? "CREATE SCHEMA $schema; CREATE EXTENSION partstrat SCHEMA $schema;"
	  : "CREATE EXTENSION partstrat;";
	$node->safe_psql($db, $ext . q{
		CREATE FUNCTION mk_daily(tab text, days_back int, days_ahead int,
		                         rows_per_day int DEFAULT 0) RETURNS void
		LANGUAGE plpgsql AS $$
		DECLARE
			d date;
		BEGIN
			EXECUTE format('CREATE TABLE %I (t timestamptz NOT NULL, v int) PARTITION BY RANGE (t)', tab);
			FOR d IN SELECT g::date FROM generate_series((now() AT TIME ZONE 'UTC')::date - days_back,
			                                             (now() AT TIME ZONE 'UTC')::date + days_ahead,
			                                             '1 day') g
			LOOP
				EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
				               tab || '_' || to_char(d, 'YYYYMMDD'), tab,
				               d::text || ' 00:00+00', (d + 1)::text || ' 00:00+00');
			END LOOP;
			IF rows_per_day > 0 THEN
			EXECUTE format('INSERT INTO %I SELECT t, 1 FROM generate_series(%L::timestamptz, %L::timestamptz, %L::interval) t',
			               tab, ((now() AT TIME ZONE 'UTC')::date - days_back)::text || ' 00:00+00',
			               (now() AT TIME ZONE 'UTC')::text || '+00',
			               (86400.0 / greatest(rows_per_day, 1))::text || ' seconds');
			END IF;
		END
		$$;
		CREATE FUNCTION rows_in(rel regclass) RETURNS bigint LANGUAGE plpgsql AS $$
		DECLARE n bigint;
		BEGIN
			EXECUTE format('SELECT count(*) FROM %s', rel) INTO n;
			RETURN n;
		END $$;
	});
}

sub mk_daily
{
	my ($node, $db, $tab, $back, $ahead, $rows) = @_;
	$rows //= 0;
	$node->safe_psql($db, "SELECT mk_daily('$tab', $back, $ahead, $rows)");
}

my $lower = q{substring(pg_get_expr(c.relpartbound, c.oid) FROM $r$FROM \('([^']*)'$r$)::timestamptz};
my $upper = q{substring(pg_get_expr(c.relpartbound, c.oid) FROM $r$TO \('([^']*)'$r$)::timestamptz};

# Leaves of $tab wholly after now.
sub leaves_ahead
{
	my ($node, $db, $tab) = @_;
	return $node->safe_psql($db, qq{SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = '$tab'::regclass AND $lower > now()});
}

sub leaves_total
{
	my ($node, $db, $tab) = @_;
	return $node->safe_psql($db, "SELECT count(*) FROM pg_inherits WHERE inhparent = '$tab'::regclass");
}

# Leaves still attached (or pending) whose upper bound is before now - $keep.
sub older_attached
{
	my ($node, $db, $tab, $keep) = @_;
	return $node->safe_psql($db, qq{SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = '$tab'::regclass AND $upper <= now() - interval '$keep'});
}

# Rows of $tab plus rows of the tables named like its partitions that are
# no longer attached (what retention detached).
sub total_rows
{
	my ($node, $db, $tab) = @_;
	return $node->safe_psql($db, qq{SELECT (SELECT count(*) FROM $tab) + coalesce((SELECT sum(rows_in(c.oid))
		FROM pg_class c WHERE c.relname LIKE '${tab}\\_%' AND c.relkind = 'r' AND NOT c.relispartition), 0)});
}

# History rows of a parent: "action:status" in run order.
sub history
{
	my ($node, $db, $nsp, $tab) = @_;
	return $node->safe_psql($db, qq{SELECT string_agg(action || ':' || status, ',' ORDER BY run_id)
		FROM $nsp.partstrat_history WHERE parent_name = 'public.$tab'});
}

1;
