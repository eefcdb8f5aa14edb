/*
 * render.c - match answers as JSON text, without building trees that are
 * only written out (raw_vacancies): a result's vacancy (the indexed card
 * with its ESCO positions written back as URIs, plus "concepts", the
 * labels of its occupation and skills), a result (score, explanation,
 * recruiter: match__item_text), and the whole answer with the results
 * spliced in (match_answer_text).
 *
 * All write the bytes json_dumps writes for the same values (the writer
 * is engine/core/jsontext.c, the card's text engine/vacancy/cardtext.c, the
 * labels engine/taxonomy/labeltext.c, all shared with the search's page);
 * tests/unit/test_render.c compares every path with jansson's output and
 * with the trees run.c builds otherwise.
 *
 * A card cardtext.c does not recognise as the encoder's compact JSON (or
 * one with an unknown position or a label ESCO lacks) goes the general
 * way: decoded into a tree (vacancy_card_decode), labelled
 * (taxonomy_label_doc) and dumped, as before this file existed.
 */
#include "engine/match/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/core/iso.h"
#include "engine/taxonomy/labeltext.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"
#include "engine/vacancy/cardtext.h"

#define RENDER_MAX (256u << 20) /* bytes of one answer: far above MATCH_LIMIT_MAX cards */

/* The members of object o but skip, each after a comma ("," then
 * "key":value), in o's order. */
static int put_members_but(struct buf *b, const json_t *o, const char *skip, int prec)
{
	const char *key;
	json_t *x;
	size_t klen;
	int rc = 0;

	json_object_keylen_foreach((json_t *)o, key, klen, x) {
		if (strcmp(key, skip) == 0)
			continue;
		if (jsontext_add(b, ",", 1) || (rc = jsontext_put_string(b, key, klen)) ||
		    jsontext_add(b, ":", 1) || (rc = jsontext_put_value(b, x, prec)))
			return rc > 0 ? 1 : -1;
	}
	return 0;
}

char *match_answer_text(const json_t *answer, size_t *len)
{
	const json_t *list = json_object_get(answer, "vacancies"), *item;
	struct buf b;
	size_t i;

	*len = 0;
	if (!json_is_object(answer) || !json_is_array(list))
		return NULL;
	buf_init(&b, RENDER_MAX);
	if (JSONTEXT_LIT(&b, "{\"vacancies\":["))
		return NULL;
	json_array_foreach(list, i, item) {
		/* a result written as text already (match__item_text), or an
		 * object whose "vacancy" is */
		const json_t *v = json_is_string(item) ? item : json_object_get(item, "vacancy");
		const char *raw = json_string_value(v);
		size_t n = json_string_length(v);

		if (!raw || n < 2 || raw[0] != '{' || raw[n - 1] != '}' || (i && JSONTEXT_LIT(&b, ",")))
			goto fail;
		if (json_is_string(item)) {
			if (jsontext_add(&b, raw, n))
				goto fail;
			continue;
		}
		if (!json_is_object(item) || JSONTEXT_LIT(&b, "{\"vacancy\":") || jsontext_add(&b, raw, n) ||
		    put_members_but(&b, item, "vacancy", MATCH_REAL_PRECISION) || JSONTEXT_LIT(&b, "}"))
			goto fail;
	}
	if (JSONTEXT_LIT(&b, "]") || put_members_but(&b, answer, "vacancies", MATCH_REAL_PRECISION) ||
	    JSONTEXT_LIT(&b, "}"))
		goto fail;
	*len = b.len;
	return buf_detach(&b);
fail:
	buf_release(&b);
	return NULL;
}

/* ---- a result's vacancy, from its card and facts ---- */

static int put_skill_refs(struct buf *b, const esco *t, const struct match__fskill *k, size_t n,
			  esco_lang l)
{
	const esco_skill *s;
	size_t i;
	int rc = 0;

	if (jsontext_add(b, "[", 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (i && jsontext_add(b, ",", 1))
			return -1;
		s = k[i].idx ? esco_skill_at(t, k[i].idx - 1) : NULL;
		if (k[i].idx && !s)
			return 1;
		rc = s ? taxonomy_skill_ref_text(b, s, l)
		       : taxonomy_concept_ref_text(b, t, k[i].text, k[i].len, l);
		if (rc)
			return rc;
	}
	return jsontext_add(b, "]", 1);
}

/* ,"concepts":{...}} after the card's text: the occupation and skills of
 * the facts, labelled in lang, as taxonomy_label_doc labels them. */
static int put_concepts(struct buf *b, const esco *t, const struct match__facts *f,
			const char *lang, int empty)
{
	esco_lang l = taxonomy_label_lang(lang);
	const esco_occupation *o;
	int rc = 0;

	if (jsontext_add_str(b, empty ? "\"concepts\":{" : ",\"concepts\":{"))
		return -1;
	if (f->occ || f->isco[0]) {
		if (JSONTEXT_LIT(b, "\"occupation\":"))
			return -1;
		o = f->occ ? esco_occupation_at(t, f->occ - 1) : NULL;
		if (f->occ && !o)
			return 1;
		rc = o ? taxonomy_occupation_ref_text(b, o, l)
		       : taxonomy_concept_ref_text(b, t, f->isco, strlen(f->isco), l);
		if (rc || jsontext_add(b, ",", 1))
			return rc > 0 ? 1 : -1;
	}
	if (JSONTEXT_LIT(b, "\"skills\":{\"essential\":") ||
	    (rc = put_skill_refs(b, t, f->ess, f->n_ess, l)) || JSONTEXT_LIT(b, ",\"optional\":") ||
	    (rc = put_skill_refs(b, t, f->opt, f->n_opt, l)) || JSONTEXT_LIT(b, "},\"lang\":\"") ||
	    jsontext_add_str(b, esco_lang_code(l)) || JSONTEXT_LIT(b, "\"}}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

/* The skills of a facts list as the document wrote them (URI or text). */
static json_t *fskill_values(const esco *t, const struct match__fskill *k, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		const esco_skill *s = k[i].idx ? esco_skill_at(t, k[i].idx - 1) : NULL;

		if (json_array_append_new(a, s ? json_string(s->uri) : json_stringn(k[i].text, k[i].len))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The general way: the card decoded, its text dumped, and the concepts
 * (built from the facts and labelled by taxonomy_label_doc) spliced in
 * before its closing brace. */
static json_t *raw_vacancy_general(const esco *t, const char *card, size_t len,
				   const struct match__facts *f, const char *lang)
{
	json_t *v = vacancy_card_decode(card, len), *doc = NULL, *out = NULL;
	char *text = v ? json_dumps(v, JSON_COMPACT) : NULL, *c = NULL, *buf;
	size_t n, tlen = text ? strlen(text) : 0;

	if (!text)
		goto out;
	if (!t || tlen < 2 || text[tlen - 1] != '}') {
		out = json_stringn(text, tlen);
		goto out;
	}
	doc = json_pack("{s:s?, s:{s:o?, s:o?}}", "occupation",
			f->occ ? esco_occupation_at(t, f->occ - 1)->uri : f->isco[0] ? f->isco : NULL,
			"skills", "essential", fskill_values(t, f->ess, f->n_ess), "optional",
			fskill_values(t, f->opt, f->n_opt));
	if (!doc || taxonomy_label_doc(doc, lang) ||
	    !(c = json_dumps(json_object_get(doc, "concepts"), JSON_COMPACT)))
		goto out;
	n = tlen + strlen(c) + 16;
	if (!(buf = malloc(n)))
		goto out;
	/* "{}" takes no comma before the new member */
	snprintf(buf, n, "%.*s%s\"concepts\":%s}", (int)(tlen - 1), text, tlen == 2 ? "" : ",", c);
	out = json_string(buf);
	free(buf);
out:
	free(c);
	free(text);
	json_decref(doc);
	json_decref(v);
	return out;
}

json_t *match__raw_vacancy(const char *card, size_t len, const struct match__facts *f,
			   const char *lang)
{
	const esco *t = match_taxonomy();
	struct buf b;
	json_t *out;
	int rc = 0;

	if (!t)
		return raw_vacancy_general(t, card, len, f, lang);
	buf_init(&b, RENDER_MAX);
	rc = vacancy_card_text(&b, t, card, len, 0, NULL);
	if (!rc)
		rc = put_concepts(&b, t, f, lang, b.len == 1);
	if (rc) {
		buf_release(&b);
		return rc > 0 ? raw_vacancy_general(t, card, len, f, lang) : NULL;
	}
	out = json_stringn_nocheck(b.p, b.len);
	buf_release(&b);
	return out;
}

json_t *match__raw_vacancy_general(const char *card, size_t len, const struct match__facts *f,
				   const char *lang)
{
	return raw_vacancy_general(match_taxonomy(), card, len, f, lang);
}

/* ---- a result, from its scored candidate and facts ---- */

/* {"uri","label"[,"essential"]} of an explained skill; 1 for a label jansson
 * would refuse (then the tree way reports it). */
static int put_explained_skill(struct buf *b, const struct match__person *pr,
			       const struct match__fskill *k, int matched, int essential)
{
	char text[MATCH_TEXT_MAX + 1];
	const char *uri, *label = match__skill_named(pr, k, text, &uri);
	int rc = 0;

	if (!label)
		return 1;
	if (JSONTEXT_LIT(b, "{\"uri\":") || (rc = jsontext_put_cstring_or_null(b, uri)) ||
	    JSONTEXT_LIT(b, ",\"label\":") || (rc = jsontext_put_cstring(b, label)) ||
	    (matched && jsontext_add_str(b, essential ? ",\"essential\":true" : ",\"essential\":false")) ||
	    JSONTEXT_LIT(b, "}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

/* "matched_skills":[...],"missing_essential":[...] as match__explain_facts
 * lists them. */
static int put_explained_skills(struct buf *b, const struct match__person *pr,
				const struct match__facts *f, int matched)
{
	size_t i, n = 0;
	int rc;

	if (jsontext_add_str(b, matched ? "\"matched_skills\":[" : ",\"missing_essential\":["))
		return -1;
	for (i = 0; i < f->n_ess + f->n_opt; i++) {
		int essential = i < f->n_ess;
		const struct match__fskill *k = essential ? &f->ess[i] : &f->opt[i - f->n_ess];
		int has = match__person_has_fskill(pr, k);

		if (matched ? !has : has || !essential)
			continue;
		if ((n++ && JSONTEXT_LIT(b, ",")) || (rc = put_explained_skill(b, pr, k, matched, essential)))
			return rc > 0 ? 1 : -1;
	}
	return JSONTEXT_LIT(b, "]");
}

/* "languages":{"met":..,"gaps":[...]} */
static int put_languages(struct buf *b, const struct match__person *pr,
			 const struct match__facts *f, int met_all)
{
	size_t i, n = 0;
	int rc = 0;

	if (jsontext_add_str(b, met_all ? ",\"languages\":{\"met\":true,\"gaps\":["
				      : ",\"languages\":{\"met\":false,\"gaps\":["))
		return -1;
	for (i = 0; i < f->n_lang; i++) {
		const char *code = f->lang[i].code, *need = iso_cefr_name(f->lang[i].rank), *have;

		if (!need || match__person_lang(pr, code, &have) >= f->lang[i].rank)
			continue;
		if ((n++ && JSONTEXT_LIT(b, ",")) || JSONTEXT_LIT(b, "{\"code\":") ||
		    (rc = jsontext_put_cstring(b, code)) || JSONTEXT_LIT(b, ",\"required\":") ||
		    (rc = jsontext_put_cstring(b, need)) || JSONTEXT_LIT(b, ",\"have\":") ||
		    (rc = jsontext_put_cstring_or_null(b, have)) ||
		    JSONTEXT_LIT(b, "}"))
			return rc > 0 ? 1 : -1;
	}
	return JSONTEXT_LIT(b, "]}");
}

/* "occupation_relation":{...} as match__relation builds it. */
static int put_relation(struct buf *b, const struct match__person *pr,
			const struct match__scored *sc)
{
	const char *uri, *isco, *label;
	int rc = 0;

	if (sc->grade == GRADE_NONE)
		return JSONTEXT_LIT(b, ",\"occupation_relation\":{\"grade\":\"none\",\"basis\":null,"
				     "\"occupation\":null}");
	match__relation_named(pr, sc, &uri, &isco, &label);
	if (JSONTEXT_LIT(b, ",\"occupation_relation\":{\"grade\":") ||
	    (rc = jsontext_put_cstring(b, match__grade_name(sc->grade))) ||
	    jsontext_add_str(b, sc->inferred ? ",\"basis\":\"inferred\"" : ",\"basis\":\"stated\"") ||
	    JSONTEXT_LIT(b, ",\"occupation\":{"))
		return rc > 0 ? 1 : -1;
	if (JSONTEXT_LIT(b, "\"uri\":") || (rc = jsontext_put_cstring_or_null(b, uri)) ||
	    JSONTEXT_LIT(b, ",\"isco\":") || (rc = jsontext_put_cstring_or_null(b, isco)) ||
	    JSONTEXT_LIT(b, ",\"label\":") || (rc = jsontext_put_cstring_or_null(b, label)))
		return rc > 0 ? 1 : -1;
	if (JSONTEXT_LIT(b, "}") ||
	    (sc->inferred && (JSONTEXT_LIT(b, ",\"likelihood\":") ||
			      jsontext_put_real(b, match__round4(sc->inf_support), MATCH_REAL_PRECISION))))
		return -1;
	return JSONTEXT_LIT(b, "}");
}

/* "breakdown":{...} as match__breakdown builds it. */
static int put_breakdown(struct buf *b, const struct match__person *pr,
			 const struct match__facts *f, const struct match__scored *sc)
{
	const char *tier = !sc->relevant ? "explore" : sc->met ? "relevant" : "language_gap";
	size_t i;
	int rc = 0;

	if (JSONTEXT_LIT(b, ",\"breakdown\":{"))
		return -1;
	for (i = 0; i < PART_N; i++) {
		if ((i && JSONTEXT_LIT(b, ",")) || (rc = jsontext_put_cstring(b, match__part_names[i])) ||
		    JSONTEXT_LIT(b, ":{\"value\":") ||
		    jsontext_put_real(b, match__round4(sc->value[i]), MATCH_REAL_PRECISION) ||
		    JSONTEXT_LIT(b, ",\"contribution\":") ||
		    jsontext_put_real(b, sc->contrib[i], MATCH_REAL_PRECISION))
			return rc > 0 ? 1 : -1;
		if (i == PART_COUNTRY) {
			if (JSONTEXT_LIT(b, ",\"country\":") ||
			    (f->country[0] ? (rc = jsontext_put_cstring(b, f->country))
					   : JSONTEXT_LIT(b, "null")) ||
			    jsontext_add_str(b, json_array_size(pr->desired) && sc->value[PART_COUNTRY] > 0
						      ? ",\"desired\":true"
						      : ",\"desired\":false"))
				return rc > 0 ? 1 : -1;
		} else if (i == PART_EXPERIENCE) {
			if (JSONTEXT_LIT(b, ",\"years\":") || jsontext_put_real(b, pr->years, MATCH_REAL_PRECISION))
				return -1;
		}
		if (JSONTEXT_LIT(b, "}"))
			return -1;
	}
	if (JSONTEXT_LIT(b, ",\"base\":{\"tier\":") || (rc = jsontext_put_cstring(b, tier)) ||
	    JSONTEXT_LIT(b, ",\"contribution\":") || jsontext_put_real(b, sc->base, MATCH_REAL_PRECISION) ||
	    JSONTEXT_LIT(b, "}}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

/* "recruiter":null or {"name","verdict"[,"flags"]} */
static int put_recruiter(struct buf *b, const struct match__facts *f, const json_t *flags,
			 enum match__verdict vd)
{
	const char *nm = NULL;
	int rc = 0;

	if (vd == VERDICT_NONE)
		return JSONTEXT_LIT(b, ",\"recruiter\":null");
	if (JSONTEXT_LIT(b, ",\"recruiter\":{"))
		return -1;
	if (f->rec_json)
		nm = json_string_value(json_object_get(f->rec_json, "name"));
	if (JSONTEXT_LIT(b, "\"name\":"))
		return -1;
	if (nm || (!f->rec_json && f->rec_len[0])) {
		/* a record's name: cut as the tree way cuts it */
		size_t n = nm ? strlen(nm) : f->rec_len[0] < 255 ? f->rec_len[0] : 255;

		if (!nm && memchr(f->rec[0], '\0', n))
			return 1;
		rc = jsontext_put_string(b, nm ? nm : f->rec[0], n);
	} else {
		rc = JSONTEXT_LIT(b, "null");
	}
	if (rc || JSONTEXT_LIT(b, ","))
		return rc > 0 ? 1 : -1;
	if (JSONTEXT_LIT(b, "\"verdict\":") || (rc = jsontext_put_cstring(b, match__verdict_name(vd))) ||
	    (flags && (JSONTEXT_LIT(b, ",\"flags\":") ||
		       (rc = jsontext_put_value(b, flags, MATCH_REAL_PRECISION)))) ||
	    JSONTEXT_LIT(b, "}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

int match__item_text(const struct match__person *pr, const struct match__scored *sc,
		     const struct match__facts *f, const json_t *flags, enum match__verdict vd,
		     json_t **out)
{
	const char *raw = json_string_value(sc->vacancy);
	size_t len = json_string_length(sc->vacancy);
	struct buf b;
	int rc = 0;

	*out = NULL;
	if (!raw || len < 2 || raw[0] != '{' || raw[len - 1] != '}')
		return 1;
	buf_init(&b, RENDER_MAX);
	if (JSONTEXT_LIT(&b, "{\"vacancy\":") || jsontext_add(&b, raw, len) ||
	    JSONTEXT_LIT(&b, ",\"score\":") || jsontext_put_real(&b, sc->score, MATCH_REAL_PRECISION) ||
	    JSONTEXT_LIT(&b, ",\"explanation\":{\"occupation\":") ||
	    (rc = jsontext_put_cstring(&b, match__occ_name(sc->occ))) ||
	    (rc = put_relation(&b, pr, sc)) || (rc = put_breakdown(&b, pr, f, sc)) ||
	    jsontext_add_str(&b, sc->relevant ? ",\"relevant\":true," : ",\"relevant\":false,") ||
	    (rc = put_explained_skills(&b, pr, f, 1)) || (rc = put_explained_skills(&b, pr, f, 0)) ||
	    (rc = put_languages(&b, pr, f, sc->met)) || JSONTEXT_LIT(&b, "}") ||
	    (rc = put_recruiter(&b, f, flags, vd)) ||
	    (!sc->relevant && JSONTEXT_LIT(&b, ",\"explore\":true")) || JSONTEXT_LIT(&b, "}")) {
		buf_release(&b);
		return rc > 0 ? 1 : -1;
	}
	*out = json_stringn_nocheck(b.p, b.len);
	buf_release(&b);
	return *out ? 0 : -1;
}
