/*
 * test_recruiters_gov.c - the governance of the recruiter register over real
 * HTTP, two server processes on one PostgreSQL database: only a flag's
 * authority lifts it (another authority files a request, which only the
 * authority confirms), duplicate registrations are refused unless forced with a reason,
 * reviewed false positives stick (the check and vacancy writes, on both
 * servers), batch screening answers per key, the recruiter list pages with
 * a cursor that cannot be edited, the vacancies naming a recruiter, the
 * command line's CSV screening, and unlicensed in match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv, srv2;
static char employer[80], counsellor[80], regulator[80], other_reg[80], other_reg2[80];

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* POST with a JSON body as token; r is the caller's to free. */
static long post(struct resp *r, const struct server *s, const char *path, const char *token,
		 const char *body)
{
	if (http(r, s, "POST", path, token, NULL, body, strlen(body)))
		return -1;
	return r->status;
}

static long get(struct resp *r, const struct server *s, const char *path, const char *token)
{
	if (http(r, s, "GET", path, token, NULL, NULL, 0))
		return -1;
	return r->status;
}

/* Registers a recruiter as the regulator; its id in id ("" on failure). */
static const char *register_recruiter(const char *body, char *id, size_t len)
{
	return test_register_recruiter(&srv, regulator, body, id, len);
}

static const char *flag(const char *rid, const char *severity, char *fid, size_t len)
{
	struct resp r;
	char path[96], body[128];

	fid[0] = '\0';
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	snprintf(body, sizeof body, "{\"severity\":\"%s\",\"reason\":\"worker_fees\"}", severity);
	if (post(&r, &srv, path, regulator, body) == 201 && str(r.json, "id"))
		snprintf(fid, len, "%s", str(r.json, "id"));
	resp_free(&r);
	return fid;
}

/* The check's verdict on s for a query string ("" on failure). */
static void check_verdict(const struct server *s, const char *query, char *out, size_t len)
{
	struct resp r;
	char path[512];

	out[0] = '\0';
	snprintf(path, sizeof path, "/v1/recruiters/check?%s", query);
	if (get(&r, s, path, counsellor) == 200 && str(r.json, "verdict"))
		snprintf(out, len, "%s", str(r.json, "verdict"));
	resp_free(&r);
}

/* Polls the check on s until it answers want; seconds taken, or -1. */
static double wait_verdict(const struct server *s, const char *query, const char *want,
			   double timeout)
{
	double t0 = test_now();
	char got[32];

	while (test_now() - t0 < timeout) {
		check_verdict(s, query, got, sizeof got);
		if (strcmp(got, want) == 0)
			return test_now() - t0;
		test_sleep_ms(20);
	}
	return -1;
}

static long post_vacancy(const char *title, const char *country, const char *recruiter,
			 char *id, size_t len)
{
	struct resp r;
	char body[1024];
	long st;

	id[0] = '\0';
	snprintf(body, sizeof body,
		 "{\"title\":\"%s\",\"occupation\":\"7212\",\"country\":\"%s\",\"positions\":3,"
		 "\"valid_until\":\"2099-01-01\",\"recruiter\":%s}",
		 title, country, recruiter);
	st = post(&r, &srv, "/v1/vacancies", employer, body);
	if (str(r.json, "id"))
		snprintf(id, len, "%s", str(r.json, "id"));
	resp_free(&r);
	return st;
}

/* Whether the audit log of object holds action (with detail key=value when given). */
static int audited(const char *object, const char *action, const char *key, const char *value)
{
	struct resp r;
	char path[160];
	json_t *it;
	size_t i;
	int found = 0;

	snprintf(path, sizeof path, "/v1/audit?object=%s&action=%s", object, action);
	if (get(&r, &srv, path, regulator) == 200)
		json_array_foreach(json_object_get(r.json, "items"), i, it)
			if (!key || (str(json_object_get(it, "detail"), key) &&
				     strcmp(str(json_object_get(it, "detail"), key), value) == 0))
				found = 1;
	resp_free(&r);
	return found;
}

/* ---- cases ---- */

static void test_only_the_authority_lifts(void)
{
	struct resp r;
	char rid[32], fid[32], fid2[32], path[128], got[32];

	T_REQUIRE(register_recruiter("{\"name\":\"Mohale Dam Labour Agents\",\"country\":\"LS\"}", rid,
				     sizeof rid)[0]);
	T_REQUIRE(flag(rid, "blacklist", fid, sizeof fid)[0]);
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags/%s/lift", rid, fid);

	/* Another authority: a request only, the flag stays in force. */
	T_EQ_INT(post(&r, &srv, path, other_reg, "{\"reason\":\"appeal upheld at home\"}"), 202);
	T_EQ_STR(str(r.json, "status"), "active");
	T_EQ_STR(str(json_object_get(r.json, "lift_request"), "by"), "dol-ls");
	resp_free(&r);
	check_verdict(&srv, "name=Mohale%20Dam%20Labour%20Agents", got, sizeof got);
	T_EQ_STR(got, "blacklisted");
	/* The requesting key cannot confirm itself: 409, audited. */
	T_EQ_INT(post(&r, &srv, path, other_reg, "{\"reason\":\"again\"}"), 409);
	T_CHECK(strstr(str(r.json, "detail"), "dol-za") != NULL);
	resp_free(&r);
	T_CHECK(audited(rid, "flag.lift_refused", "refused", "same_key"));
	T_CHECK(audited(rid, "flag.lift_request", "authority", "dol-za"));
	/* Nor can a second key of another authority: only the flag's own
	 * authority lifts it (403, audited), so no number of leaked keys
	 * elsewhere un-blacklists the agency. */
	T_EQ_INT(post(&r, &srv, path, other_reg2, "{\"reason\":\"confirmed on review\"}"), 403);
	T_CHECK(strstr(str(r.json, "detail"), "only dol-za") != NULL);
	resp_free(&r);
	T_CHECK(audited(rid, "flag.lift_refused", "refused", "not_authority"));
	check_verdict(&srv, "name=Mohale%20Dam%20Labour%20Agents", got, sizeof got);
	T_EQ_STR(got, "blacklisted");
	/* The authority confirms the request: lifted, on both servers. */
	T_EQ_INT(post(&r, &srv, path, regulator, "{\"reason\":\"confirmed on review\"}"), 200);
	T_EQ_STR(str(r.json, "status"), "lifted");
	resp_free(&r);
	T_CHECK(audited(rid, "flag.lift", "requested_by_org", "dol-ls"));
	check_verdict(&srv, "name=Mohale%20Dam%20Labour%20Agents", got, sizeof got);
	T_EQ_STR(got, "unlicensed");
	T_CHECK(wait_verdict(&srv2, "name=Mohale%20Dam%20Labour%20Agents", "unlicensed", 5) >= 0);
	T_EQ_INT(post(&r, &srv, path, regulator, "{\"reason\":\"twice\"}"), 409);
	resp_free(&r);

	/* The authority itself lifts at once. */
	T_REQUIRE(flag(rid, "warning", fid2, sizeof fid2)[0]);
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags/%s/lift", rid, fid2);
	T_EQ_INT(post(&r, &srv, path, regulator, "{\"reason\":\"resolved\"}"), 200);
	T_EQ_STR(str(r.json, "status"), "lifted");
	T_CHECK(json_object_get(r.json, "lift_request") == NULL);
	resp_free(&r);
}

static void test_duplicate_registration(void)
{
	struct resp r;
	char rid[32], forced[32];

	T_REQUIRE(register_recruiter("{\"name\":\"Leribe Overseas Placements\",\"country\":\"LS\","
				     "\"licence\":{\"number\":\"LS-LOP-77\"}}",
				     rid, sizeof rid)[0]);
	/* The same name, written another way, in the same country. */
	T_EQ_INT(post(&r, &srv, "/v1/recruiters", regulator,
		      "{\"name\":\"LERIBE OVERSEAS PLACEMENTS (Pty) Ltd\",\"country\":\"LS\"}"),
		 409);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "existing"), rid);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "name");
	resp_free(&r);
	/* The same licence under another name. */
	T_EQ_INT(post(&r, &srv, "/v1/recruiters", regulator,
		      "{\"name\":\"Hlotse Works\",\"country\":\"LS\",\"licence\":{\"number\":\"ls lop 77\"}}"),
		 409);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "licence.number");
	resp_free(&r);
	/* Another country is another registration. */
	T_EQ_INT(post(&r, &srv, "/v1/recruiters", regulator,
		      "{\"name\":\"Leribe Overseas Placements\",\"country\":\"ZA\"}"),
		 201);
	resp_free(&r);
	/* force needs a reason; with one it registers, audited. */
	T_EQ_INT(post(&r, &srv, "/v1/recruiters", regulator,
		      "{\"name\":\"Leribe Overseas Placements\",\"country\":\"LS\",\"force\":true}"),
		 400);
	resp_free(&r);
	T_EQ_INT(post(&r, &srv, "/v1/recruiters", regulator,
		      "{\"name\":\"Leribe Overseas Placements\",\"country\":\"LS\",\"force\":true,"
		      "\"reason\":\"a second branch with its own register entry\"}"),
		 201);
	snprintf(forced, sizeof forced, "%s", str(r.json, "id") ? str(r.json, "id") : "");
	resp_free(&r);
	T_CHECK(strcmp(forced, rid) != 0);
	T_CHECK(audited(forced, "recruiter.create", "forced",
			"a second branch with its own register entry"));
}

static void test_reviewed_false_positive_sticks(void)
{
	struct resp r;
	char rid[32], fid[32], path[96], vid[32], got[32], body[256];

	T_REQUIRE(register_recruiter("{\"name\":\"Qacha Nek Recruiting\",\"country\":\"LS\"}", rid,
				     sizeof rid)[0]);
	T_REQUIRE(flag(rid, "blacklist", fid, sizeof fid)[0]);
	/* One letter off its distinctive word (a typo in a trade word is the
	 * trade word itself): the check takes it for the blacklisted agency. */
	check_verdict(&srv, "name=Qachs%20Nek%20Recruiting", got, sizeof got);
	T_REQUIRE(strcmp(got, "blacklisted") == 0);
	T_EQ_INT(post_vacancy("Mason falsepositiveq", "ZA", "{\"name\":\"Qachs Nek Recruiting\"}", vid,
			      sizeof vid),
		 422);
	T_CHECK(wait_verdict(&srv2, "name=Qachs%20Nek%20Recruiting", "blacklisted", 5) >= 0);

	snprintf(path, sizeof path, "/v1/recruiters/%s/exclusions", rid);
	/* Its own name cannot be excluded; a name and a recruiter not both. */
	T_EQ_INT(post(&r, &srv, path, regulator,
		      "{\"name\":\"QACHA NEK RECRUITING\",\"reason\":\"not them\"}"),
		 422);
	resp_free(&r);
	T_EQ_INT(post(&r, &srv, path, regulator,
		      "{\"name\":\"X Y\",\"recruiter\":\"r_1\",\"reason\":\"both\"}"),
		 400);
	resp_free(&r);
	T_EQ_INT(post(&r, &srv, path, employer, "{\"name\":\"Qachs Nek Recruiting\",\"reason\":\"x\"}"),
		 403);
	resp_free(&r);
	snprintf(body, sizeof body,
		 "{\"name\":\"Qachs Nek Recruiting\",\"reason\":\"a different firm, reviewed by inspector 12\"}");
	T_EQ_INT(post(&r, &srv, path, regulator, body), 201);
	T_CHECK(str(r.json, "id") && strncmp(str(r.json, "id"), "x_", 2) == 0);
	resp_free(&r);
	/* From the very next request on this server, within seconds on the other. */
	check_verdict(&srv, "name=Qachs%20Nek%20Recruiting", got, sizeof got);
	T_EQ_STR(got, "unknown");
	T_CHECK(wait_verdict(&srv2, "name=Qachs%20Nek%20Recruiting", "unknown", 5) >= 0);
	T_EQ_INT(post_vacancy("Mason falsepositiveq", "ZA", "{\"name\":\"Qachs Nek Recruiting\"}", vid,
			      sizeof vid),
		 201);
	/* Search shows it, with the verdict the decision gives (not the agency's). */
	{
		char verdict[32] = "";

		for (int i = 0; i < 100 && !verdict[0]; i++) {
			json_t *it;
			size_t k;

			if (get(&r, &srv, "/v1/vacancies?q=falsepositiveq&limit=50", counsellor) == 200)
				json_array_foreach(json_object_get(r.json, "items"), k, it)
					if (str(it, "id") && strcmp(str(it, "id"), vid) == 0)
						snprintf(verdict, sizeof verdict, "%s",
							 str(json_object_get(it, "recruiter_verdict"), "verdict"));
			resp_free(&r);
			if (!verdict[0])
				test_sleep_ms(100);
		}
		T_EQ_STR(verdict, "unknown");
	}
	/* The agency itself is still blacklisted, the exclusion is on its record. */
	check_verdict(&srv, "name=Qacha%20Nek%20Recruiting", got, sizeof got);
	T_EQ_STR(got, "blacklisted");
	T_EQ_INT(post_vacancy("Mason falsepositiveq", "ZA", "{\"name\":\"Qacha Nek Recruiting\"}", vid,
			      sizeof vid),
		 422);
	snprintf(path, sizeof path, "/v1/recruiters/%s", rid);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "exclusions")), 1);
	resp_free(&r);
	T_CHECK(audited(rid, "recruiter.exclude", "name", "Qachs Nek Recruiting"));
}

static void test_batch(void)
{
	struct resp r;
	char rid[32], fid[32], lic[32], *big;
	json_t *res;
	size_t n = 0, cap = 101 * 64 + 64;

	T_REQUIRE(register_recruiter("{\"name\":\"Butha Buthe Batch Brokers\",\"country\":\"LS\"}", rid,
				     sizeof rid)[0]);
	T_REQUIRE(flag(rid, "blacklist", fid, sizeof fid)[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Mokhotlong Batch Careers\",\"country\":\"LS\","
				     "\"licence\":{\"number\":\"LS-MBC-5\"}}",
				     lic, sizeof lic)[0]);
	T_EQ_INT(post(&r, &srv, "/v1/recruiters/check", counsellor,
		      "{\"queries\":{\"row 1\":{\"name\":\"Butha-Buthe Batch Brokers Ltd\"},"
		      "\"row 2\":{\"licence\":\"ls-mbc-5\"},"
		      "\"row 3\":{\"name\":\"Nobody Batchzq Anywhere\",\"country\":\"LS\"}}}"),
		 200);
	res = json_object_get(r.json, "results");
	T_EQ_INT(json_object_size(res), 3);
	T_EQ_STR(str(json_object_get(res, "row 1"), "verdict"), "blacklisted");
	T_EQ_STR(str(json_object_get(res, "row 2"), "verdict"), "licensed");
	T_EQ_STR(str(json_array_get(json_object_get(json_object_get(res, "row 2"), "matches"), 0), "id"),
		 lic);
	T_EQ_STR(str(json_object_get(res, "row 3"), "verdict"), "unknown");
	resp_free(&r);
	/* An invalid query names its key; more than 100 is too large. */
	T_EQ_INT(post(&r, &srv, "/v1/recruiters/check", counsellor,
		      "{\"queries\":{\"ok\":{\"name\":\"A\"},\"bad\":{\"country\":\"ZZZ\",\"name\":\"B\"}}}"),
		 400);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "key"), "bad");
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"),
		 "queries.bad.country");
	resp_free(&r);
	/* a query with neither name nor licence names the field it lacks */
	T_EQ_INT(post(&r, &srv, "/v1/recruiters/check", counsellor, "{\"queries\":{\"c\":{}}}"), 400);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "queries.c.name");
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "code"), "required");
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "key"), "c");
	resp_free(&r);
	T_EQ_INT(post(&r, &srv, "/v1/recruiters/check", counsellor, "{\"queries\":{}}"), 400);
	resp_free(&r);
	big = malloc(cap);
	T_REQUIRE(big);
	n += (size_t)snprintf(big + n, cap - n, "{\"queries\":{");
	for (int i = 0; i < 101; i++)
		n += (size_t)snprintf(big + n, cap - n, "%s\"k%d\":{\"name\":\"Firm %d\"}", i ? "," : "",
				      i, i);
	snprintf(big + n, cap - n, "}}");
	T_EQ_INT(post(&r, &srv, "/v1/recruiters/check", counsellor, big), 413);
	resp_free(&r);
	free(big);
}

static void test_list_and_cursor(void)
{
	struct resp r;
	char id[3][32], cursor[600], path[700], seen[3][32], saved;
	int k = 0;

	T_REQUIRE(register_recruiter("{\"name\":\"Listzq Alpha Hiring\",\"country\":\"BW\"}", id[0],
				     sizeof id[0])[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Listzq Beta Hiring\",\"country\":\"BW\","
				     "\"licence\":{\"number\":\"BW-LB-1\",\"valid_until\":\"2099-01-01\"}}",
				     id[1], sizeof id[1])[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Listzq Gamma Hiring\",\"country\":\"BW\"}", id[2],
				     sizeof id[2])[0]);
	T_REQUIRE(flag(id[2], "blacklist", path, sizeof path)[0]);

	T_EQ_INT(get(&r, &srv, "/v1/recruiters?q=listzq&limit=2", regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 2);
	T_REQUIRE(str(r.json, "next_cursor"));
	snprintf(cursor, sizeof cursor, "%s", str(r.json, "next_cursor"));
	for (size_t i = 0; i < 2; i++)
		snprintf(seen[k++], sizeof seen[0], "%s",
			 str(json_array_get(json_object_get(r.json, "items"), i), "id"));
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/recruiters?q=listzq&limit=2&cursor=%s", cursor);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_CHECK(json_is_null(json_object_get(r.json, "next_cursor")));
	snprintf(seen[k++], sizeof seen[0], "%s",
		 str(json_array_get(json_object_get(r.json, "items"), 0), "id"));
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "items"), 0), "flag_state"), "blacklist");
	resp_free(&r);
	for (int i = 0; i < 3; i++)
		T_EQ_STR(seen[i], id[i]);

	/* Edited, or used with another query or by another organisation: 400. */
	saved = cursor[3];
	cursor[3] = cursor[3] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof path, "/v1/recruiters?q=listzq&limit=2&cursor=%s", cursor);
	T_EQ_INT(get(&r, &srv, path, regulator), 400);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "cursor");
	resp_free(&r);
	cursor[3] = saved;
	snprintf(path, sizeof path, "/v1/recruiters?q=other&limit=2&cursor=%s", cursor);
	T_EQ_INT(get(&r, &srv, path, regulator), 400);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/recruiters?q=listzq&limit=2&cursor=%s", cursor);
	T_EQ_INT(get(&r, &srv, path, other_reg), 400);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, "/v1/recruiters?cursor=zz", regulator), 400);
	resp_free(&r);

	/* Filters. */
	T_EQ_INT(get(&r, &srv, "/v1/recruiters?q=listzq&flag=blacklist", regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "items"), 0), "id"), id[2]);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, "/v1/recruiters?q=listzq&licence=valid&country=BW", regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "items"), 0), "id"), id[1]);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, "/v1/recruiters?q=listzq&country=LS", regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 0);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, "/v1/recruiters?flag=maybe", regulator), 400);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, "/v1/recruiters", counsellor), 403);
	resp_free(&r);
}

static void test_vacancies_of_recruiter(void)
{
	struct resp r;
	char rid[32], v1[32], v2[32], v3[32], path[96];
	json_t *items;

	T_REQUIRE(register_recruiter("{\"name\":\"Semonkong Vacancyzq Agents\",\"country\":\"LS\","
				     "\"licence\":{\"number\":\"LS-SVA-3\"}}",
				     rid, sizeof rid)[0]);
	T_EQ_INT(post_vacancy("Cook", "ZA", "{\"name\":\"Semonkong Vacancyzq Agents (Pty) Ltd\"}", v1,
			      sizeof v1),
		 201);
	T_EQ_INT(post_vacancy("Baker", "ZA", "{\"name\":\"Another Name\",\"licence\":\"LS SVA 3\"}", v2,
			      sizeof v2),
		 201);
	T_EQ_INT(post_vacancy("Waiter", "ZA", "{\"name\":\"Semonkong Other Firm\"}", v3, sizeof v3),
		 201);
	snprintf(path, sizeof path, "/v1/recruiters/%s/vacancies", rid);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	items = json_object_get(r.json, "items");
	T_EQ_INT(json_array_size(items), 2);
	T_EQ_STR(str(json_array_get(items, 0), "id"), v1);
	T_EQ_STR(str(json_array_get(items, 1), "id"), v2);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/recruiters/%s/vacancies?limit=1", rid);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_CHECK(str(r.json, "next_cursor") != NULL);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, path, employer), 403);
	resp_free(&r);
	T_EQ_INT(get(&r, &srv, "/v1/recruiters/r_999999/vacancies", regulator), 404);
	resp_free(&r);
}

/* The list decides as the check does (integ__check_names): a vacancy that
 * names the recruiter by its initials alone (the only registered holder of
 * "QXZ"), or by its core ("Acme Recruitment Agency" for an alias "ACME
 * Recruitment", an exact key), is listed; initials another registered
 * firm shares too decide nothing. */
static void test_vacancies_by_acronym(void)
{
	struct resp r;
	char rid[32], other[32], v1[32], v2[32], v3[32], path[96], chk[160];
	json_t *items;

	T_REQUIRE(register_recruiter("{\"name\":\"Qoboza Xhariep Zwelitsha Recruitment\","
				     "\"country\":\"LS\"}",
				     rid, sizeof rid)[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Quthing Hlotse Vyzq Agency\",\"country\":\"LS\"}",
				     other, sizeof other)[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Qacha Harvest Vyzq Recruitment\",\"country\":\"LS\"}",
				     other, sizeof other)[0]);
	/* the check itself says so */
	snprintf(chk, sizeof chk, "/v1/recruiters/check?name=Q.X.Z.");
	T_EQ_INT(get(&r, &srv, chk, counsellor), 200);
	T_EQ_STR(str(r.json, "verdict"), "unlicensed");
	resp_free(&r);
	T_EQ_INT(post_vacancy("Cook acrzq", "ZA", "{\"name\":\"Q.X.Z.\"}", v1, sizeof v1), 201);
	T_EQ_INT(post_vacancy("Baker acrzq", "ZA", "{\"name\":\"QXZ (Pty) Ltd\"}", v2, sizeof v2), 201);
	/* "QHV" is held by two registered firms: it names neither */
	T_EQ_INT(post_vacancy("Waiter acrzq", "ZA", "{\"name\":\"QHV\"}", v3, sizeof v3), 201);
	snprintf(path, sizeof path, "/v1/recruiters/%s/vacancies", rid);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	items = json_object_get(r.json, "items");
	T_EQ_INT(json_array_size(items), 2);
	T_EQ_STR(str(json_array_get(items, 0), "id"), v1);
	T_EQ_STR(str(json_array_get(items, 1), "id"), v2);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/recruiters/%s/vacancies", other);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 0);
	resp_free(&r);
}

/* The verdict search shows for vacancy vid among "q=word" hits: "" when
 * search does not list it (hidden), else the verdict it shows. */
static void search_verdict(const char *word, const char *vid, char *out, size_t len)
{
	struct resp r;
	char path[128];
	json_t *it;
	size_t k;

	out[0] = '\0';
	snprintf(path, sizeof path, "/v1/vacancies?q=%s&limit=50", word);
	if (get(&r, &srv, path, counsellor) == 200)
		json_array_foreach(json_object_get(r.json, "items"), k, it)
			if (str(it, "id") && strcmp(str(it, "id"), vid) == 0)
				snprintf(out, len, "%s",
					 str(json_object_get(it, "recruiter_verdict"), "verdict")
						 ? str(json_object_get(it, "recruiter_verdict"), "verdict")
						 : "none");
	resp_free(&r);
}

/* A registered name reduced to one common word ("Summit": trade words and
 * legal forms dropped) does not claim the vacancies of other firms so
 * named whose licence or country says they are others, even one written
 * with its very words ("Summit Recruitment Agency" in France): not in its
 * list, and its flag does not hide them. In its own country, with no other
 * licence, the name is still it. */
static void test_common_word_firm(void)
{
	char rid[32], fid[32], own[32], exact[32], abroad[32], licensed[32], placement[32], got[32],
		path[96];
	struct resp r;
	json_t *items, *it;
	size_t k;
	int seen_own = 0, seen_exact = 0, seen_other = 0;

	T_REQUIRE(register_recruiter("{\"name\":\"Summit Recruitment Agency (Pty) Ltd\","
				     "\"country\":\"NA\",\"licence\":{\"number\":\"NA-SRA-0007\"}}",
				     rid, sizeof rid)[0]);
	T_EQ_INT(post_vacancy("Welder summitzq", "NA", "{\"name\":\"Summit Recruitment\",\"country\":\"NA\"}",
			      own, sizeof own),
		 201);
	T_EQ_INT(post_vacancy("Welder summitzq", "FR",
			      "{\"name\":\"Summit Recruitment Agency\",\"country\":\"FR\"}", exact,
			      sizeof exact),
		 201);
	T_EQ_INT(post_vacancy("Welder summitzq", "FR",
			      "{\"name\":\"Summit Recruitment SARL\",\"country\":\"FR\","
			      "\"licence\":\"FR-SR-771\"}",
			      abroad, sizeof abroad),
		 201);
	T_EQ_INT(post_vacancy("Welder summitzq", "ZA",
			      "{\"name\":\"Summit Recruitment\",\"licence\":\"ZA-SR-12\"}", licensed,
			      sizeof licensed),
		 201);
	/* its normal form is "summit" too: trade words and forms dropped */
	T_EQ_INT(post_vacancy("Welder summitzq", "ZA",
			      "{\"name\":\"Summit Placement Services CC\",\"country\":\"ZA\","
			      "\"licence\":\"ZA-RA-7462\"}",
			      placement, sizeof placement),
		 201);
	snprintf(path, sizeof path, "/v1/recruiters/%s/vacancies", rid);
	T_EQ_INT(get(&r, &srv, path, regulator), 200);
	items = json_object_get(r.json, "items");
	json_array_foreach(items, k, it) {
		const char *id = str(it, "id") ? str(it, "id") : "";

		seen_own |= strcmp(id, own) == 0;
		seen_exact |= strcmp(id, exact) == 0; /* "summit" in France: not it */
		seen_other |= strcmp(id, abroad) == 0 || strcmp(id, licensed) == 0 ||
			      strcmp(id, placement) == 0;
	}
	T_CHECK(seen_own);
	T_CHECK(!seen_exact);
	T_CHECKF(!seen_other, "%zu listed", json_array_size(items));
	resp_free(&r);
	/* a warning on it hides its own vacancies, not the others' */
	T_REQUIRE(flag(rid, "warning", fid, sizeof fid)[0]);
	for (int i = 0; i < 100; i++) {
		search_verdict("summitzq", own, got, sizeof got);
		if (!got[0])
			break;
		test_sleep_ms(50);
	}
	T_EQ_STR(got, "");
	search_verdict("summitzq", abroad, got, sizeof got);
	T_CHECKF(got[0] && strcmp(got, "flagged") != 0, "abroad: '%s'", got);
	search_verdict("summitzq", licensed, got, sizeof got);
	T_CHECKF(got[0] && strcmp(got, "flagged") != 0, "other licence: '%s'", got);
	search_verdict("summitzq", placement, got, sizeof got);
	T_CHECKF(got[0] && strcmp(got, "flagged") != 0, "placement: '%s'", got);
	search_verdict("summitzq", exact, got, sizeof got);
	T_CHECKF(got[0] && strcmp(got, "flagged") != 0, "same words abroad: '%s'", got);
}

static void test_unlicensed_in_match(void)
{
	struct resp r;
	char rid[32], vid[32], body[512];
	json_t *it, *found = NULL;
	size_t i;
	int lag_ok = 0;

	T_REQUIRE(register_recruiter("{\"name\":\"Mafeteng Matchzq Brokers\",\"country\":\"LS\"}", rid,
				     sizeof rid)[0]);
	T_EQ_INT(post_vacancy("Welder matchzq", "NA", "{\"name\":\"Mafeteng Matchzq Brokers\"}", vid,
			      sizeof vid),
		 201);
	for (i = 0; i < 100 && !lag_ok; i++) {
		if (get(&r, &srv, "/v1/health", NULL) == 200 &&
		    json_integer_value(json_object_get(json_object_get(r.json, "index"), "lag")) == 0)
			lag_ok = 1;
		resp_free(&r);
		if (!lag_ok)
			test_sleep_ms(100);
	}
	T_REQUIRE(lag_ok);
	snprintf(body, sizeof body,
		 "{\"profile\":{\"occupations\":[\"7212\"]},\"countries\":[\"NA\"],\"limit\":50}");
	T_EQ_INT(post(&r, &srv, "/v1/match", counsellor, body), 200);
	json_array_foreach(json_object_get(r.json, "vacancies"), i, it)
		if (str(json_object_get(it, "vacancy"), "id") &&
		    strcmp(str(json_object_get(it, "vacancy"), "id"), vid) == 0)
			found = it;
	T_REQUIRE(found);
	T_EQ_STR(str(json_object_get(found, "recruiter"), "verdict"), "unlicensed");
	resp_free(&r);
}

/* fairmatch check recruiters FILE.csv: a report line per input line. */
static void test_cli_csv(void)
{
	char file[700], out[256], cmd[2400];
	const char *dir = getenv("FAIRMATCH_TEST_DIR");
	FILE *f;
	char line[1024];
	int lines = 0, black = 0;

	snprintf(file, sizeof file, "%s/screen.csv", dir ? dir : ".");
	f = fopen(file, "w");
	T_REQUIRE(f);
	fputs("ref,name,licence,country\n"
	      "1,Butha Buthe Batch Brokers,,LS\n"
	      "2,,LS-MBC-5,\n"
	      "3,\"Nobody, Csvzq\",,\n",
	      f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "check recruiters %s > %s.out", file, file);
	T_EQ_INT(cli(out, sizeof out, "%s", cmd), 0);
	snprintf(cmd, sizeof cmd, "%s.out", file);
	f = fopen(cmd, "r");
	T_REQUIRE(f);
	while (fgets(line, sizeof line, f)) {
		lines++;
		if (strstr(line, ",blacklisted,"))
			black++;
		if (lines == 1)
			T_CHECK(strncmp(line, "line,name,licence,country,verdict", 33) == 0);
		if (lines == 3)
			T_CHECK(strstr(line, ",licensed,") != NULL);
		if (lines == 4)
			T_CHECK(strstr(line, "\"Nobody, Csvzq\"") && strstr(line, ",unknown,"));
	}
	fclose(f);
	T_EQ_INT(lines, 4);
	T_EQ_INT(black, 1);

	/* A broken file (an unterminated quote) stops the check: exit 1, and
	 * the summary says it stopped rather than "0 invalid". */
	f = fopen(file, "w");
	T_REQUIRE(f);
	fputs("name,licence,country\nButha Buthe Batch Brokers,,LS\n\"Unterminated,,\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "check recruiters %s > %s.out 2> %s.err", file, file, file);
	T_EQ_INT(cli(out, sizeof out, "%s", cmd), 1);
	snprintf(cmd, sizeof cmd, "%s.err", file);
	f = fopen(cmd, "r");
	T_REQUIRE(f);
	{
		char last[1024] = "";

		while (fgets(line, sizeof line, f))
			snprintf(last, sizeof last, "%s", line);
		T_CHECKF(strstr(last, "stopped") != NULL && strstr(last, "0 invalid") == NULL, "%s", last);
	}
	fclose(f);
}

int main(void)
{
	if (server_start(&srv, "one") || server_start(&srv2, "two")) {
		fprintf(stderr, "cannot start the servers\n");
		return 1;
	}
	if (make_token("employer", "farm-co", employer, sizeof employer) ||
	    make_token("counsellor", "mrc-maseru", counsellor, sizeof counsellor) ||
	    make_token("regulator", "dol-za", regulator, sizeof regulator) ||
	    make_token("regulator", "dol-ls", other_reg, sizeof other_reg) ||
	    make_token("regulator", "dol-ls", other_reg2, sizeof other_reg2)) {
		fprintf(stderr, "cannot make tokens\n");
		server_kill(&srv);
		server_kill(&srv2);
		return 1;
	}
	T_RUN(test_only_the_authority_lifts);
	T_RUN(test_duplicate_registration);
	T_RUN(test_reviewed_false_positive_sticks);
	T_RUN(test_batch);
	T_RUN(test_list_and_cursor);
	T_RUN(test_vacancies_of_recruiter);
	T_RUN(test_vacancies_by_acronym);
	T_RUN(test_common_word_firm);
	T_RUN(test_unlicensed_in_match);
	T_RUN(test_cli_csv);
	{
		int a = server_stop(&srv), b = server_stop(&srv2);

		if (a || b)
			fprintf(stderr, "  FAIL: a server did not stop cleanly (%d, %d)\n", a, b);
		return T_DONE() || a || b;
	}
}
