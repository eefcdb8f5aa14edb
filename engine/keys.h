/*
 * keys.h - bearer tokens: creation and verification.
 *
 * A token is "fm_" followed by 64 hex digits from getrandom(2). It is shown
 * once; PostgreSQL keeps only its SHA-256. Verification hashes the presented
 * token and looks the hash up; results are cached in memory for
 * KEYS_CACHE_SECONDS so requests keep being authorised while PostgreSQL is
 * briefly down, and so most requests cost no database round trip.
 */
#ifndef FAIRMATCH_KEYS_H
#define FAIRMATCH_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/store/store.h"

#define KEYS_CACHE_SECONDS 30
#define KEYS_TOKEN_LEN 67 /* "fm_" + 64 hex digits */

enum role { ROLE_NONE = 0, ROLE_COUNSELLOR, ROLE_EMPLOYER, ROLE_REGULATOR, ROLE_ADMIN };

struct principal {
	int64_t key_id;
	enum role role;
	char org[101];
};

const char *keys_role_name(enum role r);
enum role keys_role_parse(const char *s);

/* Creates a key; token (at least KEYS_TOKEN_LEN + 1 bytes) receives it. */
int keys_create(store *s, enum role role, const char *org, char *token, size_t tokenlen,
		char *err, size_t errlen);
/* 1 and *who filled when the token is valid, 0 when unknown or revoked,
 * -1 when it cannot be checked (database down and not cached). */
int keys_verify(store *s, const char *token, struct principal *who);

#endif
