/*
 * test_exclusion_versions.c - a reviewed false positive outlives a change of
 * the normaliser, and never hides the agency it is about, nor another one
 * (round 13). Over real HTTP, a real server and PostgreSQL.
 *
 * "Qacha Nek Recruiting Agency" is blacklisted. Under NAMES_FORMS_VERSION 2
 * a regulator ruled that "Qacha Nek Recruting Agency" (a trade word
 * misspelt) is another firm, and registered a third one, "Qacha Nek
 * Recruitng Agency", ruled not the agency either (a pair exclusion). Version
 * 3 reads a typo of a trade word as that word, so both names now have the
 * agency's own normal form: the exclusions, keyed by the normal form, hid
 * the blacklisted agency under its own name (check `unknown`, its vacancy
 * stored). The decisions are written into the database as the older
 * server recorded them (today the API refuses them: own name), the stored
 * forms and their version set back, and the server restarted, so that its
 * start-up rewrite runs. Then: the agency's own name is blacklisted (check,
 * POST and PATCH 422); the names as reviewed stay excluded (`unknown`, 201;
 * the registered third firm answers as itself); another spelling is not
 * covered; and a different blacklisted agency written exactly as the
 * excluded name is not hidden by the agency's exclusion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/names.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], counsellor[80], regulator[80];
static char agency[32], third[32];

#define AGENCY "Qacha Nek Recruiting Agency"
#define REVIEWED "Qacha Nek Recruting Agency" /* ruled another firm, by name */
#define THIRD "Qacha Nek Recruitng Agency"    /* registered, ruled another firm */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void urlencode(const char *s, char *out, size_t cap)
{
	size_t k = 0;

	for (; *s && k + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, cap - k, "%%%02X", c);
	}
	out[k] = '\0';
}

/* The check's verdict for name, and whether recruiter id is among its
 * matches (*has, when given). "" on failure. */
static const char *verdict(const char *name, const char *id, int *has, char *out, size_t cap)
{
	struct resp r;
	char enc[512], path[640];
	json_t *m;
	size_t i;

	out[0] = '\0';
	if (has)
		*has = 0;
	urlencode(name, enc, sizeof enc);
	snprintf(path, sizeof path, "/v1/recruiters/check?name=%s", enc);
	if (http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0 && r.status == 200) {
		snprintf(out, cap, "%s", str(r.json, "verdict") ? str(r.json, "verdict") : "");
		json_array_foreach(json_object_get(r.json, "matches"), i, m)
			if (has && id && str(m, "id") && strcmp(str(m, "id"), id) == 0)
				*has = 1;
	}
	resp_free(&r);
	return out;
}

static long post_vacancy(const char *recruiter, char *id, size_t len)
{
	struct resp r;
	char body[512];
	long st;

	id[0] = '\0';
	snprintf(body, sizeof body,
		 "{\"title\":\"Shearer exclvq\",\"occupation\":\"9211\",\"country\":\"ZA\","
		 "\"positions\":2,\"valid_until\":\"2099-01-01\",\"recruiter\":{\"name\":\"%s\"}}",
		 recruiter);
	if (http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)))
		return -1;
	st = r.status;
	if (str(r.json, "id"))
		snprintf(id, len, "%s", str(r.json, "id"));
	resp_free(&r);
	return st;
}

static long patch_recruiter(const char *vid, const char *recruiter)
{
	struct resp r;
	char body[256], path[64];
	long st;

	snprintf(path, sizeof path, "/v1/vacancies/%s", vid);
	snprintf(body, sizeof body, "{\"recruiter\":{\"name\":\"%s\"}}", recruiter);
	if (http(&r, &srv, "PATCH", path, employer, NULL, body, strlen(body)))
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

static long blacklist(const char *rid)
{
	struct resp r;
	char path[96];
	long st;

	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	if (http_json(&r, &srv, "POST", path, regulator,
		      "{\"severity\":\"blacklist\",\"reason\":\"worker_fees\"}"))
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

static void test_setup_as_under_version_2(void)
{
	struct resp r;
	char sql[512], path[96];

	T_REQUIRE(test_register_recruiter(&srv, regulator,
					  "{\"name\":\"" AGENCY "\",\"country\":\"LS\"}", agency,
					  sizeof agency)[0]);
	T_REQUIRE(blacklist(agency) == 201);
	/* Under version 3 both names are the agency's own normal form. */
	snprintf(path, sizeof path, "/v1/recruiters/%s/exclusions", agency);
	T_EQ_INT(http_json(&r, &srv, "POST", path, regulator,
			   "{\"name\":\"" REVIEWED "\",\"reason\":\"x\"}"),
		 0);
	T_EQ_INT(r.status, 422);
	resp_free(&r);
	T_REQUIRE(test_register_recruiter(&srv, regulator,
					  "{\"name\":\"" THIRD "\",\"country\":\"LS\",\"force\":true,"
					  "\"reason\":\"another firm of that town\"}",
					  third, sizeof third)[0]);
	/* The decisions as the version-2 server recorded them. */
	snprintf(sql, sizeof sql,
		 "INSERT INTO recruiter_exclusions (recruiter, name, reason, created_org) VALUES"
		 " (%s, '" REVIEWED "', 'reviewed: another firm', 'dol-ls')",
		 agency + 2);
	T_REQUIRE(test_psql(sql) == 0);
	snprintf(sql, sizeof sql,
		 "INSERT INTO recruiter_exclusions (recruiter, other, reason, created_org) VALUES"
		 " (%s, %s, 'reviewed: another firm', 'dol-ls')",
		 agency + 2, third + 2);
	T_REQUIRE(test_psql(sql) == 0);
	/* ... with the forms version 2 stored, and its version */
	snprintf(sql, sizeof sql,
		 "UPDATE recruiter_names SET norm = 'qacha nek recruitng agency' WHERE recruiter = %s",
		 third + 2);
	T_REQUIRE(test_psql(sql) == 0);
	snprintf(sql, sizeof sql, "UPDATE name_forms_version SET version = %d",
		 NAMES_FORMS_VERSION - 1);
	T_REQUIRE(test_psql(sql) == 0);
	/* the upgrade: a server of today starts and rewrites the forms */
	T_REQUIRE(server_stop(&srv) == 0);
	T_REQUIRE(server_start(&srv, "one") == 0);
}

static void test_own_name_never_hidden(void)
{
	char v[32], vid[32];
	int has = 0;

	T_EQ_STR(verdict(AGENCY, agency, &has, v, sizeof v), "blacklisted");
	T_CHECK(has);
	T_EQ_STR(verdict("QACHA NEK RECRUITING AGENCY (Pty) Ltd", agency, &has, v, sizeof v),
		 "blacklisted");
	T_EQ_INT(post_vacancy(AGENCY, vid, sizeof vid), 422);
	/* a vacancy of the reviewed firm cannot be moved to the agency */
	T_EQ_INT(post_vacancy(REVIEWED, vid, sizeof vid), 201);
	T_REQUIRE(vid[0]);
	T_EQ_INT(patch_recruiter(vid, AGENCY), 422);
}

static void test_reviewed_names_stay_excluded(void)
{
	char v[32], vid[32];
	int has = 1;

	/* as reviewed, up to case, spaces and punctuation: not the agency
	 * (the registered third firm has its normal form today, so it is the
	 * match: unlicensed) */
	T_EQ_STR(verdict(REVIEWED, agency, &has, v, sizeof v), "unlicensed");
	T_CHECK(!has);
	T_EQ_STR(verdict("qacha nek  recruting agency.", agency, &has, v, sizeof v), "unlicensed");
	T_CHECK(!has);
	T_EQ_INT(post_vacancy(REVIEWED, vid, sizeof vid), 201);
	/* the registered third firm is itself, not the agency */
	T_EQ_STR(verdict(THIRD, agency, &has, v, sizeof v), "unlicensed");
	T_CHECK(!has);
	T_EQ_INT(post_vacancy(THIRD, vid, sizeof vid), 201);
	/* another spelling is another review */
	T_EQ_STR(verdict("Qacha Nek Recrutng Agency", agency, &has, v, sizeof v), "blacklisted");
	T_CHECK(has);
}

/* The command line's check (no registry: the SQL path over the stored
 * forms, rewritten at start) decides alike. */
static void test_sql_path(void)
{
	char file[700], out[256], cmd[1600], line[1024];
	const char *dir = getenv("FAIRMATCH_TEST_DIR");
	int lines = 0;
	FILE *f;

	snprintf(file, sizeof file, "%s/excl.csv", dir ? dir : ".");
	f = fopen(file, "w");
	T_REQUIRE(f);
	fputs("ref,name,licence,country\n1," AGENCY ",,\n2," REVIEWED ",,\n3," THIRD ",,\n", f);
	T_REQUIRE(fclose(f) == 0);
	snprintf(cmd, sizeof cmd, "check recruiters %s > %s.out", file, file);
	T_EQ_INT(cli(out, sizeof out, "%s", cmd), 0);
	snprintf(cmd, sizeof cmd, "%s.out", file);
	f = fopen(cmd, "r");
	T_REQUIRE(f);
	while (fgets(line, sizeof line, f)) {
		lines++;
		if (lines == 2)
			T_CHECKF(strstr(line, ",blacklisted,") != NULL, "%s", line);
		if (lines >= 3)
			T_CHECKF(strstr(line, ",unlicensed,") != NULL, "%s", line);
	}
	fclose(f);
	T_EQ_INT(lines, 4);
}

static void test_another_agency_not_hidden(void)
{
	char other[32], v[32], vid[32];
	int has = 0;

	/* written exactly as the name excluded for the first agency */
	T_REQUIRE(test_register_recruiter(&srv, regulator,
					  "{\"name\":\"" REVIEWED "\",\"country\":\"ZA\",\"force\":true,"
					  "\"reason\":\"a firm abroad\"}",
					  other, sizeof other)[0]);
	T_REQUIRE(blacklist(other) == 201);
	for (int i = 0; i < 50 && strcmp(verdict(REVIEWED, other, &has, v, sizeof v), "blacklisted");
	     i++)
		test_sleep_ms(100);
	T_EQ_STR(v, "blacklisted");
	T_CHECK(has);
	T_EQ_STR(verdict(REVIEWED, agency, &has, v, sizeof v), "blacklisted");
	T_CHECK(!has); /* the first agency's decision still applies to it */
	T_EQ_INT(post_vacancy(REVIEWED, vid, sizeof vid), 422);
}

int main(void)
{
	if (server_start(&srv, "one")) {
		fprintf(stderr, "cannot start the server\n");
		return 1;
	}
	if (make_token("employer", "farm-co", employer, sizeof employer) ||
	    make_token("counsellor", "mrc-maseru", counsellor, sizeof counsellor) ||
	    make_token("regulator", "dol-ls", regulator, sizeof regulator)) {
		fprintf(stderr, "cannot make tokens\n");
		server_kill(&srv);
		return 1;
	}
	T_RUN(test_setup_as_under_version_2);
	T_RUN(test_own_name_never_hidden);
	T_RUN(test_reviewed_names_stay_excluded);
	T_RUN(test_sql_path);
	T_RUN(test_another_agency_not_hidden);
	{
		int a = server_stop(&srv);

		if (a)
			fprintf(stderr, "  FAIL: the server did not stop cleanly (%d)\n", a);
		return T_DONE() || a;
	}
}
