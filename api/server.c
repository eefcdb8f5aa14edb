/*
 * server.c - the libmicrohttpd server: start and stop (api_serve), and a
 * connection's requests from the first byte to completion: framing checks,
 * the body (capped at API_BODY_MAX), then api__dispatch (api/request.c),
 * then the answer queued and the request's time counted in /metrics.
 */
#include "api/internal.h"

#include <arpa/inet.h>
#include <errno.h>
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

const struct api_config *api__config;

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
		api__dispatch(c);
		break;
	case 413:
		api_fail(c, 413, "the body is larger than 1 MiB");
		break;
	case 414:
		api_fail(c, 414, "the request path is too long");
		break;
	default: {
		char detail[160];

		snprintf(detail, sizeof detail, "%s", c->early_detail);
		c->early_detail[0] = '\0';
		api_fail(c, c->early_status, detail);
	}
	}
	api__send_pending(c);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	api_call *c = *req_cls;
	struct timespec end;
	(void)cls;
	(void)toe;

	api__watch_reset(conn);
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
		MHD_OPTION_NOTIFY_CONNECTION, api__watch_connection, NULL,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "fairmatch: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
		return 1;
	}
	if (api__watchdog_start(cfg->timeout_seconds ? cfg->timeout_seconds : 30u)) {
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
	api__watchdog_stop();
	MHD_stop_daemon(d);
	return 0;
}
