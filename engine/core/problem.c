/* problem.c - building problem reports (see problem.h). */
#include "engine/core/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The length of the well-formed UTF-8 sequence at u (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), 0 if none. */
static size_t utf8_seq(const unsigned char *u)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xC2 && u[0] <= 0xDF)
		n = 2;
	else if (u[0] >= 0xE0 && u[0] <= 0xEF)
		n = 3;
	else if (u[0] >= 0xF0 && u[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (u[0] == 0xE0)
		lo = 0xA0;
	else if (u[0] == 0xED)
		hi = 0x9F;
	else if (u[0] == 0xF0)
		lo = 0x90;
	else if (u[0] == 0xF4)
		hi = 0x8F;
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((u[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Error texts may quote the input (a parser's message does, a query
 * parameter's name is taken as sent): replace any byte that is not part of
 * well-formed UTF-8 with '?', so the report itself can always be encoded as
 * JSON (jansson refuses overlong forms and surrogates too). */
static void make_utf8(char *s)
{
	unsigned char *u = (unsigned char *)s;

	while (*u) {
		size_t n = utf8_seq(u);

		if (n == 0) {
			*u++ = '?';
			continue;
		}
		u += n;
	}
}

void problem_init(problem *p)
{
	memset(p, 0, sizeof *p);
}

void problem_release(problem *p)
{
	json_decref(p->errors);
	problem_init(p);
}

void problem_set(problem *p, enum problem_kind kind, const char *fmt, ...)
{
	va_list ap;

	p->kind = kind;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof p->detail, fmt, ap);
	va_end(ap);
	make_utf8(p->detail);
}

void problem_subject(problem *p, const char *subject)
{
	snprintf(p->subject, sizeof p->subject, "%s", subject);
}

void problem_field(problem *p, const char *field, const char *code, const char *fmt, ...)
{
	char msg[256], name[200];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	make_utf8(msg);
	/* A field name is built from the body's keys and may have been cut
	 * inside a UTF-8 sequence: the error would not encode and be lost. */
	{
		size_t n = strnlen(field, sizeof name - 1);

		memcpy(name, field, n);
		name[n] = '\0';
	}
	make_utf8(name);
	field = name;
	if (!p->detail[0])
		snprintf(p->detail, sizeof p->detail, "%s: %s", field, msg);
	if (!p->errors)
		p->errors = json_array();
	make_utf8(p->detail);
	e = json_pack("{s:s, s:s, s:s}", "field", field, "code", code, "message", msg);
	if (p->errors && e)
		json_array_append_new(p->errors, e);
	else
		json_decref(e);
}

int problem_has_fields(const problem *p)
{
	return p->errors && json_array_size(p->errors) > 0;
}

const char *problem_kind_name(enum problem_kind kind)
{
	switch (kind) {
	case PROBLEM_NONE:
		return "none";
	case PROBLEM_INVALID:
		return "invalid";
	case PROBLEM_MALFORMED:
		return "malformed";
	case PROBLEM_TOO_LARGE:
		return "too_large";
	case PROBLEM_NOT_FOUND:
		return "not_found";
	case PROBLEM_CONFLICT:
		return "conflict";
	case PROBLEM_FORBIDDEN:
		return "forbidden";
	case PROBLEM_RULE:
		return "rule";
	case PROBLEM_NOT_ELIGIBLE:
		return "not_eligible";
	case PROBLEM_UNAVAILABLE:
		return "unavailable";
	}
	return "unknown";
}
