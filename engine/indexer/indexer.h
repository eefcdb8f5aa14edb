/*
 * indexer.h - keeps the Xapian vacancy index level with PostgreSQL:
 * the document a vacancy becomes (doc.c), applying the change log
 * (apply.c), bulk loads (bulk.c), the server's background thread
 * (thread.c) and checking the index against PostgreSQL (verify.c).
 *
 * The change_log table lists every write in commit order (see 001_core.sql).
 * The indexer applies it in batches: each batch's documents and the seq of
 * its last row (metadata VX_META_LAST_SEQ) go into one Xapian commit, so a
 * crash at any point loses nothing and applies nothing twice — on restart
 * the indexer resumes after the last seq the index itself records, and
 * replace-by-id-term makes replays idempotent.
 *
 * In the server one background thread owns the writable index. It wakes on
 * LISTEN fairmatch_changes (writes by any process), on indexer_kick() (writes
 * by this process), and once a second regardless. When another process holds
 * the index's write lock, it keeps retrying and serves nothing stale: readers
 * still see the last commit.
 */
#ifndef FAIRMATCH_INDEXER_H
#define FAIRMATCH_INDEXER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/store/store.h"
#include "index/index.h"

/* Builds the index document of a vacancy representation (see index/schema.h). */
int indexer_vacancy_doc(const json_t *vacancy, index_doc **out, index_error *err);
/* Whether a vacancy representation belongs in the index (open, positions > 0). */
int indexer_vacancy_indexable(const json_t *vacancy);

/* Applies every change after the index's last seq, `batch` rows per commit.
 * *applied (may be NULL) gets the number of rows applied; *last_seq the seq
 * the index now records. progress (may be NULL) is called after each commit. */
int indexer_catch_up(store *s, index_db *w, size_t batch, uint64_t *applied, int64_t *last_seq,
		     void (*progress)(uint64_t applied, int64_t last_seq, void *arg), void *arg,
		     char *err, size_t errlen);
/* A producer still writing rows (an import): done() is 1 once its last row
 * is committed; wait() returns when more may be there (or after a short
 * while). */
struct indexer_feed {
	int (*done)(void *arg);
	void (*wait)(void *arg);
	void *arg;
};
/* indexer_catch_up for bulk loads, in two threads: a builder with its own
 * connection (conninfo) reads and builds batch k+1 while the calling thread
 * writes batch k to w. With a feed, it keeps applying until the producer is
 * done and every row is in; without one, until the change log is exhausted. */
int indexer_bulk_apply(const char *conninfo, index_db *w, size_t batch,
		       const struct indexer_feed *feed, uint64_t *applied,
		       void (*progress)(uint64_t applied, int64_t last_seq, void *arg), void *arg,
		       char *err, size_t errlen);
/* Deletes every document and replays the whole vacancies table (through
 * indexer_bulk_apply, whose builder connects with conninfo). */
int indexer_rebuild(store *s, const char *conninfo, index_db *w, uint64_t *count, char *err,
		    size_t errlen);
/* The seq recorded in the index (0 when none). */
int64_t indexer_index_seq(index_db *db);

/* ---- indexing alongside an import (bulk.c) ----
 * A thread that owns the index's writer and applies the change log through
 * indexer_bulk_apply while a producer (`fairmatch import`) stores rows: on
 * two or more cores the index build, the slower half, overlaps the inserts
 * instead of following them. */
typedef struct indexer_pipe indexer_pipe;
/* Starts the thread on the index at path (whose parent directory exists);
 * its builder connects with conninfo. -1 when it cannot start. */
int indexer_pipe_start(const char *conninfo, const char *path, indexer_pipe **out);
/* Wakes the thread after the producer committed a batch; stored_all: the
 * last one. */
void indexer_pipe_kick(indexer_pipe *ip, int stored_all);
/* Change-log rows applied so far. */
uint64_t indexer_pipe_applied(indexer_pipe *ip);
/* Tells the thread the producer is done, waits for its last pass and frees
 * ip. Meanwhile tick (may be NULL) gets the rows applied so far about once a
 * second, called under the pipe's lock: keep it short. 0 when everything
 * stored is indexed (*applied rows, may be NULL); 1 when a running server
 * holds the index (it applies the rows itself); -1 on failure (err). */
int indexer_pipe_finish(indexer_pipe *ip, void (*tick)(uint64_t applied, void *arg), void *arg,
			uint64_t *applied, char *err, size_t errlen);

/* ---- verifying the index against PostgreSQL (verify.c) ---- */
struct indexer_verify_result {
	uint64_t open;    /* open vacancies with positions left in PostgreSQL */
	uint64_t docs;    /* documents in the index */
	uint64_t missing; /* open ones the index lacks */
	uint64_t stale;   /* open ones the index holds with other content */
	int64_t seq;      /* the seq the index records */
	int64_t newest;   /* the change log's newest seq (0 when unreadable) */
	int64_t max_lag;  /* in: the change-log rows the index may be behind */
};
/* Whether every open vacancy with positions left is in the index once,
 * with the content PostgreSQL holds now (its digest term, see
 * indexer_vacancy_digest), nothing else is, and the index is at most
 * out->max_lag change-log rows behind. on_missing (may be NULL) gets the
 * id of each missing or stale vacancy ("missing"/"stale" in what) and how
 * many came before it. 0 when they agree, 1 when they differ (*out says
 * how), -1 when the comparison failed (err). */
int indexer_verify(store *s, index_db *db,
		   void (*on_missing)(const char *id, const char *what, uint64_t nth, void *arg),
		   void *arg, struct indexer_verify_result *out, char *err, size_t errlen);
/* The digest of a vacancy's API document (its JSON, keys sorted): 32 hex
 * digits of SHA-256 into hex. The index document carries it as a value, so
 * verify compares content without reading documents' data. 0 or -1. */
int indexer_vacancy_digest(const json_t *v, char hex[33]);
/* The same 16 bytes unencoded, as the index document keeps them
 * (value slot VX_SLOT_DIGEST). 0 or -1. */
#define INDEXER_DIGEST_BYTES 16
int indexer_vacancy_digest_raw(const json_t *v, unsigned char raw[INDEXER_DIGEST_BYTES]);

/* ---- which database the index belongs to (identity.c) ---- */
#define INDEXER_DATABASE_ID_LEN 64
/* The database's id (64 hex digits), made at first use: owner is a
 * connection of the database's owner (only it reads server_secrets). */
int indexer_database_id(store *owner, char id[INDEXER_DATABASE_ID_LEN + 1]);
/* Makes the writer w the index of database dbid: an index of another
 * database, or one that applied more of the change log than s holds, is
 * emptied (*rebuilt = 1; the next catch-up builds it), and the id is
 * stamped. dbid NULL or "": nothing is checked. 0, or -1 (err). */
int indexer_claim(store *s, index_db *w, const char *dbid, int *rebuilt, char *err,
		  size_t errlen);
/* 1 when the index db says it belongs to dbid (or dbid is NULL or ""). */
int indexer_belongs(index_db *db, const char *dbid);

/* ---- the server's background indexer ---- */
/* Starts the thread keeping index_path level with the change log of the
 * database whose id is dbid (indexer_database_id; NULL: not checked). */
int indexer_start(const char *conninfo, const char *index_path, const char *dbid);
/* Whether this process may answer from the index: its indexer has claimed
 * the index and caught up once since it started, or another process holds
 * the writer and the index belongs to this database. *state (may be NULL)
 * gets "ready", "building" (claimed empty or foreign: rebuilding from
 * PostgreSQL), "catching_up", or "follower" (another process writes). */
int indexer_ready(const char **state);
/* Waits up to timeout_ms for indexer_ready; 1 when ready. */
int indexer_wait_ready(int timeout_ms);
void indexer_stop(void);
/* Wakes the indexer after a commit of this process. */
void indexer_kick(void);
/* Waits until the index holds seq (or timeout_ms passes); 0 when it does. */
int indexer_wait(int64_t seq, int timeout_ms);
/* Increases after every commit: readers reopen when it changed. */
uint64_t indexer_generation(void);
/* Last seq committed to the index by this process's indexer (0 before any). */
int64_t indexer_applied_seq(void);
/* 1 while this process holds the index's write lock. */
int indexer_is_writer(void);
/* 1 while the background indexer cannot commit to the index for a reason
 * of the index's own (a full disk, an I/O error), with the last error in
 * why (may be NULL). Writes that feed the index are refused (PROBLEM_UNAVAILABLE) then,
 * instead of being acknowledged into an index that cannot follow; it
 * clears at the first commit that succeeds again. */
int indexer_failing(char *why, size_t len);

/* Test hook, for the fault tests only: when the environment variable
 * FAIRMATCH_TEST_KILL_AT_INDEX_COMMIT=N is set (read once), the process
 * raises SIGKILL in its Nth index commit, after the batch's documents and
 * seq are staged in the Xapian transaction and before Xapian commits them. */
#define INDEXER_TEST_KILL_ENV "FAIRMATCH_TEST_KILL_AT_INDEX_COMMIT"

/* The vacancy document format this build writes (VX_META_FORMAT): the match
 * record's (match_index_format) and the document terms' version (doc.c).
 * An index of another format is re-indexed. */
const char *indexer_format(void);

#endif
