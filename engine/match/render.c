/*
 * render.c - match answers as JSON text, without building trees that are
 * only written out (raw_vacancies): a result's vacancy (the indexed card
 * with its ESCO positions written back as URIs, plus "concepts", the
 * labels of its occupation and skills), a result (score, explanation,
 * recruiter: match__item_text), and the whole answer with the results
 * spliced in (match_answer_text).
 *
 * All write the bytes json_dumps writes for the same values (the writer
 * is jsontext.c); tests/unit/test_render.c compares every path with
 * jansson's output and with the trees run.c builds otherwise.
 *
 * A card this file does not recognise as the encoder's compact JSON (or
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
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"

#define RENDER_MAX (256u << 20) /* bytes of one answer: far above MATCH_LIMIT_MAX cards */
#define CARD_DEPTH 16           /* nesting a card holds (3 today) */
#define TEXT_REF_MAX 1024       /* a free-text skill labelled here; a longer one goes the general way */

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
		if (match__add(b, ",", 1) || (rc = match__put_string(b, key, klen)) ||
		    match__add(b, ":", 1) || (rc = match__put_value(b, x, prec)))
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
	if (MATCH__LIT(&b, "{\"vacancies\":["))
		return NULL;
	json_array_foreach(list, i, item) {
		/* a result written as text already (match__item_text), or an
		 * object whose "vacancy" is */
		const json_t *v = json_is_string(item) ? item : json_object_get(item, "vacancy");
		const char *raw = json_string_value(v);
		size_t n = json_string_length(v);

		if (!raw || n < 2 || raw[0] != '{' || raw[n - 1] != '}' || (i && MATCH__LIT(&b, ",")))
			goto fail;
		if (json_is_string(item)) {
			if (match__add(&b, raw, n))
				goto fail;
			continue;
		}
		if (!json_is_object(item) || MATCH__LIT(&b, "{\"vacancy\":") || match__add(&b, raw, n) ||
		    put_members_but(&b, item, "vacancy", MATCH_REAL_PRECISION) || MATCH__LIT(&b, "}"))
			goto fail;
	}
	if (MATCH__LIT(&b, "]") || put_members_but(&b, answer, "vacancies", MATCH_REAL_PRECISION) ||
	    MATCH__LIT(&b, "}"))
		goto fail;
	*len = b.len;
	return buf_detach(&b);
fail:
	buf_release(&b);
	return NULL;
}

/* ---- a result's vacancy, from its card and facts ---- */

enum card_key { KEY_OTHER, KEY_OCCUPATION, KEY_SKILLS, KEY_LIST };

static enum card_key card_key(const char *s, size_t n, int depth)
{
	if (depth == 1 && n == 10 && memcmp(s, "occupation", 10) == 0)
		return KEY_OCCUPATION;
	if (depth == 1 && n == 6 && memcmp(s, "skills", 6) == 0)
		return KEY_SKILLS;
	if (depth == 2 && ((n == 9 && memcmp(s, "essential", 9) == 0) ||
			   (n == 8 && memcmp(s, "optional", 8) == 0)))
		return KEY_LIST;
	return KEY_OTHER;
}

/* The card's JSON text into b with the positions vacancy_card_encode wrote
 * (an integer as the top-level "occupation" or as an item of
 * "skills"."essential"/"optional") written back as their URIs, without the
 * closing brace: what json_dumps(vacancy_card_decode(card), JSON_COMPACT)
 * writes, since the card is json_dumps(JSON_COMPACT) output itself.
 * 0; 1 when the text is not such output or holds an unknown position;
 * -1 when the buffer failed. */
static int expand_card(struct buf *b, const esco *t, const char *p, size_t n)
{
	char kind[CARD_DEPTH + 1];
	enum card_key key[CARD_DEPTH + 1] = {KEY_OTHER};
	const char *end = p + n, *span = p, *q, *num;
	int depth = 0, want_key = 0, after_key = 0, rc = 0;

	if (n < 2 || p[0] != '{' || p[n - 1] != '}')
		return 1;
	while (p < end) {
		char c = *p;

		if (after_key) { /* a key is always followed by ':' */
			if (c != ':')
				return 1;
			after_key = 0;
			p++;
			continue;
		}
		if (want_key && c != '"' && c != '}')
			return 1;
		switch (c) {
		case '"':
			for (q = p + 1; q < end && *q != '"'; q++)
				if (*q == '\\')
					q++;
			if (q >= end)
				return 1;
			if (want_key) {
				key[depth] = card_key(p + 1, (size_t)(q - p - 1), depth);
				want_key = 0;
				after_key = 1;
			}
			p = q + 1;
			continue;
		case '{':
		case '[':
			if (depth == CARD_DEPTH)
				return 1;
			kind[++depth] = c;
			key[depth] = KEY_OTHER;
			want_key = c == '{';
			p++;
			continue;
		case '}':
		case ']':
			if (!depth || kind[depth] != (c == '}' ? '{' : '['))
				return 1;
			depth--;
			want_key = 0;
			if (!depth && p + 1 != end)
				return 1;
			p++;
			continue;
		case ',':
			if (!depth)
				return 1;
			want_key = kind[depth] == '{';
			p++;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			int whole = 1, occ = depth == 1 && key[1] == KEY_OCCUPATION,
			    skill = depth == 3 && kind[3] == '[' && kind[2] == '{' &&
				    key[1] == KEY_SKILLS && key[2] == KEY_LIST;
			uint64_t k = 0;
			const char *uri;

			for (q = p; q < end && *q && strchr("-+0123456789.eE", *q); q++)
				whole &= (*q >= '0' && *q <= '9') || (q == p && *q == '-');
			if (whole && (occ || skill) && c == '-')
				return 1; /* a negative position: the decoder refuses it */
			if (whole && (occ || skill)) {
				const esco_occupation *o;
				const esco_skill *s;

				if (q - p > 9) /* far past any position */
					return 1;
				for (num = p; num < q; num++)
					k = k * 10 + (uint64_t)(*num - '0');
				if (occ)
					uri = (o = esco_occupation_at(t, (size_t)k)) ? o->uri : NULL;
				else
					uri = (s = esco_skill_at(t, (size_t)k)) ? s->uri : NULL;
				if (!uri)
					return 1;
				if (match__add(b, span, (size_t)(p - span)) || (rc = match__put_cstring(b, uri)))
					return rc > 0 ? 1 : -1;
				span = q;
			}
			p = q;
			continue;
		}
		if (c == 't' || c == 'f' || c == 'n') {
			size_t lit = c == 'f' ? 5 : 4;

			if ((size_t)(end - p) < lit ||
			    memcmp(p, c == 't' ? "true" : c == 'f' ? "false" : "null", lit) != 0)
				return 1;
			p += lit;
			continue;
		}
		return 1; /* white space or anything else: not the encoder's text */
	}
	return depth ? 1 : match__add(b, span, (size_t)(end - 1 - span));
}

/* A concept's preferred label in language l, English when it has none
 * there (taxonomy_label's rule). */
static const char *label_in(const esco_labels *ls, int l)
{
	return ls[l].preferred ? ls[l].preferred : ls[ESCO_LANG_EN].preferred;
}

/* {"uri","label"} of a skill, {"uri","label","isco"} of an occupation,
 * {"isco","label"} of an ISCO-08 group: taxonomy_label_doc's shapes. */
static int put_skill_ref(struct buf *b, const esco_skill *s, int l)
{
	const char *label = label_in(s->labels, l);
	int rc = 0;

	if (!label)
		return 1;
	if (MATCH__LIT(b, "{\"uri\":") || (rc = match__put_cstring(b, s->uri)) ||
	    MATCH__LIT(b, ",\"label\":") || (rc = match__put_cstring(b, label)) || match__add(b, "}", 1))
		return rc > 0 ? 1 : -1;
	return 0;
}

static int put_occupation_ref(struct buf *b, const esco_occupation *o, int l)
{
	const char *label = label_in(o->labels, l);
	int rc = 0;

	if (!label)
		return 1;
	if (MATCH__LIT(b, "{\"uri\":") || (rc = match__put_cstring(b, o->uri)) ||
	    MATCH__LIT(b, ",\"label\":") || (rc = match__put_cstring(b, label)) ||
	    MATCH__LIT(b, ",\"isco\":") || (rc = match__put_cstring(b, o->isco)) || match__add(b, "}", 1))
		return rc > 0 ? 1 : -1;
	return 0;
}

static int put_group_ref(struct buf *b, const esco_isco_group *g, int l)
{
	const char *label = label_in(g->labels, l);
	int rc = 0;

	if (!label)
		return 1;
	if (MATCH__LIT(b, "{\"isco\":") || (rc = match__put_cstring(b, g->code)) ||
	    MATCH__LIT(b, ",\"label\":") || (rc = match__put_cstring(b, label)) || match__add(b, "}", 1))
		return rc > 0 ? 1 : -1;
	return 0;
}

/* A value the facts hold as text (a free-text skill, an ISCO-08 code):
 * taxonomy_label_doc's concept for that string. */
static int put_text_ref(struct buf *b, const esco *t, const char *text, size_t n, int l)
{
	char v[TEXT_REF_MAX + 1];
	const esco_isco_group *g;
	const esco_occupation *o;
	const esco_skill *s;
	int rc = 0;

	if (n > TEXT_REF_MAX || memchr(text, '\0', n))
		return 1; /* rare: the general way */
	memcpy(v, text, n);
	v[n] = '\0';
	if ((g = esco_isco_group_by_code(t, v)))
		return put_group_ref(b, g, l);
	if ((o = esco_occupation_by_uri(t, v)))
		return put_occupation_ref(b, o, l);
	if ((s = esco_skill_by_uri(t, v)))
		return put_skill_ref(b, s, l);
	if (match__add_str(b, strncmp(v, "http", 4) == 0 ? "{\"uri\":" : "{\"text\":") ||
	    (rc = match__put_string(b, v, n)) || MATCH__LIT(b, ",\"label\":null}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

static int put_skill_refs(struct buf *b, const esco *t, const struct match__fskill *k, size_t n,
			  int l)
{
	const esco_skill *s;
	size_t i;
	int rc = 0;

	if (match__add(b, "[", 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (i && match__add(b, ",", 1))
			return -1;
		s = k[i].idx ? esco_skill_at(t, k[i].idx - 1) : NULL;
		if (k[i].idx && !s)
			return 1;
		rc = s ? put_skill_ref(b, s, l) : put_text_ref(b, t, k[i].text, k[i].len, l);
		if (rc)
			return rc;
	}
	return match__add(b, "]", 1);
}

/* ,"concepts":{...}} after the card's text: the occupation and skills of
 * the facts, labelled in lang, as taxonomy_label_doc labels them. */
static int put_concepts(struct buf *b, const esco *t, const struct match__facts *f,
			const char *lang, int empty)
{
	int l = esco_lang_from_code(lang), rc = 0;
	const esco_occupation *o;

	if (l < 0)
		l = ESCO_LANG_EN;
	if (match__add_str(b, empty ? "\"concepts\":{" : ",\"concepts\":{"))
		return -1;
	if (f->occ || f->isco[0]) {
		if (MATCH__LIT(b, "\"occupation\":"))
			return -1;
		o = f->occ ? esco_occupation_at(t, f->occ - 1) : NULL;
		if (f->occ && !o)
			return 1;
		rc = o ? put_occupation_ref(b, o, l)
		       : put_text_ref(b, t, f->isco, strlen(f->isco), l);
		if (rc || match__add(b, ",", 1))
			return rc > 0 ? 1 : -1;
	}
	if (MATCH__LIT(b, "\"skills\":{\"essential\":") ||
	    (rc = put_skill_refs(b, t, f->ess, f->n_ess, l)) || MATCH__LIT(b, ",\"optional\":") ||
	    (rc = put_skill_refs(b, t, f->opt, f->n_opt, l)) || MATCH__LIT(b, "},\"lang\":\"") ||
	    match__add_str(b, esco_lang_code((esco_lang)l)) || MATCH__LIT(b, "\"}}"))
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
	rc = expand_card(&b, t, card, len);
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

/* s as a JSON string, or null (json_pack's "s?") */
static int put_cstring_or_null(struct buf *b, const char *s)
{
	return s ? match__put_cstring(b, s) : MATCH__LIT(b, "null");
}

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
	if (MATCH__LIT(b, "{\"uri\":") || (rc = put_cstring_or_null(b, uri)) ||
	    MATCH__LIT(b, ",\"label\":") || (rc = match__put_cstring(b, label)) ||
	    (matched && match__add_str(b, essential ? ",\"essential\":true" : ",\"essential\":false")) ||
	    MATCH__LIT(b, "}"))
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

	if (match__add_str(b, matched ? "\"matched_skills\":[" : ",\"missing_essential\":["))
		return -1;
	for (i = 0; i < f->n_ess + f->n_opt; i++) {
		int essential = i < f->n_ess;
		const struct match__fskill *k = essential ? &f->ess[i] : &f->opt[i - f->n_ess];
		int has = match__person_has_fskill(pr, k);

		if (matched ? !has : has || !essential)
			continue;
		if ((n++ && MATCH__LIT(b, ",")) || (rc = put_explained_skill(b, pr, k, matched, essential)))
			return rc > 0 ? 1 : -1;
	}
	return MATCH__LIT(b, "]");
}

/* "languages":{"met":..,"gaps":[...]} */
static int put_languages(struct buf *b, const struct match__person *pr,
			 const struct match__facts *f, int met_all)
{
	size_t i, n = 0;
	int rc = 0;

	if (match__add_str(b, met_all ? ",\"languages\":{\"met\":true,\"gaps\":["
				      : ",\"languages\":{\"met\":false,\"gaps\":["))
		return -1;
	for (i = 0; i < f->n_lang; i++) {
		const char *code = f->lang[i].code, *need = iso_cefr_name(f->lang[i].rank), *have;

		if (!need || match__person_lang(pr, code, &have) >= f->lang[i].rank)
			continue;
		if ((n++ && MATCH__LIT(b, ",")) || MATCH__LIT(b, "{\"code\":") ||
		    (rc = match__put_cstring(b, code)) || MATCH__LIT(b, ",\"required\":") ||
		    (rc = match__put_cstring(b, need)) || MATCH__LIT(b, ",\"have\":") ||
		    (rc = put_cstring_or_null(b, have)) ||
		    MATCH__LIT(b, "}"))
			return rc > 0 ? 1 : -1;
	}
	return MATCH__LIT(b, "]}");
}

/* "occupation_relation":{...} as match__relation builds it. */
static int put_relation(struct buf *b, const struct match__person *pr,
			const struct match__scored *sc)
{
	const char *uri, *isco, *label;
	int rc = 0;

	if (sc->grade == GRADE_NONE)
		return MATCH__LIT(b, ",\"occupation_relation\":{\"grade\":\"none\",\"basis\":null,"
				     "\"occupation\":null}");
	match__relation_named(pr, sc, &uri, &isco, &label);
	if (MATCH__LIT(b, ",\"occupation_relation\":{\"grade\":") ||
	    (rc = match__put_cstring(b, match__grade_name(sc->grade))) ||
	    match__add_str(b, sc->inferred ? ",\"basis\":\"inferred\"" : ",\"basis\":\"stated\"") ||
	    MATCH__LIT(b, ",\"occupation\":{"))
		return rc > 0 ? 1 : -1;
	if (MATCH__LIT(b, "\"uri\":") || (rc = put_cstring_or_null(b, uri)) ||
	    MATCH__LIT(b, ",\"isco\":") || (rc = put_cstring_or_null(b, isco)) ||
	    MATCH__LIT(b, ",\"label\":") || (rc = put_cstring_or_null(b, label)))
		return rc > 0 ? 1 : -1;
	if (MATCH__LIT(b, "}") ||
	    (sc->inferred && (MATCH__LIT(b, ",\"likelihood\":") ||
			      match__put_real(b, match__round4(sc->inf_support), MATCH_REAL_PRECISION))))
		return -1;
	return MATCH__LIT(b, "}");
}

/* "breakdown":{...} as match__breakdown builds it. */
static int put_breakdown(struct buf *b, const struct match__person *pr,
			 const struct match__facts *f, const struct match__scored *sc)
{
	const char *tier = !sc->relevant ? "explore" : sc->met ? "relevant" : "language_gap";
	size_t i;
	int rc = 0;

	if (MATCH__LIT(b, ",\"breakdown\":{"))
		return -1;
	for (i = 0; i < PART_N; i++) {
		if ((i && MATCH__LIT(b, ",")) || (rc = match__put_cstring(b, match__part_names[i])) ||
		    MATCH__LIT(b, ":{\"value\":") ||
		    match__put_real(b, match__round4(sc->value[i]), MATCH_REAL_PRECISION) ||
		    MATCH__LIT(b, ",\"contribution\":") ||
		    match__put_real(b, sc->contrib[i], MATCH_REAL_PRECISION))
			return rc > 0 ? 1 : -1;
		if (i == PART_COUNTRY) {
			if (MATCH__LIT(b, ",\"country\":") ||
			    (f->country[0] ? (rc = match__put_cstring(b, f->country))
					   : MATCH__LIT(b, "null")) ||
			    match__add_str(b, json_array_size(pr->desired) && sc->value[PART_COUNTRY] > 0
						      ? ",\"desired\":true"
						      : ",\"desired\":false"))
				return rc > 0 ? 1 : -1;
		} else if (i == PART_EXPERIENCE) {
			if (MATCH__LIT(b, ",\"years\":") || match__put_real(b, pr->years, MATCH_REAL_PRECISION))
				return -1;
		}
		if (MATCH__LIT(b, "}"))
			return -1;
	}
	if (MATCH__LIT(b, ",\"base\":{\"tier\":") || (rc = match__put_cstring(b, tier)) ||
	    MATCH__LIT(b, ",\"contribution\":") || match__put_real(b, sc->base, MATCH_REAL_PRECISION) ||
	    MATCH__LIT(b, "}}"))
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
		return MATCH__LIT(b, ",\"recruiter\":null");
	if (MATCH__LIT(b, ",\"recruiter\":{"))
		return -1;
	if (f->rec_json)
		nm = json_string_value(json_object_get(f->rec_json, "name"));
	if (MATCH__LIT(b, "\"name\":"))
		return -1;
	if (nm || (!f->rec_json && f->rec_len[0])) {
		/* a record's name: cut as the tree way cuts it */
		size_t n = nm ? strlen(nm) : f->rec_len[0] < 255 ? f->rec_len[0] : 255;

		if (!nm && memchr(f->rec[0], '\0', n))
			return 1;
		rc = match__put_string(b, nm ? nm : f->rec[0], n);
	} else {
		rc = MATCH__LIT(b, "null");
	}
	if (rc || MATCH__LIT(b, ","))
		return rc > 0 ? 1 : -1;
	if (MATCH__LIT(b, "\"verdict\":") || (rc = match__put_cstring(b, match__verdict_name(vd))) ||
	    (flags && (MATCH__LIT(b, ",\"flags\":") ||
		       (rc = match__put_value(b, flags, MATCH_REAL_PRECISION)))) ||
	    MATCH__LIT(b, "}"))
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
	if (MATCH__LIT(&b, "{\"vacancy\":") || match__add(&b, raw, len) ||
	    MATCH__LIT(&b, ",\"score\":") || match__put_real(&b, sc->score, MATCH_REAL_PRECISION) ||
	    MATCH__LIT(&b, ",\"explanation\":{\"occupation\":") ||
	    (rc = match__put_cstring(&b, match__occ_name(sc->occ))) ||
	    (rc = put_relation(&b, pr, sc)) || (rc = put_breakdown(&b, pr, f, sc)) ||
	    match__add_str(&b, sc->relevant ? ",\"relevant\":true," : ",\"relevant\":false,") ||
	    (rc = put_explained_skills(&b, pr, f, 1)) || (rc = put_explained_skills(&b, pr, f, 0)) ||
	    (rc = put_languages(&b, pr, f, sc->met)) || MATCH__LIT(&b, "}") ||
	    (rc = put_recruiter(&b, f, flags, vd)) ||
	    (!sc->relevant && MATCH__LIT(&b, ",\"explore\":true")) || MATCH__LIT(&b, "}")) {
		buf_release(&b);
		return rc > 0 ? 1 : -1;
	}
	*out = json_stringn_nocheck(b.p, b.len);
	buf_release(&b);
	return *out ? 0 : -1;
}
