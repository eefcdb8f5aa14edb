/* iso.c - ISO code and date validation over sorted compiled-in tables
 * (iso_tables.h: each table one string of fixed-width codes). */
#include "engine/core/iso.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/iso_tables.h"

/* Compares a code (whose length is the table's width) with a table entry. */
static int code_cmp(const void *key, const void *entry)
{
	return strncmp(key, entry, strlen(key));
}

/* Whether s is one of the codes of table: a sorted run of codes of width
 * letters each. */
static int in_table(const char *s, const char *table, size_t width)
{
	if (!s || strlen(s) != width)
		return 0;
	return bsearch(s, table, strlen(table) / width, width, code_cmp) != NULL;
}

int iso_country_valid(const char *s)
{
	return in_table(s, iso_country_codes, ISO_COUNTRY_CODES_WIDTH);
}

int iso_language_valid(const char *s)
{
	return in_table(s, iso_language_codes, ISO_LANGUAGE_CODES_WIDTH);
}

int iso_currency_valid(const char *s)
{
	return in_table(s, iso_currency_codes, ISO_CURRENCY_CODES_WIDTH);
}

static const char *const cefr_levels[] = {"A1", "A2", "B1", "B2", "C1", "C2", "native"};

int iso_cefr_rank(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof cefr_levels / sizeof cefr_levels[0]; i++)
		if (strcmp(s, cefr_levels[i]) == 0)
			return (int)i + 1;
	return 0;
}

const char *iso_cefr_name(int rank)
{
	return rank >= 1 && rank <= (int)(sizeof cefr_levels / sizeof cefr_levels[0])
		       ? cefr_levels[rank - 1]
		       : NULL;
}

int iso_date_valid(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i, leap;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

void iso_today(char *buf)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}
