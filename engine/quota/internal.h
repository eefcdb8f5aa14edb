/*
 * internal.h - what the files of engine/quota/ share, and nothing outside
 * it may use: the listing's columns and representation, the ISCO-08 group
 * of an occupation, and the eligibility rule's person and reasons (the
 * quota__ tier).
 */
#ifndef FAIRMATCH_QUOTA_INTERNAL_H
#define FAIRMATCH_QUOTA_INTERNAL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/quota/quota.h"

#define PERSON_OCC_MAX 16

#define QUOTA_COLUMNS                                                                    \
	"id, agreement, array_to_json(origin_countries)::text, destination_country, "    \
	"occupation, isco, slots, slots_taken, to_char(valid_from, 'YYYY-MM-DD'), "     \
	"to_char(valid_until, 'YYYY-MM-DD'), conditions, illustrative, "                 \
	"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "       \
	"to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static inline const char *quota__str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- the listing record (record.c) ---- */

/* Sets the out-of-memory problem (PROBLEM_UNAVAILABLE); -1. */
int quota__no_memory(problem *p);
/* "<prefix><n>" -> n (n >= 1, at most 18 digits); -1 when malformed. */
int quota__parse_prefixed_id(const char *s, const char *prefix, int64_t *id);
/* Whether s is min..max decimal digits. */
int quota__all_digits(const char *s, size_t min, size_t max);
/* The ISCO-08 group of an occupation (taxonomy_isco_group: a known ISCO-08
 * code as it is, a known ESCO URI as its unit group): 0, -1 when neither or
 * unknown, -2 without ESCO. */
int quota__occupation_group(const char *occ, char code[5]);
/* The PROBLEM_UNAVAILABLE problem when ESCO is needed and missing; -1. */
int quota__taxonomy_down(problem *p);
/* The representation of a QUOTA_COLUMNS row; NULL when out of memory. */
json_t *quota__from_row(PGresult *r, int row);
/* Reads listing id (QUOTA_COLUMNS); PROBLEM_NOT_FOUND when there is none.
 * With lock, the row is locked to the end of the open transaction (FOR NO
 * KEY UPDATE): placements, changes and closing of a listing queue on it. */
PGresult *quota__fetch(store *s, int64_t id, int lock, problem *p);

/* ---- eligibility (eligibility.c) ---- */

enum { R_ORIGIN = 1, R_OCCUPATION = 2, R_DATES = 4, R_FULL = 8, R_CLOSED = 16 };

/* The code of each R_* bit, lowest first. */
extern const char *const quota__reason_names[5];

struct quota__person {
	char codes[PERSON_OCC_MAX][5]; /* ISCO-08 unit groups of the occupations */
	size_t n;
	char citizenship[3];           /* "" when the profile has none */
	char start[11];                /* max(today, available_from) */
};

void quota__person_of(const json_t *doc, struct quota__person *pr);
/* The reasons (R_* bits) why the person is not eligible for listing q. */
unsigned quota__reasons_for(const json_t *q, const struct quota__person *pr);
/* The codes of the bits, as a new array; NULL when out of memory. */
json_t *quota__reasons_json(unsigned bits);
/* A sentence for one reason bit, in buf. */
const char *quota__reason_message(unsigned bit, const json_t *q, const struct quota__person *pr,
				  char *buf, size_t len);

#endif
