/*
 * esco_arena.c - the memory of a loaded ESCO: strings, label lists and skill
 * lists are carved from an arena of 1 MiB chunks (a hard total cap keeps a
 * hostile file from eating the machine); the concept arrays grow with
 * array_grow (engine/core/buf.h) up to fixed maxima. esco_free (esco_load.c)
 * releases both.
 */
#include "engine/taxonomy/esco_internal.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK ((size_t)1 << 20)
#define ARENA_MAX ((size_t)1 << 30)

void *esco__arena_alloc(esco *t, size_t size)
{
	struct chunk *c = t->chunks;
	const size_t align = _Alignof(max_align_t);
	const size_t hdr = (sizeof(struct chunk) + align - 1) & ~(align - 1);
	size_t off;

	if (size == 0)
		size = 1;
	if (c) {
		off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->size && size <= c->size - off) {
			c->used = off + size;
			return (char *)c + hdr + off;
		}
	}
	{
		size_t csize = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
		if (size > ARENA_MAX || t->arena_total + csize > ARENA_MAX)
			return NULL;
		c = malloc(hdr + csize);
		if (!c)
			return NULL;
		c->size = csize;
		c->used = size;
		t->arena_total += csize;
		/* a dedicated big chunk goes behind the current one so the
		 * current chunk's free space is still used */
		if (csize != ARENA_CHUNK && t->chunks) {
			c->next = t->chunks->next;
			t->chunks->next = c;
		} else {
			c->next = t->chunks;
			t->chunks = c;
		}
		return (char *)c + hdr;
	}
}

char *esco__arena_strndup(esco *t, const char *s, size_t n)
{
	char *p = esco__arena_alloc(t, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
