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
	if (vq->occupation) {
		char code[5];
		int n = taxonomy_isco_group(vq->occupation, code);

		if (n < 0) {
			problem_set(p, PROBLEM_UNAVAILABLE,
				    "the ESCO taxonomy is not available to check the occupation");
			return NULL;
		}
		if (n == 0) {
			bad_param(p, "occupation",
				  "must be an ISCO-08 code (1 to 4 digits) or a known ESCO occupation URI");
			return NULL;
		}
		/* a code finds its group at any level; a URI that one occupation */
		if (strcmp(code, vq->occupation) == 0)
			snprintf(term, sizeof term, "%s%s", VX_OCCUPATION, code);
		else
			snprintf(term, sizeof term, "%s%s", VX_ESCO_OCC, vq->occupation);
		filters[nf++] = index_query_term(term, 1);
	}
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
		text = index_query_parse(vq->q, "en", "", 0, &e);
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
