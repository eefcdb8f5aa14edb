/*
 * esco.c - reading a loaded ESCO: the concepts by position, by URI (an
 * open-addressing hash table of every concept URI, built once by the
 * loader) and by ISCO-08 code, the ISCO-08 proximity, the language codes
 * and the label iterator. A loaded ESCO is read-only, so any number of
 * threads may read it.
 */
#include "engine/taxonomy/esco_internal.h"

#include "engine/core/hash.h"

#include <stdlib.h>
#include <string.h>

/* ---- hash table of URIs ---- */

/* FNV-1a's low bits depend only on the low bits of each byte, and the
 * table is indexed by the low bits: fold high bits in. */
static uint64_t uri_hash(const char *uri)
{
	uint64_t h = hash_str(uri);

	return h ^ (h >> 29);
}

static const char *ref_uri(const esco *t, uint32_t ref)
{
	uint32_t k = ref >> 28, i = (ref & 0x0fffffffu) - 1;

	if (k == K_OCC)
		return t->occ[i].uri;
	if (k == K_SKILL)
		return t->skill[i].uri;
	return t->grp[i].uri;
}

/* returns the ref (kind << 28 | index + 1) of uri, or 0 */
uint32_t esco__table_find(const esco *t, const char *uri)
{
	uint64_t h;
	size_t i;

	if (!t->table || !uri)
		return 0;
	h = uri_hash(uri);
	for (i = h & t->table_mask;; i = (i + 1) & t->table_mask) {
		const struct slot *s = &t->table[i];
		if (!s->ref)
			return 0;
		if (s->hash == h && strcmp(ref_uri(t, s->ref), uri) == 0)
			return s->ref;
	}
}

int esco__table_build(struct loader *L)
{
	esco *t = L->tax;
	size_t n = t->n_occ + t->n_skill + t->n_grp, size = 1024, k, i;

	while (size < n * 2)
		size *= 2;
	t->table = calloc(size, sizeof *t->table);
	if (!t->table) {
		esco__lerr(L, "esco: out of memory");
		return ESCO_ERR_NOMEM;
	}
	t->table_mask = size - 1;
	for (k = K_OCC; k <= K_GROUP; k++) {
		size_t cnt = k == K_OCC ? t->n_occ : k == K_SKILL ? t->n_skill : t->n_grp;
		for (i = 0; i < cnt; i++) {
			uint32_t ref = (uint32_t)(k << 28) | (uint32_t)(i + 1);
			const char *uri = ref_uri(t, ref);
			uint64_t h = uri_hash(uri);
			size_t j;

			if (esco__table_find(t, uri)) {
				esco__lerr(L, "esco: duplicate concept URI %s", uri);
				return ESCO_ERR_FORMAT;
			}
			for (j = h & t->table_mask; t->table[j].ref; j = (j + 1) & t->table_mask)
				;
			t->table[j].hash = h;
			t->table[j].ref = ref;
		}
	}
	return 0;
}

int esco__is_digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9' || n >= max)
			return 0;
	return n >= min;
}

size_t esco_occupation_count(const esco *t)
{
	return t->n_occ;
}

size_t esco_skill_count(const esco *t)
{
	return t->n_skill;
}

size_t esco_isco_group_count(const esco *t)
{
	return t->n_grp;
}

const esco_occupation *esco_occupation_at(const esco *t, size_t i)
{
	return i < t->n_occ ? &t->occ[i] : NULL;
}

const esco_skill *esco_skill_at(const esco *t, size_t i)
{
	return i < t->n_skill ? &t->skill[i] : NULL;
}

const esco_isco_group *esco_isco_group_at(const esco *t, size_t i)
{
	return i < t->n_grp ? &t->grp[i] : NULL;
}

const esco_occupation *esco_occupation_by_uri(const esco *t, const char *uri)
{
	uint32_t ref = esco__table_find(t, uri);

	return ref >> 28 == K_OCC ? &t->occ[(ref & 0x0fffffffu) - 1] : NULL;
}

const esco_skill *esco_skill_by_uri(const esco *t, const char *uri)
{
	uint32_t ref = esco__table_find(t, uri);

	return ref >> 28 == K_SKILL ? &t->skill[(ref & 0x0fffffffu) - 1] : NULL;
}

const esco_isco_group *esco_isco_group_by_code(const esco *t, const char *code)
{
	size_t lo = 0, hi;

	if (!esco__is_digits(code, 1, 4))
		return NULL;
	hi = t->n_grp;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->grp[mid].code, code);
		if (c == 0)
			return &t->grp[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int esco_isco_valid(const esco *t, const char *code)
{
	return esco_isco_group_by_code(t, code) != NULL;
}

size_t esco_occupations_by_isco(const esco *t, const char *code, const esco_occupation *const **list)
{
	size_t len, lo = 0, hi = t->n_occ, b;

	*list = NULL;
	if (!esco__is_digits(code, 1, 4))
		return 0;
	len = strlen(code);
	while (lo < hi) { /* first with prefix >= code */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(t->occ_by_isco[mid]->isco, code, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	b = lo;
	hi = t->n_occ;
	while (lo < hi) { /* first with prefix > code */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(t->occ_by_isco[mid]->isco, code, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b)
		return 0;
	*list = (const esco_occupation *const *)&t->occ_by_isco[b];
	return lo - b;
}

int esco_isco_proximity(const char *a, const char *b)
{
	int n = 0;

	if (!esco__is_digits(a, 1, 4) || !esco__is_digits(b, 1, 4))
		return ESCO_ISCO_UNRELATED;
	while (a[n] && b[n] && a[n] == b[n])
		n++;
	return n;
}

int esco_occupation_has_skill(const esco_occupation *o, const esco_skill *s)
{
	size_t i;

	if (!o || !s)
		return 0;
	for (i = 0; i < o->n_essential; i++)
		if (o->essential[i] == s)
			return 1;
	for (i = 0; i < o->n_optional; i++)
		if (o->optional[i] == s)
			return 2;
	return 0;
}

static const char *const lang_codes[ESCO_LANG_COUNT] = {"en", "fr", "es"};

int esco_lang_from_code(const char *code)
{
	int i;

	for (i = 0; code && i < ESCO_LANG_COUNT; i++)
		if (strcmp(code, lang_codes[i]) == 0)
			return i;
	return -1;
}

const char *esco_lang_code(esco_lang lang)
{
	return (unsigned)lang < ESCO_LANG_COUNT ? lang_codes[lang] : NULL;
}

/* ---- label iterator ---- */

void esco_label_iter_init(esco_label_iter *it, const esco *tax, unsigned kinds)
{
	memset(it, 0, sizeof *it);
	it->tax = tax;
	it->kinds = kinds;
}

int esco_label_next(esco_label_iter *it, esco_label *out)
{
	static const esco_kind kind_of[3] = {ESCO_KIND_OCCUPATION, ESCO_KIND_SKILL,
					     ESCO_KIND_ISCO_GROUP};
	const esco *t = it->tax;

	while (it->kind_pos < 3) {
		size_t n = it->kind_pos == 0 ? t->n_occ : it->kind_pos == 1 ? t->n_skill : t->n_grp;
		const esco_labels *lb;
		const char *uri;
		const void *concept;

		if (!(it->kinds & kind_of[it->kind_pos]) || it->item >= n) {
			it->kind_pos++;
			it->item = 0;
			it->lang = 0;
			it->label = 0;
			continue;
		}
		if (it->lang >= ESCO_LANG_COUNT) {
			it->item++;
			it->lang = 0;
			it->label = 0;
			continue;
		}
		if (it->kind_pos == 0) {
			concept = &t->occ[it->item];
			lb = &t->occ[it->item].labels[it->lang];
			uri = t->occ[it->item].uri;
		} else if (it->kind_pos == 1) {
			concept = &t->skill[it->item];
			lb = &t->skill[it->item].labels[it->lang];
			uri = t->skill[it->item].uri;
		} else {
			concept = &t->grp[it->item];
			lb = &t->grp[it->item].labels[it->lang];
			uri = t->grp[it->item].uri;
		}
		if (!lb->preferred || it->label >= 1 + lb->n_alt + lb->n_hidden) {
			it->lang++;
			it->label = 0;
			continue;
		}
		out->uri = uri;
		out->kind = kind_of[it->kind_pos];
		out->lang = (esco_lang)it->lang;
		out->concept = concept;
		out->is_preferred = it->label == 0;
		out->is_hidden = it->label > lb->n_alt;
		out->label = it->label == 0 ? lb->preferred
			     : it->label <= lb->n_alt ? lb->alt[it->label - 1]
						      : lb->hidden[it->label - 1 - lb->n_alt];
		it->label++;
		return 1;
	}
	return 0;
}
