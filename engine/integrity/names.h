/*
 * names.h - organisation-name normalisation and token-aware similarity for
 * the recruiter integrity check (GET /v1/recruiters/check).
 *
 * A check normalises the query once with names_normalise(), normalises each
 * candidate (or uses a form cached in the blacklist snapshot) and scores the
 * pairs with names_similarity(). A pair is a name match when its score is at
 * least the configured threshold, NAMES_DEFAULT_THRESHOLD unless the
 * operator sets another (see docs/integrity.md, "Name matching", for how the
 * default was chosen and the evaluation that supports it).
 *
 * Normalised form: lowercase ASCII tokens [a-z0-9] separated by one space,
 * in the order of the original name, with any script transliterated to
 * Latin then ASCII (ICU "Any-Latin; Latin-ASCII"), punctuation removed,
 * runs of single letters joined ("A.B.C." -> "abc"), legal forms in the main
 * languages of origin and destination countries ("(Pty) Ltd", "SARL",
 * "Công ty TNHH", "ООО", ...) and generic phrases ("recruitment agency",
 * "services", "international", ...) dropped, and connecting words ("and",
 * "of", "de", ...) dropped. The legal-form table is data/legal_forms/.
 * A contraction of a legal-form or trade word is that word ("Manpwr",
 * "O/seas": names_contract.c), and so is a word one typo from it
 * ("Oversea", "Agncy").
 *
 * Thread safety: every function may be called from several threads at
 * once. The legal-form table is built once (pthread_once) on first use; each
 * thread opens its own ICU transliterator on first need and it is closed when
 * the thread exits. No function keeps other state between calls.
 */
#ifndef FAIRMATCH_NAMES_H
#define FAIRMATCH_NAMES_H

#include <stddef.h>

/* Errors (negative). */
#define NAMES_EINVAL (-1) /* NULL argument or zero capacity */
#define NAMES_ENOMEM (-2) /* allocation failed */
#define NAMES_EICU (-3)   /* ICU could not open or run the transliterator */
#define NAMES_ERANGE (-4) /* a helper's input exceeds NAMES_MAX_CODEPOINTS */

/* Input beyond this many bytes is ignored (cut at a character boundary). */
#define NAMES_MAX_INPUT 1024
/* A normalised name keeps at most this many tokens of at most
 * NAMES_MAX_TOKEN_LEN bytes each (longer tokens are cut). */
#define NAMES_MAX_TOKENS 32
#define NAMES_MAX_TOKEN_LEN 47
/* A buffer of this size always holds a full normalised name (with NUL). */
#define NAMES_NORM_CAP (NAMES_MAX_TOKENS * (NAMES_MAX_TOKEN_LEN + 1) + 1)

/*
 * Default decision threshold for names_similarity(): a candidate whose score
 * is >= this value is reported as a name match. Chosen with tests/eval/eval_names.c
 * on 628 real debarred or licensed organisation names (US DOL H-2, World
 * Bank, EBRD, Vietnamese labour-export companies), one known-transformed
 * variant of each and 1249 hard negatives: precision and recall both stay
 * >= 0.97 for thresholds 0.89..0.93, and 0.90 keeps most initials variants
 * ("H.T.C." for "Hebei Tianying Construction", scored 0.85-0.9). Callers may
 * configure another value in [0,1]; lower values raise recall at the cost of
 * precision. See docs/integrity.md, "Name matching".
 */
#define NAMES_DEFAULT_THRESHOLD 0.91

/*
 * Default review threshold: a name scoring at least this but below the
 * decision threshold is not a match but a possible match that the check
 * lists for a human (possible_matches). Chosen on the development half of
 * tests/eval/eval_names.c (docs/integrity.md, "Review band").
 */
#define NAMES_REVIEW_THRESHOLD 0.85

/*
 * Builds the legal-form table now rather than on the first names_normalise()
 * call (it takes about 0.2 s: 3,300 forms, many transliterated by ICU); call
 * it at server start. Idempotent and thread-safe. Returns 0 or NAMES_ENOMEM /
 * NAMES_EICU (then every names_normalise() returns that error too).
 */
int names_init(void);

/*
 * The version of the normal forms. PostgreSQL keeps the forms written at
 * registration (recruiters.name_norm, aliases_norm, licence_norm,
 * recruiter_names.norm), and the SQL path of the check compares today's
 * query form with them. RULE: bump this whenever the output of
 * names_normalise, names_normalise_forms or names_licence_key changes for
 * any input (a new legal form or trade word, a Unicode rule, a contraction,
 * a digit rule ...). The migration step (integrity_renormalise) then
 * rewrites every stored form once, so old registrations are found again.
 * 1: round 11 (small capitals, contractions, digits in context).
 * 2: round 12 (bidi overrides read as shown in the confusable form;
 *    licence keys read the letters O and I as 0 and 1).
 * 3: round 12, second part (a typo of a trade word or legal form read as
 *    that word; licence keys without a label before the number and
 *    without a digit run's leading zeros).
 * 4: round 13 (an abbreviation with its full stop read as the trade word
 *    it starts, "Serv."; a dollar sign at a word's edge read as S in the
 *    confusable form, "$ervices"; licence keys map Latin look-alikes by
 *    their UTS #39 skeleton, "Ƨ" as 2, and drop a remark in brackets;
 *    Greek transliterated as modern Greek is read, BGN/PCGN: "Μπ" is B).
 * 5: round 14 (a slash contraction keeps its slash, "a/rez"; legal forms
 *    are found through number words, "Caroline Ag II Inc." is "caroline
 *    ii"; a vocabulary word split by a separator is joined back,
 *    "Serv.ices").
 * 6: round 16 (symbols of category So drawn as no one letter, such as
 *    TM, (R), (C) and emoji, are no part of a name or licence).
 * 7: round 17 (an exclamation mark between letters is an i in the
 *    confusable form, "Serv!ces").
 * 8: round 18 (character references decoded, "&amp;", "&#8203;"; a
 *    vocabulary word split into vocabulary words is joined back, "Inter
 *    national"; in the confusable form a small l for a capital I,
 *    "lnternational", and a capital I between small letters, "WeIding";
 *    a long legal or generic form split off the start of a word,
 *    "internationallabormanagement").
 * 9: round 20 (an apostrophe before a word's last one or two letters
 *    elides letters of a vocabulary word, "Internat'l", "Ass'n"; the
 *    French and Spanish names of employment agencies are generic phrases,
 *    "agencia de empleo", "agence de recrutement").
 */
#define NAMES_FORMS_VERSION 9

/*
 * Normalises the UTF-8 name in[0..len) into out (NUL-terminated, at most
 * outcap bytes including the NUL). in need not be NUL-terminated; embedded
 * NUL bytes and invalid UTF-8 sequences count as separators (never a
 * crash). Input longer than NAMES_MAX_INPUT bytes is cut. If out is too
 * small, whole tokens that do not fit are left out. If dropping legal forms
 * and generic words would leave nothing, they are kept. An empty or
 * all-punctuation name gives "". Returns 0 or a negative NAMES_E* error; on
 * error out holds "" when outcap > 0.
 */
int names_normalise(const char *in, size_t len, char *out, size_t outcap);
/* The names a name declares beside itself (names_alias.c): "A t/a B",
 * "A d/b/a B", "A (formerly B)", "A, also known as B" give the parts A and
 * B, as byte spans of in. Returns how many (at most max), 0 when the name
 * declares none (one name). */
struct names_part {
	size_t off, len;
};
#define NAMES_ALIAS_PARTS 4
int names_alias_parts(const char *in, size_t len, struct names_part *parts, int max);
/* The name read with its words cut short as written (names_contract.c):
 * a word of three letters or more with a full stop after it that
 * names_normalise reads as the trade word it starts ("Cons." consultants,
 * "Man." manpower) loses its full stop in out, so it is read as the
 * letters written, which the similarity compares with the start of the
 * other name's words ("Construction", "Management"). Returns 1 and fills
 * out (cap bytes) when the name has such a word, else 0. */
int names_cut_reading(const char *in, size_t len, char *out, size_t cap);

/* The words of a space-separated text (a normal form): w[i] points into
 * text, wl[i] its length; at most max words. Returns how many. */
int names_split_words(const char *text, const char **w, size_t *wl, int max);

/* Suspicious features of a name (names_normalise_forms). */
#define NAMES_SUSPICIOUS_MIXED_SCRIPT 1u /* a word mixes scripts ("Qaсha") */
/* The confusable form reads digits or symbols inside words as letters
 * ("K3strel" -> "kestrel", "K@pano" -> "kapano"): 0 -> o and 1 -> l by
 * UTS #39, 3 -> e, 4 -> a, 5 -> s, 7 -> t, 8 -> b, 9 -> g, @ -> a, $ -> s,
 * | -> l by their common use (names_canon.c). The normal form keeps the
 * digits, so "3M" or "A2Z" still match as written. */
#define NAMES_SUSPICIOUS_DIGITS 2u

/*
 * names_normalise, and more: skel (when not NULL) receives the name's
 * confusable form, where letters of other scripts that UTS #39 confuses with
 * Latin letters are those letters ("Корапо" -> "kopapo" beside the
 * transliterated "korapo"); "" when it equals the normal form. A check
 * compares both forms. *suspicious (when not NULL) gets NAMES_SUSPICIOUS_*
 * bits. Both forms start from the same canonical text: default-ignorable and
 * format characters removed, control characters as spaces, NFKC, case
 * folding, then transliteration to Latin ASCII (names_canon.c).
 */
int names_normalise_forms(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious);

/*
 * The canonical key of a licence number in out (NUL-terminated): the same
 * canonical text as names (NFKC, confusable skeletons of letters of other
 * scripts, transliteration), then uppercase ASCII letters and digits only,
 * separators dropped, the letters O and I read as 0 and 1: "LS-RA-0192",
 * "ls ra 0192", "LS-RA-O192", full-width "ＬＳ－ＲＡ－０１９２" and
 * Cyrillic-lettered "LЅ-RА-0192" are one key ("LSRA192"). A label written
 * before the number goes ("Licence No. LS-RA-0192") and each run of
 * digits loses its leading zeros ("LS-RA-192"), so "LSRA192" is that key
 * too and "LS-RA-1920" another (names_licence.c).
 * "" for NULL or nothing left. 0 or a negative NAMES_E* error.
 */
int names_licence_key(const char *in, char *out, size_t outcap);

/*
 * The core of a normal form: without trade words ("manpower", "recruitment",
 * "agency", "services", ...), which tell recruiters apart no better than a
 * legal form; the whole form when nothing else would be left.
 */
void names_core(const char *norm, char *out, size_t outcap);

/* A core this long (bytes) or longer is distinctive enough to be a key. */
#define NAMES_CORE_MIN_BYTES 4

/*
 * The check's score of query form q against a registered normal form: 1
 * when they are equal (*exact = 1) or their cores are (of at least
 * NAMES_CORE_MIN_BYTES; *exact = 2), else names_similarity (*exact = 0).
 * exact may be NULL.
 */
double names_form_score(const char *q, const char *norm, int *exact);

/*
 * The check's score of two raw names: the best names_form_score over their
 * normal and confusable forms (names_normalise_forms). For evaluations and
 * tests; the check itself keeps the forms of registered names.
 */
double names_score(const char *a, const char *b);

/*
 * Acronyms (names_acronym.c). A registered name's acronym keys are the
 * initials of its words in order, over several sets of words: the core
 * (no legal forms, no trade words), the normal form, the words without
 * legal forms, without connecting words, the same without the legal forms
 * at the end, and all words ("Fuping Fuyuan Concrete Co., Ltd." -> "ffc",
 * "ffccl"); a word written as initials ("J.P.", "H&R") gives all its
 * letters in one key and its first in another. A query's keys are made
 * the same way, except that a word that can be an acronym (letters only:
 * written as initials, of 2-4 letters, or the only distinctive word, up to
 * 8) gives all its letters ("FFC Co., Ltd." -> "ffc", "ffccl"; "J. R.
 * Smith Recruiting" -> "jrs", "jrsr"), and a query without such a word
 * has no keys. *pure (query; may be NULL) is 1 when every distinctive word
 * of the query can be an acronym ("FFC Co., Ltd.", not "J. R. Smith").
 * A key with letters of the legal form that ends the name (not trade
 * words) has a *typed* twin where those letters are upper-case ("GHM
 * Inc." -> "ghmi" and "ghmI"), so a query's
 * written-out legal form meets a registered legal form, not a name word
 * ("A.I. Limited" holds "aiL" of "Ayemo Investments Limited", not of
 * "A2Z Infraservices Lanka"). After its letters, a typed key names the
 * kinds of those legal forms (NAMES_ACRONYM_KINDS, then the main form of
 * each one's OpenSanctions type, '+' between them): "CBC LLC" holds
 * "cbcL:llc", "Chase Berkeley Cavendish Ltd." "cbcL:ltd", "Hunan
 * Construction Group Co., Ltd." "hcgCL:co+ltd" and "Hebei Construction
 * Group Corporation Limited" "hcgCL:corp+ltd"; "Company Limited" is
 * "co+ltd" as "Co., Ltd." is. Trade words beside the initials
 * ("manpower", "staffing": names_core's) give one more typed key, the
 * core's letters, NAMES_ACRONYM_TRADE, then those words: "SSF Manpower
 * Services" holds "ssf/manpower", as "Sizwe Sipho Fana Manpower" does and
 * "Stephen Smith Farms" does not.
 * Keys are 2 to NAMES_ACRONYM_MAX_LEN letters (names_acronym_key_len), at
 * most NAMES_ACRONYM_KEYS, distinct. Returns the number of keys or a
 * negative NAMES_E* error.
 */
#define NAMES_ACRONYM_KEYS 16
#define NAMES_ACRONYM_MAX_LEN 12
#define NAMES_ACRONYM_CAP 40
#define NAMES_ACRONYM_KINDS ':'
#define NAMES_ACRONYM_TRADE '/'
int names_acronym_keys(const char *in, size_t len, int query,
		       char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], int *pure);
/* The letters of an acronym key: its length without the kinds or trade
 * words of a typed key. */
int names_acronym_key_len(const char *key);
/* 1 for a typed key: legal-form letters (capitals) or trade words. */
int names_acronym_typed(const char *key);

/*
 * The acronym decision rule. A registered name *holds* the query's acronym
 * when it shares a key with the query and, unless the query is a pure
 * acronym, scores at least NAMES_ACRONYM_GATE against it (names_score:
 * the words beside the initials must match, "Smith" in "J. R. Smith").
 * Holders are counted per registered recruiter (in the query's country
 * when one is given):
 * - exactly one holder, with a key of NAMES_ACRONYM_UNIQUE_MIN letters or
 *   more: strong evidence, a match at the decision threshold;
 * - several holders: the acronym cannot decide; every holder is a
 *   possible match (at least the review threshold), never a match.
 * A recruiter registered under exactly the query's name counts as a
 * holder too (the query names it first).
 * - Several holders, but exactly one that holds the query's typed key
 *   (its legal form's letters on a legal form of the registered name:
 *   "GHM Inc." held by "Global Horizons Manpower, Inc." and by "Guangxi
 *   Hydraulic Machinery Co., Ltd."), and no recruiter registered under the
 *   query's exact name: that one decides as if alone (holders = 1), the
 *   others stay possible matches.
 * names_acronym_score gives a holder's score from its own score `pair`,
 * the number of holders and the key's length. Constants chosen on the
 * development half of tests/eval/eval_names.c (docs/integrity.md).
 */
#define NAMES_ACRONYM_GATE 0.70
#define NAMES_ACRONYM_UNIQUE_MIN 3
double names_acronym_score(double pair, int holders, int key_len, double threshold,
			   double review);

/* names_normalise_forms and names_acronym_keys (a registered name's) of
 * one name at the cost of one: what the registry computes for every name.
 * Returns the number of keys or a negative NAMES_E* error. */
int names_normalise_acronyms(const char *in, size_t len, char *out, size_t outcap, char *skel,
			     size_t skelcap, char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP]);

/* names_normalise_forms and names_acronym_keys (a query's, *nkeys of
 * them, *pure as there) at the cost of one normalisation: what a check
 * computes for the name it is asked. 0 or a negative NAMES_E* error. */
int names_normalise_query(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious,
			  char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], int *nkeys, int *pure);

/* The length of the longest acronym key that query (read as a query) and
 * registered share, 0 for none (raw names). */
int names_acronym_shared(const char *query, const char *registered);

/*
 * Token-aware similarity in [0,1] of two strings produced by
 * names_normalise(). Symmetric. Tokens are aligned regardless of order: two
 * tokens match when equal, within a small edit distance for their length
 * (no edit for tokens of 3 letters or fewer, 1 up to 7, 2 beyond; tokens
 * with digits must be equal), as a prefix abbreviation, as a contraction
 * (the same first letter and a subsequence of the other's letters: vowels
 * dropped "kstrl" ~ "kestrel" 0.85, a first letter and a tail "hzons" ~
 * "horizons" 0.8; names_similarity.c), as initials of
 * consecutive tokens of the other name ("ilm" ~ "international labor
 * management"), as two adjacent tokens written together ("man power" ~
 * "manpower"), or as two adjacent tokens whose letters are those of two
 * adjacent tokens of the other name cut elsewhere ("m sgul" ~ "ms gul").
 * The score is the weight of matched tokens (times their
 * similarity) over the weight of all tokens of both names; generic business
 * words ("manpower", "global", "staffing", ...) weigh 0.25 and other tokens
 * 1, so an unmatched distinctive token costs much ("acme manpower" vs "apex
 * manpower" scores 0.2), and each unmatched distinctive token multiplies the
 * score by 0.75. A number added on one side carries no identity
 * (names_numbers.c): equal but for number tokens (digits, "two", "2nd",
 * "II") on one side, the pair is at least NAMES_REVIEW_THRESHOLD, and a
 * match (0.95) when two distinctive words that are not places are left.
 * 0 when either name is empty. Allocation-free.
 */
double names_similarity(const char *norm_a, const char *norm_b);

/*
 * String-distance helpers over Unicode code points of NUL-terminated UTF-8
 * (invalid bytes count as U+FFFD), with the semantics of the jellyfish
 * library. Strings longer than NAMES_MAX_CODEPOINTS code points give
 * NAMES_ERANGE (the distances) or are compared on their first
 * NAMES_MAX_CODEPOINTS code points (the Jaro family).
 */
#define NAMES_MAX_CODEPOINTS 256
/* Jaro similarity; 0 if either string is empty. */
double names_jaro(const char *a, const char *b);
/* Jaro-Winkler (prefix scale 0.1, up to 4 characters, applied when the Jaro
 * similarity is above 0.7). */
double names_jaro_winkler(const char *a, const char *b);
/* Jaro-Winkler with jellyfish's long-string tolerance adjustment. */
double names_jaro_winkler_long(const char *a, const char *b);
/* Levenshtein distance (insert, delete, substitute), or a negative error. */
int names_levenshtein(const char *a, const char *b);
/* Unrestricted Damerau-Levenshtein distance (adjacent transpositions too),
 * or a negative error (NAMES_ENOMEM, NAMES_ERANGE, NAMES_EINVAL). */
int names_damerau_levenshtein(const char *a, const char *b);

#endif
