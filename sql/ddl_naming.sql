--
-- ddl_naming: the partitions partstrat creates on a set pg_partman does not
-- manage (premake, the DEFAULT rescue, the epoch premake) are named by the
-- set's own convention, read off its newest partitions: events_2026_03_11,
-- events_20260311, events_y2026m03, events_202603, events_2026w11,
-- events_p2026q1, events_p2026_03_11; an epoch set (an integer key holding
-- seconds or milliseconds since 1970) by date, exactly like its other
-- partitions when they are named by date, never by raw seconds; an integer
-- key by its lower bound.  The advice's rescue and premake scripts are
-- executed; the new partitions' names are checked exactly, and every row
-- is where it was (counts and hashes before and after).
--
SET client_min_messages = warning;
CREATE SCHEMA ps_naming;
SET search_path = ps_naming, public;
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET partstrat.reference_time = '2026-03-10 12:00:00+00';

-- the partitions of each parent when the test starts, and their rows
CREATE TABLE known (parent regclass, child oid);
CREATE TABLE rows_before (parent regclass, n bigint, h bigint);
CREATE FUNCTION remember(p regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    h bigint;
BEGIN
    INSERT INTO known SELECT p, inhrelid FROM pg_inherits WHERE inhparent = p;
    EXECUTE format('SELECT count(*), sum(hashtext(t::text)) FROM %s t', p) INTO n, h;
    INSERT INTO rows_before VALUES (p, n, h);
END
$$;
-- the new partitions: name, bound, rows
CREATE FUNCTION new_children(p regclass)
RETURNS TABLE (name name, bound text, nrows bigint) LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.oid, c.relname, pg_get_expr(c.relpartbound, c.oid) AS b
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = p AND c.oid NOT IN (SELECT child FROM known)
             ORDER BY 3, 2
    LOOP
        name := r.relname;
        bound := r.b;
        EXECUTE format('SELECT count(*) FROM %s', r.oid::regclass) INTO nrows;
        RETURN NEXT;
    END LOOP;
END
$$;
-- every row still there, none twice
CREATE FUNCTION rows_kept(p regclass) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    h bigint;
BEGIN
    EXECUTE format('SELECT count(*), sum(hashtext(t::text)) FROM %s t', p) INTO n, h;
    RETURN (n, h) IS NOT DISTINCT FROM (SELECT (b.n, b.h) FROM rows_before b WHERE b.parent = p);
END
$$;
-- the naming line of a script
CREATE FUNCTION naming(script text) RETURNS text LANGUAGE sql AS $$
  SELECT (regexp_match(script, 'names like ([^\n]*?\))[.;]'))[1]
$$;

------------------------------------------------------------------------
-- daily, timestamptz, events_YYYY_MM_DD; the DEFAULT holds rows of the
-- next two days: the advice's rescue, then its premake
------------------------------------------------------------------------
CREATE TABLE events (id int, ts timestamptz) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
              'events_' || to_char(d, 'YYYY_MM_DD'), d, d + interval '1 day')
FROM generate_series('2026-03-01 00:00+00'::timestamptz, '2026-03-10', '1 day') d \gexec
CREATE TABLE events_default PARTITION OF events DEFAULT;
INSERT INTO events SELECT g, '2026-03-01 00:00+00'::timestamptz + g * interval '1 hour'
FROM generate_series(0, 287) g;           -- 2026-03-01 .. 2026-03-12 23:00
SELECT remember('events');
ANALYZE events;
SELECT naming(ddl) FROM partstrat_advise('events') WHERE action = 'rescue_default';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('events') WHERE action = 'rescue_default' AND ddl IS NOT NULL \gexec
ANALYZE events;
SELECT ddl FROM partstrat_advise('events') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('events');
SELECT rows_kept('events'), (SELECT count(*) FROM events_default) AS default_rows;

------------------------------------------------------------------------
-- monthly, date, events_yYYYYmMM (PostgreSQL's documentation's example)
------------------------------------------------------------------------
CREATE TABLE mon (d date, v int) PARTITION BY RANGE (d);
SELECT format('CREATE TABLE %I PARTITION OF mon FOR VALUES FROM (%L) TO (%L)',
              'mon_' || to_char(m, '"y"YYYY"m"MM'), m::date, (m + interval '1 month')::date)
FROM generate_series('2025-10-01'::timestamp, '2026-03-01', '1 month') m \gexec
INSERT INTO mon SELECT '2025-10-01'::date + g, g FROM generate_series(0, 160) g;
SELECT remember('mon');
ANALYZE mon;
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('mon') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('mon');
SELECT rows_kept('mon');

------------------------------------------------------------------------
-- monthly, timestamp, YYYYMM
------------------------------------------------------------------------
CREATE TABLE mtab (t timestamp, v int) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF mtab FOR VALUES FROM (%L) TO (%L)',
              'mtab_' || to_char(m, 'YYYYMM'), m, m + interval '1 month')
FROM generate_series('2025-10-01'::timestamp, '2026-03-01', '1 month') m \gexec
INSERT INTO mtab SELECT '2025-10-01'::timestamp + g * interval '1 day', g FROM generate_series(0, 160) g;
SELECT remember('mtab');
ANALYZE mtab;
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('mtab') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('mtab');
SELECT rows_kept('mtab');

------------------------------------------------------------------------
-- weekly, date, ISO weeks: events_2026w11 (pg_partman 4.x's IYYY"w"IW)
------------------------------------------------------------------------
CREATE TABLE wk (d date, v int) PARTITION BY RANGE (d);
SELECT format('CREATE TABLE %I PARTITION OF wk FOR VALUES FROM (%L) TO (%L)',
              'wk_' || to_char(w, 'IYYY"w"IW'), w::date, (w + interval '1 week')::date)
FROM generate_series('2025-12-29'::timestamp, '2026-03-09', '1 week') w \gexec
INSERT INTO wk SELECT '2025-12-29'::date + g, g FROM generate_series(0, 72) g;
SELECT remember('wk');
ANALYZE wk;
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('wk') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('wk');
SELECT rows_kept('wk');

------------------------------------------------------------------------
-- quarterly, pg_partman 4.x's _pYYYYqQ, and daily _pYYYY_MM_DD (sets it
-- does not manage: named as pg_partman names them)
------------------------------------------------------------------------
CREATE TABLE qt (d date, v int) PARTITION BY RANGE (d);
SELECT format('CREATE TABLE %I PARTITION OF qt FOR VALUES FROM (%L) TO (%L)',
              'qt_p' || to_char(q, 'YYYY"q"Q'), q::date, (q + interval '3 months')::date)
FROM generate_series('2025-01-01'::timestamp, '2026-01-01', '3 months') q \gexec
INSERT INTO qt SELECT '2025-01-01'::date + g, g FROM generate_series(0, 440, 4) g;
SELECT remember('qt');
ANALYZE qt;
CREATE TABLE pm4 (ts timestamptz, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF pm4 FOR VALUES FROM (%L) TO (%L)',
              'pm4_p' || to_char(d, 'YYYY_MM_DD'), d, d + interval '1 day')
FROM generate_series('2026-03-03 00:00+00'::timestamptz, '2026-03-10', '1 day') d \gexec
INSERT INTO pm4 SELECT '2026-03-03 00:00+00'::timestamptz + g * interval '90 minutes', g
FROM generate_series(0, 120) g;
SELECT remember('pm4');
ANALYZE pm4;
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('qt') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
SELECT ddl FROM partstrat_advise('pm4') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('qt');
SELECT * FROM new_children('pm4');
SELECT rows_kept('qt'), rows_kept('pm4');

------------------------------------------------------------------------
-- an epoch set in seconds, daily, named by date (es_YYYYMMDD); the
-- DEFAULT holds rows of the next day: rescue, then premake, by date
------------------------------------------------------------------------
CREATE TABLE es (id int, t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF es FOR VALUES FROM (%s) TO (%s)',
              'es_' || to_char(d, 'YYYYMMDD'), extract(epoch FROM d)::bigint,
              extract(epoch FROM d + interval '1 day')::bigint)
FROM generate_series('2026-03-01 00:00+00'::timestamptz, '2026-03-10', '1 day') d \gexec
CREATE TABLE es_default PARTITION OF es DEFAULT;
INSERT INTO es SELECT g, extract(epoch FROM '2026-03-01 00:00+00'::timestamptz)::bigint + g * 3600
FROM generate_series(0, 263) g;           -- .. 2026-03-11 23:00
SELECT remember('es');
ANALYZE es;
SELECT naming(ddl) FROM partstrat_advise('es') WHERE action = 'rescue_default';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('es') WHERE action = 'rescue_default' AND ddl IS NOT NULL \gexec
ANALYZE es;
SELECT ddl FROM partstrat_advise('es') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT name, bound, nrows, to_timestamp((regexp_match(bound, 'FROM \(''?(\d+)'))[1]::bigint) AS from_
FROM new_children('es');
SELECT rows_kept('es'), (SELECT count(*) FROM es_default) AS default_rows;

------------------------------------------------------------------------
-- an epoch set in seconds named by the number (as partstrat named them
-- before): new partitions by date, with the same prefix
------------------------------------------------------------------------
CREATE TABLE en (t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF en FOR VALUES FROM (%s) TO (%s)',
              'en_p' || extract(epoch FROM d)::bigint, extract(epoch FROM d)::bigint,
              extract(epoch FROM d + interval '1 day')::bigint)
FROM generate_series('2026-03-04 00:00+00'::timestamptz, '2026-03-10', '1 day') d \gexec
INSERT INTO en SELECT extract(epoch FROM '2026-03-04 00:00+00'::timestamptz)::bigint + g * 3600
FROM generate_series(0, 160) g;
SELECT remember('en');
ANALYZE en;
SELECT naming(ddl) FROM partstrat_advise('en') WHERE action = 'premake';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('en') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('en');
SELECT rows_kept('en');

------------------------------------------------------------------------
-- an epoch set in milliseconds, hourly, named em_YYYYMMDDHH24; its newest
-- hour split in two halves (em_2026031011a, em_2026031011b): the pattern
-- is read off the whole hours, the step given to premake
------------------------------------------------------------------------
CREATE TABLE em (t bigint NOT NULL) PARTITION BY RANGE (t);
SELECT format('CREATE TABLE %I PARTITION OF em FOR VALUES FROM (%s) TO (%s)',
              'em_' || to_char(h, 'YYYYMMDDHH24'), extract(epoch FROM h)::bigint * 1000,
              extract(epoch FROM h + interval '1 hour')::bigint * 1000)
FROM generate_series('2026-03-10 00:00+00'::timestamptz, '2026-03-10 10:00+00', '1 hour') h \gexec
CREATE TABLE em_2026031011a PARTITION OF em FOR VALUES FROM (1773140400000) TO (1773142200000);
CREATE TABLE em_2026031011b PARTITION OF em FOR VALUES FROM (1773142200000) TO (1773144000000);
INSERT INTO em SELECT extract(epoch FROM '2026-03-10 00:00+00'::timestamptz)::bigint * 1000 + g * 60000
FROM generate_series(0, 719) g;
SELECT remember('em');
ANALYZE em;
SELECT naming(ddl) FROM partstrat_advise('em') WHERE action = 'premake';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('em') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('em');
SELECT rows_kept('em');

------------------------------------------------------------------------
-- irregular newest partitions: a daily set (YYYYMMDD) whose newest day is
-- split in two and two older days merged; the pattern is the days'
------------------------------------------------------------------------
CREATE TABLE irr (ts timestamptz, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF irr FOR VALUES FROM (%L) TO (%L)',
              'irr_' || to_char(d, 'YYYYMMDD'), d, d + interval '1 day')
FROM generate_series('2026-03-03 00:00+00'::timestamptz, '2026-03-09', '1 day') d \gexec
CREATE TABLE irr_20260301_merged PARTITION OF irr
  FOR VALUES FROM ('2026-03-01 00:00+00') TO ('2026-03-03 00:00+00');
CREATE TABLE irr_20260310_1 PARTITION OF irr
  FOR VALUES FROM ('2026-03-10 00:00+00') TO ('2026-03-10 12:00+00');
CREATE TABLE irr_20260310_2 PARTITION OF irr
  FOR VALUES FROM ('2026-03-10 12:00+00') TO ('2026-03-11 00:00+00');
INSERT INTO irr SELECT '2026-03-01 00:00+00'::timestamptz + g * interval '1 hour', g
FROM generate_series(0, 239) g;
SELECT remember('irr');
ANALYZE irr;
SELECT naming(ddl) FROM partstrat_advise('irr') WHERE action = 'premake';
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('irr') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('irr');
SELECT rows_kept('irr');

-- a daily set whose newest day is split in four: more pieces than days
-- among the newest, the days' pattern still (the pieces follow none)
CREATE TABLE sp (ts timestamptz) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF sp FOR VALUES FROM (%L) TO (%L)',
              'sp_' || to_char(d, 'YYYYMMDD'), d, d + interval '1 day')
FROM generate_series('2026-03-07 00:00+00'::timestamptz, '2026-03-09', '1 day') d \gexec
SELECT format('CREATE TABLE %I PARTITION OF sp FOR VALUES FROM (%L) TO (%L)',
              'sp_20260310_' || k, '2026-03-10 00:00+00'::timestamptz + (k - 1) * interval '6 hours',
              '2026-03-10 00:00+00'::timestamptz + k * interval '6 hours')
FROM generate_series(1, 4) k \gexec
SELECT remember('sp');
SELECT naming(partstrat_ddl_premake('sp', 2, step => '1 day'));
\set ECHO none
\o /dev/null
SELECT partstrat_ddl_premake('sp', 2, step => '1 day') \gexec
\o
\set ECHO all
SELECT * FROM new_children('sp');

------------------------------------------------------------------------
-- a multibyte, quoted prefix holding '%' and a quote; a DEFAULT rescue
------------------------------------------------------------------------
CREATE TABLE "Ünï%d ""cöde""; --" (ts date, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              'Ünï%d "cöde"; --_' || to_char(d, 'YYYY-MM-DD'), 'Ünï%d "cöde"; --',
              d::date, (d + interval '1 day')::date)
FROM generate_series('2026-03-06'::timestamp, '2026-03-10', '1 day') d \gexec
CREATE TABLE "Ünï%d ""cöde""; --_default" PARTITION OF "Ünï%d ""cöde""; --" DEFAULT;
INSERT INTO "Ünï%d ""cöde""; --" SELECT '2026-03-06'::date + g / 4, g FROM generate_series(0, 27) g;
SELECT remember('"Ünï%d ""cöde""; --"');
ANALYZE "Ünï%d ""cöde""; --";
\set ECHO none
\o /dev/null
SELECT ddl FROM partstrat_advise('"Ünï%d ""cöde""; --"') WHERE action = 'rescue_default' AND ddl IS NOT NULL \gexec
ANALYZE "Ünï%d ""cöde""; --";
SELECT ddl FROM partstrat_advise('"Ünï%d ""cöde""; --"') WHERE action = 'premake' AND ddl IS NOT NULL \gexec
\o
\set ECHO all
SELECT * FROM new_children('"Ünï%d ""cöde""; --"');
SELECT rows_kept('"Ünï%d ""cöde""; --"');

------------------------------------------------------------------------
-- names that follow no pattern: partstrat's own, <parent>_p<date>; a
-- parent name too long for it keeps the date and loses the end of the
-- prefix, cut between characters
------------------------------------------------------------------------
CREATE TABLE misc (d date) PARTITION BY RANGE (d);
CREATE TABLE misc_first PARTITION OF misc FOR VALUES FROM ('2026-03-08') TO ('2026-03-09');
CREATE TABLE misc_second PARTITION OF misc FOR VALUES FROM ('2026-03-09') TO ('2026-03-10');
CREATE TABLE misc_third PARTITION OF misc FOR VALUES FROM ('2026-03-10') TO ('2026-03-11');
SELECT remember('misc');
CREATE TABLE "ääääääääääääääääääääääääääääää" (d date) PARTITION BY RANGE (d);
CREATE TABLE "ääääääääääääääääääääääääääääää_a" PARTITION OF "ääääääääääääääääääääääääääääää"
  FOR VALUES FROM ('2026-03-09') TO ('2026-03-10');
CREATE TABLE "ääääääääääääääääääääääääääääää_b" PARTITION OF "ääääääääääääääääääääääääääääää"
  FOR VALUES FROM ('2026-03-10') TO ('2026-03-11');
SELECT remember('"ääääääääääääääääääääääääääääää"');
-- an epoch set (milliseconds, hourly) named by no pattern: by date too
CREATE TABLE ey (t bigint NOT NULL) PARTITION BY RANGE (t);
CREATE TABLE ey_first PARTITION OF ey FOR VALUES FROM (1773133200000) TO (1773136800000);
CREATE TABLE ey_second PARTITION OF ey FOR VALUES FROM (1773136800000) TO (1773140400000);
SELECT remember('ey');
SELECT naming(partstrat_ddl_premake('misc', 2));
SELECT naming(partstrat_ddl_premake('ey', 2));
\set ECHO none
\o /dev/null
SELECT partstrat_ddl_premake('misc', 2) \gexec
SELECT partstrat_ddl_premake('"ääääääääääääääääääääääääääääää"', 2) \gexec
SELECT partstrat_ddl_premake('ey', 2) \gexec
\o
\set ECHO all
SELECT * FROM new_children('misc');
SELECT name, octet_length(name) AS bytes, bound FROM new_children('"ääääääääääääääääääääääääääääää"');
SELECT * FROM new_children('ey');

------------------------------------------------------------------------
-- an integer key that is not time: the lower bound, with the prefix
------------------------------------------------------------------------
CREATE TABLE ids (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT format('CREATE TABLE %I PARTITION OF ids FOR VALUES FROM (%s) TO (%s)',
              'ids_p' || i, i, i + 100000)
FROM generate_series(0, 500000, 100000) i \gexec
INSERT INTO ids SELECT g FROM generate_series(1, 599999, 7) g;
SELECT remember('ids');
SELECT naming(partstrat_ddl_premake('ids', 2));
\set ECHO none
\o /dev/null
SELECT partstrat_ddl_premake('ids', 2) \gexec
\o
\set ECHO all
SELECT * FROM new_children('ids');
SELECT rows_kept('ids');

-- a second pass: nothing more to create or rescue on the advised sets
SELECT t AS parent, count(*) AS actions
FROM unnest(ARRAY['events', 'mon', 'mtab', 'wk', 'qt', 'pm4', 'es', 'en', 'em', 'irr',
                  '"Ünï%d ""cöde""; --"']) t,
     LATERAL partstrat_advise(t::regclass) a
WHERE a.action IN ('premake', 'rescue_default') AND a.ddl IS NOT NULL
GROUP BY 1 ORDER BY 1;

RESET partstrat.reference_time;
RESET TimeZone;
RESET DateStyle;
RESET search_path;
DROP SCHEMA ps_naming CASCADE;
