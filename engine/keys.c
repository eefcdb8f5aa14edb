/* keys.c - bearer tokens stored as SHA-256 hashes, with a small cache that
 * a revocation on any server empties at once (see keys.h). */
#include "engine/keys.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/store/listener.h"

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

int keys_new_token(char *token, size_t tokenlen, char hash[KEYS_HASH_HEX + 1])
{
	unsigned char rnd[32];
	size_t i;

	if (tokenlen < KEYS_TOKEN_LEN + 1 || getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return -1;
	memcpy(token, "fm_", 3);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(token + 3 + 2 * i, 3, "%02x", rnd[i]);
	hash_hex(token, hash);
	memset(rnd, 0, sizeof rnd);
	return 0;
}

int keys_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s)
		return -1;
	if (strncmp(s, "k_", 2) == 0)
		s += 2;
	if (*s < '1' || *s > '9' || strlen(s) > 18)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0 || errno)
		return -1;
	*id = v;
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
/* Moves on every emptying, so an answer read before a revocation is not
 * put into the cache after the revocation emptied it. Under cache_lock. */
static uint64_t cache_generation;

void keys_forget_cached(void)
{
	pthread_mutex_lock(&cache_lock);
	memset(cache, 0, sizeof cache);
	cache_generation++;
	pthread_mutex_unlock(&cache_lock);
}

/* Whether a cached or read key is past its expiry at now. */
static int expired(const struct principal *who, time_t now)
{
	return who->expires > 0 && (int64_t)now >= who->expires;
}

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
	uint64_t generation;
	int found;

	if (!token || strlen(token) != KEYS_TOKEN_LEN || strncmp(token, "fm_", 3) != 0)
		return 0;
	hash_hex(token, hash);
	c = &cache[slot_of(hash)];
	pthread_mutex_lock(&cache_lock);
	if (strcmp(c->hash, hash) == 0 && now - c->at < KEYS_CACHE_SECONDS) {
		found = c->valid && !expired(&c->who, now);
		if (found)
			*who = c->who;
		pthread_mutex_unlock(&cache_lock);
		return found;
	}
	generation = cache_generation;
	pthread_mutex_unlock(&cache_lock);

	if (!s || store_ensure(s))
		goto stale;
	r = store_exec(s,
		       /* A function: the server's role cannot read api_keys (007). */
		       "SELECT id, role, org, coalesce(expires, 0) FROM fairmatch_key(decode($1, 'hex'))",
		       1, (const char *const[]){hash});
	if (!r)
		goto stale;
	found = PQntuples(r) == 1;
	if (found) {
		who->key_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		who->role = keys_role_parse(PQgetvalue(r, 0, 1));
		snprintf(who->org, sizeof who->org, "%s", PQgetvalue(r, 0, 2));
		who->expires = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	}
	PQclear(r);
	pthread_mutex_lock(&cache_lock);
	if (generation == cache_generation) {
		memcpy(c->hash, hash, sizeof hash);
		c->valid = found;
		c->at = now;
		if (found)
			c->who = *who;
	}
	pthread_mutex_unlock(&cache_lock);
	return found;
stale:
	/* PostgreSQL is down: a key verified before stays usable (reads keep
	 * working from the index); an unseen one cannot be checked. */
	pthread_mutex_lock(&cache_lock);
	found = strcmp(c->hash, hash) == 0 && c->valid && !expired(&c->who, now) ? 1 : -1;
	if (found == 1)
		*who = c->who;
	pthread_mutex_unlock(&cache_lock);
	return found;
}

/* ---- the revocation watch ---- */

static store_listener *watch;

/* After every (re)connect: what was revoked while away was not heard. */
static int watch_connected(store *s, void *arg)
{
	(void)s;
	(void)arg;
	keys_forget_cached();
	return 0;
}

static void watch_notified(const char *payload, void *arg)
{
	(void)payload;
	(void)arg;
	/* Revocations are rare: emptying the whole cache is simplest and
	 * costs each live token one query. */
	keys_forget_cached();
}

static int watch_round(store *s, void *arg)
{
	(void)s;
	(void)arg;
	return 1000;
}

static const struct store_listener_ops watch_ops = {
	.name = "keys",
	.channel = "fairmatch_keys",
	.connected = watch_connected,
	.notified = watch_notified,
	.round = watch_round,
};

int keys_watch_start(const char *conninfo)
{
	return watch ? 0 : store_listener_start(conninfo, &watch_ops, NULL, &watch);
}

void keys_watch_stop(void)
{
	store_listener_stop(watch);
	watch = NULL;
}
