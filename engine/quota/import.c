/*
 * import.c - fairmatch import quotas FILE: CSV or JSON lines, each good
 * record validated and stored like a POST, each bad one reported by line.
 */
#include "engine/quota/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/csv.h"

#define IMPORT_LINE_MAX (1024 * 1024)

static void report_problem(FILE *report, unsigned long line, const problem *p)
{
	size_t i;
	json_t *e;

	fprintf(report, "line %lu: %s", line, p->detail);
	json_array_foreach(p->errors, i, e) {
		if (i == 0 && strstr(p->detail, quota__str(e, "field")))
			continue;
		fprintf(report, "; %s: %s", quota__str(e, "field"), quota__str(e, "message"));
	}
	fputc('\n', report);
}

/* Validates and stores one record. 0 stored, 1 rejected (reported), -1 the
 * database failed (reported). */
static int import_one(store *s, const json_t *in, unsigned long line, FILE *report)
{
	json_t *doc = NULL, *out = NULL;
	problem p;
	int rc = 1;

	problem_init(&p);
	if (quota_validate(in, &doc, &p) == 0 && quota_create(s, NULL, doc, &out, &p) == 0)
		rc = 0;
	else if (p.kind == PROBLEM_UNAVAILABLE)
		rc = -1;
	if (rc)
		report_problem(report, line, &p);
	json_decref(doc);
	json_decref(out);
	problem_release(&p);
	return rc;
}

static const char *const csv_columns[] = {"agreement",	 "origin_countries", "destination_country",
					  "occupation",	 "slots",	     "valid_from",
					  "valid_until", "conditions",	     "illustrative",
					  NULL};

/* One CSV field as the JSON value POST /v1/quotas would carry; NULL when
 * empty (absent). Values of the wrong shape stay strings, so validation
 * names them. *bad is set for bytes that are not UTF-8. */
static json_t *csv_value(const char *col, const char *f, size_t len, int *bad)
{
	json_t *v;

	if (len == 0)
		return NULL;
	if (strcmp(col, "origin_countries") == 0) {
		json_t *a = json_array();
		const char *x = f;

		while (a && *x) {
			size_t n = strcspn(x, "|"), b = 0;

			while (b < n && x[b] == ' ')
				b++;
			while (n > b && x[n - 1] == ' ')
				n--;
			if (n > b && json_array_append_new(a, json_stringn(x + b, n - b))) {
				json_decref(a);
				*bad = 1;
				return NULL;
			}
			x += strcspn(x, "|");
			if (*x)
				x++;
		}
		return a;
	}
	if (strcmp(col, "slots") == 0 && quota__all_digits(f, 1, 9))
		return json_integer(strtoll(f, NULL, 10));
	if (strcmp(col, "illustrative") == 0) {
		if (strcmp(f, "true") == 0 || strcmp(f, "1") == 0 || strcmp(f, "yes") == 0)
			return json_true();
		if (strcmp(f, "false") == 0 || strcmp(f, "0") == 0 || strcmp(f, "no") == 0)
			return json_false();
	}
	v = json_stringn(f, len);
	if (!v)
		*bad = 1;
	return v;
}

static int import_csv(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad)
{
	csv_reader *cr = NULL;
	char err[512];
	size_t i, j, ncol;
	int rc;

	if (csv_open(path, &cr, err, sizeof err)) {
		fprintf(report, "fairmatch: %s\n", err);
		return -1;
	}
	ncol = csv_column_count(cr);
	for (i = 0; i < ncol; i++) {
		for (j = 0; csv_columns[j]; j++)
			if (strcmp(csv_column_name(cr, i), csv_columns[j]) == 0)
				break;
		if (!csv_columns[j]) {
			fprintf(report, "fairmatch: %s: unknown column '%s'\n", path,
				csv_column_name(cr, i));
			csv_close(cr);
			return -1;
		}
	}
	for (j = 0; j < 7; j++) /* the required ones come first in csv_columns */
		if (csv_column(cr, csv_columns[j]) < 0) {
			fprintf(report, "fairmatch: %s: missing column '%s'\n", path, csv_columns[j]);
			csv_close(cr);
			return -1;
		}
	while ((rc = csv_next(cr)) == 1) {
		json_t *o = json_object();
		int not_utf8 = 0;

		if (!o) {
			fprintf(report, "fairmatch: out of memory\n");
			csv_close(cr);
			return -1;
		}
		for (i = 0; i < ncol; i++) {
			size_t len;
			const char *f = csv_field(cr, i, &len);
			json_t *v = csv_value(csv_column_name(cr, i), f, len, &not_utf8);

			if (v)
				json_object_set_new(o, csv_column_name(cr, i), v);
		}
		if (not_utf8) {
			fprintf(report, "line %lu: a field is not valid UTF-8\n", csv_line(cr));
			(*bad)++;
		} else {
			rc = import_one(s, o, csv_line(cr), report);
			if (rc < 0) {
				json_decref(o);
				csv_close(cr);
				return -1;
			}
			if (rc)
				(*bad)++;
			else
				(*good)++;
		}
		json_decref(o);
	}
	if (rc < 0)
		fprintf(report, "fairmatch: %s\n", csv_error(cr));
	csv_close(cr);
	return rc < 0 ? -1 : 0;
}

static int import_jsonl(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned long n = 0;
	ssize_t len;
	int rc = 0;

	if (!in) {
		fprintf(report, "fairmatch: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		json_error_t jerr;
		json_t *o;

		n++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (len > IMPORT_LINE_MAX) {
			fprintf(report, "line %lu: the line is longer than 1 MiB\n", n);
			(*bad)++;
			continue;
		}
		o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
		if (!o) {
			fprintf(report, "line %lu: malformed JSON at column %d: %s\n", n, jerr.column,
				jerr.text);
			(*bad)++;
			continue;
		}
		rc = import_one(s, o, n, report);
		json_decref(o);
		if (rc < 0)
			break;
		if (rc)
			(*bad)++;
		else
			(*good)++;
		rc = 0;
	}
	if (rc == 0 && ferror(in)) {
		fprintf(report, "fairmatch: reading %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(in);
	return rc;
}

int quota_import_file(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad)
{
	size_t n = strlen(path);

	*good = *bad = 0;
	if (n >= 4 && strcmp(path + n - 4, ".csv") == 0)
		return import_csv(s, path, report, good, bad);
	return import_jsonl(s, path, report, good, bad);
}
