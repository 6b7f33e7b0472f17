#!/bin/bash
# Speed of partstrat_advise() on 100, 1,000 and 10,000 analyzed leaves with
# data, printed beside the inventory floor (partstrat_partitions on the same
# table) and beside pg_partman's maintenance pass over the same parent
# (partman.run_maintenance(parent, p_analyze => false)), in the same run:
# pg_partman 4.7 on PostgreSQL 15 (Debian 12's), pg_partman 5 on
# PostgreSQL 17 (Debian 13's, inside the root test/pgversions.sh makes),
# the two versions' figures side by side at the end.
# Warm runs: one discarded, then the median of 5.
#
#   bash bench/advise.sh                  as root; installs what is missing
#   PS_BENCH_SIZES="100 1000" bash bench/advise.sh
#   PS_BENCH_VERSIONS=15 bash bench/advise.sh       one version only
#
# The parent is created by pg_partman itself (create_parent with
# p_start_partition), so the leaves it maintains are the leaves we advise on.
# Targets (issue 10): advise <= 1.5x the floor, < 50 ms at 1,000 leaves,
# faster than pg_partman's pass.

source "$(dirname "$0")/../test/common.sh"

sizes="${PS_BENCH_SIZES:-100 1000 10000}"
versions="${PS_BENCH_VERSIONS:-15 17}"

if [ -z "${PS_PG_CHROOTED:-}" ] && [ "$versions" != "$PS_PG_MAJOR" ]; then
	# each version on its own (this machine's here, the others in their
	# roots), then their figures side by side
	rows="$(mktemp /tmp/partstrat-bench-rows.XXXXXX)"
	log="$(mktemp /tmp/partstrat-bench-log.XXXXXX)"
	trap 'rm -f "$rows" "$log"' EXIT
	for v in $versions; do
		ps_log "PostgreSQL $v"
		if ps_pg_native "$v"; then
			PS_BENCH_VERSIONS="$v" bash "$PS_ROOT/bench/advise.sh" 2>&1 | tee "$log"
		else
			bash "$PS_ROOT/test/pgversions.sh" ensure "$v" "postgresql-$v-partman"
			bash "$PS_ROOT/test/pgversions.sh" run "$v" bash bench/advise.sh 2>&1 | tee "$log"
		fi
		grep '^BENCH	' "$log" >>"$rows" || true
	done
	echo
	echo "partstrat_advise and pg_partman's run_maintenance, ms (median of 5 warm runs):"
	python3 - "$rows" "$versions" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1]) if l.strip()]
versions = sys.argv[2].split()
by = {(r[0], int(r[2])): r for r in rows}
partman = {r[0]: r[1] for r in rows}
head = ["leaves"]
for v in versions:
    head += [f"PG {v} advise", f"PG {v} pg_partman {partman.get(v, '?')}", "advise/partman"]
print(" | ".join(head))
for n in sorted({int(r[2]) for r in rows}):
    line = [str(n)]
    for v in versions:
        r = by.get((v, n))
        if r is None:
            line += ["-", "-", "-"]
        else:
            adv, pm = float(r[4]), float(r[5])
            line += [f"{adv:.2f}", f"{pm:.2f}", f"{adv / pm:.2f}x"]
    print(" | ".join(line))
PY
	exit 0
fi

if [ -n "${PS_PGX:-}" ]; then
	# development: a private copy of PostgreSQL's directories (make install
	# DESTDIR=...), used without the machine-wide lock
	ps_install_deps "postgresql-$PS_PG_MAJOR-partman"
	make -C "$PS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" >/dev/null
	make -C "$PS_ROOT" -s install PG_CONFIG="$PGBIN/pg_config" >/dev/null
else
	# The extension is installed into PostgreSQL's own directories: hold the
	# machine-wide lock for the whole run, as the test runs do.
	ps_lock_install
	ps_install_deps "postgresql-$PS_PG_MAJOR-partman"
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
partman_version="$(psql_b -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")"
partman_major="${partman_version%%.*}"
ps_log "PostgreSQL $PS_PG_MAJOR, pg_partman $partman_version"

for n in $sizes; do
	ps_log "building a daily table of about $n leaves with pg_partman"
	psql_b -v partman_major="$partman_major" <<SQL
CREATE TABLE b$n (ts timestamptz NOT NULL, id int, v text) PARTITION BY RANGE (ts);
SELECT CASE WHEN :partman_major >= 5 THEN
  partman.create_parent(p_parent_table => 'public.b$n', p_control => 'ts',
       p_type => 'range', p_interval => '1 day', p_premake => 4,
       p_start_partition => to_char(now() - interval '1 day' * ($n - 6), 'YYYY-MM-DD'))
ELSE
  partman.create_parent(p_parent_table => 'public.b$n', p_control => 'ts',
       p_type => 'native', p_interval => 'daily', p_premake => 4,
       p_start_partition => to_char(now() - interval '1 day' * ($n - 6), 'YYYY-MM-DD'))
END;
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

largest=0
for n in $sizes; do
	if [ "$n" -gt "$largest" ]; then largest=$n; fi
done
psql_b <<SQL
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
SELECT action, count(*) FROM partstrat_advise('b$largest') GROUP BY 1 ORDER BY 1;
SQL
# one line per size for the side-by-side table of several versions
psql_b -At -F $'\t' -c "SELECT 'BENCH', '$PS_PG_MAJOR', '$partman_version', leaves, floor_ms, advise_ms, partman_ms
                        FROM bench_result ORDER BY leaves"
