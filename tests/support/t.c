/* t.c - bookkeeping for t.h. */
#include "tests/support/t.h"

int t_failed_in_case, t_checks_in_case, t_skip_case;
int t_passed, t_failed, t_skipped;

void t_run(const char *name, void (*fn)(void))
{
	t_failed_in_case = t_checks_in_case = t_skip_case = 0;
	fn();
	if (t_skip_case && !t_failed_in_case) {
		t_skipped++;
		printf("skip %s\n", name);
	} else if (t_failed_in_case || t_checks_in_case == 0) {
		if (t_checks_in_case == 0)
			fprintf(stderr, "  FAIL %s: the case checked nothing\n", name);
		t_failed++;
		printf("FAIL %s\n", name);
	} else {
		t_passed++;
		printf("ok   %s\n", name);
	}
	fflush(stdout);
}

int t_done(void)
{
	printf("%d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
	return t_failed ? 1 : 0;
}
