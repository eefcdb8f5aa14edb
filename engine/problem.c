/* problem.c - building problem reports (see problem.h). */
#include "engine/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Error texts may quote the input (a parser's message does): replace any
 * byte that is not part of valid UTF-8 with '?', so the report itself can
 * always be encoded as JSON. */
static void make_utf8(char *s)
{
	unsigned char *u = (unsigned char *)s;

	while (*u) {
		size_t n = *u < 0x80 ? 1 : (*u >> 5) == 6 ? 2 : (*u >> 4) == 14 ? 3 : (*u >> 3) == 30 ? 4 : 0;
		size_t i;

		for (i = 1; n && i < n; i++)
			if ((u[i] & 0xC0) != 0x80)
				n = 0;
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

void problem_set(problem *p, int status, const char *title, const char *fmt, ...)
{
	va_list ap;

	p->status = status;
	snprintf(p->title, sizeof p->title, "%s", title);
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof p->detail, fmt, ap);
	va_end(ap);
	make_utf8(p->title);
	make_utf8(p->detail);
}

void problem_field(problem *p, const char *field, const char *code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	make_utf8(msg);
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
