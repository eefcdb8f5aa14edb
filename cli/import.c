/*
 * import.c - `fairmatch import`: vacancies from JSON lines, CSV with a
 * header, or a JSON document (an array, a schema.org JobPosting, a JSON-LD
 * @graph), stored in batches while the engine's index pipe indexes them
 * alongside (see indexer_pipe_start); a regulator's recruiter list; quota
 * listings. Good lines are kept; each bad line, and each line the write
 * rules refuse (a blacklisted recruiter, an unknown quota id), is reported
 * with its number (an item of a JSON document with its index). --dry-run
 * checks everything, the write rules included, and stores nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "engine/core/csv.h"
#include "engine/core/buf.h"
#include "engine/core/fs.h"
#include "engine/core/iso.h"
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
	const char *verb; /* "stored", or "valid" in a dry run */
};

static void import_progress(struct import_state *st, int final)
{
	double el = cli_now() - st->start, rate = el > 0 ? (double)st->good / el : 0;
	off_t pos = st->in ? ftello(st->in) : -1;
	double eta = -1;

	if (st->size > 0 && pos > 0)
		eta = el * (double)(st->size - pos) / (double)pos;
	if (eta >= 0 && !final)
		fprintf(stderr, "\rimport: %llu %s, %llu rejected, %.0f/s, ETA %.0fs%s%llu indexed   ",
			(unsigned long long)st->good, st->verb, (unsigned long long)st->bad, rate, eta,
			st->piped ? ", " : "", (unsigned long long)st->indexed);
	else
		fprintf(stderr, "\rimport: %llu %s, %llu rejected, %.0f/s%s",
			(unsigned long long)st->good, st->verb, (unsigned long long)st->bad, rate,
			final ? "\n" : "   ");
}

/* What a rejection is reported under: "line" (JSON lines, CSV) or "item"
 * (the index in a JSON document's array or @graph). */
static const char *report_unit = "line";

static void report_line(uint64_t line, const problem *p)
{
	size_t i;
	json_t *e;
	int first = 1;

	fprintf(stderr, "\n%s %llu: %s", report_unit, (unsigned long long)line, p->detail);
	json_array_foreach(p->errors, i, e) {
		if (i == 0 && p->detail[0] &&
		    strstr(p->detail, json_string_value(json_object_get(e, "field"))))
			continue;
		fprintf(stderr, "%s%s: %s", first && !p->detail[0] ? "" : "; ",
			json_string_value(json_object_get(e, "field")),
			json_string_value(json_object_get(e, "message")));
		first = 0;
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
static int pipe_finish(indexer_pipe *ip, const char *path)
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
	if (path)
		cli_compact_after_build(path, applied);
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

static int flush_batch(store *s, const char *org, int dry_run, json_t **batch,
		       const uint64_t *lines, size_t *n, struct import_state *st)
{
	struct flush_report fr = {st, lines};
	problem p;
	int rc;
	size_t i;

	if (*n == 0)
		return 0;
	problem_init(&p);
	rc = vacancy_import_batch(s, org, batch, *n, dry_run, flush_rejected, &fr, NULL, NULL, &p);
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

/* ---- vacancies ---- */

#define JSON_DOC_MAX (256L * 1024 * 1024) /* a JSON document is read whole */

struct vimport {
	struct import_state st;
	store *s;
	const char *org;
	int dry_run;
	struct vacancy_import_opts opts;
	json_t **batch;
	uint64_t *labels; /* the line (or item) of each batch entry */
	size_t n, max;
	indexer_pipe *ipipe;
	int piped;
	double last;
};

static void reject(struct vimport *v, uint64_t label, const problem *p)
{
	v->st.bad++;
	report_line(label, p);
}

/* A checked document joins the batch; a full batch is stored (or checked). */
static int take(struct vimport *v, uint64_t label, json_t *doc)
{
	v->labels[v->n] = label;
	v->batch[v->n++] = doc;
	v->st.good++;
	if (v->n < v->max)
		return 0;
	if (flush_batch(v->s, v->org, v->dry_run, v->batch, v->labels, &v->n, &v->st))
		return -1;
	if (v->piped)
		indexer_pipe_kick(v->ipipe, 0);
	if (cli_now() - v->last > 0.5) {
		if (v->piped)
			v->st.indexed = indexer_pipe_applied(v->ipipe);
		import_progress(&v->st, 0);
		v->last = cli_now();
	}
	return 0;
}

/* One item (a vacancy object or a JobPosting): mapped, validated, taken. */
static int take_item(struct vimport *v, uint64_t label, const json_t *in)
{
	json_t *doc = NULL;
	problem p;
	int rc = 0;

	problem_init(&p);
	if (vacancy_import_item(in, &v->opts, &doc, &p))
		reject(v, label, &p);
	else
		rc = take(v, label, doc);
	problem_release(&p);
	return rc;
}

/* JSON lines: one vacancy or JobPosting per line; first (when not NULL) is
 * the first line, already read. */
static int read_jsonl(struct vimport *v, FILE *in, char *first)
{
	char *line = first;
	size_t cap = first ? strlen(first) + 1 : 0;
	ssize_t len = first ? (ssize_t)strlen(first) : 0;
	int rc = 0;

	if (!first)
		len = getline(&line, &cap, in);
	for (; len >= 0 && rc == 0; len = getline(&line, &cap, in)) {
		json_t *item;
		json_error_t jerr;
		problem p;

		v->st.lines++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		problem_init(&p);
		if (len > LINE_MAX_BYTES) {
			problem_set(&p, PROBLEM_TOO_LARGE, "the line is longer than 1 MiB");
			reject(v, v->st.lines, &p);
		} else if (!(item = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr))) {
			problem_set(&p, PROBLEM_MALFORMED, "malformed JSON at column %d: %s",
				    jerr.column, jerr.text);
			reject(v, v->st.lines, &p);
		} else {
			rc = take_item(v, v->st.lines, item);
			json_decref(item);
		}
		problem_release(&p);
	}
	free(line);
	return rc;
}

/* CSV with a header of vacancy columns (docs/data.md); a row's errors are
 * reported under the line it starts on. */
static int read_csv(struct vimport *v, const char *path)
{
	const char *names[64], *values[64];
	char err[512];
	csv_reader *r = NULL;
	size_t n, i;
	problem p;
	int rc;

	if (csv_open(path, &r, err, sizeof err)) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return -1;
	}
	n = csv_column_count(r);
	problem_init(&p);
	for (i = 0; i < n && i < 64; i++)
		names[i] = csv_column_name(r, i);
	if (n > 64 || vacancy_csv_header(names, n, &p)) {
		if (n > 64)
			problem_set(&p, PROBLEM_INVALID, "more than 64 columns");
		reject(v, 1, &p);
		problem_release(&p);
		csv_close(r);
		return -1;
	}
	problem_release(&p);
	while ((rc = csv_next(r)) == 1) {
		json_t *row = NULL;

		v->st.lines = csv_line(r);
		for (i = 0; i < n; i++)
			values[i] = csv_field(r, i, NULL);
		problem_init(&p);
		if (csv_field_count(r) > n) {
			problem_set(&p, PROBLEM_INVALID, "%zu fields, the header has %zu",
				    csv_field_count(r), n);
			reject(v, csv_line(r), &p);
		} else if (vacancy_from_csv(names, values, n, &row, &p)) {
			reject(v, csv_line(r), &p);
		} else {
			rc = take_item(v, csv_line(r), row);
			json_decref(row);
		}
		problem_release(&p);
		if (rc < 0)
			break;
	}
	if (rc < 0 && csv_error(r)[0])
		fprintf(stderr, "fairmatch: %s\n", csv_error(r));
	csv_close(r);
	return rc < 0 ? -1 : 0;
}

/* A JSON document read whole: an array of items, a JobPosting, or a
 * JSON-LD @graph; prefix (may be NULL) is its first line, already read. */
static int read_json(struct vimport *v, FILE *in, const char *prefix)
{
	struct buf b;
	char chunk[65536];
	size_t got, i;
	json_t *doc, *items, *it;
	json_error_t jerr;
	problem p;
	int rc = 0;

	buf_init(&b, JSON_DOC_MAX);
	if (prefix && buf_add_str(&b, prefix)) {
		fprintf(stderr, "fairmatch: out of memory\n");
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
		if (buf_add(&b, chunk, got)) {
			fprintf(stderr, "fairmatch: a JSON document over 256 MiB: use JSON lines\n");
			return -1;
		}
	report_unit = "item";
	doc = json_loadb(b.p ? b.p : "", b.len, JSON_REJECT_DUPLICATES, &jerr);
	buf_release(&b);
	if (!doc) {
		fprintf(stderr, "fairmatch: malformed JSON at line %d, column %d: %s\n", jerr.line,
			jerr.column, jerr.text);
		return -1;
	}
	problem_init(&p);
	items = vacancy_import_items(doc, &p);
	if (!items) {
		fprintf(stderr, "fairmatch: %s\n",
			p.errors ? json_string_value(json_object_get(json_array_get(p.errors, 0),
								     "message"))
				 : p.detail);
		problem_release(&p);
		json_decref(doc);
		return -1;
	}
	problem_release(&p);
	json_array_foreach(items, i, it) {
		v->st.lines++;
		if (take_item(v, (uint64_t)json_integer_value(json_array_get(it, 0)),
			      json_array_get(it, 1))) {
			rc = -1;
			break;
		}
	}
	json_decref(items);
	json_decref(doc);
	return rc;
}

enum vformat { FORMAT_AUTO, FORMAT_JSONL, FORMAT_CSV, FORMAT_JSON };

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Reads the file in its format; auto: .csv/.csv.gz is CSV, else the first
 * line decides: "[" a JSON document, a whole JSON object JSON lines, "{"
 * without its end a (pretty-printed) JSON document, anything else CSV. */
static int read_vacancies(struct vimport *v, const char *path, FILE *in, enum vformat f)
{
	char *first = NULL, *s;
	size_t cap = 0;
	json_t *probe;

	if (f == FORMAT_AUTO && (ends_with(path, ".csv") || ends_with(path, ".csv.gz")))
		f = FORMAT_CSV;
	if (f == FORMAT_CSV) {
		if (in == stdin) {
			fprintf(stderr, "fairmatch: CSV is read from a file, not standard input\n");
			return -1;
		}
		return read_csv(v, path);
	}
	if (f == FORMAT_JSONL)
		return read_jsonl(v, in, NULL);
	if (f == FORMAT_JSON)
		return read_json(v, in, NULL);
	if (getline(&first, &cap, in) < 0) {
		free(first);
		return 0; /* empty */
	}
	for (s = first; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
		;
	/* A UTF-8 byte order mark before the JSON. */
	if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (*s == '[' || *s == '{') {
		probe = *s == '{' ? json_loads(s, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
		if (probe) {
			json_decref(probe);
			return read_jsonl(v, in, first); /* frees first */
		}
		{
			int rc = read_json(v, in, first);

			free(first);
			return rc;
		}
	}
	free(first);
	if (in == stdin) {
		fprintf(stderr, "fairmatch: CSV is read from a file, not standard input\n");
		return -1;
	}
	return read_csv(v, path);
}

int cli_import(int argc, char **argv)
{
	static const struct option opts[] = {{"org", 1, 0, 'o'},	{"db", 1, 0, 'd'},
					     {"index", 1, 0, 'i'},	{"batch", 1, 0, 'b'},
					     {"no-index", 0, 0, 'n'},	{"format", 1, 0, 'f'},
					     {"dry-run", 0, 0, 'r'},	{"country", 1, 0, 'c'},
					     {"hiring-organization", 1, 0, 'H'},
					     {"help", 0, 0, 'h'},	{0, 0, 0, 0}};
	struct common c;
	const char *org = "sample-employer", *path;
	struct vimport v = {0};
	enum vformat format = FORMAT_AUTO;
	int o, no_index = 0, rc = 1;
	struct stat sb;
	size_t i;

	v.max = 1000;
	v.st.verb = "stored";
	cli_common_init(&c);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'o': org = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'i': c.index = optarg; break;
		case 'b': v.max = (size_t)strtoul(optarg, NULL, 10); break;
		case 'n': no_index = 1; break;
		case 'r':
			v.dry_run = 1;
			v.st.verb = "valid";
			break;
		case 'c':
			if (!iso_country_valid(optarg)) {
				fprintf(stderr, "fairmatch: --country takes an ISO 3166-1 alpha-2 code\n");
				return 2;
			}
			v.opts.default_country = optarg;
			break;
		case 'H':
			if (strcmp(optarg, "recruiter") && strcmp(optarg, "employer")) {
				fprintf(stderr, "fairmatch: --hiring-organization is recruiter or employer\n");
				return 2;
			}
			v.opts.hiring_org_is_employer = strcmp(optarg, "employer") == 0;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				format = FORMAT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				format = FORMAT_CSV;
			else if (strcmp(optarg, "json") == 0 || strcmp(optarg, "jsonld") == 0)
				format = FORMAT_JSON;
			else if (strcmp(optarg, "auto") != 0) {
				fprintf(stderr, "fairmatch: --format is auto, jsonl, csv or jsonld\n");
				return 2;
			}
			break;
		case 'h':
			printf("usage: fairmatch import vacancies FILE|- [--format auto|jsonl|csv|jsonld]\n"
			       "                 [--dry-run] [--org ORG] [--country CC]\n"
			       "                 [--hiring-organization recruiter|employer] [--batch N] [--no-index]\n"
			       "       fairmatch import recruiters FILE.csv [--org REGULATOR]\n"
			       "       fairmatch import quotas FILE.csv|FILE.jsonl\n"
			       "  vacancies: JSON lines (one vacancy as POST /v1/vacancies takes it, or one\n"
			       "  schema.org JobPosting, per line), CSV with a header (.csv; columns in\n"
			       "  docs/data.md), or a JSON document: an array of those objects, one\n"
			       "  JobPosting, or a JSON-LD @graph. The format is found from the content\n"
			       "  (or .csv) unless --format says it. Under the rules of a POST (a\n"
			       "  blacklisted recruiter or an unknown quota id refuses a vacancy). Good\n"
			       "  vacancies are kept; each bad or refused one is reported with its line\n"
			       "  (or item index); the exit status is 1 when any was rejected.\n"
			       "  --dry-run     check everything, the rules included, and store nothing\n"
			       "  --country CC  the country of JobPostings whose jobLocation names none\n"
			       "  --hiring-organization  a JobPosting's hiringOrganization is checked and\n"
			       "                kept as the recruiter (default), or is the employer (dropped)\n"
			       "  --org ORG     the employer organisation owning them (default sample-employer)\n"
			       "  --batch N     vacancies per transaction (default 1000)\n"
			       "  --no-index    leave indexing to a running server\n"
			       "  quotas: listings as POST /v1/quotas takes them, one per line (.jsonl), or\n"
			       "  CSV (.csv) with the header columns agreement, origin_countries\n"
			       "  (|-separated), destination_country, occupation, slots, valid_from,\n"
			       "  valid_until, conditions, illustrative.\n"
			       "  recruiters: a regulator's list, CSV with the header columns name, aliases\n"
			       "  (|-separated), country, licence, authority, valid_until, status (valid,\n"
			       "  suspended: warning flag, cancelled or banned: blacklist flag) and an\n"
			       "  optional evidence (the list's own words, kept in the flag's evidence).\n%s",
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
		fprintf(stderr, "usage: fairmatch import vacancies FILE|-  (see --help)\n"
				"       fairmatch import recruiters FILE.csv [--org REGULATOR]\n"
				"       fairmatch import quotas FILE.csv|FILE.jsonl\n");
		return 2;
	}
	if (v.max == 0 || v.max > 100000)
		v.max = 1000;
	path = argv[optind + 1];
	v.st.in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!v.st.in) {
		fprintf(stderr, "fairmatch: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fileno(v.st.in), &sb) == 0 && S_ISREG(sb.st_mode))
		v.st.size = sb.st_size;
	v.org = org;
	v.s = cli_open_store(c.conninfo);
	v.batch = calloc(v.max, sizeof *v.batch);
	v.labels = calloc(v.max, sizeof *v.labels);
	if (!v.s || !v.batch || !v.labels)
		goto out;
	v.st.start = cli_now();
	if (!no_index && !v.dry_run) {
		if (pipe_start(&v.ipipe, c.conninfo, c.index))
			goto out;
		v.piped = 1;
		v.st.piped = 1;
	}
	if (read_vacancies(&v, path, v.st.in, format) ||
	    flush_batch(v.s, org, v.dry_run, v.batch, v.labels, &v.n, &v.st))
		goto out;
	import_progress(&v.st, 1);
	if (v.dry_run)
		fprintf(stderr, "import: dry run, nothing stored\n");
	if (v.piped) {
		v.piped = 0;
		if (pipe_finish(v.ipipe, c.index))
			goto out;
	}
	rc = v.st.bad ? 1 : 0;
out:
	if (v.piped && pipe_finish(v.ipipe, NULL) == 0)
		(void)0; /* what was stored is indexed; the exit status stays 1 */
	for (i = 0; i < v.n; i++)
		json_decref(v.batch[i]);
	free(v.batch);
	free(v.labels);
	if (v.st.in && v.st.in != stdin)
		fclose(v.st.in);
	store_close(v.s);
	return rc;
}
