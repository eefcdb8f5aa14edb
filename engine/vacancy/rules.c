/*
 * rules.c - the write rules of a vacancy, checked inside the write's
 * transaction on every path that stores one (POST and PATCH, the bulk
 * import): a blacklisted recruiter and a quota_id that names no listing (or
 * one the vacancy does not fit) refuse the write.
 */
#include "engine/vacancy/internal.h"

#include <stdlib.h>
#include <string.h>

#include "engine/integrity/integrity.h"
#include "engine/quota/quota.h"

int vac__no_memory(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

/* A batch's memo key: the JSON text of parts, so that no two different
 * lists of strings share a key (a separator byte could occur in a name).
 * NULL without memory. The caller frees it. */
static char *memo_key(json_t *parts)
{
	char *key = parts ? json_dumps(parts, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(parts);
	return key;
}

/* The integrity check's answer for a recruiter; memo (a JSON object, or
 * NULL) keeps the answers of a batch, which names few recruiters many times. */
static int recruiter_answer(store *s, const json_t *rec, json_t *memo, json_t **chk, problem *p)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *licence = json_string_value(json_object_get(rec, "licence"));
	const char *country = json_string_value(json_object_get(rec, "country"));
	char *key = NULL;

	*chk = NULL;
	if (memo) {
		key = memo_key(json_pack("[s?s?s?]", name, licence, country));
		if (!key)
			return vac__no_memory(p);
		*chk = json_incref(json_object_get(memo, key));
		if (*chk) {
			free(key);
			return 0;
		}
	}
	if (integrity_check(s, name, licence, country, chk, p)) {
		free(key);
		return -1;
	}
	if (key)
		json_object_set(memo, key, *chk);
	free(key);
	return 0;
}

/* The recruiter rule: a blacklisted recruiter refuses the write
 * (PROBLEM_RULE, field recruiter/blacklisted); any other verdict goes to
 * *verdict (when not NULL) as {"verdict","flags"} for the answer, with
 * "held_for_review" when the vacancy will be held. No recruiter: no verdict. */
static int check_recruiter_rule(store *s, const json_t *doc, json_t *memo, json_t **verdict,
				problem *p)
{
	json_t *rec = json_object_get(doc, "recruiter"), *chk = NULL, *f = NULL;
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *v;

	if (verdict)
		*verdict = NULL;
	if (!json_is_object(rec))
		return 0;
	if (recruiter_answer(s, rec, memo, &chk, p))
		return -1;
	v = json_string_value(json_object_get(chk, "verdict"));
	if (v && strcmp(v, "blacklisted") == 0) {
		size_t i;

		json_array_foreach(json_object_get(chk, "flags"), i, f) {
			if (strcmp(json_string_value(json_object_get(f, "severity")), "blacklist") == 0)
				break;
		}
		problem_set(p, PROBLEM_RULE, "recruiter '%s' is blacklisted (flag %s: %s)",
			    name ? name : "", f ? json_string_value(json_object_get(f, "id")) : "?",
			    f ? json_string_value(json_object_get(f, "reason")) : "?");
		problem_subject(p, "vacancy");
		problem_field(p, "recruiter", "blacklisted", "the recruiter is blacklisted");
		json_decref(chk);
		return -1;
	}
	if (verdict) {
		*verdict = json_pack("{s:s, s:O}", "verdict", v ? v : "unknown", "flags",
				     json_object_get(chk, "flags"));
		if (!*verdict) {
			json_decref(chk);
			return vac__no_memory(p);
		}
		/* a name mixing scripts, a licence of another recruiter: say so */
		if (json_array_size(json_object_get(chk, "suspicious")))
			json_object_set(*verdict, "suspicious", json_object_get(chk, "suspicious"));
		if (json_object_get(chk, "conflict"))
			json_object_set(*verdict, "conflict", json_object_get(chk, "conflict"));
		/* Nothing registered matches, but a blacklisted name is close:
		 * stored, and held from search and match until reviewed, by the
		 * rule they apply (the snapshot's verdict, integrity.h). */
		if (!v || strcmp(v, "unknown") == 0) {
			struct integrity_verdict iv;

			if (integrity_vacancy_verdict(doc, &iv) == 0 && iv.held[0] &&
			    json_object_set_new(*verdict, "held_for_review",
						integrity_held_json(&iv))) {
				integrity_verdict_release(&iv);
				json_decref(chk);
				return vac__no_memory(p);
			}
			integrity_verdict_release(&iv);
		}
	}
	json_decref(chk);
	return 0;
}

/* The quota rule; in a batch (memo not NULL) a quota_id the documents'
 * country and occupation were found to fit is not asked again (a refusal
 * is, so that each refused line gets its own report). */
static int check_quota_rule(store *s, const json_t *doc, json_t *memo, problem *p)
{
	const char *qid = json_string_value(json_object_get(doc, "quota_id"));
	char *key;
	int rc;

	if (!memo || !qid)
		return quota_check_vacancy(s, doc, p);
	key = memo_key(json_pack("[s, s, s?, s?]", "quota", qid,
				 json_string_value(json_object_get(doc, "country")),
				 json_string_value(json_object_get(doc, "occupation"))));
	if (!key)
		return vac__no_memory(p);
	rc = json_object_get(memo, key) ? 0 : quota_check_vacancy(s, doc, p);
	if (rc == 0)
		json_object_set_new(memo, key, json_true());
	free(key);
	return rc;
}

int vac__check_rules(store *s, const json_t *doc, json_t *memo, json_t **verdict, problem *p)
{
	if (check_recruiter_rule(s, doc, memo, verdict, p))
		return -1;
	if (check_quota_rule(s, doc, memo, p)) {
		if (verdict) {
			json_decref(*verdict);
			*verdict = NULL;
		}
		return -1;
	}
	return 0;
}
