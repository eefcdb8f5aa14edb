/*
 * cardtext.h - a vacancy's compact card (engine/vacancy/card.c) written
 * out as the API's JSON text without decoding it into a tree: the card's
 * own text copied, with its ESCO positions written back as URIs, and what
 * an answer adds to it (the recruiter to judge, the concepts to label)
 * pointed at in the card. For the match's and the search's answers
 * written as text; tests/unit/test_render.c compares both with the trees
 * vacancy_card_decode, taxonomy_label_doc and json_dumps make.
 */
#ifndef FAIRMATCH_VACANCY_CARDTEXT_H
#define FAIRMATCH_VACANCY_CARDTEXT_H

#include <stddef.h>

#include "engine/core/buf.h"
#include "engine/taxonomy/esco.h"

#define VACANCY_CARD_REFS_MAX 256 /* concepts of one card (two lists of VACANCY_SKILLS_MAX) */
#define VACANCY_CARD_LISTS_MAX 4  /* members of "skills" */

/* One concept value of the card: a position, as its ESCO entry, or a
 * string, as its bytes in the card (which then hold no escape). */
struct vacancy_card_ref {
	const esco_skill *skill;
	const esco_occupation *occupation;
	const char *text;
	size_t len;
};

/* What vacancy_card_text saw at the card's top level. */
struct vacancy_card_view {
	const char *const *reserved; /* in: keys the caller adds (NULL-terminated) */
	int has_reserved;            /* one of them is in the card already */
	const char *recruiter;       /* the "recruiter" member's text when an object */
	size_t recruiter_len;
	/* The concepts taxonomy_label_doc labels, when labellable: the
	 * occupation (a string or position), and each member of "skills" (an
	 * object) that is an array, in the card's order. */
	int labellable;
	int has_occupation, has_skills;
	struct vacancy_card_ref occupation;
	size_t n_lists, n_refs;
	struct {
		const char *key; /* in the card, without escapes */
		size_t key_len, first, n; /* its refs: ref[first .. first + n) */
	} list[VACANCY_CARD_LISTS_MAX];
	struct vacancy_card_ref ref[VACANCY_CARD_REFS_MAX];
};

/* The card's JSON text (len bytes) into b without its closing brace: what
 * json_dumps(vacancy_card_decode(card), JSON_COMPACT |
 * JSON_REAL_PRECISION(prec)) writes, less the last '}' (prec 0: jansson's
 * default, 17 digits). Reals are written again at prec.
 * view, when not NULL, is filled. 0; 1 when the card is not the encoder's
 * output (white space, escapes or numbers jansson does not write, an
 * unknown position: the caller takes the tree way, which decides); -1
 * when the buffer failed. */
int vacancy_card_text(struct buf *b, const esco *t, const char *card, size_t len, int prec,
		      struct vacancy_card_view *view);

/* "concepts":{...} (no comma before it) as taxonomy_label_doc adds it for
 * the concepts of view (labellable), labelled in lang. 0; 1 for a concept
 * the tree way must decide (no label, a string jansson refuses); -1 when
 * the buffer failed. */
int vacancy_card_concepts_text(struct buf *b, const esco *t, const struct vacancy_card_view *view,
			       const char *lang);

#endif
