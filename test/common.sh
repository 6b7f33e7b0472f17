#!/bin/bash
# Shared by test/run-all.sh, test/demo.sh and bench/*.sh: install what is
# missing, build and install partstrat, and helpers for a throwaway cluster.
# Runs as root; the server runs as the postgres OS user (initdb refuses root).

set -euo pipefail

PS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGBIN=/usr/lib/postgresql/15/bin
# PS_PGX=DIR: a private copy of PostgreSQL's directories (made by
# test/private-pg.sh DIR) to build, install and test in, without the
# machine-wide lock: several trees can be tested side by side.
if [ -n "${PS_PGX:-}" ]; then
	PGBIN="$PS_PGX/usr/lib/postgresql/15/bin"
fi
export PATH="$PGBIN:$PATH"

ps_log() { printf '== %s\n' "$*" >&2; }

# Install the Debian packages the build, the tests and the benchmarks need.
ps_install_deps() {
	local need=()
	local pkg
	for pkg in postgresql-15 postgresql-server-dev-15 postgresql-15-pg-qualstats postgresql-15-partman libipc-run-perl make gcc prometheus prometheus-postgres-exporter "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
	done
	if [ ${#need[@]} -gt 0 ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "missing packages: ${need[*]} (run as root to install them)" >&2
			exit 1
		fi
		ps_log "installing ${need[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	fi
	# Debian starts a cluster on install: it is not ours, and not needed.
	if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
		pg_lsclusters -h | awk '$4 == "online" {print $1, $2}' | while read -r v c; do
			pg_ctlcluster "$v" "$c" stop || true
		done
	fi
}

# Build and install the extension (as root: it writes to PostgreSQL's dirs).
ps_build_install() {
	ps_log "building partstrat"
	make -C "$PS_ROOT" -s clean >/dev/null
	make -C "$PS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" COPT=-Werror 2>&1 | grep -v '^/usr/bin/clang' || true
	make -C "$PS_ROOT" -s install PG_CONFIG="$PGBIN/pg_config" >/dev/null
}

# A copy of the tree that the postgres user can write (pg_regress writes
# results/ and its temp instance next to the sources).
ps_postgres_copy() {
	local dir
	dir="$(mktemp -d /tmp/partstrat-test.XXXXXX)"
	cp -a "$PS_ROOT/." "$dir/"
	rm -rf "$dir/.git"
	chown -R postgres:postgres "$dir"
	echo "$dir"
}

ps_free_port() {
	python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# ps_cluster_start DIR PORT [extra postgresql.conf lines...]
ps_cluster_start() {
	local dir=$1 port=$2
	shift 2
	mkdir -p "$dir"
	chown postgres:postgres "$dir"
	runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
	{
		echo "port = $port"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$dir'"
		for line in "$@"; do echo "$line"; done
	} >>"$dir/data/postgresql.conf"
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w start >/dev/null 9>&-
}

ps_cluster_stop() {
	local dir=$1
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
