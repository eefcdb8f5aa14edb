/*
 * root.c - one root, two endings: the word a walk-in types for a trade
 * ("welding", "soudage", "soldadura", "plomberie", "cocina") and the word
 * that names the worker ("welder", "soudeur", "soldador", "plombier",
 * "cocinero") share their first letters and differ only by a short ending.
 * Snowball's stemmers take off inflections, not these derivational endings
 * (English "welding" -> "weld" but "welder" stays "welder"), so the
 * matcher's occupation inference reads the typed evidence against the head
 * words of occupation labels (tax__head_word, the word that says what kind
 * of worker a label names) through this test. Words are folded
 * (taxonomy_fold) before they are compared.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <string.h>

/* Letters (bytes of folded ASCII; a letter of another script counts by its
 * bytes, which only makes the test stricter) the two words must share, and
 * the longest ending either may add after what they share. Four shared
 * letters is the inflection rule's minimum (fold.c); four-letter endings
 * hold the derivational suffixes of the three languages ("-ing", "-er",
 * "-age", "-eur", "-ura", "-ador", "-erie", "-ier", "-eria", "-ero"). */
#define ROOT_MIN TAX_ROOT_MIN
#define ROOT_TAIL 4

int taxonomy_same_root(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), k = 0;

	if (la < ROOT_MIN || lb < ROOT_MIN)
		return 0;
	while (a[k] && a[k] == b[k])
		k++;
	return k >= ROOT_MIN && la - k <= ROOT_TAIL && lb - k <= ROOT_TAIL;
}

size_t taxonomy_content_words(const char *text, char words[][TAX_WORD_MAX], size_t max)
{
	char buf[FOLD_MAX], *w[MAX_WORDS];
	size_t n, i, out = 0;

	if (taxonomy_fold(text, buf, sizeof buf) == 0)
		return 0;
	n = tax__split_words(buf, w, MAX_WORDS);
	for (i = 0; i < n && out < max; i++) {
		if (tax__is_stopword(w[i]) || strlen(w[i]) >= TAX_WORD_MAX)
			continue;
		snprintf(words[out++], TAX_WORD_MAX, "%s", w[i]);
	}
	return out;
}

int taxonomy_head_word(const char *label, int lang, char *out, size_t outlen)
{
	char buf[FOLD_MAX], *w[MAX_WORDS];
	size_t n;
	int h;

	if (!outlen || taxonomy_fold(label, buf, sizeof buf) == 0)
		return -1;
	n = tax__split_words(buf, w, MAX_WORDS);
	h = tax__head_word(w, n, lang);
	if (h < 0 || strlen(w[h]) >= outlen)
		return -1;
	snprintf(out, outlen, "%s", w[h]);
	return 0;
}
