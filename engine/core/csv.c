/*
 * csv.c - a streaming RFC 4180 CSV reader over zlib's gz* interface.
 *
 * Input is read through a fixed 64 KiB buffer; each record is unquoted into
 * one growable byte buffer, each field terminated by a NUL, and the fields'
 * offsets and lengths are kept in a second growable array. Both grow by
 * doubling and stop at hard maxima (CSV_MAX_RECORD bytes, CSV_MAX_FIELDS
 * fields), so a hostile file costs at most about one MiB of memory. The
 * parser is a small state machine over single bytes: an unquoted field runs
 * to a comma or line end; a quoted field runs to a quote not followed by
 * another quote, and may hold commas and line breaks. A quote inside an
 * unquoted field is kept literally (a common leniency); any other byte after
 * a closing quote than a comma or a line end is a syntax error.
 */
#include "engine/core/csv.h"

#include "engine/core/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IN_SIZE (64 * 1024)
/* the record buffer holds the bytes plus one NUL per field */
#define REC_MAX (CSV_MAX_RECORD + CSV_MAX_FIELDS)
#define R_EOF (-1)
#define R_ERR (-2)

struct field {
	size_t off, len;
};

struct csv_reader {
	gzFile gz;
	char *path;
	unsigned char in[IN_SIZE];
	size_t in_pos, in_len;
	int in_eof;

	struct buf rec; /* of at most REC_MAX bytes */
	size_t content; /* bytes of field data in the record, NULs excluded */
	struct field *f;
	size_t nf, f_cap;

	char *hdr;
	struct field *hf;
	size_t nh;

	unsigned long line, rec_line;
	int err;
	char msg[512];
};

static void set_err(csv_reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(csv_reader *r, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->err = code;
	n = snprintf(r->msg, sizeof r->msg, "%s:%lu: ", r->path, r->rec_line);
	if (n < 0 || (size_t)n >= sizeof r->msg)
		return;
	va_start(ap, fmt);
	vsnprintf(r->msg + n, sizeof r->msg - (size_t)n, fmt, ap);
	va_end(ap);
}

static int refill(csv_reader *r)
{
	int n, zerr;
	const char *m;

	if (r->in_eof)
		return 0;
	n = gzread(r->gz, r->in, IN_SIZE);
	if (n < 0) {
		m = gzerror(r->gz, &zerr);
		set_err(r, CSV_ERR_IO, "read error: %s", zerr == Z_ERRNO ? strerror(errno) : m);
		return -1;
	}
	if (n == 0) {
		m = gzerror(r->gz, &zerr);
		if (zerr != Z_OK) {
			set_err(r, CSV_ERR_IO, "read error: %s", zerr == Z_ERRNO ? strerror(errno) : m);
			return -1;
		}
		r->in_eof = 1;
		return 0;
	}
	r->in_pos = 0;
	r->in_len = (size_t)n;
	return n;
}

static inline int rd(csv_reader *r)
{
	if (r->in_pos == r->in_len) {
		int n = refill(r);
		if (n <= 0)
			return n < 0 ? R_ERR : R_EOF;
	}
	return r->in[r->in_pos++];
}

/* Appends one byte to the record; on failure the record is gone (no field
 * points into it any more). */
static int rec_add(csv_reader *r, char c)
{
	int limit = r->rec.len >= REC_MAX;

	if (buf_add(&r->rec, &c, 1) == 0)
		return 0;
	r->nf = 0;
	if (limit)
		set_err(r, CSV_ERR_LIMIT, "record longer than %zu bytes", (size_t)CSV_MAX_RECORD);
	else
		set_err(r, CSV_ERR_NOMEM, "out of memory");
	return -1;
}

static inline int push(csv_reader *r, int c)
{
	if (++r->content > CSV_MAX_RECORD) {
		set_err(r, CSV_ERR_LIMIT, "record longer than %zu bytes", (size_t)CSV_MAX_RECORD);
		return -1;
	}
	return rec_add(r, (char)c);
}

static int end_field(csv_reader *r, size_t start)
{
	if (r->nf == CSV_MAX_FIELDS) {
		set_err(r, CSV_ERR_LIMIT, "record has more than %d fields", CSV_MAX_FIELDS);
		return -1;
	}
	if (array_grow((void **)&r->f, &r->f_cap, r->nf + 1, sizeof *r->f, CSV_MAX_FIELDS)) {
		set_err(r, CSV_ERR_NOMEM, "out of memory");
		return -1;
	}
	r->f[r->nf].off = start;
	r->f[r->nf].len = r->rec.len - start;
	r->nf++;
	return rec_add(r, '\0');
}

int csv_next(csv_reader *r)
{
	int c;

	if (r->err)
		return r->err;
	buf_reset(&r->rec);
	r->content = 0;
	r->nf = 0;

	/* skip blank lines */
	for (;;) {
		c = rd(r);
		if (c == '\n')
			r->line++;
		else if (c != '\r')
			break;
	}
	if (c == R_ERR)
		return r->err;
	if (c == R_EOF)
		return 0;
	r->rec_line = r->line;

	for (;;) {
		size_t start = r->rec.len;

		if (c == '"') {
			for (;;) {
				c = rd(r);
				if (c == R_ERR)
					return r->err;
				if (c == R_EOF) {
					set_err(r, CSV_ERR_SYNTAX, "unterminated quoted field (at end of file)");
					return r->err;
				}
				if (c == '"') {
					c = rd(r);
					if (c != '"')
						break;
				} else if (c == '\n') {
					r->line++;
				}
				if (push(r, c) < 0)
					return r->err;
			}
			if (c == R_ERR)
				return r->err;
			if (c != ',' && c != '\n' && c != '\r' && c != R_EOF) {
				set_err(r, CSV_ERR_SYNTAX,
					"unexpected character after closing quote (line %lu)", r->line);
				return r->err;
			}
		} else {
			while (c != ',' && c != '\n' && c != '\r' && c >= 0) {
				if (push(r, c) < 0)
					return r->err;
				c = rd(r);
			}
			if (c == R_ERR)
				return r->err;
		}
		if (end_field(r, start) < 0)
			return r->err;
		if (c == ',') {
			c = rd(r);
			if (c == R_ERR)
				return r->err;
			continue;
		}
		if (c == '\r') {
			c = rd(r);
			if (c == R_ERR)
				return r->err;
			if (c != '\n' && c != R_EOF)
				r->in_pos--; /* rd just took it from the buffer */
		}
		if (c == '\n' || c == '\r')
			r->line++;
		return 1;
	}
}

int csv_open(const char *path, csv_reader **out, char *err, size_t errlen)
{
	csv_reader *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return CSV_ERR_NOMEM;
	}
	r->line = 1;
	r->rec_line = 1;
	buf_init(&r->rec, REC_MAX);
	r->path = strdup(path);
	if (!r->path) {
		rc = CSV_ERR_NOMEM;
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	r->gz = gzopen(path, "rb");
	if (!r->gz) {
		rc = CSV_ERR_IO;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path,
				 errno ? strerror(errno) : "out of memory");
		goto fail;
	}
	gzbuffer(r->gz, 128 * 1024);
	if (refill(r) < 0) {
		rc = r->err;
		goto fail_msg;
	}
	if (r->in_len >= 3 && r->in[0] == 0xEF && r->in[1] == 0xBB && r->in[2] == 0xBF)
		r->in_pos = 3;

	rc = csv_next(r);
	if (rc < 0)
		goto fail_msg;
	if (rc == 0) {
		rc = CSV_ERR_EMPTY;
		set_err(r, rc, "no header row");
		goto fail_msg;
	}
	r->hdr = malloc(r->rec.len ? r->rec.len : 1);
	r->hf = malloc(r->nf * sizeof *r->hf);
	if (!r->hdr || !r->hf) {
		rc = CSV_ERR_NOMEM;
		set_err(r, rc, "out of memory");
		goto fail_msg;
	}
	memcpy(r->hdr, r->rec.p, r->rec.len);
	memcpy(r->hf, r->f, r->nf * sizeof *r->hf);
	r->nh = r->nf;
	r->nf = 0;
	*out = r;
	return 0;

fail_msg:
	if (err && errlen)
		snprintf(err, errlen, "%s", r->msg);
fail:
	csv_close(r);
	return rc;
}

size_t csv_field_count(const csv_reader *r)
{
	return r->nf;
}

const char *csv_field(const csv_reader *r, size_t i, size_t *len)
{
	if (i >= r->nf) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = r->f[i].len;
	return r->rec.p + r->f[i].off;
}

int csv_column(const csv_reader *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nh; i++)
		if (r->hf[i].len == n && memcmp(r->hdr + r->hf[i].off, name, n) == 0)
			return (int)i;
	return -1;
}

size_t csv_column_count(const csv_reader *r)
{
	return r->nh;
}

const char *csv_column_name(const csv_reader *r, size_t i)
{
	return i < r->nh ? r->hdr + r->hf[i].off : "";
}

unsigned long csv_line(const csv_reader *r)
{
	return r->rec_line;
}

const char *csv_error(const csv_reader *r)
{
	return r->msg;
}

void csv_close(csv_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	free(r->path);
	buf_release(&r->rec);
	free(r->f);
	free(r->hdr);
	free(r->hf);
	free(r);
}
