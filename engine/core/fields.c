/* fields.c - strict JSON body checks shared by every write endpoint (see fields.h). */
#include "engine/core/fields.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ucasemap.h>
#include <unicode/utf8.h>

#include "engine/core/iso.h"

const char *fields_path(char *buf, size_t len, const char *path, const char *key)
{
	if (path && *path)
		snprintf(buf, len, "%s.%s", path, key);
	else
		snprintf(buf, len, "%s", key);
	return buf;
}

int fields_only(const json_t *obj, const char *path, const char *const *allowed, problem *p)
{
	const char *key;
	json_t *v;
	char name[160];
	int unknown = 0;
	size_t i;

	if (!json_is_object(obj)) {
		problem_field(p, path && *path ? path : "(body)", "type", "must be an object");
		p->kind = PROBLEM_INVALID;
		return 1;
	}
	json_object_foreach((json_t *)obj, key, v) {
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (!allowed[i]) {
			fields_path(name, sizeof name, path, key);
			problem_field(p, name, "unknown_field", "unknown field");
			unknown++;
		}
	}
	if (unknown)
		p->kind = PROBLEM_INVALID;
	return unknown;
}

/* Looks key up: 0 absent/null (error if required), 1 present. */
static int present(const json_t *obj, const char *path, const char *key, int required,
		   json_t **v, problem *p)
{
	char name[160];

	*v = json_object_get(obj, key);
	if (*v && !json_is_null(*v))
		return 1;
	if (required) {
		problem_field(p, fields_path(name, sizeof name, path, key), "required",
			      "is required");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	return 0;
}

static int bad(problem *p, const char *path, const char *key, const char *code, const char *msg)
{
	char name[160];

	problem_field(p, fields_path(name, sizeof name, path, key), code, "%s", msg);
	p->kind = PROBLEM_INVALID;
	return -1;
}

/* Whether s shows nothing: only white space, format characters (zero-width
 * space, joiners, bidi marks) and default-ignorable code points (soft
 * hyphen, Hangul fillers, variation selectors). Invalid UTF-8 shows. */
static int blank_text(const char *s, size_t len)
{
	int32_t i = 0, n = (int32_t)len;

	while (i < n) {
		UChar32 c;

		U8_NEXT(s, i, n, c);
		if (c < 0 || !(u_isUWhiteSpace(c) || u_charType(c) == U_FORMAT_CHAR ||
			       u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)))
			return 0;
	}
	return 1;
}

int fields_blank(const char *s, size_t len)
{
	return blank_text(s, len);
}

/* s case-folded (ICU's full case folding) into out; NULL when it does not fit. */
static const char *folded(UCaseMap *map, const char *s, char *out, int32_t outlen)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t n = ucasemap_utf8FoldCase(map, out, outlen, s, -1, &err);

	return U_FAILURE(err) || n >= outlen ? NULL : out;
}

/* Whether two strings are one text but for case. */
static int same_text(UCaseMap *map, const json_t *a, const json_t *b)
{
	char fa[1024], fb[1024];
	const char *x, *y;

	if (!json_is_string(a) || !json_is_string(b))
		return 0;
	if (json_equal(a, b))
		return 1;
	if (!map)
		return 0;
	x = folded(map, json_string_value(a), fa, sizeof fa);
	y = folded(map, json_string_value(b), fb, sizeof fb);
	return x && y && !strcmp(x, y);
}

static int held_by(UCaseMap *map, const json_t *list, size_t upto, const json_t *v)
{
	size_t j;

	for (j = 0; j < upto; j++)
		if (same_text(map, json_array_get(list, j), v))
			return 1;
	return 0;
}

size_t fields_drop_repeats(json_t *list, const json_t *earlier)
{
	UErrorCode err = U_ZERO_ERROR;
	UCaseMap *map = ucasemap_open(NULL, U_FOLD_CASE_DEFAULT, &err);
	size_t i = 0, dropped = 0;

	if (U_FAILURE(err))
		map = NULL; /* exact repeats are still dropped */
	while (i < json_array_size(list)) {
		json_t *v = json_array_get(list, i);

		if (held_by(map, list, i, v) ||
		    (earlier && held_by(map, earlier, json_array_size(earlier), v))) {
			json_array_remove(list, i);
			dropped++;
		} else {
			i++;
		}
	}
	ucasemap_close(map);
	return dropped;
}

int fields_string(const json_t *obj, const char *path, const char *key, size_t maxlen,
		  int required, const char **out, problem *p)
{
	json_t *v;
	int r = present(obj, path, key, required, &v, p);
	char msg[64];
	size_t len;

	if (r <= 0)
		return r;
	if (!json_is_string(v))
		return bad(p, path, key, "type", "must be a string");
	len = json_string_length(v);
	if (len == 0)
		return bad(p, path, key, "length", "must not be empty");
	if (len > maxlen) {
		snprintf(msg, sizeof msg, "is longer than %zu bytes", maxlen);
		return bad(p, path, key, "length", msg);
	}
	if (memchr(json_string_value(v), '\0', len))
		return bad(p, path, key, "format", "must not contain NUL characters");
	if (blank_text(json_string_value(v), len))
		return bad(p, path, key, "length",
			   "must show some text: it holds only spaces or invisible characters");
	if (out)
		*out = json_string_value(v);
	return 1;
}

int fields_int(const json_t *obj, const char *path, const char *key, long long min, long long max,
	       int required, long long *out, problem *p)
{
	json_t *v;
	int r = present(obj, path, key, required, &v, p);
	char msg[96];

	if (r <= 0)
		return r;
	if (!json_is_integer(v))
		return bad(p, path, key, "type", "must be an integer");
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(msg, sizeof msg, "must be between %lld and %lld", min, max);
		return bad(p, path, key, "range", msg);
	}
	if (out)
		*out = json_integer_value(v);
	return 1;
}

int fields_number(const json_t *obj, const char *path, const char *key, double min, double max,
		  int required, double *out, problem *p)
{
	json_t *v;
	int r = present(obj, path, key, required, &v, p);
	char msg[96];
	double d;

	if (r <= 0)
		return r;
	if (!json_is_number(v))
		return bad(p, path, key, "type", "must be a number");
	d = json_number_value(v);
	if (!isfinite(d) || d < min || d > max) {
		snprintf(msg, sizeof msg, "must be between %g and %g", min, max);
		return bad(p, path, key, "range", msg);
	}
	if (out)
		*out = d;
	return 1;
}

int fields_bool(const json_t *obj, const char *path, const char *key, int required, int *out,
		problem *p)
{
	json_t *v;
	int r = present(obj, path, key, required, &v, p);

	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return bad(p, path, key, "type", "must be true or false");
	if (out)
		*out = json_is_true(v);
	return 1;
}

int fields_date(const json_t *obj, const char *path, const char *key, int required,
		const char **out, problem *p)
{
	const char *s = NULL;
	int r = fields_string(obj, path, key, 10, required, &s, p);

	if (r <= 0)
		return r;
	if (!iso_date_valid(s))
		return bad(p, path, key, "format", "must be a date YYYY-MM-DD");
	if (out)
		*out = s;
	return 1;
}

int fields_country(const json_t *obj, const char *path, const char *key, int required,
		   const char **out, problem *p)
{
	const char *s = NULL;
	int r = fields_string(obj, path, key, 2, required, &s, p);

	if (r <= 0)
		return r;
	if (!iso_country_valid(s))
		return bad(p, path, key, "format", "must be an ISO 3166-1 alpha-2 country code");
	if (out)
		*out = s;
	return 1;
}

int fields_array(const json_t *obj, const char *path, const char *key, size_t maxitems,
		 int required, json_t **out, problem *p)
{
	json_t *v;
	int r = present(obj, path, key, required, &v, p);
	char msg[64];

	if (r <= 0)
		return r;
	if (!json_is_array(v))
		return bad(p, path, key, "type", "must be an array");
	if (json_array_size(v) > maxitems) {
		snprintf(msg, sizeof msg, "must have at most %zu items", maxitems);
		return bad(p, path, key, "too_many", msg);
	}
	if (out)
		*out = v;
	return 1;
}

int fields_object(const json_t *obj, const char *path, const char *key, int required,
		  json_t **out, problem *p)
{
	json_t *v;
	int r = present(obj, path, key, required, &v, p);

	if (r <= 0)
		return r;
	if (!json_is_object(v))
		return bad(p, path, key, "type", "must be an object");
	if (out)
		*out = v;
	return 1;
}

json_t *fields_merge_patch(const json_t *target, const json_t *patch)
{
	json_t *result, *v, *merged;
	const char *key;

	if (!json_is_object(patch))
		return json_deep_copy(patch);
	result = json_is_object(target) ? json_deep_copy(target) : json_object();
	if (!result)
		return NULL;
	json_object_foreach((json_t *)patch, key, v) {
		if (json_is_null(v)) {
			json_object_del(result, key);
			continue;
		}
		merged = fields_merge_patch(json_object_get(result, key), v);
		if (!merged || json_object_set_new(result, key, merged)) {
			json_decref(result);
			return NULL;
		}
	}
	return result;
}
