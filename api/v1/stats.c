/*
 * stats.c - GET /v1/stats (regulators and admins): aggregate counts with
 * small cells suppressed. The counting, the suppression and the audit row
 * are engine/stats.c's; no profile is read through the profile paths.
 */
#include "api/api.h"

#include "engine/stats.h"

static const struct api_pre any = {.need = API_STORE};

static int get(api_call *c, struct api_ctx *x, json_t **out)
{
	struct stats_query q = {.months = api_query(c, "months")};

	/* Counted on the replica when there is one; audited on the primary. */
	store *read = api_store_read();

	return stats_get_from(read ? read : x->s, x->s, api_who(c), &q, out, &x->p);
}

static const char *const params[] = {"months", NULL};

const struct api_route stats_routes[] = {
	{.method = "GET", .pattern = "/v1/stats", .query_params = params, .pre = &any, .step = get,
	 .name = "stats"},
	{0},
};
