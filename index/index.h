/*
 * index.h - the C interface to fairmatch's Xapian index.
 *
 * Xapian has no C API, so this header and index.cc are the one thin
 * extern "C" wrapper the rest of the project (plain C) talks to. Rules:
 *
 *  - Handles are opaque. Each handle is used by one thread at a time;
 *    every worker thread opens its own read-only database.
 *  - Every call that can fail returns 0 (INDEX_OK) or a negative INDEX_E*
 *    code and, when `err` is not NULL, fills err->msg with a lowercase
 *    message. No C++ exception ever crosses into C: every entry point,
 *    free/close included, catches Xapian::Error, std::exception and (...).
 *  - Constructors of queries return NULL on failure (out of memory or a
 *    NULL argument); combinators given a NULL sub-query return NULL, so a
 *    chain of calls can be checked once at the end.
 *  - Whoever creates a handle frees it with the matching *_free/close.
 *    Combinators copy their sub-queries (Xapian queries are reference
 *    counted values), so the caller still frees what it created.
 *
 * What each term prefix and value slot means is fixed in schema.h.
 */
#ifndef FAIRMATCH_INDEX_H
#define FAIRMATCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	INDEX_OK = 0,
	INDEX_ERR = -1,      /* any other Xapian or C++ error */
	INDEX_ENOMEM = -2,   /* std::bad_alloc */
	INDEX_ELOCK = -3,    /* another process holds the write lock */
	INDEX_ENOSPC = -4,   /* the disk under the index is full */
	INDEX_ENOENT = -5,   /* no such document / database */
	INDEX_EMODIFIED = -6 /* a reader saw the database change under it: reopen and retry */
};

#define INDEX_ERR_MAX 256
/* Caller-owned, fixed-size error report: reporting needs no allocation. */
typedef struct index_error {
	char msg[INDEX_ERR_MAX];
} index_error;

typedef struct index_db index_db;           /* opaque */
typedef struct index_doc index_doc;         /* opaque */
typedef struct index_query index_query;     /* opaque */
typedef struct index_results index_results; /* opaque */
typedef struct index_stoplist index_stoplist; /* opaque */

/* ---- databases ---------------------------------------------------- */

/* Opens (creating if missing) a writable database at `path`. Only one
 * writer may exist per path across all processes: INDEX_ELOCK otherwise. */
int index_open_writable(const char *path, index_db **out, index_error *err);
/* Opens a read-only view of the last commit. INDEX_ENOENT if no database. */
int index_open_readonly(const char *path, index_db **out, index_error *err);
/* Moves a read-only view to the latest commit (cheap when nothing changed). */
int index_reopen(index_db *db, index_error *err);
/* Closes and frees; NULL is allowed. Uncommitted changes of a writer are lost. */
void index_close(index_db *db);

int index_doc_count(index_db *db, uint64_t *out, index_error *err);
/* The greatest value any document ever had in slot (a bound: not lowered
 * when that document goes), into out; "" when none or it does not fit. */
int index_value_upper_bound(index_db *db, unsigned slot, char *out, size_t outlen,
			    index_error *err);
/* How many documents index `term` (its posting list's length). */
int index_term_freq(index_db *db, const char *term, uint64_t *out, index_error *err);
/* Reads the posting lists of the terms starting with prefix whole and
 * keeps them in memory, as a search does on a list's first use
 * (docs/index.md, "A common term's postings"), the longest first, up to
 * max_bytes of them and while the process's postings budget has room;
 * *kept (when given) is how many of them are kept now, *read (when given)
 * how many of those were read now (the others were kept already). A
 * read-only handle of one local database only (nothing is kept
 * otherwise); exact at the handle's revision: a later revision reads its
 * lists again on first use. */
int index_keep_lists(index_db *db, const char *prefix, size_t max_bytes, uint64_t *kept,
		     uint64_t *read, index_error *err);
/* *out is a malloc'd NUL-terminated copy, or NULL when the key is unset. */
int index_get_metadata(index_db *db, const char *key, char **out, index_error *err);
/* Staged with the documents; made durable by the same index_commit. */
int index_set_metadata(index_db *db, const char *key, const char *value, index_error *err);
/* Atomically makes every staged change (documents and metadata) durable.
 * On failure nothing is applied and the staged changes are dropped. */
int index_commit(index_db *db, index_error *err);

/* ---- documents ---------------------------------------------------- */

index_doc *index_doc_new(void);
void index_doc_free(index_doc *doc);
/* A boolean (filter) term: wdf 0, no effect on weights. */
int index_doc_add_boolean(index_doc *doc, const char *term, index_error *err);
/* A weighted term added `wdf` times (ranks like a word occurring wdf times). */
int index_doc_add_term(index_doc *doc, const char *term, unsigned wdf, index_error *err);
/* Free text, tokenised and stemmed for `lang` (ISO 639-1 such as "en",
 * "fr", "es"; NULL or unknown: no stemming), each word with wdf `weight`,
 * terms carrying `prefix` ("" for none). Positions are not stored: the
 * engine has no phrase queries and the index is smaller and faster. */
int index_doc_add_text(index_doc *doc, const char *text, size_t len, const char *lang,
		       unsigned weight, const char *prefix, index_error *err);
/* The same with the stemmed terms only ("Z" + prefix + stem; a language
 * without a stemmer: the words as they are, unprefixed by Z): about half
 * the terms. Query such text with INDEX_PARSE_STEM_ALL. */
int index_doc_add_text_stemmed(index_doc *doc, const char *text, size_t len, const char *lang,
			       unsigned weight, const char *prefix, index_error *err);
int index_doc_set_value(index_doc *doc, unsigned slot, const char *value, size_t len,
			index_error *err);
int index_doc_set_data(index_doc *doc, const char *data, size_t len, index_error *err);
/* The document's first term (in term order) that starts with prefix, copied
 * into buf (at most len - 1 bytes, NUL-terminated); "" when it holds none. */
int index_doc_first_term(index_doc *doc, const char *prefix, char *buf, size_t len,
			 index_error *err);

/* Adds or replaces the one document indexed by the unique term `id_term`
 * (which is added to `doc` as a boolean term if it is not there). A
 * replaced document gets a new docid: a docid's content never changes. */
int index_replace(index_db *db, const char *id_term, index_doc *doc, index_error *err);
/* Document data compression (index/datacodec.cc). A writer holding a data
 * dictionary stores each document's data as a zstd frame compressed with
 * it; every hit's data and index_fetch_data give the data as it was set,
 * whatever the form it is stored in. index_train_data_dictionary trains a
 * dictionary of at most `cap` bytes (>= 1024) on the data of docs (not yet
 * written) and stages it into the writer's metadata, made durable by the
 * next commit; the writer uses it for every document it writes from then
 * on. *trained is 1 when it did; 0 when the database already holds a
 * dictionary (it is never replaced: older documents name it) or the
 * documents are too few (< 100) or too alike to learn from. A sharded
 * writer gives every shard the same dictionary. */
int index_train_data_dictionary(index_db *w, index_doc *const *docs, size_t n, size_t cap,
				int *trained, index_error *err);
/* Whether the database holds a data dictionary (*out 1 or 0). */
int index_has_data_dictionary(index_db *db, int *out, index_error *err);
/* Deletes every document indexed by `id_term`; deleting nothing is not an error. */
int index_delete(index_db *db, const char *id_term, index_error *err);
/* Whether a document with term `term` exists (*out 1 or 0). */
int index_term_exists(index_db *db, const char *term, int *out, index_error *err);
/* The value in `slot` of the first document indexed by `term` (a unique id
 * term), copied into out (not NUL-terminated), its length in *len (0 when
 * unset). INDEX_ENOENT when no document has the term; INDEX_ERR when the
 * value is longer than outlen. */
int index_value_by_term(index_db *db, const char *term, unsigned slot, char *out, size_t outlen,
			size_t *len, index_error *err);

/* ---- queries ------------------------------------------------------ */

enum index_op {
	INDEX_OP_AND,
	INDEX_OP_OR,
	INDEX_OP_AND_NOT,   /* first sub-query minus all the others */
	INDEX_OP_FILTER,    /* first sub-query, restricted by the others, weight of the first only */
	INDEX_OP_AND_MAYBE, /* first sub-query required, the others only add weight */
	INDEX_OP_SYNONYM,   /* the subs weighted as one term */
	INDEX_OP_ELITE_SET  /* OR of the best-weighted few subs (large ORs) */
};

enum {
	INDEX_PARSE_DEFAULT_AND = 1 << 0, /* all words required (default: OR) */
	INDEX_PARSE_PARTIAL = 1 << 1,     /* the last word is a prefix (typeahead) */
	INDEX_PARSE_BOOLEAN = 1 << 2,     /* honour AND/OR/NOT and +/- operators */
	INDEX_PARSE_STEM_ALL = 1 << 3     /* every word stemmed, capitalised ones too: text
					   * indexed by index_doc_add_text_stemmed */
};

/* Matches every document (weight 0). */
index_query *index_query_all(void);
/* Matches nothing. */
index_query *index_query_none(void);
/* One term; wqf is its within-query frequency (1 normally). "" matches
 * nothing (unlike Xapian, where it means all: use index_query_all). */
index_query *index_query_term(const char *term, unsigned wqf);
/* Documents with any term starting with `prefix` (a wildcard). */
index_query *index_query_prefix(const char *prefix);
/* word stemmed for lang ("en", "fr", "es"; another: as it is) into out,
 * NUL-terminated: 0, or INDEX_ERR when it does not fit or stemming failed. */
int index_stem(const char *lang, const char *word, char *out, size_t outlen);
/* Free text parsed like index_doc_add_text indexes it (same lang, same
 * prefix). Returns NULL and fills err on a parse error. Empty text gives
 * a query that matches nothing. */
index_query *index_query_parse(const char *text, const char *lang, const char *prefix, int flags,
			       index_error *err);
/* Words a parse leaves out (a language's function words: "de", "the").
 * Built once, read by any number of threads; NULL when out of memory. */
index_stoplist *index_stoplist_new(const char *const *words, size_t n);
void index_stoplist_free(index_stoplist *s);
/* index_query_parse without the words of stop (NULL: none). A text of
 * stop words only keeps them, so "de" alone still searches for "de". */
index_query *index_query_parse_stopped(const char *text, const char *lang, const char *prefix,
				       int flags, const index_stoplist *stop, index_error *err);
index_query *index_query_combine(enum index_op op, index_query *const *subs, size_t n);
/* The OR of subs with each sub's own top-level OR opened and identical
 * sub-queries kept once, weighed as many times as they occurred: the same
 * matches and weights as index_query_combine(INDEX_OP_OR, ...), with one
 * posting list read where the OR read it once per copy (a text parsed
 * with several stemmers repeats most of its terms). */
index_query *index_query_or_merged(index_query *const *subs, size_t n);
/* The same query with its weights multiplied by factor (>= 0). */
index_query *index_query_scale(const index_query *q, double factor);
/* Documents whose value in `slot` lies in [lo, hi] byte-wise; NULL is an open end.
 * Documents without a value in `slot` never match. */
index_query *index_query_value_range(unsigned slot, const char *lo, const char *hi);
void index_query_free(index_query *q);
/* A readable description, malloc'd (for logs and tests). */
char *index_query_describe(const index_query *q);

/* ---- searching ---------------------------------------------------- */

enum index_weighting {
	INDEX_WEIGHT_BM25 = 0,
	INDEX_WEIGHT_BOOL = 1, /* all weights 0: fastest for pure filters */
	/* Each matching term adds its scale factor (index_query_scale), no
	 * statistics: the bound on a term's weight is exact, so the matcher
	 * stops walking long lists whose terms cannot lift a document into
	 * the top hits. */
	INDEX_WEIGHT_COORD = 2
};

typedef struct index_search_opts {
	uint32_t offset;
	uint32_t limit;
	int sort_slot;           /* -1: by weight; else by this value slot */
	int sort_descending;     /* with sort_slot */
	int weighting;           /* enum index_weighting */
	uint32_t check_at_least; /* 0: Xapian's default; more makes the estimate exact */
	double min_weight;       /* > 0: only hits weighing at least this (Enquire::set_cutoff) */
	int skip_data;           /* 1: leave hit.data empty (fetch it later with index_fetch_data) */
	int want_value;          /* 1: fill hit.value with the document's value in value_slot */
	unsigned value_slot;
	int cache_value;         /* 1: keep value_slot's values in memory, process-wide, for the
				  * next searches (read-only handles; one slot at a time) */
	int xapian_matcher;      /* 1: Xapian's matcher even where the wrapper's own evaluator
				  * answers (see below); for tests and benchmarks */
	int ties_by_value;       /* 1, sorted by weight: equal weights by tie_slot's value
				  * (ascending) instead of by docid, so the order is the same
				  * in any index holding the same documents (rebuilt, or split
				  * into shards); with INDEX_WEIGHT_COORD Xapian's matcher then
				  * answers */
	unsigned tie_slot;
	int top_only;            /* 1: only the hits are wanted, not the count: the wrapper's
				  * term-at-a-time evaluator (below) may leave out documents that
				  * cannot enter them, and the estimate is then a lower bound */
} index_search_opts;

typedef struct index_hit {
	uint32_t docid;
	double weight;
	const char *data; /* document data, valid until index_results_free */
	size_t data_len;
	const char *value; /* with want_value: the slot's value ("" when unset), same lifetime */
	size_t value_len;
} index_hit;

/* Runs q and fills the ordered top hits. A read-only database that changed
 * under the search is reopened and the search retried once.
 *
 * With INDEX_WEIGHT_COORD, sorted by weight, a query built from terms,
 * AND, OR, AND_NOT, AND_MAYBE, FILTER, scale factors, value ranges and
 * parsed text (no wildcards, synonyms, elite sets or index_query_all) is
 * answered by the wrapper's own term-at-a-time evaluator (accumulate.h):
 * the same hits in the same order as Xapian's matcher, several times
 * cheaper on long OR queries, and the estimate is the exact count (with
 * top_only: a lower bound, as lists that cannot lift a document into the
 * hits are only probed, MaxScore). Per handle it keeps 512 KiB of scratch
 * space (one block of per-docid slots).
 *
 * With INDEX_WEIGHT_BM25, sorted by weight (ties by docid or by value), no
 * min_weight or check_at_least, a query of words (terms and ORs of terms,
 * scaled; parsed text of plain words) under FILTER and AND_NOT of terms,
 * ORs of terms and value ranges (what search_build_query makes) is answered
 * by the wrapper's document-at-a-time BM25 (bm25.cc): Xapian's hits, order
 * and weights, without reading the length of documents that cannot enter
 * the result. Read-only handles keep, process-wide, every document's length
 * (4 bytes a docid) and each filter term's docids as runs, for the next
 * searches (at most 64 MiB of runs). The estimate is exact unless a value
 * range was left untested on documents that could not enter (then scaled
 * from the share that passed). */
int index_search(index_db *db, const index_query *q, const index_search_opts *opts,
		 index_results **out, index_error *err);
size_t index_results_count(const index_results *r);
const index_hit *index_results_hit(const index_results *r, size_t i);
/* 1 when the wrapper's evaluator answered (see index_search), else 0. */
int index_results_accumulated(const index_results *r);
/* With want_value: how many hits' values came from a value file
 * (index_write_value_file) rather than the value stream or the cache. */
size_t index_results_file_values(const index_results *r);
/* Xapian's estimate of all matches (exact when check_at_least was enough;
 * exact from the wrapper's evaluator, a lower bound with top_only). */
uint64_t index_results_estimate(const index_results *r);
void index_results_free(index_results *r);
/* Fills the data of hits [from, from + n) of r (searched with skip_data),
 * read from db as of the search. INDEX_EMODIFIED when the database moved on
 * meanwhile (search again). */
int index_fetch_data(index_db *db, index_results *r, size_t from, size_t n, index_error *err);

/* ---- maintenance -------------------------------------------------- */

/* Writes a compacted copy of the database at `src` into `dst` (which must
 * not exist). Compaction drops the free space that may still hold terms
 * of deleted documents. */
int index_compact(const char *src, const char *dst, index_error *err);
/* Writes, into the plain index directory `path`, a file holding value
 * slot `slot` of every document by docid, from its last commit (the
 * file "fairmatch-values-SLOT"; a sharded directory: nothing). A read-only
 * handle then reads that slot's values (want_value) of the docids the file
 * covers from it, one read per hit or per run of close hits, instead of a
 * B-tree descent and a block read each; later documents are read from the
 * value stream as before. The file names the database's UUID and is
 * ignored by any other database. Written after a bulk build's compaction;
 * index_delete_all removes it. */
int index_write_value_file(const char *path, unsigned slot, index_error *err);

/* ---- shards (shards.cc) -------------------------------------------
 * An index directory may be split into n shards: the file SHARDS in it
 * lists them, and index_open_writable / index_open_readonly on the
 * directory then open every shard as one database. A writer routes each
 * document by its id term (a stable hash) to one shard and records
 * metadata in all of them; readers read a shard locally, or through
 * xapian-tcpsrv when its line says remote. Searches over a remote shard
 * go through Xapian's matcher (Enquire), never the wrapper's evaluator. */

/* Writes dir's layout: n shards (1 to 64), shard k read through the
 * xapian-tcpsrv at remote[k] ("HOST:PORT") or locally (remote NULL, or
 * remote[k] NULL or ""). INDEX_ERR when dir already holds another number
 * of shards or a plain index: a derived index is rebuilt elsewhere, not
 * re-split in place. */
int index_set_shards(const char *dir, unsigned n, const char *const *remote, index_error *err);
/* How many shards db combines (1 for a plain index) and whether any is read remotely. */
int index_shard_count(index_db *db, unsigned *n, int *remote);
/* Deletes every document of a writer (staged: made durable by index_commit). */
int index_delete_all(index_db *db, index_error *err);

#ifdef __cplusplus
}
#endif

#endif
