#!/bin/bash
# Run the pg_regress suite against a server running under valgrind memcheck
# and report every error whose stack passes through partstrat.so.
# Slow (minutes); not part of run-all.sh.
#
#   bash test/valgrind.sh              # all pg_regress tests
#   PS_TESTS="install inventory" bash test/valgrind.sh

source "$(dirname "$0")/common.sh"
set +e

ps_install_deps valgrind
exec 9>/tmp/partstrat-install.lock
flock 9
make -C "$PS_ROOT" -s clean >/dev/null
make -C "$PS_ROOT" -s COPT="-O0 -g" 2>&1 | grep -v '^/usr/bin/clang' || true
make -C "$PS_ROOT" -s install >/dev/null

dir="$(mktemp -d /tmp/partstrat-vg.XXXXXX)"
port="$(ps_free_port)"
chown postgres:postgres "$dir"
runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
cat "$PS_ROOT/test/regress.conf" >>"$dir/data/postgresql.conf"
{
	echo "port = $port"
	echo "listen_addresses = ''"
	echo "unix_socket_directories = '$dir'"
} >>"$dir/data/postgresql.conf"
runuser -u postgres -- bash -c "cd '$dir' && valgrind --quiet --trace-children=yes \
	--track-origins=yes --read-var-info=no --num-callers=30 \
	--log-file='$dir/vg.%p.log' '$PGBIN/postgres' -D '$dir/data' >'$dir/server.log' 2>&1 9>&- &"
for _ in $(seq 120); do
	runuser -u postgres -- "$PGBIN/pg_isready" -q -h "$dir" -p "$port" && break
	sleep 1
done

work="$(ps_postgres_copy)"
tests="${PS_TESTS:-$(make -C "$PS_ROOT" -s print-regress 2>/dev/null || true)}"
[ -z "$tests" ] && tests="$(cd "$PS_ROOT/sql" && ls *.sql | grep -v '^partstrat--' | sed 's/\.sql$//' | sort | awk 'BEGIN{printf "install "} $0 != "install" {printf "%s ", $0}')"
# from the test tree, as make installcheck runs it: tests write results/...
(cd "$work" && runuser -u postgres -- "$PGBIN/../lib/pgxs/src/test/regress/pg_regress" \
	--inputdir="$work" --outputdir="$work" --bindir="$PGBIN" \
	--host="$dir" --port="$port" --dbname=contrib_regression $tests)
rc=$?

# the pg_partman paths (TAP 060-062 assert their outcomes) when pg_partman
# 4.x is installed: its sets advised, then every advised script run by psql,
# partman_interval last (pg_partman's gap fill fails after it, by its design)
pm_rc=0
pm_control="$("$PGBIN/pg_config" --sharedir)/extension/pg_partman.control"
if [ -f "$pm_control" ] && grep -q "default_version = '4\." "$pm_control"; then
	vpsql() { runuser -u postgres -- "$PGBIN/psql" -X -q -h "$dir" -p "$port" -d contrib_regression -v ON_ERROR_STOP=1 "$@"; }
	cp "$PS_ROOT/test/valgrind_partman.sql" "$dir/pm.sql"
	chown postgres "$dir/pm.sql"
	vpsql -f "$dir/pm.sql" >"$dir/pm.out" 2>&1 || pm_rc=$?
	for set in vg_pm.daily vg_pm.ep vg_pm.ids vg_pm.sub '"Vg ""s\"."t $x$ -- x"'; do
		[ $pm_rc -eq 0 ] || break
		n=0
		actions=
		ret="'20 days'"
		[ "$set" = vg_pm.ids ] && ret=NULL
		# one advice per set: records "action US ddl", separated by RS
		while IFS= read -r -d $'\x1e' rec; do
			n=$((n + 1))
			actions+="${actions:+ }${rec%%$'\x1f'*}"
			script="${rec#*$'\x1f'}"
			printf '%s\n' "$script" >"$dir/pm_script.$n.sql"
			chown postgres "$dir/pm_script.$n.sql"
			vpsql -f "$dir/pm_script.$n.sql" >>"$dir/pm.out" 2>&1 </dev/null || { pm_rc=$?; echo "pg_partman: script $n of $set failed"; cat "$dir/pm_script.$n.sql"; break; }
		done < <(vpsql -At -c "SET partstrat.merge_min_leaves = 4; SELECT string_agg(action || chr(31) || ddl, chr(30) ORDER BY action = 'partman_interval', priority) || chr(30)
			FROM partstrat_advise(\$q\$$set\$q\$, 65536, $ret) WHERE ddl IS NOT NULL" | head -c -1)
		echo "pg_partman: $set, $n advised script(s) run: $actions"
	done
	[ $pm_rc -eq 0 ] && vpsql -c "SELECT count(*) FROM partstrat_advise('vg_pm.daily')" >>"$dir/pm.out" 2>&1 || pm_rc=$?
	[ $pm_rc -ne 0 ] && cat "$dir/pm.out"
	echo "pg_partman paths: exit $pm_rc"
else
	echo "pg_partman paths: skipped (pg_partman 4.x is not installed)"
fi
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 300 stop >/dev/null 2>&1

# errors with partstrat in their stack
errors=0
for f in "$dir"/vg.*.log; do
	if grep -q 'partstrat' "$f"; then
		awk '/^==[0-9]+== [A-Z].*(Invalid|uninitialised|Conditional|Mismatched|overlap)/ {blk=$0; keep=1; next}
		     keep && /^==[0-9]+== *$/ {if (blk ~ /partstrat/) print blk "\n"; keep=0; blk=""; next}
		     keep {blk = blk "\n" $0}' "$f" >"$f.ps"
		if [ -s "$f.ps" ]; then
			cat "$f.ps"
			errors=$((errors + 1))
		fi
	fi
done
echo "valgrind: $errors process(es) with errors in partstrat; pg_regress exit $rc; pg_partman paths exit $pm_rc"
[ $rc -ne 0 ] && [ -f "$work/regression.diffs" ] && cat "$work/regression.diffs"
rm -rf "$work"
[ $errors -eq 0 ] && [ $rc -eq 0 ] && [ $pm_rc -eq 0 ] && rm -rf "$dir"
[ $errors -eq 0 ] && [ $rc -eq 0 ] && [ $pm_rc -eq 0 ]
