/*
 * main.c - the fairmatch command line: serve, import, reindex, verify, keys,
 * migrate, sample. Every command takes --help, --db CONNINFO (default
 * FAIRMATCH_DB, else the private cluster under ./var) and, where it
 * touches the index, --index DIR (default FAIRMATCH_INDEX, else ./var/index).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/privacy.h"
#include "engine/taxonomy/esco.h"
#include "data/sample.h"
#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"
#include "engine/keys.h"
#include "engine/quota/quota.h"
#include "engine/retention.h"
#include "engine/store/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"
#include "index/schema.h"

#define LINE_MAX_BYTES (1024 * 1024)

struct common {
	char conninfo[4096];
	const char *index;
};

static const char usage_main[] =
	"usage: fairmatch COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  serve      run the HTTP API\n"
	"  import     bulk-import vacancies from JSON lines\n"
	"  reindex    rebuild the search index from PostgreSQL\n"
	"  verify     compare the index with PostgreSQL; non-zero on any difference\n"
	"  keys       create API keys (bearer tokens)\n"
	"  migrate    apply missing schema migrations\n"
	"  sample     write generated sample vacancies or profiles as JSON lines\n"
	"  retention  erase profiles untouched for N months (retention --months N)\n"
	"  compact    rewrite the profiles table so erased rows leave its files\n"
	"  taxonomy   load ESCO and build the taxonomy index (taxonomy load)\n"
	"\n"
	"Run 'fairmatch COMMAND --help' for a command's options.\n";

static const char common_help[] =
	"  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else the cluster under ./var)\n"
	"  --index DIR     the search index (default $FAIRMATCH_INDEX, else ./var/index)\n"
	"  --help          this text\n";

static void common_init(struct common *c)
{
	const char *ix = getenv("FAIRMATCH_INDEX");

	store_default_conninfo(c->conninfo, sizeof c->conninfo);
	c->index = ix && *ix ? ix : "var/index";
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Connects and applies migrations; prints the reason on failure. */
static store *open_store(const struct common *c)
{
	char err[512];
	store *s;

	if (store_connect(c->conninfo, &s, err, sizeof err)) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return NULL;
	}
	if (store_migrate(s)) {
		fprintf(stderr, "fairmatch: migrating the schema: %s\n", store_error(s));
		store_close(s);
		return NULL;
	}
	return s;
}

static int mkdir_parents(const char *path)
{
	char buf[4096];
	size_t i;

	snprintf(buf, sizeof buf, "%s", path);
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		buf[i] = '/';
	}
	return 0;
}

/* ---- serve ---- */

static int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"listen", 1, 0, 'l'}, {"db", 1, 0, 'd'},
					     {"index", 1, 0, 'i'}, {"port-file", 1, 0, 'p'},
					     {"threads", 1, 0, 't'}, {"max-per-ip", 1, 0, 'm'},
					     {"retention-months", 1, 0, 'R'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct common c;
	struct api_config cfg = {.listen = "127.0.0.1:8080"};
	char server_conninfo[4096];
	const char *env_months = getenv("FAIRMATCH_RETENTION_MONTHS");
	int retention_months = 0;
	index_db *w = NULL;
	index_error e;
	store *s;
	int o, rc;

	common_init(&c);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l': cfg.listen = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'i': c.index = optarg; break;
		case 'p': cfg.port_file = optarg; break;
		case 't': cfg.threads = (unsigned)atoi(optarg); break;
		case 'm': cfg.max_per_ip = (unsigned)atoi(optarg); break;
		case 'R': env_months = optarg; break;
		case 'h':
			printf("usage: fairmatch serve [--listen HOST:PORT] [--db CONNINFO] [--index DIR]\n"
			       "                       [--port-file FILE] [--threads N] [--max-per-ip N]\n"
			       "                       [--retention-months N]\n"
			       "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080; port 0: any free)\n"
			       "  --port-file FILE    write the bound port there once listening\n"
			       "  --threads N         HTTP worker threads (default: one per core)\n"
			       "  --max-per-ip N      concurrent connections per client address (default 128)\n"
			       "  --retention-months N  erase profiles untouched for N months, hourly\n"
			       "                      (default $FAIRMATCH_RETENTION_MONTHS, else never)\n%s",
			       common_help);
			return 0;
		default: return 2;
		}
	}
	if (env_months && *env_months) {
		retention_months = retention_parse_months(env_months);
		if (retention_months < 0) {
			fprintf(stderr, "fairmatch: retention months must be a whole number from 1 to %d\n",
				RETENTION_MONTHS_MAX);
			return 2;
		}
	}
	s = open_store(&c);
	if (!s)
		return 1;
	store_close(s);
	/* Make sure an index exists before readers open it; if another
	 * process holds the write lock, the index exists already. */
	if (mkdir_parents(c.index) == 0 && index_open_writable(c.index, &w, &e) == 0)
		index_close(w);
	/* Everything after the migration logs in as the server role, which
	 * owns no table and is held to the acting organisation by row-level
	 * security (data/sql/006_roles.sql). */
	store_server_conninfo(c.conninfo, server_conninfo, sizeof server_conninfo);
	{
		char serr[512];

		if (store_connect(server_conninfo, &s, serr, sizeof serr)) {
			fprintf(stderr, "fairmatch: logging in as %s: %s (on a cluster with passwords,"
				" set FAIRMATCH_SERVER_DB)\n", STORE_SERVER_ROLE, serr);
			return 1;
		}
		store_close(s);
	}
	cfg.conninfo = server_conninfo;
	cfg.index_path = c.index;
	/* ESCO and the taxonomy index before the first write needs them (the
	 * index is built here when missing or stale). */
	{
		char terr[512];

		json_t *warm;

		if (taxonomy_init(terr, sizeof terr)) {
			fprintf(stderr, "fairmatch: taxonomy: %s\n", terr);
			return 1;
		}
		/* The labels in memory are built on first use (under a second of
		 * CPU): build them now, not on the first request. */
		if ((warm = json_array()) != NULL) {
			(void)taxonomy_suggest(NULL, ESCO_KIND_SKILL, "a", "en", 1, warm);
			json_decref(warm);
		}
	}
	if (indexer_start(server_conninfo, c.index)) {
		fprintf(stderr, "fairmatch: cannot start the indexer\n");
		return 1;
	}
	/* The legal-form table now, not on the first request; then the
	 * snapshot of flagged recruiters and its LISTEN thread. */
	if (names_init() || integrity_start(server_conninfo)) {
		fprintf(stderr, "fairmatch: cannot start the integrity snapshot\n");
		indexer_stop();
		return 1;
	}
	if (retention_start(server_conninfo, retention_months)) {
		fprintf(stderr, "fairmatch: cannot start the retention thread\n");
		integrity_stop();
		indexer_stop();
		return 1;
	}
	rc = api_serve(&cfg);
	retention_stop();
	integrity_stop();
	indexer_stop();
	return rc;
}

/* ---- import ---- */

struct import_state {
	double start;
	uint64_t good, bad, lines;
	off_t size;
	FILE *in;
	int piped;        /* an index thread runs alongside */
	uint64_t indexed; /* what it has applied so far */
};

static void import_progress(struct import_state *st, int final)
{
	double el = now_s() - st->start, rate = el > 0 ? (double)st->good / el : 0;
	off_t pos = st->in ? ftello(st->in) : -1;
	double eta = -1;

	if (st->size > 0 && pos > 0)
		eta = el * (double)(st->size - pos) / (double)pos;
	if (eta >= 0 && !final)
		fprintf(stderr, "\rimport: %llu stored, %llu rejected, %.0f/s, ETA %.0fs%s%llu indexed   ",
			(unsigned long long)st->good, (unsigned long long)st->bad, rate, eta,
			st->piped ? ", " : "", (unsigned long long)st->indexed);
	else
		fprintf(stderr, "\rimport: %llu stored, %llu rejected, %.0f/s%s",
			(unsigned long long)st->good, (unsigned long long)st->bad, rate,
			final ? "\n" : "   ");
}

static void report_line(uint64_t line, const problem *p)
{
	size_t i;
	json_t *e;

	fprintf(stderr, "\nline %llu: %s", (unsigned long long)line, p->detail);
	json_array_foreach(p->errors, i, e) {
		if (i == 0 && strstr(p->detail, json_string_value(json_object_get(e, "field"))))
			continue;
		fprintf(stderr, "; %s: %s", json_string_value(json_object_get(e, "field")),
			json_string_value(json_object_get(e, "message")));
	}
	fputc('\n', stderr);
}

/* Indexing while the import stores: on two or more cores the index build
 * (the slower half) overlaps the PostgreSQL inserts instead of following
 * them. A thread with the index's writer applies the change log as batches
 * commit, exactly as the server's indexer would, through
 * indexer_bulk_apply (whose own builder thread reads and builds the next
 * batch meanwhile); it stops once the last batch is stored and applied.
 * Batches of 10,000 documents per Xapian commit (the server uses 1,000):
 * fewer, larger commits are what a bulk load wants. */
#define IMPORT_INDEX_BATCH 10000

struct index_pipe {
	const char *conninfo, *path;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stored_all; /* the reader has committed its last batch */
	int finished;   /* the thread has made its last commit */
	int rc;         /* 0 ok, -1 failed, 1 the index is held by a server */
	uint64_t applied;
	char err[512];
};

static int index_pipe_done(void *arg)
{
	struct index_pipe *ip = arg;
	int done;

	pthread_mutex_lock(&ip->lock);
	done = ip->stored_all;
	pthread_mutex_unlock(&ip->lock);
	return done;
}

/* Until the next stored batch (index_pipe_kick) or 0.2 s. */
static void index_pipe_wait(void *arg)
{
	struct index_pipe *ip = arg;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ip->lock);
	if (!ip->stored_all)
		pthread_cond_timedwait(&ip->cond, &ip->lock, &until);
	pthread_mutex_unlock(&ip->lock);
}

static void index_pipe_progress(uint64_t applied, int64_t last_seq, void *arg)
{
	struct index_pipe *ip = arg;

	(void)last_seq;
	pthread_mutex_lock(&ip->lock);
	ip->applied = applied;
	pthread_mutex_unlock(&ip->lock);
}

static void *index_pipe_main(void *arg)
{
	struct index_pipe *ip = arg;
	const struct indexer_feed feed = {index_pipe_done, index_pipe_wait, ip};
	index_db *w = NULL;
	index_error e = {{0}};
	int rc;

	rc = index_open_writable(ip->path, &w, &e);
	if (rc) {
		ip->rc = rc == INDEX_ELOCK ? 1 : -1;
		snprintf(ip->err, sizeof ip->err, "opening the index: %s", e.msg);
	} else if (indexer_bulk_apply(ip->conninfo, w, IMPORT_INDEX_BATCH, &feed, NULL,
				      index_pipe_progress, ip, ip->err, sizeof ip->err)) {
		ip->rc = -1;
	}
	index_close(w);
	pthread_mutex_lock(&ip->lock);
	ip->finished = 1;
	pthread_cond_broadcast(&ip->cond);
	pthread_mutex_unlock(&ip->lock);
	return NULL;
}

static int index_pipe_start(struct index_pipe *ip, const char *conninfo, const char *path)
{
	memset(ip, 0, sizeof *ip);
	ip->conninfo = conninfo;
	ip->path = path;
	if (mkdir_parents(path)) {
		fprintf(stderr, "fairmatch: cannot create %s\n", path);
		return -1;
	}
	pthread_mutex_init(&ip->lock, NULL);
	pthread_cond_init(&ip->cond, NULL);
	if (pthread_create(&ip->thread, NULL, index_pipe_main, ip)) {
		fprintf(stderr, "fairmatch: cannot start the index thread\n");
		return -1;
	}
	return 0;
}

static uint64_t index_pipe_applied(struct index_pipe *ip)
{
	uint64_t n;

	pthread_mutex_lock(&ip->lock);
	n = ip->applied;
	pthread_mutex_unlock(&ip->lock);
	return n;
}

static void index_pipe_kick(struct index_pipe *ip, int stored_all)
{
	pthread_mutex_lock(&ip->lock);
	if (stored_all)
		ip->stored_all = 1;
	pthread_cond_broadcast(&ip->cond);
	pthread_mutex_unlock(&ip->lock);
}

/* Tells the thread the import is over and waits for its last pass. */
static int index_pipe_finish(struct index_pipe *ip)
{
	index_pipe_kick(ip, 1);
	/* The index usually trails the inserts: show it catching up. */
	pthread_mutex_lock(&ip->lock);
	while (!ip->finished) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&ip->cond, &ip->lock, &until);
		if (!ip->finished && ip->rc == 0)
			fprintf(stderr, "\rindex: %llu applied   ", (unsigned long long)ip->applied);
	}
	pthread_mutex_unlock(&ip->lock);
	pthread_join(ip->thread, NULL);
	pthread_mutex_destroy(&ip->lock);
	pthread_cond_destroy(&ip->cond);
	if (ip->rc == 1) {
		fprintf(stderr, "index: held by a running server, which applies the import\n");
		return 0;
	}
	if (ip->rc) {
		fprintf(stderr, "fairmatch: %s\n", ip->err);
		return -1;
	}
	if (ip->applied)
		fprintf(stderr, "\rindex: %llu applied   \n", (unsigned long long)ip->applied);
	return 0;
}

static int flush_batch(store *s, const char *org, json_t **batch, size_t *n)
{
	problem p;
	int rc;
	size_t i;

	if (*n == 0)
		return 0;
	problem_init(&p);
	rc = vacancy_insert_batch(s, org, batch, *n, NULL, &p);
	if (rc)
		fprintf(stderr, "\nfairmatch: storing a batch: %s\n", p.detail);
	problem_release(&p);
	for (i = 0; i < *n; i++)
		json_decref(batch[i]);
	*n = 0;
	return rc;
}

/* fairmatch import recruiters FILE.csv: a regulator's list (see
 * integrity_import_csv); --org names the regulator when the file's
 * authority column is empty. Exit 1 when any line was rejected. */
static int import_recruiters(const struct common *c, const char *path, const char *org)
{
	uint64_t good = 0, bad = 0;
	store *s = open_store(c);
	int rc;

	if (!s)
		return 1;
	rc = integrity_import_csv(s, path, strcmp(org, "sample-employer") ? org : "cli", stderr,
				  &good, &bad);
	store_close(s);
	fprintf(stderr, "import: %llu recruiters stored, %llu rejected\n", (unsigned long long)good,
		(unsigned long long)bad);
	return rc || bad ? 1 : 0;
}

/* fairmatch import quotas FILE.csv|FILE.jsonl: quota listings (see
 * quota_import_file). Exit 1 when any line was rejected. */
static int import_quotas(const struct common *c, const char *path)
{
	uint64_t good = 0, bad = 0;
	store *s = open_store(c);
	int rc;

	if (!s)
		return 1;
	rc = quota_import_file(s, path, stderr, &good, &bad);
	store_close(s);
	fprintf(stderr, "import: %llu quota listings stored, %llu rejected\n",
		(unsigned long long)good, (unsigned long long)bad);
	return rc || bad ? 1 : 0;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"org", 1, 0, 'o'}, {"db", 1, 0, 'd'},
					     {"index", 1, 0, 'i'}, {"batch", 1, 0, 'b'},
					     {"no-index", 0, 0, 'n'}, {"help", 0, 0, 'h'},
					     {0, 0, 0, 0}};
	struct common c;
	const char *org = "sample-employer", *kind, *path;
	size_t batch_max = 1000, n = 0, cap = 0;
	json_t **batch = NULL;
	struct import_state st = {0};
	char *line = NULL;
	ssize_t len;
	int o, no_index = 0, rc = 1, piped = 0;
	store *s = NULL;
	struct stat sb;
	struct index_pipe ipipe;
	double last = 0;

	common_init(&c);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'o': org = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'i': c.index = optarg; break;
		case 'b': batch_max = (size_t)strtoul(optarg, NULL, 10); break;
		case 'n': no_index = 1; break;
		case 'h':
			printf("usage: fairmatch import vacancies FILE.jsonl|- [--org ORG] [--batch N] [--no-index]\n"
			       "       fairmatch import recruiters FILE.csv [--org REGULATOR]\n"
			       "       fairmatch import quotas FILE.csv|FILE.jsonl\n"
			       "  quotas: listings as POST /v1/quotas takes them, one per line (.jsonl), or\n"
			       "  CSV (.csv) with the header columns agreement, origin_countries\n"
			       "  (|-separated), destination_country, occupation, slots, valid_from,\n"
			       "  valid_until, conditions, illustrative.\n"
			       "  recruiters: a regulator's list, CSV with the header columns name, aliases\n"
			       "  (|-separated), country, licence, authority, valid_until, status (valid,\n"
			       "  suspended: warning flag, cancelled or banned: blacklist flag).\n"
			       "  One vacancy per line, as POST /v1/vacancies takes it. Good lines are kept,\n"
			       "  each bad line is reported with its number and reason; the exit status is\n"
			       "  1 when any line was rejected.\n"
			       "  --org ORG     the employer organisation owning them (default sample-employer)\n"
			       "  --batch N     vacancies per transaction (default 1000)\n"
			       "  --no-index    leave indexing to a running server\n%s",
			       common_help);
			return 0;
		default: return 2;
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "recruiters") == 0)
		return import_recruiters(&c, argv[optind + 1], org);
	if (argc - optind == 2 && strcmp(argv[optind], "quotas") == 0)
		return import_quotas(&c, argv[optind + 1]);
	if (argc - optind != 2 || strcmp(argv[optind], "vacancies") != 0) {
		fprintf(stderr, "usage: fairmatch import vacancies FILE.jsonl|-  (see --help)\n"
				"       fairmatch import recruiters FILE.csv [--org REGULATOR]\n"
				"       fairmatch import quotas FILE.csv|FILE.jsonl\n");
		return 2;
	}
	if (batch_max == 0 || batch_max > 100000)
		batch_max = 1000;
	kind = argv[optind];
	(void)kind;
	path = argv[optind + 1];
	st.in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!st.in) {
		fprintf(stderr, "fairmatch: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fileno(st.in), &sb) == 0 && S_ISREG(sb.st_mode))
		st.size = sb.st_size;
	s = open_store(&c);
	batch = calloc(batch_max, sizeof *batch);
	if (!s || !batch)
		goto out;
	st.start = now_s();
	if (!no_index) {
		if (index_pipe_start(&ipipe, c.conninfo, c.index))
			goto out;
		piped = 1;
		st.piped = 1;
	}
	while ((len = getline(&line, &cap, st.in)) >= 0) {
		json_t *in, *doc = NULL;
		json_error_t jerr;
		problem p;

		st.lines++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		problem_init(&p);
		if (len > LINE_MAX_BYTES) {
			problem_set(&p, 413, "Too large", "the line is longer than 1 MiB");
		} else if (!(in = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr))) {
			problem_set(&p, 400, "Malformed JSON", "malformed JSON at column %d: %s",
				    jerr.column, jerr.text);
		} else {
			vacancy_validate(in, &doc, &p);
			json_decref(in);
		}
		if (!doc) {
			st.bad++;
			report_line(st.lines, &p);
		} else {
			batch[n++] = doc;
			st.good++;
		}
		problem_release(&p);
		if (n == batch_max) {
			if (flush_batch(s, org, batch, &n))
				goto out;
			if (piped)
				index_pipe_kick(&ipipe, 0);
			if (now_s() - last > 0.5) {
				if (piped)
					st.indexed = index_pipe_applied(&ipipe);
				import_progress(&st, 0);
				last = now_s();
			}
		}
	}
	if (flush_batch(s, org, batch, &n))
		goto out;
	import_progress(&st, 1);
	if (piped) {
		piped = 0;
		if (index_pipe_finish(&ipipe))
			goto out;
	}
	rc = st.bad ? 1 : 0;
out:
	if (piped && index_pipe_finish(&ipipe) == 0)
		(void)0; /* what was stored is indexed; the exit status stays 1 */
	for (size_t i = 0; i < n; i++)
		json_decref(batch[i]);
	free(batch);
	free(line);
	if (st.in && st.in != stdin)
		fclose(st.in);
	store_close(s);
	return rc;
}

/* ---- reindex and verify ---- */

static int parse_common_only(int argc, char **argv, struct common *c, const char *help)
{
	static const struct option opts[] = {{"db", 1, 0, 'd'}, {"index", 1, 0, 'i'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	int o;

	common_init(c);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': snprintf(c->conninfo, sizeof c->conninfo, "%s", optarg); break;
		case 'i': c->index = optarg; break;
		case 'h': printf("%s%s", help, common_help); return 0;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fairmatch: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

static int cmd_reindex(int argc, char **argv)
{
	struct common c;
	index_db *w = NULL;
	index_error e = {{0}};
	char err[512];
	uint64_t count = 0;
	double t0 = now_s();
	int rc = parse_common_only(argc, argv, &c,
				   "usage: fairmatch reindex [--db CONNINFO] [--index DIR]\n"
				   "  Rebuilds the index from PostgreSQL (stop the server first: it holds the\n"
				   "  index's write lock).\n");
	store *s;

	if (rc >= 0)
		return rc;
	s = open_store(&c);
	if (!s)
		return 1;
	if (mkdir_parents(c.index) || (rc = index_open_writable(c.index, &w, &e))) {
		fprintf(stderr, "fairmatch: opening the index: %s\n",
			rc == INDEX_ELOCK ? "a running server holds it; stop it first" : e.msg);
		store_close(s);
		return 1;
	}
	rc = indexer_rebuild(s, c.conninfo, w, &count, err, sizeof err);
	if (rc)
		fprintf(stderr, "fairmatch: %s\n", err);
	else
		fprintf(stderr, "reindex: %llu changes applied in %.1fs\n", (unsigned long long)count,
			now_s() - t0);
	index_close(w);
	store_close(s);
	return rc ? 1 : 0;
}

static int cmd_verify(int argc, char **argv)
{
	struct common c;
	index_db *db = NULL;
	index_error e = {{0}};
	PGresult *r;
	uint64_t docs = 0, missing = 0;
	int64_t seq, newest;
	int rc = parse_common_only(argc, argv, &c,
				   "usage: fairmatch verify [--db CONNINFO] [--index DIR]\n"
				   "  Compares the index with PostgreSQL: every open vacancy with positions\n"
				   "  left is in the index once, and nothing else is. Exit 1 on any difference.\n");
	store *s;

	if (rc >= 0)
		return rc;
	s = open_store(&c);
	if (!s)
		return 1;
	if (index_open_readonly(c.index, &db, &e)) {
		fprintf(stderr, "fairmatch: opening the index: %s\n", e.msg);
		store_close(s);
		return 1;
	}
	r = store_exec(s, "SELECT id FROM vacancies WHERE status = 'open' AND positions > 0", 0, NULL);
	if (!r || index_doc_count(db, &docs, &e)) {
		fprintf(stderr, "fairmatch: %s\n", r ? e.msg : store_error(s));
		PQclear(r);
		index_close(db);
		store_close(s);
		return 1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		char term[40];
		int exists = 0;

		snprintf(term, sizeof term, "%s%s", VX_ID, PQgetvalue(r, i, 0));
		if (index_term_exists(db, term, &exists, &e) || !exists) {
			if (missing++ < 10)
				fprintf(stderr, "verify: v_%s is open in PostgreSQL but not in the index\n",
					PQgetvalue(r, i, 0));
		}
	}
	seq = indexer_index_seq(db);
	newest = 0;
	{
		PGresult *m = store_exec(s, "SELECT coalesce(max(seq), 0) FROM change_log", 0, NULL);

		if (m) {
			newest = strtoll(PQgetvalue(m, 0, 0), NULL, 10);
			PQclear(m);
		}
	}
	rc = missing == 0 && docs == (uint64_t)PQntuples(r) ? 0 : 1;
	printf("verify: postgresql %d open vacancies, index %llu documents, %llu missing, "
	       "%lld extra, index seq %lld of %lld: %s\n",
	       PQntuples(r), (unsigned long long)docs, (unsigned long long)missing,
	       (long long)docs - (long long)(PQntuples(r) - (int)missing), (long long)seq,
	       (long long)newest, rc ? "DIFFERENT" : "ok");
	PQclear(r);
	index_close(db);
	store_close(s);
	return rc;
}

/* ---- keys and migrate ---- */

static int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {{"role", 1, 0, 'r'}, {"org", 1, 0, 'o'},
					     {"db", 1, 0, 'd'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct common c;
	const char *role = NULL, *org = NULL;
	char token[KEYS_TOKEN_LEN + 1], err[512];
	store *s;
	int o, rc;

	common_init(&c);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r': role = optarg; break;
		case 'o': org = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'h':
			printf("usage: fairmatch keys create --role counsellor|employer|regulator|admin --org ORG\n"
			       "  Prints a new bearer token alone on stdout; only its hash is stored.\n"
			       "  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else ./var)\n");
			return 0;
		default: return 2;
		}
	}
	if (argc - optind != 1 || strcmp(argv[optind], "create") != 0 || !role || !org) {
		fprintf(stderr, "usage: fairmatch keys create --role ROLE --org ORG  (see --help)\n");
		return 2;
	}
	if (keys_role_parse(role) == ROLE_NONE) {
		fprintf(stderr, "fairmatch: unknown role '%s' (counsellor, employer, regulator, admin)\n", role);
		return 2;
	}
	s = open_store(&c);
	if (!s)
		return 1;
	rc = keys_create(s, keys_role_parse(role), org, token, sizeof token, err, sizeof err);
	store_close(s);
	if (rc) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return 1;
	}
	printf("%s\n", token);
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	struct common c;
	int rc = parse_common_only(argc, argv, &c, "usage: fairmatch migrate [--db CONNINFO]\n");
	store *s;

	if (rc >= 0)
		return rc;
	s = open_store(&c);
	store_close(s);
	return s ? 0 : 1;
}

/* ---- sample ---- */

static int cmd_sample(int argc, char **argv)
{
	static const struct option opts[] = {{"count", 1, 0, 'c'}, {"seed", 1, 0, 's'},
					     {"data", 1, 0, 'D'}, {"help", 0, 0, 'h'},
					     {0, 0, 0, 0}};
	unsigned long long count = 10000, seed = 1;
	const char *dir = NULL;
	char err[512];
	esco *tax = NULL;
	int o, rc;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': count = strtoull(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'D': dir = optarg; break;
		case 'h':
			printf("usage: fairmatch sample vacancies|profiles [--count N] [--seed S] [--data DIR]\n"
			       "  Writes N generated records (built from the real ESCO data) as JSON lines on\n"
			       "  stdout; the same seed always gives the same bytes.\n"
			       "  --count N    how many (default 10000)\n"
			       "  --seed S     the generator's seed (default 1)\n"
			       "  --data DIR   the ESCO files (default data/esco)\n");
			return 0;
		default: return 2;
		}
	}
	if (argc - optind != 1 ||
	    (strcmp(argv[optind], "vacancies") != 0 && strcmp(argv[optind], "profiles") != 0)) {
		fprintf(stderr, "usage: fairmatch sample vacancies|profiles [--count N] [--seed S]\n");
		return 2;
	}
	if (esco_load(dir, &tax, err, sizeof err)) {
		fprintf(stderr, "fairmatch: loading ESCO: %s\n", err);
		return 1;
	}
	if (strcmp(argv[optind], "vacancies") == 0)
		rc = sample_vacancies(tax, stdout, count, seed, err, sizeof err);
	else
		rc = sample_profiles(tax, stdout, count, seed, err, sizeof err);
	esco_free(tax);
	if (rc || fflush(stdout)) {
		fprintf(stderr, "fairmatch: sample: %s\n", rc ? err : strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- taxonomy ---- */

static int cmd_taxonomy(int argc, char **argv)
{
	char err[512];
	size_t n = 0;
	double t0 = now_s();

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: fairmatch taxonomy load\n"
		       "  Loads ESCO (data/esco, or $FAIRMATCH_ESCO_DIR) and rebuilds the taxonomy\n"
		       "  index ($FAIRMATCH_TAXONOMY, else var/taxonomy) in a fresh directory that is\n"
		       "  then renamed into place; running it again gives the same index.\n");
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "load") != 0) {
		fprintf(stderr, "usage: fairmatch taxonomy load  (see --help)\n");
		return 2;
	}
	if (taxonomy_init(err, sizeof err) ||
	    taxonomy_build(taxonomy_esco(), taxonomy_path(), NULL, NULL, &n, err, sizeof err)) {
		fprintf(stderr, "fairmatch: taxonomy: %s\n", err);
		return 1;
	}
	fprintf(stderr, "taxonomy: %zu occupations, %zu skills, %zu labels indexed at %s in %.1fs\n",
		esco_occupation_count(taxonomy_esco()), esco_skill_count(taxonomy_esco()), n,
		taxonomy_path(), now_s() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {{"serve", cmd_serve},   {"import", cmd_import}, {"reindex", cmd_reindex},
		    {"verify", cmd_verify}, {"keys", cmd_keys},     {"migrate", cmd_migrate},
		    {"sample", cmd_sample}, {"taxonomy", cmd_taxonomy},
		    {"retention", cli_retention}, {"compact", cli_compact}};
	size_t i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "fairmatch: unknown command '%s'\n%s", argv[1], usage_main);
	return 2;
}
