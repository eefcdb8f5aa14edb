/*
 * request.c - the POST /v1/match body: which profile (stored or inline)
 * and the match parameters, with each bad field named.
 */
#include "engine/match/internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/core/fields.h"
#include "engine/core/iso.h"
#include "engine/profile.h"

int match_parse(const json_t *body, char *profile_id, size_t idlen, json_t **inline_doc,
		struct match_params *mp, problem *p)
{
	static const char *const keys[] = {"profile_id", "profile", "limit", "countries",
					   "include_flagged", "explore", "lang", NULL};
	const char *id = NULL, *lang = NULL;
	json_t *prof = NULL, *countries = NULL, *v;
	long long limit = MATCH_LIMIT_DEFAULT;
	int flagged = 0, explore = 0;
	size_t i;
	char name[48];

	*inline_doc = NULL;
	profile_id[0] = '\0';
	memset(mp, 0, sizeof *mp);
	memcpy(mp->lang, "en", 3);
	if (fields_only(body, "", keys, p) && !json_is_object(body))
		return -1;
	fields_string(body, "", "profile_id", 64, 0, &id, p);
	fields_object(body, "", "profile", 0, &prof, p);
	fields_int(body, "", "limit", 1, MATCH_LIMIT_MAX, 0, &limit, p);
	fields_bool(body, "", "include_flagged", 0, &flagged, p);
	fields_bool(body, "", "explore", 0, &explore, p);
	/* As ?lang= (api/lang.c): a language the labels are not loaded in is
	 * refused, not answered in English as if it had been understood. */
	if (fields_string(body, "", "lang", 35, 0, &lang, p) > 0) {
		if (!match_lang(lang, mp->lang)) {
			problem_field(p, "lang", "format", "must be a language tag such as en, fr or es");
			p->kind = PROBLEM_INVALID;
		} else if (strcmp(mp->lang, "en") == 0 && strncasecmp(lang, "en", 2) != 0) {
			problem_field(p, "lang", "unsupported", "must be one of en, fr, es");
			p->kind = PROBLEM_INVALID;
		}
	}
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
		/* Report the inline profile's fields under "profile.", in the
		 * detail sentence (which names the first one) as in the list. */
		const char *first = json_string_value(json_object_get(json_array_get(p->errors, 0), "field"));
		json_t *e;

		if (first && strncmp(p->detail, first, strlen(first)) == 0 &&
		    p->detail[strlen(first)] == ':') {
			char detail[sizeof p->detail];

			snprintf(detail, sizeof detail, "profile.%.*s", (int)(sizeof detail - 9), p->detail);
			memcpy(p->detail, detail, sizeof p->detail);
		}
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
	mp->explore = explore;
	return 0;
}

/* The labels' language of a tag ("fr", "fr-CA", "ES"): a language ESCO's
 * labels are loaded in goes into out (3 bytes), any other falls back to
 * English. 0 when tag is not a language tag at all. */
int match_lang(const char *tag, char out[3])
{
	char code[3];
	size_t n = strspn(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

	if (n < 2 || n > 8 || (tag[n] && tag[n] != '-' && tag[n] != '_'))
		return 0;
	code[0] = (char)tolower((unsigned char)tag[0]);
	code[1] = (char)tolower((unsigned char)tag[1]);
	code[2] = '\0';
	memcpy(out, n == 2 && esco_lang_from_code(code) >= 0 ? code : "en", 3);
	return 1;
}

/* The language of an Accept-Language header: its first language ESCO's
 * labels are loaded in, by order of appearance (q-values are rarely
 * anything but decreasing); English when none. */
void match_accept_language(const char *header, char out[3])
{
	const char *s = header;

	memcpy(out, "en", 3);
	while (s && *s) {
		char tag[16], code[3];
		size_t n;

		s += strspn(s, " \t,");
		n = strcspn(s, ",;");
		if (n && n < sizeof tag) {
			memcpy(tag, s, n);
			tag[n] = '\0';
			while (n && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
				tag[--n] = '\0';
			if (match_lang(tag, code) && (strcmp(code, "en") || strncasecmp(tag, "en", 2) == 0)) {
				memcpy(out, code, 3);
				return;
			}
		}
		s = strchr(s, ',');
	}
}
