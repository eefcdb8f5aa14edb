/*
 * names_internal.h - what the names_*.c files share, and nothing else may
 * use (the names__ tier). Separate from internal.h on purpose: the name
 * matcher needs only ICU, so tests/eval/eval_names.c and tests/unit/test_names.c can
 * build it without PostgreSQL or jansson.
 */
#ifndef FAIRMATCH_NAMES_INTERNAL_H
#define FAIRMATCH_NAMES_INTERNAL_H

#include <stddef.h>

#include <unicode/utrans.h>

#include "engine/integrity/names.h"

/* ---- names_translit.c ---- */

/* A new "Any-Latin; Latin-ASCII" transliterator, or NULL. */
UTransliterator *names__trans_open(void);
/* The calling thread's transliterator (opened on first use, closed at
 * thread exit), or NULL. */
UTransliterator *names__trans_get(void);
/* Transliterates UTF-8 in[0..len) to ASCII-ish UTF-8 in a malloc'd string
 * (*out, length *outlen). Returns 0 or a negative NAMES_E* error. */
int names__transliterate(UTransliterator *tr, const char *in, size_t len, char **out,
			 size_t *outlen);

/* ---- names_shape.c: the tokens of a name and the rules that reshape
 * them before legal forms are dropped ---- */

struct names__tokens {
	int n;
	unsigned char len[NAMES_MAX_TOKENS];
	unsigned char drop[NAMES_MAX_TOKENS];
	unsigned char initials[NAMES_MAX_TOKENS]; /* joined from single letters */
	/* what separated the token from the one before in the text: '.' or
	 * '-' alone ("S.A.R.L.", "Tri-State"), else 0 */
	unsigned char glue[NAMES_MAX_TOKENS];
	/* the token was followed at once by a full stop ("Serv.", "Empl. "):
	 * an abbreviation mark. Set by the tokeniser and read by the
	 * contractions (names_contract.c), which run right after it; later
	 * steps that split tokens do not keep it. */
	unsigned char dot[NAMES_MAX_TOKENS];
	char s[NAMES_MAX_TOKENS][NAMES_MAX_TOKEN_LEN + 1];
};

void names__tokens_push(struct names__tokens *t, const char *s, size_t len);
/* The same, but a full list drops its shortest word for a longer one. */
void names__tokens_push_longest(struct names__tokens *t, const char *s, size_t len);
void names__tokens_remove(struct names__tokens *t, int i);
/* Builds the table of legal forms written without spaces ("congty",
 * "limited") from the normalised forms; 0 or NAMES_ENOMEM. */
int names__glued_build(char *const *forms, size_t n);
/* A token that starts or ends with a legal form written together with it
 * ("CaucasiaLLC", "TNHHXuat", "ContractorsLimited") becomes two. */
void names__split_glued(struct names__tokens *t);
/* Numbers of 1 to 999 and ordinals ("44", "1st") are spelt out in English
 * words by ICU's spellout rules, so "44" and "forty-four" agree. */
void names__spell_numbers(struct names__tokens *t);
/* The English words of v (ordinal or not) in out, lowercase ASCII words
 * separated by spaces; 0, or -1 when ICU cannot. */
int names__spell_out(long v, int ordinal, char *out, size_t cap);

/* ---- names_similarity.c ---- */

/* names_similarity without the number rule (names_numbers.c). */
double names__similarity_base(const char *norm_a, const char *norm_b);
/* A token's weight in the similarity: 1, or less for a generic word. */
double names__token_weight(const char *s);

/* ---- names_numbers.c ---- */

/* 1 when the token s is a number: digits, a number word of ICU's English
 * spellout (cardinal or ordinal, "two", "second"), or a Roman numeral of
 * ICU's Roman numbering system up to 39 ("ii", "xiv"). */
int names__number_word(const char *s, size_t len);
/* Marks the legal forms and connecting words of t as dropped (names.c),
 * as written ... */
void names__drop_forms_plain(struct names__tokens *t);
/* ... and as if t had no number words, so a number added inside or after
 * a legal form leaves it a form (names_numbers.c, round 14). */
void names__drop_forms(struct names__tokens *t);
/* Licence text p[0..len) without a label written before the number
 * ("Licence No.", "#"): the offset where the number starts. */
/* Where a remark in brackets after the number starts in p[start..len)
 * (len for none): the licence key ends there. */
size_t names__licence_remark_cut(const char *p, size_t start, size_t len);
size_t names__licence_label_skip(const char *p, size_t len);
/* A licence key in place: each run of digits loses its leading zeros
 * ("LSRA0457" -> "LSRA457"). */
void names__licence_fold_zeros(char *key);

/* ---- names.c ---- */

/* The tokens of in[0..len) after the canonical text (opts: the
 * NAMES_CANON_* of names_canon.c, 0 for the normal form) and the reshaping
 * rules, each with its drop mark as names_normalise sets it: 0 kept, 1 a
 * legal form or generic phrase, 2 a connecting word. 0 or a NAMES_E*
 * error. */
int names__classify(const char *in, size_t len, unsigned opts, struct names__tokens *t);
/* names_normalise_forms, keeping the normal form's classified tokens in
 * *t (as names__classify gives them; t->n = 0 on error). */
int names__normalise_keep(const char *in, size_t len, char *out, size_t outcap, char *skel,
			  size_t skelcap, unsigned *suspicious, struct names__tokens *t);
/* 1 for a trade word (names_core leaves it out), and for one of the French
 * and Spanish ones only. */
int names__trade_word(const char *s);
int names__trade_word_fr_es(const char *s);
/* The trade words (names_core.c) and the similarity's generic words
 * (names_similarity.c), *n of each. */
const char *const *names__trade_words(size_t *n);
const char *const *names__weak_words(size_t *n);

/* ---- names_contract.c ---- */

/* Builds the vocabulary a contraction is read against from the
 * normalised legal forms forms[0..n) (one-word ones), the trade and the
 * generic words; 0 or NAMES_ENOMEM. Called once, by the legal-form
 * table's build. */
int names__vocab_build(char *const *forms, size_t n);
/* A vocabulary word split by a separator into two or three pieces
 * ("Serv.ices", "Engin eering") is joined back. */
void names__rejoin_vocabulary(struct names__tokens *t);
/* A name written as a web address, without its scheme, "www", path and
 * public suffix, labels as words: 1 and out set, or 0 when in is no host
 * (names_host.c). */
int names__host_reading(const char *in, size_t len, char *out, size_t cap);
/* Joins runs of two or more single-letter tokens: "a b c" -> "abc". */
void names__join_initials(struct names__tokens *t);
/* Whether an apostrophe after the letters word[0..n) and before rest marks
 * letters left out: two letters or more before it, one or two that end the
 * word after it, and not a possessive "'s" ("Internat'l", "Ass'n"). */
int names__elision_at(const char *word, size_t n, const char *rest, size_t rest_len);
/* A token with an apostrophe before its last letters ("internat'l", kept so
 * by the tokeniser) becomes the one vocabulary word it shortens, else its
 * letters without the apostrophe ("intl"). */
void names__expand_elisions(struct names__tokens *t);
/* Fixed abbreviations ("mgmt", "svcs", "intl") written out. */
void names__expand_abbreviations(struct names__tokens *t);
/* Each token that contracts a vocabulary word ("manpwr", "itional"), or
 * abbreviates a trade word with a full stop ("serv."), becomes that word. */
void names__expand_contractions(struct names__tokens *t);
/* The kind of legal-form word `word` (normalised): the main form of its
 * OpenSanctions type ("limited" and "ltd" are "ltd", "company" and "co"
 * are "co"), or word itself when the table gives none. */
const char *names__form_kind(const char *word);

/* Cuts len so that in[0..len) ends on a UTF-8 character boundary, at
 * most max bytes. */
size_t names__utf8_cut(const char *in, size_t len, size_t max);

/* ---- names_canon.c ---- */

/* Canonical text of UTF-8 in[0..len) (see names_canon.c): ignorables
 * removed, controls as spaces, NFKC, (NAMES_CANON_SKELETON: confusable
 * letters of other scripts as their Latin skeleton; NAMES_CANON_DIGITS
 * too: a digit inside a word of letters as the letter it looks like,
 * "Lab0r"), case-folded, then
 * transliterated with tr (left as UTF-8 when tr is NULL). A malloc'd
 * string in *out; *suspicious gains NAMES_SUSPICIOUS_* bits. 0 or a
 * negative NAMES_E* error. */
#define NAMES_CANON_SKELETON 1u
#define NAMES_CANON_DIGITS 2u
/* a licence number: with SKELETON, Latin letters other than ASCII too */
#define NAMES_CANON_LICENCE 4u
int names__canonical(UTransliterator *tr, const char *in, size_t len, unsigned opts, char **out,
		     size_t *outlen, unsigned *suspicious);
/* ---- names_decor.c ---- */

/* u[0..n), in place: symbols and punctuation other than word separators
 * written between two letters removed ("Kop*ano"). The new length. */
int32_t names__strip_decor(UChar *u, int32_t n);
/* u[0..n), in place: a letter three times or more in a row twice. */
int32_t names__squeeze_triples(UChar *u, int32_t n);
/* 1 when ASCII in[0..len) needs either step (then it takes ICU's path). */
int names__has_decor(const char *in, size_t len);

/* ---- names_bidi.c ---- */

/* 1 when u[0..n) holds a left-to-right or right-to-left override. */
int names__has_bidi_override(const UChar *u, int32_t n);
/* u[0..n), in place, in the order a reader sees it when it holds an
 * override (UAX #9 display order, read back as plain text; controls
 * removed); unchanged otherwise. The new length, or NAMES_EICU. */
int32_t names__bidi_displayed(UChar *u, int32_t n);

/* ---- names_letters.c ---- */

/* Step 1b of the canonical text on u[0..n), in place: each character the
 * table reads as a Latin letter becomes it. Returns the new length. */
int32_t names__map_letter_like(UChar *u, int32_t n);
/* Step 1c on u[0..n), in place: other symbols (So) whose NFKC form is not
 * exactly one letter or digit vanish between letters and become a space
 * elsewhere. Returns the new length. */
int32_t names__strip_symbols(UChar *u, int32_t n);
/* Step 0b on u[0..n), in place: HTML and XML character references
 * ("&amp;", "&#8203;", "&#x26;") become their character. The new length. */
int32_t names__decode_char_refs(UChar *u, int32_t n);
/* Step 3a (the skeleton form): a capital I and a small l are drawn alike
 * (UTS #39). A small l starting a word before a consonant no initial l
 * takes in English, French, Spanish or Portuguese (not l, h, y, a vowel),
 * in a word of five letters or more with a vowel after ("lnternational";
 * "ltd", "Llorente", "Lyon" stay), reads 'i'; a capital I between small
 * letters ("WeIding") reads 'l'. prev: the unit before c (0 at the start);
 * rest: the ASCII letters after c to the end of its word, nrest of them.
 * The letter, or 0. */
int names__eye_reading(int prev, int c, const char *rest, size_t nrest);

/* 1 when in[0..len) holds a letter of a script other than Latin, or a
 * digit inside a word of letters. */
int names__has_confusable(const char *in, size_t len);
/* 1 when in[0..len) holds a digit or symbol the confusable form reads as
 * a letter ("K3strel", "K@pano"). */
int names__has_digit_letters(const char *in, size_t len);

/* ---- names_distance.c: on bytes, for tokens of at most
 * 2 * NAMES_MAX_TOKEN_LEN + 1 bytes ---- */

/* Optimal-string-alignment distance, stopping early above max (then max + 1). */
int names__osa(const char *a, int la, const char *b, int lb, int max);
/* Jaro-Winkler similarity. */
double names__jw_bytes(const char *a, int la, const char *b, int lb);

#endif
