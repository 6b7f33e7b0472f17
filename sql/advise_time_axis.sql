-- The advice and premake share one time axis: a timestamptz table whose
-- monthly bounds are midnights in Paris is monthly for the advice too (on a
-- UTC axis its partitions measured 28 to 31 days of 24 hours, give or take
-- an hour), and the premake it advises continues it in Paris time.
SET DateStyle = ISO;
SET TimeZone = 'Europe/Paris';
CREATE TABLE ta (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT format('CREATE TABLE %I PARTITION OF ta FOR VALUES FROM (%L) TO (%L)',
              'ta_' || to_char(m, 'YYYY_MM'), m, m + interval '1 month')
FROM generate_series('2026-01-01 00:00 Europe/Paris'::timestamptz,
                     '2026-05-01 00:00 Europe/Paris', '1 month') m \gexec
INSERT INTO ta SELECT '2026-01-01 00:00 Europe/Paris'::timestamptz + g * interval '1 hour', g
FROM generate_series(0, 3000) g;
ANALYZE ta;
RESET TimeZone;
SET partstrat.reference_time = '2026-05-10 00:00:00+00';
SELECT action, evidence->>'interval' AS step, reason
FROM partstrat_advise('ta') WHERE action = 'premake';
-- the script the advice carries makes monthly partitions at Paris midnights
SET TimeZone = 'Europe/Paris';
SELECT DISTINCT m[1]::timestamptz AS from_, m[2]::timestamptz AS to_
FROM partstrat_advise('ta') a,
     regexp_matches(a.ddl, 'FOR VALUES FROM \(''([^'']*)''\) TO \(''([^'']*)''\)', 'g') m
WHERE a.action = 'premake'
ORDER BY 1;
RESET TimeZone;
RESET partstrat.reference_time;
RESET DateStyle;
DROP TABLE ta;
