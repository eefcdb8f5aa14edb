/*
 * keys.c - the /v1/keys endpoints (admins): list keys, make one (its token
 * is in that answer and nowhere else, ever), read one, and revoke one
 * (DELETE), which stops it on every server sharing the database within a
 * second. The rules and the audit rows are engine/keyring.c's.
 */
#include "api/api.h"

#include <string.h>

#include "engine/keyring.h"

/* API ids carry their prefix: "k_12". */
static int parse_kid(const char *text, int64_t *id)
{
	return text && strncmp(text, "k_", 2) == 0 ? keys_parse_id(text, id) : -1;
}

static const struct api_pre any = {.need = API_STORE};
static const struct api_pre one = {.parse_id = parse_kid, .what = "key", .need = API_STORE};

static int list(api_call *c, struct api_ctx *x, json_t **out)
{
	struct keyring_query q = {
		.org = api_query(c, "org"),
		.role = api_query(c, "role"),
		.status = api_query(c, "status"),
		.limit = api_query(c, "limit"),
		.cursor = api_query(c, "cursor"),
	};

	return keyring_list(x->s, api_who(c), &q, out, &x->p);
}

static int create(api_call *c, struct api_ctx *x, json_t **out)
{
	char expires[KEYRING_TIME_LEN + 1];
	const char *org;
	enum role role;
	int has_expiry;

	if (keyring_validate(api_body(c), &role, &org, expires, &has_expiry, &x->p))
		return -1;
	return keyring_create(x->s, api_who(c), role, org, has_expiry ? expires : NULL, out, &x->p);
}

static int get_one(api_call *c, struct api_ctx *x, json_t **out)
{
	return keyring_get(x->s, api_who(c), x->id, out, &x->p);
}

static int revoke(api_call *c, struct api_ctx *x, json_t **out)
{
	return keyring_revoke(x->s, api_who(c), x->id, out, &x->p);
}

static const char *const list_params[] = {"org", "role", "status", "limit", "cursor", NULL};

const struct api_route key_routes[] = {
	{.method = "GET", .pattern = "/v1/keys", .query_params = list_params, .pre = &any,
	 .step = list, .name = "keys_list"},
	{.method = "POST", .pattern = "/v1/keys", .body = 1, .pre = &any, .step = create,
	 .created = "/v1/keys", .name = "keys_create"},
	{.method = "GET", .pattern = "/v1/keys/{id}", .pre = &one, .step = get_one,
	 .name = "keys_get"},
	{.method = "DELETE", .pattern = "/v1/keys/{id}", .pre = &one, .step = revoke,
	 .name = "keys_revoke"},
	{0},
};
