/*
 * esco_csv.c - reading ESCO's gzipped CSV files for the loader: opening a
 * file and finding its columns, the strict UTF-8 check of each record,
 * fields and label lists copied into the arena, and the loader's error
 * messages.
 */
#include "engine/taxonomy/esco_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_LABELS_PER_FIELD 4096

void esco__lerr(struct loader *L, const char *fmt, ...)
{
	va_list ap;

	if (!L->err || !L->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(L->err, L->errlen, fmt, ap);
	va_end(ap);
}

/* ---- field helpers ---- */

const char *esco__fld(csv_reader *r, int col, size_t *len)
{
	if (col < 0) {
		if (len)
			*len = 0;
		return "";
	}
	return csv_field(r, (size_t)col, len);
}

static int trim_eq(const char *s, const char *t)
{
	return t && strcmp(s, t) == 0;
}

/*
 * Splits a newline-separated label list into the arena: trims each label,
 * drops empty ones, ones equal to `skip` and duplicates.
 */
static int split_labels(esco *t, const char *field, size_t len, const char *skip,
			const char *const **out, size_t *n_out)
{
	size_t count = 1, i, n = 0;
	char *buf, *p, *end;
	const char **list;

	*out = NULL;
	*n_out = 0;
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (field[i] == '\n')
			count++;
	if (count > MAX_LABELS_PER_FIELD)
		count = MAX_LABELS_PER_FIELD;
	buf = esco__arena_strndup(t, field, len);
	list = esco__arena_alloc(t, count * sizeof *list);
	if (!buf || !list)
		return ESCO_ERR_NOMEM;
	for (p = buf; p && n < count; p = end ? end + 1 : NULL) {
		char *s = p, *e;
		size_t j;
		int dup = 0;

		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if (!*s || trim_eq(s, skip))
			continue;
		for (j = 0; j < n && !dup; j++)
			dup = strcmp(list[j], s) == 0;
		if (!dup)
			list[n++] = s;
	}
	*out = n ? list : NULL;
	*n_out = n;
	return 0;
}

/* Fills labels from preferredLabel / altLabels / hiddenLabels columns. */
int esco__read_labels(esco *t, csv_reader *r, int c_pref, int c_alt, int c_hidden, esco_labels *lb)
{
	size_t len;
	const char *s = esco__fld(r, c_pref, &len);
	int rc;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	memset(lb, 0, sizeof *lb);
	if (len == 0)
		return 0;
	lb->preferred = esco__arena_strndup(t, s, len);
	if (!lb->preferred)
		return ESCO_ERR_NOMEM;
	s = esco__fld(r, c_alt, &len);
	rc = split_labels(t, s, len, lb->preferred, &lb->alt, &lb->n_alt);
	if (rc)
		return rc;
	s = esco__fld(r, c_hidden, &len);
	return split_labels(t, s, len, lb->preferred, &lb->hidden, &lb->n_hidden);
}

/* Strict UTF-8 check (no overlongs, no surrogates, at most U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Every field of the current record must be valid UTF-8 (and hold no NUL). */
int esco__check_record(struct loader *L, csv_reader *r, const char *file)
{
	size_t i, len;

	for (i = 0; i < csv_field_count(r); i++) {
		const char *f = csv_field(r, i, &len);
		if (!utf8_valid((const unsigned char *)f, len) || memchr(f, '\0', len)) {
			esco__lerr(L, "esco: %s:%lu: field %zu is not valid UTF-8 text", file, csv_line(r),
				   i + 1);
			return ESCO_ERR_FORMAT;
		}
	}
	return 0;
}

/* ---- opening a file and its required columns ---- */

int esco__open_csv(struct loader *L, const char *name, csv_reader **r)
{
	char path[4096], msg[512];
	int n = snprintf(path, sizeof path, "%s/%s", L->dir, name);

	if (n < 0 || (size_t)n >= sizeof path) {
		esco__lerr(L, "esco: path too long: %s/%s", L->dir, name);
		return ESCO_ERR_IO;
	}
	if (csv_open(path, r, msg, sizeof msg) < 0) {
		esco__lerr(L, "esco: %s", msg);
		return ESCO_ERR_IO;
	}
	return 0;
}

int esco__need_col(struct loader *L, csv_reader *r, const char *file, const char *name, int *col)
{
	*col = csv_column(r, name);
	if (*col < 0) {
		esco__lerr(L, "esco: %s: no column \"%s\"", file, name);
		return ESCO_ERR_FORMAT;
	}
	return 0;
}

/* Turns a csv_next error into an ESCO error with the reader's message. */
int esco__csv_fail(struct loader *L, csv_reader *r, int rc)
{
	esco__lerr(L, "esco: %s", csv_error(r));
	return rc == CSV_ERR_NOMEM ? ESCO_ERR_NOMEM : rc == CSV_ERR_IO ? ESCO_ERR_IO : ESCO_ERR_FORMAT;
}
