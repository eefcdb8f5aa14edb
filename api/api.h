/*
 * api.h - the HTTP API: the server, the route table, and what a handler sees.
 *
 * libmicrohttpd runs an internal epoll thread pool (one thread per core).
 * Each worker thread lazily opens its own PostgreSQL connection and its own
 * read-only view of the index; a handler gets both through its api_call.
 * Every answer is JSON; every refusal is application/problem+json built
 * from a `problem` (engine/core/problem.h). Authorization is decided once, from
 * the policy table (api/policy.h), before a handler runs; a handler limits
 * what it reads to api_scope() (another organisation's object is a 404),
 * and its 2xx answer is cut to the fields the caller's role may see.
 * Handlers translate; the rules are the engine's.
 *
 * The folder: server.c (libmicrohttpd, a connection's requests), request.c
 * (one request's run), routes.c (the route table and the router), auth.c
 * (token -> principal), policy.c (who may call what), thread.c (a worker
 * thread's connection and index, riding through a PostgreSQL restart),
 * watchdog.c (slow and idle clients), reply.c (the answers), preamble.c (a
 * handler's opening and closing, and the run of a step), ratelimit.c (a
 * token bucket per key), accesslog.c (a line per request), health.c,
 * metrics.c, and v1/ (one file per resource). internal.h is what these
 * files share.
 */
#ifndef FAIRMATCH_API_H
#define FAIRMATCH_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/policy.h"
#include "engine/keys.h"
#include "engine/core/problem.h"
#include "engine/store/store.h"
#include "index/index.h"

#define API_BODY_MAX (1024 * 1024) /* 1 MiB: larger bodies get 413 */
#define API_MAX_PARAMS 3

struct api_config {
	const char *listen;   /* "127.0.0.1:8080"; port 0 picks a free one */
	const char *conninfo; /* PostgreSQL */
	/* A streaming replica for the reads that tolerate its lag (NULL:
	 * none; everything reads the primary): api_store_read. */
	const char *read_conninfo;
	const char *index_path;
	const char *port_file; /* when set, the bound port is written there */
	unsigned threads;      /* 0: one per core */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned timeout_seconds;
	const char *access_log;   /* NULL: none; "-": stderr; else a file appended to */
	unsigned rate_per_minute; /* per token; 0: no limit (api/ratelimit.c) */
	unsigned rate_burst;      /* the bucket's size; 0: rate_per_minute / 6, at least 10 */
};

typedef struct api_call api_call;
typedef void (*api_handler)(api_call *c);
struct api_pre;
struct api_ctx;
/* The engine call of a route that is only open -> call -> close: 0 with
 * *out (NULL or an answer, stolen), or -1 with x->p set or already answered. */
typedef int (*api_step)(api_call *c, struct api_ctx *x, json_t **out);

/* A route: how a request is decoded and what answers it, either a handler
 * of its own or a step the router runs between api_open(pre) and
 * api_close (api/preamble.c), with the status of success. Who may call it
 * is NOT here: every route has its rule in api/policy.c (the server
 * refuses to start otherwise). */
struct api_route {
	const char *method;
	const char *pattern;             /* "/v1/vacancies/{id}": {x} matches one segment */
	/* Accepted query parameters (NULL: none). Each may be given once (twice
	 * is a 400), but a name ending in '*' ("country*") may repeat: the
	 * handler reads its values with api_query_all. */
	const char *const *query_params;
	int body;                        /* 1: a JSON object body is required; 2: an object or an array */
	api_handler handler;             /* NULL: the route is a step */
	const char *name;                /* label in /metrics */
	const struct api_pre *pre;       /* a step's preamble (NULL: none) */
	api_step step;
	int status;                      /* a step's success: 0 for 200, or 201 */
	const char *created;             /* 201 with Location created/<the answer's "id"> */
};

/* Route tables of the API's modules, each ending with an all-zero entry,
 * gathered (NULL-terminated) in api/routes.c. */
extern const struct api_route *const api_route_tables[];

/* ---- what a handler gets ---- */
const struct principal *api_who(api_call *c);
/* The caller's organisation when the policy limits its role on this route
 * to its own organisation's objects, else NULL (all organisations). */
const char *api_scope(api_call *c);
/* The policy rule that authorised this call. */
const struct policy_rule *api_rule(api_call *c);
/* The i-th {param} of the pattern. */
const char *api_param(api_call *c, int i);
/* A query parameter, or NULL when absent (the first, for a repeatable one). */
const char *api_query(api_call *c, const char *name);
/* Every value of a repeatable query parameter, in order: fills out with up
 * to max of them and returns how many were given (more than max: refuse). */
size_t api_query_all(api_call *c, const char *name, const char **out, size_t max);
/* A request header, or NULL when absent. */
const char *api_header(api_call *c, const char *name);
/* The language of the labels in the answer: the `lang` query parameter
 * (en, fr or es; another is -1 with a field error in p), else the best
 * supported language of Accept-Language, else "en" (api/lang.c). */
int api_lang(api_call *c, problem *p, const char **lang);
/* The decoded JSON body (routes with body=1), borrowed. */
json_t *api_body(api_call *c);
/* This thread's database connection, NULL (and a 503 answered) when down. */
store *api_store(api_call *c);
/* This thread's read-only index at the latest commit, NULL (503 answered) if unavailable. */
index_db *api_index(api_call *c);
/* This thread's connection to the read replica (--db-read), for reads that
 * tolerate its lag (statistics); NULL when none is configured or it cannot
 * be reached: the caller then reads the primary. Writes, and reads that
 * must see a write (profile reads with their audit row, placements,
 * flags), never use it. */
store *api_store_read(void);
/* The same two without answering on failure (for health reports). */
store *api_store_quiet(void);
index_db *api_index_quiet(void);

/* ---- the handler preamble ----
 * What a handler does before its engine call, declared once per kind of
 * handler: the {id} of the path (path parameter 0) parsed, else 404 "no
 * such <what>"; the body validated into its canonical document; this
 * thread's store and index. api_open does them in that order and answers
 * the first that fails; api_close answers the engine call's result. A
 * route with a step has both done by the router; a handler that checks
 * something of its own before or between them calls them itself. */
#define API_STORE 1u /* needs this thread's store */
#define API_INDEX 2u /* needs this thread's index */

struct api_pre {
	int (*parse_id)(const char *text, int64_t *id);              /* NULL: no {id} */
	const char *what;                                           /* for the 404 */
	int (*validate)(const json_t *in, json_t **doc, problem *p); /* NULL: no body */
	unsigned need;                                              /* API_STORE | API_INDEX */
};

struct api_ctx {
	int64_t id;    /* the parsed {id} */
	json_t *doc;   /* the validated body (owned; api_close drops it) */
	store *s;      /* with API_STORE */
	index_db *db;  /* with API_INDEX */
	problem p;     /* for the engine call */
};

/* 0: x is ready and api_close must follow; -1: answered, x released.
 * pre NULL: x is only made ready. */
int api_open(api_call *c, const struct api_pre *pre, struct api_ctx *x);
/* Gets the resources of need into x later, for a handler that checks
 * something of its own first; 0, or -1 answered (x stays ready). */
int api_need(api_call *c, struct api_ctx *x, unsigned need);
/* Answers rc != 0 with x->p, else status with out (stolen; NULL with rc
 * != 0), unless the call was already answered; releases x. */
void api_close(api_call *c, struct api_ctx *x, int rc, int status, json_t *out);
/* api_close of a creation: 201 with Location prefix/<the answer's "id">. */
void api_close_created(api_call *c, struct api_ctx *x, int rc, json_t *out, const char *prefix);

/* ---- answering (exactly one per call) ---- */
/* How every answer is written: compact, and each real with 15 significant
 * digits, so a score rounded to 0.2474 reads 0.2474, not jansson's
 * default 17 digits (0.24740000000000001). */
#define API_JSON_DUMP (JSON_COMPACT | JSON_REAL_PRECISION(15))
/* Sends body (reference stolen) with the status. */
void api_reply(api_call *c, int status, json_t *body);
/* Adds a Location header (printf-style) to the reply that follows. */
void api_set_location(api_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends p as problem+json, with the status and title of its kind
 * (api/status.c; 503 adds Retry-After). */
void api_reply_problem(api_call *c, const problem *p);
/* The api's own refusals (HTTP is its business): a problem without field
 * errors, with this status and its title (api/status.c). */
void api_fail(api_call *c, int status, const char *detail);
/* The same with one field error (field, code, message). */
void api_fail_field(api_call *c, int status, const char *field, const char *code,
		    const char *message, const char *detail);
/* Sends plain text (for /metrics). */
void api_reply_text(api_call *c, int status, const char *content_type, char *text_malloced);

/* ---- the server ---- */
/* Runs until SIGINT/SIGTERM; 0 on a clean stop. */
int api_serve(const struct api_config *cfg);

/* Metrics (api/metrics.c). */
void metrics_observe(const char *route, int status, double seconds);
char *metrics_render(void);

#endif
