/*-------------------------------------------------------------------------
 *
 * asowner.h
 *	  Running statements as a table's owner: the one way partstrat's
 *	  scripts and its maintenance worker run the table owner's code.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/util/asowner.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_ASOWNER_H
#define PARTSTRAT_ASOWNER_H

#include "postgres.h"

/*
 * ps_exec_as_owner -- run sql (one or more statements) as the owner of
 * relation relid, never with the caller's rights.
 *
 * Moving rows or building indexes runs the table owner's code: CHECK
 * constraints, generated columns, defaults, triggers, partition key and
 * index expressions.  Run by a superuser (or a maintenance worker), that
 * code must not get the caller's rights; SET ROLE would not do (the code
 * could RESET ROLE).  The contract:
 *
 * - The current user must have the privileges of the owner
 *   (has_privs_of_role: the owner, a member of its role, a superuser):
 *   else ERROR 42501.  Nobody gains a right through this function.
 * - relid, its partition ancestors and every partition below it must have
 *   that owner: else ERROR 42501 naming the relation and its owner (that
 *   role's code would run with another role's rights).
 * - Each statement is checked before it runs: an existing relation it
 *   writes, alters, indexes or reads must be owned by the owner;
 *   CREATE TABLE / CREATE INDEX need the owner's CREATE privilege on the
 *   schema and the tablespace.  A failed check is ERROR 42501 with the
 *   reason and a hint, before the statement runs.  Statement kinds other
 *   than INSERT, UPDATE, DELETE, SELECT, ALTER TABLE, CREATE TABLE,
 *   CREATE INDEX, GRANT/REVOKE on tables, DROP TABLE and ANALYZE are
 *   refused (0A000).  Each statement is parsed again right before it runs
 *   and checked as it then reads (a statement before it may have turned
 *   standard_conforming_strings off): one statement of the same kind, else
 *   ERROR 42501.  Every table a statement names must be in a schema the
 *   owner may use (42501 with a hint).  The statements inside a DO body
 *   are not checked, by decision: partstrat writes only its batch loops
 *   there, and a DO gives its caller nothing beyond the owner's rights,
 *   which the caller must already have (above): it runs as the owner, in
 *   the security-restricted operation, like every statement here.
 * - The statements run through SPI, in the caller's transaction, as the
 *   owner in a security-restricted operation (no SET ROLE / RESET ROLE, no
 *   temporary tables), inside a GUC nest level with search_path =
 *   "pg_catalog, pg_temp" and row_security = off (a policy that would
 *   filter the owner's rows raises an error, never hides rows): so name
 *   everything outside pg_catalog with its schema.  Settings the
 *   statements make are undone on return.
 * - No transaction control and nothing that must run at top level
 *   (DETACH ... CONCURRENTLY): run those yourself.
 * - The caller needs an active snapshot (an SQL function has one; a
 *   background worker pushes one) and a transaction.  On ERROR the
 *   (sub)transaction abort restores the user and the settings.
 *
 * Returns the first column of the first row of the last statement when it
 * is a SELECT returning rows (a count the script checks), else NULL; in
 * the caller's memory context.  Errors carry a CONTEXT line: the
 * statement's number and the role it ran as.
 */
extern char *ps_exec_as_owner(Oid relid, const char *sql);

/*
 * ERROR 42501 (with the reason and a hint) unless relid, its partition
 * ancestors and every partition below it have one owner: what
 * ps_exec_as_owner() checks first, for generators that refuse early.
 */
extern void ps_check_same_owner(Oid relid);

/* The owner of relation relid (ERROR if it does not exist). */
extern Oid	ps_rel_owner(Oid relid);

/*
 * The owner rule's two questions, for partstrat_exec_as_owner() and the
 * maintenance executor alike: the other role owning relation r (InvalidOid
 * when owner owns it or it does not exist), and whether owner may create
 * tables in schema nsp.
 */
extern Oid	ps_other_owner(Oid r, Oid owner);
extern bool ps_owner_may_create_in(Oid nsp, Oid owner);

#endif							/* PARTSTRAT_ASOWNER_H */
