/*
 * run.c - running a match, profile -> vacancies: retrieval, then
 * re-ranking of the candidates from their compact records, the page's
 * results with explanations and verdicts, the facets; and the quota
 * listings joined to the answer (match_attach_quotas).
 */
#include "engine/match/internal.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/quota/quota.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"
#include "index/schema.h"

/* One result: the vacancy (sc->vacancy: its object, or its stored JSON
 * text as a string with raw_vacancies), score, explanation and recruiter.
 * Takes flags. */
static json_t *result_item(const struct match__person *pr, const struct match__scored *sc,
			   const struct match__facts *f, json_t *flags, enum match__verdict vd)
{
	json_t *matched, *missing, *gaps, *recruiter = json_null(), *breakdown, *relation, *item;
	char name[256];

	if (match__explain_facts(pr, f, &matched, &missing, &gaps, NULL)) {
		json_decref(matched);
		json_decref(missing);
		json_decref(gaps);
		json_decref(flags);
		return NULL;
	}
	if (vd != VERDICT_NONE) {
		const char *nm = NULL;

		if (f->rec_json) {
			nm = json_string_value(json_object_get(f->rec_json, "name"));
		} else if (f->rec_len[0]) {
			size_t n = f->rec_len[0] < sizeof name - 1 ? f->rec_len[0] : sizeof name - 1;

			memcpy(name, f->rec[0], n);
			name[n] = '\0';
			nm = name;
		}
		recruiter = json_pack("{s:s?, s:s}", "name", nm, "verdict", match__verdict_name(vd));
		if (recruiter && flags)
			json_object_set(recruiter, "flags", flags);
	}
	json_decref(flags);
	breakdown = match__breakdown(pr, f, sc);
	relation = match__relation(pr, sc);
	item = breakdown && relation
		       ? json_pack("{s:O, s:f, s:{s:s, s:O, s:O, s:b, s:o, s:o, s:{s:b, s:o}}, s:o}",
				   "vacancy", sc->vacancy, "score", sc->score, "explanation",
				   "occupation", match__occ_name(sc->occ), "occupation_relation", relation,
				   "breakdown", breakdown, "relevant", sc->relevant, "matched_skills",
				   matched, "missing_essential", missing, "languages", "met", sc->met,
				   "gaps", gaps, "recruiter", recruiter ? recruiter : json_null())
		       : NULL;
	if (!breakdown || !relation) { /* json_pack takes its "o" arguments even when it fails */
		json_decref(matched);
		json_decref(missing);
		json_decref(gaps);
		json_decref(recruiter);
	}
	json_decref(breakdown);
	json_decref(relation);
	/* Below the relevance floor: only with "explore", and marked. */
	if (item && !sc->relevant && json_object_set_new(item, "explore", json_true())) {
		json_decref(item);
		item = NULL;
	}
	return item;
}

/* One attempt at a match; INDEX_EMODIFIED (with *out NULL) when the index
 * moved on between the search and reading the page's documents. */
static int match_once(index_db *db, const struct match__person *pr, const json_t *profile,
		      const struct match_params *mp, json_t **out, problem *p)
{
	index_search_opts opts = {.sort_slot = -1, .weighting = INDEX_WEIGHT_COORD, .skip_data = 1,
				  .want_value = 1, .value_slot = VX_SLOT_MATCH, .cache_value = 1,
				  .xapian_matcher = mp->xapian_matcher,
				  /* The count of matches is never shown (the facets
				   * count the candidates), so the evaluator may
				   * leave out what cannot be a candidate. */
				  .top_only = !mp->exhaustive};
	index_results *res = NULL;
	index_error e = {{0}};
	struct match__scored *cands = NULL;
	struct match__facts *f = NULL;
	integrity_snapshot *snap = NULL;
	json_t *answer = NULL, *list = NULL;
	struct match__facets by_country = {NULL, 0}, by_major = {NULL, 0};
	json_t *fc = NULL, *fm = NULL, *doc = NULL;
	index_query *q;
	size_t n, i, kept = 0, expired, cap;
	double top;
	char today[11];
	int rc = -1, dates = 0;

	*out = NULL;
	opts.limit = (uint32_t)(mp->candidates ? mp->candidates : MATCH_CANDIDATES);
	cap = opts.limit ? opts.limit : 1;
	cands = calloc(cap, sizeof *cands);
	f = malloc(sizeof *f);
	by_country.f = calloc(cap, sizeof *by_country.f);
	by_major.f = calloc(cap, sizeof *by_major.f);
	list = json_array();
	if (!cands || !f || !by_country.f || !by_major.f || !list)
		goto oom;
	snap = integrity_snapshot_get();
	iso_today(today);
retrieve:
	/* First without valid_until in the query: testing it there walks the
	 * date value stream beside every posting list, and expired vacancies
	 * are rare in the index. Each candidate's record carries its date, so
	 * the expired ones are dropped here; if one was among a full set of
	 * candidates, the set may lack one that the filtered query would have
	 * retrieved, so retrieval runs once more with the test in the query. */
	q = match__build_query(db, profile, pr, mp, dates, p);
	if (!q)
		goto out;
	rc = index_search(db, q, &opts, &res, &e);
	index_query_free(q);
	if (rc) {
		rc = -1;
		problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be searched: %s", e.msg);
		goto out;
	}
	rc = -1;
	n = index_results_count(res);
	top = -1; /* the weight of the first (heaviest) unexpired hit */
	expired = kept = 0;
	by_country.n = by_major.n = 0;
	for (i = 0; i < n; i++) {
		const index_hit *h = index_results_hit(res, i);
		enum match__verdict vd;
		char major[2];

		json_decref(doc);
		doc = NULL;
		if (match__facts_decode(h->value, h->value_len, f)) {
			/* No compact record (an index from before it existed):
			 * the facts of the full document. */
			int frc = index_fetch_data(db, res, i, 1, &e);

			if (frc) {
				rc = frc == INDEX_EMODIFIED ? INDEX_EMODIFIED : -1;
				problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be read: %s", e.msg);
				goto out;
			}
			doc = vacancy_card_decode(h->data, h->data_len);
			if (!doc)
				continue;
			match__facts_from_json(doc, f);
		}
		if (f->valid_until[0] && strcmp(f->valid_until, today) < 0) {
			expired++;
			continue;
		}
		if (top < 0)
			top = h->weight;
		vd = match__facts_verdict(snap, f, NULL);
		if (vd == VERDICT_BLACKLISTED || vd == VERDICT_HELD ||
		    (vd == VERDICT_FLAGGED && !mp->include_flagged))
			continue;
		match__score_facts(pr, f, top > 0 ? h->weight / top : 0, &cands[kept]);
		/* The relevance floor: no occupation relation and no essential
		 * skill matched is no match, unless the counsellor explores. */
		if (!cands[kept].relevant && !mp->explore)
			continue;
		cands[kept].hit = i;
		/* Facets count the whole re-ranked candidate set, not just the page. */
		major[0] = f->isco[0];
		major[1] = '\0';
		match__facet_add(&by_country, f->country);
		match__facet_add(&by_major, major);
		kept++;
	}
	json_decref(doc);
	doc = NULL;
	if (expired && !dates && n == opts.limit) {
		index_results_free(res);
		res = NULL;
		dates = 1;
		goto retrieve;
	}
	qsort(cands, kept, sizeof *cands, match__by_score);
	/* Only the page's documents are read. Their explanations come from
	 * the records; the JSON is parsed only for a caller that wants
	 * objects (with raw_vacancies it is passed on as stored). */
	for (i = 0; i < kept && i < mp->limit; i++) {
		const index_hit *h = index_results_hit(res, cands[i].hit);
		json_t *flags = NULL, *item = NULL;
		enum match__verdict vd;
		int trc;
		int frc = h->data_len ? 0 : index_fetch_data(db, res, cands[i].hit, 1, &e);

		if (frc) {
			rc = frc == INDEX_EMODIFIED ? INDEX_EMODIFIED : -1;
			problem_set(p, PROBLEM_UNAVAILABLE, "the index cannot be read: %s", e.msg);
			goto out;
		}
		json_decref(doc);
		doc = NULL;
		if (match__facts_decode(h->value, h->value_len, f)) {
			if (!(doc = vacancy_card_decode(h->data, h->data_len)))
				goto oom;
			match__facts_from_json(doc, f);
		}
		/* The vacancy carries the labels of its concepts, as in
		 * every answer holding one. */
		if (mp->raw_vacancies)
			cands[i].vacancy = match__raw_vacancy(h->data, h->data_len, f, pr->label_lang);
		else
			cands[i].vacancy = doc ? json_incref(doc) : vacancy_card_decode(h->data, h->data_len);
		if (!cands[i].vacancy)
			goto oom;
		if (!mp->raw_vacancies && match_taxonomy() && taxonomy_label_doc(cands[i].vacancy, pr->label_lang))
			goto oom;
		vd = match__facts_verdict(snap, f, &flags);
		/* For a caller that writes the answer out, the result as text
		 * (no tree built only to be dumped); the tree for one the
		 * text cannot hold, which reports it as it always did. */
		trc = mp->raw_vacancies && !mp->result_trees
			      ? match__item_text(pr, &cands[i], f, flags, vd, &item)
			      : 1;
		if (trc < 0) {
			json_decref(flags);
			goto oom;
		}
		if (trc == 0)
			json_decref(flags);
		else
			item = result_item(pr, &cands[i], f, flags, vd);
		if (!item || json_array_append_new(list, item))
			goto oom;
	}
	fc = match__facet_list(&by_country);
	fm = match__facet_list(&by_major);
	if (!fc || !fm)
		goto oom;
	answer = json_pack("{s:o, s:[], s:{s:s, s:I, s:o, s:o}}", "vacancies", list, "quotas",
			   "facets", "source", "candidates", "candidates", (json_int_t)kept,
			   "country", fc, "isco_major", fm);
	list = fc = fm = NULL;
	if (!answer)
		goto oom;
	*out = answer;
	rc = 0;
	goto out;
oom:
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
out:
	for (i = 0; cands && i < kept; i++)
		json_decref(cands[i].vacancy);
	if (snap)
		integrity_snapshot_put(snap);
	free(cands);
	free(f);
	json_decref(doc);
	json_decref(list);
	json_decref(fc);
	json_decref(fm);
	free(by_country.f);
	free(by_major.f);
	index_results_free(res);
	return rc;
}

int match_keep_lists(index_db *db, uint64_t *kept, index_error *e)
{
	/* The occupation groups first: every match asks for some (stated or
	 * inferred), their lists are the longest a match reads (XO:522 holds
	 * 4% of the vacancies), and there are few of them. */
	static const char *const prefixes[] = {VX_OCCUPATION, VX_SKILL};
	uint64_t n, all = 0;
	size_t i;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		if (index_keep_lists(db, prefixes[i], MATCH_KEEP_BYTES, &n, NULL, e))
			return -1;
		all += n;
	}
	if (kept)
		*kept = all;
	return 0;
}

int match_vacancies(index_db *db, const json_t *profile, const struct match_params *mp,
		    json_t **out, problem *p)
{
	struct match__person pr;
	index_error e = {{0}};
	int rc;

	*out = NULL;
	if (match__person_prepare(profile, &pr)) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	memcpy(pr.label_lang, mp->lang, sizeof pr.label_lang);
	pr.label_lang[sizeof pr.label_lang - 1] = '\0';
	rc = match_once(db, &pr, profile, mp, out, p);
	if (rc == INDEX_EMODIFIED && index_reopen(db, &e) == 0) {
		/* The index moved on under the search: once more on the new revision. */
		problem_release(p);
		problem_init(p);
		rc = match_once(db, &pr, profile, mp, out, p);
	}
	match__person_release(&pr);
	return rc ? -1 : 0;
}

int match_attach_quotas(store *s, const json_t *profile, json_t *answer, problem *p)
{
	json_t *quotas = NULL;

	/* Quota listings and eligibility: engine/quota/quota.h decides which
	 * listings are shown and why a near miss is not eligible. */
	if (quota_for_profile(s, profile, &quotas, p))
		return -1;
	if (json_object_set_new(answer, "quotas", quotas)) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	return 0;
}
