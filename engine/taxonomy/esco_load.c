/*
 * esco_load.c - loads the ESCO taxonomy from gzipped CSV files into one arena
 * (esco_load) and frees it (esco_free).
 *
 * Loading runs in a fixed order: ISCO groups, occupations and skills in
 * English (the files that define which concepts exist), then a hash table
 * of every concept URI, then the occupation-skill relations (gathered into
 * a temporary array, bucketed per occupation with a counting sort and
 * de-duplicated with a per-skill stamp), the occupation hierarchy, and last
 * the French and Spanish labels, joined on the URI. Strings, label lists and
 * skill lists are carved from an arena of 1 MiB chunks (esco_arena.c: a hard
 * total cap keeps a hostile file from eating the machine); the concept
 * arrays grow by doubling up to fixed maxima and are finished before any
 * pointer to an element is handed out. esco_free releases the arena and the
 * arrays.
 */
#include "engine/taxonomy/esco_internal.h"

#include "engine/core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OCCUPATIONS 100000
#define MAX_SKILLS 200000
#define MAX_GROUPS 4000
#define MAX_RELATIONS 2000000

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const esco_isco_group *)a)->code, ((const esco_isco_group *)b)->code);
}

static int load_groups(struct loader *L)
{
	static const char file[] = "ISCOGroups_en.csv.gz";
	esco *t = L->tax;
	csv_reader *r = NULL;
	int c_uri, c_code, c_pref, c_alt, rc;

	if ((rc = esco__open_csv(L, file, &r)))
		return rc;
	if ((rc = esco__need_col(L, r, file, "conceptUri", &c_uri)) ||
	    (rc = esco__need_col(L, r, file, "code", &c_code)) ||
	    (rc = esco__need_col(L, r, file, "preferredLabel", &c_pref)))
		goto out;
	c_alt = csv_column(r, "altLabels");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = esco__check_record(L, r, file)))
			goto out;
		esco_isco_group *g;
		const char *code = esco__fld(r, c_code, NULL);

		if (!esco__is_digits(code, 1, 4)) {
			esco__lerr(L, "esco: %s:%lu: bad ISCO code \"%s\"", file, csv_line(r), code);
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		if (array_grow((void **)&t->grp, &t->cap_grp, t->n_grp + 1, sizeof *t->grp, MAX_GROUPS)) {
			esco__lerr(L, "esco: %s: too many groups or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		g = &t->grp[t->n_grp];
		memset(g, 0, sizeof *g);
		strcpy(g->code, code);
		g->level = (int)strlen(code);
		if (!(g->uri = esco__arena_strndup(t, esco__fld(r, c_uri, NULL),
						   strlen(esco__fld(r, c_uri, NULL))))) {
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		if ((rc = esco__read_labels(t, r, c_pref, c_alt, -1, &g->labels[ESCO_LANG_EN])))
			goto out;
		if (!g->labels[ESCO_LANG_EN].preferred) {
			esco__lerr(L, "esco: %s:%lu: no label", file, csv_line(r));
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		g->label = g->labels[ESCO_LANG_EN].preferred;
		t->n_grp++;
	}
	if (rc < 0)
		rc = esco__csv_fail(L, r, rc);
	else
		qsort(t->grp, t->n_grp, sizeof *t->grp, group_cmp);
out:
	csv_close(r);
	return rc;
}

/* The columns an occupation file and a skill file share. */
struct concept_cols {
	int uri, pref, alt, hid, desc;
};

/* Finds them: conceptUri and preferredLabel are required. */
static int concept_cols(struct loader *L, csv_reader *r, const char *file, struct concept_cols *c)
{
	int rc;

	if ((rc = esco__need_col(L, r, file, "conceptUri", &c->uri)) ||
	    (rc = esco__need_col(L, r, file, "preferredLabel", &c->pref)))
		return rc;
	c->alt = csv_column(r, "altLabels");
	c->hid = csv_column(r, "hiddenLabels");
	c->desc = csv_column(r, "description");
	return 0;
}

/* Reads what an occupation and a skill share: the URI, the description and
 * the English labels; a concept without a URI or a label is an error. */
static int read_concept(struct loader *L, csv_reader *r, const char *file,
			const struct concept_cols *c, const char **uri, const char **description,
			esco_labels *en)
{
	esco *t = L->tax;
	size_t len;
	const char *s = esco__fld(r, c->uri, &len);
	int rc;

	if (!(*uri = esco__arena_strndup(t, s, len)))
		return ESCO_ERR_NOMEM;
	s = esco__fld(r, c->desc, &len);
	if (!(*description = esco__arena_strndup(t, s, len)))
		return ESCO_ERR_NOMEM;
	if ((rc = esco__read_labels(t, r, c->pref, c->alt, c->hid, en)))
		return rc;
	if (!(*uri)[0] || !en->preferred) {
		esco__lerr(L, "esco: %s:%lu: no URI or no label", file, csv_line(r));
		return ESCO_ERR_FORMAT;
	}
	return 0;
}

static int load_occupations(struct loader *L)
{
	static const char file[] = "occupations_en.csv.gz";
	esco *t = L->tax;
	csv_reader *r = NULL;
	struct concept_cols c;
	int c_isco, c_code, rc;

	if ((rc = esco__open_csv(L, file, &r)))
		return rc;
	if ((rc = concept_cols(L, r, file, &c)) ||
	    (rc = esco__need_col(L, r, file, "iscoGroup", &c_isco)))
		goto out;
	c_code = csv_column(r, "code");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = esco__check_record(L, r, file)))
			goto out;
		esco_occupation *o;
		size_t len;
		const char *code = esco__fld(r, c_code, &len), *s;
		char isco[5];

		/* the ISCO unit group: the code's first 4 digits, else iscoGroup */
		isco[0] = '\0';
		if (len >= 4) {
			memcpy(isco, code, 4);
			isco[4] = '\0';
		}
		s = esco__fld(r, c_isco, NULL);
		if (esco__is_digits(isco, 4, 4))
			;
		else if (esco__is_digits(s, 4, 4))
			memcpy(isco, s, 5);
		else {
			esco__lerr(L, "esco: %s:%lu: no ISCO-08 code", file, csv_line(r));
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		if (!esco_isco_group_by_code(t, isco)) {
			esco__lerr(L, "esco: %s:%lu: unknown ISCO-08 unit group %s", file, csv_line(r),
				   isco);
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		if (array_grow((void **)&t->occ, &t->cap_occ, t->n_occ + 1, sizeof *t->occ, MAX_OCCUPATIONS)) {
			esco__lerr(L, "esco: %s: too many occupations or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		o = &t->occ[t->n_occ];
		memset(o, 0, sizeof *o);
		memcpy(o->isco, isco, 5);
		o->index = (uint32_t)t->n_occ;
		if (!(o->code = esco__arena_strndup(t, code, strlen(code)))) {
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		if ((rc = read_concept(L, r, file, &c, &o->uri, &o->description,
				       &o->labels[ESCO_LANG_EN])))
			goto out;
		o->label = o->labels[ESCO_LANG_EN].preferred;
		t->n_occ++;
	}
	if (rc < 0)
		rc = esco__csv_fail(L, r, rc);
out:
	csv_close(r);
	return rc;
}

static esco_skill_type parse_skill_type(const char *s)
{
	if (strcmp(s, "skill/competence") == 0)
		return ESCO_SKILL_TYPE_SKILL;
	if (strcmp(s, "knowledge") == 0)
		return ESCO_SKILL_TYPE_KNOWLEDGE;
	return ESCO_SKILL_TYPE_UNKNOWN;
}

static esco_reuse_level parse_reuse(const char *s)
{
	if (strcmp(s, "transversal") == 0)
		return ESCO_REUSE_TRANSVERSAL;
	if (strcmp(s, "cross-sector") == 0)
		return ESCO_REUSE_CROSS_SECTOR;
	if (strcmp(s, "sector-specific") == 0)
		return ESCO_REUSE_SECTOR_SPECIFIC;
	if (strcmp(s, "occupation-specific") == 0)
		return ESCO_REUSE_OCCUPATION_SPECIFIC;
	return ESCO_REUSE_UNKNOWN;
}

static int load_skills(struct loader *L)
{
	static const char file[] = "skills_en.csv.gz";
	esco *t = L->tax;
	csv_reader *r = NULL;
	struct concept_cols c;
	int c_type, c_reuse, rc;

	if ((rc = esco__open_csv(L, file, &r)))
		return rc;
	if ((rc = concept_cols(L, r, file, &c)))
		goto out;
	c_type = csv_column(r, "skillType");
	c_reuse = csv_column(r, "reuseLevel");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = esco__check_record(L, r, file)))
			goto out;
		esco_skill *k;

		if (array_grow((void **)&t->skill, &t->cap_skill, t->n_skill + 1, sizeof *t->skill,
			       MAX_SKILLS)) {
			esco__lerr(L, "esco: %s: too many skills or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		k = &t->skill[t->n_skill];
		memset(k, 0, sizeof *k);
		k->index = (uint32_t)t->n_skill;
		k->type = parse_skill_type(esco__fld(r, c_type, NULL));
		k->reuse = parse_reuse(esco__fld(r, c_reuse, NULL));
		if ((rc = read_concept(L, r, file, &c, &k->uri, &k->description,
				       &k->labels[ESCO_LANG_EN])))
			goto out;
		k->label = k->labels[ESCO_LANG_EN].preferred;
		t->n_skill++;
	}
	if (rc < 0)
		rc = esco__csv_fail(L, r, rc);
out:
	csv_close(r);
	return rc;
}

struct rel {
	uint32_t occ, skill;
	uint8_t essential;
};

static int load_relations(struct loader *L)
{
	static const char file[] = "occupationSkillRelations.csv.gz";
	esco *t = L->tax;
	csv_reader *r = NULL;
	struct rel *rel = NULL, *sorted = NULL;
	size_t n_rel = 0, cap_rel = 0, i, *start = NULL;
	uint32_t *stamp = NULL;
	int c_occ, c_type, c_skill, rc;

	if ((rc = esco__open_csv(L, file, &r)))
		return rc;
	if ((rc = esco__need_col(L, r, file, "occupationUri", &c_occ)) ||
	    (rc = esco__need_col(L, r, file, "relationType", &c_type)) ||
	    (rc = esco__need_col(L, r, file, "skillUri", &c_skill)))
		goto out;
	while ((rc = csv_next(r)) == 1) {
		if ((rc = esco__check_record(L, r, file)))
			goto out;
		uint32_t o = esco__table_find(t, esco__fld(r, c_occ, NULL));
		uint32_t k = esco__table_find(t, esco__fld(r, c_skill, NULL));
		const char *type = esco__fld(r, c_type, NULL);

		/* relations to concepts this release does not hold are dropped */
		if (o >> 28 != K_OCC || k >> 28 != K_SKILL)
			continue;
		if (array_grow((void **)&rel, &cap_rel, n_rel + 1, sizeof *rel, MAX_RELATIONS)) {
			esco__lerr(L, "esco: %s: too many relations or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		rel[n_rel].occ = (o & 0x0fffffffu) - 1;
		rel[n_rel].skill = (k & 0x0fffffffu) - 1;
		rel[n_rel].essential = strcmp(type, "essential") == 0;
		n_rel++;
	}
	if (rc < 0) {
		rc = esco__csv_fail(L, r, rc);
		goto out;
	}

	/* counting sort by occupation, keeping file order within one */
	start = calloc(t->n_occ + 1, sizeof *start);
	sorted = malloc((n_rel ? n_rel : 1) * sizeof *sorted);
	stamp = calloc(t->n_skill ? t->n_skill : 1, sizeof *stamp);
	if (!start || !sorted || !stamp) {
		esco__lerr(L, "esco: out of memory");
		rc = ESCO_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n_rel; i++)
		start[rel[i].occ + 1]++;
	for (i = 0; i < t->n_occ; i++)
		start[i + 1] += start[i];
	for (i = 0; i < n_rel; i++)
		sorted[start[rel[i].occ]++] = rel[i];
	/* start[i] is now the end of occupation i's run */
	for (i = 0; i < t->n_occ; i++) {
		size_t b = i ? start[i - 1] : 0, e = start[i], j, ne = 0, no = 0;
		esco_occupation *o = &t->occ[i];
		const esco_skill **ess, **opt;

		/* an essential relation wins over an optional one for the same skill */
		for (j = b; j < e; j++)
			if (sorted[j].essential && stamp[sorted[j].skill] != i + 1) {
				stamp[sorted[j].skill] = (uint32_t)(i + 1);
				ne++;
			}
		for (j = b; j < e; j++)
			if (!sorted[j].essential && stamp[sorted[j].skill] != i + 1) {
				stamp[sorted[j].skill] = (uint32_t)(i + 1);
				no++;
			}
		ess = esco__arena_alloc(t, ne * sizeof *ess);
		opt = esco__arena_alloc(t, no * sizeof *opt);
		if (!ess || !opt) {
			esco__lerr(L, "esco: out of memory");
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		/* second pass with a fresh stamp value: n_occ + 1 + i */
		for (j = b; j < e; j++) {
			uint32_t s = sorted[j].skill, mark = (uint32_t)(t->n_occ + 1 + i);
			if (sorted[j].essential && stamp[s] != mark) {
				stamp[s] = mark;
				ess[o->n_essential++] = &t->skill[s];
			}
		}
		for (j = b; j < e; j++) {
			uint32_t s = sorted[j].skill, mark = (uint32_t)(t->n_occ + 1 + i);
			if (!sorted[j].essential && stamp[s] != mark) {
				stamp[s] = mark;
				opt[o->n_optional++] = &t->skill[s];
			}
		}
		o->essential = ess;
		o->optional = opt;
	}
	rc = 0;
out:
	csv_close(r);
	free(rel);
	free(sorted);
	free(start);
	free(stamp);
	return rc;
}

/* Reads a broaderRelations file and hands each pair (concept, broader
 * concept) whose two ends are loaded concepts of kind to fn, as indexes
 * into their table; a row naming anything else (a skill group, another
 * pillar) is skipped. 0, or the first error of the file or of fn. */
static int each_broader_pair(struct loader *L, const char *file, uint32_t kind,
			     int (*fn)(struct loader *L, uint32_t a, uint32_t b, void *arg), void *arg)
{
	esco *t = L->tax;
	csv_reader *r = NULL;
	int c_uri, c_broader, rc;

	if ((rc = esco__open_csv(L, file, &r)))
		return rc;
	if ((rc = esco__need_col(L, r, file, "conceptUri", &c_uri)) ||
	    (rc = esco__need_col(L, r, file, "broaderUri", &c_broader)))
		goto out;
	while ((rc = csv_next(r)) == 1) {
		if ((rc = esco__check_record(L, r, file)))
			goto out;
		uint32_t a = esco__table_find(t, esco__fld(r, c_uri, NULL));
		uint32_t b = esco__table_find(t, esco__fld(r, c_broader, NULL));

		if (a >> 28 != kind || b >> 28 != kind || a == b)
			continue;
		if ((rc = fn(L, (a & 0x0fffffffu) - 1, (b & 0x0fffffffu) - 1, arg)))
			goto out;
	}
	if (rc < 0)
		rc = esco__csv_fail(L, r, rc);
out:
	csv_close(r);
	return rc;
}

static int set_occupation_broader(struct loader *L, uint32_t a, uint32_t b, void *arg)
{
	L->tax->occ[a].broader = &L->tax->occ[b];
	return 0;
}

static int load_broader(struct loader *L)
{
	return each_broader_pair(L, "broaderRelationsOccPillar.csv.gz", K_OCC,
				 set_occupation_broader, NULL);
}

struct skill_pairs {
	uint32_t (*pair)[2];
	size_t n, cap;
};

static int keep_skill_pair(struct loader *L, uint32_t a, uint32_t b, void *arg)
{
	struct skill_pairs *sp = arg;

	if (array_grow((void **)&sp->pair, &sp->cap, sp->n + 1, sizeof *sp->pair, MAX_RELATIONS)) {
		esco__lerr(L, "esco: broaderRelationsSkillPillar: too many relations or out of memory");
		return ESCO_ERR_NOMEM;
	}
	sp->pair[sp->n][0] = a;
	sp->pair[sp->n][1] = b;
	sp->n++;
	return 0;
}

/* The skill hierarchy: each skill's broader skills (skill-to-skill rows of
 * broaderRelationsSkillPillar; rows naming a skill group, which is not
 * loaded, are dropped). The pairs are kept, then counted per skill, then
 * filled into arrays of the arena. */
static int load_skill_broader(struct loader *L)
{
	esco *t = L->tax;
	struct skill_pairs sp = {0};
	size_t i;
	int rc = each_broader_pair(L, "broaderRelationsSkillPillar.csv.gz", K_SKILL,
				   keep_skill_pair, &sp);

	if (rc)
		goto out;
	for (i = 0; i < sp.n; i++)
		t->skill[sp.pair[i][0]].n_broader++;
	for (i = 0; i < t->n_skill; i++) {
		esco_skill *sk = &t->skill[i];

		if (!sk->n_broader)
			continue;
		sk->broader = esco__arena_alloc(t, sk->n_broader * sizeof *sk->broader);
		if (!sk->broader) {
			esco__lerr(L, "esco: out of memory");
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		sk->n_broader = 0; /* filled below */
	}
	for (i = 0; i < sp.n; i++) {
		esco_skill *sk = &t->skill[sp.pair[i][0]];

		((const esco_skill **)sk->broader)[sk->n_broader++] = &t->skill[sp.pair[i][1]];
	}
out:
	free(sp.pair);
	return rc;
}

/* Adds the labels of one language from a file keyed by conceptUri. */
static int load_lang(struct loader *L, const char *file, esco_lang lang)
{
	esco *t = L->tax;
	csv_reader *r = NULL;
	int c_uri, c_pref, c_alt, c_hid, rc;

	if ((rc = esco__open_csv(L, file, &r)))
		return rc;
	if ((rc = esco__need_col(L, r, file, "conceptUri", &c_uri)) ||
	    (rc = esco__need_col(L, r, file, "preferredLabel", &c_pref)))
		goto out;
	c_alt = csv_column(r, "altLabels");
	c_hid = csv_column(r, "hiddenLabels");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = esco__check_record(L, r, file)))
			goto out;
		uint32_t ref = esco__table_find(t, esco__fld(r, c_uri, NULL)), i = (ref & 0x0fffffffu) - 1;
		esco_labels *lb;

		if (ref >> 28 == K_OCC)
			lb = &t->occ[i].labels[lang];
		else if (ref >> 28 == K_SKILL)
			lb = &t->skill[i].labels[lang];
		else if (ref >> 28 == K_GROUP)
			lb = &t->grp[i].labels[lang];
		else
			continue; /* a concept of another ESCO release */
		if (lb->preferred)
			continue; /* first row wins */
		if ((rc = esco__read_labels(t, r, c_pref, c_alt, c_hid, lb)))
			goto out;
	}
	if (rc < 0)
		rc = esco__csv_fail(L, r, rc);
out:
	csv_close(r);
	return rc;
}

static int occ_isco_cmp(const void *a, const void *b)
{
	const esco_occupation *x = *(const esco_occupation *const *)a;
	const esco_occupation *y = *(const esco_occupation *const *)b;
	int c = strcmp(x->isco, y->isco);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

int esco_load(const char *dir, esco **out, char *err, size_t errlen)
{
	struct loader L;
	esco *t;
	int rc;
	size_t i;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	t = calloc(1, sizeof *t);
	if (!t) {
		if (err && errlen)
			snprintf(err, errlen, "esco: out of memory");
		return ESCO_ERR_NOMEM;
	}
	L.tax = t;
	L.dir = dir ? dir : ESCO_DEFAULT_DIR;
	L.err = err;
	L.errlen = errlen;

	if ((rc = load_groups(&L)) || (rc = load_occupations(&L)) || (rc = load_skills(&L)) ||
	    (rc = esco__table_build(&L)) || (rc = load_relations(&L)) || (rc = load_broader(&L)) ||
	    (rc = load_skill_broader(&L)) ||
	    (rc = load_lang(&L, "occupations_fr.csv.gz", ESCO_LANG_FR)) ||
	    (rc = load_lang(&L, "ISCOGroups_fr.csv.gz", ESCO_LANG_FR)) ||
	    (rc = load_lang(&L, "skills_fr.csv.gz", ESCO_LANG_FR)) ||
	    (rc = load_lang(&L, "occupations_es.csv.gz", ESCO_LANG_ES)) ||
	    (rc = load_lang(&L, "ISCOGroups_es.csv.gz", ESCO_LANG_ES)) ||
	    (rc = load_lang(&L, "skills_es.csv.gz", ESCO_LANG_ES)))
		goto fail;

	t->occ_by_isco = malloc((t->n_occ ? t->n_occ : 1) * sizeof *t->occ_by_isco);
	if (!t->occ_by_isco) {
		rc = ESCO_ERR_NOMEM;
		esco__lerr(&L, "esco: out of memory");
		goto fail;
	}
	for (i = 0; i < t->n_occ; i++)
		t->occ_by_isco[i] = &t->occ[i];
	qsort(t->occ_by_isco, t->n_occ, sizeof *t->occ_by_isco, occ_isco_cmp);
	*out = t;
	return 0;
fail:
	if (rc == ESCO_ERR_NOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "esco: out of memory");
	esco_free(t);
	return rc;
}

void esco_free(esco *t)
{
	struct chunk *c, *n;

	if (!t)
		return;
	for (c = t->chunks; c; c = n) {
		n = c->next;
		free(c);
	}
	free(t->occ);
	free(t->skill);
	free(t->grp);
	free(t->table);
	free(t->occ_by_isco);
	free(t);
}
