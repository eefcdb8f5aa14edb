/*
 * serve.c - `fairmatch serve`: readies the database (engine_prepare_db:
 * the migration as the owner, the server role's login), starts the engine
 * (engine_start) and the HTTP API in front of it, and stops them in the
 * reverse order.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "engine/retention.h"
#include "engine/stats.h"

int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"listen", 1, 0, 'l'}, {"db", 1, 0, 'd'},
					     {"index", 1, 0, 'i'}, {"port-file", 1, 0, 'p'},
					     {"threads", 1, 0, 't'}, {"max-per-ip", 1, 0, 'm'},
					     {"retention-months", 1, 0, 'R'},
					     {"stats-min-cell", 1, 0, 'k'},
					     {"access-log", 1, 0, 'a'}, {"rate-limit", 1, 0, 'r'},
					     {"rate-burst", 1, 0, 'b'}, {"no-expire", 0, 0, 'E'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct common c;
	struct api_config cfg = {.listen = "127.0.0.1:8080"};
	struct engine_config ecfg = {0};
	char server_conninfo[4096], err[600];
	const char *env_months = getenv("FAIRMATCH_RETENTION_MONTHS");
	const char *min_cell = getenv("FAIRMATCH_STATS_MIN_CELL");
	int retention_months = 0;
	int o, rc;

	cli_common_init(&c);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
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
		case 'h':
			printf("usage: fairmatch serve [--listen HOST:PORT] [--db CONNINFO] [--index DIR]\n"
			       "                       [--port-file FILE] [--threads N] [--max-per-ip N]\n"
			       "                       [--retention-months N] [--stats-min-cell K]\n"
			       "                       [--access-log FILE|-] [--rate-limit N] [--rate-burst N]\n"
			       "                       [--no-expire]\n"
			       "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080; port 0: any free)\n"
			       "  --port-file FILE    write the bound port there once listening\n"
			       "  --threads N         HTTP worker threads (default: one per core)\n"
			       "  --max-per-ip N      concurrent connections per client address (default 128)\n"
			       "  --access-log FILE|-  one line per request (id, method, route, status,\n"
			       "                      duration, org, role) appended to FILE, or stderr\n"
			       "  --rate-limit N      requests a minute per API key, 429 past it (default 0: off)\n"
			       "  --rate-burst N      requests a key may make at once (default N/6, at least 10)\n"
			       "  --retention-months N  erase profiles untouched for N months, hourly\n"
			       "                      (default $FAIRMATCH_RETENTION_MONTHS, else never)\n"
			       "  --no-expire         do not close expired vacancies after each midnight\n"
			       "                      (run `fairmatch expire` from cron instead)\n"
			       "  --stats-min-cell K  /v1/stats suppresses counts under K (5 to 1000;\n"
			       "                      default $FAIRMATCH_STATS_MIN_CELL, else 10)\n%s",
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
