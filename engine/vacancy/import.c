/*
 * import.c - what `fairmatch import vacancies` and POST
 * /v1/vacancies/import take besides fairmatch's own vacancy objects:
 * schema.org JobPosting JSON-LD (single objects, arrays, @graph) and CSV
 * rows. Each is mapped to the vacancy object POST /v1/vacancies takes and
 * then goes through vacancy_validate and the write rules like any other
 * (docs/data.md, "Importing vacancies", says field by field how).
 */
#include "engine/vacancy/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/core/iso.h"
#include "engine/taxonomy/taxonomy.h"

#define TEXT_MAX (VACANCY_DESCRIPTION_MAX * 4) /* JSON-LD text read before stripping */

/* ---- reading schema.org values ----
 * A property may be text, an object (its "name", "@value" or the given
 * key), or an array of either: the first usable value is taken. */
static const char *text_of(const json_t *v, const char *key)
{
	size_t i;
	const json_t *e;
	const char *s;

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((s = text_of(e, key)) && *s)
				return s;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (key && (s = json_string_value(json_object_get(v, key))))
		return s;
	if ((s = json_string_value(json_object_get(v, "@value"))))
		return s;
	return json_string_value(json_object_get(v, "name"));
}

/* Whether a node's @type is (or lists) type. */
static int has_type(const json_t *node, const char *type)
{
	const json_t *t = json_object_get(node, "@type"), *e;
	size_t i;

	if (json_is_string(t)) {
		/* "JobPosting", or its IRI "https://schema.org/JobPosting". */
		const char *slash = strrchr(json_string_value(t), '/');

		return strcmp(json_string_value(t), type) == 0 ||
		       (strncmp(json_string_value(t), "http", 4) == 0 && slash &&
			strcmp(slash + 1, type) == 0);
	}
	json_array_foreach(t, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), type) == 0)
			return 1;
	return 0;
}

int vacancy_import_is_jsonld(const json_t *item)
{
	return json_is_object(item) &&
	       (json_object_get(item, "@type") || json_object_get(item, "@context"));
}

/* Description text from HTML: tags dropped (a <br>, <p>, <li> becomes a
 * line break), the common entities decoded, runs of blanks made one.
 * Appended to b. */
static int append_plain(struct buf *b, const char *html)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
		    {"&#39;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};
	const char *s = html;
	int space = b->len == 0, rc = 0;
	size_t k;

	while (*s && rc == 0) {
		char c = *s;

		if (c == '<') {
			const char *end = strchr(s, '>');
			int brk = strncasecmp(s, "<br", 3) == 0 || strncasecmp(s, "<p", 2) == 0 ||
				  strncasecmp(s, "<li", 3) == 0 || strncasecmp(s, "</p", 3) == 0;

			s = end ? end + 1 : s + strlen(s);
			if (brk && !space) {
				rc = buf_add(b, "\n", 1);
				space = 1;
			}
			continue;
		}
		if (c == '&') {
			for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
				if (strncmp(s, ents[k].name, strlen(ents[k].name)) == 0)
					break;
			if (k < sizeof ents / sizeof ents[0]) {
				c = ents[k].c;
				s += strlen(ents[k].name) - 1;
			}
		}
		s++;
		if (isspace((unsigned char)c)) {
			if (!space)
				rc = buf_add(b, c == '\n' ? "\n" : " ", 1);
			space = 1;
			continue;
		}
		rc = buf_add(b, &c, 1);
		space = 0;
	}
	return rc;
}

/* Adds "Label: text" paragraphs for the properties that have no field of
 * their own but matter to a reader (qualifications and the like). */
static int append_section(struct buf *b, const char *label, const json_t *v)
{
	const char *t = text_of(v, "credentialCategory");

	if (!t || !*t)
		return 0;
	if ((b->len && buf_add(b, "\n\n", 2)) || buf_add(b, label, strlen(label)) ||
	    buf_add(b, ": ", 2))
		return -1;
	return append_plain(b, t);
}

/* ---- the fields ---- */

/* occupation: an ISCO-08 code or ESCO URI given as the category's code,
 * else the first text that normalises to an ESCO occupation
 * (occupationalCategory without a leading O*NET/SOC code, the relevant
 * occupation's name, the title), else the first text (which
 * vacancy_validate then refuses as not_normalised). */
static void map_occupation(const json_t *jp, json_t *out)
{
	const json_t *cats[3] = {json_object_get(jp, "occupationalCategory"),
				 json_object_get(json_object_get(jp, "relevantOccupation"),
						 "occupationalCategory"),
				 NULL};
	const char *texts[4] = {0};
	size_t nt = 0, i;
	char code[5];
	struct tax_match m;

	for (i = 0; cats[i] || i < 2; i++) {
		const char *v = text_of(cats[i], "codeValue"), *name = text_of(cats[i], "name");

		if (v && taxonomy_isco_group(v, code) > 0) {
			json_object_set_new(out, "occupation", json_string(v));
			return;
		}
		if (v && nt < 4) {
			/* "15-1132.00 Software Developers": the words after the code. */
			while (*v && (isdigit((unsigned char)*v) || strchr(".-", *v)))
				v++;
			while (*v == ' ')
				v++;
			if (*v)
				texts[nt++] = v;
		}
		if (name && nt < 4)
			texts[nt++] = name;
	}
	if (nt < 4 && text_of(json_object_get(jp, "relevantOccupation"), NULL))
		texts[nt++] = text_of(json_object_get(jp, "relevantOccupation"), NULL);
	if (nt < 4 && text_of(json_object_get(jp, "title"), NULL))
		texts[nt++] = text_of(json_object_get(jp, "title"), NULL);
	for (i = 0; i < nt; i++)
		if (strlen(texts[i]) <= 200 && taxonomy_normalise_occupation(texts[i], NULL, &m) == 0) {
			json_object_set_new(out, "occupation", json_string(texts[i]));
			return;
		}
	if (nt)
		json_object_set_new(out, "occupation", json_string(texts[0]));
}

/* skills: text split on commas, semicolons and line breaks, or an array of
 * texts or DefinedTerms (their name). */
static int map_skills(const json_t *v, json_t *list)
{
	const json_t *e;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (map_skills(e, list))
				return -1;
		return 0;
	}
	if (json_is_object(v)) {
		const char *t = text_of(v, NULL);

		return t && *t ? json_array_append_new(list, json_string(t)) : 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		while (*s) {
			size_t n = strcspn(s, ",;\n");
			const char *a = s, *z = s + n;

			while (a < z && isspace((unsigned char)*a))
				a++;
			while (z > a && isspace((unsigned char)z[-1]))
				z--;
			if (z > a && json_array_append_new(list, json_stringn(a, (size_t)(z - a))))
				return -1;
			s += n + (s[n] != '\0');
		}
	}
	return 0;
}

/* country and city from jobLocation (the first Place), else the default. */
static void map_location(const json_t *jp, const char *default_country, json_t *out)
{
	const json_t *loc = json_object_get(jp, "jobLocation"), *addr;
	const char *country, *city;
	char cc[3];

	if (json_is_array(loc))
		loc = json_array_get(loc, 0);
	addr = json_object_get(loc, "address");
	country = text_of(json_object_get(addr, "addressCountry"), NULL);
	city = text_of(json_object_get(addr, "addressLocality"), NULL);
	if (country && strlen(country) == 2) {
		cc[0] = (char)toupper((unsigned char)country[0]);
		cc[1] = (char)toupper((unsigned char)country[1]);
		cc[2] = '\0';
		json_object_set_new(out, "country", json_string(cc));
	} else if (country) {
		json_object_set_new(out, "country", json_string(country)); /* refused: named */
	} else if (default_country) {
		json_object_set_new(out, "country", json_string(default_country));
	}
	if (city && strlen(city) <= 100)
		json_object_set_new(out, "city", json_string(city));
}

static json_t *amount(const json_t *v)
{
	double x;

	if (json_is_number(v))
		x = json_number_value(v);
	else if (json_is_string(v) && *json_string_value(v))
		x = strtod(json_string_value(v), NULL);
	else
		return NULL;
	return x >= 0 && x < 1e12 ? json_integer((json_int_t)(x + 0.5)) : NULL;
}

/* salary from baseSalary: a MonetaryAmount (currency; value a number or a
 * QuantitativeValue with value or minValue/maxValue and unitText), or a
 * bare number with salaryCurrency beside it. Decimals are rounded. */
static void map_salary(const json_t *jp, json_t *out)
{
	const json_t *bs = json_object_get(jp, "baseSalary"), *val, *lo, *hi;
	const char *cur = text_of(json_object_get(bs, "currency"), NULL), *unit;
	json_t *sal;

	if (!bs)
		return;
	if (!cur)
		cur = text_of(json_object_get(jp, "salaryCurrency"), NULL);
	val = json_is_object(bs) ? json_object_get(bs, "value") : bs;
	unit = text_of(json_object_get(val, "unitText"), NULL);
	if (json_is_object(val)) {
		lo = json_object_get(val, "minValue");
		hi = json_object_get(val, "maxValue");
		if (!lo && !hi)
			lo = hi = json_object_get(val, "value");
	} else {
		lo = hi = val;
	}
	sal = json_object();
	if (!sal)
		return;
	json_object_set_new(sal, "min", amount(lo)); /* NULL: not set */
	json_object_set_new(sal, "max", amount(hi));
	if (cur)
		json_object_set_new(sal, "currency", json_string(cur));
	if (unit) {
		char u[8];
		size_t i;

		for (i = 0; unit[i] && i < sizeof u - 1; i++)
			u[i] = (char)tolower((unsigned char)unit[i]);
		u[i] = '\0';
		json_object_set_new(sal, "period", json_string(u));
	}
	json_object_set_new(out, "salary", sal);
}

/* employment_type: "FULL_TIME", "Full-time", "full time" -> full_time;
 * a value outside the schema.org list becomes other. */
static void map_employment(const json_t *v, json_t *list)
{
	const json_t *e;
	size_t i, k;
	char t[24];

	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			map_employment(e, list);
		return;
	}
	if (!json_is_string(v))
		return;
	for (i = 0; json_string_value(v)[i] && i < sizeof t - 1; i++) {
		char c = json_string_value(v)[i];

		t[i] = c == '-' || c == ' ' ? '_' : (char)tolower((unsigned char)c);
	}
	t[i] = '\0';
	for (k = 0; vacancy_employment_types[k] && strcmp(vacancy_employment_types[k], t); k++)
		;
	snprintf(t, sizeof t, "%s", vacancy_employment_types[k] ? vacancy_employment_types[k] : "other");
	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(e), t) == 0)
			return;
	json_array_append_new(list, json_string(t));
}

/* recruiter from hiringOrganization (name; country from its address). */
static void map_hiring(const json_t *jp, json_t *out)
{
	const json_t *org = json_object_get(jp, "hiringOrganization");
	const char *name = text_of(org, NULL);
	const char *cc = text_of(json_object_get(json_object_get(org, "address"), "addressCountry"),
				 NULL);
	json_t *rec;

	if (!name || !*name)
		return;
	rec = json_pack("{s:s}", "name", name);
	if (rec && cc && strlen(cc) == 2 && iso_country_valid(cc))
		json_object_set_new(rec, "country", json_string(cc));
	if (rec)
		json_object_set_new(out, "recruiter", rec);
}

int vacancy_from_jobposting(const json_t *jp, const struct vacancy_import_opts *o, json_t **out,
			    problem *p)
{
	json_t *v = NULL, *skills = NULL, *types = NULL;
	const char *title = text_of(json_object_get(jp, "title"), NULL);
	const char *until = text_of(json_object_get(jp, "validThrough"), NULL);
	const json_t *openings = json_object_get(jp, "totalJobOpenings");
	struct buf desc;
	char date[11];

	*out = NULL;
	buf_init(&desc, TEXT_MAX);
	if (!json_is_object(jp) || !has_type(jp, "JobPosting")) {
		const char *t = json_is_object(jp) ? text_of(json_object_get(jp, "@type"), NULL) : NULL;

		problem_field(p, "@type", "unsupported", "is %s, not JobPosting", t ? t : "missing");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	v = json_object();
	skills = json_pack("{s:[], s:[]}", "essential", "optional");
	types = json_array();
	if (!v || !skills || !types)
		goto oom;
	if (!title)
		title = text_of(json_object_get(jp, "name"), NULL);
	if (title)
		json_object_set_new(v, "title", json_string(title));
	if (text_of(json_object_get(jp, "description"), NULL) &&
	    append_plain(&desc, text_of(json_object_get(jp, "description"), NULL)))
		goto too_long;
	if (append_section(&desc, "Responsibilities", json_object_get(jp, "responsibilities")) ||
	    append_section(&desc, "Qualifications", json_object_get(jp, "qualifications")) ||
	    append_section(&desc, "Education", json_object_get(jp, "educationRequirements")) ||
	    append_section(&desc, "Experience", json_object_get(jp, "experienceRequirements")))
		goto too_long;
	if (desc.len && desc.len <= VACANCY_DESCRIPTION_MAX)
		json_object_set_new(v, "description", json_stringn(desc.p, desc.len));
	else if (desc.len)
		goto too_long;
	map_occupation(jp, v);
	if (map_skills(json_object_get(jp, "skills"), json_object_get(skills, "essential")))
		goto oom;
	json_object_set_new(v, "skills", skills);
	skills = NULL;
	map_location(jp, o ? o->default_country : NULL, v);
	map_salary(jp, v);
	if (until) {
		/* A DateTime's date; its time of day is not kept. */
		snprintf(date, sizeof date, "%s", until);
		json_object_set_new(v, "valid_until", json_string(date));
	}
	map_employment(json_object_get(jp, "employmentType"), types);
	if (json_array_size(types))
		json_object_set_new(v, "employment_type", json_incref(types));
	if (json_is_integer(openings))
		json_object_set_new(v, "positions", json_incref((json_t *)openings));
	else if (json_is_string(openings) && *json_string_value(openings))
		json_object_set_new(v, "positions",
				    json_integer(strtoll(json_string_value(openings), NULL, 10)));
	if (!(o && o->hiring_org_is_employer))
		map_hiring(jp, v);
	buf_release(&desc);
	json_decref(types);
	*out = v;
	return 0;
too_long:
	buf_release(&desc);
	json_decref(v);
	json_decref(skills);
	json_decref(types);
	problem_field(p, "description", "length", "is longer than %d bytes as text",
		      VACANCY_DESCRIPTION_MAX);
	p->kind = PROBLEM_INVALID;
	return -1;
oom:
	buf_release(&desc);
	json_decref(v);
	json_decref(skills);
	json_decref(types);
	return vac__no_memory(p);
}

/* The JobPosting property a vacancy field was read from: a partner who wrote
 * JSON-LD is told what to fill in its own terms (review 12: a missing
 * addressCountry was reported as "country"). */
static const struct {
	const char *field, *property;
} jsonld_names[] = {
	{"occupation", "occupationalCategory"},
	{"country", "jobLocation.address.addressCountry"},
	{"city", "jobLocation.address.addressLocality"},
	{"salary", "baseSalary"},
	{"valid_until", "validThrough"},
	{"positions", "totalJobOpenings"},
	{"employment_type", "employmentType"},
	{"recruiter", "hiringOrganization"},
};

/* The property for a field path ("salary.min" -> "baseSalary"; a path
 * whose head has no entry keeps its name, as title and description do). */
static const char *jsonld_property(const char *field)
{
	size_t i, n;

	for (i = 0; i < sizeof jsonld_names / sizeof jsonld_names[0]; i++) {
		n = strlen(jsonld_names[i].field);
		if (strncmp(field, jsonld_names[i].field, n) == 0 &&
		    (field[n] == '\0' || field[n] == '.' || field[n] == '['))
			return jsonld_names[i].property;
	}
	return NULL;
}

/* Renames p's field errors, and the detail that names the first, after the
 * JobPosting properties they came from. */
static void name_jsonld_fields(problem *p)
{
	json_t *e;
	size_t i, n;

	json_array_foreach(p->errors, i, e) {
		const char *f = json_string_value(json_object_get(e, "field")), *prop;
		char detail[sizeof p->detail];

		if (!f || !(prop = jsonld_property(f)))
			continue;
		n = strlen(f);
		if (i == 0 && strncmp(p->detail, f, n) == 0 && p->detail[n] == ':') {
			snprintf(detail, sizeof detail, "%s%s", prop, p->detail + n);
			memcpy(p->detail, detail, sizeof detail);
		}
		json_object_set_new(e, "field", json_string(prop));
	}
}

int vacancy_import_item(const json_t *item, const struct vacancy_import_opts *o, json_t **doc,
			problem *p)
{
	json_t *mapped = NULL;
	int rc;

	*doc = NULL;
	if (!vacancy_import_is_jsonld(item))
		return vacancy_validate(item, doc, p);
	if (vacancy_from_jobposting(item, o, &mapped, p))
		return -1;
	rc = vacancy_validate(mapped, doc, p);
	if (rc && p->errors)
		name_jsonld_fields(p);
	json_decref(mapped);
	return rc;
}

json_t *vacancy_import_items(const json_t *v, problem *p)
{
	json_t *items = json_array(), *graph = json_object_get(v, "@graph"), *e;
	const json_t *list = json_is_array(v) ? v : graph;
	size_t i;

	if (!items) {
		vac__no_memory(p);
		return NULL;
	}
	if (json_is_object(v) && !graph) {
		json_array_append_new(items, json_pack("[i, O]", 0, v));
		return items;
	}
	if (!json_is_array(list)) {
		json_decref(items);
		problem_field(p, "(body)", "type",
			      "must be an array, an object or an object with an @graph array");
		p->kind = PROBLEM_INVALID;
		return NULL;
	}
	json_array_foreach(list, i, e) {
		/* In a @graph, other nodes (the Organization a posting refers
		 * to ...) are not vacancies: only the JobPostings are items. */
		if (graph && !has_type(e, "JobPosting"))
			continue;
		if (json_array_append_new(items, json_pack("[I, O]", (json_int_t)i, e))) {
			json_decref(items);
			vac__no_memory(p);
			return NULL;
		}
	}
	return items;
}

/* ---- CSV ---- */

static const char *const csv_columns[] = {
	"title",	   "description",      "occupation",	  "skills_essential",
	"skills_optional", "languages",	       "country",	  "city",
	"salary_min",	   "salary_max",       "salary_currency", "salary_period",
	"positions",	   "valid_until",      "recruiter_name",  "recruiter_licence",
	"recruiter_country", "quota_id",       "worker_fees",	  "employment_type",
	NULL};

int vacancy_csv_header(const char *const *names, size_t n, problem *p)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; csv_columns[k] && strcmp(csv_columns[k], names[i]); k++)
			;
		if (!csv_columns[k])
			problem_field(p, names[i], "unknown_field", "is not a column of a vacancy");
	}
	if (problem_has_fields(p)) {
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	return 0;
}

/* "a|b|c" -> ["a","b","c"] (empty parts dropped). */
static json_t *split_list(const char *s)
{
	json_t *a = json_array();

	while (a && *s) {
		size_t n = strcspn(s, "|");

		if (n)
			json_array_append_new(a, json_stringn(s, n));
		s += n + (s[n] != '\0');
	}
	return a;
}

/* A number column: an integer as JSON, else the text (refused by name). */
static json_t *number_or_text(const char *s)
{
	char *end;
	long long x = strtoll(s, &end, 10);

	return *s && !*end ? json_integer(x) : json_string(s);
}

int vacancy_from_csv(const char *const *names, const char *const *values, size_t n,
		     json_t **out, problem *p)
{
	json_t *v = json_object(), *sal = json_object(), *rec = json_object(), *sk = json_object();
	size_t i;

	*out = NULL;
	if (!v || !sal || !rec || !sk)
		goto oom;
	for (i = 0; i < n; i++) {
		const char *k = names[i], *x = values[i];
		json_t *val;

		if (!*x)
			continue; /* an empty cell is an absent field */
		if (strncmp(k, "salary_", 7) == 0) {
			val = strcmp(k, "salary_min") == 0 || strcmp(k, "salary_max") == 0
				      ? number_or_text(x)
				      : json_string(x);
			json_object_set_new(sal, k + 7, val);
		} else if (strncmp(k, "recruiter_", 10) == 0) {
			json_object_set_new(rec, k + 10, json_string(x));
		} else if (strncmp(k, "skills_", 7) == 0) {
			json_object_set_new(sk, k + 7, split_list(x));
		} else if (strcmp(k, "languages") == 0) {
			/* "en:B1|fr:A2" */
			json_t *langs = split_list(x), *l;
			size_t j;

			json_array_foreach(langs, j, l) {
				const char *t = json_string_value(l), *colon = strchr(t, ':');

				json_array_set_new(langs, j,
						   colon ? json_pack("{s:s%, s:s}", "code", t,
								     (size_t)(colon - t), "level",
								     colon + 1)
							 : json_pack("{s:s}", "code", t));
			}
			json_object_set_new(v, "languages", langs);
		} else if (strcmp(k, "employment_type") == 0) {
			json_object_set_new(v, k, split_list(x));
		} else if (strcmp(k, "positions") == 0 || strcmp(k, "worker_fees") == 0) {
			json_object_set_new(v, k, number_or_text(x));
		} else {
			json_object_set_new(v, k, json_string(x));
		}
	}
	if (json_object_size(sal))
		json_object_set(v, "salary", sal);
	if (json_object_size(rec))
		json_object_set(v, "recruiter", rec);
	if (json_object_size(sk))
		json_object_set(v, "skills", sk);
	json_decref(sal);
	json_decref(rec);
	json_decref(sk);
	*out = v;
	return 0;
oom:
	json_decref(v);
	json_decref(sal);
	json_decref(rec);
	json_decref(sk);
	return vac__no_memory(p);
}
