/*
 * identifiers.h - direct identifiers and display spoofing in free text.
 *
 * The engine stores no direct identifiers (docs/privacy.md): a counsellor
 * who types a person's e-mail address, phone number or passport number
 * into a skill must be told, not have it stored. And text shown to other
 * people (a vacancy's title) must not carry terminal escapes or bidi
 * overrides that make it display as something else.
 *
 * The detectors are general patterns (RFC 5322's shape of an address, ITU
 * E.164's at most 15 digits with the usual separators, machine-readable
 * document numbers as ICAO 9303 prints them), tested against every EN, FR
 * and ES label of ESCO so that no skill or occupation is ever refused
 * (tests/unit/test_identifiers.c).
 */
#ifndef FAIRMATCH_IDENTIFIERS_H
#define FAIRMATCH_IDENTIFIERS_H

#include <jansson.h>
#include <stddef.h>

#include "engine/core/problem.h"

enum ident_kind {
	IDENT_NONE = 0,
	IDENT_EMAIL,    /* local@domain.tld */
	IDENT_PHONE,    /* 7 to 15 digits with phone separators */
	IDENT_DOCUMENT, /* a letters-and-digits code (RA1234567), or a number after "passport", "ID" ... */
	IDENT_DIGITS,   /* a run of 7 or more digits */
};

/* What kind of identifier text holds (the first found), IDENT_NONE if none. */
enum ident_kind ident_find(const char *text);
/* "an e-mail address", "a phone number" ... for messages. */
const char *ident_kind_name(enum ident_kind k);

/* 1 when text looks like a person's name: two to four words, each a
 * capital letter followed by small letters (Unicode cases, through ICU),
 * with name particles (de, van, bin ...) allowed between them. */
int ident_looks_like_name(const char *text);

/* The profile's free text (the strings of "skills" and "occupations" that
 * are not URIs or codes): a PROBLEM_INVALID field error ("identifier") for
 * each holding an identifier. Returns the number found. */
int ident_check_profile(const json_t *profile, problem *p);

/* After normalisation: adds to doc["warnings"] a {"field","code":
 * "looks_like_a_name","message"} for each free-text skill that stayed free
 * text and looks like a person's name. 0, or -1 out of memory. */
int ident_warn_names(json_t *doc);

/* Text displayed to others (key of obj, when a string): a field error
 * ("format") when it holds a control character, an escape, or a bidi
 * override, embedding or isolate (U+202A-202E, U+2066-2069). */
int ident_check_display(const json_t *obj, const char *key, problem *p);

#endif
