/*
 * search.h - searching open vacancies in the index.
 *
 * A search is answered from the Xapian index alone (the document data is
 * the vacancy's representation), so it keeps working while PostgreSQL is
 * down. Hard filters (country, language, occupation group, skill, owner,
 * not expired) are boolean FILTERs that do not change the ranking (a
 * country with a language is one term, XCL:ZA:en); free
 * text is ranked with BM25 over title and description, parsed with every
 * loaded language's stemmer, OR the taxonomy concepts it names (so a
 * French or Spanish query finds English vacancies). Without text the
 * newest vacancies come first.
 *
 * Cursors are signed keysets (engine/core/cursor.h) bound to the query and
 * the caller's organisation. Sorted by a value (newest, valid_until,
 * salary) the cursor is the last item's unique sort key and the next page
 * starts after it, so vacancies added or closed between pages repeat or
 * skip nothing. Ranked by relevance it is an offset within the vacancies
 * that existed at the first page (ids up to the index's greatest id then):
 * later additions stay out of the later pages.
 */
#ifndef FAIRMATCH_SEARCH_H
#define FAIRMATCH_SEARCH_H

#include <jansson.h>

#include "engine/core/problem.h"
#include "index/index.h"

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_LIMIT_MAX 100
#define SEARCH_OFFSET_MAX 10000 /* relevance pages: deep paging costs grow with the offset */
#define SEARCH_VALUES_MAX 20    /* values of one repeated parameter (an OR) */

struct vacancy_query {
	const char *q;          /* free text, may be NULL */
	const char *occupation; /* ISCO-08 code of 1..4 digits, ESCO occupation URI or free text */
	const char *skill;      /* ESCO skill URI or free-text label */
	const char *country;    /* ISO 3166-1 alpha-2 */
	const char *language;   /* ISO 639-1: vacancies that ask for this language */
	const char *org;        /* only this organisation's vacancies (employers) */
	const char *cursor;     /* from a previous answer's next_cursor */
	const char *limit;      /* as given in the URL, validated here */
	const char *lang;       /* en, fr, es or NULL: the language hint for q and occupation */
	/* Recruiter terms (VX_RECRUITER + name) never to show; may be NULL. */
	const char *const *excluded_recruiters;
	size_t n_excluded;
	/* Show vacancies of warning-flagged recruiters (blacklisted ones never
	 * show). search_vacancies takes the exclusions from the integrity
	 * snapshot when excluded_recruiters is NULL, and drops what the fuzzy
	 * verdict catches (engine/integrity/integrity.h). */
	int include_flagged;
	/* A parameter given several times (country=ZA&country=BW) is an OR of
	 * its values: a list with n > 0 replaces the single field above (at
	 * most SEARCH_VALUES_MAX values each). */
	const char *const *countries;
	size_t n_countries;
	const char *const *languages;
	size_t n_languages;
	const char *const *skills;
	size_t n_skills;
	/* relevance (needs q; the default with q), newest (the default
	 * without), valid_until (soonest first), salary (highest monthly
	 * first); see docs/api.md for ties and cursors. */
	const char *sort;
	/* The caller's organisation: a cursor is bound to it and to the
	 * query (engine/core/cursor.h), so another's is refused. */
	const char *caller_org;
};

/* Fills *out with {"items":[...],"next_cursor":...,"estimated_total":N}.
 * PROBLEM_INVALID for a bad parameter (named in the problem). */
int search_vacancies(index_db *db, const struct vacancy_query *vq, json_t **out, problem *p);
/* The same answer as the JSON text the API sends (*text, malloc'd): each
 * item labelled in vq->lang as taxonomy_label_doc labels it, the bytes
 * json_dumps(API_JSON_DUMP) writes for the labelled tree, written without
 * building it (engine/search_page.h). */
int search_vacancies_text(index_db *db, const struct vacancy_query *vq, char **text, problem *p);

/* Validates the filters and builds the query (caller frees); exposed for
 * the benchmark, which runs the same query in-process. */
index_query *search_build_query(const struct vacancy_query *vq, problem *p);
/* The English, French and Spanish function words (data/stopwords/) as the
 * keyword search leaves them out of q, for any free text parsed against
 * vacancies (the match's free-text skills); NULL when out of memory. */
const index_stoplist *search_function_words(void);
/* 1 when the len bytes at w are one of those words (ASCII case ignored). */
int search_is_function_word(const char *w, size_t len);

#endif
