# Through CALL partstrat_run_maintenance_proc() (the pg_cron path):
# - one CALL runs every due action: 100 parents x 2 actions (premake and
#   retention) with the default partstrat.max_actions_per_run (100, the
#   worker's limit); max_actions => N stops a CALL after N;
# - retention 'archive' moves the detached leaves to archive_schema, 'drop'
#   drops them (only when passed), rows before/after hashed;
# - rescue_default and merge_undersized in the window, apply 'auto': rows
#   hashed equal before and after, nothing lost;
# - a locked parent is skipped_lock naming the blocker (pid, user, state,
#   transaction age, query) whether it is idle in a transaction or running
#   a query, and as much as the table's owner may see when a non-superuser
#   owner runs the CALL;
# - rows older than partstrat.history_keep are removed by the runs.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint037', "partstrat.databases = ''",
	"partstrat.merge_min_leaves = 30", "max_locks_per_transaction = 1024");
maint_setup_db($node, 'app', undef);
my $call = 'CALL partstrat_run_maintenance_proc()';
my $win = q{to_char(now() AT TIME ZONE 'UTC' - interval '1 hour', 'HH24:MI') || '-'
	|| to_char(now() AT TIME ZONE 'UTC' + interval '1 hour', 'HH24:MI') || ' UTC'};

# ---- one CALL finishes every due action ---------------------------------
$node->safe_psql('app', q{
	DO $$ BEGIN
	FOR i IN 1..100 LOOP
		PERFORM mk_daily('many' || i, 4, 0);
		PERFORM partstrat_set_policy(('many' || i)::regclass, premake => 2,
		                             retention => '2 days', apply => 'auto');
	END LOOP; END $$});
is($node->safe_psql('app', 'SHOW partstrat.max_actions_per_run'), '100',
	'the worker\'s limit is the default 100');
$node->safe_psql('app', $call);
is($node->safe_psql('app', q{SELECT action || ':' || count(*) FROM partstrat_history
	WHERE status = 'done' AND parent_name LIKE 'public.many%' GROUP BY action ORDER BY action}),
	"premake:100\nretention:100", 'one CALL: 200 actions done for 100 parents');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE status <> 'done'}), '0',
	'nothing else recorded');
# every parent is in its steady state: a second CALL does nothing
$node->safe_psql('app', $call);
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history}), '200',
	'a second CALL finds nothing to do');

# max_actions => 3: three actions, the rest on the next CALL
$node->safe_psql('app', q{
	DO $$ BEGIN
	FOR i IN 1..4 LOOP
		PERFORM mk_daily('lim' || i, 1, 0);
		PERFORM partstrat_set_policy(('lim' || i)::regclass, premake => 2, apply => 'auto');
	END LOOP; END $$});
my (undef, undef, $notice) = $node->psql('app', 'CALL partstrat_run_maintenance_proc(max_actions => 3)');
like($notice, qr/NOTICE:  max_actions \(3\) reached: the other due actions wait for the next call/,
	'a NOTICE says the rest waits');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE parent_name LIKE 'public.lim%'}),
	'3', 'max_actions => 3: three actions');
$node->safe_psql('app', $call);
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE parent_name LIKE 'public.lim%'
	AND status = 'done'}), '4', 'the next CALL does the rest');
my ($rc, $out, $err) = $node->psql('app', 'CALL partstrat_run_maintenance_proc(max_actions => 0)');
like($err, qr/max_actions must be at least 1/, 'max_actions => 0 is refused');

# ---- retention: archive and drop ----------------------------------------
# rows of a query, counted and hashed
sub all_hash
{
	my ($from) = @_;
	return $node->safe_psql('app', qq{SELECT count(*) || ':' || md5(string_agg(t::text || '/' || v, ',' ORDER BY t, v)) FROM ($from) x});
}
mk_daily($node, 'app', 'ar', 8, 1, 24);
mk_daily($node, 'app', 'dr', 8, 1, 24);
mk_daily($node, 'app', 'dt', 8, 1, 24);
my $ar_all = all_hash('SELECT * FROM ar');
my $dr_kept = all_hash(q{SELECT r.* FROM dr r JOIN pg_class c ON c.oid = r.tableoid
	WHERE substring(pg_get_expr(c.relpartbound, c.oid) FROM $r$TO \('([^']*)'$r$)::timestamptz > now() - interval '3 days'});
my $dr_old = older_attached($node, 'app', 'dr', '3 days');
cmp_ok($dr_old, '>=', 5, "dr has $dr_old leaves older than the retention");
my $dt_rows = total_rows($node, 'app', 'dt');
$node->safe_psql('app', q{
	CREATE SCHEMA arch;
	SELECT partstrat_set_policy('ar', retention => '3 days', retention_action => 'archive',
	                            archive_schema => 'arch', apply => 'auto');
	SELECT partstrat_set_policy('dr', retention => '3 days', retention_action => 'drop', apply => 'auto');
	SELECT partstrat_set_policy('dt', retention => '3 days', apply => 'auto');
});
is($node->safe_psql('app', q{SELECT retention_action FROM partstrat_policies WHERE parent = 'dt'::regclass}),
	'detach', 'retention without an action: detach, never drop');
$node->safe_psql('app', $call);
is($node->safe_psql('app', q{SELECT string_agg(parent_name || ':' || status, ',' ORDER BY parent_name)
	FROM partstrat_history WHERE action = 'retention' AND parent_name IN ('public.ar', 'public.dr', 'public.dt')}),
	'public.ar:done,public.dr:done,public.dt:done', 'the three retentions ran');
is(older_attached($node, 'app', 'ar', '3 days'), '0', 'archive: old leaves detached');
my $archived = $node->safe_psql('app', q{SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'arch' AND c.relname LIKE 'ar\_%' AND c.relkind = 'r' AND NOT c.relispartition});
cmp_ok($archived, '>=', 5, "archive: $archived leaves moved to schema arch");
is($node->safe_psql('app', q{SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'public' AND c.relname LIKE 'ar\_%' AND NOT c.relispartition}), '0',
	'archive: none left in the parent\'s schema');
my $arch_union = join(' UNION ALL ', 'SELECT * FROM ar',
	map { "SELECT * FROM arch.$_" } split /\n/, $node->safe_psql('app', q{SELECT c.relname FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'arch' AND c.relkind = 'r'}));
is(all_hash($arch_union), $ar_all, 'archive: rows of the parent and the archive hash as before');
is(older_attached($node, 'app', 'dr', '3 days'), '0', 'drop: old leaves gone from the parent');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_class WHERE relname LIKE 'dr\_%' AND relkind = 'r'
	AND NOT relispartition}), '0', 'drop: the old leaves are dropped');
is(all_hash('SELECT * FROM dr'), $dr_kept, 'drop: the rows of the kept leaves are untouched');
like($node->safe_psql('app', q{SELECT ddl FROM partstrat_history WHERE parent_name = 'public.dr' AND action = 'retention'}),
	qr/DROP TABLE/, 'drop: the script dropped');
unlike($node->safe_psql('app', q{SELECT ddl FROM partstrat_history WHERE parent_name = 'public.dt' AND action = 'retention'}),
	qr/DROP TABLE/, 'detach: the script never drops');
is(total_rows($node, 'app', 'dt'), $dt_rows, 'detach: no row lost');

# ---- rescue_default and merge_undersized in the window ------------------
$node->safe_psql('app', q{
	SELECT mk_daily('rs', 3, 0, 24);
	CREATE TABLE rs_default PARTITION OF rs DEFAULT;
	INSERT INTO rs SELECT t, 2 FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 days',
		date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '5 days' - interval '1 second', interval '1 hour') t;
	CREATE TABLE mg (v int, t timestamptz NOT NULL) PARTITION BY RANGE (t);
	SELECT format('CREATE TABLE %I PARTITION OF mg FOR VALUES FROM (%L) TO (%L)',
	              'mg_' || to_char(d, 'YYYYMMDD'), to_char(d, 'YYYY-MM-DD 00:00:00+00'),
	              to_char(d + interval '1 day', 'YYYY-MM-DD 00:00:00+00'))
	FROM generate_series(timestamp '2026-01-01', '2026-02-09', '1 day') d \gexec
	INSERT INTO mg SELECT g, timestamptz '2026-01-01 00:00:00+00' + (g % 40) * interval '1 day' + (g % 24) * interval '1 hour'
	FROM generate_series(1, 2000) g;
	SELECT pg_stat_force_next_flush();
	ANALYZE rs, mg;
});
my $rs_hash = all_hash('SELECT * FROM rs');
my $mg_hash = all_hash('SELECT * FROM mg');
my $mg_leaves = leaves_total($node, 'app', 'mg');
is($node->safe_psql('app', 'SELECT count(*) FROM rs_default'), '48', 'rs: 48 rows in the DEFAULT');
$node->safe_psql('app', qq{
	SELECT partstrat_set_policy('rs', rescue_default => true, apply => 'auto', maintenance_window => $win);
	SELECT partstrat_set_policy('mg', merge_undersized => true, target_bytes => 1048576,
	                            apply => 'auto', maintenance_window => $win);
});
$node->safe_psql('app', $call);
is($node->safe_psql('app', q{SELECT string_agg(action || ':' || status || coalesce(' ' || error, ''), ',' ORDER BY run_id)
	FROM partstrat_history WHERE parent_name = 'public.rs'}), 'rescue_default:done', 'rescue_default: done');
is($node->safe_psql('app', 'SELECT count(*) FROM rs_default'), '0', 'rescue: the DEFAULT is empty');
is(leaves_ahead($node, 'app', 'rs'), '2', 'rescue: two new partitions hold its rows');
is(all_hash('SELECT * FROM rs'), $rs_hash, 'rescue: rows hashed equal before and after');
like($node->safe_psql('app', q{SELECT string_agg(DISTINCT action || ':' || status || coalesce(' ' || error, ''), ',')
	FROM partstrat_history WHERE parent_name = 'public.mg'}), qr/^merge:done$/, 'merge_undersized: done');
my $mg_after = leaves_total($node, 'app', 'mg');
cmp_ok($mg_after, '<', $mg_leaves, "merge: $mg_leaves leaves became $mg_after");
is(all_hash('SELECT * FROM mg'), $mg_hash, 'merge: rows hashed equal before and after');
is($node->safe_psql('app', q{SELECT count(*) FROM pg_class WHERE (relname LIKE 'mg\_%' OR relname LIKE 'rs\_%')
	AND relkind = 'r' AND NOT relispartition}), '0', 'no table left behind');

# ---- skipped_lock names the blocker, from the procedure -----------------
mk_daily($node, 'app', 'lk1', 8, 1, 24);
mk_daily($node, 'app', 'lk2', 8, 1, 24);
$node->safe_psql('app', q{
	SELECT partstrat_set_policy('lk1', retention => '3 days', apply => 'auto');
	SELECT partstrat_set_policy('lk2', retention => '3 days', apply => 'auto');
});
# lk1: a session idle in its transaction; lk2: a session running a query
my $idle = $node->background_psql('app');
$idle->query_safe('BEGIN');
$idle->query_safe('SELECT count(*) FROM lk1');
my $idle_pid = $idle->query_safe('SELECT pg_backend_pid()');
my $busy = $node->background_psql('app', on_error_stop => 0);
my $busy_pid = $busy->query_safe('SELECT pg_backend_pid()');
$busy->query_until(qr/started/, "\\echo started\nSELECT count(*), pg_sleep(60) FROM lk2;\n");
ok($node->poll_query_until('app', qq{SELECT state = 'active' FROM pg_stat_activity WHERE pid = $busy_pid}),
	'the busy session runs its query');
$node->safe_psql('app', 'CALL partstrat_run_maintenance_proc(\'lk1\'); CALL partstrat_run_maintenance_proc(\'lk2\')');
my $b1 = $node->safe_psql('app', q{SELECT blockers FROM partstrat_history WHERE parent_name = 'public.lk1' AND status = 'skipped_lock'});
like($b1, qr/"pid": $idle_pid\b/, 'idle in transaction: the blocker\'s pid') or diag($b1);
like($b1, qr/"user": "\w+"/, 'its user');
like($b1, qr/"state": "idle in transaction"/, 'its state');
like($b1, qr/"xact_age": "\d\d:\d\d:\d\d/, 'the age of its transaction');
like($b1, qr/"query": "SELECT pg_backend_pid\(\)/, 'its last query');
my $b2 = $node->safe_psql('app', q{SELECT blockers FROM partstrat_history WHERE parent_name = 'public.lk2' AND status = 'skipped_lock'});
like($b2, qr/"pid": $busy_pid\b/, 'running a query: the blocker\'s pid') or diag($b2);
like($b2, qr/"state": "active"/, 'its state');
like($b2, qr/"xact_age": "\d\d:\d\d:\d\d/, 'the age of its transaction');
like($b2, qr/"query": "SELECT count\(\*\), pg_sleep\(60\) FROM lk2/, 'its query');
is($node->safe_psql('app', q{SELECT string_agg(DISTINCT sqlstate, ',') FROM partstrat_history WHERE status = 'skipped_lock'}),
	'55P03', 'lock_not_available');
$idle->query_safe('COMMIT');
$idle->quit;
$node->safe_psql('app', "SELECT pg_cancel_backend($busy_pid)");
$busy->quit;

# a non-superuser owner runs the CALL: it sees its own sessions, not others'
$node->safe_psql('app', q{
	CREATE ROLE alice LOGIN;
	GRANT CREATE ON SCHEMA public TO alice;
	SET ROLE alice;
	SELECT mk_daily('lk3', 8, 1, 24);
	SELECT partstrat_set_policy('lk3', retention => '3 days', apply => 'auto');
});
my $own = $node->background_psql('app', extra_params => ['-U', 'alice']);
$own->query_safe('BEGIN');
$own->query_safe('SELECT count(*) FROM lk3');
my $own_pid = $own->query_safe('SELECT pg_backend_pid()');
my $su = $node->background_psql('app');
$su->query_safe('BEGIN');
$su->query_safe('SELECT count(*) FROM lk3 -- a superuser\'s secret');
my $su_pid = $su->query_safe('SELECT pg_backend_pid()');
$node->safe_psql('app', $call, extra_params => ['-U', 'alice']);
my $b3 = $node->safe_psql('app', q{SELECT blockers FROM partstrat_history WHERE parent_name = 'public.lk3' AND status = 'skipped_lock'},
	extra_params => ['-U', 'alice']);
like($b3, qr/\{[^}]*"pid": $own_pid,[^}]*"query": "SELECT pg_backend_pid\(\)[^}]*"state": "idle in transaction"/,
	'the owner\'s own blocking session is shown in full') or diag($b3);
like($b3, qr/\{[^}]*"pid": $su_pid,[^}]*"user": "\w+"[^}]*\}/, 'another role\'s session: pid and user');
like($b3, qr/\{[^}]*"pid": $su_pid,[^}]*"query": "<insufficient privilege>"/, 'but not its query');
unlike($b3, qr/secret/, 'nothing of it leaks');
is($node->safe_psql('app', q{SELECT run_by FROM partstrat_history WHERE parent_name = 'public.lk3'}),
	'procedure', 'run by the procedure');
$own->query_safe('COMMIT');
$own->quit;
$su->query_safe('COMMIT');
$su->quit;
$node->safe_psql('app', $call, extra_params => ['-U', 'alice']);
is($node->safe_psql('app', q{SELECT string_agg(status, ',' ORDER BY run_id) FROM partstrat_history WHERE parent_name = 'public.lk3'}),
	'skipped_lock,done', 'done once the locks are gone');

# ---- history_keep: runs remove old rows ---------------------------------
my $live = $node->background_psql('app');
my $live_pid = $live->query_safe('SELECT pg_backend_pid()');
$node->safe_psql('app', qq{
	UPDATE partstrat_history_log SET started_at = now() - interval '2 hours'
	WHERE parent_name IN ('public.many1', 'public.many2', 'public.ar');
	INSERT INTO partstrat_history_log (started_at, parent_name, owner, action, status, pid, backend_start)
	SELECT now() - interval '2 hours', 'public.x', 10, 'premake', 'running', pid, backend_start
	FROM pg_stat_activity WHERE pid = $live_pid;
	ALTER SYSTEM SET partstrat.history_keep = '1h';
	SELECT pg_reload_conf();
});
my $before = $node->safe_psql('app', 'SELECT count(*) FROM partstrat_history');
my $maxid = $node->safe_psql('app', 'SELECT max(run_id) FROM partstrat_history');
$node->safe_psql('app', $call);
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history
	WHERE parent_name IN ('public.many1', 'public.many2', 'public.ar')}), '0',
	'rows older than partstrat.history_keep are removed by the run');
is($node->safe_psql('app', "SELECT count(*) FROM partstrat_history WHERE run_id <= $maxid"), $before - 5,
	'and no other (five removed)');
is($node->safe_psql('app', q{SELECT status FROM partstrat_history WHERE parent_name = 'public.x'}), 'running',
	'a row still running (a live session\'s) is kept');
$live->quit;

$node->stop;
done_testing();
