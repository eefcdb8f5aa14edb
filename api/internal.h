/*
 * internal.h - what the files of api/ share and nothing outside api/ sees:
 * the request record (struct api_call) and the api__ functions that pass a
 * request between the server, the router, auth, the thread's resources and
 * the reply. Handlers in api/v1/ use api.h only.
 */
#ifndef FAIRMATCH_API_INTERNAL_H
#define FAIRMATCH_API_INTERNAL_H

#include <microhttpd.h>
#include <time.h>

#include "api/api.h"

struct api_call {
	struct MHD_Connection *conn;
	const char *method;
	char path[512];
	char *body;
	size_t body_len;
	size_t body_seen;   /* bytes received, kept or not */
	int early_status;   /* a refusal decided before the body was read */
	char early_detail[160];
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
/* Runs the request, again while the ride-through allows (api/thread.c). */
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

/* ---- api/watchdog.c: slow clients ---- */
/* libmicrohttpd's connection notification: watches a connection's life. */
void api__watch_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode toe);
/* The connection waits for a (new) request from now on. */
void api__watch_reset(struct MHD_Connection *conn);
/* Starts the thread that cuts a connection whose request is not in and
 * answered within a few connection timeouts; 0 or -1. */
int api__watchdog_start(unsigned timeout_seconds);
void api__watchdog_stop(void);

#endif
