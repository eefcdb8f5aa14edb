/*
 * internal.h - what the files of engine/indexer/ share and nothing outside
 * it calls (the idx__ tier): reading the change log and turning its rows
 * into index changes (apply.c), the kill-in-commit test hook, and a
 * deadline for timed waits (thread.c).
 */
#ifndef FAIRMATCH_INDEXER_INTERNAL_H
#define FAIRMATCH_INDEXER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/indexer/indexer.h"

/* The change-log rows after seq `after` (at most limit), each joined with
 * the vacancy's current row: columns 0-5 as vacancy_from_row reads them,
 * 6 seq, 7 object_id, 8 object_type. NULL on failure (store_error). */
PGresult *idx__read_changes(store *s, int64_t after, size_t limit);
/* What one change-log row means for the index: *doc (owned by the caller)
 * goes under term, or the vacancy is to be absent when *doc is NULL. */
int idx__build_change(PGresult *r, int row, int64_t id, char term[32], index_doc **doc,
		      index_error *e);
/* Puts doc under term, or deletes term when doc is NULL. */
int idx__apply_change(index_db *w, const char *term, index_doc *doc, index_error *e);
/* The document data's dictionary (index_train_data_dictionary): trained on
 * the first IDX_DICT_MIN_DOCS or more documents of one batch that an index
 * without one receives (a bulk load's, or a replay's), IDX_DICT_BYTES at
 * most. Each card then pays only for what is its own: 541 -> about 200
 * bytes at 100,000 vacancies (docs/index.md, "What a vacancy costs").
 * 64 KB: 32 KB gave 6% larger cards, 110 KB 3% smaller. */
#define IDX_DICT_MIN_DOCS 500
#define IDX_DICT_BYTES 65536
/* Trains it on docs (n of them, NULL entries skipped) when the index has
 * none: *has caches whether it has (-1: not asked yet). 0, or -1 with e
 * filled. */
int idx__train_dictionary(index_db *w, index_doc *const *docs, size_t n, int *has,
			  index_error *e);
/* 1 when the index holds documents of another format than this build's;
 * *have (freed by the caller) gets the stored format. */
int indexer_format_stale(index_db *w, char **have);
/* Called just before every index commit of a change-log batch: the
 * INDEXER_TEST_KILL_ENV hook (indexer.h). */
void idx__kill_hook(void);
/* *until = now + ms on CLOCK_REALTIME, for pthread_cond_timedwait. */
void idx__deadline(struct timespec *until, int ms);

#endif
