/*
 * query_comb.h - comb(op, n, sub, ...): index queries combined in one
 * expression, for the tests that build query trees by hand (test_index,
 * test_bm25). A static function, so each test binary that includes it
 * links nothing more.
 */
#ifndef FAIRMATCH_TESTS_QUERY_COMB_H
#define FAIRMATCH_TESTS_QUERY_COMB_H

#include <stdarg.h>
#include <stddef.h>

#include "index/index.h"

#define COMB_MAX 16

/* Combines the n subs (each freed here) with op; NULL if any is NULL or
 * there are more than COMB_MAX. */
static index_query *comb(enum index_op op, size_t n, ...)
{
	index_query *subs[COMB_MAX], *q = NULL;
	int ok = n <= COMB_MAX;
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		index_query *s = va_arg(ap, index_query *);
		if (i < COMB_MAX)
			subs[i] = s;
		else
			index_query_free(s);
		if (!s)
			ok = 0;
	}
	va_end(ap);
	if (ok)
		q = index_query_combine(op, subs, n);
	for (size_t i = 0; i < n && i < COMB_MAX; i++)
		index_query_free(subs[i]);
	return q;
}

#endif
