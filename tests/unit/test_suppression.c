/*
 * test_suppression.c - small-cell suppression (stats_suppress), the rule every
 * table of GET /v1/stats goes through: each case is a table a reader could
 * otherwise work a small count out of.
 */
#include "engine/stats.h"
#include "tests/support/t.h"

#include <string.h>

#define K 10

static size_t table(struct stats_cell *c, const long long *counts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&c[i], 0, sizeof c[i]);
		snprintf(c[i].key, sizeof c[i].key, "c%zu", i);
		c[i].count = counts[i];
	}
	return n;
}

static long long sum(const struct stats_cell *c, size_t n, int suppressed)
{
	long long s = 0;

	for (size_t i = 0; i < n; i++)
		if (c[i].suppressed == suppressed)
			s += c[i].count;
	return s;
}

/* A cell of 9 beside 12 and 25 (total 46): the 9 is suppressed, and so is
 * the next smallest (12), else 46 - 12 - 25 gives the 9 back. 25 stays. */
static void cell_of_nine_and_its_complement(void)
{
	struct stats_cell c[3];
	int total_supp;

	table(c, (const long long[]){25, 9, 12}, 3);
	stats_suppress(c, 3, 46, &total_supp, K);
	T_CHECK(c[1].suppressed);
	T_CHECK(c[2].suppressed);
	T_CHECK(!c[0].suppressed);
	T_CHECK(!total_supp);
	/* What a reader can work out: the suppressed cells together. */
	T_CHECK(sum(c, 3, 1) >= K);
}

/* Two small cells that add up to less than k are a small cell together:
 * a third goes (the smallest shown). */
static void small_cells_together_are_small(void)
{
	struct stats_cell c[4];
	int total_supp;

	table(c, (const long long[]){2, 3, 40, 30}, 4);
	stats_suppress(c, 4, 75, &total_supp, K);
	T_CHECK(c[0].suppressed && c[1].suppressed);
	T_CHECK(c[3].suppressed);  /* 30, the smallest shown */
	T_CHECK(!c[2].suppressed); /* 40 */
	T_CHECK(sum(c, 4, 1) >= K);
	T_CHECK(!total_supp);
}

/* Nothing small: nothing suppressed; zeros never are. */
static void nothing_small(void)
{
	struct stats_cell c[3];
	int total_supp;

	table(c, (const long long[]){10, 0, 11}, 3);
	stats_suppress(c, 3, 21, &total_supp, K);
	T_CHECK(!c[0].suppressed && !c[1].suppressed && !c[2].suppressed);
	T_CHECK(!total_supp);
}

/* A total under k: everything goes, zeros too (they would say what the few
 * have in common). */
static void small_total(void)
{
	struct stats_cell c[3];
	int total_supp;

	table(c, (const long long[]){7, 0, 0}, 3);
	stats_suppress(c, 3, 7, &total_supp, K);
	T_CHECK(total_supp);
	T_CHECK(c[0].suppressed && c[1].suppressed && c[2].suppressed);
}

/* Zeros are no complement: a small cell beside zeros and one large cell
 * takes the large one; the total stays (their sum is the total, >= k). */
static void zeros_are_no_complement(void)
{
	struct stats_cell c[4];
	int total_supp;

	table(c, (const long long[]){0, 4, 0, 50}, 4);
	stats_suppress(c, 4, 54, &total_supp, K);
	T_CHECK(c[1].suppressed && c[3].suppressed);
	T_CHECK(!c[0].suppressed && !c[2].suppressed);
	T_CHECK(!total_supp);
}

/* A multi-valued table whose one cell is small and alone: no complement
 * exists, so the total goes too. */
static void no_complement_suppresses_total(void)
{
	struct stats_cell c[1];
	int total_supp;

	table(c, (const long long[]){3}, 1);
	stats_suppress(c, 1, 40, &total_supp, K);
	T_CHECK(c[0].suppressed);
	T_CHECK(total_supp);
}

/* Ties go to the first cell in the table's order, so answers are stable. */
static void ties_are_stable(void)
{
	struct stats_cell c[4];
	int total_supp;

	table(c, (const long long[]){9, 20, 20, 20}, 4);
	stats_suppress(c, 4, 69, &total_supp, K);
	T_CHECK(c[0].suppressed && c[1].suppressed);
	T_CHECK(!c[2].suppressed && !c[3].suppressed);
}

/* The minimum has a floor of 5. */
static void min_cell_floor(void)
{
	T_EQ_INT(stats_parse_min_cell("4"), -1);
	T_EQ_INT(stats_parse_min_cell("5"), 5);
	T_EQ_INT(stats_parse_min_cell("10"), 10);
	T_EQ_INT(stats_parse_min_cell("1001"), -1);
	T_EQ_INT(stats_parse_min_cell("x"), -1);
	T_EQ_INT(stats_parse_min_cell(""), -1);
	T_EQ_INT(stats_set_min_cell(3), -1);
	T_EQ_INT(stats_min_cell(), STATS_MIN_CELL_DEFAULT);
}

int main(void)
{
	T_RUN(cell_of_nine_and_its_complement);
	T_RUN(small_cells_together_are_small);
	T_RUN(nothing_small);
	T_RUN(small_total);
	T_RUN(zeros_are_no_complement);
	T_RUN(no_complement_suppresses_total);
	T_RUN(ties_are_stable);
	T_RUN(min_cell_floor);
	return T_DONE();
}
