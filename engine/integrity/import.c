/*
 * import.c - fairmatch import recruiters: a regulator's CSV list turned into
 * recruiters and flags through the same inserts as the API, in batches of
 * IMPORT_BATCH lines with a savepoint per line, so one refused line is
 * reported and the rest of its batch is kept.
 */
#include <stdio.h>
#include <string.h>

#include "engine/core/csv.h"
#include "engine/integrity/internal.h"

#define IMPORT_BATCH 500

/* Builds the POST /v1/recruiters body of the current CSV record. */
static json_t *import_body(csv_reader *csv, const int *col, const char **status, problem *p)
{
	const char *name = col[0] >= 0 ? csv_field(csv, (size_t)col[0], NULL) : "";
	const char *aliases = col[1] >= 0 ? csv_field(csv, (size_t)col[1], NULL) : "";
	const char *country = col[2] >= 0 ? csv_field(csv, (size_t)col[2], NULL) : "";
	const char *licence = col[3] >= 0 ? csv_field(csv, (size_t)col[3], NULL) : "";
	const char *authority = col[4] >= 0 ? csv_field(csv, (size_t)col[4], NULL) : "";
	const char *until = col[5] >= 0 ? csv_field(csv, (size_t)col[5], NULL) : "";
	json_t *o = json_object(), *list = json_array(), *lic;
	const char *a = aliases;

	*status = col[6] >= 0 ? csv_field(csv, (size_t)col[6], NULL) : "";
	if (!o || !list)
		goto oom;
	json_object_set_new(o, "name", json_string(name));
	while (*a) {
		const char *bar = strchr(a, '|');
		size_t len = bar ? (size_t)(bar - a) : strlen(a);

		while (len && *a == ' ')
			a++, len--;
		while (len && a[len - 1] == ' ')
			len--;
		if (len && json_array_append_new(list, json_stringn(a, len)))
			goto oom;
		a = bar ? bar + 1 : a + strlen(a);
	}
	json_object_set_new(o, "aliases", list);
	list = NULL;
	if (*country)
		json_object_set_new(o, "country", json_string(country));
	if (*licence) {
		lic = json_pack("{s:s}", "number", licence);
		if (!lic)
			goto oom;
		if (*authority)
			json_object_set_new(lic, "authority", json_string(authority));
		if (*until)
			json_object_set_new(lic, "valid_until", json_string(until));
		json_object_set_new(o, "licence", lic);
	} else if (*until) {
		problem_field(p, "valid_until", "format", "needs a licence number");
		p->kind = PROBLEM_INVALID;
	}
	if (!json_object_get(o, "name") || !json_is_array(json_object_get(o, "aliases")))
		goto oom;
	return o;
oom:
	json_decref(o);
	json_decref(list);
	integ__oom(p);
	return NULL;
}

static void import_report(FILE *report, unsigned long line, const problem *p)
{
	json_t *e;
	size_t i;

	fprintf(report, "line %lu: %s", line, p->detail);
	json_array_foreach(p->errors, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));

		if (i == 0 && field && strstr(p->detail, field))
			continue;
		fprintf(report, "; %s: %s", field ? field : "?",
			json_string_value(json_object_get(e, "message")));
	}
	fputc('\n', report);
}

int integrity_import_csv(store *s, const char *path, const char *default_authority,
			 FILE *report, uint64_t *good, uint64_t *bad)
{
	static const char *const names[] = {"name",	   "aliases", "country",  "licence",
					    "authority", "valid_until", "status", "evidence"};
	csv_reader *csv = NULL;
	char err[512];
	int col[8], rc, in_batch = 0, open_txn = 0;
	size_t i;

	*good = *bad = 0;
	if (csv_open(path, &csv, err, sizeof err)) {
		fprintf(report, "fairmatch: %s\n", err);
		return -1;
	}
	for (i = 0; i < 8; i++)
		col[i] = csv_column(csv, names[i]);
	if (col[0] < 0) {
		fprintf(report, "fairmatch: %s: the header has no 'name' column\n", path);
		csv_close(csv);
		return -1;
	}
	while ((rc = csv_next(csv)) == 1) {
		const char *status = "";
		problem p;
		json_t *body;
		int64_t id = 0, fid = 0;
		const char *severity = NULL;

		problem_init(&p);
		body = import_body(csv, col, &status, &p);
		if (body && !p.kind && integrity_recruiter_validate(body, &p) == 0) {
			if (!*status || strcmp(status, "valid") == 0)
				severity = NULL;
			else if (strcmp(status, "suspended") == 0)
				severity = "warning";
			else if (strcmp(status, "cancelled") == 0 || strcmp(status, "banned") == 0)
				severity = "blacklist";
			else {
				problem_field(&p, "status", "format",
					      "must be valid, suspended, cancelled or banned");
				p.kind = PROBLEM_INVALID;
			}
		}
		if (p.kind) {
			if (p.kind == PROBLEM_UNAVAILABLE) {
				fprintf(report, "fairmatch: %s\n", p.detail);
				json_decref(body);
				problem_release(&p);
				goto fail;
			}
			import_report(report, csv_line(csv), &p);
			(*bad)++;
			json_decref(body);
			problem_release(&p);
			continue;
		}
		if (!open_txn) {
			if (store_begin(s) || integ__registry_writer_lock(s))
				goto dberr;
			open_txn = 1;
		}
		/* A savepoint per line: one refused line does not undo the batch. */
		if (store_run(s, "SAVEPOINT line", 0, NULL))
			goto dberr;
		if (integ__recruiter_insert(s, NULL, body, &id, &p) == 0 && severity) {
			const char *auth = col[4] >= 0 ? csv_field(csv, (size_t)col[4], NULL) : "";
			json_t *f = json_pack("{s:s, s:s, s:s}", "severity", severity, "reason", "other",
					      "evidence", "");
			/* The list's own words (optional column), then where they come from. */
			const char *given = col[7] >= 0 ? csv_field(csv, (size_t)col[7], NULL) : "";
			char ev[2048];

			snprintf(ev, sizeof ev, "%.1500s%sstatus '%s' in the regulator's list %s, line %lu",
				 given, *given ? "; " : "", status, path, csv_line(csv));
			if (f)
				json_object_set_new(f, "evidence", json_string(ev));
			if (!f)
				integ__oom(&p);
			else if (integ__flag_insert(s, NULL, *auth ? auth : default_authority, id, f, &fid, &p))
				(void)0;
			json_decref(f);
		}
		if (p.kind || store_sqlstate(s)[0]) {
			if (store_was_disconnect(s))
				goto dberr;
			if (!p.kind) {
				problem_set(&p, PROBLEM_RULE, "the database refused the line: %s",
					    store_error(s));
				problem_subject(&p, "recruiter");
			}
			if (store_run(s, "ROLLBACK TO SAVEPOINT line", 0, NULL))
				goto dberr;
			import_report(report, csv_line(csv), &p);
			(*bad)++;
		} else {
			if (store_run(s, "RELEASE SAVEPOINT line", 0, NULL))
				goto dberr;
			(*good)++;
			in_batch++;
		}
		json_decref(body);
		problem_release(&p);
		if (in_batch >= IMPORT_BATCH) {
			if (store_commit(s))
				goto fail;
			in_batch = open_txn = 0;
		}
		continue;
dberr:
		json_decref(body);
		problem_release(&p);
		fprintf(report, "fairmatch: line %lu: %s\n", csv_line(csv), store_error(s));
		goto fail;
	}
	if (rc < 0) {
		fprintf(report, "fairmatch: %s\n", csv_error(csv));
		goto fail;
	}
	if (open_txn && store_commit(s)) {
		fprintf(report, "fairmatch: committing: %s\n", store_error(s));
		goto fail;
	}
	csv_close(csv);
	return 0;
fail:
	store_rollback(s);
	csv_close(csv);
	return -1;
}
