/*
 * quota.h - engine/quota/: bilateral labour-quota listings, who is
 * eligible for them, and placements that take their slots without ever
 * overbooking; also the listings a match answer shows and the import. One
 * file per job (record.c, validate.c, listing.c, eligibility.c,
 * for_profile.c, placement.c, change.c, vacancy_check.c, import.c); what they share
 * is in internal.h. The folder needs ESCO only through engine/taxonomy/
 * and calls nothing of engine/match/ (matching calls quota_for_profile).
 *
 * A listing ("q_<n>") opens `slots` places for one occupation in a
 * destination country to citizens of its origin countries between
 * valid_from and valid_until. Its occupation is an ISCO-08 code (1 to 4
 * digits: a unit group, or a broader group that covers every unit group
 * under it) or an ESCO occupation URI, which stands for its ISCO-08 unit
 * group; the group is stored beside it (`isco`).
 *
 * Eligibility of a person (a profile document) for a listing has four
 * parts; each that fails is named in `reasons`:
 *   origin_country  the citizenship is one of origin_countries (a profile
 *                   without citizenship is not eligible: it cannot be shown);
 *   occupation      one of the person's occupations falls in the listing's
 *                   group: its ISCO-08 unit group (4 digits, or an ESCO URI's
 *                   unit group) starts with the listing's code - for a
 *                   4-digit listing, the unit groups are equal;
 *   dates           the person can start before the listing closes:
 *                   max(today, available_from) <= valid_until (someone
 *                   available before valid_from simply starts on it);
 *   full            slots_taken < slots;
 *   closed          the listing was not closed (DELETE /v1/quotas/{id}).
 *
 * Placements ("pl_<n>") take one slot each with a single conditional
 * UPDATE in the transaction that inserts the placement and its audit row
 * (see data/sql/004_quotas.sql), so concurrent placements from any number
 * of server processes never take more slots than exist. Releasing a
 * placement gives its slot back, once.
 *
 * Every function returns 0, or -1 with the problem set (PROBLEM_INVALID bad
 * input, NOT_FOUND, CONFLICT, RULE, NOT_ELIGIBLE, UNAVAILABLE: PostgreSQL down
 * or no memory).
 */
#ifndef FAIRMATCH_QUOTA_H
#define FAIRMATCH_QUOTA_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/keys.h"
#include "engine/core/problem.h"
#include "engine/store/store.h"

/* Documented maxima (docs/quotas.md). */
#define QUOTA_AGREEMENT_MAX 300
#define QUOTA_ORIGINS_MAX 100
#define QUOTA_CONDITIONS_MAX 5000
#define QUOTA_SLOTS_MAX 10000000
#define QUOTA_LIST_DEFAULT 100
#define QUOTA_LIST_MAX 1000
/* Entries in a match answer's "quotas" list. */
#define QUOTA_MATCH_MAX 50

/* "q_12" -> 12; -1 when malformed. */
int quota_parse_id(const char *s, int64_t *id);

/* Checks a posted listing (PROBLEM_INVALID for unknown fields, types,
 * formats, an unknown ISCO group or ESCO URI; PROBLEM_RULE for valid_until before valid_from or
 * in the past, or a destination that is also an origin) and returns the
 * canonical document (caller owns), with "isco" filled in. */
int quota_validate(const json_t *in, json_t **out, problem *p);

/* Stores a canonical document (who NULL: the command line), audited as
 * "quota.create". *out is the representation (caller owns). */
int quota_create(store *s, const struct principal *who, const json_t *doc, json_t **out,
		 problem *p);

/*
 * Changes a listing (admins; change.c): a JSON merge patch of `slots`,
 * `valid_from`, `valid_until` and `conditions`. The other fields of a
 * listing are fixed (PROBLEM_RULE, code "immutable": open a new listing);
 * unknown fields, types and formats are PROBLEM_INVALID; valid_until before
 * valid_from, or a new valid_until in the past, PROBLEM_RULE. Slots below
 * those already taken, or a closed listing, are PROBLEM_CONFLICT. The row
 * is locked for the transaction, so a placement waits for the change (or
 * the change for it) and slots never fall below the placements made.
 * Audited as "quota.update" with the changed fields.
 */
int quota_patch(store *s, const struct principal *who, int64_t id, const json_t *patch,
		json_t **out, problem *p);
/* Closes a listing: no placement is taken on it again, it leaves match
 * answers, and it stays readable with "closed": true. Audited as
 * "quota.close". PROBLEM_CONFLICT when closed already. */
int quota_close(store *s, const struct principal *who, int64_t id, json_t **out, problem *p);

/* One listing with slots_taken and slots_remaining; PROBLEM_NOT_FOUND when unknown. */
int quota_get(store *s, int64_t id, json_t **out, problem *p);

/* Filters of GET /v1/quotas, as given in the query string (NULL: absent). */
struct quota_query {
	const char *origin;      /* country code: listings open to it */
	const char *destination; /* country code */
	const char *occupation;  /* ISCO-08 code (1-4 digits) or ESCO occupation URI:
				    listings whose group contains it or lies within it */
	const char *limit;       /* 1..QUOTA_LIST_MAX, default QUOTA_LIST_DEFAULT */
	const char *cursor;      /* next_cursor of the previous page */
	const char *caller_org;  /* who asks: a cursor is signed for it (may be NULL) */
};

/* {"items":[...], "next_cursor": signed cursor | null}, in id order. With a
 * profile (a profile document, borrowed) each item also carries
 * "eligible" and "reasons" for that person. PROBLEM_INVALID for a bad filter. */
int quota_list(store *s, const struct quota_query *q, const json_t *profile, json_t **out,
	       problem *p);

/*
 * The "quotas" part of a match answer (API.md, Matching) for a profile
 * document (stored representation or inline canonical document, borrowed):
 * *out_list gets a new array of
 *   {"quota":{"id","agreement","destination_country","occupation",
 *             "illustrative"},
 *    "eligible":bool, "slots_remaining":n, "reasons":[...]}
 * Listed are the listings still open today (valid_until >= today) whose
 * occupation group holds one of the person's occupations: the eligible
 * ones first, then the near misses (wrong origin country, closing before
 * the person is available, or full) with their reasons; each group in id
 * order, at most QUOTA_MATCH_MAX entries. Listings for other occupations
 * are left out (so "occupation" never appears here). A profile with no
 * occupation gets an empty list.
 */
int quota_for_profile(store *s, const json_t *profile_doc, json_t **out_list, problem *p);

/*
 * Places the person of profile_doc (read by the caller through
 * profile_get, which audits the read) on listing `quota`: PROBLEM_NOT_FOUND
 * unknown listing; PROBLEM_NOT_ELIGIBLE (errors name each reason as its
 * code); PROBLEM_CONFLICT when no slot is left or the profile already holds a live placement
 * on it. On success *out = {"id":"pl_<n>","quota","profile_id",
 * "created_at","slots_remaining"} and the audit log has a
 * "quota.placement" row (object: the listing id) in the same transaction.
 */
int quota_place(store *s, const struct principal *who, int64_t quota, const json_t *profile_doc,
		json_t **out, problem *p);

/* Checks a POST /v1/quotas/{id}/placements body {"profile_id"} (PROBLEM_INVALID with
 * field errors); *profile_id borrows from in. */
int quota_placement_validate(const json_t *in, const char **profile_id, problem *p);

/* Releases placement `placement_id` ("pl_<n>") of listing `quota` and gives
 * its slot back, audited as "quota.release" (actor who). With org set,
 * only that organisation's placements are found (not found otherwise); org NULL
 * reaches any (the API passes api_scope(): counsellors are scoped, admins
 * not). A placement already released is a CONFLICT; an unknown one NOT_FOUND. */
int quota_release(store *s, const struct principal *who, const char *org, int64_t quota,
		  const char *placement_id, json_t **out, problem *p);

/* The vacancy hook: when a vacancy document carries "quota_id", the listing
 * must exist (else PROBLEM_RULE, field quota_id) and the vacancy's occupation must
 * fall in the listing's ISCO-08 group and its country be the listing's
 * destination (else PROBLEM_RULE, fields occupation / country). 0 when fine, when
 * there is no quota_id, or when quota_id, occupation or country is not a
 * string (vacancy validation answers those with PROBLEM_INVALID). */
int quota_check_vacancy(store *s, const json_t *vacancy, problem *p);

/* fairmatch import quotas FILE: CSV with a header (columns agreement,
 * origin_countries ("|"-separated), destination_country, occupation,
 * slots, valid_from, valid_until, conditions, illustrative) when the name
 * ends in .csv, else JSON lines as POST /v1/quotas takes them. Each good
 * record is stored and audited; each bad one is reported on `report` as
 * "line N: reason". 0 when the whole file was read (*bad counts rejected
 * records), -1 on an I/O or database failure (reported). */
int quota_import_file(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad);

#endif
