/*
 * cursor.c - signed keyset cursors (see cursor.h): nettle's HMAC-SHA256
 * and base64url, jansson for the position and the binding.
 */
#include "engine/core/cursor.h"

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define TAG_BYTES 16
#define POSITION_MAX 300 /* bytes of the position's JSON text */

static unsigned char cursor_key[64];
static size_t cursor_key_len;
static pthread_once_t random_once = PTHREAD_ONCE_INIT;

int cursor_set_key(const unsigned char *key, size_t len)
{
	if (len < CURSOR_KEY_BYTES)
		return -1;
	if (len > sizeof cursor_key)
		len = sizeof cursor_key;
	memcpy(cursor_key, key, len);
	cursor_key_len = len;
	return 0;
}

/* A process that installed no key signs with a random one of its own. */
static void random_key(void)
{
	unsigned char k[CURSOR_KEY_BYTES];
	size_t got = 0;
	ssize_t n;

	if (cursor_key_len)
		return;
	while (got < sizeof k) {
		n = getrandom(k + got, sizeof k - got, 0);
		if (n <= 0)
			abort(); /* no randomness: signing with a guessable key is worse */
		got += (size_t)n;
	}
	cursor_set_key(k, sizeof k);
}

/* tag = HMAC(key, binding text "\n" position text), cut to TAG_BYTES. */
static int make_tag(const json_t *binding, const char *pos, size_t poslen,
		    uint8_t tag[TAG_BYTES])
{
	struct hmac_sha256_ctx ctx;
	uint8_t full[SHA256_DIGEST_SIZE];
	char *b;

	pthread_once(&random_once, random_key);
	b = json_dumps(binding, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!b)
		return -1;
	hmac_sha256_set_key(&ctx, cursor_key_len, cursor_key);
	hmac_sha256_update(&ctx, strlen(b), (const uint8_t *)b);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)"\n");
	hmac_sha256_update(&ctx, poslen, (const uint8_t *)pos);
	hmac_sha256_digest(&ctx, sizeof full, full);
	memcpy(tag, full, TAG_BYTES);
	free(b);
	return 0;
}

static size_t b64url(const uint8_t *in, size_t len, char *out)
{
	struct base64_encode_ctx ctx;
	size_t n;

	base64url_encode_init(&ctx);
	n = base64_encode_update(&ctx, out, len, in);
	n += base64_encode_final(&ctx, out + n);
	/* No padding: '=' would need escaping in a URL. */
	while (n && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	return n;
}

/* Decodes base64url without padding into out, which holds max bytes:
 * text that could decode to more is refused before decoding (nettle
 * writes up to BASE64_DECODE_LENGTH(len) bytes without checking). */
static int unb64url(const char *in, size_t len, uint8_t *out, size_t max, size_t *outlen)
{
	struct base64_decode_ctx ctx;
	char padded[POSITION_MAX * 2];
	size_t n = max;

	if (len + 3 > sizeof padded || BASE64_DECODE_LENGTH(len + 3) > max)
		return -1;
	memcpy(padded, in, len);
	while (len % 4)
		padded[len++] = '=';
	base64url_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, out, len, padded) || !base64_decode_final(&ctx))
		return -1;
	*outlen = n;
	return 0;
}

int cursor_encode(const json_t *binding, const json_t *position, char *out, size_t outlen)
{
	uint8_t tag[TAG_BYTES];
	char *pos;
	size_t plen, n;

	if (!json_is_array(position) || outlen < CURSOR_TEXT_MAX + 1)
		return -1;
	pos = json_dumps(position, JSON_COMPACT);
	if (!pos)
		return -1;
	plen = strlen(pos);
	if (plen > POSITION_MAX || make_tag(binding, pos, plen, tag)) {
		free(pos);
		return -1;
	}
	n = b64url((const uint8_t *)pos, plen, out);
	out[n++] = '.';
	b64url(tag, sizeof tag, out + n);
	free(pos);
	return 0;
}

int cursor_decode(const json_t *binding, const char *text, json_t **position)
{
	uint8_t pos[BASE64_DECODE_LENGTH(POSITION_MAX * 4 / 3 + 8)];
	uint8_t tag[BASE64_DECODE_LENGTH(TAG_BYTES * 4 / 3 + 8)], want[TAG_BYTES];
	const char *dot;
	size_t plen, tlen, len;
	json_t *v;

	*position = NULL;
	len = text ? strnlen(text, CURSOR_TEXT_MAX + 1) : 0;
	if (len == 0 || len > CURSOR_TEXT_MAX)
		return -1;
	dot = strchr(text, '.');
	if (!dot || strchr(dot + 1, '.'))
		return -1;
	if (unb64url(text, (size_t)(dot - text), pos, sizeof pos, &plen) || plen > POSITION_MAX ||
	    unb64url(dot + 1, strlen(dot + 1), tag, sizeof tag, &tlen) || tlen != TAG_BYTES)
		return -1;
	if (make_tag(binding, (const char *)pos, plen, want))
		return -2;
	if (!memeql_sec(want, tag, TAG_BYTES))
		return -1;
	v = json_loadb((const char *)pos, plen, 0, NULL);
	if (!json_is_array(v)) {
		json_decref(v);
		return v ? -1 : -2;
	}
	*position = v;
	return 0;
}

int cursor_encode_id(const json_t *binding, int64_t id, char *out, size_t outlen)
{
	json_t *pos = json_pack("[I]", (json_int_t)id);
	int rc = pos ? cursor_encode(binding, pos, out, outlen) : -1;

	json_decref(pos);
	return rc;
}

int cursor_decode_id(const json_t *binding, const char *text, int64_t *after)
{
	json_t *pos = NULL, *id;
	int rc;

	*after = 0;
	if (!text)
		return 0;
	rc = cursor_decode(binding, text, &pos);
	if (rc)
		return rc;
	id = json_array_get(pos, 0);
	if (json_array_size(pos) == 1 && json_is_integer(id) && json_integer_value(id) >= 0)
		*after = (int64_t)json_integer_value(id);
	else
		rc = -1;
	json_decref(pos);
	return rc;
}

json_t *cursor_text(const char *s)
{
	static const char digits[] = "0123456789abcdef";
	json_t *v;
	char *hex;
	size_t n, i;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	n = strlen(s);
	hex = malloc(2 * n + 1);
	if (!hex)
		return NULL;
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[(unsigned char)s[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	hex[2 * n] = '\0';
	v = json_pack("{s:s}", "bytes", hex);
	free(hex);
	return v;
}
