/*
 * taxonomy.c - ESCO in memory, the taxonomy Xapian index, normalisation of
 * free text to concepts, typeahead and the ISCO-08 proximity helper.
 *
 * Index layout (one document per label, see taxonomy.h):
 *   words      the label tokenised and stemmed by its own language (unprefixed, Z stems)
 *   G<tri>     character trigrams of each folded word, padded with ^ and $ (typos)
 *   E<folded>  the whole folded label (exact lookup), boolean
 *   W<word>    each folded word, boolean (which query words need trigrams)
 *   K<o|s>     kind: occupation or skill, boolean
 *   L<lang>    language of the label, boolean
 *   data       "<o|s>\t<lang>\t<p|a|h>\t<uri>\t<label>"
 *
 * Normalisation ranks concepts, not labels: the weight of a concept is the
 * sum over languages of its best label's BM25 weight in that language, so a
 * query mixing two languages ("soudage MIG") favours the concept both halves
 * point at. Acronyms that ESCO spells out in its descriptions ("metal inert
 * gas (MIG)") are expanded in the query, since labels rarely carry them.
 * The confidence is computed apart from BM25 (whose scale means nothing
 * across queries) from word coverage; see confidence() and docs/taxonomy.md.
 */
#include "engine/taxonomy/taxonomy.h"

#include "engine/core/csv.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAX_INDEX_VERSION "fairmatch-taxonomy-4"
#define META_VERSION "fairmatch.taxonomy.version"
#define MAX_WORDS 24
#define WORD_MAX 48
#define FOLD_MAX 512
#define FUZZY_HITS 120
#define MAX_CANDS 64 /* candidates from the exact lookup and the search */
#define RW_CANDS 32  /* more from the rewrite rules */
#define TRI_WEIGHT 0.35 /* trigram evidence relative to whole words */

#define RERANK_POOL 30   /* candidates re-ranked with the confidence */
#define CONF_UNION 0.2 /* confidence: share of the text's words found in any label (see confidence) */
#define ALT_PEN 0.9    /* an alternative label's evidence against a preferred one */

/* ---- process-wide state ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = TAX_ERR;
static char init_err[512];
static esco *g_tax;
static char g_path[4096];

static pthread_key_t tl_key;
static _Thread_local index_db *tl_db;

/* Acronyms spelt out in ESCO's descriptions: "mig" -> "metal inert gas". */
struct acronym {
	char acr[8];
	char expansion[96];
};
static struct acronym *g_acr;
static size_t g_n_acr;

static void close_thread_db(void *unused)
{
	(void)unused;
	index_close(tl_db);
	tl_db = NULL;
}

/* ---- folding and words ---- */

/* Base letters of U+00C0..U+00FF (the second byte of C3 xx minus 0x80). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "y"};

size_t taxonomy_fold(const char *text, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t n = 0;
	int space = 1; /* drops leading blanks */

	if (!outlen)
		return 0;
	while (*s) {
		char tmp[4];
		const char *add = tmp;
		size_t len;

		if (*s < 0x80) {
			if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
				tmp[0] = (char)*s;
			} else if (*s >= 'A' && *s <= 'Z') {
				tmp[0] = (char)(*s + 32);
			} else {
				tmp[0] = ' ';
			}
			tmp[1] = '\0';
			s++;
		} else if (*s == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
			add = latin1[s[1] - 0x80];
			s += 2;
		} else if (*s == 0xC5 && (s[1] == 0x92 || s[1] == 0x93)) {
			add = "oe";
			s += 2;
		} else {
			/* Another UTF-8 sequence: kept whole, as a letter. */
			size_t k = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2, j;

			for (j = 0; j < k && s[j]; j++)
				tmp[j] = (char)s[j];
			s += j;
			if (j < 4)
				tmp[j] = '\0';
			if (j == 4) {
				if (n + 4 >= outlen)
					break;
				memcpy(out + n, tmp, 4);
				n += 4;
				space = 0;
				continue;
			}
		}
		if (add[0] == ' ') {
			if (!space && n + 1 < outlen)
				out[n++] = ' ';
			space = 1;
			continue;
		}
		len = strlen(add);
		if (n + len >= outlen)
			break;
		memcpy(out + n, add, len);
		n += len;
		space = 0;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

/* Splits folded text into words (pointers into buf, which is modified). */
static size_t split_words(char *buf, char *words[], size_t max)
{
	size_t n = 0;
	char *p = buf;

	while (*p && n < max) {
		char *sp = strchr(p, ' ');

		if (sp)
			*sp = '\0';
		if (*p && strlen(p) < WORD_MAX)
			words[n++] = p;
		if (!sp)
			break;
		p = sp + 1;
	}
	return n;
}

/* Words that say nothing about the concept (en, fr, es). */
static int is_stopword(const char *w)
{
	static const char *const stop[] = {
		"a", "an", "and", "the", "of", "to", "in", "on", "for", "with", "or", "by",
		"de", "des", "du", "la", "le", "les", "l", "d", "et", "en", "au", "aux", "un", "une",
		"pour", "dans", "sur", "el", "los", "las", "y", "del", "con", "para", "por", "o", NULL};
	size_t i;

	for (i = 0; stop[i]; i++)
		if (strcmp(w, stop[i]) == 0)
			return 1;
	return 0;
}

/* Padded trigrams of one word: "^we", "wel", ..., "ng$". Returns the count. */
static size_t word_trigrams(const char *w, char tri[][4], size_t max)
{
	char pad[WORD_MAX + 3];
	size_t len = strlen(w), i, n = 0;

	if (len + 2 >= sizeof pad)
		return 0;
	pad[0] = '^';
	memcpy(pad + 1, w, len);
	pad[len + 1] = '$';
	pad[len + 2] = '\0';
	for (i = 0; i + 3 <= len + 2 && n < max; i++) {
		memcpy(tri[n], pad + i, 3);
		tri[n][3] = '\0';
		n++;
	}
	return n;
}

/* Dice coefficient of two words' trigram sets (1 for equal words). */
static double word_sim(const char *a, const char *b)
{
	char ta[WORD_MAX + 2][4], tb[WORD_MAX + 2][4];
	size_t na, nb, i, j, common = 0;

	if (strcmp(a, b) == 0)
		return 1.0;
	na = word_trigrams(a, ta, WORD_MAX + 2);
	nb = word_trigrams(b, tb, WORD_MAX + 2);
	if (!na || !nb)
		return 0;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (memcmp(ta[i], tb[j], 4) == 0) {
				common++;
				break;
			}
	return 2.0 * (double)common / (double)(na + nb);
}

/* Optimal-string-alignment edit distance (a transposition counts one),
 * for words shorter than WORD_MAX. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return la > lb ? la : lb;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t c = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + c;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* How much two words are the same word, in [0,1]: 1 equal; 0.9 an
 * inflection (a shared stem of at least 4 letters covering most of both);
 * else 1 - edit distance / length for a small typo in a word of 4 letters or
 * more; 0 below 0.6. Short words (codes such as MIG, TIG) must be equal. */
static double word_match(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), k = 0, m = la > lb ? la : lb;
	double sim;

	if (strcmp(a, b) == 0)
		return 1.0;
	if (la < 4 || lb < 4)
		return 0;
	while (a[k] && a[k] == b[k])
		k++;
	if (k >= 4 && k * 4 >= m * 3)
		return 0.9;
	/* The edit distance is at least the difference in length: skip it when
	 * that alone puts the similarity under 0.6 (and the trigram rescue when
	 * a, shorter, has too few trigrams to reach 0.7: its la trigrams against
	 * b's lb give at most 2 la / (la + lb)). */
	if ((la > lb ? la - lb : lb - la) * 5 > m * 2)
		sim = 0;
	else
		sim = 1.0 - (double)edit_distance(a, b) / (double)m;
	if (sim < 0.6 && !(la < lb && 20 * la < 7 * (la + lb)) && word_sim(a, b) >= 0.7)
		sim = 0.6;
	return sim >= 0.6 ? sim : 0;
}

/* ---- acronyms ---- */

static int acr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct acronym *)a)->acr, ((const struct acronym *)b)->acr);
}

/* Finds "w1 w2 w3 (ABC)" in an English description, the initials of the
 * words before the parenthesis spelling the acronym. */
static void scan_acronyms(const char *desc, struct acronym **arr, size_t *n, size_t *cap)
{
	const char *p = desc;

	while ((p = strchr(p, '(')) != NULL) {
		const char *q = p + 1, *w;
		char acr[8];
		size_t len = 0, k, nw;
		const char *starts[8];

		while (*q >= 'A' && *q <= 'Z' && len < 7)
			acr[len++] = (char)(*q++ + 32);
		acr[len] = '\0';
		if (*q != ')' || len < 2 || len > 6) {
			p++;
			continue;
		}
		/* walk back len words */
		w = p;
		for (nw = 0; nw < len; nw++) {
			while (w > desc && w[-1] == ' ')
				w--;
			if (w == desc)
				break;
			while (w > desc && w[-1] != ' ' && w[-1] != '(' && w[-1] != ',')
				w--;
			starts[len - 1 - nw] = w;
		}
		if (nw < len) {
			p++;
			continue;
		}
		for (k = 0; k < len; k++) {
			char c = starts[k][0];

			if ((c | 32) != acr[k])
				break;
		}
		if (k == len) {
			size_t elen = (size_t)(p - starts[0]);

			while (elen > 0 && starts[0][elen - 1] == ' ')
				elen--;
			if (elen > 0 && elen < sizeof((*arr)->expansion)) {
				if (*n == *cap) {
					size_t nc = *cap ? *cap * 2 : 256;
					struct acronym *na = realloc(*arr, nc * sizeof *na);

					if (!na)
						return;
					*arr = na;
					*cap = nc;
				}
				memcpy((*arr)[*n].acr, acr, len + 1);
				memcpy((*arr)[*n].expansion, starts[0], elen);
				(*arr)[*n].expansion[elen] = '\0';
				(*n)++;
			}
		}
		p++;
	}
}

/* The scope notes and definitions, which data/esco.h does not keep, spell
 * out more acronyms ("metal inert gas (MIG) welding"). A missing file only
 * means fewer acronyms. */
static void scan_file_notes(const char *dir, const char *file, struct acronym **arr, size_t *n,
			    size_t *cap)
{
	static const char *const cols[] = {"scopeNote", "definition"};
	char path[4096];
	csv_reader *r = NULL;
	int c[2], k;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (csv_open(path, &r, NULL, 0))
		return;
	for (k = 0; k < 2; k++)
		c[k] = csv_column(r, cols[k]);
	while (csv_next(r) == 1)
		for (k = 0; k < 2; k++)
			if (c[k] >= 0)
				scan_acronyms(csv_field(r, (size_t)c[k], NULL), arr, n, cap);
	csv_close(r);
}

static void load_acronyms(const esco *tax, const char *dir)
{
	struct acronym *arr = NULL;
	size_t n = 0, cap = 0, i, out = 0;

	scan_file_notes(dir, "skills_en.csv.gz", &arr, &n, &cap);
	scan_file_notes(dir, "occupations_en.csv.gz", &arr, &n, &cap);

	for (i = 0; i < esco_skill_count(tax); i++)
		scan_acronyms(esco_skill_at(tax, i)->description, &arr, &n, &cap);
	for (i = 0; i < esco_occupation_count(tax); i++)
		scan_acronyms(esco_occupation_at(tax, i)->description, &arr, &n, &cap);
	if (!n) {
		free(arr);
		return;
	}
	/* One spelling per acronym (the first after sorting). */
	qsort(arr, n, sizeof *arr, acr_cmp);
	for (i = 0; i < n; i++)
		if (out == 0 || strcmp(arr[out - 1].acr, arr[i].acr) != 0)
			arr[out++] = arr[i];
	g_acr = arr;
	g_n_acr = out;
}

static const char *acronym_expansion(const char *word)
{
	struct acronym key, *hit;

	if (!g_acr || strlen(word) >= sizeof key.acr || strlen(word) < 2)
		return NULL;
	snprintf(key.acr, sizeof key.acr, "%s", word);
	hit = bsearch(&key, g_acr, g_n_acr, sizeof *g_acr, acr_cmp);
	return hit ? hit->expansion : NULL;
}

/* ---- building ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int mkdir_parents(const char *path)
{
	char buf[4096];
	size_t i;

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		buf[i] = '/';
	}
	return 0;
}

static void version_string(const esco *tax, char *buf, size_t len)
{
	/* Acronyms only shape queries, so they are not part of it. */
	snprintf(buf, len, "%s;%zu;%zu", TAX_INDEX_VERSION, esco_occupation_count(tax),
		 esco_skill_count(tax));
}

static int add_label(index_db *w, const esco_label *l, size_t seq, index_error *e)
{
	char fold[FOLD_MAX], words_buf[FOLD_MAX], term[256], data[1024], idt[32];
	char *words[MAX_WORDS], tri[WORD_MAX + 2][4];
	const char *lang = esco_lang_code(l->lang);
	size_t nw, i, j, nt;
	index_doc *d = index_doc_new();
	int rc = INDEX_ENOMEM;

	if (!d)
		return rc;
	taxonomy_fold(l->label, fold, sizeof fold);
	memcpy(words_buf, fold, sizeof fold);
	nw = split_words(words_buf, words, MAX_WORDS);
	snprintf(term, sizeof term, "E%.240s", fold);
	snprintf(idt, sizeof idt, "Q%zu", seq);
	snprintf(data, sizeof data, "%c\t%s\t%c\t%s\t%s", l->kind == ESCO_KIND_OCCUPATION ? 'o' : 's',
		 lang, l->is_preferred ? 'p' : l->is_hidden ? 'h' : 'a', l->uri, l->label);
	if ((rc = index_doc_add_text(d, l->label, strlen(l->label), lang, 1, "", e)) ||
	    (rc = index_doc_add_boolean(d, term, e)) ||
	    (rc = index_doc_add_boolean(d, l->kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", e)))
		goto out;
	snprintf(term, sizeof term, "L%s", lang);
	if ((rc = index_doc_add_boolean(d, term, e)))
		goto out;
	for (i = 0; i < nw; i++) {
		snprintf(term, sizeof term, "W%s", words[i]);
		if ((rc = index_doc_add_boolean(d, term, e)))
			goto out;
		nt = word_trigrams(words[i], tri, WORD_MAX + 2);
		for (j = 0; j < nt; j++) {
			snprintf(term, sizeof term, "G%s", tri[j]);
			if ((rc = index_doc_add_term(d, term, 1, e)))
				goto out;
		}
	}
	if ((rc = index_doc_set_data(d, data, strlen(data), e)))
		goto out;
	rc = index_replace(w, idt, d, e);
out:
	index_doc_free(d);
	return rc;
}

int taxonomy_build(const esco *tax, const char *path, tax_label_skip skip, void *arg,
		   size_t *n_labels, char *err, size_t errlen)
{
	char tmp[4200], old[4200], ver[128];
	index_db *w = NULL;
	index_error e = {{0}};
	esco_label_iter it;
	esco_label l;
	size_t n = 0;
	int rc;

	if (mkdir_parents(path)) {
		snprintf(err, errlen, "cannot create the parents of %s: %s", path, strerror(errno));
		return TAX_ERR;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	snprintf(old, sizeof old, "%s.old.%ld", path, (long)getpid());
	rm_tree(tmp);
	/* One flush at the commit instead of one per 10,000 documents: the
	 * build is a few hundred MB of memory for a few times less disk work. */
	setenv("XAPIAN_FLUSH_THRESHOLD", "300000", 0);
	if ((rc = index_open_writable(tmp, &w, &e)))
		goto fail;
	esco_label_iter_init(&it, tax, ESCO_KIND_OCCUPATION | ESCO_KIND_SKILL);
	while (esco_label_next(&it, &l)) {
		if (skip && skip(&l, arg))
			continue;
		if ((rc = add_label(w, &l, n, &e)))
			goto fail;
		n++;
	}
	version_string(tax, ver, sizeof ver);
	if ((rc = index_set_metadata(w, META_VERSION, ver, &e)) || (rc = index_commit(w, &e)))
		goto fail;
	index_close(w);
	w = NULL;
	/* Swap in: a reader holding the old files keeps them until it closes. */
	if (rename(path, old) && errno != ENOENT) {
		snprintf(err, errlen, "cannot move %s aside: %s", path, strerror(errno));
		rm_tree(tmp);
		return TAX_ERR;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
		rm_tree(tmp);
		return TAX_ERR;
	}
	rm_tree(old);
	if (n_labels)
		*n_labels = n;
	return 0;
fail:
	snprintf(err, errlen, "building the taxonomy index: %s", e.msg);
	index_close(w);
	rm_tree(tmp);
	return TAX_ERR;
}

/* ---- init ---- */

/* 1 when the index at path was built from this data by this code, 0 when
 * it is of another version, -1 when there is none. */
static int index_current(const esco *tax, const char *path)
{
	index_db *db = NULL;
	index_error e = {{0}};
	char *v = NULL, want[128];
	int ok;

	if (index_open_readonly(path, &db, &e))
		return -1; /* missing */
	version_string(tax, want, sizeof want);
	ok = index_get_metadata(db, META_VERSION, &v, &e) == 0 && v && strcmp(v, want) == 0;
	free(v);
	index_close(db);
	return ok;
}

/* ESCO itself, loaded once per process and shared by normalisation,
 * matching and quotas; it does not need the label index. */
static pthread_once_t esco_once = PTHREAD_ONCE_INIT;
static char esco_err[400];

static void load_esco(void)
{
	const char *dir = getenv("FAIRMATCH_ESCO_DIR");

	if (esco_load(dir && *dir ? dir : NULL, &g_tax, esco_err, sizeof esco_err)) {
		g_tax = NULL;
		return;
	}
	load_acronyms(g_tax, dir && *dir ? dir : ESCO_DEFAULT_DIR);
}

static void do_init(void)
{
	snprintf(g_path, sizeof g_path, "%s",
		 getenv("FAIRMATCH_TAXONOMY") && *getenv("FAIRMATCH_TAXONOMY")
			 ? getenv("FAIRMATCH_TAXONOMY")
			 : TAX_DEFAULT_PATH);
	pthread_key_create(&tl_key, close_thread_db);
	if (!taxonomy_esco()) {
		snprintf(init_err, sizeof init_err, "loading ESCO: %s", esco_err);
		return;
	}
	/* Built here only when missing: a stale index (another version of this
	 * code or of the data) is still served, with a warning, because a build
	 * takes minutes and would hold up every process that starts meanwhile;
	 * `fairmatch taxonomy load` brings it up to date. */
	switch (index_current(g_tax, g_path)) {
	case 1:
		break;
	case 0:
		fprintf(stderr, "fairmatch: the taxonomy index at %s is from another version; "
				"run 'fairmatch taxonomy load'\n",
			g_path);
		break;
	default:
		if (taxonomy_build(g_tax, g_path, NULL, NULL, NULL, init_err, sizeof init_err))
			return;
	}
	init_rc = 0;
}

int taxonomy_init(char *err, size_t errlen)
{
	pthread_once(&init_once, do_init);
	if (init_rc && err && errlen)
		snprintf(err, errlen, "%s", init_err);
	return init_rc;
}

const esco *taxonomy_esco(void)
{
	pthread_once(&esco_once, load_esco);
	return g_tax;
}

const char *taxonomy_path(void)
{
	if (!g_path[0])
		return getenv("FAIRMATCH_TAXONOMY") && *getenv("FAIRMATCH_TAXONOMY")
			       ? getenv("FAIRMATCH_TAXONOMY")
			       : TAX_DEFAULT_PATH;
	return g_path;
}

/* This thread's read-only handle on the process-wide index. */
static index_db *thread_db(void)
{
	index_error e = {{0}};

	if (taxonomy_init(NULL, 0))
		return NULL;
	if (!tl_db) {
		if (index_open_readonly(g_path, &tl_db, &e)) {
			tl_db = NULL;
			return NULL;
		}
		pthread_setspecific(tl_key, (void *)1);
	}
	return tl_db;
}

/* ---- candidates ---- */

struct cand {
	char uri[160];
	const void *concept;
	double lang_w[ESCO_LANG_COUNT];
	double weight;
	double conf;
	int exact_rank; /* for exact hits: lower is better */
	double feat[TAX_NFEAT]; /* the re-ranker's features (re-ranked candidates only) */
	double rw;              /* support of the best rewrite rule that found it, 0 none */
};

/* The re-ranker: a candidate of the re-ranked pool is ordered by the dot
 * product of these weights with its features (TAX_F_*). Fitted on the
 * development sample only (eval_taxonomy --split dev --train: a conditional
 * logit over each held-out label's pool, L2 0.001 towards the earlier hand-set
 * weights 0.1 BM25 + 0.9 ONE; docs/taxonomy.md), never on the test sample. */
const double taxonomy_rerank_w[TAX_NFEAT] = {
	[TAX_F_BM25] = 1.9683,
	[TAX_F_ONE] = 3.0225,
	[TAX_F_SCORE] = 2.3236,
	[TAX_F_BESTF] = 2.0373,
	[TAX_F_UNION] = 2.4637,
	[TAX_F_PREC] = 1.9394,
	[TAX_F_HEAD_ANY] = 0.5374,
	[TAX_F_HEAD_BEST] = -0.2384,
	[TAX_F_DESC] = 1.4565,
	[TAX_F_NLAB] = -0.1778,
	[TAX_F_PREF_F] = 1.0751,
	[TAX_F_REWRITE] = 3.3367,
};

static const esco_labels *concept_labels(const void *concept, esco_kind kind)
{
	return kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)concept)->labels
					    : ((const esco_skill *)concept)->labels;
}

static const void *concept_by_uri(const esco *tax, esco_kind kind, const char *uri)
{
	return kind == ESCO_KIND_OCCUPATION ? (const void *)esco_occupation_by_uri(tax, uri)
					    : (const void *)esco_skill_by_uri(tax, uri);
}

/* Splits a document's data into its fields (copied into buf). */
struct hit_data {
	char kind;
	int lang;
	char type;
	const char *uri;
	const char *label;
};

static int parse_data(const index_hit *h, char *buf, size_t len, struct hit_data *out)
{
	char *f[5], *p;
	int i;

	if (h->data_len + 1 > len)
		return -1;
	memcpy(buf, h->data, h->data_len);
	buf[h->data_len] = '\0';
	p = buf;
	for (i = 0; i < 5; i++) {
		f[i] = p;
		p = i < 4 ? strchr(p, '\t') : NULL;
		if (i < 4) {
			if (!p)
				return -1;
			*p++ = '\0';
		}
	}
	out->kind = f[0][0];
	out->lang = esco_lang_from_code(f[1]);
	out->type = f[2][0];
	out->uri = f[3];
	out->label = f[4];
	return out->lang < 0 ? -1 : 0;
}

static const char *label_in(const void *concept, esco_kind kind, int lang)
{
	const esco_labels *ls = concept_labels(concept, kind);

	if (lang >= 0 && lang < ESCO_LANG_COUNT && ls[lang].preferred)
		return ls[lang].preferred;
	return ls[ESCO_LANG_EN].preferred;
}

/* ---- the labels in memory ----
 *
 * Every label of every occupation and skill, folded once per process, with
 * a sorted array of (folded word, label) per kind: a typeahead prefix is
 * two binary searches, and the confidence reads folded labels instead of
 * folding them on every call. Built on first use (about 0.3 s, 30 MB),
 * read-only afterwards, so any thread may read it.
 */
struct tlabel {
	const void *concept;
	uint32_t fold;    /* offset of the folded label in text */
	uint32_t concept_idx;
	uint16_t flen;
	uint8_t lang;
	uint8_t type;     /* 0 preferred, 1 alternative, 2 hidden */
};

/* One word of one label, with what typeahead ranks by, so that a prefix
 * scans its range of this array without touching the labels. */
struct tword {
	uint32_t word;    /* offset of the word in text (ends at ' ' or NUL) */
	uint32_t label;   /* index in lab */
	uint32_t concept_idx;
	uint16_t flen;    /* length of the folded label */
	uint8_t wlen;     /* length of the word (255: longer) */
	uint8_t bits;     /* TW_* */
};
#define TW_LANG(b) ((b) & 3u)
#define TW_TYPE(b) (((b) >> 2) & 3u)
#define TW_FIRST 16u /* the label's first word */
#define TW_ONE 32u   /* the label's only word */

struct tax_labels {
	char *text;
	size_t text_len, text_cap;
	struct tlabel *lab;
	size_t n_lab, lab_cap;
	uint32_t *first[2];   /* per kind (0 occupations, 1 skills): concept index -> first label, n+1 */
	struct tword *words[2];
	size_t n_words[2];
	size_t n_kind_lab[2]; /* labels per kind */
	struct syn *syn;      /* word pairs learned from the labels, by a, most frequent first */
	size_t n_syn;
	struct rw *rw;        /* rewrite rules learned from the labels (see rw_learn) */
	size_t n_rw;
	uint32_t *by_fold[2]; /* per kind: label indices sorted by folded label */
	size_t n_by_fold[2];
	char *desc_text;      /* folded English descriptions, NUL-separated */
	size_t desc_len, desc_cap;
	uint32_t *desc[2];    /* per kind: concept index -> offset in desc_text */
};

static pthread_once_t labels_once = PTHREAD_ONCE_INIT;
static struct tax_labels *g_labels;

static int kind_slot(esco_kind kind)
{
	return kind == ESCO_KIND_OCCUPATION ? 0 : 1;
}

static int labels_add(struct tax_labels *t, const void *concept, uint32_t idx, int lang, int type,
		      const char *label)
{
	char fold[FOLD_MAX];
	size_t n = taxonomy_fold(label, fold, sizeof fold);

	if (t->n_lab == t->lab_cap) {
		size_t nc = t->lab_cap ? t->lab_cap * 2 : 65536;
		struct tlabel *na = realloc(t->lab, nc * sizeof *na);

		if (!na)
			return -1;
		t->lab = na;
		t->lab_cap = nc;
	}
	if (t->text_len + n + 1 > t->text_cap) {
		size_t nc = t->text_cap ? t->text_cap * 2 : 1 << 22;
		char *na;

		if (nc > UINT32_MAX || !(na = realloc(t->text, nc)))
			return -1;
		t->text = na;
		t->text_cap = nc;
	}
	memcpy(t->text + t->text_len, fold, n + 1);
	t->lab[t->n_lab] = (struct tlabel){concept, (uint32_t)t->text_len, idx, (uint16_t)n,
					   (uint8_t)lang, (uint8_t)type};
	t->text_len += n + 1;
	t->n_lab++;
	return 0;
}

/* One label, unless skip leaves it out. */
static int labels_add_one(struct tax_labels *t, const void *concept, esco_kind kind,
			  const char *uri, uint32_t idx, int lang, int type, const char *label,
			  tax_label_skip skip, void *arg)
{
	esco_label l = {uri, kind, (esco_lang)lang, label, type == 0, type == 2, concept};

	if (skip && skip(&l, arg))
		return 0;
	return labels_add(t, concept, idx, lang, type, label);
}

static int labels_add_concept(struct tax_labels *t, const void *concept, esco_kind kind,
			      const char *uri, uint32_t idx, const esco_labels *ls,
			      tax_label_skip skip, void *arg)
{
	int lang;
	size_t k;

	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		if (!ls[lang].preferred)
			continue;
		if (labels_add_one(t, concept, kind, uri, idx, lang, 0, ls[lang].preferred, skip, arg))
			return -1;
		for (k = 0; k < ls[lang].n_alt; k++)
			if (labels_add_one(t, concept, kind, uri, idx, lang, 1, ls[lang].alt[k], skip,
					   arg))
				return -1;
		for (k = 0; k < ls[lang].n_hidden; k++)
			if (labels_add_one(t, concept, kind, uri, idx, lang, 2, ls[lang].hidden[k],
					   skip, arg))
				return -1;
	}
	return 0;
}

/* Words compare up to their end (a space or NUL), an end before any letter. */
static int word_cmp_at(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = *a == ' ' ? 0 : (unsigned char)*a, y = *b == ' ' ? 0 : (unsigned char)*b;

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			return 0;
	}
}

static int tword_cmp(const void *a, const void *b, void *text)
{
	const struct tword *x = a, *y = b;
	int c = word_cmp_at((const char *)text + x->word, (const char *)text + y->word);

	return c ? c : (x->label > y->label) - (x->label < y->label);
}

/* <0, 0 or >0 as the word sorts before, starts with, or sorts after p. */
static int word_vs_prefix(const char *w, const char *p, size_t plen)
{
	size_t i;

	for (i = 0; i < plen; i++) {
		unsigned char x = w[i] == ' ' ? 0 : (unsigned char)w[i], y = (unsigned char)p[i];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* ---- synonyms learned from the labels ----
 *
 * Two labels of the same concept in the same language that differ in one
 * word only ("understand written Tamil", "comprehend written Tamil") pair
 * those two words. A pair seen in at least SYN_MIN_CONCEPTS concepts is a
 * synonym the confidence accepts (word_match SYN_SCORE). Learned from the
 * labels of the table, so an evaluation table built without its held-out
 * labels learns nothing from them.
 */
#define SYN_MIN_CONCEPTS 2
#define SYN_SCORE 0.85
#define SYN_MAX 16 /* synonyms kept per query word, the most frequent */

struct syn {
	char a[WORD_MAX];
	char b[WORD_MAX];
	uint32_t count;
};

static int syn_cmp(const void *x, const void *y)
{
	const struct syn *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	return c ? c : strcmp(p->b, q->b);
}

/* By a, then the most frequent pairs first (a word keeps its SYN_MAX best). */
static int syn_cmp_count(const void *x, const void *y)
{
	const struct syn *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	if (c)
		return c;
	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return strcmp(p->b, q->b);
}

static int syn_push(struct syn **arr, size_t *n, size_t *cap, const char *a, const char *b)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16384;
		struct syn *na = realloc(*arr, nc * sizeof *na);

		if (!na)
			return -1;
		*arr = na;
		*cap = nc;
	}
	snprintf((*arr)[*n].a, WORD_MAX, "%s", a);
	snprintf((*arr)[*n].b, WORD_MAX, "%s", b);
	(*arr)[*n].count = 1;
	(*n)++;
	return 0;
}

/* The pairs of one concept's labels [lo, hi) into arr (a < b, once per
 * concept: duplicates within the concept are removed by the caller). */
static int syn_concept(const struct tax_labels *t, size_t lo, size_t hi, struct syn **arr,
		       size_t *n, size_t *cap)
{
	size_t i, j, k, start = *n;

	for (i = lo; i < hi; i++) {
		char fi[FOLD_MAX], *wi[MAX_WORDS];
		size_t ni;

		memcpy(fi, t->text + t->lab[i].fold, (size_t)t->lab[i].flen + 1);
		ni = split_words(fi, wi, MAX_WORDS);
		if (ni < 2)
			continue;
		for (j = i + 1; j < hi; j++) {
			char fj[FOLD_MAX], *wj[MAX_WORDS];
			size_t nj, diff = 0, at = 0;

			if (t->lab[j].lang != t->lab[i].lang)
				continue;
			memcpy(fj, t->text + t->lab[j].fold, (size_t)t->lab[j].flen + 1);
			nj = split_words(fj, wj, MAX_WORDS);
			if (nj != ni)
				continue;
			for (k = 0; k < ni && diff < 2; k++)
				if (strcmp(wi[k], wj[k]) != 0) {
					diff++;
					at = k;
				}
			if (diff != 1 || is_stopword(wi[at]) || is_stopword(wj[at]) ||
			    word_match(wi[at], wj[at]) > 0)
				continue;
			if (strcmp(wi[at], wj[at]) < 0 ? syn_push(arr, n, cap, wi[at], wj[at])
						       : syn_push(arr, n, cap, wj[at], wi[at]))
				return -1;
		}
	}
	/* Once per concept. */
	if (*n - start > 1) {
		size_t w = start;

		qsort(*arr + start, *n - start, sizeof **arr, syn_cmp);
		for (i = start; i < *n; i++)
			if (i == start || syn_cmp(&(*arr)[i], &(*arr)[w - 1]) != 0)
				(*arr)[w++] = (*arr)[i];
		*n = w;
	}
	return 0;
}

static int syn_learn(struct tax_labels *t, size_t n_occ, size_t n_sk)
{
	struct syn *arr = NULL, *out = NULL;
	size_t n = 0, cap = 0, i, k, n_out = 0;
	int s;

	for (s = 0; s < 2; s++) {
		size_t nc = s ? n_sk : n_occ;

		for (i = 0; i < nc; i++)
			if (syn_concept(t, t->first[s][i], t->first[s][i + 1], &arr, &n, &cap))
				goto fail;
	}
	if (n)
		qsort(arr, n, sizeof *arr, syn_cmp);
	/* Count the concepts of each pair; keep the frequent ones, both ways. */
	for (i = 0, k = 0; i < n; i = k) {
		for (k = i + 1; k < n && syn_cmp(&arr[i], &arr[k]) == 0; k++)
			;
		if (k - i >= SYN_MIN_CONCEPTS) {
			arr[n_out] = arr[i];
			arr[n_out++].count = (uint32_t)(k - i);
		}
	}
	if (n_out) {
		out = malloc(2 * n_out * sizeof *out);
		if (!out)
			goto fail;
		for (i = 0; i < n_out; i++) {
			out[2 * i] = arr[i];
			out[2 * i + 1] = arr[i];
			memcpy(out[2 * i + 1].a, arr[i].b, WORD_MAX);
			memcpy(out[2 * i + 1].b, arr[i].a, WORD_MAX);
		}
		qsort(out, 2 * n_out, sizeof *out, syn_cmp_count);
	}
	free(arr);
	t->syn = out;
	t->n_syn = 2 * n_out;
	return 0;
fail:
	free(arr);
	return -1;
}

/* The synonyms of w (pointers into t), up to max. */
static size_t syn_of(const struct tax_labels *t, const char *w, const char **out, size_t max)
{
	size_t a = 0, b = t->n_syn, n = 0;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(t->syn[m].a, w) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; a < t->n_syn && n < max && strcmp(t->syn[a].a, w) == 0; a++)
		out[n++] = t->syn[a].b;
	return n;
}

/* ---- rewrite rules learned from the labels ----
 *
 * Two labels of one concept in one language that share their last words
 * ("read Turkish", "understand written Turkish") or their first words give
 * a rule: the differing head (or tail) of one may be replaced by the
 * other's ("read *" -> "understand written *"). A rule seen in at least
 * RW_MIN concepts is kept (the RW_PER most frequent per replaced part).
 * Normalisation applies each rule that fits the text and looks the result
 * up among the labels: a concept that holds the rewritten text as a label
 * becomes a candidate, with the rule's support as a feature
 * (TAX_F_REWRITE). Learned from the labels of the table, so an evaluation
 * table learns nothing from its held-out labels. The rules point into the
 * table's folded text, 24 bytes each; learning counts the concepts of each
 * distinct rule in a hash table (about 20 MB while learning, freed after).
 */
#define RW_WORDS 4 /* longest replaced part, in words */
#define RW_MIN 3
#define RW_PER 24

struct rw {
	uint64_t h;         /* hash of side, lang, both parts (the learning's table) */
	uint32_t a, b;      /* offsets in text of the replaced part and its replacement */
	uint8_t alen, blen;
	uint8_t lang, side; /* side 0: the parts are heads ("A *"), 1: tails ("* A") */
	uint32_t count;     /* concepts with the rule */
};

static uint64_t rw_hash(const char *text, const struct rw *r)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	h = (h ^ r->side) * 1099511628211ull;
	h = (h ^ r->lang) * 1099511628211ull;
	for (i = 0; i < r->alen; i++)
		h = (h ^ (unsigned char)text[r->a + i]) * 1099511628211ull;
	h = (h ^ 0xffu) * 1099511628211ull;
	for (i = 0; i < r->blen; i++)
		h = (h ^ (unsigned char)text[r->b + i]) * 1099511628211ull;
	return h;
}


static int span_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

/* By side, language, replaced part: the key both orders share. */
static int rw_cmp_part(const struct rw *p, const struct rw *q, const char *tx)
{
	if (p->side != q->side)
		return p->side < q->side ? -1 : 1;
	if (p->lang != q->lang)
		return p->lang < q->lang ? -1 : 1;
	return span_cmp(tx + p->a, p->alen, tx + q->a, q->alen);
}

/* By side, language, replaced part, replacement. */
static int rw_cmp(const void *x, const void *y, void *text)
{
	const struct rw *p = x, *q = y;
	const char *tx = text;
	int c = rw_cmp_part(p, q, tx);

	return c ? c : span_cmp(tx + p->b, p->blen, tx + q->b, q->blen);
}

/* As rw_cmp up to the replaced part, then the most frequent first. */
static int rw_cmp_count(const void *x, const void *y, void *text)
{
	const struct rw *p = x, *q = y;
	const char *tx = text;
	int c = rw_cmp_part(p, q, tx);

	if (c)
		return c;
	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return span_cmp(tx + p->b, p->blen, tx + q->b, q->blen);
}

/* Word starts and lengths of a folded label (single spaces between words). */
static size_t word_spans(const char *f, size_t flen, uint16_t *st, uint16_t *len, size_t max)
{
	size_t n = 0, i = 0;

	while (i < flen && n < max) {
		size_t e = i;

		while (e < flen && f[e] != ' ')
			e++;
		st[n] = (uint16_t)i;
		len[n++] = (uint16_t)(e - i);
		i = e + 1;
	}
	return i < flen ? 0 : n; /* too many words: none */
}

static int rw_push(const char *text, struct rw **arr, size_t *n, size_t *cap, struct rw r)
{
	r.h = rw_hash(text, &r);
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 65536;
		struct rw *na = realloc(*arr, nc * sizeof *na);

		if (!na)
			return -1;
		*arr = na;
		*cap = nc;
	}
	(*arr)[(*n)++] = r;
	return 0;
}

/* Word spans of the labels of one concept, made once per concept. */
struct spans {
	uint16_t st[MAX_WORDS], len[MAX_WORDS];
	size_t n;
};

/* The rules of one concept's labels [lo, hi) appended to arr (a rule may
 * come more than once); sp has room for *sp_cap labels (grown as needed). */
static int rw_concept(struct tax_labels *t, size_t lo, size_t hi, struct rw **arr, size_t *n,
		      size_t *cap, struct spans **sp, size_t *sp_cap)
{
	size_t i, j;

	if (hi - lo > *sp_cap) {
		struct spans *ns = realloc(*sp, (hi - lo) * sizeof *ns);

		if (!ns)
			return -1;
		*sp = ns;
		*sp_cap = hi - lo;
	}
	for (i = lo; i < hi; i++)
		(*sp)[i - lo].n = word_spans(t->text + t->lab[i].fold, t->lab[i].flen,
					     (*sp)[i - lo].st, (*sp)[i - lo].len, MAX_WORDS);
	for (i = lo; i < hi; i++) {
		const struct tlabel *A = &t->lab[i];
		const char *fa = t->text + A->fold;
		const uint16_t *as = (*sp)[i - lo].st, *al = (*sp)[i - lo].len;
		size_t na = (*sp)[i - lo].n;

		if (!na)
			continue;
		for (j = lo; j < hi; j++) {
			const struct tlabel *B = &t->lab[j];
			const char *fb = t->text + B->fold;
			const uint16_t *bs = (*sp)[j - lo].st, *bl = (*sp)[j - lo].len;
			size_t nb = (*sp)[j - lo].n, cs = 0, cp = 0;

			if (j == i || B->lang != A->lang || !nb)
				continue;
			while (cs < na && cs < nb &&
			       span_cmp(fa + as[na - 1 - cs], al[na - 1 - cs], fb + bs[nb - 1 - cs],
					bl[nb - 1 - cs]) == 0)
				cs++;
			while (cp < na && cp < nb &&
			       span_cmp(fa + as[cp], al[cp], fb + bs[cp], bl[cp]) == 0)
				cp++;
			/* Heads differ, tails shared: "A *" -> "B *". */
			if (cs >= 1 && na - cs >= 1 && nb - cs >= 1 && na - cs <= RW_WORDS &&
			    nb - cs <= RW_WORDS) {
				size_t ae = (size_t)as[na - cs] - 1, be = (size_t)bs[nb - cs] - 1;

				if (ae < 256 && be < 256 &&
				    rw_push(t->text, arr, n, cap,
					    (struct rw){0, A->fold, B->fold, (uint8_t)ae, (uint8_t)be,
							A->lang, 0, 1}))
					return -1;
			}
			/* Tails differ, heads shared: "* A" -> "* B". */
			if (cp >= 1 && na - cp >= 1 && nb - cp >= 1 && na - cp <= RW_WORDS &&
			    nb - cp <= RW_WORDS) {
				size_t ab = as[cp], bb = bs[cp];

				if (A->flen - ab < 256 && B->flen - bb < 256 &&
				    rw_push(t->text, arr, n, cap,
					    (struct rw){0, (uint32_t)(A->fold + ab), (uint32_t)(B->fold + bb),
							(uint8_t)(A->flen - ab), (uint8_t)(B->flen - bb),
							A->lang, 1, 1}))
					return -1;
			}
		}
	}
	return 0;
}

/* The distinct rules while learning: an open-addressing table of indices
 * into uniq, with the concept that counted each rule last (once per concept). */
struct rw_table {
	uint32_t *slot; /* index + 1 into uniq, 0 empty */
	size_t mask;
	struct rw *uniq;
	uint32_t *last; /* concept (global number + 1) that counted it last */
	size_t n, cap;
};

static int rw_table_grow(struct rw_table *T)
{
	size_t size = T->mask ? (T->mask + 1) * 2 : 1 << 16, i;
	uint32_t *ns = calloc(size, sizeof *ns);

	if (!ns)
		return -1;
	for (i = 0; i < T->n; i++) {
		size_t at = (size_t)T->uniq[i].h & (size - 1);

		while (ns[at])
			at = (at + 1) & (size - 1);
		ns[at] = (uint32_t)(i + 1);
	}
	free(T->slot);
	T->slot = ns;
	T->mask = size - 1;
	return 0;
}

/* Counts rule r for concept g (once per concept). */
static int rw_table_count(struct rw_table *T, const char *text, const struct rw *r, uint32_t g)
{
	size_t at;

	if ((T->n + 1) * 2 > T->mask + 1 && rw_table_grow(T))
		return -1;
	for (at = (size_t)r->h & T->mask; T->slot[at]; at = (at + 1) & T->mask) {
		size_t e = T->slot[at] - 1;

		if (T->uniq[e].h == r->h && rw_cmp(&T->uniq[e], r, (void *)text) == 0) {
			if (T->last[e] != g) {
				T->last[e] = g;
				T->uniq[e].count++;
			}
			return 0;
		}
	}
	if (T->n == T->cap) {
		size_t nc = T->cap ? T->cap * 2 : 65536;
		struct rw *nu = realloc(T->uniq, nc * sizeof *nu);
		uint32_t *nl;

		if (!nu)
			return -1;
		T->uniq = nu;
		if (!(nl = realloc(T->last, nc * sizeof *nl)))
			return -1;
		T->last = nl;
		T->cap = nc;
	}
	T->uniq[T->n] = *r;
	T->uniq[T->n].count = 1;
	T->last[T->n] = g;
	T->slot[at] = (uint32_t)(++T->n);
	return 0;
}

static int rw_learn(struct tax_labels *t, size_t n_occ, size_t n_sk)
{
	struct rw *arr = NULL, *out = NULL;
	struct spans *sp = NULL;
	struct rw_table T = {0};
	size_t n = 0, cap = 0, i, k, n_out = 0, w, sp_cap = 0;
	int s, rc = -1;

	if (rw_table_grow(&T))
		goto done;
	for (s = 0; s < 2; s++) {
		size_t nc = s ? n_sk : n_occ;

		for (i = 0; i < nc; i++) {
			uint32_t g = (uint32_t)((s ? n_occ : 0) + i + 1);

			n = 0;
			if (rw_concept(t, t->first[s][i], t->first[s][i + 1], &arr, &n, &cap, &sp,
				       &sp_cap))
				goto done;
			for (k = 0; k < n; k++)
				if (rw_table_count(&T, t->text, &arr[k], g))
					goto done;
		}
	}
	for (i = 0; i < T.n; i++)
		n_out += T.uniq[i].count >= RW_MIN;
	if (n_out && !(out = malloc(n_out * sizeof *out)))
		goto done;
	for (i = 0, k = 0; i < T.n; i++)
		if (T.uniq[i].count >= RW_MIN)
			out[k++] = T.uniq[i];
	/* The RW_PER most frequent per replaced part. */
	if (n_out)
		qsort_r(out, n_out, sizeof *out, rw_cmp_count, t->text);
	for (i = 0, w = 0, k = 0; i < n_out; i++) {
		if (i == 0 || out[i].side != out[i - 1].side || out[i].lang != out[i - 1].lang ||
		    span_cmp(t->text + out[i].a, out[i].alen, t->text + out[i - 1].a,
			     out[i - 1].alen) != 0)
			k = 0;
		if (k++ < RW_PER)
			out[w++] = out[i];
	}
	t->rw = out;
	t->n_rw = w;
	out = NULL;
	rc = 0;
done:
	free(out);
	free(arr);
	free(sp);
	free(T.slot);
	free(T.uniq);
	free(T.last);
	return rc;
}

/* Rules [*lo, *hi) of side and lang whose replaced part is a (alen bytes). */
static void rw_range(const struct tax_labels *t, int side, int lang, const char *a, size_t alen,
		     size_t *lo, size_t *hi)
{
	size_t x = 0, y = t->n_rw;

	while (x < y) {
		size_t m = x + (y - x) / 2;
		const struct rw *r = &t->rw[m];
		int c = r->side != side ? (r->side < side ? -1 : 1)
			: r->lang != lang ? (r->lang < lang ? -1 : 1)
					  : span_cmp(t->text + r->a, r->alen, a, alen);

		if (c < 0)
			x = m + 1;
		else
			y = m;
	}
	*lo = x;
	while (x < t->n_rw && t->rw[x].side == side && t->rw[x].lang == lang &&
	       span_cmp(t->text + t->rw[x].a, t->rw[x].alen, a, alen) == 0)
		x++;
	*hi = x;
}

static int fold_cmp(const void *x, const void *y, void *tab)
{
	const struct tax_labels *t = tab;

	return strcmp(t->text + t->lab[*(const uint32_t *)x].fold,
		      t->text + t->lab[*(const uint32_t *)y].fold);
}

/* Labels of kind slot s whose folded form is f: by_fold[s][*lo, *hi). */
static void fold_range(const struct tax_labels *t, int s, const char *f, size_t *lo, size_t *hi)
{
	size_t x = 0, y = t->n_by_fold[s];

	while (x < y) {
		size_t m = x + (y - x) / 2;

		if (strcmp(t->text + t->lab[t->by_fold[s][m]].fold, f) < 0)
			x = m + 1;
		else
			y = m;
	}
	*lo = x;
	while (x < t->n_by_fold[s] && strcmp(t->text + t->lab[t->by_fold[s][x]].fold, f) == 0)
		x++;
	*hi = x;
}

void taxonomy_labels_free(struct tax_labels *t)
{
	int s;

	if (!t)
		return;
	free(t->text);
	free(t->lab);
	free(t->syn);
	free(t->desc_text);
	free(t->rw);
	for (s = 0; s < 2; s++) {
		free(t->by_fold[s]);
		free(t->first[s]);
		free(t->words[s]);
		free(t->desc[s]);
	}
	free(t);
}

#define DESC_MAX 2048 /* the first bytes of a description read (folded) */

/* Folds a concept's English description into t (its offset in *off). */
static int desc_add(struct tax_labels *t, const char *desc, uint32_t *off)
{
	char fold[DESC_MAX];
	size_t n = taxonomy_fold(desc ? desc : "", fold, sizeof fold);

	if (t->desc_len + n + 1 > t->desc_cap) {
		size_t nc = t->desc_cap ? t->desc_cap * 2 : 1 << 22;
		char *na;

		if (nc > UINT32_MAX || !(na = realloc(t->desc_text, nc)))
			return -1;
		t->desc_text = na;
		t->desc_cap = nc;
	}
	memcpy(t->desc_text + t->desc_len, fold, n + 1);
	*off = (uint32_t)t->desc_len;
	t->desc_len += n + 1;
	return 0;
}

struct tax_labels *taxonomy_labels_new(const esco *tax, tax_label_skip skip, void *arg)
{
	struct tax_labels *t = calloc(1, sizeof *t);
	size_t i, k, n_occ = esco_occupation_count(tax), n_sk = esco_skill_count(tax);
	int s;

	if (!t || !(t->first[0] = calloc(n_occ + 1, sizeof(uint32_t))) ||
	    !(t->first[1] = calloc(n_sk + 1, sizeof(uint32_t))) ||
	    !(t->desc[0] = calloc(n_occ + 1, sizeof(uint32_t))) ||
	    !(t->desc[1] = calloc(n_sk + 1, sizeof(uint32_t))))
		goto fail;
	for (i = 0; i < n_occ; i++) {
		const esco_occupation *o = esco_occupation_at(tax, i);

		if (desc_add(t, o->description, &t->desc[0][i]))
			goto fail;
		t->first[0][i] = (uint32_t)t->n_lab;
		if (labels_add_concept(t, o, ESCO_KIND_OCCUPATION, o->uri, (uint32_t)i, o->labels,
				       skip, arg))
			goto fail;
	}
	t->first[0][n_occ] = (uint32_t)t->n_lab;
	for (i = 0; i < n_sk; i++) {
		const esco_skill *sk = esco_skill_at(tax, i);

		if (desc_add(t, sk->description, &t->desc[1][i]))
			goto fail;
		t->first[1][i] = (uint32_t)t->n_lab;
		if (labels_add_concept(t, sk, ESCO_KIND_SKILL, sk->uri, (uint32_t)i, sk->labels, skip,
				       arg))
			goto fail;
	}
	t->first[1][n_sk] = (uint32_t)t->n_lab;
	for (s = 0; s < 2; s++) {
		size_t lo = t->first[s][0], hi = t->first[s][s ? n_sk : n_occ], n = 0, cap = 0;

		t->n_kind_lab[s] = hi - lo;

		for (i = lo; i < hi; i++) {
			const char *f = t->text + t->lab[i].fold;

			for (k = 0; f[k]; k++)
				cap += k == 0 || f[k - 1] == ' ';
		}
		if (!(t->words[s] = malloc((cap ? cap : 1) * sizeof *t->words[s])))
			goto fail;
		for (i = lo; i < hi; i++) {
			const struct tlabel *L = &t->lab[i];
			const char *f = t->text + L->fold;

			for (k = 0; f[k]; k++)
				if (k == 0 || f[k - 1] == ' ') {
					size_t wl = strcspn(f + k, " ");
					unsigned bits = L->lang | (unsigned)L->type << 2;

					bits |= k == 0 ? TW_FIRST : 0;
					bits |= k == 0 && !f[wl] ? TW_ONE : 0;
					t->words[s][n++] = (struct tword){
						(uint32_t)(L->fold + k), (uint32_t)i, L->concept_idx,
						L->flen, (uint8_t)(wl < 255 ? wl : 255), (uint8_t)bits};
				}
		}
		qsort_r(t->words[s], n, sizeof *t->words[s], tword_cmp, t->text);
		t->n_words[s] = n;
	}
	if (syn_learn(t, n_occ, n_sk) || rw_learn(t, n_occ, n_sk))
		goto fail;
	for (s = 0; s < 2; s++) {
		size_t lo = t->first[s][0], hi = t->first[s][s ? n_sk : n_occ];

		if (!(t->by_fold[s] = malloc((hi - lo + 1) * sizeof *t->by_fold[s])))
			goto fail;
		for (i = lo; i < hi; i++)
			t->by_fold[s][i - lo] = (uint32_t)i;
		qsort_r(t->by_fold[s], hi - lo, sizeof *t->by_fold[s], fold_cmp, t);
		t->n_by_fold[s] = hi - lo;
	}
	return t;
fail:
	taxonomy_labels_free(t);
	return NULL;
}

static void load_labels(void)
{
	const esco *tax = taxonomy_esco();

	if (tax)
		g_labels = taxonomy_labels_new(tax, NULL, NULL);
}

/* The process-wide label table, or NULL (out of memory, or no ESCO). */
static const struct tax_labels *labels(void)
{
	pthread_once(&labels_once, load_labels);
	return g_labels;
}

/* Entries [*lo, *hi) of kind slot s whose word starts with p. */
static void word_range(const struct tax_labels *t, int s, const char *p, size_t plen, size_t *lo,
		       size_t *hi)
{
	size_t a = 0, b = t->n_words[s];

	while (a < b) { /* first entry not before p */
		size_t m = a + (b - a) / 2;

		if (word_vs_prefix(t->text + t->words[s][m].word, p, plen) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = t->n_words[s];
	while (a < b) { /* first entry after p */
		size_t m = a + (b - a) / 2;

		if (word_vs_prefix(t->text + t->words[s][m].word, p, plen) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

/* Query words: folded words of the text, each a unit; an acronym unit also
 * holds the words of its expansion. */
struct units {
	char buf[FOLD_MAX];
	char *w[MAX_WORDS];
	size_t n;
	char exp_buf[MAX_WORDS][96];
	char *exp_w[MAX_WORDS][8];
	size_t n_exp[MAX_WORDS];
	const char *syn[MAX_WORDS][SYN_MAX]; /* learned synonyms of each word */
	size_t n_syn[MAX_WORDS];
	double weight[MAX_WORDS]; /* how much the word says: its IDF over the kind's labels */
};

/* Labels of kind slot s holding the word w (whole word; counted once per
 * word occurrence, which is a label's words nearly always). */
static size_t word_df(const struct tax_labels *t, int s, const char *w)
{
	size_t lo, hi, a, b, len = strlen(w);

	word_range(t, s, w, len, &lo, &hi);
	/* In the range, the word itself sorts first (its end before any letter). */
	a = lo;
	b = hi;
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (word_cmp_at(t->text + t->words[s][m].word, w) == 0)
			a = m + 1;
		else
			b = m;
	}
	return a - lo;
}

static void make_units(const struct tax_labels *t, int s, const char *folded, struct units *u)
{
	size_t i;
	double n_lab = (double)t->n_kind_lab[s] + 1;

	snprintf(u->buf, sizeof u->buf, "%s", folded);
	u->n = split_words(u->buf, u->w, MAX_WORDS);
	for (i = 0; i < u->n; i++) {
		const char *x = acronym_expansion(u->w[i]);

		u->n_exp[i] = 0;
		u->n_syn[i] = is_stopword(u->w[i]) ? 0 : syn_of(t, u->w[i], u->syn[i], SYN_MAX);
		u->weight[i] = log(n_lab / ((double)word_df(t, s, u->w[i]) + 1));
		if (x) {
			taxonomy_fold(x, u->exp_buf[i], sizeof u->exp_buf[i]);
			u->n_exp[i] = split_words(u->exp_buf[i], u->exp_w[i], 8);
		}
	}
}

/* word_match of every query word (and acronym expansion word) against every
 * word of one label, computed once per label. */
struct label_match {
	double w[MAX_WORDS][MAX_WORDS];        /* [unit][label word] */
	double x[MAX_WORDS][8][MAX_WORDS];     /* [unit][expansion word][label word] */
};

static void match_label(const struct units *u, char *const *lw, size_t nl, struct label_match *m)
{
	size_t i, j, k;

	for (i = 0; i < u->n; i++)
		for (j = 0; j < nl; j++) {
			m->w[i][j] = word_match(u->w[i], lw[j]);
			for (k = 0; m->w[i][j] < SYN_SCORE && k < u->n_syn[i]; k++)
				if (strcmp(u->syn[i][k], lw[j]) == 0)
					m->w[i][j] = SYN_SCORE;
			for (k = 0; k < u->n_exp[i]; k++)
				m->x[i][k][j] = word_match(u->exp_w[i][k], lw[j]);
		}
}

/* How well label words cover unit i, in [0,1]. */
static double unit_covered(const struct units *u, size_t i, const struct label_match *m, size_t nl)
{
	size_t j, k;
	double best = 0, sum = 0;

	for (j = 0; j < nl; j++)
		if (m->w[i][j] > best)
			best = m->w[i][j];
	if (best == 1.0 || !u->n_exp[i])
		return best;
	/* An acronym is covered as well as the worst word of its spelt-out form. */
	for (k = 0; k < u->n_exp[i]; k++) {
		double wb = 0;

		for (j = 0; j < nl; j++)
			if (m->x[i][k][j] > wb)
				wb = m->x[i][k][j];
		sum = k == 0 || wb < sum ? wb : sum;
	}
	return sum > best ? sum : best;
}

/* How well label word j is matched by the query words (or expansions). */
static double label_word_covered(const struct units *u, const struct label_match *m, size_t j)
{
	size_t i, k;
	double best = 0;

	for (i = 0; i < u->n; i++) {
		if (m->w[i][j] > best)
			best = m->w[i][j];
		for (k = 0; k < u->n_exp[i]; k++)
			if (m->x[i][k][j] > best)
				best = m->x[i][k][j];
	}
	return best;
}

/*
 * The confidence that the concept is what the text means, in [0,1]:
 * 0.2 x the share of the text's content words found in some label of the
 * concept (any language; an acronym counts when all words of its spelt-out
 * form are there) + 0.8 x the best match of one label with the text: the
 * harmonic mean (F1) of the share of the text's words that label covers and
 * the share of the label's content words that the text covers (x 0.9 for an
 * alternative label). Text words weigh by their IDF over the kind's labels
 * (a rare word says more than "manage"); words count by how much they match
 * (word_match: 1 equal, 0.9 an inflection, less for a typo; SYN_SCORE a
 * synonym learned from the labels). The weights and TAX_MIN_SCORE were set
 * on the held-out evaluation (docs/taxonomy.md). The labels come folded
 * from the table in memory.
 */
/* Equal words, or an inflection (word_match's shared-stem rule): the cheap
 * test the description feature uses on every word of a description. */
static int word_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), k = 0, m = la > lb ? la : lb;

	if (strcmp(a, b) == 0)
		return 1;
	if (la < 4 || lb < 4)
		return 0;
	while (a[k] && a[k] == b[k])
		k++;
	return k >= 4 && k * 4 >= m * 3;
}

/* The head word of folded words w[0..n) in lang: the last content word in
 * English ("network engineer"), the first in French and Spanish
 * ("ingénieur réseau"); -1 when there is none. */
static int head_word(char *const *w, size_t n, int lang)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t j = lang == ESCO_LANG_EN ? n - 1 - i : i;

		if (!is_stopword(w[j]))
			return (int)j;
	}
	return -1;
}

/* IDF-weighted share of the text's content words (wt) found in the
 * concept's folded English description, equal or inflected. */
static double desc_share(const struct units *u, const double *wt, double content, const char *desc)
{
	char buf[DESC_MAX], *dw[512];
	size_t nd, i, j;
	double found = 0;

	snprintf(buf, sizeof buf, "%s", desc);
	nd = split_words(buf, dw, sizeof dw / sizeof dw[0]);
	for (i = 0; i < u->n; i++) {
		if (wt[i] <= 0)
			continue;
		for (j = 0; j < nd; j++)
			if (word_same(u->w[i], dw[j])) {
				found += wt[i];
				break;
			}
	}
	return content > 0 ? found / content : 0;
}

static double confidence(const struct tax_labels *t, const struct units *u, const void *concept,
			 esco_kind kind, double *score, double *feat)
{
	int s = kind_slot(kind);
	uint32_t idx = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)concept)->index
						    : ((const esco_skill *)concept)->index;
	double covered[MAX_WORDS] = {0}, wt[MAX_WORDS] = {0}, hit = 0, best_f = 0, best_label = 0;
	double one, spread, head_any = 0, head_best = 0, pref_f = 0;
	struct label_match *m = malloc(sizeof *m);
	size_t i, li;
	double content = 0;
	int th[ESCO_LANG_COUNT], l;

	*score = 0;
	for (l = 0; l < ESCO_LANG_COUNT; l++)
		th[l] = head_word(u->w, u->n, l);
	if (!m)
		return 0;
	for (i = 0; i < u->n; i++) {
		if (is_stopword(u->w[i]))
			continue;
		wt[i] = u->weight[i];
		content += wt[i];
	}
	if (content <= 0) {
		free(m);
		return 0;
	}
	for (li = t->first[s][idx]; li < t->first[s][idx + 1]; li++) {
		const struct tlabel *L = &t->lab[li];
		char fold[FOLD_MAX], *lw[MAX_WORDS];
		size_t nl, j, lc = 0;
		double lh = 0, share, rec = 0, f;

		memcpy(fold, t->text + L->fold, (size_t)L->flen + 1);
		nl = split_words(fold, lw, MAX_WORDS);
		match_label(u, lw, nl, m);
		for (i = 0; i < u->n; i++) {
			double c = unit_covered(u, i, m, nl);

			rec += c * wt[i];
			if (c > covered[i])
				covered[i] = c;
		}
		rec /= content;
		for (j = 0; j < nl; j++) {
			if (is_stopword(lw[j]))
				continue;
			lc++;
			lh += label_word_covered(u, m, j);
		}
		/* A preferred label is stronger evidence than an alternative one. */
		share = lc ? lh / (double)lc * (L->type == 0 ? 1.0 : ALT_PEN) : 0;
		if (share > best_label)
			best_label = share;
		/* How well this one label and the text match each other. */
		f = share + rec > 0 ? 2 * share * rec / (share + rec) : 0;
		{
			/* Whether the text's head word is the label's (in the
			 * label's language): "network engineer" is an engineer. */
			int lh_at = head_word(lw, nl, L->lang), tw = th[L->lang];
			double hm = lh_at >= 0 && tw >= 0 ? m->w[tw][lh_at] : 0;

			if (hm > head_any)
				head_any = hm;
			if (f > best_f || (f == best_f && hm > head_best))
				head_best = hm;
		}
		if (f > best_f)
			best_f = f;
		if (L->type == 0 && f > pref_f)
			pref_f = f;
	}
	free(m);
	for (i = 0; i < u->n; i++)
		hit += covered[i] * wt[i];
	/* Ranked by how well one label matches the text; the score also
	 * accepts the text's words spread over the concept's labels (a text
	 * mixing two languages, "soudage MIG", which no one label holds). */
	one = CONF_UNION * hit / content + (1 - CONF_UNION) * best_f;
	spread = 0.7 * hit / content + 0.3 * best_label;
	*score = one > spread ? one : spread;
	if (feat) {
		feat[TAX_F_ONE] = one;
		feat[TAX_F_SCORE] = *score;
		feat[TAX_F_BESTF] = best_f;
		feat[TAX_F_UNION] = hit / content;
		feat[TAX_F_PREC] = best_label;
		feat[TAX_F_HEAD_ANY] = head_any;
		feat[TAX_F_HEAD_BEST] = head_best;
		feat[TAX_F_DESC] = desc_share(u, wt, content, t->desc_text + t->desc[s][idx]);
		feat[TAX_F_NLAB] = log(1.0 + (double)(t->first[s][idx + 1] - t->first[s][idx])) / 5;
		feat[TAX_F_PREF_F] = pref_f;
	}
	return one;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->exact_rank != y->exact_rank)
		return x->exact_rank < y->exact_rank ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->uri, y->uri); /* same input, same order */
}

/* The candidate for uri, added when new and fewer than max are held. */
static struct cand *find_cand(struct cand *c, size_t *n, size_t max, const char *uri)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(c[i].uri, uri) == 0)
			return &c[i];
	if (*n >= max || strlen(uri) >= sizeof c[0].uri)
		return NULL;
	memset(&c[*n], 0, sizeof c[*n]);
	snprintf(c[*n].uri, sizeof c[*n].uri, "%s", uri);
	c[*n].exact_rank = 1000;
	return &c[(*n)++];
}

/* The exact-label lookup: concepts with a label whose folded form is the
 * folded text; preferred labels and the hint language first. */
static int exact_hits(index_db *db, const esco *tax, esco_kind kind, const char *folded, int hint,
		      struct cand *c, size_t *nc)
{
	char term[256], buf[1200];
	index_query *subs[2], *q;
	index_search_opts o = {.limit = 50, .sort_slot = -1, .weighting = INDEX_WEIGHT_BOOL};
	index_results *r = NULL;
	index_error e;
	size_t i;

	snprintf(term, sizeof term, "E%.240s", folded);
	subs[0] = index_query_term(term, 1);
	subs[1] = index_query_term(kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", 1);
	q = index_query_combine(INDEX_OP_FILTER, subs, 2);
	index_query_free(subs[0]);
	index_query_free(subs[1]);
	if (!q || index_search(db, q, &o, &r, &e)) {
		index_query_free(q);
		return TAX_ERR;
	}
	index_query_free(q);
	for (i = 0; i < index_results_count(r); i++) {
		struct hit_data h;
		struct cand *x;
		int rank;

		if (parse_data(index_results_hit(r, i), buf, sizeof buf, &h))
			continue;
		rank = (h.type == 'p' ? 0 : h.type == 'a' ? 2 : 4) + (hint >= 0 && h.lang != hint);
		x = find_cand(c, nc, MAX_CANDS, h.uri);
		if (!x)
			continue;
		if (!x->concept)
			x->concept = concept_by_uri(tax, kind, h.uri);
		if (rank < x->exact_rank)
			x->exact_rank = rank;
		x->conf = 1.0;
	}
	index_results_free(r);
	return 0;
}

/* Builds the fuzzy query: the text (and acronym expansions) parsed with
 * each language's stemmer, OR the trigrams of the words that no label
 * holds, restricted to kind. */
static index_query *fuzzy_query(index_db *db, const char *text, const struct units *u,
				esco_kind kind, int hint)
{
	index_query *parts[ESCO_LANG_COUNT + 2] = {0}, *tri[MAX_WORDS * (WORD_MAX + 2)];
	index_query *all = NULL, *q = NULL, *filt[2] = {0};
	char ext[FOLD_MAX * 2], tr[WORD_MAX + 2][4], term[16];
	size_t np = 0, nt = 0, i, j, n;
	int l;

	snprintf(ext, sizeof ext, "%s", text);
	for (i = 0; i < u->n; i++)
		if (u->n_exp[i] && strlen(ext) + strlen(u->exp_buf[i]) + 2 < sizeof ext) {
			strcat(ext, " ");
			strcat(ext, acronym_expansion(u->w[i]));
		}
	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		index_query *p = index_query_parse(ext, esco_lang_code((esco_lang)l), "", 0, NULL);

		if (!p)
			goto out;
		parts[np] = index_query_scale(p, hint < 0 || hint == l ? 1.0 : 0.5);
		index_query_free(p);
		if (!parts[np++])
			goto out;
	}
	for (i = 0; i < u->n; i++) {
		char wt[WORD_MAX + 2];
		int known = 0;

		/* Trigrams only for words no label has (typos): they are what
		 * makes a query slow, and a known word needs no rescue. */
		snprintf(wt, sizeof wt, "W%s", u->w[i]);
		if (index_term_exists(db, wt, &known, NULL) == 0 && known)
			continue;
		n = word_trigrams(u->w[i], tr, WORD_MAX + 2);
		for (j = 0; j < n && nt < sizeof tri / sizeof tri[0]; j++) {
			snprintf(term, sizeof term, "G%.3s", tr[j]);
			if (!(tri[nt++] = index_query_term(term, 1)))
				goto out;
		}
	}
	if (nt) {
		index_query *t = index_query_combine(INDEX_OP_OR, tri, nt);

		parts[np] = t ? index_query_scale(t, TRI_WEIGHT) : NULL;
		index_query_free(t);
		if (!parts[np++])
			goto out;
	}
	all = index_query_combine(INDEX_OP_OR, parts, np);
	filt[0] = all;
	filt[1] = index_query_term(kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", 1);
	if (all && filt[1])
		q = index_query_combine(INDEX_OP_FILTER, filt, 2);
out:
	for (i = 0; i < np; i++)
		index_query_free(parts[i]);
	for (i = 0; i < nt; i++)
		index_query_free(tri[i]);
	index_query_free(all);
	index_query_free(filt[1]);
	return q;
}

/* Words [from, to) of u joined by single spaces into out (size FOLD_MAX). */
static void join_words(const struct units *u, size_t from, size_t to, char *out)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = from; i < to; i++) {
		int k = snprintf(out + len, FOLD_MAX - len, "%s%s", i > from ? " " : "", u->w[i]);

		if (k < 0 || (size_t)k >= FOLD_MAX - len)
			return;
		len += (size_t)k;
	}
}

/* Candidates from the rewrite rules (see rw_learn): every rule whose
 * replaced part is the text's first (side 0) or last (side 1) one to
 * RW_WORDS words, in any language; a concept holding the rewritten text as a
 * label gets the rule's support log(1 + concepts) / 5 (at most 1) in rw. */
static void rewrite_cands(const struct tax_labels *t, esco_kind kind, const struct units *u,
			  struct cand *c, size_t *nc)
{
	int s = kind_slot(kind), side, lang;
	size_t p, r, lo, hi, flo, fhi, f;
	char a[FOLD_MAX], var[FOLD_MAX], out[FOLD_MAX];

	for (side = 0; side < 2; side++)
		for (p = 1; p <= RW_WORDS && p < u->n; p++) {
			if (side == 0) {
				join_words(u, 0, p, a);
				join_words(u, p, u->n, var);
			} else {
				join_words(u, u->n - p, u->n, a);
				join_words(u, 0, u->n - p, var);
			}
			for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
				rw_range(t, side, lang, a, strlen(a), &lo, &hi);
				for (r = lo; r < hi; r++) {
					const struct rw *R = &t->rw[r];
					double sc = log(1.0 + R->count) / 5;
					int k = side == 0 ? snprintf(out, sizeof out, "%.*s %s", (int)R->blen,
								     t->text + R->b, var)
							  : snprintf(out, sizeof out, "%s %.*s", var,
								     (int)R->blen, t->text + R->b);

					if (k < 0 || (size_t)k >= sizeof out)
						continue;
					fold_range(t, s, out, &flo, &fhi);
					for (f = flo; f < fhi; f++) {
						const struct tlabel *L = &t->lab[t->by_fold[s][f]];
						const char *uri = kind == ESCO_KIND_OCCUPATION
							? ((const esco_occupation *)L->concept)->uri
							: ((const esco_skill *)L->concept)->uri;
						struct cand *x = find_cand(c, nc, MAX_CANDS + RW_CANDS, uri);

						if (!x)
							continue;
						if (!x->concept)
							x->concept = L->concept;
						if (sc > x->rw)
							x->rw = sc > 1 ? 1 : sc;
					}
				}
			}
		}
}

/* How far candidates() searches. */
enum { CAND_FULL, CAND_EXACT_ONLY, CAND_FIRST, CAND_SETTLED };
/* CAND_SETTLED: the exact label does not settle it, a search would be needed. */
#define CAND_NEEDS_SEARCH (-100)

/* 1 when one concept holds the best exact-label rank alone: then it is the
 * first answer whatever the search would add, since exact labels rank first
 * (cand_cmp). */
static int unique_exact_best(const struct cand *c, size_t nc)
{
	size_t i, best = 0, n_best = 0;

	for (i = 0; i < nc; i++) {
		if (!c[i].concept || c[i].exact_rank >= 1000)
			continue;
		if (!n_best || c[i].exact_rank < c[best].exact_rank) {
			best = i;
			n_best = 1;
		} else if (c[i].exact_rank == c[best].exact_rank) {
			n_best++;
		}
	}
	return n_best == 1;
}

/*
 * CAND_FULL: the exact-label lookup and the search, ranked; CAND_EXACT_ONLY:
 * the exact-label lookup alone (the baseline); CAND_FIRST: as CAND_FULL for
 * the first answer only, skipping the search when an exact label settles it;
 * CAND_SETTLED: as CAND_FIRST when an exact label settles it, else
 * CAND_NEEDS_SEARCH without searching (a document's search budget is spent).
 */
static int candidates(index_db *db, const struct tax_labels *t, const esco *tax, esco_kind kind,
		      const char *text, const char *lang_hint, int mode, struct tax_match *out,
		      double (*feat)[TAX_NFEAT], size_t n)
{
	char folded[FOLD_MAX], buf[1200];
	struct cand *c;
	size_t nc = 0, i, k;
	struct units *u = NULL;
	int hint = lang_hint ? esco_lang_from_code(lang_hint) : -1, rc = TAX_ERR;
	index_query *q = NULL;
	index_results *r = NULL;
	index_search_opts o = {.limit = FUZZY_HITS, .sort_slot = -1};
	index_error e;
	double top = 0;

	if (!db || !tax || !text || !t)
		return TAX_ERR;
	if (strlen(text) > TAX_TEXT_MAX || taxonomy_fold(text, folded, sizeof folded) == 0)
		return TAX_ERR_ARG;
	c = calloc(MAX_CANDS + RW_CANDS, sizeof *c);
	u = calloc(1, sizeof *u);
	if (!c || !u)
		goto done;
	if (exact_hits(db, tax, kind, folded, hint, c, &nc))
		goto done;
	if (mode == CAND_SETTLED && !unique_exact_best(c, nc)) {
		rc = CAND_NEEDS_SEARCH;
		goto done;
	}
	if (mode == CAND_FULL || (mode == CAND_FIRST && !unique_exact_best(c, nc))) {
		make_units(t, kind_slot(kind), folded, u);
		q = fuzzy_query(db, text, u, kind, hint);
		if (!q || index_search(db, q, &o, &r, &e))
			goto done;
		for (i = 0; i < index_results_count(r); i++) {
			const index_hit *h = index_results_hit(r, i);
			struct hit_data d;
			struct cand *x;

			if (parse_data(h, buf, sizeof buf, &d) || !(x = find_cand(c, &nc, MAX_CANDS, d.uri)))
				continue;
			if (h->weight > x->lang_w[d.lang])
				x->lang_w[d.lang] = h->weight;
		}
		rewrite_cands(t, kind, u, c, &nc);
		for (i = 0; i < nc; i++) {
			for (k = 0; k < ESCO_LANG_COUNT; k++)
				c[i].weight += c[i].lang_w[k];
			if (c[i].weight > top)
				top = c[i].weight;
			if (!c[i].concept)
				c[i].concept = concept_by_uri(tax, kind, c[i].uri);
		}
		qsort(c, nc, sizeof *c, cand_cmp);
		/* Re-rank the best few by weight and confidence together. */
		for (i = 0; i < nc; i++) {
			size_t f;

			/* The pool: the best by weight, and whatever a rule found. */
			if (!c[i].concept || c[i].exact_rank < 1000 || (i >= RERANK_POOL && !c[i].rw)) {
				if (i >= RERANK_POOL)
					c[i].weight = 0;
				continue;
			}
			confidence(t, u, c[i].concept, kind, &c[i].conf, c[i].feat);
			c[i].feat[TAX_F_BM25] = top > 0 ? c[i].weight / top : 0;
			c[i].feat[TAX_F_REWRITE] = c[i].rw;
			c[i].weight = 0;
			for (f = 0; f < TAX_NFEAT; f++)
				c[i].weight += taxonomy_rerank_w[f] * c[i].feat[f];
		}
	}
	qsort(c, nc, sizeof *c, cand_cmp);
	for (i = 0, k = 0; i < nc && k < n; i++) {
		if (!c[i].concept)
			continue;
		out[k].kind = kind;
		out[k].concept = c[i].concept;
		out[k].uri = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)c[i].concept)->uri
							  : ((const esco_skill *)c[i].concept)->uri;
		out[k].label = label_in(c[i].concept, kind, hint);
		out[k].score = c[i].conf > 1 ? 1 : c[i].conf;
		if (feat)
			memcpy(feat[k], c[i].feat, sizeof feat[k]);
		k++;
	}
	rc = (int)k;
done:
	index_results_free(r);
	index_query_free(q);
	free(c);
	free(u);
	return rc;
}

int taxonomy_candidates(index_db *db, const struct tax_labels *labels_in, const esco *tax,
			esco_kind kind, const char *text, const char *lang_hint, int exact_only,
			struct tax_match *out, size_t n)
{
	return candidates(db, labels_in ? labels_in : labels(), tax, kind, text, lang_hint,
			  exact_only ? CAND_EXACT_ONLY : CAND_FULL, out, NULL, n);
}

int taxonomy_candidates_features(index_db *db, const struct tax_labels *labels_in,
				 const esco *tax, esco_kind kind, const char *text,
				 const char *lang_hint, struct tax_match *out,
				 double (*feat)[TAX_NFEAT], size_t n)
{
	return candidates(db, labels_in ? labels_in : labels(), tax, kind, text, lang_hint,
			  CAND_FULL, out, feat, n);
}

/* ---- normalisation ---- */

#define ESCO_PREFIX "http://data.europa.eu/esco/"

static int is_digits(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Free-text answers, remembered: the same labels recur on every write
 * (imports repeat a few thousand skill texts over and over), and a search
 * costs milliseconds. A match borrows only strings of the loaded taxonomy,
 * which lives as long as the process, so it can be kept. Set-associative:
 * a text may sit in any of the 4 slots of its set, and a new one replaces
 * the least recently used; one mutex guards it all (held for a few string
 * compares, never during a search). */
#define NORM_CACHE_SETS 8192 /* x 4 ways, about 9 MB; ESCO has ~14,000 skill preferred labels */
#define NORM_CACHE_WAYS 4
static struct norm_cached {
	char text[TAX_TEXT_MAX + 1];
	int kind, hint, rc, used;
	uint64_t stamp;
	struct tax_match match;
} norm_cache[NORM_CACHE_SETS][NORM_CACHE_WAYS];
static uint64_t norm_clock;
static pthread_mutex_t norm_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct norm_cached *norm_set(esco_kind kind, int hint, const char *text)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind ^ ((uint32_t)(hint + 1) << 8);

	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 16777619u;
	return norm_cache[h % NORM_CACHE_SETS];
}

/* The slot holding text in set, or NULL. Under the lock. */
static struct norm_cached *norm_find(struct norm_cached *set, esco_kind kind, int hint,
				     const char *text)
{
	int w;

	for (w = 0; w < NORM_CACHE_WAYS; w++)
		if (set[w].used && set[w].kind == (int)kind && set[w].hint == hint &&
		    strcmp(set[w].text, text) == 0)
			return &set[w];
	return NULL;
}

/* budget (NULL: none): how many more searches this caller may run; a text
 * that needs one when none is left is TAX_ERR_BUDGET (not cached). */
static int normalise_text(esco_kind kind, const char *text, const char *lang_hint, int hint,
			  const esco *tax, struct tax_match *out, int *budget)
{
	struct norm_cached *set = norm_set(kind, hint, text), *c;
	index_db *db;
	int n, rc, w;

	pthread_mutex_lock(&norm_cache_lock);
	if ((c = norm_find(set, kind, hint, text)) != NULL) {
		c->stamp = ++norm_clock;
		*out = c->match;
		rc = c->rc;
		pthread_mutex_unlock(&norm_cache_lock);
		return rc;
	}
	pthread_mutex_unlock(&norm_cache_lock);
	if (!(db = thread_db()))
		return TAX_ERR;
	n = candidates(db, labels(), tax, kind, text, lang_hint, budget ? CAND_SETTLED : CAND_FIRST,
		       out, NULL, 1);
	if (n == CAND_NEEDS_SEARCH) {
		/* Only the search is counted: an exact label and a cached
		 * answer cost microseconds, the search milliseconds. */
		if (*budget <= 0) {
			memset(out, 0, sizeof *out);
			return TAX_ERR_BUDGET;
		}
		(*budget)--;
		n = candidates(db, labels(), tax, kind, text, lang_hint, CAND_FIRST, out, NULL, 1);
	}
	if (n < 0)
		return n; /* an index error is not an answer: not cached */
	rc = n > 0 && out->score >= TAX_MIN_SCORE ? 0 : TAX_ERR_NOMATCH;
	pthread_mutex_lock(&norm_cache_lock);
	/* Another thread may have stored it meanwhile: then that slot. */
	if (!(c = norm_find(set, kind, hint, text))) {
		/* A free slot, else the least recently used one. */
		c = &set[0];
		for (w = 0; w < NORM_CACHE_WAYS; w++) {
			if (!set[w].used) {
				c = &set[w];
				break;
			}
			if (set[w].stamp < c->stamp)
				c = &set[w];
		}
	}
	snprintf(c->text, sizeof c->text, "%s", text);
	c->kind = (int)kind;
	c->hint = hint;
	c->rc = rc;
	c->match = *out;
	c->used = 1;
	c->stamp = ++norm_clock;
	pthread_mutex_unlock(&norm_cache_lock);
	return rc;
}

static int normalise(esco_kind kind, const char *text, const char *lang_hint,
		     struct tax_match *out, int *budget)
{
	const esco *tax;
	int hint = lang_hint ? esco_lang_from_code(lang_hint) : -1;

	memset(out, 0, sizeof *out);
	if (!text || !*text || strlen(text) > TAX_TEXT_MAX)
		return TAX_ERR_ARG;
	if (!(tax = taxonomy_esco()))
		return TAX_ERR;
	if (kind == ESCO_KIND_OCCUPATION && is_digits(text, 4)) {
		const esco_isco_group *g = esco_isco_group_by_code(tax, text);

		if (!g)
			return TAX_ERR_UNKNOWN;
		out->uri = g->code;
		out->label = hint >= 0 && g->labels[hint].preferred ? g->labels[hint].preferred : g->label;
		out->score = 1;
		out->kind = ESCO_KIND_ISCO_GROUP;
		out->concept = g;
		return 0;
	}
	if (strncmp(text, "http://", 7) == 0 || strncmp(text, "https://", 8) == 0) {
		const void *c = concept_by_uri(tax, kind, text);

		if (!c)
			return TAX_ERR_UNKNOWN;
		out->uri = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)c)->uri
							: ((const esco_skill *)c)->uri;
		out->label = label_in(c, kind, hint);
		out->score = 1;
		out->kind = kind;
		out->concept = c;
		return 0;
	}
	return normalise_text(kind, text, lang_hint, hint, tax, out, budget);
}

int taxonomy_normalise_skill(const char *text, const char *lang_hint, struct tax_match *out)
{
	return normalise(ESCO_KIND_SKILL, text, lang_hint, out, NULL);
}

int taxonomy_normalise_occupation(const char *text, const char *lang_hint, struct tax_match *out)
{
	return normalise(ESCO_KIND_OCCUPATION, text, lang_hint, out, NULL);
}

/* ---- documents ---- */

static json_t *at_path(json_t *doc, const char *path)
{
	char buf[128], *p, *dot;
	json_t *v = doc;

	snprintf(buf, sizeof buf, "%s", path);
	for (p = buf; v && p; p = dot) {
		dot = strchr(p, '.');
		if (dot)
			*dot++ = '\0';
		v = json_object_get(v, p);
	}
	return v;
}

static int report(json_t *norm, const char *input, const struct tax_match *m)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:f}", "input", input, "concept", m->uri, "label",
			      m->label, "score", (double)(int)(m->score * 100 + 0.5) / 100);

	return o ? json_array_append_new(norm, o) : -1;
}

/* Checks or normalises one value; replaces it in `arr` at i, or in obj at key.
 * budget: the document's searches left (NULL: unlimited). */
static int one(esco_kind kind, json_t *holder, size_t i, const char *key, const char *field,
	       json_t *norm, int *budget, problem *p)
{
	json_t *v = key ? json_object_get(holder, key) : json_array_get(holder, i);
	const char *s = json_string_value(v);
	struct tax_match m;
	char input[TAX_TEXT_MAX + 1];
	int rc;

	if (!s)
		return 0; /* the type check is the caller's */
	snprintf(input, sizeof input, "%s", s);
	rc = normalise(kind, input, NULL, &m, budget);
	if (rc == TAX_ERR) {
		problem_set(p, 503, "Service unavailable", "the taxonomy is not available");
		return -1;
	}
	if (rc == TAX_ERR_UNKNOWN) {
		problem_field(p, field, "unknown",
			      kind == ESCO_KIND_OCCUPATION
				      ? "'%s' is not a known ISCO-08 unit group or ESCO occupation"
				      : "'%s' is not a known ESCO skill",
			      input);
		p->status = 400;
		return 0;
	}
	if (rc == TAX_ERR_NOMATCH && kind == ESCO_KIND_OCCUPATION) {
		problem_field(p, field, "not_normalised",
			      "'%s' matches no ESCO occupation well enough; give an ISCO-08 code or "
			      "an ESCO occupation URI",
			      input);
		p->status = 400;
		return 0;
	}
	if (rc || strcmp(m.uri, input) == 0 || m.kind == ESCO_KIND_ISCO_GROUP)
		return 0; /* kept as it is: a code, a URI, or free text */
	if (report(norm, input, &m) ||
	    (key ? json_object_set_new(holder, key, json_string(m.uri))
		 : json_array_set_new(holder, i, json_string(m.uri)))) {
		problem_set(p, 503, "Service unavailable", "out of memory");
		return -1;
	}
	return 0;
}

int taxonomy_normalise_doc(json_t *doc, const char *const *skill_paths,
			   const char *occupation_path, const char *occupations_path, problem *p)
{
	json_t *norm = json_array(), *arr;
	char field[160];
	size_t i;
	int rc = -1, budget = TAX_DOC_SEARCHES;

	if (!norm) {
		problem_set(p, 503, "Service unavailable", "out of memory");
		return -1;
	}
	for (; skill_paths && *skill_paths; skill_paths++) {
		arr = at_path(doc, *skill_paths);
		for (i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
			snprintf(field, sizeof field, "%s[%zu]", *skill_paths, i);
			if (one(ESCO_KIND_SKILL, arr, i, NULL, field, norm, &budget, p))
				goto out;
		}
	}
	if (occupation_path && json_is_string(json_object_get(doc, occupation_path)) &&
	    one(ESCO_KIND_OCCUPATION, doc, 0, occupation_path, occupation_path, norm, NULL, p))
		goto out;
	if (occupations_path) {
		arr = at_path(doc, occupations_path);
		for (i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
			snprintf(field, sizeof field, "%s[%zu]", occupations_path, i);
			if (one(ESCO_KIND_OCCUPATION, arr, i, NULL, field, norm, NULL, p))
				goto out;
		}
	}
	if (p->status) {
		if (!p->title[0])
			snprintf(p->title, sizeof p->title, "Bad request");
		goto out;
	}
	rc = json_object_set(doc, "normalised", norm) ? -1 : 0;
	if (rc)
		problem_set(p, 503, "Service unavailable", "out of memory");
out:
	json_decref(norm);
	return rc;
}

/* ---- typeahead ---- */

static json_t *label_list(const esco_labels *ls, int lang, size_t max)
{
	json_t *a = json_array();
	const esco_labels *l = ls[lang].preferred ? &ls[lang] : &ls[ESCO_LANG_EN];
	size_t i;

	for (i = 0; a && i < l->n_alt && i < max; i++)
		json_array_append_new(a, json_string(l->alt[i]));
	return a;
}

static json_t *skill_item(const esco_skill *s, int lang)
{
	return json_pack("{s:s, s:s, s:o, s:s}", "uri", s->uri, "label",
			 label_in(s, ESCO_KIND_SKILL, lang), "alt_labels",
			 label_list(s->labels, lang, 10), "type",
			 s->type == ESCO_SKILL_TYPE_KNOWLEDGE ? "knowledge"
			 : s->type == ESCO_SKILL_TYPE_SKILL ? "skill/competence"
							     : "unknown");
}

static json_t *occupation_item(const esco_occupation *o, int lang)
{
	json_t *ess = json_array();
	size_t i;

	for (i = 0; ess && i < o->n_essential; i++)
		json_array_append_new(ess, json_pack("{s:s, s:s}", "uri", o->essential[i]->uri, "label",
						     label_in(o->essential[i], ESCO_KIND_SKILL, lang)));
	return json_pack("{s:s, s:s, s:o, s:s, s:o}", "uri", o->uri, "label",
			 label_in(o, ESCO_KIND_OCCUPATION, lang), "alt_labels",
			 label_list(o->labels, lang, 10), "isco", o->isco, "essential_skills", ess);
}

int taxonomy_suggest_index(index_db *db, esco_kind kind, const char *q, const char *lang,
			   size_t limit, json_t *items)
{
	const esco *tax = taxonomy_esco();
	int l = lang ? esco_lang_from_code(lang) : ESCO_LANG_EN;
	index_query *text = NULL, *langs[2] = {0}, *filt[3] = {0}, *query = NULL;
	index_search_opts o = {.sort_slot = -1};
	index_results *r = NULL;
	index_error e;
	char term[8], buf[1200];
	const void *seen[100];
	size_t n_seen = 0, i, j;
	int rc = TAX_ERR;

	if (!tax || !items || l < 0)
		return TAX_ERR;
	if (!db && !(db = thread_db()))
		return TAX_ERR;
	if (limit > 100)
		limit = 100;
	text = index_query_parse(q, esco_lang_code((esco_lang)l), "", INDEX_PARSE_PARTIAL, &e);
	snprintf(term, sizeof term, "L%s", esco_lang_code((esco_lang)l));
	langs[0] = index_query_term(term, 1);
	langs[1] = index_query_term("Len", 1);
	filt[0] = text;
	filt[1] = index_query_term(kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", 1);
	filt[2] = index_query_combine(INDEX_OP_OR, langs, l == ESCO_LANG_EN ? 1 : 2);
	if (text && filt[1] && filt[2])
		query = index_query_combine(INDEX_OP_FILTER, filt, 3);
	o.limit = (uint32_t)(limit * 6 + 10);
	if (!query || index_search(db, query, &o, &r, &e))
		goto out;
	for (i = 0; i < index_results_count(r) && n_seen < limit; i++) {
		struct hit_data d;
		const void *c;
		json_t *item;

		if (parse_data(index_results_hit(r, i), buf, sizeof buf, &d) ||
		    !(c = concept_by_uri(tax, kind, d.uri)))
			continue;
		for (j = 0; j < n_seen && seen[j] != c; j++)
			;
		if (j < n_seen)
			continue;
		seen[n_seen++] = c;
		item = kind == ESCO_KIND_OCCUPATION ? occupation_item(c, l) : skill_item(c, l);
		if (!item || json_array_append_new(items, item))
			goto out;
	}
	rc = 0;
out:
	index_results_free(r);
	index_query_free(query);
	index_query_free(text);
	index_query_free(langs[0]);
	index_query_free(langs[1]);
	index_query_free(filt[1]);
	index_query_free(filt[2]);
	return rc;
}

/* ---- ISCO-08 ---- */

static const char *isco_of(const char *s)
{
	const esco_occupation *o;

	if (!s)
		return NULL;
	if (strncmp(s, ESCO_PREFIX, strlen(ESCO_PREFIX)) != 0)
		return s;
	o = taxonomy_esco() ? esco_occupation_by_uri(taxonomy_esco(), s) : NULL;
	return o ? o->isco : NULL;
}

tax_proximity taxonomy_occupation_proximity(const char *a, const char *b)
{
	const char *ia = isco_of(a), *ib = isco_of(b);

	if (!ia || !ib)
		return ESCO_ISCO_UNRELATED;
	return (tax_proximity)esco_isco_proximity(ia, ib);
}

/* ---- typeahead on the labels in memory ---- */

/* 1 when some word of the folded label f starts with w. */
static int has_word_prefix(const char *f, const char *w, size_t wlen)
{
	const char *p = f;

	for (;;) {
		if (strncmp(p, w, wlen) == 0)
			return 1;
		if (!(p = strchr(p, ' ')))
			return 0;
		p++;
	}
}

/* 1 when some word of the folded label f is w. */
static int has_word(const char *f, const char *w, size_t wlen)
{
	const char *p = f;

	for (;;) {
		if (strncmp(p, w, wlen) == 0 && (p[wlen] == ' ' || p[wlen] == '\0'))
			return 1;
		if (!(p = strchr(p, ' ')))
			return 0;
		p++;
	}
}

struct sugg {
	uint64_t key;
	uint32_t concept_idx;
	uint32_t label;
};

/*
 * The order of typeahead answers, best first. A concept ranks by its best
 * label (for a one-word query, its best label word), and labels by, in this
 * order: the label is the query; the query's last word is a whole word of
 * the label (a finished word: "nurse" before "nursery"); the label starts
 * with the query; the label is in the asked language; a preferred label,
 * then an alternative, then a hidden one; a shorter label; then ESCO's
 * concept order, so equal input gives the same answer.
 */
#define SK_EXACT (1ull << 62)
#define SK_WHOLE (1ull << 61)
#define SK_START (1ull << 60)
#define SK_LANG (1ull << 59)
#define SK_TYPE(t) ((uint64_t)(2 - (t)) << 57)
#define SK_TAIL(flen, idx) ((uint64_t)(0xFFFFu - (flen)) << 32 | (uint64_t)(0xFFFFFFFFu - (idx)))

/* Keeps best[0..*n) the `limit` best distinct concepts, best first. */
static void sugg_offer(struct sugg *best, size_t *n, size_t limit, uint64_t key, uint32_t cidx,
		       uint32_t label)
{
	size_t i, j;

	for (i = 0; i < *n && best[i].concept_idx != cidx; i++)
		;
	if (i < *n) {
		if (key <= best[i].key)
			return;
		j = i; /* raise it */
	} else {
		j = *n < limit ? (*n)++ : *n - 1; /* the worst makes room */
	}
	while (j > 0 && best[j - 1].key < key) {
		best[j] = best[j - 1];
		j--;
	}
	best[j] = (struct sugg){key, cidx, label};
}

int taxonomy_suggest(index_db *db, esco_kind kind, const char *q, const char *lang, size_t limit,
		     json_t *items)
{
	const struct tax_labels *t = labels();
	int l = lang ? esco_lang_from_code(lang) : ESCO_LANG_EN, s = kind_slot(kind);
	char fq[FOLD_MAX], wbuf[FOLD_MAX], *w[MAX_WORDS];
	size_t nw, i, k, lo = 0, hi = 0, drv = 0, n = 0, fqlen, wl[MAX_WORDS];
	struct sugg best[100];

	if (!t || !items || l < 0 || !q)
		return TAX_ERR;
	if (limit > 100)
		limit = 100;
	if (!limit)
		return 0;
	fqlen = taxonomy_fold(q, fq, sizeof fq);
	memcpy(wbuf, fq, fqlen + 1);
	nw = split_words(wbuf, w, MAX_WORDS);
	if (!nw)
		return taxonomy_suggest_index(db, kind, q, lang, limit, items);
	/* The word with the fewest label words starting with it drives. */
	for (i = 0; i < nw; i++) {
		size_t a, b;

		wl[i] = strlen(w[i]);
		word_range(t, s, w[i], wl[i], &a, &b);
		if (i == 0 || b - a < hi - lo) {
			lo = a;
			hi = b;
			drv = i;
		}
	}
	for (i = lo; i < hi; i++) {
		const struct tword *x = &t->words[s][i];
		unsigned lg = TW_LANG(x->bits);
		uint64_t key = SK_TYPE(TW_TYPE(x->bits)) | SK_TAIL(x->flen, x->concept_idx);
		const char *f;

		if ((int)lg != l && lg != ESCO_LANG_EN)
			continue;
		key |= (int)lg == l ? SK_LANG : 0;
		if (nw == 1) {
			/* All from the word itself: no need to read the label. */
			key |= x->bits & TW_FIRST ? SK_START : 0;
			key |= x->bits & TW_ONE && x->wlen == wl[0] ? SK_EXACT : 0;
			key |= x->wlen == wl[0] ? SK_WHOLE : 0;
			if (n == limit && key <= best[n - 1].key)
				continue;
			sugg_offer(best, &n, limit, key, x->concept_idx, x->label);
			continue;
		}
		/* An upper bound first, then the label's words. */
		if (n == limit && (key | SK_EXACT | SK_START | SK_WHOLE) <= best[n - 1].key)
			continue;
		f = t->text + t->lab[x->label].fold;
		for (k = 0; k < nw; k++)
			if (k != drv && !has_word_prefix(f, w[k], wl[k]))
				break;
		if (k < nw)
			continue;
		if (x->flen >= fqlen && memcmp(f, fq, fqlen) == 0)
			key |= SK_START | (x->flen == fqlen ? SK_EXACT : 0);
		key |= has_word(f, w[nw - 1], wl[nw - 1]) ? SK_WHOLE : 0;
		if (n < limit || key > best[n - 1].key)
			sugg_offer(best, &n, limit, key, x->concept_idx, x->label);
	}
	/* Nothing starts with the words: the label index, which stems them. */
	if (!n)
		return taxonomy_suggest_index(db, kind, q, lang, limit, items);
	for (i = 0; i < n; i++) {
		const void *c = t->lab[best[i].label].concept;
		json_t *item = kind == ESCO_KIND_OCCUPATION ? occupation_item(c, l) : skill_item(c, l);

		if (!item || json_array_append_new(items, item))
			return TAX_ERR;
	}
	return 0;
}
