/*
 * status.c - the one place a problem kind becomes HTTP.
 *
 * The engine reports what went wrong as a kind (engine/core/problem.h) and
 * knows nothing of HTTP; this table gives each kind its status and the
 * problem+json title, as GNU Taler's exchange maps a TALER_ErrorCode to a
 * status in one table. A broken rule is titled after its subject
 * ("Unprocessable vacancy"), as the API has always answered.
 */
#include "api/internal.h"

#include <stdio.h>

static const struct {
	int status;
	const char *title;
} kinds[] = {
	/* A problem without a kind: the engine failed without saying why. */
	[PROBLEM_NONE] = {503, "Service unavailable"},
	[PROBLEM_INVALID] = {400, "Bad request"},
	[PROBLEM_MALFORMED] = {400, "Malformed JSON"},
	[PROBLEM_TOO_LARGE] = {413, "Payload too large"},
	[PROBLEM_NOT_FOUND] = {404, "Not found"},
	[PROBLEM_CONFLICT] = {409, "Conflict"},
	[PROBLEM_RULE] = {422, "Unprocessable"},
	[PROBLEM_NOT_ELIGIBLE] = {422, "Not eligible"},
	[PROBLEM_UNAVAILABLE] = {503, "Service unavailable"},
};

int api__problem_status(const problem *p, char *title, size_t len)
{
	unsigned k = (unsigned)p->kind;

	if (k >= sizeof kinds / sizeof kinds[0])
		k = PROBLEM_NONE;
	if (k == PROBLEM_RULE)
		snprintf(title, len, "%s %s", kinds[k].title, p->subject[0] ? p->subject : "request");
	else
		snprintf(title, len, "%s", kinds[k].title);
	return kinds[k].status;
}
