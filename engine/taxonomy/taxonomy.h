/*
 * engine/taxonomy/ - the ESCO model and what the engine does with it:
 * loading ESCO (esco.h), and through this header the label index, the
 * normalisation of free text to concepts, typeahead and the ISCO-08
 * helpers. The rest of the tree includes these two headers only; the files
 * of the folder share internal.h and esco_internal.h (tax__, esco__), which
 * nothing outside it may include. One job per file: fold.c (folding, word
 * comparison), acronyms.c, build.c (the label index), init.c (process-wide
 * state), labels.c (the labels in memory), synonyms.c and rewrite.c (learned
 * from the labels), rank.c (confidence, re-ranker), candidates.c,
 * normalise.c (with its cache), document.c, suggest.c (typeahead), isco.c,
 * lookup.c (labels and concepts by identifier), lang.c (language of a text),
 * phrase.c (the frame around a written skill: "knowledge of X", "X (5
 * years)"), specific.c (the specific or general concept a text means),
 * headgroup.c (the ISCO-08 unit group a bare occupation word names),
 * root.c (one root, two endings: "welding" / "welder", for matching).
 *
 * taxonomy.h - the process-wide taxonomy: ESCO occupations and skills in
 * memory (esco.h), a Xapian index over every label of every concept in
 * every loaded language, normalisation of free text to concepts with a
 * confidence, typeahead, and the ISCO-08 hierarchy helpers the matcher uses.
 *
 * The taxonomy index (default var/taxonomy, env FAIRMATCH_TAXONOMY) holds
 * one document per label (preferred, alternative or hidden; en, fr, es),
 * indexed with its language's stemmer, plus character-trigram terms of each
 * word (typos) and one exact-label term (the plain lookup). It is derived
 * from the shipped ESCO files only, so it is rebuilt whole, never updated:
 * taxonomy_build writes a fresh copy beside it and renames it into place.
 *
 * Every label is also held in memory, folded, with a sorted array of label
 * words per kind (built once per process on first use, about 30 MB): the
 * typeahead answers from it, and the confidence of a normalisation reads it.
 *
 * Threads (the contract): every function here may be called from any number
 * of threads at once, without locking by the caller, except that an
 * index_db handle passed explicitly (taxonomy_candidates, taxonomy_suggest*)
 * must be used by one thread at a time (Xapian handles are single-threaded).
 *  - Process-wide state is made once and read-only afterwards: ESCO
 *    (taxonomy_esco), the index path and its check (taxonomy_init), the
 *    acronyms, the labels in memory - each behind pthread_once.
 *  - With a NULL handle, each thread opens its own read-only handle on the
 *    index the first time it needs one; it is closed when the thread ends.
 *  - The normalisation cache is shared by all threads behind one mutex,
 *    held only to look up or store an answer, never during a search; two
 *    threads missing on the same text both search and store the same answer.
 *  - Answers borrow strings of the loaded ESCO, which lives as long as the
 *    process: a struct tax_match stays valid in any thread.
 *  - taxonomy_build writes a fresh index and renames it into place; handles
 *    open on the old one keep reading it (a thread's handle is never
 *    reopened: a running process sees a rebuilt index after a restart). It
 *    is the one exception to the first rule: one build per path at a time
 *    (its temporary directory is named after the process id).
 */
#ifndef FAIRMATCH_TAXONOMY_H
#define FAIRMATCH_TAXONOMY_H

#include <jansson.h>
#include <stddef.h>

#include "engine/taxonomy/esco.h"
#include "engine/core/problem.h"
#include "index/index.h"

/* Error codes (negative); 0 is success. */
enum {
	TAX_ERR = -1,          /* loading or searching failed (see the message) */
	TAX_ERR_UNKNOWN = -2,  /* a code or URI that the taxonomy does not hold */
	TAX_ERR_NOMATCH = -3,  /* free text with no concept good enough */
	TAX_ERR_ARG = -4,      /* empty or oversized text */
	TAX_ERR_BUDGET = -5,   /* free text left unsearched: the document's search budget is spent */
};

#define TAX_DEFAULT_PATH "var/taxonomy"
#define TAX_TEXT_MAX 200        /* longest free text normalised (bytes) */
/* Below this confidence a free text stays free text (see docs/taxonomy.md:
 * measured on held-out alternative labels, matches at or above it are right
 * far more often than not). */
#define TAX_MIN_SCORE 0.85
/* Searches one document may run (taxonomy_normalise_doc): free-text skills
 * that are not an exact label cost a search each (about 13 ms of CPU);
 * beyond this many, the rest stay free text. Exact labels, codes, URIs and
 * cached answers cost microseconds and are not counted; occupations are not
 * counted either (at most 10 per document, and one that fails is PROBLEM_INVALID). */
#define TAX_DOC_SEARCHES 16

/* The ISCO-08 proximity levels (same values as engine/taxonomy/esco.h). */
typedef esco_isco_proximity_level tax_proximity;

struct tax_match {
	const char *uri;   /* concept URI, or the ISCO-08 code as given; borrowed */
	const char *label; /* preferred label in the hint language, else English; borrowed */
	double score;      /* confidence in [0,1]; 1 for an exact label, code or URI */
	esco_kind kind;
	const void *concept; /* esco_occupation, esco_skill or esco_isco_group */
	int years;           /* years of experience the text gave ("X (5 years)"), 0 none */
};

/* Loads ESCO (FAIRMATCH_ESCO_DIR, else data/esco) and makes sure the index
 * exists and matches the loaded data, building it when it does not. Runs
 * once; later calls return the first call's result. 0 or TAX_ERR with the
 * reason in err. */
int taxonomy_init(char *err, size_t errlen);
/* ESCO, loaded once per process on first use (without needing the label
 * index); NULL when loading failed. The one copy every module uses. */
const esco *taxonomy_esco(void);
/* The index path in use: FAIRMATCH_TAXONOMY, else TAX_DEFAULT_PATH. */
const char *taxonomy_path(void);
/* Whether the index at taxonomy_path() is current for the loaded ESCO (same
 * code version, same ESCO files by digest): 1 current; 0 not, with why
 * ("missing" or "stale"); TAX_ERR when ESCO does not load (reason in why).
 * Builds nothing. */
int taxonomy_index_state(char *why, size_t whylen);

/* Which labels go into a build: return 1 to leave one out (evaluation). */
typedef int (*tax_label_skip)(const esco_label *l, void *arg);
/* Builds the index for `tax` at `path` into a fresh directory and renames it
 * into place (so readers never see a half-built index, and a second build is
 * idempotent). skip may be NULL. *n_labels (may be NULL) gets the count. */
int taxonomy_build(const esco *tax, const char *path, tax_label_skip skip, void *arg,
		   size_t *n_labels, char *err, size_t errlen);

/*
 * Normalises free text, an ESCO URI or (occupations) an ISCO-08 code.
 * lang_hint is "en", "fr", "es" or NULL (any). Returns 0 and fills *out;
 * TAX_ERR_UNKNOWN for a URI or code that does not exist (or names another
 * kind of concept); TAX_ERR_NOMATCH when the best concept scores below
 * TAX_MIN_SCORE (*out still holds it, for reporting); TAX_ERR_ARG for empty
 * or too long text; TAX_ERR when the taxonomy is unavailable. Free text
 * that is a bare occupation word ("nurse") may normalise to the ISCO-08
 * unit group it names: kind ESCO_KIND_ISCO_GROUP, uri its 4-digit code.
 */
int taxonomy_normalise_skill(const char *text, const char *lang_hint, struct tax_match *out);
int taxonomy_normalise_occupation(const char *text, const char *lang_hint, struct tax_match *out);

/*
 * The labels in memory, for an index built with a skip (the evaluation):
 * the confidence must not read labels that the index does not hold, or a
 * held-out label would vouch for its own concept. NULL when out of memory.
 * Read-only once made: any threads may share it.
 */
typedef struct tax_labels tax_labels;
tax_labels *taxonomy_labels_new(const esco *tax, tax_label_skip skip, void *arg);
void taxonomy_labels_free(tax_labels *labels);

/*
 * The ranked candidates for free text on an explicit index handle (the
 * evaluation uses its own index) and label set (NULL: the process-wide one,
 * every label): up to n concepts of `kind` in out, best first; returns how
 * many, or a negative TAX_ERR. exact_only: just the exact-label lookup (the
 * baseline).
 */
int taxonomy_candidates(index_db *db, const tax_labels *labels, const esco *tax, esco_kind kind,
			const char *text, const char *lang_hint, int exact_only,
			struct tax_match *out, size_t n);

/*
 * The re-ranker's features of a candidate (taxonomy_rerank_w orders the re-ranked pool by their weighted sum). For the evaluation,
 * which fits the weights on its development sample.
 */
enum {
	TAX_F_BM25,      /* the search weight over the best candidate's */
	TAX_F_ONE,       /* the confidence's ranking value */
	TAX_F_SCORE,     /* the confidence */
	TAX_F_BESTF,     /* the best single label's F1 */
	TAX_F_UNION,     /* IDF-weighted share of text words in any label */
	TAX_F_PREC,      /* the best label precision */
	TAX_F_HEAD_ANY,  /* the text's head word is some label's head word */
	TAX_F_HEAD_BEST, /* ... the best label's head word */
	TAX_F_DESC,      /* IDF-weighted share of text words in the English description */
	TAX_F_NLAB,      /* log(1 + labels of the concept) / 5 */
	TAX_F_PREF_F,    /* the best preferred label's F1 */
	TAX_F_REWRITE,   /* a learned rewrite rule turns the text into a label of it */
	TAX_NFEAT
};
/* The weights of the features (engine/taxonomy/rank.c says how they were fitted). */
extern const double taxonomy_rerank_w[TAX_NFEAT];
/* As taxonomy_candidates (never exact_only), with each answer's features
 * in feat[k] (zero for an exact-label answer, which the re-ranker skips). */
int taxonomy_candidates_features(index_db *db, const tax_labels *labels, const esco *tax,
				 esco_kind kind, const char *text, const char *lang_hint,
				 struct tax_match *out, double (*feat)[TAX_NFEAT], size_t n);

/*
 * Typeahead: concepts of `kind` (skill or occupation) with a label in lang
 * or English of which every folded word of q starts a word. Appends to
 * items (a JSON array) one object per concept, up to limit, as
 * GET /v1/taxonomy/{skills,occupations} answers, with labels in lang when
 * available, else English. Best first: a concept ranks by its best label,
 * and labels rank by (in this order) being the query, holding the last
 * query word as a whole word, starting with the query, being in lang,
 * preferred before alternative before hidden, being shorter; ties in ESCO's
 * concept order.
 * Served from the labels in memory (built on first use); when no label
 * matches, the label index answers instead (taxonomy_suggest_index, which
 * stems the words), on db (NULL: this thread's handle). 0 or TAX_ERR.
 */
int taxonomy_suggest(index_db *db, esco_kind kind, const char *q, const char *lang, size_t limit,
		     json_t *items);
/* The same from the labels in memory only (no index fallback: nothing when
 * no label starts with the words): microseconds, for callers that want the
 * concepts a text names (keyword search). */
int taxonomy_suggest_labels(esco_kind kind, const char *q, const char *lang, size_t limit,
			    json_t *items);
/* The English, French and Spanish function words (Snowball's lists) as a
 * stop list for index_query_parse_stopped, built once; NULL when out of
 * memory (the words are then searched for). */
const index_stoplist *taxonomy_function_words(void);
/* The concepts of kind with a preferred or alternative label in one of
 * the languages of lang_mask (bit 1 << esco_lang) holding every word of q
 * as a whole word, best first in the typeahead's order (the label is q,
 * starts with it, preferred before alternative, shorter first): up to max
 * URIs (pointers into the loaded taxonomy) in uris. How many; 0 without
 * the taxonomy. For a keyword search, which wants the concepts q names
 * and no typeahead items. */
size_t taxonomy_named_concepts(esco_kind kind, const char *q, unsigned lang_mask, const char **uris,
			       size_t max);
/* Typeahead on the Xapian label index alone (the last word a partial term,
 * BM25 order): the fallback above, and the baseline bench_taxonomy
 * measures against. Same arguments and answer. */
int taxonomy_suggest_index(index_db *db, esco_kind kind, const char *q, const char *lang,
			   size_t limit, json_t *items);

/*
 * Normalises the skills and occupation of a posted document in place (the
 * write path of vacancies and profiles). Each string in the arrays at
 * skill_paths (e.g. "skills.essential", "skills"), and the occupation at
 * occupation_path (a string) or in the array at occupations_path, is
 * checked: URIs and ISCO codes must exist (else a PROBLEM_INVALID field error named
 * like "skills.essential[2]" or "occupation"); free text that normalises is
 * replaced by the concept URI and reported in the array doc["normalised"]
 * as {"input","concept","label","score"}; other text stays as it is. Free-text
 * skills that need a search beyond the first TAX_DOC_SEARCHES of the document
 * stay free text unsearched, listed with concept and label null and
 * "searched": false, so one write costs at most that many searches.
 * Returns 0, or -1 with p set (PROBLEM_INVALID for unknown codes,
 * PROBLEM_UNAVAILABLE when the taxonomy is missing). NULL paths are skipped.
 */
int taxonomy_normalise_doc(json_t *doc, const char *const *skill_paths,
			   const char *occupation_path, const char *occupations_path, problem *p);

/* The prefix of every ESCO occupation URI. */
#define TAX_ESCO_OCCUPATION "http://data.europa.eu/esco/occupation/"

/* The ISCO-08 group an occupation stands for, into code: an ISCO-08 code of
 * 1 to 4 digits that ISCO-08 has, as it is, that group's ESCO URI
 * (".../esco/isco/C7212", as the lookups answer it) as its code, or a known
 * ESCO occupation URI as its 4-digit unit group. The number of digits (1-4); 0 (code "") when
 * the occupation is neither; -1 when the taxonomy is not loaded (callers
 * answer "unavailable"). The one rule for matching, quotas and search. */
int taxonomy_isco_group(const char *occupation, char code[5]);

/* ISCO-08 proximity of two occupations, each as taxonomy_isco_group takes it
 * (its group is used; the same URI is UNIT); UNRELATED when either is not
 * one, or without the taxonomy. */
tax_proximity taxonomy_occupation_proximity(const char *a, const char *b);

/*
 * Labels in the language asked (lang "en", "fr", "es"; NULL or another:
 * English; English too when ESCO has no label in lang). All read the loaded
 * ESCO only: no index, microseconds, any thread.
 */
/* The preferred label of a skill or occupation URI or of an ISCO-08 code
 * (1-4 digits); NULL when the taxonomy does not hold it. Borrowed. */
const char *taxonomy_label(const char *uri_or_isco, const char *lang);
/* A concept as GET /v1/taxonomy/{skills,occupations}/{id} answers it: id is
 * a URI, the last segment of one, or (occupations) an ISCO-08 code of 1-4
 * digits; with label, alt_labels, broader, narrower and, for occupations,
 * isco and the essential/optional skills, labelled. 0 and *out (owned), or
 * TAX_ERR_UNKNOWN, or TAX_ERR (no taxonomy, out of memory). */
int taxonomy_lookup(esco_kind kind, const char *id, const char *lang, json_t **out);
/* Adds doc["concepts"]: the occupation(s) and skills the vacancy or profile
 * holds, in the same shape ("occupation", "occupations", "skills" as an
 * array or an object of arrays), each as {"uri","label"} (occupations also
 * "isco"), {"isco","label"} for an ISCO-08 code or {"text","label":null}
 * for free text, plus "lang". 0, or TAX_ERR (no taxonomy; doc unchanged). */
int taxonomy_label_doc(json_t *doc, const char *lang);
/* Puts each entry's label of a "normalised" report (and the one in
 * doc["normalised"], by taxonomy_label_doc) in lang: the report is made in
 * the typed text's language, the answer speaks the reader's. Entries kept
 * as typed (concept null) are left alone. 0, or TAX_ERR (out of memory). */
int taxonomy_label_report(json_t *norm, const char *lang);
/* The language ("en", "fr" or "es") text is written in, by its function
 * words; fallback when there is no evidence or a tie with it. */
const char *taxonomy_detect_lang(const char *text, const char *fallback);
/* The languages a short text (a keyword query) can be written in, as a
 * mask of 1 << esco_lang: those whose ESCO labels hold each of its content
 * words that some label holds, and whose function words it uses
 * ("conductor de carretilla": only Spanish labels have "carretilla", so
 * Spanish, although "conductor" is English too). Every language when
 * nothing tells them apart or no one language holds every word. */
unsigned taxonomy_text_langs(const char *text);

/* Folds text for comparison: ASCII and Latin-1 letters lowercased and
 * stripped of accents, runs of non-alphanumerics to one space, trimmed.
 * Always NUL-terminates out (outlen > 0); returns the length written. */
size_t taxonomy_fold(const char *text, char *out, size_t outlen);

/* Words as the occupation inference of matching reads them (root.c). */
#define TAX_WORD_MAX 48
/* 1 when two folded words are one root with two endings: they share their
 * first 4 letters or more and neither adds more than 4 after what they
 * share ("welding" / "welder", "soudage" / "soudeur", "soldadura" /
 * "soldador", "cuisine" / "cuisinier"); 0 otherwise. */
int taxonomy_same_root(const char *a, const char *b);
/* The fewest letters two words of one root share (taxonomy_same_root). */
#define TAX_ROOT_MIN 4
/* The folded content words of text (the en/fr/es stop words left out, a
 * word of TAX_WORD_MAX bytes or more dropped), at most max; the count. */
size_t taxonomy_content_words(const char *text, char words[][TAX_WORD_MAX], size_t max);
/* The folded head word of an occupation label in language lang (esco_lang:
 * the last content word in English, the first in French and Spanish) into
 * out; 0, or -1 when it has none or it does not fit. */
int taxonomy_head_word(const char *label, int lang, char *out, size_t outlen);

#endif
