/*
 * bench_taxonomy.c - taxonomy speed in-process, each figure beside a
 * baseline measured in the same run on the same inputs.
 *
 * Typeahead (target: p99 <= 2 ms): 10,000 prefixes cut from random ESCO
 * labels (fixed seed; a random label of a random skill or occupation in a
 * random language, cut after 2 to 12 bytes at a character boundary), each
 * answered with limit 10 in the label's language by taxonomy_suggest (the
 * labels in memory) and, as the baseline, by taxonomy_suggest_index (the
 * Xapian label index alone, the query path before the labels in memory).
 * Also printed: how many of the baseline's concepts the new answer shares.
 *
 * Normalisation (taxonomy_normalise_skill, what every vacancy and profile
 * write calls per free-text skill): distinct English skill labels as the
 * sample import writes them (preferred, or an alternative one in 40%), the
 * first call of each a cache miss, the second a hit; and labels with two
 * letters swapped (a typo, so no exact label: the whole search). Baseline:
 * taxonomy_candidates on the same texts, the uncached full search that the
 * write path ran on every miss before.
 *
 * Usage: bench_taxonomy [--count N] [--norm N] [--only typeahead|normalise]
 * Prints one line per measurement: p50, p90, p99 and max in milliseconds
 * (and the mean for normalisation).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/taxonomy/taxonomy.h"

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

/* CPU time of this thread: what a call costs without the time the
 * scheduler gives to other processes (the machine may be shared). */
static double cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts ms[0..n) and prints its percentiles. */
static void report1(const char *what, double *ms, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += ms[i];
	qsort(ms, n, sizeof *ms, dbl_cmp);
	printf("%-52s p50 %7.3f ms, p90 %7.3f ms, p99 %7.3f ms, max %7.3f ms, mean %7.3f ms (n=%zu)\n",
	       what, ms[n / 2], ms[n * 9 / 10], ms[n * 99 / 100], ms[n - 1], sum / (double)n, n);
}

/* Wall time per call (ms[0..n)), then CPU time (cpu[0..n)). */
static void report(const char *what, double *ms, double *cpu, size_t n)
{
	char label[96];

	snprintf(label, sizeof label, "%s, wall", what);
	report1(label, ms, n);
	snprintf(label, sizeof label, "%s, CPU", what);
	report1(label, cpu, n);
}

struct prefix {
	char text[64];
	esco_kind kind;
	const char *lang;
};

/* The concepts of an answer, in order, as ESCO's own URI pointers (so that
 * they outlive the answer and compare as pointers). */
static size_t concepts(const esco *tax, esco_kind kind, json_t *items, const char **out)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(items) && n < 10; i++) {
		const char *u = json_string_value(json_object_get(json_array_get(items, i), "uri"));
		const esco_skill *sk = kind == ESCO_KIND_SKILL && u ? esco_skill_by_uri(tax, u) : NULL;
		const esco_occupation *o =
			kind == ESCO_KIND_OCCUPATION && u ? esco_occupation_by_uri(tax, u) : NULL;

		if (sk || o)
			out[n++] = sk ? sk->uri : o->uri;
	}
	return n;
}

static int bench_typeahead(const esco *tax, index_db *db, size_t count)
{
	struct prefix *p = calloc(count, sizeof *p);
	double *ms = calloc(count, sizeof(double)), *cpu = calloc(count, sizeof(double));
	const char *(*base)[10] = calloc(count, sizeof *base);
	size_t *n_base = calloc(count, sizeof *n_base);
	size_t i, shared = 0, base_total = 0, empty = 0;
	json_t *warm = json_array();
	double t, c;

	if (!p || !ms || !cpu || !base || !n_base || !warm)
		return 1;
	for (i = 0; i < count; i++) {
		int occ = next_rand() % 5 == 0, lang = (int)(next_rand() % ESCO_LANG_COUNT);
		const esco_labels *ls;
		size_t cut, len;

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
		snprintf(p[i].text, sizeof p[i].text, "%.*s", (int)cut, ls[lang].preferred);
		p[i].kind = occ ? ESCO_KIND_OCCUPATION : ESCO_KIND_SKILL;
		p[i].lang = esco_lang_code((esco_lang)lang);
	}
	printf("typeahead (in-process, %zu prefixes, limit 10, one thread):\n", count);
	for (i = 0; i < count; i++) {
		json_t *b = json_array();

		if (!b)
			return 1;
		t = now_ms();
		c = cpu_ms();
		taxonomy_suggest_index(db, p[i].kind, p[i].text, p[i].lang, 10, b);
		ms[i] = now_ms() - t;
		cpu[i] = cpu_ms() - c;
		n_base[i] = concepts(tax, p[i].kind, b, base[i]);
		json_decref(b);
	}
	report("  baseline: Xapian label index", ms, cpu, count);
	/* The labels in memory are built on first use: timed apart. */
	t = now_ms();
	c = cpu_ms();
	taxonomy_suggest(db, ESCO_KIND_SKILL, "weld", "en", 10, warm);
	printf("  (labels in memory built on the first call: %.0f ms wall, %.0f ms CPU)\n",
	       now_ms() - t, cpu_ms() - c);
	json_decref(warm);
	for (i = 0; i < count; i++) {
		json_t *a = json_array();
		const char *ua[10];
		size_t na, j, k;

		if (!a)
			return 1;
		t = now_ms();
		c = cpu_ms();
		taxonomy_suggest(db, p[i].kind, p[i].text, p[i].lang, 10, a);
		ms[i] = now_ms() - t;
		cpu[i] = cpu_ms() - c;
		na = concepts(tax, p[i].kind, a, ua);
		empty += na == 0;
		base_total += n_base[i];
		for (j = 0; j < n_base[i]; j++)
			for (k = 0; k < na; k++)
				if (ua[k] == base[i][j]) {
					shared++;
					break;
				}
		json_decref(a);
	}
	report("  labels in memory", ms, cpu, count);
	printf("  answers: %zu empty; %zu of the baseline's %zu concepts also answered (%.2f)\n",
	       empty, shared, base_total, base_total ? (double)shared / (double)base_total : 0);
	free(p);
	free(ms);
	free(cpu);
	free(base);
	free(n_base);
	return 0;
}

/* A copy of s with two adjacent letters of its longest word swapped. */
static char *typo(const char *s)
{
	char *c = strdup(s);
	size_t i, best = 0, best_len = 0, start = 0;

	if (!c)
		return NULL;
	for (i = 0;; i++)
		if (c[i] == ' ' || c[i] == '\0') {
			if (i - start > best_len) {
				best_len = i - start;
				best = start;
			}
			start = i + 1;
			if (!c[i])
				break;
		}
	if (best_len >= 5 && (unsigned char)c[best + 2] < 0x80 && (unsigned char)c[best + 3] < 0x80) {
		char x = c[best + 2];

		c[best + 2] = c[best + 3];
		c[best + 3] = x;
	}
	return c;
}

static int bench_normalise(const esco *tax, index_db *db, size_t count)
{
	const char **texts = calloc(count, sizeof *texts);
	char **typos;
	double *ms = calloc(count, sizeof(double)), *cpu = calloc(count, sizeof(double));
	size_t i, n = 0, nt, matched = 0;
	struct tax_match m;

	if (!texts || !ms || !cpu)
		return 1;
	for (i = 0; i < count; i++) {
		const esco_labels *l = &esco_skill_at(tax, next_rand() % esco_skill_count(tax))
						->labels[ESCO_LANG_EN];

		texts[i] = l->n_alt && next_rand() % 100 < 40 ? l->alt[next_rand() % l->n_alt]
							      : l->preferred;
	}
	qsort(texts, count, sizeof *texts, str_cmp);
	for (i = 0; i < count; i++)
		if (strlen(texts[i]) <= TAX_TEXT_MAX && (n == 0 || strcmp(texts[n - 1], texts[i]) != 0))
			texts[n++] = texts[i];
	/* Shuffled back into a random order (sorted, neighbours share pages). */
	for (i = n; i > 1; i--) {
		size_t j = next_rand() % i;
		const char *x = texts[i - 1];

		texts[i - 1] = texts[j];
		texts[j] = x;
	}
	nt = n / 4;
	typos = calloc(nt ? nt : 1, sizeof *typos);
	if (!typos)
		return 1;
	for (i = 0; i < nt; i++)
		if (!(typos[i] = typo(texts[i])))
			return 1;

	printf("normalisation (taxonomy_normalise_skill, in-process, one thread):\n");
	/* Baseline first, so it warms the index pages for both. */
	for (i = 0; i < n; i++) {
		struct tax_match r[1];
		double t = now_ms(), c = cpu_ms();

		taxonomy_candidates(db, NULL, tax, ESCO_KIND_SKILL, texts[i], NULL, 0, r, 1);
		ms[i] = now_ms() - t;
		cpu[i] = cpu_ms() - c;
	}
	report("  baseline: full search, skill labels", ms, cpu, n);
	for (i = 0; i < n; i++) {
		double t = now_ms(), c = cpu_ms();

		matched += taxonomy_normalise_skill(texts[i], NULL, &m) == 0;
		ms[i] = now_ms() - t;
		cpu[i] = cpu_ms() - c;
	}
	report("  cache miss, skill labels", ms, cpu, n);
	for (i = 0; i < n; i++) {
		double t = now_ms(), c = cpu_ms();

		taxonomy_normalise_skill(texts[i], NULL, &m);
		ms[i] = now_ms() - t;
		cpu[i] = cpu_ms() - c;
	}
	report("  cache hit, skill labels", ms, cpu, n);
	printf("  (%zu of %zu labels normalised)\n", matched, n);
	if (nt) {
		matched = 0;
		for (i = 0; i < nt; i++) {
			struct tax_match r[1];
			double t = now_ms(), c = cpu_ms();

			taxonomy_candidates(db, NULL, tax, ESCO_KIND_SKILL, typos[i], NULL, 0, r,
					    1);
			ms[i] = now_ms() - t;
			cpu[i] = cpu_ms() - c;
		}
		report("  baseline: full search, labels with a typo", ms, cpu, nt);
		for (i = 0; i < nt; i++) {
			double t = now_ms(), c = cpu_ms();

			matched += taxonomy_normalise_skill(typos[i], NULL, &m) == 0;
			ms[i] = now_ms() - t;
			cpu[i] = cpu_ms() - c;
		}
		report("  cache miss, labels with a typo", ms, cpu, nt);
		printf("  (%zu of %zu typos normalised)\n", matched, nt);
	}
	for (i = 0; i < nt; i++)
		free(typos[i]);
	free(typos);
	free(texts);
	free(ms);
	free(cpu);
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 10000, norm = 2000;
	const char *only = NULL;
	char err[512];
	const esco *tax;
	index_db *db = NULL;
	index_error e;
	int i, rc = 0;
	double t;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--norm") == 0 && i + 1 < argc)
			norm = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: bench_taxonomy [--count N] [--norm N] "
					"[--only typeahead|normalise]\n");
			return 2;
		}
	}
	t = now_ms();
	if (!count || !norm || taxonomy_init(err, sizeof err)) {
		fprintf(stderr, "bench_taxonomy: %s\n", count && norm ? err : "bad count");
		return 1;
	}
	printf("taxonomy_init: %.0f ms\n", now_ms() - t);
	tax = taxonomy_esco();
	if (index_open_readonly(taxonomy_path(), &db, &e)) {
		fprintf(stderr, "bench_taxonomy: %s\n", e.msg);
		return 1;
	}
	if (!only || strcmp(only, "typeahead") == 0)
		rc |= bench_typeahead(tax, db, count);
	if (!only || strcmp(only, "normalise") == 0)
		rc |= bench_normalise(tax, db, norm);
	index_close(db);
	return rc;
}
