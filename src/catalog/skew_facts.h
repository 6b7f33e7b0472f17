/*-------------------------------------------------------------------------
 *
 * skew_facts.h
 *	  Reading the facts of the skew analysis (skew_facts.c): exact counts,
 *	  key statistics, catalog sizes, index counts and definitions.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/catalog/skew_facts.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_SKEW_FACTS_H
#define PARTSTRAT_SKEW_FACTS_H

#include "postgres.h"

#include "skew.h"

/* (leaf OID, index in PsSkew.leaves), sorted by OID */
typedef struct OidIndex
{
	Oid			oid;
	int			index;
} OidIndex;

extern OidIndex *ps_leaf_oid_index(PsSkew *s);
extern int	ps_find_leaf(const OidIndex *map, int n, Oid oid);

/* exact => true: every leaf's rows counted (ERROR when the caller may not) */
extern void ps_facts_count_exact(PsSkew *s, const OidIndex *map);

/* May the current user read pg_stats of the key columns (as pg_stats)? */
extern bool ps_facts_stats_readable(PsTree *tree);

/* Leaves never analyzed nor vacuumed: sized from their files, rows estimated. */
extern void ps_facts_refresh_unanalyzed(PsTree *tree);

/* A leaf's bytes: relpages when its statistics are fresh, else the files. */
extern void ps_facts_catalog_bytes(PsSkew *s, PsLeafSkew *l, PsSizer **sizer);

/* Valid indexes per leaf; index pages added to catalog-sized leaves. */
extern int *ps_facts_index_counts(PsSkew *s, const OidIndex *map);

/* Index signatures ("UNIQUE USING btree (id)") of each relation. */
extern List **ps_facts_index_signatures(const Oid *relids, int n);

#endif							/* PARTSTRAT_SKEW_FACTS_H */
