/*
 * bench_taxonomy.c - typeahead latency in-process (target: p99 <= 2 ms).
 *
 * 10,000 prefixes cut from random ESCO labels (fixed seed; a random label
 * of a random skill or occupation in a random language, cut after 2 to 12
 * bytes at a character boundary), each run through taxonomy_suggest with
 * limit 10 in the label's language on one read-only handle. Prints p50,
 * p90, p99 and max in milliseconds.
 *
 * Usage: bench_taxonomy [--count N]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/taxonomy.h"

static uint64_t rng = 42;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	size_t count = 10000, i;
	char err[512], prefix[64];
	const esco *tax;
	index_db *db = NULL;
	index_error e;
	double *ms;

	if (argc == 3 && strcmp(argv[1], "--count") == 0)
		count = strtoul(argv[2], NULL, 10);
	if (!count || taxonomy_init(err, sizeof err)) {
		fprintf(stderr, "bench_taxonomy: %s\n", count ? err : "bad --count");
		return 1;
	}
	tax = taxonomy_esco();
	if (index_open_readonly(taxonomy_path(), &db, &e)) {
		fprintf(stderr, "bench_taxonomy: %s\n", e.msg);
		return 1;
	}
	ms = calloc(count, sizeof *ms);
	if (!ms)
		return 1;
	for (i = 0; i < count; i++) {
		int occ = next_rand() % 5 == 0, lang = (int)(next_rand() % ESCO_LANG_COUNT);
		const esco_labels *ls;
		size_t cut, len;
		json_t *items = json_array();
		double t;

		if (occ)
			ls = esco_occupation_at(tax, next_rand() % esco_occupation_count(tax))->labels;
		else
			ls = esco_skill_at(tax, next_rand() % esco_skill_count(tax))->labels;
		if (!ls[lang].preferred)
			lang = ESCO_LANG_EN;
		len = strlen(ls[lang].preferred);
		cut = 2 + next_rand() % 11;
		if (cut > len)
			cut = len;
		while (cut < len && (ls[lang].preferred[cut] & 0xC0) == 0x80)
			cut++; /* whole UTF-8 characters */
		snprintf(prefix, sizeof prefix, "%.*s", (int)cut, ls[lang].preferred);
		t = now_ms();
		taxonomy_suggest(db, occ ? ESCO_KIND_OCCUPATION : ESCO_KIND_SKILL, prefix,
				 esco_lang_code((esco_lang)lang), 10, items);
		ms[i] = now_ms() - t;
		json_decref(items);
	}
	qsort(ms, count, sizeof *ms, dbl_cmp);
	printf("typeahead (in-process, %zu prefixes, limit 10): p50 %.3f ms, p90 %.3f ms, "
	       "p99 %.3f ms, max %.3f ms\n",
	       count, ms[count / 2], ms[count * 9 / 10], ms[count * 99 / 100], ms[count - 1]);
	free(ms);
	index_close(db);
	return 0;
}
