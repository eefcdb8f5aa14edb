/*
 * names.c - organisation-name normalisation and similarity (see names.h).
 *
 * Normalisation runs in stages on bounded buffers: cut the input at
 * NAMES_MAX_INPUT bytes; if it holds any non-ASCII byte, decode it with ICU
 * (invalid sequences become U+FFFD) and transliterate it "Any-Latin;
 * Latin-ASCII" with the calling thread's transliterator, opened on the
 * thread's first non-ASCII name and closed at thread exit (measured: 21 ms
 * for the first open in a process, 0.25 ms for later opens, 1.4 us for a
 * utrans_clone; a per-thread instance costs nothing per call and needs no
 * lock; pure-ASCII names skip ICU altogether); split into lowercase
 * [a-z0-9] tokens (apostrophes vanish, digits split only by . , / - stay one
 * number, everything else separates); join runs of single
 * letters (initials); expand a few abbreviations; drop legal forms and
 * generic phrases from the table in data/legal_forms/legal_forms.inc; drop
 * connecting words; drop misspelt long legal words ("Limitd"). The table is normalised once, with the same stages, by
 * a pthread_once initialiser, so the table and the names always agree.
 *
 * Similarity is a weighted token alignment (greedy on the best pairs, then
 * initials, then joined neighbours) computed on the stack.
 */
#include "engine/integrity/names.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/utypes.h>

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

/* ------------------------------------------------------------------ */
/* ICU transliteration, one transliterator per thread                  */

static pthread_key_t trans_key;
static pthread_once_t trans_once = PTHREAD_ONCE_INIT;
static int trans_key_ok;

static void trans_free(void *p)
{
	utrans_close((UTransliterator *)p);
}

static void trans_key_init(void)
{
	trans_key_ok = pthread_key_create(&trans_key, trans_free) == 0;
}

static UTransliterator *trans_open(void)
{
	static const UChar id[] = {'A', 'n', 'y', '-', 'L', 'a', 't', 'i', 'n', ';', ' ', 'L',
				   'a', 't', 'i', 'n', '-', 'A', 'S', 'C', 'I', 'I', 0};
	UErrorCode st = U_ZERO_ERROR;
	UTransliterator *tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		if (tr)
			utrans_close(tr);
		return NULL;
	}
	return tr;
}

static UTransliterator *trans_get(void)
{
	pthread_once(&trans_once, trans_key_init);
	if (!trans_key_ok)
		return NULL;
	UTransliterator *tr = pthread_getspecific(trans_key);
	if (tr)
		return tr;
	tr = trans_open();
	if (tr && pthread_setspecific(trans_key, tr) != 0) {
		utrans_close(tr);
		tr = NULL;
	}
	return tr;
}

/*
 * Transliterates UTF-8 in[0..len) to ASCII-ish UTF-8 in a malloc'd string
 * (*out, length *outlen). Returns 0 or a negative error.
 */
static int transliterate(UTransliterator *tr, const char *in, size_t len, char **out,
			 size_t *outlen)
{
	int ret = NAMES_ENOMEM;
	UErrorCode st = U_ZERO_ERROR;
	int32_t cap = (int32_t)len * 4 + 64; /* Han syllables expand ~4x */
	UChar *u = malloc((size_t)cap * sizeof *u);
	char *o = NULL;
	int32_t ulen = 0, limit, olen = 0;

	*out = NULL;
	if (!u)
		goto cleanup;
	u_strFromUTF8WithSub(u, cap, &ulen, in, (int32_t)len, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto cleanup;
	}
	for (int attempt = 0;; attempt++) {
		int32_t tlen = ulen;
		UChar *nu;
		limit = ulen;
		st = U_ZERO_ERROR;
		utrans_transUChars(tr, u, &tlen, cap, 0, &limit, &st);
		if (U_SUCCESS(st) && tlen <= cap) {
			ulen = tlen;
			break;
		}
		if (st != U_BUFFER_OVERFLOW_ERROR || attempt > 0) {
			ret = NAMES_EICU;
			goto cleanup;
		}
		/* Start again from the decoded input with the needed room. */
		cap = tlen + 64;
		nu = realloc(u, (size_t)cap * sizeof *u);
		if (!nu)
			goto cleanup;
		u = nu;
		st = U_ZERO_ERROR;
		u_strFromUTF8WithSub(u, cap, &ulen, in, (int32_t)len, 0xFFFD, NULL, &st);
		if (U_FAILURE(st)) {
			ret = NAMES_EICU;
			goto cleanup;
		}
	}
	o = malloc((size_t)ulen * 3 + 1);
	if (!o)
		goto cleanup;
	st = U_ZERO_ERROR;
	u_strToUTF8WithSub(o, ulen * 3 + 1, &olen, u, ulen, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto cleanup;
	}
	*out = o;
	*outlen = (size_t)olen;
	o = NULL;
	ret = 0;
cleanup:
	free(u);
	free(o);
	return ret;
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
static int to_tokens(UTransliterator *tr, const char *in, size_t len, struct tokens *t)
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
		rc = transliterate(tr, in, len, &o, &olen);
		if (rc < 0)
			return rc;
		tokenise_ascii(o, olen, t);
		free(o);
	}
	join_initials(t);
	expand_abbreviations(t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Legal-form table, built once                                        */

static const char *const legal_forms_raw[] = {
#include "data/legal_forms/legal_forms.inc"
};

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
	size_t n = sizeof legal_forms_raw / sizeof legal_forms_raw[0];
	UTransliterator *tr = trans_open();
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

static int osa(const char *a, int la, const char *b, int lb, int max);

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
		if (s[0] == long_forms[k][0] && osa(s, len, long_forms[k], l, allow) <= allow)
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

int names_normalise(const char *in, size_t len, char *out, size_t outcap)
{
	struct tokens t;
	size_t p = 0;
	int rc;

	if (!out || outcap == 0)
		return NAMES_EINVAL;
	out[0] = '\0';
	if (!in)
		return NAMES_EINVAL;
	pthread_once(&forms_once, forms_init);
	if (forms_status < 0)
		return forms_status;
	len = utf8_cut(in, len, NAMES_MAX_INPUT);
	rc = to_tokens(NULL, in, len, &t);
	if (rc == NAMES_EICU) {
		/* non-ASCII input: now, and only now, get this thread's ICU */
		UTransliterator *tr = trans_get();
		if (!tr)
			return NAMES_EICU;
		rc = to_tokens(tr, in, len, &t);
	}
	if (rc < 0)
		return rc;
	drop_forms(&t);
	for (int i = 0; i < t.n; i++) {
		if (t.drop[i])
			continue;
		size_t need = (p ? 1u : 0u) + t.len[i];
		if (p + need + 1 > outcap)
			break;
		if (p)
			out[p++] = ' ';
		memcpy(out + p, t.s[i], t.len[i]);
		p += t.len[i];
	}
	out[p] = '\0';
	return 0;
}

/* ------------------------------------------------------------------ */
/* Code-point helpers (jellyfish semantics)                            */

/* Decodes NUL-terminated UTF-8 into at most max code points; invalid
 * bytes give U+FFFD. Returns the count, or -1 if the string is longer. */
static int decode(const char *s, uint32_t *cp, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;
	while (*p) {
		uint32_t c = *p;
		int extra = 0;
		if (c < 0x80)
			extra = 0;
		else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			extra = 1, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			extra = 2, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			extra = 3, c &= 0x07;
		else
			extra = -1;
		int ok = extra >= 0;
		for (int k = 1; ok && k <= extra; k++)
			if ((p[k] & 0xC0) != 0x80)
				ok = 0;
		if (ok) {
			for (int k = 1; k <= extra; k++)
				c = (c << 6) | (p[k] & 0x3F);
			if ((extra == 2 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
			    (extra == 3 && (c < 0x10000 || c > 0x10FFFF)))
				ok = 0;
		}
		if (!ok) {
			c = 0xFFFD;
			extra = 0;
		}
		if (n >= max)
			return -1;
		cp[n++] = c;
		p += 1 + extra;
	}
	return n;
}

static double jaro_cp(const uint32_t *a, int la, const uint32_t *b, int lb, int winkler,
		      int longtol)
{
	unsigned char fa[NAMES_MAX_CODEPOINTS], fb[NAMES_MAX_CODEPOINTS];
	int range, common = 0, trans = 0, k = 0, minl;
	double w;

	if (la == 0 || lb == 0)
		return 0.0;
	range = (la > lb ? la : lb) / 2 - 1;
	if (range < 0)
		range = 0;
	memset(fa, 0, (size_t)la);
	memset(fb, 0, (size_t)lb);
	for (int i = 0; i < la; i++) {
		int lo = i - range > 0 ? i - range : 0;
		int hi = i + range < lb - 1 ? i + range : lb - 1;
		for (int j = lo; j <= hi; j++)
			if (!fb[j] && b[j] == a[i]) {
				fa[i] = fb[j] = 1;
				common++;
				break;
			}
	}
	if (!common)
		return 0.0;
	for (int i = 0; i < la; i++) {
		int j;
		if (!fa[i])
			continue;
		for (j = k; j < lb; j++)
			if (fb[j]) {
				k = j + 1;
				break;
			}
		if (j < lb && a[i] != b[j])
			trans++;
	}
	trans /= 2;
	w = ((double)common / la + (double)common / lb + (double)(common - trans) / common) / 3.0;
	minl = la < lb ? la : lb;
	if (winkler && w > 0.7) {
		int lim = minl < 4 ? minl : 4, i = 0;
		while (i < lim && a[i] == b[i])
			i++;
		if (i)
			w += i * 0.1 * (1.0 - w);
		if (longtol && minl > 4 && common > i + 1 && 2 * common >= minl + i)
			w += (1.0 - w) * ((double)(common - i - 1) / (double)(la + lb - i * 2 + 2));
	}
	return w;
}

static double jaro_str(const char *a, const char *b, int winkler, int longtol)
{
	uint32_t ca[NAMES_MAX_CODEPOINTS], cb[NAMES_MAX_CODEPOINTS];
	int la, lb;
	if (!a || !b)
		return 0.0;
	/* Too long: compare the first NAMES_MAX_CODEPOINTS code points. */
	la = decode(a, ca, NAMES_MAX_CODEPOINTS);
	lb = decode(b, cb, NAMES_MAX_CODEPOINTS);
	if (la < 0)
		la = NAMES_MAX_CODEPOINTS;
	if (lb < 0)
		lb = NAMES_MAX_CODEPOINTS;
	return jaro_cp(ca, la, cb, lb, winkler, longtol);
}

double names_jaro(const char *a, const char *b)
{
	return jaro_str(a, b, 0, 0);
}

double names_jaro_winkler(const char *a, const char *b)
{
	return jaro_str(a, b, 1, 0);
}

double names_jaro_winkler_long(const char *a, const char *b)
{
	return jaro_str(a, b, 1, 1);
}

int names_levenshtein(const char *a, const char *b)
{
	uint32_t ca[NAMES_MAX_CODEPOINTS], cb[NAMES_MAX_CODEPOINTS];
	int prev[NAMES_MAX_CODEPOINTS + 1], cur[NAMES_MAX_CODEPOINTS + 1];
	int la, lb;
	if (!a || !b)
		return NAMES_EINVAL;
	la = decode(a, ca, NAMES_MAX_CODEPOINTS);
	lb = decode(b, cb, NAMES_MAX_CODEPOINTS);
	if (la < 0 || lb < 0)
		return NAMES_ERANGE;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int d = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
		}
		memcpy(prev, cur, (size_t)(lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

int names_damerau_levenshtein(const char *a, const char *b)
{
	uint32_t ca[NAMES_MAX_CODEPOINTS], cb[NAMES_MAX_CODEPOINTS];
	/* last row where each code point of a was seen: a small linear map */
	uint32_t seen_cp[2 * NAMES_MAX_CODEPOINTS];
	int seen_row[2 * NAMES_MAX_CODEPOINTS], nseen = 0;
	int la, lb, w, ret, *d;

	if (!a || !b)
		return NAMES_EINVAL;
	la = decode(a, ca, NAMES_MAX_CODEPOINTS);
	lb = decode(b, cb, NAMES_MAX_CODEPOINTS);
	if (la < 0 || lb < 0)
		return NAMES_ERANGE;
	w = lb + 2;
	d = malloc((size_t)(la + 2) * (size_t)w * sizeof *d);
	if (!d)
		return NAMES_ENOMEM;
#define D(i, j) d[(size_t)(i) * (size_t)w + (size_t)(j)]
	int maxd = la + lb;
	D(0, 0) = maxd;
	for (int i = 0; i <= la; i++) {
		D(i + 1, 0) = maxd;
		D(i + 1, 1) = i;
	}
	for (int j = 0; j <= lb; j++) {
		D(0, j + 1) = maxd;
		D(1, j + 1) = j;
	}
	for (int i = 1; i <= la; i++) {
		int db = 0;
		for (int j = 1; j <= lb; j++) {
			int i1 = 0, j1 = db, cost, v;
			for (int k = 0; k < nseen; k++)
				if (seen_cp[k] == cb[j - 1]) {
					i1 = seen_row[k];
					break;
				}
			if (ca[i - 1] == cb[j - 1]) {
				cost = 0;
				db = j;
			} else {
				cost = 1;
			}
			v = D(i, j) + cost;
			if (D(i + 1, j) + 1 < v)
				v = D(i + 1, j) + 1;
			if (D(i, j + 1) + 1 < v)
				v = D(i, j + 1) + 1;
			if (D(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1) < v)
				v = D(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1);
			D(i + 1, j + 1) = v;
		}
		int k;
		for (k = 0; k < nseen; k++)
			if (seen_cp[k] == ca[i - 1])
				break;
		if (k == nseen) {
			seen_cp[nseen] = ca[i - 1];
			nseen++;
		}
		seen_row[k] = i;
	}
	ret = D(la + 1, lb + 1);
#undef D
	free(d);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Similarity                                                          */

/* Generic words in organisation and recruiter names: matched like any
 * token but weighing little, so they neither make nor break a match. */
static const char *const weak_words[] = {
	"agencies", "agency", "branch", "business", "career", "careers", "china",
	"construction", "consultancy", "consultant", "consultants", "consulting",
	"contracting", "contractor", "contractors", "cooperation", "cung", "dao",
	"dau", "development", "dich", "dong", "employment", "engineering",
	"enterprise", "enterprises", "export", "farm", "farms", "general", "global",
	"group", "holding", "holdings", "hop", "hr", "human", "import", "industrial",
	"industries", "industry", "insaat", "investment", "job", "jobs", "khau",
	"labor", "labour", "lao", "luc", "mai", "management", "manpower", "national",
	"nhan", "overseas", "personnel", "phat", "placement", "quoc", "recruiters",
	"recruiting", "recruitment", "resource", "resources", "sanayi", "solutions",
	"staff", "staffing", "tac", "tao", "te", "technologies", "technology",
	"thuong", "ticaret", "trade", "trading", "travel", "trien", "tu", "ung", "vu",
	"worker", "workers", "workforce", "xuat",
};

#define WEAK_WEIGHT 0.25
/* Factor applied per unmatched distinctive token. */
#define UNMATCHED_PENALTY 0.75

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static double token_weight(const char *s)
{
	const char *key = s;
	return bsearch(&key, weak_words, sizeof weak_words / sizeof *weak_words,
		       sizeof *weak_words, cmp_str)
		       ? WEAK_WEIGHT
		       : 1.0;
}

struct stok {
	const char *s; /* into the side's own buffer */
	int len;
	double w;
	int digit;
	int used;
};

struct side {
	int n;
	struct stok t[NAMES_MAX_TOKENS];
	char buf[NAMES_NORM_CAP + NAMES_MAX_TOKENS * (2 * NAMES_MAX_TOKEN_LEN + 2)];
	size_t used;
};

static void side_add(struct side *sd, const char *s, int len)
{
	if (sd->n >= NAMES_MAX_TOKENS || len <= 0)
		return;
	if (len > 2 * NAMES_MAX_TOKEN_LEN)
		len = 2 * NAMES_MAX_TOKEN_LEN;
	if (sd->used + (size_t)len + 1 > sizeof sd->buf)
		return;
	char *d = sd->buf + sd->used;
	memcpy(d, s, (size_t)len);
	d[len] = '\0';
	sd->used += (size_t)len + 1;
	struct stok *t = &sd->t[sd->n++];
	t->s = d;
	t->len = len;
	t->w = token_weight(d);
	t->digit = 0;
	for (int i = 0; i < len; i++)
		if (isdigit((unsigned char)d[i]))
			t->digit = 1;
	t->used = 0;
}

static void side_parse(struct side *sd, const char *norm)
{
	sd->n = 0;
	sd->used = 0;
	const char *p = norm;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (q > p)
			side_add(sd, p, (int)(q - p));
		p = q;
	}
}

/* Optimal-string-alignment distance on bytes, stopping early above max. */
static int osa(const char *a, int la, const char *b, int lb, int max)
{
	int r0[2 * NAMES_MAX_TOKEN_LEN + 2], r1[2 * NAMES_MAX_TOKEN_LEN + 2],
		r2[2 * NAMES_MAX_TOKEN_LEN + 2];
	int *pp = r0, *p = r1, *c = r2;
	if (la - lb > max || lb - la > max)
		return max + 1;
	for (int j = 0; j <= lb; j++)
		p[j] = j;
	for (int i = 1; i <= la; i++) {
		int rowmin;
		c[0] = rowmin = i;
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
		int *tmp = pp;
		pp = p;
		p = c;
		c = tmp;
	}
	return p[lb];
}

static double jw_bytes(const char *a, int la, const char *b, int lb)
{
	uint32_t ca[2 * NAMES_MAX_TOKEN_LEN + 2], cb[2 * NAMES_MAX_TOKEN_LEN + 2];
	for (int i = 0; i < la; i++)
		ca[i] = (unsigned char)a[i];
	for (int i = 0; i < lb; i++)
		cb[i] = (unsigned char)b[i];
	return jaro_cp(ca, la, cb, lb, 1, 0);
}

/* Similarity of two tokens in [0,1]; 0 when they should not be paired. */
static double token_sim(const struct stok *x, const struct stok *y)
{
	int minl, maxl, allow, d;
	if (x->len == y->len && memcmp(x->s, y->s, (size_t)x->len) == 0)
		return 1.0;
	if (x->digit || y->digit) {
		/* the numbers must agree exactly; letters may still differ */
		int i = 0, j = 0;
		for (;;) {
			while (i < x->len && !isdigit((unsigned char)x->s[i]))
				i++;
			while (j < y->len && !isdigit((unsigned char)y->s[j]))
				j++;
			if (i >= x->len || j >= y->len)
				break;
			if (x->s[i++] != y->s[j++])
				return 0.0;
		}
		if (i < x->len || j < y->len)
			return 0.0;
	}
	minl = x->len < y->len ? x->len : y->len;
	maxl = x->len < y->len ? y->len : x->len;
	allow = minl <= 3 ? 0 : minl <= 7 ? 1 : 2;
	if (allow) {
		d = osa(x->s, x->len, y->s, y->len, allow);
		if (d <= allow) {
			double jw = jw_bytes(x->s, x->len, y->s, y->len);
			double ed = 1.0 - (double)d / maxl;
			return jw > ed ? jw : ed;
		}
	}
	/* prefix abbreviation: "tech" ~ "technology", "constr" ~ "construction" */
	if (minl >= 3 && maxl >= minl + 2) {
		const struct stok *s = x->len < y->len ? x : y, *l = s == x ? y : x;
		if (memcmp(s->s, l->s, (size_t)s->len) == 0)
			return 0.8;
	}
	return 0.0;
}

/* Joins neighbours of a that together equal a token of b ("man power"). */
static void join_split(struct side *a, const struct side *b)
{
	for (int i = 0; i + 1 < a->n; i++) {
		int l = a->t[i].len + a->t[i + 1].len;
		for (int j = 0; j < b->n; j++) {
			if (b->t[j].len != l ||
			    memcmp(b->t[j].s, a->t[i].s, (size_t)a->t[i].len) != 0 ||
			    memcmp(b->t[j].s + a->t[i].len, a->t[i + 1].s,
				   (size_t)a->t[i + 1].len) != 0)
				continue;
			/* replace token i by b's spelling, remove i+1 */
			a->t[i].s = b->t[j].s;
			a->t[i].len = l;
			a->t[i].w = b->t[j].w;
			a->t[i].digit = b->t[j].digit;
			memmove(&a->t[i + 1], &a->t[i + 2],
				(size_t)(a->n - i - 2) * sizeof a->t[0]);
			a->n--;
			break;
		}
	}
}

/* Whether tokens b[k..k+n) are unused and start with the letters x[0..n). */
static int initials_at(const char *x, int n, const struct side *b, int k)
{
	if (k + n > b->n)
		return 0;
	for (int m = 0; m < n; m++)
		if (b->t[k + m].used || b->t[k + m].s[0] != x[m])
			return 0;
	return 1;
}

/* Unused token x of a spelled as initials of unused consecutive tokens of
 * b ("ilm" ~ "international labor management"), or, less sure, all but
 * its first or last letter (that word was a dropped generic or legal
 * word: "ilm" ~ "labor management"). With only_lonely, only tokens that
 * have no similar token in b are tried. Returns the weight matched (times
 * the similarity) and marks the tokens used. */
static double match_initials(struct side *a, struct side *b, int only_lonely,
			     double sim[][NAMES_MAX_TOKENS], int a_is_row)
{
	double got = 0.0;
	for (int i = 0; i < a->n; i++) {
		struct stok *x = &a->t[i];
		/* generic words ("luc", "hop") are not initials */
		if (x->used || x->len < 2 || x->len > 8 || x->digit || x->w < 1.0)
			continue;
		if (only_lonely) {
			int lonely = 1;
			for (int j = 0; j < b->n && lonely; j++)
				if ((a_is_row ? sim[i][j] : sim[j][i]) > 0.0)
					lonely = 0;
			if (!lonely)
				continue;
		}
		/* skip < 0: all letters; else the letter at skip stood for a
		 * dropped legal or generic word */
		for (int skip = -1; skip < x->len && !x->used; skip++) {
			char ini[NAMES_MAX_TOKEN_LEN + 1];
			int n = 0;
			for (int m = 0; m < x->len; m++)
				if (m != skip)
					ini[n++] = x->s[m];
			if (n < 1)
				continue;
			for (int k = 0; k + n <= b->n; k++) {
				if (!initials_at(ini, n, b, k))
					continue;
				/* one letter for one word is weak evidence */
				if (n == 1 && b->t[k].len < 4)
					continue;
				double wb = 0.0;
				for (int m = 0; m < n; m++) {
					b->t[k + m].used = 1;
					wb += b->t[k + m].w;
				}
				x->used = 1;
				got += (skip >= 0 ? 0.85 : 0.9) * (x->w + wb);
				break;
			}
		}
	}
	return got;
}

double names_similarity(const char *norm_a, const char *norm_b)
{
	struct side A, B;
	double total = 0.0, got = 0.0;

	if (!norm_a || !norm_b)
		return 0.0;
	side_parse(&A, norm_a);
	side_parse(&B, norm_b);
	if (A.n == 0 || B.n == 0)
		return 0.0;
	join_split(&A, &B);
	join_split(&B, &A);
	for (int i = 0; i < A.n; i++)
		total += A.t[i].w;
	for (int j = 0; j < B.n; j++)
		total += B.t[j].w;

	/* Greedy alignment: repeatedly take the best remaining pair. */
	double sim[NAMES_MAX_TOKENS][NAMES_MAX_TOKENS];
	for (int i = 0; i < A.n; i++)
		for (int j = 0; j < B.n; j++)
			sim[i][j] = token_sim(&A.t[i], &B.t[j]);
	/* Initials first for tokens with no similar token on the other side, so
	 * that "hcg harbin" keeps "hebei construction group" together. */
	got += match_initials(&A, &B, 1, sim, 1);
	got += match_initials(&B, &A, 1, sim, 0);
	for (;;) {
		double best = 0.0;
		int bi = -1, bj = -1;
		for (int i = 0; i < A.n; i++) {
			if (A.t[i].used)
				continue;
			for (int j = 0; j < B.n; j++) {
				if (B.t[j].used)
					continue;
				/* prefer heavier pairs among equal similarities */
				double v = sim[i][j] + 1e-3 * (A.t[i].w + B.t[j].w);
				if (sim[i][j] > 0.0 && v > best) {
					best = v;
					bi = i;
					bj = j;
				}
			}
		}
		if (bi < 0)
			break;
		A.t[bi].used = B.t[bj].used = 1;
		got += sim[bi][bj] * (A.t[bi].w + B.t[bj].w);
	}
	got += match_initials(&A, &B, 0, sim, 1);
	got += match_initials(&B, &A, 0, sim, 0);
	if (total <= 0.0)
		return 0.0;
	/* Each distinctive token left unmatched on either side is evidence of
	 * a different organisation, whatever the length of the names. */
	int unmatched = 0;
	for (int i = 0; i < A.n; i++)
		unmatched += !A.t[i].used && A.t[i].w >= 1.0;
	for (int j = 0; j < B.n; j++)
		unmatched += !B.t[j].used && B.t[j].w >= 1.0;
	double s = got / total;
	for (int k = 0; k < unmatched; k++)
		s *= UNMATCHED_PENALTY;
	return s > 1.0 ? 1.0 : s;
}
