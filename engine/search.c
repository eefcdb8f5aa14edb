/* search.c - vacancy search over the index (see search.h). */
#include "engine/search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/cursor.h"
#include "engine/core/iso.h"
#include "engine/integrity/integrity.h"
#include "engine/search_page.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"
#include "index/schema.h"

#define MAX_SUBS 16
/* Concepts per kind and language that a keyword query may name. */
#define SEARCH_CONCEPTS 10
/* At most this many words of q are looked up as a concept's name. */
#define SEARCH_CONCEPT_WORDS 5

/* The English, French and Spanish function words (Snowball's lists,
 * data/stopwords/, compiled in by the build). */
extern const char *const function_words[];
extern const size_t function_words_count;

const index_stoplist *search_function_words(void)
{
	return taxonomy_function_words();
}

int search_is_function_word(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < function_words_count; i++)
		if (strlen(function_words[i]) == len && strncasecmp(function_words[i], w, len) == 0)
			return 1;
	return 0;
}

static int bad_param(problem *p, const char *name, const char *msg)
{
	problem_field(p, name, "format", "%s", msg);
	p->kind = PROBLEM_INVALID;
	return -1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || strlen(s) > 10)
		return -1;
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c))
			return -1;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The values of a parameter: the list when given, else the single field
 * (0 or 1 value). */
static size_t values_of(const char *const *one, const char *const *many, size_t n_many,
			const char *const **out)
{
	if (n_many) {
		*out = many;
		return n_many;
	}
	*out = one;
	return *one ? 1 : 0;
}

/* The skill filter of one value: its term, or its text's and its ESCO
 * URI's when free text normalises. NULL with p set. */
static index_query *skill_filter(const char *skill, problem *p)
{
	char term[256];
	index_query *f;
	size_t i, n = strlen(skill);

	if (n == 0 || n > 200) {
		bad_param(p, "skill", "must be 1 to 200 bytes");
		return NULL;
	}
	snprintf(term, sizeof term, "%s%s", VX_SKILL, skill);
	if (strncmp(skill, "http", 4) != 0)
		for (i = strlen(VX_SKILL); term[i]; i++)
			term[i] = (char)tolower((unsigned char)term[i]);
	f = index_query_term(term, 1);
	/* Free text that normalises was stored as its ESCO URI: find both. */
	if (f && strncmp(skill, "http", 4) != 0) {
		struct tax_match m;

		if (taxonomy_normalise_skill(skill, NULL, &m) == 0) {
			index_query *alt[2] = {f, NULL};

			snprintf(term, sizeof term, "%s%s", VX_SKILL, m.uri);
			alt[1] = index_query_term(term, 1);
			f = index_query_combine(INDEX_OP_OR, alt, 2);
			index_query_free(alt[0]);
			index_query_free(alt[1]);
		}
	}
	if (!f)
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory building the query");
	return f;
}

/* An OR of one term per value (prefix + value); 1..SEARCH_VALUES_MAX
 * values, each already checked. */
static index_query *any_term(const char *prefix, const char *const *vals, size_t n)
{
	index_query *subs[SEARCH_VALUES_MAX] = {0}, *q;
	char term[256];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(term, sizeof term, "%s%s", prefix, vals[i]);
		subs[i] = index_query_term(term, 1);
	}
	q = n == 1 ? subs[0] : index_query_combine(INDEX_OP_OR, subs, n);
	for (i = 0; n > 1 && i < n; i++)
		index_query_free(subs[i]);
	return q;
}

/* The occupation filter: an ISCO-08 code of 1-4 digits finds its group at
 * any level (XO:, which every vacancy with a known occupation holds however
 * it was written: engine/indexer/doc.c), an ESCO URI that one occupation
 * (XE:); free text is normalised as on a write and becomes one of those,
 * or a 400 naming the field when nothing is good enough. */
static int occupation_filter(const char *occ, const char *lang, index_query **out, problem *p)
{
	struct tax_match m;
	char code[5], term[256];
	int n = taxonomy_isco_group(occ, code), rc;

	if (n < 0) {
		problem_set(p, PROBLEM_UNAVAILABLE,
			    "the ESCO taxonomy is not available to check the occupation");
		return -1;
	}
	if (n == 0 && strncmp(occ, "http", 4) != 0) {
		rc = taxonomy_normalise_occupation(occ, lang, &m);
		if (rc == TAX_ERR) {
			problem_set(p, PROBLEM_UNAVAILABLE,
				    "the ESCO taxonomy is not available to normalise the occupation");
			return -1;
		}
		if (rc == 0) {
			occ = m.uri;
			n = taxonomy_isco_group(occ, code);
		}
	}
	if (n <= 0)
		return bad_param(p, "occupation",
				 "must be an ISCO-08 code (1 to 4 digits), a known ESCO occupation URI "
				 "or text that names an occupation");
	/* a code, or an ISCO-08 group's URI: the group; an occupation's URI:
	 * that occupation */
	if (strcmp(code, occ) == 0 || strncmp(occ, TAX_ESCO_OCCUPATION, strlen(TAX_ESCO_OCCUPATION)))
		snprintf(term, sizeof term, "%s%s", VX_OCCUPATION, code);
	else
		snprintf(term, sizeof term, "%s%s", VX_ESCO_OCC, occ);
	*out = index_query_term(term, 1);
	return 0;
}

static size_t words_in(const char *folded)
{
	size_t n = *folded ? 1 : 0;

	for (; *folded; folded++)
		n += *folded == ' ';
	return n;
}

/* The concept terms q names: the concepts of kind with a French or
 * Spanish label holding every word of q ("enfermera" names the Spanish
 * nurse occupations, "soudeur" the welder), from the labels in memory. An
 * English word needs none: most vacancies are in English, and their text
 * finds it (this is what the typeahead-based lookup before answered too:
 * it compared q with the items' French and Spanish labels). The full
 * normaliser (taxonomy_normalise_*) is not asked: its fuzzy search of the
 * label index cost 4 ms of the 5.7 ms median search and 30 ms at p99
 * (bench_search, 100,000 vacancies), for typos a keyword search does not
 * promise to mend; nor is the typeahead, whose JSON items (alternative
 * labels, an occupation's essential skills), built and folded again for
 * four calls a query, were the slowest searches' tail (docs/performance.md). */
static size_t concept_terms(esco_kind kind, const char *q, index_query **parts, size_t max)
{
	const char *prefix = kind == ESCO_KIND_OCCUPATION ? VX_ESCO_OCC : VX_SKILL;
	const char *uris[2 * SEARCH_CONCEPTS];
	char term[256], fq[TAX_TEXT_MAX + 1];
	size_t np = 0, n, i;

	/* a concept's name is a few words; a longer query names none as a whole */
	if (!taxonomy_fold(q, fq, sizeof fq) || words_in(fq) > SEARCH_CONCEPT_WORDS)
		return np;
	n = taxonomy_named_concepts(kind, q, 1u << ESCO_LANG_FR | 1u << ESCO_LANG_ES, uris,
				    max < 2 * SEARCH_CONCEPTS ? max : 2 * SEARCH_CONCEPTS);
	for (i = 0; i < n; i++) {
		snprintf(term, sizeof term, "%s%s", prefix, uris[i]);
		if ((parts[np] = index_query_term(term, 1)))
			np++;
	}
	/* The unit group most of those occupations share, too: a vacancy that
	 * gives only the code ("7212") is as much a welder's as one naming the
	 * ESCO occupation, and the occupation filter finds both (issue 15's
	 * "one occupation space"; the review found "soudeur" finding 7 of 95
	 * welder ads). Only the most named group: every named occupation's
	 * group would bring in "ingénieur soudeur"'s engineers (2144) and
	 * "soudeur sous-marin"'s divers (7541). */
	if (kind == ESCO_KIND_OCCUPATION && n > 0 && np < max) {
		char codes[2 * SEARCH_CONCEPTS][5], *best = NULL;
		size_t k, votes, best_votes = 0;

		for (i = 0; i < n; i++)
			if (taxonomy_isco_group(uris[i], codes[i]) != 4)
				codes[i][0] = '\0';
		for (i = 0; i < n; i++) {
			if (!codes[i][0])
				continue;
			for (k = 0, votes = 0; k < n; k++)
				votes += strcmp(codes[k], codes[i]) == 0;
			if (votes > best_votes) {
				best_votes = votes;
				best = codes[i];
			}
		}
		if (best) {
			snprintf(term, sizeof term, "%s%s", VX_OCCUPATION, best);
			if ((parts[np] = index_query_term(term, 1)))
				np++;
		}
	}
	return np;
}

/* 1 when q holds a word that is not a function word of en, fr or es. A
 * query of function words only ("de", "the of") says nothing: Xapian's
 * parser keeps the stop words when nothing else is left, and "de" then
 * found every "Chef de rang" and "de-icing" ad, and named every concept
 * with a French or Spanish label holding "de" (the review: q=de, 100 ads). */
static int has_content_word(const char *q)
{
	char fq[TAX_TEXT_MAX + 1], *w, *save = NULL;

	if (!taxonomy_fold(q, fq, sizeof fq))
		return 0;
	for (w = strtok_r(fq, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!search_is_function_word(w, strlen(w)))
			return 1;
	return 0;
}

/* Keyword search across the loaded languages: q parsed with the English,
 * French and Spanish stemmers (a vacancy's text is stemmed in its own
 * language: engine/indexer/doc.c), OR the occupations and skills q names
 * in any language ("soudeur", "enfermera"; concept_terms), which vacancies
 * in any language hold. Each parse leaves out the function words of all
 * three languages: the Spanish "de" of "cuidado de ancianos" is rare, so
 * heavy, in English text, and found "Aircraft de-icing equipment fitter". */
static index_query *keyword_query(const char *q, index_error *e)
{
	static const char *const langs[] = {"en", "fr", "es"};
	index_query *parts[3 + 4 * SEARCH_CONCEPTS + 1], *out = NULL;
	size_t np = 0, i, max = sizeof parts / sizeof *parts;
	unsigned mask;

	/* Function words only: Xapian's empty query, which matches nothing. */
	if (strlen(q) <= TAX_TEXT_MAX && !has_content_word(q))
		return index_query_parse("", "en", "", 0, e);
	/* Only the stemmers of the languages q can be in: each parse weighs a
	 * word once more, and "conductor de carretilla" (Spanish) weighed the
	 * English "conductor" three times, above the forklift concepts it
	 * names (the review: "Train conductor" first). */
	mask = strlen(q) <= TAX_TEXT_MAX ? taxonomy_text_langs(q) : ~0u;
	for (i = 0; i < sizeof langs / sizeof *langs; i++) {
		if (!(mask & 1u << esco_lang_from_code(langs[i])))
			continue;
		if (!(parts[np] = index_query_parse_stopped(q, langs[i], "", INDEX_PARSE_STEM_ALL,
							    taxonomy_function_words(), e)))
			goto out;
		np++;
	}
	if (strlen(q) <= TAX_TEXT_MAX) {
		np += concept_terms(ESCO_KIND_OCCUPATION, q, parts + np, max - np);
		np += concept_terms(ESCO_KIND_SKILL, q, parts + np, max - np);
	}
	/* The stemmers agree on most words: each term read once. */
	out = index_query_or_merged(parts, np);
out:
	for (i = 0; i < np; i++)
		index_query_free(parts[i]);
	return out;
}

index_query *search_build_query(const struct vacancy_query *vq, problem *p)
{
	index_query *filters[MAX_SUBS + 2], *text = NULL, *all = NULL, *q = NULL, *excl = NULL;
	size_t nf = 0, i, n_countries, n_languages, n_skills;
	const char *const *countries, *const *languages, *const *skills;
	char term[256], today[11];
	index_error e = {{0}};

	n_countries = values_of(&vq->country, vq->countries, vq->n_countries, &countries);
	n_languages = values_of(&vq->language, vq->languages, vq->n_languages, &languages);
	n_skills = values_of(&vq->skill, vq->skills, vq->n_skills, &skills);
	if (n_countries > SEARCH_VALUES_MAX || n_languages > SEARCH_VALUES_MAX ||
	    n_skills > SEARCH_VALUES_MAX) {
		bad_param(p, n_countries > SEARCH_VALUES_MAX	 ? "country"
			     : n_languages > SEARCH_VALUES_MAX ? "language"
							       : "skill",
			  "may be given at most 20 times");
		return NULL;
	}
	for (i = 0; i < n_countries; i++)
		if (!iso_country_valid(countries[i])) {
			bad_param(p, "country", "must be an ISO 3166-1 alpha-2 country code");
			return NULL;
		}
	for (i = 0; i < n_languages; i++)
		if (!iso_language_valid(languages[i])) {
			bad_param(p, "language", "must be an ISO 639-1 language code");
			return NULL;
		}
	if (vq->occupation && occupation_filter(vq->occupation, vq->lang, &filters[nf], p))
		return NULL;
	if (vq->occupation)
		nf++;
	if (n_skills) {
		index_query *subs[SEARCH_VALUES_MAX];
		size_t k;

		for (k = 0; k < n_skills; k++) {
			subs[k] = skill_filter(skills[k], p);
			if (!subs[k])
				break;
		}
		if (k == n_skills)
			filters[nf] = k == 1 ? subs[0] : index_query_combine(INDEX_OP_OR, subs, k);
		for (i = 0; i < k && (k != n_skills || k > 1); i++)
			index_query_free(subs[i]);
		if (k != n_skills)
			goto out; /* frees the occupation filter (found by fuzz_search) */
		nf++;
	}
	if (n_countries && n_languages && n_countries * n_languages <= SEARCH_VALUES_MAX) {
		/* One posting list (XCL:ZA:en) instead of two, one of which
		 * (XL:en) holds most of the index. */
		const char *pairs[SEARCH_VALUES_MAX];
		char pair[SEARCH_VALUES_MAX][16];
		size_t c, l, np = 0;

		for (c = 0; c < n_countries; c++)
			for (l = 0; l < n_languages; l++) {
				snprintf(pair[np], sizeof pair[np], "%.2s:%.8s", countries[c],
					 languages[l]);
				pairs[np] = pair[np];
				np++;
			}
		filters[nf++] = any_term(VX_COUNTRY_LANG, pairs, np);
	} else {
		if (n_countries)
			filters[nf++] = any_term(VX_COUNTRY, countries, n_countries);
		if (n_languages)
			filters[nf++] = any_term(VX_LANGUAGE, languages, n_languages);
	}
	if (vq->org) {
		snprintf(term, sizeof term, "%s%s", VX_ORG, vq->org);
		filters[nf++] = index_query_term(term, 1);
	}
	iso_today(today);
	filters[nf++] = index_query_value_range(VX_SLOT_VALID_UNTIL, today, NULL);

	if (vq->q && *vq->q) {
		if (strlen(vq->q) > 500) {
			bad_param(p, "q", "must be at most 500 bytes");
			goto out;
		}
		text = keyword_query(vq->q, &e);
		if (!text) {
			bad_param(p, "q", e.msg[0] ? e.msg : "cannot be parsed");
			goto out;
		}
	} else {
		text = index_query_all();
	}
	{
		index_query *subs[MAX_SUBS + 3];
		size_t ns = 0;

		subs[ns++] = text;
		for (i = 0; i < nf; i++)
			subs[ns++] = filters[i];
		all = index_query_combine(INDEX_OP_FILTER, subs, ns);
	}
	if (all && vq->n_excluded) {
		index_query **ex = calloc(vq->n_excluded + 1, sizeof *ex);

		if (ex) {
			ex[0] = all;
			for (i = 0; i < vq->n_excluded; i++)
				ex[i + 1] = index_query_term(vq->excluded_recruiters[i], 1);
			excl = index_query_combine(INDEX_OP_AND_NOT, ex, vq->n_excluded + 1);
			for (i = 0; i < vq->n_excluded; i++)
				index_query_free(ex[i + 1]);
			free(ex);
		}
		q = excl;
	} else {
		q = all;
		all = NULL;
	}
	if (!q)
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory building the query");
out:
	for (i = 0; i < nf; i++)
		index_query_free(filters[i]);
	index_query_free(text);
	if (all != q)
		index_query_free(all);
	return q;
}

/* ---- sorting and cursors ---- */

struct sort_kind {
	const char *name;
	int slot;  /* the unique key's value slot; -1: by relevance */
	int desc;
};

static const struct sort_kind sort_kinds[] = {
	{"relevance", -1, 0},
	{"newest", VX_SLOT_ID, 1},
	{"valid_until", VX_SLOT_SORT_UNTIL, 0},
	{"salary", VX_SLOT_SORT_SALARY, 1},
	{NULL, 0, 0},
};

static json_t *string_list(const char *one, const char *const *many, size_t n)
{
	const char *const *vals;
	json_t *a = json_array();
	size_t i;

	n = values_of(&one, many, n, &vals);
	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, cursor_text(vals[i]))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

/* What a search cursor is bound to: everything that selects and orders the
 * items, and who asked (limit is left out: a client may change it). */
static json_t *search_binding(const struct vacancy_query *vq, const char *sort)
{
	return json_pack("[s, s?, s?, o, o, o, o, o, b, s]", "vacancies", vq->caller_org, vq->org,
			 cursor_text(vq->q), cursor_text(vq->occupation),
			 string_list(vq->country, vq->countries, vq->n_countries),
			 string_list(vq->language, vq->languages, vq->n_languages),
			 string_list(vq->skill, vq->skills, vq->n_skills), vq->include_flagged,
			 sort);
}

/* Where a page starts: after key (sorted by a value), or at offset among
 * the documents whose id is at most bound (relevance). */
struct page_start {
	char key[64];
	char bound[24];
	unsigned long offset;
};

static int read_cursor(const json_t *binding, const struct sort_kind *sk, const char *text,
		       struct page_start *at, problem *p)
{
	json_t *pos = NULL;
	const char *a, *b;
	json_int_t off;
	int rc = cursor_decode(binding, text, &pos);

	if (rc == -2) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	a = json_string_value(json_array_get(pos, 0));
	b = json_string_value(json_array_get(pos, 1));
	off = json_integer_value(json_array_get(pos, 2));
	if (rc || !a || strcmp(a, sk->name) != 0 || !b || strlen(b) >= sizeof at->key ||
	    (sk->slot < 0 && (json_array_size(pos) != 3 || off < 0 || off > SEARCH_OFFSET_MAX))) {
		json_decref(pos);
		return bad_param(p, "cursor", "is not a cursor this server gave for this query");
	}
	if (sk->slot < 0) {
		snprintf(at->bound, sizeof at->bound, "%s", b);
		at->offset = (unsigned long)off;
	} else {
		snprintf(at->key, sizeof at->key, "%s", b);
	}
	json_decref(pos);
	return 0;
}

/* q restricted to what follows the cursor: a range of the sort key (the
 * key itself is dropped from the hits), or ids up to the bound. */
static index_query *restrict_to_page(index_query *q, const struct sort_kind *sk,
				     const struct page_start *at)
{
	index_query *subs[2] = {q, NULL}, *r;

	if (sk->slot < 0)
		subs[1] = at->bound[0] ? index_query_value_range(VX_SLOT_ID, NULL, at->bound) : NULL;
	else if (at->key[0])
		subs[1] = sk->desc ? index_query_value_range(sk->slot, NULL, at->key)
				   : index_query_value_range(sk->slot, at->key, NULL);
	if (!subs[1])
		return q;
	r = index_query_combine(INDEX_OP_FILTER, subs, 2);
	index_query_free(subs[0]);
	index_query_free(subs[1]);
	return r;
}

/* The answer as a tree (*out) or as text (*text, labelled in vq->lang). */
static int search_run(index_db *db, const struct vacancy_query *vq, json_t **out, char **text,
		      problem *p)
{
	unsigned long limit = SEARCH_LIMIT_DEFAULT;
	index_search_opts opts = {0};
	index_results *res = NULL;
	index_query *q;
	index_error e = {{0}};
	json_t *binding = NULL, *pos = NULL;
	char cursor[CURSOR_TEXT_MAX + 1];
	size_t i, n, consumed = 0, slack;
	struct search_page page;
	struct vacancy_query sq = *vq;
	const struct sort_kind *sk;
	struct page_start at = {{0}, {0}, 0};
	const char *sort = vq->sort, *next = NULL;
	const index_hit *last = NULL;
	integrity_snapshot *snap;
	int rc, ranked = vq->q && *vq->q, fetch_failed = 0, no_memory = 0;
	size_t fetched = 0;

	if (out)
		*out = NULL;
	if (text)
		*text = NULL;
	if (vq->limit && (parse_uint(vq->limit, SEARCH_LIMIT_MAX, &limit) || limit == 0))
		return bad_param(p, "limit", "must be an integer from 1 to 100");
	if (!sort)
		sort = ranked ? "relevance" : "newest";
	for (sk = sort_kinds; sk->name && strcmp(sk->name, sort) != 0; sk++)
		;
	if (!sk->name)
		return bad_param(p, "sort", "must be relevance, newest, valid_until or salary");
	if (sk->slot < 0 && !ranked)
		return bad_param(p, "sort", "relevance needs q");
	binding = search_binding(vq, sk->name);
	if (!binding) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	if (vq->cursor && read_cursor(binding, sk, vq->cursor, &at, p)) {
		json_decref(binding);
		return -1;
	}
	/* Relevance: the first page fixes the set (ids up to the greatest now). */
	if (sk->slot < 0 && !vq->cursor &&
	    index_value_upper_bound(db, VX_SLOT_ID, at.bound, sizeof at.bound, &e)) {
		json_decref(binding);
		problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be searched: %s", e.msg);
		return -1;
	}
	snap = integrity_snapshot_get();
	if (!sq.excluded_recruiters)
		sq.excluded_recruiters =
			integrity_snapshot_terms(snap, !vq->include_flagged, &sq.n_excluded);
	/* The exact terms exclude the bulk in Xapian; a name written a little
	 * differently is caught by the fuzzy verdict below, so fetch some spare
	 * hits to keep the page full. */
	slack = integrity_snapshot_size(snap) ? 50 : 0;
	q = search_build_query(&sq, p);
	if (q)
		q = restrict_to_page(q, sk, &at);
	if (!q) {
		if (!p->kind)
			problem_set(p, PROBLEM_UNAVAILABLE, "out of memory building the query");
		integrity_snapshot_put(snap);
		json_decref(binding);
		return -1;
	}
	opts.offset = (uint32_t)at.offset;
	/* One more tells whether a next page exists; one more again for the
	 * cursor's own key, which the range includes. */
	opts.limit = (uint32_t)(limit + 2 + slack);
	/* Locally, the page's hits' data is read as the page fills; from a
	 * remote shard one request for all is cheaper than one a hit. */
	{
		unsigned shards = 1;
		int remote = 0;

		opts.skip_data = index_shard_count(db, &shards, &remote) == 0 && !remote;
	}
	if (sk->slot < 0) {
		opts.sort_slot = -1;
		opts.weighting = INDEX_WEIGHT_BM25;
		/* Equal relevance by vacancy id: the same order on every node,
		 * however its index was built or split into shards. */
		opts.ties_by_value = 1;
		opts.tie_slot = VX_SLOT_ID;
	} else {
		opts.sort_slot = sk->slot;
		opts.sort_descending = sk->desc;
		opts.weighting = ranked ? INDEX_WEIGHT_BM25 : INDEX_WEIGHT_BOOL;
		opts.want_value = 1;
		opts.value_slot = (unsigned)sk->slot;
	}
	rc = index_search(db, q, &opts, &res, &e);
	index_query_free(q);
	if (rc) {
		integrity_snapshot_put(snap);
		json_decref(binding);
		problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be searched: %s", e.msg);
		return -1;
	}
	no_memory = search_page_start(&page, text != NULL, snap, vq->include_flagged, ranked,
				      vq->lang) != 0;
	page.include_held = vq->org != NULL; /* an employer sees its own, marked */
	n = index_results_count(res);
	fetched = opts.skip_data ? 0 : n;
	for (i = 0; !no_memory && i < n && page.kept < limit; i++) {
		const index_hit *h = index_results_hit(res, i);

		consumed = i + 1;
		if (sk->slot >= 0 && at.key[0] && h->value_len == strlen(at.key) &&
		    memcmp(h->value, at.key, h->value_len) == 0)
			continue; /* the previous page's last item */
		last = h;
		if (i >= fetched) {
			/* The data of the hits the page may still show, no more:
			 * the spare hits are read only when verdicts drop some. */
			size_t want = limit - page.kept + 1;

			if (index_fetch_data(db, res, i, want, &e)) {
				fetch_failed = 1;
				break;
			}
			fetched = i + want;
		}
		/* a card that does not decode, or a recruiter hidden: skipped */
		no_memory = search_page_add(&page, h->data, h->data_len, h->weight) < 0;
	}
	integrity_snapshot_put(snap);
	if (fetch_failed || no_memory) {
		search_page_release(&page);
		json_decref(binding);
		index_results_free(res);
		if (fetch_failed)
			problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be read: %s", e.msg);
		else
			problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	/* A next page when hits were left over or the fetch was full. */
	if (last && (n > consumed || n == opts.limit)) {
		if (sk->slot >= 0)
			pos = json_pack("[s, s%]", sk->name, last->value, last->value_len);
		else if (at.offset + consumed <= SEARCH_OFFSET_MAX)
			pos = json_pack("[s, s, I]", sk->name, at.bound,
					(json_int_t)(at.offset + consumed));
	}
	if (pos && cursor_encode(binding, pos, cursor, sizeof cursor) == 0)
		next = cursor;
	rc = search_page_finish(&page, (json_int_t)index_results_estimate(res), next, out, text);
	json_decref(pos);
	json_decref(binding);
	index_results_free(res);
	if (rc) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	return 0;
}

int search_vacancies(index_db *db, const struct vacancy_query *vq, json_t **out, problem *p)
{
	return search_run(db, vq, out, NULL, p);
}

int search_vacancies_text(index_db *db, const struct vacancy_query *vq, char **text, problem *p)
{
	return search_run(db, vq, NULL, text, p);
}
