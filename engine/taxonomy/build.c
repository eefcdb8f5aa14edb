/*
 * build.c - the taxonomy's Xapian label index: building it (taxonomy_build),
 * telling whether one is current, and reading a label document's data.
 *
 * An index is current when its version string matches: the code's format
 * version, the concept counts and a SHA-256 of the ESCO files it was built
 * from (every *.csv.gz of the ESCO directory, names and bytes), so an edited
 * or replaced ESCO release is noticed even with the same counts, while a
 * fresh checkout or a copy of var/taxonomy (new mtimes, same bytes) is not
 * rebuilt for nothing.
 *
 * Index layout (one document per label, see taxonomy.h):
 *   words      the label tokenised and stemmed by its own language (unprefixed, Z stems)
 *   G<tri>     character trigrams of each folded word, padded with ^ and $ (typos)
 *   E<folded>  the whole folded label (exact lookup), boolean; for a gendered
 *              occupation label ("soudeur/soudeuse") also each of its forms
 *   W<word>    each folded word, boolean (which query words need trigrams)
 *   K<o|s>     kind: occupation or skill, boolean
 *   L<lang>    language of the label, boolean
 *   data       "<o|s>\t<lang>\t<p|a|h>\t<uri>\t<label>"
 */
#include "engine/taxonomy/internal.h"

#include <dirent.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/fs.h"

#define TAX_INDEX_VERSION "fairmatch-taxonomy-6"
#define META_VERSION "fairmatch.taxonomy.version"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds one file's name and bytes to the digest; -1 when it cannot be read. */
static int digest_file(struct sha256_ctx *ctx, const char *dir, const char *name)
{
	char path[4200], buf[65536];
	FILE *f;
	size_t n;
	int rc = 0;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	sha256_update(ctx, strlen(name) + 1, (const uint8_t *)name);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sha256_update(ctx, n, (const uint8_t *)buf);
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* The hex SHA-256 of the ESCO files of dir (*.csv.gz, by name), or
 * "unreadable" (never matching a build that could read them). */
static void esco_digest(const char *dir, char *hex, size_t len)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i, nl;
	struct dirent *e;
	DIR *dh = opendir(dir);
	int rc = dh ? 0 : -1;

	sha256_init(&ctx);
	while (dh && (e = readdir(dh)) != NULL) {
		nl = strlen(e->d_name);
		if (nl < 7 || strcmp(e->d_name + nl - 7, ".csv.gz") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			grown = realloc(names, cap * sizeof *names);
			if (!grown) {
				rc = -1;
				break;
			}
			names = grown;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	if (dh)
		closedir(dh);
	if (names)
		qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		if (!rc && digest_file(&ctx, dir, names[i]))
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc || n == 0) {
		snprintf(hex, len, "unreadable");
		return;
	}
	sha256_digest(&ctx, sizeof d, d);
	for (i = 0; i < sizeof d && 2 * i + 2 < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void version_string(const esco *tax, char *buf, size_t len)
{
	char digest[2 * SHA256_DIGEST_SIZE + 1];

	/* Acronyms only shape queries, so they are not part of it. */
	esco_digest(tax__esco_dir(), digest, sizeof digest);
	snprintf(buf, len, "%s;%zu;%zu;%s", TAX_INDEX_VERSION, esco_occupation_count(tax),
		 esco_skill_count(tax), digest);
}

/*
 * ESCO writes French and Spanish occupation labels (and some English ones)
 * as a gendered pair, "soudeur/soudeuse", "enfermero/enfermera",
 * "waiter/waitress": a counsellor types one form, which must be as exact as
 * the pair. The two forms of label l (folded, into a and b) when it is such
 * a pair: one slash, two non-empty forms of as many words whose first words
 * share their first 3 letters (not "input/output devices"). 1 or 0.
 */
static int gendered_forms(const esco_label *l, char *a, char *b, size_t len)
{
	const char *slash = strchr(l->label, '/');
	char wa[FOLD_MAX], wb[FOLD_MAX], *x[MAX_WORDS], *y[MAX_WORDS];
	size_t na, nb;

	if (l->kind != ESCO_KIND_OCCUPATION || !slash || strchr(slash + 1, '/') ||
	    (size_t)(slash - l->label) >= len)
		return 0;
	snprintf(wa, sizeof wa, "%.*s", (int)(slash - l->label), l->label);
	if (!taxonomy_fold(wa, a, len) || !taxonomy_fold(slash + 1, b, len))
		return 0;
	memcpy(wa, a, strlen(a) + 1);
	memcpy(wb, b, strlen(b) + 1);
	na = tax__split_words(wa, x, MAX_WORDS);
	nb = tax__split_words(wb, y, MAX_WORDS);
	return na && na == nb && strlen(x[0]) >= 3 && strncmp(x[0], y[0], 3) == 0;
}

static int add_label(index_db *w, const esco_label *l, size_t seq, index_error *e)
{
	char form[2][FOLD_MAX];
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
	nw = tax__split_words(words_buf, words, MAX_WORDS);
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
	if (gendered_forms(l, form[0], form[1], sizeof form[0]))
		for (i = 0; i < 2; i++) {
			snprintf(term, sizeof term, "E%.240s", form[i]);
			if ((rc = index_doc_add_boolean(d, term, e)))
				goto out;
		}
	for (i = 0; i < nw; i++) {
		snprintf(term, sizeof term, "W%s", words[i]);
		if ((rc = index_doc_add_boolean(d, term, e)))
			goto out;
		nt = tax__word_trigrams(words[i], tri, WORD_MAX + 2);
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
	char tmp[4200], old[4200], ver[256];
	index_db *w = NULL;
	index_error e = {{0}};
	esco_label_iter it;
	esco_label l;
	size_t n = 0;
	int rc;

	if (fs_mkdir_parents(path)) {
		snprintf(err, errlen, "cannot create the parents of %s: %s", path, strerror(errno));
		return TAX_ERR;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	snprintf(old, sizeof old, "%s.old.%ld", path, (long)getpid());
	fs_rm_tree(tmp);
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
		fs_rm_tree(tmp);
		return TAX_ERR;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
		fs_rm_tree(tmp);
		return TAX_ERR;
	}
	fs_rm_tree(old);
	if (n_labels)
		*n_labels = n;
	return 0;
fail:
	snprintf(err, errlen, "building the taxonomy index: %s", e.msg);
	index_close(w);
	fs_rm_tree(tmp);
	return TAX_ERR;
}

/* 1 when the index at path was built from this data by this code, 0 when
 * it is of another version, -1 when there is none. */
int tax__index_current(const esco *tax, const char *path)
{
	index_db *db = NULL;
	index_error e = {{0}};
	char *v = NULL, want[256];
	int ok;

	if (index_open_readonly(path, &db, &e))
		return -1; /* missing */
	version_string(tax, want, sizeof want);
	ok = index_get_metadata(db, META_VERSION, &v, &e) == 0 && v && strcmp(v, want) == 0;
	free(v);
	index_close(db);
	return ok;
}

/* The fields of a label document's data (written by add_label above). */
int tax__parse_data(const index_hit *h, char *buf, size_t len, struct hit_data *out)
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
