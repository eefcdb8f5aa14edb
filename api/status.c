/*
 * status.c - the one place a problem kind becomes HTTP, and the one list of
 * the HTTP statuses the API answers with their titles.
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
} statuses[] = {
	{400, "Bad request"},
	{401, "Unauthorized"},
	{403, "Forbidden"},
	{404, "Not found"},
	{405, "Method not allowed"},
	{409, "Conflict"},
	{413, "Payload too large"},
	{414, "URI too long"},
	{415, "Unsupported media type"},
	{429, "Too many requests"},
	{431, "Request header fields too large"},
	{501, "Not implemented"},
	{503, "Service unavailable"},
};

const char *api__status_title(int status)
{
	size_t i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].status == status)
			return statuses[i].title;
	return status >= 500 ? "Service unavailable" : "Bad request";
}

/* Each kind's status, and its title where the status's own is not the one
 * the API has always answered. */
static const struct {
	int status;
	const char *title;
} kinds[] = {
	/* A problem without a kind: the engine failed without saying why. */
	[PROBLEM_NONE] = {503, NULL},
	[PROBLEM_INVALID] = {400, NULL},
	[PROBLEM_MALFORMED] = {400, "Malformed JSON"},
	[PROBLEM_TOO_LARGE] = {413, NULL},
	[PROBLEM_NOT_FOUND] = {404, NULL},
	[PROBLEM_CONFLICT] = {409, NULL},
	[PROBLEM_FORBIDDEN] = {403, NULL},
	[PROBLEM_RULE] = {422, "Unprocessable"},
	[PROBLEM_NOT_ELIGIBLE] = {422, "Not eligible"},
	[PROBLEM_UNAVAILABLE] = {503, NULL},
};

int api__problem_status(const problem *p, char *title, size_t len)
{
	unsigned k = (unsigned)p->kind;

	if (k >= sizeof kinds / sizeof kinds[0])
		k = PROBLEM_NONE;
	if (k == PROBLEM_RULE)
		snprintf(title, len, "%s %s", kinds[k].title, p->subject[0] ? p->subject : "request");
	else
		snprintf(title, len, "%s",
			 kinds[k].title ? kinds[k].title : api__status_title(kinds[k].status));
	return kinds[k].status;
}
