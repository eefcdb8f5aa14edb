/*
 * eval_match.c - how good is the matcher? A labelled set built from the
 * real ESCO occupation-skill relations, scored with NDCG@10, MRR and
 * recall@20, against plain BM25 over the vacancy text in the same run.
 *
 * The collection: the seeded sample vacancies (data/sample.h) plus, for
 * each evaluated occupation, EXACT_PER_OCC vacancies of that occupation and
 * up to SIBLING_PER_OCC of other occupations of its ISCO-08 unit group, all
 * written like the sample ones (title = occupation label, description =
 * the occupation's description and its required skills' labels). The
 * profile of an evaluated occupation holds its essential skills with about
 * DROP_PCT% dropped (at least two kept) and NOISE skills drawn at random
 * from all of ESCO; half the profiles also name the occupation's ISCO-08
 * unit group. Relevance: 2 for a vacancy of the same ESCO occupation, 1 for
 * one of the same unit group (or a vacancy giving only that ISCO code), 0
 * otherwise. Language requirements are removed from every vacancy: the
 * language rule is a hard ordering tested in test_match, not a relevance
 * signal here.
 *
 * The index is built in-process with the indexer's own document builder
 * (no PostgreSQL needed), under var/eval/match-index.
 *
 *   make build/release/tests/eval_match && build/release/tests/eval_match [N_OCC] [N_SAMPLE]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/taxonomy/esco.h"
#include "data/sample.h"
#include "engine/indexer/indexer.h"
#include "engine/match/match.h"
#include "index/index.h"

#define EXACT_PER_OCC 3
#define SIBLING_PER_OCC 2
#define DROP_PCT 30
#define NOISE 2
#define INDEX_PATH "var/eval/match-index"

struct vac {
	const esco_occupation *occ; /* NULL when the vacancy gave only an ISCO code */
	char isco[5];
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct vac *vacs;
static size_t n_vacs, cap_vacs;

/* Adds a vacancy representation to the index and to the judgement table. */
static int add_vacancy(index_db *w, const esco *tax, json_t *v)
{
	char id[32], term[32];
	index_doc *d = NULL;
	index_error e = {{0}};
	const char *occ = json_string_value(json_object_get(v, "occupation"));
	struct vac *x;

	if (n_vacs == cap_vacs) {
		struct vac *nv = realloc(vacs, (cap_vacs = cap_vacs ? cap_vacs * 2 : 1024) * sizeof *nv);

		if (!nv)
			return -1;
		vacs = nv;
	}
	x = &vacs[n_vacs++];
	snprintf(id, sizeof id, "v_%zu", n_vacs);
	json_object_set_new(v, "id", json_string(id));
	json_object_set_new(v, "org", json_string("eval"));
	json_object_set_new(v, "status", json_string("open"));
	json_object_set_new(v, "languages", json_array());
	if (json_integer_value(json_object_get(v, "positions")) < 1)
		json_object_set_new(v, "positions", json_integer(1));
	x->occ = NULL;
	x->isco[0] = '\0';
	if (occ && strlen(occ) == 4) {
		memcpy(x->isco, occ, 5);
	} else if (occ && (x->occ = esco_occupation_by_uri(tax, occ))) {
		memcpy(x->isco, x->occ->isco, 5);
	}
	snprintf(term, sizeof term, "Q%zu", n_vacs);
	if (indexer_vacancy_doc(v, &d, &e) || index_replace(w, term, d, &e)) {
		fprintf(stderr, "eval_match: indexing: %s\n", e.msg);
		index_doc_free(d);
		return -1;
	}
	index_doc_free(d);
	return 0;
}

/* A vacancy of occupation o written like the sample generator's. */
static json_t *occupation_vacancy(const esco_occupation *o, const esco_occupation *tagged_as)
{
	json_t *v = json_object(), *ess = json_array(), *opt = json_array();
	char desc[4096];
	size_t n = o->n_essential, k = n < 4 ? n : 4 + below(n - 3 < 5 ? n - 3 : 5), i, used = 0;
	int w;

	w = snprintf(desc, sizeof desc, "%s Required skills: ", o->description);
	for (i = 0; i < n && used < k; i++) {
		/* a random subset of k of the essential skills, in order */
		if (below(n - i) < k - used) {
			json_array_append_new(ess, json_string(o->essential[i]->uri));
			if (w > 0 && (size_t)w < sizeof desc)
				w += snprintf(desc + w, sizeof desc - (size_t)w, "%s%s", used ? ", " : "",
					      o->essential[i]->label);
			used++;
		}
	}
	for (i = 0; i < o->n_optional && i < 2; i++)
		json_array_append_new(opt, json_string(o->optional[below(o->n_optional)]->uri));
	json_object_set_new(v, "title", json_string(o->label));
	json_object_set_new(v, "description", json_string(desc));
	json_object_set_new(v, "occupation",
			    json_string(below(2) ? tagged_as->uri : tagged_as->isco));
	json_object_set_new(v, "skills", json_pack("{s:o, s:o}", "essential", ess, "optional", opt));
	json_object_set_new(v, "country", json_string(below(2) ? "ZA" : "BW"));
	json_object_set_new(v, "positions", json_integer(1 + (json_int_t)below(10)));
	json_object_set_new(v, "valid_until", json_string("2099-12-31"));
	return v;
}

static int relevance(const esco_occupation *target, const struct vac *v)
{
	if (v->occ == target)
		return 2;
	if (v->isco[0] && strcmp(v->isco, target->isco) == 0)
		return 1;
	return 0;
}

struct metrics {
	double ndcg, mrr, recall, seconds;
	size_t n;
};

/* Scores one ranking (vacancy numbers, 1-based) for target. */
static void judge(const esco_occupation *target, const size_t *ranked, size_t n_ranked,
		  struct metrics *m)
{
	size_t i, n2 = 0, n1 = 0, found = 0;
	double dcg = 0, idcg = 0;
	int first = 0;

	for (i = 0; i < n_vacs; i++) {
		int r = relevance(target, &vacs[i]);

		n2 += r == 2;
		n1 += r == 1;
	}
	for (i = 0; i < n_ranked && i < 20; i++) {
		int r = ranked[i] ? relevance(target, &vacs[ranked[i] - 1]) : 0;

		if (i < 10)
			dcg += ((1 << r) - 1) / log2((double)i + 2);
		if (r == 2) {
			found++;
			if (!first)
				first = (int)i + 1;
		}
	}
	for (i = 0; i < 10; i++) {
		int r = i < n2 ? 2 : i < n2 + n1 ? 1 : 0;

		idcg += ((1 << r) - 1) / log2((double)i + 2);
	}
	m->ndcg += idcg > 0 ? dcg / idcg : 0;
	m->mrr += first ? 1.0 / first : 0;
	m->recall += n2 ? (double)found / (double)n2 : 0;
	m->n++;
}

static size_t vacancy_number(const char *id)
{
	return id && strncmp(id, "v_", 2) == 0 ? (size_t)strtoull(id + 2, NULL, 10) : 0;
}

/* Runs q and fills ranked with the top 20 vacancy numbers. */
static size_t run_query(index_db *db, index_query *q, size_t *ranked)
{
	index_search_opts o = {.limit = 20, .sort_slot = -1, .weighting = INDEX_WEIGHT_BM25};
	index_results *res = NULL;
	index_error e = {{0}};
	size_t i, n = 0;

	if (q && index_search(db, q, &o, &res, &e) == 0) {
		for (i = 0; i < index_results_count(res) && i < 20; i++) {
			const index_hit *h = index_results_hit(res, i);
			json_t *v = json_loadb(h->data, h->data_len, 0, NULL);

			ranked[n++] = vacancy_number(json_string_value(json_object_get(v, "id")));
			json_decref(v);
		}
	}
	index_results_free(res);
	index_query_free(q);
	return n;
}

int main(int argc, char **argv)
{
	size_t n_occ = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
	size_t n_sample = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
	const esco *tax = match_taxonomy();
	const esco_occupation **evald = NULL;
	/* [0] development split (every constant of weights.h was chosen on
	 * it), [1] held out: profiles alternate in pairs, so each split has
	 * as many that name their unit group as not */
	struct metrics ms[2][4] = {{{0}}}, *m;
	static const char *const names[4] = {
		"fairmatch (weighted retrieval + re-ranking)", "weighted retrieval only (no re-ranking)",
		"naive single OR of skill/occupation terms", "BM25 over vacancy text (skill labels as query)"};
	sample_gen *g = NULL;
	index_db *w = NULL, *db = NULL;
	index_error e = {{0}};
	size_t i, j, n_eval = 0, total = esco_occupation_count(tax);
	double t0;

	if (!tax) {
		fprintf(stderr, "eval_match: the ESCO taxonomy is not available (run from the repository)\n");
		return 77;
	}
	if (system("rm -rf " INDEX_PATH) != 0 || (mkdir("var", 0755), mkdir("var/eval", 0755), 0) ||
	    index_open_writable(INDEX_PATH, &w, &e) || sample_gen_new(tax, 7, &g)) {
		fprintf(stderr, "eval_match: cannot set up: %s\n", e.msg);
		return 1;
	}
	for (i = 0; i < n_sample; i++) {
		json_t *v = sample_next_vacancy(g);

		if (!v || add_vacancy(w, tax, v)) {
			json_decref(v);
			return 1;
		}
		json_decref(v);
	}
	/* Evaluated occupations: a seeded draw of those with at least five
	 * essential skills (fewer leave nothing to drop). */
	evald = calloc(n_occ ? n_occ : 1, sizeof *evald);
	for (i = 0; evald && n_eval < n_occ && i < total * 4; i++) {
		const esco_occupation *o = esco_occupation_at(tax, below(total));
		const esco_occupation *const *sib;
		size_t ns, k;

		if (o->n_essential < 5)
			continue;
		for (j = 0; j < n_eval && evald[j] != o; j++)
			;
		if (j < n_eval)
			continue;
		evald[n_eval++] = o;
		for (k = 0; k < EXACT_PER_OCC; k++) {
			json_t *v = occupation_vacancy(o, o);

			if (add_vacancy(w, tax, v))
				return 1;
			/* Generated for o: fully relevant whether tagged by URI or code. */
			vacs[n_vacs - 1].occ = o;
			json_decref(v);
		}
		ns = esco_occupations_by_isco(tax, o->isco, &sib);
		for (k = 0; k < SIBLING_PER_OCC && ns > 1; k++) {
			const esco_occupation *s = sib[below(ns)];
			json_t *v;

			if (s == o)
				continue;
			v = occupation_vacancy(s, s);
			if (add_vacancy(w, tax, v))
				return 1;
			vacs[n_vacs - 1].occ = s;
			json_decref(v);
		}
	}
	if (index_commit(w, &e)) {
		fprintf(stderr, "eval_match: commit: %s\n", e.msg);
		return 1;
	}
	index_close(w);
	if (index_open_readonly(INDEX_PATH, &db, &e)) {
		fprintf(stderr, "eval_match: %s\n", e.msg);
		return 1;
	}

	for (i = 0; i < n_eval; i++) {
		const esco_occupation *o = evald[i];
		json_t *prof = json_object(), *skills = json_array(), *ans = NULL, *it;
		struct match_params mp = {.limit = 20};
		size_t ranked[20], n, keep = 0;
		char text[8192] = "";
		int tw = 0;
		problem p;

		m = ms[(i / 2) % 2];
		for (j = 0; j < o->n_essential; j++) {
			int last_chances = keep < 2 && o->n_essential - j <= 2 - keep;

			if (!last_chances && below(100) < DROP_PCT)
				continue;
			json_array_append_new(skills, json_string(o->essential[j]->uri));
			keep++;
		}
		for (j = 0; j < NOISE; j++)
			json_array_append_new(skills,
					      json_string(esco_skill_at(tax, below(esco_skill_count(tax)))->uri));
		json_array_foreach(skills, j, it) {
			const esco_skill *k = esco_skill_by_uri(tax, json_string_value(it));

			if (k && tw >= 0 && (size_t)tw < sizeof text)
				tw += snprintf(text + tw, sizeof text - (size_t)tw, "%s ", k->label);
		}
		json_object_set_new(prof, "skills", skills);
		json_object_set_new(prof, "occupations",
				    i % 2 ? json_pack("[s]", o->isco) : json_array());
		json_object_set_new(prof, "languages", json_array());

		problem_init(&p);
		t0 = now();
		if (match_vacancies(db, prof, &mp, &ans, &p) == 0) {
			n = 0;
			json_array_foreach(json_object_get(ans, "vacancies"), j, it) {
				ranked[n++] = vacancy_number(
					json_string_value(json_object_get(json_object_get(it, "vacancy"), "id")));
			}
			m[0].seconds += now() - t0;
			judge(o, ranked, n, &m[0]);
		} else {
			fprintf(stderr, "eval_match: %s\n", p.detail);
		}
		json_decref(ans);
		problem_release(&p);
		problem_init(&p);
		t0 = now();
		n = run_query(db, match_build_query(db, prof, &mp, &p), ranked);
		m[1].seconds += now() - t0;
		judge(o, ranked, n, &m[1]);
		problem_release(&p);
		t0 = now();
		n = run_query(db, match_build_naive_query(prof, &mp), ranked);
		m[2].seconds += now() - t0;
		judge(o, ranked, n, &m[2]);
		t0 = now();
		n = run_query(db, index_query_parse(text, "en", "", 0, &e), ranked);
		m[3].seconds += now() - t0;
		judge(o, ranked, n, &m[3]);
		json_decref(prof);
	}

	printf("Collection: %zu vacancies (%zu sample + %zu generated for %zu evaluated occupations); "
	       "%zu profiles (half name their ISCO-08 unit group).\n\n",
	       n_vacs, n_sample, n_vacs - n_sample, n_eval, n_eval);
	for (j = 0; j < 2; j++) {
		m = ms[j];
		printf("%s split (%zu profiles):\n\n", j ? "Held-out" : "Development", m[0].n);
		printf("| ranking | NDCG@10 | MRR | recall@20 | mean ms/query |\n|---|---|---|---|---|\n");
		for (i = 0; i < 4; i++)
			printf("| %s | %.3f | %.3f | %.3f | %.2f |\n", names[i], m[i].ndcg / (double)m[i].n,
			       m[i].mrr / (double)m[i].n, m[i].recall / (double)m[i].n,
			       1000 * m[i].seconds / (double)m[i].n);
		printf("\nNDCG@10 gain over BM25: %+.3f (target >= +0.15)\n\n",
		       (m[0].ndcg - m[3].ndcg) / (double)m[0].n);
	}
	m = ms[1];
	index_close(db);
	sample_gen_free(g);
	free(evald);
	free(vacs);
	return (m[0].ndcg - m[3].ndcg) / (double)m[0].n >= 0.15 ? 0 : 1;
}
