/*
 * test_import.c - the write rules in `fairmatch import vacancies`, through
 * the real binary: a line naming a blacklisted recruiter and a line naming
 * an unknown quota id are reported with their line numbers and reasons, the
 * way a bad line is, the exit status is 1 (lines were rejected), and the
 * other lines are stored. Run with the default batch and with batches of
 * two, so a refused document is mapped back to its line across batches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

#define BAD_AGENCY "Karaoke Exploit Agency"

static char dir[512];
static char jsonl[600];

/* The whole file at path, NUL-ended (caller frees), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* How many vacancies org holds in PostgreSQL; -1 on error. */
static long long stored(const char *org)
{
	char cmd[512], out[64] = "";
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "psql -X -tAq \"$FAIRMATCH_DB\" -c \"SELECT count(*) FROM vacancies WHERE "
		 "org='%s'\"",
		 org);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(out, sizeof out, p))
		out[0] = '\0';
	if (pclose(p) != 0 || !out[0])
		return -1;
	return strtoll(out, NULL, 10);
}

/* Imports the file as org (extra: more options) and checks the report,
 * the exit status and what was stored. */
static void import_and_check(const char *org, const char *extra)
{
	char report[700], *text, *l2, *l5;

	snprintf(report, sizeof report, "%s/%s.report", dir, org);
	T_EQ_INT(cli(NULL, 0, "import vacancies %s --org %s %s >/dev/null 2>%s", jsonl, org, extra,
		     report),
		 1);
	text = slurp(report);
	T_REQUIRE(text != NULL);
	l2 = strstr(text, "\nline 2: ");
	l5 = strstr(text, "\nline 5: ");
	T_CHECKF(l2 && strncmp(l2 + 9, "recruiter '" BAD_AGENCY "' is blacklisted (flag f_",
			       strlen("recruiter '" BAD_AGENCY "' is blacklisted (flag f_")) == 0,
		 "report: %s", text);
	T_CHECKF(l5 && strncmp(l5 + 9, "quota_id q_99999999 names no quota listing",
			       strlen("quota_id q_99999999 names no quota listing")) == 0,
		 "report: %s", text);
	T_CHECKF(!strstr(text, "line 1:") && !strstr(text, "line 3:") && !strstr(text, "line 4:") &&
			 !strstr(text, "line 6:"),
		 "report: %s", text);
	T_CHECKF(strstr(text, "import: 4 stored, 2 rejected") != NULL, "report: %s", text);
	free(text);
	T_EQ_INT(stored(org), 4);
}

static void test_refused_lines_reported_and_others_kept(void)
{
	char index[700];

	snprintf(index, sizeof index, "--index %s/import/index", dir);
	import_and_check("import-rules", index);
}

static void test_refused_lines_across_batches(void)
{
	import_and_check("import-rules-2", "--batch 2 --no-index");
}

int main(void)
{
	const char *d = getenv("FAIRMATCH_TEST_DIR");
	char csv[600];
	FILE *f;

	snprintf(dir, sizeof dir, "%s", d ? d : "var/test");
	snprintf(csv, sizeof csv, "%s/regulator.csv", dir);
	snprintf(jsonl, sizeof jsonl, "%s/rules.jsonl", dir);
	/* The regulator's list: one banned agency (a blacklist flag), one valid. */
	f = fopen(csv, "w");
	if (!f || fputs("name,aliases,country,licence,authority,valid_until,status\n" BAD_AGENCY
			",,LS,LS-KEA-9,DOL,,banned\n"
			"Honest Hands Recruitment,,LS,LS-HHR-1,DOL,2099-12-31,valid\n",
			f) < 0 ||
	    fclose(f) || cli(NULL, 0, "import recruiters %s --org dol-ls 2>/dev/null", csv) != 0) {
		fprintf(stderr, "cannot import the regulator's list\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	f = fopen(jsonl, "w");
	if (!f ||
	    fputs("{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\"}\n"
		  "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\","
		  "\"recruiter\":{\"name\":\"" BAD_AGENCY "\",\"country\":\"LS\"}}\n"
		  "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\","
		  "\"recruiter\":{\"name\":\"Honest Hands Recruitment\",\"country\":\"LS\"}}\n"
		  "{\"title\":\"Nurse\",\"occupation\":\"2221\",\"country\":\"GB\"}\n"
		  "{\"title\":\"Nurse\",\"occupation\":\"2221\",\"country\":\"GB\","
		  "\"quota_id\":\"q_99999999\"}\n"
		  "{\"title\":\"Midwife\",\"occupation\":\"2222\",\"country\":\"GB\"}\n",
		  f) < 0 ||
	    fclose(f)) {
		fprintf(stderr, "cannot write %s\n", jsonl);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_refused_lines_reported_and_others_kept);
	T_RUN(test_refused_lines_across_batches);
	return T_DONE();
}
