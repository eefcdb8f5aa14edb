/*
 * validate.c - checking a posted listing (POST /v1/quotas, the import):
 * PROBLEM_INVALID for the shape of each field, PROBLEM_RULE for the rules
 * between them, and the canonical document with its ISCO-08 group filled in.
 */
#include "engine/quota/internal.h"

#include <stdio.h>
#include <string.h>

#include "engine/core/fields.h"
#include "engine/core/iso.h"
#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"

static const char *const quota_keys[] = {"agreement",	"origin_countries", "destination_country",
					 "occupation",	"slots",	    "valid_from",
					 "valid_until", "conditions",	    "illustrative",
					 NULL};

static void check_origins(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i, j;
	char path[48];

	if (fields_array(in, "", "origin_countries", QUOTA_ORIGINS_MAX, 1, &arr, p) <= 0)
		return;
	if (json_array_size(arr) == 0) {
		problem_field(p, "origin_countries", "required", "must name at least one country");
		p->kind = PROBLEM_INVALID;
	}
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof path, "origin_countries[%zu]", i);
		if (!json_is_string(v) || json_string_length(v) != 2 ||
		    !iso_country_valid(json_string_value(v))) {
			problem_field(p, path, "format", "must be an ISO 3166-1 alpha-2 country code");
			p->kind = PROBLEM_INVALID;
			continue;
		}
		for (j = 0; j < i; j++)
			if (json_equal(v, json_array_get(arr, j)))
				break;
		if (j < i) {
			problem_field(p, path, "duplicate", "is listed twice");
			p->kind = PROBLEM_INVALID;
		}
	}
}

/* An occupation given as free text: the ESCO occupation it normalises to
 * (*norm gets the one-line "normalised" report, code its unit group), or a
 * 400 naming the field when none is good enough. -1 only when the taxonomy
 * is not available; a refusal is recorded in p. */
static int occupation_text(const char *occ, json_t **norm, char code[5], problem *p)
{
	struct tax_match m;
	int rc = taxonomy_normalise_occupation(occ, NULL, &m);

	if (rc == TAX_ERR)
		return quota__taxonomy_down(p);
	if (rc == 0 && quota__occupation_group(m.uri, code) == 0) {
		*norm = json_pack("[{s:s, s:s, s:s, s:f}]", "input", occ, "concept", m.uri, "label",
				  m.label, "score", (double)(int)(m.score * 100 + 0.5) / 100);
		if (!*norm)
			return quota__no_memory(p);
		return 0;
	}
	problem_field(p, "occupation", rc == TAX_ERR_NOMATCH ? "not_normalised" : "unknown",
		      rc == TAX_ERR_NOMATCH ? "'%s' matches no ESCO occupation well enough; give an "
					      "ISCO-08 group code (1-4 digits) or an ESCO occupation URI"
					    : "must be an ISCO-08 group code (1-4 digits), a known ESCO "
					      "occupation URI or an occupation's name",
		      occ);
	p->kind = PROBLEM_INVALID;
	return 0;
}

int quota_validate(const json_t *in, json_t **out, problem *p)
{
	const char *occ = NULL, *from = NULL, *until = NULL, *dest = NULL, *key;
	json_t *doc, *v, *norm = NULL;
	char code[5] = "", today[11];
	void *tmp;
	size_t i;
	int rc;

	*out = NULL;
	if (fields_only(in, "", quota_keys, p) && !json_is_object(in))
		return -1;
	fields_string(in, "", "agreement", QUOTA_AGREEMENT_MAX, 1, NULL, p);
	check_origins(in, p);
	fields_country(in, "", "destination_country", 1, &dest, p);
	if (fields_string(in, "", "occupation", 200, 1, &occ, p) > 0) {
		rc = quota__occupation_group(occ, code);
		if (rc == -2)
			return quota__taxonomy_down(p);
		if (rc == -1 && occupation_text(occ, &norm, code, p))
			return -1;
	}
	fields_int(in, "", "slots", 0, QUOTA_SLOTS_MAX, 1, NULL, p);
	fields_date(in, "", "valid_from", 1, &from, p);
	fields_date(in, "", "valid_until", 1, &until, p);
	fields_string(in, "", "conditions", QUOTA_CONDITIONS_MAX, 0, NULL, p);
	fields_bool(in, "", "illustrative", 0, NULL, p);
	if (p->kind) {
		json_decref(norm);
		return -1;
	}

	/* Rules on well-formed input: PROBLEM_RULE. */
	iso_today(today);
	if (strcmp(until, from) < 0) {
		problem_field(p, "valid_until", "before_valid_from", "is before valid_from");
		p->kind = PROBLEM_RULE;
	}
	if (strcmp(until, today) < 0) {
		problem_field(p, "valid_until", "past", "is in the past");
		p->kind = PROBLEM_RULE;
	}
	json_array_foreach(json_object_get(in, "origin_countries"), i, v) {
		if (strcmp(json_string_value(v), dest) == 0) {
			problem_field(p, "destination_country", "also_origin",
				      "is also an origin country of the listing");
			p->kind = PROBLEM_RULE;
		}
	}
	if (p->kind) {
		json_decref(norm);
		problem_subject(p, "quota listing");
		return -1;
	}

	doc = json_deep_copy(in);
	if (!doc) {
		json_decref(norm);
		return quota__no_memory(p);
	}
	json_object_foreach_safe(doc, tmp, key, v) {
		if (json_is_null(v))
			json_object_del(doc, key);
	}
	/* Free text became the concept; "normalised" says so in the answer
	 * and is never stored (quota_create reads the fields it stores). */
	if (norm && (json_object_set_new(doc, "occupation",
					 json_incref(json_object_get(json_array_get(norm, 0), "concept"))) ||
		     json_object_set_new(doc, "normalised", norm))) {
		json_decref(doc);
		return quota__no_memory(p);
	}
	if (json_object_set_new(doc, "isco", json_string(code)) ||
	    (!json_object_get(doc, "conditions") &&
	     json_object_set_new(doc, "conditions", json_string(""))) ||
	    (!json_object_get(doc, "illustrative") &&
	     json_object_set_new(doc, "illustrative", json_false()))) {
		json_decref(doc);
		return quota__no_memory(p);
	}
	*out = doc;
	return 0;
}
