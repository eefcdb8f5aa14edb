/*
 * metrics.c - request counters and a latency histogram for GET /metrics,
 * in the Prometheus text format. Counts are kept per (route name, status)
 * in a small fixed table under one mutex: a request costs one lock.
 */
#include "api/api.h"

#include "engine/core/buf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 256
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NB (sizeof bounds / sizeof bounds[0])

static struct series {
	const char *route; /* a route table name: static storage */
	int status;
	unsigned long long count;
} series[MAX_SERIES];
static size_t nseries;
static unsigned long long buckets[NB + 1];
static double latency_sum;
static unsigned long long latency_count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void metrics_observe(const char *route, int status, double seconds)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nseries; i++)
		if (series[i].status == status && strcmp(series[i].route, route) == 0)
			break;
	if (i == nseries && nseries < MAX_SERIES) {
		series[i].route = route;
		series[i].status = status;
		nseries++;
	}
	if (i < nseries)
		series[i].count++;
	for (i = 0; i < NB && seconds > bounds[i]; i++)
		;
	buckets[i]++;
	latency_sum += seconds;
	latency_count++;
	pthread_mutex_unlock(&lock);
}

/* The text is a few KiB (MAX_SERIES lines at most); a hard maximum all the same. */
#define METRICS_MAX (((size_t)1 << 20) - 1)

char *metrics_render(void)
{
	struct buf b;
	size_t i;
	unsigned long long cum = 0;
	int rc;

	buf_init(&b, METRICS_MAX);
	rc = buf_add_str(&b, "# HELP fairmatch_http_requests_total HTTP requests by route and status.\n"
			     "# TYPE fairmatch_http_requests_total counter\n");
	pthread_mutex_lock(&lock);
	for (i = 0; rc == 0 && i < nseries; i++)
		rc = buf_addf(&b, "fairmatch_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			      series[i].route, series[i].status, series[i].count);
	if (rc == 0)
		rc = buf_add_str(&b, "# HELP fairmatch_http_request_duration_seconds Request latency.\n"
				     "# TYPE fairmatch_http_request_duration_seconds histogram\n");
	for (i = 0; rc == 0 && i < NB; i++) {
		cum += buckets[i];
		rc = buf_addf(&b, "fairmatch_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			      bounds[i], cum);
	}
	cum += buckets[NB];
	if (rc == 0)
		rc = buf_addf(&b,
			      "fairmatch_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
			      "fairmatch_http_request_duration_seconds_sum %.6f\n"
			      "fairmatch_http_request_duration_seconds_count %llu\n",
			      cum, latency_sum, latency_count);
	pthread_mutex_unlock(&lock);
	return rc ? NULL : buf_detach(&b); /* a failed append has freed the text */
}
