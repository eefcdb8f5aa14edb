/* problem.c - building problem reports (see problem.h). */
#include "engine/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void problem_init(problem *p)
{
	memset(p, 0, sizeof *p);
}

void problem_release(problem *p)
{
	json_decref(p->errors);
	problem_init(p);
}

void problem_set(problem *p, int status, const char *title, const char *fmt, ...)
{
	va_list ap;

	p->status = status;
	snprintf(p->title, sizeof p->title, "%s", title);
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof p->detail, fmt, ap);
	va_end(ap);
}

void problem_field(problem *p, const char *field, const char *code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!p->detail[0])
		snprintf(p->detail, sizeof p->detail, "%s: %s", field, msg);
	if (!p->errors)
		p->errors = json_array();
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
