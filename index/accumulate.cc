/*
 * accumulate.cc - term-at-a-time evaluation of summed-factor queries (see
 * accumulate.h for why).
 *
 * The root of a plan is flattened into three kinds of lists: those that
 * bring documents in (the terms under the root's OR, weighted), those that
 * only add weight to documents brought in otherwise (AND_MAYBE's optional
 * side) and filters (FILTER keeps what they mark, AND_NOT drops it). A
 * value range in a filter is tested last, on the heaviest documents only,
 * as Xapian's matcher does: reading the values of every matched document
 * would cost more than all the posting lists. Anything nested deeper
 * (the AND of a free-text skill's words, an OR inside an AND, ...) is first
 * collected into a docid-sorted list, intersecting by skip_to from the
 * rarest list, and then read like a term.
 *
 * The lists are then read together a block of BLOCK docids at a time:
 * every list that brings documents in adds its factor into the block's
 * slots, the optional lists add theirs to the slots already taken, the
 * filters strike out what they must, and a heap keeps the heaviest of the
 * block's documents. Each posting list is read once, in docid order, and the slots
 * a block writes stay in the core's cache (a docid-wide array would miss
 * the cache on almost every posting at a million documents).
 *
 * When only the hits are wanted (top_only), the longest lists that cannot
 * lift a document into them stop bringing documents in and are only
 * probed for the documents the others bring (MaxScore; run and
 * probe_block): the match's longest lists (a common skill, a minor group)
 * are mostly skipped.
 */
#include "index/accumulate.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace fairmatch_index {

namespace {

using posting = std::pair<Xapian::docid, double>;
using postings = std::vector<posting>;

bool in_range(const plan &p, const std::string &v)
{
	return !v.empty() && v >= p.lo && (!p.has_hi || v <= p.hi);
}

/* How a sub-query's documents apply to a sorted list. */
enum apply_mode {
	KEEP_BOTH,  /* AND: in both lists, weights added */
	KEEP_FIRST, /* FILTER: in both lists, the first list's weight */
	ADD_MAYBE,  /* AND_MAYBE: every document of the first, the second's weight added where present */
	DROP_BOTH   /* AND_NOT: in the first list only */
};

/* A term's factor on a grid of 2^-32. Every weight is a sum of such
 * factors, and while a sum stays under 2^21 each partial sum of grid
 * values is a double exactly: the sum is the same in every order. The
 * pruned walk adds a document's factors in another order than the whole
 * walk (walked lists first, probed ones after), and a last-bit difference
 * between documents of equal weight would let the docid order pick
 * others at the last place kept. */
inline double on_grid(double w)
{
	return std::ldexp(std::nearbyint(std::ldexp(w, 32)), -32);
}

/* Result order: weight descending, then docid ascending (as Xapian's
 * matcher with Enquire::ASCENDING). A type, so that sorting inlines it. */
struct heavier {
	bool operator()(const posting &a, const posting &b) const
	{
		return a.second > b.second || (a.second == b.second && a.first < b.first);
	}
};

constexpr Xapian::docid BLOCK = 32768;
constexpr Xapian::docid NO_DOCID = std::numeric_limits<Xapian::docid>::max();

/* One list read in docid order: a term's posting list (each posting
 * weighing `weight`) or a collected list (weights of its own). cur is the
 * current docid, NO_DOCID past the end. */
struct source {
	Xapian::PostingIterator it;
	const postings *list = nullptr;
	std::shared_ptr<const kept_postings> mem; /* a term's postings in memory */
	size_t at = 0;
	double weight = 0;
	double most = 0;     /* the most one of its postings weighs */
	uint64_t length = 0; /* how many postings it holds */
	std::string term;    /* a term's: a term met twice is read once */
	bool probed = false; /* MaxScore: brings no document in any more (run) */
	Xapian::docid cur = NO_DOCID;

	void settle()
	{
		if (mem)
			cur = at < mem->size() ? mem->id(at) : NO_DOCID;
		else if (list)
			cur = at < list->size() ? (*list)[at].first : NO_DOCID;
		else
			cur = it == Xapian::PostingIterator() ? NO_DOCID : *it;
	}
	void next()
	{
		if (list || mem)
			at++;
		else
			++it;
		settle();
	}
	void skip_to(Xapian::docid id)
	{
		if (cur >= id)
			return;
		if (mem)
			at = gallop_to(*mem, at + 1, id);
		else if (list)
			at = (size_t)(std::lower_bound(list->begin() + (ptrdiff_t)at, list->end(),
						       posting(id, 0.0),
						       [](const posting &a, const posting &b) {
							       return a.first < b.first;
						       }) -
				      list->begin());
		else
			it.skip_to(id);
		settle();
	}
	double w() const { return list ? (*list)[at].second : weight; }
};

/* A FILTER's (keep) or AND_NOT's (!keep) sub-query: lists that mark the
 * documents they hold. */
struct filter {
	bool keep = true;
	std::vector<source> marks;
};

/* A FILTER's (keep) or AND_NOT's (!keep) value range: tested last, on the
 * heaviest documents only (see accumulate_top). */
struct value_test {
	const plan *range;
	bool keep;
};

class evaluation {
      public:
	/* cacheable: d is a read-only handle. */
	evaluation(const Xapian::Database &d, accumulator &a, bool cacheable) : db(d), acc(a)
	{
		if (!cacheable)
			return;
		try {
			revision = d.get_revision();
			uuid = d.get_uuid();
		} catch (const Xapian::InvalidOperationError &) {
			/* several databases combined: no one revision */
		}
	}

	/* Flattens the root (see the top of the file). */
	void root(const plan &p, double f)
	{
		const double g = f * p.factor;

		switch (p.k) {
		case plan::AND_MAYBE:
			root(*p.subs.at(0), g);
			for (size_t i = 1; i < p.subs.size(); i++)
				sources(*p.subs[i], g, maybe);
			return;
		case plan::FILTER:
		case plan::AND_NOT:
			root(*p.subs.at(0), g);
			for (size_t i = 1; i < p.subs.size(); i++) {
				const plan &s = *p.subs[i];
				if (s.k == plan::VALUE_RANGE) {
					tests.push_back(value_test{&s, p.k == plan::FILTER});
					continue;
				}
				filters.emplace_back();
				filters.back().keep = p.k == plan::FILTER;
				sources(s, 0.0, filters.back().marks);
			}
			return;
		default:
			sources(p, f, bring);
		}
	}

	/* Reads every list, a block at a time. Of the documents weighing at
	 * least min_weight (*matches of them), `found` keeps the `keep`
	 * heaviest, in no order: a heap whose top is the lightest kept, so
	 * most documents cost one comparison.
	 *
	 * With prune (MaxScore): once `keep` documents are held, another
	 * must outweigh the lightest of them (the floor) to enter. Lists
	 * that bring documents in, as many of the longest as fit, stop
	 * bringing documents in while the most they and the optional lists
	 * add together stays under the floor: a document in none of the
	 * others weighs less than the floor. They are only probed (skip_to)
	 * for the documents the others bring, as are the optional lists and
	 * the filters (probe_block). Classic MaxScore takes the lists of
	 * least weight; here the weights are the query's factors and say
	 * nothing of a list's length, so the longest are chosen, which leaves
	 * the fewest postings to walk and the fewest documents to probe. The
	 * choice is made afresh each block as the floor rises. The hits are
	 * the same as the whole walk's; *matches counts only the documents
	 * weighed. */
	void run(double min_weight, size_t keep, bool prune, postings &found, uint64_t &matches)
	{
		double optional = 0, bound = 0; /* the most the optional (and probed) lists add */
		Xapian::docid done = 0;          /* every document below is decided */

		matches = 0;
		if (acc.slots.size() < BLOCK)
			acc.slots.resize(BLOCK);
		prune = prune && keep > 0 && keep != std::numeric_limits<size_t>::max();
		if (prune)
			optional = by_length();
		for (;;) {
			double floor = NO_FLOOR;

			if (prune) {
				if (found.size() >= keep)
					floor = found.front().second;
				if (min_weight > 0)
					floor = std::max(floor, min_weight);
				bound = choose_probed(optional, floor);
				for (source *x : longest)
					if (!x->probed)
						x->skip_to(done);
			}
			Xapian::docid base = NO_DOCID;
			for (const source &x : bring)
				if (!x.probed)
					base = std::min(base, x.cur);
			if (base == NO_DOCID)
				return;
			const Xapian::docid end = base > NO_DOCID - BLOCK ? NO_DOCID : base + BLOCK;
			done = end;
			next_epoch();
			acc.matched.clear();
			for (source &s : bring) {
				while (!s.probed && s.cur < end) {
					const size_t n = read_ahead(s, base, end);
					for (size_t j = 0; j < n; j++) {
						accumulator::slot &x = acc.slots[ahead[j].first - base];
						if (x.seen != acc.epoch) {
							x.seen = acc.epoch;
							x.weight = ahead[j].second;
							acc.matched.push_back(ahead[j].first);
						} else {
							x.weight += ahead[j].second;
						}
					}
				}
			}
			if (floor != NO_FLOOR) {
				probe_block(base, end, floor, bound, min_weight, keep, found, matches);
				continue;
			}
			for (source &s : maybe)
				for (s.skip_to(base); s.cur < end;) {
					const size_t n = read_ahead(s, base, end);
					for (size_t i = 0; i < n; i++) {
						accumulator::slot &x = acc.slots[ahead[i].first - base];
						if (x.seen == acc.epoch)
							x.weight += ahead[i].second;
					}
				}
			for (filter &x : filters)
				apply(x, base, end);
			for (Xapian::docid id : acc.matched)
				offer(posting(id, acc.slots[id - base].weight), min_weight, keep, found,
				      matches);
		}
	}

	/* Whether each document of l (sorted by docid) passes the value
	 * tests, read in one pass over each tested slot. */
	std::vector<char> pass_tests(const postings &l)
	{
		std::vector<char> ok(l.size(), 1);

		for (const value_test &t : tests) {
			Xapian::ValueIterator v = db.valuestream_begin(t.range->slot),
					      end = db.valuestream_end(t.range->slot);
			for (size_t i = 0; i < l.size(); i++) {
				if (v != end)
					v.skip_to(l[i].first);
				bool in = v != end && v.get_docid() == l[i].first &&
					  in_range(*t.range, *v);
				if (in != t.keep)
					ok[i] = 0;
			}
		}
		return ok;
	}

	bool has_tests() const { return !tests.empty(); }

      private:
	static constexpr double NO_FLOOR = -std::numeric_limits<double>::infinity();

	/* Whether a document weighing at most `most` (a sum of non-negative
	 * factors, added in some order) weighs less than floor for certain:
	 * the same factors added in another order may round a few ulps
	 * higher, so the margin is far above that. */
	static bool under(double most, double floor)
	{
		return most + 1e-9 * std::fabs(most) < floor;
	}

	/* A weighed document into the heap of the `keep` heaviest. */
	static void offer(const posting &x, double min_weight, size_t keep, postings &found,
			  uint64_t &matches)
	{
		if (min_weight > 0 && x.second < min_weight)
			return;
		matches++;
		if (keep == std::numeric_limits<size_t>::max()) {
			found.push_back(x);
		} else if (found.size() < keep) {
			found.push_back(x);
			std::push_heap(found.begin(), found.end(), heavier());
		} else if (keep && heavier()(x, found.front())) {
			std::pop_heap(found.begin(), found.end(), heavier());
			found.back() = x;
			std::push_heap(found.begin(), found.end(), heavier());
		}
	}

	/* For MaxScore (run): the lists that bring documents in, the longest
	 * first; returns the most the optional lists add. */
	std::vector<source *> longest;

	double by_length()
	{
		double most = 0;

		longest.clear();
		for (source &x : bring)
			longest.push_back(&x);
		std::stable_sort(longest.begin(), longest.end(), [](const source *a, const source *b) {
			return a->length > b->length;
		});
		for (const source &x : maybe)
			most += x.most;
		return most;
	}

	/* Which lists are only probed under this floor (source::probed);
	 * returns the most they and the optional lists add. The longest
	 * lists that fit under the floor together are taken first; then as
	 * many of the shortest of those are given back to the walk as pays:
	 * a probed list costs every document the walk brings whose weight
	 * it could lift to the floor (a probe each, PROBE_COST postings'
	 * worth), and a document of one walked list alone is dropped for
	 * free when the lists probed cannot lift it. Chosen afresh as the
	 * floor rises; a list given back starts at the first undecided
	 * docid (run). */
	static constexpr double PROBE_COST = 2.0;
	std::vector<source *> taken;

	double choose_probed(double optional, double floor)
	{
		double bound = optional, best = 0;
		size_t keep_taken = 0;

		taken.clear();
		for (source *x : longest) {
			x->probed = under(bound + x->most, floor);
			if (x->probed) {
				bound += x->most;
				taken.push_back(x);
			}
		}
		/* taken[0, k) probed, for k from all down to none */
		for (size_t k = taken.size() + 1; k-- > 0;) {
			double most = optional, cost = 0;

			for (size_t i = 0; i < k; i++)
				most += taken[i]->most;
			for (size_t i = k; i < taken.size(); i++)
				taken[i]->probed = false;
			for (const source *x : longest)
				if (!x->probed)
					cost += (double)x->length *
						(under(x->most + most, floor) ? 1.0 : 1.0 + PROBE_COST);
			if (k == taken.size() || cost < best) {
				best = cost;
				keep_taken = k;
			}
		}
		bound = optional;
		for (size_t i = 0; i < taken.size(); i++) {
			taken[i]->probed = i < keep_taken;
			if (taken[i]->probed)
				bound += taken[i]->most;
		}
		return bound;
	}

	/* The lists probed in this block (the probed ones and the optional
	 * ones), the shortest first. */
	std::vector<source *> probes;
	std::vector<Xapian::docid> cand;
	std::vector<uint64_t> bits; /* the block's candidates, a bit a docid */

	/* Whether the filters keep document id (probed in docid order). */
	bool passes(Xapian::docid id)
	{
		for (filter &x : filters) {
			bool in = false;
			for (source &s : x.marks) {
				s.skip_to(id);
				in = in || s.cur == id;
			}
			if (in != x.keep)
				return false;
		}
		return true;
	}

	/* The most the probed lists may still add to document id: those not
	 * yet past it (a list past it is a known miss, for free). */
	double may_add(Xapian::docid id) const
	{
		double most = 0;

		for (const source *x : probes)
			if (x->cur <= id)
				most += x->most;
		return most;
	}

	/* MaxScore's block (see run). Of this block's documents, those whose
	 * weight so far plus the most the probed lists add (bound) reaches the
	 * floor are taken in docid order (a bitmap sorts them). Each is
	 * probed in the lists not already past it, the shortest first, and
	 * dropped as soon as the lists that may still hold it could not lift
	 * it to the floor. What is left is filtered last, then weighed. */
	void probe_block(Xapian::docid base, Xapian::docid end, double floor, double bound,
			 double min_weight, size_t keep, postings &found, uint64_t &matches)
	{
		const size_t words = ((size_t)(end - base) + 63) / 64;
		size_t n = 0;

		probes.clear();
		for (source &s : bring)
			if (s.probed)
				probes.push_back(&s);
		for (source &s : maybe)
			probes.push_back(&s);
		std::stable_sort(probes.begin(), probes.end(), [](const source *a, const source *b) {
			return a->length < b->length;
		});
		bits.assign(words, 0);
		for (Xapian::docid id : acc.matched)
			if (!under(acc.slots[id - base].weight + bound, floor)) {
				bits[(id - base) / 64] |= uint64_t(1) << ((id - base) % 64);
				n++;
			}
		if (n == 0)
			return;
		cand.clear();
		for (size_t i = 0; i < words; i++)
			for (uint64_t x = bits[i]; x; x &= x - 1)
				cand.push_back(base + (Xapian::docid)(i * 64) +
					       (Xapian::docid)__builtin_ctzll(x));
		for (Xapian::docid id : cand) {
			double w = acc.slots[id - base].weight;
			bool out = under(w + may_add(id), floor);

			for (source *x : probes) {
				if (out)
					break;
				if (x->cur >= id)
					continue;
				x->skip_to(id);
				if (x->cur != id)
					out = under(w + may_add(id), floor);
			}
			if (out)
				continue;
			for (const source *x : probes)
				if (x->cur == id)
					w += x->w();
			if (passes(id))
				offer(posting(id, w), min_weight, keep, found, matches);
		}
	}

	const Xapian::Database &db;
	accumulator &acc;
	/* A read-only handle's database and revision (uuid empty otherwise):
	 * its terms' postings may be kept in memory (kept_postings_of). */
	std::string uuid;
	Xapian::rev revision = 0;
	std::deque<postings> lists; /* the collected lists the sources read */
	/* The next postings of one list in this block, their slots already
	 * asked for: decoding them gives the loads time to arrive (the
	 * first touch of a document's slot missed the cache and was the
	 * evaluator's largest cost). */
	static constexpr size_t AHEAD = 32;
	posting ahead[AHEAD];

	size_t read_ahead(source &s, Xapian::docid base, Xapian::docid end)
	{
		size_t n = 0;

		for (; n < AHEAD && s.cur < end; s.next()) {
			__builtin_prefetch(&acc.slots[s.cur - base], 1);
			ahead[n++] = posting(s.cur, s.w());
		}
		return n;
	}
	std::vector<source> bring, maybe;
	std::vector<filter> filters;
	std::vector<value_test> tests;

	void next_epoch()
	{
		if (++acc.epoch == 0) {
			for (accumulator::slot &x : acc.slots)
				x.seen = 0;
			acc.epoch = 1;
		}
	}

	uint32_t next_tag()
	{
		if (++acc.tag == 0) {
			for (accumulator::slot &x : acc.slots)
				x.mark = 0;
			acc.tag = 1;
		}
		return acc.tag;
	}

	/* The lists of p's documents (weights times f) into out. A term
	 * already there adds its factor to the list's (an OR of the same
	 * term twice: the stated occupation's unit group and an inferred
	 * one's are often the same), so that each list is read once. */
	void sources(const plan &p, double f, std::vector<source> &out)
	{
		const double g = f * p.factor;

		switch (p.k) {
		case plan::TERM:
			for (source &s : out)
				if (!s.list && s.term == p.term) {
					s.weight += on_grid(g);
					s.most = s.weight;
					return;
				}
			out.emplace_back();
			{
				bool have_tf = false;
				Xapian::doccount tf = 0;

				if (!uuid.empty()) {
					tf = std::numeric_limits<Xapian::doccount>::max();
					out.back().mem = kept_postings_of(db, uuid, revision, p.term, &tf);
					have_tf = tf != std::numeric_limits<Xapian::doccount>::max();
				}
				if (out.back().mem) {
					out.back().length = out.back().mem->size();
				} else {
					out.back().it = db.postlist_begin(p.term);
					out.back().length = have_tf ? tf : db.get_termfreq(p.term);
				}
			}
			out.back().weight = out.back().most = on_grid(g);
			out.back().term = p.term;
			break;
		case plan::NOTHING:
			return;
		case plan::OR:
			for (const plan_ptr &s : p.subs)
				sources(*s, g, out);
			return;
		default:
			lists.push_back(collect(p, f));
			out.emplace_back();
			out.back().list = &lists.back();
			out.back().length = lists.back().size();
			for (const posting &x : lists.back())
				out.back().most = std::max(out.back().most, x.second);
		}
		out.back().settle();
	}

	/* Strikes out of this block's matched documents those filter x rejects. */
	void apply(filter &x, Xapian::docid base, Xapian::docid end)
	{
		std::vector<Xapian::docid> &m = acc.matched;
		const uint32_t tag = next_tag();
		auto out = m.begin();

		for (source &s : x.marks)
			for (s.skip_to(base); s.cur < end; s.next())
				acc.slots[s.cur - base].mark = tag;
		for (Xapian::docid id : m)
			if ((acc.slots[id - base].mark == tag) == x.keep)
				*out++ = id;
		m.erase(out, m.end());
	}

	/* ---- nested sub-queries: docid-sorted lists ---- */

	postings term_list(const std::string &term, double w)
	{
		postings l;
		w = on_grid(w);
		for (Xapian::PostingIterator it = db.postlist_begin(term), end = db.postlist_end(term);
		     it != end; ++it)
			l.emplace_back(*it, w);
		return l;
	}

	/* Applies a term to a sorted list by skip_to: cheap when the list is
	 * short and the term's posting list long. */
	static void probe(postings &l, Xapian::PostingIterator it, const Xapian::PostingIterator &end,
			  double w, apply_mode mode)
	{
		auto out = l.begin();

		w = on_grid(w);
		for (posting &x : l) {
			if (it != end)
				it.skip_to(x.first);
			bool in = it != end && *it == x.first;
			if (in && (mode == KEEP_BOTH || mode == ADD_MAYBE))
				x.second += w;
			if (mode == ADD_MAYBE || (mode == DROP_BOTH ? !in : in))
				*out++ = x;
		}
		l.erase(out, l.end());
	}

	/* Applies another sorted list to l by a merge. */
	static void merge(postings &l, const postings &o, apply_mode mode)
	{
		auto out = l.begin();
		auto j = o.begin();

		for (posting &x : l) {
			while (j != o.end() && j->first < x.first)
				++j;
			bool in = j != o.end() && j->first == x.first;
			if (in && (mode == KEEP_BOTH || mode == ADD_MAYBE))
				x.second += j->second;
			if (mode == ADD_MAYBE || (mode == DROP_BOTH ? !in : in))
				*out++ = x;
		}
		l.erase(out, l.end());
	}

	void apply(postings &l, const plan &sub, double g, apply_mode mode)
	{
		if (sub.k == plan::TERM)
			probe(l, db.postlist_begin(sub.term), db.postlist_end(sub.term),
			      g * sub.factor, mode);
		else
			merge(l, collect(sub, mode == KEEP_FIRST || mode == DROP_BOTH ? 0.0 : g), mode);
	}

	/* p's documents and weights (times f), sorted by docid. */
	postings collect(const plan &p, double f)
	{
		const double g = f * p.factor;
		postings l;

		switch (p.k) {
		case plan::TERM:
			return term_list(p.term, g);
		case plan::NOTHING:
			return l;
		case plan::OR: {
			for (const plan_ptr &s : p.subs) {
				postings part = collect(*s, g);
				l.insert(l.end(), part.begin(), part.end());
			}
			std::stable_sort(l.begin(), l.end(), [](const posting &a, const posting &b) {
				return a.first < b.first;
			});
			auto out = l.begin();
			for (auto it = l.begin(); it != l.end(); ++it) {
				if (out != l.begin() && (out - 1)->first == it->first)
					(out - 1)->second += it->second;
				else
					*out++ = *it;
			}
			l.erase(out, l.end());
			return l;
		}
		case plan::AND: {
			/* From the rarest term (or the first sub-query that is
			 * not a term): the others are probed against it. */
			std::vector<const plan *> order;
			for (const plan_ptr &s : p.subs)
				order.push_back(s.get());
			std::stable_sort(order.begin(), order.end(), [&](const plan *a, const plan *b) {
				return rank(*a) < rank(*b);
			});
			if (order.empty())
				return l;
			l = collect(*order[0], g);
			for (size_t i = 1; i < order.size() && !l.empty(); i++)
				apply(l, *order[i], g, KEEP_BOTH);
			return l;
		}
		case plan::AND_MAYBE:
		case plan::FILTER:
		case plan::AND_NOT: {
			const apply_mode mode = p.k == plan::AND_MAYBE ? ADD_MAYBE
						: p.k == plan::FILTER  ? KEEP_FIRST
									: DROP_BOTH;
			l = collect(*p.subs.at(0), g);
			for (size_t i = 1; i < p.subs.size() && !l.empty(); i++)
				apply(l, *p.subs[i], g, mode);
			return l;
		}
		case plan::VALUE_RANGE: {
			Xapian::ValueIterator v = db.valuestream_begin(p.slot),
					      end = db.valuestream_end(p.slot);
			for (; v != end; ++v)
				if (in_range(p, *v))
					l.emplace_back(v.get_docid(), 0.0);
			return l;
		}
		}
		return l;
	}

	/* Which sub-query of an AND to start from: the shortest term, and
	 * before any term a sub-query that is not one (its list is built
	 * anyway). */
	uint64_t rank(const plan &p) const
	{
		return p.k == plan::TERM ? 1 + (uint64_t)db.get_termfreq(p.term) : 0;
	}
};


} /* namespace */

plan_ptr plan_of_parsed(const Xapian::Query &q)
{
	auto p = std::make_shared<plan>();

	switch (q.get_type()) {
	case Xapian::Query::LEAF_MATCH_NOTHING:
		return p;
	case Xapian::Query::LEAF_TERM: {
		Xapian::TermIterator t = q.get_terms_begin();
		if (t == q.get_terms_end())
			return nullptr;
		p->k = plan::TERM;
		p->term = *t;
		return p;
	}
	case Xapian::Query::OP_AND: p->k = plan::AND; break;
	case Xapian::Query::OP_OR: p->k = plan::OR; break;
	case Xapian::Query::OP_AND_NOT: p->k = plan::AND_NOT; break;
	case Xapian::Query::OP_AND_MAYBE: p->k = plan::AND_MAYBE; break;
	case Xapian::Query::OP_FILTER: p->k = plan::FILTER; break;
	default: return nullptr;
	}
	for (size_t i = 0; i < q.get_num_subqueries(); i++) {
		plan_ptr s = plan_of_parsed(q.get_subquery(i));
		if (!s)
			return nullptr;
		p->subs.push_back(std::move(s));
	}
	if (p->subs.empty())
		p->k = plan::NOTHING;
	return p;
}

/* The heaviest documents of c that pass e's value tests, at least `want`
 * of them when there are: c's documents are checked heaviest first, a batch
 * at a time (each batch in docid order, so each value stream is read
 * forward), and checking stops once `want` have passed. Those are then the
 * `want` heaviest that pass: every document not checked is lighter than
 * every one checked. *matches is exact when all were checked, else scaled
 * from the share that passed (an estimate, like Xapian's). */
postings tested_top(evaluation &e, postings &c, size_t want, uint64_t &matches)
{
	postings passed, batch;
	size_t done = 0, size = want >= c.size() / 2 ? c.size() : std::max<size_t>(2 * want, 64);

	while (passed.size() < want && done < c.size()) {
		const size_t upto = size < c.size() - done ? done + size : c.size();
		if (upto < c.size())
			std::nth_element(c.begin() + (ptrdiff_t)done, c.begin() + (ptrdiff_t)upto,
					 c.end(), heavier());
		batch.assign(c.begin() + (ptrdiff_t)done, c.begin() + (ptrdiff_t)upto);
		std::sort(batch.begin(), batch.end());
		std::vector<char> ok = e.pass_tests(batch);
		for (size_t i = 0; i < batch.size(); i++)
			if (ok[i])
				passed.push_back(batch[i]);
		done = upto;
		size *= 2;
	}
	if (done == 0) /* nothing wanted, nothing checked: at most all */
		matches = c.size();
	else if (done == c.size())
		matches = passed.size();
	else
		matches = (uint64_t)((double)passed.size() * (double)c.size() / (double)done + 0.5);
	return passed;
}

void accumulate_top(const Xapian::Database &d, const plan &p, double min_weight, size_t first,
		    size_t count, bool top_only, bool cacheable, accumulator &a,
		    std::vector<std::pair<Xapian::docid, double>> &hits, uint64_t &matches)
{
	postings &c = a.found;
	evaluation e(d, a, cacheable);
	const size_t want = count > std::numeric_limits<size_t>::max() - first
				    ? std::numeric_limits<size_t>::max()
				    : first + count;

	c.clear();
	e.root(p, 1.0);
	if (e.has_tests()) {
		/* Every match kept: which of them pass is known only later. */
		e.run(min_weight, std::numeric_limits<size_t>::max(), false, c, matches);
		c = tested_top(e, c, want, matches);
		if (want < c.size()) {
			std::nth_element(c.begin(), c.begin() + (ptrdiff_t)want, c.end(), heavier());
			c.resize(want);
		}
	} else {
		e.run(min_weight, want, top_only, c, matches);
	}
	std::sort(c.begin(), c.end(), heavier());
	hits.assign(c.begin() + (ptrdiff_t)std::min(first, c.size()), c.end());
}

} /* namespace fairmatch_index */
