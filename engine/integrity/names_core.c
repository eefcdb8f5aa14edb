/*
 * names_core.c - the core of a normal form (without trade words) and the
 * check's score of two names built on it: names_core, names_form_score,
 * names_score (names.h). Split from names.c, which normalises.
 */
#include "engine/integrity/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/names_internal.h"

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Words so common in recruiter names that they tell firms apart no better
 * than a legal form (and whose trigrams select a tenth of a registry). */
static const char *const trade_words[] = {
	"manpower", "recruitment", "recruiting", "staffing", "placement", "overseas",
	"employment", "labour", "labor", "hire", "human", "resources", "workforce", "careers",
	"global", "jobs", "agency", "services", "international", "consultants"};

/* The same words in French and Spanish (round 20), the languages the engine
 * serves, as ILO Convention 181's French and Spanish texts name the
 * agencies' work (agence d'emploi, agencia de empleo; placement,
 * colocación; recrutement, reclutamiento): "Agencia de Empleo Nuevo
 * Horizonte" and "Nuevo Horizonte" were 0.38 apart. Dropped from the core
 * and the acronyms as the English ones are; not read from contractions and
 * abbreviations (names__trade_words), whose English readings the legal-form
 * phrases need ("Empl." is employment in "Overseas Empl. Agency"). */
static const char *const trade_words_fr_es[] = { /* sorted (bsearch) */
	"agence", "agencia", "colocacion", "consultores", "empleo", "empleos", "emploi",
	"emplois", "humaines", "humanos", "interim", "reclutamiento", "recrutement", "recursos",
	"ressources", "servicios", "trabajo", "travail"};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int names__trade_word_fr_es(const char *s)
{
	return bsearch(&s, trade_words_fr_es, sizeof trade_words_fr_es / sizeof *trade_words_fr_es,
		       sizeof *trade_words_fr_es, cmp_str) != NULL;
}

const char *const *names__trade_words(size_t *n)
{
	*n = sizeof trade_words / sizeof *trade_words;
	return trade_words;
}

int names__trade_word(const char *s)
{
	return in_list(s, trade_words, sizeof trade_words / sizeof *trade_words) ||
	       names__trade_word_fr_es(s);
}

void names_core(const char *norm, char *out, size_t cap)
{
	char buf[NAMES_NORM_CAP], *save = NULL, *tok;
	size_t n = 0;

	if (!cap)
		return;
	snprintf(buf, sizeof buf, "%s", norm ? norm : "");
	out[0] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (names__trade_word(tok))
			continue;
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? " " : "", tok);
		if (n >= cap)
			break;
	}
	if (!out[0] || n >= cap)
		snprintf(out, cap, "%s", norm ? norm : "");
}

double names_form_score(const char *q, const char *norm, int *exact)
{
	char qc[NAMES_NORM_CAP], nc[NAMES_NORM_CAP];

	if (exact)
		*exact = 0;
	if (!q[0] || !norm[0])
		return 0;
	if (strcmp(q, norm) == 0) {
		if (exact)
			*exact = 1;
		return 1.0;
	}
	names_core(q, qc, sizeof qc);
	names_core(norm, nc, sizeof nc);
	if (strlen(qc) >= NAMES_CORE_MIN_BYTES && strcmp(qc, nc) == 0) {
		if (exact)
			*exact = 2;
		return 1.0;
	}
	return names_similarity(q, norm);
}

double names_score(const char *a, const char *b)
{
	char na[NAMES_NORM_CAP], sa[NAMES_NORM_CAP], nb[NAMES_NORM_CAP], sb[NAMES_NORM_CAP];
	const char *fa[2] = {na, sa}, *fb[2] = {nb, sb};
	double best = 0;

	if (names_normalise_forms(a, strlen(a), na, sizeof na, sa, sizeof sa, NULL) < 0 ||
	    names_normalise_forms(b, strlen(b), nb, sizeof nb, sb, sizeof sb, NULL) < 0)
		return 0;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double x;

			if (!fa[i][0] || !fb[j][0])
				continue;
			x = names_form_score(fa[i], fb[j], NULL);
			if (x > best)
				best = x;
		}
	return best;
}
