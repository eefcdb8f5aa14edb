/*
 * http.h - what integration tests need: a real fairmatch server started on a
 * free port against the test database, tokens made with the real CLI, and
 * an HTTP client (libcurl) plus a raw-socket sender for malformed requests.
 *
 * Environment (set by tests/run.sh): FAIRMATCH_BIN, FAIRMATCH_DB,
 * FAIRMATCH_TEST_DIR, and FAIRMATCH_INDEX (a default index inside the test's
 * directory, so a CLI command run without --index never touches ./var/index).
 */
#ifndef FAIRMATCH_TEST_HTTP_H
#define FAIRMATCH_TEST_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

struct server {
	pid_t pid;
	int port;
	char dir[512];
	char index[600];
};

/* Starts `fairmatch serve` with its index in FAIRMATCH_TEST_DIR/<name>.
 * Returns 0 once it listens (waits up to 120 s). */
int server_start(struct server *s, const char *name);
/* The same with more arguments for `fairmatch serve` (NULL-terminated). */
int server_start_with(struct server *s, const char *name, const char *const *extra);
/* The two halves of server_start_with, for tests that start several servers
 * at once: forks `fairmatch serve` with its index in dir/index and its log
 * in dir/server.log, without waiting; then waits up to timeout_ms for it to
 * listen (0), or kills it (-1). */
int server_spawn(struct server *s, const char *dir, const char *const *extra);
int server_await(struct server *s, int timeout_ms);
/* SIGTERM and wait; returns the exit status (0 for a clean stop). */
int server_stop(struct server *s);
/* SIGKILL and wait. */
void server_kill(struct server *s);

/* Runs one SQL statement in the test database (FAIRMATCH_DB) with psql, as
 * the owner; returns psql's exit status (0: it ran). */
int test_psql(const char *sql);

/* Runs the CLI with args (a shell command tail); returns its exit status and
 * the first line of stdout in out (may be NULL). */
int cli(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A new token for role and org (static buffer per call site is the caller's). */
int make_token(const char *role, const char *org, char *token, size_t len);

struct resp {
	long status;
	char *body;
	size_t len;
	json_t *json;          /* parsed body, or NULL */
	char content_type[128];
	char location[256];
	char allow[128];
	char retry_after[32];
};

/* One request; body may be NULL. content_type NULL means application/json
 * when a body is given. Returns 0 when a response came back. */
int http(struct resp *r, const struct server *s, const char *method, const char *path,
	 const char *token, const char *content_type, const char *body, size_t body_len);
/* The same with a printf-formatted JSON body. */
int http_json(struct resp *r, const struct server *s, const char *method, const char *path,
	      const char *token, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void resp_free(struct resp *r);

/* Sends raw bytes and reads what comes back (up to outlen-1, NUL-ended) until
 * the server closes or timeout_ms passes. Returns bytes read or -1. */
long raw_request(int port, const char *bytes, size_t len, char *out, size_t outlen, int timeout_ms);

/* The status code of a raw HTTP response, 0 if none. */
int raw_status(const char *response);

/* ---- helpers several tests share ---- */

/* Monotonic time in seconds. */
double test_now(void);
/* Sleeps ms milliseconds. */
void test_sleep_ms(int ms);
/* POST /v1/recruiters on s as token (a regulator or admin): the new
 * recruiter's id in id, or "" (the answer said on stderr). Returns id. */
const char *test_register_recruiter(const struct server *s, const char *token, const char *body,
				    char *id, size_t len);
/* Whether the answer to method path (body: JSON text or NULL) on s as
 * token lists vacancy id in its array `list`, by an item's "id" or its
 * "vacancy"'s (a match result): 1 or 0; -1 when the request failed or the
 * answer was not 200. */
int test_lists_id(const struct server *s, const char *method, const char *path, const char *token,
		  const char *body, const char *list, const char *id);
/* The number of audit rows (up to 1,000) with action on object, read on s
 * as token (a regulator or admin); -1 when the read fails (said on stderr). */
int test_audit_count(const struct server *s, const char *token, const char *object,
		     const char *action);

#endif
