/*
 * token_index.c - the registry's token index, beside its trigram postings
 * (name_index.c): for each distinctive word of a registered name (its core,
 * names_core: no legal forms, no trade words) a posting list under the word
 * itself and, for words of five letters or more, under its first and its
 * last half. A word with one typo keeps one half intact, so "Kopapo" (the
 * confusable form of "Корапо") reaches "Kopano" even where trigrams of the
 * whole name are too diluted to propose it. A lookup reads the query's
 * rarest keys first and stops at a bound, so a common word never floods
 * the candidate set.
 *
 * A word is also indexed under its consonant key (its first letter, then
 * its consonants: "kestrel" -> "kstrl"), which a word written with its
 * vowels dropped ("Kstrl", names_similarity's contractions) keeps whole.
 *
 * The same table holds each name's acronym keys (names_acronym_keys,
 * tagged 'a'), read whole by the acronym step of the check.
 *
 * Keys are 64-bit hashes of the tagged text: a collision only proposes a
 * candidate more, which the similarity then rejects. The caller holds the
 * registry lock (write to add, read to look up).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

#define TOK_MIN 3           /* shorter words are not indexed */
#define TOK_HALVES_MIN 5    /* words this long are indexed by halves too */
#define TOK_COMMON 2000     /* a key with more names than this proposes none */

struct tok_list {
	uint32_t *v;
	uint32_t n, cap;
};

static struct {
	uint64_t *keys;   /* open addressing: hash, 0 empty */
	uint32_t *slot;   /* list index of each key */
	size_t cap, n;
	struct tok_list *lists;
	size_t nlists, caplists;
	size_t bytes;
} tix;

/* FNV-1a of the tag, then the text. The tag is a byte of its own: XORed
 * into the offset basis with the text's first byte it made keys of two
 * tags collide by construction (acronym "kent" was the first half "zent"
 * of the word "zentokut": 'a' ^ 'k' == 'p' ^ 'z'), so a pure acronym could
 * find an unrelated firm as its one holder. */
static uint64_t key_hash(char tag, const char *s, size_t len)
{
	uint64_t h = (1469598103934665603ull ^ (unsigned char)tag) * 1099511628211ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

static long find(uint64_t h)
{
	if (!tix.cap)
		return -1;
	for (size_t i = h & (tix.cap - 1); tix.keys[i]; i = (i + 1) & (tix.cap - 1))
		if (tix.keys[i] == h)
			return (long)tix.slot[i];
	return -1;
}

static int grow(void)
{
	size_t cap = tix.cap ? tix.cap * 2 : 4096;
	uint64_t *k = calloc(cap, sizeof *k);
	uint32_t *s = calloc(cap, sizeof *s);

	if (!k || !s) {
		free(k);
		free(s);
		return -1;
	}
	for (size_t j = 0; j < tix.cap; j++) {
		size_t i;

		if (!tix.keys[j])
			continue;
		for (i = tix.keys[j] & (cap - 1); k[i]; i = (i + 1) & (cap - 1))
			;
		k[i] = tix.keys[j];
		s[i] = tix.slot[j];
	}
	tix.bytes += (cap - tix.cap) * (sizeof *k + sizeof *s);
	free(tix.keys);
	free(tix.slot);
	tix.keys = k;
	tix.slot = s;
	tix.cap = cap;
	return 0;
}

static int add_key(uint64_t h, uint32_t name)
{
	long li = find(h);
	struct tok_list *l;

	if (li < 0) {
		size_t i;

		if ((tix.n + 1) * 2 > tix.cap && grow())
			return -1;
		if (array_grow((void **)&tix.lists, &tix.caplists, tix.nlists + 1, sizeof *tix.lists,
			       UINT32_MAX))
			return -1;
		memset(&tix.lists[tix.nlists], 0, sizeof tix.lists[0]);
		for (i = h & (tix.cap - 1); tix.keys[i]; i = (i + 1) & (tix.cap - 1))
			;
		tix.keys[i] = h;
		tix.slot[i] = (uint32_t)tix.nlists;
		li = (long)tix.nlists++;
		tix.n++;
	}
	l = &tix.lists[li];
	if (l->n && l->v[l->n - 1] == name)
		return 0; /* the same word twice in a name */
	if (l->n == l->cap) {
		size_t cap = l->cap;

		if (array_grow_from((void **)&l->v, &cap, (size_t)l->n + 1, sizeof *l->v, UINT32_MAX, 2))
			return -1;
		tix.bytes += (cap - l->cap) * sizeof *l->v;
		l->cap = (uint32_t)cap;
	}
	l->v[l->n++] = name;
	return 0;
}

/* The consonant key of w[0..wl) into key (room for wl + 1); its length,
 * 0 when it has fewer than TOK_MIN letters or w is not letters only. */
static size_t consonant_key(const char *w, size_t wl, char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < wl; i++) {
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
		if (i == 0 || !strchr("aeiou", w[i]))
			key[k++] = w[i];
	}
	return k >= TOK_MIN ? k : 0;
}

/* Indexes word w (wl bytes) of name: the word, its consonant key, and its
 * halves when long. */
static int word_keys(const char *w, size_t wl, uint32_t name)
{
	char key[NAMES_NORM_CAP];
	size_t kl;

	if (wl < TOK_MIN)
		return 0;
	if (add_key(key_hash('w', w, wl), name))
		return -1;
	if ((kl = consonant_key(w, wl, key)) && kl < wl && add_key(key_hash('c', key, kl), name))
		return -1;
	if (wl >= TOK_HALVES_MIN &&
	    (add_key(key_hash('p', w, (wl + 1) / 2), name) ||
	     add_key(key_hash('s', w + wl - wl / 2, wl / 2), name)))
		return -1;
	return 0;
}

int integ__tokens_add(uint32_t name, const char *norm)
{
	char core[NAMES_NORM_CAP];
	const char *p;

	names_core(norm, core, sizeof core);
	for (p = core; *p;) {
		const char *w = p;

		while (*p && *p != ' ')
			p++;
		if (word_keys(w, (size_t)(p - w), name))
			return -1;
		while (*p == ' ')
			p++;
	}
	return 0;
}

int integ__acronyms_add(uint32_t name, const char *keys)
{
	for (const char *p = keys ? keys : ""; *p;) {
		const char *k = p;

		while (*p && *p != ' ')
			p++;
		if (p > k && add_key(key_hash('a', k, (size_t)(p - k)), name))
			return -1;
		while (*p == ' ')
			p++;
	}
	return 0;
}

uint32_t integ__acronym_names(const char *key, const uint32_t **names)
{
	long li = find(key_hash('a', key, strlen(key)));

	*names = li < 0 ? NULL : tix.lists[li].v;
	return li < 0 ? 0 : tix.lists[li].n;
}

struct probe {
	uint32_t list;
	uint32_t n;
};

static int probe_cmp(const void *a, const void *b)
{
	const struct probe *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

static void probe_add(struct probe *pr, size_t *np, size_t cap, uint64_t h)
{
	long li = find(h);

	if (li < 0 || *np >= cap || tix.lists[li].n > TOK_COMMON)
		return;
	for (size_t i = 0; i < *np; i++)
		if (pr[i].list == (uint32_t)li)
			return;
	pr[*np].list = (uint32_t)li;
	pr[*np].n = tix.lists[li].n;
	(*np)++;
}

/* The keys of query word w[0..wl): the word, its consonant key, and the
 * halves of a registered word one letter longer, as long, or one shorter:
 * one of them survives a single edit. */
static void word_probes(const char *w, size_t wl, struct probe *pr, size_t *np, size_t cap)
{
	char key[NAMES_NORM_CAP];
	size_t kl = consonant_key(w, wl, key);

	probe_add(pr, np, cap, key_hash('w', w, wl));
	if (kl)
		probe_add(pr, np, cap, key_hash('c', key, kl));
	for (size_t l = wl > TOK_HALVES_MIN ? wl - 1 : TOK_HALVES_MIN; l <= wl + 1; l++) {
		if ((l + 1) / 2 <= wl)
			probe_add(pr, np, cap, key_hash('p', w, (l + 1) / 2));
		if (l / 2 <= wl)
			probe_add(pr, np, cap, key_hash('s', w + wl - l / 2, l / 2));
	}
}

/* A slash contraction ("a/rez" for "alvarez", round 14) keeps the end of
 * its word: the registered words it can contract are those whose last half
 * ends its tail, so the tail's ends of every length from two letters are
 * probed as last halves (a word of up to twice the tail and one more). */
static void slash_probes(const char *w, size_t wl, struct probe *pr, size_t *np, size_t cap)
{
	const char *slash = memchr(w, '/', wl);
	size_t tail;

	if (!slash)
		return;
	tail = wl - (size_t)(slash - w) - 1;
	for (size_t l = 2; l <= tail; l++)
		probe_add(pr, np, cap, key_hash('s', w + wl - l, l));
}

/* A word split anywhere by a hyphen, a dot, an underscore, a symbol or a
 * space ("Kop-ano", "Kop_ano", "Kop ano") is a registered word again once
 * its pieces are joined: runs of two to TOK_JOIN_MAX neighbouring words of
 * core are probed as one word (names_similarity joins them back the same
 * way), with the probes of a word, so a piece misspelt is found too
 * ("Kop-pano"). Keys nobody holds cost one hash look-up each. */
#define TOK_JOIN_MAX 3
static void joined_probes(const char *core, struct probe *pr, size_t *np, size_t cap)
{
	const char *w[NAMES_MAX_TOKENS];
	size_t wl[NAMES_MAX_TOKENS], nw = 0;

	for (const char *p = core; *p && nw < NAMES_MAX_TOKENS;) {
		w[nw] = p;
		while (*p && *p != ' ')
			p++;
		wl[nw] = (size_t)(p - w[nw]);
		nw++;
		while (*p == ' ')
			p++;
	}
	for (size_t i = 0; i + 1 < nw; i++) {
		char joined[NAMES_MAX_TOKEN_LEN + 1];
		size_t jl = wl[i];

		memcpy(joined, w[i], wl[i] < sizeof joined ? wl[i] : sizeof joined - 1);
		for (size_t k = i + 1; k < nw && k < i + TOK_JOIN_MAX; k++) {
			if (jl + wl[k] > NAMES_MAX_TOKEN_LEN)
				break;
			memcpy(joined + jl, w[k], wl[k]);
			jl += wl[k];
			word_probes(joined, jl, pr, np, cap);
		}
	}
}

size_t integ__tokens_lookup(const char *form, void (*fn)(uint32_t name, void *arg), void *arg,
			    size_t max)
{
	struct probe pr[NAMES_MAX_TOKENS * 24];
	char core[NAMES_NORM_CAP];
	size_t np = 0, given = 0;
	const char *p;

	if (!tix.n)
		return 0;
	names_core(form, core, sizeof core);
	for (p = core; *p;) {
		const char *w = p;
		size_t wl;

		while (*p && *p != ' ')
			p++;
		wl = (size_t)(p - w);
		while (*p == ' ')
			p++;
		if (wl >= TOK_MIN)
			word_probes(w, wl, pr, &np, sizeof pr / sizeof pr[0]);
		slash_probes(w, wl, pr, &np, sizeof pr / sizeof pr[0]);
	}
	joined_probes(core, pr, &np, sizeof pr / sizeof pr[0]);
	/* rarest keys first */
	qsort(pr, np, sizeof pr[0], probe_cmp);
	for (size_t i = 0; i < np && given < max; i++) {
		const struct tok_list *l = &tix.lists[pr[i].list];

		for (uint32_t k = 0; k < l->n && given < max; k++, given++)
			fn(l->v[k], arg);
	}
	return given;
}

size_t integ__tokens_bytes(void)
{
	return tix.bytes + tix.caplists * sizeof *tix.lists;
}

void integ__tokens_free(void)
{
	for (size_t i = 0; i < tix.nlists; i++)
		free(tix.lists[i].v);
	free(tix.lists);
	free(tix.keys);
	free(tix.slot);
	memset(&tix, 0, sizeof tix);
}
