--
-- versions_pruning: what pruning partstrat reports is what the server it runs
-- on does, whatever the version.  PostgreSQL 17 prunes a boolean key's
-- IS UNKNOWN / IS NOT UNKNOWN, 15 does not; the output of this test is the
-- same on both (each row compares partstrat with the server's own EXPLAIN,
-- and with what that version is known to do).
--
SET client_min_messages = warning;
CREATE TABLE vp (flag boolean, v int) PARTITION BY LIST (flag);
CREATE TABLE vp_t PARTITION OF vp FOR VALUES IN (true);
CREATE TABLE vp_f PARTITION OF vp FOR VALUES IN (false);
CREATE TABLE vp_n PARTITION OF vp FOR VALUES IN (NULL);
INSERT INTO vp SELECT (ARRAY[true, false, NULL])[1 + g % 3], g FROM generate_series(1, 300) g;
ANALYZE vp;
-- leaves the server's own EXPLAIN scans
CREATE FUNCTION explain_scans(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  l text;
  n int := 0;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF l ~ ' Scan on ' THEN n := n + 1; END IF;
  END LOOP;
  RETURN n;
END $$;
SELECT p.q AS predicate,
       e.leaves_in_plan = explain_scans('SELECT * FROM vp WHERE ' || p.q) AS same_as_explain,
       e.leaves_in_plan = CASE WHEN current_setting('server_version_num')::int >= 170000
                               THEN p.kept_17 ELSE p.kept_15 END AS as_this_version_does
FROM (VALUES ('flag', 1, 1),
             ('flag IS TRUE', 1, 1),
             ('flag IS NOT TRUE', 2, 2),
             ('flag IS UNKNOWN', 3, 1),
             ('flag IS NOT UNKNOWN', 3, 2),
             ('flag IS NULL', 1, 1)) AS p(q, kept_15, kept_17)
CROSS JOIN LATERAL partstrat_explain_pruning('SELECT * FROM vp WHERE ' || p.q) e
ORDER BY 1;
DROP TABLE vp;
DROP FUNCTION explain_scans(text);
