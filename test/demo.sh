#!/bin/bash
# The partstrat demo: installs what is missing, builds and installs the
# extension, starts a throwaway cluster on a free local port, creates a small
# realistic sample and prints what partstrat says about each table, then stops
# and removes the cluster.
#
#   bash test/demo.sh
#   PS_PG_VERSIONS=17 bash test/demo.sh      on PostgreSQL 17 (or 18), inside
#                                            its root (test/pgversions.sh)

source "$(dirname "$0")/common.sh"
ps_run_elsewhere test/demo.sh "$@"

# PS_BUILT=1: test/run-all.sh has just built and installed this tree
if [ -z "${PS_BUILT:-}" ]; then
	ps_install_deps
	ps_lock_install
	ps_build_install
fi

dir="$(mktemp -d /tmp/partstrat-demo.XXXXXX)"
port="$(ps_free_port)"
trap 'ps_cluster_stop "$dir"' EXIT
ps_log "starting a throwaway cluster on port $port"
ps_cluster_start "$dir" "$port" "autovacuum = off"

psql_demo() {
	runuser -u postgres -- psql -X -h "$dir" -p "$port" -d postgres -v ON_ERROR_STOP=1 \
		--pset=footer=off "$@"
}

ps_log "creating the sample data"
psql_demo -q <<'SQL'
CREATE EXTENSION partstrat;

-- events: range-partitioned by day, 28 days; one week is overloaded
CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY, ts timestamptz NOT NULL,
                     kind text NOT NULL, payload text) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
              'events_' || to_char(d, 'YYYYMMDD'), d, d + interval '1 day')
FROM generate_series('2026-11-01 00:00+00'::timestamptz, '2026-11-28 00:00+00', '1 day') d
\gexec
CREATE INDEX ON events (ts);
INSERT INTO events (ts, kind, payload)
SELECT '2026-11-01 00:00+00'::timestamptz + (g % (28 * 1440)) * interval '1 minute',
       (ARRAY['click', 'view', 'buy'])[1 + g % 3], md5(g::text)
FROM generate_series(1, 28 * 1440) g;
-- the overloaded week: 10x the traffic from Nov 15 to Nov 21
INSERT INTO events (ts, kind, payload)
SELECT '2026-11-15 00:00+00'::timestamptz + (g % (7 * 1440)) * interval '1 minute' + interval '7 seconds',
       'view', md5(g::text)
FROM generate_series(1, 9 * 7 * 1440) g;

-- customers: list-partitioned by country, with a DEFAULT holding rows
CREATE TABLE customers (id int, country text, name text) PARTITION BY LIST (country);
CREATE TABLE customers_fr PARTITION OF customers FOR VALUES IN ('FR');
CREATE TABLE customers_de PARTITION OF customers FOR VALUES IN ('DE', 'AT', 'CH');
CREATE TABLE customers_us PARTITION OF customers FOR VALUES IN ('US');
CREATE TABLE customers_default PARTITION OF customers DEFAULT;
INSERT INTO customers
SELECT g, (ARRAY['FR', 'DE', 'AT', 'US', 'US', 'BR', 'JP'])[1 + g % 7], 'customer ' || g
FROM generate_series(1, 7000) g;

-- sessions: hash-partitioned by user, 4 ways
CREATE TABLE sessions (user_id int, started timestamptz, secs int) PARTITION BY HASH (user_id);
SELECT format('CREATE TABLE sessions_h%s PARTITION OF sessions FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r)
FROM generate_series(0, 3) r
\gexec
INSERT INTO sessions SELECT g % 500, now(), g % 3600 FROM generate_series(1, 20000) g;

-- measurements: two levels, range by month, then hash by device
CREATE TABLE measurements (device int, at date, value float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2026_10 PARTITION OF measurements
  FOR VALUES FROM ('2026-10-01') TO ('2026-11-01') PARTITION BY HASH (device);
CREATE TABLE measurements_2026_10_h0 PARTITION OF measurements_2026_10 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE measurements_2026_10_h1 PARTITION OF measurements_2026_10 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE measurements_2026_11 PARTITION OF measurements
  FOR VALUES FROM ('2026-11-01') TO ('2026-12-01') PARTITION BY HASH (device);
CREATE TABLE measurements_2026_11_h0 PARTITION OF measurements_2026_11 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE measurements_2026_11_h1 PARTITION OF measurements_2026_11 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO measurements
SELECT g % 50, '2026-10-01'::date + g % 61, random() FROM generate_series(1, 12000) g;

-- flush this session's counters before ANALYZE (else the load, flushed
-- after ANALYZE's reset, would count as modifications since analyze)
SELECT pg_stat_force_next_flush();
ANALYZE events;
ANALYZE customers;
ANALYZE sessions;
ANALYZE measurements;
SQL

for t in events customers sessions measurements; do
	echo
	echo "################################################################"
	echo "## $t"
	echo "################################################################"
	psql_demo -c "SELECT * FROM partstrat_summary('$t')" -x
	psql_demo -c "SELECT partition, level, strategy, bound, est_rows,
	                     pg_size_pretty(total_bytes) AS size, rows_source,
	                     last_analyze IS NOT NULL AS analyzed
	              FROM partstrat_partitions('$t')"
	# later stages, printed once they exist in the installed version
	if [ "$(psql_demo -Atc "SELECT to_regprocedure('partstrat_report(regclass)') IS NOT NULL")" = t ]; then
		# the sample is small: a small target leaf size makes the advice visible
		psql_demo -At -c "SET partstrat.target_bytes = '512kB'" -c "SELECT partstrat_report('$t')"
	fi
done
ps_log "demo done; stopping and removing the cluster"
