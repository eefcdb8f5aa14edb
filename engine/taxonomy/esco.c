/*
 * esco.c - loads the ESCO taxonomy from gzipped CSV files into one arena.
 *
 * Loading runs in a fixed order: ISCO groups, occupations and skills in
 * English (the files that define which concepts exist), then a hash table
 * of every concept URI, then the occupation-skill relations (gathered into
 * a temporary array, bucketed per occupation with a counting sort and
 * de-duplicated with a per-skill stamp), the occupation hierarchy, and last
 * the French and Spanish labels, joined on the URI. Strings, label lists and
 * skill lists are carved from an arena of 1 MiB chunks (a hard total cap
 * keeps a hostile file from eating the machine); the concept arrays grow by
 * doubling up to fixed maxima and are finished before any pointer to an
 * element is handed out. esco_free releases the arena and the arrays.
 */
#include "engine/taxonomy/esco.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/csv.h"

#define ARENA_CHUNK ((size_t)1 << 20)
#define ARENA_MAX ((size_t)1 << 30)
#define MAX_OCCUPATIONS 100000
#define MAX_SKILLS 200000
#define MAX_GROUPS 4000
#define MAX_RELATIONS 2000000
#define MAX_LABELS_PER_FIELD 4096

enum { K_OCC = 1, K_SKILL = 2, K_GROUP = 3 };

struct chunk {
	struct chunk *next;
	size_t size, used;
	/* data follows, max_align_t aligned */
};

struct slot {
	uint64_t hash;
	uint32_t ref; /* kind << 28 | index; 0 = empty */
};

struct esco {
	struct chunk *chunks;
	size_t arena_total;

	esco_occupation *occ;
	size_t n_occ, cap_occ;
	esco_skill *skill;
	size_t n_skill, cap_skill;
	esco_isco_group *grp;
	size_t n_grp, cap_grp;

	struct slot *table;
	size_t table_mask;

	const esco_occupation **occ_by_isco;
};

struct loader {
	esco *tax;
	const char *dir;
	char *err;
	size_t errlen;
};

static void lerr(struct loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void lerr(struct loader *L, const char *fmt, ...)
{
	va_list ap;

	if (!L->err || !L->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(L->err, L->errlen, fmt, ap);
	va_end(ap);
}

/* ---- arena ---- */

static void *arena_alloc(esco *t, size_t size)
{
	struct chunk *c = t->chunks;
	const size_t align = _Alignof(max_align_t);
	const size_t hdr = (sizeof(struct chunk) + align - 1) & ~(align - 1);
	size_t off;

	if (size == 0)
		size = 1;
	if (c) {
		off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->size && size <= c->size - off) {
			c->used = off + size;
			return (char *)c + hdr + off;
		}
	}
	{
		size_t csize = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
		if (size > ARENA_MAX || t->arena_total + csize > ARENA_MAX)
			return NULL;
		c = malloc(hdr + csize);
		if (!c)
			return NULL;
		c->size = csize;
		c->used = size;
		t->arena_total += csize;
		/* a dedicated big chunk goes behind the current one so the
		 * current chunk's free space is still used */
		if (csize != ARENA_CHUNK && t->chunks) {
			c->next = t->chunks->next;
			t->chunks->next = c;
		} else {
			c->next = t->chunks;
			t->chunks = c;
		}
		return (char *)c + hdr;
	}
}

static char *arena_strndup(esco *t, const char *s, size_t n)
{
	char *p = arena_alloc(t, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- growable arrays with hard maxima ---- */

static int grow(void **arr, size_t *cap, size_t n, size_t elem, size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (*cap >= max)
		return -1;
	ncap = *cap ? *cap * 2 : 256;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* ---- hash table of URIs ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static const char *ref_uri(const esco *t, uint32_t ref)
{
	uint32_t k = ref >> 28, i = (ref & 0x0fffffffu) - 1;

	if (k == K_OCC)
		return t->occ[i].uri;
	if (k == K_SKILL)
		return t->skill[i].uri;
	return t->grp[i].uri;
}

/* returns the ref (kind << 28 | index + 1) of uri, or 0 */
static uint32_t table_find(const esco *t, const char *uri)
{
	uint64_t h;
	size_t i;

	if (!t->table || !uri)
		return 0;
	h = hash_str(uri);
	for (i = h & t->table_mask;; i = (i + 1) & t->table_mask) {
		const struct slot *s = &t->table[i];
		if (!s->ref)
			return 0;
		if (s->hash == h && strcmp(ref_uri(t, s->ref), uri) == 0)
			return s->ref;
	}
}

static int table_build(struct loader *L)
{
	esco *t = L->tax;
	size_t n = t->n_occ + t->n_skill + t->n_grp, size = 1024, k, i;

	while (size < n * 2)
		size *= 2;
	t->table = calloc(size, sizeof *t->table);
	if (!t->table) {
		lerr(L, "esco: out of memory");
		return ESCO_ERR_NOMEM;
	}
	t->table_mask = size - 1;
	for (k = K_OCC; k <= K_GROUP; k++) {
		size_t cnt = k == K_OCC ? t->n_occ : k == K_SKILL ? t->n_skill : t->n_grp;
		for (i = 0; i < cnt; i++) {
			uint32_t ref = (uint32_t)(k << 28) | (uint32_t)(i + 1);
			const char *uri = ref_uri(t, ref);
			uint64_t h = hash_str(uri);
			size_t j;

			if (table_find(t, uri)) {
				lerr(L, "esco: duplicate concept URI %s", uri);
				return ESCO_ERR_FORMAT;
			}
			for (j = h & t->table_mask; t->table[j].ref; j = (j + 1) & t->table_mask)
				;
			t->table[j].hash = h;
			t->table[j].ref = ref;
		}
	}
	return 0;
}

/* ---- field helpers ---- */

static const char *fld(csv_reader *r, int col, size_t *len)
{
	if (col < 0) {
		if (len)
			*len = 0;
		return "";
	}
	return csv_field(r, (size_t)col, len);
}

static int trim_eq(const char *s, const char *t)
{
	return t && strcmp(s, t) == 0;
}

/*
 * Splits a newline-separated label list into the arena: trims each label,
 * drops empty ones, ones equal to `skip` and duplicates.
 */
static int split_labels(esco *t, const char *field, size_t len, const char *skip,
			const char *const **out, size_t *n_out)
{
	size_t count = 1, i, n = 0;
	char *buf, *p, *end;
	const char **list;

	*out = NULL;
	*n_out = 0;
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (field[i] == '\n')
			count++;
	if (count > MAX_LABELS_PER_FIELD)
		count = MAX_LABELS_PER_FIELD;
	buf = arena_strndup(t, field, len);
	list = arena_alloc(t, count * sizeof *list);
	if (!buf || !list)
		return ESCO_ERR_NOMEM;
	for (p = buf; p && n < count; p = end ? end + 1 : NULL) {
		char *s = p, *e;
		size_t j;
		int dup = 0;

		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if (!*s || trim_eq(s, skip))
			continue;
		for (j = 0; j < n && !dup; j++)
			dup = strcmp(list[j], s) == 0;
		if (!dup)
			list[n++] = s;
	}
	*out = n ? list : NULL;
	*n_out = n;
	return 0;
}

/* Fills labels from preferredLabel / altLabels / hiddenLabels columns. */
static int read_labels(esco *t, csv_reader *r, int c_pref, int c_alt, int c_hidden, esco_labels *lb)
{
	size_t len;
	const char *s = fld(r, c_pref, &len);
	int rc;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	memset(lb, 0, sizeof *lb);
	if (len == 0)
		return 0;
	lb->preferred = arena_strndup(t, s, len);
	if (!lb->preferred)
		return ESCO_ERR_NOMEM;
	s = fld(r, c_alt, &len);
	rc = split_labels(t, s, len, lb->preferred, &lb->alt, &lb->n_alt);
	if (rc)
		return rc;
	s = fld(r, c_hidden, &len);
	return split_labels(t, s, len, lb->preferred, &lb->hidden, &lb->n_hidden);
}

static int is_digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9' || n >= max)
			return 0;
	return n >= min;
}

/* Strict UTF-8 check (no overlongs, no surrogates, at most U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Every field of the current record must be valid UTF-8 (and hold no NUL). */
static int check_record(struct loader *L, csv_reader *r, const char *file)
{
	size_t i, len;

	for (i = 0; i < csv_field_count(r); i++) {
		const char *f = csv_field(r, i, &len);
		if (!utf8_valid((const unsigned char *)f, len) || memchr(f, '\0', len)) {
			lerr(L, "esco: %s:%lu: field %zu is not valid UTF-8 text", file, csv_line(r), i + 1);
			return ESCO_ERR_FORMAT;
		}
	}
	return 0;
}

/* ---- opening a file and its required columns ---- */

static int open_csv(struct loader *L, const char *name, csv_reader **r)
{
	char path[4096], msg[512];
	int n = snprintf(path, sizeof path, "%s/%s", L->dir, name);

	if (n < 0 || (size_t)n >= sizeof path) {
		lerr(L, "esco: path too long: %s/%s", L->dir, name);
		return ESCO_ERR_IO;
	}
	if (csv_open(path, r, msg, sizeof msg) < 0) {
		lerr(L, "esco: %s", msg);
		return ESCO_ERR_IO;
	}
	return 0;
}

static int need_col(struct loader *L, csv_reader *r, const char *file, const char *name, int *col)
{
	*col = csv_column(r, name);
	if (*col < 0) {
		lerr(L, "esco: %s: no column \"%s\"", file, name);
		return ESCO_ERR_FORMAT;
	}
	return 0;
}

/* Turns a csv_next error into an ESCO error with the reader's message. */
static int csv_fail(struct loader *L, csv_reader *r, int rc)
{
	lerr(L, "esco: %s", csv_error(r));
	return rc == CSV_ERR_NOMEM ? ESCO_ERR_NOMEM : rc == CSV_ERR_IO ? ESCO_ERR_IO : ESCO_ERR_FORMAT;
}

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

	if ((rc = open_csv(L, file, &r)))
		return rc;
	if ((rc = need_col(L, r, file, "conceptUri", &c_uri)) ||
	    (rc = need_col(L, r, file, "code", &c_code)) ||
	    (rc = need_col(L, r, file, "preferredLabel", &c_pref)))
		goto out;
	c_alt = csv_column(r, "altLabels");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = check_record(L, r, file)))
			goto out;
		esco_isco_group *g;
		const char *code = fld(r, c_code, NULL);

		if (!is_digits(code, 1, 4)) {
			lerr(L, "esco: %s:%lu: bad ISCO code \"%s\"", file, csv_line(r), code);
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		if (grow((void **)&t->grp, &t->cap_grp, t->n_grp, sizeof *t->grp, MAX_GROUPS)) {
			lerr(L, "esco: %s: too many groups or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		g = &t->grp[t->n_grp];
		memset(g, 0, sizeof *g);
		strcpy(g->code, code);
		g->level = (int)strlen(code);
		if (!(g->uri = arena_strndup(t, fld(r, c_uri, NULL), strlen(fld(r, c_uri, NULL))))) {
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		if ((rc = read_labels(t, r, c_pref, c_alt, -1, &g->labels[ESCO_LANG_EN])))
			goto out;
		if (!g->labels[ESCO_LANG_EN].preferred) {
			lerr(L, "esco: %s:%lu: no label", file, csv_line(r));
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		g->label = g->labels[ESCO_LANG_EN].preferred;
		t->n_grp++;
	}
	if (rc < 0)
		rc = csv_fail(L, r, rc);
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

	if ((rc = need_col(L, r, file, "conceptUri", &c->uri)) ||
	    (rc = need_col(L, r, file, "preferredLabel", &c->pref)))
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
	const char *s = fld(r, c->uri, &len);
	int rc;

	if (!(*uri = arena_strndup(t, s, len)))
		return ESCO_ERR_NOMEM;
	s = fld(r, c->desc, &len);
	if (!(*description = arena_strndup(t, s, len)))
		return ESCO_ERR_NOMEM;
	if ((rc = read_labels(t, r, c->pref, c->alt, c->hid, en)))
		return rc;
	if (!(*uri)[0] || !en->preferred) {
		lerr(L, "esco: %s:%lu: no URI or no label", file, csv_line(r));
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

	if ((rc = open_csv(L, file, &r)))
		return rc;
	if ((rc = concept_cols(L, r, file, &c)) ||
	    (rc = need_col(L, r, file, "iscoGroup", &c_isco)))
		goto out;
	c_code = csv_column(r, "code");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = check_record(L, r, file)))
			goto out;
		esco_occupation *o;
		size_t len;
		const char *code = fld(r, c_code, &len), *s;
		char isco[5];

		/* the ISCO unit group: the code's first 4 digits, else iscoGroup */
		isco[0] = '\0';
		if (len >= 4) {
			memcpy(isco, code, 4);
			isco[4] = '\0';
		}
		s = fld(r, c_isco, NULL);
		if (is_digits(isco, 4, 4))
			;
		else if (is_digits(s, 4, 4))
			memcpy(isco, s, 5);
		else {
			lerr(L, "esco: %s:%lu: no ISCO-08 code", file, csv_line(r));
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		if (!esco_isco_group_by_code(t, isco)) {
			lerr(L, "esco: %s:%lu: unknown ISCO-08 unit group %s", file, csv_line(r), isco);
			rc = ESCO_ERR_FORMAT;
			goto out;
		}
		if (grow((void **)&t->occ, &t->cap_occ, t->n_occ, sizeof *t->occ, MAX_OCCUPATIONS)) {
			lerr(L, "esco: %s: too many occupations or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		o = &t->occ[t->n_occ];
		memset(o, 0, sizeof *o);
		memcpy(o->isco, isco, 5);
		o->index = (uint32_t)t->n_occ;
		if (!(o->code = arena_strndup(t, code, strlen(code)))) {
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
		rc = csv_fail(L, r, rc);
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

	if ((rc = open_csv(L, file, &r)))
		return rc;
	if ((rc = concept_cols(L, r, file, &c)))
		goto out;
	c_type = csv_column(r, "skillType");
	c_reuse = csv_column(r, "reuseLevel");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = check_record(L, r, file)))
			goto out;
		esco_skill *k;

		if (grow((void **)&t->skill, &t->cap_skill, t->n_skill, sizeof *t->skill, MAX_SKILLS)) {
			lerr(L, "esco: %s: too many skills or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		k = &t->skill[t->n_skill];
		memset(k, 0, sizeof *k);
		k->index = (uint32_t)t->n_skill;
		k->type = parse_skill_type(fld(r, c_type, NULL));
		k->reuse = parse_reuse(fld(r, c_reuse, NULL));
		if ((rc = read_concept(L, r, file, &c, &k->uri, &k->description,
				       &k->labels[ESCO_LANG_EN])))
			goto out;
		k->label = k->labels[ESCO_LANG_EN].preferred;
		t->n_skill++;
	}
	if (rc < 0)
		rc = csv_fail(L, r, rc);
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

	if ((rc = open_csv(L, file, &r)))
		return rc;
	if ((rc = need_col(L, r, file, "occupationUri", &c_occ)) ||
	    (rc = need_col(L, r, file, "relationType", &c_type)) ||
	    (rc = need_col(L, r, file, "skillUri", &c_skill)))
		goto out;
	while ((rc = csv_next(r)) == 1) {
		if ((rc = check_record(L, r, file)))
			goto out;
		uint32_t o = table_find(t, fld(r, c_occ, NULL));
		uint32_t k = table_find(t, fld(r, c_skill, NULL));
		const char *type = fld(r, c_type, NULL);

		/* relations to concepts this release does not hold are dropped */
		if (o >> 28 != K_OCC || k >> 28 != K_SKILL)
			continue;
		if (grow((void **)&rel, &cap_rel, n_rel, sizeof *rel, MAX_RELATIONS)) {
			lerr(L, "esco: %s: too many relations or out of memory", file);
			rc = ESCO_ERR_NOMEM;
			goto out;
		}
		rel[n_rel].occ = (o & 0x0fffffffu) - 1;
		rel[n_rel].skill = (k & 0x0fffffffu) - 1;
		rel[n_rel].essential = strcmp(type, "essential") == 0;
		n_rel++;
	}
	if (rc < 0) {
		rc = csv_fail(L, r, rc);
		goto out;
	}

	/* counting sort by occupation, keeping file order within one */
	start = calloc(t->n_occ + 1, sizeof *start);
	sorted = malloc((n_rel ? n_rel : 1) * sizeof *sorted);
	stamp = calloc(t->n_skill ? t->n_skill : 1, sizeof *stamp);
	if (!start || !sorted || !stamp) {
		lerr(L, "esco: out of memory");
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
		ess = arena_alloc(t, ne * sizeof *ess);
		opt = arena_alloc(t, no * sizeof *opt);
		if (!ess || !opt) {
			lerr(L, "esco: out of memory");
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

static int load_broader(struct loader *L)
{
	static const char file[] = "broaderRelationsOccPillar.csv.gz";
	esco *t = L->tax;
	csv_reader *r = NULL;
	int c_uri, c_broader, rc;

	if ((rc = open_csv(L, file, &r)))
		return rc;
	if ((rc = need_col(L, r, file, "conceptUri", &c_uri)) ||
	    (rc = need_col(L, r, file, "broaderUri", &c_broader)))
		goto out;
	while ((rc = csv_next(r)) == 1) {
		if ((rc = check_record(L, r, file)))
			goto out;
		uint32_t a = table_find(t, fld(r, c_uri, NULL));
		uint32_t b = table_find(t, fld(r, c_broader, NULL));

		if (a >> 28 == K_OCC && b >> 28 == K_OCC && a != b)
			t->occ[(a & 0x0fffffffu) - 1].broader = &t->occ[(b & 0x0fffffffu) - 1];
	}
	if (rc < 0)
		rc = csv_fail(L, r, rc);
out:
	csv_close(r);
	return rc;
}

/* Adds the labels of one language from a file keyed by conceptUri. */
static int load_lang(struct loader *L, const char *file, esco_lang lang)
{
	esco *t = L->tax;
	csv_reader *r = NULL;
	int c_uri, c_pref, c_alt, c_hid, rc;

	if ((rc = open_csv(L, file, &r)))
		return rc;
	if ((rc = need_col(L, r, file, "conceptUri", &c_uri)) ||
	    (rc = need_col(L, r, file, "preferredLabel", &c_pref)))
		goto out;
	c_alt = csv_column(r, "altLabels");
	c_hid = csv_column(r, "hiddenLabels");
	while ((rc = csv_next(r)) == 1) {
		if ((rc = check_record(L, r, file)))
			goto out;
		uint32_t ref = table_find(t, fld(r, c_uri, NULL)), i = (ref & 0x0fffffffu) - 1;
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
		if ((rc = read_labels(t, r, c_pref, c_alt, c_hid, lb)))
			goto out;
	}
	if (rc < 0)
		rc = csv_fail(L, r, rc);
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
	    (rc = table_build(&L)) || (rc = load_relations(&L)) || (rc = load_broader(&L)) ||
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
		lerr(&L, "esco: out of memory");
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

size_t esco_occupation_count(const esco *t)
{
	return t->n_occ;
}

size_t esco_skill_count(const esco *t)
{
	return t->n_skill;
}

size_t esco_isco_group_count(const esco *t)
{
	return t->n_grp;
}

const esco_occupation *esco_occupation_at(const esco *t, size_t i)
{
	return i < t->n_occ ? &t->occ[i] : NULL;
}

const esco_skill *esco_skill_at(const esco *t, size_t i)
{
	return i < t->n_skill ? &t->skill[i] : NULL;
}

const esco_isco_group *esco_isco_group_at(const esco *t, size_t i)
{
	return i < t->n_grp ? &t->grp[i] : NULL;
}

const esco_occupation *esco_occupation_by_uri(const esco *t, const char *uri)
{
	uint32_t ref = table_find(t, uri);

	return ref >> 28 == K_OCC ? &t->occ[(ref & 0x0fffffffu) - 1] : NULL;
}

const esco_skill *esco_skill_by_uri(const esco *t, const char *uri)
{
	uint32_t ref = table_find(t, uri);

	return ref >> 28 == K_SKILL ? &t->skill[(ref & 0x0fffffffu) - 1] : NULL;
}

const esco_isco_group *esco_isco_group_by_code(const esco *t, const char *code)
{
	size_t lo = 0, hi;

	if (!is_digits(code, 1, 4))
		return NULL;
	hi = t->n_grp;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->grp[mid].code, code);
		if (c == 0)
			return &t->grp[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int esco_isco_valid(const esco *t, const char *code)
{
	return esco_isco_group_by_code(t, code) != NULL;
}

size_t esco_occupations_by_isco(const esco *t, const char *code, const esco_occupation *const **list)
{
	size_t len, lo = 0, hi = t->n_occ, b;

	*list = NULL;
	if (!is_digits(code, 1, 4))
		return 0;
	len = strlen(code);
	while (lo < hi) { /* first with prefix >= code */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(t->occ_by_isco[mid]->isco, code, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	b = lo;
	hi = t->n_occ;
	while (lo < hi) { /* first with prefix > code */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(t->occ_by_isco[mid]->isco, code, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b)
		return 0;
	*list = (const esco_occupation *const *)&t->occ_by_isco[b];
	return lo - b;
}

int esco_isco_proximity(const char *a, const char *b)
{
	int n = 0;

	if (!is_digits(a, 1, 4) || !is_digits(b, 1, 4))
		return ESCO_ISCO_UNRELATED;
	while (a[n] && b[n] && a[n] == b[n])
		n++;
	return n;
}

int esco_occupation_has_skill(const esco_occupation *o, const esco_skill *s)
{
	size_t i;

	if (!o || !s)
		return 0;
	for (i = 0; i < o->n_essential; i++)
		if (o->essential[i] == s)
			return 1;
	for (i = 0; i < o->n_optional; i++)
		if (o->optional[i] == s)
			return 2;
	return 0;
}

static const char *const lang_codes[ESCO_LANG_COUNT] = {"en", "fr", "es"};

int esco_lang_from_code(const char *code)
{
	int i;

	for (i = 0; code && i < ESCO_LANG_COUNT; i++)
		if (strcmp(code, lang_codes[i]) == 0)
			return i;
	return -1;
}

const char *esco_lang_code(esco_lang lang)
{
	return (unsigned)lang < ESCO_LANG_COUNT ? lang_codes[lang] : NULL;
}

/* ---- label iterator ---- */

void esco_label_iter_init(esco_label_iter *it, const esco *tax, unsigned kinds)
{
	memset(it, 0, sizeof *it);
	it->tax = tax;
	it->kinds = kinds;
}

int esco_label_next(esco_label_iter *it, esco_label *out)
{
	static const esco_kind kind_of[3] = {ESCO_KIND_OCCUPATION, ESCO_KIND_SKILL,
					     ESCO_KIND_ISCO_GROUP};
	const esco *t = it->tax;

	while (it->kind_pos < 3) {
		size_t n = it->kind_pos == 0 ? t->n_occ : it->kind_pos == 1 ? t->n_skill : t->n_grp;
		const esco_labels *lb;
		const char *uri;
		const void *concept;

		if (!(it->kinds & kind_of[it->kind_pos]) || it->item >= n) {
			it->kind_pos++;
			it->item = 0;
			it->lang = 0;
			it->label = 0;
			continue;
		}
		if (it->lang >= ESCO_LANG_COUNT) {
			it->item++;
			it->lang = 0;
			it->label = 0;
			continue;
		}
		if (it->kind_pos == 0) {
			concept = &t->occ[it->item];
			lb = &t->occ[it->item].labels[it->lang];
			uri = t->occ[it->item].uri;
		} else if (it->kind_pos == 1) {
			concept = &t->skill[it->item];
			lb = &t->skill[it->item].labels[it->lang];
			uri = t->skill[it->item].uri;
		} else {
			concept = &t->grp[it->item];
			lb = &t->grp[it->item].labels[it->lang];
			uri = t->grp[it->item].uri;
		}
		if (!lb->preferred || it->label >= 1 + lb->n_alt + lb->n_hidden) {
			it->lang++;
			it->label = 0;
			continue;
		}
		out->uri = uri;
		out->kind = kind_of[it->kind_pos];
		out->lang = (esco_lang)it->lang;
		out->concept = concept;
		out->is_preferred = it->label == 0;
		out->is_hidden = it->label > lb->n_alt;
		out->label = it->label == 0 ? lb->preferred
			     : it->label <= lb->n_alt ? lb->alt[it->label - 1]
						      : lb->hidden[it->label - 1 - lb->n_alt];
		it->label++;
		return 1;
	}
	return 0;
}
