/*
 * test_http_strict.c - what the server does before it reads a body, and
 * with requests no well-behaved client sends (issue 19, findings 1, 4, 5,
 * 6, 8 and the HTTP parts of 9; issue 18's request ids and access log):
 *   - 100 unauthenticated uploads declaring 1 MiB each cost the server no
 *     more than 10 MB; Expect: 100-continue gets 100 only for a request
 *     that would be taken; a 10 MB body gets a 413 the client reads;
 *   - each malformed request (framing, target, headers, too many
 *     parameters) is answered with its 4xx/501 within a second;
 *   - 401 before 404/405, HEAD on GET routes, /metrics without profile
 *     counts;
 *   - X-Request-Id in every answer and in the access log, which holds no
 *     token and no profile content;
 *   - the per-key rate limit answers 429 with Retry-After;
 *   - 128 idle sockets from one address lock it out for seconds, not 30 s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], counsellor[80];
static char access_log[700];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int connect_local(void)
{
	struct sockaddr_in sa = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)srv.port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads what is there within ms into out (NUL-ended). */
static size_t read_some(int fd, char *out, size_t len, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t got = 0;

	while (got + 1 < len && poll(&pfd, 1, ms) > 0) {
		ssize_t n = recv(fd, out + got, len - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (strstr(out, "\r\n\r\n"))
			break;
		ms = 200;
	}
	out[got] = '\0';
	return got;
}

/* Reads one whole answer (headers, then Content-Length bytes of body) into
 * out (NUL-ended); its length, 0 when it did not come whole within ms. */
static size_t read_answer(int fd, char *out, size_t len, int ms)
{
	size_t got = read_some(fd, out, len, ms), need;
	const char *end = strstr(out, "\r\n\r\n"), *cl = strstr(out, "Content-Length: ");
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	if (!end || !cl)
		return 0;
	need = (size_t)(end + 4 - out) + strtoul(cl + 16, NULL, 10);
	while (got < need && got + 1 < len && poll(&pfd, 1, ms) > 0) {
		ssize_t n = recv(fd, out + got, len - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	return got == need ? got : 0;
}

static void test_setup(void)
{
	static const char *extra[4];

	snprintf(access_log, sizeof access_log, "%s/access.log",
		 getenv("FAIRMATCH_TEST_DIR") ? getenv("FAIRMATCH_TEST_DIR") : "var/test");
	unlink(access_log);
	extra[0] = "--access-log";
	extra[1] = access_log;
	extra[2] = NULL;
	T_REQUIRE(server_start_with(&srv, "strict", extra) == 0);
	T_REQUIRE(make_token("employer", "acme", employer, sizeof employer) == 0);
	T_REQUIRE(make_token("counsellor", "centre", counsellor, sizeof counsellor) == 0);
}

/* Finding 1: 100 connections with no token, each declaring 1 MiB and
 * sending 512 KiB of it, cost the server less than 10 MB; each is
 * refused 401 (and never told 100 Continue). */
static void test_unauthenticated_uploads_cost_nothing(void)
{
	enum { N = 100, CHUNK = 16384, SENT = 512 * 1024 };
	struct timeval two_s = {2, 0};
	static char junk[CHUNK];
	int fds[N], i, refused = 0;
	long idle, busy;
	char head[512], out[4096];
	struct resp r = {0};
	size_t sent;
	int hl;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0);
	resp_free(&r);
	idle = rss_kb(srv.pid);
	T_REQUIRE(idle > 0);
	memset(junk, ' ', sizeof junk);
	hl = snprintf(head, sizeof head,
		      "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		      "Content-Length: 1048576\r\n\r\n{\"title\":\"");
	for (i = 0; i < N; i++) {
		fds[i] = connect_local();
		T_REQUIRE(fds[i] >= 0);
		T_REQUIRE(send(fds[i], head, (size_t)hl, MSG_NOSIGNAL) == hl);
		setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &two_s, sizeof two_s);
	}
	/* Each sends what the server takes of its half MiB (it refuses, and
	 * closes, at once now; a server reading bodies first takes it all). */
	for (i = 0; i < N; i++)
		for (sent = 0; sent < SENT; sent += CHUNK)
			if (send(fds[i], junk, CHUNK, MSG_NOSIGNAL) != CHUNK)
				break;
	usleep(500 * 1000);
	busy = rss_kb(srv.pid);
	for (i = 0; i < N; i++) {
		read_some(fds[i], out, sizeof out, 2000);
		if (raw_status(out) == 401)
			refused++;
		close(fds[i]);
	}
	fprintf(stderr, "  RSS idle %ld kB, with %d uploads %ld kB\n", idle, N, busy);
	T_CHECKF(busy - idle < 10 * 1024, "RSS grew by %ld kB with %d unauthenticated uploads",
		 busy - idle, N);
	T_CHECKF(refused == N, "%d of %d uploads answered 401", refused, N);
}

static void test_expect_continue_only_when_taken(void)
{
	char req[1024], out[4096];
	int fd, n;

	/* No token: 401 at once, never 100. */
	fd = connect_local();
	T_REQUIRE(fd >= 0);
	n = snprintf(req, sizeof req,
		     "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		     "Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n");
	T_REQUIRE(send(fd, req, (size_t)n, MSG_NOSIGNAL) == n);
	read_some(fd, out, sizeof out, 2000);
	T_CHECKF(raw_status(out) == 401, "no token, Expect: %.60s", out);
	close(fd);
	/* A token, but 5 MB declared: 413 at once, never 100. */
	fd = connect_local();
	T_REQUIRE(fd >= 0);
	n = snprintf(req, sizeof req,
		     "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		     "Content-Type: application/json\r\nContent-Length: 5000000\r\n"
		     "Expect: 100-continue\r\n\r\n",
		     employer);
	T_REQUIRE(send(fd, req, (size_t)n, MSG_NOSIGNAL) == n);
	read_some(fd, out, sizeof out, 2000);
	T_CHECKF(raw_status(out) == 413, "5 MB declared, Expect: %.60s", out);
	close(fd);
	/* A request that would be taken: 100. */
	fd = connect_local();
	T_REQUIRE(fd >= 0);
	n = snprintf(req, sizeof req,
		     "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		     "Content-Type: application/json\r\nContent-Length: 2\r\n"
		     "Expect: 100-continue\r\n\r\n",
		     employer);
	T_REQUIRE(send(fd, req, (size_t)n, MSG_NOSIGNAL) == n);
	read_some(fd, out, sizeof out, 2000);
	T_CHECKF(raw_status(out) == 100, "a taken request, Expect: %.60s", out);
	close(fd);
}

static void test_large_body_readable_413(void)
{
	size_t n = 10u * 1000 * 1000;
	char *big = malloc(n);
	struct resp r = {0};

	T_REQUIRE(big);
	memset(big, 'a', n);
	T_CHECK(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, big, n) == 0);
	T_CHECKF(r.status == 413, "a 10 MB body: %ld", r.status);
	T_CHECK(r.json && json_integer_value(json_object_get(r.json, "status")) == 413);
	resp_free(&r);
	free(big);
}

/* Findings 4, 5, 6: each answered, with its status, within a second. */
static void test_malformed_answered_at_once(void)
{
	static char many[8192];
	struct {
		const char *what;
		char req[9000];
		size_t len;
		int want;
	} *cases;
	size_t nc = 0, i, n;
	char out[8192];

	cases = calloc(32, sizeof *cases);
	T_REQUIRE(cases);
#define ADD(w, st, ...)                                                                    \
	do {                                                                               \
		cases[nc].what = (w);                                                      \
		cases[nc].want = (st);                                                     \
		cases[nc].len = (size_t)snprintf(cases[nc].req, sizeof cases[nc].req,       \
						 __VA_ARGS__);                             \
		nc++;                                                                      \
	} while (0)
	for (n = 0, i = 0; i < 1000 && n + 16 < sizeof many; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, "%sa%zu=1", i ? "&" : "", i);
	ADD("1000 query parameters", 414,
	    "GET /v1/vacancies?%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", many, employer);
	ADD("Transfer-Encoding: gzip", 501,
	    "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n{}", employer);
	ADD("Transfer-Encoding: identity, chunked", 501,
	    "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: identity, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", employer);
	ADD("Transfer-Encoding: xchunked", 501,
	    "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: xchunked\r\n\r\n{}", employer);
	ADD("Transfer-Encoding: gzip with Content-Length", 400,
	    "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}", employer);
	/* A size past 64 bits: libmicrohttpd refuses it itself (413). */
	ADD("a chunk size past 64 bits", 413,
	    "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n{}\r\n0\r\n\r\n", employer);
	ADD("%2F in a path segment", 404,
	    "GET /v1%%2Fvacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", employer);
	ADD("%00 in the path", 404,
	    "GET /v1/vacancies/v_1%%00.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", employer);
	ADD("%00 in a query value", 400,
	    "GET /v1/vacancies?q=a%%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", employer);
	ADD("a raw NUL in the query", 400,
	    "GET /v1/vacancies?q=a%cb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", 1, employer);
	cases[nc - 1].req[strchr(cases[nc - 1].req, '\001') - cases[nc - 1].req] = '\0';
	ADD("a raw control character in the query", 400,
	    "GET /v1/vacancies?q=a%cb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", 0x1b, employer);
	ADD("a NUL after the token", 400,
	    "GET /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s%cjunk\r\n\r\n", employer, 1);
	*strchr(cases[nc - 1].req, '\001') = '\0';
	ADD("a control character in a header", 400,
	    "GET /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nX-A: a%cb\r\n\r\n", employer, 0x7f);
	ADD("a folded header", 400,
	    "GET /v1/vacancies HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n\r\n", employer);
	ADD("a header name with a space", 400,
	    "GET /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\nX A: b\r\n\r\n", employer);
	ADD("101 header fields", 431,
	    "GET /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Authorization: Bearer %s\r\n%s\r\n", employer,
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-0: a\r\nX-1: a\r\nX-2: a\r\nX-3: a\r\nX-4: a\r\nX-5: a\r\nX-6: a\r\nX-7: a\r\nX-8: a\r\nX-9: a\r\n"
	    "X-x: a\r\n");
	for (i = 0; i < nc; i++) {
		double t0 = now_s(), secs;
		long got;
		int st;

		/* The NUL cases were cut by %c 1 -> '\0' above: their length
		 * is as printed. */
		got = raw_request(srv.port, cases[i].req, cases[i].len, out, sizeof out, 3000);
		secs = now_s() - t0;
		st = raw_status(out);
		T_CHECKF(got > 0 && st == cases[i].want, "%s: status %d (want %d): %.80s",
			 cases[i].what, st, cases[i].want, out);
		T_CHECKF(secs < 1.0, "%s: answered after %.2f s", cases[i].what, secs);
	}
	free(cases);
#undef ADD
}

/* A chunk size that fits 64 bits but never comes (libmicrohttpd takes it
 * and shows the application only the bytes): the connection is closed
 * after CHUNKED_SILENCE_MAX (5 s) of silence, not the 30 s timeout. The
 * library limit is in docs/security.md (5). */
static void test_endless_chunk_closed_soon(void)
{
	char req[1024], out[1024];
	double t0, secs;
	int n;

	n = snprintf(req, sizeof req,
		     "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "ffffffffffffffff\r\n{}\r\n0\r\n\r\n",
		     employer);
	t0 = now_s();
	T_CHECK(raw_request(srv.port, req, (size_t)n, out, sizeof out, 20000) >= 0);
	secs = now_s() - t0;
	fprintf(stderr, "  an endless chunk: closed after %.1f s\n", secs);
	T_CHECKF(secs < 8, "an endless chunk held its connection %.1f s", secs);
}

static void test_no_enumeration_head_and_metrics(void)
{
	struct resp r = {0};
	char req[512], out[4096];
	int n;

	/* No token: 401 whether the path exists or the method fits. */
	T_CHECK(http(&r, &srv, "GET", "/v1/no-such-thing", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 401);
	resp_free(&r);
	T_CHECK(http(&r, &srv, "PUT", "/v1/vacancies", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 401);
	resp_free(&r);
	/* With one: 404 and 405 (with Allow). */
	T_CHECK(http(&r, &srv, "GET", "/v1/no-such-thing", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_CHECK(http(&r, &srv, "PUT", "/v1/vacancies", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 405);
	T_CHECK(strstr(r.allow, "GET") && strstr(r.allow, "HEAD"));
	resp_free(&r);
	/* HEAD on a GET route: the GET's status and headers, no body. */
	n = snprintf(req, sizeof req,
		     "HEAD /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "Authorization: Bearer %s\r\n\r\n", employer);
	T_CHECK(raw_request(srv.port, req, (size_t)n, out, sizeof out, 3000) > 0);
	T_CHECKF(raw_status(out) == 200, "HEAD: %.200s", out);
	T_CHECK(strstr(out, "\r\n\r\n") && strstr(out, "\r\n\r\n")[4] == '\0');
	/* /metrics (no token) counts no profile or match routes by name. */
	T_CHECK(http_json(&r, &srv, "POST", "/v1/profiles", counsellor,
			  "{\"occupations\":[\"7212\"],\"skills\":[\"MIG welding\"],"
			  "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_EQ_INT(r.status, 201);
	resp_free(&r);
	T_CHECK(http(&r, &srv, "GET", "/metrics", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECKF(r.body && !strstr(r.body, "profile") && !strstr(r.body, "route=\"match"),
		 "/metrics names profile routes: %.400s", r.body ? r.body : "");
	resp_free(&r);
}

/* Issue 18, operations: an id in every answer (the client's when
 * well-formed), and a line per request in the access log, without the
 * token or anything of the profile. */
static void test_request_ids_and_access_log(void)
{
	static const char marker[] = "ZebraWeldingMarker";
	char req[1024], out[8192], body[512], *log;
	const char *id;
	long got;
	int n;
	FILE *f;
	size_t len;

	n = snprintf(req, sizeof req,
		     "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "X-Request-Id: client-id-42\r\n\r\n");
	got = raw_request(srv.port, req, (size_t)n, out, sizeof out, 3000);
	T_REQUIRE(got > 0);
	T_CHECKF(strstr(out, "X-Request-Id: client-id-42\r\n") != NULL, "%.300s", out);
	/* A malformed id is replaced. */
	n = snprintf(req, sizeof req,
		     "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "X-Request-Id: bad id <script>\r\n\r\n");
	got = raw_request(srv.port, req, (size_t)n, out, sizeof out, 3000);
	T_REQUIRE(got > 0);
	T_CHECK(strstr(out, "<script>") == NULL);
	id = strstr(out, "X-Request-Id: ");
	T_CHECK(id != NULL);
	/* A refusal carries one too. */
	n = snprintf(req, sizeof req,
		     "GET /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "X-Request-Id: refused-7\r\n\r\n");
	got = raw_request(srv.port, req, (size_t)n, out, sizeof out, 3000);
	T_CHECK(got > 0 && raw_status(out) == 401 && strstr(out, "X-Request-Id: refused-7\r\n"));
	/* A profile write with a recognisable skill, under a client id. */
	n = snprintf(body, sizeof body,
		     "{\"occupations\":[\"7212\"],\"skills\":[\"%s\"],\"citizenship\":\"LS\","
		     "\"consent\":{\"matching\":true,\"show_to_employers\":false}}",
		     marker);
	n = snprintf(req, sizeof req,
		     "POST /v1/profiles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
		     "X-Request-Id: profile-write-1\r\nContent-Length: %d\r\n\r\n%s",
		     counsellor, n, body);
	got = raw_request(srv.port, req, (size_t)n, out, sizeof out, 3000);
	T_CHECKF(got > 0 && raw_status(out) == 201, "%.300s", out);
	T_CHECK(strstr(out, "X-Request-Id: profile-write-1\r\n") != NULL);
	/* The log is written when a request completes: give it a moment. */
	usleep(300 * 1000);
	f = fopen(access_log, "r");
	T_REQUIRE(f);
	log = calloc(1, 1 << 20);
	T_REQUIRE(log);
	len = fread(log, 1, (1 << 20) - 1, f);
	fclose(f);
	log[len] = '\0';
	T_CHECK(strstr(log, "id=client-id-42 method=GET route=/v1/health status=200") != NULL);
	T_CHECK(strstr(log, "id=refused-7 method=GET route=/v1/vacancies status=401") != NULL);
	T_CHECKF(strstr(log, "id=profile-write-1 method=POST route=/v1/profiles status=201") &&
			 strstr(log, "org=centre role=counsellor"),
		 "no line for the profile write: %.500s", log);
	T_CHECK(strstr(log, counsellor) == NULL);
	T_CHECK(strstr(log, employer) == NULL);
	T_CHECK(strstr(log, marker) == NULL);
	T_CHECK(strstr(log, "LS") == NULL);
	T_CHECK(strstr(log, "<script>") == NULL);
	free(log);
}

/* Finding 8: 128 idle sockets from one address (the per-address limit)
 * lock it out for a few seconds at most, not the 30 s silence timeout. */
static void test_idle_sockets_cannot_lock_out(void)
{
	enum { N = 128 };
	int fds[N], i, opened = 0, cut = 0, served = 0;
	double t0, waited = 0;
	struct resp r = {0};

	for (i = 0; i < N; i++) {
		fds[i] = connect_local();
		opened += fds[i] >= 0;
	}
	T_REQUIRE(opened == N);
	usleep(200 * 1000);
	t0 = now_s();
	while (!served && (waited = now_s() - t0) < 15) {
		if (http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0 && r.status == 200)
			served = 1;
		resp_free(&r);
		if (!served)
			usleep(250 * 1000);
	}
	fprintf(stderr, "  served again after %.1f s with %d idle sockets\n", waited, N);
	T_CHECKF(served && waited < 6, "locked out for %.1f s", waited);
	for (i = 0; i < N; i++) {
		struct pollfd pfd = {.fd = fds[i], .events = POLLIN};
		char b[64];

		if (poll(&pfd, 1, 0) > 0 && recv(fds[i], b, sizeof b, MSG_DONTWAIT) <= 0)
			cut++;
		close(fds[i]);
	}
	T_CHECKF(cut > 0, "no idle socket was cut");
}

/* The per-key token bucket: a burst of 5, then 429 with Retry-After;
 * another key and the public routes are not affected. */
static void test_rate_limit(void)
{
	static const char *const extra[] = {"--rate-limit", "60", "--rate-burst", "5", NULL};
	struct server lim;
	char other[80];
	struct resp r = {0};
	int i, ok = 0;

	T_REQUIRE(server_start_with(&lim, "ratelimit", extra) == 0);
	T_REQUIRE(make_token("employer", "acme", other, sizeof other) == 0);
	for (i = 0; i < 5; i++) {
		T_CHECK(http(&r, &lim, "GET", "/v1/vacancies", employer, NULL, NULL, 0) == 0);
		ok += r.status == 200;
		resp_free(&r);
	}
	T_EQ_INT(ok, 5);
	T_CHECK(http(&r, &lim, "GET", "/v1/vacancies", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 429);
	T_CHECKF(atoi(r.retry_after) >= 1 && atoi(r.retry_after) <= 2, "Retry-After: %s",
		 r.retry_after);
	T_CHECK(r.json && json_integer_value(json_object_get(r.json, "status")) == 429);
	resp_free(&r);
	T_CHECK(http(&r, &lim, "GET", "/v1/vacancies", other, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_CHECK(http(&r, &lim, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	server_stop(&lim);
}

/* A connection serves request after request (HTTP/1.1 keep-alive), for
 * answers and for refusals of bodiless requests alike: a server that
 * closes after every answer costs each client a connection a request. A
 * refusal of a request whose body would follow still closes (above). */
static void test_keep_alive(void)
{
	static const char *const reqs[] = {
		"GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /v1/vacancies?q=welder HTTP/1.1\r\nHost: t\r\n\r\n", /* no token: 401 */
		"GET /v1/nowhere HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n",
	};
	static const int want[] = {200, 401, 0, 200};
	char out[16384];
	int fd = connect_local();

	T_REQUIRE(fd >= 0);
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		size_t got;

		T_CHECKF(send(fd, reqs[i], strlen(reqs[i]), MSG_NOSIGNAL) == (ssize_t)strlen(reqs[i]),
			 "request %zu sent on the same connection", i);
		got = read_answer(fd, out, sizeof out, 5000);
		T_CHECKF(got > 0, "request %zu answered whole on the same connection: %.80s", i, out);
		if (want[i])
			T_CHECKF(raw_status(out) == want[i], "request %zu: %.60s", i, out);
		else
			T_CHECKF(raw_status(out) >= 400, "request %zu refused: %.60s", i, out);
		T_CHECKF(!strstr(out, "Connection: close"), "request %zu: the connection is kept: %.300s",
			 i, out);
	}
	close(fd);
}

int main(void)
{
	T_RUN(test_setup);
	T_RUN(test_unauthenticated_uploads_cost_nothing);
	T_RUN(test_expect_continue_only_when_taken);
	T_RUN(test_large_body_readable_413);
	T_RUN(test_malformed_answered_at_once);
	T_RUN(test_endless_chunk_closed_soon);
	T_RUN(test_no_enumeration_head_and_metrics);
	T_RUN(test_request_ids_and_access_log);
	T_RUN(test_keep_alive);
	T_RUN(test_rate_limit);
	T_RUN(test_idle_sockets_cannot_lock_out);
	server_stop(&srv);
	return T_DONE();
}
