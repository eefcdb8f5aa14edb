/*
 * batch.c - screening a list of recruiters at once: POST /v1/recruiters/check
 * ({"queries": {KEY: {"name","licence","country"}}}, at most 100, each
 * answered by integrity_check under the client's key) and the command line's
 * `fairmatch check recruiters FILE.csv` (a report per line, CSV or JSON lines).
 */
#include <stdio.h>
#include <string.h>

#include "engine/core/csv.h"
#include "engine/core/fields.h"
#include "engine/integrity/internal.h"

#define BATCH_KEY_MAX 200

/* Moves q's field errors into p, each under its path "queries.KEY.FIELD"
 * (API.md's error shape: the field names where the error is), with the
 * key also given alone, since a key may hold dots. */
static void prefix_errors(problem *p, const char *key, const problem *q)
{
	char path[BATCH_KEY_MAX + 64];
	size_t i;
	json_t *e;

	if (!q->errors || !json_array_size(q->errors)) {
		snprintf(path, sizeof path, "queries.%s", key);
		problem_field(p, path, "invalid", "%s", q->detail);
		json_object_set_new(json_array_get(p->errors, json_array_size(p->errors) - 1), "key",
				    json_string(key));
		return;
	}
	json_array_foreach(q->errors, i, e) {
		snprintf(path, sizeof path, "queries.%s.%s", key,
			 json_string_value(json_object_get(e, "field")));
		problem_field(p, path, json_string_value(json_object_get(e, "code")), "%s",
			      json_string_value(json_object_get(e, "message")));
	}
	/* The field path names the key exactly (keys may hold dots). */
	json_array_foreach(p->errors, i, e)
		if (i >= json_array_size(p->errors) - json_array_size(q->errors))
			json_object_set_new(e, "key", json_string(key));
}

int integrity_check_batch(store *s, const json_t *in, json_t **out, problem *p)
{
	static const char *const top_keys[] = {"queries", NULL};
	static const char *const query_keys[] = {"name", "licence", "country", NULL};
	json_t *queries = NULL, *results = NULL, *q, *answer;
	const char *key;

	*out = NULL;
	fields_only(in, "", top_keys, p);
	if (p->kind)
		return -1;
	queries = json_object_get(in, "queries");
	if (!json_is_object(queries) || json_object_size(queries) == 0) {
		problem_field(p, "queries", queries ? "type" : "required",
			      "must be an object of 1 to %d queries keyed by the client",
			      INTEGRITY_BATCH_MAX);
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	if (json_object_size(queries) > INTEGRITY_BATCH_MAX) {
		problem_set(p, PROBLEM_TOO_LARGE, "a batch holds at most %d queries, this one %zu",
			    INTEGRITY_BATCH_MAX, json_object_size(queries));
		return -1;
	}
	json_object_foreach(queries, key, q) {
		char path[BATCH_KEY_MAX + 16];

		if (strlen(key) == 0 || strlen(key) > BATCH_KEY_MAX) {
			problem_field(p, "queries", "key", "a key must be 1 to %d bytes",
				      BATCH_KEY_MAX);
			p->kind = PROBLEM_INVALID;
			continue;
		}
		snprintf(path, sizeof path, "queries.%s", key);
		if (!json_is_object(q)) {
			problem_field(p, path, "type", "must be an object with name, licence, country");
			p->kind = PROBLEM_INVALID;
			continue;
		}
		fields_only(q, path, query_keys, p);
		for (const char *const *f = query_keys; *f; f++) {
			json_t *v = json_object_get(q, *f);

			if (v && !json_is_string(v) && !json_is_null(v)) {
				problem_field(p, path, "type", "%s must be a string", *f);
				p->kind = PROBLEM_INVALID;
			}
		}
	}
	if (p->kind)
		return -1;
	results = json_object();
	if (!results)
		return integ__oom(p);
	json_object_foreach(queries, key, q) {
		problem qp;
		int rc;

		problem_init(&qp);
		rc = integrity_check(s, json_string_value(json_object_get(q, "name")),
				     json_string_value(json_object_get(q, "licence")),
				     json_string_value(json_object_get(q, "country")), &answer, &qp);
		if (rc) {
			if (qp.kind == PROBLEM_INVALID || qp.kind == PROBLEM_RULE) {
				prefix_errors(p, key, &qp);
				p->kind = PROBLEM_INVALID;
			} else if (!p->kind) {
				problem_set(p, qp.kind ? qp.kind : PROBLEM_UNAVAILABLE, "%s: %s", key,
					    qp.detail);
			}
			problem_release(&qp);
			continue;
		}
		problem_release(&qp);
		if (json_object_set_new(results, key, answer)) {
			json_decref(results);
			return integ__oom(p);
		}
	}
	if (p->kind) {
		if (p->kind == PROBLEM_INVALID && !p->detail[0])
			problem_set(p, PROBLEM_INVALID, "some queries are invalid");
		json_decref(results);
		return -1;
	}
	*out = json_pack("{s:o}", "results", results);
	return *out ? 0 : integ__oom(p);
}

/* The first match's id, name and score ("" and 0 when none). */
static void first_match(const json_t *answer, const char **id, const char **name, double *score)
{
	json_t *m = json_array_get(json_object_get(answer, "matches"), 0);

	*id = m ? json_string_value(json_object_get(m, "id")) : NULL;
	*name = m ? json_string_value(json_object_get(m, "name")) : NULL;
	*score = m ? json_number_value(json_object_get(m, "score")) : 0;
	if (!*id)
		*id = "";
	if (!*name)
		*name = "";
}

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_put(FILE *out, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputc(last ? '\n' : ',', out);
}

int integrity_check_csv(store *s, const char *path, int jsonl, FILE *out, FILE *report,
			uint64_t *done, uint64_t *bad)
{
	csv_reader *r = NULL;
	char err[512];
	int cn, cl, cc, rc;

	*done = *bad = 0;
	if (csv_open(path, &r, err, sizeof err)) {
		fprintf(report, "check: %s\n", err);
		return -1;
	}
	cn = csv_column(r, "name");
	cl = csv_column(r, "licence");
	cc = csv_column(r, "country");
	if (cn < 0 && cl < 0) {
		fprintf(report, "check: %s: the header names neither a name nor a licence column\n",
			path);
		csv_close(r);
		return -1;
	}
	if (!jsonl)
		fputs("line,name,licence,country,verdict,recruiter,recruiter_name,score,flags,"
		      "possible_matches,error\n", out);
	while ((rc = csv_next(r)) == 1) {
		const char *name = cn >= 0 ? csv_field(r, (size_t)cn, NULL) : "";
		const char *lic = cl >= 0 ? csv_field(r, (size_t)cl, NULL) : "";
		const char *country = cc >= 0 ? csv_field(r, (size_t)cc, NULL) : "";
		json_t *answer = NULL;
		problem p;

		problem_init(&p);
		if (integrity_check(s, name[0] ? name : NULL, lic[0] ? lic : NULL,
				    country[0] ? country : NULL, &answer, &p)) {
			if (p.kind == PROBLEM_UNAVAILABLE) {
				fprintf(report, "check: line %lu: %s\n", csv_line(r), p.detail);
				problem_release(&p);
				csv_close(r);
				return -1;
			}
			(*bad)++;
		}
		if (jsonl) {
			json_t *line = answer ? json_deep_copy(answer) : json_object();

			if (line) {
				json_object_set_new(line, "line", json_integer((json_int_t)csv_line(r)));
				json_object_set_new(line, "query",
						    json_pack("{s:s, s:s, s:s}", "name", name, "licence",
							      lic, "country", country));
				if (!answer)
					json_object_set_new(line, "error", json_string(p.detail));
				if (json_dumpf(line, out, JSON_COMPACT) == 0)
					fputc('\n', out);
			}
			json_decref(line);
		} else {
			const char *id, *mname;
			double score;
			char num[32], sc[32], pm[32];

			first_match(answer, &id, &mname, &score);
			snprintf(num, sizeof num, "%lu", csv_line(r));
			snprintf(sc, sizeof sc, "%.3f", score);
			snprintf(pm, sizeof pm, "%zu",
				 json_array_size(json_object_get(answer, "possible_matches")));
			csv_put(out, num, 0);
			csv_put(out, name, 0);
			csv_put(out, lic, 0);
			csv_put(out, country, 0);
			csv_put(out, answer ? json_string_value(json_object_get(answer, "verdict")) : "",
				0);
			csv_put(out, id, 0);
			csv_put(out, mname, 0);
			csv_put(out, answer && id[0] ? sc : "", 0);
			snprintf(num, sizeof num, "%zu", json_array_size(json_object_get(answer, "flags")));
			csv_put(out, num, 0);
			csv_put(out, pm, 0);
			csv_put(out, answer ? "" : p.detail, 1);
		}
		(*done)++;
		json_decref(answer);
		problem_release(&p);
	}
	if (rc < 0)
		fprintf(report, "check: %s\n", csv_error(r));
	csv_close(r);
	return rc < 0 ? -1 : 0;
}
