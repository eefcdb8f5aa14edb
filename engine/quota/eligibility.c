/*
 * eligibility.c - the one rule that decides whether a person may take a
 * listing (reasons_for), so the match answer, GET /v1/quotas?profile_id=
 * and a placement all apply the same rule; and the words for each reason.
 */
#include "engine/quota/internal.h"

#include <stdio.h>
#include <string.h>

#include "engine/core/iso.h"

const char *const quota__reason_names[5] = {"origin_country", "occupation", "dates", "full",
					   "closed"};

void quota__person_of(const json_t *doc, struct quota__person *pr)
{
	const char *c = quota__str(doc, "citizenship"), *af = quota__str(doc, "available_from");
	json_t *v;
	size_t i;
	char code[5];

	memset(pr, 0, sizeof *pr);
	json_array_foreach(json_object_get(doc, "occupations"), i, v) {
		if (pr->n == PERSON_OCC_MAX)
			break;
		/* An occupation the taxonomy cannot place counts as none; a
		 * group of 1-3 digits is eligible for listings of that group
		 * or a wider one (never for a narrower one it may not be). */
		if (quota__occupation_group(json_string_value(v), code) == 0 && code[0])
			memcpy(pr->codes[pr->n++], code, sizeof code);
	}
	if (c && strlen(c) == 2)
		memcpy(pr->citizenship, c, 3);
	iso_today(pr->start);
	if (af && strlen(af) == 10 && strcmp(af, pr->start) > 0)
		memcpy(pr->start, af, 11);
}

/* The reasons (R_* bits) why the person is not eligible for listing q. */
unsigned quota__reasons_for(const json_t *q, const struct quota__person *pr)
{
	const char *isco = quota__str(q, "isco"), *until = quota__str(q, "valid_until");
	size_t k = isco ? strlen(isco) : 0, i;
	unsigned r = R_ORIGIN;
	json_t *v;

	json_array_foreach(json_object_get(q, "origin_countries"), i, v) {
		if (pr->citizenship[0] && strcmp(json_string_value(v), pr->citizenship) == 0)
			r = 0;
	}
	for (i = 0; i < pr->n; i++)
		if (k && strncmp(pr->codes[i], isco, k) == 0)
			break;
	if (i == pr->n)
		r |= R_OCCUPATION;
	if (!until || strcmp(until, pr->start) < 0)
		r |= R_DATES;
	if (json_integer_value(json_object_get(q, "slots_remaining")) <= 0)
		r |= R_FULL;
	if (json_is_true(json_object_get(q, "closed")))
		r |= R_CLOSED;
	return r;
}

json_t *quota__reasons_json(unsigned bits)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < sizeof quota__reason_names / sizeof quota__reason_names[0]; i++)
		if ((bits & (1u << i)) && json_array_append_new(a, json_string(quota__reason_names[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

const char *quota__reason_message(unsigned bit, const json_t *q, const struct quota__person *pr,
				  char *buf, size_t len)
{
	switch (bit) {
	case R_ORIGIN:
		if (pr->citizenship[0])
			snprintf(buf, len, "citizenship %s is not among the listing's origin countries",
				 pr->citizenship);
		else
			snprintf(buf, len, "the profile has no citizenship");
		break;
	case R_OCCUPATION:
		snprintf(buf, len, "none of the profile's occupations is in ISCO-08 group %s",
			 quota__str(q, "isco"));
		break;
	case R_DATES:
		snprintf(buf, len, "the listing closes on %s, before the person can start (%s)",
			 quota__str(q, "valid_until"), pr->start);
		break;
	case R_CLOSED:
		snprintf(buf, len, "the listing was closed on %s", quota__str(q, "closed_at"));
		break;
	default:
		snprintf(buf, len, "no slot is left");
	}
	return buf;
}
