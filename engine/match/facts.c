/*
 * facts.c - the facts codec: a vacancy's facts from its JSON, the compact
 * record the indexer stores for it (match_vacancy_facts) and the decoder
 * re-ranking reads it with (match__facts_decode), kept side by side so the
 * two cannot drift; also the index format name the record belongs to.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/core/iso.h"
#include "engine/vacancy.h"
#include "index/schema.h"

/* ---- what scoring needs of a vacancy: its facts ----
 *
 * Re-ranking reads only these, from the compact record the document
 * builder stores in value slot VX_SLOT_MATCH (match_vacancy_facts), so
 * the full JSON is decoded only for the page returned. The record
 * (little-endian):
 *
 *   'F' version | id i64 | country 2 | ISCO unit group 4 | ESCO occupation u32
 *   | n_lang u8 | n_essential u8 | n_optional u8 | flags u8 (1: recruiter)
 *   | n_inferred u8 | valid_until 10 ("YYYY-MM-DD", zero bytes: none)
 *   | inferred occupations: u32 ESCO index, u8 posterior x 255
 *   | languages: code 2, CEFR rank u8 | skills: u32 ESCO index + 1, or 0
 *   then u8 length and the free text as written | recruiter: name,
 *   licence, country, each u16 length and bytes
 *
 * ESCO indices are positions in the taxonomy loaded when the index was
 * built: the index metadata VX_META_FORMAT names the format and the ESCO
 * sizes, and a server that finds another value rebuilds the index.
 */

static void fskill_set(struct match__fskill *f, const char *s)
{
	const esco *t = match_taxonomy();
	const esco_skill *k = t && match__is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

	f->idx = k ? k->index + 1 : 0;
	f->text = s;
	f->len = strlen(s);
}

/* f->vinf: the posterior over the ESCO occupations of the vacancy's unit
 * group given its ESCO skills, when it names no ESCO occupation. */
static void vacancy_infer(struct match__facts *f)
{
	const esco *t = match_taxonomy();
	const esco_occupation *const *list;
	double ll[256], best = -HUGE_VAL, sum = 0;
	size_t n, i, j, has = 0;

	f->n_vinf = 0;
	if (f->occ || strlen(f->isco) != 4 || !t || !match__model_ready())
		return;
	n = esco_occupations_by_isco(t, f->isco, &list);
	if (n > sizeof ll / sizeof ll[0])
		n = sizeof ll / sizeof ll[0];
	for (i = 0; i < n; i++) {
		uint32_t o = list[i]->index;

		ll[i] = 0;
		for (j = 0; j < f->n_ess + f->n_opt; j++) {
			const struct match__fskill *k = j < f->n_ess ? &f->ess[j] : &f->opt[j - f->n_ess];
			int l;

			if (!k->idx)
				continue;
			has = 1;
			l = match__occ_lists(o, k->idx - 1);
			ll[i] += l ? match__lp_listed(o, l == 2) : match__lp_unlisted();
		}
		if (ll[i] > best)
			best = ll[i];
	}
	if (!has)
		return;
	for (i = 0; i < n; i++)
		sum += ll[i] = exp(ll[i] - best);
	for (i = 0; i < n; i++) {
		/* in 1/255 steps, as the index record stores it */
		double q = (double)lround(ll[i] / sum * 255) / 255;

		if (q < INF.min_vac)
			continue;
		/* the best VAC_INFER_MAX, descending, ties by group order */
		for (j = f->n_vinf; j > 0 && q > f->vinf[j - 1].q; j--)
			if (j < VAC_INFER_MAX)
				f->vinf[j] = f->vinf[j - 1];
		if (j < VAC_INFER_MAX) {
			f->vinf[j].occ = list[i]->index;
			f->vinf[j].q = q;
			if (f->n_vinf < VAC_INFER_MAX)
				f->n_vinf++;
		}
	}
}

/* The facts of a vacancy representation (pointers borrow from v). */
void match__facts_from_json(const json_t *v, struct match__facts *f)
{
	json_t *skills = json_object_get(v, "skills"), *x;
	const char *occ = json_string_value(json_object_get(v, "occupation"));
	const char *country = json_string_value(json_object_get(v, "country"));
	const char *until = json_string_value(json_object_get(v, "valid_until"));
	const esco *t = match_taxonomy();
	size_t i;

	memset(f, 0, sizeof *f);
	vacancy_parse_id(json_string_value(json_object_get(v, "id")), &f->id);
	if (country && strlen(country) == 2)
		memcpy(f->country, country, 3);
	if (until && strlen(until) == FACTS_DATE)
		memcpy(f->valid_until, until, FACTS_DATE + 1);
	match__occupation_code(occ, f->isco);
	if (occ && t && strncmp(occ, ESCO_OCC, strlen(ESCO_OCC)) == 0) {
		const esco_occupation *o = esco_occupation_by_uri(t, occ);

		f->occ = o ? o->index + 1 : 0;
	}
	json_array_foreach(json_object_get(skills, "essential"), i, x) {
		if (json_is_string(x) && f->n_ess < FACTS_SKILLS)
			fskill_set(&f->ess[f->n_ess++], json_string_value(x));
	}
	json_array_foreach(json_object_get(skills, "optional"), i, x) {
		if (json_is_string(x) && f->n_opt < FACTS_SKILLS)
			fskill_set(&f->opt[f->n_opt++], json_string_value(x));
	}
	json_array_foreach(json_object_get(v, "languages"), i, x) {
		const char *code = json_string_value(json_object_get(x, "code"));
		const char *lvl = json_string_value(json_object_get(x, "level"));

		if (!code || strlen(code) != 2 || f->n_lang >= FACTS_LANGS)
			continue;
		memcpy(f->lang[f->n_lang].code, code, 3);
		f->lang[f->n_lang++].rank = lvl ? iso_cefr_rank(lvl) : 0;
	}
	x = json_object_get(v, "recruiter");
	if (json_is_object(x)) {
		f->has_rec = 1;
		f->rec_json = x;
	}
	vacancy_infer(f);
}

/* The largest record the encoder can write: the header, the inferred
 * occupations, the languages, both skill lists (a skill is at most 4 + 1 +
 * 255 bytes) and three recruiter strings of at most 2 + 0xffff bytes. */
#define FACTS_MAX                                                                          \
	(FACTS_HEADER + VAC_INFER_MAX * 5 + FACTS_LANGS * 3 + 2 * FACTS_SKILLS * 260 +      \
	 3 * (2 + 0xffff))

/* The encoder's output; after the first failed append it adds nothing
 * (buf_add has already freed the bytes). */
struct bytes {
	struct buf b;
	int oom;
};

static void put(struct bytes *o, const void *p, size_t n)
{
	if (!o->oom && buf_add(&o->b, p, n))
		o->oom = 1;
}

static void put_u32(struct bytes *o, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};

	put(o, b, 4);
}

static void put_str16(struct bytes *o, const char *s, size_t n)
{
	unsigned char b[2];

	if (n > 0xffff)
		n = 0xffff;
	b[0] = (unsigned char)n;
	b[1] = (unsigned char)(n >> 8);
	put(o, b, 2);
	put(o, s, n);
}

/* A skill as written: explanations quote it, and matching lowercases it
 * itself (VACANCY_SKILL_MAX keeps it under the u8 length). */
static void put_skill(struct bytes *o, const struct match__fskill *k)
{
	unsigned char n = (unsigned char)(k->len < 255 ? k->len : 255);

	put_u32(o, k->idx);
	if (k->idx)
		return;
	put(o, &n, 1);
	put(o, k->text, n);
}

int match_vacancy_facts(const json_t *v, char **out, size_t *len)
{
	struct match__facts *f = malloc(sizeof *f);
	struct bytes o = {.oom = 0};
	unsigned char hdr[FACTS_HEADER] = {'F', FACTS_VERSION};
	uint64_t id;
	size_t i;
	static const char *const rk[3] = {"name", "licence", "country"};

	*out = NULL;
	*len = 0;
	if (!f)
		return -1;
	buf_init(&o.b, FACTS_MAX);
	match__facts_from_json(v, f);
	id = (uint64_t)f->id;
	for (i = 0; i < 8; i++)
		hdr[2 + i] = (unsigned char)(id >> (8 * i));
	memcpy(hdr + 10, f->country, 2);
	memcpy(hdr + 12, f->isco, 4);
	for (i = 0; i < 4; i++)
		hdr[16 + i] = (unsigned char)(f->occ >> (8 * i));
	hdr[20] = (unsigned char)f->n_lang;
	hdr[21] = (unsigned char)f->n_ess;
	hdr[22] = (unsigned char)f->n_opt;
	hdr[23] = (unsigned char)(f->has_rec ? 1 : 0);
	hdr[24] = (unsigned char)f->n_vinf;
	memcpy(hdr + 25, f->valid_until, strlen(f->valid_until));
	put(&o, hdr, sizeof hdr);
	for (i = 0; i < f->n_vinf; i++) {
		unsigned char q = (unsigned char)lround(f->vinf[i].q * 255);

		put_u32(&o, f->vinf[i].occ);
		put(&o, &q, 1);
	}
	for (i = 0; i < f->n_lang; i++) {
		unsigned char r = (unsigned char)f->lang[i].rank;

		put(&o, f->lang[i].code, 2);
		put(&o, &r, 1);
	}
	for (i = 0; i < f->n_ess; i++)
		put_skill(&o, &f->ess[i]);
	for (i = 0; i < f->n_opt; i++)
		put_skill(&o, &f->opt[i]);
	for (i = 0; f->has_rec && i < 3; i++) {
		const char *s = json_string_value(json_object_get(f->rec_json, rk[i]));

		put_str16(&o, s ? s : "", s ? strlen(s) : 0);
	}
	free(f);
	if (o.oom)
		return -1;
	*len = o.b.len;
	*out = buf_detach(&o.b);
	return 0;
}

static char format_buf[64];
static pthread_once_t format_once = PTHREAD_ONCE_INIT;

static void format_build(void)
{
	const esco *t = match_taxonomy();

	snprintf(format_buf, sizeof format_buf, "%d esco=%zu/%zu " VX_SLOTS_FORMAT,
		 FACTS_VERSION + 1, t ? esco_occupation_count(t) : 0,
		 t ? esco_skill_count(t) : 0);
}

const char *match_index_format(void)
{
	pthread_once(&format_once, format_build);
	return format_buf;
}

/* Reads a record written by match_vacancy_facts; -1 when it is not one
 * (an index built before the format existed: the caller decodes the JSON). */
int match__facts_decode(const char *p, size_t n, struct match__facts *f)
{
	const unsigned char *b = (const unsigned char *)p;
	size_t at = FACTS_HEADER, i, j;
	uint64_t id = 0;

	if (n < FACTS_HEADER || b[0] != 'F' || b[1] != FACTS_VERSION || b[20] > FACTS_LANGS ||
	    b[21] > FACTS_SKILLS || b[22] > FACTS_SKILLS || b[24] > VAC_INFER_MAX)
		return -1;
	memset(f, 0, sizeof *f);
	for (i = 0; i < 8; i++)
		id |= (uint64_t)b[2 + i] << (8 * i);
	f->id = (int64_t)id;
	memcpy(f->country, b + 10, 2);
	memcpy(f->isco, b + 12, 4);
	f->occ = (uint32_t)b[16] | (uint32_t)b[17] << 8 | (uint32_t)b[18] << 16 | (uint32_t)b[19] << 24;
	if (f->occ > (match__m.ok ? match__m.n_occ : 0))
		return -1;
	f->n_lang = b[20];
	f->n_ess = b[21];
	f->n_opt = b[22];
	f->has_rec = b[23] & 1;
	f->n_vinf = b[24];
	if (b[25]) {
		memcpy(f->valid_until, b + 25, FACTS_DATE);
		f->valid_until[FACTS_DATE] = '\0';
	}
	for (i = 0; i < f->n_vinf; i++, at += 5) {
		if (at + 5 > n)
			return -1;
		f->vinf[i].occ = (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
				 (uint32_t)b[at + 3] << 24;
		f->vinf[i].q = b[at + 4] / 255.0;
		if (f->vinf[i].occ >= match__m.n_occ)
			return -1;
	}
	for (i = 0; i < f->n_lang; i++, at += 3) {
		if (at + 3 > n)
			return -1;
		memcpy(f->lang[i].code, p + at, 2);
		f->lang[i].rank = b[at + 2];
	}
	for (j = 0; j < f->n_ess + f->n_opt; j++) {
		struct match__fskill *k = j < f->n_ess ? &f->ess[j] : &f->opt[j - f->n_ess];

		if (at + 4 > n)
			return -1;
		k->idx = (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
			 (uint32_t)b[at + 3] << 24;
		at += 4;
		if (k->idx > match__m.n_skill)
			return -1;
		if (k->idx)
			continue;
		if (at + 1 > n || at + 1 + b[at] > n)
			return -1;
		k->len = b[at];
		k->text = p + at + 1;
		at += 1 + k->len;
	}
	for (i = 0; f->has_rec && i < 3; i++) {
		if (at + 2 > n)
			return -1;
		f->rec_len[i] = (size_t)b[at] | (size_t)b[at + 1] << 8;
		if (at + 2 + f->rec_len[i] > n)
			return -1;
		f->rec[i] = p + at + 2;
		at += 2 + f->rec_len[i];
	}
	return at == n ? 0 : -1;
}
