/*
 * bench_integrity.c - latency of the recruiter check (integrity_check) in
 * process with N synthetic recruiters registered (default 100,000): the
 * in-memory registry (what the server answers from) beside the baseline
 * measured in the same run on the same queries, integrity_check_sql (pg_trgm
 * candidates in PostgreSQL, flags and licences queried). Every answer of the
 * two paths is compared: the in-memory check must find every match of the
 * SQL path (it proposes more candidates: exact keys and the token index);
 * answers where it misses one are counted (0 expected) and fail the run.
 * Also: the registry's build time and memory, the licence check both ways,
 * and the snapshot verdict used on every search hit.
 *
 * Names are made from a fixed-seed generator (two pseudo-words, a trade
 * word, a legal form) and registered in bulk with their normalised forms,
 * as integrity_recruiter_create would store them; the first 1,000 get a
 * warning flag, 100 of them a blacklist flag too. The queries are a third
 * registered names written differently (other legal form, case), a third
 * with one typo, a third names nobody registered. Prints p50, p90, p99 and
 * max in milliseconds. Usage: bench_integrity [N] [QUERIES]; FAIRMATCH_DB
 * names the database; use a fresh one (flags cannot be deleted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"

static uint64_t rng = 88172645463325252ull;

/* Whether every match and possible match of the SQL path's answer b is in
 * the in-memory answer a with the same score: the in-memory check proposes
 * more candidates (exact keys, the token index), never fewer. */
static int superset(json_t *a, json_t *b)
{
	static const char *const lists[] = {"matches", "possible_matches"};

	for (int l = 0; l < 2; l++) {
		json_t *m;
		size_t i;

		json_array_foreach(json_object_get(b, lists[l]), i, m) {
			const char *id = json_string_value(json_object_get(m, "id"));
			json_t *x;
			size_t j;
			int seen = 0;

			for (int k = 0; k < 2 && !seen; k++)
				json_array_foreach(json_object_get(a, lists[k]), j, x)
					if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0 &&
					    json_real_value(json_object_get(x, "score")) >=
						    json_real_value(json_object_get(m, "score")))
						seen = 1;
			if (!seen)
				return 0;
		}
	}
	return 1;
}

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void word(char *out, int syllables)
{
	static const char *const c = "bdfghklmnprstvz", *const v = "aeiou";
	int i, n = 0;

	for (i = 0; i < syllables; i++) {
		out[n++] = c[rnd() % 15];
		out[n++] = v[rnd() % 5];
		if (rnd() % 3 == 0)
			out[n++] = c[rnd() % 15];
	}
	out[0] = (char)(out[0] - 'a' + 'A');
	out[n] = '\0';
}

static const char *const trades[] = {"Manpower", "Recruitment", "Staffing", "Placement",
				     "Overseas Employment", "Labour Hire", "Human Resources",
				     "Workforce", "Careers", "Global Jobs"};
static const char *const forms[] = {"(Pty) Ltd", "Inc.", "Corp", "LLC", "SARL", "GmbH",
				    "Co., Ltd", "Limited", "", "Agency"};

static void make_name(char *out, size_t len)
{
	char a[32], b[32];

	word(a, 2 + (int)(rnd() % 2));
	word(b, 2 + (int)(rnd() % 2));
	snprintf(out, len, "%s %s %s %s", a, b, trades[rnd() % 10], forms[rnd() % 10]);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, size_t n)
{
	qsort(t, n, sizeof *t, cmp_double);
	printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f |\n", what, n, t[n / 2], t[n * 90 / 100],
	       t[n * 99 / 100], t[n - 1]);
}

/* CPU time of this thread in ms: what a check costs, whatever the
 * scheduler of a shared machine does meanwhile. */
static double cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void print_load(const char *when)
{
	char buf[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(buf, sizeof buf, f))
			snprintf(buf, sizeof buf, "?\n");
		fclose(f);
	}
	printf("load average %s: %s", when, buf);
}

/* Resident set size in KiB (Linux), or 0. */
static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t nq = argc > 2 ? strtoul(argv[2], NULL, 10) : 3000;
	char conninfo[4096], err[512], name[256], norm[NAMES_NORM_CAP];
	char **names = calloc(n, sizeof *names);
	double *t = calloc(nq, sizeof *t), *cpu = calloc(nq, sizeof *cpu), t0, c0;
	store *s;
	size_t i, batch = 5000, differ = 0, found = 0, flagged = 0, more = 0;
	char **queries = NULL, build_line[256] = "";
	json_t **answers = NULL;
	double build_ms;

	if (!names || !t || !cpu || n == 0 || nq == 0)
		return 2;
	store_default_conninfo(conninfo, sizeof conninfo);
	if (store_connect(conninfo, &s, err, sizeof err) || store_migrate(s)) {
		fprintf(stderr, "bench_integrity: %s\n", err[0] ? err : store_error(s));
		return 1;
	}
	names_init();
	/* Flags are append-only (even TRUNCATE is refused), so the benchmark
	 * wants a database of its own rather than emptying one. */
	{
		PGresult *r = store_exec(s, "SELECT count(*) FROM recruiters", 0, NULL);

		if (r && strcmp(PQgetvalue(r, 0, 0), "0") != 0)
			fprintf(stderr, "bench_integrity: the registry already holds %s recruiters;"
					" use a fresh database for comparable figures\n",
				PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	t0 = now_ms();
	for (i = 0; i < n; i += batch) {
		json_t *rows = json_array();
		char *text;
		size_t j;

		for (j = i; j < n && j < i + batch; j++) {
			char lic[32];

			make_name(name, sizeof name);
			names[j] = strdup(name);
			names_normalise(name, strlen(name), norm, sizeof norm);
			snprintf(lic, sizeof lic, "BN-%07zu", j);
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s}", "name", name, "norm",
							      norm, "lic", lic));
		}
		text = json_dumps(rows, JSON_COMPACT);
		json_decref(rows);
		if (!text ||
		    store_run(s,
			      "WITH r AS (INSERT INTO recruiters (name, name_norm, licence_number,"
			      " licence_norm, country, created_org)"
			      " SELECT x.name, x.norm, x.lic, replace(x.lic, '-', ''), 'ZA', 'bench'"
			      " FROM jsonb_to_recordset($1::jsonb) AS x(name text, norm text, lic text)"
			      " RETURNING id, name, name_norm)"
			      " INSERT INTO recruiter_names (recruiter, kind, label, norm)"
			      " SELECT id, 'name', name, name_norm FROM r",
			      1, (const char *const[]){text})) {
			fprintf(stderr, "bench_integrity: %s\n", store_error(s));
			return 1;
		}
		free(text);
	}
	store_run(s, "ANALYZE recruiters", 0, NULL);
	store_run(s, "ANALYZE recruiter_names", 0, NULL);
	printf("%zu recruiters registered in %.1f s\n", n, (now_ms() - t0) / 1e3);
	print_load("before the measurements");
	printf("\n");
	if (store_run(s,
		      "INSERT INTO flags (recruiter, severity, reason, authority)"
		      " SELECT id, 'warning', 'other', 'bench' FROM recruiters ORDER BY id LIMIT 1000",
		      0, NULL) ||
	    store_run(s,
		      "INSERT INTO flags (recruiter, severity, reason, authority)"
		      " SELECT id, 'blacklist', 'worker_fees', 'bench' FROM recruiters ORDER BY id LIMIT 100",
		      0, NULL) ||
	    integrity_refresh(s)) {
		fprintf(stderr, "bench_integrity: %s\n", store_error(s));
		return 1;
	}

	/* The queries, the same for both paths. */
	queries = calloc(nq, sizeof *queries);
	answers = calloc(nq, sizeof *answers);
	if (!queries || !answers)
		return 2;
	for (i = 0; i < nq; i++) {
		/* Every tenth query is about a flagged recruiter. */
		const char *base = names[i % 10 == 0 ? rnd() % (n < 1000 ? n : 1000) : rnd() % n];
		char q[256];

		switch (i % 3) {
		case 0: { /* same name, other legal form and case */
			char a[64] = "", b[64] = "";

			sscanf(base, "%63s %63s", a, b);
			snprintf(q, sizeof q, "%s %s MANPOWER SERVICES LTD", a, b);
			break;
		}
		case 1: /* one typo */
			snprintf(q, sizeof q, "%s", base);
			q[2] = q[2] == 'x' ? 'y' : 'x';
			break;
		default:
			make_name(q, sizeof q);
		}
		queries[i] = strdup(q);
		if (!queries[i])
			return 2;
	}

	printf("| operation | runs | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
	/* Baseline: today's SQL path. */
	for (i = 0; i < nq; i++) {
		problem p;

		problem_init(&p);
		t0 = now_ms();
		if (integrity_check_sql(s, queries[i], NULL, NULL, &answers[i], &p)) {
			fprintf(stderr, "bench_integrity: check '%s': %s\n", queries[i], p.detail);
			return 1;
		}
		t[i] = now_ms() - t0;
		problem_release(&p);
	}
	report("check by name, baseline: pg_trgm candidates in PostgreSQL + names_similarity", t, nq);

	/* The registry: built from PostgreSQL, then kept by the refresher. */
	{
		size_t recs, nnames, bytes;
		long rss0 = rss_kib();

		t0 = now_ms();
		if (integrity_registry_sync(s, 1)) {
			fprintf(stderr, "bench_integrity: loading the registry: %s\n", store_error(s));
			return 1;
		}
		build_ms = now_ms() - t0;
		integrity_registry_stats(&recs, &nnames, &bytes);
		snprintf(build_line, sizeof build_line,
			 "registry: %zu recruiters, %zu names, built in %.0f ms; %.1f MiB held"
			 " (process RSS +%.1f MiB)",
			 recs, nnames, build_ms, (double)bytes / 1048576.0,
			 (double)(rss_kib() - rss0) / 1024.0);
	}
	if (integrity_start(conninfo)) {
		fprintf(stderr, "bench_integrity: integrity_start failed\n");
		return 1;
	}
	for (i = 0; i < nq; i++) {
		json_t *out = NULL;
		problem p;

		problem_init(&p);
		c0 = cpu_ms();
		t0 = now_ms();
		if (integrity_check(s, queries[i], NULL, NULL, &out, &p)) {
			fprintf(stderr, "bench_integrity: check '%s': %s\n", queries[i], p.detail);
			return 1;
		}
		t[i] = now_ms() - t0;
		cpu[i] = cpu_ms() - c0;
		if (!json_equal(out, answers[i]) && !superset(out, answers[i])) {
			char *a = json_dumps(out, JSON_COMPACT), *b = json_dumps(answers[i], JSON_COMPACT);

			if (differ++ < 3)
				fprintf(stderr, "bench_integrity: '%s':\n  memory %s\n  sql    %s\n",
					queries[i], a ? a : "?", b ? b : "?");
			free(a);
			free(b);
		}
		else if (!json_equal(out, answers[i]))
			more++;
		if (json_array_size(json_object_get(out, "matches")))
			found++;
		if (json_array_size(json_object_get(out, "flags")))
			flagged++;
		json_decref(out);
		problem_release(&p);
	}
	report("check by name, in-memory registry (trigram postings + names_similarity)", t, nq);
	report("the same, thread CPU time (without time spent preempted)", cpu, nq);

	/* Acronyms of registered names ("BKM" for "Badu Kilo Manpower Ltd"):
	 * the acronym step reads every holder of the key, up to its bound. */
	for (i = 0; i < nq; i++) {
		char a[64] = "", b[64] = "", c[64] = "", q[8];
		json_t *out = NULL;
		problem p;

		sscanf(names[rnd() % n], "%63s %63s %63s", a, b, c);
		snprintf(q, sizeof q, "%c%c%c", a[0], b[0], c[0]);
		problem_init(&p);
		c0 = cpu_ms();
		t0 = now_ms();
		if (integrity_check(s, q, NULL, NULL, &out, &p)) {
			fprintf(stderr, "bench_integrity: check '%s': %s\n", q, p.detail);
			return 1;
		}
		t[i] = now_ms() - t0;
		cpu[i] = cpu_ms() - c0;
		json_decref(out);
		problem_release(&p);
	}
	report("check of an acronym (\"BKM\"), in-memory registry", t, nq);
	report("the same, thread CPU time", cpu, nq);

	/* A batch of 100 keyed queries (POST /v1/recruiters/check without
	 * HTTP), beside the same 100 checked one by one. */
	{
		size_t nb = nq / 100 > 20 ? nq / 100 : 20, b;
		double *tb = calloc(nb, sizeof *tb), *ts = calloc(nb, sizeof *ts);
		double *cb = calloc(nb, sizeof *cb), *cs = calloc(nb, sizeof *cs);

		if (!tb || !ts || !cb || !cs)
			return 2;
		for (b = 0; b < nb; b++) {
			json_t *in = json_object(), *qs = json_object(), *out = NULL;
			problem p;

			json_object_set_new(in, "queries", qs);
			for (size_t k = 0; k < 100; k++) {
				char key[16];

				snprintf(key, sizeof key, "q%zu", k);
				json_object_set_new(qs, key, json_pack("{s:s}", "name",
								       queries[(b * 100 + k) % nq]));
			}
			problem_init(&p);
			c0 = cpu_ms();
			t0 = now_ms();
			if (integrity_check_batch(s, in, &out, &p)) {
				fprintf(stderr, "bench_integrity: batch: %s\n", p.detail);
				return 1;
			}
			tb[b] = now_ms() - t0;
			cb[b] = cpu_ms() - c0;
			if (json_object_size(json_object_get(out, "results")) != 100) {
				fprintf(stderr, "bench_integrity: a batch of 100 answered otherwise\n");
				return 1;
			}
			json_decref(out);
			problem_release(&p);
			json_decref(in);
			c0 = cpu_ms();
			t0 = now_ms();
			for (size_t k = 0; k < 100; k++) {
				problem_init(&p);
				if (integrity_check(s, queries[(b * 100 + k) % nq], NULL, NULL, &out, &p))
					return 1;
				json_decref(out);
				problem_release(&p);
			}
			ts[b] = now_ms() - t0;
			cs[b] = cpu_ms() - c0;
		}
		report("batch of 100 keyed queries (integrity_check_batch)", tb, nb);
		report("the same, thread CPU time", cb, nb);
		report("the same 100 queries as 100 single checks", ts, nb);
		report("the same, thread CPU time", cs, nb);
		free(tb);
		free(ts);
		free(cb);
		free(cs);
	}

	/* By licence, both ways. */
	for (int way = 0; way < 2; way++) {
		uint64_t keep = rng;

		for (i = 0; i < nq; i++) {
			json_t *out = NULL;
			problem p;
			char lic[32];

			snprintf(lic, sizeof lic, "bn %07u", (unsigned)(rnd() % n));
			problem_init(&p);
			t0 = now_ms();
			if ((way ? integrity_check(s, NULL, lic, NULL, &out, &p)
				 : integrity_check_sql(s, NULL, lic, NULL, &out, &p)))
				return 1;
			t[i] = now_ms() - t0;
			json_decref(out);
			problem_release(&p);
		}
		if (!way)
			rng = keep;
		report(way ? "check by licence, in-memory registry" : "check by licence, baseline: PostgreSQL",
		       t, nq);
	}

	/* The snapshot verdict of a search hit: every flagged recruiter is
	 * compared, then the registry names a registered one. */
	{
		json_t *rec;
		struct integrity_verdict v;
		size_t k;

		t0 = now_ms();
		if (integrity_refresh(s))
			return 1;
		printf("| snapshot reload (1,000 flagged) | 1 | %.3f | | | |\n", now_ms() - t0);
		for (k = 0; k < nq; k++) {
			rec = json_pack("{s:{s:s}}", "recruiter", "name", names[rnd() % n]);
			t0 = now_ms();
			integrity_vacancy_verdict(rec, &v);
			t[k] = now_ms() - t0;
			integrity_verdict_release(&v);
			json_decref(rec);
		}
		report("snapshot verdict of one vacancy (1,000 flagged, then the registry)", t, nq);
		/* Search results repeat recruiters: the snapshot memoises its scan. */
		for (k = 0; k < nq; k++) {
			size_t pool = n > 1200 ? 200 : n;

			rec = json_pack("{s:{s:s}}", "recruiter", "name",
					names[n > 1200 ? 1000 + rnd() % pool : rnd() % pool]);
			t0 = now_ms();
			integrity_vacancy_verdict(rec, &v);
			t[k] = now_ms() - t0;
			integrity_verdict_release(&v);
			json_decref(rec);
		}
		report("the same, hits repeating 200 recruiters (memoised verdict)", t, nq);
	}
	printf("\n%s\n", build_line);
	print_load("after the measurements");
	printf("%zu queries: %zu with a match, %zu with flags; answers where the in-memory check"
	       " misses a match of the SQL path: %zu; where it finds more (exact keys, the token"
	       " index): %zu\n", nq, found, flagged, differ, more);
	integrity_stop();
	for (i = 0; i < n; i++)
		free(names[i]);
	for (i = 0; i < nq; i++) {
		free(queries[i]);
		json_decref(answers[i]);
	}
	free(queries);
	free(answers);
	free(names);
	free(t);
	free(cpu);
	store_close(s);
	return differ ? 1 : 0;
}
