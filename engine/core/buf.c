/* buf.c - the bounded growable buffer and array growth (see buf.h). */
#include "engine/core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	free(b->p);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

char *buf_detach(struct buf *b)
{
	char *p = b->p;

	buf_init(b, b->max);
	return p;
}

/* Room for len + n bytes and the NUL; frees the buffer when there is none. */
static int reserve(struct buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		goto fail;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap - 1 > b->max) /* not cap > max + 1: max may be SIZE_MAX */
		cap = b->max + 1;
	p = realloc(b->p, cap);
	if (!p)
		goto fail;
	b->p = p;
	b->cap = cap;
	return 0;
fail:
	buf_release(b);
	return -1;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (reserve(b, n))
		return -1;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_add_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n)) {
		if (n < 0)
			buf_release(b);
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int array_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t max)
{
	return array_grow_from(arr, cap, need, elem, max, 16);
}

int array_grow_from(void **arr, size_t *cap, size_t need, size_t elem, size_t max, size_t first)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	if (need > max || elem == 0)
		return -1;
	ncap = *cap ? *cap : first ? first : 1;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap > max) /* a first size over a smaller maximum */
		ncap = max;
	if (ncap > SIZE_MAX / elem)
		return -1;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}
