/*
 * import.c - `fairmatch import`: vacancies from JSON lines (stored in
 * batches while the engine's index pipe indexes them alongside, see
 * indexer_pipe_start), a regulator's recruiter list, and quota listings.
 * Good lines are kept; each bad line, and each line the write rules refuse
 * (a blacklisted recruiter, an unknown quota id), is reported with its number.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "engine/core/fs.h"
#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
#include "engine/quota/quota.h"
#include "engine/vacancy.h"

#define LINE_MAX_BYTES (1024 * 1024)

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
	double el = cli_now() - st->start, rate = el > 0 ? (double)st->good / el : 0;
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

/* Indexing while the import stores (indexer_pipe_start): on two or more
 * cores the index build overlaps the PostgreSQL inserts instead of
 * following them. */
static int pipe_start(indexer_pipe **ip, const char *conninfo, const char *path)
{
	if (fs_mkdir_parents(path)) {
		fprintf(stderr, "fairmatch: cannot create %s\n", path);
		return -1;
	}
	if (indexer_pipe_start(conninfo, path, ip)) {
		fprintf(stderr, "fairmatch: cannot start the index thread\n");
		return -1;
	}
	return 0;
}

/* The index usually trails the inserts: show it catching up. */
static void pipe_tick(uint64_t applied, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rindex: %llu applied   ", (unsigned long long)applied);
}

/* Tells the pipe the import is over and waits for its last pass. */
static int pipe_finish(indexer_pipe *ip)
{
	char err[512];
	uint64_t applied = 0;
	int rc = indexer_pipe_finish(ip, pipe_tick, NULL, &applied, err, sizeof err);

	if (rc == 1) {
		fprintf(stderr, "index: held by a running server, which applies the import\n");
		return 0;
	}
	if (rc) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return -1;
	}
	if (applied)
		fprintf(stderr, "\rindex: %llu applied   \n", (unsigned long long)applied);
	return 0;
}

/* A document of the batch the write rules refuse (a blacklisted recruiter,
 * an unknown quota id): reported like a bad line, under its line number. */
struct flush_report {
	struct import_state *st;
	const uint64_t *lines; /* the line number of each batch entry */
};

static void flush_rejected(size_t index, const problem *p, void *arg)
{
	struct flush_report *fr = arg;

	fr->st->good--;
	fr->st->bad++;
	report_line(fr->lines[index], p);
}

static int flush_batch(store *s, const char *org, json_t **batch, const uint64_t *lines,
		       size_t *n, struct import_state *st)
{
	struct flush_report fr = {st, lines};
	problem p;
	int rc;
	size_t i;

	if (*n == 0)
		return 0;
	problem_init(&p);
	rc = vacancy_insert_batch(s, org, batch, *n, flush_rejected, &fr, NULL, &p);
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
	store *s = cli_open_store(c->conninfo);
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
	store *s = cli_open_store(c->conninfo);
	int rc;

	if (!s)
		return 1;
	rc = quota_import_file(s, path, stderr, &good, &bad);
	store_close(s);
	fprintf(stderr, "import: %llu quota listings stored, %llu rejected\n",
		(unsigned long long)good, (unsigned long long)bad);
	return rc || bad ? 1 : 0;
}

int cli_import(int argc, char **argv)
{
	static const struct option opts[] = {{"org", 1, 0, 'o'}, {"db", 1, 0, 'd'},
					     {"index", 1, 0, 'i'}, {"batch", 1, 0, 'b'},
					     {"no-index", 0, 0, 'n'}, {"help", 0, 0, 'h'},
					     {0, 0, 0, 0}};
	struct common c;
	const char *org = "sample-employer", *kind, *path;
	size_t batch_max = 1000, n = 0, cap = 0;
	json_t **batch = NULL;
	uint64_t *batch_lines = NULL;
	struct import_state st = {0};
	char *line = NULL;
	ssize_t len;
	int o, no_index = 0, rc = 1, piped = 0;
	store *s = NULL;
	struct stat sb;
	indexer_pipe *ipipe = NULL;
	double last = 0;

	cli_common_init(&c);
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
			       "  suspended: warning flag, cancelled or banned: blacklist flag) and an\n"
			       "  optional evidence (the list's own words, kept in the flag's evidence).\n"
			       "  One vacancy per line, as POST /v1/vacancies takes it, under the same rules\n"
			       "  (a blacklisted recruiter or an unknown quota id refuses it). Good lines are\n"
			       "  kept, each bad or refused line is reported with its number and reason; the\n"
			       "  exit status is 1 when any line was rejected.\n"
			       "  --org ORG     the employer organisation owning them (default sample-employer)\n"
			       "  --batch N     vacancies per transaction (default 1000)\n"
			       "  --no-index    leave indexing to a running server\n%s",
			       cli_common_help);
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
	s = cli_open_store(c.conninfo);
	batch = calloc(batch_max, sizeof *batch);
	batch_lines = calloc(batch_max, sizeof *batch_lines);
	if (!s || !batch || !batch_lines)
		goto out;
	st.start = cli_now();
	if (!no_index) {
		if (pipe_start(&ipipe, c.conninfo, c.index))
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
			problem_set(&p, PROBLEM_TOO_LARGE, "the line is longer than 1 MiB");
		} else if (!(in = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr))) {
			problem_set(&p, PROBLEM_MALFORMED, "malformed JSON at column %d: %s",
				    jerr.column, jerr.text);
		} else {
			vacancy_validate(in, &doc, &p);
			json_decref(in);
		}
		if (!doc) {
			st.bad++;
			report_line(st.lines, &p);
		} else {
			batch_lines[n] = st.lines;
			batch[n++] = doc;
			st.good++;
		}
		problem_release(&p);
		if (n == batch_max) {
			if (flush_batch(s, org, batch, batch_lines, &n, &st))
				goto out;
			if (piped)
				indexer_pipe_kick(ipipe, 0);
			if (cli_now() - last > 0.5) {
				if (piped)
					st.indexed = indexer_pipe_applied(ipipe);
				import_progress(&st, 0);
				last = cli_now();
			}
		}
	}
	if (flush_batch(s, org, batch, batch_lines, &n, &st))
		goto out;
	import_progress(&st, 1);
	if (piped) {
		piped = 0;
		if (pipe_finish(ipipe))
			goto out;
	}
	rc = st.bad ? 1 : 0;
out:
	if (piped && pipe_finish(ipipe) == 0)
		(void)0; /* what was stored is indexed; the exit status stays 1 */
	for (size_t i = 0; i < n; i++)
		json_decref(batch[i]);
	free(batch);
	free(batch_lines);
	free(line);
	if (st.in && st.in != stdin)
		fclose(st.in);
	store_close(s);
	return rc;
}
