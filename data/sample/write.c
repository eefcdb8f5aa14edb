/*
 * write.c - writing the records as JSON lines (sample_vacancies,
 * sample_profiles), with a serialiser of its own for speed.
 */
#include "data/sample/internal.h"

#include <stdlib.h>

/* ---- compact serialisation ----
 *
 * jansson's json_dumpb spends most of the generator's time walking strings
 * one code point at a time, so lines are written by this small serialiser
 * instead. It produces exactly what json_dumpb(v, JSON_COMPACT) produces for
 * the values built here (objects in insertion order, arrays, strings,
 * integers, booleans, null): the same escapes (\" \\ \b \f \n \r \t and
 * \u00XX with upper-case hex for other control characters), UTF-8 passed
 * through. tests/unit/test_sample.c re-dumps every line with jansson and compares.
 */
struct out {
	char *p;
	size_t len, cap;
	int full;
};

static void o_put(struct out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* 1 for the bytes a JSON string must escape: controls, '"' and '\\' */
static const unsigned char NEEDS_ESC[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

static void o_str(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;

	if (o->full || n + 2 > o->cap - o->len) {
		o->full = 1;
		return;
	}
	o->p[o->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t elen = 2;

		if (!NEEDS_ESC[c])
			continue;
		o_put(o, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		o_put(o, esc, elen);
	}
	o_put(o, s + run, n - run);
	o_put(o, "\"", 1);
}

static void o_int(struct out *o, json_int_t v)
{
	char num[24];
	size_t i = sizeof num;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		num[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		num[--i] = '-';
	o_put(o, num + i, sizeof num - i);
}

static void o_value(struct out *o, json_t *v, int depth)
{
	size_t i, n;

	if (depth > 16) { /* our values are three levels deep */
		o->full = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		void *it;
		int first = 1;

		o_put(o, "{", 1);
		for (it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			if (!first)
				o_put(o, ",", 1);
			first = 0;
			o_str(o, json_object_iter_key(it), json_object_iter_key_len(it));
			o_put(o, ":", 1);
			o_value(o, json_object_iter_value(it), depth + 1);
		}
		o_put(o, "}", 1);
		break;
	}
	case JSON_ARRAY:
		o_put(o, "[", 1);
		for (i = 0, n = json_array_size(v); i < n; i++) {
			if (i)
				o_put(o, ",", 1);
			o_value(o, json_array_get(v, i), depth + 1);
		}
		o_put(o, "]", 1);
		break;
	case JSON_STRING:
		o_str(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		o_int(o, json_integer_value(v));
		break;
	case JSON_TRUE:
		o_put(o, "true", 4);
		break;
	case JSON_FALSE:
		o_put(o, "false", 5);
		break;
	case JSON_NULL:
		o_put(o, "null", 4);
		break;
	default: /* reals are never built here */
		o->full = 1;
	}
}

typedef json_t *(*next_fn)(sample_gen *);

static int write_lines(const esco *tax, FILE *out, uint64_t count, uint64_t seed, next_fn next,
		       const char *what, char *err, size_t errlen)
{
	sample_gen *g = NULL;
	char *buf = NULL;
	uint64_t i;
	int rc = sample_gen_new(tax, seed, &g);

	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "sample: %s", rc == SAMPLE_ERR_NOMEM ? "out of memory"
								  : "the taxonomy has no occupations");
		return rc;
	}
	buf = malloc(DUMP_MAX);
	if (!buf) {
		rc = SAMPLE_ERR_NOMEM;
		if (err && errlen)
			snprintf(err, errlen, "sample: out of memory");
		goto out;
	}
	for (i = 0; i < count; i++) {
		json_t *v = next(g);
		size_t n;

		if (!v) {
			rc = SAMPLE_ERR_DATA;
			if (err && errlen)
				snprintf(err, errlen, "sample: cannot build %s %llu (out of memory or bad UTF-8)",
					 what, (unsigned long long)i);
			goto out;
		}
		{
			struct out o = {buf, 0, DUMP_MAX - 1, 0};
			o_value(&o, v, 0);
			n = o.full ? 0 : o.len;
		}
		json_decref(v);
		if (n == 0) {
			rc = SAMPLE_ERR_DATA;
			if (err && errlen)
				snprintf(err, errlen, "sample: %s %llu does not fit in %d bytes", what,
					 (unsigned long long)i, DUMP_MAX);
			goto out;
		}
		buf[n++] = '\n';
		if (fwrite(buf, 1, n, out) != n) {
			rc = SAMPLE_ERR_IO;
			if (err && errlen)
				snprintf(err, errlen, "sample: write failed after %llu %ss", (unsigned long long)i,
					 what);
			goto out;
		}
	}
	if (fflush(out) != 0 || ferror(out)) {
		rc = SAMPLE_ERR_IO;
		if (err && errlen)
			snprintf(err, errlen, "sample: write failed");
	}
out:
	free(buf);
	sample_gen_free(g);
	return rc;
}

int sample_vacancies(const esco *tax, FILE *out, uint64_t count, uint64_t seed, char *err,
		     size_t errlen)
{
	return write_lines(tax, out, count, seed, sample_next_vacancy, "vacancy", err, errlen);
}

int sample_profiles(const esco *tax, FILE *out, uint64_t count, uint64_t seed, char *err,
		    size_t errlen)
{
	return write_lines(tax, out, count, seed, sample_next_profile, "profile", err, errlen);
}
