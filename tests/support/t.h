/*
 * t.h - the tiny test harness every tests/test_*.c uses.
 *
 * A test program is a main() that calls T_RUN(fn) for each case. Inside a
 * case, T_CHECK / T_EQ_* record a failure (with file:line and the values)
 * and go on; T_REQUIRE stops the case. T_DONE() prints the program's
 * "N passed, N failed, N skipped" line, which tests/run.sh adds up, and
 * returns the exit status. A case passes when it recorded no failure and
 * made at least one check: a case that asserts nothing counts as failed.
 */
#ifndef FAIRMATCH_TEST_H
#define FAIRMATCH_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int t_failed_in_case, t_checks_in_case, t_skip_case;
extern int t_passed, t_failed, t_skipped;

#define T_FAIL_(...)                                                  \
	do {                                                          \
		fprintf(stderr, "  FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                         \
		fputc('\n', stderr);                                  \
		t_failed_in_case++;                                   \
	} while (0)

#define T_CHECK(cond)                                      \
	do {                                               \
		t_checks_in_case++;                        \
		if (!(cond))                               \
			T_FAIL_("%s", #cond);              \
	} while (0)

#define T_CHECKF(cond, ...)                                \
	do {                                               \
		t_checks_in_case++;                        \
		if (!(cond))                               \
			T_FAIL_(__VA_ARGS__);              \
	} while (0)

#define T_REQUIRE(cond)                                    \
	do {                                               \
		t_checks_in_case++;                        \
		if (!(cond)) {                             \
			T_FAIL_("required: %s", #cond);    \
			return;                            \
		}                                          \
	} while (0)

#define T_EQ_INT(a, b)                                                           \
	do {                                                                     \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);          \
		t_checks_in_case++;                                              \
		if (t_a_ != t_b_)                                                \
			T_FAIL_("%s == %s: %lld != %lld", #a, #b, t_a_, t_b_);   \
	} while (0)

#define T_EQ_STR(a, b)                                                                 \
	do {                                                                           \
		const char *t_a_ = (a), *t_b_ = (b);                                   \
		t_checks_in_case++;                                                    \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0)                         \
			T_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, t_a_ ? t_a_ : "(null)", \
				t_b_ ? t_b_ : "(null)");                               \
	} while (0)

/* Marks the running case skipped (with a reason) and leaves it. */
#define T_SKIP(...)                                        \
	do {                                               \
		fprintf(stderr, "  SKIP: ");               \
		fprintf(stderr, __VA_ARGS__);              \
		fputc('\n', stderr);                       \
		t_skip_case = 1;                           \
		return;                                    \
	} while (0)

void t_run(const char *name, void (*fn)(void));
int t_done(void);
#define T_RUN(fn) t_run(#fn, fn)
#define T_DONE() t_done()

#endif
