/*
 * bench_integrity.c - latency of the recruiter check (integrity_check) in
 * process, against real PostgreSQL with N synthetic recruiters registered
 * (default 100,000), and of the snapshot verdict used on every search hit.
 *
 * Names are made from a fixed-seed generator (two pseudo-words, a trade
 * word, a legal form) and registered in bulk with their normalised forms,
 * as integrity_recruiter_create would store them. The queries are a third
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

#include "engine/integrity.h"
#include "engine/names.h"

static uint64_t rng = 88172645463325252ull;

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

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t nq = argc > 2 ? strtoul(argv[2], NULL, 10) : 3000;
	char conninfo[4096], err[512], name[256], norm[NAMES_NORM_CAP];
	char **names = calloc(n, sizeof *names);
	double *t = calloc(nq, sizeof *t), t0;
	store *s;
	size_t i, batch = 5000;

	if (!names || !t || n == 0 || nq == 0)
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
	printf("%zu recruiters registered in %.1f s\n\n", n, (now_ms() - t0) / 1e3);
	printf("| operation | runs | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");

	for (i = 0; i < nq; i++) {
		json_t *out = NULL;
		problem p;
		const char *base = names[rnd() % n];
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
		problem_init(&p);
		t0 = now_ms();
		if (integrity_check(s, q, NULL, NULL, &out, &p)) {
			fprintf(stderr, "bench_integrity: check '%s': %s\n", q, p.detail);
			return 1;
		}
		t[i] = now_ms() - t0;
		json_decref(out);
		problem_release(&p);
	}
	report("check by name (PostgreSQL pg_trgm + names_similarity)", t, nq);
	for (i = 0; i < nq; i++) {
		json_t *out = NULL;
		problem p;
		char lic[32];

		snprintf(lic, sizeof lic, "bn %07u", (unsigned)(rnd() % n));
		problem_init(&p);
		t0 = now_ms();
		if (integrity_check(s, NULL, lic, NULL, &out, &p))
			return 1;
		t[i] = now_ms() - t0;
		json_decref(out);
		problem_release(&p);
	}
	report("check by licence", t, nq);

	/* The snapshot verdict of a search hit, with 1,000 flagged recruiters. */
	{
		json_t *rec;
		struct integrity_verdict v;
		size_t k;

		if (store_run(s,
			      "INSERT INTO flags (recruiter, severity, reason, authority)"
			      " SELECT id, 'warning', 'other', 'bench' FROM recruiters ORDER BY id LIMIT 1000",
			      0, NULL) ||
		    integrity_refresh(s)) {
			fprintf(stderr, "bench_integrity: %s\n", store_error(s));
			return 1;
		}
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
		report("snapshot verdict of one vacancy (1,000 flagged)", t, nq);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(t);
	store_close(s);
	return 0;
}
