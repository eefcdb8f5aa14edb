/*
 * names_contract.c - a word of the legal-form and trade vocabulary written
 * as a contraction is read as that word: "Manpwr" is "manpower", "Cntrctr"
 * "contractor", "I/tional" (tokenised "itional") "international". Then the
 * legal forms and generic phrases are dropped and the core is taken as for
 * the word written out (names.c, names_core.c), so "Kestrel Manpwr" is
 * Kestrel's core.
 *
 * The vocabulary is every word of five letters or more among the legal
 * forms of one word (data/legal_forms/: "limited", "company", "limitada"),
 * the trade words (names_core.c) and the generic words of the similarity
 * (names_similarity.c: "contractor", "construction"), built once with the
 * legal-form table. Words of longer phrases are left out: "Grant" keeps
 * the consonants of "guarantee" ("limited by guarantee"). A token is read as
 * a vocabulary word v when it is not a vocabulary word itself, has four
 * letters or more, starts with v's first letter, is two letters or more
 * shorter, and either keeps every consonant of v in order (vowels dropped:
 * the same consonant key) or is v's first letter and a tail of at least
 * four letters of v (a slash contraction). Acronyms of three letters stay
 * themselves ("TRD", "MNP").
 */
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

#define VOCAB_MIN 5    /* shorter vocabulary words are not expanded to */
#define CONTRACT_MIN 4 /* shorter tokens are not read as contractions */
#define TAIL_MIN 4     /* letters of a slash contraction's tail */

struct vocab_word {
	char key[NAMES_MAX_TOKEN_LEN + 1]; /* first letter, then consonants */
	const char *word;
	size_t len;
};

static struct vocab_word *vocab;
static size_t nvocab;
/* the same words by their reversed spelling, for tails */
static struct vocab_rev {
	char rev[NAMES_MAX_TOKEN_LEN + 1];
	const struct vocab_word *v;
} *vrev;

static int vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The consonant key of s[0..len): its first letter, then its consonants. */
static void consonant_key(const char *s, size_t len, char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < len && k < NAMES_MAX_TOKEN_LEN; i++)
		if (i == 0 || !vowel(s[i]))
			key[k++] = s[i];
	key[k] = '\0';
}

static int letters_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

static int vocab_cmp(const void *a, const void *b)
{
	const struct vocab_word *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->word, y->word);
}

static int rev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vocab_rev *)a)->rev, ((const struct vocab_rev *)b)->rev);
}

static int text_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the words of text (space-separated) to words[0..*n) (room for cap). */
static int words_add(const char *text, char **words, size_t *n, size_t cap)
{
	for (const char *p = text; *p;) {
		const char *w = p;

		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - w) >= VOCAB_MIN && (size_t)(p - w) <= NAMES_MAX_TOKEN_LEN &&
		    letters_only(w, (size_t)(p - w))) {
			if (*n >= cap)
				return 0;
			if (!(words[*n] = strndup(w, (size_t)(p - w))))
				return NAMES_ENOMEM;
			(*n)++;
		}
		while (*p == ' ')
			p++;
	}
	return 0;
}

int names__vocab_build(char *const *forms, size_t nforms)
{
	size_t ntrade, nweak, cap, n = 0, w = 0;
	const char *const *trade = names__trade_words(&ntrade);
	const char *const *weak = names__weak_words(&nweak);
	char **words;
	int rc = 0;

	cap = ntrade + nweak + nforms;
	words = calloc(cap ? cap : 1, sizeof *words);
	if (!words)
		return NAMES_ENOMEM;
	for (size_t i = 0; i < nforms && !rc; i++)
		if (!strchr(forms[i], ' '))
			rc = words_add(forms[i], words, &n, cap);
	for (size_t i = 0; i < ntrade && !rc; i++)
		rc = words_add(trade[i], words, &n, cap);
	for (size_t i = 0; i < nweak && !rc; i++)
		rc = words_add(weak[i], words, &n, cap);
	if (rc)
		goto fail;
	qsort(words, n, sizeof *words, text_cmp);
	for (size_t i = 0; i < n; i++) {
		if (w && strcmp(words[w - 1], words[i]) == 0) {
			free(words[i]);
			continue;
		}
		words[w++] = words[i];
	}
	n = w;
	vocab = calloc(w ? w : 1, sizeof *vocab);
	vrev = calloc(w ? w : 1, sizeof *vrev);
	if (!vocab || !vrev) {
		free(vocab);
		free(vrev);
		vocab = NULL;
		vrev = NULL;
		rc = NAMES_ENOMEM;
		goto fail;
	}
	/* the words stay for the life of the process, as the forms do */
	for (size_t i = 0; i < w; i++) {
		vocab[i].word = words[i];
		vocab[i].len = strlen(words[i]);
		consonant_key(words[i], vocab[i].len, vocab[i].key);
	}
	free(words);
	qsort(vocab, w, sizeof *vocab, vocab_cmp);
	for (size_t i = 0; i < w; i++) {
		for (size_t j = 0; j < vocab[i].len; j++)
			vrev[i].rev[j] = vocab[i].word[vocab[i].len - 1 - j];
		vrev[i].v = &vocab[i];
	}
	qsort(vrev, w, sizeof *vrev, rev_cmp);
	nvocab = w;
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	return rc;
}

static int is_vocab(const char *s, size_t len)
{
	char key[NAMES_MAX_TOKEN_LEN + 1];
	size_t lo = 0, hi = nvocab;

	consonant_key(s, len, key);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, vocab[mid].key);

		if (c == 0) {
			/* scan the words of this key */
			size_t a = mid;

			while (a > 0 && strcmp(vocab[a - 1].key, key) == 0)
				a--;
			for (; a < nvocab && strcmp(vocab[a].key, key) == 0; a++)
				if (vocab[a].len == len && memcmp(vocab[a].word, s, len) == 0)
					return 1;
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* The vocabulary word whose consonants s[0..len) keeps (vowels dropped),
 * NULL for none: the first in order when several share the key. */
static const struct vocab_word *by_consonants(const char *s, size_t len)
{
	char key[NAMES_MAX_TOKEN_LEN + 1];
	size_t lo = 0, hi = nvocab;

	consonant_key(s, len, key);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(vocab[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nvocab && strcmp(vocab[lo].key, key) == 0; lo++) {
		const struct vocab_word *v = &vocab[lo];
		size_t i = 0;

		if (v->len < len + 2)
			continue;
		/* s a subsequence of the word: its vowels are the word's */
		for (size_t j = 0; j < v->len && i < len; j++)
			if (v->word[j] == s[i])
				i++;
		if (i == len)
			return v;
	}
	return NULL;
}

/* The vocabulary word that s[0..len) writes as its first letter and a
 * tail ("itional"), NULL for none or more than one. */
static const struct vocab_word *by_tail(const char *s, size_t len)
{
	const struct vocab_word *hit = NULL;
	char tail[NAMES_MAX_TOKEN_LEN + 1];
	size_t tl = len - 1, lo = 0, hi = nvocab;

	if (tl < TAIL_MIN)
		return NULL;
	for (size_t j = 0; j < tl; j++)
		tail[j] = s[len - 1 - j];
	tail[tl] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(vrev[mid].rev, tail) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nvocab && strncmp(vrev[lo].rev, tail, tl) == 0; lo++) {
		const struct vocab_word *v = vrev[lo].v;

		if (v->word[0] != s[0] || v->len < len + 2)
			continue;
		if (hit)
			return NULL; /* two words: ambiguous */
		hit = v;
	}
	return hit;
}

void names__expand_contractions(struct names__tokens *t)
{
	if (!nvocab)
		return;
	for (int i = 0; i < t->n; i++) {
		size_t len = t->len[i];
		const struct vocab_word *v;

		if (len < CONTRACT_MIN || t->initials[i] || !letters_only(t->s[i], len) ||
		    is_vocab(t->s[i], len))
			continue;
		v = by_consonants(t->s[i], len);
		if (!v)
			v = by_tail(t->s[i], len);
		if (!v)
			continue;
		memcpy(t->s[i], v->word, v->len + 1);
		t->len[i] = (unsigned char)v->len;
	}
}
