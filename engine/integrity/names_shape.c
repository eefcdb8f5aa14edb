/*
 * names_shape.c - the tokens of a normalised name, and two rules that
 * reshape them before legal forms are dropped (names.c):
 *
 *   - a legal form written together with a word, before or after it
 *     ("CaucasiaLLC", "ContractorsLimited", "TNHHXuat", "CôngTy") is split
 *     off, so the form is recognised and dropped like a separate one. The
 *     forms are the legal-form table's, written without spaces; three-letter
 *     ones only where they are unambiguous abbreviations (llc, ltd, ...),
 *     and the word left must keep three letters;
 *   - numbers of 1 to 999 and their ordinals ("44", "1st") are spelt out by
 *     ICU's English spellout rules (RuleBasedNumberFormat), so that "44" and
 *     "Forty-Four", "1st" and "First" give the same tokens.
 *
 * And runs of single letters are joined (names__join_initials).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "engine/integrity/names_internal.h"

void names__tokens_push(struct names__tokens *t, const char *s, size_t len)
{
	if (t->n >= NAMES_MAX_TOKENS || len == 0)
		return;
	if (len > NAMES_MAX_TOKEN_LEN)
		len = NAMES_MAX_TOKEN_LEN;
	memcpy(t->s[t->n], s, len);
	t->s[t->n][len] = '\0';
	t->len[t->n] = (unsigned char)len;
	t->drop[t->n] = 0;
	t->initials[t->n] = 0;
	t->glue[t->n] = 0;
	t->dot[t->n] = 0;
	t->n++;
}

/* The tokeniser's push: when the name has more words than a normal form
 * holds, the shortest words go first (the earliest of them), not the
 * last ones. Padding a blacklisted name with short filler ("ab cd ef ...
 * Kopano Manpower") would otherwise push its words out of the form
 * altogether; within the 200 bytes of a name, a word of six letters or
 * more always stays. */
void names__tokens_push_longest(struct names__tokens *t, const char *s, size_t len)
{
	int shortest = 0;

	if (t->n < NAMES_MAX_TOKENS || len == 0) {
		names__tokens_push(t, s, len);
		return;
	}
	for (int i = 1; i < t->n; i++)
		if (t->len[i] < t->len[shortest])
			shortest = i;
	if (t->len[shortest] >= (len > NAMES_MAX_TOKEN_LEN ? NAMES_MAX_TOKEN_LEN : len))
		return; /* the new word is the shortest */
	names__tokens_remove(t, shortest);
	names__tokens_push(t, s, len);
}

void names__tokens_remove(struct names__tokens *t, int i)
{
	memmove(&t->s[i], &t->s[i + 1], (size_t)(t->n - i - 1) * sizeof t->s[0]);
	memmove(&t->len[i], &t->len[i + 1], (size_t)(t->n - i - 1));
	memmove(&t->drop[i], &t->drop[i + 1], (size_t)(t->n - i - 1));
	memmove(&t->initials[i], &t->initials[i + 1], (size_t)(t->n - i - 1));
	memmove(&t->glue[i], &t->glue[i + 1], (size_t)(t->n - i - 1));
	memmove(&t->dot[i], &t->dot[i + 1], (size_t)(t->n - i - 1));
	t->n--;
}

/* Replaces token i by the space-separated words of text (as many as fit). */
int names_split_words(const char *text, const char **w, size_t *wl, int max)
{
	const char *p = text;
	int nw = 0;

	while (*p && nw < max) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w[nw] = p;
		while (*p && *p != ' ')
			p++;
		wl[nw] = (size_t)(p - w[nw]);
		nw++;
	}
	return nw;
}

static void tokens_replace(struct names__tokens *t, int i, const char *text)
{
	const char *w[NAMES_MAX_TOKENS];
	size_t wl[NAMES_MAX_TOKENS];
	int nw = names_split_words(text, w, wl, NAMES_MAX_TOKENS), room;

	if (!nw)
		return;
	room = NAMES_MAX_TOKENS - t->n + 1;
	if (nw > room)
		nw = room;
	/* open nw - 1 slots after i */
	for (int k = t->n - 1; k > i; k--) {
		memcpy(t->s[k + nw - 1], t->s[k], sizeof t->s[0]);
		t->len[k + nw - 1] = t->len[k];
		t->drop[k + nw - 1] = t->drop[k];
		t->initials[k + nw - 1] = t->initials[k];
		t->glue[k + nw - 1] = t->glue[k];
	}
	t->n += nw - 1;
	for (int k = 0; k < nw; k++) {
		size_t l = wl[k] > NAMES_MAX_TOKEN_LEN ? NAMES_MAX_TOKEN_LEN : wl[k];

		memcpy(t->s[i + k], w[k], l);
		t->s[i + k][l] = '\0';
		t->len[i + k] = (unsigned char)l;
		t->drop[i + k] = 0;
		t->initials[i + k] = 0;
		if (k)
			t->glue[i + k] = 0;
	}
}

/* ---- legal forms written together with a word ---- */

struct glued {
	char *key;  /* the form without spaces */
	char *form; /* the form as tokens */
	int abbrev; /* the start of a longer form ("corp", "assoc"): never split
		     * off the start of a word, which may be that longer form */
};

static struct glued *glued;
static size_t nglued;

/* Three-letter forms that are never the end or start of a word. */
static const char *const short_ok[] = {"bhd", "jsc", "llc", "llp", "ltd", "oao", "ooo",
				       "pao", "plc", "pte", "pty", "pvt", "sdn", "srl", "zao"};

static int glued_cmp(const void *a, const void *b)
{
	return strcmp(((const struct glued *)a)->key, ((const struct glued *)b)->key);
}

int names__glued_build(char *const *forms, size_t n)
{
	struct glued *g = calloc(n + 1, sizeof *g);
	size_t k = 0;

	if (!g)
		return NAMES_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char key[NAMES_NORM_CAP];
		size_t l = 0;
		int ok = 0;

		for (const char *p = forms[i]; *p && l + 1 < sizeof key; p++)
			if (*p != ' ')
				key[l++] = *p;
		key[l] = '\0';
		if (l == 3)
			for (size_t j = 0; j < sizeof short_ok / sizeof *short_ok; j++)
				ok |= strcmp(key, short_ok[j]) == 0;
		if (l < 4 && !ok)
			continue;
		g[k].key = strdup(key);
		g[k].form = strdup(forms[i]);
		if (!g[k].key || !g[k].form) {
			free(g[k].key);
			free(g[k].form);
			goto fail;
		}
		k++;
	}
	qsort(g, k, sizeof *g, glued_cmp);
	/* an abbreviation starts a longer one-word form ("corp", "corporation");
	 * the start of a form of several words ("tnhh", "tnhh mot thanh vien")
	 * is a form of its own */
	for (size_t i = 0; i < k; i++) {
		size_t l = strlen(g[i].key);

		for (size_t j = i + 1; j < k && strncmp(g[j].key, g[i].key, l) == 0; j++)
			if (!strchr(g[j].form, ' '))
				g[i].abbrev = 1;
	}
	glued = g;
	nglued = k;
	return 0;
fail:
	while (k-- > 0) {
		free(g[k].key);
		free(g[k].form);
	}
	free(g);
	return NAMES_ENOMEM;
}

static const struct glued *glued_find(const char *s, size_t len)
{
	char key[NAMES_MAX_TOKEN_LEN + 1];
	size_t lo = 0, hi = nglued;

	if (len > NAMES_MAX_TOKEN_LEN)
		return NULL;
	memcpy(key, s, len);
	key[len] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, glued[mid].key);

		if (c == 0)
			return &glued[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int all_alpha(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)s[i]))
			return 0;
	return 1;
}

void names__split_glued(struct names__tokens *t)
{
	for (int i = 0; i < t->n; i++) {
		char buf[2 * NAMES_NORM_CAP];
		const char *s = t->s[i];
		size_t len = t->len[i];
		const struct glued *g;

		if (t->initials[i] || len < 6 || !all_alpha(s, len))
			continue;
		if ((g = glued_find(s, len))) {
			/* the whole token is a form ("corporation", never "corp
			 * oration"), perhaps of several words ("congty") */
			if (strchr(g->form, ' ')) {
				snprintf(buf, sizeof buf, "%s", g->form);
				tokens_replace(t, i, buf);
			}
			continue;
		}
		/* the longest form at the end, then at the start, leaving three
		 * letters or more (four after a form at the start). A form that
		 * starts a longer one-word form ("corp": "corporation") is not
		 * split off the start of a word, which may be that form or a word
		 * it begins ("corporate"), unless it is eight letters or more:
		 * "international" starts "internationale", but what follows it
		 * in "internationallabormanagement" is no ending of it (round 18:
		 * the name written in one word answered nothing) */
		for (size_t l = len - 3; l >= 3; l--) {
			if ((g = glued_find(s + len - l, l))) {
				snprintf(buf, sizeof buf, "%.*s %s", (int)(len - l), s, g->form);
				tokens_replace(t, i, buf);
				break;
			}
			if ((g = glued_find(s, l)) && (!g->abbrev || l >= 8) && len - l >= 4) {
				snprintf(buf, sizeof buf, "%s %.*s", g->form, (int)(len - l), s + l);
				tokens_replace(t, i, buf);
				break;
			}
		}
	}
}

/* ---- numbers ---- */

static UNumberFormat *spell, *spell_ordinal;
static pthread_mutex_t spell_lock = PTHREAD_MUTEX_INITIALIZER;
static int spell_tried;

static void spell_open(void)
{
	static const UChar ordinal[] = {'%', 's', 'p', 'e', 'l', 'l', 'o', 'u', 't', '-',
					'o', 'r', 'd', 'i', 'n', 'a', 'l', 0};
	UErrorCode st = U_ZERO_ERROR;

	spell_tried = 1;
	spell = unum_open(UNUM_SPELLOUT, NULL, 0, "en", NULL, &st);
	if (U_FAILURE(st))
		spell = NULL;
	st = U_ZERO_ERROR;
	spell_ordinal = unum_open(UNUM_SPELLOUT, NULL, 0, "en", NULL, &st);
	if (U_SUCCESS(st))
		unum_setTextAttribute(spell_ordinal, UNUM_DEFAULT_RULESET, ordinal, -1, &st);
	if (U_FAILURE(st)) {
		if (spell_ordinal)
			unum_close(spell_ordinal);
		spell_ordinal = NULL;
	}
}

/* The English words of v (ordinal or not) in out, as lowercase ASCII
 * words separated by spaces; 0, or -1 when ICU cannot. */
int names__spell_out(long v, int ordinal, char *out, size_t cap)
{
	UChar u[128];
	UErrorCode st = U_ZERO_ERROR;
	int32_t k;
	size_t n = 0;

	pthread_mutex_lock(&spell_lock); /* a UNumberFormat is not shared freely */
	if (!spell_tried)
		spell_open();
	k = (ordinal ? spell_ordinal : spell)
		    ? unum_formatInt64(ordinal ? spell_ordinal : spell, v, u, 128, NULL, &st)
		    : -1;
	pthread_mutex_unlock(&spell_lock);
	if (k <= 0 || U_FAILURE(st) || k >= 128)
		return -1;
	for (int32_t i = 0; i < k && n + 1 < cap; i++)
		out[n++] = u[i] < 0x80 && isalpha(u[i]) ? (char)tolower(u[i]) : ' ';
	out[n] = '\0';
	return 0;
}

void names__spell_numbers(struct names__tokens *t)
{
	for (int i = 0; i < t->n; i++) {
		char words[256], *end;
		const char *s = t->s[i];
		long v;
		int ordinal = 0;

		if (!isdigit((unsigned char)s[0]) || s[0] == '0')
			continue;
		v = strtol(s, &end, 10);
		if (end - s > 3)
			continue;
		if (*end) {
			if (strcmp(end, "st") && strcmp(end, "nd") && strcmp(end, "rd") &&
			    strcmp(end, "th"))
				continue;
			ordinal = 1;
		}
		if (names__spell_out(v, ordinal, words, sizeof words) == 0) {
			int before = t->n;

			tokens_replace(t, i, words);
			i += t->n - before;
		}
	}
}

/* Joins runs of two or more single-letter tokens: "a b c" -> "abc". */
void names__join_initials(struct names__tokens *t)
{
	for (int i = 0; i < t->n; i++) {
		if (t->len[i] != 1 || !isalpha((unsigned char)t->s[i][0]))
			continue;
		while (i + 1 < t->n && t->len[i + 1] == 1 &&
		       isalpha((unsigned char)t->s[i + 1][0]) &&
		       t->len[i] < NAMES_MAX_TOKEN_LEN) {
			t->s[i][t->len[i]++] = t->s[i + 1][0];
			t->s[i][t->len[i]] = '\0';
			t->initials[i] = 1;
			names__tokens_remove(t, i + 1);
		}
	}
}
