/*
 * reply.c - the answers of api.h: JSON, problem+json, plain text.
 *
 * An answer is made but not sent while the request runs (api__send_pending
 * queues it when the request is over), so a run that lost the database can
 * be taken back and run again (api/thread.c). Every JSON answer passes
 * api_reply, the one place a 2xx body is cut to what the caller's role may
 * see (policy_shape).
 */
#include "api/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes the answer; api__send_pending() queues it once the request is over, so
 * that a run lost with the database can be taken back and run again. */
static void queue(api_call *c, int status, const char *ctype, char *buf, size_t len)
{
	struct MHD_Response *r;

	if (c->replied) {
		free(buf);
		return;
	}
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (c->location[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, c->location);
	if (c->request_id[0])
		MHD_add_response_header(r, "X-Request-Id", c->request_id);
	if (status == 503)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "2");
	if (status == 429) {
		char secs[16];

		snprintf(secs, sizeof secs, "%u", c->retry_after ? c->retry_after : 1);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	}
	if (status == 405 && c->early_detail[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, c->early_detail);
	if (status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (c->close_after)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	c->pending = r;
	c->replied = status;
}

void api__send_pending(api_call *c)
{
	if (!c->pending)
		return;
	MHD_queue_response(c->conn, (unsigned)c->replied, c->pending);
	MHD_destroy_response(c->pending);
	c->pending = NULL;
}

/* Forgets the answer and the decoded body of a run, before running again. */
void api__take_back(api_call *c)
{
	if (c->pending)
		MHD_destroy_response(c->pending);
	c->pending = NULL;
	c->replied = 0;
	c->location[0] = '\0';
	c->early_detail[0] = '\0';
	json_decref(c->json);
	c->json = NULL;
}

void api_reply_text(api_call *c, int status, const char *ctype, char *text)
{
	if (!text) {
		api_fail(c, 503, "out of memory");
		return;
	}
	queue(c, status, ctype, text, strlen(text));
}

void api_reply(api_call *c, int status, json_t *body)
{
	char *s;

	/* Only what the caller's role may see leaves the server. */
	if (body && status >= 200 && status < 300)
		policy_shape(c->rule, c->who.role, body);
	s = body ? json_dumps(body, API_JSON_DUMP) : NULL;

	json_decref(body);
	if (!s) {
		api_fail(c, 503, "out of memory");
		return;
	}
	queue(c, status, "application/json", s, strlen(s));
}

void api_set_location(api_call *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->location, sizeof c->location, fmt, ap);
	va_end(ap);
}

/* The one builder of a problem+json body: status and title are HTTP's, the
 * detail and the field errors p's. */
static void send_problem(api_call *c, int status, const char *title, const problem *p)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title,
			      "status", status, "detail", p->detail);
	char *s;

	if (o && p->errors)
		json_object_set(o, "errors", p->errors);
	s = o ? json_dumps(o, API_JSON_DUMP) : NULL;
	json_decref(o);
	if (!s) {
		/* Out of memory: a fixed body, from malloc as MUST_FREE needs. */
		s = strdup("{\"type\":\"about:blank\",\"title\":\"Service unavailable\",\"status\":503}");
		status = 503;
		if (!s)
			return;
	}
	queue(c, status, "application/problem+json", s, strlen(s));
}

void api_reply_problem(api_call *c, const problem *p)
{
	char title[80];
	int status = api__problem_status(p, title, sizeof title);

	send_problem(c, status, title, p);
}

/* api_fail and api_fail_field answer the api's own refusals (401, 405,
 * 415 ...), titled by the status (api/status.c): the problem only carries
 * the detail (made valid UTF-8) and the field. */
void api_fail(api_call *c, int status, const char *detail)
{
	api_fail_field(c, status, NULL, NULL, NULL, detail);
}

void api_fail_field(api_call *c, int status, const char *field, const char *code,
		    const char *message, const char *detail)
{
	problem p;

	problem_init(&p);
	problem_set(&p, PROBLEM_NONE, "%s", detail);
	if (field)
		problem_field(&p, field, code, "%s", message);
	send_problem(c, status, api__status_title(status), &p);
	problem_release(&p);
}

/* A file compiled into the binary (api/console.c): sent from where it lies
 * (never copied or freed), with the caller's headers (name, value pairs,
 * NULL-ended) instead of the API's no-store. */
void api__reply_static(api_call *c, int status, const char *ctype, const void *bytes, size_t len,
		       const char *const *headers)
{
	struct MHD_Response *r;

	if (c->replied)
		return;
	r = MHD_create_response_from_buffer(len, (void *)bytes, MHD_RESPMEM_PERSISTENT);
	if (!r) {
		api_fail(c, 503, "out of memory");
		return;
	}
	if (ctype)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	for (; headers && headers[0] && headers[1]; headers += 2)
		MHD_add_response_header(r, headers[0], headers[1]);
	c->pending = r;
	c->replied = status;
}
