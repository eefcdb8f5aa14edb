/*
 * declared.c - a recruiter name that declares other names of the firm
 * ("Lesedi Holdings t/a Kopano Manpower", "Lesedi (formerly Kopano Ltd)":
 * names_alias.c finds the parts) is checked whole and part by part, and the
 * worst answer stands, in the check (integrity_check: the API, batch
 * screening and vacancy writes) and in the verdict search, match, the
 * change feed and the statistics read (integrity_snapshot_verdict_of).
 * Each part is checked without the licence, which is the declaring firm's.
 * A name with a word cut short where a trade word starts ("Maseru Cons.
 * Planners": names_cut_reading) is checked once more with the cut words
 * read as written, and the worse answer stands too (round 17).
 */
#include <string.h>

#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

/* How bad a check answer's verdict is: the worse answer wins. */
static int verdict_rank(const json_t *answer)
{
	static const char *const order[] = {"unknown", "licensed", "unlicensed", "flagged",
					    "conflict", "blacklisted"};
	const char *v = json_string_value(json_object_get(answer, "verdict"));

	for (int i = (int)(sizeof order / sizeof order[0]) - 1; v && i > 0; i--)
		if (strcmp(v, order[i]) == 0)
			return i;
	return 0;
}

/* Whether answer a is worse than b: a worse verdict, or the same with
 * possible matches where b has none (a possible match is shown for
 * review). */
static int worse(const json_t *a, const json_t *b)
{
	int ra = verdict_rank(a), rb = verdict_rank(b);

	return ra > rb || (ra == rb && json_array_size(json_object_get(a, "possible_matches")) &&
			   !json_array_size(json_object_get(b, "possible_matches")));
}

/* A name that declares others ("A t/a B", "A (formerly B)": names_alias.c)
 * is checked whole and part by part, and the worst answer stands: a
 * blacklisted firm's name after a new one's is the blacklisted firm. A
 * part is checked without the licence, which is the declaring firm's. The
 * answer a part gave says which part ("name_part"); among answers of equal
 * verdict, one with possible matches beats one without, so a possible
 * match of a part is shown for review. */
int integrity_check(store *s, const char *name, const char *licence, const char *country,
		    json_t **out, problem *p)
{
	struct names_part parts[NAMES_ALIAS_PARTS];
	int np = name ? names_alias_parts(name, strlen(name), parts, NAMES_ALIAS_PARTS) : 0;
	char cut[NAMES_MAX_INPUT + 1];

	if (integ__check_one(s, name, licence, country, out, p))
		return -1;
	for (int k = 0; k < np; k++) {
		char part[NAMES_MAX_INPUT + 1];
		json_t *a;

		memcpy(part, name + parts[k].off, parts[k].len);
		part[parts[k].len] = '\0';
		if (integ__check_one(s, part, NULL, country, &a, p)) {
			json_decref(*out);
			*out = NULL;
			return -1;
		}
		if (worse(a, *out)) {
			if (json_object_set_new(a, "name_part", json_string(part))) {
				json_decref(a);
				json_decref(*out);
				*out = NULL;
				return integ__oom(p);
			}
			json_decref(*out);
			*out = a;
		} else {
			json_decref(a);
		}
	}
	if (name && names_cut_reading(name, strlen(name), cut, sizeof cut)) {
		json_t *a;

		if (integ__check_one(s, cut, NULL, country, &a, p)) {
			json_decref(*out);
			*out = NULL;
			return -1;
		}
		if (worse(a, *out)) {
			json_decref(*out);
			*out = a;
		} else {
			json_decref(a);
		}
	}
	return 0;
}

/* Keeps in out the worse of out and v (v is released or moved): a worse
 * verdict, or with nothing registered matching, the closer hold. */
static void take_worse(struct integrity_verdict *out, struct integrity_verdict *v)
{
	if (v->kind > out->kind) {
		integrity_verdict_release(out);
		*out = *v;
		return;
	}
	if (out->kind == INTEGRITY_UNKNOWN && v->held[0] && v->held_score > out->held_score) {
		memcpy(out->held, v->held, sizeof out->held);
		out->held_score = v->held_score;
	}
	integrity_verdict_release(v);
}

/* A name that declares others ("A t/a B": names_alias.c) gets the worst
 * verdict of the whole and of each part (a part without the licence, the
 * declaring firm's), as integrity_check answers; with nothing registered
 * matching, the closest hold of any. */
int integrity_snapshot_verdict_of(const integrity_snapshot *snap, const char *name,
				  const char *licence, const char *country,
				  struct integrity_verdict *out)
{
	struct names_part parts[NAMES_ALIAS_PARTS];
	int np = name ? names_alias_parts(name, strlen(name), parts, NAMES_ALIAS_PARTS) : 0;
	char cut[NAMES_MAX_INPUT + 1];

	if (integ__verdict_of_one(snap, name, licence, country, out))
		return -1;
	for (int k = 0; k < np; k++) {
		char part[NAMES_MAX_INPUT + 1];
		struct integrity_verdict v;

		memcpy(part, name + parts[k].off, parts[k].len);
		part[parts[k].len] = '\0';
		if (integ__verdict_of_one(snap, part, NULL, country, &v)) {
			integrity_verdict_release(out);
			memset(out, 0, sizeof *out);
			return -1;
		}
		take_worse(out, &v);
	}
	if (name && names_cut_reading(name, strlen(name), cut, sizeof cut)) {
		struct integrity_verdict v;

		if (integ__verdict_of_one(snap, cut, NULL, country, &v)) {
			integrity_verdict_release(out);
			memset(out, 0, sizeof *out);
			return -1;
		}
		take_worse(out, &v);
	}
	return 0;
}
