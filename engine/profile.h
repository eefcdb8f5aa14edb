/*
 * profile.h - a migrant's skill profile: pseudonymous, consented, audited.
 *
 * The engine stores no direct identifiers (no name, document number or
 * contact): a profile is known by a random id "p_<16 hex>". Only counsellors
 * of the owning organisation read or change it; every read (and every match)
 * writes an audit row in the same transaction. Erasure deletes the row and
 * its index document at once; the audit log keeps only that it happened.
 *
 * Implemented in engine/profile.c (issue 4). Other modules (quotas,
 * matching) read profiles only through profile_get.
 */
#ifndef FAIRMATCH_PROFILE_H
#define FAIRMATCH_PROFILE_H

#include <jansson.h>

#include "engine/keys.h"
#include "engine/core/problem.h"
#include "engine/store/store.h"

#define PROFILE_ID_LEN 18 /* "p_" + 16 hex digits */

/* Checks a posted profile (PROBLEM_INVALID for unknown fields such as "name" or
 * "passport", bad types or formats); returns the canonical document. */
int profile_validate(const json_t *in, json_t **out, problem *p);
/* Whether s looks like a profile id. */
int profile_id_valid(const char *s);

int profile_create(store *s, const struct principal *who, const json_t *doc, json_t **out,
		   problem *p);
/* Reads the profile `id` of who's organisation (PROBLEM_NOT_FOUND otherwise) and audits
 * the read with `why` ("read", "match", "quota_eligibility", ...) in the same
 * transaction. *out is the representation (caller owns). With why "match",
 * a profile whose consent.matching is false is PROBLEM_CONFLICT, audited
 * as "profile.match_refused". */
int profile_get(store *s, const struct principal *who, const char *id, const char *why,
		json_t **out, problem *p);
/* A walk-in (an inline profile, validated by profile_validate, never
 * stored) about to be matched: audited as "match.inline", no object and no
 * content. One whose consent.matching is false said no, as a stored one
 * can: PROBLEM_CONFLICT, audited as "match.inline_refused". 0, or -1. */
int profile_match_inline(store *s, const struct principal *who, const json_t *doc, problem *p);
int profile_patch(store *s, const struct principal *who, const char *id, const json_t *patch,
		  json_t **out, problem *p);
int profile_erase(store *s, const struct principal *who, const char *id, problem *p);

/* Documented maxima (docs/api.md). */
#define PROFILE_OCCUPATIONS_MAX 10
#define PROFILE_SKILLS_MAX 100
#define PROFILE_SKILL_MAX 200
#define PROFILE_LANGUAGES_MAX 10
#define PROFILE_COUNTRIES_MAX 30
/* birth_year: the person is PROFILE_AGE_MIN (ILO C138's minimum working
 * age, counted as the age reached this year) to PROFILE_AGE_MAX this year. */
#define PROFILE_AGE_MIN 15
#define PROFILE_AGE_MAX 100

/* The consented candidate pool for an employer's vacancy (issue 4): the
 * profiles with consent.matching and consent.show_to_employers that hold
 * any of `skills` or any of `occupations` (JSON arrays of strings, borrowed;
 * exact elements of the stored arrays), at most `max` of them, newest
 * first, as an array of {"id", "doc"} (caller owns). "doc" is the
 * minimised card the database gives (skills, occupations, languages,
 * experience_years, desired_countries: 009_profile_cards.sql), and only to
 * a connection acting as an employer. No audit row: the caller audits each
 * card it shows, inside its own transaction. */
int profile_candidates(store *s, const json_t *skills, const json_t *occupations, size_t max,
		       json_t **out, problem *p);

#endif
