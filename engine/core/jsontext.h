/*
 * jsontext.h - JSON values written as text into a bounded buffer
 * (engine/core/buf.h), byte for byte as jansson's json_dumps writes them
 * with JSON_COMPACT and JSON_REAL_PRECISION(prec): for answers written
 * without building trees that would only be dumped (the match's results,
 * engine/match/render.c; the search's page, engine/search_page.c).
 * tests/unit/test_render.c compares every writer with jansson.
 */
#ifndef FAIRMATCH_JSONTEXT_H
#define FAIRMATCH_JSONTEXT_H

#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "engine/core/buf.h"

/* buf_add, without the call while the bytes fit (an answer is thousands
 * of small pieces): the same bound, the same terminating NUL. */
static inline int jsontext_add(struct buf *b, const char *s, size_t n)
{
	if (b->p && n < b->cap - b->len && b->len + n <= b->max) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
		return 0;
	}
	return buf_add(b, s, n);
}

static inline int jsontext_add_str(struct buf *b, const char *s)
{
	return jsontext_add(b, s, strlen(s));
}

#define JSONTEXT_LIT(b, lit) jsontext_add((b), (lit), sizeof(lit) - 1)

/* Each writes into b what json_dumps(JSON_COMPACT |
 * JSON_REAL_PRECISION(prec)) writes for the value: 0; 1 when jansson
 * refuses it too (a string that is not UTF-8); -1 when the buffer failed
 * (it is then empty). A prec of 0 is jansson's default (17 digits). */
int jsontext_put_string(struct buf *b, const char *s, size_t n);
int jsontext_put_cstring(struct buf *b, const char *s);
int jsontext_put_real(struct buf *b, double x, int prec);
int jsontext_put_integer(struct buf *b, json_int_t v);
int jsontext_put_value(struct buf *b, const json_t *v, int prec);
/* s as a JSON string, or null when s is NULL (json_pack's "s?"). */
int jsontext_put_cstring_or_null(struct buf *b, const char *s);

/* The length of the UTF-8 sequence at s (at most n bytes) as jansson
 * decides it (shortest form, no surrogates, at most U+10FFFF); 0 when
 * invalid. */
size_t jsontext_utf8_len(const unsigned char *s, size_t n);

#endif
