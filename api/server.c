/*
 * server.c - the libmicrohttpd server: start and stop (api_serve), and a
 * connection's requests from the first byte to completion: the raw target
 * checked, then (headers in, no body read) framing checks, the request id,
 * and the header phase (route, token, policy: api__dispatch_head), whose
 * refusal is sent before any body byte is read; then the body, grown as it
 * arrives (capped at API_BODY_MAX, and all bodies at API_BODIES_TOTAL_MAX),
 * then api__dispatch (api/request.c), then the answer queued, the request's
 * time counted in /metrics and its line written to the access log.
 */
#include "api/internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <unicode/utf8.h>

const struct api_config *api__config;

/* ---- the request's target, before libmicrohttpd touches it ----
 *
 * libmicrohttpd hands the raw target to the URI log callback, then parses
 * the query into its connection pool, then percent-decodes the path with
 * the unescape callback. Checking here, on the raw bytes, is what makes
 * the target strict: a raw control character, a NUL (which the library's
 * C strings would silently cut the target at), a target over
 * API_TARGET_MAX or a query of more than API_QUERY_PARAMS_MAX parameters
 * is refused before the library spends memory on it; and the path is
 * routed still percent-encoded (the unescape callback leaves it alone), so
 * "%2F" never becomes a separator: routing compares raw segments and only
 * the {params} it fills are decoded (api/request.c).
 */
#define API_TARGET_MAX 4096
#define API_QUERY_PARAMS_MAX 64

/* The call being parsed on this thread: the three callbacks run in a row,
 * inside one library call, for one connection. */
static _Thread_local api_call *parsing;
static _Thread_local const char *parsing_uri;

static void refuse_early(api_call *c, int status, const char *detail)
{
	if (c->early_status)
		return;
	c->early_status = status;
	snprintf(c->early_detail, sizeof c->early_detail, "%s", detail);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	api_call *c = calloc(1, sizeof *c);
	size_t n = strlen(uri), params = 0;
	const char *q, *p;
	(void)cls;

	parsing = c;
	parsing_uri = uri;
	api__watch_busy(conn);
	if (!c)
		return NULL;
	c->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	/* The library ends the target where it found " HTTP/": a NUL before
	 * that is in the target itself. */
	if (strncmp(uri + n + 1, "HTTP/", 5) != 0)
		refuse_early(c, 400, "the request target holds a NUL byte");
	for (p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			refuse_early(c, 400, "the request target holds a control character or a space");
			break;
		}
	if (n > API_TARGET_MAX)
		refuse_early(c, 414, "the request target is longer than 4096 bytes");
	q = strchr(uri, '?');
	if (q) {
		for (p = q + 1; *p; p++)
			if (*p == '&' || *p == ';')
				params++;
		if (q[1])
			params++;
		if (params > API_QUERY_PARAMS_MAX)
			refuse_early(c, 414, "the query has more than 64 parameters");
	}
	if (q && c->early_status == 414) {
		/* The library would parse every parameter into its connection
		 * pool, run out of it and then hang instead of answering: it is
		 * told the query is empty (the buffer is the library's own,
		 * writable; the answer needs none of it). */
		((char *)q)[1] = '\0';
	}
	return c;
}

/* Whether s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates). */
static int utf8_valid(const char *s, size_t n)
{
	int32_t i = 0, len = (int32_t)n;
	UChar32 c;

	if (n > INT32_MAX)
		return 0;
	while (i < len) {
		U8_NEXT(s, i, len, c);
		if (c < 0)
			return 0;
	}
	return 1;
}

static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	size_t n;
	(void)cls;
	(void)conn;

	if (s == parsing_uri)
		return strlen(s); /* the path: routed encoded, see above */
	n = MHD_http_unescape(s);
	if (parsing && memchr(s, '\0', n))
		refuse_early(parsing, 400, "a query parameter holds a NUL byte (%00)");
	/* Every parameter is text (a search, a name, a code): bytes that are no
	 * UTF-8 would match nothing and answer an empty 200, or reach a detail. */
	if (parsing && !utf8_valid(s, n))
		refuse_early(parsing, 400, "a query parameter is not valid UTF-8 (percent-encode the"
					   " UTF-8 bytes of the text)");
	return n;
}

/* ---- the header phase ---- */

#define API_HEADERS_MAX 100

struct header_check {
	int n_cl;
	size_t n;
	const char *key[API_HEADERS_MAX];
	const char *value[API_HEADERS_MAX];
	const char *bad;
	int bad_status;
};

static enum MHD_Result check_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    size_t key_size, const char *value, size_t value_size)
{
	struct header_check *h = cls;
	size_t i;
	(void)kind;

	if (h->n >= API_HEADERS_MAX) {
		h->bad = "more than 100 header fields";
		h->bad_status = 431;
		return MHD_NO;
	}
	h->key[h->n] = key;
	h->value[h->n++] = value ? value : "";
	if (key_size == 0) {
		h->bad = "a header has an empty name";
		return MHD_NO;
	}
	for (i = 0; i < key_size; i++)
		if ((unsigned char)key[i] <= ' ' || key[i] == 0x7f) {
			h->bad = "a header name holds a space or a control character";
			return MHD_NO;
		}
	for (i = 0; value && i < value_size; i++)
		if (((unsigned char)value[i] < ' ' && value[i] != '\t') || value[i] == 0x7f) {
			h->bad = "a header value holds a control character";
			return MHD_NO;
		}
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		h->n_cl++;
	return MHD_YES;
}

/* libmicrohttpd 0.9.75 gives header fields as C strings cut in place in
 * its read buffer (the line's end and the colon become NULs), so a NUL
 * inside a value ("Bearer <token>\0junk") would silently cut it, and an
 * obsolete folded line is glued onto the field before us. Both show in
 * where the strings lie: after a value's end and the NULs of its line
 * end, the next field's name must start, and after the last one the
 * header block must end. Anything else is a NUL in a field, or a field
 * the library moved (a folded one): 400. */
static const char *check_layout(const struct header_check *h, const char *method,
				 struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	const char *block_end, *p;
	size_t i;

	if (!ci || !method || h->n == 0)
		return NULL;
	block_end = method + ci->header_size;
	for (i = 0; i < h->n; i++) {
		const char *want = i + 1 < h->n ? h->key[i + 1] : block_end;

		if (h->value[i] < method || h->value[i] >= block_end)
			return "an obsolete folded header line";
		p = h->value[i] + strlen(h->value[i]);
		while (p < want && *p == '\0')
			p++;
		if (p != want)
			return i + 1 < h->n && (h->key[i + 1] < method || h->key[i + 1] >= block_end)
				       ? "an obsolete folded header line"
				       : "a header holds a NUL byte or is folded over lines";
	}
	return NULL;
}

/* A client's X-Request-Id is kept when it is 1-64 of [A-Za-z0-9._:-]. */
static int request_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (i >= 64 || !(isalnum((unsigned char)id[i]) || strchr("._:-", id[i])))
			return 0;
	return i > 0;
}

static void make_request_id(api_call *c)
{
	static _Atomic uint64_t counter;
	const char *id = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "X-Request-Id");
	unsigned char rnd[8] = {0};
	uint64_t n = atomic_fetch_add(&counter, 1);

	if (id && request_id_ok(id)) {
		snprintf(c->request_id, sizeof c->request_id, "%s", id);
		return;
	}
	if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
		memcpy(rnd, &c->start.tv_nsec, sizeof c->start.tv_nsec < sizeof rnd ?
						       sizeof c->start.tv_nsec : sizeof rnd);
	snprintf(c->request_id, sizeof c->request_id, "%02x%02x%02x%02x%02x%02x%02x%02x-%llx",
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7],
		 (unsigned long long)n);
}

#define CHUNKED_SILENCE_MAX 5

/* Framing and headers (RFC 9112): 0, or the refusal set in c. */
static void check_framing(api_call *c)
{
	struct header_check h;
	const char *cl, *te;

	memset(&h, 0, sizeof h);
	MHD_get_connection_values_n(c->conn, MHD_HEADER_KIND, check_header, &h);
	if (!h.bad)
		h.bad = check_layout(&h, c->method, c->conn);
	if (h.bad) {
		refuse_early(c, h.bad_status ? h.bad_status : 400, h.bad);
		c->close_after = 1;
		return;
	}
	cl = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (h.n_cl > 1) {
		refuse_early(c, 400, "more than one Content-Length header");
		c->close_after = 1;
	} else if (cl && te) {
		/* Two framings (a request smuggling pattern): refuse, and
		 * close the connection after answering (RFC 9112, 6.3). */
		refuse_early(c, 400, "both Content-Length and Transfer-Encoding");
		c->close_after = 1;
	} else if (te && strcasecmp(te, "chunked") != 0) {
		/* The library would read such a body until the client closes. */
		refuse_early(c, 501, "the only transfer coding accepted is 'chunked'");
		c->close_after = 1;
	} else if (cl && strtoull(cl, NULL, 10) > API_BODY_MAX) {
		refuse_early(c, 413, "the body is larger than 1 MiB");
		c->close_after = 1;
	}
	c->expects_body = te != NULL || (cl && strtoull(cl, NULL, 10) > 0);
	/* A chunked body: libmicrohttpd parses the chunk sizes and never shows
	 * them, so a size that announces more than will come
	 * (ffffffffffffffff) can only end in silence. A client sending a
	 * chunked body keeps sending: its connection's silence timeout is
	 * CHUNKED_SILENCE_MAX s, not the server's 30 (docs/security.md, 5). */
	if (te)
		MHD_set_connection_option(c->conn, MHD_CONNECTION_OPTION_TIMEOUT,
					  (unsigned)CHUNKED_SILENCE_MAX);
}

/* ---- bodies: grown as they arrive, capped per request and in all ---- */

/* Bytes held in request bodies by all connections together: past it a
 * request is refused with 503 rather than the process growing. */
#define API_BODIES_TOTAL_MAX ((size_t)64 * 1024 * 1024)
static _Atomic size_t bodies_held;

static int keep_body(api_call *c, const char *data, size_t n)
{
	size_t cap = c->body_cap ? c->body_cap : 4096;
	char *nb;

	if (c->body_len + n > API_BODY_MAX) {
		/* Chunked bodies have no length up front: refuse at the end. */
		refuse_early(c, 413, "the body is larger than 1 MiB");
		return -1;
	}
	while (cap < c->body_len + n)
		cap *= 2;
	if (cap > API_BODY_MAX)
		cap = API_BODY_MAX;
	if (cap != c->body_cap) {
		if (atomic_fetch_add(&bodies_held, cap - c->body_cap) + (cap - c->body_cap) >
		    API_BODIES_TOTAL_MAX) {
			atomic_fetch_sub(&bodies_held, cap - c->body_cap);
			refuse_early(c, 503, "the server holds too many request bodies now");
			return -1;
		}
		nb = realloc(c->body, cap);
		if (!nb) {
			atomic_fetch_sub(&bodies_held, cap - c->body_cap);
			refuse_early(c, 503, "out of memory");
			return -1;
		}
		c->body = nb;
		c->body_cap = cap;
	}
	memcpy(c->body + c->body_len, data, n);
	c->body_len += n;
	return 0;
}

static void drop_body(api_call *c)
{
	atomic_fetch_sub(&bodies_held, c->body_cap);
	free(c->body);
	c->body = NULL;
	c->body_len = c->body_cap = 0;
}

static void answer_early(api_call *c)
{
	char detail[sizeof c->early_detail];

	snprintf(detail, sizeof detail, "%s", c->early_detail);
	c->early_detail[0] = '\0';
	api_fail(c, c->early_status, detail);
}

/* ---- libmicrohttpd callbacks ---- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	api_call *c = *req_cls;
	(void)cls;
	(void)version;

	if (!c)
		return MHD_NO; /* out of memory in on_uri */
	if (!c->started) {
		/* The first call: the headers are in, no byte of the body is
		 * read yet. A refusal queued now is sent without a 100
		 * Continue and without reading the body (the library then
		 * closes the connection). */
		c->started = 1;
		c->conn = conn;
		c->method = method;
		parsing = NULL;
		make_request_id(c);
		if (!c->early_status && strlen(url) >= sizeof c->path)
			refuse_early(c, 414, "the request path is too long");
		snprintf(c->path, sizeof c->path, "%s", url);
		check_framing(c);
		if (c->early_status) {
			answer_early(c);
		} else {
			api__dispatch_head(c);
			if (!c->replied && !c->expects_body)
				api__dispatch(c);
		}
		/* A request without a body is answered on the next call, once
		 * the library has the whole request: an answer queued on this
		 * first call makes it close the connection (no keep-alive, a
		 * new connection for every request). A refusal of a request
		 * whose body would follow goes now, so the body is never read. */
		if (c->early_status || c->expects_body)
			api__send_pending(c);
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		c->body_seen += n;
		*upload_data_size = 0;
		if (c->early_status || c->replied)
			return c->body_seen > 8 * (size_t)API_BODY_MAX ? MHD_NO : MHD_YES;
		if (keep_body(c, upload_data, n))
			drop_body(c);
		return MHD_YES;
	}
	if (c->replied && !c->pending)
		return MHD_YES;
	if (c->early_status)
		answer_early(c);
	else if (!c->replied)
		api__dispatch(c);
	api__send_pending(c);
	return MHD_YES;
}

/* /metrics has no token: counting profile creations, erasures, matches
 * or placements by route would tell anyone how many people a centre
 * registers or erases (finding 9). Routes about a person share one label. */
static const char *metrics_label(const api_call *c)
{
	static const char *const about_a_person[] = {"/profiles", "/match", "/placements",
						     "/candidates", NULL};
	size_t i;

	if (!c->route)
		return "unmatched";
	for (i = 0; about_a_person[i]; i++)
		if (strstr(c->route->pattern, about_a_person[i]))
			return "person_data";
	return c->route->name;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	api_call *c = *req_cls;
	struct timespec end;
	double seconds;
	(void)cls;
	(void)toe;

	api__watch_reset(conn);
	if (!c)
		return;
	if (parsing == c)
		parsing = NULL;
	clock_gettime(CLOCK_MONOTONIC, &end);
	seconds = (double)(end.tv_sec - c->start.tv_sec) +
		  (double)(end.tv_nsec - c->start.tv_nsec) / 1e9;
	if (c->started) {
		metrics_observe(metrics_label(c), c->replied, seconds);
		api__access_log(c, seconds);
	}
	if (c->pending)
		MHD_destroy_response(c->pending);
	json_decref(c->json);
	drop_body(c);
	free(c);
	*req_cls = NULL;
}

/* libmicrohttpd's messages: its own format strings. */
__attribute__((format(printf, 2, 0))) static void log_mhd(void *cls, const char *fmt,
							   va_list ap)
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

	api__config = cfg;
	api__ratelimit_init(cfg->rate_per_minute, cfg->rate_burst);
	if (api__access_log_open(cfg->access_log)) {
		fprintf(stderr, "fairmatch: cannot open the access log %s: %s\n", cfg->access_log,
			strerror(errno));
		return 1;
	}
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
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
		/* -1: header names with whitespace are refused (400). */
		MHD_OPTION_STRICT_FOR_CLIENT, -1,
		MHD_OPTION_NOTIFY_CONNECTION, api__watch_connection, NULL,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "fairmatch: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
		api__access_log_close();
		return 1;
	}
	if (api__watchdog_start(cfg->timeout_seconds ? cfg->timeout_seconds : 30u,
				cfg->max_per_ip ? cfg->max_per_ip : 128u)) {
		fprintf(stderr, "fairmatch: cannot start the connection watchdog\n");
		MHD_stop_daemon(d);
		api__access_log_close();
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
	api__watchdog_stop();
	MHD_stop_daemon(d);
	api__access_log_close();
	return 0;
}
