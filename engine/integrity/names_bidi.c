/*
 * names_bidi.c - the order in which a reader sees a name written with
 * bidirectional override controls. "U+202E onapoK U+202C Manpower" is
 * stored as "onapoK" but displayed as "Kopano": the right-to-left override
 * (RLO, and LRO the other way) reverses strong letters on screen. The
 * confusable form of such a name is read in that order (names_canon.c),
 * while the normal form keeps the stored order, so the check sees both
 * what was typed and what is shown.
 *
 * The order comes from ICU's implementation of the Unicode Bidirectional
 * Algorithm (UAX #9): the text is reordered to display order with the
 * controls removed, then that displayed text is read as if typed plainly
 * (reordered once more, now without controls), so that runs of a
 * right-to-left script come back to their reading order and only what the
 * overrides turned around stays turned.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/ubidi.h>

#include "engine/integrity/names_internal.h"

#define LRO 0x202D
#define RLO 0x202E

int names__has_bidi_override(const UChar *u, int32_t n)
{
	for (int32_t i = 0; i < n; i++)
		if (u[i] == LRO || u[i] == RLO)
			return 1;
	return 0;
}

/* u[0..n) in display order, controls removed, into o (room for n). */
static int32_t reorder(UBiDi *bidi, const UChar *u, int32_t n, UChar *o)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t m;

	ubidi_setPara(bidi, u, n, UBIDI_DEFAULT_LTR, NULL, &st);
	if (U_FAILURE(st))
		return -1;
	m = ubidi_writeReordered(bidi, o, n, UBIDI_REMOVE_BIDI_CONTROLS | UBIDI_KEEP_BASE_COMBINING,
				 &st);
	return U_FAILURE(st) ? -1 : m;
}

int32_t names__bidi_displayed(UChar *u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	UBiDi *bidi;
	UChar *shown;
	int32_t m = -1;

	if (n <= 0 || !names__has_bidi_override(u, n))
		return n;
	shown = malloc((size_t)n * sizeof *shown);
	bidi = ubidi_openSized(n, 0, &st);
	if (!shown || U_FAILURE(st))
		goto out;
	/* setPara keeps a pointer to its text: u is free again after the
	 * first pass, so the second writes its answer there */
	if ((m = reorder(bidi, u, n, shown)) >= 0)
		m = reorder(bidi, shown, m, u);
out:
	if (bidi)
		ubidi_close(bidi);
	free(shown);
	return m < 0 ? NAMES_EICU : m;
}
