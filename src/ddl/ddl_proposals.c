/*-------------------------------------------------------------------------
 *
 * ddl_proposals.c
 *	  The SQL text of the advice that is not a generator's script: the
 *	  repartition proposal, add_index, create_default, drop_default, analyze
 *	  and finalize_detach.
 *
 * The advice (src/advise/) decides what to propose and with which numbers
 * (heavy values, predicted rows, hash sub-partitions); the text is written
 * here, with the script toolkit (ddl.h): identifiers quoted, values as
 * literals, new names made by the toolkit's namer (fitting NAMEDATALEN,
 * free in their schema), every comment line through ps_ddl_comment().  A
 * repartition proposal creates the new layout beside the old table and
 * leaves the copy and the swap to the DBA; it is capped at
 * PS_PROPOSAL_MAX_PARTS tables.
 *
 * What creates a table or builds an index runs as the owner of the table
 * it is for, through partstrat_exec_as_owner() (as_owner() below): the
 * repartition's tables and create_default's DEFAULT are then owned by the
 * owner whoever runs the advice, and add_index's index expressions run
 * with the owner's rights, never the runner's.  The owner check is the one
 * partstrat_exec_as_owner() makes when the text runs (a tree of several
 * owners is refused there, with the reason); it is not made here, so that
 * the advice on such a tree still lists every proposal.  ANALYZE runs as
 * the owner by itself (PostgreSQL switches to it); DROP TABLE of an empty
 * DEFAULT and DETACH ... FINALIZE change the catalog only.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_proposals.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#include "asowner.h"
#include "ddl.h"
#include "generators.h"

/*
 * statements (each ending in ";", comments allowed) as one call of
 * partstrat_exec_as_owner(relid, ...), without the final ";": they run as
 * the owner of relid.
 */
static char *
as_owner(Oid relid, const char *statements)
{
	return psprintf("SELECT %s.partstrat_exec_as_owner(%s::regclass, %s)",
					quote_identifier(ps_ddl_extension_schema()),
					quote_literal_cstr(ps_ddl_qualified(relid)),
					ps_dollar_quote(statements));
}

/* A script object that only serves the namer (its used names). */
static PsScript *
names_only(void)
{
	return ps_script_begin("names", ps_ddl_lock_timeout_ms, true);
}

char *
ps_ddl_create_default(Oid parentid, const char *nspname, const char *relname)
{
	Oid			nspid = get_namespace_oid(nspname, false);
	char	   *name = ps_ddl_new_name(names_only(), nspid, relname,
									   "_default");

	/* created by the parent's owner: scripts refuse trees of several owners */
	return ps_ddl_pin(psprintf("%s;",
							   as_owner(parentid,
										psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT;",
												 quote_qualified_identifier(nspname, name),
												 quote_qualified_identifier(nspname, relname)))));
}

char *
ps_ddl_analyze(const Oid *relids, int n)
{
	StringInfoData ddl;
	int			i;

	initStringInfo(&ddl);
	for (i = 0; i < n; i++)
		appendStringInfo(&ddl, "%s%s", i == 0 ? "ANALYZE " : ", ",
						 ps_ddl_qualified(relids[i]));
	appendStringInfoChar(&ddl, ';');
	return ddl.data;
}

char *
ps_ddl_index_like(const char *sig, const char *nspname, const char *relname)
{
	bool		unique = strncmp(sig, "UNIQUE ", 7) == 0;
	Oid			relid = get_relname_relid(relname,
										  get_namespace_oid(nspname, false));

	/* its expressions and predicate run as the owner of the leaf */
	return ps_ddl_safe_literals(as_owner(relid,
										 psprintf("CREATE %sINDEX ON %s %s;",
												  unique ? "UNIQUE " : "",
												  quote_qualified_identifier(nspname, relname),
												  unique ? sig + 7 : sig)));
}

char *
ps_ddl_drop_table(Oid relid)
{
	return psprintf("DROP TABLE %s;", ps_ddl_qualified(relid));
}

char *
ps_ddl_finalize_detach(Oid parentid, Oid relid)
{
	return psprintf("ALTER TABLE %s DETACH PARTITION %s FINALIZE;",
					ps_ddl_qualified(parentid), ps_ddl_qualified(relid));
}

/* ----------------------------------------------------------------
 * Repartition
 * ----------------------------------------------------------------
 */

typedef struct Proposal
{
	PsScript   *names;			/* the namer's record */
	Oid			nspid;
	const char *nspname;
	StringInfoData ddl;
	StringInfoData layout;
	int			nparts;
} Proposal;

/*
 * Append one proposed table to the DDL and, when rows >= 0, to the
 * evidence layout with its predicted rows.
 */
static void
propose(Proposal *pr, const char *stmt, const char *name, const char *bound,
		int64 rows)
{
	pr->nparts++;
	if (rows >= 0)
	{
		appendStringInfo(&pr->ddl, "%s  ", stmt);
		ps_ddl_append_comment(&pr->ddl,
							  psprintf("predicted rows: " INT64_FORMAT, rows));
	}
	else
		appendStringInfo(&pr->ddl, "%s\n", stmt);
	if (rows < 0)
		return;
	if (pr->layout.len > 1)
		appendStringInfoString(&pr->layout, ", ");
	appendStringInfoString(&pr->layout, "{\"partition\": ");
	escape_json(&pr->layout, name);
	appendStringInfoString(&pr->layout, ", \"bound\": ");
	escape_json(&pr->layout, bound);
	appendStringInfo(&pr->layout, ", \"predicted_rows\": " INT64_FORMAT "}",
					 rows);
}

static char *
new_name(Proposal *pr, const char *base, const char *suffix)
{
	return ps_ddl_new_name(pr->names, pr->nspid, base, suffix);
}

/* The heavy values' LIST partitions under newname. */
static void
propose_values(Proposal *pr, const PsRepartitionOptions *o,
			   const char *newname)
{
	char	   *newq = quote_qualified_identifier(pr->nspname, newname);
	int			w;

	for (w = 0; w < o->nvalues; w++)
	{
		const PsProposedValue *v = &o->values[w];
		char	   *wname = new_name(pr, newname, psprintf("_v%d", w + 1));
		char	   *wq = quote_qualified_identifier(pr->nspname, wname);
		char	   *bound = psprintf("FOR VALUES IN (%s)",
									 quote_literal_cstr(v->value));
		int			r;

		if (v->sub_modulus <= 1 || v->subcol == NULL)
		{
			propose(pr, psprintf("CREATE TABLE %s PARTITION OF %s %s;",
								 wq, newq, bound),
					wname, bound, v->rows);
			continue;
		}
		propose(pr, psprintf("CREATE TABLE %s PARTITION OF %s %s PARTITION BY HASH (%s);",
							 wq, newq, bound, quote_identifier(v->subcol)),
				wname, bound, -1);
		for (r = 0; r < v->sub_modulus; r++)
		{
			char	   *pname = new_name(pr, wname, psprintf("_p%d", r));
			char	   *pbound = psprintf("FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
										  v->sub_modulus, r);

			propose(pr, psprintf("CREATE TABLE %s PARTITION OF %s %s;",
								 quote_qualified_identifier(pr->nspname, pname),
								 wq, pbound),
					pname, pbound, v->rows / v->sub_modulus);
		}
	}
}

/* The DEFAULT of the other values, hashed like the old parent or plain. */
static void
propose_rest(Proposal *pr, const PsRepartitionOptions *o,
			 const char *newname)
{
	char	   *newq = quote_qualified_identifier(pr->nspname, newname);
	char	   *restname = new_name(pr, newname, "_rest");
	char	   *restq = quote_qualified_identifier(pr->nspname, restname);
	int			i;

	if (o->nrest == 0)
	{
		propose(pr, psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT;",
							 restq, newq),
				restname, "DEFAULT", Max(o->rest_rows, 0));
		return;
	}
	propose(pr, o->rest_keydef ?
			psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT PARTITION BY %s;",
					 restq, newq, o->rest_keydef) :
			psprintf("CREATE TABLE %s PARTITION OF %s DEFAULT PARTITION BY HASH (%s);",
					 restq, newq, quote_identifier(o->keycol)),
			restname, "DEFAULT", -1);
	for (i = 0; i < o->nrest; i++)
	{
		const PsProposedRest *r = &o->rest[i];
		char	   *cname = new_name(pr, restname,
									 psprintf("_p%d", r->remainder));
		char	   *cbound = psprintf("FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
									  r->modulus, r->remainder);

		propose(pr, psprintf("CREATE TABLE %s PARTITION OF %s %s;",
							 quote_qualified_identifier(pr->nspname, cname),
							 restq, cbound),
				cname, cbound, Max(r->rows, 0));
	}
}

/*
 * ps_ddl_repartition -- the proposal of a new LIST-partitioned table for
 * o->relname: a partition per heavy value, a DEFAULT for the rest.  The
 * caller keeps the number of tables within PS_PROPOSAL_MAX_PARTS.
 */
PsRepartitionProposal
ps_ddl_repartition(const PsRepartitionOptions *o)
{
	PsRepartitionProposal result;
	Proposal	pr;
	char	   *oldq = quote_qualified_identifier(o->nspname, o->relname);
	char	   *newname;
	char	   *newq;
	char	   *closing;
	char	   *statements;
	size_t		len;

	memset(&pr, 0, sizeof(pr));
	pr.names = names_only();
	pr.nspname = o->nspname;
	pr.nspid = get_namespace_oid(o->nspname, false);
	initStringInfo(&pr.ddl);
	initStringInfo(&pr.layout);
	appendStringInfoChar(&pr.layout, '[');

	newname = new_name(&pr, o->relname, "_new");
	newq = quote_qualified_identifier(o->nspname, newname);
	appendStringInfo(&pr.ddl, "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (%s);\n",
					 newq, oldq, quote_identifier(o->keycol));
	pr.nparts = 1;
	propose_values(&pr, o, newname);
	propose_rest(&pr, o, newname);
	appendStringInfoChar(&pr.layout, ']');
	/* the new tables are created, and owned, by the owner of the old one */
	statements = as_owner(get_relname_relid(o->relname, pr.nspid), pr.ddl.data);

	if (o->attach_bound)
		closing = psprintf("then copy the rows of %s into %s, DETACH the old leaf and ATTACH the new table %s",
						   oldq, newq, o->attach_bound);
	else
		closing = psprintf("then copy the rows of %s into %s and swap the names",
						   oldq, newq);
	/* names and bounds may hold line breaks: every line stays a comment */
	closing = ps_ddl_comment(closing);
	len = strlen(closing);
	if (len > 0 && closing[len - 1] == '\n')
		closing[len - 1] = '\0';

	result.ddl = ps_ddl_pin(psprintf("%s;\n%s", statements, closing));
	result.layout_json = pr.layout.data;
	result.newname = newname;
	result.npartitions = pr.nparts;
	return result;
}
