/*
 * test_vacancy_rules.c - the write rules of engine/vacancy.h in the bulk
 * insert that `fairmatch import vacancies` uses, against a real PostgreSQL
 * and without a server: in a batch, a document naming a blacklisted
 * recruiter and one naming an unknown quota id are reported by index with
 * their reasons and not stored; the other documents are stored, each with
 * its change-log row. (The same rules over HTTP, POST and PATCH, are in
 * test_integrity and test_quotas.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/integrity.h"
#include "engine/quota/quota.h"
#include "engine/store/store.h"
#include "engine/vacancy.h"
#include "tests/support/t.h"

#define BAD_AGENCY "Karaoke Exploit Agency"

static store *s;

struct report {
	size_t n;
	size_t index[8];
	int kind[8];
	char subject[8][32];
	char detail[8][512];
	char field[8][32], code[8][32];
};

static const char *text(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static void on_rejected(size_t index, const problem *p, void *arg)
{
	struct report *rep = arg;
	json_t *e = json_array_get(p->errors, 0);

	if (rep->n >= 8)
		return;
	rep->index[rep->n] = index;
	rep->kind[rep->n] = p->kind;
	snprintf(rep->subject[rep->n], sizeof rep->subject[0], "%s", p->subject);
	snprintf(rep->detail[rep->n], sizeof rep->detail[0], "%s", p->detail);
	snprintf(rep->field[rep->n], sizeof rep->field[0], "%s", text(e, "field"));
	snprintf(rep->code[rep->n], sizeof rep->code[0], "%s", text(e, "code"));
	rep->n++;
}

/* A canonical document as vacancy_validate makes it (the fields the batch
 * stores and the rules read). */
static json_t *doc(const char *title, const char *recruiter, const char *quota_id)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "title", title, "occupation", "7212",
			      "country", "ZA", "valid_until", "2099-12-31", "positions", 1,
			      "worker_fees", 0);

	if (d && recruiter)
		json_object_set_new(d, "recruiter",
				    json_pack("{s:s, s:s}", "name", recruiter, "country", "LS"));
	if (d && quota_id)
		json_object_set_new(d, "quota_id", json_string(quota_id));
	return d;
}

/* A number answered by one SQL query with one text parameter; -1 on error. */
static long long count(const char *sql, const char *param)
{
	PGresult *r = store_exec(s, sql, 1, (const char *const[]){param});
	long long n = -1;

	if (r) {
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	return n;
}

static void test_blacklisted_and_unknown_quota_are_reported(void)
{
	json_t *docs[6] = {
		doc("good 1", "Honest Hands Recruitment", NULL),
		doc("blacklisted", BAD_AGENCY, NULL),
		doc("good 2", NULL, NULL),
		doc("unknown quota", NULL, "q_99999999"),
		doc("good 3", NULL, NULL),
		doc("good 4", "Honest Hands Recruitment", NULL),
	};
	struct report rep = {0};
	int64_t seq = -1;
	problem p;
	size_t i;
	int rc;

	for (i = 0; i < 6; i++)
		T_REQUIRE(docs[i] != NULL);
	problem_init(&p);
	rc = vacancy_insert_batch(s, "rules-1", docs, 6, on_rejected, &rep, &seq, &p);
	T_EQ_INT(rc, 0);
	if (rc)
		fprintf(stderr, "  batch: %s %s\n", problem_kind_name(p.kind), p.detail);
	problem_release(&p);

	T_REQUIRE(rep.n == 2);
	T_EQ_INT(rep.index[0], 1);
	T_EQ_INT(rep.kind[0], PROBLEM_RULE);
	T_EQ_STR(rep.subject[0], "vacancy");
	T_CHECKF(strncmp(rep.detail[0], "recruiter '" BAD_AGENCY "' is blacklisted (flag f_",
			 strlen("recruiter '" BAD_AGENCY "' is blacklisted (flag f_")) == 0,
		 "detail: %s", rep.detail[0]);
	T_EQ_STR(rep.field[0], "recruiter");
	T_EQ_STR(rep.code[0], "blacklisted");
	T_EQ_INT(rep.index[1], 3);
	T_EQ_INT(rep.kind[1], PROBLEM_RULE);
	T_EQ_STR(rep.subject[1], "vacancy");
	T_CHECKF(strstr(rep.detail[1], "q_99999999") != NULL, "detail: %s", rep.detail[1]);
	T_EQ_STR(rep.field[1], "quota_id");
	T_EQ_STR(rep.code[1], "unknown");

	/* The four others are stored, each with its change-log row. */
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1", "rules-1"), 4);
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1"
		       " AND doc->>'title' IN ('blacklisted', 'unknown quota')",
		       "rules-1"),
		 0);
	T_EQ_INT(count("SELECT count(*) FROM change_log c JOIN vacancies v ON v.id = c.object_id"
		       " WHERE c.object_type = 'vacancy' AND v.org = $1",
		       "rules-1"),
		 4);
	T_CHECK(seq > 0);
	T_EQ_INT(count("SELECT max(c.seq) FROM change_log c JOIN vacancies v ON v.id = c.object_id"
		       " WHERE c.object_type = 'vacancy' AND v.org = $1",
		       "rules-1"),
		 seq);
	for (i = 0; i < 6; i++)
		json_decref(docs[i]);
}

/* A batch whose every document is refused stores nothing and succeeds;
 * the call without a report leaves refused documents out the same way. */
static void test_all_refused_and_no_report(void)
{
	json_t *docs[2] = {doc("blacklisted", BAD_AGENCY, NULL), doc("unknown", NULL, "q_1234567")};
	json_t *mixed[2] = {doc("kept", NULL, NULL), doc("blacklisted", BAD_AGENCY, NULL)};
	struct report rep = {0};
	int64_t seq = -1;
	problem p;

	T_REQUIRE(docs[0] && docs[1] && mixed[0] && mixed[1]);
	problem_init(&p);
	T_EQ_INT(vacancy_insert_batch(s, "rules-2", docs, 2, on_rejected, &rep, &seq, &p), 0);
	T_EQ_INT(rep.n, 2);
	T_EQ_INT(seq, 0);
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1", "rules-2"), 0);
	T_EQ_INT(vacancy_insert_batch(s, "rules-3", mixed, 2, NULL, NULL, &seq, &p), 0);
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1", "rules-3"), 1);
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1 AND doc->>'title' = 'kept'",
		       "rules-3"),
		 1);
	problem_release(&p);
	json_decref(docs[0]);
	json_decref(docs[1]);
	json_decref(mixed[0]);
	json_decref(mixed[1]);
}

/* A quota_id the documents fit is checked once per batch (a memo), but the
 * memo keys on the document's country and occupation too: a document that
 * does not fit the same listing is still refused, and named by its field. */
static void test_quota_fit_and_mismatch(void)
{
	json_t *in = json_pack("{s:s, s:[s], s:s, s:s, s:i, s:s, s:s}", "agreement", "LS-ZA welding",
			       "origin_countries", "LS", "destination_country", "ZA", "occupation",
			       "7212", "slots", 10, "valid_from", "2026-01-01", "valid_until",
			       "2099-12-31");
	json_t *q = NULL, *stored = NULL, *docs[4] = {0};
	struct report rep = {0};
	const char *qid;
	int64_t seq = -1;
	problem p;
	size_t i;

	problem_init(&p);
	T_REQUIRE(in != NULL);
	T_REQUIRE(quota_validate(in, &q, &p) == 0 && quota_create(s, NULL, q, &stored, &p) == 0);
	qid = json_string_value(json_object_get(stored, "id"));
	T_REQUIRE(qid != NULL);
	docs[0] = doc("fits 1", NULL, qid);
	docs[1] = doc("fits 2", NULL, qid);
	docs[2] = doc("elsewhere", NULL, qid);
	docs[3] = doc("fits 3", NULL, qid);
	for (i = 0; i < 4; i++)
		T_REQUIRE(docs[i] != NULL);
	json_object_set_new(docs[2], "country", json_string("BW"));
	T_EQ_INT(vacancy_insert_batch(s, "rules-4", docs, 4, on_rejected, &rep, &seq, &p), 0);
	T_REQUIRE(rep.n == 1);
	T_EQ_INT(rep.index[0], 2);
	T_EQ_INT(rep.kind[0], PROBLEM_RULE);
	T_EQ_STR(rep.field[0], "country");
	T_EQ_STR(rep.code[0], "quota_mismatch");
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1", "rules-4"), 3);
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1 AND doc->>'title' = 'elsewhere'",
		       "rules-4"),
		 0);
	problem_release(&p);
	for (i = 0; i < 4; i++)
		json_decref(docs[i]);
	json_decref(in);
	json_decref(q);
	json_decref(stored);
}

/* The batch's memo of recruiter checks cannot be fooled by a name that
 * holds a separator: a document whose name carries the banned licence as
 * text, then one that gives that licence (with a control character the
 * licence's normal form drops), are two recruiters, and the second is
 * refused. */
static void test_recruiter_memo_cannot_be_fooled(void)
{
	json_t *docs[2] = {doc("name carries it", NULL, NULL), doc("licence gives it", NULL, NULL)};
	struct report rep = {0};
	int64_t seq = -1;
	problem p;

	T_REQUIRE(docs[0] && docs[1]);
	json_object_set_new(docs[0], "recruiter", json_pack("{s:s}", "name", "Xq\x1fLS-KEA-9"));
	json_object_set_new(docs[1], "recruiter",
			    json_pack("{s:s, s:s}", "name", "Xq", "licence", "LS-KEA-9\x1f-"));
	problem_init(&p);
	T_EQ_INT(vacancy_insert_batch(s, "rules-5", docs, 2, on_rejected, &rep, &seq, &p), 0);
	T_REQUIRE(rep.n == 1);
	T_EQ_INT(rep.index[0], 1);
	T_EQ_STR(rep.code[0], "blacklisted");
	T_EQ_INT(count("SELECT count(*) FROM vacancies WHERE org = $1", "rules-5"), 1);
	problem_release(&p);
	json_decref(docs[0]);
	json_decref(docs[1]);
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
	/* The regulator's list: one banned agency (a blacklist flag), one valid. */
	snprintf(path, sizeof path, "%s/regulator.csv", dir ? dir : "var/test");
	f = fopen(path, "w");
	if (!f || fputs("name,aliases,country,licence,authority,valid_until,status\n" BAD_AGENCY
			",,LS,LS-KEA-9,DOL,,banned\n"
			"Honest Hands Recruitment,,LS,LS-HHR-1,DOL,2099-12-31,valid\n",
			f) < 0 ||
	    fclose(f) || integrity_import_csv(s, path, "dol-ls", stderr, &good, &bad) || good != 2) {
		fprintf(stderr, "cannot import the regulator's list (%llu good)\n",
			(unsigned long long)good);
		printf("0 passed, 1 failed\n");
		store_close(s);
		return 1;
	}
	T_RUN(test_blacklisted_and_unknown_quota_are_reported);
	T_RUN(test_all_refused_and_no_report);
	T_RUN(test_quota_fit_and_mismatch);
	T_RUN(test_recruiter_memo_cannot_be_fooled);
	store_close(s);
	return T_DONE();
}
