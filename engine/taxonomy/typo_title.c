/*
 * typo_title.c - a walk-in's one text that is an occupation's title typed
 * with one slip of the keyboard ("weldre", "plombeir", "cosemtic chemist").
 *
 * The normaliser reads a typo by its words' trigrams, and a short title has
 * few of them: "soldadro" read as the infantry soldier ("soldado"), not the
 * welder ("soldador"); "phamracienne" stayed a skill nobody has. Here the
 * text is compared whole with every title's forms (each of "soudeur/
 * soudeuse"), folded: one edit away (a letter added, dropped, changed, or
 * two neighbours swapped: the optimal string alignment distance) from the
 * forms of one occupation only, it names that occupation. Only when the
 * text is a slip, not a word: one of its words is in no label of any kind
 * and language ("sailor" is a word, and stays "sailor", not "tailor"), and
 * it is at least TYPO_MIN letters long (shorter words are one edit from too
 * many others). One slip from the titles of several occupations of one
 * unit group names the group. One word is compared with preferred titles
 * only, as document.c moves an exact one (an alternative label alone is
 * often another trade's nickname); two words or more with every title. A
 * text one slip from a skill's label too names no title: typed exactly, a
 * skill's label stays a skill (document.c).
 */
#include "engine/taxonomy/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TYPO_MIN 5 /* as rank.c's TYPO_MIN_LEN, chosen on the development split */
/* below an exact label's 1.0, at the normaliser's own for a one-letter typo */
#define TYPO_TITLE_SCORE 0.9
#define FORM_MAX 128

struct form {
	uint32_t text;  /* offset of the folded form in forms.text */
	uint32_t occ;   /* esco_occupation_at index */
	uint8_t lang;
	uint8_t len;
	uint8_t preferred;
};

static struct {
	char *text;
	size_t text_len, text_cap;
	struct form *f;
	size_t n, cap;
	int ok;
} forms;
static pthread_once_t forms_once = PTHREAD_ONCE_INIT;

static int add_form(const char *s, size_t n, uint32_t occ, int lang, int preferred)
{
	char raw[FORM_MAX], folded[FORM_MAX];
	size_t len;

	if (n == 0 || n >= sizeof raw)
		return 0;
	memcpy(raw, s, n);
	raw[n] = '\0';
	len = taxonomy_fold(raw, folded, sizeof folded);
	if (len < TYPO_MIN - 1 || len > 255)
		return 0;
	if (forms.n == forms.cap) {
		size_t cap = forms.cap ? forms.cap * 2 : 16384;
		struct form *nf = realloc(forms.f, cap * sizeof *nf);

		if (!nf)
			return -1;
		forms.f = nf;
		forms.cap = cap;
	}
	if (forms.text_len + len + 1 > forms.text_cap) {
		size_t cap = forms.text_cap ? forms.text_cap * 2 : 1u << 20;
		char *nt;

		while (cap < forms.text_len + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX || !(nt = realloc(forms.text, cap)))
			return -1;
		forms.text = nt;
		forms.text_cap = cap;
	}
	memcpy(forms.text + forms.text_len, folded, len + 1);
	forms.f[forms.n++] = (struct form){(uint32_t)forms.text_len, occ, (uint8_t)lang,
					   (uint8_t)len, (uint8_t)preferred};
	forms.text_len += len + 1;
	return 0;
}

/* Each form of label s ("soudeur/soudeuse": both). */
static int add_label(const char *s, uint32_t occ, int lang, int preferred)
{
	while (s && *s) {
		size_t n = strcspn(s, "/");

		if (add_form(s, n, occ, lang, preferred))
			return -1;
		s += n;
		s += strspn(s, "/");
	}
	return 0;
}

static void build_forms(void)
{
	const esco *t = taxonomy_esco();
	size_t o, i;
	int l;

	for (o = 0; t && o < esco_occupation_count(t); o++) {
		const esco_occupation *x = esco_occupation_at(t, o);

		for (l = 0; l < ESCO_LANG_COUNT; l++) {
			if (add_label(x->labels[l].preferred, (uint32_t)o, l, 1))
				return;
			for (i = 0; i < x->labels[l].n_alt; i++)
				if (add_label(x->labels[l].alt[i], (uint32_t)o, l, 0))
					return;
		}
	}
	forms.ok = t != NULL;
}

/* Whether a and b (lengths la, lb) are exactly one edit apart: one letter
 * inserted, deleted or replaced, or two neighbours swapped. */
static int one_edit(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0, j;

	if (la > lb + 1 || lb > la + 1)
		return 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i == la)
			return 0; /* equal */
		/* a swap of neighbours, or one letter replaced */
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    memcmp(a + i + 2, b + i + 2, la - i - 2) == 0)
			return 1;
		return memcmp(a + i + 1, b + i + 1, la - i - 1) == 0;
	}
	/* one letter more in the longer: the rest of both equal after it */
	if (la > lb)
		return memcmp(a + i + 1, b + i, lb - i) == 0;
	j = i;
	return memcmp(a + j, b + j + 1, la - j) == 0;
}

/* Whether folded word w (length n) is a word of some label, of either kind,
 * in any language. */
static int known_word(const struct tax_labels *t, const char *w, size_t n)
{
	int s;

	for (s = 0; s < 2; s++) {
		size_t lo, hi, k;

		tax__word_range(t, s, w, n, &lo, &hi);
		for (k = lo; k < hi; k++)
			if (t->words[s][k].wlen == n)
				return 1;
	}
	return 0;
}

struct labels_of {
	const struct tax_labels *t;
};

/* 1 when v is a skill's folded label. */
static int skill_label(const char *v, void *arg)
{
	const struct labels_of *l = arg;
	size_t lo, hi;

	tax__fold_range(l->t, 1, v, &lo, &hi);
	return hi > lo;
}

int tax__typo_title(const char *input, struct tax_match *out)
{
	const struct tax_labels *t = tax__labels();
	const esco *tax = taxonomy_esco();
	char f[FORM_MAX];
	size_t len = taxonomy_fold(input, f, sizeof f), i, words = 0, start = 0;
	const struct form *found = NULL;
	const esco_occupation *o;
	int slip = 0, one_trade = 1;

	if (len < TYPO_MIN || len >= sizeof f - 1 || !t || !tax)
		return -1;
	for (i = 0; i <= len; i++) {
		if (f[i] != ' ' && f[i] != '\0')
			continue;
		if (i > start) {
			words++;
			slip |= !known_word(t, f + start, i - start);
		}
		start = i + 1;
	}
	if (!slip || pthread_once(&forms_once, build_forms) != 0 || !forms.ok)
		return -1;
	for (i = 0; i < forms.n; i++) {
		const struct form *x = &forms.f[i];

		if ((words == 1 && !x->preferred) || (size_t)x->len + 1 < len || (size_t)x->len > len + 1 ||
		    !one_edit(f, len, forms.text + x->text, x->len))
			continue;
		if (!found) {
			found = x;
		} else if (found->occ != x->occ) {
			/* one slip from two trades: neither is meant, but a
			 * unit group holding both is ("pinotra naval": two
			 * occupations of 7132 write "pintora naval") */
			one_trade = 0;
			if (strcmp(esco_occupation_at(tax, found->occ)->isco,
				   esco_occupation_at(tax, x->occ)->isco) != 0)
				return -1;
		}
	}
	/* one slip from a skill's label too: typed exactly, a skill's label
	 * stays a skill ("química" is chemistry and a chemist's feminine
	 * title), so the slip may as well be the skill's */
	if (!found || len > WORD_MAX ||
	    tax__each_one_edit(f, skill_label, &(struct labels_of){t}) != 0)
		return -1;
	o = esco_occupation_at(tax, found->occ);
	memset(out, 0, sizeof *out);
	out->score = TYPO_TITLE_SCORE;
	if (one_trade) {
		out->uri = o->uri;
		out->kind = ESCO_KIND_OCCUPATION;
		out->concept = o;
		out->label = tax__label_in(o, ESCO_KIND_OCCUPATION, found->lang);
		return 0;
	}
	{
		const esco_isco_group *g = esco_isco_group_by_code(tax, o->isco);

		if (!g)
			return -1;
		out->uri = g->code;
		out->kind = ESCO_KIND_ISCO_GROUP;
		out->concept = g;
		out->label = g->labels[found->lang].preferred ? g->labels[found->lang].preferred
							       : g->label;
	}
	return 0;
}
