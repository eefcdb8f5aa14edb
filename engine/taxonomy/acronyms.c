/*
 * acronyms.c - the acronyms that ESCO spells out in its descriptions,
 * scope notes and definitions ("metal inert gas (MIG)"). Labels rarely
 * carry them, so normalisation expands an acronym in the query. Read once
 * with ESCO (init.c), read-only afterwards.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/csv.h"

/* Acronyms spelt out in ESCO's descriptions: "mig" -> "metal inert gas". */

struct acronym {
	char acr[8];
	char expansion[96];
};
/* A generous bound (there was none) against a runaway notes file. */
#define ACR_MAX ((size_t)1 << 20)
static struct acronym *g_acr;
static size_t g_n_acr;

static int acr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct acronym *)a)->acr, ((const struct acronym *)b)->acr);
}

/* Finds "w1 w2 w3 (ABC)" in an English description, the initials of the
 * words before the parenthesis spelling the acronym. */
static void scan_acronyms(const char *desc, struct acronym **arr, size_t *n, size_t *cap)
{
	const char *p = desc;

	while ((p = strchr(p, '(')) != NULL) {
		const char *q = p + 1, *w;
		char acr[8];
		size_t len = 0, k, nw;
		const char *starts[8];

		while (*q >= 'A' && *q <= 'Z' && len < 7)
			acr[len++] = (char)(*q++ + 32);
		acr[len] = '\0';
		if (*q != ')' || len < 2 || len > 6) {
			p++;
			continue;
		}
		/* walk back len words */
		w = p;
		for (nw = 0; nw < len; nw++) {
			while (w > desc && w[-1] == ' ')
				w--;
			if (w == desc)
				break;
			while (w > desc && w[-1] != ' ' && w[-1] != '(' && w[-1] != ',')
				w--;
			starts[len - 1 - nw] = w;
		}
		if (nw < len) {
			p++;
			continue;
		}
		for (k = 0; k < len; k++) {
			char c = starts[k][0];

			if ((c | 32) != acr[k])
				break;
		}
		if (k == len) {
			size_t elen = (size_t)(p - starts[0]);

			while (elen > 0 && starts[0][elen - 1] == ' ')
				elen--;
			if (elen > 0 && elen < sizeof((*arr)->expansion)) {
				if (array_grow((void **)arr, cap, *n + 1, sizeof **arr, ACR_MAX))
					return;
				memcpy((*arr)[*n].acr, acr, len + 1);
				memcpy((*arr)[*n].expansion, starts[0], elen);
				(*arr)[*n].expansion[elen] = '\0';
				(*n)++;
			}
		}
		p++;
	}
}

/* The scope notes and definitions, which engine/taxonomy/esco.h does not keep, spell
 * out more acronyms ("metal inert gas (MIG) welding"). A missing file only
 * means fewer acronyms. */
static void scan_file_notes(const char *dir, const char *file, struct acronym **arr, size_t *n,
			    size_t *cap)
{
	static const char *const cols[] = {"scopeNote", "definition"};
	char path[4096];
	csv_reader *r = NULL;
	int c[2], k;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (csv_open(path, &r, NULL, 0))
		return;
	for (k = 0; k < 2; k++)
		c[k] = csv_column(r, cols[k]);
	while (csv_next(r) == 1)
		for (k = 0; k < 2; k++)
			if (c[k] >= 0)
				scan_acronyms(csv_field(r, (size_t)c[k], NULL), arr, n, cap);
	csv_close(r);
}

void tax__load_acronyms(const esco *tax, const char *dir)
{
	struct acronym *arr = NULL;
	size_t n = 0, cap = 0, i, out = 0;

	scan_file_notes(dir, "skills_en.csv.gz", &arr, &n, &cap);
	scan_file_notes(dir, "occupations_en.csv.gz", &arr, &n, &cap);

	for (i = 0; i < esco_skill_count(tax); i++)
		scan_acronyms(esco_skill_at(tax, i)->description, &arr, &n, &cap);
	for (i = 0; i < esco_occupation_count(tax); i++)
		scan_acronyms(esco_occupation_at(tax, i)->description, &arr, &n, &cap);
	if (!n) {
		free(arr);
		return;
	}
	/* One spelling per acronym (the first after sorting). */
	qsort(arr, n, sizeof *arr, acr_cmp);
	for (i = 0; i < n; i++)
		if (out == 0 || strcmp(arr[out - 1].acr, arr[i].acr) != 0)
			arr[out++] = arr[i];
	g_acr = arr;
	g_n_acr = out;
}

const char *tax__acronym_expansion(const char *word)
{
	struct acronym key, *hit;

	if (!g_acr || strlen(word) >= sizeof key.acr || strlen(word) < 2)
		return NULL;
	snprintf(key.acr, sizeof key.acr, "%s", word);
	hit = bsearch(&key, g_acr, g_n_acr, sizeof *g_acr, acr_cmp);
	return hit ? hit->expansion : NULL;
}
