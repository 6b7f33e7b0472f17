#!/bin/bash
# PostgreSQL major versions other than this machine's own, each in a cached
# Debian root (debootstrap --variant=minbase) whose own packages provide the
# server, its headers and its compiler: 17 from Debian 13 "trixie", 18 from
# Debian unstable "sid".  No Debian release has 16.  The newer releases'
# binaries need a newer glibc than this machine's, so everything of theirs
# (build, server, tests) runs inside the root, as root, with the server as
# the root's own postgres user.
#
#   bash test/pgversions.sh list              versions known, and where each runs
#   bash test/pgversions.sh ensure 17 [pkg…]  make (or reuse) the root for 17,
#                                             with extra packages if asked
#   bash test/pgversions.sh run 17 CMD…       run CMD in a copy of this tree
#                                             inside the root for 17 (cwd = the copy)
#   bash test/pgversions.sh rebuild 17        throw the root away and make it again
#   bash test/pgversions.sh discard 17        throw it away (unmounting first)
#
# Roots live in PS_CHROOT_CACHE (default /var/cache/partstrat/chroots), one
# directory per version, outside the source tree; a root counts as made only
# once its stamp file is written, so an interrupted build is redone.  Needs
# root and debootstrap (installed if missing).

set -euo pipefail

PS_CHROOT_CACHE="${PS_CHROOT_CACHE:-/var/cache/partstrat/chroots}"

# version -> Debian suite that packages it
ps_pg_suite() {
	case "$1" in
		15) echo bookworm ;;
		17) echo trixie ;;
		18) echo sid ;;
		*) return 1 ;;
	esac
}

# The versions the suite is run on by default.
PS_PG_ALL_VERSIONS="15 17 18"

# Native: this machine's Debian release packages that version (or we are
# already inside its root).
ps_pg_native() {
	local suite codename
	suite="$(ps_pg_suite "$1")" || return 1
	[ -n "${PS_PG_CHROOTED:-}" ] && [ "$PS_PG_CHROOTED" = "$1" ] && return 0
	codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
	[ "$codename" = "$suite" ]
}

ps_chroot_dir() { echo "$PS_CHROOT_CACHE/$1"; }

pv_log() { printf '== [pg %s] %s\n' "$1" "$2" >&2; }

# Mount what the server needs (proc, and /dev with /dev/shm), once; they
# stay mounted while the root is cached.
pv_mount() {
	local dir=$1
	mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
	if ! mountpoint -q "$dir/dev"; then
		mount --rbind /dev "$dir/dev"
		mount --make-rslave "$dir/dev"
	fi
}

pv_umount() {
	local dir=$1
	if mountpoint -q "$dir/dev"; then umount -R "$dir/dev"; fi
	if mountpoint -q "$dir/proc"; then umount "$dir/proc"; fi
}

# Packages every root gets: the server, its headers (PGXS and the TAP
# modules), the build tools and the test tools.
pv_base_packages() {
	local v=$1
	echo "postgresql-$v postgresql-server-dev-$v postgresql-$v-pg-qualstats postgresql-$v-partman" \
		"libipc-run-perl make gcc python3-minimal util-linux ca-certificates"
}

pv_chroot() {
	local dir=$1
	shift
	chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Install packages missing from the root.
pv_apt() {
	local v=$1 dir
	shift
	dir="$(ps_chroot_dir "$v")"
	local need=() pkg
	for pkg in "$@"; do
		pv_chroot "$dir" dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			need+=("$pkg")
	done
	[ ${#need[@]} -eq 0 ] && return 0
	pv_log "$v" "apt-get install ${need[*]}"
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	pv_chroot "$dir" apt-get update -qq
	pv_chroot "$dir" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	pv_chroot "$dir" apt-get clean
}

# Make the root for version V from scratch.
pv_make() {
	local v=$1 suite dir t0 t1 t2
	suite="$(ps_pg_suite "$v")" || { echo "unknown PostgreSQL version $v" >&2; exit 2; }
	dir="$(ps_chroot_dir "$v")"
	command -v debootstrap >/dev/null || {
		pv_log "$v" "installing debootstrap"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	}
	pv_discard "$v"
	mkdir -p "$PS_CHROOT_CACHE"
	t0=$(date +%s)
	pv_log "$v" "debootstrap $suite into $dir"
	debootstrap --variant=minbase "$suite" "$dir" http://deb.debian.org/debian >"$PS_CHROOT_CACHE/$v.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$PS_CHROOT_CACHE/$v.debootstrap.log" >&2; exit 1; }
	t1=$(date +%s)
	# apt sources: this machine's, with the suite names changed (sid has
	# neither updates nor security suites)
	if [ "$suite" = sid ]; then
		cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	else
		sed -e "s/\bbookworm\b/$suite/g" /etc/apt/sources.list.d/debian.sources \
			>"$dir/etc/apt/sources.list.d/debian.sources"
	fi
	rm -f "$dir/etc/apt/sources.list"
	# the mirror may serve a dated snapshot whose Release files are past
	# their Valid-Until (sid's and the security suite's are short-lived)
	echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99partstrat-snapshot"
	# services never start inside the root, and no "main" cluster is made
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	mkdir -p "$dir/etc/postgresql-common"
	echo "create_main_cluster = false" >"$dir/etc/postgresql-common/createcluster.conf"
	pv_mount "$dir"
	# shellcheck disable=SC2046
	pv_apt "$v" $(pv_base_packages "$v")
	t2=$(date +%s)
	pv_chroot "$dir" /usr/lib/postgresql/"$v"/bin/postgres --version >/dev/null
	date -u +%FT%TZ >"$dir/.partstrat-made"
	pv_log "$v" "root made: debootstrap $((t1 - t0)) s, packages $((t2 - t1)) s"
}

# Throw a root away (unmounting first; rm never crosses into a mount).
pv_discard() {
	local v=$1 dir
	dir="$(ps_chroot_dir "$v")"
	[ -d "$dir" ] || return 0
	pv_umount "$dir"
	rm -rf --one-file-system "$dir"
}

# Make the root if it is missing or unfinished; hold a lock while doing so.
pv_ensure() {
	local v=$1 dir
	shift
	ps_pg_suite "$v" >/dev/null || { echo "unknown PostgreSQL version $v (known: $PS_PG_ALL_VERSIONS)" >&2; exit 2; }
	dir="$(ps_chroot_dir "$v")"
	mkdir -p "$PS_CHROOT_CACHE"
	(
		flock 8
		if [ ! -f "$dir/.partstrat-made" ]; then
			pv_make "$v"
		fi
		pv_mount "$dir"
		# shellcheck disable=SC2046
		[ $# -eq 0 ] || pv_apt "$v" "$@"
	) 8>"$PS_CHROOT_CACHE/.$v.lock"
}

# Run a command inside the root, in a fresh copy of this tree under the
# root's /tmp, with PS_PG_VERSIONS set to that version.  PS_* settings of
# the caller are passed on.
pv_run() {
	local v=$1 dir src rc
	shift
	pv_ensure "$v"
	dir="$(ps_chroot_dir "$v")"
	src="$(mktemp -d "$dir/tmp/partstrat-src.XXXXXX")"
	local root
	root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
	tar -C "$root" --exclude=.git --exclude='./results' --exclude='./tmp_*' --exclude='./output_iso' \
		--exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . | tar -C "$src" -xf -
	local envs=() var
	for var in $(compgen -e | grep '^PS_' || true); do
		case "$var" in PS_PGX | PS_PG_VERSIONS | PS_CHROOT_CACHE | PS_PG_CHROOTED | PS_LOCK_HELD | PS_BUILT) continue ;; esac
		envs+=("$var=${!var}")
	done
	set +e
	pv_chroot "$dir" "${envs[@]}" PS_PG_VERSIONS="$v" PS_PG_CHROOTED="$v" \
		bash -c 'cd "$1" && shift && exec "$@"' bash "${src#"$dir"}" "$@"
	rc=$?
	set -e
	rm -rf "$src"
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd="${1:-list}"
	shift || true
	case "$cmd" in
		list)
			for v in $PS_PG_ALL_VERSIONS; do
				if ps_pg_native "$v"; then
					echo "$v $(ps_pg_suite "$v") native"
				elif [ -f "$(ps_chroot_dir "$v")/.partstrat-made" ]; then
					echo "$v $(ps_pg_suite "$v") $(ps_chroot_dir "$v") (made $(cat "$(ps_chroot_dir "$v")/.partstrat-made"))"
				else
					echo "$v $(ps_pg_suite "$v") $(ps_chroot_dir "$v") (not made yet)"
				fi
			done
			;;
		ensure) pv_ensure "$@" ;;
		run) pv_run "$@" ;;
		rebuild)
			v=${1:?usage: pgversions.sh rebuild VERSION}
			mkdir -p "$PS_CHROOT_CACHE"
			(
				flock 8
				pv_discard "$v"
			) 8>"$PS_CHROOT_CACHE/.$v.lock"
			pv_ensure "$v"
			;;
		discard)
			v=${1:?usage: pgversions.sh discard VERSION}
			mkdir -p "$PS_CHROOT_CACHE"
			(
				flock 8
				pv_discard "$v"
			) 8>"$PS_CHROOT_CACHE/.$v.lock"
			;;
		umount) pv_umount "$(ps_chroot_dir "${1:?usage: pgversions.sh umount VERSION}")" ;;
		*)
			sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2
			exit 2
			;;
	esac
fi
