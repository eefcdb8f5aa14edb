/*
 * test_renormalise.c - stored name forms follow the normaliser (issue 16).
 * A blacklisted agency is registered, its stored forms are overwritten with
 * what an older normaliser wrote (small capitals dropped: "manpower"), a
 * licensed recruiter's licence key likewise, and the recorded forms version
 * is set back, as after an upgrade. The SQL check, the one `fairmatch
 * import` uses, then misses both; after `fairmatch migrate` it finds them,
 * the version is recorded, the run is audited once, and a second migrate
 * changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"
#include "engine/store/store.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

/* Registered in small capitals, which the normaliser before round 11
 * dropped: its stored form was "manpower", now "kopano manpower". */
#define AGENCY "\xe1\xb4\x8b\xe1\xb4\x8f\xe1\xb4\x98\xe1\xb4\x80\xc9\xb4\xe1\xb4\x8f Manpower"
#define STALE "manpower"

static store *s;

/* The text of the first column of the first row of sql ($1 = arg), or "". */
static const char *scalar(const char *sql, const char *arg, char *buf, size_t len)
{
	PGresult *r = store_exec(s, sql, arg ? 1 : 0, (const char *const[]){arg});

	buf[0] = '\0';
	if (r && PQntuples(r))
		snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return buf;
}

/* The SQL check's verdict for a name or a licence ("" on failure). */
static const char *check_verdict(const char *name, const char *licence, char *buf, size_t len)
{
	json_t *out = NULL;
	problem p;

	problem_init(&p);
	buf[0] = '\0';
	if (integrity_check_sql(s, name, licence, NULL, &out, &p) == 0)
		snprintf(buf, len, "%s", json_string_value(json_object_get(out, "verdict")));
	json_decref(out);
	problem_release(&p);
	return buf;
}

static const char *sql_verdict(const char *name, char *buf, size_t len)
{
	return check_verdict(name, NULL, buf, len);
}

static const char *licence_verdict(const char *licence, char *buf, size_t len)
{
	return check_verdict(NULL, licence, buf, len);
}

static void test_stale_forms_are_renormalised_by_migrate(void)
{
	char buf[256], v[16], expect[64];

	/* as after an upgrade: the old forms and no (or an older) version */
	T_REQUIRE(store_run(s, "UPDATE recruiters SET name_norm = $1 WHERE name LIKE '%Manpower'", 1,
			    (const char *const[]){STALE}) == 0);
	T_REQUIRE(store_run(s, "UPDATE recruiter_names SET norm = $1 WHERE label LIKE '%Manpower'", 1,
			    (const char *const[]){STALE}) == 0);
	/* a licence key as an older rule kept it (separators and case) */
	T_REQUIRE(store_run(s, "UPDATE recruiters SET licence_norm = 'ls-hhr-1' WHERE licence_norm"
			       " = 'LSHHR1'", 0, NULL) == 0);
	T_REQUIRE(store_run(s, "DELETE FROM name_forms_version", 0, NULL) == 0);
	T_EQ_STR(sql_verdict("Kopano Manpower", buf, sizeof buf), "unknown");
	T_EQ_STR(licence_verdict("ls hhr 1", buf, sizeof buf), "unknown");

	T_EQ_INT(cli(NULL, 0, "migrate"), 0);
	snprintf(v, sizeof v, "%d", NAMES_FORMS_VERSION);
	snprintf(expect, sizeof expect, "0 %d 2 2 recruiters cli", NAMES_FORMS_VERSION);
	T_EQ_STR(scalar("SELECT version FROM name_forms_version", NULL, buf, sizeof buf), v);
	T_EQ_STR(scalar("SELECT norm FROM recruiter_names WHERE label LIKE '%Manpower'", NULL, buf,
			sizeof buf),
		 "kopano manpower");
	T_EQ_STR(scalar("SELECT name_norm FROM recruiters WHERE name LIKE '%Manpower'", NULL, buf,
			sizeof buf),
		 "kopano manpower");
	T_EQ_STR(sql_verdict("Kopano Manpower", buf, sizeof buf), "blacklisted");
	T_EQ_STR(licence_verdict("ls hhr 1", buf, sizeof buf), "licensed");
	/* the rewritten agency keeps its alias row, the other its name row */
	T_EQ_STR(scalar("SELECT string_agg(kind || ':' || norm, ',' ORDER BY recruiter, kind DESC)"
			" FROM recruiter_names",
			NULL, buf, sizeof buf),
		 "name:kopano manpower,alias:qhobosheane staffing,name:honest hands recruitment");
	/* audited: from no version to the code's, two read, one rewritten */
	T_EQ_STR(scalar("SELECT concat_ws(' ', detail->>'from_version', detail->>'to_version',"
			" detail->>'recruiters', detail->>'changed', object, role) FROM audit_log"
			" WHERE action = $1",
			"recruiters.renormalise", buf, sizeof buf),
		 expect);

	/* idempotent: the version agrees, nothing is read, written or audited */
	T_REQUIRE(store_run(s, "UPDATE recruiter_names SET norm = $1 WHERE label LIKE '%Manpower'", 1,
			    (const char *const[]){STALE}) == 0);
	T_EQ_INT(cli(NULL, 0, "migrate"), 0);
	T_EQ_STR(scalar("SELECT norm FROM recruiter_names WHERE label LIKE '%Manpower'", NULL, buf,
			sizeof buf),
		 STALE);
	T_EQ_STR(scalar("SELECT count(*) FROM audit_log WHERE action = $1", "recruiters.renormalise",
			buf, sizeof buf),
		 "1");
	/* an older recorded version: rewritten again */
	T_REQUIRE(store_run(s, "UPDATE name_forms_version SET version = version - 1", 0, NULL) == 0);
	T_EQ_INT(cli(NULL, 0, "migrate"), 0);
	T_EQ_STR(sql_verdict("Kopano Manpower", buf, sizeof buf), "blacklisted");
	T_EQ_STR(scalar("SELECT count(*) FROM audit_log WHERE action = $1", "recruiters.renormalise",
			buf, sizeof buf),
		 "2");
}

/* The server role reads the version but cannot change it. */
static void test_server_role_cannot_write_the_version(void)
{
	char buf[64];

	T_EQ_STR(scalar("SELECT has_table_privilege('fairmatch_server', 'name_forms_version', 'SELECT')"
			"::text || has_table_privilege('fairmatch_server', 'name_forms_version',"
			" 'UPDATE')::text",
			NULL, buf, sizeof buf),
		 "truefalse");
}

int main(void)
{
	const char *db = getenv("FAIRMATCH_DB"), *dir = getenv("FAIRMATCH_TEST_DIR");
	char err[512], path[700];
	uint64_t good = 0, bad = 0;
	FILE *f;

	if (store_connect(db ? db : "", &s, err, sizeof err) || store_migrate(s)) {
		fprintf(stderr, "cannot set up the database: %s\n", s ? store_error(s) : err);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/renorm.csv", dir ? dir : "var/test");
	f = fopen(path, "w");
	if (!f || fputs("name,aliases,country,licence,authority,valid_until,status\n" AGENCY
			",Qhobosheane Staffing,LS,,DOL,,banned\n"
			"Honest Hands Recruitment,,LS,LS-HHR-1,DOL,2099-12-31,valid\n",
			f) < 0 ||
	    fclose(f) || integrity_import_csv(s, path, "dol-ls", stderr, &good, &bad) || good != 2) {
		fprintf(stderr, "cannot import the regulator's list (%llu good)\n",
			(unsigned long long)good);
		printf("0 passed, 1 failed\n");
		store_close(s);
		return 1;
	}
	T_RUN(test_stale_forms_are_renormalised_by_migrate);
	T_RUN(test_server_role_cannot_write_the_version);
	store_close(s);
	return T_DONE();
}
