#!/bin/bash
# Run every partstrat test on a throwaway server: pg_regress (sql/, expected/),
# isolation specs (specs/, if any), TAP tests (test/t/) and the demo
# (test/demo.sh), on each PostgreSQL major version: 15 (this machine's
# Debian 12), 17 and 18 (in Debian 13 and unstable roots that
# test/pgversions.sh makes and caches).  Installs what is missing, builds
# and installs the extension (-Werror), runs the suites as the postgres OS
# user, and ends with "N passed, N failed" summed over the versions, after
# one line per version.  Exit status 0 only if all pass.
#
#   bash test/run-all.sh
#
# PS_PG_VERSIONS="15" (or "17", "15 18"...) runs those versions only.
# For development: PS_TESTS="install ddl_split" runs only those pg_regress
# tests, PS_TAP="test/t/003_x.pl" only those TAP files (PS_TAP=none: none),
# PS_DEMO=none skips the demo.  PS_PGX=DIR (a private copy of this machine's
# PostgreSQL, test/private-pg.sh) runs on that version only unless
# PS_PG_VERSIONS says otherwise.
# PS_FAKETIME='2027-01-01 00:10:00' (UTC unless a zone is given) runs the
# suites on that date: the servers, psql and the TAP scripts see a wall
# clock moved so that each suite (pg_regress, isolation, TAP, demo) starts
# at that time and runs on from there (test/fakeclock.c, LD_PRELOAD; the
# build keeps the real clock).

source "$(dirname "$0")/common.sh"
set +e

versions="$(ps_requested_versions)"
if [ "$versions" != "$PS_PG_MAJOR" ]; then
	# Several versions, or another one than this machine's: one run per
	# version (this machine's here, the others inside their roots), then
	# the sum.
	total_passed=0
	total_failed=0
	summary=()
	t_start=$(date +%s)
	# Roots missing from the cache are made in the background while the
	# versions before them are tested (debootstrap and apt wait mostly on
	# the network and the disk).
	declare -A prep_pid prep_log
	for v in $versions; do
		if ps_pg_suite "$v" >/dev/null && ! ps_pg_native "$v" &&
			[ ! -f "$(ps_chroot_dir "$v")/.partstrat-made" ]; then
			prep_log[$v]="$(mktemp /tmp/partstrat-root.XXXXXX)"
			ps_log "PostgreSQL $v: making its Debian root in the background"
			bash "$PS_ROOT/test/pgversions.sh" ensure "$v" >"${prep_log[$v]}" 2>&1 &
			prep_pid[$v]=$!
		fi
	done
	for v in $versions; do
		if ! ps_pg_suite "$v" >/dev/null; then
			summary+=("PostgreSQL $v: 0 passed, 1 failed (unknown version; known: $PS_PG_ALL_VERSIONS)")
			total_failed=$((total_failed + 1))
			continue
		fi
		log="$(mktemp /tmp/partstrat-run.XXXXXX)"
		t0=$(date +%s)
		root_s=0
		if ps_pg_native "$v"; then
			PS_PG_VERSIONS="$v" bash "$PS_ROOT/test/run-all.sh" 2>&1 | tee "$log"
		else
			ps_log "PostgreSQL $v: preparing its Debian root"
			if [ -n "${prep_pid[$v]:-}" ]; then
				wait "${prep_pid[$v]}"
				cat "${prep_log[$v]}" | tee "$log"
				rm -f "${prep_log[$v]}"
			fi
			bash "$PS_ROOT/test/pgversions.sh" ensure "$v" 2>&1 | tee -a "$log"
			t1=$(date +%s)
			root_s=$((t1 - t0))
			ps_log "PostgreSQL $v: the suite inside its root"
			bash "$PS_ROOT/test/pgversions.sh" run "$v" bash test/run-all.sh 2>&1 | tee -a "$log"
		fi
		t2=$(date +%s)
		last="$(tail -n 1 "$log")"
		if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			p=${BASH_REMATCH[1]}
			f=${BASH_REMATCH[2]}
		else
			p=0
			f=1
		fi
		total_passed=$((total_passed + p))
		total_failed=$((total_failed + f))
		if [ "$root_s" -gt 0 ] || ! ps_pg_native "$v"; then
			made="$(grep -o 'root made: .*' "$log" 2>/dev/null | head -n 1 || true)"
			summary+=("PostgreSQL $v: $p passed, $f failed ($((t2 - t0)) s: waited $root_s s for the root${made:+ [$made]}, suite $((t2 - t0 - root_s)) s)")
		else
			summary+=("PostgreSQL $v: $p passed, $f failed ($((t2 - t0)) s)")
		fi
		while IFS= read -r line; do
			summary+=("  PostgreSQL $v $line")
		done < <(grep -E '^failed: ' "$log" | head -n 20)
		rm -f "$log"
	done
	echo
	printf '%s\n' "${summary[@]}"
	echo "all versions: $(($(date +%s) - t_start)) s"
	echo "$total_passed passed, $total_failed failed"
	[ "$total_failed" -eq 0 ]
	exit $?
fi

# One version: this machine's (or this root's).
ps_log "PostgreSQL $PS_PG_MAJOR ($("$PGBIN/pg_config" --version 2>/dev/null || echo "not installed yet"))"

# One test run at a time on this machine: the extension is installed into
# PostgreSQL's own directories, which every run shares.
ps_lock_install

ps_install_deps
ps_build_install || { echo "0 passed, 1 failed"; exit 1; }

work="$(ps_postgres_copy)"
trap 'rm -rf "$work"' EXIT
out="$work/test-output.log"

# PS_FAKETIME: the wall clock of the test processes, moved (fake_clock
# before each suite makes it start at PS_FAKETIME).
fake_clock() { :; }
if [ -n "${PS_FAKETIME:-}" ]; then
	fake_at="$(date -ud "$PS_FAKETIME" +%s)" || { echo "PS_FAKETIME: not a date: $PS_FAKETIME"; echo "0 passed, 1 failed"; exit 1; }
	cc -shared -fPIC -O2 -o "$work/fakeclock.so" "$PS_ROOT/test/fakeclock.c" -ldl ||
		{ echo "0 passed, 1 failed"; exit 1; }
	chmod 755 "$work/fakeclock.so"
	fake_clock() {
		export PS_FAKETIME_OFFSET=$((fake_at - $(env -u LD_PRELOAD date +%s)))
		export LD_PRELOAD="$work/fakeclock.so"
		ps_log "the clock of the tests: $(date -u) (PS_FAKETIME)"
	}
fi

# pg_regress and isolation apart, so that a failure in one still runs the
# other; both outputs go to $out (15 prints "name ... ok", 16 and later
# "ok N - name").
ps_log "pg_regress suite"
fake_clock
runuser -u postgres -- make -C "$work" -s installcheck PG_CONFIG="$PGBIN/pg_config" \
	PS_TESTS="${PS_TESTS:-}" ISOLATION= PROVE_TESTS= TAP_TESTS= >"$out" 2>&1
regress_rc=$?
cat "$out"
iso_out="$work/isolation-output.log"
: >"$iso_out"
if [ -z "${PS_TESTS:-}" ] && ls "$work"/specs/*.spec >/dev/null 2>&1; then
	ps_log "isolation suite"
	fake_clock
	runuser -u postgres -- make -C "$work" -s installcheck PG_CONFIG="$PGBIN/pg_config" \
		REGRESS= PROVE_TESTS= TAP_TESTS= >"$iso_out" 2>&1
	iso_rc=$?
	cat "$iso_out"
	cat "$iso_out" >>"$out"
	[ $iso_rc -eq 0 ] || regress_rc=$iso_rc
fi

ps_log "TAP suites"
fake_clock
tap_out="$work/tap-output.log"
if [ "${PS_TAP:-}" = none ]; then
	: >"$tap_out"
	tap_rc=0
else
runuser -u postgres -- make -C "$work" -s installcheck REGRESS= ISOLATION= PG_CONFIG="$PGBIN/pg_config" \
	PROVE_FLAGS=--verbose ${PS_TAP:+PROVE_TESTS="$PS_TAP"} >"$tap_out" 2>&1
tap_rc=$?
fi
cat "$tap_out"

ps_log "demo"
fake_clock
demo_out="$work/demo-output.log"
if [ "${PS_DEMO:-}" = none ]; then
	demo_rc=none
else
	PS_BUILT=1 bash "$PS_ROOT/test/demo.sh" >"$demo_out" 2>&1
	demo_rc=$?
	if [ $demo_rc -eq 0 ]; then
		echo "demo ... ok" >>"$out"
		echo "demo ... ok"
	else
		cat "$demo_out"
		echo "demo ... FAILED" >>"$out"
		echo "demo ... FAILED (exit status $demo_rc)"
	fi
fi

passed=$(grep -cE '\.\.\. ok|^ok [0-9]+ +[-+] ' "$out")
# a failed pg_regress or isolation test (15: "name ... FAILED", 16 and later "not ok N - name")
regress_failed_re='\.\.\. FAILED|\.\.\. failed|^not ok [0-9]+ +[-+] '
failed=$(grep -cE "$regress_failed_re" "$out")
tap_passed=$(grep -cE '^ok [0-9]+' "$tap_out")
tap_failed=$(grep -cE '^not ok [0-9]+' "$tap_out")
passed=$((passed + tap_passed))
failed=$((failed + tap_failed))

if [ $regress_rc -ne 0 ]; then
	for f in "$work"/regression.diffs "$work"/output_iso/regression.diffs; do
		[ -f "$f" ] && { echo "---- $f"; cat "$f"; }
	done
	[ $failed -eq 0 ] && failed=1
fi
if [ $tap_rc -ne 0 ]; then
	for f in "$work"/tmp_check/log/*; do
		[ -f "$f" ] && { echo "---- $f"; tail -n 50 "$f"; }
	done
	[ $tap_failed -eq 0 ] && failed=$((failed + 1))
fi

# Name what failed just above the last line, where a CI excerpt of the
# tail shows it (the logs dumped above can be long).
{
	grep -E "$regress_failed_re" "$out"
	awk '/^test\/t\/[^ ]+\.pl \.+/ { f = $1 } /^not ok [0-9]+/ { print f ": " $0 }' "$tap_out"
	[ $tap_rc -ne 0 ] && [ $tap_failed -eq 0 ] && grep -E '^test/t/[^ ]+\.pl +\(Wstat' "$tap_out"
} | sed 's/^ */failed: /' | head -n 20
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $regress_rc -eq 0 ] && [ $tap_rc -eq 0 ]
