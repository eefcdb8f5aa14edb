/*
 * esco.h - the ESCO taxonomy (occupations, skills, their relations and the
 * ISCO-08 groups) loaded into memory, read-only.
 *
 * esco_load reads the gzipped ESCO CSV files shipped under data/esco/ (see
 * data/esco/SOURCES.md): English occupations, skills, occupation-skill
 * relations, ISCO groups and the occupation hierarchy from ESCO v1.1.1, the
 * French occupation and ISCO labels from v1.1.1, and the Spanish and French
 * skill labels and Spanish occupation and ISCO labels from v1.0.x (joined on
 * the concept URI; concepts missing from v1.0.x just have no label in that
 * language). Everything lives in one arena owned by the `esco` handle and is
 * released by esco_free; every pointer handed out (structs, strings, lists)
 * is borrowed and stays valid until then.
 *
 * Invariants: every occupation has a URI, an English preferred label and a
 * 4-digit ISCO-08 unit group code that esco_isco_valid accepts; every skill
 * in an occupation's essential/optional list is a loaded skill (relations to
 * unknown URIs are dropped); no skill appears twice in one list; every
 * string is valid UTF-8 without NUL bytes (a file that breaks this is
 * rejected with ESCO_ERR_FORMAT), so it may go into JSON unchecked. Lookups are
 * O(1) by URI (a hash table) and O(log n) by ISCO code. The loaded taxonomy
 * is immutable, so a `const esco *` may be shared by any number of threads.
 */
#ifndef FAIRMATCH_ESCO_H
#define FAIRMATCH_ESCO_H

#include <stddef.h>
#include <stdint.h>

/* Error codes (negative); 0 is success. */
enum {
	ESCO_ERR_IO = -1,     /* a file is missing or unreadable */
	ESCO_ERR_NOMEM = -2,  /* allocation failed */
	ESCO_ERR_FORMAT = -3, /* a file lacks a column, or a row is malformed */
};

/* The directory esco_load reads when given NULL (relative to the cwd). */
#define ESCO_DEFAULT_DIR "data/esco"

typedef enum { ESCO_LANG_EN = 0, ESCO_LANG_FR = 1, ESCO_LANG_ES = 2, ESCO_LANG_COUNT = 3 } esco_lang;

/* Kinds of concept, usable as a bit mask for the label iterator. */
typedef enum {
	ESCO_KIND_OCCUPATION = 1,
	ESCO_KIND_SKILL = 2,
	ESCO_KIND_ISCO_GROUP = 4,
} esco_kind;

typedef enum {
	ESCO_SKILL_TYPE_UNKNOWN = 0,
	ESCO_SKILL_TYPE_SKILL,     /* "skill/competence" */
	ESCO_SKILL_TYPE_KNOWLEDGE, /* "knowledge" */
} esco_skill_type;

typedef enum {
	ESCO_REUSE_UNKNOWN = 0,
	ESCO_REUSE_TRANSVERSAL,
	ESCO_REUSE_CROSS_SECTOR,
	ESCO_REUSE_SECTOR_SPECIFIC,
	ESCO_REUSE_OCCUPATION_SPECIFIC,
} esco_reuse_level;

/*
 * Proximity of two ISCO-08 codes: the number of leading digits they share,
 * which is the depth of their closest common group.
 */
typedef enum {
	ESCO_ISCO_UNRELATED = 0, /* different major groups, or an invalid code */
	ESCO_ISCO_MAJOR = 1,     /* same major group (1 digit) */
	ESCO_ISCO_SUB_MAJOR = 2, /* same sub-major group (2 digits) */
	ESCO_ISCO_MINOR = 3,     /* same minor group (3 digits) */
	ESCO_ISCO_UNIT = 4,      /* same unit group (4 digits) */
} esco_isco_proximity_level;

/*
 * The labels of one concept in one language. `preferred` is NULL when the
 * concept has no label in that language (then n_alt and n_hidden are 0).
 * `alt` holds the alternative labels without the preferred one and without
 * duplicates; `hidden` the hidden (search-only, often misspelt) labels,
 * which only the v1.1.1 files carry (English, and French occupations).
 */
typedef struct esco_labels {
	const char *preferred;
	const char *const *alt;
	size_t n_alt;
	const char *const *hidden;
	size_t n_hidden;
} esco_labels;

typedef struct esco_skill {
	const char *uri;
	const char *label; /* == labels[ESCO_LANG_EN].preferred, never NULL */
	esco_labels labels[ESCO_LANG_COUNT];
	const char *description; /* English, "" when none */
	esco_skill_type type;
	esco_reuse_level reuse;
	uint32_t index; /* position in esco_skill_at order */
	/* its broader skills in ESCO's skill hierarchy (skill groups, which
	 * are not loaded, left out); none for a top skill */
	const struct esco_skill *const *broader;
	size_t n_broader;
} esco_skill;

typedef struct esco_occupation {
	const char *uri;
	const char *label; /* == labels[ESCO_LANG_EN].preferred, never NULL */
	esco_labels labels[ESCO_LANG_COUNT];
	const char *description; /* English, "" when none */
	char isco[5];            /* ISCO-08 unit group, 4 digits, NUL-terminated */
	const char *code;        /* ESCO code such as "7212.3" */
	/* the parent occupation in ESCO's hierarchy, NULL when the parent is
	 * the ISCO unit group itself */
	const struct esco_occupation *broader;
	const esco_skill *const *essential;
	size_t n_essential;
	const esco_skill *const *optional;
	size_t n_optional;
	uint32_t index; /* position in esco_occupation_at order */
} esco_occupation;

typedef struct esco_isco_group {
	char code[5]; /* 1 to 4 digits, NUL-terminated */
	int level;    /* 1 major .. 4 unit group, == strlen(code) */
	const char *uri;
	const char *label; /* == labels[ESCO_LANG_EN].preferred, never NULL */
	esco_labels labels[ESCO_LANG_COUNT];
} esco_isco_group;

typedef struct esco esco; /* opaque */

/*
 * Loads the taxonomy from directory `dir` (NULL: ESCO_DEFAULT_DIR). On
 * success stores a new handle in *out and returns 0; on failure returns a
 * negative ESCO_ERR_*, leaves *out NULL, frees everything it took and writes
 * a message (file and line first) into err when err is not NULL.
 */
int esco_load(const char *dir, esco **out, char *err, size_t errlen);

/* Releases the handle and every string and list it handed out. NULL is fine. */
void esco_free(esco *tax);

size_t esco_occupation_count(const esco *tax);
size_t esco_skill_count(const esco *tax);
size_t esco_isco_group_count(const esco *tax);

/* Items by position, in file order; NULL when i is out of range. */
const esco_occupation *esco_occupation_at(const esco *tax, size_t i);
const esco_skill *esco_skill_at(const esco *tax, size_t i);
/* ISCO groups in code order ("0", "01", "011", "0110", "02", ...). */
const esco_isco_group *esco_isco_group_at(const esco *tax, size_t i);

/* Lookups by full concept URI; NULL when unknown. */
const esco_occupation *esco_occupation_by_uri(const esco *tax, const char *uri);
const esco_skill *esco_skill_by_uri(const esco *tax, const char *uri);

/* The ISCO-08 group with this exact code (1-4 digits), or NULL. */
const esco_isco_group *esco_isco_group_by_code(const esco *tax, const char *code);

/* 1 when `code` is a 1-4 digit ISCO-08 code of an existing group, else 0. */
int esco_isco_valid(const esco *tax, const char *code);

/*
 * The occupations whose ISCO unit group starts with `code` (1-4 digits):
 * stores a borrowed array in *list (ordered by ISCO code, then file order)
 * and returns its length; 0 (and *list NULL) when none or code is invalid.
 */
size_t esco_occupations_by_isco(const esco *tax, const char *code,
				const esco_occupation *const **list);

/*
 * Number of leading digits two ISCO-08 codes share (esco_isco_proximity_level).
 * Needs no taxonomy: it only checks that each code is 1-4 ASCII digits
 * (otherwise 0). "7212" vs "7213" gives 3 (same minor group 721).
 */
int esco_isco_proximity(const char *a, const char *b);

/* Whether the occupation has skill s as essential (1), optional (2), or not (0). */
int esco_occupation_has_skill(const esco_occupation *occ, const esco_skill *s);

/* Language codes: "en", "fr", "es" <-> esco_lang; -1 / NULL when unknown. */
int esco_lang_from_code(const char *code);
const char *esco_lang_code(esco_lang lang);

/*
 * Iterator over every label of every concept of the kinds in a mask, in
 * every language: for each concept, for each language, the preferred label
 * first, then the alternative labels, then the hidden ones.
 *
 *     esco_label_iter it;
 *     esco_label l;
 *     esco_label_iter_init(&it, tax, ESCO_KIND_OCCUPATION | ESCO_KIND_SKILL);
 *     while (esco_label_next(&it, &l))
 *             index(l.uri, l.kind, l.lang, l.label, l.is_preferred);
 *
 * The iterator holds no resources; it must not outlive the taxonomy.
 */
typedef struct esco_label {
	const char *uri;
	esco_kind kind;
	esco_lang lang;
	const char *label;
	int is_preferred; /* 1 preferred, 0 alternative or hidden */
	int is_hidden;    /* 1 hidden label */
	const void *concept; /* the esco_occupation, esco_skill or esco_isco_group */
} esco_label;

typedef struct esco_label_iter {
	const esco *tax;
	unsigned kinds;
	int kind_pos; /* 0 occupations, 1 skills, 2 ISCO groups, 3 done */
	size_t item;
	int lang;
	size_t label; /* 0 preferred, 1..n_alt alt, then hidden */
} esco_label_iter;

void esco_label_iter_init(esco_label_iter *it, const esco *tax, unsigned kinds);
/* Fills *out and returns 1, or returns 0 when there are no more labels. */
int esco_label_next(esco_label_iter *it, esco_label *out);

#endif
