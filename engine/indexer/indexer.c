/*
 * indexer.c - applying the change log to the Xapian index (see indexer.h).
 */
#include "engine/indexer/indexer.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/integrity/integrity.h"
#include "engine/match/match.h"
#include "engine/integrity/names.h"
#include "engine/vacancy.h"
#include "index/schema.h"

/* Adds prefix+value as a boolean term; values longer than Xapian's term
 * limit (245 bytes) are cut, which only widens a filter, never hides data. */
static int add_bool(index_doc *d, const char *prefix, const char *value, index_error *err)
{
	char term[240];

	if (!value || !*value)
		return 0;
	snprintf(term, sizeof term, "%s%s", prefix, value);
	return index_doc_add_boolean(d, term, err);
}

/* The match query (engine/match.c) weighs skill and occupation terms, and
 * a term of wdf 0 has no BM25 weight: these terms get wdf 1. They still
 * work as filters exactly like boolean terms. */
static int add_weighted(index_doc *d, const char *prefix, const char *value, int lowercase,
			index_error *err)
{
	char term[240];
	size_t n = strlen(prefix), i;

	if (!value || !*value)
		return 0;
	snprintf(term, sizeof term, "%s%s", prefix, value);
	for (i = n; lowercase && term[i]; i++)
		term[i] = (char)tolower((unsigned char)term[i]);
	return index_doc_add_term(d, term, 1, err);
}

/* The recruiter's normalised name and licence: the same forms the integrity
 * snapshot excludes (integrity_snapshot_terms), so a flag hides the
 * vacancy with one AND_NOT term. */
static int add_recruiter(index_doc *d, const json_t *rec, index_error *err)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	char norm[NAMES_NORM_CAP], cut[237], lic[INTEGRITY_LICENCE_MAX + 1];

	/* Cut where add_bool would cut "XR:"+name, said so to the compiler. */
	if (name && names_normalise(name, strlen(name), norm, sizeof norm) == 0) {
		snprintf(cut, sizeof cut, "%.236s", norm);
		if (add_bool(d, VX_RECRUITER, cut, err))
			return -1;
	}
	integrity_licence_norm(json_string_value(json_object_get(rec, "licence")), lic, sizeof lic);
	return add_bool(d, VX_LICENCE, lic, err);
}

static int add_skills(index_doc *d, const json_t *list, int essential, index_error *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		if (strncmp(s, "http", 4) == 0) {
			if (add_weighted(d, VX_SKILL, s, 0, err) ||
			    (essential && add_weighted(d, VX_ESSENTIAL, s, 0, err)))
				return -1;
		} else {
			/* Free text: findable by its words and by the exact label. */
			if (add_weighted(d, VX_SKILL, s, 1, err) ||
			    (essential && add_weighted(d, VX_ESSENTIAL, s, 1, err)) ||
			    index_doc_add_text(d, s, strlen(s), "en", 1, VX_TEXT, err))
				return -1;
		}
	}
	return 0;
}

int indexer_vacancy_indexable(const json_t *v)
{
	const char *status = json_string_value(json_object_get(v, "status"));

	return status && strcmp(status, "open") == 0 &&
	       json_integer_value(json_object_get(v, "positions")) > 0;
}

int indexer_vacancy_doc(const json_t *v, index_doc **out, index_error *err)
{
	index_doc *d = index_doc_new();
	const char *id = json_string_value(json_object_get(v, "id"));
	const char *occ = json_string_value(json_object_get(v, "occupation"));
	const char *title = json_string_value(json_object_get(v, "title"));
	const char *desc = json_string_value(json_object_get(v, "description"));
	json_t *skills = json_object_get(v, "skills"), *langs = json_object_get(v, "languages");
	json_t *rec = json_object_get(v, "recruiter"), *lang;
	char buf[64], code[5];
	char *data = NULL;
	size_t i;
	int64_t num;

	*out = NULL;
	if (!d) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return INDEX_ENOMEM;
	}
	if (!id || vacancy_parse_id(id, &num)) {
		snprintf(err->msg, sizeof err->msg, "vacancy without a valid id");
		goto fail;
	}
	snprintf(buf, sizeof buf, "%s%lld", VX_ID, (long long)num);
	if (index_doc_add_boolean(d, buf, err) ||
	    add_bool(d, VX_ORG, json_string_value(json_object_get(v, "org")), err) ||
	    add_bool(d, VX_COUNTRY, json_string_value(json_object_get(v, "country")), err) ||
	    add_bool(d, VX_QUOTA, json_string_value(json_object_get(v, "quota_id")), err))
		goto fail;
	json_array_foreach(langs, i, lang) {
		if (add_bool(d, VX_LANGUAGE, json_string_value(json_object_get(lang, "code")), err))
			goto fail;
	}
	if (occ && strlen(occ) == 4 && isdigit((unsigned char)occ[0])) {
		/* Every level of the ISCO-08 hierarchy, so a filter on a major,
		 * sub-major or minor group is one term. */
		for (i = 1; i <= 4; i++) {
			memcpy(code, occ, i);
			code[i] = '\0';
			if (add_weighted(d, VX_OCCUPATION, code, 0, err))
				goto fail;
		}
	} else if (occ && add_weighted(d, VX_ESCO_OCC, occ, 0, err)) {
		goto fail;
	}
	if (add_skills(d, json_object_get(skills, "essential"), 1, err) ||
	    add_skills(d, json_object_get(skills, "optional"), 0, err))
		goto fail;
	if (rec && add_recruiter(d, rec, err))
		goto fail;
	/* Title words count three times and also go under the title prefix. */
	if (title && (index_doc_add_text(d, title, strlen(title), "en", 3, VX_TEXT, err) ||
		      index_doc_add_text(d, title, strlen(title), "en", 1, VX_TITLE, err)))
		goto fail;
	if (desc && index_doc_add_text(d, desc, strlen(desc), "en", 1, VX_TEXT, err))
		goto fail;
	{
		const char *until = json_string_value(json_object_get(v, "valid_until"));

		if (until && index_doc_set_value(d, VX_SLOT_VALID_UNTIL, until, strlen(until), err))
			goto fail;
	}
	snprintf(buf, sizeof buf, "%016llx", (unsigned long long)num);
	if (index_doc_set_value(d, VX_SLOT_ID, buf, 16, err))
		goto fail;
	snprintf(buf, sizeof buf, "%08lld",
		 (long long)json_integer_value(json_object_get(v, "positions")));
	if (index_doc_set_value(d, VX_SLOT_POSITIONS, buf, strlen(buf), err))
		goto fail;
	/* What re-ranking reads instead of the whole document (engine/match.c). */
	{
		size_t flen = 0;

		if (match_vacancy_facts(v, &data, &flen) ||
		    index_doc_set_value(d, VX_SLOT_MATCH, data, flen, err))
			goto fail;
		free(data);
	}
	data = json_dumps(v, JSON_COMPACT);
	if (!data || index_doc_set_data(d, data, strlen(data), err))
		goto fail;
	free(data);
	*out = d;
	return 0;
fail:
	free(data);
	index_doc_free(d);
	if (!err->msg[0])
		snprintf(err->msg, sizeof err->msg, "cannot build the index document");
	return INDEX_ERR;
}

int64_t indexer_index_seq(index_db *db)
{
	char *v = NULL;
	int64_t seq = 0;
	index_error e;

	if (index_get_metadata(db, VX_META_LAST_SEQ, &v, &e) == 0 && v)
		seq = strtoll(v, NULL, 10);
	free(v);
	return seq;
}

/* What one change-log row means for the index: *doc (owned by the caller)
 * goes under *term, or the vacancy is to be absent when *doc is NULL. */
static int build_change(PGresult *r, int row, int64_t id, char term[32], index_doc **doc,
			index_error *e)
{
	json_t *v;
	int rc;

	*doc = NULL;
	snprintf(term, 32, "%s%lld", VX_ID, (long long)id);
	if (PQgetisnull(r, row, 3))
		return 0;
	v = vacancy_from_row(r, row);
	if (!v) {
		snprintf(e->msg, sizeof e->msg, "vacancy %lld: unreadable document", (long long)id);
		return INDEX_ERR;
	}
	rc = indexer_vacancy_indexable(v) ? indexer_vacancy_doc(v, doc, e) : 0;
	json_decref(v);
	return rc;
}

static int apply_change(index_db *w, const char *term, index_doc *doc, index_error *e)
{
	return doc ? index_replace(w, term, doc, e) : index_delete(w, term, e);
}

/* Applies one vacancy row (or its absence) to the writer. */
static int apply_vacancy(index_db *w, PGresult *r, int row, int64_t id, index_error *e)
{
	char term[32];
	index_doc *d = NULL;
	int rc = build_change(r, row, id, term, &d, e);

	if (rc == 0)
		rc = apply_change(w, term, d, e);
	index_doc_free(d);
	return rc;
}

/* ---- the kill-in-commit test hook (indexer.h) ---- */
static pthread_once_t kill_hook_once = PTHREAD_ONCE_INIT;
static long kill_hook_at; /* 0: off */
static atomic_long kill_hook_commits;

static void read_kill_hook(void)
{
	const char *v = getenv(INDEXER_TEST_KILL_ENV);

	kill_hook_at = v && *v ? strtol(v, NULL, 10) : 0;
}

static void kill_hook(void)
{
	pthread_once(&kill_hook_once, read_kill_hook);
	if (kill_hook_at > 0 && atomic_fetch_add(&kill_hook_commits, 1) + 1 == kill_hook_at) {
		fprintf(stderr, "fairmatch: test hook %s=%ld: SIGKILL inside index commit\n",
			INDEXER_TEST_KILL_ENV, kill_hook_at);
		raise(SIGKILL);
	}
}

/* The vacancy's current state, whatever the change was: replaying an old
 * change re-applies today's row, which is idempotent. */
static PGresult *read_changes(store *s, int64_t after, size_t limit)
{
	char from[32], lim[32];

	snprintf(from, sizeof from, "%lld", (long long)after);
	snprintf(lim, sizeof lim, "%zu", limit);
	return store_exec(s,
			  "SELECT v.id, v.org, v.status, v.doc::text,"
			  " to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			  " to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			  " c.seq, c.object_id, c.object_type"
			  " FROM change_log c LEFT JOIN vacancies v"
			  "   ON c.object_type = 'vacancy' AND v.id = c.object_id"
			  " WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
			  2, (const char *const[]){from, lim});
}

/* Whether the index holds documents written in another format than this
 * build's (match_index_format): they still answer (matching then decodes
 * their JSON) but should be rewritten. *have gets the stored format. */
static int format_stale(index_db *w, char **have)
{
	uint64_t docs = 0;
	index_error e;

	*have = NULL;
	if (index_get_metadata(w, VX_META_FORMAT, have, &e) || index_doc_count(w, &docs, &e))
		return 0;
	return docs > 0 && (!*have || strcmp(*have, match_index_format()) != 0);
}

int indexer_catch_up(store *s, index_db *w, size_t batch, uint64_t *applied, int64_t *last_seq,
		     void (*progress)(uint64_t, int64_t, void *), void *arg, char *err,
		     size_t errlen)
{
	int64_t seq = indexer_index_seq(w);
	/* A replay of the whole change log rewrites every document: only then
	 * does the index say it is in this build's format. */
	int whole = seq == 0;
	uint64_t total = 0;
	size_t limit = batch ? batch : 1000;
	char seqs[32];
	index_error e = {{0}};
	PGresult *r;
	int n, i, rc;

	for (;;) {
		r = read_changes(s, seq, limit);
		if (!r) {
			snprintf(err, errlen, "reading the change log: %s", store_error(s));
			return -1;
		}
		n = PQntuples(r);
		for (i = 0; i < n; i++) {
			int64_t id = strtoll(PQgetvalue(r, i, 7), NULL, 10);

			if (strcmp(PQgetvalue(r, i, 8), "vacancy") != 0)
				continue; /* other object types have their own index */
			rc = apply_vacancy(w, r, i, id, &e);
			if (rc) {
				snprintf(err, errlen, "indexing vacancy %lld: %s", (long long)id, e.msg);
				PQclear(r);
				return -1;
			}
		}
		if (n > 0) {
			seq = strtoll(PQgetvalue(r, n - 1, 6), NULL, 10);
			snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
			if (index_set_metadata(w, VX_META_LAST_SEQ, seqs, &e)) {
				snprintf(err, errlen, "committing the index: %s", e.msg);
				PQclear(r);
				return -1;
			}
			kill_hook();
			if (index_commit(w, &e)) {
				snprintf(err, errlen, "committing the index: %s", e.msg);
				PQclear(r);
				return -1;
			}
			total += (uint64_t)n;
			if (progress)
				progress(total, seq, arg);
		}
		PQclear(r);
		if ((size_t)n < limit)
			break;
	}
	if (whole && (index_set_metadata(w, VX_META_FORMAT, match_index_format(), &e) ||
		      index_commit(w, &e))) {
		snprintf(err, errlen, "committing the index: %s", e.msg);
		return -1;
	}
	if (applied)
		*applied = total;
	if (last_seq)
		*last_seq = seq;
	return 0;
}

/* ---- bulk loads: reading and building in one thread, writing in another ----
 *
 * A bulk load (import, reindex) spends about half its index time outside
 * the Xapian writer: reading rows, parsing JSON, generating terms. A builder
 * thread with its own connection does that for batch k+1 while the calling
 * thread writes batch k, so on two cores the writer, the import's own
 * inserts and PostgreSQL share the machine instead of queueing behind one
 * thread. Same rows, same order, same commits as indexer_catch_up. */

struct bulk_item {
	char term[32];
	index_doc *doc; /* NULL: the vacancy is to be absent */
};

struct bulk_batch {
	struct bulk_item *items;
	size_t n;             /* items (rows of other object types have none) */
	uint64_t rows;        /* change-log rows covered */
	int64_t last_seq;
	struct bulk_batch *next;
};

struct bulk {
	const char *conninfo;
	size_t limit;
	int64_t from;
	const struct indexer_feed *feed;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct bulk_batch *head, *tail;
	size_t queued;
	int built_all; /* the builder has pushed its last batch (or failed) */
	int stop;      /* the writer has given up */
	int failed;
	char err[256];
};

#define BULK_QUEUE_MAX 2 /* batches built ahead of the writer */

static void bulk_batch_free(struct bulk_batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		index_doc_free(b->items[i].doc);
	free(b->items);
	free(b);
}

static struct bulk_batch *bulk_build(PGresult *r, index_error *e)
{
	int n = PQntuples(r), i;
	struct bulk_batch *b = calloc(1, sizeof *b);

	if (!b || !(b->items = calloc((size_t)n + 1, sizeof *b->items))) {
		free(b);
		snprintf(e->msg, sizeof e->msg, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		int64_t id = strtoll(PQgetvalue(r, i, 7), NULL, 10);
		struct bulk_item *it = &b->items[b->n];

		if (strcmp(PQgetvalue(r, i, 8), "vacancy") != 0)
			continue;
		if (build_change(r, i, id, it->term, &it->doc, e)) {
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			snprintf(e->msg, sizeof e->msg, "indexing vacancy %lld: %.200s", (long long)id,
				 why);
			bulk_batch_free(b);
			return NULL;
		}
		b->n++;
	}
	b->rows = (uint64_t)n;
	b->last_seq = n ? strtoll(PQgetvalue(r, n - 1, 6), NULL, 10) : 0;
	return b;
}

/* Queues a built batch, waiting while the writer is BULK_QUEUE_MAX behind.
 * 0 when queued; -1 when the writer stopped (the batch is freed). */
static int bulk_push(struct bulk *bk, struct bulk_batch *b)
{
	pthread_mutex_lock(&bk->lock);
	while (bk->queued >= BULK_QUEUE_MAX && !bk->stop)
		pthread_cond_wait(&bk->cond, &bk->lock);
	if (bk->stop) {
		pthread_mutex_unlock(&bk->lock);
		bulk_batch_free(b);
		return -1;
	}
	if (bk->tail)
		bk->tail->next = b;
	else
		bk->head = b;
	bk->tail = b;
	bk->queued++;
	pthread_cond_broadcast(&bk->cond);
	pthread_mutex_unlock(&bk->lock);
	return 0;
}

static int bulk_stopped(struct bulk *bk)
{
	int stop;

	pthread_mutex_lock(&bk->lock);
	stop = bk->stop;
	pthread_mutex_unlock(&bk->lock);
	return stop;
}

static void *bulk_builder(void *arg)
{
	struct bulk *bk = arg;
	store *s = NULL;
	index_error e = {{0}};
	int64_t seq = bk->from;
	char err[256] = "";
	int last, failed = 0;

	if (store_connect(bk->conninfo, &s, err, sizeof err)) {
		failed = 1;
		goto done;
	}
	store_set_actor(s, "indexer", NULL); /* reads every vacancy (008_role_policies.sql) */
	do {
		size_t n;

		/* Read "done" before draining: rows committed before it are seen. */
		last = !bk->feed || bk->feed->done(bk->feed->arg);
		do {
			PGresult *r = read_changes(s, seq, bk->limit);
			struct bulk_batch *b;

			if (!r) {
				snprintf(err, sizeof err, "reading the change log: %s", store_error(s));
				failed = 1;
				goto done;
			}
			n = (size_t)PQntuples(r);
			b = n ? bulk_build(r, &e) : NULL;
			PQclear(r);
			if (n && !b) {
				snprintf(err, sizeof err, "%s", e.msg);
				failed = 1;
				goto done;
			}
			if (b) {
				seq = b->last_seq;
				if (bulk_push(bk, b))
					goto done;
			}
		} while (n == bk->limit && !bulk_stopped(bk));
		if (!last && !bulk_stopped(bk))
			bk->feed->wait(bk->feed->arg);
	} while (!last && !bulk_stopped(bk));
done:
	store_close(s);
	pthread_mutex_lock(&bk->lock);
	bk->built_all = 1;
	if (failed) {
		bk->failed = 1;
		snprintf(bk->err, sizeof bk->err, "%s", err);
	}
	pthread_cond_broadcast(&bk->cond);
	pthread_mutex_unlock(&bk->lock);
	return NULL;
}

int indexer_bulk_apply(const char *conninfo, index_db *w, size_t batch,
		       const struct indexer_feed *feed, uint64_t *applied,
		       void (*progress)(uint64_t applied, int64_t last_seq, void *arg), void *arg,
		       char *err, size_t errlen)
{
	struct bulk bk;
	pthread_t builder;
	index_error e = {{0}};
	uint64_t total = 0;
	int rc = 0;

	memset(&bk, 0, sizeof bk);
	bk.conninfo = conninfo;
	bk.limit = batch ? batch : 1000;
	bk.from = indexer_index_seq(w);
	bk.feed = feed;
	pthread_mutex_init(&bk.lock, NULL);
	pthread_cond_init(&bk.cond, NULL);
	if (pthread_create(&builder, NULL, bulk_builder, &bk)) {
		snprintf(err, errlen, "cannot start the index builder thread");
		pthread_mutex_destroy(&bk.lock);
		pthread_cond_destroy(&bk.cond);
		return -1;
	}
	for (;;) {
		struct bulk_batch *b;
		char seqs[32];
		size_t i;

		pthread_mutex_lock(&bk.lock);
		while (!bk.head && !bk.built_all)
			pthread_cond_wait(&bk.cond, &bk.lock);
		b = bk.head;
		if (b) {
			bk.head = b->next;
			if (!bk.head)
				bk.tail = NULL;
			bk.queued--;
			pthread_cond_broadcast(&bk.cond);
		}
		pthread_mutex_unlock(&bk.lock);
		if (!b)
			break; /* built_all and nothing queued */
		for (i = 0; i < b->n && rc == 0; i++)
			if (apply_change(w, b->items[i].term, b->items[i].doc, &e)) {
				snprintf(err, errlen, "indexing %s: %s", b->items[i].term, e.msg);
				rc = -1;
			}
		snprintf(seqs, sizeof seqs, "%lld", (long long)b->last_seq);
		if (rc == 0) {
			if (index_set_metadata(w, VX_META_LAST_SEQ, seqs, &e))
				rc = -1;
			else if ((kill_hook(), index_commit(w, &e)))
				rc = -1;
			if (rc)
				snprintf(err, errlen, "committing the index: %s", e.msg);
		}
		if (rc == 0) {
			total += b->rows;
			if (progress)
				progress(total, b->last_seq, arg);
		}
		bulk_batch_free(b);
		if (rc)
			break;
	}
	pthread_mutex_lock(&bk.lock);
	bk.stop = 1;
	pthread_cond_broadcast(&bk.cond);
	pthread_mutex_unlock(&bk.lock);
	pthread_join(builder, NULL);
	while (bk.head) {
		struct bulk_batch *next = bk.head->next;

		bulk_batch_free(bk.head);
		bk.head = next;
	}
	if (rc == 0 && bk.failed) {
		snprintf(err, errlen, "%s", bk.err);
		rc = -1;
	}
	/* From the start of the change log: every document is in this build's
	 * format (as in indexer_catch_up). */
	if (rc == 0 && bk.from == 0 &&
	    (index_set_metadata(w, VX_META_FORMAT, match_index_format(), &e) || index_commit(w, &e))) {
		snprintf(err, errlen, "committing the index: %s", e.msg);
		rc = -1;
	}
	pthread_mutex_destroy(&bk.lock);
	pthread_cond_destroy(&bk.cond);
	if (applied)
		*applied = total;
	return rc;
}

int indexer_rebuild(store *s, const char *conninfo, index_db *w, uint64_t *count, char *err,
		    size_t errlen)
{
	index_error e = {{0}};
	PGresult *r;
	int rc;

	/* Drop every vacancy document, then pretend nothing was applied: the
	 * change log holds every vacancy ever written, so a full replay from
	 * seq 0 rebuilds the index exactly. */
	r = store_exec(s, "SELECT id FROM vacancies", 0, NULL);
	if (!r) {
		snprintf(err, errlen, "%s", store_error(s));
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		char term[32];

		snprintf(term, sizeof term, "%s%s", VX_ID, PQgetvalue(r, i, 0));
		if (index_delete(w, term, &e)) {
			snprintf(err, errlen, "%s", e.msg);
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	if (index_set_metadata(w, VX_META_LAST_SEQ, "0", &e)) {
		snprintf(err, errlen, "%s", e.msg);
		return -1;
	}
	rc = indexer_bulk_apply(conninfo, w, 5000, NULL, count, NULL, NULL, err, errlen);
	if (rc == 0 && index_commit(w, &e)) {
		snprintf(err, errlen, "%s", e.msg);
		return -1;
	}
	return rc;
}

/* ---- the background indexer thread ---- */

static struct {
	pthread_t thread;
	int running;
	atomic_int stop;
	int wake_fd;
	char *conninfo;
	char *path;
	pthread_mutex_t lock;
	pthread_cond_t applied_cond;
	int64_t applied_seq;
	atomic_uint_fast64_t generation;
	atomic_int writer;
	atomic_int failing;
	char failure[256]; /* under lock */
} ix = {.lock = PTHREAD_MUTEX_INITIALIZER, .applied_cond = PTHREAD_COND_INITIALIZER, .wake_fd = -1};

uint64_t indexer_generation(void)
{
	return atomic_load(&ix.generation);
}

int indexer_is_writer(void)
{
	return atomic_load(&ix.writer);
}

static void set_failing(const char *why)
{
	pthread_mutex_lock(&ix.lock);
	if (why)
		snprintf(ix.failure, sizeof ix.failure, "%.250s", why);
	pthread_mutex_unlock(&ix.lock);
	atomic_store(&ix.failing, why != NULL);
}

int indexer_failing(char *why, size_t len)
{
	if (!atomic_load(&ix.failing))
		return 0;
	if (why && len) {
		pthread_mutex_lock(&ix.lock);
		snprintf(why, len, "%s", ix.failure);
		pthread_mutex_unlock(&ix.lock);
	}
	return 1;
}

int64_t indexer_applied_seq(void)
{
	int64_t v;

	pthread_mutex_lock(&ix.lock);
	v = ix.applied_seq;
	pthread_mutex_unlock(&ix.lock);
	return v;
}

static void publish(int64_t seq)
{
	pthread_mutex_lock(&ix.lock);
	if (seq > ix.applied_seq)
		ix.applied_seq = seq;
	pthread_cond_broadcast(&ix.applied_cond);
	pthread_mutex_unlock(&ix.lock);
	atomic_fetch_add(&ix.generation, 1);
}

static void on_progress(uint64_t applied, int64_t seq, void *arg)
{
	(void)applied;
	(void)arg;
	publish(seq);
}

void indexer_kick(void)
{
	uint64_t one = 1;

	if (ix.wake_fd >= 0 && write(ix.wake_fd, &one, sizeof one) < 0)
		(void)0; /* the counter saturating only means a wake-up is pending */
}

int indexer_wait(int64_t seq, int timeout_ms)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ix.lock);
	while (ix.applied_seq < seq && rc == 0)
		rc = pthread_cond_timedwait(&ix.applied_cond, &ix.lock, &until);
	rc = ix.applied_seq >= seq ? 0 : -1;
	pthread_mutex_unlock(&ix.lock);
	return rc;
}

static void *indexer_main(void *arg)
{
	store *s = NULL;
	index_db *w = NULL;
	index_error e = {{0}};
	char err[512];
	int64_t seq;
	int warned_lock = 0, warned_db = 0;
	(void)arg;

	while (!atomic_load(&ix.stop)) {
		struct pollfd fds[2];
		int nfds = 1;

		if (!s) {
			if (store_connect(ix.conninfo, &s, err, sizeof err) == 0) {
				/* Reads every vacancy (008_role_policies.sql). */
				store_set_actor(s, "indexer", NULL);
				if (store_run(s, "LISTEN fairmatch_changes", 0, NULL)) {
					store_close(s);
					s = NULL;
				} else {
					warned_db = 0;
				}
			} else if (!warned_db++) {
				fprintf(stderr, "fairmatch: indexer: %s (retrying)\n", err);
			}
		}
		if (!w) {
			int rc = index_open_writable(ix.path, &w, &e);

			if (rc == 0) {
				char *have = NULL;

				if (format_stale(w, &have)) {
					/* Replay the change log from the start: every
					 * document is rewritten in place, so matching
					 * keeps answering (slower) meanwhile. */
					fprintf(stderr,
						"fairmatch: the index at %s was built with vacancy document format "
						"\"%s\"; this build writes \"%s\": re-indexing every vacancy from "
						"PostgreSQL in the background (or stop and run `fairmatch reindex`)\n",
						ix.path, have ? have : "1", match_index_format());
					if (index_set_metadata(w, VX_META_LAST_SEQ, "0", &e))
						fprintf(stderr, "fairmatch: indexer: %s\n", e.msg);
				}
				free(have);
				atomic_store(&ix.writer, 1);
				publish(indexer_index_seq(w));
				warned_lock = 0;
			} else if (!warned_lock++) {
				fprintf(stderr, "fairmatch: indexer: %s (retrying every second)\n", e.msg);
			}
		}
		if (s && w) {
			if (indexer_catch_up(s, w, 1000, NULL, &seq, on_progress, NULL, err, sizeof err)) {
				/* Said once per episode, not every second of a full disk. */
				if (!atomic_load(&ix.failing) || strncmp(err, ix.failure, 250) != 0)
					fprintf(stderr, "fairmatch: indexer: %s\n", err);
				if (store_was_disconnect(s) || store_ensure(s)) {
					/* Reconnect from scratch: a reset session has lost its LISTEN. */
					store_close(s);
					s = NULL;
				} else {
					/* An index error: reopen the writer, dropping staged
					 * changes, and refuse index-feeding writes meanwhile. */
					set_failing(err);
					index_close(w);
					w = NULL;
					atomic_store(&ix.writer, 0);
				}
			} else {
				if (atomic_load(&ix.failing))
					fprintf(stderr, "fairmatch: indexer: committing again\n");
				set_failing(NULL);
				publish(seq);
			}
		}
		fds[0].fd = ix.wake_fd;
		fds[0].events = POLLIN;
		if (s) {
			fds[1].fd = PQsocket(store_pg(s));
			fds[1].events = POLLIN;
			nfds = 2;
		}
		if (poll(fds, (nfds_t)nfds, 1000) > 0) {
			if (fds[0].revents & POLLIN) {
				uint64_t junk;

				if (read(ix.wake_fd, &junk, sizeof junk) < 0 && errno != EAGAIN)
					(void)0;
			}
			if (s && nfds == 2 && fds[1].revents) {
				PGnotify *n;

				if (!PQconsumeInput(store_pg(s))) {
					store_close(s);
					s = NULL;
					continue;
				}
				while ((n = PQnotifies(store_pg(s))) != NULL)
					PQfreemem(n);
			}
		}
	}
	index_close(w);
	atomic_store(&ix.writer, 0);
	store_close(s);
	return NULL;
}

int indexer_start(const char *conninfo, const char *index_path)
{
	ix.conninfo = strdup(conninfo);
	ix.path = strdup(index_path);
	ix.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!ix.conninfo || !ix.path || ix.wake_fd < 0)
		goto fail;
	atomic_store(&ix.stop, 0);
	if (pthread_create(&ix.thread, NULL, indexer_main, NULL))
		goto fail;
	ix.running = 1;
	return 0;
fail:
	free(ix.conninfo);
	free(ix.path);
	ix.conninfo = ix.path = NULL;
	if (ix.wake_fd >= 0)
		close(ix.wake_fd);
	ix.wake_fd = -1;
	return -1;
}

void indexer_stop(void)
{
	if (!ix.running)
		return;
	atomic_store(&ix.stop, 1);
	indexer_kick();
	pthread_join(ix.thread, NULL);
	ix.running = 0;
	close(ix.wake_fd);
	ix.wake_fd = -1;
	free(ix.conninfo);
	free(ix.path);
	ix.conninfo = ix.path = NULL;
}
