/*
 * health.c - GET /v1/health and GET /metrics (no token).
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/indexer/indexer.h"

/* The newest change-log seq, or -1 when PostgreSQL cannot be asked. */
static int64_t newest_seq(store *s)
{
	PGresult *r;
	int64_t v;

	if (!s || store_ensure(s))
		return -1;
	r = store_exec(s, "SELECT coalesce(max(seq), 0) FROM change_log", 0, NULL);
	if (!r)
		return -1;
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

struct state {
	int pg_up;
	uint64_t docs;
	int64_t lag;
	int index_ok;
	int ready;         /* the index may be answered from (indexer_ready) */
	const char *state; /* ready, building, catching_up, follower */
	unsigned shards;
	int remote;
};

static void read_state(store *s, index_db *db, struct state *st)
{
	int64_t newest = newest_seq(s);
	index_error e;

	st->pg_up = newest >= 0;
	st->ready = indexer_ready(&st->state);
	st->shards = 1;
	st->remote = 0;
	if (db)
		(void)index_shard_count(db, &st->shards, &st->remote);
	st->index_ok = db && index_doc_count(db, &st->docs, &e) == 0;
	if (!st->index_ok)
		st->docs = 0;
	st->lag = st->pg_up && st->index_ok ? newest - indexer_index_seq(db) : 0;
	if (st->lag < 0)
		st->lag = 0;
}

static void health(api_call *c)
{
	struct state st;
	json_t *o;

	read_state(api_store_quiet(), api_index_quiet(), &st);
	/* "starting" (503) until the index is this database's and caught up
	 * once: a load balancer sends nothing to a node still building. */
	/* An index that cannot be opened (a remote shard's tcpsrv down) is
	 * "degraded" too: searches would fail. */
	o = json_pack("{s:s, s:s, s:{s:I, s:I, s:s, s:I, s:b}}", "status",
		      !st.pg_up || !st.index_ok ? "degraded" : st.ready ? "ok" : "starting",
		      "postgres",
		      st.pg_up ? "up" : "down", "index", "documents", (json_int_t)st.docs, "lag",
		      (json_int_t)st.lag, "state", st.state, "shards", (json_int_t)st.shards,
		      "remote_shards", st.remote);
	api_reply(c, st.pg_up && st.ready && st.index_ok ? 200 : 503, o);
}

static void metrics(api_call *c)
{
	struct state st;
	char *req = metrics_render(), *out;
	size_t n;

	read_state(api_store_quiet(), api_index_quiet(), &st);
	if (!req) {
		api_fail(c, 503, "out of memory");
		return;
	}
	n = strlen(req) + 2048;
	out = malloc(n);
	if (out)
		snprintf(out, n,
			 "%s"
			 "# HELP fairmatch_index_documents Documents in the vacancy index.\n"
			 "# TYPE fairmatch_index_documents gauge\n"
			 "fairmatch_index_documents %llu\n"
			 "# HELP fairmatch_index_lag Change-log rows not yet applied to the index.\n"
			 "# TYPE fairmatch_index_lag gauge\n"
			 "fairmatch_index_lag %lld\n"
			 "# HELP fairmatch_index_ready Whether this node answers from its index"
			 " (this database's, caught up once).\n"
			 "# TYPE fairmatch_index_ready gauge\n"
			 "fairmatch_index_ready %d\n"
			 "# HELP fairmatch_postgres_up Whether PostgreSQL answered.\n"
			 "# TYPE fairmatch_postgres_up gauge\n"
			 "fairmatch_postgres_up %d\n"
			 "# HELP fairmatch_postgres_reconnects_total Reconnections to PostgreSQL.\n"
			 "# TYPE fairmatch_postgres_reconnects_total counter\n"
			 "fairmatch_postgres_reconnects_total %llu\n",
			 req, (unsigned long long)st.docs, (long long)st.lag, st.ready, st.pg_up,
			 (unsigned long long)store_reconnects());
	free(req);
	api_reply_text(c, 200, "text/plain; version=0.0.4", out);
}

const struct api_route health_routes[] = {
	{.method = "GET", .pattern = "/v1/health", .handler = health, .name = "health"},
	{.method = "GET", .pattern = "/metrics", .handler = metrics, .name = "metrics"},
	{0},
};
