/*
 * internal.h - what the files of engine/taxonomy/ share and nothing outside
 * it may use: the sizes of folded text, the labels in memory, the query
 * words, the candidates, and the tax__ functions that one file offers the
 * others. The public API is taxonomy.h; ESCO's own internals are in
 * esco_internal.h.
 */
#ifndef FAIRMATCH_TAXONOMY_INTERNAL_H
#define FAIRMATCH_TAXONOMY_INTERNAL_H

#include <stdint.h>

#include "engine/core/buf.h"
#include "engine/taxonomy/taxonomy.h"

#define MAX_WORDS 24
#define WORD_MAX 48
#define FOLD_MAX 512
#define MAX_CANDS 64 /* candidates from the exact lookup and the search */
#define RW_CANDS 32  /* more from the rewrite rules */
#define SYN_SCORE 0.85 /* what a learned synonym counts as a word match (synonyms.c) */
#define SYN_MAX 16 /* synonyms kept per query word, the most frequent */
#define DESC_MAX 2048 /* the first bytes of a description read (folded) */

/* ---- folding and words (fold.c) ---- */

/* Splits folded text into words (pointers into buf, which is modified). */
size_t tax__split_words(char *buf, char *words[], size_t max);
/* Words that say nothing about the concept (en, fr, es). */
int tax__is_stopword(const char *w);
/* Padded trigrams of one word: "^we", "wel", ..., "ng$". Returns the count. */
size_t tax__word_trigrams(const char *w, char tri[][4], size_t max);
/* How much two words are the same word, in [0,1] (1 equal, 0.9 an
 * inflection, less for a typo, 0 below 0.6). */
double tax__word_match(const char *a, const char *b);
/* The words of an ESCO label (case kept) that it writes as a name: bit j for
 * the j-th word of its folded form (see fold.c). */
uint32_t tax__name_words(const char *label, uint32_t *lower);
/* tax__word_match for a label word b in the label's language lang: an
 * inflection there stays 0.9, two words that share only a stem (a
 * derivation: "engineer" / "engine") count TAX_DERIVED_SCORE. English only. */
double tax__word_match_lang(const char *a, const char *b, int lang);
#define TAX_DERIVED_SCORE 0.8

/* ---- acronyms (acronyms.c) ---- */

/* Reads the acronyms that ESCO spells out, from tax and the files in dir;
 * once per process, before any tax__acronym_expansion. */
void tax__load_acronyms(const esco *tax, const char *dir);
/* The spelt-out form of a folded word ("mig" -> "metal inert gas"), or NULL. */
const char *tax__acronym_expansion(const char *word);

/* ---- the label index (build.c) ---- */

/* The fields of a label document's data (copied into a caller's buffer). */
struct hit_data {
	char kind;
	int lang;
	char type;
	const char *uri;
	const char *label;
};

/* Splits a document's data into its fields (copied into buf). */
int tax__parse_data(const index_hit *h, char *buf, size_t len, struct hit_data *out);
/* 1 when the index at path was built from this data by this code, 0 when
 * it is of another version, -1 when there is none. */
int tax__index_current(const esco *tax, const char *path);

/* ---- process-wide state (init.c) ---- */

/* The ESCO directory in use: FAIRMATCH_ESCO_DIR, else ESCO_DEFAULT_DIR. */
const char *tax__esco_dir(void);

/* This thread's read-only handle on the process-wide index, or NULL. */
index_db *tax__thread_db(void);

/* The labels in memory (labels.c).
 *
 * Every label of every occupation and skill, folded once per process, with
 * a sorted array of (folded word, label) per kind: a typeahead prefix is
 * two binary searches, and the confidence reads folded labels instead of
 * folding them on every call. Built on first use (about 0.3 s, 30 MB),
 * read-only afterwards, so any thread may read it.
 */
struct tlabel {
	const void *concept;
	uint32_t fold;    /* offset of the folded label in text */
	uint32_t concept_idx;
	uint16_t flen;
	uint8_t lang;
	uint8_t type;     /* 0 preferred, 1 alternative, 2 hidden */
	uint32_t names;   /* words written as names ("Harvest", "SAP"): match only when equal */
	uint32_t lower;   /* words written without any capital ("harvest crop": both) */
	uint8_t name_is_word; /* a one-word name that other labels of its kind write as a
			       * common word, in lower case ("Harvest" and "harvest crop"):
			       * typed without a capital, the word is meant (labels.c) */
};

/* One word of one label, with what typeahead ranks by, so that a prefix
 * scans its range of this array without touching the labels. */
struct tword {
	uint32_t word;    /* offset of the word in text (ends at ' ' or NUL) */
	uint32_t label;   /* index in lab */
	uint32_t concept_idx;
	uint16_t flen;    /* length of the folded label */
	uint8_t wlen;     /* length of the word (255: longer) */
	uint8_t bits;     /* TW_* */
};
#define TW_LANG(b) ((b) & 3u)
#define TW_TYPE(b) (((b) >> 2) & 3u)
#define TW_FIRST 16u /* the label's first word */
#define TW_ONE 32u   /* the label's only word */

/* Labels, words and rules point into the texts with uint32_t offsets, and
 * count labels, rules and synonym pairs in uint32_t: the bound of each. */
#define TAX_LABEL_TEXT_MAX ((size_t)UINT32_MAX)
#define TAX_LABELS_MAX ((size_t)UINT32_MAX)

struct tax_labels {
	struct buf text;      /* folded labels, NUL-separated, at most TAX_LABEL_TEXT_MAX bytes */
	struct tlabel *lab;
	size_t n_lab, lab_cap;
	uint32_t *first[2];   /* per kind (0 occupations, 1 skills): concept index -> first label, n+1 */
	struct tword *words[2];
	size_t n_words[2];
	size_t n_kind_lab[2]; /* labels per kind */
	struct syn *syn;      /* word pairs learned from the labels, by a, most frequent first */
	size_t n_syn;
	struct rw *rw;        /* rewrite rules learned from the labels (see rewrite.c) */
	struct der *der;      /* derivation rules learned from the labels (see derive.c) */
	size_t n_der;
	struct piv *piv;      /* French and Spanish noun -> verb pairs, by noun (see pivot.c) */
	size_t n_piv;
	/* French and Spanish noun -> verb pairs crossed from the other of the
	 * two (pivot.c, bridge), by noun: read only for a refused noun
	 * phrase (normalise.c), not by the search and the confidence */
	struct piv *piv_bridge;
	size_t n_piv_bridge;
	size_t n_rw;
	uint32_t *by_fold[2]; /* per kind: label indices sorted by folded label */
	size_t n_by_fold[2];
	struct buf desc_text; /* folded English descriptions, NUL-separated, as text */
	uint32_t *desc[2];    /* per kind: concept index -> offset in desc_text */
};

static inline int tax__kind_slot(esco_kind kind)
{
	return kind == ESCO_KIND_OCCUPATION ? 0 : 1;
}

/* The process-wide label table, or NULL (out of memory, or no ESCO). */
const struct tax_labels *tax__labels(void);
/* Words compare up to their end (a space or NUL), an end before any letter. */
int tax__word_cmp_at(const char *a, const char *b);
/* Entries [*lo, *hi) of kind slot s whose word starts with p. */
void tax__word_range(const struct tax_labels *t, int s, const char *p, size_t plen, size_t *lo,
		     size_t *hi);
/* Labels of kind slot s whose folded form is f: by_fold[s][*lo, *hi). */
void tax__fold_range(const struct tax_labels *t, int s, const char *f, size_t *lo, size_t *hi);

/* ---- learned from the labels (synonyms.c, rewrite.c) ---- */

/* Learns the synonyms of t's labels into t->syn. 0 or -1 (out of memory). */
int tax__syn_learn(struct tax_labels *t, size_t n_occ, size_t n_sk);
/* The synonyms of w (pointers into t), up to max, most attested first;
 * count (may be NULL) gets in how many concepts each pair was seen. */
size_t tax__syn_of(const struct tax_labels *t, const char *w, const char **out, uint32_t *count,
		   size_t max);
/* Learns the rewrite rules of t's labels into t->rw. 0 or -1 (out of memory). */
int tax__rw_learn(struct tax_labels *t, size_t n_occ, size_t n_sk);
/* Learns the derivation rules of t's labels (noun ending -> verb ending, per
 * language) into t->der. 0 or -1 (out of memory). */
int tax__der_learn(struct tax_labels *t, size_t n_occ, size_t n_sk);
#define DER_SUFFIX_MAX 6 /* letters of a rule's ending */
#define DER_MAX 8        /* derived words kept per typed word */
/* The verbs that labels of kind slot s hold and that the derivation rules
 * make of folded word w ("soudure" -> "souder"), up to max, in out. */
size_t tax__derived_words(const struct tax_labels *t, int s, const char *w,
			  char out[][WORD_MAX], size_t max);
/* The verb of which folded word w is the noun of action that French and
 * Spanish make of the verb less its infinitive's r ("récolte" / récolter,
 * "cosecha" / cosechar): w plus r, when that opens a skill/competence
 * preferred label of the language (a verb there), w is a word of that
 * language's skill labels other than a first one (a noun there), and no
 * occupation label of the language holds another word on w's stem (an
 * agent noun: "coupe" / coupeur names the trade itself). The verb in out;
 * 1, or 0 when there is none. */
size_t tax__action_verb(const struct tax_labels *t, const char *w, char out[WORD_MAX]);
/* Learns the noun -> verb pairs of French and Spanish through the skills'
 * English labels into t->piv (pivot.c). 0 or -1 (out of memory). */
int tax__piv_learn(struct tax_labels *t);
/* The verbs paired with folded word w (pointers into t), up to max. */
size_t tax__piv_verbs(const struct tax_labels *t, const char *w, const char **out, size_t max);
/* The same for the pairs crossed between French and Spanish (t->piv_bridge). */
size_t tax__piv_bridge_verbs(const struct tax_labels *t, const char *w, const char **out,
			     size_t max);
/* Calls visit with every text one edit from w (a letter left out, two
 * neighbours swapped, a letter a-z changed or added), until visit returns
 * nonzero; returns that value, or 0 (rank.c). w is folded, shorter than
 * WORD_MAX - 1. */
int tax__each_one_edit(const char *w, int (*visit)(const char *v, void *arg), void *arg);
/* Labels of kind slot s holding the whole word w (rank.c). */
size_t tax__word_df(const struct tax_labels *t, int s, const char *w);

/* ---- ranking (rank.c) ---- */

/* Query words: folded words of the text, each a unit; an acronym unit also
 * holds the words of its expansion. */
struct units {
	char buf[FOLD_MAX];
	char *w[MAX_WORDS];
	size_t n;
	char exp_buf[MAX_WORDS][96];
	char *exp_w[MAX_WORDS][8];
	size_t n_exp[MAX_WORDS];
	const char *syn[MAX_WORDS][SYN_MAX]; /* learned synonyms of each word */
	size_t n_syn[MAX_WORDS];
	/* What each synonym counts when candidates are ranked (not in the
	 * confidence): SYN_SCORE graded by how well the pair is attested
	 * against the word's best-attested partner (tax__make_units). */
	double syn_rank[MAX_WORDS][SYN_MAX];
	int ranking; /* 1: match_label counts synonyms at syn_rank, 0: at SYN_SCORE */
	char der[MAX_WORDS][DER_MAX][WORD_MAX]; /* label verbs derived from each word (derive.c) */
	size_t n_der[MAX_WORDS];
	double weight[MAX_WORDS]; /* how much the word says: its IDF over the kind's labels */
	char join[MAX_WORDS][WORD_MAX]; /* this word and the next as one label word, or "" */
	char fix[MAX_WORDS][WORD_MAX]; /* the one label word a typo is one edit from, or "" */
	int typed_lower; /* the text has no capital: a name_is_word label does not match it */
};

/* The head word of folded words w[0..n) in lang: the last content word in
 * English ("network engineer"), the first in French and Spanish
 * ("ingénieur réseau"); -1 when there is none. */
int tax__head_word(char *const *w, size_t n, int lang);
/* How much folded word w says among the labels of kind slot s (its IDF). */
double tax__idf(const struct tax_labels *t, int s, const char *w);
/* The query words of folded text for kind slot s. */
void tax__make_units(const struct tax_labels *t, int s, const char *folded, struct units *u);
/* The confidence that the concept is what the text means (its ranking
 * value; *score gets the confidence in [0,1]); feat (may be NULL) gets the
 * re-ranker's features that come from the labels. */
double tax__confidence(const struct tax_labels *t, const struct units *u, const void *concept,
		       esco_kind kind, double *score, double *feat);
/* The same; *weak (may be NULL) is set to 1 when a synonym whose ranking
 * value is under SYN_SCORE matched a word of the concept's labels (only
 * then can the ranking values change its features). */
double tax__confidence_syn(const struct tax_labels *t, const struct units *u, const void *concept,
			   esco_kind kind, double *score, double *feat, int *weak);

/* ---- candidates (candidates.c) ---- */

struct cand {
	char uri[160];
	const void *concept;
	double lang_w[ESCO_LANG_COUNT];
	double weight;
	double conf;
	int exact_rank; /* for exact hits: lower is better */
	double feat[TAX_NFEAT]; /* the re-ranker's features (re-ranked candidates only) */
	double rw;              /* support of the best rewrite rule that found it, 0 none */
	double weight_full;     /* the re-ranker's weight with synonyms at SYN_SCORE */
};

/* How far tax__candidates() searches. */
enum { CAND_FULL, CAND_EXACT_ONLY, CAND_FIRST, CAND_SETTLED };
/* CAND_SETTLED: the exact label does not settle it, a search would be needed. */
#define CAND_NEEDS_SEARCH (-100)

/* The candidate for uri, added when new and fewer than max are held. */
struct cand *tax__find_cand(struct cand *c, size_t *n, size_t max, const char *uri);
/* Candidates from the rewrite rules (rewrite.c), added to c[0..*nc). */
void tax__rewrite_cands(const struct tax_labels *t, esco_kind kind, const struct units *u,
			struct cand *c, size_t *nc);
/* Up to n ranked answers for text in out (see the modes above); how many,
 * CAND_NEEDS_SEARCH, or a negative TAX_ERR. */
int tax__candidates(index_db *db, const struct tax_labels *t, const esco *tax, esco_kind kind,
		    const char *text, const char *lang_hint, int mode, struct tax_match *out,
		    double (*feat)[TAX_NFEAT], size_t n);
/* The concept of kind with uri, or NULL. */
const void *tax__concept_by_uri(const esco *tax, esco_kind kind, const char *uri);
/* The occupation whose title the text is, typed with one slip (one letter
 * added, dropped, changed, or two swapped), or the unit group of the
 * several whose titles it is one slip from, with its label in the title's
 * language, in out: 0, or -1 when it is no slip, one from trades of two
 * unit groups, or one from a skill's label too (typo_title.c). */
int tax__typo_title(const char *input, struct tax_match *out);
/* The digits of an ISCO-08 group written as its ESCO URI
 * ("http://data.europa.eu/esco/isco/C7212"), as that URI's last segment
 * ("C7212") or as 1-4 digits; NULL for anything else. Not checked against
 * ISCO-08. A pointer into s. */
const char *tax__isco_id(const char *s);
/* The preferred label of concept in lang, else in English. */
const char *tax__label_in(const void *concept, esco_kind kind, int lang);

/* ---- specificity (specific.c) ---- */

/* When text (its units u) is an alternative label of `exact`, the concept
 * whose preferred label names the text's most specific word and that holds
 * a label of the same words, or NULL (exact stays the answer). */
const void *tax__more_specific(const struct tax_labels *t, esco_kind kind, const struct units *u,
			       const void *exact);
/* How specific what a concept adds to the text is: over its labels that
 * hold every content word of the text, the least of the highest IDF of a
 * label word the text lacks (0: a label is the text; HUGE_VAL: no label
 * holds the whole text). */
double tax__added_specificity(const struct tax_labels *t, esco_kind kind, const struct units *u,
			      const void *concept);
/* How many occupations list an ESCO skill as essential: how general the
 * work it names is. 0 without memory. */
size_t tax__skill_breadth(const esco *tax, const void *skill);
/* Near-equal candidates whose labels all hold the text: how close (in
 * confidence) one must be to the first to take its place by being more
 * general (candidates.c). */
#define SPECIFIC_MARGIN 0.05
/* A skill more occupations list as essential takes the place of the one
 * whose label adds the least specific word when it is at most this much
 * less confident (candidates.c): "harvest crop" 0.859 for "harvest
 * timber" 0.865; on the held-out sample, without it, "manage people" went
 * to "deal with challenging people" (0.86) from "lead others" (0.91). The
 * development sample reads the same at 0.01, 0.02 and without it. */
#define BREADTH_MARGIN 0.01

/* ---- a bare occupation word (headgroup.c) ---- */

struct tax_head_group {
	const esco_isco_group *group; /* the ISCO-08 group the word names: unit, else minor or sub-major */
	const esco_occupation *occ;   /* the one occupation of it meant, or NULL: the group */
	double share;                 /* share of the word's headed labels in that group */
	size_t n_occ;                 /* occupations of the group the word heads */
	int equal;                    /* a label is the text (up to inflection) */
	char unit_best[5];            /* the unit group holding most of the word's labels */
	size_t n_occ_own;             /* occupations of own_isco's unit group the word heads */
	int generic;                  /* a wider group in place of one occupation of a unit
				       * group the word heads many kinds of (headgroup.c) */
};
/* When the text's head word heads labels of occupations (labels that hold
 * the whole text plus more) and one ISCO-08 unit group holds more of them
 * than any other: 1 and *out; 0 otherwise. prior: labels added to the
 * counts the share and lead divide by, as if that many more labels went
 * elsewhere (0: the counts as they are; HEAD_GROUP_EXACT_PRIOR against an
 * exact label). */
int tax__head_group(const struct tax_labels *t, const esco *tax, const struct units *u,
		    double prior, const char *own_isco, struct tax_head_group *out);
/* How many labels' worth of doubt a group must overcome to replace a text
 * that is an exact (alternative) label of a concept: "caregiver" is
 * companion's alternative label and heads three labels, two in 5311 child
 * care; three labels are not enough to say the word means child care.
 * The smallest prior that leaves it to a group the word owns; its cost on
 * the development sample is in docs/taxonomy.md ("Round 11"). */
#define HEAD_GROUP_EXACT_PRIOR 1.5
/* How many occupations of an exact alternative label's own unit group the
 * word must head for a wider group to replace that label (candidates.c):
 * "teacher" heads 41 of politics lecturer's 2310, "buyer" 7 of purchaser's
 * 3323. On the development sample of bare words every value from 8 to 41
 * gives the same answers (only "teacher" moves, to 23); 3 to 7 also move
 * "buyer", "broker", "captain" and "chauffeur" off answers in the group of
 * most sources (docs/taxonomy.md, "Round 12"). */
#define HEAD_GROUP_GENERIC_OCC 10
/* Its confidence: every word of the text is found (HEAD_GROUP_BASE), and
 * the rest by how much the group owns the word. */
#define HEAD_GROUP_BASE 0.7

/* ---- phrasing (phrase.c) ---- */

/* The skill inside what a counsellor wrote around it. */
struct tax_phrase {
	char core[FOLD_MAX]; /* folded, without the frame and the years */
	int years;           /* "X (5 years)": 5; 0 when none */
	int changed;         /* a frame or the years were taken off */
};
/* 1 when text has a frame or years around a non-empty core (in out). */
int tax__phrase_core(const char *text, struct tax_phrase *out);

/* ---- normalisation (normalise.c) ---- */

/* As taxonomy_normalise_*, with a search budget (NULL: none): a free text
 * that needs a search when none is left is TAX_ERR_BUDGET. */
int tax__normalise(esco_kind kind, const char *text, const char *lang_hint,
		   struct tax_match *out, int *budget);

#endif
