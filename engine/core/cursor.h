/*
 * cursor.h - opaque, signed keyset cursors for every list of the API.
 *
 * A cursor carries the position after the last item of a page (a small JSON
 * array: the keyset, e.g. [seq] or ["2027-03-31", 42]) and an HMAC-SHA256
 * tag over that position AND a binding: the list, the caller's organisation
 * and the query's filters, as a JSON value the list builds. So a cursor is
 * refused (cursor_decode fails) when it was changed by a byte, when it comes
 * from another list, another query or another organisation, or when it was
 * made with another key. The text is "<base64url position>.<base64url tag>"
 * (tag cut to 16 bytes), at most CURSOR_TEXT_MAX bytes.
 *
 * The key: the server installs the secret kept in PostgreSQL
 * (server_secrets, data/sql/013_change_feed.sql) at start, so cursors stay
 * valid across restarts and between servers sharing the database. A
 * process that installs none (the command line, a unit test) gets a random
 * key of its own on first use: its cursors are valid for its lifetime only.
 */
#ifndef FAIRMATCH_CURSOR_H
#define FAIRMATCH_CURSOR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CURSOR_KEY_BYTES 32
#define CURSOR_TEXT_MAX 512 /* the longest cursor text, NUL excluded */

/* Installs the key (at least CURSOR_KEY_BYTES; longer keys are hashed by
 * HMAC). Call before the threads that use cursors start. 0, or -1 when
 * the key is too short. */
int cursor_set_key(const unsigned char *key, size_t len);

/* Writes the cursor of position (a JSON array, borrowed) under binding
 * (any JSON value, borrowed; dumped with sorted keys, so the order of an
 * object's members does not matter) into out (at least CURSOR_TEXT_MAX + 1
 * bytes). 0, or -1 when the position is too long or memory is short. */
int cursor_encode(const json_t *binding, const json_t *position, char *out, size_t outlen);

/* Checks text against binding and gives its position (*position, a new
 * reference to a JSON array). 0, or -1 (nothing set) for a cursor that this
 * server did not make for this binding: tampered, foreign, malformed;
 * -2 when memory is short. */
int cursor_decode(const json_t *binding, const char *text, json_t **position);

/* A query's text as a part of a binding: NULL as null, UTF-8 as a string,
 * other bytes as {"bytes": "<hex>"} (jansson takes only UTF-8 strings, and
 * a query parameter may hold any bytes). NULL when memory is short; give
 * it to json_pack with "o". */
json_t *cursor_text(const char *s);

/* The keyset most lists use: the id (or sequence number) of the last item
 * given, a position of one integer [id]. cursor_encode_id writes it as
 * cursor_encode does. cursor_decode_id sets *after to the id in text (0 when
 * text is NULL: the first page); -1 for a cursor this binding was not given
 * or whose position is not one id >= 0, -2 when memory is short. */
int cursor_encode_id(const json_t *binding, int64_t id, char *out, size_t outlen);
int cursor_decode_id(const json_t *binding, const char *text, int64_t *after);

#endif
