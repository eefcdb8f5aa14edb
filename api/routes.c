/*
 * routes.c - every endpoint of the API, gathered from the modules' tables.
 * A module adds its table here; the server matches paths in this order.
 */
#include "api/api.h"

extern const struct api_route health_routes[], vacancy_routes[];
extern const struct api_route profile_routes[], match_routes[];
extern const struct api_route recruiter_routes[], quota_routes[];
extern const struct api_route taxonomy_routes[];

const struct api_route *const api_route_tables[] = {
	health_routes,
	vacancy_routes,
	profile_routes,
	match_routes,
	recruiter_routes,
	quota_routes,
	taxonomy_routes,
	NULL,
};
