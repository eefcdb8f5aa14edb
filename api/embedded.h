/*
 * embedded.h - files compiled into the binary by data/embed_files.sh: the
 * web console's assets (console/) and the OpenAPI description converted to
 * JSON at build time (data/yaml2json.c). api/console.c serves them.
 */
#ifndef FAIRMATCH_API_EMBEDDED_H
#define FAIRMATCH_API_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;            /* the base name: "app.js" */
	const unsigned char *bytes;  /* followed by a NUL the length leaves out */
	size_t len;
	const char *etag;            /* "\"<cksum>-<len>\"" */
};

/* Each ends with an entry whose name is NULL. */
extern const struct embedded_file console_files[];
extern const struct embedded_file openapi_files[];

#endif
