/*
 * stats.h - aggregate statistics for regulators and admins (GET /v1/stats):
 * counts of profiles by citizenship, sex, age band, ISCO-08 major group and
 * desired destination; of open vacancies by country, ISCO-08 major group
 * and the recruiter's verdict; of matches and placements per month; and of
 * the slots taken per quota listing.
 *
 * Every count is an SQL aggregate (fairmatch_stats in
 * data/sql/014_stats_keys.sql, a SECURITY DEFINER function that answers
 * counts only): no profile is read through the profile paths, so no
 * profile.read row is written. The query itself is audited ("stats.read").
 *
 * Small cells are suppressed (docs/privacy.md, "Statistics"): in each table
 * every count from 1 to k - 1 becomes null with "suppressed": true, and
 * complementary cells are suppressed until the suppressed cells of the
 * table are at least two and add up to at least k, so no suppressed count
 * can be worked out from the total and the cells shown. A total under k
 * suppresses the whole table. k is STATS_MIN_CELL_DEFAULT unless the server
 * is told otherwise, and never below STATS_MIN_CELL_FLOOR.
 */
#ifndef FAIRMATCH_STATS_H
#define FAIRMATCH_STATS_H

#include <jansson.h>
#include <stddef.h>

#include "engine/core/problem.h"
#include "engine/keys.h"
#include "engine/store/store.h"

#define STATS_MIN_CELL_DEFAULT 10
#define STATS_MIN_CELL_FLOOR 5
#define STATS_MIN_CELL_MAX 1000
#define STATS_MONTHS_DEFAULT 12
#define STATS_MONTHS_MAX 120

/* "10" -> 10; -1 when not a whole number from STATS_MIN_CELL_FLOOR to
 * STATS_MIN_CELL_MAX. */
int stats_parse_min_cell(const char *text);
/* Sets k for this process (fairmatch serve --stats-min-cell); 0, or -1
 * when out of range (then k is unchanged). */
int stats_set_min_cell(int k);
int stats_min_cell(void);

/* The query string of GET /v1/stats (NULL: absent). */
struct stats_query {
	const char *months; /* 1..STATS_MONTHS_MAX calendar months, this one included */
};

/* The statistics as documented in docs/api.md; PROBLEM_INVALID for a bad
 * parameter. The recruiter verdicts come from this process's integrity
 * snapshot (engine/integrity/). */
int stats_get(store *s, const struct principal *who, const struct stats_query *q, json_t **out,
	      problem *p);
/* The same, counted on read (a streaming replica: the counts tolerate
 * its lag) while the audit row is written through s (the primary). */
int stats_get_from(store *read, store *s, const struct principal *who,
		   const struct stats_query *q, json_t **out, problem *p);

/* One cell of a table; count < 0 never occurs. */
struct stats_cell {
	char key[64];
	long long count;
	int suppressed;
};

/* Suppresses the cells of one table for minimum k (see above); *total (the
 * table's total, which the cells sum to unless the table is multi-valued)
 * is suppressed too when it is under k or when no complement could be
 * found. A total under k suppresses every cell, zeros included; otherwise
 * cells of count 0 are never suppressed (they hide nobody). */
void stats_suppress(struct stats_cell *cells, size_t n, long long total, int *total_suppressed,
		    long long k);

#endif
