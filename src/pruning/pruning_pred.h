/*-------------------------------------------------------------------------
 *
 * pruning_pred.h
 *	  Private to the predicate classifier (pruning_find.c, pruning_keys.c,
 *	  pruning_classify.c): the partition key of one level as the query sees
 *	  it, and the helpers the three files share.
 *
 * Copyright (c) 2026, partstrat developers
 *
 * IDENTIFICATION
 *	  src/pruning/pruning_pred.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTSTRAT_PRUNING_PRED_H
#define PARTSTRAT_PRUNING_PRED_H

#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"

#include "pruning.h"

/* The partition key of one level, in the attnos of the query's table. */
typedef struct DiagCtx
{
	Query	   *query;			/* the query level of the table */
	int			rti;			/* the table's range table index */
	char		strategy;
	int			nkeys;
	Node	  **keyexprs;		/* Var or expression, varno = rti */
	Oid		   *opfamilies;
	Oid		   *keytypes;
	Oid		   *collations;		/* partition collations (0 if none) */
	char	  **keynames;
	Node	  **keyraw;			/* key expressions as keynames deparse them
								 * (varno 1, attnos of keyrel), NULL for a
								 * column */
	Oid			keyrel;			/* the level whose key this is */
	uint32		eqmask;			/* key columns the WHERE gives by = or IS NULL */
	uint32		anymask;		/* key columns it gives by any usable operator */
	PsPredFindings *f;
} DiagCtx;

/* What an expression references, relative to the table's query level. */
typedef struct VarRefCtx
{
	int			rti;
	int			sublevels;
	bool		this_rel;		/* a Var of rti at the table's level */
	bool		other_rel;		/* a Var of another rti at that level */
	bool		outer_ref;		/* a Var of an enclosing query */
	bool		sublink;
	bool		exec_param;
	bool		ext_param;
	Var		   *other_var;		/* first Var of another table */
} VarRefCtx;

/* pruning_keys.c */
extern Node *pd_strip_relabel(Node *n);
extern VarRefCtx pd_varrefs(Node *node, int rti);
extern Node *pd_normalize_mutator(Node *node, void *context);
extern int	pd_key_index_of(DiagCtx *cx, Node *node);
extern Bitmapset *pd_pull_varattnos_of(Node *node, int rti);
extern int	pd_mentions_key(DiagCtx *cx, Node *node);
extern char *pd_var_name(DiagCtx *cx, Var *v);
extern void pd_key_mask(DiagCtx *cx, Node *clause, uint32 *eq, uint32 *any);
extern char *pd_mask_names(DiagCtx *cx, uint32 mask);
extern char *pd_eq_template(DiagCtx *cx);
extern uint32 pd_all_keys(DiagCtx *cx);

/* pruning_classify.c */
extern void pd_note(DiagCtx *cx, PsPredClass cls, char *detail, char *rewrite);
extern void pd_classify_top(DiagCtx *cx, Node *clause);
extern void pd_classify_jointree(DiagCtx *cx, Node *jt);

#endif							/* PARTSTRAT_PRUNING_PRED_H */
