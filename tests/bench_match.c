/*
 * bench_match.c - in-process match latency at a given index size: the full
 * match (weighted retrieval of MATCH_CANDIDATES, re-ranking, explanations,
 * facets) beside the naive single weighted-OR Xapian query (top 20, no
 * re-ranking) on the same sample profiles.
 *
 * The index is built here from the seeded sample vacancies with the
 * indexer's own document builder, under var/bench/match-index, unless it
 * already holds the requested number of documents (then it is reused).
 *
 *   make build/release/tests/bench_match && build/release/tests/bench_match [VACANCIES] [PROFILES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "data/sample.h"
#include "engine/indexer.h"
#include "engine/match.h"
#include "index/index.h"

#define INDEX_PATH "var/bench/match-index"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return n ? v[i] : 0;
}

static int build(const esco *tax, size_t n)
{
	index_db *w = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	uint64_t have = 0;
	size_t i;
	char term[32], id[32];

	mkdir("var", 0755);
	mkdir("var/bench", 0755);
	if (index_open_writable(INDEX_PATH, &w, &e) || index_doc_count(w, &have, &e))
		goto fail;
	if (have == n) {
		index_close(w);
		return 0;
	}
	index_close(w);
	if (system("rm -rf " INDEX_PATH) != 0 || index_open_writable(INDEX_PATH, &w, &e) ||
	    sample_gen_new(tax, 11, &g))
		goto fail;
	for (i = 0; i < n; i++) {
		json_t *v = sample_next_vacancy(g);
		index_doc *d = NULL;

		if (!v)
			goto fail;
		snprintf(id, sizeof id, "v_%zu", i + 1);
		snprintf(term, sizeof term, "Q%zu", i + 1);
		json_object_set_new(v, "id", json_string(id));
		json_object_set_new(v, "org", json_string("bench"));
		json_object_set_new(v, "status", json_string("open"));
		if (indexer_vacancy_doc(v, &d, &e) || index_replace(w, term, d, &e)) {
			index_doc_free(d);
			json_decref(v);
			goto fail;
		}
		index_doc_free(d);
		json_decref(v);
		if ((i + 1) % 50000 == 0 && index_commit(w, &e))
			goto fail;
	}
	if (index_commit(w, &e))
		goto fail;
	index_close(w);
	sample_gen_free(g);
	return 0;
fail:
	fprintf(stderr, "bench_match: building the index: %s\n", e.msg);
	index_close(w);
	sample_gen_free(g);
	return -1;
}

int main(int argc, char **argv)
{
	size_t n_vac = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t n_prof = argc > 2 ? strtoul(argv[2], NULL, 10) : 500;
	const esco *tax = match_taxonomy();
	double *full = calloc(n_prof ? n_prof : 1, sizeof *full);
	double *naive = calloc(n_prof ? n_prof : 1, sizeof *naive);
	struct match_params mp = {.limit = 20};
	index_search_opts o = {.limit = 20, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25};
	index_db *db = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	size_t i;
	double t0;

	if (!tax || !full || !naive) {
		fprintf(stderr, "bench_match: no taxonomy (run from the repository) or no memory\n");
		return 77;
	}
	t0 = now();
	if (build(tax, n_vac) || index_open_readonly(INDEX_PATH, &db, &e) ||
	    sample_gen_new(tax, 5, &g))
		return 1;
	fprintf(stderr, "index ready in %.1fs\n", now() - t0);
	for (i = 0; i < n_prof; i++) {
		json_t *prof = sample_next_profile(g), *ans = NULL;
		index_results *res = NULL;
		index_query *q;
		problem p;

		json_object_del(prof, "desired_countries"); /* a boost only; keep it comparable */
		problem_init(&p);
		t0 = now();
		if (match_vacancies(db, prof, &mp, &ans, &p))
			fprintf(stderr, "match: %s\n", p.detail);
		full[i] = now() - t0;
		json_decref(ans);
		problem_release(&p);
		t0 = now();
		q = match_build_naive_query(prof, &mp);
		if (!q || index_search(db, q, &o, &res, &e))
			fprintf(stderr, "naive: %s\n", e.msg);
		naive[i] = now() - t0;
		index_results_free(res);
		index_query_free(q);
		json_decref(prof);
	}
	qsort(full, n_prof, sizeof *full, cmp_double);
	qsort(naive, n_prof, sizeof *naive, cmp_double);
	printf("| %zu vacancies, %zu profiles | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|\n",
	       n_vac, n_prof);
	printf("| fairmatch match (retrieve %d, re-rank, explain, facets) | %.2f | %.2f | %.2f |\n",
	       MATCH_CANDIDATES, 1000 * pct(full, n_prof, .5), 1000 * pct(full, n_prof, .95),
	       1000 * pct(full, n_prof, .99));
	printf("| naive single weighted-OR query (top 20) | %.2f | %.2f | %.2f |\n",
	       1000 * pct(naive, n_prof, .5), 1000 * pct(naive, n_prof, .95),
	       1000 * pct(naive, n_prof, .99));
	index_close(db);
	sample_gen_free(g);
	free(full);
	free(naive);
	return 0;
}
