/*
 * document.c - normalising the skills and occupations of a posted document
 * in place (taxonomy_normalise_doc, the write path of vacancies and
 * profiles), within one search budget per document.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static json_t *at_path(json_t *doc, const char *path)
{
	char buf[128], *p, *dot;
	json_t *v = doc;

	snprintf(buf, sizeof buf, "%s", path);
	for (p = buf; v && p; p = dot) {
		dot = strchr(p, '.');
		if (dot)
			*dot++ = '\0';
		v = json_object_get(v, p);
	}
	return v;
}

static int report(json_t *norm, const char *input, const struct tax_match *m)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:f}", "input", input, "concept", m->uri, "label",
			      m->label, "score", (double)(int)(m->score * 100 + 0.5) / 100);

	/* "welding (5 years)": the years the text gave, as experience */
	if (o && m->years > 0 && json_object_set_new(o, "experience_years", json_integer(m->years)))
		return -1;
	return o ? json_array_append_new(norm, o) : -1;
}

/* Free text that matched no concept well enough: concept and label null. */
static int report_kept(json_t *norm, const char *input, const struct tax_match *m)
{
	json_t *o = json_pack("{s:s, s:n, s:n}", "input", input, "concept", "label");

	if (o && m->years > 0 && json_object_set_new(o, "experience_years", json_integer(m->years)))
		return -1;
	return o ? json_array_append_new(norm, o) : -1;
}

/* Checks or normalises one value; replaces it in `arr` at i, or in obj at key.
 * budget: the document's searches left (NULL: unlimited). */
static int one(esco_kind kind, json_t *holder, size_t i, const char *key, const char *field,
	       json_t *norm, int *budget, problem *p)
{
	json_t *v = key ? json_object_get(holder, key) : json_array_get(holder, i);
	const char *s = json_string_value(v);
	struct tax_match m = {0};
	char input[TAX_TEXT_MAX + 1];
	int rc;

	if (!s)
		return 0; /* the type check is the caller's */
	snprintf(input, sizeof input, "%s", s);
	rc = tax__normalise(kind, input, NULL, &m, budget);
	if (rc == TAX_ERR) {
		problem_set(p, PROBLEM_UNAVAILABLE, "the taxonomy is not available");
		return -1;
	}
	if (rc == TAX_ERR_UNKNOWN) {
		problem_field(p, field, "unknown",
			      kind == ESCO_KIND_OCCUPATION
				      ? "'%s' is not a known ISCO-08 unit group or ESCO occupation"
				      : "'%s' is not a known ESCO skill",
			      input);
		p->kind = PROBLEM_INVALID;
		return 0;
	}
	if (rc == TAX_ERR_NOMATCH && kind == ESCO_KIND_OCCUPATION) {
		problem_field(p, field, "not_normalised",
			      "'%s' matches no ESCO occupation well enough; give an ISCO-08 code or "
			      "an ESCO occupation URI",
			      input);
		p->kind = PROBLEM_INVALID;
		return 0;
	}
	if (rc == TAX_ERR_BUDGET) {
		/* past the document's searches: kept as typed, and said so, so a
		 * counsellor sees it was not looked up (not "not understood") */
		json_t *o = json_pack("{s:s, s:n, s:n, s:b}", "input", input, "concept", "label",
				      "searched", 0);

		if (!o || json_array_append_new(norm, o)) {
			problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
			return -1;
		}
		return 0;
	}
	if (rc == TAX_ERR_NOMATCH) {
		/* kept as typed: said too, so a counsellor sees what was not understood */
		if (report_kept(norm, input, &m)) {
			problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
			return -1;
		}
		return 0;
	}
	/* kept as it is: a code or a URI; free text naming an ISCO-08 group
	 * ("nurse": 2221) becomes its code, reported like any other */
	if (rc || strcmp(m.uri, input) == 0)
		return 0;
	if (report(norm, input, &m) ||
	    (key ? json_object_set_new(holder, key, json_string(m.uri))
		 : json_array_set_new(holder, i, json_string(m.uri)))) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	return 0;
}

/* Whether the array holds the string s. */
static int holds(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (json_is_string(json_array_get(arr, i)) &&
		    strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			return 1;
	return 0;
}

/* Whether the one word w (any case) is one of o's preferred labels, whole,
 * or one form of it ("soudeur" of "soudeur/soudeuse"): not a word of a
 * longer one ("housekeeping" of "housekeeping supervisor"). */
static int is_preferred(const esco_occupation *o, const char *w)
{
	size_t wl = strlen(w);
	int l;

	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		const char *p = o->labels[l].preferred;

		while (p && *p) {
			size_t n = strcspn(p, "/");

			if (n == wl && strncasecmp(p, w, wl) == 0)
				return 1;
			p += n;
			p += strspn(p, "/");
		}
	}
	return 0;
}

/* Whether the text, read as an occupation (mo), is its title: exactly a
 * label; one word only as the occupation's preferred label, whole (below). */
static int title_named(const char *input, const struct tax_match *mo)
{
	return mo->score >= 1.0 &&
	       (strchr(input, ' ') ||
		(mo->kind == ESCO_KIND_OCCUPATION && is_preferred(mo->concept, input)));
}

/* Whether one word names an ISCO-08 unit group (mo) more surely than a
 * skill it is only part of (ms, a reading under 1). A walk-in's "nurse"
 * heads 20 labels of 2221 nursing professionals ("specialist nurse",
 * "ward nurse"; headgroup.c, 0.90) and is one of the two words of the
 * skill "nurse plants" (0.87), whose gardeners came first; Spanish
 * "almacén" (store) heads the stock clerks' "almacenero" labels of 4321
 * (1.0) and is half of "almacén de datos", the data warehouse.
 * - Only a unit group, one trade: a wider group stated counts all its ads
 *   alike (0.48), and the skill's reading ranked them better ("driver" is
 *   83, drivers and mobile plant operators, at 0.96: an engine minder's
 *   ad came first; "mechanic", 723, a greaser's).
 * - Only a group: its answer counts the word's heads over a whole group,
 *   not one occupation a search found ("cleaning" reads as an amusement
 *   park cleaner at 0.88, "welding" as a welding coordinator).
 * - Only against a skill reading: a word that matched no skill is read by
 *   its words in matching (engine/match/model.c); a skill's exact label
 *   stays a skill ("warehouse", "sewing"). */
static int group_named(const struct tax_match *mo, const struct tax_match *ms)
{
	return mo->kind == ESCO_KIND_ISCO_GROUP && strlen(mo->uri) == 4 && mo->score > ms->score;
}

/* 1 when concept's preferred label in lang l holds the folded word w. */
static int preferred_holds(const void *concept, int l, const char *w)
{
	char buf[FOLD_MAX], *pw[MAX_WORDS];
	const char *pref = tax__label_in(concept, ESCO_KIND_OCCUPATION, l);
	size_t n, i;

	if (!pref || taxonomy_fold(pref, buf, sizeof buf) == 0)
		return 0;
	n = tax__split_words(buf, pw, MAX_WORDS);
	for (i = 0; i < n; i++)
		if (strcmp(pw[i], w) == 0)
			return 1;
	return 0;
}

/* The occupation whose label is the text of two words or more with its
 * head word (tax__head_word: the last content word in English, the first
 * in French and Spanish) put as the trade's own head, a word of one root
 * (taxonomy_same_root): "truck driving" is "truck driver", an alternative
 * label of the cargo vehicle driver, and "window cleaning" the window
 * cleaner. The activity names the worker who does it, as a lone trade
 * word does in matching (engine/match/model.c); read as a skill, "truck
 * driving" was "operating truck", the dump truck of a surface mine plant
 * operator.
 * The caller moves it only when it is the profile's one skill, as round
 * 16's one-skill rules read (person.c): beside other skills it is one of
 * the trade's skills, and the listings say the trade ("arc welding" makes
 * "arc welder", the welder's alternative label, and beside "MIG welding"
 * stays "apply arc welding techniques": test_repeated_skills_count_once).
 * Alone it names the trade; as a skill, "bus driving" ("manoeuvre bus")
 * gave a waterway construction labourer first, "arc welding" a rail layer.
 * Read only in the languages the text can be written in, each against
 * that language's labels. A label several occupations hold goes to the
 * one whose preferred label it is, else to one whose preferred label holds
 * the trade's head ("fruit picker" is an alternative label of the
 * horticulture worker and of the fruit and vegetable picker). NULL when
 * no label is so made; *label gets the occupation's preferred label. */
static const esco_occupation *activity_title(const char *input, const char **label)
{
	const struct tax_labels *t = tax__labels();
	char buf[FOLD_MAX], *w[MAX_WORDS], cand[FOLD_MAX];
	unsigned langs = taxonomy_text_langs(input);
	size_t n, i, lo, hi, k, a, b;
	const void *best = NULL;
	int l, h, best_r = -1, best_l = 0;

	if (!t || taxonomy_fold(input, buf, sizeof buf) == 0)
		return NULL;
	n = tax__split_words(buf, w, MAX_WORDS);
	for (l = 0; n >= 2 && l < ESCO_LANG_COUNT; l++) {
		const char *prev = NULL;
		size_t plen = 0;

		h = tax__head_word(w, n, l);
		if (!(langs >> l & 1) || h < 0 || strlen(w[h]) < TAX_ROOT_MIN)
			continue;
		tax__word_range(t, 0, w[h], TAX_ROOT_MIN, &lo, &hi);
		for (k = lo; k < hi; k++) {
			const char *x = t->text.p + t->words[0][k].word;
			size_t xl = strcspn(x, " "), at = 0;
			char word[WORD_MAX];

			if (TW_LANG(t->words[0][k].bits) != (unsigned)l || xl >= sizeof word ||
			    (prev && xl == plen && memcmp(x, prev, xl) == 0))
				continue;
			prev = x;
			plen = xl;
			memcpy(word, x, xl);
			word[xl] = '\0';
			if (strcmp(word, w[h]) == 0 || !taxonomy_same_root(word, w[h]))
				continue;
			for (i = 0; i < n && at < sizeof cand; i++)
				at += (size_t)snprintf(cand + at, sizeof cand - at, "%s%s", i ? " " : "",
						       (int)i == h ? word : w[i]);
			if (at >= sizeof cand)
				continue;
			tax__fold_range(t, 0, cand, &a, &b);
			for (; a < b; a++) {
				const struct tlabel *lb = &t->lab[t->by_fold[0][a]];
				int r;

				if (lb->lang != l)
					continue;
				r = lb->type == 0 ? 2 : preferred_holds(lb->concept, l, word);
				if (r > best_r) {
					best_r = r;
					best = lb->concept;
					best_l = l;
				}
			}
		}
		if (best)
			break;
	}
	if (best)
		*label = tax__label_in(best, ESCO_KIND_OCCUPATION, best_l);
	return best;
}

#define TRADE_OCC_MAX 256 /* occupations one word heads; more name a kind of work */

/* Whether a lone word names a trade whose work the skill ms is not. The
 * word names a trade when it is, or is one root with (taxonomy_same_root,
 * sharing more than TAX_ROOT_MIN letters: without attested endings here a
 * bare four-letter root may be chance), the head word of occupations'
 * preferred labels in a language the text can be written in. Then:
 * - a word that is itself such a head is a person's trade, no skill
 *   ("mecánico" was the physics of "mechanics", and its ads a gear
 *   machinist's);
 * - a word of the head's family (an activity: "painting" / painter,
 *   "cocinar" / cocinero) keeps a skill that most of the occupations it
 *   heads list as essential (the trade's own work: "lay tiles" for the
 *   tilers "carrelage" heads), or whose preferred label says the word
 *   and one of them lists (below), and loses any other ("painting" was
 *   "express yourself creatively", listed by none of the painters, and
 *   no ad came; "cocinar" "bake goods", listed by one cook of five).
 * The word then stays free text, which matching reads as the trade it
 * names (engine/match/model.c: a walk-in's words against occupations' heads). */
static int trade_not_skill(const char *input, const struct tax_match *ms)
{
	const struct tax_labels *t = tax__labels();
	char buf[FOLD_MAX], *w[MAX_WORDS], lbuf[FOLD_MAX], *lw[MAX_WORDS];
	const void *occ[TRADE_OCC_MAX];
	unsigned langs = taxonomy_text_langs(input);
	size_t n, lo, hi, k, wl, nocc = 0, listing = 0, j, ln;
	int person = 0;

	if (!t || ms->kind != ESCO_KIND_SKILL || !ms->concept ||
	    taxonomy_fold(input, buf, sizeof buf) == 0)
		return 0;
	n = tax__split_words(buf, w, MAX_WORDS);
	if (n != 1 || tax__is_stopword(w[0]) || (wl = strlen(w[0])) < TAX_ROOT_MIN)
		return 0;
	tax__word_range(t, 0, w[0], TAX_ROOT_MIN, &lo, &hi);
	for (k = lo; k < hi; k++) {
		const struct tword *e = &t->words[0][k];
		const struct tlabel *lb = &t->lab[e->label];
		const char *x = t->text.p + e->word;
		size_t xl = strcspn(x, " "), same = 0;
		int l = (int)TW_LANG(e->bits), h, equal;
		char word[WORD_MAX];

		if (lb->type != 0 || !(langs >> l & 1) || xl >= sizeof word)
			continue; /* a preferred label of the text's languages */
		memcpy(word, x, xl);
		word[xl] = '\0';
		while (same < xl && same < wl && word[same] == w[0][same])
			same++;
		equal = strcmp(word, w[0]) == 0;
		if (!equal && (same <= TAX_ROOT_MIN || !taxonomy_same_root(word, w[0])))
			continue;
		snprintf(lbuf, sizeof lbuf, "%s", t->text.p + lb->fold);
		ln = tax__split_words(lbuf, lw, MAX_WORDS);
		h = tax__head_word(lw, ln, l);
		if (h < 0 || strcmp(lw[h], word) != 0)
			continue; /* the word only qualifies this label's head */
		person |= equal;
		for (j = 0; j < nocc && occ[j] != lb->concept; j++)
			;
		if (j < nocc)
			continue;
		if (nocc == TRADE_OCC_MAX)
			return 0;
		occ[nocc++] = lb->concept;
		listing += esco_occupation_has_skill(lb->concept, ms->concept) == 1;
	}
	if (!nocc || person)
		return nocc > 0;
	/* a skill whose own preferred label says the word, and that one of
	 * the word's trades lists ("limpieza" / "técnicas de limpieza", the
	 * domestic cleaner's), is its reading, whatever the few others list
	 * ("limpiador" heads three Spanish labels, in three trades); one no
	 * such trade lists is not ("scaffolding" / "plan scaffolding", the
	 * supervisors'; "cuidar" / "cuidar plantas") */
	for (k = 0; listing && k < ESCO_LANG_COUNT; k++) {
		const char *pref = ((const esco_skill *)ms->concept)->labels[k].preferred;

		if (!(langs >> k & 1) || !pref || taxonomy_fold(pref, lbuf, sizeof lbuf) == 0)
			continue;
		ln = tax__split_words(lbuf, lw, MAX_WORDS);
		for (j = 0; j < ln; j++)
			if (strcmp(lw[j], w[0]) == 0)
				return 0;
	}
	return 2 * listing <= nocc;
}

/* Whether one form of concept's preferred label in language l is the
 * content words cw[0..nc) with its head word added, in order ("home care
 * aide" for "home care"; in French and Spanish the head comes first). */
static int form_qualifies(const void *concept, int l, char (*cw)[WORD_MAX], size_t nc)
{
	const char *p = tax__label_in(concept, ESCO_KIND_OCCUPATION, l);
	char form[FOLD_MAX], buf[FOLD_MAX], *lw[MAX_WORDS];

	while (p && *p) {
		size_t len = strcspn(p, "/"), ln, i, j = 0;
		int h, ok = 1;

		snprintf(form, sizeof form, "%.*s", (int)(len < sizeof form ? len : sizeof form - 1), p);
		p += len + (p[len] == '/');
		if (taxonomy_fold(form, buf, sizeof buf) == 0)
			continue;
		ln = tax__split_words(buf, lw, MAX_WORDS);
		if ((h = tax__head_word(lw, ln, l)) < 0)
			continue;
		for (i = 0; ok && i < ln; i++) {
			if ((int)i == h || tax__is_stopword(lw[i]))
				continue;
			ok = j < nc && strcmp(lw[i], cw[j]) == 0;
			j++;
		}
		if (ok && j == nc)
			return 1;
	}
	return 0;
}

/* The one occupation whose preferred label, in a language the text can be
 * written in, is the text's words with a head word added: the text says
 * what the trade works on, the label who does it ("home care" / home care
 * aide). A walk-in's lone "home care" was the skill "provide domestic
 * care", and its ads social workers'. NULL when no label is so made, or
 * labels of several occupations are ("data entry": the clerk's and the
 * supervisor's). */
static const esco_occupation *qualified_title(const char *input, const char **label)
{
	const struct tax_labels *t = tax__labels();
	char buf[FOLD_MAX], *w[MAX_WORDS], cw[MAX_WORDS][WORD_MAX];
	unsigned langs = taxonomy_text_langs(input);
	const void *best = NULL;
	size_t n, i, nc = 0, lo, hi, k, l0;
	int best_l = 0;

	if (!t || taxonomy_fold(input, buf, sizeof buf) == 0)
		return NULL;
	n = tax__split_words(buf, w, MAX_WORDS);
	for (i = 0; i < n; i++)
		if (!tax__is_stopword(w[i]) && strlen(w[i]) < WORD_MAX)
			snprintf(cw[nc++], WORD_MAX, "%s", w[i]);
	if (nc < 2)
		return NULL;
	l0 = strlen(cw[0]);
	tax__word_range(t, 0, cw[0], l0, &lo, &hi);
	for (k = lo; k < hi; k++) {
		const struct tword *e = &t->words[0][k];
		const char *x = t->text.p + e->word;
		const void *c = t->lab[e->label].concept;
		int l = (int)TW_LANG(e->bits);

		if (strcspn(x, " ") != l0 || !(langs >> l & 1) || c == best ||
		    !form_qualifies(c, l, cw, nc))
			continue;
		if (best)
			return NULL; /* several trades */
		best = c;
		best_l = l;
	}
	if (best)
		*label = tax__label_in(best, ESCO_KIND_OCCUPATION, best_l);
	return best;
}

/* A profile's free-text skill that is exactly an occupation's label or an
 * ISCO-08 group's name, in any language (found by the exact lookup, no
 * search), and not exactly a skill's, names the trade, not a skill: it
 * moves to the occupations (doc[occupations_path]), reported with "as":
 * "occupation". A walk-in who says "security guard", "soudeur" or
 * "ouvrier agricole" states an occupation; read as a skill's words,
 * "security guard" met IT security and "truck driver" the skill "manage
 * truck drivers". "warehouse" is a skill's exact label as well, and stays.
 * One word moves only when it is the occupation's preferred label, whole
 * (or one of its forms: "soudeur" of "soudeur/soudeuse"): a lone word that
 * is only an alternative label is often a nickname of one trade and the
 * common word of another ("maestro", an art director's alternative label,
 * is a teacher in Spanish: round 15's sense rule reads it), and a word of
 * a longer title names the trade's field ("housekeeping": a supervisor's
 * alternative label; "cuisine": a chef's). Round 17, for the one skill
 * said (a walk-in's lone text; beside other skills, the listings say the
 * trade): one word also moves when it names an ISCO-08 unit group more
 * surely than the skill it is part of (group_named: "nurse", "almacén"),
 * and two words or more when they are the activity of a trade's title
 * (activity_title: "truck driving"). Round 19: the one skill said may be a
 * title typed with one slip ("weldre", "cosemtic chemist"; typo_title.c). */
static int titles_to_occupations(json_t *doc, const char *skills_path,
				 const char *occupations_path, json_t *norm, int *budget, size_t *keep,
				 problem *p)
{
	json_t *skills = at_path(doc, skills_path), *occs = json_object_get(doc, occupations_path);
	size_t i = 0;
	int alone = json_array_size(skills) == 1; /* the one skill said */

	if (!json_is_array(skills) || (occs && !json_is_array(occs)))
		return 0; /* the type checks are the caller's */
	while (i < json_array_size(skills)) {
		const char *s = json_string_value(json_array_get(skills, i));
		struct tax_match mo = {0}, ms = {0};
		char input[TAX_TEXT_MAX + 1];
		int none = 0, none2 = 0, srs = -1;
		json_t *o;

		if (!s || strncmp(s, "http", 4) == 0) {
			i++;
			continue;
		}
		snprintf(input, sizeof input, "%s", s);
		if (tax__normalise(ESCO_KIND_SKILL, input, NULL, &ms, &none2) == 0 && ms.score >= 1.0) {
			i++; /* a skill's exact label stays a skill */
			continue;
		}
		if (tax__normalise(ESCO_KIND_OCCUPATION, input, NULL, &mo, &none) == 0 &&
		    title_named(input, &mo)) {
			/* the trade's title */
		} else if (alone && tax__typo_title(input, &mo) == 0) {
			/* the trade's title with one slip (typo_title.c) */
		} else if (strchr(input, ' ')) {
			/* an activity of a trade's title, all the profile's
			 * skills say (activity_title) */
			const esco_occupation *act = alone ? activity_title(input, &mo.label) : NULL;

			if (!act && alone)
				act = qualified_title(input, &mo.label);

			if (!act) {
				i++;
				continue;
			}
			mo.uri = act->uri;
			mo.score = 1.0;
			mo.kind = ESCO_KIND_OCCUPATION;
			mo.concept = act;
		} else if (!alone || (srs = tax__normalise(ESCO_KIND_SKILL, input, NULL, &ms, budget)) != 0 ||
			   ms.score >= 1.0 ||
			   tax__normalise(ESCO_KIND_OCCUPATION, input, NULL, &mo, budget) != 0 ||
			   !group_named(&mo, &ms)) {
			/* one word that names no unit group more surely than
			 * a skill, or not alone: one more search (the
			 * occupation's) only for the one skill said, so a
			 * profile of many one-word skills keeps its budget
			 * (TAX_DOC_SEARCHES) for their skill readings. Its
			 * skill reading, when the word names a trade whose
			 * work that skill is not, is no reading of it: kept
			 * as typed (trade_not_skill). */
			if (alone && srs == 0 && ms.score < 1.0 && trade_not_skill(input, &ms))
				*keep = i;
			i++;
			continue;
		}
		if (!occs) {
			occs = json_array();
			if (!occs || json_object_set_new(doc, occupations_path, occs))
				goto oom;
		}
		o = json_pack("{s:s, s:s, s:s, s:f, s:s}", "input", input, "concept", mo.uri, "label",
			      mo.label, "score", (double)(int)(mo.score * 100 + 0.5) / 100, "as",
			      "occupation");
		/* "5 years experience as a welder": the years go with it */
		if (o && mo.years > 0 &&
		    json_object_set_new(o, "experience_years", json_integer(mo.years))) {
			json_decref(o);
			goto oom;
		}
		if (!o || json_array_append_new(norm, o) ||
		    (!holds(occs, mo.uri) && json_array_append_new(occs, json_string(mo.uri))) ||
		    json_array_remove(skills, i))
			goto oom;
	}
	return 0;
oom:
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

int taxonomy_normalise_doc(json_t *doc, const char *const *skill_paths,
			   const char *occupation_path, const char *occupations_path, problem *p)
{
	json_t *norm = json_array(), *arr;
	char field[160];
	size_t i;
	int rc = -1, budget = TAX_DOC_SEARCHES;

	if (!norm) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	for (; skill_paths && *skill_paths; skill_paths++) {
		size_t keep = (size_t)-1; /* a lone trade word kept as typed */

		if (occupations_path && titles_to_occupations(doc, *skill_paths, occupations_path, norm,
							      &budget, &keep, p))
			goto out;
		arr = at_path(doc, *skill_paths);
		for (i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
			struct tax_match none = {0};

			snprintf(field, sizeof field, "%s[%zu]", *skill_paths, i);
			if (i == keep ? report_kept(norm, json_string_value(json_array_get(arr, i)), &none)
				      : one(ESCO_KIND_SKILL, arr, i, NULL, field, norm, &budget, p)) {
				if (i == keep)
					problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
				goto out;
			}
		}
	}
	if (occupation_path && json_is_string(json_object_get(doc, occupation_path)) &&
	    one(ESCO_KIND_OCCUPATION, doc, 0, occupation_path, occupation_path, norm, NULL, p))
		goto out;
	if (occupations_path) {
		arr = at_path(doc, occupations_path);
		for (i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
			snprintf(field, sizeof field, "%s[%zu]", occupations_path, i);
			if (one(ESCO_KIND_OCCUPATION, arr, i, NULL, field, norm, NULL, p))
				goto out;
		}
	}
	if (p->kind)
		goto out;
	rc = json_object_set(doc, "normalised", norm) ? -1 : 0;
	if (rc)
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
out:
	json_decref(norm);
	return rc;
}
