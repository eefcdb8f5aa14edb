/*
 * search_page.h - the page of a vacancy search's answer
 * ({"items":[...],"estimated_total":N,"next_cursor":...}), built from the
 * hits' cards either as trees (the caller labels and shapes them) or
 * written straight as the JSON text the server sends, labelled.
 *
 * The text is what json_dumps(API_JSON_DUMP) writes for the labelled
 * trees, byte for byte (tests/unit/test_render.c): each card's text is
 * copied with its ESCO positions written back as URIs
 * (engine/vacancy/cardtext.h), and the recruiter's verdict, the relevance
 * and the concepts' labels are written after it. Decoding twenty cards
 * into trees, labelling them and dumping them again was most of what the
 * HTTP search cost beyond the search itself (docs/performance.md, issue
 * 20 round 11). A card the text writer does not recognise takes the tree
 * way inside the text.
 */
#ifndef FAIRMATCH_SEARCH_PAGE_H
#define FAIRMATCH_SEARCH_PAGE_H

#include <stddef.h>

#include <jansson.h>

#include "engine/core/buf.h"
#include "engine/integrity/integrity.h"
#include "engine/taxonomy/esco.h"

#define SEARCH_PAGE_REAL_PRECISION 15 /* the API's (api.h API_JSON_DUMP) */

struct search_page {
	int text;                       /* writing text (else trees) */
	const integrity_snapshot *snap; /* the verdicts' */
	int include_flagged;            /* warning-flagged recruiters show */
	int include_held;               /* vacancies held for review show (an
					 * employer's own list; set after start) */
	int ranked;                     /* "relevance" per item */
	const char *lang;               /* the labels' language (text only) */
	const esco *tax;                /* NULL: no labels, positions not expanded */
	size_t kept;                    /* items so far */
	size_t by_tree;                 /* text items written the tree way (for the tests) */
	json_t *items;                  /* trees */
	struct buf b;                   /* text: the answer so far */
};

/* An empty page. 0, or -1 out of memory. */
int search_page_start(struct search_page *pg, int text, const integrity_snapshot *snap,
		      int include_flagged, int ranked, const char *lang);
/* The vacancy of one hit (its card and weight) as the next item, unless
 * its card does not decode or its recruiter's verdict hides it (a
 * blacklisted recruiter, a flagged one unless include_flagged, one held
 * for review unless include_held): 0 added,
 * 1 left out, -1 out of memory. */
int search_page_add(struct search_page *pg, const char *card, size_t len, double weight);
/* The answer, with estimated_total and next_cursor (NULL: null): a tree
 * into *tree (text 0) or the text into *text (malloc'd). 0, or -1 out of
 * memory. The page is released either way. */
int search_page_finish(struct search_page *pg, json_int_t estimate, const char *next_cursor,
		       json_t **tree, char **text);
void search_page_release(struct search_page *pg);

#endif
