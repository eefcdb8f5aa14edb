/*
 * test_scaleout.c - several nodes on one PostgreSQL, on loopback only
 * (docs/deployment.md): a primary and its streaming replica
 * (tests/scaleout/cluster.sh), node A reading its two index shards through
 * two xapian-tcpsrv processes, node B with two local shards, and a
 * single-index reference node, over a few thousand sample vacancies. It
 * shows the same search and match answers (ids, order, scores) from A, B
 * and the reference; a flag set through A gone from B's next match within
 * a second; a vacancy written through B found through A; a lagging
 * replica not used for a profile read; B serving on with A killed. Also
 * run alone by `make scaleout`.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

#define VACANCIES 2000
#define PROFILES 4

static char top[300];               /* this test's directory */
static char primary[600], replica[600];
static struct server a, b, ref;     /* node A, node B, the reference */
static pid_t tcpsrv[2];
static char counsellor[80], employer[80], regulator[80];
static json_t *profiles;            /* sample profiles for matching */
static int cluster_up;

/* ---- starting things ---- */

static const char *bin(void)
{
	const char *b0 = getenv("FAIRMATCH_BIN");

	return b0 && *b0 ? b0 : "./fairmatch";
}

/* A free loopback port (bound and released: a small race, fine on loopback). */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Forks `fairmatch serve` for s against the primary without waiting
 * (three servers loading the taxonomy one after the other take three times
 * as long); await waits up to 180 s for it to listen. */
static int spawn(struct server *s, const char *name, const char *const *extra)
{
	const char *argv[40];
	char dir[512];
	int n = 0, i;

	argv[n++] = "--db";
	argv[n++] = primary;
	argv[n++] = "--threads";
	argv[n++] = "2";
	for (i = 0; extra && extra[i] && n < 39; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	snprintf(dir, sizeof dir, "%s/%s", top, name);
	return server_spawn(s, dir, argv);
}

static int await(struct server *s)
{
	return server_await(s, 180000);
}

static pid_t start_tcpsrv(int port, const char *db)
{
	pid_t pid = fork();
	char ports[16];

	if (pid != 0)
		return pid;
	/* Its own process group: tcpsrv's SIGTERM handler signals its whole
	 * group (its forked connections), which would otherwise be us. */
	setpgid(0, 0);
	snprintf(ports, sizeof ports, "%d", port);
	{
		char log[700];
		int fd;

		snprintf(log, sizeof log, "%s/tcpsrv-%d.log", top, port);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	/* Loopback only: tcpsrv has no authentication (docs/deployment.md). */
	execlp("xapian-tcpsrv", "xapian-tcpsrv", "--interface", "127.0.0.1", "--port", ports, db,
	       (char *)NULL);
	_exit(127);
}

static int cluster(const char *what, char *out, size_t len)
{
	char cmd[800];
	FILE *p;
	int rc;

	snprintf(cmd, sizeof cmd, "sh tests/scaleout/cluster.sh %s/cluster %s", top, what);
	if (!out)
		return system(cmd) == 0 ? 0 : -1;
	p = popen(cmd, "r");
	if (!p)
		return -1;
	out[0] = '\0';
	if (!fgets(out, (int)len, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	rc = pclose(p);
	return rc == 0 && out[0] ? 0 : -1;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int health_state(const struct server *s, char *state, size_t len, long long *docs,
			int *remote)
{
	struct resp r;
	json_t *ix;
	int status;

	if (http(&r, s, "GET", "/v1/health", NULL, NULL, NULL, 0))
		return -1;
	ix = json_object_get(r.json, "index");
	snprintf(state, len, "%s", json_string_value(json_object_get(ix, "state")) ?: "");
	*docs = json_integer_value(json_object_get(ix, "documents"));
	*remote = json_is_true(json_object_get(ix, "remote_shards"));
	status = (int)r.status;
	resp_free(&r);
	return status;
}

/* ---- answers as text, to compare nodes ---- */

/* "id score; id score; ..." of a search (relevance) or a match answer. */
static char *answer_text(const struct resp *r, int match)
{
	json_t *list = json_object_get(r->json, match ? "vacancies" : "items"), *it;
	size_t i, cap = 64 + json_array_size(list) * 48, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	json_array_foreach(list, i, it) {
		json_t *v = match ? json_object_get(it, "vacancy") : it;
		double score = json_real_value(json_object_get(it, match ? "score" : "relevance"));

		n += (size_t)snprintf(out + n, cap - n, "%s %.9g; ",
				      json_string_value(json_object_get(v, "id")) ?: "?", score);
		if (n >= cap)
			break;
	}
	return out;
}

static char *search_text(const struct server *s, const char *query)
{
	struct resp r;
	char path[300];
	char *t;

	snprintf(path, sizeof path, "/v1/vacancies?q=%s&limit=50", query);
	if (http(&r, s, "GET", path, counsellor, NULL, NULL, 0) || r.status != 200) {
		fprintf(stderr, "search %s on port %d: %ld %s\n", query, s->port, r.status,
			r.body ? r.body : "");
		resp_free(&r);
		return NULL;
	}
	t = answer_text(&r, 0);
	resp_free(&r);
	return t;
}

static char *match_text(const struct server *s, const json_t *profile)
{
	json_t *req = json_pack("{s:O, s:i}", "profile", profile, "limit", 50);
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL, *t = NULL;
	struct resp r;

	json_decref(req);
	if (!body)
		return NULL;
	if (http(&r, s, "POST", "/v1/match", counsellor, NULL, body, strlen(body)) == 0 &&
	    r.status == 200)
		t = answer_text(&r, 1);
	else
		fprintf(stderr, "match on port %d: %ld %s\n", s->port, r.status, r.body ? r.body : "");
	resp_free(&r);
	free(body);
	return t;
}

/* Whether vacancy id is in s's match for profile (-1: the match failed). */
static int in_match(const struct server *s, const json_t *profile, const char *id)
{
	char *t = match_text(s, profile);
	char needle[80];
	int in;

	if (!t)
		return -1;
	snprintf(needle, sizeof needle, "%s ", id);
	in = strstr(t, needle) != NULL;
	free(t);
	return in;
}

static int found_by_search(const struct server *s, const char *word, const char *id)
{
	char *t = search_text(s, word);
	int in = t && strstr(t, id) != NULL;

	free(t);
	return in;
}

/* found_by_search, asked every 50 ms for up to secs seconds. */
static int found_within(const struct server *s, const char *word, const char *id, double secs)
{
	double t0 = test_now();
	int found;

	while (!(found = found_by_search(s, word, id)) && test_now() - t0 < secs)
		test_sleep_ms(50);
	return found;
}

/* ---- the cases ---- */

static void test_nodes_ready(void)
{
	char state[32];
	long long docs;
	int remote;

	T_EQ_INT(health_state(&a, state, sizeof state, &docs, &remote), 200);
	T_EQ_STR(state, "ready");
	T_EQ_INT(docs, VACANCIES);
	T_EQ_INT(remote, 1);
	T_EQ_INT(health_state(&b, state, sizeof state, &docs, &remote), 200);
	T_EQ_STR(state, "ready");
	T_EQ_INT(docs, VACANCIES);
	T_EQ_INT(remote, 0);
	T_EQ_INT(health_state(&ref, state, sizeof state, &docs, &remote), 200);
	T_EQ_INT(docs, VACANCIES);
}

static void test_same_answers_everywhere(void)
{
	static const char *const queries[] = {"welder", "nurse+care", "plumber+water+gas",
					      "driver", "cook+kitchen+hotel", "teacher"};
	size_t i;

	for (i = 0; i < sizeof queries / sizeof *queries; i++) {
		char *x = search_text(&ref, queries[i]), *ya = search_text(&a, queries[i]),
		     *yb = search_text(&b, queries[i]);

		T_CHECK(x && strlen(x) > 0);
		if (x && ya && yb) {
			T_EQ_STR(ya, x);
			T_EQ_STR(yb, x);
		} else {
			T_FAIL_("search %s failed on a node", queries[i]);
		}
		free(x);
		free(ya);
		free(yb);
	}
	for (i = 0; i < json_array_size(profiles); i++) {
		json_t *p = json_array_get(profiles, i);
		char *x = match_text(&ref, p), *ya = match_text(&a, p), *yb = match_text(&b, p);

		T_CHECK(x && strlen(x) > 0);
		if (x && ya && yb) {
			T_EQ_STR(ya, x);
			T_EQ_STR(yb, x);
		} else {
			T_FAIL_("match %zu failed on a node", i);
		}
		free(x);
		free(ya);
		free(yb);
	}
}

static void test_flag_through_a_reaches_b(void)
{
	struct resp r;
	char rid[64], vid[64], path[160];
	json_t *profile;
	double t0;
	int in = 1;

	T_REQUIRE(test_register_recruiter(&a, regulator,
					  "{\"name\":\"Quillon Harbour Staffing\",\"country\":\"PH\"}",
					  rid, sizeof rid)[0]);
	T_REQUIRE(http_json(&r, &b, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"Quillon kiln operator\",\"occupation\":\"8181\","
			    "\"country\":\"HR\",\"recruiter\":{\"name\":\"Quillon Harbour Staffing\"}}") == 0);
	T_EQ_INT(r.status, 201);
	snprintf(vid, sizeof vid, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	profile = json_pack("{s:[s], s:[s]}", "occupations", "8181", "desired_countries", "HR");
	T_REQUIRE(profile);
	T_EQ_INT(in_match(&b, profile, vid), 1);
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	T_REQUIRE(http_json(&r, &a, "POST", path, regulator,
			    "{\"severity\":\"blacklist\",\"reason\":\"worker_fees\","
			    "\"evidence\":\"scale-out test\"}") == 0);
	T_EQ_INT(r.status, 201);
	resp_free(&r);
	t0 = test_now();
	while (test_now() - t0 < 1.0 && (in = in_match(&b, profile, vid)) != 0)
		test_sleep_ms(20);
	T_EQ_INT(in, 0);
	T_CHECKF(test_now() - t0 < 1.0, "the flag took %.2f s to reach node B", test_now() - t0);
	fprintf(stderr, "the flag left node B's match %.3f s after node A acknowledged it\n",
		test_now() - t0);
	json_decref(profile);
}

static void test_write_through_b_found_through_a(void)
{
	struct resp r;
	char vid[64];

	T_REQUIRE(http_json(&r, &b, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"Zephyrine glassblower\",\"occupation\":\"7315\","
			    "\"country\":\"HR\"}") == 0);
	T_EQ_INT(r.status, 201);
	snprintf(vid, sizeof vid, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	/* B answers 201 once its own index holds the vacancy, or after
	 * INDEX_WAIT_MS (10 s) if its indexer is slower (a loaded machine); A
	 * and the reference catch up on the change log's notification. */
	T_CHECK(found_within(&b, "zephyrine", vid, 10.0));
	T_CHECK(found_within(&a, "zephyrine", vid, 10.0));
	T_CHECK(found_within(&ref, "zephyrine", vid, 10.0));
}

static int replica_count(const char *sql)
{
	char cmd[1200], line[64] = "";
	FILE *p;

	snprintf(cmd, sizeof cmd, "psql -X -q -tA \"%s\" -c \"%s\"", replica, sql);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(line, sizeof line, p))
		line[0] = '\0';
	pclose(p);
	return line[0] ? atoi(line) : -1;
}

static void test_lagging_replica_not_used_for_profile_read(void)
{
	struct resp r;
	char pid[64], path[160];
	int before;

	before = replica_count("SELECT count(*) FROM profiles");
	T_REQUIRE(before >= 0);
	T_REQUIRE(cluster("pause", NULL, 0) == 0);
	T_REQUIRE(http_json(&r, &a, "POST", "/v1/profiles", counsellor,
			    "{\"occupations\":[\"7212\"],\"skills\":[\"welding\"],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_EQ_INT(r.status, 201);
	snprintf(pid, sizeof pid, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	/* The replica has not replayed the write... */
	test_sleep_ms(300);
	T_EQ_INT(replica_count("SELECT count(*) FROM profiles"), before);
	/* ...yet A, which has the replica for its lag-tolerant reads, reads
	 * the profile (and writes its audit row) on the primary. */
	snprintf(path, sizeof path, "/v1/profiles/%s", pid);
	T_REQUIRE(http(&r, &a, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(r.json, "id")) ?: "", pid);
	resp_free(&r);
	/* Statistics tolerate the lag: they are answered from the paused
	 * replica, and their audit row still goes to the primary. */
	T_REQUIRE(http(&r, &a, "GET", "/v1/stats", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_REQUIRE(cluster("resume", NULL, 0) == 0);
}

static void test_b_serves_with_a_killed(void)
{
	struct resp r;
	char *before = match_text(&b, json_array_get(profiles, 0)), *after;
	char vid[64];
	double t0;
	int found = 0;

	T_REQUIRE(before);
	server_kill(&a);
	after = match_text(&b, json_array_get(profiles, 0));
	T_CHECK(after && strcmp(after, before) == 0);
	T_REQUIRE(http_json(&r, &b, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"Ombrelle upholsterer\",\"occupation\":\"7534\","
			    "\"country\":\"HR\"}") == 0);
	T_EQ_INT(r.status, 201);
	snprintf(vid, sizeof vid, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	t0 = test_now();
	while (test_now() - t0 < 3.0 && !(found = found_by_search(&b, "ombrelle", vid)))
		test_sleep_ms(50);
	T_CHECK(found);
	free(before);
	free(after);
}

/* An index kept across a recreated database is another database's: the
 * node empties and rebuilds it instead of serving its vacancies. */
static void test_index_of_another_database_is_rebuilt(void)
{
	char other[700], state[32], cmd[1600];
	const char *extra[] = {"--db", other, NULL};
	long long docs = -1;
	int remote, i, status = 0;

	T_REQUIRE(server_stop(&ref) == 0);
	snprintf(cmd, sizeof cmd, "psql -X -q \"%s\" -c \"CREATE DATABASE fairmatch_other\"",
		 primary);
	T_REQUIRE(system(cmd) == 0);
	snprintf(other, sizeof other, "%.500s", primary);
	*strstr(other, "dbname=fairmatch") = '\0';
	strcat(other, "dbname=fairmatch_other");
	/* The same index directory, another database (the later --db wins). */
	T_REQUIRE(spawn(&ref, "reference", extra) == 0 && await(&ref) == 0);
	for (i = 0; i < 600 && (status = health_state(&ref, state, sizeof state, &docs, &remote)) != 200;
	     i++)
		test_sleep_ms(100);
	T_EQ_INT(status, 200);
	T_EQ_INT(docs, 0);
}

/* ---- setting up ---- */

static int setup(void)
{
	char cmd[2000], shard[700], flag0[64], flag1[64];
	int port[2], i;
	const char *dir = getenv("FAIRMATCH_TEST_DIR");
	FILE *f;
	json_error_t je;
	double t0 = test_now();

	snprintf(top, sizeof top, "%s", dir && *dir ? dir : "var/test/scaleout");
	snprintf(cmd, sizeof cmd, "mkdir -p %s && sh tests/scaleout/cluster.sh %s/cluster stop", top,
		 top);
	if (system(cmd) != 0 || cluster("start", NULL, 0) != 0)
		return -1;
	cluster_up = 1;
	if (cluster("primary", primary, sizeof primary) || cluster("replica", replica, sizeof replica))
		return -1;
	/* Every CLI call of the harness (tokens) goes to this primary. */
	setenv("FAIRMATCH_DB", primary, 1);
	snprintf(cmd, sizeof cmd,
		 "%s sample vacancies --count %d --seed 21 > %s/v.jsonl && "
		 "%s sample profiles --count %d --seed 22 > %s/p.jsonl && "
		 "%s import vacancies %s/v.jsonl --no-index > %s/import.log 2>&1",
		 bin(), VACANCIES, top, bin(), PROFILES, top, bin(), top, top);
	if (system(cmd) != 0)
		return -1;
	fprintf(stderr, "setup: cluster and %d vacancies stored after %.1f s\n", VACANCIES,
		test_now() - t0);
	profiles = json_array();
	snprintf(cmd, sizeof cmd, "%s/p.jsonl", top);
	f = fopen(cmd, "r");
	while (f && profiles && fgets(cmd, sizeof cmd, f))
		json_array_append_new(profiles, json_loads(cmd, 0, &je));
	if (f)
		fclose(f);
	if (!profiles || json_array_size(profiles) != PROFILES)
		return -1;
	if (make_token("counsellor", "centre", counsellor, sizeof counsellor) ||
	    make_token("employer", "acme", employer, sizeof employer) ||
	    make_token("regulator", "dmw", regulator, sizeof regulator))
		return -1;
	for (i = 0; i < 2; i++)
		if ((port[i] = free_port()) <= 0)
			return -1;
	snprintf(flag0, sizeof flag0, "0=127.0.0.1:%d", port[0]);
	snprintf(flag1, sizeof flag1, "1=127.0.0.1:%d", port[1]);
	{
		const char *ea[] = {"--db-read", replica, "--shards", "2", "--remote-shard", flag0,
				    "--remote-shard", flag1, NULL};
		const char *eb[] = {"--db-read", replica, "--shards", "2", NULL};

		/* Three empty indexes, each built from PostgreSQL by its node. */
		if (spawn(&a, "node-a", ea) || spawn(&b, "node-b", eb) || spawn(&ref, "reference", NULL))
			return -1;
	}
	/* A makes its shards before it listens; then tcpsrv can serve them. */
	snprintf(shard, sizeof shard, "%s/shard-1/iamglass", a.index);
	for (i = 0; i < 1800 && !file_exists(shard); i++)
		test_sleep_ms(100);
	for (i = 0; i < 2; i++) {
		snprintf(shard, sizeof shard, "%s/shard-%d", a.index, i);
		if ((tcpsrv[i] = start_tcpsrv(port[i], shard)) < 0)
			return -1;
	}
	if (await(&a) || await(&b) || await(&ref))
		return -1;
	fprintf(stderr, "setup: three nodes listen after %.1f s\n", test_now() - t0);
	/* Each node says "building" (503) until its index has caught up. */
	for (i = 0; i < 1800; i++) {
		char state[32];
		long long docs;
		int remote, ready = 0;

		ready += health_state(&a, state, sizeof state, &docs, &remote) == 200;
		ready += health_state(&b, state, sizeof state, &docs, &remote) == 200;
		ready += health_state(&ref, state, sizeof state, &docs, &remote) == 200;
		if (ready == 3) {
			fprintf(stderr, "setup: three nodes ready after %.1f s\n", test_now() - t0);
			return 0;
		}
		test_sleep_ms(100);
	}
	return -1;
}

static void teardown(void)
{
	int i, status;

	if (a.pid)
		server_kill(&a);
	if (b.pid)
		server_stop(&b);
	if (ref.pid)
		server_stop(&ref);
	for (i = 0; i < 2; i++)
		if (tcpsrv[i] > 0) {
			kill(tcpsrv[i], SIGTERM);
			waitpid(tcpsrv[i], &status, 0);
		}
	if (cluster_up)
		cluster("stop", NULL, 0);
	json_decref(profiles);
}

int main(void)
{
	if (system("command -v xapian-tcpsrv >/dev/null && command -v psql >/dev/null") != 0) {
		printf("xapian-tcpsrv or psql is missing (sh data/deps.sh installs them)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	if (setup()) {
		fprintf(stderr, "setting up the scale-out cluster failed (logs in %s)\n", top);
		teardown();
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_nodes_ready);
	T_RUN(test_same_answers_everywhere);
	T_RUN(test_flag_through_a_reaches_b);
	T_RUN(test_write_through_b_found_through_a);
	T_RUN(test_lagging_replica_not_used_for_profile_read);
	T_RUN(test_b_serves_with_a_killed);
	T_RUN(test_index_of_another_database_is_rebuilt);
	teardown();
	return T_DONE();
}
