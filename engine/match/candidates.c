/*
 * candidates.c - vacancy -> candidate cards: the consented profiles
 * PostgreSQL pre-filters, scored with the same function as the other
 * direction, answered as minimised cards, each card's read audited.
 */
#include "engine/match/internal.h"

#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/profile.h"
#include "engine/vacancy.h"

int match_candidates(store *s, const struct principal *who, const char *org,
		     const char *vacancy_id, size_t limit, json_t **out, problem *p)
{
	json_t *v = NULL, *pool = NULL, *skills = NULL, *occs = NULL, *items = NULL, *x, *detail = NULL;
	struct match__scored *cands = NULL;
	struct match__person *people = NULL;
	struct match__facts *vf = NULL;
	size_t i, n = 0, prepared = 0;
	int64_t id;
	char code[5];
	int rc = -1;

	*out = NULL;
	if (vacancy_parse_id(vacancy_id, &id)) {
		problem_set(p, PROBLEM_NOT_FOUND, "no such vacancy");
		return -1;
	}
	if (store_begin(s)) {
		store_problem(s, p);
		return -1;
	}
	if (vacancy_get(s, id, org, &v, p))
		goto fail;
	/* A closed vacancy recruits nobody: showing people for it would be
	 * reading profiles for no purpose (docs/privacy.md). */
	if (strcmp(json_string_value(json_object_get(v, "status")) ?
			   json_string_value(json_object_get(v, "status")) : "", "closed") == 0) {
		problem_set(p, PROBLEM_CONFLICT, "vacancy %s is closed: no candidate cards", vacancy_id);
		goto fail;
	}
	skills = json_array();
	occs = json_array();
	items = json_array();
	if (!skills || !occs || !items)
		goto oom;
	json_array_extend(skills, json_object_get(json_object_get(v, "skills"), "essential"));
	json_array_extend(skills, json_object_get(json_object_get(v, "skills"), "optional"));
	x = json_object_get(v, "occupation");
	if (json_is_string(x)) {
		json_array_append(occs, x);
		match__occupation_code(json_string_value(x), code);
		if (code[0] && strcmp(code, json_string_value(x)))
			json_array_append_new(occs, json_string(code));
	}
	if (profile_candidates(s, skills, occs, MATCH_CARD_POOL, &pool, p))
		goto fail;
	n = json_array_size(pool);
	cands = calloc(n ? n : 1, sizeof *cands);
	people = calloc(n ? n : 1, sizeof *people);
	vf = malloc(sizeof *vf);
	if (!cands || !people || !vf)
		goto oom;
	match__facts_from_json(v, vf);
	for (i = 0; i < n; i++) {
		if (match__person_prepare(json_object_get(json_array_get(pool, i), "doc"), &people[i]))
			goto oom;
		prepared++;
		/* No index weight in this direction: every card loses the same share. */
		match__score_facts(&people[i], vf, 0, &cands[i]);
		cands[i].id = (int64_t)i; /* ties: the pool's order (newest profile first) */
		cands[i].vacancy = json_array_get(pool, i);
	}
	qsort(cands, n, sizeof *cands, match__by_score);
	detail = json_pack("{s:s}", "vacancy", vacancy_id);
	if (!detail)
		goto oom;
	for (i = 0; i < n && i < limit; i++) {
		struct match__person *pr = &people[cands[i].id];
		const char *pid = json_string_value(json_object_get(cands[i].vacancy, "id"));
		json_t *matched, *missing, *gaps, *langs, *card;

		if (match__explain_facts(pr, vf, &matched, &missing, &gaps, &langs)) {
			json_decref(matched);
			json_decref(missing);
			json_decref(gaps);
			json_decref(langs);
			goto oom;
		}
		json_decref(gaps);
		/* Minimised: no citizenship, no dates, no free text beyond skills. */
		card = json_pack("{s:s, s:f, s:o, s:o, s:o}", "profile", pid, "score",
				 match__round4(cands[i].score), "matched_skills", matched,
				 "missing_essential", missing, "languages", langs);
		if (!card || json_array_append_new(items, card))
			goto oom;
		if (audit_write(s, who, "profile.card", pid, detail))
			goto fail;
	}
	if (store_commit(s))
		goto fail;
	*out = json_pack("{s:o}", "items", items);
	items = NULL;
	rc = *out ? 0 : -1;
	if (rc)
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	goto out;
oom:
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
fail:
	store_rollback(s);
	if (!p->kind)
		store_problem(s, p);
out:
	for (i = 0; i < prepared; i++)
		match__person_release(&people[i]);
	free(people);
	free(cands);
	free(vf);
	json_decref(detail);
	json_decref(v);
	json_decref(pool);
	json_decref(skills);
	json_decref(occs);
	json_decref(items);
	return rc;
}

