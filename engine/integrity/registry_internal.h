/*
 * registry_internal.h - the in-memory registry of recruiters that
 * name_index.c builds and name_lookup.c searches (integ__ names, used only
 * inside engine/integrity/). The layout of the records, names and trigram
 * postings; every field is read under integ__reg.lock.
 */
#ifndef FAIRMATCH_INTEGRITY_REGISTRY_INTERNAL_H
#define FAIRMATCH_INTEGRITY_REGISTRY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

/* Records and names are numbered in uint32_t (a record + 1 in the licence
 * table, a name in the postings). */
#define REG_MAX ((size_t)UINT32_MAX - 1)
#define TRGM_SLOTS (37 * 37 * 37) /* ' ', a-z, 0-9 cubed */
#define TRGM_MAX (2 * NAMES_NORM_CAP)
#define NO_LICENCE INT32_MIN   /* valid_until of a recruiter without a licence */
#define NO_EXPIRY INT32_MAX    /* valid_until of a licence without an end date */
/* An open-addressing hash table of uint32_t slots, 0 empty, each slot
 * standing for a text (a licence, a name's key) that its owner can give. */
struct integ__slots {
	uint32_t *v;
	size_t cap, n; /* cap a power of two, or 0 */
};

struct reg_rec {
	int64_t id;
	const char *name;    /* as registered */
	const char *licence; /* normalised, or NULL */
	int32_t valid_until; /* days since 1970-01-01, NO_LICENCE or NO_EXPIRY */
	char country[3];
};

struct reg_name {
	uint32_t rec;   /* index in recs */
	uint16_t ntrgm; /* distinct trigrams of norm */
	uint8_t alias;
	uint8_t skeleton; /* norm is the confusable form of a name in another script */
	const char *norm;
	const char *core; /* norm without trade words, NULL when the same */
};

struct plist {
	uint32_t *v; /* indexes in names, ascending */
	uint32_t n, cap;
};

struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};
struct integ__registry {
	pthread_rwlock_t lock;
	struct reg_rec *recs;
	size_t nrecs, caprecs;
	struct reg_name *names;
	size_t nnames, capnames;
	struct plist *post; /* TRGM_SLOTS lists */
	struct integ__slots lic;  /* rec index + 1 */
	struct integ__slots keys; /* (name << 1 | core) + 1 */
	struct arena *arena;
	size_t arena_bytes, post_bytes;
	int64_t watermark;
};
extern struct integ__registry integ__reg;

/* Initialises the lock once; every entry point calls it first. */
void integ__registry_once(void);

/* The distinct pg_trgm trigram codes of s, ascending (at most cap). */
size_t integ__trigrams(const char *s, uint32_t *out, size_t cap);

/* The record index of normalised licence ln, or -1. Caller holds the lock. */
long integ__lic_find(const char *ln);

/* Calls fn for every name whose normal form (core: its core) is q. Caller
 * holds the lock. */
void integ__key_each(const char *q, int core, void (*fn)(uint32_t name, void *arg), void *arg);

#endif
