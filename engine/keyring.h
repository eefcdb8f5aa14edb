/*
 * keyring.h - managing API keys: create (with an optional expiry), list,
 * revoke and rotate, each audited in its own transaction ("key.create",
 * "key.list", "key.revoke", "key.rotate"). The API (admins) and the command
 * line (the operator) both come here.
 *
 * A key is shown as "k_<id>" with its role, organisation, created_at,
 * expires_at (null: never), revoked_at, replaced_by (the key a rotation made)
 * and status (active, expired or revoked). The token is answered once, by
 * the call that makes it; PostgreSQL keeps its SHA-256, and no function here
 * ever answers a hash. The server's role reaches api_keys only through the
 * admin-only functions of data/sql/014_stats_keys.sql.
 *
 * A revocation, or an expiry a rotation shortens, reaches every server's
 * token cache at once (engine/keys.h, the fairmatch_keys channel). Every
 * function returns 0, or -1 with the problem set.
 */
#ifndef FAIRMATCH_KEYRING_H
#define FAIRMATCH_KEYRING_H

#include <jansson.h>
#include <stdint.h>

#include "engine/core/problem.h"
#include "engine/keys.h"
#include "engine/store/store.h"

#define KEYRING_LIST_DEFAULT 100
#define KEYRING_LIST_MAX 1000
#define KEYRING_ORG_MAX 100
#define KEYRING_TIME_LEN 20 /* "YYYY-MM-DDTHH:MM:SSZ" */

/*
 * An expiry as text: RFC 3339 UTC ("2027-01-31T12:00:00Z") or a date
 * ("2027-01-31", its midnight UTC, as a flag's expires_at reads it); with
 * relative set also a time from now ("90d", "12h", "30m"). out gets the
 * RFC 3339 form. 0; -1 malformed; -2 not in the future.
 */
int keyring_parse_time(const char *text, int relative, char out[KEYRING_TIME_LEN + 1]);

/* Checks a POST /v1/keys body {"role","org","expires_at"?}: PROBLEM_INVALID
 * for unknown fields, types and formats, PROBLEM_RULE for an expiry that is
 * not in the future. The pointers borrow from in (*expires NULL: never);
 * *role gets the role. */
int keyring_validate(const json_t *in, enum role *role, const char **org,
		     char expires[KEYRING_TIME_LEN + 1], int *has_expiry, problem *p);

/* A new key; *out holds it with "token" (who NULL: the command line). */
int keyring_create(store *s, const struct principal *who, enum role role, const char *org,
		   const char *expires, json_t **out, problem *p);

/* Filters of GET /v1/keys, as given in the query string (NULL: absent). */
struct keyring_query {
	const char *org;
	const char *role;
	const char *status; /* active, expired, revoked */
	const char *limit;  /* 1..KEYRING_LIST_MAX */
	const char *cursor; /* next_cursor of the previous page */
};

/* {"items":[key...], "next_cursor": signed cursor|null} in id order, audited as
 * "key.list". PROBLEM_INVALID for a bad filter. */
int keyring_list(store *s, const struct principal *who, const struct keyring_query *q,
		 json_t **out, problem *p);

/* One key (audited as "key.read"); PROBLEM_NOT_FOUND when unknown. */
int keyring_get(store *s, const struct principal *who, int64_t id, json_t **out, problem *p);

/* Revokes key id: PROBLEM_NOT_FOUND when unknown, PROBLEM_CONFLICT when
 * revoked already. */
int keyring_revoke(store *s, const struct principal *who, int64_t id, json_t **out, problem *p);

/* Replaces key id by a new key of the same role and organisation (the
 * command line: it runs as the owner). The new key expires at `expires`, or
 * when the old one would have (NULL). The old key is revoked at once, or
 * with grace_until set keeps working until then (never longer than it
 * would have). *out is the new key with its token and "replaces". */
int keyring_rotate(store *s, int64_t id, const char *expires, const char *grace_until,
		   json_t **out, problem *p);

#endif
