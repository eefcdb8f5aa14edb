/*
 * fields.h - strict checks of decoded JSON request bodies.
 *
 * Every write endpoint validates its body with these, so the rules are the
 * same everywhere: unknown fields are refused (PROBLEM_INVALID, the field named), each
 * value has a type, a format and a documented maximum, and every offending
 * field is reported (not only the first). Field names in reports are paths
 * such as "salary.min" or "languages[1].level".
 *
 * Each fields_* getter returns 1 when the value is present and valid, 0 when
 * it is absent (or JSON null) and not required, -1 after recording a field
 * error in the problem (kind PROBLEM_INVALID).
 */
#ifndef FAIRMATCH_FIELDS_H
#define FAIRMATCH_FIELDS_H

#include <jansson.h>
#include <stddef.h>

#include "engine/core/problem.h"

/* Records an "unknown_field" error for each key of obj not in allowed
 * (a NULL-terminated list). `path` prefixes the names ("" at top level).
 * Returns the number of unknown keys. Also refuses a non-object. */
int fields_only(const json_t *obj, const char *path, const char *const *allowed, problem *p);

/* A string of 1..maxlen bytes that shows some text (valid UTF-8 is
 * guaranteed by jansson; NUL bytes, and strings of only white space or
 * invisible characters, are refused). *out is borrowed from obj. */
int fields_string(const json_t *obj, const char *path, const char *key, size_t maxlen,
		  int required, const char **out, problem *p);
/* Whether s[0..len) shows nothing (only white space or invisible
 * characters): the rule fields_string applies, for array items. */
int fields_blank(const char *s, size_t len);
/* Removes from the string array list each item that an earlier item of
 * list, or any item of earlier (may be NULL), holds already, case aside
 * (two free texts normalised to one concept, "Welding" beside "welding");
 * returns how many it removed. */
size_t fields_drop_repeats(json_t *list, const json_t *earlier);
/* An integer in [min, max]. */
int fields_int(const json_t *obj, const char *path, const char *key, long long min, long long max,
	       int required, long long *out, problem *p);
/* A number (integer or real) in [min, max]. */
int fields_number(const json_t *obj, const char *path, const char *key, double min, double max,
		  int required, double *out, problem *p);
int fields_bool(const json_t *obj, const char *path, const char *key, int required, int *out,
		problem *p);
/* A date YYYY-MM-DD. */
int fields_date(const json_t *obj, const char *path, const char *key, int required,
		const char **out, problem *p);
/* An ISO 3166-1 alpha-2 country code (uppercase). */
int fields_country(const json_t *obj, const char *path, const char *key, int required,
		   const char **out, problem *p);
/* An array of at most maxitems items (borrowed). */
int fields_array(const json_t *obj, const char *path, const char *key, size_t maxitems,
		 int required, json_t **out, problem *p);
/* An object (borrowed). */
int fields_object(const json_t *obj, const char *path, const char *key, int required,
		  json_t **out, problem *p);

/* Writes "path.key" (or "key") into buf. */
const char *fields_path(char *buf, size_t len, const char *path, const char *key);

/* Applies an RFC 7396 JSON merge patch to a deep copy of target; returns the
 * new object (caller owns) or NULL when out of memory. */
json_t *fields_merge_patch(const json_t *target, const json_t *patch);

#endif
