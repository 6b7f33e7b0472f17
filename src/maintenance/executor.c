/*-------------------------------------------------------------------------
 *
 * executor.c
 *	  Running a generator's script as the transactions it is made of, as
 *	  the parent's owner: one executor for the procedure and the worker.
 *
 * A script is text for psql: BEGIN; SET LOCAL ...; statements; COMMIT;
 * (one or more times), or, for DETACH ... CONCURRENTLY, statements outside
 * any transaction block.  BEGIN and COMMIT cannot run through SPI, so the
 * script is parsed here into its transactions (PsTxn): the statements
 * between BEGIN and COMMIT run through SPI inside a subtransaction of the
 * caller's transaction, which the caller's commit function then commits
 * (SPI_commit in the procedure, CommitTransactionCommand in the worker).
 * A statement outside BEGIN/COMMIT in the worker runs at top level, in a
 * transaction of its own, the way exec_simple_query runs it -- which is
 * what DETACH ... CONCURRENTLY needs (it commits internally).
 *
 * Everything runs as the owner of the parent in a security-restricted
 * operation, with search_path pinned and every setting undone after: the
 * owner's triggers, defaults and index expressions get the owner's rights,
 * never the caller's.  Before running, the owner rule refuses scripts that
 * would detach a table of another owner or create tables where the owner
 * may not.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/maintenance/executor.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timeout.h"

#include "asowner.h"
#include "compat.h"
#include "maintenance.h"
#include "partstrat.h"

/* The text of one raw statement of script. */
static char *
stmt_text(const char *script, RawStmt *rs)
{
	int			len = rs->stmt_len > 0 ? rs->stmt_len :
		(int) strlen(script) - rs->stmt_location;

	return pnstrdup(script + rs->stmt_location, len);
}

static char *
rangevar_text(RangeVar *rv)
{
	return rv->schemaname ?
		psprintf("%s.%s", quote_identifier(rv->schemaname),
				 quote_identifier(rv->relname)) :
		pstrdup(quote_identifier(rv->relname));
}

/* Note what an ALTER TABLE attaches or detaches. */
static void
note_alter(PsParsedScript *ps, AlterTableStmt *at, bool *concurrent)
{
	ListCell   *lc;

	foreach(lc, at->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		PartitionCmd *pc;

		if (cmd->subtype != AT_AttachPartition &&
			cmd->subtype != AT_DetachPartition &&
			cmd->subtype != AT_DetachPartitionFinalize)
			continue;
		pc = (PartitionCmd *) cmd->def;
		ps->partitions = lappend(ps->partitions, rangevar_text(pc->name));
		if (cmd->subtype != AT_AttachPartition)
			ps->detached = lappend(ps->detached, pc->name);
		if (pc->concurrent)
			*concurrent = true;
	}
}

static void note_stmt(PsParsedScript *ps, Node *st, bool *concurrent);

/*
 * The statements a script runs through partstrat_exec_as_owner(parent,
 * $$...$$) (the owner's part of a script), or NULL.
 */
static const char *
as_owner_text(Node *st)
{
	SelectStmt *sel;
	ResTarget  *rt;
	FuncCall   *fc;
	Node	   *arg;

	if (!IsA(st, SelectStmt))
		return NULL;
	sel = (SelectStmt *) st;
	if (list_length(sel->targetList) != 1)
		return NULL;
	rt = linitial_node(ResTarget, sel->targetList);
	if (rt->val == NULL || !IsA(rt->val, FuncCall))
		return NULL;
	fc = (FuncCall *) rt->val;
	if (strcmp(strVal(llast(fc->funcname)), "partstrat_exec_as_owner") != 0 ||
		list_length(fc->args) != 2)
		return NULL;
	arg = lsecond(fc->args);
	if (!IsA(arg, A_Const) || ((A_Const *) arg)->isnull ||
		!IsA(&((A_Const *) arg)->val, String))
		return NULL;
	return strVal(&((A_Const *) arg)->val);
}

/* Note what one statement (or the owner's statements it runs) touches. */
static void
note_stmt(PsParsedScript *ps, Node *st, bool *concurrent)
{
	const char *inner = as_owner_text(st);

	if (inner)
	{
		ListCell   *lc;

		foreach(lc, raw_parser(inner, RAW_PARSE_DEFAULT))
			note_stmt(ps, lfirst_node(RawStmt, lc)->stmt, concurrent);
		return;
	}
	if (IsA(st, AlterTableStmt))
		note_alter(ps, (AlterTableStmt *) st, concurrent);
	else if (IsA(st, CreateStmt))
	{
		CreateStmt *cs = (CreateStmt *) st;

		ps->created = lappend(ps->created, cs->relation);
		if (cs->partbound)
			ps->partitions = lappend(ps->partitions,
									 rangevar_text(cs->relation));
	}
}

/*
 * Split a script into its transactions and note the tables it attaches,
 * detaches and creates (also inside partstrat_exec_as_owner()).
 */
PsParsedScript *
ps_script_parse(const char *script)
{
	PsParsedScript *ps = palloc0(sizeof(PsParsedScript));
	List	   *raw = raw_parser(script, RAW_PARSE_DEFAULT);
	PsTxn	   *open = NULL;
	ListCell   *lc;

	foreach(lc, raw)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		Node	   *st = rs->stmt;
		bool		concurrent = false;
		PsTxn	   *txn;

		if (IsA(st, TransactionStmt))
		{
			TransactionStmt *ts = (TransactionStmt *) st;

			if (ts->kind == TRANS_STMT_BEGIN || ts->kind == TRANS_STMT_START)
			{
				open = palloc0(sizeof(PsTxn));
				ps->txns = lappend(ps->txns, open);
			}
			else if (ts->kind == TRANS_STMT_COMMIT)
				open = NULL;
			else
				elog(ERROR, "unexpected transaction statement in a generated script");
			continue;
		}
		note_stmt(ps, st, &concurrent);
		if (!IsA(st, VariableSetStmt) && !IsA(st, DoStmt) &&
			!IsA(st, LockStmt))
			ps->nwork++;
		if (open)
			txn = open;
		else
		{
			txn = palloc0(sizeof(PsTxn));
			txn->toplevel = true;
			ps->txns = lappend(ps->txns, txn);
		}
		txn->stmts = lappend(txn->stmts, stmt_text(script, rs));
		if (concurrent)
		{
			txn->needs_toplevel = true;
			ps->needs_toplevel = true;
		}
	}
	return ps;
}

/*
 * The owner rule (ps_other_owner and ps_owner_may_create_in, asowner.c):
 * NULL when the script may run as owner, else why not.
 */
char *
ps_script_refusal(PsParsedScript *ps, Oid owner)
{
	ListCell   *lc;

	foreach(lc, ps->detached)
	{
		RangeVar   *rv = lfirst(lc);
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);
		Oid			o = OidIsValid(relid) ? ps_other_owner(relid, owner) :
			InvalidOid;

		if (OidIsValid(o))
			return psprintf("partition %s is owned by role %s, not by %s, the owner of the parent: maintenance acts with the parent owner's rights only",
							rangevar_text(rv), GetUserNameFromId(o, false),
							GetUserNameFromId(owner, false));
	}
	foreach(lc, ps->created)
	{
		RangeVar   *rv = lfirst(lc);
		Oid			nsp = rv->schemaname ?
			get_namespace_oid(rv->schemaname, true) : InvalidOid;

		if (OidIsValid(nsp) && !ps_owner_may_create_in(nsp, owner))
			return psprintf("role %s, the owner of the parent, has no CREATE privilege on schema %s",
							GetUserNameFromId(owner, false),
							quote_identifier(rv->schemaname));
	}
	return NULL;
}

/* Keep an error, and the statement that raised it, in res. */
static void
keep_error(ErrorData *edata, const char *stmt, PsExecResult *res)
{
	res->ok = false;
	res->error = pstrdup(edata->message ? edata->message : "unknown error");
	if (edata->detail)
		res->error = psprintf("%s (%s)", res->error, edata->detail);
	if (stmt)
		res->error = psprintf("%s, in: %.300s", res->error, stmt);
	res->sqlerrcode = edata->sqlerrcode;
	res->sqlstate = pstrdup(unpack_sql_state(edata->sqlerrcode));
}

static void
statement_timeout_on(const PsTxnControl *tc)
{
	if (tc->statement_timeout_ms > 0)
		enable_timeout_after(STATEMENT_TIMEOUT, tc->statement_timeout_ms);
}

static void
statement_timeout_off(const PsTxnControl *tc)
{
	if (tc->statement_timeout_ms > 0)
		disable_timeout(STATEMENT_TIMEOUT, false);
}

/*
 * Run the statements of one transaction through SPI, as owner, in a
 * subtransaction of the caller's transaction; false (res filled) on error.
 */
static bool
run_in_subxact(PsTxn *txn, Oid owner, const PsTxnControl *tc,
			   PsExecResult *res)
{
	MemoryContext cxt = CurrentMemoryContext;
	PsSubxact	sx;
	volatile bool ok = true;
	const char *volatile current = NULL;

	ps_subxact_begin(&sx, NULL);
	PG_TRY();
	{
		PsAsUser	ao;
		ListCell   *lc;

		statement_timeout_on(tc);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		ps_as_user_begin(&ao, owner, "pg_catalog, pg_temp");
		foreach(lc, txn->stmts)
		{
			int			rc;

			current = (const char *) lfirst(lc);
			rc = SPI_execute(current, false, 0);

			if (rc == SPI_OK_INSERT)
				res->rows_moved += SPI_processed;
			CHECK_FOR_INTERRUPTS();
		}
		ps_as_user_end(&ao);
		SPI_finish();
		statement_timeout_off(tc);
		ps_subxact_commit(&sx);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		statement_timeout_off(tc);
		MemoryContextSwitchTo(cxt);
		edata = ps_subxact_abort(&sx);
		/* a cancel of the procedure's caller stops the whole CALL */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED &&
			tc->statement_timeout_ms == 0)
			ReThrowError(edata);
		keep_error(edata, current, res);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/*
 * Run one statement at top level, in a transaction of its own, as
 * exec_simple_query does (worker only).  The caller's transaction is
 * committed first; a new one, with an active snapshot as the worker's
 * transactions have, is open on return.
 */
static bool
run_toplevel(const char *sql, Oid owner, const PsTxnControl *tc,
			 PsExecResult *res)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			save_userid;
	int			save_sec;
	volatile bool ok = true;
	MemoryContext stmtcxt;

	if (ActiveSnapshotSet())
		PopActiveSnapshot();
	CommitTransactionCommand();
	stmtcxt = AllocSetContextCreate(cxt, "partstrat top-level statement",
									ALLOCSET_DEFAULT_SIZES);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	PG_TRY();
	{
		List	   *parsetrees;
		RawStmt    *parsetree;
		List	   *querytrees;
		List	   *plantrees;
		Portal		portal;
		QueryCompletion qc;
		bool		snap = false;

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		/*
		 * Parse and plan trees outside transaction memory, as
		 * exec_simple_query keeps them in MessageContext: DETACH ...
		 * CONCURRENTLY commits in the middle of the statement.
		 */
		MemoryContextSwitchTo(stmtcxt);
		SetUserIdAndSecContext(owner, save_sec | SECURITY_RESTRICTED_OPERATION);
		statement_timeout_on(tc);
		parsetrees = pg_parse_query(sql);
		if (list_length(parsetrees) != 1)
			elog(ERROR, "one statement expected");
		parsetree = linitial_node(RawStmt, parsetrees);
		if (analyze_requires_snapshot(parsetree))
		{
			PushActiveSnapshot(GetTransactionSnapshot());
			snap = true;
		}
		querytrees = pg_analyze_and_rewrite_fixedparams(parsetree, sql,
														NULL, 0, NULL);
		plantrees = pg_plan_queries(querytrees, sql, CURSOR_OPT_PARALLEL_OK,
									NULL);
		if (snap)
			PopActiveSnapshot();
		portal = CreatePortal("", true, true);
		portal->visible = false;
		PortalDefineQuery(portal, NULL, sql,
						  CreateCommandTag(parsetree->stmt), plantrees, NULL);
		PortalStart(portal, NULL, 0, InvalidSnapshot);
		(void) ps_portal_run(portal, FETCH_ALL, true,
							 None_Receiver, None_Receiver, &qc);
		PortalDrop(portal, false);
		statement_timeout_off(tc);
		SetUserIdAndSecContext(save_userid, save_sec);
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		statement_timeout_off(tc);
		SetUserIdAndSecContext(save_userid, save_sec);
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		keep_error(edata, sql, res);
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	MemoryContextDelete(stmtcxt);
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	MemoryContextSwitchTo(cxt);
	return ok;
}

/*
 * Run every transaction of a parsed script as owner, committing after
 * each; stop at the first error.
 */
void
ps_script_execute(PsParsedScript *ps, Oid owner, const PsTxnControl *tc,
				  PsExecResult *res)
{
	ListCell   *lc;

	res->ok = true;
	foreach(lc, ps->txns)
	{
		PsTxn	   *txn = lfirst(lc);
		bool		ok;

		CHECK_FOR_INTERRUPTS();
		if (txn->toplevel && tc->toplevel_ok)
			ok = run_toplevel((char *) linitial(txn->stmts), owner, tc, res);
		else if (txn->needs_toplevel)
		{
			res->ok = false;
			res->error = pstrdup("DETACH ... CONCURRENTLY needs a top-level statement");
			res->sqlstate = pstrdup("25001");
			return;
		}
		else
		{
			ok = run_in_subxact(txn, owner, tc, res);
			if (ok)
				tc->commit();
		}
		if (!ok)
			return;
	}
}
