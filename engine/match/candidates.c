/*
 * candidates.c - vacancy -> candidate cards: the consented profiles
 * PostgreSQL pre-filters, scored with the same function as the other
 * direction, answered as minimised cards, each card's read audited.
 */
#include "engine/match/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/core/cursor.h"
#include "engine/profile.h"
#include "engine/vacancy.h"

/* Score, then profile id: an order every page agrees on (the pool's
 * order changes as profiles come). */
static int by_score_then_profile(const void *a, const void *b)
{
	const struct match__scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x->vacancy, "id")),
		      json_string_value(json_object_get(y->vacancy, "id")));
}

/* Where a page starts: after the card (score, profile) of the cursor. */
struct card_key {
	double score;
	char profile[64];
};

static int read_card_cursor(const json_t *binding, const char *text, struct card_key *k,
			    problem *p)
{
	json_t *pos = NULL;
	const char *sc, *pid;
	char *end;
	int rc = cursor_decode(binding, text, &pos);

	if (rc == -2) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	sc = json_string_value(json_array_get(pos, 0));
	pid = json_string_value(json_array_get(pos, 1));
	if (rc || !sc || !pid || strlen(pid) >= sizeof k->profile) {
		json_decref(pos);
		problem_field(p, "cursor", "format",
			      "is not a cursor this server gave for this vacancy");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	k->score = strtod(sc, &end);
	snprintf(k->profile, sizeof k->profile, "%s", pid);
	json_decref(pos);
	return 0;
}

int match_candidates(store *s, const struct principal *who, const char *org,
		     const char *vacancy_id, size_t limit, const char *cursor, const char *lang,
		     json_t **out, problem *p)
{
	json_t *binding = NULL;
	struct card_key after = {0, ""};
	size_t first = 0, shown = 0;
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
	binding = json_pack("[s, s?, s]", "candidates", who ? who->org : NULL, vacancy_id);
	if (!binding) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	if (cursor && read_card_cursor(binding, cursor, &after, p)) {
		json_decref(binding);
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
		/* the labels the employer reads */
		snprintf(people[i].label_lang, sizeof people[i].label_lang, "%s", lang ? lang : "en");
		/* No index weight in this direction: every card loses the same share. */
		match__score_facts(&people[i], vf, 0, &cands[i]);
		cands[i].id = (int64_t)i; /* ties: the pool's order (newest profile first) */
		cands[i].vacancy = json_array_get(pool, i);
	}
	qsort(cands, n, sizeof *cands, by_score_then_profile);
	/* The cards after the cursor's: a keyset, so a profile that comes or
	 * goes between two pages repeats and skips none of the others. */
	while (after.profile[0] && first < n &&
	       (cands[first].score > after.score ||
		(cands[first].score == after.score &&
		 strcmp(json_string_value(json_object_get(cands[first].vacancy, "id")),
			after.profile) <= 0)))
		first++;
	detail = json_pack("{s:s}", "vacancy", vacancy_id);
	if (!detail)
		goto oom;
	for (i = first; i < n && shown < limit; i++, shown++) {
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
	*out = json_pack("{s:o, s:n}", "items", items, "next_cursor");
	items = NULL;
	if (*out && i < n && shown) {
		/* The exact score (17 digits), not the rounded one on the card. */
		char sc[40], cur[CURSOR_TEXT_MAX + 1];
		json_t *pos;

		snprintf(sc, sizeof sc, "%.17g", cands[i - 1].score);
		pos = json_pack("[s, s]", sc, json_string_value(json_object_get(cands[i - 1].vacancy,
										   "id")));
		if (pos && cursor_encode(binding, pos, cur, sizeof cur) == 0)
			json_object_set_new(*out, "next_cursor", json_string(cur));
		json_decref(pos);
	}
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
	json_decref(binding);
	json_decref(v);
	json_decref(pool);
	json_decref(skills);
	json_decref(occs);
	json_decref(items);
	return rc;
}

