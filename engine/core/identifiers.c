/*
 * identifiers.c - finds direct identifiers and display spoofing in free
 * text (identifiers.h says what and why).
 */
#include "engine/core/identifiers.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define PHONE_DIGITS_MIN 7   /* the shortest subscriber numbers with a prefix */
/* PHONE_DIGITS_MAX + 4: room for a trunk and an international prefix. */
#define PHONE_DIGITS_MAX 15  /* E.164 */
#define DIGIT_RUN_MIN 7      /* longer than any code in ESCO's labels (ISO 14001: 5) */
#define DOC_DIGITS_MIN 6     /* ICAO 9303 passport numbers: up to 9 characters */
#define DOC_LEN_MAX 14       /* national ID numbers: up to 13; longer codes are hashes */

static int is_email_char(unsigned char ch)
{
	return isalnum(ch) || ch >= 0x80 || strchr("!#$%&'*+/=?^_`{|}~.-", ch);
}

/* local@domain.tld, the domain with a dot and a final label of 2+ letters. */
static int has_email(const char *s)
{
	const char *at;

	for (at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
		const char *d = at + 1, *dot = NULL, *e;
		size_t tld = 0;

		if (at == s || !is_email_char((unsigned char)at[-1]))
			continue;
		for (e = d; *e && (isalnum((unsigned char)*e) || *e == '-' || *e == '.' ||
				   (unsigned char)*e >= 0x80); e++)
			if (*e == '.')
				dot = e;
		if (!dot || dot == d)
			continue;
		for (e = dot + 1; isalpha((unsigned char)*e); e++)
			tld++;
		if (tld >= 2)
			return 1;
	}
	return 0;
}

/* A group of digits joined by phone separators (space, - . ( ); not "/",
 * which cites regulations: 1907/2006), with
 * an optional leading +: its digits, and whether it starts with +. */
static enum ident_kind digits_kind(const char *s)
{
	const char *p = s;

	while (*p) {
		size_t digits = 0, run = 0, longest = 0, groups = 1;
		int plus = 0;
		const char *q;

		if (!isdigit((unsigned char)*p) && !(*p == '+' && isdigit((unsigned char)p[1]))) {
			p++;
			continue;
		}
		/* A digit inside a word (A320, RA1234567) is the document check's. */
		if (p > s && isalpha((unsigned char)p[-1])) {
			p++; /* past a '+' too: every pass moves on */
			while (isalnum((unsigned char)*p))
				p++;
			continue;
		}
		plus = *p == '+';
		for (q = p + plus; *q; q++) {
			if (isdigit((unsigned char)*q)) {
				digits++;
				run++;
				if (run > longest)
					longest = run;
			} else if (strchr(" -.()", *q) && isdigit((unsigned char)q[1])) {
				run = 0;
				groups++;
			} else if (strchr(" -.()", *q) && (q[1] == '(' || q[1] == ' ') &&
				   isdigit((unsigned char)q[2])) {
				run = 0;
			} else {
				break;
			}
		}
		if (longest >= DIGIT_RUN_MIN && (digits == longest))
			return IDENT_DIGITS;
		/* Two groups of four ("1907 2006") cite a regulation as often as
		 * they dial a number: a phone number without + needs three
		 * groups, or more digits than a citation has. */
		if ((digits >= PHONE_DIGITS_MIN && digits <= PHONE_DIGITS_MAX + 4 &&
		     (groups >= 3 || digits >= 9)) ||
		    (plus && digits >= 6))
			return IDENT_PHONE;
		if (longest >= DIGIT_RUN_MIN)
			return IDENT_DIGITS;
		p = q;
	}
	return IDENT_NONE;
}

/* Words that announce a document number, in the API's languages. */
static const char *const doc_words[] = {
	"passport", "passeport", "pasaporte", "id", "identity", "identité", "identidad",
	"dni", "nie", "nin", "ssn", "visa", "permit", "permis", "no", "nº", "n°", "number",
	"numéro", "número", NULL};

static int is_doc_word(const char *w, size_t n)
{
	size_t i;

	for (i = 0; doc_words[i]; i++)
		if (strlen(doc_words[i]) == n && strncasecmp(doc_words[i], w, n) == 0)
			return 1;
	return 0;
}

/* A word of letters and digits with DOC_DIGITS_MIN digits or more
 * (RA1234567) and at most DOC_LEN_MAX characters, or a word with 4 digits or more right after a document
 * word ("passport 12345"). */
static int has_document(const char *s)
{
	const char *p = s, *prev = NULL;
	size_t prev_len = 0;

	while (*p) {
		const char *w;
		size_t letters = 0, digits = 0, n;

		while (*p && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			p++;
		w = p;
		while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)) {
			if (isdigit((unsigned char)*p))
				digits++;
			else
				letters++;
			p++;
		}
		n = (size_t)(p - w);
		if (!n)
			break;
		if (letters && digits >= DOC_DIGITS_MIN && n <= DOC_LEN_MAX)
			return 1;
		if (digits >= 4 && prev && is_doc_word(prev, prev_len))
			return 1;
		prev = w;
		prev_len = n;
	}
	return 0;
}

enum ident_kind ident_find(const char *text)
{
	enum ident_kind k;

	if (!text)
		return IDENT_NONE;
	if (has_email(text))
		return IDENT_EMAIL;
	if (has_document(text))
		return IDENT_DOCUMENT;
	k = digits_kind(text);
	return k;
}

const char *ident_kind_name(enum ident_kind k)
{
	switch (k) {
	case IDENT_EMAIL: return "an e-mail address";
	case IDENT_PHONE: return "a phone number";
	case IDENT_DOCUMENT: return "a document number";
	case IDENT_DIGITS: return "a long run of digits";
	default: return "nothing";
	}
}

/* Lowercase particles of names (Maria da Silva, Ludwig van Beethoven). */
static const char *const particles[] = {"da", "de", "del", "della", "der", "di", "do", "dos",
					"du", "la", "le", "van", "von", "bin", "binti", "ibn",
					"al", "y", "e", NULL};

int ident_looks_like_name(const char *text)
{
	int32_t i = 0, len;
	int words = 0, capital_words = 0;

	if (!text)
		return 0;
	len = (int32_t)strlen(text);
	while (i < len) {
		UChar32 ch;
		int32_t start;
		int upper_first, rest_lower = 1, letters = 0;

		while (i < len && (text[i] == ' '))
			i++;
		if (i >= len)
			break;
		start = i;
		U8_NEXT(text, i, len, ch);
		if (ch < 0 || !u_isalpha(ch))
			return 0;
		upper_first = u_isupper(ch) || u_istitle(ch);
		letters = 1;
		while (i < len && text[i] != ' ') {
			U8_NEXT(text, i, len, ch);
			if (ch == '-' || ch == '\'' || ch == 0x2019)
				continue;
			if (ch < 0 || !u_isalpha(ch))
				return 0;
			if (!u_islower(ch))
				rest_lower = 0;
			letters++;
		}
		words++;
		if (upper_first && rest_lower && letters >= 2) {
			capital_words++;
		} else {
			size_t k, n = (size_t)(i - start);

			for (k = 0; particles[k]; k++)
				if (strlen(particles[k]) == n && strncmp(particles[k], text + start, n) == 0)
					break;
			if (!particles[k] || words == 1)
				return 0;
		}
	}
	return words >= 2 && words <= 4 && capital_words >= 2;
}

static int is_uri_or_code(const char *s)
{
	size_t i;

	if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0)
		return 1;
	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i > 0 && i <= 4; /* an ISCO code */
}

int ident_check_profile(const json_t *profile, problem *p)
{
	static const char *const keys[] = {"skills", "occupations", NULL};
	size_t k;
	int found = 0;

	for (k = 0; keys[k]; k++) {
		const json_t *arr = json_object_get(profile, keys[k]), *v;
		size_t i;

		if (!json_is_array(arr))
			continue;
		json_array_foreach(arr, i, v) {
			const char *s = json_string_value(v);
			enum ident_kind kind;
			char name[48];

			if (!s || is_uri_or_code(s))
				continue;
			kind = ident_find(s);
			if (kind == IDENT_NONE)
				continue;
			snprintf(name, sizeof name, "%s[%zu]", keys[k], i);
			problem_field(p, name, "identifier",
				      "holds %s; profiles keep no direct identifiers",
				      ident_kind_name(kind));
			if (!p->kind)
				p->kind = PROBLEM_INVALID;
			found++;
		}
	}
	return found;
}

int ident_warn_names(json_t *doc)
{
	const json_t *skills = json_object_get(doc, "skills"), *v;
	json_t *warnings = NULL;
	size_t i;

	json_array_foreach(skills, i, v) {
		const char *s = json_string_value(v);
		char name[48];
		json_t *w;

		if (!s || is_uri_or_code(s) || !ident_looks_like_name(s))
			continue;
		if (!warnings && !(warnings = json_array()))
			return -1;
		snprintf(name, sizeof name, "skills[%zu]", i);
		w = json_pack("{s:s, s:s, s:s}", "field", name, "code", "looks_like_a_name", "message",
			      "this skill matches no concept and looks like a person's name; "
			      "profiles keep no names");
		if (!w || json_array_append_new(warnings, w)) {
			json_decref(warnings);
			return -1;
		}
	}
	if (warnings && json_object_set_new(doc, "warnings", warnings))
		return -1;
	return 0;
}

int ident_check_display(const json_t *obj, const char *key, problem *p)
{
	const char *s = json_string_value(json_object_get(obj, key));
	int32_t i = 0, len;

	if (!s)
		return 0;
	len = (int32_t)strlen(s);
	while (i < len) {
		UChar32 ch;

		U8_NEXT(s, i, len, ch);
		if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || (ch >= 0x202a && ch <= 0x202e) ||
		    (ch >= 0x2066 && ch <= 0x2069)) {
			problem_field(p, key, "format",
				      "must not hold control characters, escapes or bidi overrides "
				      "(U+%04X)", (unsigned)(ch < 0 ? 0xFFFD : ch));
			if (!p->kind)
				p->kind = PROBLEM_INVALID;
			return -1;
		}
	}
	return 0;
}
