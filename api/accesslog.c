/*
 * accesslog.c - `fairmatch serve --access-log FILE|-`: one line per
 * request, written when it completes:
 *
 *   2026-12-06T09:00:00.123Z id=3f2a... method=GET route=/v1/vacancies/{id}
 *   status=200 ms=1.8 org=acme role=employer
 *
 * The route is the pattern of the matched route (or "-" when none), never
 * the target, so no id, query value, header, token or body reaches the
 * log: what a request was about stays in the audit log, which has its own
 * rules (docs/privacy.md). Lines are written whole under a lock.
 */
#include "api/internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static FILE *log_file;
static int log_owned;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int api__access_log_open(const char *where)
{
	if (!where || !*where)
		return 0;
	if (strcmp(where, "-") == 0) {
		log_file = stderr;
		return 0;
	}
	log_file = fopen(where, "a");
	if (!log_file)
		return -1;
	log_owned = 1;
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

void api__access_log_close(void)
{
	if (log_file && log_owned)
		fclose(log_file);
	log_file = NULL;
	log_owned = 0;
}

/* An organisation name is the operator's own, but is printed quoted-safe:
 * anything but [A-Za-z0-9._-] becomes '_'. */
static void safe(char *out, size_t len, const char *in)
{
	size_t i;

	for (i = 0; in && in[i] && i + 1 < len; i++) {
		char ch = in[i];

		out[i] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-')
				 ? ch
				 : '_';
	}
	out[i < len ? i : len - 1] = '\0';
	if (!out[0])
		snprintf(out, len, "-");
}

void api__access_log(const api_call *c, double seconds)
{
	struct timespec now;
	struct tm tm;
	char when[32], org[sizeof c->who.org], method[16];
	const char *role = c->who.role > ROLE_NONE ? keys_role_name(c->who.role) : "-";

	if (!log_file)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	safe(org, sizeof org, c->who.role > ROLE_NONE ? c->who.org : NULL);
	safe(method, sizeof method, c->method);
	pthread_mutex_lock(&lock);
	fprintf(log_file, "%s.%03ldZ id=%s method=%s route=%s status=%d ms=%.1f org=%s role=%s\n",
		when, now.tv_nsec / 1000000L, c->request_id[0] ? c->request_id : "-", method,
		c->route ? c->route->pattern : "-", c->replied, seconds * 1000.0, org,
		role ? role : "-");
	pthread_mutex_unlock(&lock);
}
