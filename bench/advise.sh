#!/bin/bash
# Speed of partstrat_advise() on 100, 1,000 and 10,000 analyzed leaves with
# data, printed beside the inventory floor (partstrat_partitions on the same
# table) and beside pg_partman 4.7's maintenance pass over the same parent
# (partman.run_maintenance(parent, p_analyze => false)), in the same run.
# Warm runs: one discarded, then the median of 5.
#
#   bash bench/advise.sh                  as root; installs what is missing
#   PS_BENCH_SIZES="100 1000" bash bench/advise.sh
#
# The parent is created by pg_partman itself (create_parent with
# p_start_partition), so the leaves it maintains are the leaves we advise on.
# Targets (issue 10): advise <= 1.5x the floor, < 50 ms at 1,000 leaves,
# faster than pg_partman's pass.

source "$(dirname "$0")/../test/common.sh"

sizes="${PS_BENCH_SIZES:-100 1000 10000}"

if [ -n "${PS_PGX:-}" ]; then
	# development: a private copy of PostgreSQL's directories (make install
	# DESTDIR=...), used without the machine-wide lock
	PGBIN="$PS_PGX/usr/lib/postgresql/15/bin"
	make -C "$PS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" >/dev/null
	make -C "$PS_ROOT" -s install PG_CONFIG="$PGBIN/pg_config" >/dev/null
else
	# The extension is installed into PostgreSQL's own directories: hold the
	# machine-wide lock for the whole run, as the test runs do.
	exec 9>/tmp/partstrat-install.lock
	flock 9
	ps_install_deps postgresql-15-partman
	ps_build_install
fi

dir="$(mktemp -d /tmp/partstrat-bench.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
ps_cluster_start "$dir" "$port" "max_locks_per_transaction = 2048" \
	"shared_buffers = 256MB" "autovacuum = off"

psql_b() {
	runuser -u postgres -- "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres "$@"
}

psql_b <<'SQL'
CREATE EXTENSION partstrat;
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
-- milliseconds of one statement
CREATE FUNCTION bench_ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE q;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
-- median of 5 warm runs (one run discarded first)
CREATE FUNCTION bench_median(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE r float8[] := '{}';
BEGIN
  PERFORM bench_ms(q);
  FOR i IN 1..5 LOOP
    r := r || bench_ms(q);
  END LOOP;
  RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(r) x);
END $$;
CREATE TABLE bench_result (leaves int, floor_ms float8, advise_ms float8, partman_ms float8);
SQL

for n in $sizes; do
	ps_log "building a daily table of about $n leaves with pg_partman"
	psql_b <<SQL
CREATE TABLE b$n (ts timestamptz NOT NULL, id int, v text) PARTITION BY RANGE (ts);
SELECT partman.create_parent(p_parent_table => 'public.b$n', p_control => 'ts',
       p_type => 'native', p_interval => 'daily', p_premake => 4,
       p_start_partition => to_char(now() - interval '1 day' * ($n - 6), 'YYYY-MM-DD'));
INSERT INTO b$n SELECT date_trunc('day', now()) - (g % ($n - 6)) * interval '1 day' + (g % 24) * interval '1 hour', g, 'x'
FROM generate_series(1, $n * 20) g;
SELECT pg_stat_force_next_flush();
ANALYZE b$n;
SQL
	ps_log "timing $n"
	psql_b <<SQL
INSERT INTO bench_result
SELECT (SELECT count(*) FROM pg_partition_tree('b$n') WHERE isleaf),
       bench_median('SELECT count(*) FROM partstrat_partitions(''b$n'')'),
       bench_median('SELECT count(*) FROM partstrat_advise(''b$n'')'),
       bench_median('SELECT partman.run_maintenance(''public.b$n'', p_analyze => false)');
SQL
done

psql_b <<'SQL'
\pset footer off
SELECT leaves,
       round(floor_ms::numeric, 2) AS "partstrat_partitions ms (floor)",
       round(advise_ms::numeric, 2) AS "partstrat_advise ms",
       round((advise_ms / floor_ms)::numeric, 2) AS "advise / floor",
       round(partman_ms::numeric, 2) AS "partman run_maintenance ms",
       CASE WHEN advise_ms <= 1.5 * floor_ms AND advise_ms < partman_ms
             AND (leaves < 500 OR leaves > 5000 OR advise_ms < 50)
            THEN 'met' ELSE 'MISSED' END AS targets
FROM bench_result ORDER BY leaves;
SELECT action, count(*) FROM partstrat_advise('b1000') GROUP BY 1 ORDER BY 1;
SQL
