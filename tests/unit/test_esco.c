/*
 * test_esco.c - tests of the CSV reader (engine/core/csv.c) and the ESCO loader
 * (engine/taxonomy/esco_load.c) against the real ESCO files shipped under data/esco/.
 *
 * The CSV cases write small files under ./var/tmp/ at run time (quoted
 * newlines, doubled quotes, CRLF, a missing final newline, a BOM, a short
 * row, an over-long record, an unterminated quote, a gzip file). The ESCO
 * cases load the taxonomy once, time the load, and check counts, a known
 * occupation (welder, 7212) with its essential skills, a known skill, the
 * French and Spanish labels, the ISCO-08 helpers and the label iterator.
 * Run from the repository root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "engine/core/csv.h"
#include "engine/taxonomy/esco.h"
#include "tests/support/t.h"

#define WELDER "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
#define WELDING_TECHNIQUES "http://data.europa.eu/esco/skill/530cb489-d900-46ab-9350-4d50ccd49eea"
#define MIG_WELDING "http://data.europa.eu/esco/skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e"

static esco *tax;
static double load_seconds;

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static void mk_tmp(void)
{
	mkdir("var", 0755);
	mkdir("var/tmp", 0755);
}

static void test_csv_edge_cases(void)
{
	static const char data[] = "\xEF\xBB\xBF"
				   "name,note,n\r\n"
				   "plain,\"with, comma\",1\r\n"
				   "\"multi\nline\",\"say \"\"hi\"\"\",2\n"
				   "\n"
				   "\"\",,3\n"
				   "short\n"
				   "caf\xC3\xA9,\"\xE2\x82\xAC 5\",4"; /* no final newline */
	const char *path = "var/tmp/test_csv_edge.csv";
	csv_reader *r = NULL;
	char err[256];
	size_t len;

	mk_tmp();
	T_REQUIRE(write_file(path, data, sizeof data - 1) == 0);
	T_REQUIRE(csv_open(path, &r, err, sizeof err) == 0);
	T_EQ_INT(csv_column_count(r), 3);
	T_EQ_INT(csv_column(r, "name"), 0); /* the BOM is not part of the name */
	T_EQ_INT(csv_column(r, "n"), 2);
	T_EQ_INT(csv_column(r, "missing"), -1);

	T_EQ_INT(csv_next(r), 1);
	T_EQ_INT(csv_line(r), 2);
	T_EQ_STR(csv_field(r, 0, NULL), "plain");
	T_EQ_STR(csv_field(r, 1, NULL), "with, comma");
	T_EQ_STR(csv_field(r, 2, NULL), "1");

	T_EQ_INT(csv_next(r), 1);
	T_EQ_INT(csv_line(r), 3);
	T_EQ_STR(csv_field(r, 0, &len), "multi\nline");
	T_EQ_INT(len, 10);
	T_EQ_STR(csv_field(r, 1, NULL), "say \"hi\"");

	T_EQ_INT(csv_next(r), 1); /* the blank line is skipped */
	T_EQ_INT(csv_line(r), 6);
	T_EQ_INT(csv_field_count(r), 3);
	T_EQ_STR(csv_field(r, 0, &len), "");
	T_EQ_INT(len, 0);
	T_EQ_STR(csv_field(r, 2, NULL), "3");

	T_EQ_INT(csv_next(r), 1);
	T_EQ_INT(csv_field_count(r), 1);
	T_EQ_STR(csv_field(r, 2, &len), ""); /* past the end of a short row */
	T_EQ_INT(len, 0);

	T_EQ_INT(csv_next(r), 1);
	T_EQ_STR(csv_field(r, 0, NULL), "caf\xC3\xA9");
	T_EQ_STR(csv_field(r, 1, NULL), "\xE2\x82\xAC 5");
	T_EQ_STR(csv_field(r, 2, NULL), "4");
	T_EQ_INT(csv_next(r), 0);
	T_EQ_INT(csv_next(r), 0);
	csv_close(r);
	remove(path);
}

static void test_csv_errors(void)
{
	const char *path = "var/tmp/test_csv_err.csv";
	csv_reader *r = NULL;
	char err[256];
	size_t big = CSV_MAX_RECORD + 100, i;
	char *buf;
	int rc;

	mk_tmp();
	/* an over-long record on line 3 */
	buf = malloc(big + 64);
	T_REQUIRE(buf != NULL);
	strcpy(buf, "a,b\n1,2\n\"");
	for (i = strlen(buf); i < big; i++)
		buf[i] = 'x';
	buf[i++] = '"';
	buf[i++] = '\n';
	T_REQUIRE(write_file(path, buf, i) == 0);
	free(buf);
	T_REQUIRE(csv_open(path, &r, err, sizeof err) == 0);
	T_EQ_INT(csv_next(r), 1);
	rc = csv_next(r);
	T_EQ_INT(rc, CSV_ERR_LIMIT);
	T_CHECKF(strstr(csv_error(r), ":3:") != NULL, "message lacks line: %s", csv_error(r));
	T_EQ_INT(csv_next(r), CSV_ERR_LIMIT); /* sticky */
	csv_close(r);

	/* a record of exactly the maximum is fine */
	buf = malloc(CSV_MAX_RECORD + 16);
	T_REQUIRE(buf != NULL);
	memcpy(buf, "a\n", 2);
	memset(buf + 2, 'y', CSV_MAX_RECORD);
	T_REQUIRE(write_file(path, buf, CSV_MAX_RECORD + 2) == 0);
	free(buf);
	T_REQUIRE(csv_open(path, &r, err, sizeof err) == 0);
	T_EQ_INT(csv_next(r), 1);
	{
		size_t len;
		csv_field(r, 0, &len);
		T_EQ_INT(len, CSV_MAX_RECORD);
	}
	csv_close(r);

	/* unterminated quote */
	T_REQUIRE(write_file(path, "a,b\n1,\"open\n", 12) == 0);
	T_REQUIRE(csv_open(path, &r, err, sizeof err) == 0);
	T_EQ_INT(csv_next(r), CSV_ERR_SYNTAX);
	T_CHECK(strstr(csv_error(r), "unterminated") != NULL);
	csv_close(r);

	/* garbage after a closing quote */
	T_REQUIRE(write_file(path, "a,b\n\"x\"y,2\n", 11) == 0);
	T_REQUIRE(csv_open(path, &r, err, sizeof err) == 0);
	T_EQ_INT(csv_next(r), CSV_ERR_SYNTAX);
	csv_close(r);

	/* an empty file has no header; a missing file is an I/O error */
	T_REQUIRE(write_file(path, "", 0) == 0);
	T_EQ_INT(csv_open(path, &r, err, sizeof err), CSV_ERR_EMPTY);
	T_CHECK(r == NULL);
	remove(path);
	T_EQ_INT(csv_open("var/tmp/does-not-exist.csv", &r, err, sizeof err), CSV_ERR_IO);
	T_CHECK(strstr(err, "does-not-exist") != NULL);
}

static void test_csv_gzip(void)
{
	const char *path = "var/tmp/test_csv.csv.gz";
	csv_reader *r = NULL;
	char err[256];
	gzFile g;
	int i, n = 0;

	mk_tmp();
	g = gzopen(path, "wb");
	T_REQUIRE(g != NULL);
	gzputs(g, "id,label\n");
	for (i = 0; i < 20000; i++)
		gzprintf(g, "%d,\"label %d\nsecond line\"\n", i, i);
	T_REQUIRE(gzclose(g) == Z_OK);
	T_REQUIRE(csv_open(path, &r, err, sizeof err) == 0);
	while (csv_next(r) == 1) {
		char want[32];
		if (atoi(csv_field(r, 0, NULL)) != n)
			break;
		snprintf(want, sizeof want, "label %d\nsecond line", n);
		if (strcmp(csv_field(r, 1, NULL), want) != 0)
			break;
		n++;
	}
	T_EQ_INT(n, 20000);
	T_EQ_INT(csv_line(r), 1 + 2 * 19999 + 1);
	csv_close(r);
	remove(path);
}

static void test_load(void)
{
	char err[512];
	struct timespec a, b;
	esco *bad = NULL;

	T_EQ_INT(esco_load("var/tmp/no-such-dir", &bad, err, sizeof err), ESCO_ERR_IO);
	T_CHECK(bad == NULL);
	T_CHECKF(strstr(err, "no-such-dir") != NULL, "%s", err);

	clock_gettime(CLOCK_MONOTONIC, &a);
	T_REQUIRE(esco_load(NULL, &tax, err, sizeof err) == 0 || (fprintf(stderr, "%s\n", err), 0));
	clock_gettime(CLOCK_MONOTONIC, &b);
	load_seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	/* Printed, not asserted: timing belongs in make bench (shared, noisy machines). */
	printf("# esco_load: %.3f s\n", load_seconds);
}

static void test_counts(void)
{
	size_t i, n_rel = 0, n_ess = 0;

	if (!tax)
		T_SKIP("taxonomy not loaded");
	T_EQ_INT(esco_occupation_count(tax), 3007);
	T_EQ_INT(esco_skill_count(tax), 13896);
	T_EQ_INT(esco_isco_group_count(tax), 619);
	for (i = 0; i < esco_occupation_count(tax); i++) {
		const esco_occupation *o = esco_occupation_at(tax, i);
		n_rel += o->n_essential + o->n_optional;
		n_ess += o->n_essential;
		if (!esco_isco_valid(tax, o->isco) || strlen(o->isco) != 4 || o->index != i)
			break;
	}
	T_EQ_INT(i, 3007);
	T_EQ_INT(n_rel, 123788); /* 67 relations name an occupation absent from v1.1.1 */
	T_EQ_INT(n_ess, 64891);
	T_CHECK(esco_occupation_at(tax, 3007) == NULL);
	T_CHECK(esco_skill_at(tax, 13896) == NULL);
}

static void test_welder(void)
{
	const esco_occupation *o;
	const esco_skill *mig;
	size_t i;
	int found = 0;

	if (!tax)
		T_SKIP("taxonomy not loaded");
	o = esco_occupation_by_uri(tax, WELDER);
	T_REQUIRE(o != NULL);
	T_EQ_STR(o->label, "welder");
	T_EQ_STR(o->isco, "7212");
	T_EQ_STR(o->code, "7212.3");
	T_EQ_INT(o->n_essential, 36);
	T_EQ_INT(o->n_optional, 50);
	T_CHECK(strstr(o->description, "welding equipment") != NULL);
	mig = esco_skill_by_uri(tax, MIG_WELDING);
	T_REQUIRE(mig != NULL);
	T_EQ_STR(mig->label, "perform metal inert gas welding");
	T_EQ_INT(esco_occupation_has_skill(o, mig), 1);
	for (i = 0; i < o->n_essential; i++)
		found |= o->essential[i] == mig;
	T_CHECK(found);
	/* the French and Spanish labels */
	T_EQ_STR(o->labels[ESCO_LANG_FR].preferred, "soudeur/soudeuse");
	T_EQ_STR(o->labels[ESCO_LANG_ES].preferred, "soldador/soldadora");
	found = 0;
	for (i = 0; i < o->labels[ESCO_LANG_FR].n_alt; i++)
		found |= strcmp(o->labels[ESCO_LANG_FR].alt[i], "soudeuse") == 0;
	T_CHECK(found);
	/* a URI of another kind is not an occupation */
	T_CHECK(esco_occupation_by_uri(tax, MIG_WELDING) == NULL);
	T_CHECK(esco_skill_by_uri(tax, WELDER) == NULL);
	T_CHECK(esco_occupation_by_uri(tax, "http://data.europa.eu/esco/occupation/nope") == NULL);
	T_CHECK(esco_occupation_by_uri(tax, "") == NULL);
}

static void test_skill(void)
{
	const esco_skill *s;
	size_t i;
	int alt = 0;

	if (!tax)
		T_SKIP("taxonomy not loaded");
	s = esco_skill_by_uri(tax, WELDING_TECHNIQUES);
	T_REQUIRE(s != NULL);
	T_EQ_STR(s->label, "welding techniques");
	T_EQ_INT(s->type, ESCO_SKILL_TYPE_KNOWLEDGE);
	T_EQ_INT(s->reuse, ESCO_REUSE_CROSS_SECTOR);
	for (i = 0; i < s->labels[ESCO_LANG_EN].n_alt; i++) {
		alt |= strcmp(s->labels[ESCO_LANG_EN].alt[i], "welding skills") == 0;
		/* the preferred label is not repeated among the alternatives */
		T_CHECK(strcmp(s->labels[ESCO_LANG_EN].alt[i], "welding techniques") != 0);
	}
	T_CHECK(alt);
	T_EQ_INT(s->labels[ESCO_LANG_EN].n_alt, 8);
	T_EQ_STR(s->labels[ESCO_LANG_FR].preferred, "techniques de soudage");
	T_EQ_INT(s->labels[ESCO_LANG_FR].n_alt, 1);
	T_EQ_STR(s->labels[ESCO_LANG_ES].preferred, "técnicas de soldadura fuerte");
	T_EQ_STR(esco_skill_at(tax, s->index)->uri, s->uri);
}

static void test_isco(void)
{
	const esco_isco_group *g;
	const esco_occupation *const *list;
	size_t n, i;

	T_EQ_INT(esco_isco_proximity("7212", "7212"), ESCO_ISCO_UNIT);
	T_EQ_INT(esco_isco_proximity("7212", "7213"), ESCO_ISCO_MINOR);
	T_EQ_INT(esco_isco_proximity("7212", "7223"), ESCO_ISCO_SUB_MAJOR);
	T_EQ_INT(esco_isco_proximity("7212", "7412"), ESCO_ISCO_MAJOR);
	T_EQ_INT(esco_isco_proximity("7212", "8212"), ESCO_ISCO_UNRELATED);
	T_EQ_INT(esco_isco_proximity("72", "7212"), ESCO_ISCO_SUB_MAJOR);
	T_EQ_INT(esco_isco_proximity("0110", "0"), ESCO_ISCO_MAJOR);
	T_EQ_INT(esco_isco_proximity("72a2", "7212"), ESCO_ISCO_UNRELATED);
	T_EQ_INT(esco_isco_proximity("72121", "7212"), ESCO_ISCO_UNRELATED);
	T_EQ_INT(esco_isco_proximity("", "7212"), ESCO_ISCO_UNRELATED);
	T_EQ_INT(esco_isco_proximity(NULL, "7212"), ESCO_ISCO_UNRELATED);
	if (!tax)
		T_SKIP("taxonomy not loaded");
	T_CHECK(esco_isco_valid(tax, "7212"));
	T_CHECK(esco_isco_valid(tax, "721"));
	T_CHECK(esco_isco_valid(tax, "7"));
	T_CHECK(esco_isco_valid(tax, "0110"));
	T_CHECK(!esco_isco_valid(tax, "7219")); /* no such unit group */
	T_CHECK(!esco_isco_valid(tax, "72120"));
	T_CHECK(!esco_isco_valid(tax, "x"));
	T_CHECK(!esco_isco_valid(tax, ""));
	g = esco_isco_group_by_code(tax, "7212");
	T_REQUIRE(g != NULL);
	T_EQ_STR(g->label, "Welders and flamecutters");
	T_EQ_STR(g->labels[ESCO_LANG_FR].preferred, "Soudeurs et oxycoupeurs");
	T_EQ_STR(g->labels[ESCO_LANG_ES].preferred, "Soldadores y oxicortadores");
	T_EQ_STR(g->uri, "http://data.europa.eu/esco/isco/C7212");
	T_EQ_INT(g->level, 4);
	T_EQ_STR(esco_isco_group_at(tax, 0)->code, "0");

	n = esco_occupations_by_isco(tax, "7212", &list);
	T_EQ_INT(n, 8); /* welder, pipe/spot/laser/electron beam welder, solderer, brazier, welding coordinator */
	for (i = 0; i < n; i++)
		T_EQ_STR(list[i]->isco, "7212");
	n = esco_occupations_by_isco(tax, "7", &list);
	T_CHECK(n > 300);
	for (i = 0; i < n; i++)
		if (list[i]->isco[0] != '7')
			break;
	T_EQ_INT(i, n);
	T_EQ_INT(esco_occupations_by_isco(tax, "7219", &list), 0);
	T_CHECK(list == NULL);
	{
		size_t total = 0;
		char d[2] = {0, 0};
		for (d[0] = '0'; d[0] <= '9'; d[0]++)
			total += esco_occupations_by_isco(tax, d, &list);
		T_EQ_INT(total, 3007);
	}
}

static void test_broader(void)
{
	const esco_occupation *o;

	if (!tax)
		T_SKIP("taxonomy not loaded");
	/* pipe welder (7212.3.3) sits under welder (7212.3) */
	o = esco_occupation_by_uri(
		tax, "http://data.europa.eu/esco/occupation/2ff73126-7aff-4233-9d9c-d8725e1c6822");
	T_REQUIRE(o != NULL);
	T_REQUIRE(o->broader != NULL);
	T_EQ_STR(o->broader->uri, WELDER);
	T_CHECK(esco_occupation_by_uri(tax, WELDER)->broader == NULL);
}

static void test_skill_broader(void)
{
	const esco_skill *s;
	size_t i, n = 0;

	if (!tax)
		T_SKIP("taxonomy not loaded");
	/* "conduct forklift inspections" sits under "operate forklift" */
	s = esco_skill_by_uri(
		tax, "http://data.europa.eu/esco/skill/3c84f7d9-7a3e-4343-814f-31de0aa61651");
	T_REQUIRE(s != NULL);
	T_EQ_INT(s->n_broader, 1);
	T_EQ_STR(s->broader[0]->label, "operate forklift");
	/* every skill-to-skill row of the file, none to a skill group */
	for (i = 0; i < esco_skill_count(tax); i++)
		n += esco_skill_at(tax, i)->n_broader;
	T_EQ_INT(n, 6565);
}

static void test_label_iter(void)
{
	esco_label_iter it;
	esco_label l;
	size_t n[ESCO_LANG_COUNT] = {0}, pref_occ = 0, total = 0;
	int soudeur = 0, soldadura = 0, isco = 0;

	if (!tax)
		T_SKIP("taxonomy not loaded");
	esco_label_iter_init(&it, tax, ESCO_KIND_OCCUPATION | ESCO_KIND_SKILL);
	while (esco_label_next(&it, &l)) {
		total++;
		n[l.lang]++;
		if (l.kind == ESCO_KIND_OCCUPATION && l.lang == ESCO_LANG_EN && l.is_preferred)
			pref_occ++;
		if (l.kind == ESCO_KIND_OCCUPATION && l.lang == ESCO_LANG_FR && !l.is_preferred &&
		    strcmp(l.label, "soudeur") == 0 && strcmp(l.uri, WELDER) == 0)
			soudeur = 1;
		if (l.kind == ESCO_KIND_SKILL && l.lang == ESCO_LANG_ES && l.is_preferred &&
		    strcmp(l.label, "técnicas de soldadura fuerte") == 0)
			soldadura = strcmp(((const esco_skill *)l.concept)->uri, WELDING_TECHNIQUES) == 0;
		if (l.kind == ESCO_KIND_ISCO_GROUP)
			isco = 1;
	}
	printf("# labels: en %zu, fr %zu, es %zu\n", n[0], n[1], n[2]);
	T_EQ_INT(pref_occ, 3007);
	T_CHECK(soudeur);
	T_CHECK(soldadura);
	T_CHECK(!isco);
	T_CHECK(n[ESCO_LANG_EN] > 100000);
	T_CHECK(n[ESCO_LANG_FR] > 20000);
	T_CHECK(n[ESCO_LANG_ES] > 40000);

	esco_label_iter_init(&it, tax, ESCO_KIND_ISCO_GROUP);
	total = 0;
	while (esco_label_next(&it, &l))
		total += l.is_preferred && l.lang == ESCO_LANG_EN;
	T_EQ_INT(total, 619);
	esco_label_iter_init(&it, tax, 0);
	T_EQ_INT(esco_label_next(&it, &l), 0);
	T_EQ_INT(esco_lang_from_code("fr"), ESCO_LANG_FR);
	T_EQ_INT(esco_lang_from_code("pt"), -1);
	T_EQ_STR(esco_lang_code(ESCO_LANG_ES), "es");
}

int main(void)
{
	T_RUN(test_csv_edge_cases);
	T_RUN(test_csv_errors);
	T_RUN(test_csv_gzip);
	T_RUN(test_load);
	T_RUN(test_counts);
	T_RUN(test_welder);
	T_RUN(test_skill);
	T_RUN(test_isco);
	T_RUN(test_broader);
	T_RUN(test_skill_broader);
	T_RUN(test_label_iter);
	esco_free(tax);
	return T_DONE();
}
