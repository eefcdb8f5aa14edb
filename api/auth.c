/*
 * auth.c - who is calling: the bearer token becomes a principal
 * (keys_verify, on this thread's connection, whose cache a revocation on
 * any server empties within a second), whose role the matched
 * route's policy rule must allow. 401 for no or an unknown token, 403 for
 * a role the rule leaves out, 503 when the token cannot be checked now
 * (which the ride-through may run again).
 */
#include "api/internal.h"

#include <string.h>
#include <strings.h>

int api__authenticate(api_call *c)
{
	const char *h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	store *s;
	int ok;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
		api_fail(c, 401, "a bearer token is required");
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	/* No store (this worker never reached PostgreSQL, or cannot now):
	 * keys_verify still answers from the process-wide cache, so a token
	 * verified on another worker keeps working through an outage. */
	s = api__thread_store();
	ok = keys_verify(s, h, &c->who);
	if (ok == 1)
		api__set_actor(keys_role_name(c->who.role), c->who.org);
	if (ok == 0) {
		api_fail(c, 401, "the token is unknown, revoked or expired");
		return -1;
	}
	if (ok < 0) {
		api_fail(c, 503, "the token cannot be checked now; retry shortly");
		return -1;
	}
	if (!policy_allows(c->rule, c->who.role)) {
		api_fail(c, 403, "this role may not use this endpoint");
		return -1;
	}
	return 0;
}
