/*
 * vacancy_check.c - the vacancy hook: a vacancy naming a quota listing
 * must fit it (occupation group and destination country).
 */
#include "engine/quota/internal.h"

#include <stdio.h>
#include <string.h>

int quota_check_vacancy(store *s, const json_t *vacancy, problem *p)
{
	const char *qref = quota__str(vacancy, "quota_id"), *country = quota__str(vacancy, "country");
	char code[5], ids[32];
	const char *dest, *isco;
	PGresult *r;
	int64_t id;
	int rc;

	/* Wrong types are vacancy validation's to report (PROBLEM_INVALID), not ours. */
	if (!qref || !country || !quota__str(vacancy, "occupation"))
		return 0;
	if (quota_parse_id(qref, &id)) {
		problem_set(p, PROBLEM_RULE, "quota_id '%.64s' names no quota listing", qref);
		problem_subject(p, "vacancy");
		problem_field(p, "quota_id", "unknown", "names no quota listing");
		return -1;
	}
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s, "SELECT destination_country, isco FROM quotas WHERE id = $1::bigint", 1,
		       (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, PROBLEM_RULE, "quota_id %s names no quota listing", qref);
		problem_subject(p, "vacancy");
		problem_field(p, "quota_id", "unknown", "names no quota listing");
		return -1;
	}
	dest = PQgetvalue(r, 0, 0);
	isco = PQgetvalue(r, 0, 1);
	rc = quota__occupation_group(quota__str(vacancy, "occupation"), code);
	if (rc == -2) {
		PQclear(r);
		return quota__taxonomy_down(p);
	}
	if (rc || strncmp(code, isco, strlen(isco)) != 0) {
		problem_field(p, "occupation", "quota_mismatch",
			      "is not in ISCO-08 group %s of quota listing %s", isco, qref);
		p->kind = PROBLEM_RULE;
	}
	if (strcmp(country, dest) != 0) {
		problem_field(p, "country", "quota_mismatch",
			      "is not %s, the destination of quota listing %s", dest, qref);
		p->kind = PROBLEM_RULE;
	}
	PQclear(r);
	if (p->kind) {
		problem_subject(p, "vacancy");
		return -1;
	}
	return 0;
}
