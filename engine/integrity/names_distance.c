/*
 * names_distance.c - string distances: the public Jaro, Jaro-Winkler,
 * Levenshtein and Damerau-Levenshtein helpers over Unicode code points (with
 * the semantics of the jellyfish library), and the two byte-level ones the
 * normaliser and the similarity use on short tokens (a bounded optimal
 * string alignment, Jaro-Winkler on bytes).
 */
#include "engine/integrity/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

/* Decodes NUL-terminated UTF-8 into at most max code points; invalid
 * bytes give U+FFFD. Returns the count, or -1 if the string is longer. */
static int decode(const char *s, uint32_t *cp, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;
	while (*p) {
		uint32_t c = *p;
		int extra = 0;
		if (c < 0x80)
			extra = 0;
		else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			extra = 1, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			extra = 2, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			extra = 3, c &= 0x07;
		else
			extra = -1;
		int ok = extra >= 0;
		for (int k = 1; ok && k <= extra; k++)
			if ((p[k] & 0xC0) != 0x80)
				ok = 0;
		if (ok) {
			for (int k = 1; k <= extra; k++)
				c = (c << 6) | (p[k] & 0x3F);
			if ((extra == 2 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
			    (extra == 3 && (c < 0x10000 || c > 0x10FFFF)))
				ok = 0;
		}
		if (!ok) {
			c = 0xFFFD;
			extra = 0;
		}
		if (n >= max)
			return -1;
		cp[n++] = c;
		p += 1 + extra;
	}
	return n;
}

static double jaro_cp(const uint32_t *a, int la, const uint32_t *b, int lb, int winkler,
		      int longtol)
{
	unsigned char fa[NAMES_MAX_CODEPOINTS], fb[NAMES_MAX_CODEPOINTS];
	int range, common = 0, trans = 0, k = 0, minl;
	double w;

	if (la == 0 || lb == 0)
		return 0.0;
	range = (la > lb ? la : lb) / 2 - 1;
	if (range < 0)
		range = 0;
	memset(fa, 0, (size_t)la);
	memset(fb, 0, (size_t)lb);
	for (int i = 0; i < la; i++) {
		int lo = i - range > 0 ? i - range : 0;
		int hi = i + range < lb - 1 ? i + range : lb - 1;
		for (int j = lo; j <= hi; j++)
			if (!fb[j] && b[j] == a[i]) {
				fa[i] = fb[j] = 1;
				common++;
				break;
			}
	}
	if (!common)
		return 0.0;
	for (int i = 0; i < la; i++) {
		int j;
		if (!fa[i])
			continue;
		for (j = k; j < lb; j++)
			if (fb[j]) {
				k = j + 1;
				break;
			}
		if (j < lb && a[i] != b[j])
			trans++;
	}
	trans /= 2;
	w = ((double)common / la + (double)common / lb + (double)(common - trans) / common) / 3.0;
	minl = la < lb ? la : lb;
	if (winkler && w > 0.7) {
		int lim = minl < 4 ? minl : 4, i = 0;
		while (i < lim && a[i] == b[i])
			i++;
		if (i)
			w += i * 0.1 * (1.0 - w);
		if (longtol && minl > 4 && common > i + 1 && 2 * common >= minl + i)
			w += (1.0 - w) * ((double)(common - i - 1) / (double)(la + lb - i * 2 + 2));
	}
	return w;
}

static double jaro_str(const char *a, const char *b, int winkler, int longtol)
{
	uint32_t ca[NAMES_MAX_CODEPOINTS], cb[NAMES_MAX_CODEPOINTS];
	int la, lb;
	if (!a || !b)
		return 0.0;
	/* Too long: compare the first NAMES_MAX_CODEPOINTS code points. */
	la = decode(a, ca, NAMES_MAX_CODEPOINTS);
	lb = decode(b, cb, NAMES_MAX_CODEPOINTS);
	if (la < 0)
		la = NAMES_MAX_CODEPOINTS;
	if (lb < 0)
		lb = NAMES_MAX_CODEPOINTS;
	return jaro_cp(ca, la, cb, lb, winkler, longtol);
}

double names_jaro(const char *a, const char *b)
{
	return jaro_str(a, b, 0, 0);
}

double names_jaro_winkler(const char *a, const char *b)
{
	return jaro_str(a, b, 1, 0);
}

double names_jaro_winkler_long(const char *a, const char *b)
{
	return jaro_str(a, b, 1, 1);
}

/* Decodes both strings of a distance; 0, or NAMES_EINVAL / NAMES_ERANGE. */
static int decode_pair(const char *a, const char *b, uint32_t *ca, int *la, uint32_t *cb,
		       int *lb)
{
	if (!a || !b)
		return NAMES_EINVAL;
	*la = decode(a, ca, NAMES_MAX_CODEPOINTS);
	*lb = decode(b, cb, NAMES_MAX_CODEPOINTS);
	if (*la < 0 || *lb < 0)
		return NAMES_ERANGE;
	return 0;
}

int names_levenshtein(const char *a, const char *b)
{
	uint32_t ca[NAMES_MAX_CODEPOINTS], cb[NAMES_MAX_CODEPOINTS];
	int prev[NAMES_MAX_CODEPOINTS + 1], cur[NAMES_MAX_CODEPOINTS + 1];
	int la, lb, rc;

	rc = decode_pair(a, b, ca, &la, cb, &lb);
	if (rc < 0)
		return rc;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int d = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
		}
		memcpy(prev, cur, (size_t)(lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

int names_damerau_levenshtein(const char *a, const char *b)
{
	uint32_t ca[NAMES_MAX_CODEPOINTS], cb[NAMES_MAX_CODEPOINTS];
	/* last row where each code point of a was seen: a small linear map */
	uint32_t seen_cp[2 * NAMES_MAX_CODEPOINTS];
	int seen_row[2 * NAMES_MAX_CODEPOINTS], nseen = 0;
	int la, lb, w, ret, *d;

	ret = decode_pair(a, b, ca, &la, cb, &lb);
	if (ret < 0)
		return ret;
	w = lb + 2;
	d = malloc((size_t)(la + 2) * (size_t)w * sizeof *d);
	if (!d)
		return NAMES_ENOMEM;
#define D(i, j) d[(size_t)(i) * (size_t)w + (size_t)(j)]
	int maxd = la + lb;
	D(0, 0) = maxd;
	for (int i = 0; i <= la; i++) {
		D(i + 1, 0) = maxd;
		D(i + 1, 1) = i;
	}
	for (int j = 0; j <= lb; j++) {
		D(0, j + 1) = maxd;
		D(1, j + 1) = j;
	}
	for (int i = 1; i <= la; i++) {
		int db = 0;
		for (int j = 1; j <= lb; j++) {
			int i1 = 0, j1 = db, cost, v;
			for (int k = 0; k < nseen; k++)
				if (seen_cp[k] == cb[j - 1]) {
					i1 = seen_row[k];
					break;
				}
			if (ca[i - 1] == cb[j - 1]) {
				cost = 0;
				db = j;
			} else {
				cost = 1;
			}
			v = D(i, j) + cost;
			if (D(i + 1, j) + 1 < v)
				v = D(i + 1, j) + 1;
			if (D(i, j + 1) + 1 < v)
				v = D(i, j + 1) + 1;
			if (D(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1) < v)
				v = D(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1);
			D(i + 1, j + 1) = v;
		}
		int k;
		for (k = 0; k < nseen; k++)
			if (seen_cp[k] == ca[i - 1])
				break;
		if (k == nseen) {
			seen_cp[nseen] = ca[i - 1];
			nseen++;
		}
		seen_row[k] = i;
	}
	ret = D(la + 1, lb + 1);
#undef D
	free(d);
	return ret;
}

/* Optimal-string-alignment distance on bytes, stopping early above max. */
int names__osa(const char *a, int la, const char *b, int lb, int max)
{
	int r0[2 * NAMES_MAX_TOKEN_LEN + 2], r1[2 * NAMES_MAX_TOKEN_LEN + 2],
		r2[2 * NAMES_MAX_TOKEN_LEN + 2];
	int *pp = r0, *p = r1, *c = r2;
	if (la - lb > max || lb - la > max)
		return max + 1;
	for (int j = 0; j <= lb; j++)
		p[j] = j;
	for (int i = 1; i <= la; i++) {
		int rowmin;
		c[0] = rowmin = i;
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
		int *tmp = pp;
		pp = p;
		p = c;
		c = tmp;
	}
	return p[lb];
}

double names__jw_bytes(const char *a, int la, const char *b, int lb)
{
	uint32_t ca[2 * NAMES_MAX_TOKEN_LEN + 2], cb[2 * NAMES_MAX_TOKEN_LEN + 2];
	for (int i = 0; i < la; i++)
		ca[i] = (unsigned char)a[i];
	for (int i = 0; i < lb; i++)
		cb[i] = (unsigned char)b[i];
	return jaro_cp(ca, la, cb, lb, 1, 0);
}
