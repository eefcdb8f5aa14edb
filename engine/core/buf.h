/*
 * buf.h - one bounded growable buffer, and one way to grow an array.
 *
 * Modelled on curl's dynbuf: every buffer has a hard maximum fixed when it
 * is made, growth doubles, and a failed append (no memory, or past the
 * maximum) frees the buffer, so a caller that stops at the first error
 * leaks nothing and never works on half a record.
 */
#ifndef FAIRMATCH_BUF_H
#define FAIRMATCH_BUF_H

#include <stddef.h>

struct buf {
	char *p;    /* NUL-terminated while not NULL */
	size_t len; /* bytes held, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* most bytes it may hold, without the NUL */
};

/* An empty buffer that may hold up to max bytes. Allocates nothing. */
void buf_init(struct buf *b, size_t max);
/* Appends n bytes. 0, or -1 after freeing the buffer (out of memory, or
 * len + n > max); the buffer is then empty and may be used again. */
int buf_add(struct buf *b, const void *p, size_t n);
/* Appends a string, or formatted text; as buf_add. */
int buf_add_str(struct buf *b, const char *s);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees the bytes; the buffer is empty again (same maximum). */
void buf_release(struct buf *b);
/* Empties the buffer but keeps its memory, for the next record. */
void buf_reset(struct buf *b);
/* The bytes, now the caller's to free(); the buffer is empty again. NULL
 * when nothing was ever added. */
char *buf_detach(struct buf *b);

/* Makes the array *arr (elements of elem bytes, *cap of them allocated)
 * hold at least need elements, doubling from 16. 0, or -1 when need > max
 * or memory ran out; then *arr and *cap are unchanged (still the caller's). */
int array_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t max);

/* The same, starting from first elements instead of 16: for the many small
 * arrays of one structure (the name index's posting lists start at 4). */
int array_grow_from(void **arr, size_t *cap, size_t need, size_t elem, size_t max, size_t first);

#endif
