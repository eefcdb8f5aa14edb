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
 *
 * A typo (round 12, second part): a token not otherwise read, one edit
 * (OSA) from exactly one trade word or legal form of one word with its
 * first letter, is that word ("Oversea", "Employmnt"); under
 * NAMES_TYPO_MIN letters only when it is the word with one letter
 * dropped ("Agncy"). The similarity's generic words are no target (among
 * them Vietnamese syllables one letter apart: "thong", "thuong"), and a
 * word of a legal form of several words stays itself ("societe" of
 * "societe par actions simplifiee" is no typo of "societa"). So the
 * phrase it belongs to is dropped as for the word written out.
 */
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

#define VOCAB_MIN 5    /* shorter vocabulary words are not expanded to */
#define CONTRACT_MIN 4 /* shorter tokens are not read as contractions */
#define TAIL_MIN 4     /* letters of a slash contraction's tail */
#define ABBREV_MIN 3   /* letters of an abbreviation with a full stop ("Int.") */
/* A token this long or longer within one edit of a vocabulary word is
 * that word ("Oversea", "Techonology"); a shorter one, of TYPO_DROP_MIN
 * letters or more, only when it is the word with one letter dropped
 * ("Agncy"): a letter replaced in a short word is often another word
 * ("Hunan" and "human", "Truong" and "thuong"). Chosen on eval_names'
 * development half (docs/integrity.md, "Round 12, second part"). */
#ifndef NAMES_TYPO_MIN
#define NAMES_TYPO_MIN 7
#endif
#define TYPO_DROP_MIN 5

struct vocab_word {
	char key[NAMES_MAX_TOKEN_LEN + 1]; /* first letter, then consonants */
	const char *word;
	size_t len;
};

static struct vocab_word *vocab;
static size_t nvocab;
static size_t vocab_maxlen; /* the longest vocabulary word's length */
/* the words of legal forms of several words ("societe" of "societe par
 * actions simplifiee"): never read as a typo of another word */
static char **form_words;
static size_t nform_words;
/* the legal forms of one word ("limited", "sociedad"): with the trade
 * words, the words a typo is read as (not the similarity's generic words,
 * among them Vietnamese syllables one letter from others: "thong",
 * "thuong") */
static char **single_forms;
static size_t nsingle_forms;
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

/* The distinct words of forms[0..n) with (several) or without (single)
 * spaces in a new sorted array *out, their number in *nout. */
static int form_set_build(char *const *forms, size_t nforms, int several, char ***out,
			  size_t *nout)
{
	size_t cap = nforms, n = 0, w = 0;
	char **words;
	int rc = 0;

	for (size_t i = 0; i < nforms; i++)
		for (const char *p = forms[i]; *p; p++)
			cap += *p == ' ';
	words = calloc(cap ? cap : 1, sizeof *words);
	if (!words)
		return NAMES_ENOMEM;
	for (size_t i = 0; i < nforms && !rc; i++)
		if ((strchr(forms[i], ' ') != NULL) == several)
			rc = words_add(forms[i], words, &n, cap);
	qsort(words, n, sizeof *words, text_cmp);
	for (size_t i = 0; i < n; i++) {
		if (w && strcmp(words[w - 1], words[i]) == 0) {
			free(words[i]);
			continue;
		}
		words[w++] = words[i];
	}
	*out = words;
	*nout = w;
	return rc;
}

static int form_words_build(char *const *forms, size_t nforms)
{
	int rc = form_set_build(forms, nforms, 1, &form_words, &nform_words);

	return rc ? rc : form_set_build(forms, nforms, 0, &single_forms, &nsingle_forms);
}

static int in_set(char **set, size_t n, const char *s, size_t len)
{
	char key[NAMES_MAX_TOKEN_LEN + 1];
	const char *k = key;

	if (len > NAMES_MAX_TOKEN_LEN)
		return 0;
	memcpy(key, s, len);
	key[len] = '\0';
	return bsearch(&k, set, n, sizeof *set, text_cmp) != NULL;
}

static int is_form_word(const char *s, size_t len)
{
	return in_set(form_words, nform_words, s, len);
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
		if (vocab[i].len > vocab_maxlen)
			vocab_maxlen = vocab[i].len;
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
	return form_words_build(forms, nforms);
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

/* The one vocabulary word within one edit (substitution, insertion,
 * deletion or two letters swapped) of s[0..len) with its first letter,
 * NULL for none or more than one. */
static const struct vocab_word *by_typo(const char *s, size_t len)
{
	const struct vocab_word *hit = NULL;
	size_t lo = 0, hi = nvocab;

	while (lo < hi) { /* the first key that starts with s's letter */
		size_t mid = lo + (hi - lo) / 2;

		if ((unsigned char)vocab[mid].key[0] < (unsigned char)s[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nvocab && vocab[lo].key[0] == s[0]; lo++) {
		const struct vocab_word *v = &vocab[lo];

		if (v->len + 1 < len || len + 1 < v->len ||
		    (len < NAMES_TYPO_MIN && v->len != len + 1) ||
		    names__osa(s, (int)len, v->word, (int)v->len, 1) > 1 ||
		    !(names__trade_word(v->word) ||
		      in_set(single_forms, nsingle_forms, v->word, v->len)))
			continue;
		if (hit && hit != v && strcmp(hit->word, v->word) != 0)
			return NULL; /* two words: ambiguous */
		hit = v;
	}
	return hit;
}

/* Fixed abbreviations of the vocabulary (moved here from names.c in round
 * 13, beside the other readings of shortened words). */
static const char *const abbreviations[][2] = {
	{"assn", "association"}, {"bros", "brothers"},	{"dept", "department"},
	{"mfg", "manufacturing"}, {"mgmt", "management"}, {"natl", "national"},
	{"svc", "services"},	  {"svcs", "services"},	  {"intl", "international"},
	{"corpn", "corporation"}, {"agcy", "agency"},	  {"mktg", "marketing"},
	/* round 17: "International Labor Mgt Corp" was unknown */
	{"mgt", "management"},	  {"mngt", "management"}, {"grp", "group"},
	{"hldg", "holding"},	  {"hldgs", "holdings"},
};

int names__elision_at(const char *word, size_t n, const char *rest, size_t rest_len)
{
	size_t k = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)word[i]))
			return 0;
	while (k < rest_len && k < 3 && (unsigned char)rest[k] < 0x80 && isalpha((unsigned char)rest[k]))
		k++;
	if (k == 0 || k > 2 || (k < rest_len && (unsigned char)rest[k] < 0x80 && isalnum((unsigned char)rest[k])))
		return 0;
	return !(k == 1 && (rest[0] == 's' || rest[0] == 'S'));
}

/* The vocabulary word that a prefix and a tail of s, an apostrophe between
 * them, shorten: it starts with the prefix, ends with the tail and has at
 * least two letters more ("internat'l": "international"; "ass'n":
 * "association"); NULL for none or two. */
static const char *by_elision(const char *s, size_t pl, const char *tail, size_t tl)
{
	const char *hit = NULL;

	for (size_t k = 0; k < nvocab; k++) {
		const struct vocab_word *v = &vocab[k];

		if (v->len < pl + tl + 2 || strncmp(v->word, s, pl) != 0 ||
		    memcmp(v->word + v->len - tl, tail, tl) != 0)
			continue;
		if (hit && strcmp(hit, v->word) != 0)
			return NULL; /* two words: ambiguous */
		hit = v->word;
	}
	return hit;
}

void names__expand_elisions(struct names__tokens *t)
{
	for (int i = 0; i < t->n; i++) {
		char *q = memchr(t->s[i], '\'', t->len[i]);
		size_t pl, tl;
		const char *v;

		if (!q)
			continue;
		pl = (size_t)(q - t->s[i]);
		tl = t->len[i] - pl - 1;
		v = by_elision(t->s[i], pl, q + 1, tl);
		if (v && strlen(v) <= NAMES_MAX_TOKEN_LEN) {
			memcpy(t->s[i], v, strlen(v) + 1);
			t->len[i] = (unsigned char)strlen(v);
		} else {
			memmove(q, q + 1, tl + 1);
			t->len[i]--;
		}
	}
}

void names__expand_abbreviations(struct names__tokens *t)
{
	for (int i = 0; i < t->n; i++)
		for (size_t k = 0; k < sizeof abbreviations / sizeof abbreviations[0]; k++)
			if (strcmp(t->s[i], abbreviations[k][0]) == 0) {
				size_t l = strlen(abbreviations[k][1]);
				memcpy(t->s[i], abbreviations[k][1], l + 1);
				t->len[i] = (unsigned char)l;
				break;
			}
}

/* The trade word that s[0..len), written with a full stop after it, is
 * the start of ("Serv." of "services", "Empl." of "employment"), NULL for
 * none. Only trade words (names_core.c), which are dropped from the core
 * whichever of them it is: of several, the first in order ("Recr." is
 * "recruiting" or "recruitment", dropped alike). The full stop is what
 * marks an abbreviation; without it a short word is a word. */
static const char *by_abbreviation(const char *s, size_t len)
{
	size_t ntrade;
	const char *const *trade = names__trade_words(&ntrade);
	const char *hit = NULL;

	for (size_t i = 0; i < ntrade; i++)
		if (strlen(trade[i]) > len + 1 && strncmp(trade[i], s, len) == 0 &&
		    (!hit || strcmp(trade[i], hit) < 0))
			hit = trade[i];
	return hit;
}

int names_cut_reading(const char *in, size_t len, char *out, size_t cap)
{
	size_t i = 0, run = 0, cut = 0;

	if (!in || !out || cap <= len)
		return 0;
	memcpy(out, in, len);
	out[len] = '\0';
	for (i = 0; i < len; i++) {
		char w[NAMES_MAX_TOKEN_LEN + 1];

		if (isalpha((unsigned char)in[i])) {
			run++;
			continue;
		}
		/* a full stop after ASCII letters that start a word, and
		 * before a space, a comma, a bracket or the end */
		if (in[i] == '.' && run >= ABBREV_MIN && run <= NAMES_MAX_TOKEN_LEN &&
		    (i + 1 == len || strchr(" ,;)]", in[i + 1])) &&
		    (i == run || !((unsigned char)in[i - run - 1] >= 0x80 ||
				   isalnum((unsigned char)in[i - run - 1])))) {
			for (size_t k = 0; k < run; k++)
				w[k] = (char)tolower((unsigned char)in[i - run + k]);
			const char *x = NULL;

			if (!is_vocab(w, run) && !in_set(single_forms, nsingle_forms, w, run) &&
			    !is_form_word(w, run))
				x = by_abbreviation(w, run);
			/* a trade word the normal form drops anyway ("Int."
			 * international) keeps its reading: as written it
			 * would be a word the other name lacks */
			if (x && !in_set(single_forms, nsingle_forms, x, strlen(x))) {
				out[i] = ' ';
				cut++;
			}
		}
		run = 0;
	}
	return cut > 0;
}

/*
 * A vocabulary word split by a separator (round 14): "Serv.ices",
 * "Contr actor", "Engin eering", "Inte-rnat-ional". Two or three
 * neighbouring pieces, letters only, two letters or more each, none of them
 * a vocabulary word itself, whose letters together are a vocabulary word
 * become that word, so it is dropped or weighed as the word written whole
 * is. Before, the pieces stayed words of the name ("eering" even read as a
 * contraction of "engineering" beside "engin"), which the other name did
 * not have once it dropped the word. Only vocabulary words are rejoined: two
 * words of a name that happen to spell another ("Sun Set") stay two, and
 * the similarity joins pieces of other words against the other name.
 */
#define REJOIN_MAX 3
void names__rejoin_vocabulary(struct names__tokens *t)
{
	/* whether each token can be a piece: 0 not yet known, 1 yes, 2 no */
	unsigned char piece[NAMES_MAX_TOKENS] = {0};

	if (!nvocab)
		return;
	for (int i = 0; i + 1 < t->n; i++) {
		char w[NAMES_MAX_TOKEN_LEN + 1];
		size_t wl = 0;
		int k, found = 0;

		for (k = 0; k < REJOIN_MAX && i + k < t->n; k++) {
			int j = i + k;
			size_t l = t->len[j];

			/* vocabulary words have VOCAB_MIN letters or more: a
			 * shorter piece is none, a shorter join matches none */
			if (!piece[j])
				piece[j] = l < 2 || t->initials[j] || !letters_only(t->s[j], l) ? 2 : 1;
			if (piece[j] == 2 || wl + l > vocab_maxlen || wl + l > NAMES_MAX_TOKEN_LEN)
				break;
			memcpy(w + wl, t->s[j], l);
			wl += l;
			w[wl] = '\0';
			if (k > 0 && wl >= VOCAB_MIN && is_vocab(w, wl)) {
				found = k + 1;
				break;
			}
		}
		if (!found)
			continue;
		memcpy(t->s[i], w, wl + 1);
		t->len[i] = (unsigned char)wl;
		t->dot[i] = t->dot[i + found - 1];
		for (k = 1; k < found; k++)
			names__tokens_remove(t, i + 1);
		/* the tokens moved: what is known of them moves too, and the
		 * joined word is a vocabulary word, no piece */
		memmove(&piece[i + 1], &piece[i + found], (size_t)(t->n - i - 1));
		piece[i] = 2;
	}
}

void names__expand_contractions(struct names__tokens *t)
{
	if (!nvocab)
		return;
	for (int i = 0; i < t->n; i++) {
		size_t len = t->len[i];
		const struct vocab_word *v;
		const char *slash = memchr(t->s[i], '/', len);

		if (slash) {
			/* a slash contraction ("O/seas", tokenised "o/seas"):
			 * a vocabulary word it contracts replaces it, slash and
			 * all; else it stays as written, its slash kept for the
			 * similarity */
			char w[NAMES_MAX_TOKEN_LEN + 1];
			size_t p = (size_t)(slash - t->s[i]), wl = len - 1;

			memcpy(w, t->s[i], p);
			memcpy(w + p, slash + 1, len - p - 1);
			w[wl] = '\0';
			if (wl < CONTRACT_MIN || !letters_only(w, wl))
				continue;
			if (is_vocab(w, wl)) {
				memcpy(t->s[i], w, wl + 1);
				t->len[i] = (unsigned char)wl;
				continue;
			}
			v = by_consonants(w, wl);
			if (!v)
				v = by_tail(w, wl);
			if (!v && wl >= TYPO_DROP_MIN && !is_form_word(w, wl))
				v = by_typo(w, wl);
			if (v) {
				memcpy(t->s[i], v->word, v->len + 1);
				t->len[i] = (unsigned char)v->len;
			}
			continue;
		}

		/* an abbreviation with its full stop ("Serv.", "Empl."): of
		 * three letters or more, not a legal form ("Corp.", "Inc.") */
		if (t->dot[i] && len >= ABBREV_MIN && !t->initials[i] && letters_only(t->s[i], len) &&
		    !is_vocab(t->s[i], len) && !in_set(single_forms, nsingle_forms, t->s[i], len) &&
		    !is_form_word(t->s[i], len)) {
			const char *w = by_abbreviation(t->s[i], len);

			if (w) {
				size_t wl = strlen(w);

				memcpy(t->s[i], w, wl + 1);
				t->len[i] = (unsigned char)wl;
				continue;
			}
		}
		if (len < CONTRACT_MIN || t->initials[i] || !letters_only(t->s[i], len) ||
		    is_vocab(t->s[i], len))
			continue;
		v = by_consonants(t->s[i], len);
		if (!v)
			v = by_tail(t->s[i], len);
		/* a typo in a trade word or legal form ("Agncy", "Oversea") */
		if (!v && len >= TYPO_DROP_MIN && !is_form_word(t->s[i], len))
			v = by_typo(t->s[i], len);
		if (!v)
			continue;
		memcpy(t->s[i], v->word, v->len + 1);
		t->len[i] = (unsigned char)v->len;
	}
}
