# Every advice action that is not a generator's script has a scenario of
# its own (TAP 050 runs whatever three parents' advice returns, which
# never held these): repartition (of a range leaf, of a hash group),
# create_default, drop_default, analyze, add_index and finalize_detach.
# Each scenario's schema, table, partition, index and column names and list
# values carry line breaks, carriage returns, quotes, backslashes, "$$",
# "*/", "--" and a 63-byte multibyte name; its tables belong to alice, and
# a superuser runs the action's DDL four ways (psql -f and \gexec,
# standard_conforming_strings on and off).  Each time: the action is
# really in the advice, the DDL runs, a canary table stays empty, no
# psql meta-command ran, every table keeps its rows (count and hash; new
# tables are empty), and the action's own job is checked: tables made by
# the DDL belong to alice (the parent's owner), never to the superuser who
# ran it.
#
# Then the row counts of the scripts (issue 15): a row security policy
# calling the owner's function never runs as whoever runs the script; and
# a DO block given to partstrat_exec_as_owner runs with the owner's rights
# only, in a security-restricted operation.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('advice_hostile');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION partstrat;
	CREATE TABLE public.canary (x int);
	CREATE ROLE alice LOGIN;
	CREATE TABLE public.seen (kind text, who text);
	GRANT ALL ON public.seen TO PUBLIC;
	-- every table of a schema: its name (hex), rows and hash of the rows
	CREATE FUNCTION public.fp(nsp text) RETURNS TABLE (rel text, n bigint, h bigint)
	LANGUAGE plpgsql AS $f$
	DECLARE r regclass;
	BEGIN
		FOR r IN SELECT c.oid FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
				 WHERE s.nspname = nsp AND c.relkind = 'r' ORDER BY c.oid
		LOOP
			rel := encode(convert_to(r::text, 'UTF8'), 'hex');
			EXECUTE format('SELECT count(*), coalesce(sum(hashtext(x::text)), 0) FROM ONLY %s x', r)
				INTO n, h;
			RETURN NEXT;
		END LOOP;
	END $f$;
});

sub qi { my $s = shift; $s =~ s/"/""/g; return "\"$s\""; }
sub dq { return "\$zq\$" . shift() . "\$zq\$"; }

my $pwned = "/tmp/st51pw$$";
unlink $pwned;
my $evil = "x\n--;\r'\"\\ \$\$ */ -- \n\\! touch $pwned\n";
my $S = "sch$evil";
my $mb = ("\x{fc}" x 31) . 'x';    # 63 bytes in UTF-8
utf8::encode($mb);
my $sq = qi($S);
sub qn { return "$sq." . qi(shift); }
my $col = qi("pa\nth'\\");
my $heavy = "a\nb\r--c' \$\$ */ \\";     # the heavy list value
my $dsch = dq($S);

# the OID of a table of the schema by name, as SQL
sub rel
{
	my ($name) = @_;
	return "(SELECT c.oid FROM pg_class c WHERE c.relname = " . dq($name)
	  . " AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $dsch))::regclass";
}

# a function of alice that records who runs it (for add_index: in the
# index expression and predicate)
my $spy = "CREATE FUNCTION $sq.spy_v(kind text) RETURNS int LANGUAGE plpgsql VOLATILE AS \$f\$
	BEGIN INSERT INTO public.seen VALUES (kind, current_user); RETURN 1; END \$f\$;
	CREATE FUNCTION $sq.spy(kind text, v int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS \$f\$
	BEGIN PERFORM $sq.spy_v(kind); RETURN v; END \$f\$;";

my %scenario = (
	# a range leaf holding mostly one text value: a LIST layout for it
	repartition => {
		parent => 'rp' . $evil, target => 131072,
		setup => "CREATE TABLE " . qn("rp$evil") . " ($col text NOT NULL, id int, note text) PARTITION BY RANGE ($col);
			CREATE TABLE " . qn($mb) . " PARTITION OF " . qn("rp$evil") . " FOR VALUES FROM (MINVALUE) TO ('m');
			CREATE TABLE " . qn("rp 2$evil") . " PARTITION OF " . qn("rp$evil") . " FOR VALUES FROM ('m') TO (MAXVALUE);
			INSERT INTO " . qn("rp$evil") . " SELECT 'a' || (g % 300), g, 'n' FROM generate_series(1, 3000) g;
			INSERT INTO " . qn("rp$evil") . " SELECT " . dq($heavy) . ", g, 'n' FROM generate_series(1, 15000) g;
			INSERT INTO " . qn("rp$evil") . " SELECT 'x' || g, g, 'n' FROM generate_series(1, 100) g;",
		# the new layout (a LIST parent, a table for the heavy value -- hashed
		# into sub-partitions --, a DEFAULT) beside the 3 tables: all
		# alice's, the heavy value in its bound as written
		job => "SELECT (count(*) > 5)::text || ':' || bool_and(c.relowner = 'alice'::regrole)
			|| ':' || count(*) FILTER (WHERE pg_get_expr(c.relpartbound, c.oid) = " . dq("FOR VALUES IN ('" . ($heavy =~ s/'/''/gr) . "')") . ")
			FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $dsch)
			AND c.relkind IN ('r', 'p')",
		want => qr/^true:true:1$/,
	},
	# a hash group with one heavy tenant: a LIST parent, the rest hashed
	repartition_hash => {
		parent => 'rh' . $evil, target => 262144,
		setup => "CREATE TABLE " . qn("rh$evil") . " ($col int, id int, note text) PARTITION BY HASH ($col);
			CREATE TABLE " . qn("rh 0$evil") . " PARTITION OF " . qn("rh$evil") . " FOR VALUES WITH (MODULUS 2, REMAINDER 0);
			CREATE TABLE " . qn($mb) . " PARTITION OF " . qn("rh$evil") . " FOR VALUES WITH (MODULUS 2, REMAINDER 1);
			INSERT INTO " . qn("rh$evil") . " SELECT g % 1000, g, 'o' FROM generate_series(1, 20000) g;
			INSERT INTO " . qn("rh$evil") . " SELECT 42, g, 'w' FROM generate_series(1, 20000) g;",
		# at least a LIST parent, the tenant's table, a hashed DEFAULT and
		# its partitions beside the 3 tables, all alice's
		job => "SELECT (count(*) >= 7)::text || ':' || bool_and(c.relowner = 'alice'::regrole)
			FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $dsch)
			AND c.relkind IN ('r', 'p')",
		want => qr/^true:true$/,
	},
	# a hole in a range parent's coverage, no DEFAULT
	create_default => {
		parent => 'cd' . $evil,
		setup => "CREATE TABLE " . qn("cd$evil") . " (id int NOT NULL, $col text) PARTITION BY RANGE (id);
			CREATE TABLE " . qn("cd 0$evil") . " PARTITION OF " . qn("cd$evil") . " FOR VALUES FROM (0) TO (100);
			CREATE TABLE " . qn($mb) . " PARTITION OF " . qn("cd$evil") . " FOR VALUES FROM (200) TO (300);
			INSERT INTO " . qn("cd$evil") . " SELECT g, " . dq("C:\\temp") . " FROM generate_series(0, 99) g;
			INSERT INTO " . qn("cd$evil") . " SELECT g, 'y' FROM generate_series(200, 299) g;",
		job => "SELECT c.relowner::regrole::text || ':' || (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = " . rel("cd$evil") . ")
			FROM pg_class c WHERE c.oid = (SELECT partdefid FROM pg_partitioned_table WHERE partrelid = " . rel("cd$evil") . ")",
		want => qr/^alice:3$/,
	},
	# an empty DEFAULT that keeps the retention from DETACH CONCURRENTLY
	drop_default => {
		parent => 'dd' . $evil, retention => '3 months',
		setup => "CREATE TABLE " . qn("dd$evil") . " (ts date NOT NULL, $col int) PARTITION BY RANGE (ts);"
		  . join('', map { "CREATE TABLE " . qn("dd_2026_0$_$evil") . " PARTITION OF " . qn("dd$evil")
				  . " FOR VALUES FROM ('2026-0$_-01') TO ('2026-0" . ($_ + 1) . "-01');" } 1 .. 6)
		  . "CREATE TABLE " . qn("dd def$evil") . " PARTITION OF " . qn("dd$evil") . " DEFAULT;
			INSERT INTO " . qn("dd$evil") . " SELECT date '2026-01-01' + g % 180, g FROM generate_series(1, 1800) g;",
		job => "SELECT count(*) FROM pg_class WHERE relname = " . dq("dd def$evil"),
		want => qr/^0$/,
	},
	# statistics made stale after ANALYZE
	analyze => {
		parent => 'an' . $evil,
		setup => "CREATE TABLE " . qn("an$evil") . " (id int NOT NULL, $col text) PARTITION BY RANGE (id);
			CREATE TABLE " . qn($mb) . " PARTITION OF " . qn("an$evil") . " FOR VALUES FROM (0) TO (1000);
			INSERT INTO " . qn("an$evil") . " SELECT g, 'v' FROM generate_series(0, 999) g;",
		after_analyze => "UPDATE " . qn("an$evil") . " SET id = id;",
		# analyzed since: no more stale statistics
		job => "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relid = " . rel($mb),
		want => qr/^0$/,
	},
	# a leaf lacking the index (hostile name, expression calling the
	# owner's function, predicate with a backslash) its siblings have
	add_index => {
		parent => 'ai' . $evil, target => 262144,
		setup => "$spy
			CREATE TABLE " . qn("ai$evil") . " (k int NOT NULL, id int, $col text) PARTITION BY RANGE (k);"
		  . join('', map { "CREATE TABLE " . qn("ai $_$evil") . " PARTITION OF " . qn("ai$evil")
				  . " FOR VALUES FROM (" . ($_ * 100) . ") TO (" . (($_ + 1) * 100) . ");" } 0 .. 3)
		  . join('', map { "CREATE INDEX " . qi("idx $_$evil") . " ON " . qn("ai $_$evil")
				  . " ($sq.spy('index', id)) WHERE $col <> " . dq("C:\\temp") . ";" } 0, 1, 3)
		  . "INSERT INTO " . qn("ai$evil") . " SELECT g % 400, g, 'x' FROM generate_series(1, 4000) g;",
		pre_run => "TRUNCATE public.seen",
		job => "SELECT count(*) || ':' || string_agg(DISTINCT c.relowner::regrole::text, ',')
			|| ':' || (SELECT coalesce(string_agg(DISTINCT who, ','), 'none') FROM public.seen)
			|| ':' || bool_and(pg_get_expr(i.indpred, i.indrelid) = " . dq("($col <> 'C:\\temp'::text)") . ")
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = " . rel("ai 2$evil"),
		want => qr/^1:alice:alice:true$/,
	},
	# a partition left pending by an interrupted DETACH ... CONCURRENTLY
	finalize_detach => {
		parent => 'fd' . $evil,
		setup => "CREATE TABLE " . qn("fd$evil") . " (id int NOT NULL, $col text) PARTITION BY RANGE (id);
			CREATE TABLE " . qn("fd 0$evil") . " PARTITION OF " . qn("fd$evil") . " FOR VALUES FROM (0) TO (100);
			CREATE TABLE " . qn($mb) . " PARTITION OF " . qn("fd$evil") . " FOR VALUES FROM (100) TO (200);
			INSERT INTO " . qn("fd$evil") . " SELECT g, 'v' FROM generate_series(0, 199) g;",
		pending => qn($mb),
		job => "SELECT relispartition::text || ':' || (SELECT count(*) FROM " . qn($mb) . ") FROM pg_class WHERE oid = " . rel($mb),
		want => qr/^false:100$/,
	},
);

# the tables of the schema: { hex name => "rows:hash" }
sub fingerprint
{
	my %fp;
	foreach my $line (split /\n/, $node->safe_psql('postgres', "SELECT rel, n, h FROM public.fp($dsch)"))
	{
		my ($r, $n, $h) = split /\|/, $line;
		$fp{$r} = "$n:$h";
	}
	return \%fp;
}

foreach my $action (sort keys %scenario)
{
	my $sc = $scenario{$action};
	(my $kind = $action) =~ s/_hash$//;
	foreach my $way ('file', 'gexec')
	{
		foreach my $scs ('on', 'off')
		{
			my $what = "$action, " . ($way eq 'file' ? 'psql -f' : '\gexec') . ", standard_conforming_strings $scs";
			$node->safe_psql('postgres', "DROP SCHEMA IF EXISTS $sq CASCADE; CREATE SCHEMA $sq AUTHORIZATION alice; TRUNCATE public.canary");
			$node->safe_psql('postgres', "$sc->{setup} ANALYZE " . qn($sc->{parent}) . ";",
				extra_params => [ '-U', 'alice' ]);
			$node->safe_psql('postgres', $sc->{after_analyze}, extra_params => [ '-U', 'alice' ])
			  if $sc->{after_analyze};
			if ($sc->{pending})
			{
				# an old snapshot makes DETACH CONCURRENTLY wait; a timeout
				# interrupts it in its second phase, leaving it pending
				my $holder = $node->background_psql('postgres');
				$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
				$holder->query_safe("SELECT count(*) FROM " . qn($sc->{parent}));
				my ($rc, $out, $err) = $node->psql('postgres',
					"SET statement_timeout = '1s'; ALTER TABLE " . qn($sc->{parent}) . " DETACH PARTITION $sc->{pending} CONCURRENTLY");
				like($err, qr/statement timeout/, "$what: DETACH CONCURRENTLY left pending");
				$holder->query_safe('COMMIT');
				$holder->quit;
			}
			$node->safe_psql('postgres', $sc->{pre_run}) if $sc->{pre_run};
			my $before = fingerprint();
			my $args = rel($sc->{parent}) . ", " . ($sc->{target} // 'NULL') . ", "
			  . ($sc->{retention} ? "'$sc->{retention}'" : 'NULL');
			my $script = $node->safe_psql('postgres',
				"SET standard_conforming_strings = $scs; SET partstrat.reference_time = '2026-06-10 00:00:00+00';
				 SELECT string_agg(ddl, E'\\n' ORDER BY priority) FROM partstrat_advise($args) WHERE action = '$kind'");
			isnt($script, '', "$what: the advice has $kind") or next;
			die "the script holds the test's quote" if $script =~ /\$zq\$/;
			my ($rc, $out, $err);
			if ($way eq 'file')
			{
				my $file = $node->basedir . "/script_$action.sql";
				open(my $fh, '>', $file) or die;
				print $fh $script;
				close $fh;
				local $ENV{PGOPTIONS} = "-c standard_conforming_strings=$scs";
				($rc, $out, $err) = $node->psql('postgres', undef,
					extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file ]);
			}
			else
			{
				$node->safe_psql('postgres', "DROP TABLE IF EXISTS public.script; CREATE TABLE public.script (body text);
					INSERT INTO public.script VALUES (" . dq($script) . ")");
				($rc, $out, $err) = $node->psql('postgres',
					"SET standard_conforming_strings = $scs;\nSELECT body FROM public.script \\gexec",
					on_error_stop => 1);
			}
			is($rc, 0, "$what: runs") or diag($err);
			is($node->safe_psql('postgres', 'SELECT count(*) FROM public.canary'), '0', "$what: canary empty");
			my $after = fingerprint();
			my @changed = grep { defined $after->{$_} && $after->{$_} ne $before->{$_} } keys %$before;
			my @new_rows = grep { !defined $before->{$_} && $after->{$_} !~ /^0:/ } keys %$after;
			is(scalar(@changed) + scalar(@new_rows), 0, "$what: every row kept, new tables empty");
			like($node->safe_psql('postgres', $sc->{job}), $sc->{want}, "$what: done, by and for alice");
		}
	}
}
ok(!-e $pwned, 'no psql meta-command from a name ran');

#
# Row counts run as the owner.  A FORCEd row security policy of alice's
# calls her function: counted by whoever runs the script (a member of
# alice with rights of its own, or a role that may only read), it would
# run with that role's rights before anything else is checked.
#
$node->safe_psql('postgres', q{
	CREATE ROLE mgr LOGIN IN ROLE alice;
	CREATE ROLE ops LOGIN;
	CREATE SCHEMA own AUTHORIZATION alice;
	GRANT USAGE ON SCHEMA own TO mgr, ops;
});
$node->safe_psql('postgres', q{
	CREATE FUNCTION own.who(kind text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $f$
	BEGIN
		-- a NOTICE reaches the client even when the script then rolls back
		RAISE NOTICE '% ran as %', kind, current_user;
		INSERT INTO public.seen VALUES (kind, current_user);
		RETURN true;
	END $f$;
	CREATE TABLE own.e (id int NOT NULL) PARTITION BY RANGE (id);
	CREATE TABLE own.e_0 PARTITION OF own.e FOR VALUES FROM (0) TO (100);
	CREATE TABLE own.e_d PARTITION OF own.e DEFAULT;
	INSERT INTO own.e SELECT g FROM generate_series(0, 149) g;
	ANALYZE own.e;
	GRANT SELECT, UPDATE ON own.e, own.e_0, own.e_d TO ops;
	ALTER TABLE own.e_0 ENABLE ROW LEVEL SECURITY;
	ALTER TABLE own.e_d ENABLE ROW LEVEL SECURITY;
	CREATE POLICY p ON own.e_0 USING (own.who('policy'));
	CREATE POLICY p ON own.e_d USING (own.who('policy'));
}, extra_params => [ '-U', 'alice' ]);

sub run_file
{
	my ($script, $user) = @_;
	my $file = $node->basedir . "/rls.sql";
	open(my $fh, '>', $file) or die;
	print $fh $script;
	close $fh;
	return $node->psql('postgres', undef,
		extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file, '-U', $user ]);
}

my %gen = (split => "partstrat_ddl_split('own.e_0', boundaries => ARRAY['50'])",
	rescue => "partstrat_ddl_rescue_default('own.e')");
foreach my $g (sort keys %gen)
{
	my $script = $node->safe_psql('postgres', "SELECT $gen{$g}");
	like($script, qr/partstrat_exec_as_owner\('own\.e'::regclass, \$partstrat\$\nSELECT \(SELECT count\(\*\) FROM ONLY own\.e_/,
		"$g: the row counts of its DO blocks run through partstrat_exec_as_owner");
	like($script, qr/Row counts run as that role too/, "$g: the header says so");

	# a role that may read the rows, without alice's privileges: refused
	# before the policy runs
	$node->safe_psql('postgres', 'TRUNCATE public.seen');
	my ($rc, $out, $err) = run_file($script, 'ops');
	isnt($rc, 0, "$g: ops may not run it");
	like($err, qr/must be able to act as role "alice"/, "$g: ops: refused with the reason");
	unlike($err, qr/policy ran as ops/, "$g: ops: alice's policy did not run as ops");
	is($node->safe_psql('postgres', "SELECT coalesce(string_agg(DISTINCT who, ','), 'none') FROM public.seen"),
		'none', "$g: ops: alice's policy never ran as ops");

	# a member of alice, the policy FORCEd (it applies to the owner too):
	# counted as alice with row_security off, the count fails rather than
	# run the policy as mgr (or hide rows)
	$node->safe_psql('postgres', 'ALTER TABLE own.e_0 FORCE ROW LEVEL SECURITY; ALTER TABLE own.e_d FORCE ROW LEVEL SECURITY; TRUNCATE public.seen',
		extra_params => [ '-U', 'alice' ]);
	($rc, $out, $err) = run_file($script, 'mgr');
	isnt($rc, 0, "$g: mgr with a FORCEd policy: refused");
	like($err, qr/row-level security/, "$g: mgr: the reason is the policy");
	unlike($err, qr/policy ran as mgr/, "$g: mgr: alice's policy did not run as mgr");
	is($node->safe_psql('postgres', "SELECT coalesce(string_agg(DISTINCT who, ','), 'none') FROM public.seen"),
		'none', "$g: mgr: alice's policy never ran as mgr");
	$node->safe_psql('postgres', 'ALTER TABLE own.e_0 NO FORCE ROW LEVEL SECURITY; ALTER TABLE own.e_d NO FORCE ROW LEVEL SECURITY',
		extra_params => [ '-U', 'alice' ]);
	is($node->safe_psql('postgres', 'SELECT count(*) FROM own.e'), '150', "$g: nothing moved");
}
# without FORCE, a superuser runs them: every row kept, the policy not run
# as the superuser
$node->safe_psql('postgres', 'TRUNCATE public.seen');
foreach my $g (sort keys %gen)
{
	my ($rc, $out, $err) = run_file($node->safe_psql('postgres', "SELECT $gen{$g}"), 'postgres');
	is($rc, 0, "$g: a superuser runs it") or diag($err);
	unlike($err, qr/policy ran as postgres/, "$g: the policy did not run as the superuser");
}
is($node->safe_psql('postgres', 'SELECT count(*) || \':\' || sum(id) FROM own.e'), '150:11175', 'every row kept');
is($node->safe_psql('postgres', "SELECT count(*) FROM public.seen WHERE who <> 'alice'"), '0',
	'the policy never ran as another role than alice');

#
# A DO block given to partstrat_exec_as_owner: its statements are not
# checked one by one (partstrat writes only its batch loops there); it
# runs with alice's rights in a security-restricted operation, so it gives
# whoever may call it -- who must already have alice's privileges --
# nothing more.
#
$node->safe_psql('postgres', 'CREATE TABLE public.secret (x int); INSERT INTO public.secret VALUES (1); TRUNCATE public.seen');
my %do = (
	'reads a table alice may not read' => [ "DO \$d\$ BEGIN PERFORM count(*) FROM public.secret; END \$d\$", qr/permission denied for table secret/ ],
	'RESET ROLE' => [ "DO \$d\$ BEGIN RESET ROLE; END \$d\$", qr/cannot set parameter "role" within security-restricted operation|RESET ROLE|security-restricted/ ],
	'ALTER ROLE ... SUPERUSER' => [ "DO \$d\$ BEGIN ALTER ROLE alice SUPERUSER; END \$d\$", qr/permission denied|must be superuser|insufficient privilege/i ],
	'a temporary table' => [ "DO \$d\$ BEGIN CREATE TEMP TABLE t (x int); END \$d\$", qr/security-restricted operation/ ],
);
foreach my $d (sort keys %do)
{
	my ($rc, $out, $err) = $node->psql('postgres',
		"SELECT partstrat_exec_as_owner('own.e', " . dq($do{$d}[0]) . ")");
	isnt($rc, 0, "DO as the owner, run by a superuser: $d fails");
	like($err, $do{$d}[1], "DO as the owner: $d: the reason");
}
is($node->safe_psql('postgres', "SELECT rolsuper FROM pg_roles WHERE rolname = 'alice'"), 'f', 'alice is no superuser');
$node->safe_psql('postgres', 'GRANT SELECT ON public.secret TO ops');
my ($rc, $out, $err) = $node->psql('postgres',
	"SELECT partstrat_exec_as_owner('own.e', " . dq("DO \$d\$ BEGIN INSERT INTO public.seen SELECT 'do', current_user FROM public.secret; END \$d\$") . ")",
	extra_params => [ '-U', 'ops' ]);
like($err, qr/must be able to act as role "alice"/, 'DO as the owner: a caller without alice\'s privileges is refused');
is($node->safe_psql('postgres', 'SELECT count(*) FROM public.seen'), '0', 'DO as the owner: nothing ran');
# (a DO is not checked: it may write a table of another owner -- what alice
# may do herself; a SELECT of that table outside a DO is refused)
is($node->safe_psql('postgres', "SELECT partstrat_exec_as_owner('own.e', "
	  . dq("DO \$d\$ BEGIN INSERT INTO public.seen VALUES ('do', current_user); END \$d\$; SELECT current_user") . ")"),
	'alice', 'DO as the owner: the statements run as alice');
is($node->safe_psql('postgres', "SELECT string_agg(kind || ':' || who, ',') FROM public.seen"),
	'do:alice', 'DO as the owner: its body ran as alice');
($rc, $out, $err) = $node->psql('postgres', "SELECT partstrat_exec_as_owner('own.e', 'SELECT who FROM public.seen')");
like($err, qr/"seen" is owned by role "postgres", not by "alice"/, 'a SELECT outside a DO is checked');

$node->stop;
done_testing();
