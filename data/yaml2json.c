/*
 * yaml2json.c - a build tool, not part of fairmatch: reads one YAML
 * document (docs/openapi.yaml) and writes it as compact JSON, so the server
 * can serve GET /v1/openapi.json from the very file tests/unit/openapi.sh
 * checks against the route table and lints. YAML is parsed by libyaml
 * (Debian's libyaml-dev) and JSON written by jansson: no hand-written
 * parser, no network, no npm at build time.
 *
 * Plain scalars are resolved with YAML 1.2's core schema (null, booleans,
 * integers, floats; everything else a string); quoted and block scalars are
 * strings; mapping keys are always strings, as JSON wants. Anchors, aliases
 * and tags other than the core ones are refused rather than guessed at, so
 * a feature the file starts to use cannot be silently mistranslated.
 *
 *   yaml2json IN.yaml OUT.json
 */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#define DEPTH_MAX 64

static const char *in_path;

static void complain(const yaml_event_t *ev, const char *what)
{
	fprintf(stderr, "yaml2json: %s:%zu:%zu: %s\n", in_path, ev->start_mark.line + 1,
		ev->start_mark.column + 1, what);
}

static int matches(const char *pattern, const char *s)
{
	regex_t re;
	int ok;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return 0;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* YAML 1.2 core schema, section 10.3.2. */
static json_t *plain_scalar(const char *s)
{
	if (!*s || matches("^(null|Null|NULL|~)$", s))
		return json_null();
	if (matches("^(true|True|TRUE)$", s))
		return json_true();
	if (matches("^(false|False|FALSE)$", s))
		return json_false();
	if (matches("^[-+]?[0-9]+$", s)) {
		errno = 0;
		long long v = strtoll(s, NULL, 10);

		if (errno == 0)
			return json_integer(v);
	}
	if (matches("^0o[0-7]+$", s))
		return json_integer(strtoll(s + 2, NULL, 8));
	if (matches("^0x[0-9a-fA-F]+$", s))
		return json_integer(strtoll(s + 2, NULL, 16));
	if (matches("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", s))
		return json_real(strtod(s, NULL));
	/* .inf and .nan have no JSON spelling: refuse them below. */
	if (matches("^[-+]?\\.(inf|Inf|INF)$", s) || matches("^\\.(nan|NaN|NAN)$", s))
		return NULL;
	return json_string(s);
}

static json_t *scalar(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && strcmp(tag, YAML_STR_TAG) != 0) {
		complain(ev, "a tag other than !!str is not supported");
		return NULL;
	}
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag) {
		json_t *v = plain_scalar(s);

		if (!v)
			complain(ev, "a value JSON cannot hold (.inf, .nan)");
		return v;
	}
	return json_stringn(s, ev->data.scalar.length);
}

static int next(yaml_parser_t *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(p, ev)) {
		fprintf(stderr, "yaml2json: %s:%zu:%zu: %s\n", in_path, p->problem_mark.line + 1,
			p->problem_mark.column + 1, p->problem ? p->problem : "parse error");
		return -1;
	}
	return 0;
}

/* The node that starts with ev (consumed), as a new reference; NULL on error. */
static json_t *node(yaml_parser_t *p, yaml_event_t *ev, int depth)
{
	json_t *out = NULL, *v;
	yaml_event_t e;
	char *key;

	if (depth > DEPTH_MAX) {
		complain(ev, "nested too deeply");
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor) {
			complain(ev, "anchors are not supported");
			return NULL;
		}
		return scalar(ev);
	case YAML_ALIAS_EVENT:
		complain(ev, "aliases are not supported");
		return NULL;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor) {
			complain(ev, "anchors are not supported");
			return NULL;
		}
		out = json_array();
		for (;;) {
			if (!out || next(p, &e))
				goto fail;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				return out;
			}
			v = node(p, &e, depth + 1);
			yaml_event_delete(&e);
			if (!v || json_array_append_new(out, v))
				goto fail;
		}
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor) {
			complain(ev, "anchors are not supported");
			return NULL;
		}
		out = json_object();
		for (;;) {
			if (!out || next(p, &e))
				goto fail;
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				return out;
			}
			if (e.type != YAML_SCALAR_EVENT) {
				complain(&e, "a mapping key must be a scalar");
				yaml_event_delete(&e);
				goto fail;
			}
			key = strdup((const char *)e.data.scalar.value);
			if (key && json_object_get(out, key)) {
				complain(&e, "a key appears twice in one mapping");
				free(key);
				yaml_event_delete(&e);
				goto fail;
			}
			yaml_event_delete(&e);
			if (!key || next(p, &e)) {
				free(key);
				goto fail;
			}
			v = node(p, &e, depth + 1);
			yaml_event_delete(&e);
			if (!v || json_object_set_new(out, key, v)) {
				free(key);
				goto fail;
			}
			free(key);
		}
	default:
		complain(ev, "unexpected YAML event");
		return NULL;
	}
fail:
	json_decref(out);
	return NULL;
}

int main(int argc, char **argv)
{
	yaml_parser_t p;
	yaml_event_t ev;
	json_t *doc = NULL;
	FILE *in;
	char tmp[4096];
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: yaml2json IN.yaml OUT.json\n");
		return 2;
	}
	in_path = argv[1];
	in = fopen(in_path, "rb");
	if (!in) {
		fprintf(stderr, "yaml2json: %s: %s\n", in_path, strerror(errno));
		return 1;
	}
	if (!yaml_parser_initialize(&p)) {
		fclose(in);
		return 1;
	}
	yaml_parser_set_input_file(&p, in);
	/* stream start, document start, the root node, document end, stream end */
	while (!doc) {
		if (next(&p, &ev))
			goto out;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			fprintf(stderr, "yaml2json: %s: no document\n", in_path);
			goto out;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		doc = node(&p, &ev, 0);
		yaml_event_delete(&ev);
		if (!doc)
			goto out;
	}
	if (next(&p, &ev))
		goto out;
	yaml_event_delete(&ev); /* document end */
	if (next(&p, &ev))
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		complain(&ev, "more than one document");
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
	if (json_dump_file(doc, tmp, JSON_COMPACT | JSON_ENSURE_ASCII) || rename(tmp, argv[2])) {
		fprintf(stderr, "yaml2json: cannot write %s\n", argv[2]);
		remove(tmp);
		goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	yaml_parser_delete(&p);
	fclose(in);
	return rc;
}
