/*-------------------------------------------------------------------------
 *
 * ddl_rescue_list.c
 *	  The rescue of heavy values out of a list parent's DEFAULT partition:
 *	  one new list partition per value.
 *
 * The range rescue (ddl_rescue.c) cuts the key at the siblings' step; a
 * list key has no step, so the advice names the values (the DEFAULT's most
 * common values) and this generator gives each one a transaction: create a
 * copy of a sibling standalone with a CHECK constraint equal to the new
 * bound, move the value's rows out of the DEFAULT (DELETE ... RETURNING
 * feeding an INSERT), assert both counts, build the indexes, ATTACH it
 * (the CHECK spares the scan of the new table) and drop the CHECK.  The
 * guarantees are the range rescue's: rows stay visible throughout, and an
 * interruption leaves committed values in place and the others untouched.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_rescue_list.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "ddl.h"
#include "ddl_time.h"
#include "generators.h"

/* "_br" for 'BR': a name suffix from a value, ASCII letters and digits */
static char *
value_suffix(const char *value, int k)
{
	StringInfoData buf;
	const char *c;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '_');
	for (c = value; *c && buf.len < 21; c++)
	{
		if (isalnum((unsigned char) *c) && !IS_HIGHBIT_SET(*c))
			appendStringInfoChar(&buf, tolower((unsigned char) *c));
		else if (buf.data[buf.len - 1] != '_')
			appendStringInfoChar(&buf, '_');
	}
	if (buf.len < 2 || (buf.len == 2 && buf.data[1] == '_'))
		return psprintf("_v%d", k + 1);
	return buf.data;
}

/* One value: a whole transaction. */
static char *
list_target_script(const PsListRescueOptions *a, PsValue *v, int k, List **used)
{
	Oid			nspid = get_rel_namespace(a->default_relid);
	char	   *defname = ps_ddl_qualified(a->default_relid);
	char	   *cols = ps_ddl_copy_columns(a->default_relid);
	char	   *check = ps_bound_check_name(a->template_relid);
	PsBound		b;
	char	   *where;
	char	   *name;
	char	   *newq;
	PsScript   *s;

	memset(&b, 0, sizeof(b));
	b.strategy = PS_STRATEGY_LIST;
	b.nkeys = 1;
	b.nlist = 1;
	b.list = v;
	where = ps_ddl_bound_expr(a->parentid, a->key, &b);

	s = ps_script_begin(psprintf("rescue %d of %d from %s: the rows of %s %s",
								 k + 1, a->nvalues, defname,
								 quote_identifier(a->key->colnames[0]),
								 ps_ddl_bound_clause(&b)),
						a->lock_timeout_ms, true);
	s->used_names = *used;
	name = ps_ddl_new_name(s, nspid, get_rel_name(a->parentid),
						   value_suffix(v->text, k));
	newq = quote_qualified_identifier(get_namespace_name(nspid), name);
	ps_script_header(s, "Creates %s standalone (a copy of %s), moves the value's rows out of the DEFAULT,",
					 newq, ps_ddl_qualified(a->template_relid));
	ps_script_header(s, "checks the counts, builds its indexes and attaches it.");
	ps_script_header(s, "Rows stay visible: in the DEFAULT until COMMIT, in the new partition after.");
	ps_ddl_lock(s, a->parentid, list_make1_oid(a->default_relid),
				"SHARE ROW EXCLUSIVE");
	ps_script_header(s, "  ATTACH then takes ACCESS EXCLUSIVE on the DEFAULT and scans it (it no longer holds the value),");
	ps_script_header(s, "  and SHARE UPDATE EXCLUSIVE on the parent; it does not scan the new table (CHECK constraint).");
	ps_script_header(s, "Run for long enough to copy this value's rows; the other values are separate transactions.");

	ps_script_owner_begin(s, a->parentid);
	ps_ddl_new_partition(s, a->template_relid, nspid, name, false, check,
						 where);
	ps_script_owner_end(s);
	ps_ddl_save_count(s, "default_rows",
					  ps_ddl_owner_rows(s, a->parentid, list_make1(defname)));
	ps_ddl_save_count(s, "target_rows",
					  ps_ddl_owner_count(s, a->parentid,
										 psprintf("SELECT count(*) FROM ONLY %s WHERE %s",
												  defname, where)));
	ps_script_owner_begin(s, a->parentid);
	ps_script_stmt(s, "WITH moved AS (DELETE FROM ONLY %s WHERE %s RETURNING %s) INSERT INTO %s (%s) SELECT %s FROM moved",
				   defname, where, cols, newq, cols, cols);
	ps_script_owner_end(s);
	ps_ddl_assert_count(s, "default_rows",
						ps_ddl_owner_rows(s, a->parentid,
										  list_make2(defname, newq)));
	ps_ddl_assert_count(s, "target_rows",
						ps_ddl_owner_rows(s, a->parentid, list_make1(newq)));
	ps_script_owner_begin(s, a->parentid);
	ps_ddl_attach_new_partition(s, a->template_relid, nspid, name, false,
								a->parentid, &b, check);
	ps_script_owner_end(s);
	*used = s->used_names;
	return ps_script_finish(s);
}

/*
 * ps_ddl_rescue_list -- the script moving the rows of each heavy value of a
 * list parent's DEFAULT into a partition of its own.
 */
char *
ps_ddl_rescue_list(const PsListRescueOptions *a)
{
	Oid			typid = a->key->typids[0];
	Oid			typinput;
	Oid			typioparam;
	int16		typlen;
	bool		typbyval;
	StringInfoData out;
	List	   *used = NIL;
	int			nest;
	int			k;

	getTypeInputInfo(typid, &typinput, &typioparam);
	get_typlenbyval(typid, &typlen, &typbyval);
	nest = ps_ddl_iso_enter();
	initStringInfo(&out);
	ps_ddl_append_comment(&out, psprintf("partstrat: rescue of %d heavy value%s from DEFAULT partition %s of %s",
										 a->nvalues, a->nvalues == 1 ? "" : "s",
										 ps_ddl_qualified(a->default_relid),
										 ps_ddl_qualified(a->parentid)));
	ps_ddl_append_comment(&out, "Generated text only: nothing has been executed. Run it as one script (psql -f).");
	ps_ddl_append_comment(&out, "One new list partition per value, one transaction each.  If it stops half-way, the");
	ps_ddl_append_comment(&out, "committed transactions stay and the others changed nothing: run");
	ps_ddl_append_comment(&out, psprintf("SELECT ddl FROM partstrat_advise(%s) WHERE action = 'rescue_default' for the rest.",
										 quote_literal_cstr(ps_ddl_qualified(a->parentid))));
	for (k = 0; k < a->nvalues; k++)
	{
		/* MCV texts are ISO: read back under ps_ddl_iso_enter's settings */
		Datum		d = OidInputFunctionCall(typinput, a->values[k],
											 typioparam, -1);
		PsValue		v = ps_ddl_value(d, typid, typlen, typbyval);

		CHECK_FOR_INTERRUPTS();
		appendStringInfoChar(&out, '\n');
		appendStringInfoString(&out, list_target_script(a, &v, k, &used));
	}
	ps_ddl_iso_leave(nest);
	return out.data;
}
