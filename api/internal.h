/*
 * internal.h - what the files of api/ share and nothing outside api/ sees:
 * the request record (struct api_call) and the api__ functions that pass a
 * request between the server, the router, auth, the thread's resources and
 * the reply. Handlers in api/v1/ use api.h only.
 */
#ifndef FAIRMATCH_API_INTERNAL_H
#define FAIRMATCH_API_INTERNAL_H

#include <microhttpd.h>
#include <stdint.h>
#include <time.h>

#include "api/api.h"

struct api_call {
	struct MHD_Connection *conn;
	const char *method;  /* as sent; HEAD is routed as GET */
	char path[512];      /* the target's path, still percent-encoded */
	char *body;
	size_t body_len;
	size_t body_cap;    /* bytes allocated for body (grown as data arrives) */
	size_t body_seen;   /* bytes received, kept or not */
	int early_status;   /* a refusal decided before the body was read */
	char early_detail[160];
	int started;        /* the header phase has run */
	int expects_body;   /* a Content-Length above 0, or chunked */
	char request_id[65];
	unsigned retry_after; /* seconds, for a 429 */
	const struct api_route *route;
	const struct policy_rule *rule;
	const char *params[API_MAX_PARAMS];
	char param_buf[512];
	json_t *json;
	struct principal who;
	char location[160];
	int replied;                   /* the status of the answer made, 0 before */
	struct MHD_Response *pending;  /* that answer, queued once the request is done */
	int close_after;               /* answer with Connection: close (ambiguous framing) */
	struct timespec start;
};

/* The server's configuration (api/server.c), set before the daemon starts. */
extern const struct api_config *api__config;

/* ---- api/request.c: one request, from routing to the handler ---- */
/* The header phase (before any body is read): route, authenticate,
 * authorise, check the query, the declared body; and, for a request without
 * a body, the whole run. Again while the ride-through allows (api/thread.c).
 * After it c->replied is set when the request is answered already. */
void api__dispatch_head(api_call *c);
/* The body phase: decode the body and run the handler. */
void api__dispatch(api_call *c);

/* ---- api/preamble.c ---- */
/* Answers c with its route's step: api_open(pre), the step, api_close. */
void api__run_step(api_call *c);

/* ---- api/status.c: problem kind -> HTTP ---- */
/* The HTTP status of p's kind; its problem+json title into title. */
int api__problem_status(const problem *p, char *title, size_t len);
/* The title of an HTTP status the API answers (api/status.c). */
const char *api__status_title(int status);

/* ---- api/routes.c: the router ---- */
/* The route of c's method and path, its {params} filled in; NULL when
 * none, with the methods the path takes in allow ("" for none). */
const struct api_route *api__route_for(api_call *c, char *allow, size_t allowlen);

/* ---- api/auth.c ---- */
/* Token -> principal, then the policy rule's roles: 0, or -1 answered
 * (401, 403, 503). */
int api__authenticate(api_call *c);

/* ---- api/thread.c: the worker thread's connection and index ---- */
/* Sets whom this thread's requests act for (row-level security). */
void api__set_actor(const char *role, const char *org);
/* This thread's connection as it is, connecting when there is none (no
 * liveness check, no answer on failure); NULL when PostgreSQL is down. */
store *api__thread_store(void);
/* Starts a run of a request: forgets the last run's losses. */
void api__unit_start(void);
/* After `runs` runs, the last answering 503: 1 when the request may run
 * again: it ran less than the most runs allowed, lost PostgreSQL with
 * nothing committed, and PostgreSQL answers again within the budget. */
int api__may_run_again(int runs);

/* ---- api/reply.c: the deferred answer ---- */
/* Queues the answer made (if any) on the connection. */
void api__send_pending(api_call *c);
/* Forgets the answer and the decoded body of a run, before running again. */
void api__take_back(api_call *c);
/* Answers with bytes that outlive the server (embedded files), never
 * copied, with extra headers (name, value pairs, NULL-ended). */
void api__reply_static(api_call *c, int status, const char *ctype, const void *bytes, size_t len,
		       const char *const *headers);

/* ---- api/ratelimit.c: a token bucket per token ---- */
/* Sets the rate (per minute; 0: off) and the bucket's size. */
void api__ratelimit_init(unsigned per_minute, unsigned burst);
/* Takes one request from the bucket of key_id (the caller's key): 0, or
 * -1 with the seconds until a request is allowed again in *retry_after. */
int api__ratelimit_take(int64_t key_id, unsigned *retry_after);
/* The same for c's caller: 0, or -1 answered 429 with Retry-After. */
int api__ratelimit_take_call(api_call *c);

/* ---- api/accesslog.c: one line per request ---- */
/* Opens the access log: NULL none, "-" stderr, else a file appended to;
 * 0 or -1 (errno set). */
int api__access_log_open(const char *where);
/* Writes c's line: request id, method, route pattern, status, duration,
 * org and role; never the target, a header, a token or the body. */
void api__access_log(const api_call *c, double seconds);
void api__access_log_close(void);

/* ---- api/watchdog.c: slow clients ---- */
/* libmicrohttpd's connection notification: watches a connection's life. */
void api__watch_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode toe);
/* The connection waits for a (new) request from now on. */
void api__watch_reset(struct MHD_Connection *conn);
/* A request's first line arrived on the connection: it is not idle. */
void api__watch_busy(struct MHD_Connection *conn);
/* Starts the thread that cuts a connection whose request is not in and
 * answered within a few connection timeouts, and idle connections of an
 * address near max_per_ip after a short idle time; 0 or -1. */
int api__watchdog_start(unsigned timeout_seconds, unsigned max_per_ip);
void api__watchdog_stop(void);

#endif
