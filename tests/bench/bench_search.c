/*
 * bench_search.c - in-process search latency: fairmatch's index against a
 * PostgreSQL full-text baseline, on the same queries and filters.
 *
 * Not a test (make check does not run it): tests/bench/bench.sh builds it with
 * `make build/release/tests/bench_search` and runs it after an import.
 *
 * The query set is drawn, with a fixed seed, from vacancies that are
 * actually in the database: 1 to 3 consecutive words of a real title or of
 * a skill label named in a description, with that vacancy's own country
 * and one of its own languages as filters, so every query has at least one
 * answer. Each query then runs three ways, interleaved so that noise on a
 * shared machine falls on all three alike:
 *
 *   fairmatch   search_build_query + index_search, exactly what
 *               GET /v1/vacancies runs (BM25, the server's limit + 1)
 *   naive       the same words as a plain OR query AND'ed with the filter
 *               terms (no FILTER operator), to show what the query design buys
 *   postgres    plainto_tsquery('english', q) @@ tsv with the same filters,
 *               ORDER BY ts_rank DESC, through libpq (PQexecParams)
 *
 * A warm-up pass over the queries comes first and is not timed. It prints
 * p50/p95/p99/mean per engine, the average number of hits, and the overlap
 * of the two engines' top 20 as a sanity figure (the engines rank
 * differently, and plainto_tsquery requires every word while fairmatch's
 * text query is an OR, so the overlap is not expected to be 100%).
 *
 * Lines starting with "result " are meant for scripts:
 *   result ENGINE p50 p95 p99 mean avg_hits     (milliseconds)
 *   result overlap FRACTION
 *
 * usage: bench_search --db CONNINFO --index DIR [--queries N] [--seed S]
 *                     [--warmup N] [--urls FILE] [--no-naive] [--no-pg] [--slowest K]
 *
 * --slowest K lists fairmatch's K slowest queries (to see what the tail is).
 * --matcher adds a row "matcher": fairmatch's query answered by Xapian's
 * matcher (index_search_opts.xapian_matcher), as before the wrapper's own
 * BM25 evaluator (index/bm25.cc), and counts the queries whose top hits
 * (docids and order) differ between the two.
 * --cpu times each query by the thread's CPU time instead of the wall
 * clock (steadier on a shared machine; waits for I/O are left out).
 * --queries-from FILE reads the queries from a file --urls wrote (a kept
 * bench run's urls.txt) instead of drawing them: with --no-pg no database
 * is needed (--db is then not read).
 * --keep-match-lists reads the match's lists into memory before the
 * warm-up (match_keep_lists), as a server that also matches does at start:
 * the search with the part of the postings budget they take.
 */
#include <ctype.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "engine/core/iso.h"
#include "engine/search.h"
#include "engine/match/match.h"
#include "index/index.h"
#include "index/schema.h"

#define LIMIT 20
#define MAX_WORDS 3

struct query {
	char text[128];
	char country[3];
	char language[3];
};

struct engine_stats {
	const char *name;
	double *ms;
	double hits;
	size_t errors;
};

/* splitmix64: small, seedable, the same sequence everywhere. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng_next() % n) : 0;
}

static int cpu_clock; /* --cpu */

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static const char *const stop_words[] = {"and", "the", "for", "with", "of", "in", "to", "a",
					 "an", "or", "on", "at", "by", "as", "is", "be", NULL};

static int is_stop(const char *w)
{
	for (size_t i = 0; stop_words[i]; i++)
		if (strcmp(w, stop_words[i]) == 0)
			return 1;
	return 0;
}

/* Splits s into lowercase alphabetic words of 3+ letters, stop words
 * dropped; returns how many (at most max). */
static size_t words_of(const char *s, size_t len, char words[][32], size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t k = 0;

		while (i < len && !isalpha((unsigned char)s[i]))
			i++;
		while (i < len && isalpha((unsigned char)s[i])) {
			if (k < 31)
				words[n][k++] = (char)tolower((unsigned char)s[i]);
			i++;
		}
		words[n][k] = '\0';
		if (k >= 3 && !is_stop(words[n]))
			n++;
	}
	return n;
}

/* 1..3 consecutive words of the title or of one skill label listed after
 * "Required skills:" in the description. 0 when nothing usable. */
static int make_text(const char *title, const char *desc, char *out, size_t outlen)
{
	char words[24][32];
	size_t n = 0, take, start, i;
	const char *sk = desc ? strstr(desc, "Required skills:") : NULL;

	if (sk && rng_below(2)) {
		/* Pick one label of the comma-separated list. */
		const char *p = sk + 16, *end = strchr(p, '.');
		size_t labels = 1, want;

		if (!end)
			end = p + strlen(p);
		for (const char *c = p; c < end; c++)
			labels += *c == ',';
		want = rng_below(labels);
		for (i = 0; i < want; i++) {
			const char *c = memchr(p, ',', (size_t)(end - p));

			if (!c)
				break;
			p = c + 1;
		}
		{
			const char *c = memchr(p, ',', (size_t)(end - p));
			size_t len = (size_t)((c ? c : end) - p);

			if (len > 4 && strncmp(p, " and ", 5) == 0) {
				p += 5;
				len -= 5;
			}
			n = words_of(p, len, words, 24);
		}
	}
	if (n == 0 && title)
		n = words_of(title, strlen(title), words, 24);
	if (n == 0)
		return 0;
	take = 1 + rng_below(MAX_WORDS);
	if (take > n)
		take = n;
	start = rng_below(n - take + 1);
	out[0] = '\0';
	for (i = 0; i < take; i++) {
		size_t l = strlen(out);

		snprintf(out + l, outlen - l, "%s%s", i ? " " : "", words[start + i]);
	}
	return 1;
}

/* Draws nq queries from open, current vacancies picked at random ids. */
static struct query *make_queries(PGconn *pg, size_t nq, size_t *got)
{
	struct query *qs = calloc(nq, sizeof *qs);
	PGresult *r;
	int64_t lo, hi;
	size_t n = 0, tries = 0;

	*got = 0;
	if (!qs)
		return NULL;
	r = PQexec(pg, "SELECT min(id), max(id) FROM vacancies");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQgetisnull(r, 0, 0)) {
		fprintf(stderr, "bench_search: no vacancies: %s", PQerrorMessage(pg));
		PQclear(r);
		free(qs);
		return NULL;
	}
	lo = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	hi = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	while (n < nq && tries++ < 20) {
		/* One round trip for a block of random ids (sorted, for the reader). */
		size_t want = (nq - n) * 2 + 16, i, len = 0, cap = want * 21 + 4;
		int64_t *ids = calloc(want, sizeof *ids);
		char *arr = malloc(cap);

		if (!ids || !arr) {
			free(ids);
			free(arr);
			break;
		}
		for (i = 0; i < want; i++)
			ids[i] = lo + (int64_t)rng_below((size_t)(hi - lo + 1));
		qsort(ids, want, sizeof *ids, cmp_i64);
		len += (size_t)snprintf(arr + len, cap - len, "{");
		for (i = 0; i < want; i++)
			len += (size_t)snprintf(arr + len, cap - len, "%s%lld", i ? "," : "",
						(long long)ids[i]);
		snprintf(arr + len, cap - len, "}");
		r = PQexecParams(pg,
				 "SELECT doc->>'title', doc->>'description', country,"
				 " (SELECT string_agg(l->>'code', ',' ORDER BY l->>'code')"
				 "    FROM jsonb_array_elements(doc->'languages') l)"
				 " FROM vacancies WHERE id = ANY($1::bigint[]) AND status = 'open'"
				 " AND positions > 0 AND valid_until >= current_date ORDER BY id",
				 1, NULL, (const char *const[]){arr}, NULL, NULL, 0);
		free(ids);
		free(arr);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "bench_search: sampling vacancies: %s", PQerrorMessage(pg));
			PQclear(r);
			break;
		}
		for (int row = 0; row < PQntuples(r) && n < nq; row++) {
			struct query *q = &qs[n];
			const char *langs = PQgetvalue(r, row, 3);
			size_t nl = 0;

			if (PQgetisnull(r, row, 3) || !*langs)
				continue;
			if (!make_text(PQgetvalue(r, row, 0), PQgetvalue(r, row, 1), q->text,
				       sizeof q->text))
				continue;
			snprintf(q->country, sizeof q->country, "%s", PQgetvalue(r, row, 2));
			for (const char *c = langs; *c; c++)
				nl += *c == ',';
			snprintf(q->language, sizeof q->language, "%s", langs + 3 * rng_below(nl + 1));
			n++;
		}
		PQclear(r);
	}
	*got = n;
	return qs;
}

/* The vacancy id number in a hit's document data ("id":"v_123"). */
static int64_t hit_id(const index_hit *h)
{
	json_t *v = json_loadb(h->data, h->data_len, 0, NULL);
	const char *id = json_string_value(json_object_get(v, "id"));
	int64_t out = id && strncmp(id, "v_", 2) == 0 ? strtoll(id + 2, NULL, 10) : -1;

	json_decref(v);
	return out;
}

/* fairmatch's own path; ids (may be NULL) gets the top LIMIT ids, decoded
 * after *ms (build + search + the hits' data copied out) is taken; docids
 * (may be NULL) the top LIMIT docids. xapian: Xapian's matcher answers. */
static int run_fairmatch(index_db *db, const struct query *q, int xapian, int64_t *ids,
			 uint32_t *docids, size_t *nids, double *ms)
{
	double t0 = now_ms();
	struct vacancy_query vq = {.q = q->text, .country = q->country, .language = q->language};
	index_search_opts o = {.limit = LIMIT + 1, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25,
			       .xapian_matcher = xapian};
	index_results *res = NULL;
	index_error e = {{0}};
	index_query *xq;
	problem p;
	int rc;

	problem_init(&p);
	xq = search_build_query(&vq, &p);
	problem_release(&p);
	if (!xq)
		return -1;
	rc = index_search(db, xq, &o, &res, &e);
	index_query_free(xq);
	if (rc) {
		fprintf(stderr, "bench_search: %s\n", e.msg);
		return -1;
	}
	*ms = now_ms() - t0;
	*nids = index_results_count(res) > LIMIT ? LIMIT : index_results_count(res);
	if (ids)
		for (size_t i = 0; i < *nids; i++)
			ids[i] = hit_id(index_results_hit(res, i));
	if (docids)
		for (size_t i = 0; i < *nids; i++)
			docids[i] = index_results_hit(res, i)->docid;
	index_results_free(res);
	return 0;
}

/* The naive design: OR of the words, AND'ed with every filter as a plain
 * sub-query, so the matcher treats the filters like weighted terms. */
static int run_naive(index_db *db, const struct query *q, size_t *nids, double *ms)
{
	double t0 = now_ms();
	index_search_opts o = {.limit = LIMIT + 1, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25};
	index_results *res = NULL;
	index_error e = {{0}};
	index_query *subs[4], *all;
	char ct[16], lt[16], today[11];
	int rc;

	snprintf(ct, sizeof ct, "%s%s", VX_COUNTRY, q->country);
	snprintf(lt, sizeof lt, "%s%s", VX_LANGUAGE, q->language);
	iso_today(today);
	subs[0] = index_query_parse(q->text, "en", "", INDEX_PARSE_STEM_ALL, &e);
	subs[1] = index_query_term(ct, 1);
	subs[2] = index_query_term(lt, 1);
	subs[3] = index_query_value_range(VX_SLOT_VALID_UNTIL, today, NULL);
	all = index_query_combine(INDEX_OP_AND, subs, 4);
	for (int i = 0; i < 4; i++)
		index_query_free(subs[i]);
	if (!all)
		return -1;
	rc = index_search(db, all, &o, &res, &e);
	index_query_free(all);
	if (rc)
		return -1;
	*ms = now_ms() - t0;
	*nids = index_results_count(res) > LIMIT ? LIMIT : index_results_count(res);
	index_results_free(res);
	return 0;
}

/* One %XX escape or '+' of a query string decoded. */
static int url_char(const char **s)
{
	const char *p = *s;

	if (*p == '+') {
		*s = p + 1;
		return ' ';
	}
	if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
		char h[3] = {p[1], p[2], '\0'};

		*s = p + 3;
		return (int)strtol(h, NULL, 16);
	}
	*s = p + 1;
	return (unsigned char)*p;
}

/* The value of parameter name= in a URL's query string into out (decoded). */
static int url_param(const char *url, const char *name, char *out, size_t outlen)
{
	const char *q = strchr(url, '?'), *p;
	size_t n = strlen(name), k = 0;

	for (p = q; p; p = strchr(p + 1, '&'))
		if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=')
			break;
	if (!p || outlen == 0)
		return -1;
	for (p += 2 + n; *p && *p != '&' && *p != '\n';) {
		int c = url_char(&p);

		if (k + 1 >= outlen)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return 0;
}

/* Up to nq queries from a file of search URLs (--urls). */
static struct query *read_queries(const char *path, size_t nq, size_t *got)
{
	struct query *qs = calloc(nq, sizeof *qs);
	FILE *f = fopen(path, "r");
	char line[1024];

	*got = 0;
	if (!qs || !f) {
		if (!f)
			perror(path);
		free(qs);
		if (f)
			fclose(f);
		return NULL;
	}
	while (*got < nq && fgets(line, sizeof line, f)) {
		struct query *q = &qs[*got];

		if (url_param(line, "q", q->text, sizeof q->text) == 0 &&
		    url_param(line, "country", q->country, sizeof q->country) == 0 &&
		    url_param(line, "language", q->language, sizeof q->language) == 0)
			(*got)++;
	}
	fclose(f);
	return qs;
}

static const char pg_sql[] =
	"SELECT v.id, v.doc::text, ts_rank(v.tsv, q) AS rank"
	" FROM vacancies v, plainto_tsquery('english', $1) q"
	" WHERE v.tsv @@ q AND v.country = $2 AND v.languages @> ARRAY[$3]::text[]"
	"   AND v.valid_until >= current_date AND v.status = 'open' AND v.positions > 0"
	" ORDER BY rank DESC, v.id LIMIT 20";

static int run_pg(PGconn *pg, const struct query *q, int64_t *ids, size_t *nids, double *ms)
{
	double t0 = now_ms();
	PGresult *r = PQexecParams(pg, pg_sql, 3, NULL,
				   (const char *const[]){q->text, q->country, q->language}, NULL,
				   NULL, 0);
	int n;

	*ms = now_ms() - t0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench_search: postgres: %s", PQerrorMessage(pg));
		PQclear(r);
		return -1;
	}
	n = PQntuples(r);
	*nids = (size_t)n;
	if (ids)
		for (int i = 0; i < n && i < LIMIT; i++)
			ids[i] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* "text-search query contains only stop words" is expected for a few
 * drawn queries; PostgreSQL then finds nothing, which the figures show. */
static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void url_encode(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			fputc(c, f);
		else if (c == ' ')
			fputc('+', f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static void report(struct engine_stats *s, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += s->ms[i];
	qsort(s->ms, n, sizeof *s->ms, cmp_double);
	printf("  %-10s %9.2f %9.2f %9.2f %9.2f %9.1f %7zu\n", s->name, pct(s->ms, n, 50),
	       pct(s->ms, n, 95), pct(s->ms, n, 99), n ? sum / (double)n : 0,
	       n ? s->hits / (double)n : 0, s->errors);
}

static void result_line(const struct engine_stats *s, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += s->ms[i];
	printf("result %s %.3f %.3f %.3f %.3f %.1f\n", s->name, pct(s->ms, n, 50),
	       pct(s->ms, n, 95), pct(s->ms, n, 99), n ? sum / (double)n : 0,
	       n ? s->hits / (double)n : 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", 1, 0, 'd'},     {"index", 1, 0, 'i'},    {"queries", 1, 0, 'n'},
		{"seed", 1, 0, 's'},   {"warmup", 1, 0, 'w'},   {"urls", 1, 0, 'u'},
		{"no-naive", 0, 0, 'N'}, {"no-pg", 0, 0, 'P'}, {"slowest", 1, 0, 'k'},
		{"matcher", 0, 0, 'M'}, {"cpu", 0, 0, 'C'}, {"help", 0, 0, 'h'},
		{"queries-from", 1, 0, 'F'}, {"keep-match-lists", 0, 0, 'K'},
		{0, 0, 0, 0}};
	const char *conninfo = NULL, *index_path = NULL, *urls = NULL, *from = NULL;
	int keep_match = 0;
	size_t nq = 5000, got = 0, warm = (size_t)-1, i, overlap_n = 0, slowest = 0;
	int o, do_naive = 1, do_pg = 1, do_matcher = 0, rc = 1;
	size_t differ = 0;
	double overlap = 0;
	struct engine_stats fm = {.name = "fairmatch"}, nv = {.name = "naive"}, pgs = {.name = "postgres"},
			    xm = {.name = "matcher"};
	struct query *qs = NULL;
	index_db *db = NULL;
	index_error e = {{0}};
	PGconn *pg = NULL;
	PGresult *r;

	rng_state = 20260;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': conninfo = optarg; break;
		case 'i': index_path = optarg; break;
		case 'n': nq = strtoul(optarg, NULL, 10); break;
		case 's': rng_state = strtoull(optarg, NULL, 10); break;
		case 'w': warm = strtoul(optarg, NULL, 10); break;
		case 'u': urls = optarg; break;
		case 'N': do_naive = 0; break;
		case 'P': do_pg = 0; break;
		case 'k': slowest = strtoul(optarg, NULL, 10); break;
		case 'M': do_matcher = 1; break;
		case 'C': cpu_clock = 1; break;
		case 'F': from = optarg; break;
		case 'K': keep_match = 1; break;
		default:
			fprintf(stderr, "usage: bench_search --db CONNINFO --index DIR [--queries N] [--seed S]\n"
					"                    [--warmup N] [--urls FILE] [--no-naive] [--no-pg]\n"
					"                    [--slowest K] [--matcher] [--cpu]\n"
					"                    [--queries-from URLS] [--keep-match-lists]\n");
			return o == 'h' ? 0 : 2;
		}
	}
	if ((!conninfo && (do_pg || !from)) || !index_path || nq == 0) {
		fprintf(stderr, "bench_search: --db (unless --queries-from with --no-pg) and --index are required\n");
		return 2;
	}
	if (conninfo && (do_pg || !from)) {
		pg = PQconnectdb(conninfo);
		if (PQstatus(pg) != CONNECTION_OK) {
			fprintf(stderr, "bench_search: %s", PQerrorMessage(pg));
			goto out;
		}
		PQsetNoticeProcessor(pg, quiet_notice, NULL);
		/* Bounded: a pathological query must not stall the whole run. */
		PQclear(PQexec(pg, "SET statement_timeout = '30s'"));
	}
	if (index_open_readonly(index_path, &db, &e)) {
		fprintf(stderr, "bench_search: opening %s: %s\n", index_path, e.msg);
		goto out;
	}
	if (keep_match) {
		uint64_t kept = 0;
		double t1 = now_ms();

		if (match_keep_lists(db, &kept, &e)) {
			fprintf(stderr, "bench_search: %s: %s\n", index_path, e.msg);
			goto out;
		}
		fprintf(stderr, "%llu posting lists of the match kept in %.0f ms\n",
			(unsigned long long)kept, now_ms() - t1);
	}
	qs = from ? read_queries(from, nq, &got) : make_queries(pg, nq, &got);
	if (!qs || got < nq) {
		fprintf(stderr, "bench_search: only %zu of %zu queries could be drawn\n", got, nq);
		goto out;
	}
	if (urls) {
		FILE *f = fopen(urls, "w");

		if (!f) {
			perror(urls);
			goto out;
		}
		for (i = 0; i < nq; i++) {
			fputs("/v1/vacancies?q=", f);
			url_encode(f, qs[i].text);
			fprintf(f, "&country=%s&language=%s\n", qs[i].country, qs[i].language);
		}
		if (fclose(f)) {
			perror(urls);
			goto out;
		}
	}
	if (do_pg) {
		/* The baseline must exist; say so plainly when it does not. */
		r = PQexec(pg, "SELECT 1 FROM information_schema.columns"
			       " WHERE table_name = 'vacancies' AND column_name = 'tsv'");
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			fprintf(stderr, "bench_search: no tsv column: build the baseline first (tests/bench/bench.sh)\n");
			PQclear(r);
			goto out;
		}
		PQclear(r);
	}
	fm.ms = calloc(nq, sizeof(double));
	nv.ms = calloc(nq, sizeof(double));
	pgs.ms = calloc(nq, sizeof(double));
	xm.ms = calloc(nq, sizeof(double));
	if (!fm.ms || !nv.ms || !pgs.ms || !xm.ms)
		goto out;

	/* Warm-up: every engine sees the queries once, untimed. */
	if (warm > nq)
		warm = nq;
	for (i = 0; i < warm; i++) {
		size_t n;
		double ms;

		run_fairmatch(db, &qs[i], 0, NULL, NULL, &n, &ms);
		if (do_matcher)
			run_fairmatch(db, &qs[i], 1, NULL, NULL, &n, &ms);
		if (do_naive)
			run_naive(db, &qs[i], &n, &ms);
		if (do_pg)
			run_pg(pg, &qs[i], NULL, &n, &ms);
	}

	for (i = 0; i < nq; i++) {
		int64_t xi[LIMIT], pi[LIMIT];
		size_t nx = 0, np = 0, nn = 0, same = 0;

		uint32_t da[LIMIT], db_[LIMIT];
		size_t nm = 0;

		if (run_fairmatch(db, &qs[i], 0, xi, da, &nx, &fm.ms[i]))
			fm.errors++;
		fm.hits += (double)nx;
		if (do_matcher) {
			if (run_fairmatch(db, &qs[i], 1, NULL, db_, &nm, &xm.ms[i]))
				xm.errors++;
			xm.hits += (double)nm;
			if (nm != nx || memcmp(da, db_, nx * sizeof *da) != 0) {
				if (differ++ < 5)
					fprintf(stderr, "bench_search: q=\"%s\" %s %s: the evaluator's top"
							" %zu differs from the matcher's %zu\n",
						qs[i].text, qs[i].country, qs[i].language, nx, nm);
			}
		}
		if (do_naive) {
			if (run_naive(db, &qs[i], &nn, &nv.ms[i]))
				nv.errors++;
			nv.hits += (double)nn;
		}
		if (do_pg) {
			if (run_pg(pg, &qs[i], pi, &np, &pgs.ms[i]))
				pgs.errors++;
			pgs.hits += (double)np;
			/* Overlap of the top 20 (the decoding is outside the timings). */
			if (np > 0) {
				for (size_t a = 0; a < np; a++)
					for (size_t b = 0; b < nx; b++)
						if (pi[a] == xi[b]) {
							same++;
							break;
						}
				overlap += (double)same / (double)np;
				overlap_n++;
			}
		}
	}

	if (slowest) {
		/* Selection of the K largest times, before report() sorts them away. */
		char *seen = calloc(nq, 1);

		printf("fairmatch's %zu slowest queries:\n", slowest);
		for (size_t k = 0; seen && k < slowest && k < nq; k++) {
			size_t best = nq;

			for (i = 0; i < nq; i++)
				if (!seen[i] && (best == nq || fm.ms[i] > fm.ms[best]))
					best = i;
			seen[best] = 1;
			printf("  %8.2f ms (postgres %8.2f ms)  q=\"%s\" country=%s language=%s\n",
			       fm.ms[best], do_pg ? pgs.ms[best] : 0.0, qs[best].text, qs[best].country,
			       qs[best].language);
		}
		free(seen);
	}

	printf("%zu queries (1-3 words from real titles and skill labels, country + language filter,"
	       " top %d), after a warm-up pass over %zu\n",
	       nq, LIMIT, warm);
	printf("  %-10s %9s %9s %9s %9s %9s %7s\n", "engine", "p50 ms", "p95 ms", "p99 ms",
	       "mean ms", "avg hits", "errors");
	report(&fm, nq);
	if (do_matcher)
		report(&xm, nq);
	if (do_naive)
		report(&nv, nq);
	if (do_pg)
		report(&pgs, nq);
	if (do_pg)
		printf("  top-20 overlap: %.1f%% of PostgreSQL's hits are in fairmatch's top 20"
		       " (%zu queries with PostgreSQL hits)\n",
		       overlap_n ? 100.0 * overlap / (double)overlap_n : 0.0, overlap_n);
	/* report() sorted the arrays; percentiles are order-free, the mean too. */
	result_line(&fm, nq);
	if (do_matcher) {
		result_line(&xm, nq);
		printf("result differ %zu\n", differ);
	}
	if (do_naive)
		result_line(&nv, nq);
	if (do_pg) {
		result_line(&pgs, nq);
		printf("result overlap %.4f\n", overlap_n ? overlap / (double)overlap_n : 0.0);
	}
	rc = fm.errors || nv.errors || pgs.errors || xm.errors ? 1 : 0;
out:
	free(xm.ms);
	free(fm.ms);
	free(nv.ms);
	free(pgs.ms);
	free(qs);
	index_close(db);
	PQfinish(pg);
	return rc;
}
