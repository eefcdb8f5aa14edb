/*
 * server.c - the libmicrohttpd server: request bodies, routing, auth,
 * per-thread resources and the reply helpers of api.h.
 *
 * Authorization comes from the policy table only (api/policy.h): the rule
 * of the matched route says who may call it (401/403 here, before the
 * handler), which roles are limited to their own organisation
 * (api_scope), and which fields of a 2xx answer each role sees (applied in
 * api_reply, the one place every JSON answer passes).
 */
#include "api/api.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/indexer/indexer.h"

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

static const struct api_config *config;

/* ---- per-thread resources ---- */

static _Thread_local store *thread_store;
static _Thread_local index_db *thread_index;
static _Thread_local uint64_t thread_index_gen;
/* Whom the current request acts for: row-level security checks it
 * (store_set_actor); reset at the start of every request. */
static _Thread_local char thread_actor_role[16];
static _Thread_local char thread_actor_org[128];

static void set_thread_actor(const char *role, const char *org)
{
	snprintf(thread_actor_role, sizeof thread_actor_role, "%s", role ? role : "");
	snprintf(thread_actor_org, sizeof thread_actor_org, "%s", org ? org : "");
	store_set_actor(thread_store, thread_actor_role, thread_actor_org);
}

/* ---- riding through a PostgreSQL restart (docs/architecture.md) ----
 * A request that loses its database connection, when it is certain that
 * nothing it sent was committed, is run again from the start once the
 * server is back: within RIDE_THROUGH_MS of the start of the outage,
 * waiting with a short backoff. Past that budget requests fail fast with
 * 503 and Retry-After, so a long outage does not hold the worker threads
 * that reads from the index still need. */
#define RIDE_THROUGH_MS 5000
#define RIDE_THROUGH_RUNS 4 /* runs of one request at most */
/* An outage first seen longer ago than this is over (nobody said so). */
#define OUTAGE_FORGET_MS 30000

static _Atomic int64_t outage_since;  /* store_now_ms() when first seen; 0: none */
static _Thread_local int unit_no_db;  /* this request found no connection at all */

/* Closes a worker thread's connection and index when the thread ends. */
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

static void release_thread_resources(void *unused)
{
	(void)unused;
	store_close(thread_store);
	thread_store = NULL;
	index_close(thread_index);
	thread_index = NULL;
}

static void make_thread_key(void)
{
	pthread_key_create(&thread_key, release_thread_resources);
}

static void register_thread(void)
{
	pthread_once(&thread_key_once, make_thread_key);
	if (!pthread_getspecific(thread_key))
		pthread_setspecific(thread_key, (void *)1);
}

store *api_store_quiet(void)
{
	char err[256];

	register_thread();
	if ((thread_store && store_ensure(thread_store) == 0) ||
	    (!thread_store && store_connect(config->conninfo, &thread_store, err, sizeof err) == 0 &&
	     (store_set_actor(thread_store, thread_actor_role, thread_actor_org), 1))) {
		if (atomic_load(&outage_since))
			atomic_store(&outage_since, 0);
		return thread_store;
	}
	unit_no_db = 1;
	return NULL;
}

/* Whether the request just run lost PostgreSQL with nothing committed. */
static int lost_db_safely(void)
{
	return unit_no_db || (thread_store && store_unit_retryable(thread_store));
}

/* Waits, within the outage's budget, until PostgreSQL answers again; 1 when
 * it does. */
static int wait_for_db(void)
{
	int64_t now = store_now_ms(), since = atomic_load(&outage_since), deadline;
	char err[256];
	int delay = 50;

	if (since == 0 || now - since > OUTAGE_FORGET_MS) {
		atomic_compare_exchange_strong(&outage_since, &since, now);
		since = atomic_load(&outage_since);
		if (since == 0)
			since = now;
	}
	deadline = since + RIDE_THROUGH_MS;
	if (thread_store) {
		if (store_reconnect_wait(thread_store, deadline))
			return 0;
	} else {
		while (store_connect(config->conninfo, &thread_store, err, sizeof err)) {
			now = store_now_ms();
			if (now >= deadline)
				return 0;
			if (delay > deadline - now)
				delay = (int)(deadline - now);
			nanosleep(&(struct timespec){0, (long)delay * 1000000L}, NULL);
			if (delay < 400)
				delay *= 2;
		}
		store_set_actor(thread_store, thread_actor_role, thread_actor_org);
	}
	atomic_store(&outage_since, 0);
	return 1;
}

store *api_store(api_call *c)
{
	store *s = api_store_quiet();

	if (!s)
		api_fail(c, 503, "Service unavailable", "the database is unreachable; retry shortly");
	return s;
}

index_db *api_index(api_call *c)
{
	index_db *db = api_index_quiet();

	if (!db)
		api_fail(c, 503, "Service unavailable", "the index is not available yet");
	return db;
}

index_db *api_index_quiet(void)
{
	index_error e = {{0}};
	uint64_t gen = indexer_generation();

	register_thread();
	if (!thread_index) {
		if (index_open_readonly(config->index_path, &thread_index, &e)) {
			thread_index = NULL;
			return NULL;
		}
		thread_index_gen = gen;
	} else if (gen != thread_index_gen) {
		/* Another process may also commit: reopen on our own generation
		 * change, and index_search reopens on a modified database. */
		if (index_reopen(thread_index, &e) == 0)
			thread_index_gen = gen;
	}
	return thread_index;
}

/* ---- replies ---- */

/* Makes the answer; send_pending() queues it once the request is over, so
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
	if (status == 503)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "2");
	if (status == 405 && c->early_detail[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, c->early_detail);
	if (status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (c->close_after)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	c->pending = r;
	c->replied = status;
}

static void send_pending(api_call *c)
{
	if (!c->pending)
		return;
	MHD_queue_response(c->conn, (unsigned)c->replied, c->pending);
	MHD_destroy_response(c->pending);
	c->pending = NULL;
}

/* Forgets the answer and the decoded body of a run, before running again. */
static void take_back(api_call *c)
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
		api_fail(c, 503, "Service unavailable", "out of memory");
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
	s = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (!s) {
		api_fail(c, 503, "Service unavailable", "out of memory");
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

void api_reply_problem(api_call *c, const problem *p)
{
	int status = p->status ? p->status : 503;
	const char *title = p->title[0] ? p->title : MHD_get_reason_phrase_for((unsigned)status);
	json_t *o = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title,
			      "status", status, "detail", p->detail);
	char *s;

	if (o && p->errors)
		json_object_set(o, "errors", p->errors);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
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

void api_fail(api_call *c, int status, const char *title, const char *detail)
{
	problem p;

	problem_init(&p);
	problem_set(&p, status, title, "%s", detail);
	api_reply_problem(c, &p);
	problem_release(&p);
}

/* ---- accessors ---- */

const struct principal *api_who(api_call *c)
{
	return &c->who;
}

const char *api_scope(api_call *c)
{
	if (c->rule && c->who.role > ROLE_NONE && c->who.role <= ROLE_ADMIN &&
	    (c->rule->org_scoped & (1u << c->who.role)))
		return c->who.org;
	return NULL;
}

const struct policy_rule *api_rule(api_call *c)
{
	return c->rule;
}

const char *api_param(api_call *c, int i)
{
	return i >= 0 && i < API_MAX_PARAMS ? c->params[i] : NULL;
}

const char *api_query(api_call *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *api_body(api_call *c)
{
	return c->json;
}

/* ---- routing ---- */

/* Matches path against pattern; fills params (copied into c->param_buf). */
static int match(api_call *c, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	char *out = c->param_buf, *end = c->param_buf + sizeof c->param_buf;
	int n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *seg_end = strchr(s, '/');
			size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);

			if (len == 0 || n >= API_MAX_PARAMS || out + len + 1 > end)
				return 0;
			memcpy(out, s, len);
			out[len] = '\0';
			c->params[n++] = out;
			out += len + 1;
			s += len;
			p = strchr(p, '}');
			if (!p)
				return 0;
			p++;
		} else if (*p++ != *s++) {
			return 0;
		}
	}
	return *p == '\0' && *s == '\0';
}

static const struct api_route *route_for(api_call *c, char *allow, size_t allowlen)
{
	const struct api_route *found = NULL;
	size_t t, i;

	allow[0] = '\0';
	for (t = 0; api_route_tables[t]; t++) {
		for (i = 0; api_route_tables[t][i].method; i++) {
			const struct api_route *r = &api_route_tables[t][i];

			if (!match(c, r->pattern, c->path))
				continue;
			if (!strstr(allow, r->method)) {
				size_t n = strlen(allow);

				snprintf(allow + n, allowlen - n, "%s%s", n ? ", " : "", r->method);
			}
			if (!found && strcmp(r->method, c->method) == 0)
				found = r;
		}
	}
	if (found)
		match(c, found->pattern, c->path); /* params of the route that runs */
	return found;
}

/* ---- authentication ---- */

static int authenticate(api_call *c)
{
	const char *h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	store *s;
	int ok;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
		api_fail(c, 401, "Unauthorized", "a bearer token is required");
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	register_thread();
	s = thread_store;
	if (!s) {
		char err[256];

		if (store_connect(config->conninfo, &thread_store, err, sizeof err) == 0)
			s = thread_store;
		else
			unit_no_db = 1;
	}
	ok = s ? keys_verify(s, h, &c->who) : -1;
	if (ok == 1)
		set_thread_actor(keys_role_name(c->who.role), c->who.org);
	if (ok == 0) {
		api_fail(c, 401, "Unauthorized", "the token is unknown or revoked");
		return -1;
	}
	if (ok < 0) {
		api_fail(c, 503, "Service unavailable", "the token cannot be checked now; retry shortly");
		return -1;
	}
	if (!policy_allows(c->rule, c->who.role)) {
		api_fail(c, 403, "Forbidden", "this role may not use this endpoint");
		return -1;
	}
	return 0;
}

static enum MHD_Result check_query_param(void *cls, enum MHD_ValueKind kind, const char *key,
					 const char *value)
{
	api_call *c = cls;
	const char *const *q = c->route->query_params;
	(void)kind;
	(void)value;

	for (; q && *q; q++)
		if (strcmp(*q, key) == 0)
			return MHD_YES;
	snprintf(c->early_detail, sizeof c->early_detail, "%s", key);
	return MHD_NO;
}

static int has_query_param(void *ctx, const char *name)
{
	api_call *c = ctx;

	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name) != NULL;
}

static int content_type_is_json(api_call *c)
{
	const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void dispatch_once(api_call *c)
{
	char allow[64];
	json_error_t jerr;
	problem p;

	register_thread();
	set_thread_actor(NULL, NULL);
	c->route = route_for(c, allow, sizeof allow);
	if (!c->route) {
		if (allow[0]) {
			snprintf(c->early_detail, sizeof c->early_detail, "%s", allow);
			api_fail(c, 405, "Method not allowed", "this path does not take this method");
		} else {
			api_fail(c, 404, "Not found", "no such endpoint");
		}
		return;
	}
	c->rule = policy_find(c->route->method, c->route->pattern, has_query_param, c);
	if (!c->rule) {
		/* Unreachable while policy_check_routes passes at start: fail closed. */
		api_fail(c, 403, "Forbidden", "no policy covers this endpoint");
		return;
	}
	if (c->rule->roles != R_PUBLIC && authenticate(c))
		return;
	c->early_detail[0] = '\0';
	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, check_query_param, c);
	if (c->early_detail[0]) {
		problem_init(&p);
		problem_set(&p, 400, "Bad request", "unknown query parameter '%s'", c->early_detail);
		problem_field(&p, c->early_detail, "unknown_field", "unknown query parameter");
		c->early_detail[0] = '\0';
		api_reply_problem(c, &p);
		problem_release(&p);
		return;
	}
	if (c->route->body) {
		if (!content_type_is_json(c)) {
			api_fail(c, 415, "Unsupported media type", "the body must be application/json");
			return;
		}
		if (c->body_len == 0) {
			api_fail(c, 400, "Bad request", "a JSON body is required");
			return;
		}
		c->json = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &jerr);
		if (!c->json) {
			problem_init(&p);
			problem_set(&p, 400, "Malformed JSON", "line %d, column %d: %s", jerr.line,
				    jerr.column, jerr.text);
			problem_field(&p, "(body)", "json", "%s", jerr.text);
			api_reply_problem(c, &p);
			problem_release(&p);
			return;
		}
		if (!json_is_object(c->json)) {
			problem_init(&p);
			problem_set(&p, 400, "Bad request", "the body must be a JSON object");
			problem_field(&p, "(body)", "type", "must be an object");
			api_reply_problem(c, &p);
			problem_release(&p);
			return;
		}
	} else if (c->body_len > 0) {
		api_fail(c, 400, "Bad request", "this endpoint takes no body");
		return;
	}
	c->route->handler(c);
	if (!c->replied)
		api_fail(c, 503, "Service unavailable", "the request was not answered");
}

static void dispatch(api_call *c)
{
	int run;

	for (run = 1;; run++) {
		unit_no_db = 0;
		if (thread_store)
			store_unit_start(thread_store);
		dispatch_once(c);
		/* Public routes (health) report the outage at once. */
		if (c->replied != 503 || !c->rule || c->rule->roles == R_PUBLIC ||
		    run >= RIDE_THROUGH_RUNS || !lost_db_safely() || !wait_for_db())
			break;
		take_back(c);
	}
}

/* ---- slow clients ----
 *
 * libmicrohttpd's connection timeout counts silence only: a client that
 * trickles a byte every few seconds (slowloris) would hold its connection,
 * and enough of them every connection slot, for ever. So every connection
 * is also watched as a whole: from the moment it waits for a request (it
 * opened, or its previous request completed) the request must be in and
 * answered within REQUEST_DEADLINE timeouts; otherwise a watchdog thread
 * shuts its socket down, which libmicrohttpd sees as the client leaving.
 * The connection's record is unlinked (under the lock the watchdog holds
 * while it shuts sockets down) when libmicrohttpd reports the connection
 * closed, before it closes the socket, so a descriptor is never shut down
 * after it was reused.
 */
#define REQUEST_DEADLINE 2 /* in connection timeouts */

struct conn_watch {
	int fd;
	int cut;
	struct timespec since;
	struct conn_watch *prev, *next;
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_cond = PTHREAD_COND_INITIALIZER;
static struct conn_watch *watch_head;
static int watch_stop;

static struct conn_watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* The connection waits for a (new) request from now on. */
static void watch_reset(struct MHD_Connection *conn)
{
	struct conn_watch *w = watch_of(conn);

	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_unlock(&watch_lock);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct conn_watch *w;
	(void)cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context = NULL;
		if (!ci || !(w = calloc(1, sizeof *w)))
			return; /* unwatched: the silence timeout still applies */
		w->fd = ci->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
		pthread_mutex_lock(&watch_lock);
		w->next = watch_head;
		if (watch_head)
			watch_head->prev = w;
		watch_head = w;
		pthread_mutex_unlock(&watch_lock);
		*socket_context = w;
		return;
	}
	w = *socket_context;
	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		watch_head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&watch_lock);
	free(w);
	*socket_context = NULL;
}

static void *watchdog_main(void *arg)
{
	long deadline = (long)(uintptr_t)arg;
	struct timespec now, wake;
	struct conn_watch *w;

	pthread_mutex_lock(&watch_lock);
	while (!watch_stop) {
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 1;
		pthread_cond_timedwait(&watch_cond, &watch_lock, &wake);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (w = watch_head; w; w = w->next) {
			if (!w->cut && now.tv_sec - w->since.tv_sec > deadline) {
				shutdown(w->fd, SHUT_RDWR);
				w->cut = 1;
			}
		}
	}
	pthread_mutex_unlock(&watch_lock);
	return NULL;
}

/* ---- libmicrohttpd callbacks ---- */

static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind, const char *key,
					    const char *value)
{
	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		(*(int *)cls)++;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	api_call *c = *req_cls;
	(void)cls;
	(void)version;

	if (!c) {
		const char *cl;
		int n_cl = 0;

		c = calloc(1, sizeof *c);
		if (!c)
			return MHD_NO;
		*req_cls = c;
		c->conn = conn;
		c->method = method;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		if (strlen(url) >= sizeof c->path) {
			c->early_status = 414;
			return MHD_YES;
		}
		snprintf(c->path, sizeof c->path, "%s", url);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, count_content_length, &n_cl);
		if (n_cl > 1) {
			c->early_status = 400;
			snprintf(c->early_detail, sizeof c->early_detail,
				 "more than one Content-Length header");
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
			/* Two framings (a request smuggling pattern): refuse, and
			 * close the connection after answering (RFC 9112, 6.3). */
			c->early_status = 400;
			c->close_after = 1;
			snprintf(c->early_detail, sizeof c->early_detail,
				 "both Content-Length and Transfer-Encoding");
			return MHD_YES;
		}
		if (cl && strtoull(cl, NULL, 10) > API_BODY_MAX)
			c->early_status = 413;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		c->body_seen += n;
		*upload_data_size = 0;
		if (c->early_status)
			return c->body_seen > 8 * (size_t)API_BODY_MAX ? MHD_NO : MHD_YES;
		if (c->body_len + n > API_BODY_MAX) {
			/* Chunked bodies have no length up front: refuse at the end. */
			c->early_status = 413;
			free(c->body);
			c->body = NULL;
			c->body_len = 0;
			return MHD_YES;
		}
		if (!c->body) {
			c->body = malloc(API_BODY_MAX);
			if (!c->body)
				return MHD_NO;
		}
		memcpy(c->body + c->body_len, upload_data, n);
		c->body_len += n;
		return MHD_YES;
	}
	if (c->replied)
		return MHD_YES;
	switch (c->early_status) {
	case 0:
		dispatch(c);
		break;
	case 413:
		api_fail(c, 413, "Payload too large", "the body is larger than 1 MiB");
		break;
	case 414:
		api_fail(c, 414, "URI too long", "the request path is too long");
		break;
	default: {
		char detail[160];

		snprintf(detail, sizeof detail, "%s", c->early_detail);
		c->early_detail[0] = '\0';
		api_fail(c, c->early_status, "Bad request", detail);
	}
	}
	send_pending(c);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	api_call *c = *req_cls;
	struct timespec end;
	(void)cls;
	(void)toe;

	watch_reset(conn);
	if (!c)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	metrics_observe(c->route ? c->route->name : "unmatched", c->replied ? c->replied : 0,
			(double)(end.tv_sec - c->start.tv_sec) +
				(double)(end.tv_nsec - c->start.tv_nsec) / 1e9);
	if (c->pending)
		MHD_destroy_response(c->pending);
	json_decref(c->json);
	free(c->body);
	free(c);
	*req_cls = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("fairmatch: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &sa->sin_addr) == 1 ? 0 : -1;
}

int api_serve(const struct api_config *cfg)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	unsigned threads = cfg->threads;
	sigset_t sigs;
	int sig = 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t watchdog;

	config = cfg;
	{
		char err[256];

		if (policy_check_routes(err, sizeof err)) {
			fprintf(stderr, "fairmatch: the authorization policy is incomplete: %s\n", err);
			return 1;
		}
	}
	if (parse_listen(cfg->listen, &sa)) {
		fprintf(stderr, "fairmatch: --listen wants HOST:PORT with an IPv4 host, not '%s'\n",
			cfg->listen);
		return 2;
	}
	if (!threads)
		threads = cores > 0 ? (unsigned)cores : 2;
	/* Signals go to the main thread only, which waits for them below. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
		cfg->max_connections ? cfg->max_connections : 1000u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip ? cfg->max_per_ip : 128u,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds ? cfg->timeout_seconds : 30u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "fairmatch: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
		return 1;
	}
	if (pthread_create(&watchdog, NULL, watchdog_main,
			   (void *)(uintptr_t)(REQUEST_DEADLINE *
					       (cfg->timeout_seconds ? cfg->timeout_seconds : 30u)))) {
		fprintf(stderr, "fairmatch: cannot start the connection watchdog\n");
		MHD_stop_daemon(d);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "fairmatch: listening on http://%s:%u/v1 (%u threads)\n",
		inet_ntoa(sa.sin_addr), info ? info->port : 0, threads);
	if (cfg->port_file && info) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof tmp, "%s.tmp", cfg->port_file);
		f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%u\n", info->port);
			if (fclose(f) == 0)
				rename(tmp, cfg->port_file);
		}
	}
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	fprintf(stderr, "fairmatch: stopping (signal %d)\n", sig);
	pthread_mutex_lock(&watch_lock);
	watch_stop = 1;
	pthread_cond_signal(&watch_cond);
	pthread_mutex_unlock(&watch_lock);
	pthread_join(watchdog, NULL);
	MHD_stop_daemon(d);
	return 0;
}
