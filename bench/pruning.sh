#!/bin/bash
# Benchmark of the workload pruning report (issue 11):
# partstrat_workload_pruning() over N distinct parameterized statements
# (pg_stat_statements texts with $n) against a table of LEAVES range leaves,
# per statement, against the floor measured in the same run: PREPARE +
# EXPLAIN EXECUTE of the same statements under plan_cache_mode =
# force_generic_plan (the cheapest way PostgreSQL 15 shows a parameterized
# statement's plan), and a literal EXPLAIN (FORMAT JSON) for reference.
# Target: <= 1.2x the generic-plan floor per statement.
#
#   bash bench/pruning.sh                      # 1,000 statements, 1,000 leaves
#   STATEMENTS=200 LEAVES=500 bash bench/pruning.sh
#   PS_PGBIN=/path/to/bin bash bench/pruning.sh   # an already installed build,
#                                                 # without the install lock

source "$(dirname "$0")/../test/common.sh"

STATEMENTS=${STATEMENTS:-1000}
LEAVES=${LEAVES:-1000}
RUNS=${RUNS:-3}

if [ -n "${PS_PGBIN:-}" ]; then
	PGBIN=$PS_PGBIN
	export PATH="$PGBIN:$PATH"
else
	ps_install_deps
	exec 9>/tmp/partstrat-install.lock
	flock 9
	ps_build_install
fi

dir="$(mktemp -d /tmp/partstrat-bench.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
ps_cluster_start "$dir" "$port" "autovacuum = off" "max_locks_per_transaction = 2048" \
	"shared_buffers = 256MB" "shared_preload_libraries = 'pg_stat_statements'" \
	"pg_stat_statements.max = 5000"

psql_q() { runuser -u postgres -- psql -X -q -h "$dir" -p "$port" -d postgres -v ON_ERROR_STOP=1 "$@"; }

ps_log "creating $LEAVES leaves"
psql_q <<SQL
CREATE EXTENSION partstrat;
CREATE EXTENSION pg_stat_statements;
CREATE TABLE ev (id int, k int NOT NULL, kind text, v int) PARTITION BY RANGE (k);
SQL
for ((b = 0; b < LEAVES; b += 200)); do
	psql_q -c "DO \$\$ BEGIN FOR i IN $b..$((b + 199 < LEAVES - 1 ? b + 199 : LEAVES - 1)) LOOP
		EXECUTE format('CREATE TABLE ev_%s PARTITION OF ev FOR VALUES FROM (%s) TO (%s)', i, i * 100, (i + 1) * 100);
	END LOOP; END \$\$"
done
psql_q -c "INSERT INTO ev SELECT g, g % ($LEAVES * 100), 'k' || (g % 5), g FROM generate_series(1, $LEAVES * 10) g" \
	-c "ANALYZE ev"

# N distinct statements, run once each.  pg_stat_statements identifies a
# statement by its parse tree without constants: the shapes differ by the
# length of an IN list (1 .. N/4) in four query forms.
ps_log "running $STATEMENTS statements"
{
	echo "SELECT pg_stat_statements_reset();"
	for ((i = 0; i < STATEMENTS; i++)); do
		len=$((i / 4 + 1))
		list=$(seq -s, $((i % 97)) 3 $((i % 97 + 3 * (len - 1))))
		base=$((i * 37 % (LEAVES * 100)))
		case $((i % 4)) in
		0) echo "SELECT count(*) FROM ev WHERE k = $base AND v IN ($list);" ;;
		1) echo "SELECT count(*) FROM ev WHERE k >= $base AND k < $((base + 250)) AND id IN ($list);" ;;
		2) echo "SELECT count(*) FROM ev WHERE kind = 'k1' AND k IN ($list);" ;;
		3) echo "SELECT sum(v) FROM ev WHERE id IN ($list) AND k BETWEEN 10 AND 20000;" ;;
		esac
	done
} | psql_q >/dev/null

n=$(psql_q -At -c "SELECT count(*) FROM pg_stat_statements WHERE query LIKE 'SELECT%FROM ev WHERE%'")
ps_log "$n statements recorded"

# The floor, server-side: PREPARE + EXPLAIN EXECUTE under force_generic_plan
# of every recorded text, with a literal value per parameter; and a literal
# EXPLAIN (FORMAT JSON) of the text with the parameters replaced.
floor_sql() {
	local mode=$1
	cat <<SQL
DO \$\$
DECLARE
	r record;
	args text;
	lit text;
	t0 timestamptz;
	total interval := '0';
	j json;
BEGIN
	SET plan_cache_mode = force_generic_plan;
	FOR r IN SELECT query FROM pg_stat_statements
			 WHERE query LIKE 'SELECT%FROM ev WHERE%' ORDER BY queryid
	LOOP
		SELECT string_agg('''5''', ', ') INTO args
		FROM regexp_matches(r.query, '\\\$[0-9]+', 'g');
		lit := regexp_replace(r.query, '\\\$[0-9]+', '''5''', 'g');
		t0 := clock_timestamp();
		IF '$mode' = 'generic' THEN
			EXECUTE 'PREPARE p AS ' || r.query;
			EXECUTE 'EXPLAIN (FORMAT JSON) EXECUTE p(' || args || ')' INTO j;
			DEALLOCATE p;
		ELSE
			EXECUTE 'EXPLAIN (FORMAT JSON) ' || lit INTO j;
		END IF;
		total := total + (clock_timestamp() - t0);
	END LOOP;
	RAISE NOTICE 'ms %', extract(epoch FROM total) * 1000;
END
\$\$;
SQL
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_floor() {
	for _ in $(seq "$RUNS"); do
		floor_sql "$1" | psql_q 2>&1 | awk '/NOTICE:  ms/ {print $3} /ERROR|CONTEXT/ {print > "/dev/stderr"}'
	done | median
}

run_report() {
	for _ in $(seq "$RUNS"); do
		{
			echo '\o /dev/null'
			echo '\timing on'
			echo "SELECT * FROM partstrat_workload_pruning('ev');"
		} | psql_q 2>&1 | awk '/^Time:/ {print $2} /ERROR/ {print > "/dev/stderr"}'
	done | median
}

generic=$(run_floor generic)
literal=$(run_floor literal)
report=$(run_report)
psql_q -c "SELECT statements, calls, failed_statements, calls_share_all_leaves,
	calls_share_runtime, calls_share_most_leaves, calls_share_few_leaves
	FROM partstrat_workload_pruning('ev')"

awk -v n="$n" -v g="$generic" -v l="$literal" -v r="$report" -v leaves="$LEAVES" 'BEGIN {
	printf "%d statements, %d leaves (median of runs)\n", n, leaves
	printf "  floor: PREPARE + EXPLAIN EXECUTE (generic)  %9.1f ms  %7.3f ms/statement\n", g, g / n
	printf "  reference: literal EXPLAIN (FORMAT JSON)     %9.1f ms  %7.3f ms/statement\n", l, l / n
	printf "  partstrat_workload_pruning                   %9.1f ms  %7.3f ms/statement  %.2fx the generic floor (target <= 1.20x)\n", r, r / n, r / g
}'
