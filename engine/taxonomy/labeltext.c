/*
 * labeltext.c - taxonomy_label_doc's concept objects written as JSON text
 * (see labeltext.h). The shapes and the order of the members are
 * lookup.c's occ_ref, skill_ref, group_ref and concept_ref;
 * tests/unit/test_render.c compares the answers written with them against
 * the labelled trees.
 */
#include "engine/taxonomy/labeltext.h"

#include <string.h>

#include "engine/core/jsontext.h"

esco_lang taxonomy_label_lang(const char *lang)
{
	int l = lang ? esco_lang_from_code(lang) : -1;

	return l < 0 ? ESCO_LANG_EN : (esco_lang)l;
}

/* A concept's preferred label in language l, English when it has none
 * there (taxonomy_label's rule). */
static const char *label_in(const esco_labels *ls, esco_lang l)
{
	return ls[l].preferred ? ls[l].preferred : ls[ESCO_LANG_EN].preferred;
}

/* {"<k1>":v1,"label":label[,"isco":isco]}; v1 and label not NULL. */
static int put_ref(struct buf *b, const char *k1, const char *v1, const char *label,
		   const char *isco)
{
	int rc = 0;

	if (!v1 || !label)
		return 1; /* json_pack would fail: the tree leaves the concept out */
	if (jsontext_add(b, "{\"", 2) || jsontext_add_str(b, k1) || jsontext_add(b, "\":", 2) ||
	    (rc = jsontext_put_cstring(b, v1)) || JSONTEXT_LIT(b, ",\"label\":") ||
	    (rc = jsontext_put_cstring(b, label)) ||
	    (isco && (JSONTEXT_LIT(b, ",\"isco\":") || (rc = jsontext_put_cstring(b, isco)))) ||
	    JSONTEXT_LIT(b, "}"))
		return rc > 0 ? 1 : -1;
	return 0;
}

int taxonomy_skill_ref_text(struct buf *b, const esco_skill *s, esco_lang l)
{
	return put_ref(b, "uri", s->uri, label_in(s->labels, l), NULL);
}

int taxonomy_occupation_ref_text(struct buf *b, const esco_occupation *o, esco_lang l)
{
	return put_ref(b, "uri", o->uri, label_in(o->labels, l), o->isco);
}

int taxonomy_group_ref_text(struct buf *b, const esco_isco_group *g, esco_lang l)
{
	return put_ref(b, "isco", g->code, label_in(g->labels, l), NULL);
}

int taxonomy_concept_ref_text(struct buf *b, const esco *t, const char *v, size_t n, esco_lang l)
{
	char s[TAXONOMY_REF_TEXT_MAX + 1];
	const esco_isco_group *g;
	const esco_occupation *o;
	const esco_skill *k;
	int rc = 0;

	if (n > TAXONOMY_REF_TEXT_MAX || memchr(v, '\0', n))
		return 1; /* rare: the caller's tree way */
	memcpy(s, v, n);
	s[n] = '\0';
	/* a group's code is 1 to 4 digits, which no URI is */
	if ((g = esco_isco_group_by_code(t, s)))
		return taxonomy_group_ref_text(b, g, l);
	if ((o = esco_occupation_by_uri(t, s)))
		return taxonomy_occupation_ref_text(b, o, l);
	if ((k = esco_skill_by_uri(t, s)))
		return taxonomy_skill_ref_text(b, k, l);
	if (jsontext_add_str(b, strncmp(s, "http", 4) == 0 ? "{\"uri\":" : "{\"text\":") ||
	    (rc = jsontext_put_string(b, s, n)) || JSONTEXT_LIT(b, ",\"label\":null}"))
		return rc > 0 ? 1 : -1;
	return 0;
}
