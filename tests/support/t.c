/* t.c - bookkeeping for t.h. Each case's line ends with its wall time and
 * the CPU time of the program and the children it waited for (servers, CLI
 * runs), "(wall 1.2s, cpu 0.8s)": a case far slower in wall than in CPU
 * is waiting, which docs/testing.md asks to keep short. */
#include "tests/support/t.h"

#include <sys/resource.h>
#include <time.h>

int t_failed_in_case, t_checks_in_case, t_skip_case;
int t_passed, t_failed, t_skipped;

static double now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double now_cpu(void)
{
	struct rusage self, kids;

	if (getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN, &kids))
		return 0;
	return tv_secs(self.ru_utime) + tv_secs(self.ru_stime) + tv_secs(kids.ru_utime) +
	       tv_secs(kids.ru_stime);
}

void t_run(const char *name, void (*fn)(void))
{
	double w0 = now_wall(), c0 = now_cpu(), wall, cpu;

	t_failed_in_case = t_checks_in_case = t_skip_case = 0;
	fn();
	wall = now_wall() - w0;
	cpu = now_cpu() - c0;
	if (t_skip_case && !t_failed_in_case) {
		t_skipped++;
		printf("skip %s (wall %.1fs, cpu %.1fs)\n", name, wall, cpu);
	} else if (t_failed_in_case || t_checks_in_case == 0) {
		if (t_checks_in_case == 0)
			fprintf(stderr, "  FAIL %s: the case checked nothing\n", name);
		t_failed++;
		printf("FAIL %s (wall %.1fs, cpu %.1fs)\n", name, wall, cpu);
	} else {
		t_passed++;
		printf("ok   %s (wall %.1fs, cpu %.1fs)\n", name, wall, cpu);
	}
	fflush(stdout);
}

int t_done(void)
{
	printf("%d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
	return t_failed ? 1 : 0;
}
