/*
 * names.c - organisation-name normalisation (see names.h). Transliteration
 * is names_translit.c's; the similarity of two normal forms is
 * names_similarity.c's.
 *
 * Normalisation runs in stages on bounded buffers: cut the input at
 * NAMES_MAX_INPUT bytes; if it holds any non-ASCII byte, transliterate it
 * with the calling thread's transliterator (pure-ASCII names skip ICU
 * altogether); split into lowercase [a-z0-9] tokens (apostrophes vanish,
 * digits split only by . , / - stay one number, everything else
 * separates); join runs of single letters (initials); expand a few
 * abbreviations; drop legal forms and generic phrases from the table in
 * data/legal_forms/legal_forms.txt (compiled in); drop connecting words; drop misspelt
 * long legal words ("Limitd"). The table is normalised once, with the same
 * stages, by a pthread_once initialiser, so the table and the names always
 * agree.
 */
#include "engine/integrity/names.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

struct tokens {
	int n;
	unsigned char len[NAMES_MAX_TOKENS];
	unsigned char drop[NAMES_MAX_TOKENS];
	unsigned char initials[NAMES_MAX_TOKENS]; /* joined from single letters */
	char s[NAMES_MAX_TOKENS][NAMES_MAX_TOKEN_LEN + 1];
};

static void tokens_push(struct tokens *t, const char *s, size_t len)
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
	t->n++;
}

static void tokens_remove(struct tokens *t, int i)
{
	memmove(&t->s[i], &t->s[i + 1], (size_t)(t->n - i - 1) * sizeof t->s[0]);
	memmove(&t->len[i], &t->len[i + 1], (size_t)(t->n - i - 1));
	memmove(&t->drop[i], &t->drop[i + 1], (size_t)(t->n - i - 1));
	memmove(&t->initials[i], &t->initials[i + 1], (size_t)(t->n - i - 1));
	t->n--;
}

/* Splits ASCII text (other bytes separate) into lowercase tokens. */
static void tokenise_ascii(const char *p, size_t len, struct tokens *t)
{
	char cur[NAMES_MAX_TOKEN_LEN + 1];
	size_t n = 0;
	t->n = 0;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)p[i] : ' ';
		if (c < 0x80 && isalnum(c)) {
			if (n < NAMES_MAX_TOKEN_LEN)
				cur[n++] = (char)tolower(c);
		} else if (c == '\'' || c == '`') {
			continue; /* O'Brien -> obrien */
		} else if ((c == '.' || c == ',' || c == '/' || c == '-') && n > 0 &&
			   isdigit((unsigned char)cur[n - 1]) && i + 1 < len &&
			   isdigit((unsigned char)p[i + 1])) {
			continue; /* 20.182.043/0001-42 is one number */
		} else {
			tokens_push(t, cur, n);
			n = 0;
		}
	}
}

/* Joins runs of two or more single-letter tokens: "a b c" -> "abc". */
static void join_initials(struct tokens *t)
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
			tokens_remove(t, i + 1);
		}
	}
}

static const char *const abbreviations[][2] = {
	{"assn", "association"}, {"bros", "brothers"},	{"dept", "department"},
	{"mfg", "manufacturing"}, {"mgmt", "management"}, {"natl", "national"},
	{"svc", "services"},	  {"svcs", "services"},	  {"intl", "international"},
	{"corpn", "corporation"}, {"agcy", "agency"},	  {"mktg", "marketing"},
};

static void expand_abbreviations(struct tokens *t)
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


/* Cuts len so that in[0..len) ends on a UTF-8 character boundary. */
static size_t utf8_cut(const char *in, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)in[len] & 0xC0) == 0x80)
		len--;
	return len;
}

/* Stages up to (not including) the dropping of forms and stopwords. */
static int to_tokens_opts(UTransliterator *tr, const char *in, size_t len, unsigned opts,
			  unsigned *suspicious, struct tokens *t)
{
	int ascii = 1;
	t->n = 0;
	len = utf8_cut(in, len, NAMES_MAX_INPUT);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		tokenise_ascii(in, len, t);
	} else {
		char *o;
		size_t olen;
		int rc;
		if (!tr)
			return NAMES_EICU;
		rc = names__canonical(tr, in, len, opts, &o, &olen, suspicious);
		if (rc < 0)
			return rc;
		tokenise_ascii(o, olen, t);
		free(o);
	}
	join_initials(t);
	expand_abbreviations(t);
	return 0;
}

static int to_tokens(UTransliterator *tr, const char *in, size_t len, struct tokens *t)
{
	return to_tokens_opts(tr, in, len, 0, NULL, t);
}

/* ------------------------------------------------------------------ */
/* Legal-form table, built once                                        */

/* The raw forms, compiled in from data/legal_forms/legal_forms.txt by
 * data/embed_list.sh (the build's gen/legal_forms.c). */
extern const char *const legal_forms_raw[];
extern const size_t legal_forms_raw_count;

#define FORM_MAX_TOKENS 12

struct form {
	char *text; /* normalised tokens joined by single spaces */
	int ntok;
};

static struct form *forms;
static size_t nforms;
static int forms_maxtok;
static int forms_status = NAMES_EICU;
static pthread_once_t forms_once = PTHREAD_ONCE_INIT;

static int form_cmp(const void *a, const void *b)
{
	return strcmp(((const struct form *)a)->text, ((const struct form *)b)->text);
}

static void forms_init(void)
{
	size_t n = legal_forms_raw_count;
	UTransliterator *tr = names__trans_open();
	struct form *f = calloc(n, sizeof *f);
	size_t k = 0;

	if (!tr || !f) {
		forms_status = f ? NAMES_EICU : NAMES_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct tokens t;
		char buf[NAMES_NORM_CAP];
		size_t p = 0;
		if (to_tokens(tr, legal_forms_raw[i], strlen(legal_forms_raw[i]), &t) < 0 ||
		    t.n == 0 || t.n > FORM_MAX_TOKENS)
			continue;
		for (int j = 0; j < t.n; j++) {
			if (j)
				buf[p++] = ' ';
			memcpy(buf + p, t.s[j], t.len[j]);
			p += t.len[j];
		}
		buf[p] = '\0';
		f[k].text = strdup(buf);
		if (!f[k].text) {
			forms_status = NAMES_ENOMEM;
			goto fail;
		}
		f[k].ntok = t.n;
		if (t.n > forms_maxtok)
			forms_maxtok = t.n;
		k++;
	}
	qsort(f, k, sizeof *f, form_cmp);
	/* drop duplicates (several raw spellings normalise alike) */
	size_t w = 0;
	for (size_t i = 0; i < k; i++) {
		if (w > 0 && strcmp(f[w - 1].text, f[i].text) == 0) {
			free(f[i].text);
			continue;
		}
		f[w++] = f[i];
	}
	forms = f;
	nforms = w;
	forms_status = 0;
	utrans_close(tr);
	return;
fail:
	if (f) {
		for (size_t i = 0; i < k; i++)
			free(f[i].text);
		free(f);
	}
	if (tr)
		utrans_close(tr);
}

static int form_lookup(const char *s)
{
	size_t lo = 0, hi = nforms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s, forms[mid].text);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Length in tokens of the longest form starting at token i, or 0. */
static int form_at(const struct tokens *t, int i)
{
	char buf[NAMES_NORM_CAP];
	int best = 0;
	size_t p = 0;
	for (int l = 1; l <= forms_maxtok && i + l <= t->n; l++) {
		if (l > 1)
			buf[p++] = ' ';
		memcpy(buf + p, t->s[i + l - 1], t->len[i + l - 1]);
		p += t->len[i + l - 1];
		buf[p] = '\0';
		if (form_lookup(buf))
			best = l;
	}
	return best;
}

/* Short single-token forms that are safe to drop anywhere in a name. */
static const char *const anywhere_short[] = {"bhd", "co",  "inc", "jsc", "llc", "llp", "ltd",
					     "oao", "ooo", "pao", "plc", "pte", "pty", "pvt",
					     "sdn", "srl", "zao"};
/* Short forms written before the name (Indonesian PT/CV, Russian OOO...). */
static const char *const prefix_short[] = {"ao", "cp", "cty", "cv", "pt", "tob", "too", "ud"};

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static const char *const stopwords[] = {"a",  "an", "and", "da",  "das", "de", "del", "der",
					"des", "do", "dos", "du",  "e",	  "el", "et",  "for",
					"i",   "la", "le",  "les", "of",  "the", "und", "va",
					"ve",  "y"};

/* Long legal and generic words often misspelt in registers. */
static const char *const long_forms[] = {"company",	 "corporation", "incorporated",
					 "international", "limitada",	 "limited",
					 "services",	 "service",	 "sociedad"};

static int near_long_form(const char *s, int len)
{
	if (len < 6)
		return 0;
	for (size_t k = 0; k < sizeof long_forms / sizeof *long_forms; k++) {
		int l = (int)strlen(long_forms[k]);
		int allow = l >= 10 ? 2 : 1;
		if (s[0] == long_forms[k][0] && names__osa(s, len, long_forms[k], l, allow) <= allow)
			return 1;
	}
	return 0;
}

static void drop_forms(struct tokens *t)
{
	int i, any_kept = 0;

	/* Multi-token forms and long or unambiguous single tokens: anywhere. */
	for (i = 0; i < t->n;) {
		int l = form_at(t, i);
		if (l >= 2 || (l == 1 && (t->len[i] >= 4 ||
					  in_list(t->s[i], anywhere_short,
						  sizeof anywhere_short / sizeof *anywhere_short)))) {
			for (int j = 0; j < l; j++)
				t->drop[i + j] = 1;
			i += l;
		} else {
			i++;
		}
	}
	/* Misspelt long legal or generic words ("Limitd", "Sfervices"). */
	for (i = 0; i < t->n; i++)
		if (!t->drop[i] && near_long_form(t->s[i], t->len[i]))
			t->drop[i] = 1;
	/* Other short forms only at the end ("Acme AB") ... */
	for (i = t->n - 1; i >= 0; i--) {
		if (t->drop[i])
			continue;
		if (form_at(t, i) == 1)
			t->drop[i] = 1;
		else
			break;
	}
	/* ... or, for the usual prefix forms, at the start ("PT Maju"). */
	for (i = 0; i < t->n; i++) {
		if (t->drop[i])
			continue;
		if (in_list(t->s[i], prefix_short, sizeof prefix_short / sizeof *prefix_short))
			t->drop[i] = 1;
		else
			break;
	}
	for (i = 0; i < t->n; i++)
		if (!t->drop[i] && !t->initials[i] &&
		    in_list(t->s[i], stopwords, sizeof stopwords / sizeof *stopwords))
			t->drop[i] = 2;
	for (i = 0; i < t->n; i++)
		if (!t->drop[i])
			any_kept = 1;
	if (!any_kept) {
		/* Nothing distinctive: keep the legal and generic words, so that
		 * "International Services Ltd" does not become "". */
		for (i = 0; i < t->n; i++)
			if (t->drop[i] == 1)
				t->drop[i] = 0;
	}
}

/* ------------------------------------------------------------------ */
/* names_normalise                                                     */

int names_init(void)
{
	pthread_once(&forms_once, forms_init);
	return forms_status;
}

/* The kept tokens of t joined by single spaces into out (whole tokens only). */
static void emit(const struct tokens *t, char *out, size_t outcap)
{
	size_t p = 0;

	for (int i = 0; i < t->n; i++) {
		if (t->drop[i])
			continue;
		size_t need = (p ? 1u : 0u) + t->len[i];
		if (p + need + 1 > outcap)
			break;
		if (p)
			out[p++] = ' ';
		memcpy(out + p, t->s[i], t->len[i]);
		p += t->len[i];
	}
	out[p] = '\0';
}

/* The tokens of in[0..len) after the canonical text, ICU only when needed. */
static int tokens_of(const char *in, size_t len, unsigned opts, unsigned *suspicious,
		     struct tokens *t)
{
	int rc = to_tokens_opts(NULL, in, len, opts, suspicious, t);

	if (rc == NAMES_EICU) {
		/* non-ASCII input: now, and only now, get this thread's ICU */
		UTransliterator *tr = names__trans_get();
		if (!tr)
			return NAMES_EICU;
		rc = to_tokens_opts(tr, in, len, opts, suspicious, t);
	}
	return rc;
}

int names_normalise(const char *in, size_t len, char *out, size_t outcap)
{
	return names_normalise_forms(in, len, out, outcap, NULL, 0, NULL);
}

int names_normalise_forms(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious)
{
	struct tokens t;
	int rc;

	if (skel && skelcap)
		skel[0] = '\0';
	if (suspicious)
		*suspicious = 0;
	if (!out || outcap == 0)
		return NAMES_EINVAL;
	out[0] = '\0';
	if (!in)
		return NAMES_EINVAL;
	pthread_once(&forms_once, forms_init);
	if (forms_status < 0)
		return forms_status;
	len = utf8_cut(in, len, NAMES_MAX_INPUT);
	rc = tokens_of(in, len, 0, suspicious, &t);
	if (rc < 0)
		return rc;
	drop_forms(&t);
	emit(&t, out, outcap);
	if (skel && skelcap && names__has_confusable(in, len)) {
		/* letters of other scripts that look Latin: the second key */
		rc = tokens_of(in, len, NAMES_CANON_SKELETON, NULL, &t);
		if (rc < 0) {
			out[0] = '\0';
			return rc;
		}
		drop_forms(&t);
		emit(&t, skel, skelcap);
		if (strcmp(skel, out) == 0)
			skel[0] = '\0';
	}
	return 0;
}

int names_licence_key(const char *in, char *out, size_t outcap)
{
	size_t n = 0, len, olen = 0;
	const char *p;
	char *o = NULL;
	int ascii = 1, rc = 0;

	if (!out || !outcap)
		return NAMES_EINVAL;
	out[0] = '\0';
	if (!in)
		return 0;
	len = utf8_cut(in, strlen(in), NAMES_MAX_INPUT);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80)
			ascii = 0;
	p = in;
	if (!ascii) {
		UTransliterator *tr = names__trans_get();

		if (!tr)
			return NAMES_EICU;
		/* full-width digits (NFKC), Cyrillic look-alikes (skeleton) */
		rc = names__canonical(tr, in, len, NAMES_CANON_SKELETON, &o, &olen, NULL);
		if (rc < 0)
			return rc;
		p = o;
		len = olen;
	}
	for (size_t i = 0; i < len && n + 1 < outcap; i++)
		if (isalnum((unsigned char)p[i]) && !((unsigned char)p[i] & 0x80))
			out[n++] = (char)toupper((unsigned char)p[i]);
	out[n] = '\0';
	free(o);
	return 0;
}
