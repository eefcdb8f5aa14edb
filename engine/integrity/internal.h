/*
 * internal.h - what the files of engine/integrity/ share, and nothing outside
 * the folder may use (the integ__ tier): the SQL column lists and their row
 * decoders, the error helpers of the write paths, the check's match record,
 * the layout of the snapshot (the check and the verdicts read its entries
 * directly) and the name index's hooks for writers and the refresher.
 */
#ifndef FAIRMATCH_INTEGRITY_INTERNAL_H
#define FAIRMATCH_INTEGRITY_INTERNAL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define FLAG_COLUMNS                                                                       \
	"f.id, f.recruiter, f.severity, f.reason, f.evidence, f.authority, " TS("f.expires_at") \
	", " TS("f.created_at") ", l.reason, " TS("l.lifted_at") ", l.lifted_org, "           \
	"(f.expires_at IS NOT NULL AND f.expires_at <= now()), "                               \
	"coalesce(extract(epoch FROM f.expires_at)::bigint, 0)"

#define RECRUITER_COLUMNS                                                                  \
	"r.id, r.name, array_to_json(r.aliases)::text, r.country, r.licence_number, "        \
	"r.licence_authority, r.licence_valid_until::text, " TS("r.created_at") ", "         \
	"(r.licence_number IS NOT NULL AND (r.licence_valid_until IS NULL OR "                \
	"r.licence_valid_until >= current_date))"

/* ---- check.c, verdict.c: one name, as written; declared.c splits a name
 * that declares others and calls these for the whole and each part ---- */

/* integrity_check for one name. */
int integ__check_one(store *s, const char *name, const char *licence, const char *country,
		     json_t **out, problem *p);
/* integrity_snapshot_verdict_of for one name. */
int integ__verdict_of_one(const integrity_snapshot *snap, const char *name, const char *licence,
			  const char *country, struct integrity_verdict *out);

/* ---- config.c ---- */

/* PROBLEM_UNAVAILABLE "out of memory"; -1. */
int integ__oom(problem *p);
/* Rolls back and reports a database failure (PROBLEM_INVALID for a malformed value,
 * unless p already holds a problem); -1. */
int integ__db_fail(store *s, problem *p);
/* RFC 3339 date-time (...Z or +hh:mm, optional fraction) or a date. */
int integ__time_valid(const char *s);

/* ---- rows.c ---- */

json_t *integ__str_or_null(PGresult *r, int row, int col);
/* The flag of FLAG_COLUMNS starting at column col, with its lift. */
json_t *integ__flag_from_row(PGresult *r, int row, int col);
/* The recruiter of RECRUITER_COLUMNS (without its flags). */
json_t *integ__recruiter_from_row(PGresult *r, int row);

/* ---- records.c, flags.c: inserts inside the caller's transaction ---- */

int integ__recruiter_insert(store *s, const struct principal *who, const json_t *in, int64_t *id,
			    problem *p);
int integ__flag_insert(store *s, const struct principal *who, const char *authority,
		       int64_t recruiter, const json_t *in, int64_t *fid, problem *p);
/* Adds "lift_request" to each flag (FLAG_COLUMNS objects) that has one. */
int integ__attach_lift_requests(store *s, json_t *flags, problem *p);
/* 1 when s is one of the NULL-terminated list. */
int integ__one_of(const char *s, const char *const *list);

/* ---- check.c ---- */

struct integ__match {
	int64_t id;
	char name[INTEGRITY_NAME_MAX + 1];
	char country[3];
	double score;
	const char *on; /* "licence", "name", "alias" */
	int licensed;   /* from the registry (the SQL path asks later) */
	/* how the name matched, for the answer's explanation */
	double name_score;   /* best name score of this recruiter, 0: none */
	const char *key;     /* "name", "core" (an exact key), "acronym", NULL: by similarity */
	char acronym[NAMES_ACRONYM_CAP]; /* the acronym key it holds, "" none */
	int acronym_holders; /* registered recruiters holding that key */
	int skeleton;        /* through a confusable form */
	int by_licence;      /* the licence matched too (or only) */
	char form[128];      /* the registered normal form that matched (cut) */
};

/* How a name scored against one registered name (integ__name_score). */
struct integ__hit {
	double score;
	const char *key; /* "name", "core", "acronym" or NULL */
	int alias, skeleton;
	const char *form;
	const char *acronym; /* the acronym key held, or NULL */
	int holders;         /* the recruiters holding it */
};

/* The query's forms (names_normalise_forms) and licence key. */
struct integ__query {
	const char *norm, *skel, *ln;
	const char *akeys;   /* the query's acronym keys, space-separated, or NULL */
	int apure;           /* the query is nothing but an acronym (names.h) */
	const char *country; /* the asked country, or NULL */
	const char *name;    /* the raw name, for its place-free form, or NULL */
};

/* ---- places.c ---- */
/* Whether normalised words are a country name or capital (ISO 3166). */
int integ__is_place(const char *words);
/* Raw name without a trailing parenthesised part and without the country
 * or capital words after its first kept word, normalised into out; 1 when
 * something was removed and a word is left, else 0. norm: the name's
 * normal form when the caller has it (one normalisation less), or NULL. */
int integ__without_place(const char *name, const char *norm, char *out, size_t cap);
/* Whether a recruiter whose name resembles a registered one (exact_name:
 * it is one of its names, normalised) is another firm by its evidence: a
 * licence (normalised) other than the registered one's, or another
 * country. A name reduced to a common word ("Summit Recruitment SARL",
 * France) must not be the registered "Summit Recruitment Agency" (Namibia). */
/* Whether a normal form says more than one word: "summit" (of "Summit
 * Recruitment Agency (Pty) Ltd", "Summit Placement Services CC", ...) is
 * shared by many firms, so equal forms of one word are no evidence of one
 * firm, and no search-exclusion term (snapshot.c). */
int integ__norm_distinctive(const char *norm);
int integ__evidence_contradicts(int exact_name, const char *ln, const char *country,
				const char *reg_ln, const char *reg_country);

/* The acronym keys of raw name `name` as a query, space-separated in out
 * (cap bytes; "" for none), and *pure (names_acronym_keys). */
void integ__query_acronyms(const char *name, char *out, size_t cap, int *pure);

/* Sorts the matches: a licence first, then by score, then by id; equal
 * scores put the recruiter of the asked country first. */
void integ__order_matches(struct integ__match *m, size_t n, const char *country);
/* Makes *x the match of recruiter id found by its licence (score 1),
 * keeping what a name match of it set (zero *x first for a new one). */
void integ__set_licence_match(struct integ__match *x, int64_t id, const char *name,
			      const char *country, int licensed);
/* Adds (or improves) the match of recruiter id found by name; the new n. */
size_t integ__add_name_match(struct integ__match *m, size_t n, size_t cap, int64_t id,
			     const struct integ__hit *h, const char *name, const char *country,
			     int licensed);
/* names_form_score with the cores already known (core NULL: the same as
 * norm). Fills h->score and h->key ("name", "core" or NULL). */
void integ__name_score(const char *q, const char *qcore, const char *norm, const char *core,
		       struct integ__hit *h);
/* The normalised name without trade words (the candidate query). */
void integ__candidate_query(const char *norm, char *out, size_t cap);

/* ---- exclusions.c: reviewed false positives ---- */

/* Reloads the set of exclusions, each under (recruiter, normal form) and
 * (recruiter, written key), a key R's own names share left out; 0 or -1. */
int integ__exclusions_load(store *s);
void integ__exclusions_free(void);
/* A name's written key, stable across NAMES_FORMS_VERSION: NFKC_Casefold,
 * runs of non-letters one space. "" (and -1) when it has none. */
int integ__exclusion_key(const char *name, char *out, size_t cap);
/* 1 when any exclusion is held (the written key is worth computing). */
int integ__exclusions_any(void);
#define INTEG_XKEY_CAP (INTEGRITY_NAME_MAX * 12 + 1)
/* 1 when the name (its normal form norm, its written key xkey, either may
 * be NULL) was ruled not to be recruiter `recruiter`. */
int integ__excluded(int64_t recruiter, const char *norm, const char *xkey);
/* Drops the name and alias matches excluded for norm / xkey (licence
 * matches stay); the new n. */
size_t integ__drop_excluded(const char *norm, const char *xkey, struct integ__match *m, size_t n);
/* The exclusions naming recruiter (either side), oldest first. */
int integ__exclusions_of(store *s, int64_t recruiter, json_t **out, problem *p);

/* ---- name_index.c, name_lookup.c (their shared layout:
 * registry_internal.h) ---- */

/* Writers hold this shared from their insert to their commit, so that a
 * sync sees every id up to max(id) committed. */
int integ__registry_writer_lock(store *s);
/* The matches of a normalised name and licence from the name index (the
 * same as the SQL path's); *watermark, if given, the last id it holds. */
size_t integ__registry_matches(const char *norm, const char *ln, struct integ__match *m, size_t cap,
			       int64_t *watermark);
/* The same for a query with its confusable form, keeping name matches that
 * score at least min_score (the review threshold, for possible matches). */
size_t integ__registry_lookup(const struct integ__query *q, double min_score,
			      struct integ__match *m, size_t cap, int64_t *watermark);
/* Whether the check, at the threshold, matches raw name `name` (asked
 * for country, or NULL) to recruiter `id` by a name, an alias or its
 * acronym, reviewed false positives excepted: the registry's own lookup,
 * so GET /v1/recruiters/{id}/vacancies decides as the check does. *score,
 * if given, gets the match's score. The registry must be live. */
int integ__check_names(const char *name, const char *country, int64_t id, double *score);
/* The last recruiter id the name index holds, without its lock. */
int64_t integ__registry_watermark(void);
void integ__registry_free(void);

/* ---- token_index.c (under the registry's lock) ---- */

/* Indexes the distinctive words of registered name `name` (its normal form). */
int integ__tokens_add(uint32_t name, const char *norm);
/* Calls fn for the names sharing a word (or half of a long word) with form,
 * rarest keys first, at most max times; the number of calls. */
size_t integ__tokens_lookup(const char *form, void (*fn)(uint32_t name, void *arg), void *arg,
			    size_t max);
/* Indexes the acronym keys of registered name `name` (space-separated). */
int integ__acronyms_add(uint32_t name, const char *keys);
/* The names holding acronym key `key` (*names, ascending); their number. */
uint32_t integ__acronym_names(const char *key, const uint32_t **names);
size_t integ__tokens_bytes(void);
void integ__tokens_free(void);

/* ---- snapshot.c ---- */

struct integ__entry {
	int64_t id;
	enum integrity_kind kind; /* FLAGGED or BLACKLISTED */
	char **norms;             /* name and aliases, normalised */
	size_t n_norms;
	char *licence;            /* normalised, or NULL */
	json_t *flags;            /* active flags */
	int64_t *expiry;          /* of each flag: epoch seconds, 0: none */
	unsigned char *black;     /* of each flag: severity blacklist */
	size_t flag_cap;          /* room in expiry and black */
	char *name;               /* as registered */
	char country[3];
	int licensed;             /* at load time */
};

struct integrity_snapshot {
	atomic_int refs;
	int is_static;
	uint64_t generation;
	struct integ__entry *e;
	size_t n;
	char **terms[2]; /* [0] blacklist only, [1] blacklist and warning */
	size_t nterms[2], capterms[2];
	int64_t next_expiry; /* epoch seconds of the first flag to expire, 0: none */
	/* A memo of the flagged scan by normalised name and licence: search
	 * results repeat recruiters, and the scan compares every flagged one.
	 * The snapshot is immutable, so an answer stays right for its life. */
	pthread_mutex_t memo_lock;
	struct integ__memo_slot *memo; /* MEMO_SLOTS, allocated on first use */
	size_t memo_n;
};

#define MEMO_SLOTS 8192 /* power of two; filled at most half, then emptied */

struct integ__memo_slot {
	char *key;     /* norm "\x1f" licence "\x1f" country, NULL: empty */
	long best;     /* flagged entry index, -1: no flagged match */
	double score;
	/* the registry's answer when no flag matched, valid while the
	 * registry's watermark and the day are these */
	int64_t reg_wm; /* -1: not asked */
	int reg_day;
	int reg_kind;   /* enum integrity_kind: UNKNOWN, LICENSED or UNLICENSED */
	int64_t reg_id;
	double reg_score;
	/* a blacklisted entry in the review band, -1: none: by the flagged
	 * names' scan (held), by the register's lookup as the check's
	 * possible matches (reg_held, valid with reg_wm) */
	long held;
	double held_score;
	long reg_held;
	double reg_held_score;
};

/* Swaps in the empty snapshot and drops the current one. */
void integ__snapshot_reset(void);

/* ---- refresher.c ---- */

/* The name index is kept current only while the refresher runs. */
int integ__registry_live(void);

static inline int integ__days_today(void)
{
	return (int)(time(NULL) / 86400);
}

#endif
