/*
 * pivot.c - French and Spanish nouns paired with their verbs through
 * ESCO's English labels (tax__piv_learn, tax__piv_verbs).
 *
 * Counsellors type "gestion de stock", "conduite", "récolte", "soudage",
 * "cosecha", "limpieza" where ESCO's skill labels say "gérer les stocks",
 * "conduire", "récolter", "souder", "cosechar", "limpiar". Some of these
 * share no stem ("gestion" / "gérer"), and ESCO gives no French label that
 * pairs them within one concept (its French skills have few alternative
 * labels). But each skill is labelled in English too, and English writes
 * noun and verb with one stem ("management" / "manage", "welding" /
 * "weld"). So, over the skills: a word's English word is the English label
 * word that co-occurs with it in the most skills relative to both words'
 * frequency (Dice, in at least PIV_MIN_CONCEPTS skills); a French or Spanish
 * word that no English label holds and that opens no skill/competence
 * preferred label (no verb) is paired with the verbs of its language whose
 * English word has the same English Snowball stem as its own and that begin
 * with the same letter ("gestion" -> management, "gérer" -> manage: one
 * stem). Learned from the label table the normaliser reads, so an
 * evaluation table built without its held-out labels learns nothing from
 * them; no word list. The pairs join the derivation rules' verbs
 * (derive.c): the confidence counts them TAX_DERIVED_SCORE and the search
 * adds the verb to its query.
 */
#include "engine/taxonomy/internal.h"
#include "index/index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Skills a word and its English word must share; chosen on the development
 * samples (docs/taxonomy.md, "Round 12"). */
#define PIV_MIN_CONCEPTS 3

struct piv {
	char noun[WORD_MAX];
	char verb[WORD_MAX];
};

/* One (skill, language, word) of the skill labels, words numbered by their
 * place among the distinct words of t->words[1]. */
struct occ {
	uint32_t concept, id;
	uint8_t lang;
};

static int occ_by_concept(const void *x, const void *y)
{
	const struct occ *p = x, *q = y;

	if (p->concept != q->concept)
		return p->concept < q->concept ? -1 : 1;
	if (p->lang != q->lang)
		return p->lang < q->lang ? -1 : 1;
	return (p->id > q->id) - (p->id < q->id);
}

static int occ_by_word(const void *x, const void *y)
{
	const struct occ *p = x, *q = y;

	if (p->lang != q->lang)
		return p->lang < q->lang ? -1 : 1;
	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return (p->concept > q->concept) - (p->concept < q->concept);
}

static int piv_cmp(const void *x, const void *y)
{
	const struct piv *p = x, *q = y;
	int c = strcmp(p->noun, q->noun);

	return c ? c : strcmp(p->verb, q->verb);
}

/* A verb of a language with the English stem of its English word. */
struct vstem {
	char stem[WORD_MAX];
	uint32_t id;
};

static int vstem_cmp(const void *x, const void *y)
{
	return strcmp(((const struct vstem *)x)->stem, ((const struct vstem *)y)->stem);
}

static void word_copy(const struct tax_labels *t, uint32_t off, char out[WORD_MAX])
{
	size_t n = strcspn(t->text.p + off, " ");

	n = n < WORD_MAX - 1 ? n : WORD_MAX - 1;
	memcpy(out, t->text.p + off, n);
	out[n] = '\0';
}

/* A pair learned in one language, by word numbers. */
struct pid {
	uint32_t noun, verb;
	uint8_t lang;
};

/* French and Spanish each have the other as their bridge language. */
static int other_lang(int lang)
{
	return lang == ESCO_LANG_FR ? ESCO_LANG_ES : lang == ESCO_LANG_ES ? ESCO_LANG_FR : -1;
}

/*
 * Each word's word in another language: the one it shares the most skills
 * with, by Dice, seen together in at least PIV_MIN_CONCEPTS skills. to_other
 * 0: a French or Spanish word's English word; 1: a French word's Spanish
 * word and a Spanish word's French word. best[lang * n_id + id], UINT32_MAX
 * for none. count is zero on entry and on return.
 */
static void dice_best(const struct occ *by_word, const struct occ *o, size_t n_occ,
		      const uint32_t *start, const uint32_t *cnt, uint32_t *count, uint32_t *touched,
		      size_t n_id, int to_other, uint32_t *best)
{
	size_t i, j;

	for (i = 0; i < n_id * ESCO_LANG_COUNT; i++)
		best[i] = UINT32_MAX;
	for (i = 0; i < n_occ; i = j) {
		size_t n_t = 0, m;
		double top = 0;
		int to;

		for (j = i + 1; j < n_occ && by_word[j].lang == by_word[i].lang &&
				by_word[j].id == by_word[i].id;
		     j++)
			;
		to = to_other ? other_lang(by_word[i].lang) : ESCO_LANG_EN;
		if (by_word[i].lang == ESCO_LANG_EN || to < 0 || j - i < PIV_MIN_CONCEPTS)
			continue;
		for (m = i; m < j; m++) {
			uint32_t c = by_word[m].concept, e;

			for (e = start[c]; e < start[c + 1]; e++) {
				if (o[e].lang != to)
					continue;
				if (!count[o[e].id]++)
					touched[n_t++] = o[e].id;
			}
		}
		for (m = 0; m < n_t; m++) {
			uint32_t e = touched[m];
			double d = 2.0 * count[e] / (double)(j - i + cnt[(size_t)to * n_id + e]);

			if (count[e] >= PIV_MIN_CONCEPTS && d > top) {
				top = d;
				best[(size_t)by_word[i].lang * n_id + by_word[i].id] = e;
			}
			count[e] = 0;
		}
	}
}

/* 1 when word a of language la and word b of lb are each other's bridge
 * word in either direction: Dice picks one word per word, and the two
 * directions differ ("lectura"'s French word is "lecture", "lecture"'s
 * Spanish word "alfabetización": ESCO gives "lecture" to literacy too). */
static int linked(const uint32_t *best2, size_t n_id, int la, uint32_t a, int lb, uint32_t b)
{
	return best2[(size_t)la * n_id + a] == b || best2[(size_t)lb * n_id + b] == a;
}

/*
 * A pair learned in one language crosses to the other through the words
 * the skills' labels give each other: Spanish "lectura" / "leer" (met
 * through English "reading" / "read") makes French "lecture" / "lire",
 * since "lecture" is the Spanish "lectura"'s word in the same skills and
 * "lire" "leer"'s (linked, above). English cannot pair those two ("lecture" is an English
 * label word, the false friend, and its English word is "literacy"). A
 * word that is no verb of its language is paired with that language's
 * verbs whose bridge word is the pair's verb, when the bridge word of the
 * word is the pair's noun, with the same first letter, not already one
 * word by inflection. Appended to *piv (t->piv_bridge).
 *
 * Kept apart from the pairs through English and read only for a refused
 * noun phrase (normalise.c, nominal_as_verb): some of these nouns are
 * English words too ("communications" / communiquer, "production" /
 * produire), and in the search and the confidence, which know no
 * language, they moved English texts ("transmitted communications
 * analysing" reached *communicate analytical insights*).
 */
static int bridge(const struct tax_labels *t, const uint32_t *id_off, const uint8_t *verb,
		  const uint32_t *best2, size_t n_id, const struct pid *pid, size_t n_pid,
		  struct piv **piv, size_t *piv_cap, size_t *n_piv)
{
	size_t k;
	uint32_t f, g;

	for (k = 0; k < n_pid; k++) {
		int lang = other_lang(pid[k].lang);

		if (lang < 0)
			continue;
		for (f = 0; f < n_id; f++) {
			char noun[WORD_MAX];

			if (!linked(best2, n_id, lang, f, pid[k].lang, pid[k].noun) ||
			    (verb[f] & (1u << lang)))
				continue;
			word_copy(t, id_off[f], noun);
			for (g = 0; g < n_id; g++) {
				char v[WORD_MAX];

				if (!(verb[g] & (1u << lang)) ||
				    !linked(best2, n_id, lang, g, pid[k].lang, pid[k].verb))
					continue;
				word_copy(t, id_off[g], v);
				if (v[0] != noun[0] || tax__word_match(noun, v) >= 0.9)
					continue;
				if (array_grow((void **)piv, piv_cap, *n_piv + 1, sizeof **piv,
					       TAX_LABELS_MAX))
					return -1;
				memcpy((*piv)[*n_piv].noun, noun, sizeof noun);
				memcpy((*piv)[*n_piv].verb, v, sizeof v);
				(*n_piv)++;
			}
		}
	}
	return 0;
}

int tax__piv_learn(struct tax_labels *t)
{
	const struct tword *w = t->words[1];
	size_t nw = t->n_words[1], i, j, n_id = 0, n_occ = 0, n_piv = 0, piv_cap = 0;
	uint32_t *id_off = NULL, *cnt = NULL, *start = NULL, *count = NULL;
	uint32_t *touched = NULL, *best = NULL, *best2 = NULL;
	struct pid *pid = NULL;
	size_t n_pid = 0, pid_cap = 0, n_pb = 0, pb_cap = 0;
	struct piv *pb = NULL;
	uint8_t *verb = NULL, *langs = NULL;
	uint32_t *n_first = NULL, *n_all = NULL;
	struct occ *o = NULL, *by_word = NULL;
	struct vstem *vs = NULL;
	struct piv *piv = NULL;
	size_t n_concepts = 0;
	int lang, rc = -1;

	if (!nw)
		return 0;
	/* Number the distinct words; note each one's languages and whether it
	 * is a verb there (opens a skill/competence preferred label). */
	id_off = malloc(nw * sizeof *id_off);
	verb = calloc(nw, 1);
	langs = calloc(nw, 1);
	o = malloc(nw * sizeof *o);
	n_first = calloc(nw * ESCO_LANG_COUNT, sizeof *n_first);
	n_all = calloc(nw * ESCO_LANG_COUNT, sizeof *n_all);
	if (!id_off || !verb || !langs || !o || !n_first || !n_all)
		goto out;
	for (i = 0; i < nw; i++) {
		const struct tlabel *L = &t->lab[w[i].label];
		const char *s = t->text.p + w[i].word;
		size_t len = strcspn(s, " ");

		if (!n_id || tax__word_cmp_at(t->text.p + id_off[n_id - 1], s) != 0)
			id_off[n_id++] = w[i].word;
		langs[n_id - 1] |= (uint8_t)(1u << L->lang);
		n_all[(size_t)L->lang * nw + n_id - 1]++;
		n_first[(size_t)L->lang * nw + n_id - 1] += (w[i].bits & TW_FIRST) != 0;
		if ((w[i].bits & TW_FIRST) && TW_TYPE(w[i].bits) == 0 && L->concept &&
		    ((const esco_skill *)L->concept)->type == ESCO_SKILL_TYPE_SKILL)
			verb[n_id - 1] |= (uint8_t)(1u << L->lang);
		if (len < 3 || len >= WORD_MAX)
			continue;
		{
			char word[WORD_MAX];

			memcpy(word, s, len);
			word[len] = '\0';
			if (tax__is_stopword(word))
				continue;
		}
		o[n_occ++] = (struct occ){L->concept_idx, (uint32_t)(n_id - 1), L->lang};
		if (L->concept_idx + 1 > n_concepts)
			n_concepts = L->concept_idx + 1;
	}
	/* A verb opens most of the labels that hold it: ESCO's French labels
	 * also open with nouns ("gestion de projets"), which are no verb. */
	for (i = 0; i < n_id; i++)
		for (lang = 0; lang < ESCO_LANG_COUNT; lang++)
			if (2 * n_first[(size_t)lang * nw + i] < n_all[(size_t)lang * nw + i])
				verb[i] &= (uint8_t)~(1u << lang);
	/* Each (skill, language, word) once. */
	qsort(o, n_occ, sizeof *o, occ_by_concept);
	for (i = 0, j = 0; i < n_occ; i++)
		if (!j || occ_by_concept(&o[i], &o[j - 1]) != 0)
			o[j++] = o[i];
	n_occ = j;
	/* Skills per word and language; each skill's first entry. */
	cnt = calloc(n_id * ESCO_LANG_COUNT, sizeof *cnt);
	start = calloc(n_concepts + 1, sizeof *start);
	count = calloc(n_id, sizeof *count);
	touched = malloc(n_id * sizeof *touched);
	best = malloc(n_id * ESCO_LANG_COUNT * sizeof *best);
	best2 = malloc(n_id * ESCO_LANG_COUNT * sizeof *best2);
	by_word = malloc((n_occ + 1) * sizeof *by_word);
	if (!cnt || !start || !count || !touched || !best || !best2 || !by_word)
		goto out;
	for (i = 0; i < n_occ; i++)
		cnt[(size_t)o[i].lang * n_id + o[i].id]++;
	for (i = 0, j = 0; i <= n_concepts; i++) {
		while (j < n_occ && o[j].concept < i)
			j++;
		start[i] = (uint32_t)j;
	}
	memcpy(by_word, o, n_occ * sizeof *o);
	qsort(by_word, n_occ, sizeof *by_word, occ_by_word);
	/* Each French and Spanish word's English word: the one it shares the
	 * most skills with, by Dice (the tables above are transient: freed
	 * once the pairs are made). */
	dice_best(by_word, o, n_occ, start, cnt, count, touched, n_id, 0, best);
	/* and each one's word in the other of the two (the bridge below) */
	dice_best(by_word, o, n_occ, start, cnt, count, touched, n_id, 1, best2);
	/* Per language: the verbs by the English stem of their English word,
	 * then each noun's verbs of the same stem. */
	vs = malloc(n_id * sizeof *vs);
	if (!vs)
		goto out;
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		size_t n_vs = 0;
		uint32_t f;

		if (lang == ESCO_LANG_EN)
			continue;
		for (f = 0; f < n_id; f++) {
			uint32_t e = best[(size_t)lang * n_id + f];
			char ew[WORD_MAX];

			if (e == UINT32_MAX || !(verb[f] & (1u << lang)))
				continue;
			word_copy(t, id_off[e], ew);
			if (index_stem("en", ew, vs[n_vs].stem, sizeof vs[n_vs].stem) == 0)
				vs[n_vs++].id = f;
		}
		qsort(vs, n_vs, sizeof *vs, vstem_cmp);
		for (f = 0; f < n_id; f++) {
			uint32_t e = best[(size_t)lang * n_id + f];
			char ew[WORD_MAX], stem[WORD_MAX], noun[WORD_MAX];
			size_t a = 0, b = n_vs;

			/* a noun of this language only: no verb here, no
			 * English word ("base" is English too) */
			if (e == UINT32_MAX || (verb[f] & (1u << lang)) ||
			    (langs[f] & (1u << ESCO_LANG_EN)))
				continue;
			word_copy(t, id_off[e], ew);
			word_copy(t, id_off[f], noun);
			if (index_stem("en", ew, stem, sizeof stem))
				continue;
			while (a < b) {
				size_t m = a + (b - a) / 2;

				if (strcmp(vs[m].stem, stem) < 0)
					a = m + 1;
				else
					b = m;
			}
			for (; a < n_vs && strcmp(vs[a].stem, stem) == 0; a++) {
				char v[WORD_MAX];

				word_copy(t, id_off[vs[a].id], v);
				/* the same first letter; forms of one word
				 * already match as an inflection */
				if (v[0] != noun[0] || tax__word_match(noun, v) >= 0.9)
					continue;
				if (array_grow((void **)&piv, &piv_cap, n_piv + 1, sizeof *piv,
					       TAX_LABELS_MAX))
					goto out;
				memcpy(piv[n_piv].noun, noun, sizeof noun);
				memcpy(piv[n_piv].verb, v, sizeof v);
				n_piv++;
				if (array_grow((void **)&pid, &pid_cap, n_pid + 1, sizeof *pid,
					       TAX_LABELS_MAX))
					goto out;
				pid[n_pid++] = (struct pid){f, vs[a].id, (uint8_t)lang};
			}
		}
	}
	if (bridge(t, id_off, verb, best2, n_id, pid, n_pid, &pb, &pb_cap, &n_pb))
		goto out;
	if (n_piv)
		qsort(piv, n_piv, sizeof *piv, piv_cmp);
	for (i = 0, j = 0; i < n_piv; i++) /* a pair learned in two languages once */
		if (!j || piv_cmp(&piv[i], &piv[j - 1]) != 0)
			piv[j++] = piv[i];
	t->piv = piv;
	t->n_piv = j;
	piv = NULL;
	if (n_pb)
		qsort(pb, n_pb, sizeof *pb, piv_cmp);
	for (i = 0, j = 0; i < n_pb; i++)
		if (!j || piv_cmp(&pb[i], &pb[j - 1]) != 0)
			pb[j++] = pb[i];
	t->piv_bridge = pb;
	t->n_piv_bridge = j;
	pb = NULL;
	rc = 0;
out:
	free(id_off);
	free(verb);
	free(langs);
	free(n_first);
	free(n_all);
	free(o);
	free(cnt);
	free(start);
	free(count);
	free(touched);
	free(best);
	free(best2);
	free(pid);
	free(pb);
	free(by_word);
	free(vs);
	free(piv);
	return rc;
}

/* The verbs of noun w among pairs p[0..n), sorted by noun. */
static size_t verbs_of(const struct piv *p, size_t np, const char *w, const char **out, size_t max)
{
	size_t a = 0, b = np, n = 0;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(p[m].noun, w) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; a < np && n < max && strcmp(p[a].noun, w) == 0; a++)
		out[n++] = p[a].verb;
	return n;
}

size_t tax__piv_verbs(const struct tax_labels *t, const char *w, const char **out, size_t max)
{
	return verbs_of(t->piv, t->n_piv, w, out, max);
}

size_t tax__piv_bridge_verbs(const struct tax_labels *t, const char *w, const char **out,
			     size_t max)
{
	return verbs_of(t->piv_bridge, t->n_piv_bridge, w, out, max);
}
