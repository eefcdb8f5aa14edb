/*
 * cardtext.c - a card written out as the API's JSON text (see cardtext.h).
 *
 * The card is json_dumps(JSON_COMPACT) output (card.c), so its text is
 * already what json_dumps writes for the decoded tree, except at the
 * positions card.c wrote for ESCO URIs (an integer as the top-level
 * "occupation" or as an item of "skills"."essential"/"optional") and at
 * reals when the answer's precision is not jansson's default. Reals are
 * rare in a card, so each is written again, which also mends any that
 * jansson did not write ("1E2" for 100.0). The scanner
 * below walks the text once, checks it is such output (no white space,
 * only the escapes and numbers json_dumps writes, valid UTF-8, well
 * nested, no key twice in an object), and writes it with those two things
 * replaced. Anything else is
 * refused (1), and the caller decodes the card into a tree instead, whose
 * answer is the reference either way.
 */
#include "engine/vacancy/cardtext.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/jsontext.h"
#include "engine/taxonomy/labeltext.h"

#define CARD_DEPTH 16 /* nesting a card holds (3 today) */
#define CARD_KEYS 256 /* keys of the objects open at once (a card's top level has about 20) */
#define NUMBER_MAX 63 /* bytes of a real written again; jansson writes at most 24 */

enum card_key { KEY_OTHER, KEY_OCCUPATION, KEY_SKILLS, KEY_RECRUITER, KEY_LIST, KEY_SKILLS_MEMBER };

static int key_is(const char *s, size_t n, const char *k)
{
	return n == strlen(k) && memcmp(s, k, n) == 0;
}

/* The string at p (its opening quote) before end, checked as jansson's
 * lexer takes it and its dumper writes it: no raw control character,
 * valid UTF-8, and only the escapes json_dumps writes (\" \\ \b \f \n \r
 * \t, and \u00XX in capitals for the other control characters). Its
 * closing quote, or NULL; *escaped when it holds an escape. */
static const char *string_end(const char *p, const char *end, int *escaped)
{
	const unsigned char *q = (const unsigned char *)p + 1, *e = (const unsigned char *)end;
	size_t k;

	*escaped = 0;
	while (q < e) {
		unsigned c = *q;

		if (c == '"')
			return (const char *)q;
		if (c < 0x20)
			return NULL;
		if (c >= 0x80) {
			if (!(k = jsontext_utf8_len(q, (size_t)(e - q))))
				return NULL;
			q += k;
			continue;
		}
		if (c != '\\') {
			q++;
			continue;
		}
		*escaped = 1;
		if (q + 1 >= e)
			return NULL;
		if (q[1] && strchr("\"\\bfnrt", q[1])) {
			q += 2;
			continue;
		}
		/* \u00XX: a control character without a short escape */
		if (q[1] != 'u' || e - q < 6 || q[2] != '0' || q[3] != '0' || (q[4] != '0' && q[4] != '1'))
			return NULL;
		c = (unsigned)(q[4] - '0') << 4;
		if (q[5] >= '0' && q[5] <= '9')
			c |= (unsigned)(q[5] - '0');
		else if (q[5] >= 'A' && q[5] <= 'F')
			c |= (unsigned)(q[5] - 'A' + 10);
		else
			return NULL;
		if (c == 0 || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r')
			return NULL;
		q += 6;
	}
	return NULL;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The number at p as JSON writes one: its end, or NULL. *real when it has
 * a fraction or an exponent (jansson reads it as a real). */
static const char *number_end(const char *p, const char *end, int *real)
{
	const char *q = p;

	*real = 0;
	if (q < end && *q == '-')
		q++;
	if (q >= end || !digit(*q))
		return NULL;
	if (*q == '0')
		q++;
	else
		while (q < end && digit(*q))
			q++;
	if (q < end && *q == '.') {
		*real = 1;
		if (++q >= end || !digit(*q))
			return NULL;
		while (q < end && digit(*q))
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		*real = 1;
		if (++q < end && (*q == '+' || *q == '-'))
			q++;
		if (q >= end || !digit(*q))
			return NULL;
		while (q < end && digit(*q))
			q++;
	}
	return q;
}

/* A real's text [p, q) as jansson reads it, written again at prec. */
static int put_real_again(struct buf *b, const char *p, const char *q, int prec)
{
	char num[NUMBER_MAX + 1];
	double x;

	if (q - p > NUMBER_MAX)
		return 1;
	memcpy(num, p, (size_t)(q - p));
	num[q - p] = '\0';
	x = strtod(num, NULL);
	if (isinf(x))
		return 1; /* jansson refuses the overflow */
	return jsontext_put_real(b, x, prec);
}

/* A concept's string value (its quotes at p and q) into r; one with an
 * escape is not used as it is: the tree way labels that card. */
static void string_ref(struct vacancy_card_view *v, struct vacancy_card_ref *r, const char *p,
		       const char *q, int escaped)
{
	memset(r, 0, sizeof *r);
	r->text = p + 1;
	r->len = (size_t)(q - p - 1);
	if (escaped)
		v->labellable = 0;
}

/* The next concept of the list being read, or NULL when there is no room
 * (the tree way labels that card). */
static struct vacancy_card_ref *next_ref(struct vacancy_card_view *v)
{
	if (!v->n_lists || v->n_refs == VACANCY_CARD_REFS_MAX) {
		v->labellable = 0;
		return NULL;
	}
	v->list[v->n_lists - 1].n++;
	return &v->ref[v->n_refs++];
}

int vacancy_card_text(struct buf *b, const esco *t, const char *card, size_t len, int prec,
		      struct vacancy_card_view *view)
{
	enum { WANT_VALUE, WANT_VALUE_OR_CLOSE, WANT_KEY, WANT_KEY_OR_CLOSE, WANT_COLON, WANT_NEXT } st;
	char kind[CARD_DEPTH + 1] = {0};
	enum card_key key[CARD_DEPTH + 1] = {KEY_OTHER};
	const char *p = card, *end = card + len, *span = card, *q, *skills_key = NULL;
	size_t skills_key_len = 0, n_keys = 0, key_base[CARD_DEPTH + 1] = {0}, ki;
	/* the keys of the open objects, to refuse one given twice (jansson
	 * keeps the first one's place with the last one's value) */
	struct {
		const char *s;
		size_t n;
	} keys[CARD_KEYS];
	int depth = 0, rc = 0, escaped, real;

	if (view) {
		const char *const *reserved = view->reserved;

		memset(view, 0, sizeof *view);
		view->reserved = reserved;
		view->labellable = 1;
	}
	if (len < 2 || card[0] != '{' || card[len - 1] != '}')
		return 1;
	st = WANT_VALUE;
	while (p < end) {
		char c = *p;
		/* where a value read now sits */
		int in_list = depth == 3 && kind[3] == '[' && kind[2] == '{' && key[1] == KEY_SKILLS;
		int occ = depth == 1 && key[1] == KEY_OCCUPATION;

		if (st == WANT_COLON) {
			if (c != ':')
				return 1;
			st = WANT_VALUE;
			p++;
			continue;
		}
		if (c == '}' || c == ']') {
			if (!depth || kind[depth] != (c == '}' ? '{' : '[') ||
			    (st != WANT_NEXT && st != (c == '}' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE)))
				return 1;
			if (view && depth == 2 && key[1] == KEY_RECRUITER && view->recruiter &&
			    !view->recruiter_len)
				view->recruiter_len = (size_t)(p + 1 - view->recruiter);
			if (c == '}')
				n_keys = key_base[depth];
			if (!--depth && p + 1 != end)
				return 1;
			st = WANT_NEXT;
			p++;
			continue;
		}
		if (st == WANT_NEXT) {
			if (c != ',' || !depth)
				return 1;
			st = kind[depth] == '{' ? WANT_KEY : WANT_VALUE;
			p++;
			continue;
		}
		if (st == WANT_KEY || st == WANT_KEY_OR_CLOSE) {
			if (c != '"' || !(q = string_end(p, end, &escaped)))
				return 1;
			/* the accepted escapes have one form each: equal keys are
			 * equal bytes */
			for (ki = key_base[depth]; ki < n_keys; ki++)
				if (keys[ki].n == (size_t)(q - p - 1) &&
				    memcmp(keys[ki].s, p + 1, keys[ki].n) == 0)
					return 1;
			if (n_keys == CARD_KEYS)
				return 1;
			keys[n_keys].s = p + 1;
			keys[n_keys++].n = (size_t)(q - p - 1);
			key[depth] = KEY_OTHER;
			if (depth == 1) {
				const char *const *r;

				if (key_is(p + 1, (size_t)(q - p - 1), "occupation"))
					key[1] = KEY_OCCUPATION;
				else if (key_is(p + 1, (size_t)(q - p - 1), "skills"))
					key[1] = KEY_SKILLS;
				else if (key_is(p + 1, (size_t)(q - p - 1), "recruiter"))
					key[1] = KEY_RECRUITER;
				else if (view && key_is(p + 1, (size_t)(q - p - 1), "occupations"))
					view->labellable = 0; /* a profile's: not a card's */
				for (r = view ? view->reserved : NULL; r && *r; r++)
					if (key_is(p + 1, (size_t)(q - p - 1), *r))
						view->has_reserved = 1;
			} else if (depth == 2 && kind[2] == '{' && key[1] == KEY_SKILLS) {
				key[2] = key_is(p + 1, (size_t)(q - p - 1), "essential") ||
						 key_is(p + 1, (size_t)(q - p - 1), "optional")
					 ? KEY_LIST
					 : KEY_SKILLS_MEMBER;
				skills_key = p + 1;
				skills_key_len = (size_t)(q - p - 1);
				if (view && escaped)
					view->labellable = 0;
			}
			st = WANT_COLON;
			p = q + 1;
			continue;
		}
		/* a value */
		st = WANT_NEXT;
		if (c == '{' || c == '[') {
			if (depth == CARD_DEPTH)
				return 1;
			if (view && depth == 1 && key[1] == KEY_RECRUITER && c == '{')
				view->recruiter = p;
			if (view && depth == 1 && key[1] == KEY_SKILLS) {
				if (c == '{')
					view->has_skills = 1;
				else
					view->labellable = 0; /* skills as a list: the tree way */
			}
			if (view && depth == 2 && kind[2] == '{' && key[1] == KEY_SKILLS && c == '[') {
				if (view->n_lists == VACANCY_CARD_LISTS_MAX) {
					view->labellable = 0;
				} else {
					view->list[view->n_lists].key = skills_key;
					view->list[view->n_lists].key_len = skills_key_len;
					view->list[view->n_lists].first = view->n_refs;
					view->list[view->n_lists++].n = 0;
				}
			}
			kind[++depth] = c;
			key[depth] = KEY_OTHER;
			key_base[depth] = n_keys;
			st = c == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
			p++;
			continue;
		}
		if (c == '"') {
			struct vacancy_card_ref *r;

			if (!(q = string_end(p, end, &escaped)))
				return 1;
			if (view && occ) {
				view->has_occupation = 1;
				string_ref(view, &view->occupation, p, q, escaped);
			} else if (view && in_list && (r = next_ref(view))) {
				string_ref(view, r, p, q, escaped);
			}
			p = q + 1;
			continue;
		}
		if (c == '-' || digit(c)) {
			int position = occ || (in_list && key[2] == KEY_LIST);

			if (!(q = number_end(p, end, &real)))
				return 1;
			if (!real && (q - p > 18 || (q - p == 2 && p[0] == '-' && p[1] == '0')))
				return 1; /* past json_int_t, or -0: jansson reads them otherwise */
			if (!real && position) {
				const esco_occupation *o = NULL;
				const esco_skill *s = NULL;
				uint64_t k = 0;

				if (c == '-' || q - p > 9 || !t)
					return 1; /* not a position the decoder takes */
				for (const char *d = p; d < q; d++)
					k = k * 10 + (uint64_t)(*d - '0');
				if (occ ? !(o = esco_occupation_at(t, (size_t)k))
					: !(s = esco_skill_at(t, (size_t)k)))
					return 1;
				if (jsontext_add(b, span, (size_t)(p - span)) ||
				    (rc = jsontext_put_cstring(b, occ ? o->uri : s->uri)))
					return rc > 0 ? 1 : -1;
				span = q;
				if (view && occ) {
					view->has_occupation = 1;
					memset(&view->occupation, 0, sizeof view->occupation);
					view->occupation.occupation = o;
				} else if (view) {
					struct vacancy_card_ref *r = next_ref(view);

					if (r) {
						memset(r, 0, sizeof *r);
						r->skill = s;
					}
				}
			} else if (real) {
				/* as jansson writes it back ("1E2" is 100.0), at prec */
				if (jsontext_add(b, span, (size_t)(p - span)) ||
				    (rc = put_real_again(b, p, q, prec)))
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
	if (depth)
		return 1;
	return jsontext_add(b, span, (size_t)(end - 1 - span));
}

static int put_ref(struct buf *b, const esco *t, const struct vacancy_card_ref *r, esco_lang l)
{
	if (r->skill)
		return taxonomy_skill_ref_text(b, r->skill, l);
	if (r->occupation)
		return taxonomy_occupation_ref_text(b, r->occupation, l);
	return taxonomy_concept_ref_text(b, t, r->text, r->len, l);
}

int vacancy_card_concepts_text(struct buf *b, const esco *t, const struct vacancy_card_view *view,
			       const char *lang)
{
	esco_lang l = taxonomy_label_lang(lang);
	size_t i, k;
	int rc = 0;

	if (!view->labellable || !t)
		return 1;
	if (JSONTEXT_LIT(b, "\"concepts\":{"))
		return -1;
	if (view->has_occupation &&
	    (JSONTEXT_LIT(b, "\"occupation\":") || (rc = put_ref(b, t, &view->occupation, l)) ||
	     JSONTEXT_LIT(b, ",")))
		return rc > 0 ? 1 : -1;
	if (view->has_skills) {
		if (JSONTEXT_LIT(b, "\"skills\":{"))
			return -1;
		for (i = 0; i < view->n_lists; i++) {
			if ((i && JSONTEXT_LIT(b, ",")) || JSONTEXT_LIT(b, "\"") ||
			    jsontext_add(b, view->list[i].key, view->list[i].key_len) ||
			    JSONTEXT_LIT(b, "\":["))
				return -1;
			for (k = 0; k < view->list[i].n; k++)
				if ((k && JSONTEXT_LIT(b, ",")) ||
				    (rc = put_ref(b, t, &view->ref[view->list[i].first + k], l)))
					return rc > 0 ? 1 : -1;
			if (JSONTEXT_LIT(b, "]"))
				return -1;
		}
		if (JSONTEXT_LIT(b, "},"))
			return -1;
	}
	if (JSONTEXT_LIT(b, "\"lang\":\"") || jsontext_add_str(b, esco_lang_code(l)) ||
	    JSONTEXT_LIT(b, "\"}"))
		return -1;
	return 0;
}
