/*
 * test_identifiers.c - engine/core/identifiers.c: direct identifiers in free
 * text are found (e-mail addresses, phone numbers in the usual national and
 * international shapes, passport and ID numbers, long digit runs), no
 * label of ESCO in English, French or Spanish (skills and occupations,
 * preferred, alternative and hidden) is taken for one, names are told from
 * skills, and display text with escapes or bidi overrides is refused.
 */
#include <stdio.h>
#include <string.h>

#include "engine/core/identifiers.h"
#include "engine/taxonomy/esco.h"
#include "tests/support/t.h"

static void test_identifiers_found(void)
{
	static const struct {
		const char *text;
		enum ident_kind want;
	} cases[] = {
		{"someone@example.org", IDENT_EMAIL},
		{"write to j.doe+cv@mail.co.ls please", IDENT_EMAIL},
		{"+27 82 555 0101", IDENT_PHONE},
		{"call 082-555-0101", IDENT_PHONE},
		{"(011) 555 0101", IDENT_PHONE},
		{"+266 5888 1234", IDENT_PHONE},
		{"passport RA1234567", IDENT_DOCUMENT},
		{"RA1234567", IDENT_DOCUMENT},
		{"pasaporte 12345", IDENT_DOCUMENT},
		{"ID 8001015009087", IDENT_DOCUMENT},
		{"8001015009087", IDENT_DIGITS},
		{"MIG welding", IDENT_NONE},
		{"ISO 14001", IDENT_NONE},
		{"Airbus A320 maintenance", IDENT_NONE},
		{"7212", IDENT_NONE},
		{"use C++", IDENT_NONE},
		{"3D printing", IDENT_NONE},
		{"@ sign in text", IDENT_NONE},
		{"2 years, 6 months", IDENT_NONE},
		{"-1E+02", IDENT_NONE}, /* a '+' after a letter once looped for ever */
		{"x+", IDENT_NONE},
		{"E+123456789", IDENT_NONE},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		T_CHECKF(ident_find(cases[i].text) == cases[i].want, "'%s': %s, want %s",
			 cases[i].text, ident_kind_name(ident_find(cases[i].text)),
			 ident_kind_name(cases[i].want));
}

static void test_names(void)
{
	T_CHECK(ident_looks_like_name("Thabo Mokoena"));
	T_CHECK(ident_looks_like_name("María José García"));
	T_CHECK(ident_looks_like_name("Maria da Silva"));
	T_CHECK(ident_looks_like_name("Zoë Ångström"));
	T_CHECK(!ident_looks_like_name("Thabo"));
	T_CHECK(!ident_looks_like_name("MIG welding"));
	T_CHECK(!ident_looks_like_name("welding"));
	T_CHECK(!ident_looks_like_name("Microsoft Excel 2016"));
	T_CHECK(!ident_looks_like_name("da Silva"));
}

static void test_display_text(void)
{
	json_t *o = json_object();
	problem p;

	problem_init(&p);
	json_object_set_new(o, "title", json_string("Welder (MIG/MAG) — Johannesburg"));
	T_EQ_INT(ident_check_display(o, "title", &p), 0);
	json_object_set_new(o, "title", json_string("Welder \x1b[31mURGENT"));
	T_EQ_INT(ident_check_display(o, "title", &p), -1);
	json_object_set_new(o, "title", json_string("Welder \xe2\x80\xae" "gnp.exe"));
	T_EQ_INT(ident_check_display(o, "title", &p), -1);
	json_object_set_new(o, "title", json_string("Welder \xe2\x81\xa6x\xe2\x81\xa9"));
	T_EQ_INT(ident_check_display(o, "title", &p), -1);
	T_EQ_INT(p.kind, PROBLEM_INVALID);
	problem_release(&p);
	json_decref(o);
}

/* The naughty strings (tests/data/blns) end, and the short ones with no
 * digits pass. */
static void test_naughty_strings_end(void)
{
	FILE *f = fopen("tests/data/blns/blns.json", "rb");
	json_t *list = f ? json_loadf(f, 0, NULL) : NULL, *v;
	size_t i, found = 0;

	if (f)
		fclose(f);
	T_REQUIRE(json_is_array(list));
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		found += ident_find(s) != IDENT_NONE;
		(void)ident_looks_like_name(s);
	}
	printf("# %zu of %zu naughty strings hold an identifier\n", found, json_array_size(list));
	T_CHECK(found < json_array_size(list) / 10);
	json_decref(list);
}

/* Every label of the taxonomy passes, in every language the API takes. */
static void test_no_esco_label_refused(void)
{
	esco *tax = NULL;
	esco_label_iter it;
	esco_label l;
	char err[256];
	size_t total = 0, refused = 0, names = 0;

	T_REQUIRE(esco_load(NULL, &tax, err, sizeof err) == 0 || (fprintf(stderr, "%s\n", err), 0));
	esco_label_iter_init(&it, tax, ESCO_KIND_OCCUPATION | ESCO_KIND_SKILL);
	while (esco_label_next(&it, &l)) {
		enum ident_kind k = ident_find(l.label);

		total++;
		if (k != IDENT_NONE) {
			if (refused < 20)
				fprintf(stderr, "  refused (%s): %s\n", ident_kind_name(k), l.label);
			refused++;
		}
		names += ident_looks_like_name(l.label);
	}
	printf("# %zu labels, %zu refused, %zu would look like a name if they matched nothing\n",
	       total, refused, names);
	T_CHECK(total > 150000);
	T_EQ_INT(refused, 0);
	esco_free(tax);
}

int main(void)
{
	T_RUN(test_identifiers_found);
	T_RUN(test_names);
	T_RUN(test_display_text);
	T_RUN(test_naughty_strings_end);
	T_RUN(test_no_esco_label_refused);
	return T_DONE();
}
