/*
 * routes.c - every endpoint of the API, gathered from the modules' tables,
 * and the router that finds a request's route in them. A module adds its
 * table here; the server matches paths in this order.
 */
#include "api/internal.h"

#include <stdio.h>
#include <string.h>

extern const struct api_route health_routes[], vacancy_routes[];
extern const struct api_route profile_routes[], match_routes[];
extern const struct api_route recruiter_routes[], quota_routes[];
extern const struct api_route taxonomy_routes[];
extern const struct api_route console_routes[];
extern const struct api_route key_routes[], stats_routes[];

const struct api_route *const api_route_tables[] = {
	health_routes,
	vacancy_routes,
	profile_routes,
	match_routes,
	recruiter_routes,
	quota_routes,
	taxonomy_routes,
	console_routes,
	key_routes,
	stats_routes,
	NULL,
};

/* Matches path against pattern ({x} one segment, {x+} at the end the
 * rest); fills params (copied into c->param_buf). */
static int match(api_call *c, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	char *out = c->param_buf, *end = c->param_buf + sizeof c->param_buf;
	int n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *seg_end = strchr(s, '/'), *close = strchr(p, '}');
			size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);

			/* {x+} ends a pattern and takes the rest of the path,
			 * slashes included: an ESCO URI, URL-encoded, arrives
			 * decoded (/v1/taxonomy/skills/{id+}). */
			if (close && close > p && close[-1] == '+' && close[1] == '\0')
				len = strlen(s);

			if (len == 0 || n >= API_MAX_PARAMS || out + len + 1 > end)
				return 0;
			memcpy(out, s, len);
			out[len] = '\0';
			c->params[n++] = out;
			out += len + 1;
			s += len;
			p = strchr(p, '}');
			if (!p)
				return 0;
			p++;
		} else if (*p++ != *s++) {
			return 0;
		}
	}
	return *p == '\0' && *s == '\0';
}

const struct api_route *api__route_for(api_call *c, char *allow, size_t allowlen)
{
	const struct api_route *found = NULL;
	size_t t, i;

	allow[0] = '\0';
	for (t = 0; api_route_tables[t]; t++) {
		for (i = 0; api_route_tables[t][i].method; i++) {
			const struct api_route *r = &api_route_tables[t][i];

			if (!match(c, r->pattern, c->path))
				continue;
			if (!strstr(allow, r->method)) {
				size_t n = strlen(allow);

				snprintf(allow + n, allowlen - n, "%s%s", n ? ", " : "", r->method);
			}
			if (!found && strcmp(r->method, c->method) == 0)
				found = r;
		}
	}
	if (found)
		match(c, found->pattern, c->path); /* params of the route that runs */
	return found;
}
