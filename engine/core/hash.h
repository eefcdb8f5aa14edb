/*
 * hash.h - the one hash of the tree: 64-bit FNV-1a.
 *
 * Used for in-memory hash tables (URIs, recruiter licences, learned rewrite
 * rules, the normalisation cache). Not for anything an attacker could aim
 * at for collisions across processes: tables keyed by request input bound
 * their chains or their size. The constants are FNV's published offset
 * basis and prime (Fowler, Noll, Vo; draft-eastlake-fnv).
 */
#ifndef FAIRMATCH_HASH_H
#define FAIRMATCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV64_BASIS 14695981039346656037ull
#define HASH_FNV64_PRIME 1099511628211ull

/* Adds n bytes to h (start with HASH_FNV64_BASIS). */
static inline uint64_t hash_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *u = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ u[i]) * HASH_FNV64_PRIME;
	return h;
}

/* Adds one byte (a separator, a small tag) to h. */
static inline uint64_t hash_add_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * HASH_FNV64_PRIME;
}

/* The hash of a NUL-terminated string. */
static inline uint64_t hash_str(const char *s)
{
	uint64_t h = HASH_FNV64_BASIS;

	for (; *s; s++)
		h = hash_add_byte(h, (unsigned char)*s);
	return h;
}

#endif
