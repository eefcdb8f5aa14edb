/*
 * engine.c - starting and stopping the engine's long-running parts in one
 * order (see engine.h), so a server, a test or a future face all get the
 * same order.
 */
#include "engine/engine.h"

#include <stdio.h>

#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"
#include "engine/retention.h"
#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"

int engine_start(const struct engine_config *cfg, char *err, size_t errlen)
{
	/* ESCO and the taxonomy index before the first write needs them (the
	 * index is built here when missing or stale). */
	{
		char terr[512];

		json_t *warm;

		if (taxonomy_init(terr, sizeof terr)) {
			snprintf(err, errlen, "taxonomy: %s", terr);
			return -1;
		}
		/* The labels in memory are built on first use (under a second of
		 * CPU): build them now, not on the first request. */
		if ((warm = json_array()) != NULL) {
			(void)taxonomy_suggest(NULL, ESCO_KIND_SKILL, "a", "en", 1, warm);
			json_decref(warm);
		}
	}
	if (indexer_start(cfg->conninfo, cfg->index_path)) {
		snprintf(err, errlen, "cannot start the indexer");
		return -1;
	}
	/* The legal-form table now, not on the first request; then the
	 * snapshot of flagged recruiters and its LISTEN thread. */
	if (names_init() || integrity_start(cfg->conninfo)) {
		snprintf(err, errlen, "cannot start the integrity snapshot");
		indexer_stop();
		return -1;
	}
	if (retention_start(cfg->conninfo, cfg->retention_months)) {
		snprintf(err, errlen, "cannot start the retention thread");
		integrity_stop();
		indexer_stop();
		return -1;
	}
	return 0;
}

void engine_stop(void)
{
	retention_stop();
	integrity_stop();
	indexer_stop();
}
