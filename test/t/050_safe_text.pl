# Generated scripts are safe to hand to a superuser, whatever the names and
# values in the tables:
#  (a) the hostile sweep: schema, table, partition, DEFAULT, index,
#      constraint and column names and list values with line breaks,
#      carriage returns, quotes, backslashes, "$$", "*/", "--" and 63-byte
#      multibyte names; each generator's script run four ways (psql -f and
#      \gexec, standard_conforming_strings on and off; the CONCURRENTLY
#      retention with psql -f only): it succeeds, a canary table stays empty
#      and the rows of every table are the same (count and hash) after it;
#  (b) owner's code (CHECK, generated column, key expression, trigger on the
#      DEFAULT, index expression) runs as the table owner when a superuser
#      runs the script, and its RESET ROLE / ALTER ROLE ... SUPERUSER fail;
#  (c) names: a partition whose index name PostgreSQL truncated does not
#      make an internal error anywhere (split, merge, premake, advise).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('safetext');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION partstrat');

sub qi { my $s = shift; $s =~ s/"/""/g; return "\"$s\""; }
sub dq { return "\$q\$" . shift() . "\$q\$"; }

# a psql meta-command after a line break: psql would run it outside quotes
my $pwned = "/tmp/stpw$$";
unlink $pwned;
my $evil = "x\n--;\r'\"\\ \$\$ */ -- \n\\! touch $pwned\n";
my $S = "sch$evil";
my $mb = ("\x{fc}" x 31) . 'x';    # 63 bytes in UTF-8
utf8::encode($mb);
my %n = (
	p => "ev$evil", p1 => "ev 1$evil", p2 => $mb, pd => "ev def$evil",
	col => "pa\nth'\\", idx => "idx$evil", chk => "chk$evil",
	l => "li$evil", l1 => "li 1$evil", l2 => "li 2$evil", ld => "li def$evil",
	r => "re$evil", t => "tm$evil", g => "gu$evil");
my %q = map { $_ => qi($S) . '.' . qi($n{$_}) } keys %n;
my $col = qi($n{col});
# "!\" then ")) ;COMMIT;INSERT ...": with a bare backslash, a session with
# standard_conforming_strings off reads the first literal up to the second
# one's quote, and the rest as SQL
my @vals = ("!\\", ")) ;COMMIT;INSERT INTO public.canary VALUES (1);--",
	"C:\\temp", "a\nb\r--c' \$\$ */");

my $setup = join "\n",
  "DROP SCHEMA IF EXISTS " . qi($S) . " CASCADE;",
  "CREATE SCHEMA " . qi($S) . ";",
  # range parent: DEFAULT holding rows beyond the last partition (rescue)
  "CREATE TABLE $q{p} (id int NOT NULL, $col text CONSTRAINT " . qi($n{chk})
	. " CHECK ($col <> " . dq("x\\y") . ")) PARTITION BY RANGE (id);",
  "CREATE TABLE $q{p1} PARTITION OF $q{p} FOR VALUES FROM (0) TO (1000);",
  "CREATE TABLE $q{p2} PARTITION OF $q{p} FOR VALUES FROM (1000) TO (2000);",
  "CREATE TABLE $q{pd} PARTITION OF $q{p} DEFAULT;",
  "CREATE INDEX " . qi($n{idx}) . " ON $q{p} ($col) WHERE $col <> " . dq("C:\\temp") . ";",
  "INSERT INTO $q{p} SELECT g, CASE WHEN g % 3 = 0 THEN " . dq("C:\\temp")
	. " ELSE " . dq($vals[2]) . " END FROM generate_series(0, 2099) g;",
  # list parent with hostile values
  "CREATE TABLE $q{l} (k text, n int) PARTITION BY LIST (k);",
  "CREATE TABLE $q{l1} PARTITION OF $q{l} FOR VALUES IN (" . dq($vals[0]) . ", " . dq($vals[1]) . ");",
  "CREATE TABLE $q{l2} PARTITION OF $q{l} FOR VALUES IN (" . dq($vals[2]) . ", " . dq($vals[3]) . ");",
  "CREATE TABLE $q{ld} PARTITION OF $q{l} DEFAULT;",
  "INSERT INTO $q{l} SELECT (ARRAY[" . join(', ', map { dq($_) } @vals, 'other')
	. "])[1 + g % 5], g FROM generate_series(1, 500) g;",
  "CREATE INDEX ON $q{l} (n) WHERE k <> " . dq($vals[0]) . ";",
  # range parent without DEFAULT (premake), time parent (retention)
  "CREATE TABLE $q{r} (id int NOT NULL) PARTITION BY RANGE (id);",
  "CREATE TABLE " . qi($S) . '.' . qi("re 0$evil") . " PARTITION OF $q{r} FOR VALUES FROM (0) TO (100);",
  "CREATE TABLE " . qi($S) . '.' . qi("re 1$evil") . " PARTITION OF $q{r} FOR VALUES FROM (100) TO (200);",
  "INSERT INTO $q{r} SELECT g FROM generate_series(0, 199) g;",
  "CREATE TABLE $q{t} (d date NOT NULL) PARTITION BY RANGE (d);",
  "CREATE TABLE " . qi($S) . '.' . qi("tm_2020_01$evil") . " PARTITION OF $q{t} FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');",
  "CREATE TABLE " . qi($S) . '.' . qi("tm_2020_02$evil") . " PARTITION OF $q{t} FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');",
  "CREATE TABLE " . qi($S) . '.' . qi("tm_2020_03$evil") . " PARTITION OF $q{t} FOR VALUES FROM ('2020-03-01') TO ('2020-04-01');",
  "INSERT INTO $q{t} SELECT '2020-01-01'::date + g FROM generate_series(0, 90) g;",
  # a key expression with a backslash in a literal: deparsed into the
  # guard's CHECK, outside any dollar quote
  "CREATE TABLE $q{g} (k text) PARTITION BY RANGE ((length(replace(k, " . dq("C:\\") . ", ''))));",
  "CREATE TABLE " . qi($S) . '.' . qi("gu a$evil") . " PARTITION OF $q{g} FOR VALUES FROM (1) TO (10);",
  "CREATE TABLE " . qi($S) . '.' . qi("gu def$evil") . " PARTITION OF $q{g} DEFAULT;",
  "INSERT INTO $q{g} VALUES (" . dq("C:\\") . "), ('abc');",
  "ANALYZE $q{p}; ANALYZE $q{l}; ANALYZE $q{r}; ANALYZE $q{t}; ANALYZE $q{g};",
  # every row of t rewritten after its ANALYZE (same values): statistics
  # really stale, so that the advice on t has DDL (analyze); the insert
  # counts of a load analyzed before they are flushed no longer make one
  "UPDATE $q{t} SET d = d;",
  "TRUNCATE public.canary;";

$node->safe_psql('postgres', 'CREATE TABLE public.canary (x int)');

sub rel { my ($name) = @_; return "(SELECT c.oid FROM pg_class c WHERE c.relname = " . dq($name)
	  . " AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = " . dq($S) . "))::regclass"; }

# Rows (count, hash) of every table, the parents' contents included; and
# the distinct predicates of the partitions' partial indexes and CHECK
# constraints (a literal read with another standard_conforming_strings
# changes them: 'C:\temp' becomes 'C:<TAB>emp').
my $fingerprint = "SELECT string_agg(t || ':' || n || ':' || h, ',' ORDER BY t) FROM (VALUES "
  . join(', ', map { "('$_', (SELECT count(*) FROM $q{$_}), (SELECT sum(hashtext(x::text)) FROM $q{$_} x))" } qw(p l r t g))
  . ") v(t, n, h)";
my $definitions = "SELECT (SELECT string_agg(DISTINCT pg_get_expr(i.indpred, i.indrelid), ' | ')
	FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
	WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = " . dq($S) . ") AND c.relkind = 'r' AND c.relispartition)
  || ' / ' || (SELECT string_agg(DISTINCT pg_get_constraintdef(k.oid), ' | ')
	FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
	WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = " . dq($S) . ")
	AND c.relkind = 'r' AND c.relispartition AND k.contype = 'c' AND k.conname NOT LIKE 'partstrat%')";
my $after_retention = undef;

my %gen = (
	split   => "partstrat_ddl_split(" . rel($n{p1}) . ", 2)",
	merge   => "partstrat_ddl_merge(ARRAY[" . rel($n{l1}) . ", " . rel($n{l2}) . "])",
	rescue  => "partstrat_ddl_rescue_default(" . rel($n{p}) . ")",
	guard   => "partstrat_ddl_guard_default(" . rel($n{l}) . ")",
	guard_range => "partstrat_ddl_guard_default(" . rel($n{g}) . ")",
	premake => "partstrat_ddl_premake(" . rel($n{r}) . ", 2)",
	retention => "partstrat_ddl_retention(" . rel($n{t}) . ", keep_count => 2)",
	retention_concurrently => "partstrat_ddl_retention(" . rel($n{t}) . ", keep_count => 2, concurrently => true)",
	advise_list_rescue => "(SELECT string_agg(ddl, E'\\n') FROM partstrat_advise(" . rel($n{l}) . ") WHERE ddl IS NOT NULL)",
	advise_range => "(SELECT string_agg(ddl, E'\\n') FROM partstrat_advise(" . rel($n{p}) . ") WHERE ddl IS NOT NULL)",
	advise_time => "(SELECT string_agg(ddl, E'\\n') FROM partstrat_advise(" . rel($n{t}) . ") WHERE ddl IS NOT NULL)",
);

foreach my $g (sort keys %gen)
{
	foreach my $way ('file', 'gexec')
	{
		next if $g eq 'retention_concurrently' && $way eq 'gexec';
		foreach my $scs ('on', 'off')
		{
			my $what = "$g, " . ($way eq 'file' ? 'psql -f' : '\gexec') . ", standard_conforming_strings $scs";
			$node->safe_psql('postgres', $setup);
			my $before = $node->safe_psql('postgres', $fingerprint);
			my $defs_before = $node->safe_psql('postgres', $definitions);
			# generated in a session with the same setting
			my $script = $node->safe_psql('postgres',
				"SET standard_conforming_strings = $scs; SELECT $gen{$g}");
			my ($rc, $out, $err);
			if ($way eq 'file')
			{
				my $file = $node->basedir . "/script_$g.sql";
				open(my $fh, '>', $file) or die;
				print $fh $script;
				close $fh;
				local $ENV{PGOPTIONS} = "-c standard_conforming_strings=$scs";
				($rc, $out, $err) = $node->psql('postgres', undef,
					extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file ]);
			}
			else
			{
				$node->safe_psql('postgres', "DROP TABLE IF EXISTS public.script; CREATE TABLE public.script (body text)");
				$node->safe_psql('postgres', "INSERT INTO public.script VALUES (" . dq($script) . ")")
				  if $script !~ /\$q\$/;
				($rc, $out, $err) = $node->psql('postgres',
					"SET standard_conforming_strings = $scs;\nSELECT body FROM public.script \\gexec",
					on_error_stop => 1);
			}
			is($rc, 0, "$what: runs") or diag($err);
			is($node->safe_psql('postgres', 'SELECT count(*) FROM public.canary'),
				'0', "$what: canary empty");
			my $after = $node->safe_psql('postgres', $fingerprint);
			is($node->safe_psql('postgres', $definitions), $defs_before,
				"$what: index predicates and CHECK constraints unchanged");
			if ($g =~ /^retention/)
			{
				# the retention detaches the oldest month: only t changes, the same way every time
				my ($b0) = grep { !/^t:/ } split /,/, $before;
				my ($a0) = grep { !/^t:/ } split /,/, $after;
				is($a0, $b0, "$what: other tables unchanged");
				$after_retention //= $after;
				is($after, $after_retention, "$what: the same rows left each way");
				like($after, qr/(^|,)t:60:/, "$what: January detached");
			}
			else
			{
				is($after, $before, "$what: every row kept");
			}
			like($script, qr/^-- partstrat: /, "$what: a script") if $g !~ /^advise/;
			isnt($script, '', "$what: some DDL") if $g =~ /^advise/;
		}
	}
}

ok(!-e $pwned, 'no psql meta-command from a name ran');
die "names longer than 63 bytes" if length("tm_2020_01$evil") > 63;

#
# (b) owner's code runs as the owner
#
$node->safe_psql('postgres', q{
	CREATE ROLE alice LOGIN;
	CREATE SCHEMA own AUTHORIZATION alice;
	CREATE TABLE public.seen (kind text, who text, note text);
	GRANT ALL ON public.seen TO PUBLIC;
});
# the owner's function: records who runs it, tries to escalate
my $spy = q{
	CREATE FUNCTION own.spy_v(kind text, id int) RETURNS int LANGUAGE plpgsql VOLATILE AS $f$
	BEGIN
		INSERT INTO public.seen VALUES (kind, current_user, 'ran');
		BEGIN
			EXECUTE 'RESET ROLE';
			INSERT INTO public.seen VALUES (kind, current_user, 'reset role worked');
		EXCEPTION WHEN others THEN NULL;
		END;
		BEGIN
			EXECUTE 'ALTER ROLE alice SUPERUSER';
			INSERT INTO public.seen VALUES (kind, current_user, 'superuser worked');
		EXCEPTION WHEN others THEN NULL;
		END;
		RETURN 1;
	END $f$;
	-- key and index expressions need an immutable function: it calls the other;
	-- it takes the row's value (PostgreSQL's relcache constant-folds key and
	-- index expressions: a call with constant arguments would run as whoever
	-- first reads the table, partstrat or not)
	CREATE FUNCTION own.spy(kind text, id int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
	BEGIN PERFORM own.spy_v(kind, id); RETURN 1; END $f$;
	CREATE FUNCTION own.trg() RETURNS trigger LANGUAGE plpgsql AS $f$
	BEGIN PERFORM own.spy_v('trigger', OLD.id); RETURN OLD; END $f$;
};
my %kinds = (
	check => "CREATE TABLE own.e (id int, CHECK (own.spy('check', id) = 1)) PARTITION BY RANGE (id)",
	generated => "CREATE TABLE own.e (id int, g int GENERATED ALWAYS AS (own.spy('generated', id) + id) STORED) PARTITION BY RANGE (id)",
	key => "CREATE TABLE own.e (id int) PARTITION BY RANGE ((id * own.spy('key', id)))",
	index => "CREATE TABLE own.e (id int) PARTITION BY RANGE (id); CREATE INDEX ON own.e ((id + own.spy('index', id)))",
	trigger => "CREATE TABLE own.e (id int) PARTITION BY RANGE (id)",
);
foreach my $k (sort keys %kinds)
{
	$node->safe_psql('postgres', "DROP SCHEMA own CASCADE; CREATE SCHEMA own AUTHORIZATION alice; TRUNCATE public.seen");
	# as alice herself: with SET ROLE from a superuser session, her code
	# could RESET ROLE during the setup already
	$node->safe_psql('postgres', "$spy; $kinds{$k};
		CREATE TABLE own.e_0 PARTITION OF own.e FOR VALUES FROM (0) TO (100);
		CREATE TABLE own.e_d PARTITION OF own.e DEFAULT;
		INSERT INTO own.e (id) SELECT g FROM generate_series(0, 149) g;
		CREATE TRIGGER t BEFORE DELETE ON own.e_d FOR EACH ROW EXECUTE FUNCTION own.trg();
		ANALYZE own.e;", extra_params => [ '-U', 'alice' ]);
	$node->safe_psql('postgres', "TRUNCATE public.seen");
	# as the superuser: split, rescue of the DEFAULT (DELETE fires the trigger)
	foreach my $g ("partstrat_ddl_split('own.e_0', boundaries => ARRAY['50'])", "partstrat_ddl_rescue_default('own.e')")
	{
		my $script = $node->safe_psql('postgres', "SELECT $g");
		my $file = $node->basedir . "/own.sql";
		open(my $fh, '>', $file) or die;
		print $fh $script;
		close $fh;
		my ($rc, $out, $err) = $node->psql('postgres', undef,
			extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file ]);
		is($rc, 0, "$k: $g runs as a superuser") or diag($err);
	}
	my $seen = $node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT who || ':' || note, ',') FROM public.seen WHERE kind = '$k'");
	is($seen, 'alice:ran', "$k: the owner's code ran as the owner only, and could not escalate");
	is($node->safe_psql('postgres', "SELECT rolsuper FROM pg_roles WHERE rolname = 'alice'"),
		'f', "$k: alice is no superuser");
}

# a caller without the owner's privileges is refused
$node->safe_psql('postgres', 'CREATE ROLE bob LOGIN; GRANT USAGE ON SCHEMA own TO bob');
$node->safe_psql('postgres', "CREATE TABLE own.f (id int) PARTITION BY RANGE (id);
	CREATE TABLE own.f_0 PARTITION OF own.f FOR VALUES FROM (0) TO (100);
	INSERT INTO own.f SELECT g FROM generate_series(0, 99) g;", extra_params => [ '-U', 'alice' ]);
my ($rc, $out, $err) = $node->psql('postgres',
	"SELECT partstrat_exec_as_owner('own.f', 'DELETE FROM own.f')", extra_params => [ '-U', 'bob' ]);
like($err, qr/must be able to act as role "alice"/, 'exec as owner: refused without the owner\'s privileges');
is($node->safe_psql('postgres', 'SELECT count(*) FROM own.f'), '100', 'exec as owner: nothing ran');
# a partition owned by another role: refused before anything runs
$node->safe_psql('postgres', 'CREATE TABLE own.f_x PARTITION OF own.f FOR VALUES FROM (1000) TO (2000)');
($rc, $out, $err) = $node->psql('postgres', "SELECT partstrat_ddl_split('own.f_0', boundaries => ARRAY['50'])");
like($err, qr/"f_x" is owned by role "postgres", not by "alice"/, 'a partition of another owner: refused');
like($err, qr/HINT:  Give it the same owner/, 'with a hint');
($rc, $out, $err) = $node->psql('postgres', "SELECT partstrat_exec_as_owner('own.f', 'DELETE FROM own.f')");
like($err, qr/"f_x" is owned by role "postgres", not by "alice"/, 'exec as owner: the same check when run');
is($node->safe_psql('postgres', 'SELECT count(*) FROM own.f'), '100', 'exec as owner: nothing ran');

#
# (c) names: PostgreSQL truncated the index name of a long partition name
#
$node->safe_psql('postgres', q{
	CREATE TABLE customer_events (id int NOT NULL, customer_reference_number_long_column int)
		PARTITION BY RANGE (id);
	CREATE TABLE customer_events_d_archive_20260101 PARTITION OF customer_events FOR VALUES FROM (0) TO (1000);
	CREATE TABLE customer_events_d_archive_20260201 PARTITION OF customer_events FOR VALUES FROM (1000) TO (2000);
	CREATE INDEX ON customer_events (customer_reference_number_long_column, id);
	INSERT INTO customer_events SELECT g, g FROM generate_series(0, 1999) g;
	ANALYZE customer_events;
});
foreach my $g ("partstrat_ddl_split('customer_events_d_archive_20260101', 2)",
	"partstrat_ddl_merge(ARRAY['customer_events_d_archive_20260101', 'customer_events_d_archive_20260201']::regclass[])",
	"partstrat_ddl_premake('customer_events', 3)",
	"(SELECT count(*) FROM partstrat_advise('customer_events', 1))")
{
	my ($rc, $out, $err) = $node->psql('postgres', "SELECT $g");
	is($rc, 0, "long names: $g") or diag($err);
	unlike($err, qr/too long|XX000/, "long names: $g: no internal error");
}
# the split script runs and its names fit
my $script = $node->safe_psql('postgres', "SELECT partstrat_ddl_split('customer_events_d_archive_20260101', 2)");
($rc, $out, $err) = $node->psql('postgres', $script, on_error_stop => 1);
is($rc, 0, 'long names: the split runs') or diag($err);
is($node->safe_psql('postgres', 'SELECT count(*) FROM customer_events'), '2000', 'long names: every row kept');

$node->stop;
done_testing();
