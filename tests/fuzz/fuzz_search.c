/*
 * fuzz_search.c - libFuzzer target: the query string of
 * GET /v1/vacancies. The input is a raw query string ("q=...&limit=5"),
 * split and %-decoded as libmicrohttpd does (MHD_http_unescape); an unknown
 * parameter is reported as the server reports it (its name quoted in the
 * problem, which must still encode as JSON), the rest go through
 * search_vacancies (parameter checks, query building, the search itself)
 * on a small real index.
 */
#include "tests/fuzz/fuzz.h"

#include <microhttpd.h>

#include "engine/search.h"

static index_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	db = fuzz_small_index("search");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *save = NULL, *pair, *flagged = NULL;
	struct vacancy_query q = {0};
	json_t *out = NULL;
	problem p;
	int rc;

	if (size > 4096)
		return 0; /* the server refuses long URLs (414) */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (pair = strtok_r(s, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '='), *v = eq ? eq + 1 : pair + strlen(pair);

		if (eq)
			*eq = '\0';
		MHD_http_unescape(pair);
		MHD_http_unescape(v);
		if (strcmp(pair, "q") == 0)
			q.q = v;
		else if (strcmp(pair, "occupation") == 0)
			q.occupation = v;
		else if (strcmp(pair, "skill") == 0)
			q.skill = v;
		else if (strcmp(pair, "country") == 0)
			q.country = v;
		else if (strcmp(pair, "language") == 0)
			q.language = v;
		else if (strcmp(pair, "limit") == 0)
			q.limit = v;
		else if (strcmp(pair, "cursor") == 0)
			q.cursor = v;
		else if (strcmp(pair, "include_flagged") == 0)
			flagged = v;
		else {
			/* 400 unknown query parameter, as api/server.c reports it:
			 * the name is quoted as sent (not necessarily UTF-8). */
			char name[160];

			snprintf(name, sizeof name, "%s", pair);
			problem_init(&p);
			problem_set(&p, PROBLEM_INVALID, "unknown query parameter '%s'", name);
			problem_field(&p, name, "unknown_field", "unknown query parameter");
			FUZZ_ASSERT(json_array_size(p.errors) == 1, "the field error was lost");
			fuzz_check_answer(-1, &p, "GET /v1/vacancies?<unknown>");
			problem_release(&p);
			goto done;
		}
	}
	if (flagged && strcmp(flagged, "true") != 0 && strcmp(flagged, "false") != 0)
		goto done; /* 400, in api/v1/vacancies.c */
	q.include_flagged = flagged && strcmp(flagged, "true") == 0;
	if (s[0] == 'E')
		q.org = "fuzz-co"; /* an employer's search */
	problem_init(&p);
	rc = search_vacancies(db, &q, &out, &p);
	fuzz_check_answer(rc, &p, "GET /v1/vacancies");
	if (rc == 0) {
		json_t *items = json_object_get(out, "items");
		unsigned long limit = q.limit ? strtoul(q.limit, NULL, 10) : SEARCH_LIMIT_DEFAULT;

		FUZZ_ASSERT(json_is_array(items), "no items");
		FUZZ_ASSERT(json_array_size(items) <= limit, "%zu items over the limit %lu",
			    json_array_size(items), limit);
		FUZZ_ASSERT(json_is_null(json_object_get(out, "next_cursor")) ||
				    json_is_string(json_object_get(out, "next_cursor")),
			    "bad next_cursor");
		free(json_dumps(out, JSON_COMPACT));
	}
	problem_release(&p);
	json_decref(out);
done:
	free(s);
	return 0;
}
