/*
 * bulk.c - indexing bulk loads (see indexer.h): indexer_bulk_apply, which
 * reads and builds in one thread while it writes in another,
 * indexer_rebuild on top of it, and the pipe that runs it alongside an
 * import.
 */
#include "engine/indexer/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/match/match.h"
#include "index/schema.h"

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
	char cluster[24]; /* the document's first XCL: term, "" for none (bulk_order) */
	size_t pos;       /* its place in the change log's order within the batch */
	index_doc *doc;   /* NULL: the vacancy is to be absent */
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

/* The index's data dictionary from batch b's documents, when it has none
 * (idx__train_dictionary). */
static int bulk_dictionary(index_db *w, const struct bulk_batch *b, int *has, index_error *e)
{
	index_doc **docs;
	size_t i;
	int rc;

	if (*has == 1 || b->n < IDX_DICT_MIN_DOCS)
		return 0;
	if (!(docs = calloc(b->n, sizeof *docs))) {
		snprintf(e->msg, sizeof e->msg, "out of memory");
		return -1;
	}
	for (i = 0; i < b->n; i++)
		docs[i] = b->items[i].doc;
	rc = idx__train_dictionary(w, docs, b->n, has, e);
	free(docs);
	return rc;
}

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

/* ---- the order a batch is written in ----
 *
 * Xapian numbers documents in the order they are added, and a posting list
 * is stored in that order. A search names one country and language
 * (XCL:ZA:en) and walks the posting lists of its words only where that
 * term's documents are: when they sit together, Xapian skips the chunks
 * between them instead of decoding every chunk of a common word. So a bulk
 * batch (10,000 rows in an import) is written grouped by its documents'
 * first XCL: term. At 1,000,000 vacancies that cut the search's p99 by
 * 2.6x, and the naive query's alike (docs/performance.md, round 10).
 *
 * Only the last change of a vacancy within the batch is written (each one
 * replaces or deletes the whole document by its id term, so the earlier
 * ones are overwritten before the batch commits anyway); across vacancies
 * the order within one commit changes nothing a reader can see but the
 * docids. */

static int by_term_then_pos(const void *a, const void *b)
{
	const struct bulk_item *x = a, *y = b;
	int c = strcmp(x->term, y->term);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int by_cluster_then_pos(const void *a, const void *b)
{
	const struct bulk_item *x = a, *y = b;
	int c = strcmp(x->cluster, y->cluster);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static void bulk_order(struct bulk_batch *b)
{
	size_t i, kept = 0;

	if (b->n < 2)
		return;
	qsort(b->items, b->n, sizeof *b->items, by_term_then_pos);
	for (i = 0; i < b->n; i++) {
		if (i + 1 < b->n && strcmp(b->items[i].term, b->items[i + 1].term) == 0) {
			index_doc_free(b->items[i].doc); /* a later change of the same vacancy follows */
			continue;
		}
		b->items[kept++] = b->items[i];
	}
	b->n = kept;
	qsort(b->items, b->n, sizeof *b->items, by_cluster_then_pos);
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
		if (idx__build_change(r, i, id, it->term, &it->doc, e)) {
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			snprintf(e->msg, sizeof e->msg, "indexing vacancy %lld: %.200s", (long long)id,
				 why);
			bulk_batch_free(b);
			return NULL;
		}
		it->pos = b->n;
		if (it->doc &&
		    index_doc_first_term(it->doc, VX_COUNTRY_LANG, it->cluster, sizeof it->cluster, e)) {
			index_doc_free(it->doc);
			bulk_batch_free(b);
			return NULL;
		}
		b->n++;
	}
	bulk_order(b);
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

/* A flag another thread sets, read under its lock. */
static int locked_flag(pthread_mutex_t *lock, const int *flag)
{
	int v;

	pthread_mutex_lock(lock);
	v = *flag;
	pthread_mutex_unlock(lock);
	return v;
}

static int bulk_stopped(struct bulk *bk)
{
	return locked_flag(&bk->lock, &bk->stop);
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
		goto out;
	}
	store_set_actor(s, "indexer", NULL); /* reads every vacancy (008_role_policies.sql) */
	do {
		size_t n;

		/* Read "done" before draining: rows committed before it are seen. */
		last = !bk->feed || bk->feed->done(bk->feed->arg);
		do {
			PGresult *r = idx__read_changes(s, seq, bk->limit);
			struct bulk_batch *b;

			if (!r) {
				snprintf(err, sizeof err, "reading the change log: %s", store_error(s));
				failed = 1;
				goto out;
			}
			n = (size_t)PQntuples(r);
			b = n ? bulk_build(r, &e) : NULL;
			PQclear(r);
			if (n && !b) {
				snprintf(err, sizeof err, "%s", e.msg);
				failed = 1;
				goto out;
			}
			if (b) {
				seq = b->last_seq;
				if (bulk_push(bk, b))
					goto out;
			}
		} while (n == bk->limit && !bulk_stopped(bk));
		if (!last && !bulk_stopped(bk))
			bk->feed->wait(bk->feed->arg);
	} while (!last && !bulk_stopped(bk));
out:
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
	int rc = 0, has_dict = -1;

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
		if (bulk_dictionary(w, b, &has_dict, &e)) {
			snprintf(err, errlen, "training the index's data dictionary: %s", e.msg);
			rc = -1;
		}
		for (i = 0; i < b->n && rc == 0; i++)
			if (idx__apply_change(w, b->items[i].term, b->items[i].doc, &e)) {
				snprintf(err, errlen, "indexing %s: %s", b->items[i].term, e.msg);
				rc = -1;
			}
		snprintf(seqs, sizeof seqs, "%lld", (long long)b->last_seq);
		if (rc == 0) {
			if (index_set_metadata(w, VX_META_LAST_SEQ, seqs, &e))
				rc = -1;
			else if ((idx__kill_hook(), index_commit(w, &e)))
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
	    (index_set_metadata(w, VX_META_FORMAT, indexer_format(), &e) || index_commit(w, &e))) {
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

/* ---- indexing alongside an import (indexer_pipe_*) ----
 *
 * A thread with the index's writer applies the change log as the import's
 * batches commit, exactly as the server's indexer would, through
 * indexer_bulk_apply (whose own builder thread reads and builds the next
 * batch meanwhile); it stops once the last batch is stored and applied.
 * Batches of 10,000 documents per Xapian commit (the server uses 1,000):
 * fewer, larger commits are what a bulk load wants. */
#define PIPE_BATCH 10000

struct indexer_pipe {
	char *conninfo, *path;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stored_all; /* the producer has committed its last batch */
	int finished;   /* the thread has made its last commit */
	int rc;         /* 0 ok, -1 failed, 1 the index is held by a server */
	uint64_t applied;
	char err[512];
};

static int pipe_done(void *arg)
{
	struct indexer_pipe *ip = arg;

	return locked_flag(&ip->lock, &ip->stored_all);
}

/* Until the next stored batch (indexer_pipe_kick) or 0.2 s. */
static void pipe_wait(void *arg)
{
	struct indexer_pipe *ip = arg;
	struct timespec until;

	idx__deadline(&until, 200);
	pthread_mutex_lock(&ip->lock);
	if (!ip->stored_all)
		pthread_cond_timedwait(&ip->cond, &ip->lock, &until);
	pthread_mutex_unlock(&ip->lock);
}

static void pipe_progress(uint64_t applied, int64_t last_seq, void *arg)
{
	struct indexer_pipe *ip = arg;

	(void)last_seq;
	pthread_mutex_lock(&ip->lock);
	ip->applied = applied;
	pthread_mutex_unlock(&ip->lock);
}

/* Makes w this database's index before the import writes into it (an
 * index of another database is emptied first: identity.c). An import
 * that cannot read the database's id (not the owner) leaves that to the
 * server, which checks at its start. */
static int pipe_claim(struct indexer_pipe *ip, index_db *w)
{
	char dbid[INDEXER_DATABASE_ID_LEN + 1], err[256];
	store *s = NULL;
	int rebuilt, rc = 0;

	if (store_connect(ip->conninfo, &s, err, sizeof err))
		return 0;
	if (indexer_database_id(s, dbid) == 0)
		rc = indexer_claim(s, w, dbid, &rebuilt, ip->err, sizeof ip->err);
	store_close(s);
	return rc;
}

static void *pipe_main(void *arg)
{
	struct indexer_pipe *ip = arg;
	const struct indexer_feed feed = {pipe_done, pipe_wait, ip};
	index_db *w = NULL;
	index_error e = {{0}};
	int rc;

	rc = index_open_writable(ip->path, &w, &e);
	if (rc) {
		ip->rc = rc == INDEX_ELOCK ? 1 : -1;
		snprintf(ip->err, sizeof ip->err, "opening the index: %s", e.msg);
	} else if (pipe_claim(ip, w) ||
		   indexer_bulk_apply(ip->conninfo, w, PIPE_BATCH, &feed, NULL, pipe_progress, ip,
				      ip->err, sizeof ip->err)) {
		ip->rc = -1;
	}
	index_close(w);
	pthread_mutex_lock(&ip->lock);
	ip->finished = 1;
	pthread_cond_broadcast(&ip->cond);
	pthread_mutex_unlock(&ip->lock);
	return NULL;
}

static void pipe_free(struct indexer_pipe *ip)
{
	pthread_mutex_destroy(&ip->lock);
	pthread_cond_destroy(&ip->cond);
	free(ip->conninfo);
	free(ip->path);
	free(ip);
}

int indexer_pipe_start(const char *conninfo, const char *path, indexer_pipe **out)
{
	struct indexer_pipe *ip = calloc(1, sizeof *ip);

	*out = NULL;
	if (!ip)
		return -1;
	pthread_mutex_init(&ip->lock, NULL);
	pthread_cond_init(&ip->cond, NULL);
	ip->conninfo = strdup(conninfo);
	ip->path = strdup(path);
	if (!ip->conninfo || !ip->path || pthread_create(&ip->thread, NULL, pipe_main, ip)) {
		pipe_free(ip);
		return -1;
	}
	*out = ip;
	return 0;
}

uint64_t indexer_pipe_applied(indexer_pipe *ip)
{
	uint64_t n;

	pthread_mutex_lock(&ip->lock);
	n = ip->applied;
	pthread_mutex_unlock(&ip->lock);
	return n;
}

void indexer_pipe_kick(indexer_pipe *ip, int stored_all)
{
	pthread_mutex_lock(&ip->lock);
	if (stored_all)
		ip->stored_all = 1;
	pthread_cond_broadcast(&ip->cond);
	pthread_mutex_unlock(&ip->lock);
}

int indexer_pipe_finish(indexer_pipe *ip, void (*tick)(uint64_t applied, void *arg), void *arg,
			uint64_t *applied, char *err, size_t errlen)
{
	int rc;

	indexer_pipe_kick(ip, 1);
	/* The index usually trails the inserts: let the caller show it. */
	pthread_mutex_lock(&ip->lock);
	while (!ip->finished) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&ip->cond, &ip->lock, &until);
		if (!ip->finished && ip->rc == 0 && tick)
			tick(ip->applied, arg);
	}
	pthread_mutex_unlock(&ip->lock);
	pthread_join(ip->thread, NULL);
	rc = ip->rc;
	if (applied)
		*applied = ip->applied;
	if (rc < 0)
		snprintf(err, errlen, "%s", ip->err);
	pipe_free(ip);
	return rc;
}
