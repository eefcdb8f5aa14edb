/*
 * facets.c - the facets of a match answer: counts per country and per
 * ISCO-08 major group over the whole re-ranked candidate set.
 */
#include "engine/match/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void match__facet_add(struct match__facets *fs, const char *key)
{
	size_t i;

	if (!key || !*key)
		return;
	for (i = 0; i < fs->n && strcmp(fs->f[i].value, key) != 0; i++)
		;
	if (i == fs->n) {
		snprintf(fs->f[i].value, sizeof fs->f[i].value, "%s", key);
		fs->f[i].count = 0;
		fs->n++;
	}
	fs->f[i].count++;
}

static int facet_cmp(const void *a, const void *b)
{
	const struct match__facet *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* [{"value":"ZA","count":3},...], most frequent first, ties by value. */
json_t *match__facet_list(struct match__facets *fs)
{
	json_t *arr = json_array();
	size_t i;

	qsort(fs->f, fs->n, sizeof *fs->f, facet_cmp);
	for (i = 0; arr && i < fs->n; i++)
		if (json_array_append_new(arr, json_pack("{s:s, s:I}", "value", fs->f[i].value,
							 "count", fs->f[i].count))) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}
