/*
 * sample.h - a deterministic, seeded generator of realistic vacancies and
 * profiles built from the real ESCO taxonomy.
 *
 * Every vacancy has exactly the shape of the body of POST /v1/vacancies and
 * every profile that of POST /v1/profiles (see docs/api.md): a real ESCO
 * occupation (by ISCO-08 code or URI), 3-8 of its essential skills (now and
 * then one as a free-text label), some optional skills, languages with CEFR
 * levels, a destination country with a real city, a salary in the country's
 * currency, dates in 2027-2028 and, in about 60% of vacancies, a recruiter
 * from a pool of a few hundred synthetic agencies (made-up names assembled
 * from seeded parts, with licence numbers such as "LS-RA-0192").
 *
 * Determinism: the generator uses its own PRNG (xoshiro256** seeded with
 * splitmix64) and integer arithmetic only, so one seed and one taxonomy give
 * byte-identical output on any machine and at any optimisation level.
 * Vacancies and profiles are separate streams: the n-th vacancy of a seed
 * does not depend on how many profiles were drawn in between.
 *
 * Ownership: the generator borrows the taxonomy, which must outlive it.
 * Functions returning json_t * return a new reference the caller must
 * json_decref. A generator is not thread-safe; use one per thread.
 *
 * The code is in data/sample/, one file per job (see its internal.h).
 */
#ifndef FAIRMATCH_SAMPLE_H
#define FAIRMATCH_SAMPLE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/taxonomy/esco.h"

/* Error codes (negative); 0 is success. */
enum {
	SAMPLE_ERR_IO = -1,    /* writing the output failed */
	SAMPLE_ERR_NOMEM = -2, /* allocation failed */
	SAMPLE_ERR_DATA = -3,  /* the taxonomy has no usable occupations, or bad text */
};

typedef struct sample_gen sample_gen; /* opaque */

/*
 * Makes a generator over `tax` seeded with `seed`. Returns 0 and stores it
 * in *out, or a negative SAMPLE_ERR_* with *out NULL.
 */
int sample_gen_new(const esco *tax, uint64_t seed, sample_gen **out);
void sample_gen_free(sample_gen *g);

/* The next vacancy / profile as a new JSON object, or NULL on failure. */
json_t *sample_next_vacancy(sample_gen *g);
json_t *sample_next_profile(sample_gen *g);

/*
 * Writes `count` vacancies (profiles) drawn with `seed` to `out`, one
 * compact JSON object per line. Returns 0, or a negative SAMPLE_ERR_* with a
 * message in err (when err is not NULL). Output already written stays.
 */
int sample_vacancies(const esco *tax, FILE *out, uint64_t count, uint64_t seed, char *err,
		     size_t errlen);
int sample_profiles(const esco *tax, FILE *out, uint64_t count, uint64_t seed, char *err,
		    size_t errlen);

#endif
