/*
 * suggest.c - typeahead (GET /v1/taxonomy/{skills,occupations}): from the
 * labels in memory (taxonomy_suggest), and from the label index when no
 * label starts with the words (taxonomy_suggest_index, which stems them).
 */
#include "engine/taxonomy/internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static json_t *label_list(const esco_labels *ls, int lang, size_t max)
{
	json_t *a = json_array();
	const esco_labels *l = ls[lang].preferred ? &ls[lang] : &ls[ESCO_LANG_EN];
	size_t i;

	for (i = 0; a && i < l->n_alt && i < max; i++)
		json_array_append_new(a, json_string(l->alt[i]));
	return a;
}

static json_t *skill_item(const esco_skill *s, int lang)
{
	return json_pack("{s:s, s:s, s:o, s:s}", "uri", s->uri, "label",
			 tax__label_in(s, ESCO_KIND_SKILL, lang), "alt_labels",
			 label_list(s->labels, lang, 10), "type",
			 s->type == ESCO_SKILL_TYPE_KNOWLEDGE ? "knowledge"
			 : s->type == ESCO_SKILL_TYPE_SKILL ? "skill/competence"
							     : "unknown");
}

static json_t *occupation_item(const esco_occupation *o, int lang)
{
	json_t *ess = json_array();
	size_t i;

	for (i = 0; ess && i < o->n_essential; i++)
		json_array_append_new(
			ess, json_pack("{s:s, s:s}", "uri", o->essential[i]->uri, "label",
				       tax__label_in(o->essential[i], ESCO_KIND_SKILL, lang)));
	return json_pack("{s:s, s:s, s:o, s:s, s:o}", "uri", o->uri, "label",
			 tax__label_in(o, ESCO_KIND_OCCUPATION, lang), "alt_labels",
			 label_list(o->labels, lang, 10), "isco", o->isco, "essential_skills", ess);
}

/* The English, French and Spanish function words (Snowball's lists,
 * data/stopwords/, compiled in by the build). */
extern const char *const function_words[];
extern const size_t function_words_count;

static index_stoplist *stoplist;
static pthread_once_t stoplist_once = PTHREAD_ONCE_INIT;

static void load_stoplist(void)
{
	/* NULL (out of memory) only means the words are searched for. */
	stoplist = index_stoplist_new(function_words, function_words_count);
}

const index_stoplist *taxonomy_function_words(void)
{
	pthread_once(&stoplist_once, load_stoplist);
	return stoplist;
}

/*
 * The label index, asked when no label starts with the words. The text is
 * parsed with the stemmer of each language it can be in, without the
 * function words of all three: parsed as English, the Spanish "de" of
 * "cuidado de ancianos" matched the "de" of "de-limb trees" and
 * "decontamination techniques", and nothing else did. Labels of every
 * language answer, each concept shown in the language asked: a counsellor
 * whose console is in English types what the person said in Spanish.
 */
int taxonomy_suggest_index(index_db *db, esco_kind kind, const char *q, const char *lang,
			   size_t limit, json_t *items)
{
	const esco *tax = taxonomy_esco();
	int l = lang ? esco_lang_from_code(lang) : ESCO_LANG_EN, li;
	index_query *parts[ESCO_LANG_COUNT] = {0}, *text = NULL, *filt[2] = {0}, *query = NULL;
	const index_stoplist *stop;
	index_search_opts o = {.sort_slot = -1};
	index_results *r = NULL;
	index_error e;
	char buf[1200], words[1][TAX_WORD_MAX];
	const void *seen[100];
	size_t n_seen = 0, np = 0, i, j;
	unsigned mask;
	int rc = TAX_ERR;

	if (!tax || !items || l < 0 || !q)
		return TAX_ERR;
	if (!db && !(db = tax__thread_db()))
		return TAX_ERR;
	if (limit > 100)
		limit = 100;
	stop = taxonomy_function_words();
	mask = taxonomy_text_langs(q);
	for (li = 0; li < ESCO_LANG_COUNT; li++) {
		if (!(mask & 1u << li))
			continue;
		if (!(parts[np] = index_query_parse_stopped(q, esco_lang_code((esco_lang)li), "",
							    INDEX_PARSE_PARTIAL, stop, &e)))
			goto out;
		np++;
	}
	/* Function words only ("de"): nothing to look for. */
	if (!np || !taxonomy_content_words(q, words, 1)) {
		rc = 0;
		goto out;
	}
	text = index_query_or_merged(parts, np);
	filt[0] = text;
	filt[1] = index_query_term(kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", 1);
	if (text && filt[1])
		query = index_query_combine(INDEX_OP_FILTER, filt, 2);
	o.limit = (uint32_t)(limit * 6 + 10);
	if (!query || index_search(db, query, &o, &r, &e))
		goto out;
	for (i = 0; i < index_results_count(r) && n_seen < limit; i++) {
		struct hit_data d;
		const void *c;
		json_t *item;

		if (tax__parse_data(index_results_hit(r, i), buf, sizeof buf, &d) ||
		    !(c = tax__concept_by_uri(tax, kind, d.uri)))
			continue;
		for (j = 0; j < n_seen && seen[j] != c; j++)
			;
		if (j < n_seen)
			continue;
		seen[n_seen++] = c;
		item = kind == ESCO_KIND_OCCUPATION ? occupation_item(c, l) : skill_item(c, l);
		if (!item || json_array_append_new(items, item))
			goto out;
	}
	rc = 0;
out:
	index_results_free(r);
	index_query_free(query);
	index_query_free(text);
	for (i = 0; i < np; i++)
		index_query_free(parts[i]);
	index_query_free(filt[1]);
	return rc;
}

/* 1 when some word of the folded label f starts with w. */
static int has_word_prefix(const char *f, const char *w, size_t wlen)
{
	const char *p = f;

	for (;;) {
		if (strncmp(p, w, wlen) == 0)
			return 1;
		if (!(p = strchr(p, ' ')))
			return 0;
		p++;
	}
}

/* 1 when some word of the folded label f is w. */
static int has_word(const char *f, const char *w, size_t wlen)
{
	const char *p = f;

	for (;;) {
		if (strncmp(p, w, wlen) == 0 && (p[wlen] == ' ' || p[wlen] == '\0'))
			return 1;
		if (!(p = strchr(p, ' ')))
			return 0;
		p++;
	}
}

struct sugg {
	uint64_t key;
	uint32_t concept_idx;
	uint32_t label;
};

/*
 * The order of typeahead answers, best first. A concept ranks by its best
 * label (for a one-word query, its best label word), and labels by, in this
 * order: the label is the query; the label is in the asked language; the
 * query's last word is a whole word of the label (a finished word: "nurse"
 * before "nursery"); the label starts with the query; a preferred label,
 * then an alternative, then a hidden one; a shorter label; then ESCO's
 * concept order, so equal input gives the same answer. Labels of every
 * loaded language are read, and the asked language's come first: a
 * counsellor whose console is in English types "soldadura" as the person
 * said it, and gets the concept, shown in English.
 */
#define SK_EXACT (1ull << 62)
#define SK_LANG (1ull << 61)
#define SK_WHOLE (1ull << 60)
#define SK_START (1ull << 59)
#define SK_TYPE(t) ((uint64_t)(2 - (t)) << 57)
#define SK_TAIL(flen, idx) ((uint64_t)(0xFFFFu - (flen)) << 32 | (uint64_t)(0xFFFFFFFFu - (idx)))

/* Keeps best[0..*n) the `limit` best distinct concepts, best first. */
static void sugg_offer(struct sugg *best, size_t *n, size_t limit, uint64_t key, uint32_t cidx,
		       uint32_t label)
{
	size_t i, j;

	for (i = 0; i < *n && best[i].concept_idx != cidx; i++)
		;
	if (i < *n) {
		if (key <= best[i].key)
			return;
		j = i; /* raise it */
	} else {
		j = *n < limit ? (*n)++ : *n - 1; /* the worst makes room */
	}
	while (j > 0 && best[j - 1].key < key) {
		best[j] = best[j - 1];
		j--;
	}
	best[j] = (struct sugg){key, cidx, label};
}

/* A typeahead given an identifier instead of words: a skill or occupation
 * URI answers that concept, an ISCO-08 code of 1-4 digits (occupations)
 * the occupations of that group, in ISCO code order. 1 when q was one
 * (answered, possibly with nothing), 0 when it is text, TAX_ERR. */
static int suggest_identifier(esco_kind kind, const char *q, int l, size_t limit, json_t *items)
{
	const esco *tax = taxonomy_esco();
	const esco_occupation *const *occs = NULL;
	size_t i, n = strlen(q);
	const void *c;
	json_t *item;

	if (!tax)
		return TAX_ERR;
	if (strncmp(q, "http://", 7) == 0 || strncmp(q, "https://", 8) == 0) {
		if (!(c = tax__concept_by_uri(tax, kind, q)))
			return 1;
		item = kind == ESCO_KIND_OCCUPATION ? occupation_item(c, l) : skill_item(c, l);
		return item && !json_array_append_new(items, item) ? 1 : TAX_ERR;
	}
	if (kind != ESCO_KIND_OCCUPATION || n < 1 || n > 4 || strspn(q, "0123456789") != n)
		return 0;
	n = esco_occupations_by_isco(tax, q, &occs);
	for (i = 0; i < n && i < limit; i++) {
		item = occupation_item(occs[i], l);
		if (!item || json_array_append_new(items, item))
			return TAX_ERR;
	}
	return 1;
}

/* The word of w[0..nw) with the fewest label words starting with it (the
 * one that drives the scan), its range of label words in [*lo, *hi); each
 * word's length into wl. */
static size_t driving_word(const struct tax_labels *t, int s, char *const *w, size_t nw,
			   size_t *wl, size_t *lo, size_t *hi)
{
	size_t i, drv = 0;

	for (i = 0; i < nw; i++) {
		size_t a, b;

		wl[i] = strlen(w[i]);
		tax__word_range(t, s, w[i], wl[i], &a, &b);
		if (i == 0 || b - a < *hi - *lo) {
			*lo = a;
			*hi = b;
			drv = i;
		}
	}
	return drv;
}

/* fallback: when no label starts with the words, ask the label index
 * (stemmed) instead of answering nothing. */
static int suggest(index_db *db, esco_kind kind, const char *q, const char *lang, size_t limit,
		   json_t *items, int fallback)
{
	const struct tax_labels *t = tax__labels();
	int l = lang ? esco_lang_from_code(lang) : ESCO_LANG_EN, s = tax__kind_slot(kind);
	char fq[FOLD_MAX], wbuf[FOLD_MAX], *w[MAX_WORDS];
	size_t nw, i, k, lo = 0, hi = 0, drv = 0, n = 0, fqlen, wl[MAX_WORDS];
	struct sugg best[100];
	int rc;

	if (!t || !items || l < 0 || !q)
		return TAX_ERR;
	if (limit > 100)
		limit = 100;
	if (!limit)
		return 0;
	if ((rc = suggest_identifier(kind, q, l, limit, items)) != 0)
		return rc < 0 ? rc : 0;
	fqlen = taxonomy_fold(q, fq, sizeof fq);
	memcpy(wbuf, fq, fqlen + 1);
	nw = tax__split_words(wbuf, w, MAX_WORDS);
	if (!nw)
		return fallback ? taxonomy_suggest_index(db, kind, q, lang, limit, items) : 0;
	drv = driving_word(t, s, w, nw, wl, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct tword *x = &t->words[s][i];
		unsigned lg = TW_LANG(x->bits);
		uint64_t key = SK_TYPE(TW_TYPE(x->bits)) | SK_TAIL(x->flen, x->concept_idx);
		const char *f;

		key |= (int)lg == l ? SK_LANG : 0;
		if (nw == 1) {
			/* All from the word itself: no need to read the label. */
			key |= x->bits & TW_FIRST ? SK_START : 0;
			key |= x->bits & TW_ONE && x->wlen == wl[0] ? SK_EXACT : 0;
			key |= x->wlen == wl[0] ? SK_WHOLE : 0;
			if (n == limit && key <= best[n - 1].key)
				continue;
			sugg_offer(best, &n, limit, key, x->concept_idx, x->label);
			continue;
		}
		/* An upper bound first, then the label's words. */
		if (n == limit && (key | SK_EXACT | SK_START | SK_WHOLE) <= best[n - 1].key)
			continue;
		f = t->text.p + t->lab[x->label].fold;
		for (k = 0; k < nw; k++)
			if (k != drv && !has_word_prefix(f, w[k], wl[k]))
				break;
		if (k < nw)
			continue;
		if (x->flen >= fqlen && memcmp(f, fq, fqlen) == 0)
			key |= SK_START | (x->flen == fqlen ? SK_EXACT : 0);
		key |= has_word(f, w[nw - 1], wl[nw - 1]) ? SK_WHOLE : 0;
		if (n < limit || key > best[n - 1].key)
			sugg_offer(best, &n, limit, key, x->concept_idx, x->label);
	}
	/* Nothing starts with the words: the label index, which stems them. */
	if (!n)
		return fallback ? taxonomy_suggest_index(db, kind, q, lang, limit, items) : 0;
	for (i = 0; i < n; i++) {
		const void *c = t->lab[best[i].label].concept;
		json_t *item = kind == ESCO_KIND_OCCUPATION ? occupation_item(c, l) : skill_item(c, l);

		if (!item || json_array_append_new(items, item))
			return TAX_ERR;
	}
	return 0;
}

int taxonomy_suggest(index_db *db, esco_kind kind, const char *q, const char *lang, size_t limit,
		     json_t *items)
{
	return suggest(db, kind, q, lang, limit, items, 1);
}

int taxonomy_suggest_labels(esco_kind kind, const char *q, const char *lang, size_t limit,
			    json_t *items)
{
	return suggest(NULL, kind, q, lang, limit, items, 0);
}

/* The ISCO-08 major groups of the occupations with a label in the
 * languages of lang_mask that holds the word w[0..wl) whole. */
#define DISPERSED_MAJORS 3
static size_t word_majors(const struct tax_labels *t, const char *w, size_t wl, unsigned lang_mask)
{
	int os = tax__kind_slot(ESCO_KIND_OCCUPATION);
	unsigned seen = 0;
	size_t a, b, i, n = 0;

	tax__word_range(t, os, w, wl, &a, &b);
	/* the word itself sorts before the longer words it starts: its
	 * entries are the first of the range, and the scan ends with them */
	for (i = a; i < b && (wl >= 255 || t->words[os][i].wlen == wl); i++) {
		const struct tword *x = &t->words[os][i];
		const esco_occupation *o = t->lab[x->label].concept;
		unsigned major;

		if (x->wlen != (wl < 255 ? wl : 255) || TW_TYPE(x->bits) > 1 ||
		    !(lang_mask & 1u << TW_LANG(x->bits)) || !o || o->isco[0] < '0' || o->isco[0] > '9')
			continue;
		major = (unsigned)(o->isco[0] - '0');
		if (!(seen & 1u << major)) {
			seen |= 1u << major;
			n++;
		}
	}
	return n;
}

size_t taxonomy_named_concepts(esco_kind kind, const char *q, unsigned lang_mask, const char **uris,
			       size_t max)
{
	const struct tax_labels *t = tax__labels();
	int s = tax__kind_slot(kind);
	char fq[FOLD_MAX], wbuf[FOLD_MAX], *w[MAX_WORDS];
	size_t nw, i, k, lo = 0, hi = 0, drv = 0, n = 0, fqlen, wl[MAX_WORDS], content = 0;
	size_t spared = MAX_WORDS, spared_n = 0, spared_majors = 0, pass, lo1 = 0, hi1 = 0,
	       drv1 = MAX_WORDS;
	struct sugg best[100];

	if (!t || !q || !max)
		return 0;
	if (max > sizeof best / sizeof *best)
		max = sizeof best / sizeof *best;
	fqlen = taxonomy_fold(q, fq, sizeof fq);
	memcpy(wbuf, fq, fqlen + 1);
	nw = tax__split_words(wbuf, w, MAX_WORDS);
	if (!nw)
		return 0;
	drv = driving_word(t, s, w, nw, wl, &lo, &hi);
	/* The content word a second pass may do without: a word whose
	 * occupation labels spread over DISPERSED_MAJORS ISCO major groups or
	 * more says nothing of the trade ("femme", of "homme de surface/femme
	 * de surface", "valet de chambre/femme de chambre", "sage-femme":
	 * "femme de ménage" kept "femme" and named the deckhands), the most
	 * dispersed of them; else the one most labels hold (its range of
	 * label words). */
	for (k = 0; k < nw; k++) {
		size_t a, b, majors;

		if (tax__is_stopword(w[k]))
			continue;
		content++;
		majors = word_majors(t, w[k], wl[k], lang_mask);
		if (majors >= DISPERSED_MAJORS && majors > spared_majors) {
			spared = k;
			spared_majors = majors;
		}
		if (spared_majors)
			continue;
		tax__word_range(t, s, w[k], wl[k], &a, &b);
		if (k != drv && b - a > spared_n) {
			spared = k;
			spared_n = b - a;
		}
	}
	/* Pass 1 reads the labels of another word than the one it spares */
	if (spared == drv) {
		size_t best_span = 0;

		for (k = 0; k < nw; k++) {
			size_t a, b;

			if (k == spared || tax__is_stopword(w[k]))
				continue;
			tax__word_range(t, s, w[k], wl[k], &a, &b);
			if (!best_span || b - a < best_span) {
				best_span = b - a + 1;
				lo1 = a;
				hi1 = b;
				drv1 = k;
			}
		}
	}
	/* Pass 0: every content word of q (function words, "de", name
	 * nothing); pass 1, only when no label holds them all and q has two
	 * content words or more: all but the most common one. "conductor de
	 * carretilla" is no label, and "conductor" is also an English word
	 * (a train conductor); "carretilla" names the forklift concepts. */
	for (pass = 0; pass < 2 && n == 0; pass++) {
		size_t d = drv, dlo = lo, dhi = hi;

		if (pass == 1 && (content < 2 || spared == MAX_WORDS))
			break;
		if (pass == 1 && spared == drv) {
			if (drv1 == MAX_WORDS)
				break;
			d = drv1;
			dlo = lo1;
			dhi = hi1;
		}
		for (i = dlo; i < dhi; i++) {
			const struct tword *x = &t->words[s][i];
			unsigned type = TW_TYPE(x->bits);
			uint64_t key = SK_WHOLE | SK_TYPE(type) | SK_TAIL(x->flen, x->concept_idx);
			const char *f;

			/* a whole word (wlen 255 stands for any longer word), of a
			 * label the typeahead shows (hidden ones are misspellings) */
			if (type > 1 || !(lang_mask & 1u << TW_LANG(x->bits)) ||
			    x->wlen != (wl[d] < 255 ? wl[d] : 255))
				continue;
			if (n == max && (key | SK_EXACT | SK_START) <= best[n - 1].key)
				continue;
			f = t->text.p + t->lab[x->label].fold;
			for (k = 0; k < nw; k++)
				if ((k != d || wl[k] >= 255) && (content == 0 || !tax__is_stopword(w[k])) &&
				    (pass == 0 || k != spared) && !has_word(f, w[k], wl[k]))
					break;
			if (k < nw)
				continue;
			if (x->flen >= fqlen && memcmp(f, fq, fqlen) == 0)
				key |= SK_START | (x->flen == fqlen ? SK_EXACT : 0);
			if (n < max || key > best[n - 1].key)
				sugg_offer(best, &n, max, key, x->concept_idx, x->label);
		}
	}
	for (i = 0; i < n; i++) {
		const void *c = t->lab[best[i].label].concept;

		uris[i] = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)c)->uri
						       : ((const esco_skill *)c)->uri;
	}
	return n;
}
