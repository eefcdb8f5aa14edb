/*
 * phrase.c - what a counsellor writes around a skill (tax__phrase_core):
 * "knowledge of X", "experience in X", "good knowledge of X", "X (5 years)",
 * "5 years of experience in X", "connaissances en X", "expérience en X",
 * "experiencia en X", "X skills". The core X is what the normaliser then
 * looks up, and the years go into the report as experience.
 *
 * The patterns are grammatical, one small set per language, not phrases:
 *   [quantity] [adjective]* FRAME link+ X      (a frame noun or adjective,
 *                                               then prepositions/articles)
 *   X [link] FRAME                              (English: "welding experience";
 *                                               only without a leading frame)
 *   N YEAR-WORD [link]* [FRAME] [link]*         (anywhere: the years)
 * where FRAME is a word that says how the person holds a skill (knowledge,
 * experience, mastery, ability ...), never what the skill is. A frame is
 * only taken off when words remain, and the caller keeps the whole text
 * when it is an exact label or when the core does not normalise, so a
 * label that starts with a frame word ("knowledge management") is safe.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Folded words (no accents). */
static const char *const frames[] = {
	/* en */
	"knowledge", "experience", "experienced", "expertise", "expert", "skill", "skills",
	"skilled", "proficiency", "proficient", "familiarity", "familiar", "competence",
	"competent", "competency", "competencies", "ability", "able", "capable", "background",
	"trained", "qualified", "certified",
	/* fr */
	"connaissance", "connaissances", "experiences", "maitrise", "maitriser", "competences",
	"capacite", "capacites", "aptitude", "aptitudes", "savoir", "formation", "formee", "forme",
	"qualifie", "qualifiee",
	/* es */
	"conocimiento", "conocimientos", "experiencia", "dominio", "capacidad", "habilidad",
	"habilidades", "competencia", "competencias", "formacion", "saber", "experto", "experta",
	"capacitacion", NULL};

/* What may come between a frame and the skill: prepositions, articles,
 * and the gerund helpers of "experience doing X" / "ability to do X". */
static const char *const links[] = {
	/* en */
	"of", "in", "with", "doing", "at", "on", "to", "do", "as", "for", "the", "a", "an", "and",
	"using", "working", "performing",
	/* fr */
	"en", "de", "des", "du", "d", "dans", "a", "au", "aux", "l", "la", "le", "les", "pour",
	"faire", "avec",
	/* es */
	"del", "con", "para", "el", "los", "las", "como", "hacer", "y", NULL};

/* Adjectives and quantities before a frame ("good knowledge of"). */
static const char *const qualifiers[] = {
	/* en */
	"good", "basic", "strong", "solid", "working", "extensive", "excellent", "some", "proven",
	"practical", "sound", "previous", "prior", "hands", "advanced", "thorough", "relevant",
	"demonstrated", "professional", "years", "year", "of", "has", "have", "with", "and",
	/* fr */
	"bonne", "bonnes", "bon", "bons", "solide", "solides", "excellente", "excellentes",
	"premiere", "une", "un", "avoir", "pratique", "professionnelle", "avec", "et",
	/* es */
	"buen", "buena", "buenos", "buenas", "amplia", "amplio", "amplios", "solida", "solido",
	"basico", "basica", "basicos", "basicas", "tener", "con", "previa", "profesional", NULL};

/* Words naming years. */
static const char *const year_words[] = {"year",  "years", "yr",   "yrs", "an", "ans",
					 "annee", "annees", "ano", "anos", NULL};
/* Words before a number of years ("for 5 years", "pendant 5 ans"). */
static const char *const year_lead[] = {"for", "over", "pendant", "depuis", "durante", "desde",
					"since", "plus", "more", "than", "de", NULL};

static int in(const char *const *list, const char *w)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

static int number(const char *w, int *out)
{
	size_t n = strlen(w), i;

	if (n == 0 || n > 2)
		return 0;
	for (i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return 0;
	*out = atoi(w);
	return 1;
}

/* The words of text: each token of the original (split at spaces and ASCII
 * punctuation) folded, so that the core can be given back in the original
 * spelling (the label index is accent-sensitive: "maçonnerie", not
 * "maconnerie"). from[i] is the token word i came from. */
struct words {
	char fold[FOLD_MAX];
	char *w[MAX_WORDS];
	size_t n;
	const char *tok[MAX_WORDS];
	size_t tok_len[MAX_WORDS];
	size_t n_tok;
	size_t from[MAX_WORDS];
};

static int is_sep(unsigned char c)
{
	return c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int split(const char *text, struct words *ws)
{
	const char *p = text;
	size_t used = 0;

	ws->n = ws->n_tok = 0;
	while (*p && ws->n_tok < MAX_WORDS) {
		char tok[FOLD_MAX], *sub[MAX_WORDS];
		size_t len, m, j, flen;

		while (*p && is_sep((unsigned char)*p))
			p++;
		for (len = 0; p[len] && !is_sep((unsigned char)p[len]); len++)
			;
		if (!len)
			break;
		if (len >= sizeof tok)
			return -1;
		memcpy(tok, p, len);
		tok[len] = '\0';
		ws->tok[ws->n_tok] = p;
		ws->tok_len[ws->n_tok] = len;
		p += len;
		if (used >= sizeof ws->fold - 1)
			return -1;
		flen = taxonomy_fold(tok, ws->fold + used, sizeof ws->fold - used);
		if (!flen) {
			ws->n_tok++;
			continue; /* nothing foldable: a token of no words */
		}
		m = tax__split_words(ws->fold + used, sub, MAX_WORDS);
		used += flen + 1;
		/* one token may fold into several words ("l’arc"): they
		 * all belong to it */
		for (j = 0; j < m; j++) {
			if (ws->n >= MAX_WORDS)
				return -1;
			ws->w[ws->n] = sub[j];
			ws->from[ws->n++] = ws->n_tok;
		}
		ws->n_tok++;
	}
	return *p && ws->n_tok >= MAX_WORDS ? -1 : 0;
}

int tax__phrase_core(const char *text, struct tax_phrase *out)
{
	struct words ws;
	char **w = ws.w;
	size_t n, i, lo, hi, k, len = 0;
	int keep[MAX_WORDS], tok_keep[MAX_WORDS], years = 0;

	memset(out, 0, sizeof *out);
	if (split(text, &ws))
		return 0;
	n = ws.n;
	for (i = 0; i < n; i++)
		keep[i] = 1;
	/* The years: N YEAR-WORD, with what leads and follows it. */
	for (i = 0; i + 1 < n; i++) {
		if (!number(w[i], &years) || !in(year_words, w[i + 1]))
			continue;
		out->years = years;
		keep[i] = keep[i + 1] = 0;
		for (k = i; k > 0 && in(year_lead, w[k - 1]); k--)
			keep[k - 1] = 0;
		/* "of experience in", "d experience en", "de experiencia en" */
		for (k = i + 2; k < n && (in(links, w[k]) || in(frames, w[k])); k++)
			keep[k] = 0;
		break;
	}
	lo = 0;
	hi = n;
	while (lo < hi && !keep[lo])
		lo++;
	while (hi > lo && !keep[hi - 1])
		hi--;
	/* A leading frame: [qualifier]* FRAME link* X, X not empty. */
	for (k = lo; k < hi && in(qualifiers, w[k]); k++)
		;
	if (k < hi && in(frames, w[k])) {
		size_t x = k + 1;

		while (x < hi && (in(links, w[x]) || in(frames, w[x])))
			x++;
		/* a frame noun needs a link or a gerund after it ("experience
		 * welding"), so "knowledge management" stays whole */
		if (x < hi && (x > k + 1 || (strlen(w[x]) > 4 &&
					     strcmp(w[x] + strlen(w[x]) - 3, "ing") == 0)))
			lo = x;
	}
	/* A trailing English frame: "welding experience", "MIG welding skills"
	 * (not after a leading one: "knowledge of X" keeps all of X). */
	if (lo == 0 && hi - lo >= 2 && in(frames, w[hi - 1])) {
		hi--;
		while (hi - lo >= 2 && in(links, w[hi - 1]))
			hi--;
	}
	for (i = 0; i < n; i++)
		if (i < lo || i >= hi)
			keep[i] = 0;
	out->changed = lo > 0 || hi < n || out->years;
	if (!out->changed)
		return 0;
	/* The core in the original spelling: the tokens all of whose words
	 * are kept. */
	for (i = 0; i < ws.n_tok; i++)
		tok_keep[i] = 0;
	for (i = 0; i < n; i++)
		tok_keep[ws.from[i]] = 1;
	for (i = 0; i < n; i++)
		if (!keep[i])
			tok_keep[ws.from[i]] = 0;
	for (i = 0; i < ws.n_tok; i++) {
		if (!tok_keep[i])
			continue;
		len += (size_t)snprintf(out->core + len, sizeof out->core - len, "%s%.*s",
					len ? " " : "", (int)ws.tok_len[i], ws.tok[i]);
		if (len >= sizeof out->core)
			return 0;
	}
	return len > 0;
}
