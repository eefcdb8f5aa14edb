/*
 * schema.h - what the terms and value slots of fairmatch's Xapian indexes mean.
 *
 * Written down once here (and in docs/index.md). Boolean terms are an
 * uppercase prefix followed by the value; Xapian requires a ':' after the
 * prefix only when the value itself starts with an uppercase letter, so
 * every prefix here is used with ':' whenever the value may be uppercase.
 *
 * The vacancy index holds open vacancies only: a closed vacancy is deleted
 * from it. Its document data is the vacancy's compact card (the API's
 * JSON with ESCO URIs as taxonomy positions: engine/vacancy/card.c), so
 * a search is answered from the index alone.
 */
#ifndef FAIRMATCH_INDEX_SCHEMA_H
#define FAIRMATCH_INDEX_SCHEMA_H

/* ---- vacancy index: boolean terms ---- */
#define VX_ID "Q"            /* Q<vacancy id number>, unique per document */
#define VX_ORG "XORG:"       /* owning organisation */
#define VX_COUNTRY "XC:"     /* ISO 3166-1 alpha-2, uppercase: XC:ZA */
#define VX_LANGUAGE "XL:"    /* required language, ISO 639-1: XL:en */
/* country and required language in one term (XCL:ZA:en): a search with
 * both filters intersects one posting list instead of two, of which XL:en
 * holds most of the index */
#define VX_COUNTRY_LANG "XCL:"
#define VX_OCCUPATION "XO:"  /* ISCO-08 group, every level: XO:7, XO:72, XO:721, XO:7212 */
#define VX_ESCO_OCC "XE:"    /* ESCO occupation URI when given */
#define VX_SKILL "XS:"       /* any skill (essential or optional): URI or normalised free text */
#define VX_ESSENTIAL "XSE:"  /* essential skill: no longer written (terms=3), no query read it */
#define VX_RECRUITER "XR:"   /* recruiter name, names_normalise()d (engine/integrity/names.h) */
#define VX_LICENCE "XRL:"    /* recruiter licence, integrity_licence_norm()ed: XRL:LSRA0192 */
#define VX_QUOTA "XQ:"       /* quota listing id */
/* The digest of the document's JSON is a value (VX_SLOT_DIGEST) since
 * terms=3: as a term unique to each document it cost a posting list of
 * its own per vacancy. */

/* ---- vacancy index: weighted terms ---- */
#define VX_TEXT ""           /* title and description words (unprefixed) */
#define VX_TITLE "S"         /* title words again: no longer written (terms=3), no query read them */

/* ---- vacancy index: value slots ---- */
#define VX_SLOT_VALID_UNTIL 0 /* "YYYY-MM-DD": compared byte-wise */
#define VX_SLOT_ID 1          /* vacancy id as 16 hex digits: stable tie-break and cursor */
#define VX_SLOT_POSITIONS 2   /* open positions, 8 digits: no longer written (terms=3), unread */
#define VX_SLOT_MATCH 3       /* compact scoring record for re-ranking (engine/match/) */
/* Sort keys of GET /v1/vacancies?sort=, unique per document (the id's 16
 * hex digits follow), so a cursor can be "after this key" (engine/search.c). */
#define VX_SLOT_SORT_UNTIL 4  /* valid_until "YYYY-MM-DD" + id */
#define VX_SLOT_SORT_SALARY 5 /* monthly salary (VX_SALARY_DIGITS digits) + id */
#define VX_SALARY_DIGITS 16
#define VX_SLOT_DIGEST 6      /* indexer_vacancy_digest of the JSON: 16 bytes (indexer_verify) */
/* Added to the index format (VX_META_FORMAT): an index without these slots is rebuilt. */
#define VX_SLOTS_FORMAT "sort=2"

/* ---- vacancy index: metadata ---- */
#define VX_META_LAST_SEQ "fairmatch.last_seq" /* last change_log seq applied */
/* The document format the index was built with (match_index_format()):
 * a server finding another value (or none, in a non-empty index) rebuilds. */
#define VX_META_FORMAT "fairmatch.vacancy_format"
/* The PostgreSQL database the index was built from (its server_secrets
 * 'database_id', engine/indexer/identity.c): another value, and the index
 * is emptied and rebuilt. */
#define VX_META_DATABASE "fairmatch.database_id"

#endif
