/*
 * integrity.h - what engine/integrity/ offers: recruiter integrity. The
 * registry of recruiters, regulator flags (blacklist, warning) and their
 * lifting, the bulk import of a regulator's list, the name/licence check,
 * the audit log query, and the in-memory snapshot of flagged recruiters that
 * search and matching consult on every request. Name normalisation and
 * similarity are the folder's other public header, names.h.
 *
 * PostgreSQL is the truth (data/sql/003_recruiters.sql): flags and lifts are
 * append-only there, and every write is audited in its own transaction. The
 * check (integrity_check): an exact licence match wins, otherwise trigram
 * candidates (pg_trgm's, computed from the in-memory registry of every
 * recruiter while the server runs, by PostgreSQL otherwise) for the
 * normalised name (engine/integrity/names.h) are re-ranked by
 * names_similarity() in C against the threshold (integrity_threshold:
 * FAIRMATCH_NAME_THRESHOLD, default NAMES_DEFAULT_THRESHOLD).
 *
 * The snapshot holds every recruiter with an active flag (not lifted, not
 * expired) with its names already normalised. A background thread LISTENs
 * on fairmatch_integrity and reloads the snapshot whole on a notification,
 * after every reconnect (notifications sent while disconnected are lost)
 * and when a flag expires; integrity_flag_create/lift also reload it
 * synchronously after their commit, so this server's very next request sees
 * the change. Readers take a reference (integrity_snapshot_get) and never
 * block the reloader for long.
 *
 * The files, one job each: config.c (threshold, licence and id parsing),
 * rows.c (rows -> JSON), records.c (recruiters), flags.c (flags and lifts),
 * import.c (CSV import), name_index.c and name_lookup.c (the in-memory
 * registry: built, searched), check.c (the check), audit_query.c (GET
 * /v1/audit), snapshot.c (load and references),
 * verdict.c (verdicts from a snapshot), refresher.c (the background thread),
 * exclusions.c (reviewed false positives), listing.c (the recruiter list and
 * the vacancies naming one), batch.c (batch and CSV screening), renorm.c
 * (stored name forms brought to the normaliser's version);
 * internal.h is what they share (the integ__ tier, never used outside).
 */
#ifndef FAIRMATCH_INTEGRITY_H
#define FAIRMATCH_INTEGRITY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/keys.h"
#include "engine/core/problem.h"
#include "engine/store/store.h"

#define INTEGRITY_NAME_MAX 200
#define INTEGRITY_ALIASES_MAX 50
#define INTEGRITY_LICENCE_MAX 64
#define INTEGRITY_EVIDENCE_MAX 20000
#define INTEGRITY_REASON_MAX 2000
#define INTEGRITY_CANDIDATES 50 /* pg_trgm candidates re-ranked per check */
#define INTEGRITY_AUDIT_LIMIT_DEFAULT 100
#define INTEGRITY_AUDIT_LIMIT_MAX 1000
#define INTEGRITY_BATCH_MAX 100 /* queries in one POST /v1/recruiters/check */

/* Verdicts, worst last (a comparison picks the worst). */
enum integrity_kind {
	INTEGRITY_UNKNOWN = 0,  /* no registered recruiter matches */
	INTEGRITY_LICENSED,     /* matches a recruiter with a valid licence */
	INTEGRITY_UNLICENSED,   /* matches one with no licence or an expired one */
	INTEGRITY_FLAGGED,      /* matches one with an active warning flag */
	INTEGRITY_BLACKLISTED,  /* matches one with an active blacklist flag */
};
const char *integrity_kind_name(enum integrity_kind k);

/* The decision threshold for names_similarity (read once from the
 * environment; invalid values are ignored with a message on stderr). */
double integrity_threshold(void);
/* The review threshold (FAIRMATCH_REVIEW_THRESHOLD, default
 * NAMES_REVIEW_THRESHOLD, never above the decision threshold): name matches
 * scoring at least this but below integrity_threshold() are the check's
 * possible_matches, for a human to decide. */
double integrity_review_threshold(void);
/* Normalises a licence number for exact matching: uppercase ASCII letters
 * and digits, other characters dropped. "" when nothing is left. */
void integrity_licence_norm(const char *in, char *out, size_t outcap);

/* ---- registry, flags, lifts (each audited in its own transaction) ---- */

/* Parses "r_12" / "f_12"; -1 when malformed. */
int integrity_parse_id(const char *s, char prefix, int64_t *id);
/* Validates a POST /v1/recruiters body (PROBLEM_INVALID with field errors). */
int integrity_recruiter_validate(const json_t *in, problem *p);
/* Registers a validated recruiter: *out = {"id","name",...} (caller owns). */
int integrity_recruiter_create(store *s, const struct principal *who, const json_t *in,
			       json_t **out, problem *p);
/* The recruiter with its full flag history, lifts included (PROBLEM_NOT_FOUND if none). */
int integrity_recruiter_get(store *s, int64_t id, json_t **out, problem *p);
/* Flags recruiter `id`: body {"severity","reason","evidence","expires_at"};
 * authority is who's organisation (or `authority` when who is NULL).
 * Reloads this process's snapshot after the commit. */
int integrity_flag_create(store *s, const struct principal *who, const char *authority,
			  int64_t recruiter, const json_t *in, json_t **out, problem *p);
/* The body checks of the two calls below, without the database (PROBLEM_INVALID with
 * field errors); *reason borrows from in. */
int integrity_flag_validate(const json_t *in, problem *p);
int integrity_lift_validate(const json_t *in, const char **reason, problem *p);
/* Lifts flag `flag` of recruiter `recruiter` with body {"reason"}; PROBLEM_NOT_FOUND
 * for another recruiter's flag, PROBLEM_CONFLICT when already lifted. Reloads the snapshot.
 * Only the flag's authority (who's organisation; who NULL: the operator) lifts at
 * once. Anyone else files a lift request (*pending = 1, the flag is still active);
 * a second call by another key confirms it and lifts; the requesting key calling
 * again is PROBLEM_CONFLICT (audited as flag.lift_refused). */
int integrity_flag_lift(store *s, const struct principal *who, int64_t recruiter, int64_t flag,
			const json_t *in, json_t **out, int *pending, problem *p);

/* Records a reviewed false positive against recruiter `recruiter`: body
 * {"name": ..., "reason": ...} (that name is not this recruiter) or
 * {"recruiter": "r_<n>", "reason": ...} (the two recruiters are not each
 * other). Append-only and audited (recruiter.exclude); from then on the
 * check and the snapshot verdict never match that name (normalised) to it
 * by name or alias, on every server. *out = the exclusion ({"id":"x_<n>",...}).
 * PROBLEM_RULE for the recruiter's own name. */
int integrity_exclusion_create(store *s, const struct principal *who, int64_t recruiter,
			       const json_t *in, json_t **out, problem *p);

/* Bulk import of a regulator's list (fairmatch import recruiters): a CSV
 * with a header naming the columns name, aliases ("|"-separated), country,
 * licence, authority, valid_until, status (valid | suspended → a warning
 * flag | cancelled, banned → a blacklist flag) and evidence (optional: the
 * list's own words, kept in the flag's evidence). Each good line registers a
 * recruiter (and its flag) with audit rows, as the API does; each bad line
 * is reported on `report` with its number and reason. default_authority
 * names the regulator when the authority column is empty. 0 when the whole
 * file was read (*bad counts rejected lines), -1 on an I/O or database
 * failure (reported). */
int integrity_import_csv(store *s, const char *path, const char *default_authority,
			 FILE *report, uint64_t *good, uint64_t *bad);

/* What integrity_renormalise did. */
struct integrity_renorm {
	int from, to;          /* the recorded version (0: none) and the code's */
	uint64_t recruiters;   /* recruiters read (0 when nothing was to do) */
	uint64_t changed;      /* recruiters whose stored forms were rewritten */
};

/*
 * Brings the stored name forms (recruiters.name_norm, aliases_norm,
 * licence_norm, recruiter_names.norm) to the code's normalisation when the
 * version recorded in name_forms_version is not NAMES_FORMS_VERSION
 * (names.h): every recruiter is normalised again, the rows whose forms
 * differ are rewritten in batches, the version is recorded and the run
 * audited ("recruiters.renormalise", unless the register was empty), all
 * in one transaction under an advisory lock (concurrent servers run it
 * once). Nothing is written when the versions agree. Run with the owner's connection, after
 * store_migrate: the server role may not update the registry. 0, or -1
 * with the reason in err (nothing was changed).
 */
int integrity_renormalise(store *s, struct integrity_renorm *out, char *err, size_t errlen);

/* GET /v1/recruiters/check: name and/or licence (at least one), country
 * optional. *out = {"verdict","matches":[...],"flags":[...]}. While the
 * refresher runs (integrity_start) the answer comes from memory: the
 * registry of every recruiter and the flag snapshot, no SQL; otherwise it
 * is integrity_check_sql's. */
int integrity_check(store *s, const char *name, const char *licence, const char *country,
		    json_t **out, problem *p);
/* The same answer read from PostgreSQL: pg_trgm proposes the candidates,
 * flags and licences are queried. The benchmark's baseline. */
int integrity_check_sql(store *s, const char *name, const char *licence, const char *country,
			json_t **out, problem *p);

/* POST /v1/recruiters/check: {"queries": {KEY: {"name","licence","country"}}},
 * 1 to INTEGRITY_BATCH_MAX keys (more: PROBLEM_TOO_LARGE). *out =
 * {"results": {KEY: <integrity_check's answer>}}. An invalid query fails the
 * whole batch with its field errors (each naming its "key"). */
int integrity_check_batch(store *s, const json_t *in, json_t **out, problem *p);
/* fairmatch check recruiters FILE.csv: header columns name, licence, country
 * (others ignored); one report line per record on out, CSV (with a header)
 * or JSON lines (jsonl: the check's answer plus "line" and "query"). *done
 * counts lines, *bad those refused as invalid. 0, or -1 when the file or the
 * database failed (reported on report). */
int integrity_check_csv(store *s, const char *path, int jsonl, FILE *out, FILE *report,
			uint64_t *done, uint64_t *bad);

/* GET /v1/recruiters: any field may be NULL. q searches names, aliases
 * (normalised, substring) and licences; flag: any | blacklist | warning |
 * none (active flags); licence: valid | expired | none; limit 1..200
 * (default 50); cursor a next_cursor of the same query and organisation.
 * *out = {"items":[recruiter + "flag_state","active_flags"], "next_cursor"}. */
struct integrity_list_query {
	const char *q, *country, *flag, *licence, *limit, *cursor;
};
int integrity_recruiter_list(store *s, const struct integrity_list_query *q, const char *org,
			     json_t **out, problem *p);
/* GET /v1/recruiters/{id}/vacancies: the vacancies whose recruiter is
 * recruiter id by the check's rule (licence, or a name at the threshold,
 * reviewed false positives excepted), by id, with limit and cursor as above.
 * held "true" lists instead the vacancies held for review as possibly this
 * recruiter (integrity_verdict.held: the regulator's review queue); NULL
 * or "false" the former, anything else PROBLEM_INVALID.
 * *out = {"recruiter","items":[{"id","org","status","title","country",
 * "recruiter","created_at"}],"next_cursor"}. */
int integrity_recruiter_vacancies(store *s, int64_t id, const char *limit, const char *cursor,
				  const char *held, const char *org, json_t **out, problem *p);

/* ---- the registry: every recruiter, in memory ----
 * Names and aliases (normalised) with pg_trgm-compatible trigram postings,
 * licences in a hash table. integrity_start loads it; the refresher
 * appends new recruiters on their notification; integrity_recruiter_create
 * appends synchronously after its commit. */

/* Appends the recruiters registered since the last sync, with s. wait=0
 * gives up (returns 1) when a writer holds the registry lock; 0 on
 * success, -1 on a database or memory failure. */
int integrity_registry_sync(store *s, int wait);
/* Recruiters, names (names + aliases) and bytes held. */
void integrity_registry_stats(size_t *recruiters, size_t *names, size_t *bytes);

/* GET /v1/audit. Any filter may be NULL; since/until RFC 3339 or dates;
 * cursor is the last id seen. PROBLEM_INVALID for a bad filter. */
struct integrity_audit_query {
	const char *object, *actor, *action, *since, *until, *limit, *cursor;
	const char *caller_org; /* the cursor is bound to it and to the filters */
};
int integrity_audit_list(store *s, const struct integrity_audit_query *q, json_t **out,
			 problem *p);

/* ---- the snapshot ---- */

typedef struct integrity_snapshot integrity_snapshot; /* opaque, refcounted */

/* Starts the background refresher (loads the snapshot first; 0 or -1). */
int integrity_start(const char *conninfo);
void integrity_stop(void);
/* Reloads the snapshot now with the caller's connection; 0 or -1. */
int integrity_refresh(store *s);
/* Reloads (at least) once the snapshot changes generation; for tests and
 * the benchmark. The current snapshot's generation: */
uint64_t integrity_generation(void);

/* A reference to the current snapshot (never NULL: an empty one before the
 * first load); release with integrity_snapshot_put. */
integrity_snapshot *integrity_snapshot_get(void);
void integrity_snapshot_put(integrity_snapshot *snap);
size_t integrity_snapshot_size(const integrity_snapshot *snap);
/* Index terms (index/schema.h: VX_RECRUITER + normalised name or alias,
 * VX_LICENCE + normalised licence) of blacklisted recruiters, or of every
 * flagged one when with_warnings. Borrowed from snap. */
const char *const *integrity_snapshot_terms(const integrity_snapshot *snap, int with_warnings,
					    size_t *n);

struct integrity_verdict {
	enum integrity_kind kind; /* any; LICENSED/UNLICENSED need the registry */
	char recruiter[24];       /* "r_<id>" of the deciding match, "" if none */
	double score;             /* of that match; 1 for a licence */
	json_t *flags;            /* active flags of the match (new reference) or NULL */
	/* Held for review: with kind UNKNOWN only (nothing registered matches
	 * at the threshold), the "r_<id>" of the blacklisted recruiter whose
	 * name or alias this one resembles at the review threshold or more
	 * (reviewed false positives and contradicting evidence excepted), and
	 * that score; "" when none. Search and match hide such a vacancy as
	 * they hide a blacklisted one, until a regulator decides: a reviewed
	 * false positive releases it, a flag on its own registration decides
	 * it (docs/integrity.md, "Held for review"). */
	char held[24];
	double held_score;
};
void integrity_verdict_release(struct integrity_verdict *v);
/* The verdict for recruiter {name, licence, country} (fields may be
 * absent) from snap: a licence equal to a flagged recruiter's, or a name
 * whose similarity to a flagged name or alias reaches the threshold (every
 * flagged recruiter is compared). Otherwise, while the registry is kept
 * (integrity_start), the check's answer for a registered recruiter:
 * LICENSED or UNLICENSED; UNKNOWN when nothing registered matches. */
int integrity_snapshot_verdict(const integrity_snapshot *snap, const json_t *recruiter,
			       struct integrity_verdict *out);
/* The same from the three fields as strings (NULL: absent), for callers
 * that hold them outside JSON (the matcher's compact records). */
int integrity_snapshot_verdict_of(const integrity_snapshot *snap, const char *name,
				  const char *licence, const char *country,
				  struct integrity_verdict *out);
/* The same for a vacancy representation (its "recruiter"), with the current
 * snapshot. 0, or -1 when out of memory (then kind UNKNOWN). */
int integrity_vacancy_verdict(const json_t *vacancy, struct integrity_verdict *out);
/* {"verdict": ..., "flags": [...]} for a vacancy answer (new reference),
 * with "held_for_review" (integrity_held_json) when held. */
json_t *integrity_verdict_json(const struct integrity_verdict *v);
/* {"recruiter", "score"} of a held verdict (new reference); NULL when v is
 * not held, or out of memory (then v->held is set). */
json_t *integrity_held_json(const struct integrity_verdict *v);

#endif
