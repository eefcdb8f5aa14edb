/*
 * accumulate.h - the wrapper's own evaluator for summed-factor queries
 * (C++, internal to index/: C callers see only index.h).
 *
 * With INDEX_WEIGHT_COORD a document's weight is the sum of the scale
 * factors of the query terms it matches: no statistics, no document
 * lengths. Such a query can be answered term at a time: read each posting
 * list once, straight through, adding its factor into an array indexed by
 * docid, then pick the heaviest. Xapian's matcher answers the same query
 * document at a time through a tree of OR and AND_MAYBE posting lists,
 * which costs several virtual calls and a heap operation per posting; at a
 * million vacancies a match decodes ~65,000 postings and that tree was
 * over half of a match's time (docs/matching.md, "Retrieval").
 *
 * A plan mirrors the Xapian::Query built beside it (index.cc keeps both
 * in one index_query). Only what this evaluator can answer exactly has a
 * plan; anything else (wildcards, synonyms, MatchAll, ...) has none and is
 * answered by Xapian's matcher as before. The answers are the same as
 * Xapian's: the same documents, the same weights up to the order in which
 * doubles are added, the same order (weight descending, then docid
 * ascending); test_index checks it against Xapian on shaped queries.
 */
#ifndef FAIRMATCH_INDEX_ACCUMULATE_H
#define FAIRMATCH_INDEX_ACCUMULATE_H

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fairmatch_index {

struct plan;
using plan_ptr = std::shared_ptr<const plan>;

struct plan {
	enum kind { TERM, NOTHING, OR, AND, AND_NOT, AND_MAYBE, FILTER, VALUE_RANGE };
	kind k = NOTHING;
	double factor = 1.0; /* multiplies the weights of the whole subtree */
	std::string term;    /* TERM */
	unsigned wqf = 1;    /* TERM: its within-query frequency (BM25 weighs it) */
	unsigned slot = 0;   /* VALUE_RANGE: lo <= value (<= hi when has_hi), byte-wise */
	std::string lo, hi;
	bool has_hi = false;
	std::vector<plan_ptr> subs;
};

/* The plan of a query the QueryParser built; nullptr when it holds
 * anything the evaluator does not answer. */
plan_ptr plan_of_parsed(const Xapian::Query &q);

/* Scratch space kept by a database handle between searches (a handle is
 * used by one thread at a time). Documents are weighed a block of docids
 * at a time, so the per-docid slots stay in the core's cache. */
struct accumulator {
	struct slot {
		double weight;
		uint32_t seen; /* == epoch: matched in this block */
		uint32_t mark; /* == tag: in the filter being applied */
	};
	std::vector<slot> slots;
	std::vector<Xapian::docid> matched; /* this block's, in the order first met */
	/* the heaviest documents wanted, as a heap (every match when value
	 * ranges are tested after) */
	std::vector<std::pair<Xapian::docid, double>> found;
	uint32_t epoch = 0, tag = 0;
};

/* A term's postings kept in memory (bm25.cc), read whole at revision rev
 * of a read-only handle: exact for a handle at that revision only
 * (documents deleted since would still be here). Reading them from memory
 * costs no block read and no decoding, which is most of a common term's
 * time in Xapian's posting list.
 *
 * About 3 bytes a posting where they can be (a common word's): docids as a
 * 32-bit base per run of NARROW_RUN postings plus a 16-bit offset each,
 * when every run spans less than 65,536 docids, and wdfs as bytes when none
 * is over 255; otherwise 4 and 2 bytes. Random access either way, so a
 * cursor gallops as over a plain array. Built with add(), then finish(). */
struct kept_postings {
	static constexpr unsigned NARROW_SHIFT = 5; /* runs of 32 postings */
	Xapian::rev rev = 0;
	Xapian::termcount wdf_max = 0;
	uint64_t used = 0; /* the cache's clock when last taken */

	size_t size() const { return n; }
	Xapian::docid id(size_t i) const
	{
		return wide_ids.empty() ? base[i >> NARROW_SHIFT] + low[i] : wide_ids[i];
	}
	Xapian::termcount wdf(size_t i) const
	{
		return wide_wdf.empty() ? byte_wdf[i] : wide_wdf[i];
	}
	size_t bytes() const
	{
		return wide_ids.capacity() * 4 + base.capacity() * 4 + low.capacity() * 2 +
		       wide_wdf.capacity() * 2 + byte_wdf.capacity() + 64;
	}
	/* Room for tf postings while they are read (the wide form). */
	void reserve(size_t tf)
	{
		wide_ids.reserve(tf);
		wide_wdf.reserve(tf);
	}
	/* The next posting (ascending docids); false when its wdf does not
	 * fit (the list is then not kept). */
	bool add(Xapian::docid d, Xapian::termcount f)
	{
		if (f > UINT16_MAX)
			return false;
		wide_ids.push_back(d);
		wide_wdf.push_back((uint16_t)f);
		wdf_max = f > wdf_max ? f : wdf_max;
		n++;
		return true;
	}
	/* Every posting added: the narrow forms where they hold. */
	void finish()
	{
		bool narrow = true;
		for (size_t i = 0; i < n && narrow; i++)
			narrow = wide_ids[i] - wide_ids[i & ~(((size_t)1 << NARROW_SHIFT) - 1)] <= UINT16_MAX;
		if (narrow) {
			base.resize((n + ((size_t)1 << NARROW_SHIFT) - 1) >> NARROW_SHIFT);
			low.resize(n);
			for (size_t i = 0; i < n; i++) {
				if ((i & (((size_t)1 << NARROW_SHIFT) - 1)) == 0)
					base[i >> NARROW_SHIFT] = wide_ids[i];
				low[i] = (uint16_t)(wide_ids[i] - base[i >> NARROW_SHIFT]);
			}
			std::vector<Xapian::docid>().swap(wide_ids);
		} else {
			wide_ids.shrink_to_fit();
		}
		if (wdf_max <= UINT8_MAX) {
			byte_wdf.assign(wide_wdf.begin(), wide_wdf.end());
			std::vector<uint16_t>().swap(wide_wdf);
		} else {
			wide_wdf.shrink_to_fit();
		}
	}

      private:
	size_t n = 0;
	std::vector<Xapian::docid> wide_ids; /* all docids, or none (narrow) */
	std::vector<Xapian::docid> base;     /* narrow: each run's first docid */
	std::vector<uint16_t> low;           /* narrow: docid - its run's base */
	std::vector<uint16_t> wide_wdf;      /* all wdfs, or none (bytes) */
	std::vector<uint8_t> byte_wdf;
};

/* The first place from `from` on where p (ascending) holds docid d or
 * more, p.size() when none does. Galloping, then a binary search in the
 * last stride: most skips along a kept list are short, some pass whole
 * blocks. */
inline size_t gallop_to(const kept_postings &p, size_t from, Xapian::docid d)
{
	size_t lo = from, hi = from, step = 1;
	const size_t n = p.size();

	while (hi < n && p.id(hi) < d) {
		lo = hi + 1;
		hi += step;
		step *= 2;
	}
	hi = hi < n ? hi : n;
	while (lo < hi) { /* the first place in [lo, hi) holding d or more */
		const size_t mid = lo + (hi - lo) / 2;
		if (p.id(mid) < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The term's postings in d (a read-only handle of the database uuid, at
 * revision at): kept, or read whole now when the list is long enough to
 * pay and the memory budget holds it without letting another list go;
 * else none. *tf_out (when given) is the term's frequency when it was
 * looked up (the list not kept before), and left as it was otherwise. */
std::shared_ptr<const kept_postings> kept_postings_of(const Xapian::Database &d,
						      const std::string &uuid, Xapian::rev at,
						      const std::string &term,
						      Xapian::doccount *tf_out = nullptr);

/* The posting lists of the terms starting with prefix in d (a read-only
 * handle of one database) read whole and kept as on first use
 * (kept_postings_of), the longest first, up to max_bytes of them and while
 * the budget has room; how many of them are kept now, *read how many of
 * those were read now (the others were kept already). */
uint64_t keep_lists(const Xapian::Database &d, const std::string &prefix, size_t max_bytes,
		    uint64_t *read);

/* Evaluates p over d and returns hits [first, first + count) of the
 * documents weighing at least min_weight, by weight descending then docid
 * ascending; *matches is how many documents reached min_weight. With
 * top_only the lists that cannot lift a document into the hits stop
 * bringing documents in (MaxScore, accumulate.cc): the same hits, but
 * *matches only counts the documents weighed (a lower bound). */
void accumulate_top(const Xapian::Database &d, const plan &p, double min_weight, size_t first,
		    size_t count, bool top_only, bool cacheable, accumulator &a,
		    std::vector<std::pair<Xapian::docid, double>> &hits, uint64_t &matches);

/* BM25 (Xapian::BM25Weight's defaults), document at a time, for a plan of
 * words (terms, ORs of terms, scaled) under filters (FILTER and AND_NOT of
 * terms, ORs of terms and value ranges) (bm25.cc). Fills hits [first,
 * first + count) by weight descending, then by tie_slot's value (with
 * ties_by_value) or docid ascending, as Xapian's matcher orders them;
 * *matches is exact, or scaled from the share of the documents tested
 * against the value ranges that passed. false (nothing done) for a plan
 * of any other shape. */
bool bm25_top(const Xapian::Database &d, const plan &p, size_t first, size_t count,
	      bool ties_by_value, unsigned tie_slot, bool cacheable,
	      std::vector<std::pair<Xapian::docid, double>> &hits, uint64_t &matches);

} /* namespace fairmatch_index */

#endif
