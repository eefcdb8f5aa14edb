/*
 * rng.c - the generator's randomness: xoshiro256** seeded with splitmix64,
 * and the draws built on it (uniform, percent chance, range, weighted
 * choice, distinct indexes, a code from a list). Integer arithmetic only,
 * so one seed gives the same draws on every machine.
 */
#include "data/sample/internal.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sample__rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* uniform in [0, n) (n > 0), by multiply-shift: exact integer arithmetic */
uint32_t sample__below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int sample__chance(rng *r, unsigned percent)
{
	return sample__below(r, 100) < percent;
}

uint32_t sample__between(rng *r, uint32_t lo, uint32_t hi)
{
	return lo + sample__below(r, hi - lo + 1);
}

size_t sample__weighted(rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = sample__below(r, total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* k distinct indexes below n into out (k <= n, k small), in draw order */
size_t sample__pick_distinct(rng *r, size_t n, size_t k, uint32_t *out)
{
	size_t got = 0, i;

	if (k > n)
		k = n;
	while (got < k) {
		uint32_t x = sample__below(r, (uint32_t)n);
		for (i = 0; i < got && out[i] != x; i++)
			;
		if (i == got)
			out[got++] = x;
	}
	return k;
}

/* picks one two-letter code from a space-separated list, earlier ones likelier */
const char *sample__pick_code(rng *r, const char *list, int skew)
{
	size_t n = (strlen(list) + 1) / 3, i;
	unsigned w[16];

	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		w[i] = skew ? (unsigned)(2 * (n - i) + 1) : 1;
	return list + 3 * sample__weighted(r, w, n);
}
