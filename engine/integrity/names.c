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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

#define tokens_push names__tokens_push
#define tokens_remove names__tokens_remove

/* At an upper-case letter after three lower-case ones: whether the word
 * from here is one to split off (three letters or more, or all capitals:
 * "International", "AG"), so "McDonald" stays whole. */
static int camel_right(const char *p, size_t len)
{
	size_t k = 0;
	int upper = 1;

	while (k < len && isalpha((unsigned char)p[k])) {
		upper &= isupper((unsigned char)p[k]) != 0;
		k++;
	}
	return k >= 3 || (upper && k >= 2 && (k == len || !isalpha((unsigned char)p[k])));
}

/* Appends a token, with what separated it from the one before: sep is
 * the separator seen since ('.' or '-' alone, else 'x'). */
static void push_glued(struct names__tokens *t, const char *s, size_t len, char sep)
{
	int before = t->n;

	names__tokens_push_longest(t, s, len);
	if (t->n > before && before > 0)
		t->glue[before] = sep == '.' || sep == '-' ? (unsigned char)sep : 0;
}

/* Splits ASCII text (other bytes separate) into lowercase tokens. */
static void tokenise_ascii(const char *p, size_t len, struct names__tokens *t)
{
	char cur[NAMES_MAX_TOKEN_LEN + 1];
	size_t n = 0;
	char sep = 'x'; /* the separators since the last token: '.', '-' alone, or 'x' */

	t->n = 0;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)p[i] : ' ';
		if (n >= 3 && isupper(c) && islower((unsigned char)p[i - 1]) && camel_right(p + i, len - i)) {
			push_glued(t, cur, n, sep); /* "SiemensAG", "MyersInternational" */
			n = 0;
			sep = 'x';
		}
		if (c < 0x80 && isalnum(c)) {
			if (n < NAMES_MAX_TOKEN_LEN)
				cur[n++] = (char)tolower(c);
		} else if (c == '\'' || c == '`') {
			/* kept where it marks letters left out ("Internat'l"),
			 * for names__expand_elisions; else it joins the letters
			 * around it (O'Brien -> obrien) */
			if (n < NAMES_MAX_TOKEN_LEN && names__elision_at(cur, n, p + i + 1, len - i - 1))
				cur[n++] = '\'';
			continue;
		} else if (c == '/' && n == 1 && (isalpha((unsigned char)cur[0]) || cur[0] == '0') &&
			   i + 1 < len && isalpha((unsigned char)p[i + 1]) &&
			   (i < 2 || !isalnum((unsigned char)p[i - 2]))) {
			/* a slash contraction: "O/seas" is one word, "oseas", its
			 * first letter and its tail; in "0/S" the 0 is that
			 * letter, not a number (a number never abbreviates) */
			if (cur[0] == '0')
				cur[0] = 'o';
			if (i + 2 < len && isalpha((unsigned char)p[i + 2])) {
				/* the slash stays in the token (round 14): it
				 * says the letters between are left out, which
				 * the similarity reads ("a/rez" ~ "alvarez") and
				 * letters alone cannot say ("Arez" is a name) */
				if (n < NAMES_MAX_TOKEN_LEN)
					cur[n++] = '/';
				continue;
			}
			push_glued(t, cur, n, sep);
			n = 0;
			sep = 'x';
		} else if ((c == '.' || c == ',' || c == '/' || c == '-') && n > 0 &&
			   isdigit((unsigned char)cur[n - 1]) && i + 1 < len &&
			   isdigit((unsigned char)p[i + 1])) {
			continue; /* 20.182.043/0001-42 is one number */
		} else if (n > 0) {
			int before = t->n;

			push_glued(t, cur, n, sep);
			/* a full stop right after a word, then a space or the
			 * end: an abbreviation mark ("Serv. Ltd"; "Glo.bal"
			 * is a word split by a dot) */
			if (t->n > before && c == '.' && (i + 1 >= len || !isalnum((unsigned char)p[i + 1])))
				t->dot[t->n - 1] = 1;
			n = 0;
			sep = c == '.' || c == '-' ? (char)c : 'x';
		} else {
			sep = sep == (char)c ? sep : 'x';
		}
	}
}

size_t names__utf8_cut(const char *in, size_t len, size_t max)
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
			  unsigned *suspicious, struct names__tokens *t)
{
	int ascii = 1;
	char host[NAMES_MAX_INPUT + 1];
	t->n = 0;
	len = names__utf8_cut(in, len, NAMES_MAX_INPUT);
	if (names__host_reading(in, len, host, sizeof host))
		in = host, len = strlen(host); /* "www.acme-manpower.com" */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80) {
			ascii = 0;
			break;
		}
	/* the confusable form of plain ASCII still maps digits inside words;
	 * an ampersand may start a character reference ("&amp;", "&#8203;") */
	if (ascii && !(opts & NAMES_CANON_DIGITS) && !names__has_decor(in, len) &&
	    !memchr(in, '&', len)) {
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
	names__expand_elisions(t);
	names__join_initials(t);
	names__rejoin_vocabulary(t);
	names__expand_abbreviations(t);
	names__expand_contractions(t);
	return 0;
}

static int to_tokens(UTransliterator *tr, const char *in, size_t len, struct names__tokens *t)
{
	return to_tokens_opts(tr, in, len, 0, NULL, t);
}

/* ------------------------------------------------------------------ */
/* Legal-form table, built once                                        */

/* The raw forms, compiled in from data/legal_forms/legal_forms.txt by
 * data/embed_list.sh (the build's gen/legal_forms.c). */
extern const char *const legal_forms_raw[];
extern const size_t legal_forms_raw_count;
/* Line for line, the kind of each form: the main form of its OpenSanctions
 * type ("limited" -> "ltd", "company" -> "co"), "" for none. */
extern const char *const legal_form_kinds_raw[];

#define FORM_MAX_TOKENS 12

struct form {
	char *text; /* normalised tokens joined by single spaces */
	char *kind; /* its kind normalised the same way, or NULL */
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

static int table_long_build(const struct form *f, size_t n);

/* The tokens of t joined by single spaces into buf (NAMES_NORM_CAP). */
static void join_tokens(const struct names__tokens *t, char *buf)
{
	size_t p = 0;

	for (int j = 0; j < t->n; j++) {
		if (j)
			buf[p++] = ' ';
		memcpy(buf + p, t->s[j], t->len[j]);
		p += t->len[j];
	}
	buf[p] = '\0';
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
		struct names__tokens t;
		char buf[NAMES_NORM_CAP];
		const char *kind = legal_form_kinds_raw[i];
		int oom;
		if (to_tokens(tr, legal_forms_raw[i], strlen(legal_forms_raw[i]), &t) < 0 ||
		    t.n == 0 || t.n > FORM_MAX_TOKENS)
			continue;
		join_tokens(&t, buf);
		f[k].text = strdup(buf);
		oom = !f[k].text;
		if (!oom && kind[0]) {
			struct names__tokens kt;

			if (to_tokens(tr, kind, strlen(kind), &kt) == 0 && kt.n > 0 &&
			    kt.n <= FORM_MAX_TOKENS) {
				join_tokens(&kt, buf);
				f[k].kind = strdup(buf);
				oom = !f[k].kind;
			}
		}
		if (oom) {
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
			/* the first spelling with a kind gives it ("l.l.c." and
			 * "llc") */
			if (!f[w - 1].kind) {
				f[w - 1].kind = f[i].kind;
				f[i].kind = NULL;
			}
			free(f[i].text);
			free(f[i].kind);
			continue;
		}
		f[w++] = f[i];
	}
	forms = f;
	nforms = w;
	{
		char **texts = calloc(w + 1, sizeof *texts);

		for (size_t i = 0; texts && i < w; i++)
			texts[i] = f[i].text;
		forms_status = texts ? names__glued_build(texts, w) : NAMES_ENOMEM;
		if (forms_status == 0)
			forms_status = names__vocab_build(texts, w);
		free(texts);
		if (forms_status == 0)
			forms_status = table_long_build(f, w);
	}
	utrans_close(tr);
	return;
fail:
	if (f) {
		for (size_t i = 0; i <= k && i < n; i++) {
			free(f[i].text);
			free(f[i].kind);
		}
		free(f);
	}
	if (tr)
		utrans_close(tr);
}

static const struct form *form_find(const char *s)
{
	size_t lo = 0, hi = nforms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s, forms[mid].text);
		if (c == 0)
			return &forms[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int form_lookup(const char *s)
{
	return form_find(s) != NULL;
}

const char *names__form_kind(const char *word)
{
	const struct form *f;

	if (pthread_once(&forms_once, forms_init) != 0 || forms_status < 0)
		return word;
	f = form_find(word);
	return f && f->kind ? f->kind : word;
}

/* A dotted legal form whose first letter is written together with the
 * word before ("BOFRAS.A.R.L.", "ACMES.A."): the word's last letter
 * moves to the letters after the dot when, together, they are a form of
 * the table and they are not one alone, leaving three letters or more. */
static void split_dotted_form(struct names__tokens *t)
{
	for (int i = 0; i + 1 < t->n; i++) {
		char cand[NAMES_MAX_TOKEN_LEN + 1];
		int l = t->len[i], r = t->len[i + 1];

		if (t->glue[i + 1] != '.' || t->initials[i] || l < 4 || r + 1 > NAMES_MAX_TOKEN_LEN ||
		    !isalpha((unsigned char)t->s[i][l - 1]) ||
		    !(t->initials[i + 1] || (r == 1 && isalpha((unsigned char)t->s[i + 1][0]))) ||
		    form_lookup(t->s[i + 1]) || form_lookup(t->s[i]))
			continue;
		cand[0] = t->s[i][l - 1];
		memcpy(cand + 1, t->s[i + 1], (size_t)r + 1);
		if (!form_lookup(cand))
			continue;
		memcpy(t->s[i + 1], cand, (size_t)r + 2);
		t->len[i + 1] = (unsigned char)(r + 1);
		t->initials[i + 1] = 1;
		t->s[i][--t->len[i]] = '\0';
	}
}

/* Length in tokens of the longest form starting at token i, or 0. */
static int form_at(const struct names__tokens *t, int i)
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

/* Articles and small words; Spanish "los", "las" and French "au", "aux"
 * since round 20, with the other forms of the articles listed (not "al":
 * the Arabic article of "Al Noor" is part of the name). */
static const char *const stopwords[] = {
	"a", "an", "and", "au", "aux", "da", "das", "de", "del", "der", "des", "do", "dos",
	"du", "e", "el", "et", "for", "i", "la", "las", "le", "les", "los", "of", "the", "und",
	"va", "ve", "y"};

/* Long legal and generic words often misspelt in registers. */
static const char *const long_forms[] = {"company",	 "corporation", "incorporated",
					 "international", "limitada",	 "limited",
					 "services",	 "service",	 "sociedad"};

/* Single-word forms of 8 letters or more from the table, by first letter
 * (a typo inside "Aktiengesellschaft" or "Responsabilidad"). */
static const char **table_long[26];
static size_t table_long_n[26];

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
	if (len < 7 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t k = 0; k < table_long_n[s[0] - 'a']; k++) {
		const char *f = table_long[s[0] - 'a'][k];
		int l = (int)strlen(f), allow = l >= 10 ? 2 : 1;

		if (len - l <= allow && l - len <= allow && names__osa(s, len, f, l, allow) <= allow)
			return 1;
	}
	return 0;
}

/* Words of 8 letters or more inside forms of several words, by first
 * letter, NUL-separated in one block each. */
static char *table_part[26];
static size_t table_part_len[26];

static int near_part(const char *s, int len)
{
	int c = s[0] - 'a';

	if (len < 7 || c < 0 || c >= 26)
		return 0;
	for (size_t o = 0; o < table_part_len[c]; o += strlen(table_part[c] + o) + 1) {
		const char *f = table_part[c] + o;
		int l = (int)strlen(f), allow = l >= 10 ? 2 : 1;

		if (len - l <= allow && l - len <= allow && names__osa(s, len, f, l, allow) <= allow)
			return 1;
	}
	return 0;
}

/* Whether token i has a dropped form word on both sides (connecting words
 * between do not count). */
static int between_dropped(const struct names__tokens *t, int i)
{
	int sides = 0;

	for (int d = -1; d <= 1; d += 2)
		for (int j = i + d; j >= 0 && j < t->n; j += d) {
			if (t->drop[j] == 1) {
				sides++;
				break;
			}
			if (!in_list(t->s[j], stopwords, sizeof stopwords / sizeof *stopwords))
				break;
		}
	return sides == 2;
}

static int part_add(const char *w, size_t l)
{
	int c = w[0] - 'a';
	char *grown;

	if (l < 8 || c < 0 || c >= 26)
		return 0;
	for (size_t o = 0; o < table_part_len[c]; o += strlen(table_part[c] + o) + 1)
		if (strlen(table_part[c] + o) == l && strncmp(table_part[c] + o, w, l) == 0)
			return 0;
	grown = realloc(table_part[c], table_part_len[c] + l + 1);
	if (!grown)
		return NAMES_ENOMEM;
	memcpy(grown + table_part_len[c], w, l);
	grown[table_part_len[c] + l] = '\0';
	table_part[c] = grown;
	table_part_len[c] += l + 1;
	return 0;
}

/* Fills table_long and table_part from the sorted forms; 0 or NAMES_ENOMEM. */
static int table_long_build(const struct form *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c = f[i].text[0] - 'a';
		const char **grown;

		for (const char *p = f[i].text; f[i].ntok > 1 && *p;) {
			const char *w = p;

			while (*p && *p != ' ')
				p++;
			if (part_add(w, (size_t)(p - w)))
				return NAMES_ENOMEM;
			while (*p == ' ')
				p++;
		}
		if (f[i].ntok != 1 || strlen(f[i].text) < 8 || c < 0 || c >= 26)
			continue;
		grown = realloc(table_long[c], (table_long_n[c] + 1) * sizeof *grown);
		if (!grown)
			return NAMES_ENOMEM;
		table_long[c] = grown;
		table_long[c][table_long_n[c]++] = f[i].text;
	}
	return 0;
}

/* A legal form of three words or more whose last word is written together
 * with the next word ("Công ty cổ phầnđầu tư"): the token is split after
 * the form's last word when the words before it and that prefix are a
 * form of the table and three letters or more remain. */
static void split_form_tail(struct names__tokens *t)
{
	for (int i = 2; i < t->n && t->n < NAMES_MAX_TOKENS; i++)
		for (int p = 2; p + 3 <= t->len[i] && !form_lookup(t->s[i]); p++) {
			char buf[NAMES_NORM_CAP];
			int j, found = 0;
			size_t n = 0;

			for (j = i - 2; j >= 0 && i - j < forms_maxtok && !found; j--) {
				n = 0;
				for (int k = j; k < i; k++)
					n += (size_t)snprintf(buf + n, sizeof buf - n, "%s ", t->s[k]);
				/* the whole word ends a form already ("Limited
				 * Liability Company" is no "... Co" + "mpany") */
				snprintf(buf + n, sizeof buf - n, "%s", t->s[i]);
				if (form_lookup(buf))
					break;
				snprintf(buf + n, sizeof buf - n, "%.*s", p, t->s[i]);
				found = form_lookup(buf);
			}
			if (!found)
				continue;
			memmove(&t->s[i + 2], &t->s[i + 1], (size_t)(t->n - i - 1) * sizeof t->s[0]);
			memmove(&t->len[i + 2], &t->len[i + 1], (size_t)(t->n - i - 1));
			memmove(&t->drop[i + 2], &t->drop[i + 1], (size_t)(t->n - i - 1));
			memmove(&t->initials[i + 2], &t->initials[i + 1], (size_t)(t->n - i - 1));
			memmove(&t->glue[i + 2], &t->glue[i + 1], (size_t)(t->n - i - 1));
			t->n++;
			memcpy(t->s[i + 1], t->s[i] + p, (size_t)(t->len[i] - p) + 1);
			t->len[i + 1] = (unsigned char)(t->len[i] - p);
			t->drop[i + 1] = t->initials[i + 1] = t->glue[i + 1] = 0;
			t->s[i][p] = '\0';
			t->len[i] = (unsigned char)p;
			break;
		}
}

/* Whether tokens i and i + 1, swapped, are a form of two words. */
static int pair_reversed(const struct names__tokens *t, int i)
{
	char buf[2 * NAMES_MAX_TOKEN_LEN + 2];

	snprintf(buf, sizeof buf, "%s %s", t->s[i + 1], t->s[i]);
	return form_lookup(buf);
}

/* Tokens after i that no rule drops: neither forms nor connecting words. */
static int distinct_after(const struct names__tokens *t, int i)
{
	int n = 0;

	for (int j = i + 1; j < t->n; j++)
		if (!t->drop[j] && form_at(t, j) == 0 &&
		    !in_list(t->s[j], stopwords, sizeof stopwords / sizeof *stopwords))
			n++;
	return n;
}

/* The forms and connecting words of t marked as dropped, read as written
 * (names__drop_forms, names_numbers.c, reads them through numbers). */
void names__drop_forms_plain(struct names__tokens *t)
{
	int i, any_kept = 0;

	split_form_tail(t);
	/* Multi-token forms and long or unambiguous single tokens: anywhere. */
	for (i = 0; i < t->n;) {
		int l = form_at(t, i);
		if (l >= 2 || (l == 1 && (t->len[i] >= 4 || (t->initials[i] && i > 0) ||
					  in_list(t->s[i], anywhere_short,
						  sizeof anywhere_short / sizeof *anywhere_short)))) {
			/* a dotted form ("S.A.", "B.V.") is one anywhere but first,
			 * where "J.P." is a name */
			for (int j = 0; j < l; j++)
				t->drop[i + j] = 1;
			i += l;
		} else if (l == 0 && i + 1 < t->n && pair_reversed(t, i)) {
			/* the two words of a form the other way round ("ty Công") */
			t->drop[i] = t->drop[i + 1] = 1;
			i += 2;
		} else {
			i++;
		}
	}
	/* Misspelt long legal or generic words ("Limitd", "Sfervices"). */
	for (i = 0; i < t->n; i++)
		if (!t->drop[i] && near_long_form(t->s[i], t->len[i]))
			t->drop[i] = 1;
	/* A long word of a legal form of several words, perhaps misspelt,
	 * between two dropped form words ("Sociedad de Responsablidad
	 * Limitada"): the middle of a form. */
	for (i = 0; i < t->n; i++)
		if (!t->drop[i] && between_dropped(t, i) && near_part(t->s[i], t->len[i]))
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
	/* ... or, for the usual prefix forms, at the start ("PT Maju"); any
	 * other short form at the start only when two words that are neither
	 * forms nor connecting words follow ("BV O-Group", not "AB Manpower"). */
	for (i = 0; i < t->n; i++) {
		if (t->drop[i])
			continue;
		if (in_list(t->s[i], prefix_short, sizeof prefix_short / sizeof *prefix_short) ||
		    (form_at(t, i) == 1 && distinct_after(t, i) >= 2))
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
static void emit(const struct names__tokens *t, char *out, size_t outcap)
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
		     struct names__tokens *t)
{
	int rc = to_tokens_opts(NULL, in, len, opts, suspicious, t);

	if (rc == NAMES_EICU) {
		/* non-ASCII input: now, and only now, get this thread's ICU */
		UTransliterator *tr = names__trans_get();
		if (!tr)
			return NAMES_EICU;
		rc = to_tokens_opts(tr, in, len, opts, suspicious, t);
	}
	if (rc == 0) {
		split_dotted_form(t);
		names__split_glued(t);
		names__spell_numbers(t);
	}
	return rc;
}

int names__classify(const char *in, size_t len, unsigned opts, struct names__tokens *t)
{
	int rc;

	t->n = 0;
	pthread_once(&forms_once, forms_init);
	if (forms_status < 0)
		return forms_status;
	rc = tokens_of(in, names__utf8_cut(in, len, NAMES_MAX_INPUT), opts, NULL, t);
	if (rc == 0)
		names__drop_forms(t);
	return rc;
}

int names_normalise(const char *in, size_t len, char *out, size_t outcap)
{
	return names_normalise_forms(in, len, out, outcap, NULL, 0, NULL);
}

int names_normalise_forms(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious)
{
	struct names__tokens t;

	return names__normalise_keep(in, len, out, outcap, skel, skelcap, suspicious, &t);
}

int names__normalise_keep(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious, struct names__tokens *tp)
{
	struct names__tokens t;
	int rc;

	tp->n = 0;
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
	len = names__utf8_cut(in, len, NAMES_MAX_INPUT);
	rc = tokens_of(in, len, 0, suspicious, &t);
	if (rc < 0)
		return rc;
	names__drop_forms(&t);
	emit(&t, out, outcap);
	if (skel && skelcap && names__has_confusable(in, len)) {
		/* letters of other scripts that look Latin: the second key */
		struct names__tokens k;
		int kept = 0;

		rc = tokens_of(in, len, NAMES_CANON_SKELETON | NAMES_CANON_DIGITS, NULL, &k);
		if (rc < 0) {
			out[0] = '\0';
			return rc;
		}
		names__drop_forms(&k);
		/* word for word, what the normal form drops goes too: a Cyrillic
		 * legal form ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ...") read as Latin look-alikes
		 * is still a legal form */
		if (k.n == t.n) {
			for (int i = 0; i < k.n; i++)
				kept += !(k.drop[i] || t.drop[i]);
			for (int i = 0; kept && i < k.n; i++)
				k.drop[i] |= t.drop[i];
		}
		emit(&k, skel, skelcap);
		if (strcmp(skel, out) == 0)
			skel[0] = '\0';
		else if (suspicious && names__has_digit_letters(in, len))
			*suspicious |= NAMES_SUSPICIOUS_DIGITS;
	}
	*tp = t;
	return 0;
}
