/*
 * internal.h - what the files of data/sample/ share, and nothing outside
 * it may use (the sample__ tier): the draws (rng.c), the bounded text and
 * dates (text.c), the destination table and CEFR mix (tables.c), the
 * recruiter pool (recruiters.c), the generator state and occupation choice
 * (gen.c). vacancy.c and profile.c build the records, write.c writes them.
 */
#ifndef FAIRMATCH_SAMPLE_INTERNAL_H
#define FAIRMATCH_SAMPLE_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "data/sample.h"
#include "engine/taxonomy/esco.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define RECRUITERS_PER_COUNTRY 12
#define DESC_MAX 800
#define TEXT_MAX 1024
#define DUMP_MAX 16384

/* ---- draws (rng.c) ---- */

typedef struct {
	uint64_t s[4];
} rng;

void sample__rng_seed(rng *r, uint64_t seed, uint64_t stream);
/* uniform in [0, n) (n > 0), by multiply-shift: exact integer arithmetic */
uint32_t sample__below(rng *r, uint32_t n);
int sample__chance(rng *r, unsigned percent);
uint32_t sample__between(rng *r, uint32_t lo, uint32_t hi);
size_t sample__weighted(rng *r, const unsigned *w, size_t n);
/* k distinct indexes below n into out (k <= n, k small), in draw order */
size_t sample__pick_distinct(rng *r, size_t n, size_t k, uint32_t *out);
/* picks one two-letter code from a space-separated list, earlier ones likelier */
const char *sample__pick_code(rng *r, const char *list, int skew);

/* ---- text and dates (text.c) ---- */

struct text {
	char s[TEXT_MAX];
	size_t len;
};

void sample__t_add(struct text *t, const char *s);
void sample__t_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* appends sentence s (with a separating space) only if the whole fits in max */
void sample__t_sentence(struct text *t, const struct text *s, size_t max);
const char *sample__a_an(const char *word);
void sample__capitalise(char *s);
/* the first sentence of an ESCO description, at most max bytes */
void sample__first_sentence(struct text *t, const char *desc, size_t max);
/* days since 1970-01-01 of a civil date, and back (YYYY-MM-DD) */
int32_t sample__days_from_civil(int32_t y, unsigned m, unsigned d);
void sample__civil_from_days(int32_t z, char out[32]);

/* ---- the tables vacancies and profiles share (tables.c) ---- */

struct lang_w {
	const char *code;
	unsigned w;
};

struct country {
	const char *code, *name, *currency;
	unsigned weight;        /* share of vacancies */
	unsigned sal_lo, sal_hi; /* monthly band, major units, mid-skilled work */
	const char *cities[6];
	struct lang_w langs[4];
	const char *recruiters; /* countries recruiters for it sit in */
};

#define SAMPLE_N_DEST 25
extern const struct country sample__dest[SAMPLE_N_DEST];
/* a CEFR level, drawn from the first n (at most 6) by how often they are asked for */
const char *sample__cefr_level(rng *r, size_t n);
/* the destination of a two-letter code, or NULL */
const struct country *sample__dest_by_code(const char *code);

/* ---- the generator (gen.c) and its recruiters (recruiters.c) ---- */

#define SAMPLE_N_RCOUNTRY 27 /* recruiter countries (recruiters.c) */

struct recruiter {
	char name[112];
	char licence[16];
	const char *country;
};

struct sample_gen {
	const esco *tax;
	rng vac, prof;
	const esco_occupation *const *by_major[10];
	size_t n_major[10];
	struct recruiter rec[SAMPLE_N_RCOUNTRY * RECRUITERS_PER_COUNTRY];
	size_t n_rec;
	int32_t day0; /* days from 1970-01-01 to 2027-01-01 */
};

void sample__build_recruiters(sample_gen *g, uint64_t seed);
/* a recruiter for destination c: from one of the countries recruiting for it */
const struct recruiter *sample__pick_recruiter(sample_gen *g, rng *r, const struct country *c);
/* an occupation: an ISCO major group by weight, then one of its occupations */
const esco_occupation *sample__pick_occupation(sample_gen *g, rng *r);
/* a label, the preferred one or now and then an alternative */
const char *sample__any_label(rng *r, const esco_labels *lb, unsigned alt_percent);

/* ---- JSON helpers: every setter reports failure, the caller bails out ---- */

/*
 * Every string handed to jansson is valid UTF-8: the taxonomy guarantees it
 * for its strings, the tables here are UTF-8, and the text builders cut only
 * on character boundaries. So the _nocheck constructor skips re-validation.
 */
static inline json_t *sample__str(const char *s)
{
	return json_stringn_nocheck(s, strlen(s));
}

static inline int sample__set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new_nocheck(o, k, v) : -1;
}

static inline int sample__push(json_t *a, json_t *v)
{
	return v ? json_array_append_new(a, v) : -1;
}

#endif
