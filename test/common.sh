#!/bin/bash
# Shared by test/run-all.sh, test/demo.sh and bench/*.sh: install what is
# missing, build and install partstrat, and helpers for a throwaway cluster.
# Runs as root; the server runs as the postgres OS user (initdb refuses root).

set -euo pipefail

PS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the version table and the chroots of the other major versions
source "$PS_ROOT/test/pgversions.sh"

# PS_PG_MAJOR: the PostgreSQL major version built and tested by this
# process: the one this machine's Debian release packages (15 on Debian 12),
# or, inside a root made by test/pgversions.sh, that root's.  Package names
# that carry the major version are written postgresql-$PS_PG_MAJOR-...
PS_PG_MAJOR="${PS_PG_CHROOTED:-}"
if [ -z "$PS_PG_MAJOR" ]; then
	for v in $PS_PG_ALL_VERSIONS; do
		if ps_pg_native "$v"; then PS_PG_MAJOR=$v; fi
	done
	unset v
fi
[ -n "$PS_PG_MAJOR" ] || { echo "this machine's Debian release packages none of $PS_PG_ALL_VERSIONS" >&2; exit 2; }
PGBIN=/usr/lib/postgresql/$PS_PG_MAJOR/bin
# PS_PGX=DIR: a private copy of PostgreSQL's directories (made by
# test/private-pg.sh DIR) to build, install and test in, without the
# machine-wide lock: several trees can be tested side by side.  It holds
# this machine's own version only.
if [ -n "${PS_PGX:-}" ]; then
	PGBIN="$PS_PGX/usr/lib/postgresql/$PS_PG_MAJOR/bin"
fi
export PATH="$PGBIN:$PATH"

ps_log() { printf '== %s\n' "$*" >&2; }

# The versions a run covers: PS_PG_VERSIONS ("15 17 18", "17"...), else
# every version (PS_PG_ALL_VERSIONS), else with PS_PGX this machine's only.
ps_requested_versions() {
	if [ -n "${PS_PG_VERSIONS:-}" ]; then
		echo "$PS_PG_VERSIONS"
	elif [ -n "${PS_PGX:-}" ]; then
		echo "$PS_PG_MAJOR"
	else
		echo "$PS_PG_ALL_VERSIONS"
	fi
}

# ps_run_elsewhere SCRIPT ARGS...: when the one version asked for
# (PS_PG_VERSIONS) is not this machine's, run SCRIPT (a path relative to the
# tree) inside that version's root instead, and exit with its status.
ps_run_elsewhere() {
	local script=$1 v
	shift
	v="$(ps_requested_versions)"
	case "$v" in *" "*) return 0 ;; esac
	[ "$v" = "$PS_PG_MAJOR" ] && return 0
	ps_log "PostgreSQL $v: running $script inside its Debian root"
	set +e
	bash "$PS_ROOT/test/pgversions.sh" run "$v" bash "$script" "$@"
	exit $?
}

# One build-and-install at a time into PostgreSQL's own directories (a
# private copy, PS_PGX, needs no lock; PS_LOCK_HELD=1 says a parent holds it).
ps_lock_install() {
	if [ -z "${PS_PGX:-}" ] && [ -z "${PS_LOCK_HELD:-}" ]; then
		exec 9>/tmp/partstrat-install.lock
		flock 9
		export PS_LOCK_HELD=1
	fi
}

# Install the Debian packages the build, the tests and the benchmarks need.
ps_install_deps() {
	local need=()
	local pkg
	local pkgs=("postgresql-$PS_PG_MAJOR" "postgresql-server-dev-$PS_PG_MAJOR" "postgresql-$PS_PG_MAJOR-pg-qualstats"
		"postgresql-$PS_PG_MAJOR-partman" libipc-run-perl make gcc prometheus prometheus-postgres-exporter "$@")
	for pkg in "${pkgs[@]}"; do
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
	# A private copy (PS_PGX) gets the server-side files of the version's
	# extension packages (postgresql-15-partman...) it lacks.
	if [ -n "${PS_PGX:-}" ]; then
		for pkg in "${pkgs[@]}"; do
			case "$pkg" in "postgresql-$PS_PG_MAJOR-"*) ;; *) continue ;; esac
			dpkg -L "$pkg" | grep -E "^/usr/(lib|share)/postgresql/$PS_PG_MAJOR/" | while read -r f; do
				if [ -f "$f" ] && [ ! -e "$PS_PGX$f" ]; then install -D -m 644 "$f" "$PS_PGX$f"; fi
			done || true
		done
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
	# a warning is an error: the build fails here, not later without -Werror
	local out rc=0
	out="$(make -C "$PS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" COPT=-Werror 2>&1)" || rc=$?
	printf '%s\n' "$out" | grep -v '^/usr/bin/clang' | grep -v '^$' || true
	if [ $rc -ne 0 ]; then
		ps_log "the build failed (warnings are errors)"
		return 1
	fi
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
