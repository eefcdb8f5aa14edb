/* search.c - vacancy search over the index (see search.h). */
#include "engine/search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/integrity/integrity.h"
#include "engine/taxonomy/taxonomy.h"
#include "index/schema.h"

#define MAX_SUBS 16
/* Concepts per kind and language that a keyword query may name. */
#define SEARCH_CONCEPTS 10
/* At most this many words of q are looked up as a concept's name. */
#define SEARCH_CONCEPT_WORDS 5

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
	if (strcmp(code, occ) == 0)
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

/* 1 when every word of folded q is a whole word of the label or of one of
 * the alternative labels of a typeahead item. */
static int item_names(const json_t *item, const char *fq)
{
	char fl[TAX_TEXT_MAX * 2 + 3], w[TAX_TEXT_MAX + 3];
	const json_t *alt = json_object_get(item, "alt_labels");
	size_t i, n = json_array_size(alt);
	const char *p, *label;

	for (i = 0; i <= n; i++) {
		label = json_string_value(i == 0 ? json_object_get(item, "label")
						 : json_array_get(alt, i - 1));
		if (!label)
			continue;
		fl[0] = ' ';
		taxonomy_fold(label, fl + 1, sizeof fl - 2);
		strcat(fl, " ");
		for (p = fq; *p;) {
			size_t len = strcspn(p, " ");

			snprintf(w, sizeof w, " %.*s ", (int)len, p);
			if (!strstr(fl, w))
				break;
			p += len;
			p += *p == ' ';
		}
		if (!*p)
			return 1;
	}
	return 0;
}

/* The concept terms q names: the concept it normalises to (its ESCO URI
 * and, for an occupation, its unit group), and the concepts of kind with a
 * label in en, fr or es holding every word of q (the typeahead's best
 * ones: "enfermera" names the Spanish nurse occupations). */
static size_t concept_terms(esco_kind kind, const char *q, const char *lang, index_query **parts,
			    size_t max)
{
	/* the typeahead searches the language asked and English: fr and es
	 * cover all three */
	static const char *const langs[] = {"fr", "es"};
	const char *prefix = kind == ESCO_KIND_OCCUPATION ? VX_ESCO_OCC : VX_SKILL;
	struct tax_match m;
	char term[256], code[5], fq[TAX_TEXT_MAX + 1];
	json_t *items, *it;
	size_t np = 0, i, k;
	int rc;

	rc = kind == ESCO_KIND_OCCUPATION ? taxonomy_normalise_occupation(q, lang, &m)
					  : taxonomy_normalise_skill(q, lang, &m);
	if (rc == 0 && np < max) {
		snprintf(term, sizeof term, "%s%s", prefix, m.uri);
		parts[np++] = index_query_term(term, 1);
		if (kind == ESCO_KIND_OCCUPATION && taxonomy_isco_group(m.uri, code) == 4 &&
		    np < max) {
			snprintf(term, sizeof term, "%s%s", VX_OCCUPATION, code);
			parts[np++] = index_query_term(term, 1);
		}
	}
	/* a concept's name is a few words; a longer query names none as a whole */
	if (!taxonomy_fold(q, fq, sizeof fq) || words_in(fq) > SEARCH_CONCEPT_WORDS)
		return np;
	for (k = 0; k < sizeof langs / sizeof *langs; k++) {
		if (!(items = json_array()))
			break;
		if (taxonomy_suggest_labels(kind, q, langs[k], SEARCH_CONCEPTS, items) == 0)
			json_array_foreach(items, i, it) {
				if (np < max && item_names(it, fq)) {
					snprintf(term, sizeof term, "%s%s", prefix,
						 json_string_value(json_object_get(it, "uri")));
					parts[np++] = index_query_term(term, 1);
				}
			}
		json_decref(items);
	}
	return np;
}

/* Keyword search across the loaded languages: q parsed with the English,
 * French and Spanish stemmers (a vacancy's text is stemmed in its own
 * language: engine/indexer/doc.c), OR the occupations and skills q names
 * in any language ("soudeur", "enfermera"; concept_terms), which vacancies
 * in any language hold. */
static index_query *keyword_query(const char *q, const char *lang, index_error *e)
{
	static const char *const langs[] = {"en", "fr", "es"};
	index_query *parts[3 + 2 * (3 + SEARCH_CONCEPTS * 2)], *out = NULL;
	size_t np = 0, i, max = sizeof parts / sizeof *parts;

	for (i = 0; i < sizeof langs / sizeof *langs; i++) {
		if (!(parts[np] = index_query_parse(q, langs[i], "", 0, e)))
			goto out;
		np++;
	}
	if (strlen(q) <= TAX_TEXT_MAX) {
		np += concept_terms(ESCO_KIND_OCCUPATION, q, lang, parts + np, max - np);
		np += concept_terms(ESCO_KIND_SKILL, q, lang, parts + np, max - np);
	}
	out = index_query_combine(INDEX_OP_OR, parts, np);
out:
	for (i = 0; i < np; i++)
		index_query_free(parts[i]);
	return out;
}

index_query *search_build_query(const struct vacancy_query *vq, problem *p)
{
	index_query *filters[MAX_SUBS + 2], *text = NULL, *all = NULL, *q = NULL, *excl = NULL;
	size_t nf = 0, i;
	char term[256], today[11];
	index_error e = {{0}};

	if (vq->country && !iso_country_valid(vq->country)) {
		bad_param(p, "country", "must be an ISO 3166-1 alpha-2 country code");
		return NULL;
	}
	if (vq->language && !iso_language_valid(vq->language)) {
		bad_param(p, "language", "must be an ISO 639-1 language code");
		return NULL;
	}
	if (vq->occupation && occupation_filter(vq->occupation, vq->lang, &filters[nf], p))
		return NULL;
	if (vq->occupation)
		nf++;
	if (vq->skill) {
		size_t n = strlen(vq->skill);

		if (n == 0 || n > 200) {
			bad_param(p, "skill", "must be 1 to 200 bytes");
			goto out; /* frees the occupation filter (found by fuzz_search) */
		}
		snprintf(term, sizeof term, "%s%s", VX_SKILL, vq->skill);
		if (strncmp(vq->skill, "http", 4) != 0)
			for (i = strlen(VX_SKILL); term[i]; i++)
				term[i] = (char)tolower((unsigned char)term[i]);
		filters[nf] = index_query_term(term, 1);
		/* Free text that normalises was stored as its ESCO URI: find both. */
		if (strncmp(vq->skill, "http", 4) != 0) {
			struct tax_match m;

			if (taxonomy_normalise_skill(vq->skill, NULL, &m) == 0) {
				index_query *alt[2] = {filters[nf], NULL};

				snprintf(term, sizeof term, "%s%s", VX_SKILL, m.uri);
				alt[1] = index_query_term(term, 1);
				filters[nf] = index_query_combine(INDEX_OP_OR, alt, 2);
				index_query_free(alt[0]);
				index_query_free(alt[1]);
			}
		}
		nf++;
	}
	if (vq->country) {
		snprintf(term, sizeof term, "%s%s", VX_COUNTRY, vq->country);
		filters[nf++] = index_query_term(term, 1);
	}
	if (vq->language) {
		snprintf(term, sizeof term, "%s%s", VX_LANGUAGE, vq->language);
		filters[nf++] = index_query_term(term, 1);
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
		text = keyword_query(vq->q, vq->lang, &e);
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

int search_vacancies(index_db *db, const struct vacancy_query *vq, json_t **out, problem *p)
{
	unsigned long limit = SEARCH_LIMIT_DEFAULT, offset = 0;
	index_search_opts opts = {0};
	index_results *res = NULL;
	index_query *q;
	index_error e = {{0}};
	json_t *items, *o;
	char cursor[24];
	size_t i, n, kept = 0, consumed = 0, slack;
	struct vacancy_query sq = *vq;
	integrity_snapshot *snap;
	int rc;

	*out = NULL;
	if (vq->limit && (parse_uint(vq->limit, SEARCH_LIMIT_MAX, &limit) || limit == 0))
		return bad_param(p, "limit", "must be an integer from 1 to 100");
	if (vq->cursor && parse_uint(vq->cursor, SEARCH_OFFSET_MAX, &offset))
		return bad_param(p, "cursor", "is not a cursor this server gave");
	snap = integrity_snapshot_get();
	if (!sq.excluded_recruiters)
		sq.excluded_recruiters =
			integrity_snapshot_terms(snap, !vq->include_flagged, &sq.n_excluded);
	/* The exact terms exclude the bulk in Xapian; a name written a little
	 * differently is caught by the fuzzy verdict below, so fetch some spare
	 * hits to keep the page full. */
	slack = integrity_snapshot_size(snap) ? 50 : 0;
	q = search_build_query(&sq, p);
	if (!q) {
		integrity_snapshot_put(snap);
		return -1;
	}
	opts.offset = (uint32_t)offset;
	opts.limit = (uint32_t)(limit + 1 + slack); /* one more tells whether a next page exists */
	if (vq->q && *vq->q) {
		opts.sort_slot = -1;
		opts.weighting = INDEX_WEIGHT_BM25;
	} else {
		opts.sort_slot = VX_SLOT_ID;
		opts.sort_descending = 1;
		opts.weighting = INDEX_WEIGHT_BOOL;
	}
	rc = index_search(db, q, &opts, &res, &e);
	index_query_free(q);
	if (rc) {
		integrity_snapshot_put(snap);
		problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be searched: %s", e.msg);
		return -1;
	}
	items = json_array();
	n = index_results_count(res);
	for (i = 0; items && i < n && kept < limit; i++) {
		const index_hit *h = index_results_hit(res, i);
		json_t *v = json_loadb(h->data, h->data_len, 0, NULL);
		struct integrity_verdict iv;

		consumed = i + 1;
		if (!v)
			continue;
		if (json_is_object(json_object_get(v, "recruiter"))) {
			integrity_snapshot_verdict(snap, json_object_get(v, "recruiter"), &iv);
			if (iv.kind == INTEGRITY_BLACKLISTED ||
			    (iv.kind == INTEGRITY_FLAGGED && !vq->include_flagged)) {
				integrity_verdict_release(&iv);
				json_decref(v);
				continue;
			}
			json_object_set_new(v, "recruiter_verdict", integrity_verdict_json(&iv));
			integrity_verdict_release(&iv);
		}
		if (vq->q && *vq->q)
			json_object_set_new(v, "relevance", json_real(h->weight));
		json_array_append_new(items, v);
		kept++;
	}
	integrity_snapshot_put(snap);
	o = json_pack("{s:o, s:I}", "items", items ? items : json_array(), "estimated_total",
		      (json_int_t)index_results_estimate(res));
	if (o && (n > consumed || n == opts.limit) && offset + consumed <= SEARCH_OFFSET_MAX) {
		snprintf(cursor, sizeof cursor, "%lu", offset + (unsigned long)consumed);
		json_object_set_new(o, "next_cursor", json_string(cursor));
	} else if (o) {
		json_object_set_new(o, "next_cursor", json_null());
	}
	index_results_free(res);
	if (!o) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	*out = o;
	return 0;
}
