/*
 * bench_match.c - in-process match latency at a given index size: the full
 * match (weighted retrieval of MATCH_CANDIDATES, re-ranking, explanations,
 * facets) beside the naive single weighted-OR Xapian query (top 20, no
 * re-ranking) on the same sample profiles.
 *
 * A second row is the same match with retrieval by Xapian's own matcher
 * (Enquire) instead of the index wrapper's term-at-a-time evaluator
 * (index/accumulate.h): the evaluator's gain, and how many of the top-20
 * the two share (all, but for the order of equal weights summed in
 * another order). A third row is the full match with every posting list
 * walked through (mp.exhaustive: no MaxScore in the evaluator, no skill
 * budget for Xapian's matcher), with how many of the match's top-20 it
 * also finds: the MaxScore split must keep them all. The four matches of
 * a profile take turns at running first (the first reads the lists and
 * records for the others).
 *
 * Another row is the match as POST /v1/match answers a counsellor: each
 * vacancy as stored with its concepts' labels (raw_vacancies, English as a
 * request without "lang" gets) and the answer written as JSON text
 * (match_answer_text). The first row stops at the answer's tree; this one
 * does the same work as the server's answer, so the HTTP row's server CPU
 * per match compares with it (the server adds the request, the inline
 * profile's validation, the audit row, the quota listings and the socket).
 *
 * The index is built here from the seeded sample vacancies, validated as an
 * import validates them (free text normalised), with the indexer's own
 * document builder, under var/bench/match-index-VACANCIES,
 * unless it already holds that many documents in the current document
 * format (then it is reused; `fairmatch serve --index` can serve it for an
 * HTTP benchmark: tests/bench/bench_match.lua).
 *
 * --index DIR measures an index built elsewhere instead, such as the one
 * `fairmatch import` wrote for the search part of `make bench`: the index a
 * server really serves, and no second build of it (at 5,000,000 vacancies
 * the build here would take an hour of a 2-core machine).
 *
 *   make build/release/tests/bench_match && build/release/tests/bench_match [VACANCIES] [PROFILES]
 *       [--candidates N] [--bodies FILE] [--save-top FILE] [--compare-top FILE]
 *   build/release/tests/bench_match 0 0 --write-value-file DIR
 *
 * --write-value-file DIR writes the match records' value file into the
 * index at DIR (index_write_value_file, what compaction now writes) and
 * exits: an index imported before it, upgraded.
 *
 * Two knobs for profiling the match row: BENCH_TRACE=1 prints each
 * profile's match row (wall and CPU ms, and whether it ran first: the p99
 * is the profiles whose match met its lists and records first), and
 * BENCH_ONLY_MATCH=1 runs the match row alone, every profile first (cold).
 *
 * --candidates: how many hits re-ranking reads (default MATCH_CANDIDATES).
 *
 * The profiles are validated like an inline profile of POST /v1/match
 * (their free text normalised) before the clock starts: the server's
 * match sees them so.
 *
 * With --bodies, the same profiles are also written to FILE as POST
 * /v1/match bodies ({"profile":{...}}, one a line) for tests/bench/bench_match.lua.
 *
 * --save-top writes each profile's answer (its vacancy ids, one line a
 * profile); --compare-top reads such a file and prints how many of those
 * the match finds now: what a change to retrieval costs in answers, at
 * sizes the evaluation does not reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "data/sample.h"
#include "engine/indexer/indexer.h"
#include "engine/match/match.h"
#include "engine/profile.h"
#include "engine/vacancy.h"
#include "index/index.h"

#include "index/schema.h"
#include "tests/support/sample_index.h"

#define INDEX_DIR "var/bench"
/* What the index was built from, beside the document format (which a
 * server serving the index for the HTTP run rewrites as its own). */
#define BENCH_META_SOURCE "fairmatch.bench_source"
#define BENCH_SOURCE "sample seed 11, validated as an import validates"

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
	char cmd[300], *format = NULL, *source = NULL;

	mkdir("var", 0755);
	mkdir(INDEX_DIR, 0755);
	if (index_open_writable(path, &w, &e) || index_doc_count(w, &have, &e) ||
	    index_get_metadata(w, VX_META_FORMAT, &format, &e) ||
	    index_get_metadata(w, BENCH_META_SOURCE, &source, &e))
		goto fail;
	if (have == n && format && strcmp(format, indexer_format()) == 0 && source &&
	    strcmp(source, BENCH_SOURCE) == 0) {
		free(format);
		free(source);
		index_close(w);
		return 0;
	}
	free(format);
	free(source);
	index_close(w);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0 || index_open_writable(path, &w, &e) || sample_gen_new(tax, 11, &g))
		goto fail;
	for (i = 0; i < n; i++) {
		/* As an import stores it: validated, free text normalised. */
		if (sample_index_vacancy(w, sample_next_vacancy(g), i + 1, "bench", &e))
			goto fail;
		if ((i + 1) % 50000 == 0 && index_commit(w, &e))
			goto fail;
	}
	if (index_set_metadata(w, VX_META_FORMAT, indexer_format(), &e) ||
	    index_set_metadata(w, BENCH_META_SOURCE, BENCH_SOURCE, &e) || index_commit(w, &e))
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

/* One timed sample: wall and CPU seconds of each variant. */
struct timing {
	double *wall, *cpu;
};

static int timing_new(struct timing *t, size_t n)
{
	t->wall = calloc(n ? n : 1, sizeof *t->wall);
	t->cpu = calloc(n ? n : 1, sizeof *t->cpu);
	return t->wall && t->cpu ? 0 : -1;
}

/* A row of the table. The mean CPU time is what bounds throughput: a
 * server on C cores does at most C / mean matches a second. */
static void timing_row(const char *name, struct timing *t, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += t->cpu[i];
	qsort(t->wall, n, sizeof *t->wall, cmp_double);
	qsort(t->cpu, n, sizeof *t->cpu, cmp_double);
	printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", name, 1000 * pct(t->wall, n, .5),
	       1000 * pct(t->wall, n, .95), 1000 * pct(t->wall, n, .99), 1000 * pct(t->cpu, n, .5),
	       1000 * pct(t->cpu, n, .99), n ? 1000 * sum / (double)n : 0);
	free(t->wall);
	free(t->cpu);
}

/* A full match of prof, timed into slot i of t; *ans gets the answer. */
static void timed_match(index_db *db, const json_t *prof, const struct match_params *mp,
			struct timing *t, size_t i, json_t **ans)
{
	problem p;
	double t0 = now(), c0 = cpu_now();

	problem_init(&p);
	*ans = NULL;
	if (match_vacancies(db, prof, mp, ans, &p))
		fprintf(stderr, "match: %s\n", p.detail);
	t->wall[i] = now() - t0;
	t->cpu[i] = cpu_now() - c0;
	problem_release(&p);
}

/* The match as the server answers it, timed into slot i of t: each
 * result's vacancy as its stored text with its concepts (raw_vacancies),
 * and the answer written out as JSON text (match_answer_text, with the
 * precision of the API's json_dumps flags), as POST /v1/match does for a
 * counsellor. *bytes gets the text's length. */
static void timed_answer(index_db *db, const json_t *prof, const struct match_params *mp,
			 struct timing *t, size_t i, size_t *bytes)
{
	struct match_params raw = *mp;
	json_t *ans = NULL;
	char *text = NULL;
	problem p;
	double t0 = now(), c0 = cpu_now();

	raw.raw_vacancies = 1;
	memcpy(raw.lang, "en", 3); /* match_parse's default: a request without "lang" */
	problem_init(&p);
	if (match_vacancies(db, prof, &raw, &ans, &p))
		fprintf(stderr, "match: %s\n", p.detail);
	else if (!(text = match_answer_text(ans, bytes)))
		fprintf(stderr, "match: the answer could not be written\n");
	/* freed inside the clock: the server frees both for every answer */
	free(text);
	json_decref(ans);
	t->wall[i] = now() - t0;
	t->cpu[i] = cpu_now() - c0;
	problem_release(&p);
}

/* How many vacancy ids of a's page are also on b's. */
static size_t overlap(const json_t *a, const json_t *b)
{
	size_t i, j, n = 0;
	json_t *x, *y;

	json_array_foreach(json_object_get(a, "vacancies"), i, x) {
		const char *id = json_string_value(json_object_get(json_object_get(x, "vacancy"), "id"));

		json_array_foreach(json_object_get(b, "vacancies"), j, y) {
			const char *other = json_string_value(
				json_object_get(json_object_get(y, "vacancy"), "id"));

			if (id && other && strcmp(id, other) == 0) {
				n++;
				break;
			}
		}
	}
	return n;
}

/* The answer's vacancy ids on one line (for --save-top). */
static void write_top(FILE *f, const json_t *ans)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(ans, "vacancies"), i, x) {
		fprintf(f, "%s%s", i ? " " : "",
			json_string_value(json_object_get(json_object_get(x, "vacancy"), "id")));
	}
	fputc('\n', f);
}

/* How many of the answer's ids the saved line holds (for --compare-top). */
static size_t overlap_line(const json_t *ans, const char *line)
{
	size_t i, n = 0, len;
	json_t *x;

	json_array_foreach(json_object_get(ans, "vacancies"), i, x) {
		const char *id = json_string_value(json_object_get(json_object_get(x, "vacancy"), "id"));
		const char *at = line;

		len = id ? strlen(id) : 0;
		while (len && (at = strstr(at, id))) {
			if ((at == line || at[-1] == ' ') && (at[len] == ' ' || at[len] == '\n' || !at[len])) {
				n++;
				break;
			}
			at += len;
		}
	}
	return n;
}

/* A sample profile validated as POST /v1/match validates an inline one;
 * the raw one goes to bodies (the server validates it itself). */
static json_t *next_profile(sample_gen *g, FILE *bodies)
{
	json_t *raw = sample_next_profile(g), *valid = NULL;
	problem p;

	if (!raw)
		return NULL;
	json_object_del(raw, "desired_countries"); /* a boost only; keep it comparable */
	if (bodies) {
		json_t *body = json_pack("{s:O}", "profile", raw);
		char *line = body ? json_dumps(body, JSON_COMPACT) : NULL;

		json_decref(body);
		if (line)
			fprintf(bodies, "%s\n", line);
		free(line);
	}
	problem_init(&p);
	if (profile_validate(raw, &valid, &p))
		fprintf(stderr, "bench_match: sample profile: %s\n", p.detail);
	problem_release(&p);
	json_decref(raw);
	return valid;
}

/* How many of a's hits b holds at the same rank (the same docid). */
static size_t same_hits(const index_results *a, const index_results *b)
{
	size_t n = 0, i;

	if (!a || !b)
		return 0;
	for (i = 0; i < index_results_count(a) && i < index_results_count(b); i++)
		n += index_results_hit(a, i)->docid == index_results_hit(b, i)->docid;
	return n;
}

int main(int argc, char **argv)
{
	size_t n_vac = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t n_prof = argc > 2 ? strtoul(argv[2], NULL, 10) : 500;
	size_t cands = MATCH_CANDIDATES, i, same = 0, shown = 0;
	const esco *tax = match_taxonomy();
	const char *bodies_path = NULL, *save_path = NULL, *ref_path = NULL, *index_path = NULL,
		   *value_file = NULL;
	FILE *bodies = NULL, *save = NULL, *ref = NULL;
	size_t ref_same = 0, ref_shown = 0, xap_same = 0, naive_same = 0, naive_shown = 0;
	index_results *naive_res = NULL, *bm25_res = NULL;
	char line[4096];
	struct timing full, all, naive, naive_bm25, xap, answered;
	size_t answer_bytes = 0;
	double load[3] = {0, 0, 0}, t0;
	struct match_params mp = {.limit = 20}, mp_all, mp_xap;
	/* The naive query is Xapian's matcher's answer: its root (a FILTER of
	 * the OR by a value range) is a shape the wrapper's BM25 evaluator
	 * (index/bm25.cc) also answers, and that evaluator's answer is shown
	 * on a row of its own (the same hits). */
	index_search_opts o = {.limit = 20, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25,
			       .xapian_matcher = 1},
			  o_bm25 = {.limit = 20, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25};
	index_db *db = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	char path[200];
	int a;

	for (a = 3; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--bodies") == 0)
			bodies_path = argv[a + 1];
		else if (strcmp(argv[a], "--candidates") == 0)
			cands = strtoul(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--save-top") == 0)
			save_path = argv[a + 1];
		else if (strcmp(argv[a], "--compare-top") == 0)
			ref_path = argv[a + 1];
		else if (strcmp(argv[a], "--index") == 0)
			index_path = argv[a + 1];
		else if (strcmp(argv[a], "--write-value-file") == 0)
			value_file = argv[a + 1];
	}
	if (value_file) {
		/* An index imported before value files (docs/index.md, "A value
		 * slot addressed by docid") upgraded in place, as compaction
		 * would write it. */
		t0 = now();
		if (index_write_value_file(value_file, VX_SLOT_MATCH, &e)) {
			fprintf(stderr, "bench_match: %s: %s\n", value_file, e.msg);
			return 1;
		}
		fprintf(stderr, "value file of slot %d written into %s in %.1fs\n", VX_SLOT_MATCH,
			value_file, now() - t0);
		return 0;
	}
	mp.candidates = cands;
	mp_all = mp;
	mp_all.exhaustive = 1;
	mp_xap = mp;
	mp_xap.xapian_matcher = 1;
	snprintf(path, sizeof path, INDEX_DIR "/match-index-%zu", n_vac);
	if (!tax || timing_new(&full, n_prof) || timing_new(&all, n_prof) ||
	    timing_new(&naive, n_prof) || timing_new(&naive_bm25, n_prof) || timing_new(&xap, n_prof) ||
	    timing_new(&answered, n_prof)) {
		fprintf(stderr, "bench_match: no taxonomy (run from the repository) or no memory\n");
		return 77;
	}
	t0 = now();
	if (index_path)
		snprintf(path, sizeof path, "%s", index_path);
	else if (build(tax, n_vac, path))
		return 1;
	if (index_open_readonly(path, &db, &e)) {
		fprintf(stderr, "bench_match: %s: %s\n", path, e.msg);
		return 1;
	}
	if (sample_gen_new(tax, 5, &g))
		return 1;
	{
		/* As a server does at start (engine_start). */
		uint64_t kept = 0;
		double c0 = cpu_now(), t1 = now();

		if (match_keep_lists(db, &kept, &e)) {
			fprintf(stderr, "bench_match: %s: %s\n", path, e.msg);
			return 1;
		}
		fprintf(stderr, "%llu posting lists kept in %.3fs (CPU %.3fs)\n",
			(unsigned long long)kept, now() - t1, cpu_now() - c0);
	}
	{
		uint64_t docs = 0;

		if (index_doc_count(db, &docs, &e)) {
			fprintf(stderr, "bench_match: %s: %s\n", path, e.msg);
			return 1;
		}
		fprintf(stderr, "index %s ready in %.1fs (%llu documents)\n", path, now() - t0,
			(unsigned long long)docs);
	}
	if (bodies_path && !(bodies = fopen(bodies_path, "w"))) {
		perror(bodies_path);
		return 1;
	}
	if (save_path && !(save = fopen(save_path, "w"))) {
		perror(save_path);
		return 1;
	}
	if (ref_path && !(ref = fopen(ref_path, "r"))) {
		perror(ref_path);
		return 1;
	}
	{
		/* One match before the clock: the first builds the occupation
		 * model and the integrity tables, as a server does at start. */
		json_t *prof = next_profile(g, NULL), *ans = NULL;

		timed_match(db, prof, &mp, &full, 0, &ans);
		json_decref(ans);
		json_decref(prof);
	}
	for (i = 0; i < n_prof; i++) {
		json_t *prof = next_profile(g, bodies), *ans = NULL, *ans_all = NULL, *ans_xap = NULL;
		index_results *res = NULL;
		index_query *q;
		double c0;
		size_t k;

		if (!prof)
			return 1;
		/* The same match by both matchers, answered as text and with
		 * every list walked, each first in turn: the first finds the
		 * posting lists and records in the caches for the others. */
		for (k = 0; k < 4; k++) {
			size_t bytes = 0;

			if (getenv("BENCH_ONLY_MATCH") && k)
				break;
			switch (getenv("BENCH_ONLY_MATCH") ? 0 : (i + k) % 4) {
			case 0:
				timed_match(db, prof, &mp, &full, i, &ans);
				break;
			case 1:
				timed_match(db, prof, &mp_xap, &xap, i, &ans_xap);
				break;
			case 2:
				timed_match(db, prof, &mp_all, &all, i, &ans_all);
				break;
			default:
				timed_answer(db, prof, &mp, &answered, i, &bytes);
				answer_bytes += bytes;
			}
		}
		if (getenv("BENCH_TRACE"))
			fprintf(stderr, "trace %zu first=%d wall %.3f cpu %.3f\n", i, i % 4 == 0,
				1000 * full.wall[i], 1000 * full.cpu[i]);
		same += overlap(ans, ans_all);
		xap_same += overlap(ans, ans_xap);
		shown += json_array_size(json_object_get(ans, "vacancies"));
		if (save)
			write_top(save, ans);
		if (ref && fgets(line, sizeof line, ref)) {
			ref_same += overlap_line(ans, line);
			ref_shown += json_array_size(json_object_get(ans, "vacancies"));
		}
		json_decref(ans);
		json_decref(ans_all);
		json_decref(ans_xap);
		/* The naive query by both, each first in turn. */
		for (k = 0; k < 2; k++) {
			int by_matcher = (i + k) % 2 == 0;
			struct timing *tm = by_matcher ? &naive : &naive_bm25;

			t0 = now();
			c0 = cpu_now();
			q = match_build_naive_query(prof, &mp);
			if (!q || index_search(db, q, by_matcher ? &o : &o_bm25, &res, &e))
				fprintf(stderr, "naive: %s\n", e.msg);
			tm->wall[i] = now() - t0;
			tm->cpu[i] = cpu_now() - c0;
			index_query_free(q);
			if (by_matcher) {
				index_results_free(naive_res);
				naive_res = res;
			} else {
				index_results_free(bm25_res);
				bm25_res = res;
			}
			res = NULL;
		}
		naive_same += same_hits(naive_res, bm25_res);
		naive_shown += naive_res ? index_results_count(naive_res) : 0;
		json_decref(prof);
	}
	if (getloadavg(load, 3) < 0)
		load[0] = -1;
	/* Wall time is what a caller waits; CPU time (of this thread) is the
	 * same work without the waiting for a core on a shared machine. */
	printf("| %zu vacancies, %zu profiles (load average %.1f) | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p99 ms | CPU mean ms |\n"
	       "|---|---|---|---|---|---|---|\n",
	       n_vac, n_prof, load[0]);
	{
		char name[160];

		snprintf(name, sizeof name,
			 "fairmatch match (retrieve %zu with MaxScore, re-rank, explain, facets)",
			 cands);
		timing_row(name, &full, n_prof);
	}
	{
		char name[160];

		snprintf(name, sizeof name,
			 "the same, retrieval by Xapian's matcher (Enquire, skill postings walked <= %d)",
			 MATCH_SKILL_POSTINGS);
		timing_row(name, &xap, n_prof);
	}
	{
		char name[200];

		snprintf(name, sizeof name,
			 "the same, answered as POST /v1/match writes it (vacancies as stored, with "
			 "concepts; JSON text, %zu KB on average)",
			 n_prof ? answer_bytes / n_prof / 1024 : 0);
		timing_row(name, &answered, n_prof);
	}
	timing_row("the same, exhaustive (mp.exhaustive: every posting list walked through, no MaxScore)",
		   &all, n_prof);
	timing_row("naive single weighted-OR query (top 20, BM25), Xapian's matcher", &naive, n_prof);
	timing_row("the naive query answered by the wrapper's BM25 evaluator (index/bm25.cc), not a baseline",
		   &naive_bm25, n_prof);
	printf("\nTop-20 agreement of the match with the exhaustive one: %zu of %zu (%.1f%%)\n",
	       same, shown, shown ? 100.0 * (double)same / (double)shown : 0);
	printf("Top-20 agreement of the match with Xapian's matcher: %zu of %zu (%.1f%%)\n", xap_same,
	       shown, shown ? 100.0 * (double)xap_same / (double)shown : 0);
	printf("Top-20 of the naive query, the same hits in the same order by both: %zu of %zu\n",
	       naive_same, naive_shown);
	if (ref) {
		printf("Top-20 agreement with the answers saved in %s: %zu of %zu (%.1f%%)\n", ref_path,
		       ref_same, ref_shown, ref_shown ? 100.0 * (double)ref_same / (double)ref_shown : 0);
		fclose(ref);
	}
	if ((bodies && fclose(bodies)) || (save && fclose(save))) {
		perror("bench_match: writing");
		return 1;
	}
	index_results_free(naive_res);
	index_results_free(bm25_res);
	index_close(db);
	sample_gen_free(g);
	return 0;
}
