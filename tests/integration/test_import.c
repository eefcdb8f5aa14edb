/*
 * test_import.c - the write rules in `fairmatch import vacancies`, through
 * the real binary: a line naming a blacklisted recruiter and a line naming
 * an unknown quota id are reported with their line numbers and reasons, the
 * way a bad line is, the exit status is 1 (lines were rejected), and the
 * other lines are stored. Run with the default batch and with batches of
 * two, so a refused document is mapped back to its line across batches.
 * And the other formats: the schema.org JobPosting examples (tests/data/
 * job_postings) and a CSV, each with a dry run that stores nothing and
 * reports every rejected item or line, through the CLI and through POST
 * /v1/vacancies/import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/index.h"
#include "index/schema.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

#define BAD_AGENCY "Karaoke Exploit Agency"

static char dir[512];
static char jsonl[600];
static char postings[600]; /* the examples' JSON-LD objects, as one array */
static struct server srv;
static char employer[80];

/* The whole file at path, NUL-ended (caller frees), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* How many vacancies org holds in PostgreSQL; -1 on error. */
static long long stored(const char *org)
{
	char cmd[512], out[64] = "";
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "psql -X -tAq \"$FAIRMATCH_DB\" -c \"SELECT count(*) FROM vacancies WHERE "
		 "org='%s'\"",
		 org);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(out, sizeof out, p))
		out[0] = '\0';
	if (pclose(p) != 0 || !out[0])
		return -1;
	return strtoll(out, NULL, 10);
}

/* Imports the file as org (extra: more options) and checks the report,
 * the exit status and what was stored. */
static void import_and_check(const char *org, const char *extra)
{
	char report[700], *text, *l2, *l5;

	snprintf(report, sizeof report, "%s/%s.report", dir, org);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org %s %s >/dev/null 2>%s", jsonl, org, extra,
		     report),
		 1);
	text = slurp(report);
	T_REQUIRE(text != NULL);
	l2 = strstr(text, "\nline 2: ");
	l5 = strstr(text, "\nline 5: ");
	T_CHECKF(l2 && strncmp(l2 + 9, "recruiter '" BAD_AGENCY "' is blacklisted (flag f_",
			       strlen("recruiter '" BAD_AGENCY "' is blacklisted (flag f_")) == 0,
		 "report: %s", text);
	T_CHECKF(l5 && strncmp(l5 + 9, "quota_id q_99999999 names no quota listing",
			       strlen("quota_id q_99999999 names no quota listing")) == 0,
		 "report: %s", text);
	T_CHECKF(!strstr(text, "line 1:") && !strstr(text, "line 3:") && !strstr(text, "line 4:") &&
			 !strstr(text, "line 6:"),
		 "report: %s", text);
	T_CHECKF(strstr(text, "import: 4 stored, 2 rejected") != NULL, "report: %s", text);
	free(text);
	T_EQ_INT(stored(org), 4);
}

static void test_refused_lines_reported_and_others_kept(void)
{
	char index[700];

	snprintf(index, sizeof index, "--index %s/import/index", dir);
	import_and_check("import-rules", index);
}

static void test_refused_lines_across_batches(void)
{
	import_and_check("import-rules-2", "--batch 2 --no-index");
}

/* The number before word in text ("import: 9 valid, 8 rejected"), -1 if none. */
static long count_before(const char *text, const char *word)
{
	const char *w = strstr(text, word), *s;

	if (!w || w == text)
		return -1;
	for (s = w - 1; s > text && s[-1] >= '0' && s[-1] <= '9'; s--)
		;
	return strtol(s, NULL, 10);
}

static void test_jobposting_examples_cli(void)
{
	char report[700], *text;
	long valid;

	snprintf(report, sizeof report, "%s/postings.report", dir);
	/* Dry run: everything checked, nothing stored, each refusal by index. */
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org jp-cli --country US --dry-run 2>%s",
		     postings, report),
		 1);
	text = slurp(report);
	T_REQUIRE(text != NULL);
	T_CHECKF(strstr(text, "\nitem 2: @type: is Person, not JobPosting") != NULL, "%s", text);
	T_CHECKF(strstr(text, "\nitem 5: @type: is Occupation, not JobPosting") != NULL, "%s", text);
	T_CHECKF(strstr(text, "dry run, nothing stored") != NULL, "%s", text);
	valid = count_before(text, " valid,");
	T_CHECKF(valid >= 1 && count_before(text, " rejected") >= 5, "%s", text);
	T_CHECKF(!strstr(text, "\nitem 0:"), "%s", text); /* the full JobPosting maps */
	free(text);
	T_EQ_INT(stored("jp-cli"), 0);
	/* (That a real import stores what the dry run found valid is checked
	 * for the CSV below and over HTTP: one taxonomy load less here.) */
}

static void test_csv_cli(void)
{
	char path[700], report[700], *text;
	FILE *f;

	snprintf(path, sizeof path, "%s/vacancies.csv", dir);
	snprintf(report, sizeof report, "%s/csv.report", dir);
	f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	fputs("title,occupation,country,city,skills_essential,languages,salary_min,salary_max,"
	      "salary_currency,salary_period,positions,valid_until,worker_fees,recruiter_name\n"
	      "Welder,7212,ZA,Johannesburg,MIG welding|TIG welding,en:B1,9000,12000,ZAR,month,3,"
	      "2099-01-31,,\n"
	      "Nurse,2221,XX,,,,,,,,,,,\n"
	      "\"Cook, \"\"line\"\"\n(two lines)\",5120,GB,London,,,,,,,1,2099-02-01,,\n"
	      "Cleaner,9112,ZA,,,,,,,,,,5,\n"
	      "Driver,8322,ZA,,,,,,,,many,,,\n"
	      "Picker,9211,ES,,,,,,,,2,,," BAD_AGENCY "\n",
	      f);
	T_REQUIRE(fclose(f) == 0);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org csv-co --dry-run 2>%s", path, report), 1);
	text = slurp(report);
	T_REQUIRE(text != NULL);
	T_CHECKF(strstr(text, "\nline 3: ") && strstr(strstr(text, "\nline 3: "), "country"), "%s",
		 text);
	/* The quoted title spans lines 4-5: the next rows are 6, 7 and 8. */
	T_CHECKF(strstr(text, "\nline 6: ") && strstr(strstr(text, "\nline 6: "), "worker_fees"),
		 "%s", text);
	T_CHECKF(strstr(text, "\nline 7: ") && strstr(strstr(text, "\nline 7: "), "positions"), "%s",
		 text);
	T_CHECKF(strstr(text, "\nline 8: recruiter '" BAD_AGENCY "' is blacklisted"), "%s", text);
	/* A title is one line on a counsellor's screen: the record of lines 4-5
	 * is refused as a whole, and reported at the line it starts on. */
	T_CHECKF(strstr(text, "\nline 4: title: ") != NULL, "%s", text);
	T_CHECKF(!strstr(text, "\nline 2:") && !strstr(text, "\nline 5:"), "%s", text);
	T_CHECKF(strstr(text, "import: 1 valid, 5 rejected"), "%s", text);
	free(text);
	T_EQ_INT(stored("csv-co"), 0);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org csv-co --no-index 2>%s", path, report), 1);
	T_EQ_INT(stored("csv-co"), 1);
	/* An unknown column refuses the file, naming it. */
	f = fopen(path, "w");
	T_REQUIRE(f && fputs("title,colour\nWelder,red\n", f) >= 0 && fclose(f) == 0);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org csv-co --dry-run 2>%s", path, report), 1);
	text = slurp(report);
	T_CHECKF(text && strstr(text, "colour: is not a column of a vacancy"), "%s", text ? text : "");
	free(text);
}

/* The item of a report with this index, or NULL. */
static json_t *report_item(json_t *answer, long index)
{
	size_t i;
	json_t *it;

	json_array_foreach(json_object_get(answer, "items"), i, it)
		if (json_integer_value(json_object_get(it, "index")) == index)
			return it;
	return NULL;
}

static void test_import_http(void)
{
	char *body = slurp(postings), big[64];
	struct resp r;
	json_t *it;
	long valid, i;
	struct buf_s {
		char *p;
		size_t n;
	} many = {0};

	T_REQUIRE(body != NULL);
	/* Dry run over HTTP: a report per item, nothing stored. */
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies/import?dry_run=true&country=US", employer,
		       NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 17);
	T_CHECK(json_is_true(json_object_get(r.json, "dry_run")));
	T_EQ_INT(json_integer_value(json_object_get(r.json, "stored")), 0);
	it = report_item(r.json, 2);
	T_REQUIRE(it != NULL);
	T_EQ_STR(json_string_value(json_object_get(it, "status")), "rejected");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(it, "errors"), 0),
						   "field")),
		 "@type");
	T_EQ_STR(json_string_value(json_object_get(report_item(r.json, 0), "status")), "valid");
	valid = 17 - (long)json_integer_value(json_object_get(r.json, "rejected"));
	resp_free(&r);
	T_EQ_INT(stored("jp-http"), 0);
	/* Without a default country, the posting with no addressCountry is refused,
	 * named as the partner wrote it (JSON-LD), not by the vacancy's field. */
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies/import?dry_run=true", employer, NULL, body,
		       strlen(body)) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(report_item(r.json, 0), "status")), "rejected");
	T_EQ_STR(json_string_value(json_object_get(
			 json_array_get(json_object_get(report_item(r.json, 0), "errors"), 0), "field")),
		 "jobLocation.address.addressCountry");
	resp_free(&r);
	/* For real: ids for the stored ones, readable at once. */
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies/import?country=US", employer, NULL, body,
		       strlen(body)) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_integer_value(json_object_get(r.json, "stored")), valid);
	it = report_item(r.json, 0);
	T_EQ_STR(json_string_value(json_object_get(it, "status")), "stored");
	T_CHECK(json_string_value(json_object_get(it, "id")) != NULL);
	resp_free(&r);
	T_EQ_INT(stored("jp-http"), valid);
	free(body);

	/* A @graph: the Organization node is no item; the blacklisted hiring
	 * organisation refuses its posting like a POST's recruiter. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies/import?dry_run=true", employer,
			    "{\"@context\":\"https://schema.org\",\"@graph\":["
			    "{\"@type\":\"Organization\",\"name\":\"x\"},"
			    "{\"@type\":\"JobPosting\",\"title\":\"Welder\",\"occupationalCategory\":"
			    "\"7212\",\"jobLocation\":{\"address\":{\"addressCountry\":\"za\"}},"
			    "\"validThrough\":\"2099-05-01T00:00\",\"totalJobOpenings\":4,"
			    "\"employmentType\":[\"FULL_TIME\",\"Temporary\"],"
			    "\"baseSalary\":{\"currency\":\"ZAR\",\"value\":{\"minValue\":50.5,"
			    "\"maxValue\":70,\"unitText\":\"HOUR\"}},"
			    "\"hiringOrganization\":{\"name\":\"" BAD_AGENCY "\"}}]}") == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	it = report_item(r.json, 1);
	T_REQUIRE(it != NULL);
	T_EQ_STR(json_string_value(json_object_get(it, "status")), "rejected");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(it, "errors"), 0),
						   "code")),
		 "blacklisted");
	resp_free(&r);
	/* The same as the employer: stored, with the mapped fields. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies/import?hiring_organization=employer",
			    employer,
			    "{\"@type\":\"JobPosting\",\"title\":\"Welder\",\"occupationalCategory\":"
			    "\"7212\",\"jobLocation\":{\"address\":{\"addressCountry\":\"ZA\"}},"
			    "\"validThrough\":\"2099-05-01T00:00\",\"totalJobOpenings\":4,"
			    "\"employmentType\":[\"FULL_TIME\",\"Temporary\"],"
			    "\"baseSalary\":{\"currency\":\"ZAR\",\"value\":{\"minValue\":50.5,"
			    "\"maxValue\":70,\"unitText\":\"HOUR\"}},"
			    "\"hiringOrganization\":{\"name\":\"" BAD_AGENCY "\"}}") == 0);
	T_EQ_INT(r.status, 200);
	it = report_item(r.json, 0);
	T_EQ_STR(json_string_value(json_object_get(it, "status")), "stored");
	{
		char path[64];
		struct resp g;

		snprintf(path, sizeof path, "/v1/vacancies/%s",
			 json_string_value(json_object_get(it, "id")));
		T_REQUIRE(http(&g, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
		T_EQ_INT(g.status, 200);
		T_EQ_INT(json_integer_value(json_object_get(g.json, "positions")), 4);
		T_EQ_STR(json_string_value(json_object_get(g.json, "valid_until")), "2099-05-01");
		T_EQ_STR(json_string_value(json_object_get(g.json, "country")), "ZA");
		T_EQ_INT(json_integer_value(json_object_get(json_object_get(g.json, "salary"), "min")),
			 51);
		T_EQ_STR(json_string_value(json_object_get(json_object_get(g.json, "salary"),
							   "period")),
			 "hour");
		T_EQ_INT(json_array_size(json_object_get(g.json, "employment_type")), 2);
		T_CHECK(json_object_get(g.json, "recruiter") == NULL);
		resp_free(&g);
	}
	resp_free(&r);
	/* More than 1,000 items: 413, nothing stored; a bad option: 400. */
	many.p = malloc(1001 * 4 + 2);
	T_REQUIRE(many.p != NULL);
	many.p[many.n++] = '[';
	for (i = 0; i < 1001; i++) {
		memcpy(many.p + many.n, i ? ",{}" : "{}", i ? 3 : 2);
		many.n += i ? 3 : 2;
	}
	many.p[many.n++] = ']';
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies/import", employer, NULL, many.p, many.n) ==
		  0);
	T_EQ_INT(r.status, 413);
	resp_free(&r);
	free(many.p);
	snprintf(big, sizeof big, "/v1/vacancies/import?dry_run=yes");
	T_REQUIRE(http(&r, &srv, "POST", big, employer, NULL, "[]", 2) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies/import", employer, NULL, "\"x\"", 3) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
}

/* A bulk load writes each batch grouped by country and language (XCL:), so
 * a search's filter finds its documents side by side (engine/indexer/
 * bulk.c, bulk_order): 30 vacancies written ZA, KE, FR in turn get three
 * runs of consecutive docids, not every third docid. */
static void test_bulk_groups_by_country_language(void)
{
	static const char *const place[][2] = {{"ZA", "en"}, {"KE", "en"}, {"FR", "fr"}};
	const char *index_dir = getenv("FAIRMATCH_INDEX");
	char path[600], term[64];
	index_db *db = NULL;
	index_error e = {{0}};
	FILE *f;

	snprintf(path, sizeof path, "%s/grouped.jsonl", dir);
	f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	for (int i = 0; i < 30; i++)
		fprintf(f,
			"{\"title\":\"Welder %d\",\"occupation\":\"7212\",\"country\":\"%s\","
			"\"languages\":[{\"code\":\"%s\",\"level\":\"B1\"}]}\n",
			i, place[i % 3][0], place[i % 3][1]);
	T_REQUIRE(fclose(f) == 0);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org grouped-co >/dev/null 2>&1", path), 0);
	T_REQUIRE(index_dir && index_open_readonly(index_dir, &db, &e) == 0);
	for (int k = 0; k < 3; k++) {
		index_search_opts o = {.limit = 100, .sort_slot = -1, .weighting = INDEX_WEIGHT_BOOL};
		index_query *sub[2], *q;
		index_results *res = NULL;
		uint32_t lo = UINT32_MAX, hi = 0;
		size_t n;

		snprintf(term, sizeof term, "%s%s:%s", VX_COUNTRY_LANG, place[k][0], place[k][1]);
		sub[0] = index_query_term(term, 1);
		sub[1] = index_query_term(VX_ORG "grouped-co", 1);
		q = index_query_combine(INDEX_OP_AND, sub, 2);
		index_query_free(sub[0]);
		index_query_free(sub[1]);
		T_REQUIRE(q && index_search(db, q, &o, &res, &e) == 0);
		n = index_results_count(res);
		for (size_t i = 0; i < n; i++) {
			uint32_t d = index_results_hit(res, i)->docid;

			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		T_EQ_INT((long long)n, 10);
		T_CHECKF(n && hi - lo + 1 == n, "%s: docids %u..%u for %zu documents", term, lo, hi, n);
		index_results_free(res);
		index_query_free(q);
	}
	index_close(db);
}


/* The index's format string stored in dir's index, into buf ("" when none). */
static void stored_format(const char *index_dir, char *buf, size_t len)
{
	index_db *db = NULL;
	index_error e = {{0}};
	char *v = NULL;

	buf[0] = '\0';
	if (index_open_readonly(index_dir, &db, &e) == 0 &&
	    index_get_metadata(db, VX_META_FORMAT, &v, &e) == 0 && v)
		snprintf(buf, len, "%s", v);
	free(v);
	index_close(db);
}

static int has_dictionary(const char *index_dir)
{
	index_db *db = NULL;
	index_error e = {{0}};
	int has = -1;

	if (index_open_readonly(index_dir, &db, &e) || index_has_data_dictionary(db, &has, &e))
		has = -1;
	index_close(db);
	return has;
}

/* Cards compressed with the index's own dictionary (index/datacodec.cc):
 * a rebuild trains it on its first batch and a server replaying the change
 * log into an empty index trains one too; an index of the format before
 * (terms=5, plain cards) is detected and rebuilt by the server; and the
 * search answers each vacancy with the text PostgreSQL holds. */
static void test_cards_compressed(void)
{
	struct server s;
	char path[600], index_dir[700], fresh_dir[700], format[128], old[128], url[160];
	char counsellor[80];
	index_db *w = NULL;
	index_error e = {{0}};
	struct resp r, g;
	FILE *f;
	int i, ok;

	snprintf(path, sizeof path, "%s/cards.jsonl", dir);
	f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	for (i = 0; i < 600; i++)
		fprintf(f,
			"{\"title\":\"Soudeur \\\"%d\\\" \u00e0 Lyon\",\"occupation\":\"7212\","
			"\"country\":\"%s\",\"languages\":[{\"code\":\"fr\",\"level\":\"B1\"}],"
			"\"description\":\"Soudure TIG \u2014 chantier naval, \u00e9quipe de nuit, "
			"r\u00e9f\u00e9rence cardzq%04d \xf0\x9f\x94\xa7\"}\n",
			i, i % 2 ? "FR" : "BE", i);
	T_REQUIRE(fclose(f) == 0);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org cards-co --no-index >/dev/null 2>&1", path), 0);

	/* A rebuild (the bulk path) trains the dictionary. */
	snprintf(index_dir, sizeof index_dir, "%s/cards/index", dir);
	T_EQ_INT(cli(NULL, 0, "reindex --index %s >/dev/null 2>&1", index_dir), 0);
	T_EQ_INT(has_dictionary(index_dir), 1);

	/* Marked as built in the format before this one: the server rebuilds it. */
	stored_format(index_dir, format, sizeof format);
	T_REQUIRE(strstr(format, " terms=") != NULL);
	snprintf(old, sizeof old, "%.*s terms=5", (int)(strstr(format, " terms=") - format), format);
	T_REQUIRE(strcmp(old, format) != 0);
	T_REQUIRE(index_open_writable(index_dir, &w, &e) == 0);
	T_CHECK(index_set_metadata(w, VX_META_FORMAT, old, &e) == 0 && index_commit(w, &e) == 0);
	index_close(w);
	T_REQUIRE(make_token("counsellor", "cards-cc", counsellor, sizeof counsellor) == 0);
	T_REQUIRE(server_start(&s, "cards") == 0);
	for (i = 0, ok = 0; i < 600 && !ok; i++) {
		char now[128];

		stored_format(index_dir, now, sizeof now);
		ok = strcmp(now, format) == 0;
		if (!ok)
			usleep(100000);
	}
	T_CHECKF(ok, "the server did not rebuild an index of format \"%s\"", old);

	/* Search answers from the compressed cards; GET by id from PostgreSQL. */
	for (i = 0; i < 600; i += 149) {
		json_t *item;

		snprintf(url, sizeof url, "/v1/vacancies?q=cardzq%04d&country=%s&language=fr", i,
			 i % 2 ? "FR" : "BE");
		T_REQUIRE(http(&r, &s, "GET", url, counsellor, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		item = json_array_get(json_object_get(r.json, "items"), 0);
		T_CHECKF(json_array_size(json_object_get(r.json, "items")) == 1, "%s: %s", url, r.body);
		snprintf(url, sizeof url, "/v1/vacancies/%s",
			 item ? json_string_value(json_object_get(item, "id")) : "none");
		T_REQUIRE(http(&g, &s, "GET", url, counsellor, NULL, NULL, 0) == 0);
		T_EQ_INT(g.status, 200);
		T_CHECK(item && json_equal(json_object_get(item, "title"), json_object_get(g.json, "title")));
		T_CHECK(item && json_equal(json_object_get(item, "description"),
					   json_object_get(g.json, "description")));
		T_CHECK(item && strstr(json_string_value(json_object_get(item, "description")),
				       "\xf0\x9f\x94\xa7") != NULL);
		resp_free(&g);
		resp_free(&r);
	}
	/* The match answers from the same cards (engine/match/render.c's text
	 * path): their text intact. */
	T_REQUIRE(http_json(&r, &s, "POST", "/v1/match", counsellor,
			    "{\"limit\":50,\"countries\":[\"FR\",\"BE\"],\"profile\":{\"occupations\":["
			    "\"7212\"],\"skills\":[\"soudure TIG\"],\"languages\":[{\"code\":\"fr\","
			    "\"level\":\"C2\"}]}}") == 0);
	T_EQ_INT(r.status, 200);
	{
		json_t *it;
		size_t k, cards = 0, intact = 0;

		json_array_foreach(json_object_get(r.json, "vacancies"), k, it) {
			const char *desc = json_string_value(
				json_object_get(json_object_get(it, "vacancy"), "description"));

			if (!desc || !strstr(desc, "cardzq"))
				continue;
			cards++;
			intact += strstr(desc, "\xf0\x9f\x94\xa7") != NULL &&
				  strstr(desc, "Soudure TIG \xe2\x80\x94 chantier naval") == desc;
		}
		T_CHECKF(cards > 0 && intact == cards, "%zu of %zu matched cards intact: %.300s", intact,
			 cards, r.body);
	}
	resp_free(&r);
	T_EQ_INT(server_stop(&s), 0);

	/* A server on an empty index replays the change log and trains one. */
	T_REQUIRE(server_start(&s, "cards-fresh") == 0);
	snprintf(fresh_dir, sizeof fresh_dir, "%s", s.index);
	for (i = 0, ok = 0; i < 600 && !ok; i++) {
		stored_format(fresh_dir, format, sizeof format);
		ok = format[0] != '\0';
		if (!ok)
			usleep(100000);
	}
	T_CHECK(ok);
	T_EQ_INT(has_dictionary(fresh_dir), 1);
	T_EQ_INT(server_stop(&s), 0);
}

int main(void)
{
	const char *d = getenv("FAIRMATCH_TEST_DIR");
	char csv[600];
	FILE *f;

	snprintf(dir, sizeof dir, "%s", d ? d : "var/test");
	snprintf(csv, sizeof csv, "%s/regulator.csv", dir);
	snprintf(jsonl, sizeof jsonl, "%s/rules.jsonl", dir);
	/* The regulator's list: one banned agency (a blacklist flag), one valid. */
	f = fopen(csv, "w");
	if (!f || fputs("name,aliases,country,licence,authority,valid_until,status\n" BAD_AGENCY
			",,LS,LS-KEA-9,DOL,,banned\n"
			"Honest Hands Recruitment,,LS,LS-HHR-1,DOL,2099-12-31,valid\n",
			f) < 0 ||
	    fclose(f) || cli(NULL, 0, "import recruiters %s --org dol-ls 2>/dev/null", csv) != 0) {
		fprintf(stderr, "cannot import the regulator's list\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	f = fopen(jsonl, "w");
	if (!f ||
	    fputs("{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\"}\n"
		  "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\","
		  "\"recruiter\":{\"name\":\"" BAD_AGENCY "\",\"country\":\"LS\"}}\n"
		  "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\","
		  "\"recruiter\":{\"name\":\"Honest Hands Recruitment\",\"country\":\"LS\"}}\n"
		  "{\"title\":\"Nurse\",\"occupation\":\"2221\",\"country\":\"GB\"}\n"
		  "{\"title\":\"Nurse\",\"occupation\":\"2221\",\"country\":\"GB\","
		  "\"quota_id\":\"q_99999999\"}\n"
		  "{\"title\":\"Midwife\",\"occupation\":\"2222\",\"country\":\"GB\"}\n",
		  f) < 0 ||
	    fclose(f)) {
		fprintf(stderr, "cannot write %s\n", jsonl);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	/* The schema.org examples' JSON-LD objects as one array. */
	{
		json_t *ex = json_load_file("tests/data/job_postings/schemaorg_jobposting_examples.json",
					    0, NULL), *arr = json_array(), *e;
		size_t i;

		snprintf(postings, sizeof postings, "%s/postings.json", dir);
		json_array_foreach(ex, i, e)
			json_array_append(arr, json_object_get(e, "jsonld"));
		if (json_array_size(arr) != 17 || json_dump_file(arr, postings, JSON_INDENT(1))) {
			fprintf(stderr, "cannot write %s\n", postings);
			printf("0 passed, 1 failed\n");
			return 1;
		}
		json_decref(ex);
		json_decref(arr);
	}
	if (make_token("employer", "jp-http", employer, sizeof employer) ||
	    server_start(&srv, "import")) {
		fprintf(stderr, "cannot start the server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_refused_lines_reported_and_others_kept);
	T_RUN(test_refused_lines_across_batches);
	T_RUN(test_jobposting_examples_cli);
	T_RUN(test_csv_cli);
	T_RUN(test_bulk_groups_by_country_language);
	T_RUN(test_import_http);
	T_RUN(test_cards_compressed);
	server_kill(&srv);
	return T_DONE();
}
