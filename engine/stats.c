/*
 * stats.c - aggregate statistics with small-cell suppression (see
 * stats.h): reads the counts of fairmatch_stats, groups occupations into
 * ISCO-08 major groups and recruiters into verdicts, suppresses small cells
 * table by table and audits the query.
 */
#include "engine/stats.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/audit.h"
#include "engine/integrity/integrity.h"
#include "engine/taxonomy/taxonomy.h"

static atomic_int min_cell = STATS_MIN_CELL_DEFAULT;

int stats_parse_min_cell(const char *text)
{
	size_t n = text ? strlen(text) : 0;
	long v;

	if (n == 0 || n > 4 || strspn(text, "0123456789") != n)
		return -1;
	v = strtol(text, NULL, 10);
	return v >= STATS_MIN_CELL_FLOOR && v <= STATS_MIN_CELL_MAX ? (int)v : -1;
}

int stats_set_min_cell(int k)
{
	if (k < STATS_MIN_CELL_FLOOR || k > STATS_MIN_CELL_MAX)
		return -1;
	atomic_store(&min_cell, k);
	return 0;
}

int stats_min_cell(void)
{
	return atomic_load(&min_cell);
}

/* ---- suppression ---- */

void stats_suppress(struct stats_cell *cells, size_t n, long long total, int *total_suppressed,
		    long long k)
{
	long long sum = 0;
	size_t i, count = 0, best;

	*total_suppressed = 0;
	for (i = 0; i < n; i++)
		cells[i].suppressed = 0;
	if (total > 0 && total < k) {
		/* The whole table is a small cell; its zeros too, or they
		 * would tell what the few people have in common. */
		*total_suppressed = 1;
		for (i = 0; i < n; i++)
			cells[i].suppressed = 1;
		return;
	}
	for (i = 0; i < n; i++)
		if (cells[i].count > 0 && cells[i].count < k) {
			cells[i].suppressed = 1;
			sum += cells[i].count;
			count++;
		}
	/* Complements: a lone suppressed cell is the total minus the cells
	 * shown, and suppressed cells that add up to less than k are a small
	 * cell together. The smallest cell shown goes next, the first in the
	 * table's order on a tie. */
	while (count > 0 && (count == 1 || sum < k)) {
		best = n;
		for (i = 0; i < n; i++)
			if (!cells[i].suppressed && cells[i].count > 0 &&
			    (best == n || cells[i].count < cells[best].count))
				best = i;
		if (best == n)
			break;
		cells[best].suppressed = 1;
		sum += cells[best].count;
		count++;
	}
	/* No complement left (one cell only, or a multi-valued table whose
	 * cells cannot reach k): the total would give the cells away. */
	if (count > 0 && (count == 1 || sum < k))
		*total_suppressed = 1;
}

/* ---- building tables ---- */

struct table {
	struct stats_cell *cells;
	size_t n, cap;
	long long total;
	int multi; /* a record may count in several cells */
	int open;  /* its keys are the values present (countries), not a fixed list */
	/* quota listings: slots and closed, beside each cell */
	long long *slots;
	int *closed;
};

/* The cell of key, added with count 0 when absent; NULL when out of memory. */
static struct stats_cell *cell_of(struct table *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->cells[i].key, key) == 0)
			return &t->cells[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct stats_cell *c = realloc(t->cells, cap * sizeof *c);

		if (!c)
			return NULL;
		t->cells = c;
		t->cap = cap;
	}
	memset(&t->cells[t->n], 0, sizeof t->cells[t->n]);
	snprintf(t->cells[t->n].key, sizeof t->cells[t->n].key, "%s", key);
	return &t->cells[t->n++];
}

static int add(struct table *t, const char *key, long long n)
{
	struct stats_cell *c = cell_of(t, key);

	if (!c)
		return -1;
	c->count += n;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct stats_cell *)a)->key, ((const struct stats_cell *)b)->key);
}

/* The JSON of a table after suppression, k the minimum. */
static json_t *table_json(struct table *t, long long k)
{
	json_t *cells = json_array(), *c, *tab;
	int total_supp;
	size_t i, n;

	if (!cells)
		return NULL;
	stats_suppress(t->cells, t->n, t->total, &total_supp, k);
	/* A small table hides its zeros so that they do not tell what its few
	 * people have in common; when only the values present are keys, the
	 * keys would tell it ("all from ER"): none is listed. */
	n = t->open && t->total > 0 && t->total < k ? 0 : t->n;
	for (i = 0; i < n; i++) {
		const struct stats_cell *x = &t->cells[i];

		c = x->suppressed ? json_pack("{s:s, s:n, s:b}", "key", x->key, "count", "suppressed", 1)
				  : json_pack("{s:s, s:I, s:b}", "key", x->key, "count",
					      (json_int_t)x->count, "suppressed", 0);
		if (c && t->slots &&
		    (json_object_set_new(c, "slots", json_integer(t->slots[i])) ||
		     json_object_set_new(c, "closed", json_boolean(t->closed[i]))))
			json_decref(c), c = NULL;
		if (!c || json_array_append_new(cells, c)) {
			json_decref(cells);
			return NULL;
		}
	}
	tab = total_supp ? json_pack("{s:{s:n, s:b}, s:o, s:b}", "total", "count", "suppressed", 1,
				     "cells", cells, "multi_valued", t->multi)
			 : json_pack("{s:{s:I, s:b}, s:o, s:b}", "total", "count",
				     (json_int_t)t->total, "suppressed", 0, "cells", cells,
				     "multi_valued", t->multi);
	return tab;
}

static void table_free(struct table *t)
{
	free(t->cells);
	free(t->slots);
	free(t->closed);
	memset(t, 0, sizeof *t);
}

/* ---- reading the counts ---- */

enum {
	T_CITIZENSHIP, T_SEX, T_AGE, T_P_ISCO, T_DESTINATION,
	T_V_COUNTRY, T_V_ISCO, T_V_VERDICT, T_MATCHES, T_PLACEMENTS, T_QUOTAS, T_COUNT
};

/* The function's table names, in the order of the enum (quotas are read apart). */
static const char *const sql_tabs[] = {
	"p_citizenship", "p_sex", "p_age_band", "p_isco_major", "p_desired_country",
	"v_country", "v_isco_major", "v_recruiter", "matches_month", "placements_month",
};

static int bad_param(problem *p, const char *name, const char *msg)
{
	problem_set(p, PROBLEM_INVALID, "%s: %s", name, msg);
	problem_field(p, name, "format", "%s", msg);
	return -1;
}

/* {"<occupation>": "<ISCO-08 group>"} for the occupations of profiles and
 * open vacancies that are not 4-digit codes (ESCO URIs). */
static json_t *isco_map(store *s, problem *p)
{
	json_t *map = json_object();
	PGresult *r;
	char code[5];
	int i;

	r = store_exec(s, "SELECT o FROM fairmatch_stats_occupations() o", 0, NULL);
	if (!r || !map) {
		json_decref(map);
		if (r)
			PQclear(r);
		store_problem(s, p);
		return NULL;
	}
	for (i = 0; i < PQntuples(r); i++)
		if (taxonomy_isco_group(PQgetvalue(r, i, 0), code) > 0 &&
		    json_object_set_new(map, PQgetvalue(r, i, 0), json_string(code))) {
			json_decref(map);
			PQclear(r);
			problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
			return NULL;
		}
	PQclear(r);
	return map;
}

/* The verdict on a vacancy's recruiter (its JSON text; "" for direct hire);
 * an unknown name held for review counts apart (integrity.h). */
static const char *verdict_of(const integrity_snapshot *snap, const char *recruiter)
{
	struct integrity_verdict v = {0};
	json_t *rec;
	const char *name = "unknown";

	if (!*recruiter)
		return "direct_hire";
	rec = json_loads(recruiter, 0, NULL);
	if (rec && integrity_snapshot_verdict(snap, rec, &v) == 0)
		name = v.held[0] ? "held_for_review" : integrity_kind_name(v.kind);
	integrity_verdict_release(&v);
	json_decref(rec);
	return name;
}

/* Fills the tables that keep every category, zeros included, so a reader
 * sees which categories exist; months: the window, oldest first. */
static int fixed_cells(struct table *t, int months, char first[16])
{
	static const char *const sexes[] = {"female", "male", "other", "undisclosed", "not_given"};
	static const char *const ages[] = {"15-24", "25-34", "35-44", "45-54",
					   "55-64", "65+",   "not_given"};
	char key[16];
	time_t now = time(NULL);
	struct tm tm;
	int y, m, i;

	for (i = 0; i < 5; i++)
		if (add(&t[T_SEX], sexes[i], 0))
			return -1;
	for (i = 0; i < 7; i++)
		if (add(&t[T_AGE], ages[i], 0))
			return -1;
	for (i = 0; i <= 9; i++) {
		snprintf(key, sizeof key, "%d", i);
		if (add(&t[T_P_ISCO], key, 0) || add(&t[T_V_ISCO], key, 0))
			return -1;
	}
	gmtime_r(&now, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1 - (months - 1);
	while (m < 1) {
		m += 12;
		y--;
	}
	snprintf(first, 16, "%04d-%02d", y, m);
	for (i = 0; i < months; i++) {
		snprintf(key, sizeof key, "%04d-%02d", y, m);
		if (add(&t[T_MATCHES], key, 0) || add(&t[T_PLACEMENTS], key, 0))
			return -1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return 0;
}

/* Reads every count into t; 0 or -1 with the problem set. */
static int read_counts(store *s, struct table *t, int months, const char *first, problem *p)
{
	char months_s[16], from[24];
	integrity_snapshot *snap;
	json_t *map;
	char *map_text;
	PGresult *r;
	int i, j, rc = 0;

	if (!(map = isco_map(s, p)))
		return -1;
	map_text = json_dumps(map, JSON_COMPACT);
	json_decref(map);
	if (!map_text) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	snprintf(months_s, sizeof months_s, "%d", months);
	r = store_exec(s, "SELECT tab, cell, n FROM fairmatch_stats($1::int, $2::jsonb)", 2,
		       (const char *const[]){months_s, map_text});
	free(map_text);
	if (!r) {
		store_problem(s, p);
		return -1;
	}
	snap = integrity_snapshot_get();
	for (i = 0; rc == 0 && i < PQntuples(r); i++) {
		const char *tab = PQgetvalue(r, i, 0), *cell = PQgetvalue(r, i, 1);
		long long n = strtoll(PQgetvalue(r, i, 2), NULL, 10);

		if (strcmp(tab, "profiles") == 0) {
			for (j = T_CITIZENSHIP; j <= T_DESTINATION; j++)
				t[j].total = n;
			continue;
		}
		if (strcmp(tab, "vacancies") == 0) {
			for (j = T_V_COUNTRY; j <= T_V_VERDICT; j++)
				t[j].total = n;
			continue;
		}
		for (j = 0; j < (int)(sizeof sql_tabs / sizeof *sql_tabs); j++)
			if (strcmp(tab, sql_tabs[j]) == 0)
				break;
		if (j == T_V_VERDICT)
			rc = add(&t[j], verdict_of(snap, cell), n);
		else if (j < (int)(sizeof sql_tabs / sizeof *sql_tabs))
			rc = add(&t[j], cell, n);
		if (j == T_MATCHES || j == T_PLACEMENTS)
			t[j].total += n;
	}
	integrity_snapshot_put(snap);
	PQclear(r);
	if (rc) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}

	/* Quota use: listings open at some time in the window. */
	snprintf(from, sizeof from, "%s-01", first);
	r = store_exec(s,
		       "SELECT id, slots, slots_taken, closed_at IS NOT NULL FROM quotas"
		       " WHERE valid_until >= $1::date ORDER BY id",
		       1, (const char *const[]){from});
	if (!r) {
		store_problem(s, p);
		return -1;
	}
	j = PQntuples(r);
	t[T_QUOTAS].slots = calloc((size_t)j + 1, sizeof *t[T_QUOTAS].slots);
	t[T_QUOTAS].closed = calloc((size_t)j + 1, sizeof *t[T_QUOTAS].closed);
	for (i = 0; rc == 0 && i < j; i++) {
		char key[32];
		long long taken = strtoll(PQgetvalue(r, i, 2), NULL, 10);

		snprintf(key, sizeof key, "q_%s", PQgetvalue(r, i, 0));
		if (!t[T_QUOTAS].slots || !t[T_QUOTAS].closed || add(&t[T_QUOTAS], key, taken)) {
			rc = -1;
			break;
		}
		t[T_QUOTAS].slots[t[T_QUOTAS].n - 1] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		t[T_QUOTAS].closed[t[T_QUOTAS].n - 1] = PQgetvalue(r, i, 3)[0] == 't';
		t[T_QUOTAS].total += taken;
	}
	PQclear(r);
	if (rc) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	return 0;
}

/* Cells in order: the fixed categories as filled, the others by key. */
static void order(struct table *t)
{
	for (int i = 0; i < T_COUNT; i++)
		/* An empty table has no cells array (qsort wants one). */
		if (t[i].open && t[i].n)
			qsort(t[i].cells, t[i].n, sizeof *t[i].cells, by_key);
}

static json_t *answer_of(struct table *t, int months, const char *first, int k)
{
	json_t *tj[T_COUNT];
	char generated[24], last[8];
	time_t now = time(NULL);
	struct tm tm;
	json_t *a = NULL;
	int i;

	for (i = 0; i < T_COUNT; i++)
		tj[i] = table_json(&t[i], k);
	for (i = 0; i < T_COUNT; i++)
		if (!tj[i])
			goto out;
	gmtime_r(&now, &tm);
	strftime(generated, sizeof generated, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(last, sizeof last, "%Y-%m", &tm);
	a = json_pack("{s:i, s:i, s:s, s:s, s:s,"
		      " s:{s:O, s:O, s:O, s:O, s:O}, s:{s:O, s:O, s:O},"
		      " s:{s:O}, s:{s:O}, s:{s:O}}",
		      "min_cell", k, "months", months, "from", first, "to", last, "generated_at",
		      generated, "profiles", "by_citizenship", tj[T_CITIZENSHIP], "by_sex", tj[T_SEX],
		      "by_age_band", tj[T_AGE], "by_isco_major", tj[T_P_ISCO], "by_desired_country",
		      tj[T_DESTINATION], "vacancies", "by_country", tj[T_V_COUNTRY], "by_isco_major",
		      tj[T_V_ISCO], "by_recruiter_verdict", tj[T_V_VERDICT], "matches", "by_month",
		      tj[T_MATCHES], "placements", "by_month", tj[T_PLACEMENTS], "quotas",
		      "by_listing", tj[T_QUOTAS]);
out:
	for (i = 0; i < T_COUNT; i++)
		json_decref(tj[i]);
	return a;
}

int stats_get(store *s, const struct principal *who, const struct stats_query *q, json_t **out,
	      problem *p)
{
	return stats_get_from(s, s, who, q, out, p);
}

int stats_get_from(store *read, store *s, const struct principal *who,
		   const struct stats_query *q, json_t **out, problem *p)
{
	struct table t[T_COUNT];
	char first[16];
	int months = STATS_MONTHS_DEFAULT, k = stats_min_cell(), i, rc = -1;
	json_t *detail;

	*out = NULL;
	if (q->months) {
		size_t n = strlen(q->months);

		if (n < 1 || n > 3 || strspn(q->months, "0123456789") != n ||
		    (months = atoi(q->months)) < 1 || months > STATS_MONTHS_MAX)
			return bad_param(p, "months", "must be a whole number from 1 to 120");
	}
	memset(t, 0, sizeof t);
	t[T_P_ISCO].multi = t[T_DESTINATION].multi = 1;
	t[T_CITIZENSHIP].open = t[T_DESTINATION].open = t[T_V_COUNTRY].open = 1;
	t[T_V_VERDICT].open = 1;
	if (fixed_cells(t, months, first)) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		goto out;
	}
	if (store_begin(read) || read_counts(read, t, months, first, p)) {
		store_fail(read, p, NULL);
		goto out;
	}
	/* Counted on a replica: its read-only transaction ends here, and
	 * the audit row goes to the primary (s) in a transaction of its own. */
	if (read != s && store_commit(read)) {
		store_fail(read, p, NULL);
		goto out;
	}
	if (read != s && store_begin(s)) {
		store_fail(s, p, NULL);
		goto out;
	}
	order(t);
	*out = answer_of(t, months, first, k);
	detail = json_pack("{s:i, s:i}", "min_cell", k, "months", months);
	if (!*out || !detail) {
		json_decref(detail);
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		store_fail(s, p, out);
		goto out;
	}
	/* The statistics are answered only once their audit row is in. */
	rc = audit_write_commit(s, who, "stats.read", NULL, detail);
	json_decref(detail);
	if (rc)
		store_fail(s, p, out);
out:
	for (i = 0; i < T_COUNT; i++)
		table_free(&t[i]);
	return rc;
}
