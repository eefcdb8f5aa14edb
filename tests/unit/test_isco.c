/*
 * test_isco.c - the one occupation -> ISCO-08 group rule (taxonomy_isco_group)
 * that matching, quotas, search and the taxonomy share, and the proximity
 * built on it, against the real ESCO data under data/esco (no PostgreSQL).
 */
#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"
#include "tests/support/t.h"

#include <string.h>

static const esco *tax;

/* Codes: 1 to 4 digits that ISCO-08 has; anything else is not a group. */
static void codes(void)
{
	char code[5] = "x";

	T_EQ_INT(taxonomy_isco_group(NULL, code), 0);
	T_EQ_STR(code, "");
	T_EQ_INT(taxonomy_isco_group("7", code), 1);
	T_EQ_STR(code, "7");
	T_EQ_INT(taxonomy_isco_group("72", code), 2);
	T_EQ_STR(code, "72");
	T_EQ_INT(taxonomy_isco_group("7212", code), 4);
	T_EQ_STR(code, "7212");
	T_EQ_INT(taxonomy_isco_group("2221", code), 4);
	static const char *const not_groups[] = {"", "9999", "12345", "1abc", "72 ", " 72",
						 "７２１２", "-1", "0x1"};
	for (size_t i = 0; i < sizeof not_groups / sizeof *not_groups; i++) {
		T_CHECKF(taxonomy_isco_group(not_groups[i], code) == 0, "'%s' is a group",
			 not_groups[i]);
		T_CHECKF(code[0] == '\0', "'%s' left a code", not_groups[i]);
	}
}

/* URIs: an ESCO occupation ESCO knows gives its unit group. */
static void uris(void)
{
	const esco_occupation *const *list;
	char code[5], uri[256];
	size_t n = esco_occupations_by_isco(tax, "7212", &list);

	T_REQUIRE(n > 0);
	T_EQ_INT(taxonomy_isco_group(list[0]->uri, code), 4);
	T_EQ_STR(code, list[0]->isco);
	T_EQ_STR(code, "7212");
	snprintf(uri, sizeof uri, "%s00000000-0000-0000-0000-000000000000", TAX_ESCO_OCCUPATION);
	T_EQ_INT(taxonomy_isco_group(uri, code), 0); /* not in ESCO */
	T_EQ_INT(taxonomy_isco_group("http://data.europa.eu/esco/skill/x", code), 0);
	T_EQ_INT(taxonomy_isco_group("welder", code), 0); /* free text is not a group */
}

/* Proximity compares the groups, whatever form each side has. */
static void proximity(void)
{
	const esco_occupation *const *list;
	size_t n = esco_occupations_by_isco(tax, "7212", &list);

	T_REQUIRE(n > 0);
	T_EQ_INT(taxonomy_occupation_proximity("7212", list[0]->uri), ESCO_ISCO_UNIT);
	T_EQ_INT(taxonomy_occupation_proximity("7212", "7213"), ESCO_ISCO_MINOR);
	T_EQ_INT(taxonomy_occupation_proximity("7212", "7411"), ESCO_ISCO_MAJOR);
	T_EQ_INT(taxonomy_occupation_proximity("7212", "2221"), ESCO_ISCO_UNRELATED);
	T_EQ_INT(taxonomy_occupation_proximity("7212", "9999"), ESCO_ISCO_UNRELATED);
	T_EQ_INT(taxonomy_occupation_proximity(NULL, "7212"), ESCO_ISCO_UNRELATED);
}

int main(void)
{
	tax = taxonomy_esco();
	if (!tax) {
		fprintf(stderr, "ESCO not loaded (data/esco)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(codes);
	T_RUN(uris);
	T_RUN(proximity);
	return T_DONE();
}
