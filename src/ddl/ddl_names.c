/*-------------------------------------------------------------------------
 *
 * ddl_names.c
 *	  The script toolkit's one namer: a relation's qualified name, and new
 *	  names for the tables and indexes a script creates.
 *
 * ps_ddl_name() fits a name into NAMEDATALEN without cutting a multibyte
 * character, and adds a number until the name is free in the schema and
 * among the names the script already chose; it never raises an error.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/ddl/ddl_names.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/tablespace.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "partitioning/partbounds.h"
#include "utils/partcache.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "asowner.h"
#include "ddl.h"

/* ---------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------
 */

char *
ps_ddl_qualified(Oid relid)
{
	char	   *name = get_rel_name(relid);
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));

	if (name == NULL || nsp == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(nsp, name);
}

static bool
name_taken(List *used, Oid nspid, const char *name)
{
	ListCell   *lc;
	char	   *key = psprintf("%u.%s", nspid, name);

	if (OidIsValid(get_relname_relid(name, nspid)))
		return true;
	if (OidIsValid(GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								   CStringGetDatum(name),
								   ObjectIdGetDatum(nspid))))
		return true;
	foreach(lc, used)
	{
		if (strcmp((char *) lfirst(lc), key) == 0)
			return true;
	}
	return false;
}

/*
 * base || mid || suffix in at most NAMEDATALEN - 1 bytes.  When too long,
 * "_" and 6 hex digits of a hash of the whole name go between base and
 * mid || suffix, base keeps what room is left (at least PS_NAME_MIN_BASE
 * bytes of it), and mid || suffix is cut at its end if even that does not
 * fit; every cut falls on a character boundary (multibyte-safe).  With sep,
 * a "_" follows the hash (a partition's tail starts with its date's
 * digits).  Never an error, whatever the lengths.
 */
#define PS_NAME_MIN_BASE	16

static char *
fit_name(const char *base, const char *mid, const char *suffix, bool sep)
{
	char	   *full = psprintf("%s%s%s", base, mid, suffix);
	char	   *tail = psprintf("%s%s", mid, suffix);
	int			maxlen = NAMEDATALEN - 1;
	char		hashpart[16];
	int			baselen = strlen(base);
	int			taillen = strlen(tail);
	int			hashlen;
	int			keep;

	if ((int) strlen(full) <= maxlen)
		return full;
	snprintf(hashpart, sizeof(hashpart), sep ? "_%06x_" : "_%06x",
			 hash_bytes((const unsigned char *) full, strlen(full)) & 0xffffff);
	hashlen = strlen(hashpart);
	keep = maxlen - hashlen - taillen;
	if (keep < Min(baselen, PS_NAME_MIN_BASE))
		keep = Min(baselen, PS_NAME_MIN_BASE);
	keep = pg_mbcliplen(base, baselen, Min(keep, baselen));
	taillen = pg_mbcliplen(tail, taillen, maxlen - hashlen - keep);
	return psprintf("%.*s%s%.*s", keep, base, hashpart, taillen, tail);
}

/*
 * base || suffix made free (see ps_ddl_name); the number goes before suffix,
 * or at the very end with number_last.
 */
static char *
free_name(List **used, Oid nspid, const char *base, const char *suffix,
		  bool number_last)
{
	char	   *name = fit_name(base, "", suffix, number_last);
	int			n;

	for (n = 2; name_taken(used ? *used : NIL, nspid, name); n++)
	{
		char		num[16];

		CHECK_FOR_INTERRUPTS();
		snprintf(num, sizeof(num), "_%d", n);
		name = number_last ? fit_name(base, suffix, num, true) :
			fit_name(base, num, suffix, false);
	}
	if (used)
		*used = lappend(*used, psprintf("%u.%s", nspid, name));
	return name;
}

char *
ps_ddl_name(List **used, Oid nspid, const char *base, const char *suffix)
{
	return free_name(used, nspid, base, suffix, false);
}

char *
ps_ddl_new_name(PsScript *s, Oid nspid, const char *base, const char *suffix)
{
	MemoryContext old = MemoryContextSwitchTo(s->mcxt);
	char	   *name = ps_ddl_name(&s->used_names, nspid, base, suffix);

	MemoryContextSwitchTo(old);
	return name;
}

/*
 * ps_ddl_new_name_tail -- a new partition's name prefix || tail in script s:
 * when too long, prefix is cut (and the hash added) and tail kept; when
 * taken, "_2", "_3", ... go after tail (events_2026_03_11_2).
 */
char *
ps_ddl_new_name_tail(PsScript *s, Oid nspid, const char *prefix,
					 const char *tail)
{
	MemoryContext old = MemoryContextSwitchTo(s->mcxt);
	char	   *name = free_name(&s->used_names, nspid, prefix, tail, true);

	MemoryContextSwitchTo(old);
	return name;
}

char *
ps_ddl_copy_name(PsScript *s, Oid nspid, const char *oldparent,
				 const char *newparent, const char *leaf)
{
	size_t		len = strlen(oldparent);
	char	   *suffix;

	if (strncmp(leaf, oldparent, len) == 0 && leaf[len] != '\0')
		suffix = pstrdup(leaf + len);
	else
		suffix = psprintf("_%s", leaf);
	/* room for part of newparent and the hash that keeps names apart */
	suffix[pg_mbcliplen(suffix, strlen(suffix), NAMEDATALEN / 2)] = '\0';
	return ps_ddl_new_name(s, nspid, newparent, suffix);
}
