#!/bin/bash
# Scheduled maintenance beside pg_partman 4.7, same cluster, same run:
# N parents x L daily leaves each (default 100 x 100), all made by
# pg_partman's create_parent; half stay pg_partman's (part_config with
# premake 4 and retention), the other half get a partstrat policy with the
# same premake and retention (apply => 'auto').
#
#   steady pass   nothing to do: CALL partstrat_run_maintenance_proc() vs
#                 CALL partman.run_maintenance_proc(), median of 3 in one
#                 session after a first call (warm caches, as in the
#                 worker), and median of 3 in new sessions (cold caches, as
#                 pg_cron's connection per run: the partition bounds of
#                 every parent are read into the relation cache first)
#   daily pass    one premake and one retention per parent (the newest
#                 leaf dropped, the day before the oldest leaf attached:
#                 older than the retention, and no gap -- premake also fills
#                 gaps between partitions)
#   idle worker   CPU seconds per minute over PS_BENCH_IDLE_S (default 90)
#                 s, partstrat.naptime and pg_partman_bgw.interval
#                 PS_BENCH_NAPTIME_S (default 30) s, nothing to do: the
#                 partstrat worker's, then pg_partman's background workers'
#                 (its per-run workers counted through the postmaster's
#                 reaped-children times)
#
#   bash bench/maintenance.sh                    as root; installs what is missing
#   PS_PGX=/work/pgx/NAME bash bench/maintenance.sh
#   PS_BENCH_PARENTS=20 PS_BENCH_IDLE_S=20 bash bench/maintenance.sh
#
# Targets (issue 17): steady pass under 1 ms per parent; daily pass at most
# half of pg_partman's; idle worker under 0.1 CPU-second per minute.

source "$(dirname "$0")/../test/common.sh"

parents="${PS_BENCH_PARENTS:-100}"
leaves="${PS_BENCH_LEAVES:-100}"
idle_s="${PS_BENCH_IDLE_S:-90}"
nap_s="${PS_BENCH_NAPTIME_S:-30}"

if [ -n "${PS_PGX:-}" ]; then
	PGBIN="$PS_PGX/usr/lib/postgresql/15/bin"
	make -C "$PS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" >/dev/null
	make -C "$PS_ROOT" -s install PG_CONFIG="$PGBIN/pg_config" >/dev/null
	PS_PGX= ps_install_deps postgresql-15-partman
	# the private copy predates pg_partman's package: copy its files in
	if [ ! -f "$PS_PGX/usr/lib/postgresql/15/lib/pg_partman_bgw.so" ]; then
		cp /usr/lib/postgresql/15/lib/pg_partman_bgw.so "$PS_PGX/usr/lib/postgresql/15/lib/"
		cp /usr/share/postgresql/15/extension/pg_partman* "$PS_PGX/usr/share/postgresql/15/extension/"
	fi
else
	exec 9>/tmp/partstrat-install.lock
	flock 9
	ps_install_deps postgresql-15-partman
	ps_build_install
fi

dir="$(mktemp -d /tmp/partstrat-bench.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
ps_cluster_start "$dir" "$port" "max_locks_per_transaction = 4096" \
	"shared_buffers = 256MB" "autovacuum = off" \
	"shared_preload_libraries = 'partstrat,pg_partman_bgw'" \
	"partstrat.databases = ''" "partstrat.naptime = $nap_s" \
	"pg_partman_bgw.dbname = ''" "pg_partman_bgw.interval = $nap_s" \
	"pg_partman_bgw.role = 'postgres'" "pg_partman_bgw.analyze = off" \
	"pg_partman_bgw.jobmon = off"

psql_b() {
	runuser -u postgres -- "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d bench "$@"
}
runuser -u postgres -- "$PGBIN/psql" -X -q -h "$dir" -p "$port" -d postgres -c 'CREATE DATABASE bench'

ps_log "building $((2 * parents)) parents x $leaves daily leaves with pg_partman"
psql_b <<SQL
CREATE EXTENSION partstrat;
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
CREATE TABLE bench_result (what text, partstrat_ms float8, partman_ms float8);
SQL
for i in $(seq 1 "$parents"); do
	for side in pm ps; do
		psql_b <<SQL
CREATE TABLE ${side}$i (ts timestamptz NOT NULL, id int) PARTITION BY RANGE (ts);
SELECT partman.create_parent(p_parent_table => 'public.${side}$i', p_control => 'ts',
       p_type => 'native', p_interval => 'daily', p_premake => 4,
       p_start_partition => to_char(now() - interval '1 day' * ($leaves - 5), 'YYYY-MM-DD'));
SQL
	done
done
psql_b <<SQL
-- pg_partman keeps its half, with retention (detached, kept as tables)
UPDATE partman.part_config SET retention = '$((leaves - 6)) days', retention_keep_table = true,
       infinite_time_partitions = true
WHERE parent_table LIKE 'public.pm%';
DELETE FROM partman.part_config WHERE parent_table LIKE 'public.ps%';
-- partstrat gets the other half
SELECT count(partstrat_set_policy(c.oid::regclass, premake => 4, retention => '$((leaves - 6)) days',
       apply => 'auto'))
FROM pg_class c WHERE c.relname ~ '^ps[0-9]+$' AND c.relkind = 'p';
SQL

# microseconds of one statement, as psql's \timing measures it (no connection)
ms_of() {
	psql_b -c '\timing on' -c "$1" | awk '/^Time: / {printf "%d\n", $2 * 1000}'
}

# median of 3 runs in one session after a first one (warm caches: the
# background worker's case, a long-lived session)
warm_of() {
	psql_b -c '\timing on' -c "$1" -c "$1" -c "$1" -c "$1" |
		awk '/^Time: / {n++; if (n > 1) print int($2 * 1000)}' | sort -n | sed -n 2p
}

# median of 3 runs, each in a new session (cold caches: pg_cron's case)
median3() {
	local a b c
	a=$(ms_of "$1"); b=$(ms_of "$1"); c=$(ms_of "$1")
	printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}

ps_log "first passes (to the steady state)"
ms_of 'CALL partstrat_run_maintenance_proc()' >/dev/null
ms_of 'CALL partman.run_maintenance_proc()' >/dev/null

ps_log "steady passes"
ps_steady=$(warm_of 'CALL partstrat_run_maintenance_proc()')
pm_steady=$(warm_of 'CALL partman.run_maintenance_proc()')
ps_cold=$(median3 'CALL partstrat_run_maintenance_proc()')
pm_cold=$(median3 'CALL partman.run_maintenance_proc()')

ps_log "daily passes: one premake and one retention per parent"
psql_b <<SQL
DO \$\$
DECLARE
    r record;
    newest regclass;
    oldest date;
BEGIN
    FOR r IN SELECT c.oid::regclass AS parent, c.relname FROM pg_class c
             WHERE c.relname ~ '^p[ms][0-9]+$' AND c.relkind = 'p'
    LOOP
        SELECT i.inhrelid::regclass INTO newest FROM pg_inherits i JOIN pg_class l ON l.oid = i.inhrelid
        WHERE i.inhparent = r.parent AND pg_get_expr(l.relpartbound, l.oid) <> 'DEFAULT'
        ORDER BY l.relname DESC LIMIT 1;
        EXECUTE format('DROP TABLE %s', newest);
        -- the day before the oldest leaf: no gap, older than the retention
        SELECT min(substring(pg_get_expr(l.relpartbound, l.oid) FROM \$r\$FROM \('([^']*)'\$r\$)::timestamptz AT TIME ZONE 'UTC')::date
        INTO oldest FROM pg_inherits i JOIN pg_class l ON l.oid = i.inhrelid
        WHERE i.inhparent = r.parent AND pg_get_expr(l.relpartbound, l.oid) <> 'DEFAULT';
        -- (a table of that name may be left from an earlier detach)
        EXECUTE format('DROP TABLE IF EXISTS %I', r.relname || '_p' || to_char(oldest - 1, 'YYYY_MM_DD'));
        EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       r.relname || '_p' || to_char(oldest - 1, 'YYYY_MM_DD'), r.parent,
                       (oldest - 1)::text || ' 00:00+00', oldest::text || ' 00:00+00');
    END LOOP;
END
\$\$;
SQL
mark=$(psql_b -Atc 'SELECT coalesce(max(run_id), 0) FROM partstrat_history')
ps_daily=$(ms_of 'CALL partstrat_run_maintenance_proc()')
pm_daily=$(ms_of 'CALL partman.run_maintenance_proc()')
ps_done=$(psql_b -Atc "SELECT count(*) FILTER (WHERE action = 'premake') || ' premake, ' || count(*) FILTER (WHERE action = 'retention') || ' retention' FROM partstrat_history WHERE status = 'done' AND run_id > $mark")
ps_bad=$(psql_b -Atc "SELECT count(*) FROM partstrat_history WHERE status <> 'done'")

ps_log "idle workers over ${idle_s} s"
tck=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
children_cpu_of() { awk '{print $16 + $17}' "/proc/$1/stat"; }
pm_pid=$(head -1 "$dir/data/postmaster.pid")

psql_b -c "ALTER SYSTEM SET partstrat.databases = 'bench'" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 10   # the first run (nothing to do) is over
wpid=$(psql_b -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'partstrat worker'")
lpid=$(psql_b -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'partstrat launcher'")
c0=$(( $(cpu_of "$wpid") + $(cpu_of "$lpid") ))
sleep "$idle_s"
c1=$(( $(cpu_of "$wpid") + $(cpu_of "$lpid") ))
ps_idle=$(awk -v a="$c0" -v b="$c1" -v t="$tck" -v s="$idle_s" 'BEGIN {printf "%.3f", (b - a) / t * 60 / s}')
ps_runs=$(psql_b -Atc "SELECT count(*) FROM partstrat_worker_status() WHERE running")

psql_b -c "ALTER SYSTEM SET partstrat.databases = ''" \
	-c "ALTER SYSTEM SET pg_partman_bgw.dbname = 'bench'" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 10
bpid=$(psql_b -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_partman master background worker' OR application_name = 'pg_partman master background worker' OR backend_type LIKE 'pg_partman%' LIMIT 1")
bpid=${bpid:-$(pgrep -f 'pg_partman master background worker' | head -1)}
c0=$(( $(children_cpu_of "$pm_pid") + ${bpid:+$(cpu_of "$bpid")}+0 ))
sleep "$idle_s"
c1=$(( $(children_cpu_of "$pm_pid") + ${bpid:+$(cpu_of "$bpid")}+0 ))
pm_idle=$(awk -v a="$c0" -v b="$c1" -v t="$tck" -v s="$idle_s" 'BEGIN {printf "%.3f", (b - a) / t * 60 / s}')

psql_b <<SQL
\pset footer off
WITH r(what, ps, pm) AS (VALUES
    ('steady pass, ms per parent', $ps_steady / 1000.0 / $parents, $pm_steady / 1000.0 / $parents),
    ('steady pass, new session, ms per parent', $ps_cold / 1000.0 / $parents, $pm_cold / 1000.0 / $parents),
    ('daily pass, ms per parent', $ps_daily / 1000.0 / $parents, $pm_daily / 1000.0 / $parents),
    ('idle worker, CPU s per minute (naptime ' || $nap_s || ' s)', $ps_idle, $pm_idle))
SELECT what, round(ps::numeric, 3) AS partstrat, round(pm::numeric, 3) AS pg_partman,
       round((ps / nullif(pm, 0))::numeric, 2) AS ratio,
       CASE what
         WHEN 'steady pass, ms per parent' THEN CASE WHEN ps < 1 THEN 'met (< 1 ms)' ELSE 'MISSED (< 1 ms)' END
         WHEN 'daily pass, ms per parent' THEN CASE WHEN ps <= pm / 2 THEN 'met (<= half)' ELSE 'MISSED (<= half)' END
         WHEN 'steady pass, new session, ms per parent' THEN '(no target)'
         ELSE CASE WHEN ps < 0.1 THEN 'met (< 0.1)' ELSE 'MISSED (< 0.1)' END
       END AS target
FROM r;
SQL
echo "parents: $parents per tool, $leaves daily leaves each; partstrat daily pass did: $ps_done; history rows not done: $ps_bad; worker running in $ps_runs database(s)"
