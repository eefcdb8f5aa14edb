/*
 * match.h - engine/match/: matching a profile to open vacancies, and a
 * vacancy to the profiles that consented to be shown, with an explanation
 * per result; also the compact facts record the indexer stores for each
 * vacancy. The folder's files each do one job (weights.h, model.c,
 * person.c, facts.c, score.c, explain.c, verdict.c, request.c, query.c,
 * facets.c, run.c, jsontext.c, render.c, candidates.c); what they share is in internal.h.
 *
 * Profile -> vacancies (POST /v1/match) runs in two stages. Retrieval asks
 * the vacancy index for the top MATCH_CANDIDATES documents with one weighted
 * query (the profile's skills, its occupations and their ISCO-08 neighbours,
 * free-text skills as words, desired countries as a boost) under hard
 * filters (valid_until >= today, the requested countries; closed and full
 * vacancies are never in the index). Each query part adds a fixed weight
 * (Xapian's CoordWeight), so the matcher stops walking lists that can no
 * longer lift a document into the candidates (with Xapian's own matcher
 * only the skills with the shortest lists, up to MATCH_SKILL_POSTINGS
 * postings, are walked; the index wrapper's evaluator walks them all).
 * Re-ranking then scores each candidate in C
 * with the full scoring function (score.c, with the weights of weights.h,
 * documented in docs/matching.md) and orders by score, ties by vacancy
 * id, so equal input gives the same answer. A vacancy whose language
 * requirement the person does not meet always scores below every relevant
 * vacancy whose languages are met; one with no occupation relation (stated,
 * or inferred and well supported) and no essential skill matched in a
 * vacancy asking for half of what the person can do (and two of their
 * skills) is below the relevance floor and left out (shown last, marked,
 * with "explore"). Each result's vacancy carries "concepts", its labels in
 * the language asked.
 *
 * Vacancy -> profiles (GET /v1/vacancies/{id}/candidates) pre-filters the
 * consented profiles in PostgreSQL (GIN on skills and occupations) and
 * scores them with the same function, answering minimised cards.
 *
 * The ESCO taxonomy (labels, occupation -> ISCO unit group) is loaded once
 * per process on first use (pthread_once) from FAIRMATCH_ESCO_DIR, else
 * ESCO_DEFAULT_DIR relative to the working directory. Without it matching
 * still works on ISCO codes and URIs; labels then fall back to the URI.
 */
#ifndef FAIRMATCH_MATCH_H
#define FAIRMATCH_MATCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/taxonomy/esco.h"
#include "engine/keys.h"
#include "engine/core/problem.h"
#include "engine/store/store.h"
#include "index/index.h"

#define MATCH_LIMIT_DEFAULT 20
#define MATCH_LIMIT_MAX 100
#define MATCH_CANDIDATES 200   /* documents retrieved from the index for re-ranking */
#define MATCH_SKILL_POSTINGS 20000 /* skill postings retrieval may walk (the rest are probed) */
/* Each of the ISCO groups' and the skills' lists kept from the start
 * (match_keep_lists): a quarter of the index's postings budget each. */
#define MATCH_KEEP_BYTES ((size_t)32 << 20)
#define MATCH_COUNTRIES_MAX 30
#define MATCH_CARD_POOL 1000   /* consented profiles scored for one vacancy */
#define MATCH_REAL_PRECISION 15 /* significant digits of reals in an answer written as text
				 * (raw_vacancies): the API's json_dumps precision */

struct match_params {
	size_t limit;             /* 1..MATCH_LIMIT_MAX */
	const json_t *countries;  /* borrowed array of country codes, or NULL: anywhere */
	int include_flagged;      /* show vacancies whose recruiter carries a warning flag */
	size_t candidates;        /* 0: MATCH_CANDIDATES (the evaluation varies it) */
	int exhaustive;           /* 1: walk every posting list through (no budget, no MaxScore
				   * pruning in the evaluator): the benchmark's and the tests'
				   * reference */
	int xapian_matcher;       /* 1: retrieval by Xapian's matcher instead of the index wrapper's
				   * evaluator (same answers): the benchmark's baseline */
	int explore;              /* 1: also vacancies below the relevance floor, marked "explore" */
	int result_trees;         /* 1: with raw_vacancies, each result an object all the same (the
				   * tests' reference for the results written as text) */
	char lang[3];             /* labels' language ("en", "fr", "es"; "" English) */
	int raw_vacancies;        /* 1: each result is its JSON text, in a string (the vacancy as
				   * stored in the index, with its concepts), for a caller that
				   * writes the answer out with match_answer_text (api/v1/match.c);
				   * 0: objects */
};

/* Parses a POST /v1/match body. Exactly one of "profile_id" (copied into
 * profile_id, PROFILE_ID_LEN + 1 bytes) or "profile" (validated like a
 * stored profile; *inline_doc gets the canonical document, caller owns).
 * mp->countries borrows from body; mp->lang is "lang" (else "en": the
 * caller puts Accept-Language there when the body gives none).
 * PROBLEM_INVALID/RULE with the fields named. */
int match_parse(const json_t *body, char *profile_id, size_t idlen, json_t **inline_doc,
		struct match_params *mp, problem *p);

/* Reads into memory now the posting lists that matches read whole on
 * their first use (docs/matching.md, "Lists kept from the start"): the
 * ISCO groups' (XO:), then the skills' (XS:), the longest first, up to
 * MATCH_KEEP_BYTES each, while the index's postings budget has room. A
 * server calls it at start and the benchmark before its clock, so that a
 * profile's first match does not read them. Exact at db's revision: a
 * later one reads its lists on first use, as before. db is a read-only
 * handle (nothing is kept otherwise). *kept (when given): how many lists
 * are kept now. -1 (e's message set) when the index fails. */
int match_keep_lists(index_db *db, uint64_t *kept, index_error *e);

/* The labels' language of a language tag ("fr", "fr-CA"; others fall
 * back to "en") into out; 0 when tag is not a language tag. And the first
 * such language of an Accept-Language header ("en" when none). */
int match_lang(const char *tag, char out[3]);
void match_accept_language(const char *header, char out[3]);

/* Matches a profile document (stored representation or inline canonical
 * document) against the index: *out = {"vacancies":[...],"quotas":[],
 * "facets":{...}} (caller owns). */
int match_vacancies(index_db *db, const json_t *profile, const struct match_params *mp,
		    json_t **out, problem *p);

/* The answer of match_vacancies with raw_vacancies as compact JSON text:
 * "vacancies" first, each result spliced in as the text it holds (or, for
 * a result the engine kept as an object, its "vacancy" string spliced in as
 * the object it holds), then the rest in the answer's order; the bytes
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(MATCH_REAL_PRECISION))
 * writes for the same values (engine/match/render.c). malloc'd, *len its
 * length; NULL when out of memory, when a result or vacancy is not an
 * object's text or a string is not UTF-8. Leaves answer as it is. */
char *match_answer_text(const json_t *answer, size_t *len);

/* Fills answer["quotas"] for the person: the single place where the quota
 * listings join the match answer. */
int match_attach_quotas(store *s, const json_t *profile, json_t *answer, problem *p);

/* Candidate cards of the vacancy `vacancy_id`, which must belong to org
 * when org is not NULL (the caller's scope, api_scope(); PROBLEM_NOT_FOUND otherwise):
 * *out = {"items":[...],"next_cursor"}, by score, then profile id. cursor
 * (NULL: the first page) is a next_cursor of the same vacancy and
 * organisation (signed, engine/core/cursor.h; another is PROBLEM_INVALID):
 * the page starts after that card's (score, profile). Each card shown is
 * audited ("profile.card") in the transaction that read it. The cards'
 * skill labels are in lang ("en", "fr", "es"; NULL: English). */
int match_candidates(store *s, const struct principal *who, const char *org,
		     const char *vacancy_id, size_t limit, const char *cursor, const char *lang,
		     json_t **out, problem *p);

/* The two retrieval queries, exposed for the benchmark and the evaluation
 * (caller frees): the designed one, and a naive single OR of the profile's
 * skill and occupation terms with equal weights and the same filters. */
index_query *match_build_query(index_db *db, const json_t *profile, const struct match_params *mp,
			       problem *p);
index_query *match_build_naive_query(const json_t *profile, const struct match_params *mp);

/* The compact record re-ranking reads instead of the vacancy's JSON
 * (value slot VX_SLOT_MATCH, written by the indexer's document builder):
 * *out is malloc'd (caller frees), *len its size. -1 when out of memory. */
int match_vacancy_facts(const json_t *vacancy, char **out, size_t *len);

/* The vacancy document format this build writes, with the sizes of the ESCO
 * taxonomy its records refer to ("2 esco=3007/13939"), for VX_META_FORMAT. */
const char *match_index_format(void);

/* The process-wide taxonomy, loaded on first call; NULL when unavailable. */
const esco *match_taxonomy(void);

#endif
