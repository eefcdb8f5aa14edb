/*
 * request.c - the POST /v1/match body: which profile (stored or inline)
 * and the match parameters, with each bad field named.
 */
#include "engine/match/internal.h"

#include <stdio.h>
#include <string.h>

#include "engine/core/fields.h"
#include "engine/core/iso.h"
#include "engine/profile.h"

int match_parse(const json_t *body, char *profile_id, size_t idlen, json_t **inline_doc,
		struct match_params *mp, problem *p)
{
	static const char *const keys[] = {"profile_id", "profile", "limit", "countries",
					   "include_flagged", NULL};
	const char *id = NULL;
	json_t *prof = NULL, *countries = NULL, *v;
	long long limit = MATCH_LIMIT_DEFAULT;
	int flagged = 0;
	size_t i;
	char name[48];

	*inline_doc = NULL;
	profile_id[0] = '\0';
	memset(mp, 0, sizeof *mp);
	if (fields_only(body, "", keys, p) && !json_is_object(body))
		return -1;
	fields_string(body, "", "profile_id", 64, 0, &id, p);
	fields_object(body, "", "profile", 0, &prof, p);
	fields_int(body, "", "limit", 1, MATCH_LIMIT_MAX, 0, &limit, p);
	fields_bool(body, "", "include_flagged", 0, &flagged, p);
	if (fields_array(body, "", "countries", MATCH_COUNTRIES_MAX, 0, &countries, p) > 0) {
		json_array_foreach(countries, i, v) {
			snprintf(name, sizeof name, "countries[%zu]", i);
			if (!json_is_string(v) || !iso_country_valid(json_string_value(v))) {
				problem_field(p, name, "format", "must be an ISO 3166-1 alpha-2 country code");
				p->kind = PROBLEM_INVALID;
			}
		}
	}
	if (!p->kind && !id == !prof) {
		problem_field(p, id ? "profile" : "profile_id", "required",
			      "give exactly one of profile_id and profile");
		p->kind = PROBLEM_INVALID;
	}
	if (!p->kind && id && (strlen(id) >= idlen || !profile_id_valid(id))) {
		problem_field(p, "profile_id", "format", "is not a profile id");
		p->kind = PROBLEM_INVALID;
	}
	if (p->kind)
		return -1;
	if (prof && profile_validate(prof, inline_doc, p)) {
		/* Report the inline profile's fields under "profile.". */
		json_t *e;

		json_array_foreach(p->errors, i, e) {
			const char *f = json_string_value(json_object_get(e, "field"));
			char full[200];

			if (f) {
				snprintf(full, sizeof full, "profile.%s", f);
				json_object_set_new(e, "field", json_string(full));
			}
		}
		return -1;
	}
	if (id)
		snprintf(profile_id, idlen, "%s", id);
	mp->limit = (size_t)limit;
	mp->countries = countries;
	mp->include_flagged = flagged;
	return 0;
}
