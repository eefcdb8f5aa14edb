/*
 * migrations.h - the schema migrations compiled into the binary.
 *
 * data/sql/NNN_name.sql files are turned into this table at build time by
 * data/embed_sql.sh, in number order. store_open() applies the ones that
 * schema_migrations does not list yet, each in its own transaction, under an
 * advisory lock so concurrent servers do not race.
 */
#ifndef FAIRMATCH_MIGRATIONS_H
#define FAIRMATCH_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
