/*
 * init.c - the taxonomy's process-wide state: ESCO loaded once
 * (taxonomy_esco), the index path and its check or first build
 * (taxonomy_init), and each thread's read-only handle on the index, closed
 * when the thread ends. Each is made once behind pthread_once and read-only
 * afterwards (the thread contract is in taxonomy.h).
 */
#include "engine/taxonomy/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = TAX_ERR;
static char init_err[512];
static esco *g_tax;
static char g_path[4096];

static pthread_key_t tl_key;
static _Thread_local index_db *tl_db;

static void close_thread_db(void *unused)
{
	(void)unused;
	index_close(tl_db);
	tl_db = NULL;
}

/* ESCO itself, loaded once per process and shared by normalisation,
 * matching and quotas; it does not need the label index. */
static pthread_once_t esco_once = PTHREAD_ONCE_INIT;
static char esco_err[400];

const char *tax__esco_dir(void)
{
	const char *dir = getenv("FAIRMATCH_ESCO_DIR");

	return dir && *dir ? dir : ESCO_DEFAULT_DIR;
}

static void load_esco(void)
{
	if (esco_load(tax__esco_dir(), &g_tax, esco_err, sizeof esco_err)) {
		g_tax = NULL;
		return;
	}
	tax__load_acronyms(g_tax, tax__esco_dir());
}

static void do_init(void)
{
	snprintf(g_path, sizeof g_path, "%s",
		 getenv("FAIRMATCH_TAXONOMY") && *getenv("FAIRMATCH_TAXONOMY")
			 ? getenv("FAIRMATCH_TAXONOMY")
			 : TAX_DEFAULT_PATH);
	pthread_key_create(&tl_key, close_thread_db);
	if (!taxonomy_esco()) {
		snprintf(init_err, sizeof init_err, "loading ESCO: %s", esco_err);
		return;
	}
	/* Built here only when missing: a stale index (another version of this
	 * code or of the data) is still served, with a warning, because a build
	 * takes minutes and would hold up every process that starts meanwhile;
	 * `fairmatch taxonomy load` brings it up to date. */
	switch (tax__index_current(g_tax, g_path)) {
	case 1:
		break;
	case 0:
		fprintf(stderr, "fairmatch: the taxonomy index at %s is from another version; "
				"run 'fairmatch taxonomy load'\n",
			g_path);
		break;
	default:
		if (taxonomy_build(g_tax, g_path, NULL, NULL, NULL, init_err, sizeof init_err))
			return;
	}
	init_rc = 0;
}

int taxonomy_init(char *err, size_t errlen)
{
	pthread_once(&init_once, do_init);
	if (init_rc && err && errlen)
		snprintf(err, errlen, "%s", init_err);
	return init_rc;
}

const esco *taxonomy_esco(void)
{
	pthread_once(&esco_once, load_esco);
	return g_tax;
}

int taxonomy_index_state(char *why, size_t whylen)
{
	int rc;

	if (!taxonomy_esco()) {
		snprintf(why, whylen, "loading ESCO: %s", esco_err);
		return TAX_ERR;
	}
	rc = tax__index_current(g_tax, taxonomy_path());
	snprintf(why, whylen, "%s", rc == 1 ? "current" : rc == 0 ? "stale" : "missing");
	return rc == 1;
}

const char *taxonomy_path(void)
{
	if (!g_path[0])
		return getenv("FAIRMATCH_TAXONOMY") && *getenv("FAIRMATCH_TAXONOMY")
			       ? getenv("FAIRMATCH_TAXONOMY")
			       : TAX_DEFAULT_PATH;
	return g_path;
}

/* This thread's read-only handle on the process-wide index. */
index_db *tax__thread_db(void)
{
	index_error e = {{0}};

	if (taxonomy_init(NULL, 0))
		return NULL;
	if (!tl_db) {
		if (index_open_readonly(g_path, &tl_db, &e)) {
			tl_db = NULL;
			return NULL;
		}
		pthread_setspecific(tl_key, (void *)1);
	}
	return tl_db;
}
