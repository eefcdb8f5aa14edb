/*
 * index.cc - the extern "C" wrapper over Xapian declared in index.h.
 *
 * Each opaque C handle owns one Xapian object (a database, document,
 * query or a copied result list). Every entry point runs its body inside
 * try { ... } catch (...) and hands the exception to fail(), which
 * rethrows it once to sort it into an INDEX_E* code and a lowercase
 * message: no C++ exception can reach the C caller. The wrapper knows
 * nothing about what terms and slots mean (that is schema.h and the
 * engine): it only maps C calls onto Xapian calls.
 *
 * Writers keep their staged changes inside a Xapian transaction, opened
 * lazily by the first change after a commit. That is what makes the
 * header's two promises true: index_commit publishes documents and
 * metadata atomically (Xapian does not auto-flush inside a transaction),
 * and index_close loses whatever was not committed (a WritableDatabase
 * left outside a transaction commits pending changes when destroyed).
 */
#include "index/index.h"
#include "index/accumulate.h"
#include "index/handle.hh"

#include <algorithm>
#include <xapian.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/stat.h>

using fairmatch_index::plan;
using fairmatch_index::plan_ptr;

struct index_doc {
	Xapian::Document doc;
	bool data_encoded = false; /* its data is already as stored (datacodec.cc) */
};

struct index_query {
	Xapian::Query q;
	plan_ptr p; /* the same query for the wrapper's evaluator; NULL: Xapian's matcher only */
};

struct index_results {
	std::vector<index_hit> hits;
	/* The hits' data points into these strings; they are filled first and
	 * never resized afterwards, so the pointers stay valid. */
	std::vector<std::string> data;
	std::vector<std::string> values;
	uint64_t estimate = 0;
	bool accumulated = false; /* answered by the wrapper's evaluator */
	size_t file_values = 0;   /* values read from a value file */
};

namespace {

/* Writes a lowercase-led, bounded message into err (which may be NULL).
 * Uses vsnprintf only: reporting an error must not allocate or throw. */
[[gnu::format(printf, 2, 3)]] void set_err(index_error *err, const char *fmt, ...) noexcept;

void set_err(index_error *err, const char *fmt, ...) noexcept
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		err->msg[0] = '\0';
}

/* Xapian's own messages start with a capital ("Unable to get write lock");
 * the project's messages are lowercase, so lower the first letter when the
 * next is lowercase too (an acronym such as "ENOSPC" stays as it is). */
void lower_first(index_error *err, size_t at) noexcept
{
	if (!err || at >= sizeof err->msg - 1)
		return;
	char *p = err->msg + at;
	if (p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'a' && p[1] <= 'z')
		p[0] = (char)(p[0] - 'A' + 'a');
}

/* Formats "<what>: <kind>: <xapian message>[ (<system error>)]". */
int xapian_fail(index_error *err, int code, const char *what, const char *kind,
		const Xapian::Error &e) noexcept
{
	const char *sys = e.get_error_string();
	const std::string &msg = e.get_msg(); /* a reference: no copy, no throw */
	if (!err)
		return code;
	int prefix = snprintf(err->msg, sizeof err->msg, "%s: %s: ", what, kind);
	if (prefix < 0)
		prefix = 0;
	set_err(err, "%s: %s: %s%s%s%s", what, kind, msg.c_str(), sys ? " (" : "",
		sys ? sys : "", sys ? ")" : "");
	lower_first(err, (size_t)prefix);
	return code;
}

/* Whether a Xapian error is the disk being full. Xapian reports write
 * failures as DatabaseError with the errno's text; the text is compared
 * with strerror(ENOSPC) in this locale and with the usual C-locale words. */
bool is_enospc(const Xapian::Error &e) noexcept
{
	const char *sys = e.get_error_string();
	const char *msg = e.get_msg().c_str();
	if (sys && (strcmp(sys, strerror(ENOSPC)) == 0 || strstr(sys, "No space left")))
		return true;
	return strstr(msg, "No space left") != nullptr || strstr(msg, "ENOSPC") != nullptr;
}

/* Called only from inside a catch handler: rethrows the exception in
 * flight to classify it, and never lets anything escape. */
int fail(index_error *err, const char *what) noexcept
{
	try {
		throw;
	} catch (const Xapian::DatabaseLockError &e) {
		return xapian_fail(err, INDEX_ELOCK, what, "database is locked by another writer", e);
	} catch (const Xapian::DatabaseModifiedError &e) {
		return xapian_fail(err, INDEX_EMODIFIED, what,
				   "database changed under the reader, reopen and retry", e);
	} catch (const Xapian::DatabaseNotFoundError &e) {
		return xapian_fail(err, INDEX_ENOENT, what, "no database", e);
	} catch (const Xapian::DatabaseOpeningError &e) {
		/* Before 1.4.10 a missing database was only an opening error
		 * with errno ENOENT; a damaged or too new one stays INDEX_ERR. */
		const char *sys = e.get_error_string();
		if (sys && strcmp(sys, strerror(ENOENT)) == 0)
			return xapian_fail(err, INDEX_ENOENT, what, "no database", e);
		if (is_enospc(e))
			return xapian_fail(err, INDEX_ENOSPC, what, "disk full", e);
		return xapian_fail(err, INDEX_ERR, what, "cannot open database", e);
	} catch (const Xapian::QueryParserError &e) {
		return xapian_fail(err, INDEX_ERR, what, "query syntax", e);
	} catch (const Xapian::Error &e) {
		if (is_enospc(e))
			return xapian_fail(err, INDEX_ENOSPC, what, "disk full", e);
		/* get_type() is a static string such as "InvalidArgumentError". */
		return xapian_fail(err, INDEX_ERR, what, e.get_type(), e);
	} catch (const std::bad_alloc &) {
		set_err(err, "%s: out of memory", what);
		return INDEX_ENOMEM;
	} catch (const std::exception &e) {
		set_err(err, "%s: %s", what, e.what());
		return INDEX_ERR;
	} catch (...) {
		set_err(err, "%s: unknown c++ exception", what);
		return INDEX_ERR;
	}
}

/* The stemmer for an ISO 639-1 code (or a Xapian language name). NULL,
 * "" or an unknown language gives the no-op stemmer: indexing and query
 * parsing then simply do not stem, which is what index.h promises. */
Xapian::Stem stemmer_for(const char *lang)
{
	if (!lang || !*lang)
		return Xapian::Stem();
	return Xapian::Stem(lang, true);
}

/* Starts the writer's transaction before its first change after a commit.
 * A flushed transaction first commits anything pending outside one; by
 * construction there is nothing (every change happens inside one). */
void stage(index_db *db)
{
	if (!db->in_txn) {
		db->w->begin_transaction(true);
		db->in_txn = true;
	}
}

/* Throws away every uncommitted change of a writer, leaving it outside a
 * transaction. An unflushed transaction that is cancelled discards what
 * was pending before it began too, which covers changes left behind by a
 * failed commit_transaction (Xapian keeps them in memory). */
void discard(index_db *db) noexcept
{
	try {
		if (!db->in_txn)
			db->w->begin_transaction(false);
		db->in_txn = true;
		db->w->cancel_transaction();
	} catch (...) {
		/* Nothing more can be done; the handle stays usable. */
	}
	db->in_txn = false;
	/* A dictionary staged with the changes is gone with them. */
	fairmatch_index::codec_forget(*db);
}

int need_db(index_db *db, index_error *err, const char *what)
{
	if (!db) {
		set_err(err, "%s: no database handle", what);
		return INDEX_ERR;
	}
	return INDEX_OK;
}

int need_writer(index_db *db, index_error *err, const char *what)
{
	if (need_db(db, err, what) != INDEX_OK)
		return INDEX_ERR;
	if (!db->w) {
		set_err(err, "%s: database is open read-only", what);
		return INDEX_ERR;
	}
	return INDEX_OK;
}

/* Wraps a query value and its plan (NULL: none) in a new handle; NULL
 * when out of memory. */
index_query *wrap(const Xapian::Query &q, plan_ptr p = nullptr) noexcept
{
	try {
		return new index_query{q, std::move(p)};
	} catch (...) {
		return nullptr;
	}
}

/* A plan node of kind k with no sub-queries. */
std::shared_ptr<plan> leaf(plan::kind k)
{
	auto p = std::make_shared<plan>();
	p->k = k;
	return p;
}

/*
 * A cache of one value slot, for callers that read the same slot of many
 * hits (the matcher's compact records: 200 random B-tree lookups a match,
 * each a pread of 8 KiB blocks, were an eighth of a match's time at a
 * million vacancies).
 *
 * It is exact because a docid's values never change here: index_replace
 * gives a changed document a new docid (delete, then add; Xapian never
 * hands out a docid twice in one database), and a rebuilt or compacted
 * index is another database with another UUID, which empties the cache.
 * Only read-only handles use it: a writer could see, and cache, documents
 * of a transaction that is then cancelled, whose docids come back.
 * Bounded: past VALUE_CACHE_BYTES (values and the map's entries) it starts
 * again empty. The budget is a share of the server's memory target (512 MiB
 * at 5,000,000 vacancies, issue 20) beside the evaluator's (index/bm25.cc:
 * kept postings 128 MiB, runs and blocks 64 MiB, values 96 MiB, lengths):
 * 64 MiB holds about 450,000 compact records of 100 bytes, the candidates
 * of over 2,000 different matches. It was 512 MiB, the whole target, which
 * a server matching many different profiles would have filled.
 */
constexpr size_t VALUE_CACHE_BYTES = 64u << 20;
constexpr size_t VALUE_CACHE_ENTRY = 48; /* what a map entry costs, roughly */

struct value_cache {
	std::shared_mutex lock;
	std::string uuid;
	unsigned slot = 0;
	/* docid -> (offset into bytes, length) */
	std::unordered_map<Xapian::docid, std::pair<uint32_t, uint32_t>> at;
	std::string bytes;
};

value_cache vcache;

/* Fills r.values[i] of each (docid, i) in order (sorted by docid) from the
 * cache where it can; returns the ones it could not. */
std::vector<std::pair<Xapian::docid, size_t>>
cached_values(const std::string &uuid, unsigned slot,
	      const std::vector<std::pair<Xapian::docid, size_t>> &order, index_results &r)
{
	std::vector<std::pair<Xapian::docid, size_t>> missing;
	std::shared_lock<std::shared_mutex> hold(vcache.lock);

	if (vcache.uuid != uuid || vcache.slot != slot)
		return order;
	for (const auto &p : order) {
		auto it = vcache.at.find(p.first);

		if (it != vcache.at.end())
			r.values[p.second].assign(vcache.bytes, it->second.first, it->second.second);
		else
			missing.push_back(p);
	}
	return missing;
}

/* Keeps the values just read for (uuid, slot). */
void cache_values(const std::string &uuid, unsigned slot,
		  const std::vector<std::pair<Xapian::docid, size_t>> &read, const index_results &r)
{
	std::unique_lock<std::shared_mutex> hold(vcache.lock);
	size_t need = 0;

	for (const auto &p : read)
		need += r.values[p.second].size() + VALUE_CACHE_ENTRY;
	if (vcache.uuid != uuid || vcache.slot != slot ||
	    vcache.bytes.size() + vcache.at.size() * VALUE_CACHE_ENTRY + need > VALUE_CACHE_BYTES) {
		vcache.uuid = uuid;
		vcache.slot = slot;
		vcache.at.clear();
		std::string().swap(vcache.bytes);
	}
	if (need > VALUE_CACHE_BYTES)
		return;
	for (const auto &p : read) {
		const std::string &v = r.values[p.second];

		if (vcache.at.emplace(p.first, std::make_pair((uint32_t)vcache.bytes.size(),
							       (uint32_t)v.size()))
			    .second)
			vcache.bytes += v;
	}
}

/* The data of the wrapper's evaluators' hits, decoded (empty strings
 * when skip_data: index_fetch_data reads them later). */
static void read_hits_data(index_db &h, const std::vector<std::pair<Xapian::docid, double>> &ids,
			   int skip_data, index_results &r)
{
	r.data.reserve(ids.size());
	for (const auto &id : ids)
		r.data.push_back(skip_data ? std::string()
					   : fairmatch_index::decode_data(
						     h, h.db->get_document(id.first,
									   Xapian::DOC_ASSUME_VALID)
							    .get_data()));
}

/* The ordered top hits of q: by the wrapper's evaluator when it answers
 * the query (index.h says when), else by Xapian's matcher. Their data is
 * read unless skip_data. */
void top_hits(index_db &h, const index_query &q, const index_search_opts &o,
	      std::vector<std::pair<Xapian::docid, double>> &ids, index_results &r, bool cacheable)
{
	Xapian::Database &d = *h.db;

	if (q.p && o.weighting == INDEX_WEIGHT_COORD && o.sort_slot < 0 && !o.xapian_matcher &&
	    !h.remote && !o.ties_by_value) {
		r.accumulated = true;
		if (!h.acc)
			h.acc.reset(new fairmatch_index::accumulator);
		fairmatch_index::accumulate_top(d, *q.p, o.min_weight, o.offset, o.limit,
						o.top_only != 0, cacheable, *h.acc, ids, r.estimate);
		read_hits_data(h, ids, o.skip_data, r);
		return;
	}
	/* BM25 by relevance, for words under filters (the search's shape):
	 * the wrapper's document-at-a-time evaluator, which skips the length
	 * and value reads of documents that cannot enter the result. */
	if (q.p && o.weighting == INDEX_WEIGHT_BM25 && o.sort_slot < 0 && !o.xapian_matcher &&
	    !h.remote && o.min_weight <= 0 && o.check_at_least == 0 &&
	    fairmatch_index::bm25_top(d, *q.p, o.offset, o.limit, o.ties_by_value != 0, o.tie_slot,
				      cacheable, ids, r.estimate)) {
		r.accumulated = true;
		read_hits_data(h, ids, o.skip_data, r);
		return;
	}
	Xapian::Enquire enq(d);
	enq.set_query(q.q);
	if (o.weighting == INDEX_WEIGHT_BOOL)
		enq.set_weighting_scheme(Xapian::BoolWeight());
	else if (o.weighting == INDEX_WEIGHT_COORD)
		enq.set_weighting_scheme(Xapian::CoordWeight());
	else
		enq.set_weighting_scheme(Xapian::BM25Weight());
	/* Equal keys fall back to docid ascending, so results are repeatable. */
	enq.set_docid_order(Xapian::Enquire::ASCENDING);
	if (o.sort_slot >= 0)
		enq.set_sort_by_value_then_relevance((Xapian::valueno)o.sort_slot,
						     o.sort_descending != 0);
	else if (o.ties_by_value)
		enq.set_sort_by_relevance_then_value((Xapian::valueno)o.tie_slot, false);
	else
		enq.set_sort_by_relevance();
	if (o.min_weight > 0)
		enq.set_cutoff(0, o.min_weight);
	Xapian::MSet ms = enq.get_mset(o.offset, o.limit, o.check_at_least);

	if (h.remote && (o.want_value || !o.skip_data)) {
		/* One request for every document instead of one per hit. */
		ms.fetch();
		if (o.want_value)
			fairmatch_index::remote_values(ms, o.value_slot, r.values);
	}
	r.data.reserve(ms.size());
	ids.reserve(ms.size());
	for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it) {
		ids.emplace_back(*it, it.get_weight());
		r.data.push_back(o.skip_data ? std::string()
					     : fairmatch_index::decode_data(h, it.get_document().get_data()));
	}
	r.estimate = ms.get_matches_estimated();
}

void run_search(index_db &h, const index_query &q, const index_search_opts &o, index_results &r,
		bool cacheable)
{
	Xapian::Database &d = *h.db;
	std::vector<std::pair<Xapian::docid, double>> ids;

	/* Copy everything out, so the results outlive any later change. */
	r.hits.clear();
	r.data.clear();
	r.values.clear();
	r.accumulated = false;
	r.file_values = 0;
	top_hits(h, q, o, ids, r, cacheable);
	r.values.resize(ids.size());
	if (o.want_value && !ids.empty() && !h.remote) {
		/* One pass over the value stream in docid order: each chunk
		 * is found and decoded once, not once per hit. */
		std::vector<std::pair<Xapian::docid, size_t>> order;
		order.reserve(ids.size());
		for (size_t i = 0; i < ids.size(); i++)
			order.emplace_back(ids[i].first, i);
		std::sort(order.begin(), order.end());
		std::string uuid = cacheable ? d.get_uuid() : std::string();
		/* A value file beside the database (valuefile.cc) answers the
		 * docids it covers, instead of a B-tree descent and a block
		 * read each: first when it is held in memory (a decompression
		 * a value, cheaper than the cache's copy and no place in it),
		 * else after the cache (one read a value, or one for several
		 * close together); the stream answers the others. */
		int held = -1;
		if (!uuid.empty()) {
			size_t asked = order.size();
			order = fairmatch_index::file_values(h, o.value_slot, uuid, order, r.values,
							     &held, true);
			r.file_values = asked - order.size();
		}
		if (!uuid.empty() && o.cache_value && !order.empty())
			order = cached_values(uuid, o.value_slot, order, r);
		std::vector<std::pair<Xapian::docid, size_t>> rest = order;
		if (!uuid.empty() && held == 0 && !order.empty()) {
			rest = fairmatch_index::file_values(h, o.value_slot, uuid, order, r.values,
							    &held, false);
			r.file_values += order.size() - rest.size();
		}
		Xapian::ValueIterator v = rest.empty() ? Xapian::ValueIterator()
						       : d.valuestream_begin((Xapian::valueno)o.value_slot);
		for (const auto &p : rest) {
			if (v == d.valuestream_end((Xapian::valueno)o.value_slot))
				break;
			v.skip_to(p.first);
			if (v != d.valuestream_end((Xapian::valueno)o.value_slot) &&
			    v.get_docid() == p.first)
				r.values[p.second] = *v;
		}
		if (!uuid.empty() && o.cache_value && !order.empty())
			cache_values(uuid, o.value_slot, order, r);
	}
	r.hits.reserve(ids.size());
	for (size_t i = 0; i < ids.size(); i++)
		r.hits.push_back(index_hit{ids[i].first, ids[i].second, r.data[i].data(),
					   r.data[i].size(), r.values[i].data(), r.values[i].size()});
}

/* Opens the database at path, writable (created when missing) or read-only.
 * A fresh writer has nothing pending, so deleting it on failure commits
 * nothing. */
int open_db(const char *path, index_db **out, index_error *err, bool writable) noexcept
{
	const char *what = writable ? "open writable index" : "open read-only index";
	if (!out || !path || !*path) {
		set_err(err, "%s: missing path or out argument", what);
		return INDEX_ERR;
	}
	*out = nullptr;
	Xapian::Database *d = nullptr;
	Xapian::WritableDatabase *w = nullptr;
	try {
		/* A directory split into shards (shards.cc). */
		std::vector<fairmatch_index::shard_spec> specs;
		if (fairmatch_index::read_layout(path, specs)) {
			*out = fairmatch_index::open_shards(specs, writable);
			return INDEX_OK;
		}
		if (writable)
			d = w = new Xapian::WritableDatabase(
				path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
		else
			d = new Xapian::Database(path);
		std::string dir(path);
		*out = new index_db{d, w, false};
		(*out)->path.swap(dir);
		return INDEX_OK;
	} catch (...) {
		int rc = fail(err, what);
		delete d;
		return rc;
	}
}

/* Deletes p; a destructor that throws (Xapian's may) must not cross into C. */
template <class T> void destroy(T *p) noexcept
{
	try {
		delete p;
	} catch (...) {
	}
}

/* The whole of a simple C entry point: its arguments checked (args false:
 * "missing argument"), then body, whose exceptions become an error code so
 * that none crosses into C. */
template <class F> int guarded(index_error *err, const char *what, bool args, F &&body) noexcept
{
	if (!args) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	try {
		body();
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

} /* namespace */

extern "C" {

/* ---- databases ---------------------------------------------------- */

int index_open_writable(const char *path, index_db **out, index_error *err)
{
	return open_db(path, out, err, true);
}

int index_open_readonly(const char *path, index_db **out, index_error *err)
{
	return open_db(path, out, err, false);
}

int index_reopen(index_db *db, index_error *err)
{
	static const char what[] = "reopen index";
	if (need_db(db, err, what) != INDEX_OK)
		return INDEX_ERR;
	try {
		/* A writer already sees its own latest state. */
		/* Another revision may hold another data dictionary. */
		if (!db->w && db->parts.empty() && db->db->reopen())
			fairmatch_index::codec_forget(*db);
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

void index_close(index_db *db)
{
	if (!db)
		return;
	for (index_db *part : db->parts)
		index_close(part);
	if (db->w)
		discard(db);
	try {
		db->db->close();
	} catch (...) {
		/* Closing releases the lock and file handles even when it reports an error. */
	}
	try {
		delete db->db;
	} catch (...) {
		/* Xapian destructors do not throw; this only keeps the promise. */
	}
	delete db;
}

int index_doc_count(index_db *db, uint64_t *out, index_error *err)
{
	return guarded(err, "count documents", db && out, [&] { *out = db->db->get_doccount(); });
}

int index_value_upper_bound(index_db *db, unsigned slot, char *out, size_t outlen,
			    index_error *err)
{
	return guarded(err, "value upper bound", db && out && outlen > 0, [&] {
		std::string v = db->db->get_value_upper_bound(slot);
		if (v.size() >= outlen)
			v.clear(); /* never a cut value: "" says unknown */
		memcpy(out, v.data(), v.size());
		out[v.size()] = '\0';
	});
}

int index_term_freq(index_db *db, const char *term, uint64_t *out, index_error *err)
{
	return guarded(err, "term frequency", db && term && out,
		       [&] { *out = db->db->get_termfreq(term); });
}

int index_keep_lists(index_db *db, const char *prefix, size_t max_bytes, uint64_t *kept,
		     uint64_t *read, index_error *err)
{
	return guarded(err, "keep posting lists", db && prefix, [&] {
		uint64_t n = 0, r = 0;

		/* As a search keeps them: a reader's, of one local database. */
		if (!db->w && db->parts.empty() && !db->remote)
			n = fairmatch_index::keep_lists(*db->db, prefix, max_bytes, &r);
		if (kept)
			*kept = n;
		if (read)
			*read = r;
	});
}

int index_get_metadata(index_db *db, const char *key, char **out, index_error *err)
{
	static const char what[] = "get metadata";
	if (!db || !key || !out) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	*out = nullptr;
	try {
		std::string v = db->db->get_metadata(key);
		/* Xapian stores no empty values: "" is how it says "unset". */
		if (v.empty())
			return INDEX_OK;
		char *s = static_cast<char *>(malloc(v.size() + 1));
		if (!s) {
			set_err(err, "%s: out of memory", what);
			return INDEX_ENOMEM;
		}
		memcpy(s, v.data(), v.size());
		s[v.size()] = '\0';
		*out = s;
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_set_metadata(index_db *db, const char *key, const char *value, index_error *err)
{
	static const char what[] = "set metadata";
	if (db && !db->parts.empty()) {
		/* Every shard records it: each says how far it got. */
		for (index_db *part : db->parts) {
			int rc = index_set_metadata(part, key, value, err);
			if (rc)
				return rc;
		}
		return INDEX_OK;
	}
	if (need_writer(db, err, what) != INDEX_OK)
		return INDEX_ERR;
	if (!key) {
		set_err(err, "%s: missing key", what);
		return INDEX_ERR;
	}
	try {
		stage(db);
		/* NULL or "" removes the key (Xapian's meaning of an empty value). */
		db->w->set_metadata(key, value ? value : "");
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_commit(index_db *db, index_error *err)
{
	static const char what[] = "commit index";
	if (db && !db->parts.empty()) {
		/* Last shard first, the first shard last: the first shard's
		 * metadata (what a reader of the combined shards sees) is then
		 * never ahead of another's, so a crash between two commits
		 * replays from the oldest point (replays are idempotent). */
		int rc = INDEX_OK;
		for (size_t i = db->parts.size(); i-- > 0;) {
			if (rc == INDEX_OK)
				rc = index_commit(db->parts[i], err);
			else if (db->parts[i]->in_txn)
				discard(db->parts[i]);
		}
		return rc;
	}
	if (need_writer(db, err, what) != INDEX_OK)
		return INDEX_ERR;
	if (!db->in_txn)
		return INDEX_OK; /* nothing staged */
	try {
		/* Whether it succeeds or throws, the transaction is over. */
		db->in_txn = false;
		db->w->commit_transaction();
		return INDEX_OK;
	} catch (...) {
		int rc = fail(err, what);
		/* Nothing was applied; drop the staged changes so they cannot be
		 * committed half-way later (by the next transaction or the
		 * destructor). The caller restages them, e.g. by replaying the
		 * change log from the last committed sequence. */
		discard(db);
		return rc;
	}
}

/* ---- documents ---------------------------------------------------- */

index_doc *index_doc_new(void)
{
	try {
		return new index_doc();
	} catch (...) {
		return nullptr;
	}
}

void index_doc_free(index_doc *doc)
{
	destroy(doc);
}

int index_doc_add_boolean(index_doc *doc, const char *term, index_error *err)
{
	return guarded(err, "add boolean term", doc && term, [&] { doc->doc.add_boolean_term(term); });
}

int index_doc_first_term(index_doc *doc, const char *prefix, char *buf, size_t len,
			 index_error *err)
{
	return guarded(err, "read a term", doc && prefix && buf && len, [&] {
		std::string p(prefix);
		Xapian::TermIterator t = doc->doc.termlist_begin();

		buf[0] = '\0';
		t.skip_to(p);
		if (t == doc->doc.termlist_end())
			return;
		std::string term = *t;
		if (term.compare(0, p.size(), p) == 0 && term.size() < len)
			memcpy(buf, term.c_str(), term.size() + 1);
	});
}

int index_doc_add_term(index_doc *doc, const char *term, unsigned wdf, index_error *err)
{
	return guarded(err, "add term", doc && term, [&] { doc->doc.add_term(term, wdf); });
}

namespace {
int add_text(index_doc *doc, const char *text, size_t len, const char *lang, unsigned weight,
	     const char *prefix, bool stemmed_only, index_error *err)
{
	static const char what[] = "index text";
	if (!doc || (!text && len)) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	if (!len)
		return INDEX_OK;
	try {
		Xapian::TermGenerator tg;
		Xapian::Stem stem = stemmer_for(lang);
		tg.set_stemmer(stem);
		/* Xapian's STEM_ALL_Z without a stemmer would index nothing */
		tg.set_stemming_strategy(!stemmed_only ? Xapian::TermGenerator::STEM_SOME
					 : stem.is_none() ? Xapian::TermGenerator::STEM_NONE
							  : Xapian::TermGenerator::STEM_ALL_Z);
		tg.set_document(doc->doc);
		tg.index_text_without_positions(std::string(text, len), weight,
						prefix ? prefix : "");
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}
} // namespace

int index_doc_add_text(index_doc *doc, const char *text, size_t len, const char *lang,
		       unsigned weight, const char *prefix, index_error *err)
{
	return add_text(doc, text, len, lang, weight, prefix, false, err);
}

int index_doc_add_text_stemmed(index_doc *doc, const char *text, size_t len, const char *lang,
			       unsigned weight, const char *prefix, index_error *err)
{
	return add_text(doc, text, len, lang, weight, prefix, true, err);
}

int index_doc_set_value(index_doc *doc, unsigned slot, const char *value, size_t len,
			index_error *err)
{
	static const char what[] = "set value";
	if (!doc || (!value && len)) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	try {
		/* An empty value removes the slot (Xapian has no empty values). */
		doc->doc.add_value(slot, std::string(value ? value : "", len));
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_doc_set_data(index_doc *doc, const char *data, size_t len, index_error *err)
{
	return guarded(err, "set document data", doc && (data || !len), [&] {
		doc->doc.set_data(std::string(data ? data : "", len));
		doc->data_encoded = false;
	});
}

int index_replace(index_db *db, const char *id_term, index_doc *doc, index_error *err)
{
	static const char what[] = "replace document";
	if (db && !db->parts.empty() && id_term && *id_term)
		return index_replace(fairmatch_index::part_for(db, id_term), id_term, doc, err);
	if (need_writer(db, err, what) != INDEX_OK)
		return INDEX_ERR;
	/* An empty term would mean "every document" to some Xapian calls. */
	if (!id_term || !*id_term || !doc) {
		set_err(err, "%s: missing id term or document", what);
		return INDEX_ERR;
	}
	try {
		/* The id term must be in the document or the next replace cannot
		 * find it and a duplicate appears. Adding a boolean term that is
		 * already there changes nothing, so add it unconditionally. */
		doc->doc.add_boolean_term(id_term);
		stage(db);
		if (!doc->data_encoded) {
			fairmatch_index::encode_data(*db, doc->doc);
			doc->data_encoded = true;
		}
		/* Delete and add rather than replace_document(id_term): a changed
		 * document gets a new docid, so a docid's values never change
		 * (the value cache relies on it). */
		db->w->delete_document(id_term);
		db->w->add_document(doc->doc);
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_train_data_dictionary(index_db *w, index_doc *const *docs, size_t n, size_t cap,
				int *trained, index_error *err)
{
	static const char what[] = "train data dictionary";
	if (trained)
		*trained = 0;
	if (w && w->parts.empty() && need_writer(w, err, what) != INDEX_OK)
		return INDEX_ERR;
	return guarded(err, what, w && (docs || !n) && cap >= 1024, [&] {
		std::vector<index_db *> writers;
		if (w->parts.empty())
			writers.push_back(w);
		else
			writers = w->parts;
		/* One dictionary for every shard: a combined reader reads the
		 * first shard's metadata. */
		if (fairmatch_index::has_dictionary(*writers[0]))
			return;
		std::vector<std::string> data;
		std::vector<const std::string *> samples;
		data.reserve(n);
		for (size_t i = 0; i < n; i++)
			if (docs[i] && !docs[i]->data_encoded)
				data.push_back(docs[i]->doc.get_data());
		for (const std::string &d : data)
			samples.push_back(&d);
		std::string dict = fairmatch_index::train_dictionary(samples, cap);
		if (dict.empty())
			return;
		for (index_db *part : writers)
			fairmatch_index::install_dictionary(*part, dict);
		if (trained)
			*trained = 1;
	});
}

int index_has_data_dictionary(index_db *db, int *out, index_error *err)
{
	return guarded(err, "read data dictionary", db && out, [&] {
		*out = fairmatch_index::has_dictionary(db->parts.empty() ? *db : *db->parts[0]);
	});
}

int index_delete(index_db *db, const char *id_term, index_error *err)
{
	static const char what[] = "delete document";
	if (db && !db->parts.empty() && id_term && *id_term)
		return index_delete(fairmatch_index::part_for(db, id_term), id_term, err);
	if (need_writer(db, err, what) != INDEX_OK)
		return INDEX_ERR;
	if (!id_term || !*id_term) {
		set_err(err, "%s: missing id term", what);
		return INDEX_ERR;
	}
	try {
		stage(db);
		db->w->delete_document(id_term);
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_term_exists(index_db *db, const char *term, int *out, index_error *err)
{
	static const char what[] = "look up term";
	if (!db || !term || !*term || !out) {
		/* Xapian answers "" with "is the database non-empty": refuse it. */
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	try {
		*out = db->db->term_exists(term) ? 1 : 0;
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_value_by_term(index_db *db, const char *term, unsigned slot, char *out, size_t outlen,
			size_t *len, index_error *err)
{
	static const char what[] = "read a document's value";
	if (!db || !term || !*term || !out || !len) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	*len = 0;
	try {
		Xapian::PostingIterator p = db->db->postlist_begin(term);
		if (p == db->db->postlist_end(term)) {
			set_err(err, "%s: no document has term \"%s\"", what, term);
			return INDEX_ENOENT;
		}
		std::string v = db->db->get_document(*p, Xapian::DOC_ASSUME_VALID).get_value(slot);
		if (v.size() > outlen) {
			set_err(err, "%s: the value of slot %u does not fit", what, slot);
			return INDEX_ERR;
		}
		memcpy(out, v.data(), v.size());
		*len = v.size();
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

/* ---- queries ------------------------------------------------------ */

index_query *index_query_all(void)
{
	return wrap(Xapian::Query::MatchAll);
}

index_query *index_query_none(void)
{
	try {
		return wrap(Xapian::Query::MatchNothing, leaf(plan::NOTHING));
	} catch (...) {
		return nullptr;
	}
}

index_query *index_query_term(const char *term, unsigned wqf)
{
	if (!term)
		return nullptr;
	try {
		/* Xapian reads an empty term as MatchAll; for a C caller that is a
		 * trap (an empty filter value would match everything), so it
		 * matches nothing here. index_query_all is the way to say "all". */
		if (!*term)
			return wrap(Xapian::Query::MatchNothing, leaf(plan::NOTHING));
		auto p = std::make_shared<plan>();
		p->k = plan::TERM;
		p->term = term;
		p->wqf = wqf;
		return wrap(Xapian::Query(term, wqf), std::move(p));
	} catch (...) {
		return nullptr;
	}
}

index_query *index_query_prefix(const char *prefix)
{
	if (!prefix)
		return nullptr;
	try {
		/* Expanded against the searched database when the search runs;
		 * no expansion limit, the expansion weighted as one synonym. */
		return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD, prefix));
	} catch (...) {
		return nullptr;
	}
}

struct index_stoplist {
	Xapian::SimpleStopper stopper;
};

index_stoplist *index_stoplist_new(const char *const *words, size_t n)
{
	try {
		auto *s = new index_stoplist;
		for (size_t i = 0; i < n; i++)
			if (words[i] && *words[i])
				s->stopper.add(words[i]);
		return s;
	} catch (...) {
		return nullptr;
	}
}

void index_stoplist_free(index_stoplist *s)
{
	delete s;
}

index_query *index_query_parse(const char *text, const char *lang, const char *prefix, int flags,
			       index_error *err)
{
	return index_query_parse_stopped(text, lang, prefix, flags, nullptr, err);
}

index_query *index_query_parse_stopped(const char *text, const char *lang, const char *prefix,
				       int flags, const index_stoplist *stop, index_error *err)
{
	static const char what[] = "parse query";
	if (!text) {
		set_err(err, "%s: missing text", what);
		return nullptr;
	}
	try {
		Xapian::QueryParser qp;
		qp.set_stemmer(stemmer_for(lang));
		qp.set_stemming_strategy((flags & INDEX_PARSE_STEM_ALL) ? Xapian::QueryParser::STEM_ALL_Z
									: Xapian::QueryParser::STEM_SOME);
		qp.set_default_op((flags & INDEX_PARSE_DEFAULT_AND) ? Xapian::Query::OP_AND
								    : Xapian::Query::OP_OR);
		if (stop)
			qp.set_stopper(&stop->stopper); /* not owned: outlives qp */
		unsigned qflags = 0;
		if (flags & INDEX_PARSE_BOOLEAN)
			qflags |= Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_LOVEHATE;
		if (flags & INDEX_PARSE_PARTIAL)
			qflags |= Xapian::QueryParser::FLAG_PARTIAL;
		/* Positions are never indexed, so quoted or hyphenated phrases
		 * must not become phrase queries (they would match nothing). */
		qflags |= Xapian::QueryParser::FLAG_NO_POSITIONS;
		/* Empty text parses to Xapian's empty Query, which matches nothing. */
		Xapian::Query q = qp.parse_query(text, qflags, prefix ? prefix : "");
		return new index_query{q, fairmatch_index::plan_of_parsed(q)};
	} catch (...) {
		fail(err, what);
		return nullptr;
	}
}

index_query *index_query_combine(enum index_op op, index_query *const *subs, size_t n)
{
	if (n && !subs)
		return nullptr;
	for (size_t i = 0; i < n; i++)
		if (!subs[i])
			return nullptr;
	Xapian::Query::op xop;
	plan::kind k = plan::NOTHING; /* NOTHING here: no plan for this operator */
	switch (op) {
	case INDEX_OP_AND: xop = Xapian::Query::OP_AND, k = plan::AND; break;
	case INDEX_OP_OR: xop = Xapian::Query::OP_OR, k = plan::OR; break;
	case INDEX_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT, k = plan::AND_NOT; break;
	case INDEX_OP_FILTER: xop = Xapian::Query::OP_FILTER, k = plan::FILTER; break;
	case INDEX_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE, k = plan::AND_MAYBE; break;
	case INDEX_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
	case INDEX_OP_ELITE_SET: xop = Xapian::Query::OP_ELITE_SET; break;
	default: return nullptr;
	}
	try {
		std::vector<Xapian::Query> v;
		std::shared_ptr<plan> p = k == plan::NOTHING ? nullptr : leaf(k);
		v.reserve(n);
		for (size_t i = 0; i < n; i++) {
			v.push_back(subs[i]->q);
			if (p && subs[i]->p)
				p->subs.push_back(subs[i]->p);
			else
				p = nullptr;
		}
		/* Xapian reads an operator without sub-queries as MatchNothing. */
		if (p && p->subs.empty())
			p->k = plan::NOTHING;
		return wrap(Xapian::Query(xop, v.begin(), v.end()), std::move(p));
	} catch (...) {
		return nullptr;
	}
}

index_query *index_query_or_merged(index_query *const *subs, size_t n)
{
	if (n && !subs)
		return nullptr;
	for (size_t i = 0; i < n; i++)
		if (!subs[i])
			return nullptr;
	try {
		/* Each distinct part once, in first-seen order, with its count;
		 * a part is identified by its serialised form. */
		struct part {
			Xapian::Query q;
			plan_ptr p;
			unsigned count;
		};
		std::vector<part> parts;
		std::unordered_map<std::string, size_t> seen;
		bool planned = true;
		auto add = [&](const Xapian::Query &q, const plan_ptr &p) {
			auto it = seen.emplace(q.serialise(), parts.size());
			if (it.second)
				parts.push_back(part{q, p, 1});
			else
				parts[it.first->second].count++;
		};
		for (size_t i = 0; i < n; i++) {
			const index_query &s = *subs[i];
			bool open = s.q.get_type() == Xapian::Query::OP_OR &&
				    (!s.p || (s.p->k == plan::OR &&
					      s.p->subs.size() == s.q.get_num_subqueries()));
			if (!s.p)
				planned = false;
			if (!open) {
				add(s.q, s.p);
				continue;
			}
			for (size_t k = 0; k < s.q.get_num_subqueries(); k++)
				add(s.q.get_subquery(k), s.p ? s.p->subs[k] : nullptr);
		}
		std::vector<Xapian::Query> v;
		std::shared_ptr<plan> p = planned ? leaf(plan::OR) : nullptr;
		v.reserve(parts.size());
		for (const auto &x : parts) {
			if (x.count == 1) {
				v.push_back(x.q);
			} else {
				v.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, x.q, (double)x.count);
			}
			if (p) {
				auto sp = std::make_shared<plan>(*x.p);
				sp->factor *= x.count;
				p->subs.push_back(std::move(sp));
			}
		}
		if (p && p->subs.empty())
			p->k = plan::NOTHING;
		return wrap(Xapian::Query(Xapian::Query::OP_OR, v.begin(), v.end()), std::move(p));
	} catch (...) {
		return nullptr;
	}
}

index_query *index_query_scale(const index_query *q, double factor)
{
	/* Also rejects NaN; Xapian itself rejects negative factors. */
	if (!q || !(factor >= 0))
		return nullptr;
	try {
		plan_ptr p = nullptr;
		if (q->p) {
			auto scaled = std::make_shared<plan>(*q->p);
			scaled->factor *= factor;
			p = std::move(scaled);
		}
		return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor), std::move(p));
	} catch (...) {
		return nullptr;
	}
}

index_query *index_query_value_range(unsigned slot, const char *lo, const char *hi)
{
	try {
		/* Only documents with a value in the slot ever match. Xapian turns
		 * OP_VALUE_GE with an empty bound into MatchAll (documents without
		 * the value included), so an open or empty lower end becomes "\0",
		 * the smallest non-empty value. */
		const std::string low = (lo && *lo) ? std::string(lo) : std::string(1, '\0');
		auto p = leaf(plan::VALUE_RANGE);
		p->slot = slot;
		p->lo = low;
		p->has_hi = hi != nullptr;
		p->hi = hi ? hi : "";
		if (hi)
			return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, low, hi),
				    std::move(p));
		return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, low), std::move(p));
	} catch (...) {
		return nullptr;
	}
}

void index_query_free(index_query *q)
{
	destroy(q);
}

char *index_query_describe(const index_query *q)
{
	if (!q)
		return nullptr;
	try {
		std::string d = q->q.get_description();
		char *s = static_cast<char *>(malloc(d.size() + 1));
		if (!s)
			return nullptr;
		memcpy(s, d.c_str(), d.size() + 1);
		return s;
	} catch (...) {
		return nullptr;
	}
}

/* ---- searching ---------------------------------------------------- */

int index_search(index_db *db, const index_query *q, const index_search_opts *opts,
		 index_results **out, index_error *err)
{
	static const char what[] = "search index";
	if (!db || !q || !out) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	*out = nullptr;
	index_search_opts o{};
	if (opts) {
		o = *opts;
	} else {
		o.limit = 10;
		o.sort_slot = -1;
	}
	index_results *r = nullptr;
	try {
		r = new index_results();
		try {
			run_search(*db, *q, o, *r, db->w == nullptr && db->parts.empty());
		} catch (const Xapian::DatabaseModifiedError &) {
			/* A writer committed twice while we read: a reader can
			 * move to the latest revision and try once more. */
			if (db->w)
				throw;
			db->db->reopen();
			run_search(*db, *q, o, *r, db->w == nullptr && db->parts.empty());
		}
		*out = r;
		return INDEX_OK;
	} catch (...) {
		int rc = fail(err, what);
		delete r;
		return rc;
	}
}

size_t index_results_count(const index_results *r)
{
	return r ? r->hits.size() : 0;
}

const index_hit *index_results_hit(const index_results *r, size_t i)
{
	if (!r || i >= r->hits.size())
		return nullptr;
	return &r->hits[i];
}

int index_results_accumulated(const index_results *r)
{
	return r && r->accumulated;
}

size_t index_results_file_values(const index_results *r)
{
	return r ? r->file_values : 0;
}

uint64_t index_results_estimate(const index_results *r)
{
	return r ? r->estimate : 0;
}

void index_results_free(index_results *r)
{
	destroy(r);
}

int index_fetch_data(index_db *db, index_results *r, size_t from, size_t n, index_error *err)
{
	static const char what[] = "fetch document data";
	if (!db || !r) {
		set_err(err, "%s: missing argument", what);
		return INDEX_ERR;
	}
	try {
		/* The docids come from this revision's MSet, so they exist:
		 * DOC_ASSUME_VALID skips the check that reads the document's
		 * length from another table first. */
		for (size_t i = from; i < from + n && i < r->hits.size(); i++) {
			r->data[i] = fairmatch_index::decode_data(
				*db, db->db->get_document(r->hits[i].docid, Xapian::DOC_ASSUME_VALID)
					     .get_data());
			r->hits[i].data = r->data[i].data();
			r->hits[i].data_len = r->data[i].size();
		}
		return INDEX_OK;
	} catch (const Xapian::DatabaseModifiedError &) {
		set_err(err, "%s: the index changed during the search", what);
		return INDEX_EMODIFIED;
	} catch (...) {
		return fail(err, what);
	}
}

/* ---- maintenance -------------------------------------------------- */

int index_compact(const char *src, const char *dst, index_error *err)
{
	static const char what[] = "compact index";
	if (!src || !*src || !dst || !*dst) {
		set_err(err, "%s: missing path", what);
		return INDEX_ERR;
	}
	struct stat st;
	if (stat(dst, &st) == 0) {
		set_err(err, "%s: destination \"%s\" already exists", what, dst);
		return INDEX_ERR;
	}
	try {
		/* The normal multi-file glass directory (not DBCOMPACT_SINGLE_FILE):
		 * a single-file database can never be opened for writing again,
		 * while this one can be swapped in and updated as the live index. */
		Xapian::Database d(src);
		d.compact(dst);
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

int index_write_value_file(const char *path, unsigned slot, index_error *err)
{
	static const char what[] = "write value file";
	if (!path || !*path) {
		set_err(err, "%s: missing path", what);
		return INDEX_ERR;
	}
	try {
		std::vector<fairmatch_index::shard_spec> specs;
		if (fairmatch_index::read_layout(path, specs))
			return INDEX_OK; /* shards are read combined: no file is read */
		fairmatch_index::write_value_file(path, slot);
		return INDEX_OK;
	} catch (...) {
		return fail(err, what);
	}
}

} /* extern "C" */

/* One word stemmed with the language's Snowball stemmer (the one indexing
 * uses). The three stemmers of the loaded languages are made once per
 * thread (a Xapian::Stem is not shared between threads). */
extern "C" int index_stem(const char *lang, const char *word, char *out, size_t outlen)
{
	static thread_local Xapian::Stem en("english"), fr("french"), es("spanish");

	if (!out || outlen == 0)
		return INDEX_ERR;
	out[0] = '\0';
	if (!lang || !word)
		return INDEX_ERR;
	try {
		Xapian::Stem *s = strcmp(lang, "en") == 0   ? &en
				  : strcmp(lang, "fr") == 0 ? &fr
				  : strcmp(lang, "es") == 0 ? &es
							    : nullptr;
		std::string r = s ? (*s)(word) : std::string(word);

		if (r.size() >= outlen)
			return INDEX_ERR;
		memcpy(out, r.data(), r.size());
		out[r.size()] = '\0';
		return 0;
	} catch (...) {
		return INDEX_ERR;
	}
}
