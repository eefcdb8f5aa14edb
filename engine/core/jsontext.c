/*
 * jsontext.c - JSON values written as text into a bounded buffer
 * (engine/core/buf.h), byte for byte as jansson's json_dumps writes them
 * with JSON_COMPACT and JSON_REAL_PRECISION(precision): its separators, its
 * string escapes (\" \\ \b \f \n \r \t, \u00XX for other control
 * characters, UTF-8 as it is, invalid UTF-8 refused) and its number formats
 * ("%.<precision>g", ".0" added to a whole real, no '+' or leading zeros in
 * an exponent). Reals a match answers are mostly rounded to four decimals;
 * those are written by integer arithmetic, which gives what printf's %.15g
 * gives for them, and printf is used for the rest. For the match's and
 * the search's answers written as text; tests/unit/test_render.c compares
 * it with jansson.
 */
#include "engine/core/jsontext.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* As jansson's utf8_check_first/utf8_check_full decide it. */
size_t jsontext_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	uint32_t v;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0; /* a continuation byte, or an overlong 2-byte form */
	if (c < 0xe0) {
		len = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		len = 3;
		v = c & 0x0f;
	} else if (c < 0xf5) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (len == 3 && v < 0x800) ||
	    (len == 4 && v < 0x10000))
		return 0;
	return len;
}

/* s[0..n) as a JSON string. 0; 1 when s is not valid UTF-8 (jansson
 * refuses it); -1 when the buffer failed (it is then empty). */
int jsontext_put_string(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, span = 0, k;
	char esc[8];

	if (jsontext_add(b, "\"", 1))
		return -1;
	while (i < n) {
		unsigned c = u[i];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			if (!(k = jsontext_utf8_len(u + i, n - i)))
				return 1;
			i += k;
			continue;
		}
		if (jsontext_add(b, s + span, i - span))
			return -1;
		switch (c) {
		case '"': memcpy(esc, "\\\"", 3); break;
		case '\\': memcpy(esc, "\\\\", 3); break;
		case '\b': memcpy(esc, "\\b", 3); break;
		case '\f': memcpy(esc, "\\f", 3); break;
		case '\n': memcpy(esc, "\\n", 3); break;
		case '\r': memcpy(esc, "\\r", 3); break;
		case '\t': memcpy(esc, "\\t", 3); break;
		default: snprintf(esc, sizeof esc, "\\u%04X", c); break;
		}
		if (jsontext_add_str(b, esc))
			return -1;
		span = ++i;
	}
	if (jsontext_add(b, s + span, n - span) || jsontext_add(b, "\"", 1))
		return -1;
	return 0;
}

int jsontext_put_cstring(struct buf *b, const char *s)
{
	return jsontext_put_string(b, s, strlen(s));
}

int jsontext_put_cstring_or_null(struct buf *b, const char *s)
{
	return s ? jsontext_put_cstring(b, s) : JSONTEXT_LIT(b, "null");
}

/* A real as json_dumps writes it with JSON_REAL_PRECISION(prec). */
int jsontext_put_real(struct buf *b, double x, int prec)
{
	char out[64], *e, *from, *to;
	int n;

	/* Four decimals below 10^8 (at most 12 digits): %.13g to %.15g
	 * print the decimal itself, trailing zeros dropped. */
	if (prec >= 13 && prec <= 15 && fabs(x) < 1e8 && !(x == 0 && signbit(x))) {
		long long k = llround(x * 10000);

		if ((double)k / 10000 == x) {
			unsigned long long a = (unsigned long long)(k < 0 ? -k : k);
			unsigned frac = (unsigned)(a % 10000);
			int digits = 4;

			while (digits > 1 && frac % 10 == 0) {
				frac /= 10;
				digits--;
			}
			n = snprintf(out, sizeof out, "%s%llu.%0*u", k < 0 ? "-" : "", a / 10000,
				     digits, frac);
			return jsontext_add(b, out, (size_t)n);
		}
	}
	/* jansson's jsonp_dtostr */
	n = snprintf(out, sizeof out, "%.*g", prec ? prec : 17, x);
	if (n < 0 || (size_t)n + 3 >= sizeof out)
		return -1;
	if (!strchr(out, '.') && !strchr(out, 'e')) {
		memcpy(out + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(out, 'e'))) {
		to = e + 1;
		if (*to == '-')
			to++;
		from = e + 2; /* past the sign printf always writes */
		while (*from == '0')
			from++;
		if (from != to) {
			memmove(to, from, strlen(from) + 1);
			n = (int)strlen(out);
		}
	}
	return jsontext_add(b, out, (size_t)n);
}

/* An integer as "%" JSON_INTEGER_FORMAT writes it. */
int jsontext_put_integer(struct buf *b, json_int_t v)
{
	char out[24], *p = out + sizeof out;
	unsigned long long a = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + a % 10);
	while ((a /= 10));
	if (v < 0)
		*--p = '-';
	return jsontext_add(b, p, (size_t)(out + sizeof out - p));
}

/* v as json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(prec)) writes it:
 * 0; 1 when jansson would refuse it too (invalid UTF-8); -1 out of memory. */
static int put_value(struct buf *b, const json_t *v, int prec, int depth)
{
	const char *key;
	json_t *x;
	size_t i, klen;
	int rc = 0, first = 1;

	if (depth > 2048) /* jansson's own limit */
		return 1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (jsontext_add(b, "{", 1))
			return -1;
		json_object_keylen_foreach((json_t *)v, key, klen, x) {
			if ((!first && jsontext_add(b, ",", 1)) || (rc = jsontext_put_string(b, key, klen)) ||
			    jsontext_add(b, ":", 1) || (rc = put_value(b, x, prec, depth + 1)))
				return rc > 0 ? 1 : -1;
			first = 0;
		}
		return jsontext_add(b, "}", 1);
	case JSON_ARRAY:
		if (jsontext_add(b, "[", 1))
			return -1;
		json_array_foreach(v, i, x) {
			if ((i && jsontext_add(b, ",", 1)) || (rc = put_value(b, x, prec, depth + 1)))
				return rc > 0 ? 1 : -1;
		}
		return jsontext_add(b, "]", 1);
	case JSON_STRING:
		return jsontext_put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return jsontext_put_integer(b, json_integer_value(v));
	case JSON_REAL:
		return jsontext_put_real(b, json_real_value(v), prec);
	case JSON_TRUE:
		return JSONTEXT_LIT(b, "true");
	case JSON_FALSE:
		return JSONTEXT_LIT(b, "false");
	case JSON_NULL:
		return JSONTEXT_LIT(b, "null");
	}
	return 1;
}

int jsontext_put_value(struct buf *b, const json_t *v, int prec)
{
	return put_value(b, v, prec, 0);
}
