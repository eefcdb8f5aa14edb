/*
 * problem.h - what went wrong with a request, as a kind the engine chooses.
 *
 * The engine reports every refusal as a problem: a kind (below), for a
 * broken rule the subject it concerns, a detail sentence and a list of
 * per-field errors. The engine speaks no HTTP: api/status.c is the one place
 * that maps a kind to an HTTP status and a problem+json title (RFC 9457), as
 * GNU Taler's exchange maps TALER_ErrorCode; the CLI prints the detail.
 * Fixed-size text, so reporting never fails for lack of memory; only the
 * field list allocates.
 */
#ifndef FAIRMATCH_PROBLEM_H
#define FAIRMATCH_PROBLEM_H

#include <jansson.h>

enum problem_kind {
	PROBLEM_NONE = 0,     /* nothing went wrong */
	PROBLEM_INVALID,      /* a value of the wrong type or format; errors names each field */
	PROBLEM_MALFORMED,    /* input that does not parse (JSON syntax) */
	PROBLEM_TOO_LARGE,    /* a body or a line over its limit */
	PROBLEM_NOT_FOUND,    /* no such object, or not the caller's to see */
	PROBLEM_CONFLICT,     /* the object's state forbids it now: no slot left, closed */
	PROBLEM_FORBIDDEN,    /* the caller's organisation may not do this to this object */
	PROBLEM_RULE,         /* well-formed but breaks a rule about the subject */
	PROBLEM_NOT_ELIGIBLE, /* a person does not meet a listing's conditions */
	PROBLEM_UNAVAILABLE,  /* PostgreSQL, the index, the taxonomy or memory is missing now: retry */
};

typedef struct problem {
	enum problem_kind kind; /* PROBLEM_NONE while nothing went wrong */
	char subject[32];       /* what a RULE concerns ("vacancy", "quota listing"), or "" */
	char detail[512];
	json_t *errors;         /* NULL or an array of {"field","code","message"} */
} problem;

void problem_init(problem *p);
void problem_release(problem *p);
/* Sets the kind and the detail (printf-style); keeps the subject and the
 * fields added so far. */
void problem_set(problem *p, enum problem_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Names what a PROBLEM_RULE concerns: "vacancy", "quota listing", "profile",
 * "recruiter", "flag". */
void problem_subject(problem *p, const char *subject);
/* Adds one field error; the first one also sets the detail when none is set.
 * The kind is the caller's to set. */
void problem_field(problem *p, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Whether any field error was recorded. */
int problem_has_fields(const problem *p);
/* The kind's name for messages and logs: "invalid", "not_found", ... */
const char *problem_kind_name(enum problem_kind kind);

#endif
