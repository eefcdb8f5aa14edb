/*
 * test_core.c - unit tests for engine/core's shared pieces: the bounded
 * buffer (its maximum, freeing itself on failure, formatted appends, detach
 * and reset), array_grow (doubling, the maximum, overflow), the FNV-1a hash
 * against the published test vectors, fs_mkdir_parents in a temporary
 * directory, and the signed cursors (a foreign or changed one is refused).
 */
#include "engine/core/buf.h"
#include "engine/core/cursor.h"
#include "engine/core/fs.h"
#include "engine/core/hash.h"
#include "engine/core/iso.h"
#include "tests/support/t.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void buf_appends(void)
{
	struct buf b;
	char big[300];
	char *s;

	buf_init(&b, 1000);
	T_CHECK(b.p == NULL && b.len == 0);
	T_EQ_INT(buf_add_str(&b, "abc"), 0);
	T_EQ_INT(buf_add(&b, "de", 2), 0);
	T_EQ_INT(buf_add(&b, NULL, 0), 0);
	T_EQ_STR(b.p, "abcde");
	T_EQ_INT(b.len, 5);
	T_EQ_INT(buf_addf(&b, "-%d-%s", 42, "x"), 0);
	T_EQ_STR(b.p, "abcde-42-x");
	/* growth past the first allocation keeps the bytes */
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	T_EQ_INT(buf_add_str(&b, big), 0);
	T_EQ_INT(b.len, 10 + 299);
	T_CHECK(b.cap >= b.len + 1 && b.cap <= b.max + 1);
	T_CHECK(memcmp(b.p, "abcde-42-x", 10) == 0 && b.p[b.len - 1] == 'z' && b.p[b.len] == '\0');
	/* reset keeps the memory, empties the text */
	buf_reset(&b);
	T_EQ_INT(b.len, 0);
	T_EQ_STR(b.p, "");
	T_EQ_INT(buf_add_str(&b, "again"), 0);
	s = buf_detach(&b);
	T_EQ_STR(s, "again");
	free(s);
	T_CHECK(b.p == NULL && b.len == 0 && b.max == 1000);
	T_CHECK(buf_detach(&b) == NULL); /* nothing added */
	buf_release(&b);
}

static void buf_limits(void)
{
	struct buf b;

	buf_init(&b, 8);
	T_EQ_INT(buf_add_str(&b, "12345678"), 0); /* exactly the maximum */
	T_EQ_INT(b.len, 8);
	T_CHECK(b.cap <= 9);
	/* one byte more: fails, and the buffer has freed itself */
	T_EQ_INT(buf_add(&b, "9", 1), -1);
	T_CHECK(b.p == NULL && b.len == 0 && b.cap == 0 && b.max == 8);
	/* usable again afterwards */
	T_EQ_INT(buf_add_str(&b, "ok"), 0);
	T_EQ_STR(b.p, "ok");
	/* a formatted append past the maximum frees it too */
	T_EQ_INT(buf_addf(&b, "%s", "toolong!"), -1);
	T_CHECK(b.p == NULL && b.len == 0);
	T_EQ_INT(buf_addf(&b, "%d", 1234567), 0);
	T_EQ_STR(b.p, "1234567");
	/* a huge n cannot wrap len + n around */
	T_EQ_INT(buf_add(&b, "x", SIZE_MAX), -1);
	T_CHECK(b.p == NULL);
	buf_release(&b);

	/* a zero maximum holds nothing but the empty string */
	buf_init(&b, 0);
	T_EQ_INT(buf_add(&b, "", 0), 0);
	T_EQ_STR(b.p, "");
	T_EQ_INT(buf_add(&b, "a", 1), -1);
	buf_release(&b);

	/* no maximum at all (SIZE_MAX) still grows */
	buf_init(&b, SIZE_MAX);
	for (int i = 0; i < 100; i++)
		T_REQUIRE(buf_add_str(&b, "0123456789") == 0);
	T_EQ_INT(b.len, 1000);
	T_CHECK(b.cap > b.len);
	buf_release(&b);
	T_CHECK(b.p == NULL);
}

static void array_growth(void)
{
	int *a = NULL;
	size_t cap = 0;

	T_EQ_INT(array_grow((void **)&a, &cap, 0, sizeof *a, 100), 0); /* nothing needed */
	T_CHECK(a == NULL && cap == 0);
	T_EQ_INT(array_grow((void **)&a, &cap, 1, sizeof *a, 100), 0);
	T_EQ_INT(cap, 16);
	for (int i = 0; i < 16; i++)
		a[i] = i;
	T_EQ_INT(array_grow((void **)&a, &cap, 17, sizeof *a, 100), 0);
	T_EQ_INT(cap, 32);
	T_EQ_INT(a[15], 15); /* kept */
	T_EQ_INT(array_grow((void **)&a, &cap, 33, sizeof *a, 100), 0);
	T_EQ_INT(cap, 64);
	T_EQ_INT(array_grow((void **)&a, &cap, 65, sizeof *a, 100), 0);
	T_EQ_INT(cap, 100); /* doubling stops at the maximum */
	T_EQ_INT(array_grow((void **)&a, &cap, 100, sizeof *a, 100), 0);
	/* past the maximum: refused, the array is still the caller's */
	T_EQ_INT(array_grow((void **)&a, &cap, 101, sizeof *a, 100), -1);
	T_CHECK(a != NULL && cap == 100 && a[15] == 15);
	free(a);

	/* a maximum under the first 16 */
	a = NULL;
	cap = 0;
	T_EQ_INT(array_grow((void **)&a, &cap, 3, sizeof *a, 4), 0);
	T_EQ_INT(cap, 4);
	T_EQ_INT(array_grow((void **)&a, &cap, 5, sizeof *a, 4), -1);
	free(a);

	/* a chosen first size: 4, then doubling */
	a = NULL;
	cap = 0;
	T_EQ_INT(array_grow_from((void **)&a, &cap, 1, sizeof *a, 100, 4), 0);
	T_EQ_INT(cap, 4);
	T_EQ_INT(array_grow_from((void **)&a, &cap, 5, sizeof *a, 100, 4), 0);
	T_EQ_INT(cap, 8);
	free(a);

	/* an element count whose bytes overflow size_t */
	a = NULL;
	cap = 0;
	T_EQ_INT(array_grow((void **)&a, &cap, SIZE_MAX / 2, 16, SIZE_MAX), -1);
	T_CHECK(a == NULL && cap == 0);
	T_EQ_INT(array_grow((void **)&a, &cap, 1, 0, 10), -1); /* elem 0 */
}

static void hash_vectors(void)
{
	/* FNV-1a 64 test vectors (draft-eastlake-fnv) */
	T_CHECK(hash_str("") == 0xcbf29ce484222325ull);
	T_CHECK(hash_str("a") == 0xaf63dc4c8601ec8cull);
	T_CHECK(hash_str("foobar") == 0x85944171f73967e8ull);
	T_CHECK(HASH_FNV64_BASIS == 0xcbf29ce484222325ull);
	/* the pieces agree with the whole */
	T_CHECK(hash_add(HASH_FNV64_BASIS, "foobar", 6) == hash_str("foobar"));
	T_CHECK(hash_add(hash_add(HASH_FNV64_BASIS, "foo", 3), "bar", 3) == hash_str("foobar"));
	T_CHECK(hash_add_byte(HASH_FNV64_BASIS, 'a') == hash_str("a"));
	T_CHECK(hash_add(HASH_FNV64_BASIS, "", 0) == HASH_FNV64_BASIS);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void mkdir_parents(void)
{
	char tmpl[] = "/tmp/fairmatch-test-core-XXXXXX", path[256], *dir = mkdtemp(tmpl);
	char *longp;
	FILE *f;

	T_REQUIRE(dir != NULL);
	snprintf(path, sizeof path, "%s/a/b/c/file", dir);
	T_EQ_INT(fs_mkdir_parents(path), 0);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	T_CHECK(is_dir(path));
	snprintf(path, sizeof path, "%s/a/b/c/file", dir);
	T_CHECK(!is_dir(path)); /* the last component is left to the caller */
	f = fopen(path, "w");
	T_CHECK(f != NULL);
	if (f)
		fclose(f);
	/* again: the directories exist already, fine */
	T_EQ_INT(fs_mkdir_parents(path), 0);
	/* a trailing slash makes the last directory too */
	snprintf(path, sizeof path, "%s/x/y/", dir);
	T_EQ_INT(fs_mkdir_parents(path), 0);
	snprintf(path, sizeof path, "%s/x/y", dir);
	T_CHECK(is_dir(path));
	/* a parent that is a file */
	snprintf(path, sizeof path, "%s/a/b/c/file/under", dir);
	errno = 0;
	T_EQ_INT(fs_mkdir_parents(path), -1);
	T_EQ_INT(errno, ENOTDIR);
	/* no parents at all */
	T_EQ_INT(fs_mkdir_parents("plainname"), 0);
	T_EQ_INT(fs_mkdir_parents(""), 0);
	/* too long: ENAMETOOLONG, nothing made */
	longp = malloc(5000);
	T_REQUIRE(longp != NULL);
	memset(longp, 'd', 4999);
	longp[4999] = '\0';
	errno = 0;
	T_EQ_INT(fs_mkdir_parents(longp), -1);
	T_EQ_INT(errno, ENAMETOOLONG);
	free(longp);
	fs_rm_tree(dir);
	T_CHECK(access(dir, F_OK) != 0);
}

/* The compiled-in ISO tables: first, last and missing codes of each. */
static void iso_codes(void)
{
	T_CHECK(iso_country_valid("AD"));
	T_CHECK(iso_country_valid("ZA"));
	T_CHECK(iso_country_valid("LS"));
	T_CHECK(iso_country_valid("ZW"));
	T_CHECK(!iso_country_valid("ZZ"));
	T_CHECK(!iso_country_valid("AA"));
	T_CHECK(!iso_country_valid("Z"));
	T_CHECK(!iso_country_valid("ZAF"));
	T_CHECK(!iso_country_valid("za"));
	T_CHECK(!iso_country_valid(""));
	T_CHECK(!iso_country_valid(NULL));
	T_CHECK(iso_language_valid("aa"));
	T_CHECK(iso_language_valid("en"));
	T_CHECK(iso_language_valid("st"));
	T_CHECK(iso_language_valid("zu"));
	T_CHECK(!iso_language_valid("xx"));
	T_CHECK(!iso_language_valid("eng"));
	T_CHECK(iso_currency_valid("AED")); /* the first */
	T_CHECK(iso_currency_valid("ZWG")); /* the last */
	T_CHECK(iso_currency_valid("ZAR"));
	T_CHECK(iso_currency_valid("LSL"));
	T_CHECK(iso_currency_valid("USD"));
	T_CHECK(!iso_currency_valid("ZZZ"));
	T_CHECK(!iso_currency_valid("US"));
}

/* Signed cursors: a round trip, and every way a foreign cursor is refused. */
static void cursors(void)
{
	json_t *bind = json_pack("[s, s, {s:s}]", "vacancies", "acme", "country", "ZA");
	json_t *other = json_pack("[s, s, {s:s}]", "vacancies", "acme", "country", "BW");
	json_t *org = json_pack("[s, s, {s:s}]", "vacancies", "beta", "country", "ZA");
	json_t *pos = json_pack("[s, I]", "2027-03-31", (json_int_t)42), *back = NULL;
	char text[CURSOR_TEXT_MAX + 1], bad[CURSOR_TEXT_MAX + 1];
	unsigned char key[CURSOR_KEY_BYTES] = {1, 2, 3};
	size_t i;

	T_CHECK(cursor_set_key(key, 8) == -1); /* too short */
	T_REQUIRE(cursor_set_key(key, sizeof key) == 0);
	T_REQUIRE(cursor_encode(bind, pos, text, sizeof text) == 0);
	T_CHECK(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
		strlen(text)); /* safe in a URL as it is */
	T_REQUIRE(cursor_decode(bind, text, &back) == 0);
	T_CHECK(json_equal(back, pos));
	json_decref(back);
	T_CHECK(cursor_decode(other, text, &back) == -1 && !back); /* another query */
	T_CHECK(cursor_decode(org, text, &back) == -1);            /* another organisation */
	/* Every single changed character is caught. */
	for (i = 0; text[i]; i++) {
		snprintf(bad, sizeof bad, "%s", text);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		T_CHECKF(cursor_decode(bind, bad, &back) == -1, "changed at %zu accepted", i);
	}
	T_CHECK(cursor_decode(bind, "", &back) == -1);
	T_CHECK(cursor_decode(bind, "20", &back) == -1);
	T_CHECK(cursor_decode(bind, "a.b.c", &back) == -1);
	/* Overlong parts are refused before decoding (no overflow under ASan). */
	memset(bad, 'A', CURSOR_TEXT_MAX);
	bad[CURSOR_TEXT_MAX] = '\0';
	bad[8] = '.';
	T_CHECK(cursor_decode(bind, bad, &back) == -1);
	bad[8] = 'A';
	bad[CURSOR_TEXT_MAX - 10] = '.';
	T_CHECK(cursor_decode(bind, bad, &back) == -1);
	/* Another key: every old cursor is refused. */
	key[0] = 9;
	T_REQUIRE(cursor_set_key(key, sizeof key) == 0);
	T_CHECK(cursor_decode(bind, text, &back) == -1);
	/* The one-id keyset: a cursor gives its id back; none is the first page. */
	{
		int64_t after = -1;

		T_REQUIRE(cursor_encode_id(bind, 41, text, sizeof text) == 0);
		T_CHECK(cursor_decode_id(bind, text, &after) == 0 && after == 41);
		T_CHECK(cursor_decode_id(other, text, &after) == -1);
		T_CHECK(cursor_decode_id(bind, NULL, &after) == 0 && after == 0);
		/* a position that is not one id (the search's) is refused */
		T_CHECK(cursor_encode(bind, pos, bad, sizeof bad) == 0 &&
			cursor_decode_id(bind, bad, &after) == -1);
	}
	/* A query's text that is not UTF-8 still binds, apart from others. */
	{
		json_t *latin = cursor_text("caf\xe9"), *utf = cursor_text("caf\xc3\xa9");
		json_t *none = cursor_text(NULL);

		T_REQUIRE(latin && utf && none);
		T_CHECK(json_is_null(none));
		T_EQ_STR(json_string_value(json_object_get(latin, "bytes")), "636166e9");
		T_CHECK(!json_equal(latin, utf));
		json_decref(latin);
		json_decref(utf);
	}
	json_decref(bind);
	json_decref(other);
	json_decref(org);
	json_decref(pos);
}

int main(void)
{
	T_RUN(buf_appends);
	T_RUN(buf_limits);
	T_RUN(array_growth);
	T_RUN(hash_vectors);
	T_RUN(mkdir_parents);
	T_RUN(iso_codes);
	T_RUN(cursors);
	return T_DONE();
}
