/*
 * esco_internal.h - what the ESCO files of engine/taxonomy/ share and
 * nothing else may use: the layout of a loaded ESCO, the loader's state,
 * and the esco__ functions one file offers the others. The public API is
 * esco.h.
 */
#ifndef FAIRMATCH_ESCO_INTERNAL_H
#define FAIRMATCH_ESCO_INTERNAL_H

#include <stdint.h>

#include "engine/core/csv.h"
#include "engine/taxonomy/esco.h"

enum { K_OCC = 1, K_SKILL = 2, K_GROUP = 3 };

struct chunk {
	struct chunk *next;
	size_t size, used;
	/* data follows, max_align_t aligned */
};

struct slot {
	uint64_t hash;
	uint32_t ref; /* kind << 28 | index; 0 = empty */
};

struct esco {
	struct chunk *chunks;
	size_t arena_total;

	esco_occupation *occ;
	size_t n_occ, cap_occ;
	esco_skill *skill;
	size_t n_skill, cap_skill;
	esco_isco_group *grp;
	size_t n_grp, cap_grp;

	struct slot *table;
	size_t table_mask;

	const esco_occupation **occ_by_isco;
};

struct loader {
	esco *tax;
	const char *dir;
	char *err;
	size_t errlen;
};

/* ---- the arena and growable arrays (esco_arena.c) ---- */

/* size bytes from t's arena (max_align_t aligned), or NULL past the cap. */
void *esco__arena_alloc(esco *t, size_t size);
/* A NUL-terminated copy of s[0..n) in t's arena, or NULL. */
char *esco__arena_strndup(esco *t, const char *s, size_t n);
/* Makes room for element n of *arr (doubling *cap, never past max): 0, or
 * -1 when full or out of memory. */

/* ---- reading the CSV files (esco_csv.c) ---- */

/* Sets the loader's error message. */
void esco__lerr(struct loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens L->dir/name. 0 or ESCO_ERR_IO. */
int esco__open_csv(struct loader *L, const char *name, csv_reader **r);
/* The column called name, which the file must have. 0 or ESCO_ERR_FORMAT. */
int esco__need_col(struct loader *L, csv_reader *r, const char *file, const char *name, int *col);
/* Turns a csv_next error into an ESCO error with the reader's message. */
int esco__csv_fail(struct loader *L, csv_reader *r, int rc);
/* Every field of the current record must be valid UTF-8 (and hold no NUL). */
int esco__check_record(struct loader *L, csv_reader *r, const char *file);
/* The field in column col of the current record; "" for a missing column (col < 0). */
const char *esco__fld(csv_reader *r, int col, size_t *len);
/* Fills labels from preferredLabel / altLabels / hiddenLabels columns. */
int esco__read_labels(esco *t, csv_reader *r, int c_pref, int c_alt, int c_hidden, esco_labels *lb);

/* ---- lookups (esco.c) ---- */

/* 1 when s is between min and max ASCII digits. */
int esco__is_digits(const char *s, size_t min, size_t max);
/* The ref (kind << 28 | index + 1) of uri, or 0. */
uint32_t esco__table_find(const esco *t, const char *uri);
/* Builds the table of every concept URI (a duplicate URI is an error). */
int esco__table_build(struct loader *L);

#endif
