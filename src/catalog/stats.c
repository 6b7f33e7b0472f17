/*-------------------------------------------------------------------------
 *
 * stats.c
 *	  Sizes, row estimates and cumulative counters of one partition.
 *
 * Sizes are read the way pg_relation_size() reads them -- the size of each
 * segment file of each fork -- but from the pg_class row alone, without
 * opening the relation: no relcache entry and no lock per leaf, which is
 * what makes the inventory of 10,000 leaves cheap.  A file that vanished
 * under us (a concurrent rewrite or drop) counts as empty, as in
 * pg_relation_size().  Two shortcuts save most of the stat() calls: forks
 * that cannot exist are not looked for (an index has no visibility map,
 * only unlogged relations have an init fork), and a segment shorter than
 * RELSEG_SIZE blocks is the last one (md.c fills each segment before
 * starting the next).
 *
 * Rows: pg_class.reltuples when the partition was ever analyzed or
 * vacuumed; otherwise, in this order, 0 for an empty heap file, the live
 * tuple counter of pg_stat, or the planner's own fallback (pages times the
 * tuples that fit in a page at the estimated row width).  rows_source says
 * which.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/catalog/stats.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_tablespace.h"
#include "common/relpath.h"
#include "miscadmin.h"
#include "storage/bufpage.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "compat.h"
#include "partstrat.h"

struct PsSizer
{
	Relation	pg_index;
};

PsSizer *
ps_sizer_begin(void)
{
	PsSizer    *sizer = palloc0(sizeof(PsSizer));

	sizer->pg_index = table_open(IndexRelationId, AccessShareLock);
	return sizer;
}

void
ps_sizer_end(PsSizer *sizer)
{
	table_close(sizer->pg_index, AccessShareLock);
	pfree(sizer);
}

/* Bytes in every segment of one fork; 0 when the file does not exist. */
static int64
fork_bytes(const char *path)
{
	char		segpath[MAXPGPATH];
	int64		total = 0;
	unsigned int segno;

	for (segno = 0;; segno++)
	{
		struct stat fst;

		CHECK_FOR_INTERRUPTS();
		if (segno == 0)
			snprintf(segpath, sizeof(segpath), "%s", path);
		else
			snprintf(segpath, sizeof(segpath), "%s.%u", path, segno);
		if (stat(segpath, &fst) < 0)
		{
			if (errno == ENOENT)
				break;
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not stat file \"%s\": %m", segpath)));
		}
		total += fst.st_size;
		/* every segment but the last is full: a short one is the last */
		if (fst.st_size < (off_t) RELSEG_SIZE * BLCKSZ)
			break;
	}
	return total;
}

/*
 * Bytes of a relation described by its pg_class row, all forks or the main
 * fork only.
 */
static int64
class_bytes(Form_pg_class form, bool main_only, int64 *main_bytes)
{
	PsFileId	fid;
	PsBackendId backend = PS_INVALID_BACKEND;
	int64		total = 0;
	int			fork;

	if (!RELKIND_HAS_STORAGE(form->relkind) || form->relfilenode == InvalidOid)
		return 0;

	PS_FILEID_SET(fid,
				  OidIsValid(form->reltablespace) ? form->reltablespace :
				  MyDatabaseTableSpace,
				  form->reltablespace == GLOBALTABLESPACE_OID ? InvalidOid :
				  MyDatabaseId,
				  form->relfilenode);
	if (form->relpersistence == RELPERSISTENCE_TEMP)
	{
		if (isTempOrTempToastNamespace(form->relnamespace))
			backend = ps_my_temp_backend();
		else
			backend = ps_temp_namespace_backend(form->relnamespace);
	}

	for (fork = 0; fork <= (main_only ? MAIN_FORKNUM : MAX_FORKNUM); fork++)
	{
		char	   *path;
		int64		bytes;

		/* skip forks that cannot exist: no stat() for nothing */
		if (fork == VISIBILITYMAP_FORKNUM &&
			(form->relkind == RELKIND_INDEX || form->relkind == RELKIND_SEQUENCE))
			continue;
		if (fork == INIT_FORKNUM &&
			form->relpersistence != RELPERSISTENCE_UNLOGGED)
			continue;
		path = ps_relpath(fid, backend, fork);
		bytes = fork_bytes(path);

		pfree(path);
		if (fork == MAIN_FORKNUM && main_bytes)
			*main_bytes = bytes;
		total += bytes;
	}
	return total;
}

/* Bytes of the relation with this OID (all forks), 0 if it is gone. */
static int64
oid_bytes(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int64		bytes;

	if (!HeapTupleIsValid(tup))
		return 0;
	bytes = class_bytes((Form_pg_class) GETSTRUCT(tup), false, NULL);
	ReleaseSysCache(tup);
	return bytes;
}

/* Bytes of every index on the relation. */
static int64
indexes_bytes(PsSizer *sizer, Oid relid)
{
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int64		total = 0;

	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(sizer->pg_index, IndexIndrelidIndexId, true,
							  NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);

		total += oid_bytes(idx->indexrelid);
	}
	systable_endscan(scan);
	return total;
}

void
ps_fill_sizes(PsSizer *sizer, PsPartition *part, HeapTuple classtup)
{
	Form_pg_class form = (Form_pg_class) GETSTRUCT(classtup);
	int64		main_bytes = 0;

	if (part->is_foreign)
	{
		part->heap_bytes = part->index_bytes = part->toast_bytes = -1;
		part->total_bytes = -1;
		return;
	}
	part->heap_bytes = class_bytes(form, false, &main_bytes);
	part->heap_pages = (BlockNumber) (main_bytes / BLCKSZ);
	part->index_bytes = indexes_bytes(sizer, part->relid);
	part->toast_bytes = 0;
	if (OidIsValid(form->reltoastrelid))
		part->toast_bytes = oid_bytes(form->reltoastrelid) +
			indexes_bytes(sizer, form->reltoastrelid);
	part->total_bytes = part->heap_bytes + part->index_bytes +
		part->toast_bytes;
}

/*
 * Average width of a row of the relation, as the planner estimates it for
 * a table never analyzed: column statistics where present, else the types'
 * typical widths.
 */
static int32
estimated_row_width(Oid relid, int natts)
{
	int32		width = 0;
	AttrNumber	attnum;

	for (attnum = 1; attnum <= natts; attnum++)
	{
		HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
										  Int16GetDatum(attnum));
		Form_pg_attribute att;
		int32		w;

		if (!HeapTupleIsValid(tup))
			continue;
		att = (Form_pg_attribute) GETSTRUCT(tup);
		if (!att->attisdropped)
		{
			w = get_attavgwidth(relid, attnum);
			if (w <= 0)
				w = get_typavgwidth(att->atttypid, att->atttypmod);
			width += w;
		}
		ReleaseSysCache(tup);
	}
	return width;
}

/*
 * Were the modifications the counters show since the last ANALYZE made
 * before it?  A session that loads rows and runs ANALYZE before its
 * counters are flushed (they are, at most once a second, when it goes
 * idle) sees the insert counts arrive after ANALYZE reset them: the leaf
 * looks 100 % modified and n_live_tup doubles, though ANALYZE saw every
 * row.  (ANALYZE inside the loading transaction leaves n_live_tup equal
 * to the modified count instead.)  Told apart from rows really written
 * since by what the server shows: the main fork has exactly the pages
 * ANALYZE counted (rows added since would have extended it), the counters
 * hold inserts only (no dead rows; n_live_tup between the modified count
 * and that plus what ANALYZE counted; as many inserts since the last
 * VACUUM, which a DELETE then VACUUM would not leave; no insert ever
 * counted before the ANALYZE) and no more rows than ANALYZE saw.  Costs one stat() per leaf that looks stale.  The
 * counters are kept as the server shows them; ps_stats_stale() reads the
 * verdict.
 */
static bool
mods_before_analyze(PsPartition *part, Form_pg_class form,
					int64 inserted_ever)
{
	int64		main_bytes = 0;
	double		base = form->reltuples;
	double		slack;

	if (part->last_analyze == 0 || base <= 0 || part->is_foreign ||
		part->mods_since_analyze <= PS_STALE_FRACTION * base)
		return false;
	slack = Max(1.0, 0.02 * base);
	/*
	 * Every insert the counters ever saw arrived after the ANALYZE: rows
	 * loaded, flushed, analyzed, then inserted again would show more (the
	 * first load counted before it) even when the new rows fit in the
	 * pages the table had.
	 */
	if ((double) inserted_ever > (double) part->mods_since_analyze + slack)
		return false;
	if ((double) part->dead_tuples > slack ||
		(double) part->ins_since_vacuum < (double) part->mods_since_analyze - slack ||
		(double) part->mods_since_analyze > base + slack ||
		(double) part->live_tuples < (double) part->mods_since_analyze - slack ||
		(double) part->live_tuples > (double) part->mods_since_analyze + base + slack)
		return false;
	(void) class_bytes(form, true, &main_bytes);
	return main_bytes == (int64) form->relpages * BLCKSZ;
}

void
ps_fill_rows(PsPartition *part, HeapTuple classtup, bool with_pgstat)
{
	Form_pg_class form = (Form_pg_class) GETSTRUCT(classtup);
	PgStat_StatTabEntry *tab = NULL;

	part->reltuples = form->reltuples;
	if (with_pgstat)
		tab = ps_fetch_tabentry(part->relid);
	part->has_pgstat = (tab != NULL);
	if (tab)
	{
		part->live_tuples = PS_TAB_LIVE(tab);
		part->dead_tuples = PS_TAB_DEAD(tab);
		part->mods_since_analyze = PS_TAB_MODS(tab);
		part->ins_since_vacuum = PS_TAB_INS_VAC(tab);
		part->last_analyze = Max(PS_TAB_ANALYZE(tab),
								 PS_TAB_AUTOANALYZE(tab));
		part->counters_late = mods_before_analyze(part, form,
												  tab->tuples_inserted);
	}

	if (part->is_foreign)
	{
		part->est_rows = -1;
		part->rows_source = PS_ROWS_NONE;
	}
	else if (form->reltuples >= 0)
	{
		part->est_rows = (int64) rint(form->reltuples);
		part->rows_source = PS_ROWS_RELTUPLES;
	}
	else if (part->heap_pages == 0)
	{
		part->est_rows = 0;
		part->rows_source = PS_ROWS_EMPTY;
	}
	else if (tab && PS_TAB_LIVE(tab) > 0)
	{
		part->est_rows = PS_TAB_LIVE(tab);
		part->rows_source = PS_ROWS_PGSTAT;
	}
	else
	{
		int32		width = estimated_row_width(part->relid, form->relnatts);
		double		tuple_width;
		double		density;

		tuple_width = MAXALIGN(width) + MAXALIGN(SizeofHeapTupleHeader) +
			sizeof(ItemIdData);
		density = (BLCKSZ - SizeOfPageHeaderData) / tuple_width;
		part->est_rows = (int64) rint(density * part->heap_pages);
		part->rows_source = PS_ROWS_PAGES;
	}
}
