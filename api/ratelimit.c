/*
 * ratelimit.c - a token bucket per API key (OWASP API4: unrestricted
 * resource consumption): each key may make `per_minute` requests a minute
 * on average and `burst` at once; past that the request is answered 429
 * with Retry-After, before its body is read. Off (0) unless `fairmatch
 * serve --rate-limit N` sets it.
 *
 * The buckets are a fixed table (no growth under attack): a key that finds
 * no free slot takes the slot of a full bucket (a key idle long enough to
 * have its whole burst back, which loses nothing), and when every bucket
 * is in use the request passes (the limit fails open, and says so in
 * docs/security.md, rather than refusing keys it cannot count).
 */
#include "api/internal.h"

#include <pthread.h>
#include <stdio.h>

#define BUCKETS 4096

static struct bucket {
	int64_t key;      /* 0: free */
	double tokens;
	int64_t last_ms;
} buckets[BUCKETS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double rate_per_ms; /* 0: off */
static double burst;

void api__ratelimit_init(unsigned per_minute, unsigned size)
{
	rate_per_ms = per_minute / 60000.0;
	if (!size)
		size = per_minute / 6 > 10 ? per_minute / 6 : 10;
	burst = size;
}

static void refill(struct bucket *b, int64_t now)
{
	b->tokens += (double)(now - b->last_ms) * rate_per_ms;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last_ms = now;
}

int api__ratelimit_take(int64_t key_id, unsigned *retry_after)
{
	int64_t now;
	struct bucket *b = NULL;
	size_t i, h;
	int rc = 0;

	if (rate_per_ms <= 0 || key_id == 0)
		return 0;
	now = store_now_ms();
	h = (size_t)((uint64_t)key_id * 0x9E3779B97F4A7C15ull >> 52) % BUCKETS;
	pthread_mutex_lock(&lock);
	for (i = 0; i < BUCKETS; i++) {
		struct bucket *x = &buckets[(h + i) % BUCKETS];

		if (x->key == key_id) {
			b = x;
			break;
		}
		if (x->key == 0) {
			b = x;
			break;
		}
	}
	if (!b) /* no free slot: take one whose key has its whole burst back */
		for (i = 0; i < BUCKETS && !b; i++) {
			refill(&buckets[i], now);
			if (buckets[i].tokens >= burst)
				b = &buckets[i];
		}
	if (b) {
		if (b->key != key_id) {
			b->key = key_id;
			b->tokens = burst;
			b->last_ms = now;
		}
		refill(b, now);
		if (b->tokens >= 1) {
			b->tokens -= 1;
		} else {
			*retry_after = (unsigned)((1 - b->tokens) / rate_per_ms / 1000) + 1;
			rc = -1;
		}
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int api__ratelimit_take_call(api_call *c)
{
	char detail[128];

	if (api__ratelimit_take(c->who.key_id, &c->retry_after) == 0)
		return 0;
	snprintf(detail, sizeof detail, "this key's rate limit is spent; retry in %u s",
		 c->retry_after);
	api_fail(c, 429, detail);
	return -1;
}
