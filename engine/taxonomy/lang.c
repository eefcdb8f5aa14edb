/*
 * lang.c - which of the loaded languages (en, fr, es) a text is written in
 * (taxonomy_detect_lang), so a vacancy written in French or Spanish is
 * indexed with its own stemmer. Counts the most frequent function words of
 * each language (articles, prepositions, pronouns, conjunctions: the top of
 * any frequency list of the language, and words no content label needs);
 * words two of the languages share ("de", "la", "que") count for neither.
 */
#include "engine/taxonomy/internal.h"

#include <string.h>

/* Function words, folded (no accents), distinctive of one language. */
static const char *const function_words[ESCO_LANG_COUNT][32] = {
	[ESCO_LANG_EN] = {"the", "and", "of", "to", "in", "for", "with", "is", "are", "you",
			  "we", "will", "our", "your", "be", "on", "as", "an", "this", "or",
			  "at", "from", "have", "who", "must", NULL},
	[ESCO_LANG_FR] = {"le", "les", "et", "des", "du", "pour", "avec", "vous", "nous", "est",
			  "une", "au", "aux", "dans", "sur", "ou", "qui", "sont", "votre", "notre",
			  "ce", "cette", "etre", "il", "elle", "l", "d", "par", NULL},
	[ESCO_LANG_ES] = {"el", "los", "las", "y", "del", "para", "con", "usted", "es", "una",
			  "al", "por", "o", "su", "sus", "nuestro", "nuestra", "son", "este",
			  "esta", "ser", "se", "como", NULL},
};

static int is_function_word(int l, const char *w)
{
	size_t i;

	for (i = 0; function_words[l][i]; i++)
		if (strcmp(function_words[l][i], w) == 0)
			return 1;
	return 0;
}

const char *taxonomy_detect_lang(const char *text, const char *fallback)
{
	char buf[FOLD_MAX * 4], *words[256];
	size_t n, i;
	int count[ESCO_LANG_COUNT] = {0}, l, best = -1;

	if (!text || !*text)
		return fallback;
	taxonomy_fold(text, buf, sizeof buf);
	n = tax__split_words(buf, words, sizeof words / sizeof *words);
	for (i = 0; i < n; i++)
		for (l = 0; l < ESCO_LANG_COUNT; l++)
			count[l] += is_function_word(l, words[i]);
	for (l = 0; l < ESCO_LANG_COUNT; l++)
		if (count[l] > 0 && (best < 0 || count[l] > count[best]))
			best = l;
	/* a tie with the fallback, or no evidence, keeps the fallback */
	if (best < 0)
		return fallback;
	if (fallback && esco_lang_from_code(fallback) >= 0 &&
	    count[esco_lang_from_code(fallback)] == count[best])
		return fallback;
	return esco_lang_code((esco_lang)best);
}

/* The languages of lang_mask whose labels (of either kind) hold folded
 * word w as a whole word; 0 when none does. Stops once all are seen. */
static unsigned word_langs(const struct tax_labels *t, const char *w)
{
	size_t len = strlen(w), lo, hi, i;
	unsigned seen = 0, all = (1u << ESCO_LANG_COUNT) - 1;
	int s;

	for (s = 0; s < 2 && seen != all; s++) {
		tax__word_range(t, s, w, len, &lo, &hi);
		for (i = lo; i < hi && seen != all; i++) {
			const struct tword *x = &t->words[s][i];

			if (x->wlen == (len < 255 ? len : 255) &&
			    tax__word_cmp_at(t->text.p + x->word, w) == 0)
				seen |= 1u << TW_LANG(x->bits);
		}
	}
	return seen;
}

unsigned taxonomy_text_langs(const char *text)
{
	const struct tax_labels *t = tax__labels();
	unsigned all = (1u << ESCO_LANG_COUNT) - 1, m = all, wl;
	char buf[FOLD_MAX], *words[MAX_WORDS];
	size_t n, i;
	int l, only;

	if (!t || !text || !taxonomy_fold(text, buf, sizeof buf))
		return all;
	n = tax__split_words(buf, words, MAX_WORDS);
	for (i = 0; i < n; i++) {
		/* a function word of one language only ("the", "del") */
		for (l = 0, only = -1; l < ESCO_LANG_COUNT; l++)
			if (is_function_word(l, words[i]))
				only = only == -1 ? l : -2;
		if (only >= 0) {
			m &= 1u << only;
			continue;
		}
		/* a content word: the languages whose labels have it; a word
		 * no label has (a name, a typo) says nothing */
		if (tax__is_stopword(words[i]) || strlen(words[i]) < 3)
			continue;
		if ((wl = word_langs(t, words[i])) != 0)
			m &= wl;
	}
	return m ? m : all; /* words of several languages: any of them */
}
