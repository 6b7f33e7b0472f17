# The worker connected as a non-superuser partstrat.role: it acts on the
# tables whose owner's rights that role has (as the owner), refuses the
# others with 42501 in the history, runs at most
# partstrat.max_actions_per_run actions per run, and names the blocker of
# a skipped_lock (idle in a transaction), as much as the owner may see.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PsMaint;

my $node = maint_node('maint038', "partstrat.databases = ''", "partstrat.naptime = 3600",
	"partstrat.max_actions_per_run = 3", "partstrat.role = 'maint_runner'");
maint_setup_db($node, 'app', undef);
$node->safe_psql('app', q{
	CREATE ROLE app_owner LOGIN;
	CREATE ROLE stranger LOGIN;
	CREATE ROLE maint_runner LOGIN;
	GRANT app_owner TO maint_runner;
	GRANT CREATE ON SCHEMA public TO app_owner, stranger;
	SET ROLE app_owner;
	SELECT mk_daily('own' || i, 1, 0) FROM generate_series(1, 5) i;
	SELECT partstrat_set_policy(('own' || i)::regclass, premake => 2, apply => 'auto') FROM generate_series(1, 5) i;
	RESET ROLE;
	SET ROLE stranger;
	SELECT mk_daily('theirs', 1, 0);
	SELECT partstrat_set_policy('theirs', premake => 2, apply => 'auto');
});

# the worker starts and runs once (naptime 1 h)
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.databases = 'app'; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT last_run_end IS NOT NULL FROM partstrat_worker_status()}),
	'the worker ran once');
is($node->safe_psql('app', q{SELECT usename FROM pg_stat_activity WHERE backend_type = 'partstrat worker'}),
	'maint_runner', 'it is connected as partstrat.role');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE parent_name LIKE 'public.own%'
	AND status = 'done'}), '3', 'max_actions_per_run = 3: three actions in the run');
like(slurp_file($node->logfile), qr/partstrat.max_actions_per_run \(3\) reached/, 'the limit is logged');
is($node->safe_psql('app', q{SELECT string_agg(DISTINCT c.relowner::regrole::text, ',') FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent::regclass::text LIKE 'own%'}), 'app_owner',
	'the partitions it made belong to the table\'s owner');
# shorter naptime: the rest is done over the next runs
# (2 s: at least a second between one run's last action and the next run's
# first, which the count per run below relies on)
$node->safe_psql('app', q{ALTER SYSTEM SET partstrat.naptime = 2; SELECT pg_reload_conf()});
ok($node->poll_query_until('app', q{SELECT count(*) = 5 FROM partstrat_history WHERE parent_name LIKE 'public.own%'
	AND status = 'done'}), 'the other actions are done by the next run');
is($node->safe_psql('app', q{SELECT string_agg(leaves, ',') FROM (SELECT count(*)::text AS leaves FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent::regclass::text LIKE 'own%'
	GROUP BY i.inhparent ORDER BY i.inhparent) x}), '4,4,4,4,4', 'each parent has its two premade partitions');
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history WHERE parent_name = 'public.theirs'}),
	'the table of another owner is reached');
is($node->safe_psql('app', q{SELECT status || ' ' || sqlstate FROM partstrat_history WHERE parent_name = 'public.theirs' ORDER BY run_id LIMIT 1}),
	'failed 42501', 'a table whose owner\'s rights the role lacks: refused with 42501');
like($node->safe_psql('app', q{SELECT error FROM partstrat_history WHERE parent_name = 'public.theirs' ORDER BY run_id LIMIT 1}),
	qr/role maint_runner, which runs maintenance \(partstrat.role\), has not the rights of role stranger/,
	'saying why');
is(leaves_ahead($node, 'app', 'theirs'), '0', 'and nothing made there');
is($node->safe_psql('app', q{SELECT DISTINCT status FROM partstrat_history WHERE parent_name = 'public.theirs'},
	extra_params => ['-U', 'stranger']), 'failed', 'the owner reads the refusal');
is($node->safe_psql('app', q{SELECT count(*) FROM partstrat_history WHERE parent_name = 'public.theirs'},
	extra_params => ['-U', 'app_owner']), '0', 'another role does not');

# A run is the worker's actions that follow each other without a pause of
# half a second (grouping by the second they started in counted the end of
# one run and the start of the next as one when they straddled a second).
is($node->safe_psql('app', q{WITH a AS (SELECT pid, started_at, status,
	CASE WHEN started_at - lag(finished_at) OVER w > interval '0.5 s' THEN 1 ELSE 0 END AS starts
	FROM partstrat_history WHERE run_by = 'worker' WINDOW w AS (PARTITION BY pid ORDER BY started_at)),
	r AS (SELECT pid, status, sum(starts) OVER (PARTITION BY pid ORDER BY started_at) AS run FROM a)
	SELECT 'at most ' || max(n) FROM (SELECT pid, run,
	count(*) FILTER (WHERE status = 'done') AS n FROM r GROUP BY pid, run) x}),
	'at most 3', 'no run did more than three');

# a locked table: skipped_lock names the owner's own session in full,
# another role's by pid and user only
$node->safe_psql('app', q{
	SET ROLE app_owner;
	SELECT mk_daily('lkw', 8, 1, 24);
});
my $own = $node->background_psql('app', extra_params => ['-U', 'app_owner']);
$own->query_safe('BEGIN');
$own->query_safe('SELECT count(*) FROM lkw');
my $own_pid = $own->query_safe('SELECT pg_backend_pid()');
my $su = $node->background_psql('app');
$su->query_safe('BEGIN');
$su->query_safe('LOCK TABLE lkw IN ACCESS SHARE MODE');
my $su_pid = $su->query_safe('SELECT pg_backend_pid()');
$node->safe_psql('app', q{SELECT partstrat_set_policy('lkw', retention => '3 days', apply => 'auto')},
	extra_params => ['-U', 'app_owner']);
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.lkw' AND status = 'skipped_lock'}), 'the worker: skipped_lock');
my $b = $node->safe_psql('app', q{SELECT blockers FROM partstrat_history
	WHERE parent_name = 'public.lkw' AND status = 'skipped_lock' ORDER BY run_id LIMIT 1});
like($b, qr/\{[^}]*"pid": $own_pid,[^}]*"user": "app_owner"[^}]*"query": "SELECT pg_backend_pid\(\)[^}]*"state": "idle in transaction"[^}]*"xact_age": "\d\d:\d\d:\d\d/,
	'the owner\'s session idle in transaction: pid, user, query, state, transaction age') or diag($b);
like($b, qr/\{[^}]*"pid": $su_pid,[^}]*"user": "\w+"[^}]*"query": "<insufficient privilege>"/,
	'another role\'s session: pid and user, not its query');
$own->query_safe('COMMIT');
$own->quit;
$su->query_safe('COMMIT');
$su->quit;
ok($node->poll_query_until('app', q{SELECT count(*) > 0 FROM partstrat_history
	WHERE parent_name = 'public.lkw' AND status = 'done'}), 'done once the locks are gone');
is(older_attached($node, 'app', 'lkw', '3 days'), '0', 'the old partitions are detached');
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no process crashed');

$node->stop;
done_testing();
