/*
 * bench_match.c - in-process match latency at a given index size: the full
 * match (weighted retrieval of MATCH_CANDIDATES, re-ranking, explanations,
 * facets) beside the naive single weighted-OR Xapian query (top 20, no
 * re-ranking) on the same sample profiles.
 *
 * The index is built here from the seeded sample vacancies with the
 * indexer's own document builder, under var/bench/match-index-VACANCIES,
 * unless it already holds that many documents in the current document
 * format (then it is reused; `fairmatch serve --index` can serve it for an
 * HTTP benchmark: tests/bench_match.lua).
 *
 *   make build/release/tests/bench_match && build/release/tests/bench_match [VACANCIES] [PROFILES]
 *       [--candidates N] [--bodies FILE]
 *
 * --candidates: how many hits re-ranking reads (default MATCH_CANDIDATES).
 *
 * With --bodies, the same profiles are also written to FILE as POST
 * /v1/match bodies ({"profile":{...}}, one a line) for tests/bench_match.lua.
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

#include "index/schema.h"

#define INDEX_DIR "var/bench"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

static int build(const esco *tax, size_t n, const char *path)
{
	index_db *w = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	uint64_t have = 0;
	size_t i;
	char term[32], id[32], cmd[300], *format = NULL;

	mkdir("var", 0755);
	mkdir(INDEX_DIR, 0755);
	if (index_open_writable(path, &w, &e) || index_doc_count(w, &have, &e) ||
	    index_get_metadata(w, VX_META_FORMAT, &format, &e))
		goto fail;
	if (have == n && format && strcmp(format, match_index_format()) == 0) {
		free(format);
		index_close(w);
		return 0;
	}
	free(format);
	index_close(w);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0 || index_open_writable(path, &w, &e) || sample_gen_new(tax, 11, &g))
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
	if (index_set_metadata(w, VX_META_FORMAT, match_index_format(), &e) || index_commit(w, &e))
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
	const char *bodies_path = NULL;
	size_t cands = MATCH_CANDIDATES;
	int a;
	FILE *bodies = NULL;
	const esco *tax = match_taxonomy();
	double *full = calloc(n_prof ? n_prof : 1, sizeof *full);
	double *naive = calloc(n_prof ? n_prof : 1, sizeof *naive);
	double *full_cpu = calloc(n_prof ? n_prof : 1, sizeof *full_cpu);
	double *naive_cpu = calloc(n_prof ? n_prof : 1, sizeof *naive_cpu);
	double load[3] = {0, 0, 0}, c0;
	struct match_params mp = {.limit = 20};
	index_search_opts o = {.limit = 20, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25};
	index_db *db = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	size_t i;
	double t0;
	char path[200];

	for (a = 3; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--bodies") == 0)
			bodies_path = argv[a + 1];
		else if (strcmp(argv[a], "--candidates") == 0)
			cands = strtoul(argv[a + 1], NULL, 10);
	}
	mp.candidates = cands;
	snprintf(path, sizeof path, INDEX_DIR "/match-index-%zu", n_vac);
	if (!tax || !full || !naive || !full_cpu || !naive_cpu) {
		fprintf(stderr, "bench_match: no taxonomy (run from the repository) or no memory\n");
		return 77;
	}
	t0 = now();
	if (build(tax, n_vac, path) || index_open_readonly(path, &db, &e) ||
	    sample_gen_new(tax, 5, &g))
		return 1;
	fprintf(stderr, "index ready in %.1fs\n", now() - t0);
	if (bodies_path && !(bodies = fopen(bodies_path, "w"))) {
		perror(bodies_path);
		return 1;
	}
	for (i = 0; i < n_prof; i++) {
		json_t *prof = sample_next_profile(g), *ans = NULL;
		index_results *res = NULL;
		index_query *q;
		problem p;

		json_object_del(prof, "desired_countries"); /* a boost only; keep it comparable */
		if (bodies) {
			json_t *body = json_pack("{s:O}", "profile", prof);
			char *line = body ? json_dumps(body, JSON_COMPACT) : NULL;

			json_decref(body);
			if (line)
				fprintf(bodies, "%s\n", line);
			free(line);
		}
		problem_init(&p);
		t0 = now();
		c0 = cpu_now();
		if (match_vacancies(db, prof, &mp, &ans, &p))
			fprintf(stderr, "match: %s\n", p.detail);
		full[i] = now() - t0;
		full_cpu[i] = cpu_now() - c0;
		json_decref(ans);
		problem_release(&p);
		t0 = now();
		c0 = cpu_now();
		q = match_build_naive_query(prof, &mp);
		if (!q || index_search(db, q, &o, &res, &e))
			fprintf(stderr, "naive: %s\n", e.msg);
		naive[i] = now() - t0;
		naive_cpu[i] = cpu_now() - c0;
		index_results_free(res);
		index_query_free(q);
		json_decref(prof);
	}
	qsort(full, n_prof, sizeof *full, cmp_double);
	qsort(naive, n_prof, sizeof *naive, cmp_double);
	qsort(full_cpu, n_prof, sizeof *full_cpu, cmp_double);
	qsort(naive_cpu, n_prof, sizeof *naive_cpu, cmp_double);
	if (getloadavg(load, 3) < 0)
		load[0] = -1;
	/* Wall time is what a caller waits; CPU time (of this thread) is the
	 * same work without the waiting for a core on a shared machine. */
	printf("| %zu vacancies, %zu profiles (load average %.1f) | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p99 ms |\n"
	       "|---|---|---|---|---|---|\n",
	       n_vac, n_prof, load[0]);
	printf("| fairmatch match (retrieve %zu, re-rank, explain, facets) | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
	       cands, 1000 * pct(full, n_prof, .5), 1000 * pct(full, n_prof, .95),
	       1000 * pct(full, n_prof, .99), 1000 * pct(full_cpu, n_prof, .5),
	       1000 * pct(full_cpu, n_prof, .99));
	printf("| naive single weighted-OR query (top 20) | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
	       1000 * pct(naive, n_prof, .5), 1000 * pct(naive, n_prof, .95),
	       1000 * pct(naive, n_prof, .99), 1000 * pct(naive_cpu, n_prof, .5),
	       1000 * pct(naive_cpu, n_prof, .99));
	if (bodies && fclose(bodies)) {
		perror(bodies_path);
		return 1;
	}
	index_close(db);
	sample_gen_free(g);
	free(full);
	free(naive);
	free(full_cpu);
	free(naive_cpu);
	return 0;
}
