/*-------------------------------------------------------------------------
 *
 * subxact.c
 *	  A subtransaction around work whose error must not end the statement.
 *
 * The analysis of one workload statement, one advice's DDL generator, an
 * input function that may refuse a representative value, the rolled-back
 * run of EXPLAIN-like actual execution: each runs inside an internal
 * subtransaction, the way PL/pgSQL runs an EXCEPTION block.  The caller
 * writes
 *
 *		ps_subxact_begin(&sx, workcxt);
 *		PG_TRY();
 *		{
 *			... work ...
 *			ps_subxact_commit(&sx);		(or ps_subxact_rollback)
 *		}
 *		PG_CATCH();
 *		{
 *			ErrorData  *edata = ps_subxact_abort(&sx);
 *
 *			... rethrow it (ReThrowError) or keep its message ...
 *		}
 *		PG_END_TRY();
 *
 * and is back in the memory context and resource owner it started in on
 * every path.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/util/subxact.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/resowner.h"

#include "partstrat.h"

/*
 * Start the subtransaction; the work allocates in workcxt (NULL: the
 * caller's context), not in the subtransaction's own context, so that what
 * it builds survives the subtransaction's end.
 */
void
ps_subxact_begin(PsSubxact *sx, MemoryContext workcxt)
{
	sx->oldcxt = CurrentMemoryContext;
	sx->oldowner = CurrentResourceOwner;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(workcxt ? workcxt : sx->oldcxt);
}

/* The work succeeded: keep its effects. */
void
ps_subxact_commit(PsSubxact *sx)
{
	ReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(sx->oldcxt);
	CurrentResourceOwner = sx->oldowner;
}

/* The work succeeded, but its effects must go (a trial run). */
void
ps_subxact_rollback(PsSubxact *sx)
{
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(sx->oldcxt);
	CurrentResourceOwner = sx->oldowner;
}

/*
 * In PG_CATCH: roll the subtransaction back and return the error, copied
 * into the caller's context.  The caller rethrows it or frees it.
 */
ErrorData *
ps_subxact_abort(PsSubxact *sx)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(sx->oldcxt);
	edata = CopyErrorData();
	FlushErrorState();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(sx->oldcxt);
	CurrentResourceOwner = sx->oldowner;
	return edata;
}

/*
 * ps_subxact_abort() for work whose failure is only reported: a cancel
 * (statement_timeout, pg_cancel_backend) is thrown again, any other error
 * gives its message, palloc'd in the caller's memory context.
 */
char *
ps_subxact_abort_message(PsSubxact *sx)
{
	ErrorData  *edata = ps_subxact_abort(sx);
	char	   *message;

	if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
		ReThrowError(edata);
	message = pstrdup(edata->message);
	FreeErrorData(edata);
	return message;
}
