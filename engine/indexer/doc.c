/*
 * doc.c - the index document a vacancy becomes (see index/schema.h for the
 * prefixes and value slots): the terms that filter and weigh it, the values
 * re-ranking reads, and the JSON it answers with.
 */
#include "engine/indexer/indexer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"
#include "engine/match/match.h"
#include "engine/vacancy.h"
#include "index/schema.h"

/* Adds prefix+value as a boolean term; values longer than Xapian's term
 * limit (245 bytes) are cut, which only widens a filter, never hides data. */
static int add_bool(index_doc *d, const char *prefix, const char *value, index_error *err)
{
	char term[240];

	if (!value || !*value)
		return 0;
	snprintf(term, sizeof term, "%s%s", prefix, value);
	return index_doc_add_boolean(d, term, err);
}

/* The match query (engine/match/) weighs skill and occupation terms, and
 * a term of wdf 0 has no BM25 weight: these terms get wdf 1. They still
 * work as filters exactly like boolean terms. */
static int add_weighted(index_doc *d, const char *prefix, const char *value, int lowercase,
			index_error *err)
{
	char term[240];
	size_t n = strlen(prefix), i;

	if (!value || !*value)
		return 0;
	snprintf(term, sizeof term, "%s%s", prefix, value);
	for (i = n; lowercase && term[i]; i++)
		term[i] = (char)tolower((unsigned char)term[i]);
	return index_doc_add_term(d, term, 1, err);
}

/* The recruiter's normalised name and licence: the same forms the integrity
 * snapshot excludes (integrity_snapshot_terms), so a flag hides the
 * vacancy with one AND_NOT term. */
static int add_recruiter(index_doc *d, const json_t *rec, index_error *err)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	char norm[NAMES_NORM_CAP], cut[237], lic[INTEGRITY_LICENCE_MAX + 1];

	/* Cut where add_bool would cut "XR:"+name, said so to the compiler. */
	if (name && names_normalise(name, strlen(name), norm, sizeof norm) == 0) {
		snprintf(cut, sizeof cut, "%.236s", norm);
		if (add_bool(d, VX_RECRUITER, cut, err))
			return -1;
	}
	integrity_licence_norm(json_string_value(json_object_get(rec, "licence")), lic, sizeof lic);
	return add_bool(d, VX_LICENCE, lic, err);
}

static int add_skills(index_doc *d, const json_t *list, int essential, index_error *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		if (strncmp(s, "http", 4) == 0) {
			if (add_weighted(d, VX_SKILL, s, 0, err) ||
			    (essential && add_weighted(d, VX_ESSENTIAL, s, 0, err)))
				return -1;
		} else {
			/* Free text: findable by its words and by the exact label. */
			if (add_weighted(d, VX_SKILL, s, 1, err) ||
			    (essential && add_weighted(d, VX_ESSENTIAL, s, 1, err)) ||
			    index_doc_add_text(d, s, strlen(s), "en", 1, VX_TEXT, err))
				return -1;
		}
	}
	return 0;
}

int indexer_vacancy_indexable(const json_t *v)
{
	const char *status = json_string_value(json_object_get(v, "status"));

	return status && strcmp(status, "open") == 0 &&
	       json_integer_value(json_object_get(v, "positions")) > 0;
}

int indexer_vacancy_doc(const json_t *v, index_doc **out, index_error *err)
{
	index_doc *d = index_doc_new();
	const char *id = json_string_value(json_object_get(v, "id"));
	const char *occ = json_string_value(json_object_get(v, "occupation"));
	const char *title = json_string_value(json_object_get(v, "title"));
	const char *desc = json_string_value(json_object_get(v, "description"));
	json_t *skills = json_object_get(v, "skills"), *langs = json_object_get(v, "languages");
	json_t *rec = json_object_get(v, "recruiter"), *lang;
	char buf[64], code[5];
	char *data = NULL;
	size_t i;
	int64_t num;

	*out = NULL;
	if (!d) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return INDEX_ENOMEM;
	}
	if (!id || vacancy_parse_id(id, &num)) {
		snprintf(err->msg, sizeof err->msg, "vacancy without a valid id");
		goto fail;
	}
	snprintf(buf, sizeof buf, "%s%lld", VX_ID, (long long)num);
	if (index_doc_add_boolean(d, buf, err) ||
	    add_bool(d, VX_ORG, json_string_value(json_object_get(v, "org")), err) ||
	    add_bool(d, VX_COUNTRY, json_string_value(json_object_get(v, "country")), err) ||
	    add_bool(d, VX_QUOTA, json_string_value(json_object_get(v, "quota_id")), err))
		goto fail;
	json_array_foreach(langs, i, lang) {
		if (add_bool(d, VX_LANGUAGE, json_string_value(json_object_get(lang, "code")), err))
			goto fail;
	}
	if (occ && strlen(occ) == 4 && isdigit((unsigned char)occ[0])) {
		/* Every level of the ISCO-08 hierarchy, so a filter on a major,
		 * sub-major or minor group is one term. */
		for (i = 1; i <= 4; i++) {
			memcpy(code, occ, i);
			code[i] = '\0';
			if (add_weighted(d, VX_OCCUPATION, code, 0, err))
				goto fail;
		}
	} else if (occ && add_weighted(d, VX_ESCO_OCC, occ, 0, err)) {
		goto fail;
	}
	if (add_skills(d, json_object_get(skills, "essential"), 1, err) ||
	    add_skills(d, json_object_get(skills, "optional"), 0, err))
		goto fail;
	if (rec && add_recruiter(d, rec, err))
		goto fail;
	/* Title words count three times and also go under the title prefix. */
	if (title && (index_doc_add_text(d, title, strlen(title), "en", 3, VX_TEXT, err) ||
		      index_doc_add_text(d, title, strlen(title), "en", 1, VX_TITLE, err)))
		goto fail;
	if (desc && index_doc_add_text(d, desc, strlen(desc), "en", 1, VX_TEXT, err))
		goto fail;
	{
		const char *until = json_string_value(json_object_get(v, "valid_until"));

		if (until && index_doc_set_value(d, VX_SLOT_VALID_UNTIL, until, strlen(until), err))
			goto fail;
	}
	snprintf(buf, sizeof buf, "%016llx", (unsigned long long)num);
	if (index_doc_set_value(d, VX_SLOT_ID, buf, 16, err))
		goto fail;
	snprintf(buf, sizeof buf, "%08lld",
		 (long long)json_integer_value(json_object_get(v, "positions")));
	if (index_doc_set_value(d, VX_SLOT_POSITIONS, buf, strlen(buf), err))
		goto fail;
	/* What re-ranking reads instead of the whole document (engine/match/). */
	{
		size_t flen = 0;

		if (match_vacancy_facts(v, &data, &flen) ||
		    index_doc_set_value(d, VX_SLOT_MATCH, data, flen, err))
			goto fail;
		free(data);
	}
	{
		char digest[33];

		if (indexer_vacancy_digest(v, digest) || add_bool(d, VX_DIGEST, digest, err))
			goto fail;
	}
	data = json_dumps(v, JSON_COMPACT);
	if (!data || index_doc_set_data(d, data, strlen(data), err))
		goto fail;
	free(data);
	*out = d;
	return 0;
fail:
	free(data);
	index_doc_free(d);
	if (!err->msg[0])
		snprintf(err->msg, sizeof err->msg, "cannot build the index document");
	return INDEX_ERR;
}
