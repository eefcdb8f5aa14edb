/*
 * csv.h - a streaming reader of RFC 4180 CSV files, plain or gzip.
 *
 * The reader pulls one record at a time from a file opened with zlib's
 * gzopen, which reads gzip-compressed and plain files alike. It understands
 * quoted fields with embedded commas, doubled quotes ("") and line breaks,
 * CRLF or LF record ends, a missing final newline and a leading UTF-8 byte
 * order mark. Bytes are passed through unchanged (no UTF-8 validation or
 * transcoding). Blank lines between records are skipped.
 *
 * The first record is the header: csv_open reads it and csv_column() maps a
 * column name to its index. Every record is bounded: a record larger than
 * CSV_MAX_RECORD bytes, or with more than CSV_MAX_FIELDS fields, is an error
 * that names the line it started on; nothing grows without a limit.
 *
 * Ownership: csv_open allocates the reader, csv_close frees it. Field
 * pointers returned by csv_field are borrowed and stay valid only until the
 * next csv_next or csv_close.
 */
#ifndef FAIRMATCH_CSV_H
#define FAIRMATCH_CSV_H

#include <stddef.h>

/* Hard limits on one record (bytes after unquoting) and its field count. */
#define CSV_MAX_RECORD ((size_t)1 << 20)
#define CSV_MAX_FIELDS 4096

/* Error codes (negative); 0 is success. */
enum {
	CSV_ERR_IO = -1,     /* open/read failure, or the gzip stream is corrupt */
	CSV_ERR_NOMEM = -2,  /* allocation failed */
	CSV_ERR_SYNTAX = -3, /* a quote in the wrong place, an unterminated quote */
	CSV_ERR_LIMIT = -4,  /* a record over CSV_MAX_RECORD or CSV_MAX_FIELDS */
	CSV_ERR_EMPTY = -5,  /* csv_open: the file has no header row */
};

typedef struct csv_reader csv_reader; /* opaque */

/*
 * Opens `path` (plain or gzip) and reads the header row. On success stores a
 * new reader in *out and returns 0. On failure returns a negative CSV_ERR_*,
 * leaves *out NULL and, when err is not NULL, writes a message of at most
 * errlen bytes (NUL-terminated) naming the file and line.
 */
int csv_open(const char *path, csv_reader **out, char *err, size_t errlen);

/*
 * Reads the next record. Returns 1 when a record was read, 0 at end of file,
 * or a negative CSV_ERR_* (the message is then in csv_error()). After an
 * error the reader is unusable: every later call returns the same error.
 */
int csv_next(csv_reader *r);

/* Number of fields in the current record (0 before the first csv_next). */
size_t csv_field_count(const csv_reader *r);

/*
 * Field i of the current record: a NUL-terminated borrowed pointer, with its
 * length (the field may itself contain NUL bytes) stored in *len when len is
 * not NULL. A field index past the end of the record gives "" and length 0,
 * so a short row reads as trailing empty fields; never returns NULL.
 */
const char *csv_field(const csv_reader *r, size_t i, size_t *len);

/* Index of the header column named `name` (exact, case-sensitive), or -1. */
int csv_column(const csv_reader *r, const char *name);

/* Number of columns in the header, and the name of column i ("" if none). */
size_t csv_column_count(const csv_reader *r);
const char *csv_column_name(const csv_reader *r, size_t i);

/* Line number (1-based) on which the current record started. */
unsigned long csv_line(const csv_reader *r);

/* The message of the last error ("" when there was none). Borrowed. */
const char *csv_error(const csv_reader *r);

/* Closes the file and frees the reader; NULL is allowed. */
void csv_close(csv_reader *r);

#endif
