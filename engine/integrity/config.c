/*
 * config.c - the settings and value checks every file of the folder shares:
 * the name threshold (read once from the environment), licence
 * normalisation, "r_12" ids, RFC 3339 times, and the two error helpers of
 * the write paths (out of memory, a database failure after a rollback).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

/* The fraction in (0,1] that environment variable name holds, or dflt
 * when it is unset or not one (said on stderr). */
static double env_fraction(const char *name, double dflt)
{
	const char *env = getenv(name);
	char *end;
	double v;

	if (!env || !*env)
		return dflt;
	errno = 0;
	v = strtod(env, &end);
	if (errno || *end || !(v > 0.0 && v <= 1.0)) {
		fprintf(stderr, "fairmatch: %s '%s' is not a number in (0,1]; using %.2f\n", name,
			env, dflt);
		return dflt;
	}
	return v;
}

static double threshold = NAMES_DEFAULT_THRESHOLD;
static pthread_once_t threshold_once = PTHREAD_ONCE_INIT;

static void read_threshold(void)
{
	threshold = env_fraction("FAIRMATCH_NAME_THRESHOLD", NAMES_DEFAULT_THRESHOLD);
}

double integrity_threshold(void)
{
	pthread_once(&threshold_once, read_threshold);
	return threshold;
}

static double review = NAMES_REVIEW_THRESHOLD;
static pthread_once_t review_once = PTHREAD_ONCE_INIT;

static void read_review(void)
{
	review = env_fraction("FAIRMATCH_REVIEW_THRESHOLD", NAMES_REVIEW_THRESHOLD);
	if (review > integrity_threshold())
		review = integrity_threshold();
}

double integrity_review_threshold(void)
{
	pthread_once(&review_once, read_review);
	return review;
}

void integrity_licence_norm(const char *in, char *out, size_t outcap)
{
	if (!outcap)
		return;
	if (names_licence_key(in, out, outcap) < 0)
		out[0] = '\0';
}

int integrity_parse_id(const char *s, char prefix, int64_t *id)
{
	char *end;
	long long v;

	if (!s || s[0] != prefix || s[1] != '_' || s[2] < '1' || s[2] > '9' || strlen(s) > 20)
		return -1;
	v = strtoll(s + 2, &end, 10);
	if (*end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int integ__oom(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

int integ__db_fail(store *s, problem *p)
{
	const char *st = store_sqlstate(s);

	store_rollback(s);
	if (!p->kind) {
		if (strncmp(st, "22", 2) == 0)
			problem_set(p, PROBLEM_INVALID, "a value has the wrong format: %s",
				    store_error(s));
		else
			store_problem(s, p);
	}
	return -1;
}

/* RFC 3339 date-time (…Z or ±hh:mm, optional fraction) or a date. */
int integ__time_valid(const char *s)
{
	size_t n = strlen(s), i = 19;

	if (n == 10)
		return iso_date_valid(s);
	if (n < 20 || n > 40 || (s[10] != 'T' && s[10] != 't'))
		return 0;
	{
		char date[11];

		memcpy(date, s, 10);
		date[10] = '\0';
		if (!iso_date_valid(date))
			return 0;
	}
	for (size_t k = 11; k < 19; k++)
		if ((k == 13 || k == 16) ? s[k] != ':' : !isdigit((unsigned char)s[k]))
			return 0;
	if (s[i] == '.') {
		for (i++; isdigit((unsigned char)s[i]); i++)
			;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
		return 1;
	return (s[i] == '+' || s[i] == '-') && n - i == 6 && isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' &&
	       isdigit((unsigned char)s[i + 4]) && isdigit((unsigned char)s[i + 5]);
}
