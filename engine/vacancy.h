/*
 * vacancy.h - vacancies: validation of the posted fields, the write rules
 * (blacklisted recruiter, quota id), and their storage in PostgreSQL with a
 * change-log row per write (so the index follows).
 *
 * A vacancy's fields are kept as the validated JSON document the API takes
 * (jsonb "doc"), with the columns the database filters on copied out. The
 * representation the API returns adds "id" ("v_<n>"), "status" and times.
 * Functions taking `org` enforce ownership: another organisation's vacancy
 * is reported as not found, never as forbidden, so its existence is not revealed.
 */
#ifndef FAIRMATCH_VACANCY_H
#define FAIRMATCH_VACANCY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/problem.h"
#include "engine/store/store.h"

/* Documented maxima (docs/api.md). */
#define VACANCY_TITLE_MAX 200
#define VACANCY_DESCRIPTION_MAX 20000
#define VACANCY_SKILLS_MAX 50
#define VACANCY_SKILL_MAX 200
#define VACANCY_LANGUAGES_MAX 10
#define VACANCY_POSITIONS_MAX 100000
#define VACANCY_DEFAULT_VALID_DAYS 90

/* The values of employment_type (schema.org JobPosting's, lowercase), NULL-ended. */
extern const char *const vacancy_employment_types[];

/* Checks a posted vacancy and returns its canonical document (defaults
 * filled in, caller owns *out). PROBLEM_INVALID for a bad type/format/unknown
 * field, PROBLEM_RULE for a rule (worker_fees > 0, valid_until in the past, salary max < min). */
int vacancy_validate(const json_t *in, json_t **out, problem *p);

/* "v_123" -> 123; -1 when malformed. */
int vacancy_parse_id(const char *s, int64_t *id);

/* Each writer returns 0 and the API representation in *out (caller owns),
 * and the change-log seq of the write in *seq; or -1 with p set.
 *
 * The write rules, checked in the write's transaction by create, patch and
 * the batch alike:
 *   - a recruiter the integrity check finds blacklisted refuses the write:
 *     PROBLEM_RULE on subject "vacancy", detail "recruiter 'X' is blacklisted
 *     (flag f_N: reason)", field error recruiter/blacklisted;
 *   - a quota_id must name a listing the vacancy fits (quota_check_vacancy:
 *     PROBLEM_RULE, field quota_id/unknown, or occupation/country quota_mismatch).
 * Create and patch add any other verdict of a vacancy with a recruiter to
 * *out as "recruiter_verdict": {"verdict", "flags"}. */
int vacancy_create(store *s, const char *org, const json_t *doc, json_t **out, int64_t *seq,
		   problem *p);
/* org NULL: any organisation may read. */
int vacancy_get(store *s, int64_t id, const char *org, json_t **out, problem *p);
/* An RFC 7396 merge patch of the fields; the result is validated whole. */
int vacancy_patch(store *s, int64_t id, const char *org, const json_t *patch, json_t **out,
		  int64_t *seq, problem *p);
/* Closing twice is harmless (the second answers the closed vacancy). */
int vacancy_close(store *s, int64_t id, const char *org, json_t **out, int64_t *seq, problem *p);

/* Told of each document of a batch that a rule refuses: its index in docs
 * and the problem (borrowed for the call). */
typedef void (*vacancy_rejected_fn)(size_t index, const problem *p, void *arg);

/* Stores n canonical documents in one transaction, but those the write
 * rules refuse, which are reported to rejected (when not NULL) and not
 * stored; *last_seq is the seq of the batch's change-log rows (0 when none
 * was stored). -1 with p set, and nothing stored, when the database or
 * memory fails (a rule's 5xx included); refusals reported before such a
 * failure were reported all the same, though nothing of the batch is kept. */
int vacancy_insert_batch(store *s, const char *org, json_t *const *docs, size_t n,
			 vacancy_rejected_fn rejected, void *arg, int64_t *last_seq, problem *p);

/* ---- the change feed (vacancy/feed.c) ---- */
#define VACANCY_FEED_LIMIT_DEFAULT 100
#define VACANCY_FEED_LIMIT_MAX 1000

struct vacancy_feed_query {
	const char *since;      /* a next_cursor of this feed, NULL: from the beginning */
	const char *limit;      /* as given in the URL, validated here */
	const char *org;        /* only this organisation's vacancies (employers), or NULL */
	const char *caller_org; /* the reader's organisation: the cursor is bound to it */
};

/* Fills *out with {"items":[{"seq","id","change","at","vacancy"}],
 * "next_cursor","more"}: the change-log rows after since, in seq (commit)
 * order. change is created, changed or closed; vacancy is the vacancy as
 * it is now (status included), null on a closed item. next_cursor is never
 * null (an empty page: caught up); more says a full page was answered.
 * PROBLEM_INVALID for a bad limit, or a since this server did not give
 * this reader (tampered, another organisation's, another list's). */
int vacancy_changes(store *s, const struct vacancy_feed_query *q, json_t **out, problem *p);

/* vacancy_insert_batch with two more outputs: dry_run 1 checks the rules
 * and stores nothing; ids (NULL, or n slots) gets the id of each document
 * stored, 0 for one refused or not stored. */
int vacancy_import_batch(store *s, const char *org, json_t *const *docs, size_t n, int dry_run,
			 vacancy_rejected_fn rejected, void *arg, int64_t *ids, int64_t *last_seq,
			 problem *p);

/* ---- the nightly close of expired vacancies (vacancy/expire.c) ---- */
#define VACANCY_EXPIRE_BATCH 10000         /* vacancies closed per transaction */
#define VACANCY_EXPIRE_CHECK_SECONDS 600   /* how often serve's thread looks at the date */

/* Closes every open vacancy whose valid_until is before today ("YYYY-MM-DD";
 * NULL: the UTC date now), as DELETE /v1/vacancies/{id} closes one: each
 * gets a change-log row "closed" (the index drops it; the change feed and
 * index replicas see it) and an audit row "vacancy.expire" (actor the
 * system, in the vacancy's organisation). A vacancy a writer holds locked
 * is left for the next run. *closed gets how many; 0, or -1 (store_error). */
int vacancy_expire(store *s, const char *today, long long *closed);
/* The thread of `serve` that runs vacancy_expire at start and after each
 * (UTC) midnight over its own connection (the server role's); stop joins it. */
int vacancy_expire_start(const char *conninfo);
void vacancy_expire_stop(void);

/* ---- imports (vacancy/import.c, docs/data.md) ---- */
#define VACANCY_IMPORT_ITEMS_MAX 1000 /* items of one POST /v1/vacancies/import */

struct vacancy_import_opts {
	/* hiringOrganization is the employer (the importing organisation):
	 * not kept. 0 (the default): it is the recruiter, checked like one. */
	int hiring_org_is_employer;
	/* The country of postings whose jobLocation names none (NULL: none). */
	const char *default_country;
};

/* 1 when item is JSON-LD (has @type or @context), else a fairmatch vacancy. */
int vacancy_import_is_jsonld(const json_t *item);
/* A schema.org JobPosting as the vacancy object POST takes (*out, caller
 * owns), not yet validated; PROBLEM_INVALID when it is no JobPosting. */
int vacancy_from_jobposting(const json_t *jp, const struct vacancy_import_opts *o, json_t **out,
			    problem *p);
/* An item of an import (a vacancy object or a JobPosting), mapped and
 * validated: the canonical document in *doc (as vacancy_validate). */
int vacancy_import_item(const json_t *item, const struct vacancy_import_opts *o, json_t **doc,
			problem *p);
/* The items of a JSON document: an array's elements, an object's @graph
 * JobPosting nodes, or the object itself; as a new array of [index, item]
 * (index in the array or @graph). NULL with p set: not an array or object
 * (PROBLEM_INVALID), no memory. */
json_t *vacancy_import_items(const json_t *v, problem *p);
/* CSV: checks a header's column names (each unknown one named), and maps
 * one row (names and values, n columns) to a vacancy object (*out). */
int vacancy_csv_header(const char *const *names, size_t n, problem *p);
int vacancy_from_csv(const char *const *names, const char *const *values, size_t n,
		     json_t **out, problem *p);

/* The API representation from a row of VACANCY_COLUMNS. */
json_t *vacancy_from_row(PGresult *r, int row);
#define VACANCY_COLUMNS                                                                  \
	"id, org, status, doc::text, "                                                   \
	"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "      \
	"to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The compact card the search index keeps as a vacancy's document data
 * (engine/vacancy/card.c): the vacancy's JSON with its ESCO skill and
 * occupation URIs as positions in the loaded taxonomy. encode gives
 * malloc'd text and its length (NULL when out of memory); decode gives the
 * vacancy as the API shows it, or NULL (not JSON, a position the taxonomy
 * does not have, no taxonomy, out of memory). */
char *vacancy_card_encode(const json_t *v, size_t *len);
json_t *vacancy_card_decode(const char *data, size_t len);

#endif
