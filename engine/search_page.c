/* search_page.c - a search answer's page as trees or as text (see search_page.h). */
#include "engine/search_page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/jsontext.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"
#include "engine/vacancy/cardtext.h"

#define PAGE_MAX (64u << 20) /* bytes of one answer: far above SEARCH_LIMIT_MAX cards */

/* The members the answer adds to a card (and taxonomy_label_doc's report,
 * which it labels): a card holding one already takes the tree way, where
 * setting it keeps the card's place for it. */
static const char *const added_keys[] = {"recruiter_verdict", "relevance", "concepts",
					 "normalised", NULL};

int search_page_start(struct search_page *pg, int text, const integrity_snapshot *snap,
		      int include_flagged, int ranked, const char *lang)
{
	memset(pg, 0, sizeof *pg);
	pg->text = text;
	pg->snap = snap;
	pg->include_flagged = include_flagged;
	pg->ranked = ranked;
	pg->lang = lang;
	pg->tax = taxonomy_esco();
	buf_init(&pg->b, PAGE_MAX);
	if (!text)
		return (pg->items = json_array()) ? 0 : -1;
	return JSONTEXT_LIT(&pg->b, "{\"items\":[");
}

/* 1 when verdict iv hides the vacancy from this page: a blacklisted
 * recruiter, or a name held for review as possibly a blacklisted one
 * (shown only in its employer's own list, which says so). */
static int hidden(const struct search_page *pg, const struct integrity_verdict *iv)
{
	return iv->kind == INTEGRITY_BLACKLISTED || (iv->held[0] && !pg->include_held) ||
	       (iv->kind == INTEGRITY_FLAGGED && !pg->include_flagged);
}

/* The tree of one hit: decoded, judged, with its relevance. 0 and *out;
 * 1 left out. */
static int item_tree(const struct search_page *pg, const char *card, size_t len, double weight,
		     json_t **out)
{
	json_t *v = vacancy_card_decode(card, len), *rec;
	struct integrity_verdict iv;

	*out = NULL;
	if (!v)
		return 1;
	rec = json_object_get(v, "recruiter");
	if (json_is_object(rec)) {
		integrity_snapshot_verdict(pg->snap, rec, &iv);
		if (hidden(pg, &iv)) {
			integrity_verdict_release(&iv);
			json_decref(v);
			return 1;
		}
		json_object_set_new(v, "recruiter_verdict", integrity_verdict_json(&iv));
		integrity_verdict_release(&iv);
	}
	if (pg->ranked)
		json_object_set_new(v, "relevance", json_real(weight));
	*out = v;
	return 0;
}

/* b back to its first n bytes (an item left out, or about to be written
 * the tree way). */
static void cut(struct buf *b, size_t n)
{
	if (b->p && n <= b->len) {
		b->len = n;
		b->p[n] = '\0';
	}
}

/* ,"<name>": -- the comma only after a member */
static int put_member(struct buf *b, int *first, const char *name)
{
	if (!*first && JSONTEXT_LIT(b, ","))
		return -1;
	*first = 0;
	return jsontext_add(b, "\"", 1) || jsontext_add_str(b, name) || JSONTEXT_LIT(b, "\":");
}

/* The verdict as integrity_verdict_json builds it. */
static int put_verdict(struct buf *b, const struct integrity_verdict *iv)
{
	int rc = 0;

	if (JSONTEXT_LIT(b, "{\"verdict\":") ||
	    (rc = jsontext_put_cstring(b, integrity_kind_name(iv->kind))) ||
	    JSONTEXT_LIT(b, ",\"flags\":") ||
	    (rc = iv->flags ? jsontext_put_value(b, iv->flags, SEARCH_PAGE_REAL_PRECISION)
			    : JSONTEXT_LIT(b, "[]")) ||
	    (iv->recruiter[0] &&
	     (JSONTEXT_LIT(b, ",\"recruiter\":") || (rc = jsontext_put_cstring(b, iv->recruiter)))) ||
	    (iv->held[0] &&
	     (JSONTEXT_LIT(b, ",\"held_for_review\":{\"recruiter\":") ||
	      (rc = jsontext_put_cstring(b, iv->held)) || JSONTEXT_LIT(b, ",\"score\":") ||
	      (rc = jsontext_put_real(b, iv->held_score, SEARCH_PAGE_REAL_PRECISION)) ||
	      JSONTEXT_LIT(b, "}"))) ||
	    JSONTEXT_LIT(b, "}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

/* One hit written as text after the card's own: 0 written, 1 not
 * recognised (the tree way decides), 2 hidden by its verdict, -1 out of
 * memory. */
static int item_text(struct search_page *pg, const char *card, size_t len, double weight)
{
	struct vacancy_card_view *view = malloc(sizeof *view);
	struct buf *b = &pg->b;
	size_t start = b->len;
	int rc, first;

	if (!view)
		return -1;
	view->reserved = added_keys;
	rc = vacancy_card_text(b, pg->tax, card, len, SEARCH_PAGE_REAL_PRECISION, view);
	if (rc || view->has_reserved || !view->labellable) {
		rc = rc ? rc : 1;
		goto out;
	}
	first = b->len == start + 1; /* "{" of a card without members */
	if (view->recruiter) {
		json_t *rec = json_loadb(view->recruiter, view->recruiter_len, 0, NULL);
		struct integrity_verdict iv;

		if (!rec) {
			rc = 1;
			goto out;
		}
		integrity_snapshot_verdict(pg->snap, rec, &iv);
		json_decref(rec);
		if (hidden(pg, &iv))
			rc = 2;
		else if (!(rc = put_member(b, &first, "recruiter_verdict")))
			rc = put_verdict(b, &iv);
		integrity_verdict_release(&iv);
		if (rc)
			goto out;
	}
	/* json_real refuses what is not finite: the tree then has no member */
	if (pg->ranked && isfinite(weight) &&
	    ((rc = put_member(b, &first, "relevance")) ||
	     (rc = jsontext_put_real(b, weight, SEARCH_PAGE_REAL_PRECISION))))
		goto out;
	if ((!first && JSONTEXT_LIT(b, ",")) ||
	    (rc = vacancy_card_concepts_text(b, pg->tax, view, pg->lang)) || JSONTEXT_LIT(b, "}"))
		rc = rc ? rc : -1;
out:
	free(view);
	return rc;
}

int search_page_add(struct search_page *pg, const char *card, size_t len, double weight)
{
	size_t start = pg->b.len;
	json_t *v;
	int rc;

	if (!pg->text) {
		if ((rc = item_tree(pg, card, len, weight, &v)))
			return rc;
		if (json_array_append_new(pg->items, v))
			return -1;
		pg->kept++;
		return 0;
	}
	if (pg->kept && JSONTEXT_LIT(&pg->b, ","))
		return -1;
	rc = item_text(pg, card, len, weight);
	if (rc < 0)
		return -1;
	if (rc) {
		cut(&pg->b, start);
		if (rc == 2)
			return 1;
		/* the tree way, labelled as the handler labels trees */
		if ((rc = item_tree(pg, card, len, weight, &v)))
			return rc;
		if (pg->kept && JSONTEXT_LIT(&pg->b, ","))
			rc = -1;
		else
			(void)taxonomy_label_doc(v, pg->lang); /* labels are a courtesy */
		if (!rc)
			rc = jsontext_put_value(&pg->b, v, SEARCH_PAGE_REAL_PRECISION);
		json_decref(v);
		pg->by_tree++;
		if (rc) {
			/* a tree jansson would not write: left out, as a card that
			 * does not decode is */
			cut(&pg->b, start);
			return rc < 0 || !pg->b.p ? -1 : 1;
		}
	}
	pg->kept++;
	return 0;
}

int search_page_finish(struct search_page *pg, json_int_t estimate, const char *next_cursor,
		       json_t **tree, char **text)
{
	json_t *o = NULL;
	int rc = -1;

	if (tree)
		*tree = NULL;
	if (text)
		*text = NULL;
	if (!pg->text) {
		o = json_pack("{s:O, s:I, s:s?}", "items", pg->items, "estimated_total", estimate,
			      "next_cursor", next_cursor);
		if (o) {
			*tree = o;
			rc = 0;
		}
	} else if (!JSONTEXT_LIT(&pg->b, "],\"estimated_total\":") &&
		   !jsontext_put_integer(&pg->b, estimate) && !JSONTEXT_LIT(&pg->b, ",\"next_cursor\":") &&
		   !jsontext_put_cstring_or_null(&pg->b, next_cursor) && !JSONTEXT_LIT(&pg->b, "}")) {
		*text = buf_detach(&pg->b);
		rc = *text ? 0 : -1;
	}
	search_page_release(pg);
	return rc;
}

void search_page_release(struct search_page *pg)
{
	json_decref(pg->items);
	pg->items = NULL;
	buf_release(&pg->b);
}
