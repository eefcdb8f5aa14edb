/*
 * problem.h - what went wrong with a request, in the shape the API answers.
 *
 * The engine reports every refusal as a problem: an HTTP status (400 bad
 * type or format, 404, 409, 422 a rule, 503 PostgreSQL down ...), a short
 * title, a detail sentence and a list of per-field errors. api/ turns it into
 * application/problem+json (RFC 9457); the CLI prints it. Fixed-size text,
 * so reporting never fails for lack of memory; only the field list allocates.
 */
#ifndef FAIRMATCH_PROBLEM_H
#define FAIRMATCH_PROBLEM_H

#include <jansson.h>

typedef struct problem {
	int status;       /* 0 while nothing went wrong */
	char title[80];
	char detail[512];
	json_t *errors;   /* NULL or an array of {"field","code","message"} */
} problem;

void problem_init(problem *p);
void problem_release(problem *p);
/* Sets status, title and detail (printf-style); keeps fields added so far. */
void problem_set(problem *p, int status, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds one field error; the first one also sets the detail when none is set. */
void problem_field(problem *p, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Whether any field error was recorded. */
int problem_has_fields(const problem *p);

#endif
