#!/bin/bash
# Run every partstrat test on a throwaway server: pg_regress (sql/, expected/),
# isolation specs (specs/, if any) and TAP tests (test/t/).  Installs what is
# missing, builds and installs the extension, runs the suites as the postgres
# OS user, and ends with "N passed, N failed".  Exit status 0 only if all pass.
#
#   bash test/run-all.sh
#
# For development: PS_TESTS="install ddl_split" runs only those pg_regress
# tests, PS_TAP="test/t/003_x.pl" only those TAP files (PS_TAP=none: none).

source "$(dirname "$0")/common.sh"
set +e

# One test run at a time on this machine: the extension is installed into
# PostgreSQL's own directories, which every run shares.
if [ -z "${PS_PGX:-}" ]; then
	exec 9>/tmp/partstrat-install.lock
	flock 9
fi

ps_install_deps
ps_build_install || { echo "0 passed, 1 failed"; exit 1; }

work="$(ps_postgres_copy)"
trap 'rm -rf "$work"' EXIT
out="$work/test-output.log"

ps_log "pg_regress and isolation suites"
runuser -u postgres -- make -C "$work" -s installcheck PG_CONFIG="$PGBIN/pg_config" \
	PS_TESTS="${PS_TESTS:-}" PROVE_TESTS= TAP_TESTS= >"$out" 2>&1
regress_rc=$?
cat "$out"

ps_log "TAP suites"
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

passed=$(grep -cE '^(test |     |ok |not ok )?.*\.\.\. ok' "$out")
failed=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$out")
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

echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $regress_rc -eq 0 ] && [ $tap_rc -eq 0 ]
