/* keys.c - bearer tokens stored as SHA-256 hashes, with a small cache. */
#include "engine/keys.h"

#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static const char *const role_names[] = {"", "counsellor", "employer", "regulator", "admin"};

const char *keys_role_name(enum role r)
{
	return r >= ROLE_COUNSELLOR && r <= ROLE_ADMIN ? role_names[r] : "none";
}

enum role keys_role_parse(const char *s)
{
	for (int r = ROLE_COUNSELLOR; s && r <= ROLE_ADMIN; r++)
		if (strcmp(s, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

static void hash_hex(const char *token, char out[2 * SHA256_DIGEST_SIZE + 1])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	int i;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(token), (const uint8_t *)token);
	sha256_digest(&ctx, sizeof digest, digest);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int keys_create(store *s, enum role role, const char *org, char *token, size_t tokenlen,
		char *err, size_t errlen)
{
	unsigned char rnd[32];
	char hash[2 * SHA256_DIGEST_SIZE + 1];
	size_t i;

	if (role == ROLE_NONE || !org || !*org || strlen(org) > 100) {
		snprintf(err, errlen, "a role and an organisation (1 to 100 bytes) are required");
		return -1;
	}
	if (tokenlen < KEYS_TOKEN_LEN + 1 || getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		snprintf(err, errlen, "cannot make a random token");
		return -1;
	}
	memcpy(token, "fm_", 3);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(token + 3 + 2 * i, 3, "%02x", rnd[i]);
	hash_hex(token, hash);
	if (store_run(s, "INSERT INTO api_keys (token_hash, role, org) VALUES (decode($1, 'hex'), $2, $3)",
		      3, (const char *const[]){hash, keys_role_name(role), org})) {
		snprintf(err, errlen, "storing the key: %s", store_error(s));
		memset(token, 0, tokenlen);
		return -1;
	}
	return 0;
}

/* A small direct-mapped cache of verified hashes; a collision just evicts. */
#define CACHE_SLOTS 256
static struct cache_entry {
	char hash[2 * SHA256_DIGEST_SIZE + 1];
	struct principal who;
	int valid; /* 1 known, 0 unknown (negative answers are cached too) */
	time_t at;
} cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned slot_of(const char *hash)
{
	return (unsigned)strtoul((char[]){hash[0], hash[1], 0}, NULL, 16) % CACHE_SLOTS;
}

int keys_verify(store *s, const char *token, struct principal *who)
{
	char hash[2 * SHA256_DIGEST_SIZE + 1];
	struct cache_entry *c;
	time_t now = time(NULL);
	PGresult *r;
	int found;

	if (!token || strlen(token) != KEYS_TOKEN_LEN || strncmp(token, "fm_", 3) != 0)
		return 0;
	hash_hex(token, hash);
	c = &cache[slot_of(hash)];
	pthread_mutex_lock(&cache_lock);
	if (strcmp(c->hash, hash) == 0 && now - c->at < KEYS_CACHE_SECONDS) {
		found = c->valid;
		if (found)
			*who = c->who;
		pthread_mutex_unlock(&cache_lock);
		return found;
	}
	pthread_mutex_unlock(&cache_lock);

	if (store_ensure(s))
		goto stale;
	r = store_exec(s,
		       /* A function: the server's role cannot read api_keys (007). */
		       "SELECT id, role, org FROM fairmatch_key(decode($1, 'hex'))",
		       1, (const char *const[]){hash});
	if (!r)
		goto stale;
	found = PQntuples(r) == 1;
	if (found) {
		who->key_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		who->role = keys_role_parse(PQgetvalue(r, 0, 1));
		snprintf(who->org, sizeof who->org, "%s", PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	pthread_mutex_lock(&cache_lock);
	memcpy(c->hash, hash, sizeof hash);
	c->valid = found;
	c->at = now;
	if (found)
		c->who = *who;
	pthread_mutex_unlock(&cache_lock);
	return found;
stale:
	/* PostgreSQL is down: a key verified before stays usable (reads keep
	 * working from the index); an unseen one cannot be checked. */
	pthread_mutex_lock(&cache_lock);
	found = strcmp(c->hash, hash) == 0 && c->valid ? 1 : -1;
	if (found == 1)
		*who = c->who;
	pthread_mutex_unlock(&cache_lock);
	return found;
}
