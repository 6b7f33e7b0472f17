--
-- install: the extension installs as a superuser and, being trusted, for a
-- database owner who is not a superuser; DROP EXTENSION leaves nothing behind.
--
CREATE ROLE ps_dbowner LOGIN;
ALTER DATABASE contrib_regression OWNER TO ps_dbowner;
SET ROLE ps_dbowner;
CREATE EXTENSION partstrat;
SELECT extname, extversion, extowner::regrole FROM pg_extension WHERE extname = 'partstrat';
-- the database owner can use it
CREATE TABLE owner_t (k int) PARTITION BY RANGE (k);
CREATE TABLE owner_t_1 PARTITION OF owner_t FOR VALUES FROM (0) TO (10);
SELECT partition, level, range_from, range_to FROM partstrat_partitions('owner_t');
DROP TABLE owner_t;
DROP EXTENSION partstrat;
RESET ROLE;
-- nothing of the extension is left
SELECT count(*) AS leftover_functions FROM pg_proc WHERE proname LIKE 'partstrat%';
SELECT count(*) AS leftover_types FROM pg_type WHERE typname LIKE 'partstrat%';
-- every function the extension creates has the partstrat_ prefix
CREATE EXTENSION partstrat;
SELECT count(*) FILTER (WHERE p.proname NOT LIKE 'partstrat\_%') AS unprefixed,
       count(*) > 0 AS has_functions
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'partstrat');
ALTER DATABASE contrib_regression OWNER TO CURRENT_USER;
DROP ROLE ps_dbowner;
