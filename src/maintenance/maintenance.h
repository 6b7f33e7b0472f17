/*-------------------------------------------------------------------------
 *
 * maintenance.h
 *	  Scheduled maintenance: policies, the runner shared by the procedure
 *	  and the background worker, the script executor, the history.
 *
 * The data flow of one run:
 *
 *	 runner.c	reads the enabled policies, and for each parent and each
 *				action asks actions.c for the generator's script, decides
 *				(advise, window, deferred, retry delay), writes a history
 *				row (history.c), runs the script (executor.c) and records
 *				the outcome;
 *	 executor.c	splits a script into its transactions and runs them as
 *				the parent's owner -- through SPI with a commit between
 *				transactions (procedure and worker), or a statement of its
 *				own at top level (worker: DETACH ... CONCURRENTLY);
 *	 launcher.c / worker.c  the background processes that call the runner.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/maintenance.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_MAINTENANCE_H
#define PARTSTRAT_MAINTENANCE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "nodes/pg_list.h"
#include "utils/timestamp.h"

/* ---- GUCs (partstrat.c defines them) -------------------------------- */
extern char *ps_mx_databases;
extern int	ps_mx_naptime_s;
extern char *ps_mx_role;
extern int	ps_mx_max_actions;
extern int	ps_mx_history_keep_s;
extern int	ps_mx_statement_timeout_ms;

/* Define the GUCs and, when preloaded, register the launcher. */
extern void ps_mx_init(void);

/* ---- policy.c: a policy row and its checks --------------------------- */

typedef struct PsPolicy
{
	Oid			parent;
	Interval   *retention;		/* NULL: no retention */
	char	   *retention_action;	/* detach, drop, archive */
	char	   *archive_schema;
	bool		concurrently;
	int			premake;		/* 0: none */
	bool		rescue_default;
	bool		split_oversized;
	bool		merge_undersized;
	int64		target_bytes;	/* 0: partstrat.target_bytes */
	char	   *window;			/* NULL: none */
	bool		apply_auto;
	int			failures;
	TimestampTz retry_at;		/* 0: none */
} PsPolicy;

/* A daily window "HH:MM-HH:MM [time zone]". */
typedef struct PsWindow
{
	int			start_min;		/* minutes after midnight */
	int			end_min;
	char	   *tzname;			/* NULL: the server's TimeZone */
} PsWindow;

/* Parse a window; false (with *why set) when it does not parse. */
extern bool ps_window_parse(const char *text, PsWindow *w, char **why);

/* Is time t inside the window? */
extern bool ps_window_contains(const PsWindow *w, TimestampTz t);

/*
 * Check a policy (as partstrat_check_policy does for the SQL arguments):
 * ERROR with SQLSTATE and hint when wrong.
 */
extern void ps_policy_check(const PsPolicy *p);

/* ---- actions.c: the generators' scripts ------------------------------- */

typedef enum PsActionKind
{
	PS_ACT_PREMAKE,
	PS_ACT_RETENTION,
	PS_ACT_RESCUE,
	PS_ACT_SPLIT,
	PS_ACT_MERGE,
	PS_ACT_COUNT
} PsActionKind;

/* Action names as recorded in the history. */
extern const char *ps_action_name(PsActionKind kind);

/*
 * Does the action hold writers for the length of a copy (split, merge,
 * rescue: only inside the maintenance window), or is it catalog-only?
 */
extern bool ps_action_copies(PsActionKind kind);

/*
 * The scripts of one action of a policy (a List of char *: one script
 * each -- split gives one per oversized leaf), NIL when there is nothing
 * to do.  ERRORs are the generator's.
 */
extern List *ps_action_scripts(const PsPolicy *p, PsActionKind kind);

/* ---- executor.c: running a script as transactions --------------------- */

/* One transaction of a script, or one top-level statement. */
typedef struct PsTxn
{
	List	   *stmts;			/* char *, without BEGIN/COMMIT */
	bool		toplevel;		/* a statement outside any BEGIN/COMMIT */
	bool		needs_toplevel; /* cannot run in a transaction block */
} PsTxn;

typedef struct PsParsedScript
{
	List	   *txns;			/* PsTxn * */
	int			nwork;			/* statements other than SET/BEGIN/COMMIT/DO */
	bool		needs_toplevel; /* some statement needs top level */
	List	   *partitions;		/* char *: tables attached, detached, made */
	List	   *detached;		/* RangeVar *: tables detached or dropped */
	List	   *created;		/* RangeVar *: tables created */
} PsParsedScript;

extern PsParsedScript *ps_script_parse(const char *script);

/*
 * The refusal of a script by the owner rule, or NULL: every table it
 * detaches or drops belongs to the parent's owner, who may create tables
 * in the schemas of the tables it creates.
 */
extern char *ps_script_refusal(PsParsedScript *ps, Oid owner);

/* How transactions end: the procedure's SPI_commit, the worker's own. */
typedef struct PsTxnControl
{
	void		(*commit) (void);
	bool		toplevel_ok;	/* may run top-level statements */
	int			statement_timeout_ms;	/* 0: none (the procedure's is its
										 * caller's) */
} PsTxnControl;

/* The outcome of running a script. */
typedef struct PsExecResult
{
	bool		ok;
	char	   *error;
	char	   *sqlstate;
	int			sqlerrcode;
	int64		rows_moved;
} PsExecResult;

/*
 * Run every transaction of a parsed script as user owner (a security-
 * restricted operation), committing after each with tc->commit.  Stops at
 * the first error, whose transaction is rolled back.  The caller is in a
 * transaction (not a subtransaction) on entry and is again on exit.
 */
extern void ps_script_execute(PsParsedScript *ps, Oid owner,
							  const PsTxnControl *tc, PsExecResult *res);

/* ---- runner.c: one pass over the policies ------------------------------ */

typedef struct PsRunStats
{
	int			parents;
	int			actions;		/* history rows written */
	int			failed;
	bool		budget_reached; /* max_actions stopped the run */
	char	   *last_error;
} PsRunStats;

/*
 * Run the enabled policies (all the caller may manage, or only parent).
 * run_by is "procedure" or "worker".  At most max_actions actions execute
 * (0: no limit); the rest wait for the next run.  Commits with tc between
 * steps.
 */
extern void ps_run_policies(Oid parent, const char *run_by, int max_actions,
							const PsTxnControl *tc, PsRunStats *stats);

/* ---- history.c --------------------------------------------------------- */

/* The qualified, quoted name of the extension's table or view name. */
extern char *ps_mx_relname(const char *name);

extern int64 ps_history_start(Oid parent, const char *parent_name, Oid owner,
							  const char *action, List *partitions,
							  const char *ddl, const char *status,
							  const char *run_by);
extern void ps_history_finish(int64 run_id, const char *status,
							  const char *error, const char *sqlstate,
							  int64 rows_moved, const char *blockers,
							  TimestampTz retry_at, TimestampTz started);
/*
 * JSON array of the sessions holding locks on the tables of the tree, as
 * much of each as owner may see in pg_stat_activity.
 */
extern char *ps_history_blockers(Oid parent, Oid owner);
/* The owner of the extension's tables. */
extern Oid	ps_mx_tables_owner(void);
/* Remove rows older than partstrat.history_keep. */
extern void ps_history_trim(void);
/* Mark rows left running by processes that are gone; returns the count. */
extern int	ps_history_recover(void);

#endif							/* PARTSTRAT_MAINTENANCE_H */
