#!/bin/bash
# Benchmark of snapshots (issue 18): one partstrat_snapshot_take(parent) of
# 1,000 leaves against partstrat_partitions(parent) on the same parent (the
# inventory it builds on; target: at most 1.2x), and one read of the view
# partstrat_metrics (one inventory per parent, plus skew and advice).
#
# The parent has an index (so each leaf has one: the snapshot reads its
# scan counter) and ~10 rows per leaf, analyzed; the snapshot table holds
# 90 earlier daily snapshots of it (90,000 rows), as after three months.
# Prints the median of $RUNS warm runs of each and the ratios.
#
#   bash bench/snapshot.sh
#   SIZES="1000 10000" RUNS=9 bash bench/snapshot.sh
#   PS_PGX=/work/pgx/NAME bash bench/snapshot.sh    # a private PostgreSQL copy

source "$(dirname "$0")/../test/common.sh"

SIZES=${SIZES:-"1000"}
RUNS=${RUNS:-7}

ps_install_deps
if [ -z "${PS_PGX:-}" ]; then
	exec 9>/tmp/partstrat-install.lock
	flock 9
fi
ps_build_install

dir="$(mktemp -d /tmp/partstrat-bench.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
ps_cluster_start "$dir" "$port" "autovacuum = off" "max_locks_per_transaction = 1024" \
	"shared_buffers = 256MB"

psql_q() { runuser -u postgres -- "$PGBIN/psql" -X -q -h "$dir" -p "$port" -d postgres -v ON_ERROR_STOP=1 "$@"; }

psql_q -c "CREATE EXTENSION partstrat"

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

for n in $SIZES; do
	t="bench_$n"
	ps_log "creating $t with $n leaves, ~10 rows each, and 90 days of snapshots"
	psql_q <<SQL >/dev/null
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
INSERT INTO $t SELECT g, (g * 10) % ($n * 100), 'row ' || g FROM generate_series(1, $n * 10) g;
SELECT pg_stat_force_next_flush();
SQL
	psql_q -c "ANALYZE $t" -c "SELECT pg_stat_force_next_flush()" >/dev/null
	psql_q <<SQL >/dev/null
SELECT partstrat_snapshot_take('$t');
INSERT INTO partstrat_snapshot
SELECT taken_at - d * interval '1 day', parent, parent_name, stats_reset, db_xacts,
       leaf, leaf_name, is_default, rows, bytes, inserted, updated, deleted,
       seq_scans, idx_scans
FROM partstrat_snapshot, generate_series(1, 90) d;
ANALYZE partstrat_snapshot;
SQL
	parts=$(median_ms "SELECT * FROM partstrat_partitions('$t')")
	snap=$(median_ms "SELECT partstrat_snapshot_take('$t')")
	metrics=$(median_ms "SELECT * FROM partstrat_metrics")
	rows=$(psql_q -At -c "SELECT count(*) FROM partstrat_snapshot")
	awk -v n="$n" -v p="$parts" -v s="$snap" -v m="$metrics" -v r="$rows" 'BEGIN {
		printf "%6d leaves  partitions %8.2f ms  snapshot_take %8.2f ms (%.2fx partitions, target <= 1.20x)  metrics %8.2f ms (%.2fx)  [%d snapshot rows]\n",
			n, p, s, s / p, m, m / p, r }'
	psql_q -c "DROP TABLE $t" -c "TRUNCATE partstrat_snapshot" >/dev/null
done
