#!/bin/bash
# Benchmark of partstrat_ddl_split (issue 9, "Speed"): a 1,000,000-row range
# partition with a primary key and one more index, split into 4 pieces.
#
#   bash bench/split.sh            (as root: installs, starts a throwaway server)
#   PS_BENCH_ROWS=200000 bash bench/split.sh
#
# By default it runs with 100,000 and 1,000,000 rows: the parent's ACCESS
# EXCLUSIVE hold time must not grow with the partition.
#
# Prints, from the same run:
#   - the floor: INSERT INTO piece SELECT ... WHERE <range> into 4 plain tables
#     that already have the same indexes (nothing else: no locks, no counts);
#   - the generated script's total time, and the ratio script / floor
#     (target <= 1.2);
#   - measured from other sessions while the script runs: how long the
#     parent's ACCESS EXCLUSIVE lock was held (target < 100 ms, independent of
#     the partition's size), how long single-row inserts straight into a
#     sibling partition were blocked, and how long inserts through the parent
#     were blocked (the copy: reported, not targeted).

source "$(dirname "$0")/../test/common.sh"
PGBIN="${PS_PGBIN:-$PGBIN}"
export PATH="$PGBIN:$PATH"
ROWS="${PS_BENCH_ROWS:-100000 1000000}"

if [ -z "${PS_BENCH_NO_INSTALL:-}" ]; then
	exec 9>/tmp/partstrat-install.lock
	flock 9
	ps_install_deps
	ps_build_install
fi

# several sizes: one server per size, all under the same install
if [ "$ROWS" != "${ROWS%% *}" ]; then
	for r in $ROWS; do
		PS_BENCH_ROWS=$r PS_BENCH_NO_INSTALL=1 PS_PGBIN="$PGBIN" bash "$0" 9>&- || exit 1
	done
	exit 0
fi

dir="$(mktemp -d /tmp/partstrat-bench.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
# fd 9 (the install lock) must not leak into the server
ps_cluster_start "$dir" "$port" "autovacuum = off" "shared_buffers = 512MB" \
	"max_wal_size = 4GB" "checkpoint_timeout = 30min" 9>&-

q() { runuser -u postgres -- "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres "$@"; }
now() { date +%s.%N; }

ps_log "loading $ROWS rows"
q <<SQL
CREATE EXTENSION partstrat;
CREATE TABLE ev (id bigint NOT NULL, ts timestamptz NOT NULL, payload text,
                 PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);
CREATE INDEX ev_payload ON ev (payload);
CREATE TABLE ev_2025_12 PARTITION OF ev FOR VALUES FROM ('2025-12-01 00:00+00') TO ('2026-01-01 00:00+00');
CREATE TABLE ev_2026_01 PARTITION OF ev FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
CREATE TABLE ev_2026_02 PARTITION OF ev FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');
INSERT INTO ev SELECT g, '2026-01-01 00:00+00'::timestamptz + (g * 2678399.0 / $ROWS) * interval '1 second',
                      md5(g::text)
FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE ev_2026_01;

-- the floor: 4 plain tables with the same indexes, filled by INSERT ... SELECT
CREATE TABLE floor_1 (LIKE ev_2026_01 INCLUDING ALL);
CREATE TABLE floor_2 (LIKE ev_2026_01 INCLUDING ALL);
CREATE TABLE floor_3 (LIKE ev_2026_01 INCLUDING ALL);
CREATE TABLE floor_4 (LIKE ev_2026_01 INCLUDING ALL);

-- observers
CREATE UNLOGGED TABLE bench_ctl (stop boolean);
INSERT INTO bench_ctl VALUES (false);
CREATE UNLOGGED TABLE bench_result (what text, value float8);

-- polls pg_locks: first and last moment the parent's ACCESS EXCLUSIVE lock is granted
CREATE PROCEDURE watch_locks() LANGUAGE plpgsql AS \$\$
DECLARE
	first_seen timestamptz;
	last_seen timestamptz;
	t timestamptz;
	polls int := 0;
BEGIN
	LOOP
		t := clock_timestamp();
		IF EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'ev'::regclass
		           AND mode = 'AccessExclusiveLock' AND granted) THEN
			first_seen := coalesce(first_seen, t);
			last_seen := clock_timestamp();
		END IF;
		polls := polls + 1;
		EXIT WHEN (SELECT stop FROM bench_ctl);
		PERFORM pg_sleep(0.0005);
	END LOOP;
	INSERT INTO bench_result VALUES
		('parent ACCESS EXCLUSIVE held (ms)',
		 1000 * extract(epoch FROM last_seen - first_seen)),
		('lock polls', polls);
	COMMIT;
END
\$\$;

-- one-row transactions; records the longest wait and the total time above 5 ms
CREATE PROCEDURE writer(label text, target regclass, base bigint, k_from timestamptz)
LANGUAGE plpgsql AS \$\$
DECLARE
	t0 timestamptz;
	ms float8;
	worst float8 := 0;
	blocked float8 := 0;
	i bigint := 0;
BEGIN
	LOOP
		i := i + 1;
		t0 := clock_timestamp();
		EXECUTE format('INSERT INTO %s VALUES (\$1, \$2, ''w'')', target)
			USING base + i, k_from + i * interval '1 ms';
		COMMIT;
		ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
		worst := greatest(worst, ms);
		IF ms > 5 THEN blocked := blocked + ms; END IF;
		EXIT WHEN (SELECT stop FROM bench_ctl);
		PERFORM pg_sleep(0.002);
	END LOOP;
	INSERT INTO bench_result VALUES (label || ': longest insert (ms)', worst),
		(label || ': total time in inserts slower than 5 ms (ms)', blocked), (label || ': rows', i);
	COMMIT;
END
\$\$;
SQL

q -At -c "SELECT partstrat_ddl_split('ev_2026_01', 4)" > "$dir/split.sql"
chmod 644 "$dir/split.sql"
ps_log "new partitions: $(grep -o "ATTACH PARTITION .*" "$dir/split.sql" | sed 's/ATTACH PARTITION //' | tr '\n' ';')"

# floor: the same 4 ranges, INSERT ... SELECT into the plain tables
mapfile -t ranges < <(q -At -c "
	SELECT format('%L AND ts < %L', f, t) FROM (
	  SELECT substring(b FROM 'FROM \(''([^'']*)') f, substring(b FROM 'TO \(''([^'']*)') t
	  FROM regexp_split_to_table(pg_read_file('$dir/split.sql'), E'\n') b
	  WHERE b LIKE 'ALTER TABLE public.ev ATTACH PARTITION%') x")
if [ ${#ranges[@]} -ne 4 ]; then
	echo "could not read the 4 ranges from the script" >&2
	exit 1
fi
q -c "CHECKPOINT"
t0=$(now)
q <<SQL
BEGIN;
INSERT INTO floor_1 SELECT * FROM ONLY ev_2026_01 WHERE ts >= ${ranges[0]};
INSERT INTO floor_2 SELECT * FROM ONLY ev_2026_01 WHERE ts >= ${ranges[1]};
INSERT INTO floor_3 SELECT * FROM ONLY ev_2026_01 WHERE ts >= ${ranges[2]};
INSERT INTO floor_4 SELECT * FROM ONLY ev_2026_01 WHERE ts >= ${ranges[3]};
COMMIT;
SQL
t1=$(now)
floor_s=$(awk "BEGIN { print $t1 - $t0 }")
q -c "DROP TABLE floor_1, floor_2, floor_3, floor_4" -c "CHECKPOINT"

# observers, then the generated script
q -c "CALL watch_locks()" &
p_watch=$!
q -c "CALL writer('insert straight into sibling ev_2026_02', 'ev_2026_02', 10000000000, '2026-02-01 00:00+00')" &
p_sib=$!
q -c "CALL writer('insert through the parent into the split range', 'ev', 20000000000, '2026-01-01 00:00+00')" &
p_par=$!
sleep 1
t0=$(now)
q -f "$dir/split.sql" >/dev/null
t1=$(now)
script_s=$(awk "BEGIN { print $t1 - $t0 }")
sleep 1
q -c "UPDATE bench_ctl SET stop = true"
wait $p_watch $p_sib $p_par

rows_after=$(q -At -c "SELECT count(*) FROM ev WHERE ts >= '2026-01-01 00:00+00' AND ts < '2026-02-01 00:00+00' AND payload <> 'w'")
echo
echo "partstrat_ddl_split benchmark: $ROWS rows, PRIMARY KEY + 1 index, 4 pieces"
printf '  floor (INSERT ... SELECT into 4 indexed tables): %8.3f s\n' "$floor_s"
printf '  generated split script, total:                   %8.3f s\n' "$script_s"
printf '  ratio script / floor:                             %8.2f   (target <= 1.20)\n' \
	"$(awk "BEGIN { print $script_s / $floor_s }")"
q -At -F '|' -c "SELECT what, round(value::numeric, 1) FROM bench_result ORDER BY what" |
	while IFS='|' read -r what value; do printf '  %-58s %10s\n' "$what" "$value"; done
echo "  original rows in the split range after the script:  $rows_after (expected $ROWS)"
