/*
 * serve.c - `fairmatch serve`: readies the database (engine_prepare_db:
 * the migration as the owner, the server role's login), starts the engine
 * (engine_start) and the HTTP API in front of it, and stops them in the
 * reverse order.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "engine/retention.h"
#include "engine/stats.h"
#include "index/index.h"

#define MAX_SHARDS 64

/* --remote-shard K=HOST:PORT into remote[K]; 0, or -1 said. */
static int parse_remote_shard(const char *arg, const char *remote[MAX_SHARDS])
{
	char *end = NULL;
	long k = strtol(arg, &end, 10);

	if (end == arg || *end != '=' || k < 0 || k >= MAX_SHARDS || !strchr(end + 1, ':')) {
		fprintf(stderr, "fairmatch: --remote-shard takes K=HOST:PORT (K from 0), not \"%s\"\n",
			arg);
		return -1;
	}
	remote[k] = end + 1;
	return 0;
}

/* --shards and --remote-shard: writes the index's layout (index.h). */
static int set_shards(const char *dir, unsigned n, const char *remote[MAX_SHARDS])
{
	index_error e = {{0}};
	unsigned k;

	for (k = n; k < MAX_SHARDS; k++)
		if (remote[k]) {
			fprintf(stderr, "fairmatch: --remote-shard %u: there are only %u shards\n", k, n);
			return -1;
		}
	if (index_set_shards(dir, n, remote, &e)) {
		fprintf(stderr, "fairmatch: %s\n", e.msg);
		return -1;
	}
	return 0;
}

int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"listen", 1, 0, 'l'}, {"db", 1, 0, 'd'},
					     {"index", 1, 0, 'i'}, {"port-file", 1, 0, 'p'},
					     {"threads", 1, 0, 't'}, {"max-per-ip", 1, 0, 'm'},
					     {"retention-months", 1, 0, 'R'},
					     {"stats-min-cell", 1, 0, 'k'},
					     {"access-log", 1, 0, 'a'}, {"rate-limit", 1, 0, 'r'},
					     {"rate-burst", 1, 0, 'b'},
					     {"db-read", 1, 0, 'D'}, {"shards", 1, 0, 'S'},
					     {"remote-shard", 1, 0, 'T'},
					     {"timeout", 1, 0, 'o'},
					     {"no-expire", 0, 0, 'E'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct common c;
	struct api_config cfg = {.listen = "127.0.0.1:8080"};
	struct engine_config ecfg = {0};
	char server_conninfo[4096], read_conninfo[4096], err[600];
	const char *db_read = NULL, *remote[MAX_SHARDS] = {0};
	unsigned shards = 0;
	const char *env_months = getenv("FAIRMATCH_RETENTION_MONTHS");
	const char *min_cell = getenv("FAIRMATCH_STATS_MIN_CELL");
	int retention_months = 0;
	int o, rc;

	cli_common_init(&c);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'l': cfg.listen = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'i': c.index = optarg; break;
		case 'p': cfg.port_file = optarg; break;
		case 't':
			if (cli_count("threads", optarg, 1000000, &cfg.threads))
				return 2;
			break;
		case 'm':
			if (cli_count("max-per-ip", optarg, 1000000, &cfg.max_per_ip))
				return 2;
			break;
		case 'R': env_months = optarg; break;
		case 'E': ecfg.no_expire = 1; break;
		case 'k': min_cell = optarg; break;
		case 'a': cfg.access_log = optarg; break;
		case 'r':
			if (cli_count("rate-limit", optarg, 1000000, &cfg.rate_per_minute))
				return 2;
			break;
		case 'b':
			if (cli_count("rate-burst", optarg, 1000000, &cfg.rate_burst))
				return 2;
			break;
		case 'D': db_read = optarg; break;
		case 'S':
			if (cli_count("shards", optarg, MAX_SHARDS, &shards))
				return 2;
			if (shards == 0) {
				fprintf(stderr, "fairmatch: --shards must be from 1 to %d\n", MAX_SHARDS);
				return 2;
			}
			break;
		case 'T':
			if (parse_remote_shard(optarg, remote))
				return 2;
			break;
		case 'o':
			if (cli_count("timeout", optarg, 3600, &cfg.timeout_seconds))
				return 2;
			if (cfg.timeout_seconds == 0) {
				fprintf(stderr, "fairmatch: --timeout must be a whole number from 1 to 3600\n");
				return 2;
			}
			break;
		case 'h':
			printf("usage: fairmatch serve [--listen HOST:PORT] [--db CONNINFO] [--index DIR]\n"
			       "                       [--port-file FILE] [--threads N] [--max-per-ip N]\n"
			       "                       [--retention-months N] [--stats-min-cell K]\n"
			       "                       [--access-log FILE|-] [--rate-limit N] [--rate-burst N]\n"
			       "                       [--db-read CONNINFO] [--shards N [--remote-shard K=HOST:PORT]...]\n"
			       "                       [--timeout SECONDS]\n"
			       "                       [--no-expire]\n"
			       "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080; port 0: any free)\n"
			       "  --port-file FILE    write the bound port there once listening\n"
			       "  --threads N         HTTP worker threads (default: one per core)\n"
			       "  --max-per-ip N      concurrent connections per client address (default 128)\n"
			       "  --access-log FILE|-  one line per request (id, method, route, status,\n"
			       "                      duration, org, role) appended to FILE, or stderr\n"
			       "  --rate-limit N      requests a minute per API key, 429 past it (default 0: off)\n"
			       "  --rate-burst N      requests a key may make at once (default N/6, at least 10)\n"
			       "  --timeout SECONDS   a connection silent that long is closed, and a request\n"
			       "                      not read and answered within twice that is cut\n"
			       "                      (default 30)\n"
			       "  --retention-months N  erase profiles untouched for N months, hourly\n"
			       "                      (default $FAIRMATCH_RETENTION_MONTHS, else never)\n"
			       "  --no-expire         do not close expired vacancies after each midnight\n"
			       "                      (run `fairmatch expire` from cron instead)\n"
			       "  --stats-min-cell K  /v1/stats suppresses counts under K (5 to 1000;\n"
			       "                      default $FAIRMATCH_STATS_MIN_CELL, else 10)\n"
			       "  --db-read CONNINFO  a streaming replica for reads that tolerate its lag\n"
			       "                      (statistics); writes and read-your-write reads use --db\n"
			       "  --shards N          split the index directory into N shards (1 to 64; an\n"
			       "                      index keeps its count: a new count needs a new --index)\n"
			       "  --remote-shard K=HOST:PORT  read shard K (from 0) through the xapian-tcpsrv\n"
			       "                      serving DIR/shard-K there; this node still writes it\n"
			       "  (docs/deployment.md: several nodes, replicas and shards)\n%s",
			       cli_common_help);
			return 0;
		default: return 2;
		}
	}
	if (env_months && *env_months) {
		retention_months = retention_parse_months(env_months);
		if (retention_months < 0) {
			fprintf(stderr, "fairmatch: retention months must be a whole number from 1 to %d\n",
				RETENTION_MONTHS_MAX);
			return 2;
		}
	}
	if (min_cell && *min_cell && stats_set_min_cell(stats_parse_min_cell(min_cell))) {
		fprintf(stderr, "fairmatch: the statistics' minimum cell must be a whole number from %d to %d\n",
			STATS_MIN_CELL_FLOOR, STATS_MIN_CELL_MAX);
		return 2;
	}
	if (!shards) {
		for (unsigned k = 0; k < MAX_SHARDS; k++)
			if (remote[k]) {
				fprintf(stderr, "fairmatch: --remote-shard needs --shards\n");
				return 2;
			}
	} else if (set_shards(c.index, shards, remote)) {
		return 1;
	}
	if (db_read) {
		/* The replica holds the same roles: log in as the server's
		 * (FAIRMATCH_SERVER_DB names the primary: not applied here). */
		if (store_role_conninfo(db_read, STORE_SERVER_ROLE, read_conninfo,
					sizeof read_conninfo, err, sizeof err)) {
			fprintf(stderr, "fairmatch: --db-read: %s\n", err);
			return 2;
		}
		cfg.read_conninfo = read_conninfo;
	}
	if (engine_prepare_db(c.conninfo, server_conninfo, sizeof server_conninfo, err,
			      sizeof err)) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return 1;
	}
	ecfg.conninfo = server_conninfo;
	ecfg.index_path = c.index;
	ecfg.retention_months = retention_months;
	if (engine_start(&ecfg, err, sizeof err)) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return 1;
	}
	cfg.conninfo = server_conninfo;
	cfg.index_path = c.index;
	rc = api_serve(&cfg);
	engine_stop();
	return rc;
}
