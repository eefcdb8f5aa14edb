/*
 * doc.c - the index document a vacancy becomes (see index/schema.h for the
 * prefixes and value slots): the terms that filter and weigh it, the values
 * re-ranking reads, and the card it answers with (engine/vacancy/card.c).
 */
#include "engine/indexer/indexer.h"
#include "engine/indexer/internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"
#include "engine/match/match.h"
#include "engine/taxonomy/taxonomy.h"
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

/* One occupation space: whether the vacancy's occupation was written as an
 * ESCO URI, an ISCO-08 code (1-4 digits) or free text, the document holds
 * every level of its ISCO-08 group (XO:7 .. XO:7212, so a filter or the
 * match's retrieval by any level is one term) and its ESCO occupation when
 * known (XE:). Free text (the write path normally stores a URI) is
 * normalised here as on a write; text that does not normalise is kept
 * under XE: as it was. Without the taxonomy, a code still gets its levels. */
static int add_occupation(index_doc *d, const char *occ, index_error *err)
{
	struct tax_match m;
	const char *uri = NULL;
	char code[5];
	size_t i;
	int n = taxonomy_isco_group(occ, code);

	if (n < 0) { /* no taxonomy: the code as written */
		n = 0;
		for (i = 0; occ[i] && i < 4 && isdigit((unsigned char)occ[i]); i++)
			code[n++] = occ[i];
		code[n] = '\0';
		if (occ[n])
			n = 0;
	}
	if (n > 0 && strcmp(code, occ) != 0)
		uri = occ; /* a known ESCO URI */
	else if (n == 0 && strncmp(occ, "http", 4) != 0 &&
		 taxonomy_normalise_occupation(occ, NULL, &m) == 0 &&
		 (n = taxonomy_isco_group(m.uri, code)) > 0 && strcmp(code, m.uri) != 0)
		uri = m.uri;
	for (i = 1; n > 0 && i <= (size_t)n; i++) {
		char level[5];

		memcpy(level, code, i);
		level[i] = '\0';
		if (add_weighted(d, VX_OCCUPATION, level, 0, err))
			return -1;
	}
	if (uri)
		return add_weighted(d, VX_ESCO_OCC, uri, 0, err);
	return n > 0 ? 0 : add_weighted(d, VX_ESCO_OCC, occ, 0, err);
}

/* Whether a skill is essential is for re-ranking, which reads it from the
 * match record: one term per skill. */
static int add_skills(index_doc *d, const json_t *list, const char *lang, index_error *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		if (strncmp(s, "http", 4) == 0) {
			if (add_weighted(d, VX_SKILL, s, 0, err))
				return -1;
		} else {
			/* Free text: findable by its words and by the exact label. */
			if (add_weighted(d, VX_SKILL, s, 1, err) ||
			    index_doc_add_text_stemmed(d, s, strlen(s), lang, 1, VX_TEXT, err))
				return -1;
		}
	}
	return 0;
}

/* The language the vacancy is written in, for its stemmer: its title and
 * description's function words decide (taxonomy_detect_lang); with no
 * evidence, the first language it asks for when that is en, fr or es,
 * else English. A word of another language's stem is still found by a
 * query in that language (search.c parses q with every stemmer). */
static const char *vacancy_text_lang(const json_t *v)
{
	const char *title = json_string_value(json_object_get(v, "title"));
	const char *desc = json_string_value(json_object_get(v, "description"));
	const char *first = json_string_value(
		json_object_get(json_array_get(json_object_get(v, "languages"), 0), "code"));
	const char *fallback = first && esco_lang_from_code(first) >= 0 ? first : "en";
	char text[1024];

	snprintf(text, sizeof text, "%s %s", title ? title : "", desc ? desc : "");
	return taxonomy_detect_lang(text, fallback);
}

/* The document terms' own version, beside the match record's: 2 = every
 * vacancy holds its ISCO-08 levels and ESCO occupation however it was
 * written, and its text is stemmed in its own language; 3 = country and
 * language in one term (XCL:), the digest a value instead of a term, and
 * no title (S), essential-skill (XSE:) or positions (slot 2) copies that
 * no query read (docs/index.md, "What a vacancy costs"); 4 = the document
 * data is the compact card (vacancy_card_encode), not the JSON; 5 = the
 * text's words stemmed only (Z terms), not also as written, which were
 * two fifths of a vacancy's postings (queries: INDEX_PARSE_STEM_ALL); 6 = the
 * card is stored compressed with the index's data dictionary when it has
 * one (bulk.c, index_train_data_dictionary): an older index is rebuilt so
 * that its cards are too. */
#define DOC_TERMS_VERSION 6
static char format_buf[96];
static pthread_once_t format_once = PTHREAD_ONCE_INIT;

static void format_build(void)
{
	snprintf(format_buf, sizeof format_buf, "%s terms=%d", match_index_format(),
		 DOC_TERMS_VERSION);
}

const char *indexer_format(void)
{
	pthread_once(&format_once, format_build);
	return format_buf;
}

int indexer_vacancy_indexable(const json_t *v)
{
	const char *status = json_string_value(json_object_get(v, "status"));

	return status && strcmp(status, "open") == 0 &&
	       json_integer_value(json_object_get(v, "positions")) > 0;
}

/* A salary per month, in the vacancy's currency's units (not converted
 * between currencies): max, else min; 0 when none is stated. Hours, days
 * and weeks count 40 hours, 5 days a week, 52 weeks a year. */
static long long monthly_salary(const json_t *v)
{
	const json_t *sal = json_object_get(v, "salary");
	const char *period = json_string_value(json_object_get(sal, "period"));
	json_t *amount = json_object_get(sal, "max");
	double x, per_month = 1;

	if (!json_is_integer(amount))
		amount = json_object_get(sal, "min");
	if (!json_is_integer(amount))
		return 0;
	x = (double)json_integer_value(amount);
	if (period && strcmp(period, "hour") == 0)
		per_month = 40.0 * 52 / 12;
	else if (period && strcmp(period, "day") == 0)
		per_month = 5.0 * 52 / 12;
	else if (period && strcmp(period, "week") == 0)
		per_month = 52.0 / 12;
	else if (period && strcmp(period, "year") == 0)
		per_month = 1.0 / 12;
	x *= per_month;
	return x < 0 ? 0 : x > 9e15 ? 9000000000000000LL : (long long)(x + 0.5);
}

/* The unique sort keys of ?sort=valid_until and ?sort=salary. */
static int set_sort_keys(index_doc *d, const json_t *v, int64_t num, index_error *err)
{
	const char *until = json_string_value(json_object_get(v, "valid_until"));
	char key[64];

	snprintf(key, sizeof key, "%.10s%016llx", until ? until : "9999-12-31",
		 (unsigned long long)num);
	if (index_doc_set_value(d, VX_SLOT_SORT_UNTIL, key, strlen(key), err))
		return INDEX_ERR;
	snprintf(key, sizeof key, "%0*lld%016llx", VX_SALARY_DIGITS, monthly_salary(v),
		 (unsigned long long)num);
	return index_doc_set_value(d, VX_SLOT_SORT_SALARY, key, strlen(key), err);
}

int indexer_vacancy_doc(const json_t *v, index_doc **out, index_error *err)
{
	index_doc *d = index_doc_new();
	const char *id = json_string_value(json_object_get(v, "id"));
	const char *occ = json_string_value(json_object_get(v, "occupation"));
	const char *title = json_string_value(json_object_get(v, "title"));
	const char *desc = json_string_value(json_object_get(v, "description"));
	json_t *skills = json_object_get(v, "skills"), *langs = json_object_get(v, "languages");
	json_t *rec = json_object_get(v, "recruiter"), *req;
	char buf[64];
	char *data = NULL;
	const char *lang = vacancy_text_lang(v);
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
	json_array_foreach(langs, i, req) {
		const char *code = json_string_value(json_object_get(req, "code"));
		const char *country = json_string_value(json_object_get(v, "country"));

		if (add_bool(d, VX_LANGUAGE, code, err))
			goto fail;
		if (code && country) {
			snprintf(buf, sizeof buf, "%.2s:%.8s", country, code);
			if (add_bool(d, VX_COUNTRY_LANG, buf, err))
				goto fail;
		}
	}
	if (occ && add_occupation(d, occ, err))
		goto fail;
	if (add_skills(d, json_object_get(skills, "essential"), lang, err) ||
	    add_skills(d, json_object_get(skills, "optional"), lang, err))
		goto fail;
	if (rec && add_recruiter(d, rec, err))
		goto fail;
	/* Title words count three times. */
	if (title && index_doc_add_text_stemmed(d, title, strlen(title), lang, 3, VX_TEXT, err))
		goto fail;
	if (desc && index_doc_add_text_stemmed(d, desc, strlen(desc), lang, 1, VX_TEXT, err))
		goto fail;
	{
		const char *until = json_string_value(json_object_get(v, "valid_until"));

		if (until && index_doc_set_value(d, VX_SLOT_VALID_UNTIL, until, strlen(until), err))
			goto fail;
	}
	snprintf(buf, sizeof buf, "%016llx", (unsigned long long)num);
	if (index_doc_set_value(d, VX_SLOT_ID, buf, 16, err))
		goto fail;
	if (set_sort_keys(d, v, num, err))
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
		unsigned char digest[INDEXER_DIGEST_BYTES];

		if (indexer_vacancy_digest_raw(v, digest) ||
		    index_doc_set_value(d, VX_SLOT_DIGEST, (const char *)digest, sizeof digest, err))
			goto fail;
	}
	{
		/* The compact card, not the JSON: search and match answer from
		 * it (engine/vacancy/card.c). */
		size_t dlen = 0;

		data = vacancy_card_encode(v, &dlen);
		if (!data || index_doc_set_data(d, data, dlen, err))
			goto fail;
	}
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
