/*
 * bm25.cc - the wrapper's document-at-a-time BM25 for a search's shape:
 * the words of a query (an OR of terms, scaled) under filters (terms, ORs
 * of terms, value ranges), kept or excluded. See accumulate.h.
 *
 * Why: Xapian's matcher cannot stop early on a single common word under a
 * country-language filter (BM25's bound for the word is reached by few
 * documents, so the heap's minimum never passes it), and for every document
 * of the word in the filter it reads the document's length, tests the value
 * ranges and weighs it through a tree of virtual calls. Here the posting
 * lists are intersected by skip_to, and a document's BM25 weight is first
 * bounded from its wdf alone (the shortest document length the database
 * holds gives the largest weight a wdf can have): once the heap holds the
 * wanted number of hits, a document whose bound cannot beat the lightest of
 * them costs no length lookup, no value test and no heap operation. That
 * is most of a common word's documents, whose wdf is 1.
 *
 * What is left per document is reading three lists: the word's postings,
 * the filter's and the document lengths. The last two are kept in memory
 * for read-only handles (`cached`, below): the length of every docid, and
 * each filter term's docids as runs (bulk loads write a country-language
 * pair's documents side by side, so XCL:ZA:en is about 5,500 runs at
 * 1,000,000 vacancies, not 110,000 postings). Both are exact: a docid never
 * changes content and is never given out twice, so a length read once stays
 * true, and a term's documents up to the last docid then can only lose
 * members (deleted documents, which the word's own list no longer holds
 * either). They are used by handles at the revision they were read at or
 * later only.
 *
 * Several words: a word's maxpart is the most it adds to a document; the
 * words that together cannot lift a document over the lightest kept hit
 * only probe (MaxScore), as Xapian's matcher turns an OR into an
 * AND_MAYBE. And a word's postings are kept as bounds per block of 128
 * (`blocks`): a stretch where only some words have documents, none of
 * whose blocks could beat the lightest kept hit, is passed over with one
 * skip_to. A common word's top hits sit in few of its blocks.
 *
 * The weights are Xapian::BM25Weight's with its default parameters, worked
 * out the same way (the same operations in the same order for one term),
 * so the answers are Xapian's: the same documents in the same order
 * (weight descending, then the tie slot's value or the docid ascending);
 * test_index compares them with Enquire.
 */
#include "index/accumulate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>

namespace fairmatch_index {

namespace {

/* Xapian::BM25Weight()'s parameters (k1, k2, k3, b, min_normlen). With
 * k2 = 0 its "extra" part is 0 and the query length plays no part. */
constexpr double K1 = 1, K3 = 1, B = 0.5, MIN_NORMLEN = 0.5;
constexpr Xapian::docid NO_DOCID = std::numeric_limits<Xapian::docid>::max();

/* ---- what never changes for a docid, kept between searches ---- */

/* A filter term's documents up to `upto`, as runs of consecutive docids
 * [first, last], read at revision `rev`. */
struct runs {
	Xapian::rev rev = 0;
	Xapian::docid upto = 0;
	std::vector<std::pair<Xapian::docid, Xapian::docid>> r;
};

/* Document lengths by docid (0: no document then), read at revision rev. */
struct lengths {
	Xapian::rev rev = 0;
	std::vector<Xapian::termcount> len;
};

/* A value slot's values by docid, each NUL-padded to `width` bytes (all
 * NUL: no value), read at revision rev. Values never change for a docid,
 * so, like lengths, they stay true; a docid past the array is read from
 * the value stream. Only slots whose values are short and hold no NUL
 * are kept (a date: valid_until), since padding must keep their order. */
struct values {
	Xapian::rev rev = 0;
	size_t width = 0;
	Xapian::docid upto = 0;
	std::vector<char> v;

	/* v's order against bound b (a string without NUL, at most width
	 * long): <0, 0, >0 as std::string::compare. */
	int compare(Xapian::docid id, const std::string &b) const
	{
		const char *x = &v[(size_t)id * width];
		const int c = memcmp(x, b.data(), b.size());
		if (c != 0 || b.size() == width)
			return c;
		return x[b.size()] != '\0'; /* longer than b, b its prefix: after it */
	}
	bool empty_at(Xapian::docid id) const { return v[(size_t)id * width] == '\0'; }
	std::string at(Xapian::docid id) const
	{
		const char *x = &v[(size_t)id * width];
		return std::string(x, strnlen(x, width));
	}
};

constexpr size_t VALUES_WIDTH_MAX = 16;
constexpr size_t VALUES_BYTES_MAX = 96u << 20;

/* A word's postings in blocks of BLOCK: the last docid of each block and
 * the largest length-normalised wdf part in it,
 * wdf / (K1 * (normlen * B + 1 - B) + wdf), with normlen taken at
 * len_factor (1 / the average length then); top, the largest of all.
 * Read at revision rev, up to docid upto. (Glass keeps no wdf bound of
 * its own for a term: get_wdf_upper_bound is the database's largest.) */
struct blocks {
	Xapian::rev rev = 0;
	Xapian::docid upto = 0;
	double len_factor = 0, top = 0;
	Xapian::doccount tail = 0; /* postings in the last block */
	Xapian::doccount postings = 0;
	std::vector<Xapian::docid> last;
	std::vector<double> most;
};

constexpr Xapian::doccount BLOCK = 128;

constexpr size_t CACHE_BYTES = 64u << 20;  /* runs and blocks of all terms together */
/* Postings of the words: a budget of their own, the least recently taken
 * let go first. Only lists long enough that reading them costs more than
 * a few blocks are kept. */
constexpr size_t POSTINGS_BYTES = 128u << 20;
constexpr Xapian::doccount POSTINGS_MIN = 512;
constexpr Xapian::docid LENGTHS_MAX = 1u << 24; /* docids: 64 MiB of lengths */

/* What is kept of one database. */
struct cached {
	std::string uuid;
	uint64_t touched = 0; /* the clock when last asked for */
	std::shared_ptr<const lengths> len;
	std::unordered_map<unsigned, std::shared_ptr<const values>> vals;
	std::unordered_map<std::string, std::shared_ptr<const runs>> terms;
	std::unordered_map<std::string, std::shared_ptr<const blocks>> words;
	size_t bytes = 0;
	std::unordered_map<std::string, std::shared_ptr<kept_postings>> lists;
	size_t list_bytes = 0;
};

/* Two databases kept side by side: a process that matches vacancies also
 * searches the taxonomy's index (naming a profile's words), and with one
 * place the taxonomy's first search let go of every list, block and length
 * of the vacancies' (at 1,000,000, three times in 500 matches: lists read
 * whole up to four times). The budgets are for both together; the least
 * recently asked for gives its place to a third database. */
constexpr size_t CACHE_DBS = 2;

struct caches {
	std::shared_mutex lock;
	cached db[CACHE_DBS];
	std::atomic<uint64_t> clock{0};
};

caches cache;

/* The database's place, or none; caller holds the lock (shared will do:
 * the relaxed store only orders which place goes first). */
cached *cache_of(const std::string &uuid)
{
	for (cached &c : cache.db)
		if (!c.uuid.empty() && c.uuid == uuid) {
			__atomic_store_n(&c.touched, ++cache.clock, __ATOMIC_RELAXED);
			return &c;
		}
	return nullptr;
}

/* The database's place, taking the least recently asked for from another
 * database when it has none; caller holds the lock exclusively. */
cached &cache_for(const std::string &uuid)
{
	cached *c = cache_of(uuid);
	if (c)
		return *c;
	c = &cache.db[0];
	for (cached &x : cache.db)
		if (x.touched < c->touched)
			c = &x;
	c->uuid = uuid;
	c->touched = ++cache.clock;
	c->len.reset();
	c->vals.clear();
	c->terms.clear();
	c->words.clear();
	c->bytes = 0;
	c->lists.clear();
	c->list_bytes = 0;
	return *c;
}

/* Kept postings of every database; caller holds the lock. */
size_t list_bytes_all()
{
	size_t n = 0;
	for (const cached &c : cache.db)
		n += c.list_bytes;
	return n;
}

/* Runs and blocks over budget with need more: all of them let go (they
 * are read again in a few blocks each); caller holds the lock exclusively. */
void runs_room(size_t need)
{
	size_t n = need;
	for (const cached &c : cache.db)
		n += c.bytes;
	if (n <= CACHE_BYTES)
		return;
	for (cached &c : cache.db) {
		c.terms.clear();
		c.words.clear();
		c.bytes = 0;
	}
}

/* Whether what was read at revision `rev` up to docid `upto` serves a
 * handle at revision `at` whose last docid is `last`: read no later than
 * the handle's revision, and covering most of its docids (else it is read
 * again, so that new documents do not pile up uncovered). */
bool serves(Xapian::rev rev, Xapian::docid upto, Xapian::rev at, Xapian::docid last)
{
	return rev <= at && upto >= last - last / 8;
}

std::shared_ptr<const lengths> lengths_of(const Xapian::Database &d, const std::string &uuid,
					  Xapian::rev at)
{
	const Xapian::docid last = d.get_lastdocid();
	{
		std::shared_lock<std::shared_mutex> hold(cache.lock);
		const cached *c = cache_of(uuid);
		if (c && c->len && serves(c->len->rev, (Xapian::docid)c->len->len.size() - 1, at, last))
			return c->len;
	}
	if (last >= LENGTHS_MAX)
		return nullptr;
	auto l = std::make_shared<lengths>();
	l->rev = at;
	l->len.assign((size_t)last + 1, 0);
	for (Xapian::PostingIterator it = d.postlist_begin(""), end = d.postlist_end("");
	     it != end; ++it)
		l->len[*it] = it.get_doclength();
	std::unique_lock<std::shared_mutex> hold(cache.lock);
	cache_for(uuid).len = l;
	return l;
}

/* The values of slot by docid, or none when the slot's values cannot be
 * kept (too long, a NUL, too many docids). */
std::shared_ptr<const values> values_of(const Xapian::Database &d, const std::string &uuid,
					Xapian::rev at, unsigned slot)
{
	const Xapian::docid last = d.get_lastdocid();
	{
		std::shared_lock<std::shared_mutex> hold(cache.lock);
		const cached *c = cache_of(uuid);
		auto it = c ? c->vals.find(slot) : decltype(c->vals.end())();
		if (c && it != c->vals.end() &&
		    (!it->second || serves(it->second->rev, it->second->upto, at, last)))
			return it->second;
	}
	std::shared_ptr<values> x;
	/* Two passes over the stream: the longest value sets the width, so
	 * no wider copy is ever held. */
	size_t longest = 0;
	bool fits = true;
	if (d.get_value_freq(slot) == 0)
		return nullptr; /* nothing to keep yet */
	for (Xapian::ValueIterator it = d.valuestream_begin(slot), end = d.valuestream_end(slot);
	     fits && it != end; ++it) {
		const std::string v = *it;
		fits = v.size() <= VALUES_WIDTH_MAX && v.find('\0') == std::string::npos &&
		       it.get_docid() <= last;
		longest = std::max(longest, v.size());
	}
	if (fits && longest > 0 && ((size_t)last + 1) * longest <= VALUES_BYTES_MAX) {
		x = std::make_shared<values>();
		x->rev = at;
		x->upto = last;
		x->width = longest;
		x->v.assign(((size_t)last + 1) * longest, '\0');
		for (Xapian::ValueIterator it = d.valuestream_begin(slot), end = d.valuestream_end(slot);
		     it != end; ++it) {
			const std::string v = *it;
			memcpy(&x->v[(size_t)it.get_docid() * longest], v.data(), v.size());
		}
	}
	std::unique_lock<std::shared_mutex> hold(cache.lock);
	cache_for(uuid).vals[slot] = x;
	return x;
}

std::shared_ptr<const runs> runs_of(const Xapian::Database &d, const std::string &uuid,
				    Xapian::rev at, const std::string &term)
{
	const Xapian::docid last = d.get_lastdocid();
	{
		std::shared_lock<std::shared_mutex> hold(cache.lock);
		const cached *c = cache_of(uuid);
		auto it = c ? c->terms.find(term) : decltype(c->terms.end())();
		if (c && it != c->terms.end() && serves(it->second->rev, it->second->upto, at, last))
			return it->second;
	}
	auto x = std::make_shared<runs>();
	x->rev = at;
	x->upto = last;
	for (Xapian::PostingIterator it = d.postlist_begin(term), end = d.postlist_end(term);
	     it != end; ++it) {
		if (!x->r.empty() && x->r.back().second + 1 == *it)
			x->r.back().second = *it;
		else
			x->r.emplace_back(*it, *it);
	}
	const size_t need = x->r.size() * sizeof x->r[0] + term.size() + 64;
	std::unique_lock<std::shared_mutex> hold(cache.lock);
	runs_room(need);
	cached &c = cache_for(uuid);
	if (need <= CACHE_BYTES) {
		auto old = c.terms.find(term);
		if (old != c.terms.end())
			c.bytes -= old->second->r.size() * sizeof x->r[0] + term.size() + 64;
		c.terms[term] = x;
		c.bytes += need;
	}
	return x;
}

/* What tf postings take kept in their narrow form (kept_postings): a
 * common word's, whose runs of docids are dense. */
size_t narrow_bytes(Xapian::doccount tf)
{
	return (size_t)tf * 3 + ((size_t)tf >> kept_postings::NARROW_SHIFT) * 4 + 64;
}

/* An empty list to keep a term's tf postings in, read at revision at;
 * none when so many would not pay (short lists cost few block reads) or
 * could never be kept (over a quarter of the budget). */
std::shared_ptr<kept_postings> postings_to_keep(Xapian::rev at, Xapian::doccount tf)
{
	if (tf < POSTINGS_MIN || narrow_bytes(tf) > POSTINGS_BYTES / 4)
		return nullptr;
	auto x = std::make_shared<kept_postings>();
	x->rev = at;
	x->reserve(tf);
	return x;
}

/* A word's postings read at exactly revision at, or none. */
std::shared_ptr<const kept_postings> postings_of(const std::string &uuid, Xapian::rev at,
					    const std::string &term)
{
	std::shared_lock<std::shared_mutex> hold(cache.lock);
	const cached *c = cache_of(uuid);
	if (!c)
		return nullptr;
	auto it = c->lists.find(term);
	if (it == c->lists.end() || it->second->rev != at)
		return nullptr;
	/* A relaxed store under the shared lock: only the order of letting
	 * go depends on it. */
	__atomic_store_n(&it->second->used, ++cache.clock, __ATOMIC_RELAXED);
	return it->second;
}

/* Keeps x, letting go of the least recently taken lists beyond the budget. */
bool keep_postings(const std::string &uuid, const std::string &term,
		   std::shared_ptr<kept_postings> x, bool evict)
{
	const size_t need = x->bytes() + term.size();
	if (need > POSTINGS_BYTES / 4)
		return false;
	std::unique_lock<std::shared_mutex> hold(cache.lock);
	cached &c = cache_for(uuid);
	auto old = c.lists.find(term);
	if (old != c.lists.end()) {
		c.list_bytes -= old->second->bytes() + term.size();
		c.lists.erase(old);
	}
	const size_t held = list_bytes_all();
	if (!evict && held + need > POSTINGS_BYTES)
		return false;
	if (held + need > POSTINGS_BYTES) {
		/* Full: a list is worth what reading it from the database
		 * costs, about its length. Shorter lists go, the least
		 * recently taken first among equals, and only for a longer
		 * one: the budget ends up holding the longest lists asked for
		 * (a cyclic mix of queries would empty a recency-ordered one
		 * before each list came back). */
		std::vector<std::tuple<size_t, uint64_t, size_t, std::string>> by_worth;
		for (const auto &kv : c.lists)
			by_worth.emplace_back(kv.second->size(), kv.second->used,
					      kv.second->bytes() + kv.first.size(), kv.first);
		std::sort(by_worth.begin(), by_worth.end());
		size_t freed = 0, k = 0;
		while (k < by_worth.size() && std::get<0>(by_worth[k]) < x->size() &&
		       held - freed + need > POSTINGS_BYTES)
			freed += std::get<2>(by_worth[k++]);
		if (held - freed + need > POSTINGS_BYTES)
			return false;
		for (size_t j = 0; j < k; j++)
			c.lists.erase(std::get<3>(by_worth[j]));
		c.list_bytes -= freed;
	}
	x->used = ++cache.clock;
	c.lists.emplace(term, std::move(x));
	c.list_bytes += need;
	return true;
}

/* The length-normalised part of a wdf in a document of normlen; the
 * same operations as the weight's (search::sumpart). */
double wdf_part(Xapian::termcount wdf, double normlen)
{
	const double wdf_double(wdf);
	const double denom = K1 * (normlen * B + (1 - B)) + wdf_double;
	return wdf_double / denom;
}

std::shared_ptr<const blocks> blocks_of(const Xapian::Database &d, const std::string &uuid,
					Xapian::rev at, const std::string &term,
					const lengths &len, double len_factor)
{
	const Xapian::docid last = d.get_lastdocid();
	{
		std::shared_lock<std::shared_mutex> hold(cache.lock);
		const cached *c = cache_of(uuid);
		auto it = c ? c->words.find(term) : decltype(c->words.end())();
		if (c && it != c->words.end() && serves(it->second->rev, it->second->upto, at, last))
			return it->second;
	}
	auto x = std::make_shared<blocks>();
	x->rev = at;
	x->upto = last;
	x->len_factor = len_factor;
	Xapian::doccount in = 0;
	double most = 0;
	std::shared_ptr<kept_postings> all = postings_to_keep(at, d.get_termfreq(term));
	for (Xapian::PostingIterator it = d.postlist_begin(term), end = d.postlist_end(term);
	     it != end; ++it) {
		const Xapian::docid id = *it;
		const Xapian::termcount l = id < len.len.size() ? len.len[id] : it.get_doclength();
		const Xapian::termcount wdf = it.get_wdf();
		if (all && !all->add(id, wdf))
			all.reset();
		most = std::max(most, wdf_part(wdf, std::max(l * len_factor, MIN_NORMLEN)));
		x->top = std::max(x->top, most);
		x->postings++;
		if (++in == BLOCK) {
			x->last.push_back(id);
			x->most.push_back(most);
			in = 0;
			most = 0;
		}
	}
	if (in) {
		x->last.push_back(last);
		x->most.push_back(most);
		x->tail = in;
	} else if (!x->last.empty()) {
		x->last.back() = last;
		x->tail = BLOCK;
	} else {
		x->upto = 0; /* nothing read: every docid is past the blocks */
	}
	if (all) {
		all->finish();
		keep_postings(uuid, term, std::move(all), true);
	}
	const size_t need = x->last.size() * (sizeof x->last[0] + sizeof x->most[0]) +
			    term.size() + 64;
	std::unique_lock<std::shared_mutex> hold(cache.lock);
	runs_room(need);
	cached &c = cache_for(uuid);
	if (need <= CACHE_BYTES) {
		auto old = c.words.find(term);
		if (old != c.words.end())
			c.bytes -= old->second->last.size() *
					   (sizeof x->last[0] + sizeof x->most[0]) +
				   term.size() + 64;
		c.words[term] = x;
		c.bytes += need;
	}
	return x;
}

/* ---- the search ---- */

/* A posting list read forward; cur is NO_DOCID past the end. A filter's
 * list may read its docids up to runs->upto from the runs instead: cur
 * is then the first docid from the one asked for that may be in the list
 * (a document the runs hold that is gone is in no word's list either). */
struct list {
	Xapian::PostingIterator it, end;
	Xapian::docid cur = NO_DOCID;
	std::shared_ptr<const kept_postings> mem; /* a word's postings in memory, at `mat` */
	size_t mat = 0;
	std::shared_ptr<const runs> span;
	size_t at = 0;
	const Xapian::Database *db = nullptr;
	std::string term; /* opened past the runs */
	double size = 0;  /* documents it holds */

	void open(const Xapian::Database &d, const std::string &t)
	{
		size = d.get_termfreq(t);
		it = d.postlist_begin(t);
		end = d.postlist_end(t);
		cur = it == end ? NO_DOCID : *it;
	}
	void open_mem(std::shared_ptr<const kept_postings> p)
	{
		mem = std::move(p);
		size = (double)mem->size();
		mat = 0;
		cur = mem->size() == 0 ? NO_DOCID : mem->id(0);
	}
	Xapian::termcount wdf() const { return mem ? mem->wdf(mat) : it.get_wdf(); }
	void open_runs(const Xapian::Database &d, const std::string &t, std::shared_ptr<const runs> r)
	{
		db = &d;
		term = t;
		span = std::move(r);
		size = d.get_termfreq(t);
		at = 0;
		cur = 0;
		skip_to(1);
	}
	void skip_to(Xapian::docid id)
	{
		if (cur >= id)
			return;
		if (span) {
			while (at < span->r.size() && span->r[at].second < id)
				at++;
			if (at < span->r.size()) {
				cur = std::max(id, span->r[at].first);
				return;
			}
			/* Past the runs: the list itself, from upto + 1. */
			const Xapian::docid from = std::max(id, span->upto + 1);
			span.reset();
			open(*db, term);
			if (cur < from && cur != NO_DOCID) {
				it.skip_to(from);
				cur = it == end ? NO_DOCID : *it;
			}
			return;
		}
		if (mem) {
			mat = gallop_to(*mem, mat + 1, id);
			cur = mat < mem->size() ? mem->id(mat) : NO_DOCID;
			return;
		}
		it.skip_to(id);
		cur = it == end ? NO_DOCID : *it;
	}
};

/* A weighted term of the query. maxpart: the most it adds to any
 * document (its largest wdf in the shortest document). */
struct word {
	list l;
	double termweight = 0;
	double maxpart = 0;
	bool essential = true; /* brings documents in (MaxScore, below) */
	/* Block bounds (read-only handles, common words): the block at and
	 * the factor their parts are widened by for today's average length. */
	std::shared_ptr<const blocks> bl;
	size_t at_block = 0;
	double block_scale = 1;
	double block_share = 1; /* of the blocks' postings still there (deletions since) */
	Xapian::doccount tf = 0;
};

/* A filter: a document passes when any of the lists holds it (keep) or
 * none does (!keep). A kept filter without lists matches nothing. */
struct filter {
	bool keep = true;
	std::vector<list> lists;
};

struct range_test {
	const plan *range;
	bool keep;
	Xapian::ValueIterator v, end;
	std::shared_ptr<const values> kept; /* the slot's values in memory, when they can be */
	bool lo_any = false;                /* no lower bound: any value passes it */
};

struct hit {
	Xapian::docid id;
	double weight;
	std::string tie; /* the tie slot's value, when ties go by value */
};

/* The words of p (an OR of terms) with their factors; false for anything else. */
bool words_of(const plan &p, double f, std::vector<std::pair<const plan *, double>> &out)
{
	const double g = f * p.factor;

	switch (p.k) {
	case plan::TERM:
		out.emplace_back(&p, g);
		return true;
	case plan::NOTHING:
		return true;
	case plan::OR:
		for (const plan_ptr &s : p.subs)
			if (!words_of(*s, g, out))
				return false;
		return true;
	default:
		return false;
	}
}

/* The terms of a filter (a term or an OR of terms); false for anything else. */
bool terms_of(const plan &p, std::vector<const plan *> &out)
{
	switch (p.k) {
	case plan::TERM:
		out.push_back(&p);
		return true;
	case plan::NOTHING:
		return true;
	case plan::OR:
		for (const plan_ptr &s : p.subs)
			if (!terms_of(*s, out))
				return false;
		return true;
	default:
		return false;
	}
}

class search {
      public:
	/* cacheable: a read-only handle (a writer's documents may still be
	 * taken back, and their docids given out again). */
	search(const Xapian::Database &d, bool cacheable) : db(d)
	{
		if (!cacheable)
			return;
		try {
			revision = d.get_revision();
			uuid = d.get_uuid();
			use_cache = !uuid.empty();
		} catch (const Xapian::InvalidOperationError &) {
			/* several databases combined: no one revision */
		}
	}

	/* Reads the plan's shape; false when it is not words under filters. */
	bool shape(const plan &p, double f)
	{
		const double g = f * p.factor;

		if (p.k != plan::FILTER && p.k != plan::AND_NOT) {
			std::vector<std::pair<const plan *, double>> w;
			if (!words_of(p, f, w))
				return false;
			weighted.insert(weighted.end(), w.begin(), w.end());
			return true;
		}
		if (p.subs.empty() || !shape(*p.subs[0], g))
			return false;
		for (size_t i = 1; i < p.subs.size(); i++) {
			const plan &s = *p.subs[i];
			if (s.k == plan::VALUE_RANGE) {
				ranges.push_back(range_test{&s, p.k == plan::FILTER, {}, {}, nullptr, false});
				continue;
			}
			std::vector<const plan *> terms;
			if (!terms_of(s, terms))
				return false;
			filters.emplace_back();
			filters.back().keep = p.k == plan::FILTER;
			for (const plan *t : terms) {
				filters.back().lists.emplace_back();
				list &l = filters.back().lists.back();
				std::shared_ptr<const runs> r =
					use_cache ? runs_of(db, uuid, revision, t->term) : nullptr;
				if (r)
					l.open_runs(db, t->term, std::move(r));
				else
					l.open(db, t->term);
			}
		}
		return true;
	}

	void run(size_t want, bool ties_by_value, unsigned tie_slot, std::vector<hit> &top,
		 uint64_t &matches)
	{
		const Xapian::doccount n = db.get_doccount();
		uint64_t tested = 0, passed = 0;

		matches = 0;
		top.clear();
		if (n == 0)
			return;
		prepare(n);
		by_value = ties_by_value;
		if (by_value) {
			tie = db.valuestream_begin(tie_slot);
			if (use_cache)
				tie_kept = values_of(db, uuid, revision, tie_slot);
			tie_end = db.valuestream_end(tie_slot);
		}
		for (range_test &t : ranges) {
			t.v = db.valuestream_begin(t.range->slot);
			t.end = db.valuestream_end(t.range->slot);
			if (use_cache) {
				t.kept = values_of(db, uuid, revision, t.range->slot);
				/* Bounds longer than the width, or with a NUL, are
				 * compared by the stream's strings. */
				/* "\0", an open lower end (index_query_value_range):
				 * any value, and a document without one is out. */
				t.lo_any = t.range->lo == std::string(1, '\0');
				if (t.kept && (t.range->lo.size() > t.kept->width ||
					       (t.range->has_hi && t.range->hi.size() > t.kept->width) ||
					       (!t.lo_any &&
						t.range->lo.find('\0') != std::string::npos) ||
					       t.range->hi.find('\0') != std::string::npos))
					t.kept.reset();
			}
		}
		Xapian::docid target = 1;
		for (;;) {
			const Xapian::docid id = next_match(target);
			if (id == NO_DOCID)
				break;
			target = id + 1;
			count_match();
			const bool full = want && top.size() >= want;
			if (want == 0)
				continue;
			if (split > 0) {
				/* The words only probed: first whether they could
				 * lift this document in at all, then which it holds. */
				if (full && !could_enter(bound() + cum[split], top.front().weight))
					continue;
				probe(id);
			}
			if (full) {
				/* A later docid never wins a tie by docid. */
				const double b = bound(), floor = top.front().weight;
				if (b < floor || (b == floor && !by_value))
					continue;
			}
			hit h{id, weight(id), std::string()};
			if (full && h.weight < top.front().weight)
				continue;
			if (full && h.weight == top.front().weight && !by_value)
				continue;
			if (!ranges.empty()) {
				tested++;
				if (!pass_ranges(id))
					continue;
				passed++;
			}
			if (by_value)
				h.tie = tie_kept && id <= tie_kept->upto ? tie_kept->at(id)
									  : value_at(tie, tie_end, id);
			if (!full) {
				top.push_back(std::move(h));
				std::push_heap(top.begin(), top.end(), order());
			} else if (order()(h, top.front())) {
				std::pop_heap(top.begin(), top.end(), order());
				top.back() = std::move(h);
				std::push_heap(top.begin(), top.end(), order());
			}
			if (top.size() >= want) {
				have_floor = true;
				lightest = top.front().weight;
				widen_split(lightest);
			}
		}
		matches = estimate_matches();
		/* Value ranges are tested only on documents that could enter the
		 * result: the count is then scaled from the share that passed. */
		if (!ranges.empty() && tested < matches)
			matches = tested ? (uint64_t)((double)passed * (double)matches / (double)tested +
						      0.5)
					 : matches;
		else if (!ranges.empty())
			matches = passed;
		std::sort(top.begin(), top.end(), order());
	}

      private:
	const Xapian::Database &db;
	bool use_cache = false;
	std::string uuid;
	Xapian::rev revision = 0;
	std::shared_ptr<const lengths> lens;
	std::vector<std::pair<const plan *, double>> weighted;
	std::vector<word> words;
	std::vector<size_t> ahead, here; /* heap of words by docid; the words at the match */
	std::vector<size_t> alive;       /* scratch: the words with documents left */
	std::vector<filter> filters;
	std::vector<range_test> ranges;
	double len_factor = 0, normlen_lb = MIN_NORMLEN;
	bool by_value = false;
	Xapian::ValueIterator tie, tie_end;
	std::shared_ptr<const values> tie_kept; /* the tie slot's values in memory */

	/* MaxScore: the words by maxpart ascending (rank), cum[j] the sum of
	 * the first j maxparts. The first `split` of them are only probed:
	 * together they cannot lift a document over the lightest kept hit, so
	 * a document holding none of the others cannot enter. */
	std::vector<size_t> by_maxpart, rank;
	std::vector<double> cum;
	size_t split = 0;
	bool have_floor = false; /* the heap is full; lightest: its lightest weight */
	double lightest = 0;
	bool any_blocks = false;
	Xapian::docid window_end = 0; /* the last window found to pass, up to here */
	std::vector<double> skipped_at_split; /* postings in windows passed over */
	uint64_t candidates = 0, passes = 0; /* documents of the words tested by the filters */
	/* For the count: matches seen while all words brought documents in,
	 * by the highest rank of a word they hold; matches seen at each split. */
	std::vector<uint64_t> top_rank_seen, seen_at_split;

	/* Result order: weight descending, then the tie value or the docid
	 * ascending. As a heap, its top is the lightest kept. */
	struct order {
		bool operator()(const hit &a, const hit &b) const
		{
			if (a.weight != b.weight)
				return a.weight > b.weight;
			if (a.tie != b.tie)
				return a.tie < b.tie;
			return a.id < b.id;
		}
	};

	/* BM25Weight::init for each word, and the length statistics. */
	void prepare(Xapian::doccount n)
	{
		double avlen = (double)db.get_total_length() / n;

		len_factor = avlen != 0 ? 1 / avlen : 0;
		if (use_cache && !weighted.empty())
			lens = lengths_of(db, uuid, revision);
		normlen_lb = std::max(db.get_doclength_lower_bound() * len_factor, MIN_NORMLEN);
		for (const auto &w : weighted) {
			/* A common word's postings from memory when they were read
			 * at this very revision: no B-tree lookup at all. */
			std::shared_ptr<const kept_postings> mem =
				lens && len_factor > 0 ? postings_of(uuid, revision, w.first->term)
						       : nullptr;
			const Xapian::doccount tf =
				mem ? (Xapian::doccount)mem->size() : db.get_termfreq(w.first->term);
			if (tf == 0)
				continue;
			double tw = (n - tf + 0.5) / (tf + 0.5);
			if (tw < 2)
				tw = tw * 0.5 + 1;
			words.emplace_back();
			word &x = words.back();
			x.termweight = std::log(tw) * w.second;
			x.tf = tf;
			const double wqf_double = w.first->wqf;
			x.termweight *= (K3 + 1) * wqf_double / (K3 + wqf_double);
			x.termweight *= (K1 + 1);
			/* Xapian's BM25Weight::get_maxpart takes the same bound. */
			x.maxpart = sumpart(x, std::max<Xapian::termcount>(
						       mem ? mem->wdf_max
							   : db.get_wdf_upper_bound(w.first->term),
						       1),
					    normlen_lb);
			if (mem)
				x.l.open_mem(mem);
			else
				x.l.open(db, w.first->term);
			if (lens && len_factor > 0) {
				x.bl = blocks_of(db, uuid, revision, w.first->term, *lens, len_factor);
				/* A part falls as the average length grows; when it
				 * shrank since, a part grows by at most the ratio. */
				if (x.bl->len_factor > len_factor)
					x.block_scale = x.bl->len_factor / len_factor;
				/* The word's own bound, when the blocks cover every
				 * docid (documents added since may weigh more). */
				any_blocks = true;
				if (x.bl->postings > tf)
					x.block_share = (double)tf / x.bl->postings;
				if (x.bl->upto >= db.get_lastdocid())
					x.maxpart = std::min(x.maxpart, x.termweight * x.bl->top *
									    x.block_scale * (1 + 1e-9));
			}
		}
		for (size_t i = 0; i < words.size(); i++)
			if (words[i].l.cur != NO_DOCID)
				push(i);
		by_maxpart.resize(words.size());
		for (size_t i = 0; i < words.size(); i++)
			by_maxpart[i] = i;
		std::stable_sort(by_maxpart.begin(), by_maxpart.end(), [this](size_t a, size_t b) {
			return words[a].maxpart < words[b].maxpart;
		});
		rank.assign(words.size(), 0);
		cum.assign(words.size() + 1, 0);
		for (size_t j = 0; j < words.size(); j++) {
			rank[by_maxpart[j]] = j;
			cum[j + 1] = cum[j] + words[by_maxpart[j]].maxpart;
		}
		top_rank_seen.assign(words.size(), 0);
		seen_at_split.assign(words.size(), 0);
		skipped_at_split.assign(words.size(), 0);
	}

	/* Whether a document bounded by b may enter beside the lightest kept
	 * hit: a sum of bounds is added in another order than a weight, so it
	 * is widened by far more than its rounding can be. */
	bool could_enter(double b, double floor) const
	{
		b *= 1 + 1e-9;
		return b > floor || (b == floor && by_value);
	}

	/* Moves words to the probed side while the lightest kept hit weighs
	 * more than all of them together could add. One word always brings
	 * documents in (its documents are the only ones left to count). */
	void widen_split(double floor)
	{
		const size_t was = split;

		while (split + 1 < words.size() && !could_enter(cum[split + 1], floor))
			words[by_maxpart[split++]].essential = false;
		if (split == was)
			return;
		ahead.erase(std::remove_if(ahead.begin(), ahead.end(),
					   [this](size_t i) { return !words[i].essential; }),
			    ahead.end());
		std::make_heap(ahead.begin(), ahead.end(), later{&words});
	}

	/* Adds the probed words that id holds to `here`, in the query's order. */
	void probe(Xapian::docid id)
	{
		for (size_t j = 0; j < split; j++) {
			const size_t i = by_maxpart[j];
			words[i].l.skip_to(id);
			if (words[i].l.cur == id)
				here.push_back(i);
		}
		std::sort(here.begin(), here.end());
	}

	void count_match()
	{
		if (split > 0) {
			seen_at_split[split]++;
			return;
		}
		size_t r = 0;
		for (size_t i : here)
			r = std::max(r, rank[i]);
		top_rank_seen[r]++;
	}

	/* The exact count while every word brought documents in; past a split,
	 * the documents holding only probed words went unseen, and are scaled
	 * from the share they had among the matches seen before any split.
	 * Windows passed over add their estimate. */
	uint64_t estimate_matches() const
	{
		/* The postings passed over pass the filters as often as those
		 * tested did. */
		const double pass = candidates ? (double)passes / (double)candidates : 1;
		double n = skipped_at_split.empty() ? 0 : skipped_at_split[0] * pass, seen = 0;

		for (uint64_t c : top_rank_seen)
			n += (double)c;
		seen = n - (skipped_at_split.empty() ? 0 : skipped_at_split[0] * pass);
		for (size_t p = 1; p < seen_at_split.size(); p++) {
			const double here_p = (double)seen_at_split[p] + skipped_at_split[p] * pass;
			seen += (double)seen_at_split[p];
			if (here_p == 0)
				continue;
			/* The share seen, from the words' frequencies as if
			 * independent when few documents were seen: 16 of them. */
			double below = 0, above = 0, none_probed = 1, none_kept = 1;
			for (size_t r = 0; r < top_rank_seen.size(); r++) {
				(r < p ? below : above) += (double)top_rank_seen[r];
				const double share = std::min(
					1.0, (double)words[by_maxpart[r]].tf / (double)db.get_doccount());
				(r < p ? none_probed : none_kept) *= 1 - share;
			}
			const double prior = none_kept < 1
						     ? (1 - none_probed) * none_kept / (1 - none_kept)
						     : 0;
			n += here_p * (1 + (below + 16 * prior) / (above + 16));
		}
		/* A share taken from the first documents can be far off later
		 * on: no more than the words' documents, nor a kept filter's,
		 * less the share the excluding filters hold (as if disjoint);
		 * no fewer than seen. */
		double most = 0, all = (double)db.get_doccount();
		for (const word &w : words)
			most += (double)w.tf;
		for (const filter &f : filters) {
			double in = 0;
			for (const list &l : f.lists)
				in += (double)l.size;
			if (f.keep)
				most = std::min(most, in);
		}
		double out = 0; /* excluded: the search's are recruiters, one a document */
		for (const filter &f : filters)
			for (const list &l : f.lists)
				out += f.keep ? 0 : l.size;
		most *= std::max(0.0, 1 - out / all);
		n = std::max(std::min(n, most), seen);
		return (uint64_t)(n + 0.5);
	}

	/* The words by their current docid, the nearest on top (a query
	 * naming ESCO concepts has forty lists, most far ahead). */
	struct later {
		const std::vector<word> *w;
		bool operator()(size_t a, size_t b) const { return (*w)[a].l.cur > (*w)[b].l.cur; }
	};

	void push(size_t i)
	{
		ahead.push_back(i);
		std::push_heap(ahead.begin(), ahead.end(), later{&words});
	}

	size_t pop()
	{
		std::pop_heap(ahead.begin(), ahead.end(), later{&words});
		const size_t i = ahead.back();
		ahead.pop_back();
		return i;
	}

	/* The first document from target on that holds a word and passes the
	 * term filters, by skip_to across the lists; NO_DOCID when none. The
	 * words it holds are left in `here`, in the query's order. */
	Xapian::docid next_match(Xapian::docid target)
	{
		for (size_t i : here)
			if (words[i].essential)
				push(i);
		here.clear();
		for (;;) {
			while (!ahead.empty() && words[ahead.front()].l.cur < target) {
				const size_t i = pop();
				words[i].l.skip_to(target);
				if (words[i].l.cur != NO_DOCID)
					push(i);
			}
			if (ahead.empty())
				return NO_DOCID;
			const Xapian::docid id = words[ahead.front()].l.cur;
			target = id;
			candidates++;
			for (filter &f : filters) {
				Xapian::docid next = NO_DOCID;
				bool in = false;
				for (list &l : f.lists) {
					l.skip_to(id);
					in = in || l.cur == id;
					next = std::min(next, l.cur);
				}
				if (in == f.keep)
					continue;
				/* Kept: the filter's next document; excluded: the next one. */
				target = f.keep ? next : id + 1;
				break;
			}
			if (target == id) {
				passes++;
				while (!ahead.empty() && words[ahead.front()].l.cur == id)
					here.push_back(pop());
				Xapian::docid end;
				double skipped;
				if (have_floor && any_blocks && id > window_end) {
					/* A stretch of the lists whose blocks cannot
					 * beat the lightest kept hit is passed over. */
					if (!window_could_enter(id, &end, &skipped)) {
						skipped_at_split[split] += skipped;
						for (size_t i : here)
							push(i);
						here.clear();
						target = end + 1;
						continue;
					}
					window_end = end;
				}
				if (here.size() > 1)
					std::sort(here.begin(), here.end());
				return id;
			}
			if (target == NO_DOCID)
				return NO_DOCID;
		}
	}

	double sumpart(const word &w, Xapian::termcount wdf, double normlen) const
	{
		return w.termweight * wdf_part(wdf, normlen);
	}

	/* Whether a document from id on could enter beside the lightest kept
	 * hit, up to *end; `here` holds the essential words at id. The
	 * probed words are moved to id first. The window ends before the next
	 * docid of a word not at id (a rare word's, often) and where the first
	 * of the blocks of the words at id ends, so in it only the words at id
	 * have documents, each in one block: it weighs at most their block
	 * bounds. When it could not, *skipped estimates the postings passed
	 * over. */
	bool window_could_enter(Xapian::docid id, Xapian::docid *end, double *skipped)
	{
		Xapian::docid e = ahead.empty() ? NO_DOCID : words[ahead.front()].l.cur;
		double most = 0;

		alive.assign(here.begin(), here.end());
		for (size_t j = 0; j < split; j++) {
			word &w = words[by_maxpart[j]];
			w.l.skip_to(id);
			if (w.l.cur == id)
				alive.push_back(by_maxpart[j]);
			else
				e = std::min(e, w.l.cur);
		}
		if (e != NO_DOCID)
			e--; /* before the next docid of a word not at id */
		for (size_t i : alive) {
			word &w = words[i];
			if (!w.bl || id > w.bl->upto) {
				most += w.maxpart;
				continue;
			}
			const std::vector<Xapian::docid> &last = w.bl->last;
			while (last[w.at_block] < id)
				w.at_block++;
			e = std::min(e, last[w.at_block]);
			most += w.termweight * w.bl->most[w.at_block] * w.block_scale;
		}
		*end = e;
		if (e == NO_DOCID || could_enter(most, lightest))
			return true;
		/* Each word's share of its block's postings, by the docids of the
		 * block in the window (documents holding two words count twice). */
		*skipped = 0;
		for (size_t i : alive) {
			const word &w = words[i];
			if (!w.bl || id > w.bl->upto)
				continue;
			const size_t b = w.at_block;
			const Xapian::docid from = b ? w.bl->last[b - 1] : 0;
			const double n = b + 1 < w.bl->last.size() ? BLOCK : w.bl->tail;
			*skipped += n * w.block_share * (double)(e + 1 - id) /
				    (double)(w.bl->last[b] - from);
		}
		return false;
	}

	/* The most id could weigh: each word at its wdf in the shortest
	 * document (the weight falls as the length grows). */
	double bound() const
	{
		double s = 0;
		for (size_t i : here)
			s += sumpart(words[i], words[i].l.wdf(), normlen_lb);
		return s;
	}

	double weight(Xapian::docid id)
	{
		double s = 0, normlen = 0;
		bool have_len = false;
		for (size_t i : here) {
			word &w = words[i];
			if (!have_len) {
				const Xapian::termcount len = lens && id < lens->len.size() ? lens->len[id]
							      : w.l.mem ? db.get_doclength(id)
									: w.l.it.get_doclength();
				normlen = std::max(len * len_factor, MIN_NORMLEN);
				have_len = true;
			}
			s += sumpart(w, w.l.wdf(), normlen);
		}
		return s;
	}

	static std::string value_at(Xapian::ValueIterator &v, const Xapian::ValueIterator &end,
				    Xapian::docid id)
	{
		if (v != end && v.get_docid() < id)
			v.skip_to(id);
		return v != end && v.get_docid() == id ? *v : std::string();
	}

	bool pass_ranges(Xapian::docid id)
	{
		for (range_test &t : ranges) {
			if (t.kept && id <= t.kept->upto) {
				const values &k = *t.kept;
				const bool in = !k.empty_at(id) &&
						(t.lo_any || k.compare(id, t.range->lo) >= 0) &&
						(!t.range->has_hi || k.compare(id, t.range->hi) <= 0);
				if (in != t.keep)
					return false;
				continue;
			}
			const std::string v = value_at(t.v, t.end, id);
			const bool in = !v.empty() && v >= t.range->lo &&
					(!t.range->has_hi || v <= t.range->hi);
			if (in != t.keep)
				return false;
		}
		return true;
	}
};

} /* namespace */

std::shared_ptr<const kept_postings> kept_postings_of(const Xapian::Database &d,
						      const std::string &uuid, Xapian::rev at,
						      const std::string &term, Xapian::doccount *tf_out)
{
	std::shared_ptr<const kept_postings> got = postings_of(uuid, at, term);
	if (got)
		return got;
	/* Looked up once (a B-tree descent each): a short list, never
	 * kept, asked for it on every match, and the caller again. */
	const Xapian::doccount tf = d.get_termfreq(term);
	if (tf_out)
		*tf_out = tf;
	std::shared_ptr<kept_postings> all = postings_to_keep(at, tf);
	if (!all)
		return nullptr;
	{
		/* Only when it fits: a list read whole costs more than the
		 * skips of one match, and a full budget would be read again
		 * and again. */
		std::shared_lock<std::shared_mutex> hold(cache.lock);
		if (list_bytes_all() + narrow_bytes(tf) + term.size() > POSTINGS_BYTES)
			return nullptr;
	}
	for (Xapian::PostingIterator it = d.postlist_begin(term), end = d.postlist_end(term);
	     it != end; ++it)
		if (!all->add(*it, it.get_wdf()))
			return nullptr;
	all->finish();
	std::shared_ptr<const kept_postings> kept = all;
	return keep_postings(uuid, term, std::move(all), false) ? kept : nullptr;
}

uint64_t keep_lists(const Xapian::Database &d, const std::string &prefix, size_t max_bytes,
		    uint64_t *read)
{
	std::string uuid;
	Xapian::rev at = 0;
	try {
		at = d.get_revision();
		uuid = d.get_uuid();
	} catch (const Xapian::InvalidOperationError &) {
		return 0; /* several databases combined: no one revision */
	}
	/* The longest first: a list costs about its length to read, and a
	 * full budget keeps the longest anyway (keep_postings). */
	std::vector<std::pair<Xapian::doccount, std::string>> by_length;
	for (Xapian::TermIterator t = d.allterms_begin(prefix), end = d.allterms_end(prefix);
	     t != end; ++t)
		if (t.get_termfreq() >= POSTINGS_MIN)
			by_length.emplace_back(t.get_termfreq(), *t);
	std::sort(by_length.begin(), by_length.end(),
		  [](const std::pair<Xapian::doccount, std::string> &a,
		     const std::pair<Xapian::doccount, std::string> &b) {
			  return a.first != b.first ? a.first > b.first : a.second < b.second;
		  });
	uint64_t kept = 0;
	size_t used = 0;
	*read = 0;
	for (const auto &x : by_length) {
		const size_t need = narrow_bytes(x.first) + x.second.size();
		if (used + need > max_bytes)
			continue;
		const bool had = postings_of(uuid, at, x.second) != nullptr;
		if (kept_postings_of(d, uuid, at, x.second)) {
			used += need;
			kept++;
			*read += !had;
		}
	}
	return kept;
}

bool bm25_top(const Xapian::Database &d, const plan &p, size_t first, size_t count,
	      bool ties_by_value, unsigned tie_slot, bool cacheable,
	      std::vector<std::pair<Xapian::docid, double>> &hits, uint64_t &matches)
{
	search s(d, cacheable);
	std::vector<hit> top;
	const size_t want = count > std::numeric_limits<size_t>::max() - first
				    ? std::numeric_limits<size_t>::max()
				    : first + count;

	if (!s.shape(p, 1.0))
		return false;
	s.run(want, ties_by_value, tie_slot, top, matches);
	hits.clear();
	for (size_t i = first; i < top.size(); i++)
		hits.emplace_back(top[i].id, top[i].weight);
	return true;
}

} /* namespace fairmatch_index */
