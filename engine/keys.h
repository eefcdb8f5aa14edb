/*
 * keys.h - bearer tokens: creation and verification.
 *
 * A token is "fm_" followed by 64 hex digits from getrandom(2). It is shown
 * once; PostgreSQL keeps only its SHA-256. Verification hashes the presented
 * token and looks the hash up; results are cached in memory for
 * KEYS_CACHE_SECONDS so requests keep being authorised while PostgreSQL is
 * briefly down, and so most requests cost no database round trip.
 *
 * The cache never outlives a key: a cached key stops at its expiry, and a
 * revocation (or a changed expiry) anywhere empties the cache of every
 * server within a moment, through the fairmatch_keys LISTEN/NOTIFY channel
 * (keys_watch_start; data/sql/014_stats_keys.sql notifies). Managing keys
 * (create, list, revoke, rotate, with audit rows) is engine/keyring.h.
 */
#ifndef FAIRMATCH_KEYS_H
#define FAIRMATCH_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/store/store.h"

#define KEYS_CACHE_SECONDS 30
#define KEYS_TOKEN_LEN 67 /* "fm_" + 64 hex digits */
#define KEYS_HASH_HEX 64  /* SHA-256 in hex */

enum role { ROLE_NONE = 0, ROLE_COUNSELLOR, ROLE_EMPLOYER, ROLE_REGULATOR, ROLE_ADMIN };

struct principal {
	int64_t key_id;
	enum role role;
	char org[101];
	int64_t expires; /* Unix time the key stops working, 0: never */
};

const char *keys_role_name(enum role r);
enum role keys_role_parse(const char *s);

/* A new random token (at least KEYS_TOKEN_LEN + 1 bytes) and the hex of its
 * SHA-256 (KEYS_HASH_HEX + 1 bytes); 0, or -1 when no randomness. */
int keys_new_token(char *token, size_t tokenlen, char hash[KEYS_HASH_HEX + 1]);
/* "k_12" or "12" -> 12; -1 when malformed. */
int keys_parse_id(const char *s, int64_t *id);
/* 1 and *who filled when the token is valid, 0 when unknown or revoked,
 * -1 when it cannot be checked (database down and not cached). s may be
 * NULL (no connection): the cache alone answers. */
int keys_verify(store *s, const char *token, struct principal *who);
/* Empties the cache: the next request of every token asks PostgreSQL. */
void keys_forget_cached(void);

/* The thread that LISTENs on fairmatch_keys and empties the cache on every
 * notification and after every reconnect (notifications sent while it was
 * away are lost). 0, or -1 when it cannot start. */
int keys_watch_start(const char *conninfo);
void keys_watch_stop(void);

#endif
