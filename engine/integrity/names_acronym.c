/*
 * names_acronym.c - acronym keys of organisation names and the rule that
 * decides what a shared key proves (names.h, "Acronyms"). An acronym is
 * evidence about the register, not about a pair of names: "HTC" is Hebei
 * Tianying Construction when it is the only registered firm with those
 * initials, and nobody in particular when Hanoi Trading Company is
 * registered too. The registry (token_index.c) indexes the keys of every
 * registered name and alias; the check (name_lookup.c) counts the holders.
 */
#include "engine/integrity/names.h"

#include <ctype.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

/* The word sets the keys are made of, narrowest first: the core; the
 * normal form; without legal forms (connecting words kept: "Nhân lực và
 * Thương mại" is NLVTM); without connecting words (legal forms kept:
 * HSBC); the same without the legal forms at the end ("CID P.L.C."); all
 * words. */
enum { SET_CORE, SET_NORMAL, SET_NO_FORMS, SET_FORMS, SET_BODY, SET_ALL, SET_COUNT };

static int in_set(const struct names__tokens *t, int i, int set, int body_end)
{
	switch (set) {
	case SET_CORE:
		return t->drop[i] == 0 && !names__trade_word(t->s[i]);
	case SET_NORMAL:
		return t->drop[i] == 0;
	case SET_NO_FORMS:
		return t->drop[i] != 1;
	case SET_FORMS:
		return t->drop[i] != 2;
	case SET_BODY:
		return t->drop[i] != 2 && i < body_end;
	default:
		return 1;
	}
}

static int letters_only(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (!isalpha((unsigned char)s[i]))
			return 0;
	return len > 0;
}

/* Whether query token i may be an acronym, so that all its letters count:
 * written as initials ("J.R."), short ("FFC"), or the only distinctive word
 * of the query ("ILMC Corp"). */
static int acronym_like(const struct names__tokens *t, int i)
{
	int distinct = 0;

	if (t->drop[i] || t->len[i] < 2 || !letters_only(t->s[i], t->len[i]))
		return 0;
	if (t->initials[i] || t->len[i] <= 4)
		return 1;
	for (int j = 0; j < t->n; j++)
		distinct += in_set(t, j, SET_CORE, t->n);
	return distinct == 1 && in_set(t, i, SET_CORE, t->n) && t->len[i] <= 8;
}

/* Appends legal-form kind `kind` to kinds[0..kn) ('+' between kinds,
 * '_' for a space inside one); the new length, or a length that cannot fit
 * (the key then goes without kinds). */
static int kinds_add(char *kinds, int kn, const char *kind)
{
	size_t l = strlen(kind);

	if (kn < 0 || kn + 1 + (int)l >= NAMES_ACRONYM_CAP)
		return NAMES_ACRONYM_CAP;
	if (kn)
		kinds[kn++] = '+';
	for (size_t j = 0; j < l; j++)
		kinds[kn++] = kind[j] == ' ' ? '_' : kind[j];
	kinds[kn] = '\0';
	return kn;
}

int names_acronym_key_len(const char *key)
{
	return (int)strcspn(key, (const char[]){NAMES_ACRONYM_KINDS, NAMES_ACRONYM_TRADE, '\0'});
}

int names_acronym_typed(const char *key)
{
	for (; *key; key++)
		if ((*key >= 'A' && *key <= 'Z') || *key == NAMES_ACRONYM_TRADE)
			return 1;
	return 0;
}

/* Adds key k of kl letters (the kinds of a typed key after them) unless
 * it is there already. */
static void key_add(char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], int *nk, const char *k,
		    int kl)
{
	for (int j = 0; j < *nk; j++)
		if (strcmp(keys[j], k) == 0)
			return;
	if (kl >= 2 && kl <= NAMES_ACRONYM_MAX_LEN && *nk < NAMES_ACRONYM_KEYS &&
	    strlen(k) < NAMES_ACRONYM_CAP)
		memcpy(keys[(*nk)++], k, strlen(k) + 1);
}

static int keys_of(const struct names__tokens *t, int query,
		   char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], int nk, int *pure)
{
	int body_end;

	for (body_end = t->n; body_end > 0 && t->drop[body_end - 1] == 1; body_end--)
		;
	if (query && pure) {
		/* every distinctive word can be an acronym: "FFC Co., Ltd." */
		int core = 0, acr = 0;

		for (int i = 0; i < t->n; i++)
			if (in_set(t, i, SET_CORE, t->n)) {
				core++;
				acr += acronym_like(t, i);
			}
		*pure = core > 0 && acr == core;
	}
	/* whole: a word written as initials (a registered name), or one that
	 * can be an acronym (a query), gives all its letters; first: a
	 * registered name's initials give their first letter too ("H&R" is
	 * one word to whoever abbreviates the name) */
	char trade[NAMES_ACRONYM_CAP], core[2][NAMES_ACRONYM_MAX_LEN + 2];
	int tn = 0, corel[2] = {0, 0};

	for (int i = 0; i < t->n; i++)
		if (t->drop[i] == 0 && names__trade_word(t->s[i]))
			tn = kinds_add(trade, tn, t->s[i]);
	for (int set = SET_CORE; set < SET_COUNT; set++)
		for (int first = 0; first < (query ? 1 : 2); first++) {
			char k[NAMES_ACRONYM_MAX_LEN + 2], typed[NAMES_ACRONYM_CAP];
			char kinds[NAMES_ACRONYM_CAP];
			int kl = 0, whole = 0, over = 0, forms = 0, kn = 0;

			for (int i = 0; i < t->n && !over; i++) {
				int n = 1;

				if (!in_set(t, i, set, body_end))
					continue;
				if (!first && (query ? acronym_like(t, i) : t->initials[i] != 0)) {
					n = t->len[i];
					whole |= n >= 2;
				}
				if (kl + n > NAMES_ACRONYM_MAX_LEN) {
					over = 1;
					continue;
				}
				/* the letters of the legal form that ends the name,
				 * as such (trade words are no form), and its kind */
				int form = i >= body_end && t->drop[i] == 1 &&
					   !names__trade_word(t->s[i]);

				for (int m = 0; m < n; m++, kl++) {
					k[kl] = t->s[i][m];
					typed[kl] = form ? (char)toupper((unsigned char)k[kl]) : k[kl];
				}
				if (form)
					kn = kinds_add(kinds, kn, names__form_kind(t->s[i]));
				forms |= form;
			}
			/* a query without a word that can be an acronym has no key */
			if (over || (query && !whole))
				continue;
			k[kl] = typed[kl] = '\0';
			key_add(keys, &nk, k, kl);
			if (set == SET_CORE) {
				memcpy(core[first], k, (size_t)kl + 1);
				corel[first] = kl;
			}
			if (forms) {
				/* "cbcL:llc" is not "cbcL:ltd" (NAMES_ACRONYM_KINDS) */
				if (kn > 0 && kl + 1 + kn < NAMES_ACRONYM_CAP) {
					typed[kl] = NAMES_ACRONYM_KINDS;
					memcpy(typed + kl + 1, kinds, (size_t)kn + 1);
				}
				key_add(keys, &nk, typed, kl);
			}
		}
	/* the trade words beside the initials, as words: "SSF Manpower
	 * Services" holds "ssf/manpower", as "Sizwe Sipho Fana Manpower" does
	 * and "Stephen Smith Farms" does not (NAMES_ACRONYM_TRADE) */
	for (int first = 0; tn > 0 && tn < NAMES_ACRONYM_CAP && first < 2; first++) {
		char k[NAMES_ACRONYM_CAP];
		int kl = corel[first];

		if (kl < 2 || kl + 1 + tn >= NAMES_ACRONYM_CAP)
			continue;
		memcpy(k, core[first], (size_t)kl);
		k[kl] = NAMES_ACRONYM_TRADE;
		memcpy(k + kl + 1, trade, (size_t)tn + 1);
		key_add(keys, &nk, k, kl);
	}
	return nk;
}

int names_acronym_keys(const char *in, size_t len, int query,
		       char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], int *pure)
{
	struct names__tokens t;
	int nk, rc, pure2 = 0;

	if (pure)
		*pure = 0;
	if (!in || !keys)
		return NAMES_EINVAL;
	rc = names__classify(in, len, 0, &t);
	if (rc < 0)
		return rc;
	nk = keys_of(&t, query, keys, 0, pure);
	/* look-alike letters and digits ("КМЅ", "KM5"): the confusable
	 * form's keys too, as the check reads both forms of a name */
	if (query && names__has_confusable(in, len)) {
		rc = names__classify(in, len, NAMES_CANON_SKELETON | NAMES_CANON_DIGITS, &t);
		if (rc < 0)
			return rc;
		nk = keys_of(&t, query, keys, nk, &pure2);
		if (pure)
			*pure |= pure2;
	}
	return nk;
}

double names_acronym_score(double pair, int holders, int key_len, double threshold,
			   double review)
{
	if (pair >= threshold)
		return pair; /* a match by its words already */
	if (holders == 1 && key_len >= NAMES_ACRONYM_UNIQUE_MIN)
		return threshold;
	return pair > review ? pair : review;
}

int names_acronym_shared(const char *query, const char *registered)
{
	char qk[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], rk[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
	int nq = names_acronym_keys(query, strlen(query), 1, qk, NULL);
	int nr = nq > 0 ? names_acronym_keys(registered, strlen(registered), 0, rk, NULL) : 0;

	int best = 0;

	for (int i = 0; i < nq; i++)
		for (int j = 0; j < nr; j++)
			if (strcmp(qk[i], rk[j]) == 0 && names_acronym_key_len(qk[i]) > best)
				best = names_acronym_key_len(qk[i]);
	return best;
}

int names_normalise_query(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious,
			  char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], int *nkeys, int *pure)
{
	struct names__tokens t;
	int rc = names__normalise_keep(in, len, out, outcap, skel, skelcap, suspicious, &t);
	int nk, pure2 = 0;

	*nkeys = 0;
	if (pure)
		*pure = 0;
	if (rc < 0)
		return rc;
	nk = keys_of(&t, 1, keys, 0, pure);
	/* the confusable form's keys too, as names_acronym_keys reads them
	 * (on an error there, the normal form's keys stand) */
	if (names__has_confusable(in, len) &&
	    names__classify(in, len, NAMES_CANON_SKELETON | NAMES_CANON_DIGITS, &t) == 0) {
		nk = keys_of(&t, 1, keys, nk, &pure2);
		if (pure)
			*pure |= pure2;
	}
	*nkeys = nk;
	return 0;
}

int names_normalise_acronyms(const char *in, size_t len, char *out, size_t outcap, char *skel,
			     size_t skelcap, char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP])
{
	struct names__tokens t;
	int rc = names__normalise_keep(in, len, out, outcap, skel, skelcap, NULL, &t);

	return rc < 0 ? rc : keys_of(&t, 0, keys, 0, NULL);
}
