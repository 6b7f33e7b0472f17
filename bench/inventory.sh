#!/bin/bash
# Benchmark of the inventory (issue 8): partstrat_partitions() and
# partstrat_summary() against the floor, a plain SQL query over pg_inherits
# joined to pg_class that returns the same columns from the same sources
# (bounds via pg_get_expr, sizes via pg_relation_size / pg_indexes_size /
# pg_total_relation_size of the TOAST table, counters via pg_stat_get_*).
#
# For 100, 1,000 and 10,000 range leaves, empty and then with ~10 rows per
# leaf (analyzed), it prints the median of 5 warm runs of each query, the
# ratio partstrat / floor and the cost per leaf.
#
#   bash bench/inventory.sh            # all sizes
#   SIZES="100 1000" bash bench/inventory.sh

source "$(dirname "$0")/../test/common.sh"

SIZES=${SIZES:-"100 1000 10000"}
RUNS=${RUNS:-5}

ps_install_deps
exec 9>/tmp/partstrat-install.lock
flock 9
ps_build_install

dir="$(mktemp -d /tmp/partstrat-bench.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
ps_cluster_start "$dir" "$port" "autovacuum = off" "max_locks_per_transaction = 1024" \
	"shared_buffers = 256MB"

psql_q() { runuser -u postgres -- psql -X -q -h "$dir" -p "$port" -d postgres -v ON_ERROR_STOP=1 "$@"; }

psql_q -c "CREATE EXTENSION partstrat"

# The floor: same columns, same sources, one plain SQL query.
floor_sql() {
	cat <<SQL
SELECT c.oid::regclass AS partition, i.inhparent::regclass AS parent, 1 AS level,
       c.relkind <> 'p' AS is_leaf, pt.partstrat AS strategy,
       pg_get_partkeydef(i.inhparent) AS partition_key,
       pg_get_expr(c.relpartbound, c.oid) AS bound,
       pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default,
       pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm')
         + pg_relation_size(c.oid, 'vm') + pg_relation_size(c.oid, 'init') AS heap_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast_bytes,
       c.reltuples::bigint AS est_rows,
       pg_stat_get_live_tuples(c.oid) AS live_tuples,
       pg_stat_get_dead_tuples(c.oid) AS dead_tuples,
       pg_stat_get_mod_since_analyze(c.oid) AS mods_since_analyze,
       greatest(pg_stat_get_last_analyze_time(c.oid),
                pg_stat_get_last_autoanalyze_time(c.oid)) AS last_analyze,
       c.relkind, i.inhdetachpending AS detach_pending
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_partitioned_table pt ON pt.partrelid = i.inhparent
WHERE i.inhparent = '$1'::regclass
SQL
}

# median_ms QUERY: median of $RUNS warm runs, in milliseconds (psql \timing).
median_ms() {
	local q=$1
	{
		echo '\o /dev/null'
		echo "$q;"
		echo '\timing on'
		for _ in $(seq "$RUNS"); do echo "$q;"; done
	} | psql_q 2>&1 | awk '/^Time:/ {print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

report() {
	local label=$1 n=$2 table=$3
	local floor parts summ
	floor=$(median_ms "$(floor_sql "$table")")
	parts=$(median_ms "SELECT * FROM partstrat_partitions('$table')")
	summ=$(median_ms "SELECT * FROM partstrat_summary('$table')")
	awk -v l="$label" -v n="$n" -v f="$floor" -v p="$parts" -v s="$summ" 'BEGIN {
		printf "%-6s %6d leaves  floor %9.2f ms  partitions %9.2f ms (%.2fx, %6.1f us/leaf)  summary %9.2f ms (%.2fx, %6.1f us/leaf)\n",
			l, n, f, p, p / f, p * 1000 / n, s, s / f, s * 1000 / n }'
}

for n in $SIZES; do
	t="bench_$n"
	ps_log "creating $t with $n leaves"
	psql_q <<SQL
CREATE TABLE $t (id bigint NOT NULL, k int NOT NULL, payload text) PARTITION BY RANGE (k);
CREATE INDEX ON $t (id);
DO \$\$
BEGIN
  FOR i IN 0 .. $n - 1 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                   '${t}_' || i, '$t', i * 100, (i + 1) * 100);
    IF i % 500 = 499 THEN COMMIT; END IF;
  END LOOP;
END
\$\$;
SQL
	report empty "$n" "$t"
	ps_log "loading ~10 rows per leaf and analyzing"
	psql_q <<SQL
INSERT INTO $t SELECT g, (g * 10) % ($n * 100), 'row ' || g FROM generate_series(1, $n * 10) g;
SELECT pg_stat_force_next_flush();
SQL
	psql_q -c "ANALYZE $t" -c "SELECT pg_stat_force_next_flush()" >/dev/null
	report loaded "$n" "$t"
done
