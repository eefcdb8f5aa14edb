/*
 * test_taxonomy_lang.c - one occupation space and the languages, over HTTP
 * against a real server, PostgreSQL and index: an ISCO filter (4 and 2
 * digits) finds vacancies coded by URI, by text and by code; free text in
 * the occupation filter; a French or Spanish keyword query finds an English
 * vacancy through the concept it names; a vacancy written in French is
 * stemmed in French; labels in the language asked (lang, Accept-Language,
 * English by default); the lookup endpoints and the typeahead by code or URI.
 * The phrasings a counsellor types are checked in-process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/internal.h"
#include "engine/taxonomy/taxonomy.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

#define WELDER "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
#define WELDER_ENC "http%3A%2F%2Fdata.europa.eu%2Fesco%2Foccupation%2F7aedaa07-3884-4c5b-88f9-80997b2aa54b"
#define FORKLIFT "http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da"
#define ARC_WELDING "http://data.europa.eu/esco/skill/27d26fd6-5795-4f0a-884e-112df7c68314"
#define DOMESTIC_CLEANER "http://data.europa.eu/esco/occupation/cbad55a4-c7cf-4ab6-9540-eac72b26729b"
#define LECTURER "http://data.europa.eu/esco/occupation/684fd8d5-9b40-4b02-a680-438f0082d923"
#define AMUSEMENT_PARK_CLEANER \
	"http://data.europa.eu/esco/occupation/38eb308f-0075-451e-9c1a-c557fd173022"
#define FORKLIFT_ID "28cb374e-6261-4133-8371-f9a5470145da"
#define FORKLIFT_ENC "http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F" FORKLIFT_ID

static struct server srv;
static char employer[80], counsellor[80];
static char id_uri[32], id_text[32], id_code[32], id_minor[32], id_nurse[32], id_fr[32],
	id_es[32], id_deicing[32], id_train[32], id_forklift[32], id_handyman[32];

/* Posts a vacancy; its id into id. */
static void post(char *id, const char *title, const char *desc, const char *occ)
{
	struct resp r;

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"%s\",\"description\":\"%s\",\"occupation\":\"%s\","
			    "\"skills\":{\"essential\":[],\"optional\":[]},\"country\":\"ZA\","
			    "\"valid_until\":\"2099-03-31\"}",
			    title, desc, occ) == 0);
	T_EQ_INT(r.status, 201);
	snprintf(id, 32, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
}

/* The ids a search answers, as one string "v_1 v_3 ", or the status. */
static const char *found(const char *query, long *status)
{
	static char ids[512];
	struct resp r;
	size_t i, n = 0;
	json_t *v;
	char path[400];

	ids[0] = '\0';
	snprintf(path, sizeof path, "/v1/vacancies?%s", query);
	if (http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0))
		return ids;
	*status = r.status;
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		n += (size_t)snprintf(ids + n, sizeof ids - n, "%s ",
				      json_string_value(json_object_get(v, "id")) ?: "?");
	resp_free(&r);
	return ids;
}

static int has(const char *ids, const char *id)
{
	char w[40];

	snprintf(w, sizeof w, "%s ", id);
	return strstr(ids, w) != NULL;
}

static void test_setup(void)
{
	/* English texts that never say "welder", "soudeur" or "nurse". */
	post(id_uri, "Pipe joiner", "Join steel pipes on site.", WELDER);
	post(id_text, "Metal fabricator", "Fabricate frames in a workshop.", "welder");
	post(id_code, "Boilermaker's mate", "Assist on boiler repairs.", "7212");
	post(id_minor, "Sheet metal worker", "Cut and bend sheet metal.", "7213");
	post(id_nurse, "Ward staff", "Care for patients on the night shift.",
	     "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50");
	/* Written in French and in Spanish; "infirmières" and "infirmier"
	 * share a French stem and not an English one, "limpiadoras" and
	 * "limpiador" a Spanish one. */
	post(id_fr, "Aide de nuit",
	     "Nous recherchons des infirmières de nuit pour notre clinique, avec une "
	     "expérience des soins.", "5321");
	post(id_es, "Personal de hoteles",
	     "Buscamos limpiadoras para los hoteles de la costa, con experiencia en el sector.",
	     "9112");
	/* English, with a "de" that is not the Spanish or French word. */
	post(id_deicing, "Aircraft de-icing equipment fitter", "Fit and test de-icing pumps.",
	     "7233");
	/* "conductor" is English (a train conductor) and Spanish (a driver). */
	post(id_train, "Train conductor", "Conductor on regional trains; the conductor checks tickets.",
	     "5112");
	post(id_forklift, "Warehouse operative", "Move pallets in a warehouse.",
	     "http://data.europa.eu/esco/occupation/eeac6251-1974-42f5-91ed-513c6c883755");
	/* French labels "homme à tout faire/femme à tout faire": "femme" is a
	 * word of this ad's occupation, as of a deckhand's, a chambermaid's,
	 * a midwife's. */
	post(id_handyman, "Maintenance helper", "Fix doors and paint walls in apartment blocks.",
	     "http://data.europa.eu/esco/occupation/f4a25243-b06a-42a9-9c69-246853df63ad");
}

static void test_isco_filter(void)
{
	long st = 0;
	const char *ids;

	/* 4 digits: the welder vacancies however they were coded. */
	ids = found("occupation=7212", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(has(ids, id_uri) && has(ids, id_text) && has(ids, id_code), "7212 found %s", ids);
	T_CHECK(!has(ids, id_minor) && !has(ids, id_nurse));
	/* 2 and 3 digits: the sub-major and minor group, also the 7213 one. */
	ids = found("occupation=72", &st);
	T_CHECKF(has(ids, id_uri) && has(ids, id_text) && has(ids, id_code) && has(ids, id_minor),
		 "72 found %s", ids);
	T_CHECK(!has(ids, id_nurse));
	ids = found("occupation=721", &st);
	T_CHECK(has(ids, id_uri) && has(ids, id_minor) && !has(ids, id_nurse));
	/* A URI: that occupation, written as a URI or as text. */
	ids = found("occupation=" WELDER_ENC, &st);
	T_CHECK(has(ids, id_uri) && has(ids, id_text) && !has(ids, id_minor));
	/* The ISCO-08 group's ESCO URI, as the lookups answer it, is its code. */
	ids = found("occupation=http%3A%2F%2Fdata.europa.eu%2Fesco%2Fisco%2FC7212", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(has(ids, id_uri) && has(ids, id_code) && !has(ids, id_minor), "C7212 found %s", ids);
	/* Free text, in French too, is normalised. */
	ids = found("occupation=soudeur", &st);
	T_EQ_INT(st, 200);
	T_CHECK(has(ids, id_uri) && has(ids, id_text));
	/* Nothing good enough: 400 naming the field. */
	found("occupation=zzqxv%20plorb", &st);
	T_EQ_INT(st, 400);
}

static void test_keyword_languages(void)
{
	long st = 0;
	const char *ids;

	/* French and Spanish words for the occupation find the English ads. */
	ids = found("q=soudeur", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(has(ids, id_uri) && has(ids, id_text), "q=soudeur found %s", ids);
	/* ... and an ad that gives only the ISCO-08 unit group (7212), not
	 * the neighbouring group's (7213). */
	T_CHECKF(has(ids, id_code) && !has(ids, id_minor), "q=soudeur found %s", ids);
	ids = found("q=enfermera", &st);
	T_CHECKF(has(ids, id_nurse), "q=enfermera found %s", ids);
	T_CHECK(!has(ids, id_uri));
	/* Vacancies written in French or Spanish: their language's stemmer. */
	ids = found("q=infirmier", &st);
	T_CHECKF(has(ids, id_fr), "q=infirmier found %s", ids);
	ids = found("q=limpiador", &st);
	T_CHECKF(has(ids, id_es), "q=limpiador found %s", ids);
	/* And English still works as before. */
	ids = found("q=boiler", &st);
	T_CHECK(has(ids, id_code));
	/* Function words of any of the three languages do not search: the
	 * Spanish "de" is rare, so heavy, in English text. A query of
	 * function words only finds nothing (it found every "de-icing" ad). */
	ids = found("q=cuidado%20de%20ancianos", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(!has(ids, id_deicing), "q=cuidado de ancianos found %s", ids);
	st = 0;
	ids = found("q=de", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(ids[0] == '\0', "q=de found %s", ids);
	ids = found("q=the%20of%20de", &st);
	T_CHECKF(ids[0] == '\0', "q=the of de found %s", ids);
	/* A Spanish query is read in Spanish: "carretilla" only Spanish
	 * labels have, so "conductor" is the Spanish driver, and the forklift
	 * ad comes before the English train conductor's. */
	ids = found("q=conductor%20de%20carretilla", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(has(ids, id_forklift) &&
			 (!has(ids, id_train) || strstr(ids, id_forklift) < strstr(ids, id_train)),
		 "q=conductor de carretilla found %s (forklift %s, train %s)", ids, id_forklift,
		 id_train);
	/* Round 17: of a French query no label holds whole, the word whose
	 * occupations spread over three ISCO major groups or more is the one
	 * done without: "femme de ménage" (a cleaner) is no handyman, though
	 * "femme" alone names the handyman's occupation. */
	ids = found("q=femme", &st);
	T_CHECKF(has(ids, id_handyman), "q=femme found %s", ids);
	ids = found("q=femme%20de%20m%C3%A9nage", &st);
	T_EQ_INT(st, 200);
	T_CHECKF(!has(ids, id_handyman), "q=femme de ménage found %s", ids);
	/* An English query still finds the train conductor first. */
	ids = found("q=conductor", &st);
	T_CHECKF(strncmp(ids, id_train, strlen(id_train)) == 0, "q=conductor found %s", ids);
	T_EQ_INT((int)taxonomy_text_langs("conductor de carretilla"), 1 << ESCO_LANG_ES);
	T_EQ_INT((int)taxonomy_text_langs("the welder"), 1 << ESCO_LANG_EN);
	T_EQ_INT((int)taxonomy_text_langs("soudage à l'arc"), 1 << ESCO_LANG_FR);
	/* words of two languages ("MIG" no French label has): any language */
	T_EQ_INT((int)taxonomy_text_langs("soudage MIG"), (1 << ESCO_LANG_COUNT) - 1);
}

static const char *occ_label(json_t *doc)
{
	return json_string_value(
		json_object_get(json_object_get(json_object_get(doc, "concepts"), "occupation"),
				"label")) ?: "";
}

static void test_labels(void)
{
	struct resp r;
	char path[128], raw[1024], out[8192];
	long n;

	snprintf(path, sizeof path, "/v1/vacancies/%s?lang=fr", id_uri);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(occ_label(r.json), "soudeur/soudeuse");
	T_EQ_STR(json_string_value(json_object_get(r.json, "occupation")), WELDER); /* as before */
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/vacancies/%s", id_uri);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(occ_label(r.json), "welder");
	resp_free(&r);
	/* An ISCO code gets its group's label. */
	snprintf(path, sizeof path, "/v1/vacancies/%s?lang=fr", id_code);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(occ_label(r.json), "Soudeurs et oxycoupeurs");
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/vacancies/%s?lang=de", id_uri);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	/* Search answers are labelled too. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?occupation=7212&lang=es", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(strstr(r.body, "soldador/soldadora") != NULL);
	resp_free(&r);
	/* Accept-Language is the default. */
	n = snprintf(raw, sizeof raw,
		     "GET /v1/vacancies/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		     "Accept-Language: de-DE, es;q=0.8, en;q=0.5\r\nConnection: close\r\n\r\n",
		     id_uri, counsellor);
	T_REQUIRE(raw_request(srv.port, raw, (size_t)n, out, sizeof out, 10000) > 0);
	T_CHECK(strstr(out, "soldador/soldadora") != NULL);
	/* A profile's concepts are labelled as well. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles?lang=fr", counsellor,
			    "{\"occupations\":[\"%s\"],\"skills\":[\"%s\"],"
			    "\"languages\":[{\"code\":\"fr\",\"level\":\"native\"}],"
			    "\"citizenship\":\"LS\",\"desired_countries\":[\"ZA\"],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}",
			    WELDER, FORKLIFT) == 0);
	T_EQ_INT(r.status, 201);
	T_CHECK(strstr(r.body, "\"label\":\"utiliser un chariot") != NULL);
	T_CHECK(strstr(r.body, "soudeur/soudeuse") != NULL);
	resp_free(&r);
}

static void test_lookups(void)
{
	struct resp r;
	json_t *ess;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills/" FORKLIFT_ENC "?lang=fr", counsellor,
		       NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(r.json, "uri")), FORKLIFT);
	T_EQ_STR(json_string_value(json_object_get(r.json, "label")), "utiliser un chariot élévateur");
	T_CHECK(json_is_array(json_object_get(r.json, "alt_labels")));
	/* its narrower skill in ESCO's skill hierarchy, labelled in French */
	T_CHECK(strstr(r.body, "3c84f7d9-7a3e-4343-814f-31de0aa61651") != NULL);
	T_CHECK(strstr(r.body, "inspection de chariots") != NULL);
	resp_free(&r);
	/* The last segment alone is the same skill. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills/" FORKLIFT_ID, employer, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(r.json, "label")), "operate forklift");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations/" WELDER_ENC "?lang=fr",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(r.json, "isco")), "7212");
	T_EQ_STR(json_string_value(json_object_get(r.json, "label")), "soudeur/soudeuse");
	ess = json_object_get(r.json, "essential_skills");
	T_CHECK(json_array_size(ess) > 0);
	T_CHECK(json_is_string(json_object_get(json_array_get(ess, 0), "label")));
	T_CHECK(json_is_array(json_object_get(r.json, "optional_skills")));
	T_CHECK(json_array_size(json_object_get(r.json, "narrower")) > 0); /* pipe welder, ... */
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "broader"), 0),
						   "isco")),
		 "7212");
	resp_free(&r);
	/* An ISCO group of 2 digits: its broader major group, its minor groups. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations/72", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "broader"), 0),
						   "isco")),
		 "7");
	T_CHECK(strstr(r.body, "\"isco\":\"721\"") != NULL);
	resp_free(&r);
	/* The group's ESCO URI, as "broader" answers it, and its last segment. */
	T_REQUIRE(http(&r, &srv, "GET",
		       "/v1/taxonomy/occupations/http%3A%2F%2Fdata.europa.eu%2Fesco%2Fisco%2FC7212",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(r.json, "isco")), "7212");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations/C72", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(json_string_value(json_object_get(r.json, "isco")), "72");
	resp_free(&r);
	/* ... and on a write: stored as the code. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles", counsellor,
			    "{\"occupations\":[\"http://data.europa.eu/esco/isco/C7212\"],"
			    "\"skills\":[],\"languages\":[{\"code\":\"en\",\"level\":\"B2\"}],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_EQ_INT(r.status, 201);
	T_EQ_STR(json_string_value(json_array_get(json_object_get(r.json, "occupations"), 0)) ?: "",
		 "7212");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles", counsellor,
			    "{\"occupations\":[\"http://data.europa.eu/esco/isco/C9999\"],"
			    "\"skills\":[],\"consent\":{\"matching\":true}}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	/* Unknown: 404. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations/9999", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills/nope", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	T_CHECK(strstr(r.content_type, "application/problem+json") != NULL);
	resp_free(&r);
	/* The typeahead takes an ISCO code or a URI. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations?q=7212", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(strstr(r.body, WELDER) != NULL);
	T_CHECK(strstr(r.body, "\"isco\":\"2221\"") == NULL);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=" FORKLIFT_ENC "&lang=es", counsellor,
		       NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_CHECK(strstr(r.body, "manejar carretillas elevadoras") != NULL);
	resp_free(&r);
}

/* The typeahead reads the labels of every language, the asked language's
 * first, and shows each concept in the asked language: a counsellor whose
 * console is in English types the Spanish word the person said. A text
 * whose only known word is a function word ("de") answers nothing, not
 * the labels where "de" is a word ("de-limb trees"). */
static void test_typeahead_languages(void)
{
	struct resp r;
	json_t *items, *it;
	const char *uri;
	char path[600];
	size_t i;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=soldadura&lang=en", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	items = json_object_get(r.json, "items");
	T_REQUIRE(json_array_size(items) > 0);
	/* shown in English: no label of the answer is the Spanish word */
	json_array_foreach(items, i, it)
		T_CHECKF(!strstr(json_string_value(json_object_get(it, "label")) ?: "", "soldadura"),
			 "item %zu is in Spanish", i);
	uri = json_string_value(json_object_get(json_array_get(items, 0), "uri"));
	T_REQUIRE(uri != NULL);
	snprintf(path, sizeof path, "/v1/taxonomy/skills?q=%s&lang=es", uri);
	resp_free(&r);
	/* ... and found through its Spanish label */
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(strstr(r.body, "soldadura") != NULL);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=zzqx%20de%20blorf&lang=en", counsellor,
		       NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 0);
	resp_free(&r);
}

/* The skill a phrased text normalises to, or NULL; *years gets the years. */
static const char *phrased(const char *text, int *years)
{
	static struct tax_match m;
	int rc = taxonomy_normalise_skill(text, NULL, &m);

	if (years)
		*years = m.years;
	return rc == 0 ? m.uri : NULL;
}

static void same_concept(const char *bare, const char *text)
{
	char want[200];
	const char *got;

	snprintf(want, sizeof want, "%s", phrased(bare, NULL) ?: "(bare not normalised)");
	got = phrased(text, NULL);
	T_CHECKF(got && strcmp(got, want) == 0, "\"%s\" gave %s, \"%s\" %s", text,
		 got ? got : "nothing", bare, want);
}

/* Fills the stack below the caller with a pattern, so that a callee reading
 * a variable it never set reads the pattern, not whatever zero was there. */
static __attribute__((noinline)) void dirty_stack(void)
{
	volatile unsigned char junk[256 * 1024];
	size_t i;

	for (i = 0; i < sizeof junk; i++)
		junk[i] = 0x55;
}

/* A few of each phrasing family (eval_taxonomy --phrasing measures them all). */
static void test_phrasing(void)
{
	int years = 0;

	same_concept("accounting", "knowledge of accounting");
	same_concept("accounting", "good knowledge of accounting");
	same_concept("welding", "experience in welding");
	same_concept("welding", "experience doing welding");
	same_concept("welding", "welding experience");
	same_concept("operate forklift", "ability to operate a forklift");
	same_concept("comptabilité", "connaissances en comptabilité");
	same_concept("comptabilité", "maîtrise de la comptabilité");
	same_concept("soudage MIG", "expérience en soudage MIG");
	same_concept("contabilidad", "experiencia en contabilidad");
	same_concept("contabilidad", "conocimientos de contabilidad");
	/* -ing forms and nominalisations by their Snowball stem */
	T_EQ_STR(phrased("manejo de carretillas elevadoras", NULL) ?: "", FORKLIFT);
	/* the years are taken off and reported */
	same_concept("MIG welding", "MIG welding (3 years)");
	T_EQ_STR(phrased("MIG welding (3 years)", &years) ?: "", phrased("MIG welding", NULL) ?: "-");
	T_EQ_INT(years, 3);
	T_CHECK(phrased("5 ans d'expérience en soudage MIG", &years) != NULL);
	T_EQ_INT(years, 5);
	T_CHECK(phrased("welding", &years) != NULL);
	T_EQ_INT(years, 0);
	/* a label that starts with a frame word stays itself */
	T_CHECK(strcmp(phrased("knowledge management", NULL) ?: "",
		       phrased("welding", NULL) ?: "") != 0);
	T_CHECK(phrased("knowledge management", NULL) != NULL);
	/* ESCO's broad concept holds "forklift driving" as an example; the
	 * concept that names forklifts is meant */
	T_EQ_STR(phrased("forklift driving", NULL) ?: "", FORKLIFT);
	/* a skill written as the occupation that practises it */
	T_EQ_STR(phrased("cariste", NULL) ?: "", FORKLIFT);
	/* ... gives no years: none were written (an unset count gave what the
	 * stack held: 1932488547 on the demo, 1 here without the fix) */
	years = -1;
	dirty_stack();
	T_EQ_STR(phrased("cariste", &years) ?: "", FORKLIFT);
	T_EQ_INT(years, 0);
	years = -1;
	dirty_stack();
	T_CHECK(phrased("forklift operator", &years) != NULL);
	T_EQ_INT(years, 0);
}

/* The English label of the concept text is ranked first for, normalised or not. */
static const char *first_label(const char *text)
{
	static struct tax_match m;

	taxonomy_normalise_skill(text, NULL, &m);
	return m.label ? m.label : "";
}

/* Text shorter than the labels it is part of means the most general of
 * the near-equal concepts, not one that adds a specific word. */
static void test_general_before_specific(void)
{
	T_EQ_STR(first_label("arc welding"), "apply arc welding techniques"); /* not underwater */
	T_EQ_STR(first_label("lire des plans"), "read standard blueprints"); /* not stowage plans */
	T_CHECK(strcmp(first_label("maçonnerie"), "blast masonry") != 0);
	/* One word that is an alternative label of a broad concept ("join
	 * metals") means the concept whose preferred label names it. */
	T_EQ_STR(first_label("welding"), "operate welding equipment");
	/* a text that says the specific word still gets the specific concept */
	T_EQ_STR(first_label("underwater arc welding"), "weld underwater");
	T_EQ_STR(first_label("read stowage plans"), "read stowage plans");
	/* a label word the text lacks counts by how much it says: "utiliser
	 * un chariot élévateur" says little more than "chariot élévateur" */
	T_EQ_STR(phrased("conduite de chariot élévateur", NULL) ?: "", FORKLIFT);
}

/* Unicode punctuation separates words as ASCII punctuation does: ESCO's
 * French labels write "à l’arc" (U+2019), a counsellor types "à l'arc". */
static void test_unicode_punctuation(void)
{
	char f[128];

	taxonomy_fold("soudage à l\u2019arc \u00abMIG\u00bb\u00a0\u2013 Müller", f, sizeof f);
	T_EQ_STR(f, "soudage a l arc mig muller");
	taxonomy_fold("中文 ĳ", f, sizeof f); /* letters of any script stay */
	T_EQ_STR(f, "中文 ĳ");
	T_EQ_STR(phrased("soudage à l'arc", NULL) ?: "", ARC_WELDING);
}

/* The occupation text normalises to (rc 0), or "".  */
static const char *occupation(const char *text, struct tax_match *m)
{
	return taxonomy_normalise_occupation(text, NULL, m) == 0 && m->uri ? m->uri : "";
}

/* A bare occupation word that no label is, but that heads the labels of
 * several occupations of one ISCO-08 unit group ("specialist nurse", "adult
 * nurse", "infirmier de soins généraux" ...), names that group: it is
 * accepted, as the group, not refused and not one specialist. */
static void test_bare_occupation(void)
{
	static const char *const nurse[] = {"nurse", "infirmière", "infirmier", "enfermera"};
	struct tax_match m;
	size_t i;
	json_t *doc;
	problem p;

	for (i = 0; i < sizeof nurse / sizeof *nurse; i++) {
		T_EQ_STR(occupation(nurse[i], &m), "2221");
		T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP && m.score >= TAX_MIN_SCORE && m.score < 1,
			 "%s: kind %d score %.3f", nurse[i], (int)m.kind, m.score);
	}
	/* A word no unit group owns climbs to the narrowest group that does:
	 * "driver" heads truck drivers (8332) and taxi drivers (8322) alike,
	 * and is an alternative label of hearse driver (8322) only; it names
	 * 83, drivers and mobile plant operators. */
	T_EQ_STR(occupation("driver", &m), "83");
	T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP && m.score >= TAX_MIN_SCORE, "driver: %.3f", m.score);
	T_EQ_STR(occupation("conductor", &m), "83");
	/* An alternative label ("caregiver", companion's) that heads only
	 * three labels, two in 5311: too little to call it child care; the
	 * narrowest group that clearly owns them, 53 personal care workers. */
	T_EQ_STR(occupation("caregiver", &m), "53");
	/* An alternative label of one occupation ("teacher", politics
	 * lecturer's) that heads the labels of 41 other occupations of that
	 * occupation's own unit group (2310) and of 60 more of 23: one of many
	 * kinds the word names, so the group that owns the word, 23 teaching
	 * professionals. "buyer" (purchaser's; 7 of its group) stays. */
	T_EQ_STR(occupation("teacher", &m), "23");
	T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP && m.score >= TAX_MIN_SCORE, "teacher: %.3f", m.score);
	T_EQ_STR(taxonomy_normalise_occupation("buyer", NULL, &m) == 0 ? m.label : "", "purchaser");
	T_EQ_STR(taxonomy_normalise_occupation("politics lecturer", NULL, &m) == 0 ? m.label : "",
		 "politics lecturer");
	/* An alternative label two occupations of one unit group carry
	 * ("chauffeur": taxi driver's and hearse driver's, 8322) names the
	 * group, not whichever the search put first (hearse driver). */
	T_EQ_STR(occupation("chauffeur", &m), "8322");
	T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP, "chauffeur: kind %d", (int)m.kind);
	T_EQ_STR(taxonomy_normalise_occupation("hearse driver", NULL, &m) == 0 ? m.label : "",
		 "hearse driver");
	/* the specific word still names the specific occupation */
	T_EQ_STR(taxonomy_normalise_occupation("hearse driver", NULL, &m) == 0 ? m.label : "",
		 "hearse driver");
	/* a word that is an occupation's own label stays that occupation */
	T_EQ_STR(occupation("welder", &m), WELDER);
	T_EQ_STR(occupation("soudeur", &m), WELDER);
	/* on the write path: stored as the code, reported with the group's label */
	doc = json_pack("{s:[s]}", "occupations", "infirmière");
	problem_init(&p);
	T_REQUIRE(doc && taxonomy_normalise_doc(doc, NULL, NULL, "occupations", &p) == 0);
	T_EQ_STR(json_string_value(json_array_get(json_object_get(doc, "occupations"), 0)) ?: "",
		 "2221");
	T_EQ_STR(json_string_value(json_object_get(
			 json_array_get(json_object_get(doc, "normalised"), 0), "concept")) ?: "",
		 "2221");
	problem_release(&p);
	json_decref(doc);
}

/* An ISCO-08 code written with words is the code (review 12 #8: "7212
 * welder" and "ISCO 7212" were refused): the classification's name in the
 * three languages and the edition "08" go; words that name an occupation
 * of the group give that occupation, other words leave the group. */
static void test_code_with_words(void)
{
	static const char *const group[] = {"ISCO 7212", "ISCO-08 7212", "CITP 7212", "ciuo-08 7212",
					    "7212 nurse"};
	struct tax_match m;
	size_t i;
	json_t *doc;
	problem p;

	for (i = 0; i < sizeof group / sizeof *group; i++) {
		T_EQ_STR(occupation(group[i], &m), "7212");
		T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP && m.score == 1, "%s: kind %d %.3f", group[i],
			 (int)m.kind, m.score);
	}
	T_EQ_STR(occupation("7212 welder", &m), WELDER);
	T_EQ_STR(occupation("soudeur 7212", &m), WELDER);
	/* on the write path: stored as the code or the occupation, and no
	 * years of experience read into the report */
	doc = json_pack("{s:[s,s]}", "occupations", "ISCO 7212", "7212 welder");
	problem_init(&p);
	T_REQUIRE(doc && taxonomy_normalise_doc(doc, NULL, NULL, "occupations", &p) == 0);
	T_EQ_STR(json_string_value(json_array_get(json_object_get(doc, "occupations"), 0)) ?: "",
		 "7212");
	T_EQ_STR(json_string_value(json_array_get(json_object_get(doc, "occupations"), 1)) ?: "",
		 WELDER);
	for (i = 0; i < 2; i++)
		T_CHECK(!json_object_get(json_array_get(json_object_get(doc, "normalised"), i),
					 "experience_years"));
	problem_release(&p);
	json_decref(doc);
	/* a smaller group needs the classification's name: "isco 72" */
	T_EQ_STR(occupation("isco 72", &m), "72");
	/* a number that is no ISCO-08 group is no code; years are not either */
	T_EQ_STR(occupation("9999 welder", &m), "");
	T_CHECK(taxonomy_normalise_occupation("ISCO 9999", NULL, &m) != 0);
	T_CHECK(strcmp(occupation("welder 5", &m), "5") != 0);
}

/* A word no label holds that is one edit from exactly one label word is
 * that word (review 12 #8: "weldr" was refused, 0.83: one edit of six
 * letters); a word one edit from two label words is left to the search. */
static void test_one_edit_typo(void)
{
	struct tax_match m;

	T_EQ_STR(occupation("weldr", &m), WELDER);
	T_CHECKF(m.score >= TAX_MIN_SCORE && m.score < 1, "weldr: %.3f", m.score);
	T_EQ_STR(taxonomy_normalise_occupation("plumbr", NULL, &m) == 0 ? m.label : "", "plumber");
	/* a label word is never "corrected" into another one */
	T_EQ_STR(taxonomy_normalise_occupation("welder", NULL, &m) == 0 ? m.label : "", "welder");
	T_CHECK(m.score == 1);
}

/* ESCO writes French and Spanish occupations as "camarero/camarera": one
 * form typed is that preferred label, before another concept's alternative
 * label that is the word alone ("camarero" is also one of bartender's,
 * "serveur" of barista, "cocinero" of chef). */
static void test_gendered_form(void)
{
	struct tax_match m;

	T_EQ_STR(taxonomy_normalise_occupation("camarero", NULL, &m) == 0 ? m.label : "",
		 "waiter/waitress");
	T_CHECK(m.score == 1);
	T_EQ_STR(taxonomy_normalise_occupation("serveur", NULL, &m) == 0 ? m.label : "",
		 "waiter/waitress");
	T_EQ_STR(taxonomy_normalise_occupation("cocinero", NULL, &m) == 0 ? m.label : "",
		 "cook");
}

/* A product name among a skill's labels ("Harvest", one of the tools ESCO
 * lists for "use personal organization software") matches only itself: the
 * common word "harvesting" is not that skill, the name still is. */
static void test_product_name(void)
{
	struct tax_match m;
	int rc = taxonomy_normalise_skill("harvesting", "en", &m);

	T_CHECK(rc != 0 || strcmp(m.label, "use personal organization software") != 0);
	if (rc == 0)
		fprintf(stderr, "  harvesting -> %s (%.3f)\n", m.label, m.score);
	T_EQ_STR(taxonomy_normalise_skill("Harvest", "en", &m) == 0 ? m.label : "",
		 "use personal organization software");
	/* An ordinary lower-case label word still matches its inflections. */
	T_EQ_STR(taxonomy_normalise_skill("organizing harvest", "en", &m) == 0 ? m.label : "",
		 "organise harvests");
	/* Round 15: typed as it is, without a capital, "harvest" is the
	 * common word other labels write in lower case ("harvest crop"), not
	 * the product; so is "chef" (a cook), not the configuration tool
	 * "Chef". A name no label writes in lower case still matches typed so
	 * ("java": Java). Each fails with name_is_word never set. */
	rc = taxonomy_normalise_skill("harvest", "en", &m);
	T_CHECKF(rc != 0 || strcmp(m.label, "use personal organization software") != 0,
		 "harvest -> %s", rc == 0 ? m.label : "-");
	T_CHECKF(rc == 0 && strncmp(m.label, "harvest", 7) == 0, "harvest -> %s",
		 rc == 0 ? m.label : "-");
	rc = taxonomy_normalise_skill("chef", "en", &m);
	T_CHECKF(rc != 0 || strncmp(m.label, "Chef", 4) != 0, "chef -> %s", rc == 0 ? m.label : "-");
	T_EQ_STR(taxonomy_normalise_skill("java", "en", &m) == 0 ? m.label : "",
		 "Java (computer programming)");
}

/* Round 17: a word inside another after three letters or more is another
 * word (fold.c, tax__word_match): the Spanish "conductor" (a driver) was
 * the skill *semiconductors* (0.89), and a walk-in driver got dental
 * equipment assemblers. The longer word itself still matches. */
static void test_word_inside_word(void)
{
	struct tax_match m;
	int rc = taxonomy_normalise_skill("conductor", "es", &m);

	T_CHECKF(rc != 0 || strstr(m.label, "semiconduct") == NULL, "conductor -> %s",
		 rc == 0 ? m.label : "-");
	T_CHECK(tax__word_match("conductor", "semiconductores") == 0.0);
	T_CHECK(tax__word_match("conduct", "misconduct") == 0.0);
	T_CHECK(tax__word_match("conductor", "conductores") >= 0.9);
	rc = taxonomy_normalise_skill("semiconductores", "es", &m);
	T_CHECKF(rc == 0 && strstr(m.label, "semiconduct") != NULL, "semiconductores -> %s",
		 rc == 0 ? m.label : "-");
}

/* "child care" was *child protection* (0.94): "care" / "protection" is a
 * synonym learned from two concepts while "care" has partners seen in
 * eight, and it counted as much as the word itself. When candidates are
 * ranked (round 15) a synonym counts by how well it is attested beside the
 * word's best partner, so *babysitting* ("child care taking") comes first;
 * the confidence still counts it in full. With the graded value set back
 * to SYN_SCORE it is child protection again (checked). */
static void test_attested_synonym(void)
{
	struct tax_match m;
	int rc = taxonomy_normalise_skill("child care", "en", &m);

	if (rc == 0)
		fprintf(stderr, "  child care -> %s (%.3f)\n", m.label, m.score);
	T_EQ_STR(rc == 0 ? m.label : "", "babysitting");
	T_EQ_STR(taxonomy_normalise_skill("childcare", "en", &m) == 0 ? m.label : "", "babysitting");
	/* The graded ranking chooses among the readings the confidence
	 * accepts; it does not put first one it rejects over one it accepts
	 * (the text would go unrecognised: 10 development labels of 6,000
	 * did). "check system testing" is accepted (as before round 15)
	 * only with that rule; without it the first answer falls under
	 * TAX_MIN_SCORE (checked). */
	T_EQ_INT(taxonomy_normalise_skill("check system testing", "en", &m), 0);
	T_CHECKF(m.score >= TAX_MIN_SCORE, "check system testing: %s %.3f", m.label, m.score);
}

/* "engineer" was *engine designer* (0.96): the one typed word covered both
 * "engine" (a shared English stem, a derivation) and "designer" (a learned
 * synonym). A typed word counts for one label word, and a derivation less
 * than an inflection; with either rule off it is engine designer again (both
 * checked). An inflection still counts in full: "welding underwater". */
static void test_derivation(void)
{
	struct tax_match m;
	int rc = taxonomy_normalise_occupation("engineer", "en", &m);

	if (rc == 0)
		fprintf(stderr, "  engineer -> %s %s (%.3f)\n", m.uri, m.label, m.score);
	T_CHECK(rc != 0 || strcmp(m.label, "engine designer") != 0);
	T_EQ_STR(taxonomy_normalise_skill("welding underwater", "en", &m) == 0 ? m.label : "",
		 "weld underwater");
}

/* A Spanish skill typed as a noun where ESCO's label has the verb: the
 * noun is derived from the verb by endings the labels alternate
 * (derive.c; Spanish only, chosen on the development samples). The texts
 * are ESCO preferred labels ("reparar cuchillas") with
 * the verb replaced by a noun ESCO's own labels use
 * ("reparación"); without the rule they stay free text. */
static void test_derived_noun(void)
{
	static const char *const pairs[][3] = {
		{"es", "reparar cuchillas", "reparación de cuchillas"},
	};
	size_t i;

	for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		struct tax_match verb, noun;
		char uri[200];

		T_REQUIRE(taxonomy_normalise_skill(pairs[i][1], pairs[i][0], &verb) == 0);
		T_CHECK(verb.score == 1.0);
		snprintf(uri, sizeof uri, "%s", verb.uri);
		T_CHECKF(taxonomy_normalise_skill(pairs[i][2], NULL, &noun) == 0 &&
				 strcmp(noun.uri, uri) == 0,
			 "%s -> %s (%.3f), not %s", pairs[i][2], noun.label ? noun.label : "-",
			 noun.score, verb.label);
	}
}

/* A lone French or Spanish noun of action is its verb (normalise.c,
 * tax__action_verb): "récolte" and "cosecha" are the skill "récolter" and
 * "cosechar" name, not free text under the threshold (0.83). A noun whose
 * stem an occupation's agent noun holds ("coupe" / coupeur) is left to
 * name that trade, and a noun in a longer text is read by the labels. */
static void test_action_noun(void)
{
	static const char *const pairs[][3] = {
		{"fr", "récolter", "récolte"},
		{"es", "cosechar", "cosecha"},
	};
	struct tax_match m;
	size_t i;

	for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		struct tax_match verb, noun;
		char uri[200];

		T_REQUIRE(taxonomy_normalise_skill(pairs[i][1], pairs[i][0], &verb) == 0);
		snprintf(uri, sizeof uri, "%s", verb.uri);
		T_CHECKF(taxonomy_normalise_skill(pairs[i][2], NULL, &noun) == 0 &&
				 strcmp(noun.uri, uri) == 0,
			 "%s -> %s (%.3f), not %s", pairs[i][2], noun.label ? noun.label : "-",
			 noun.score, verb.label);
	}
	/* "couper" is a verb of the labels, but "coupeur" an occupation's */
	T_CHECKF(taxonomy_normalise_skill("coupe", NULL, &m) != 0, "coupe -> %s",
		 m.label ? m.label : "-");
}

/* Round 19: a noun of action with its complement is the verb phrase ESCO
 * writes (normalise.c, nominal_as_verb): "lectura de planos" counted
 * "lectura" as "leer" at 0.8 and fell under the threshold on *leer planos
 * de estiba* (0.79); it is now what "leer planos" is (*leer planos
 * estándares*). "lecture" / "lire" is paired through the Spanish pair
 * "lectura" / "leer" (pivot.c, bridge): English cannot pair them ("lecture"
 * is an English word too); without the bridge "lecture de plans" is
 * refused (*enseigner les stratégies de lecture*, 0.85 less a hair). The
 * bridge's pairs are read by this rule only. */
static void test_nominal_phrase(void)
{
	static const char *const pairs[][3] = {
		{"es", "leer planos", "lectura de planos"},
		{"fr", "lire des plans", "lecture de plans"},
	};
	const char *v[DER_MAX];
	size_t i, n, k;
	int lire = 0;

	for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		struct tax_match verb, noun;
		char uri[200];

		T_REQUIRE(taxonomy_normalise_skill(pairs[i][1], pairs[i][0], &verb) == 0);
		snprintf(uri, sizeof uri, "%s", verb.uri);
		T_CHECKF(taxonomy_normalise_skill(pairs[i][2], pairs[i][0], &noun) == 0 &&
				 strcmp(noun.uri, uri) == 0,
			 "%s -> %s (%.3f), not %s", pairs[i][2], noun.label ? noun.label : "-",
			 noun.score, verb.label);
	}
	n = tax__piv_bridge_verbs(tax__labels(), "lecture", v, DER_MAX);
	for (k = 0; k < n; k++)
		lire |= strcmp(v[k], "lire") == 0;
	T_CHECKF(lire, "lecture: %zu verbs, no lire", n);
}

/* A French noun with no stem in common with ESCO's verb ("gestion" /
 * "gérer", "planification" / "planifier": Snowball gives them other stems,
 * and no French label of one concept pairs them) is met through the skills'
 * English labels, where noun and verb share a stem ("management" /
 * "manage") (pivot.c). Without the pairs, "gestion des stocks" is the
 * knowledge item "règles de gestion des stocks" and "planification de la
 * production" the software skill. */
static void test_noun_through_english(void)
{
	static const char *const pairs[][3] = {
		{"fr", "gérer des stocks", "gestion des stocks"},
		{"fr", "planifier une production", "planification de la production"},
	};
	size_t i;

	for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		struct tax_match verb, noun;
		char uri[200];

		T_REQUIRE(taxonomy_normalise_skill(pairs[i][1], pairs[i][0], &verb) == 0);
		snprintf(uri, sizeof uri, "%s", verb.uri);
		T_CHECKF(taxonomy_normalise_skill(pairs[i][2], NULL, &noun) == 0 &&
				 strcmp(noun.uri, uri) == 0,
			 "%s -> %s (%.3f), not %s", pairs[i][2], noun.label ? noun.label : "-",
			 noun.score, verb.label);
	}
}

/* Two typed words that ESCO's labels write as one ("oxy-acetylene",
 * "oxyacetylene cutter"; "fork lift", "forklift") are that word: without
 * the join "oxy-acetylene cutting" was *fuel gas* at 0.74, free text. */
static void test_joined_words(void)
{
	struct tax_match m;

	T_EQ_STR(taxonomy_normalise_skill("oxy-acetylene cutting", "en", &m) == 0 ? m.label : "",
		 "operate oxy-fuel cutting torch");
	T_EQ_STR(taxonomy_normalise_skill("fork lift driving", "en", &m) == 0 ? m.label : "",
		 "operate forklift");
	/* two words that are no one label word stay two */
	T_EQ_STR(taxonomy_normalise_skill("arc welding", "en", &m) == 0 ? m.label : "",
		 "apply arc welding techniques");
}

/* A compound typed as one word that no label holds, made of two words that
 * labels of one language hold (round 13: "housemaid" was refused; ESCO's
 * domestic cleaner says "maid", "domestic maid", "house cleaner"): read as
 * the two words. Only a refused text is split: a label word stays itself. */
static void test_split_compound(void)
{
	struct tax_match m;

	T_EQ_STR(occupation("housemaid", &m), DOMESTIC_CLEANER);
	T_CHECKF(m.score >= TAX_MIN_SCORE, "housemaid: %.3f", m.score);
	T_EQ_STR(taxonomy_normalise_occupation("housemaid", "en", &m) == 0 ? m.uri : "",
		 DOMESTIC_CLEANER);
	/* "chambermaid" is a label word: an exact label, not "chamber maid" */
	T_CHECK(strcmp(occupation("chambermaid", &m), "") != 0 && m.score == 1);
}

/* A bare word that heads the labels of many kinds of worker (round 13).
 * "cleaner": the search found amusement park cleaner by its alternative
 * label "cleaners", while the word heads the labels of 11 occupations of
 * 91, whose own ISCO title says "Cleaners and helpers": that group.
 * "enseignant", "profesor", "professeur": ESCO's French and Spanish
 * lecturers ("enseignant-chercheur en X", "profesor de X", all under higher
 * education lecturer) made the word own 2310, though it heads the labels
 * of 15 to 77 other teachers' occupations: 23, as "teacher" is. "lecturer"
 * (5 outside 2310) stays higher education lecturer. */
static void test_generic_word(void)
{
	static const char *const teacher[][2] = {
		{"enseignant", "fr"}, {"enseignante", "fr"}, {"professeur", "fr"},
		{"profesor", "es"},   {"profesora", "es"},   {"profesor", NULL}};
	struct tax_match m;
	size_t i;

	T_EQ_STR(occupation("cleaner", &m), "91");
	T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP && m.score >= TAX_MIN_SCORE, "cleaner: %.3f",
		 m.score);
	for (i = 0; i < sizeof teacher / sizeof *teacher; i++) {
		T_EQ_STR(taxonomy_normalise_occupation(teacher[i][0], teacher[i][1], &m) == 0 &&
					 m.uri
				 ? m.uri
				 : "",
			 "23");
		T_CHECKF(m.kind == ESCO_KIND_ISCO_GROUP && m.score >= TAX_MIN_SCORE, "%s: %.3f",
			 teacher[i][0], m.score);
	}
	T_EQ_STR(occupation("lecturer", &m), LECTURER);
	/* the specific label is still what it says */
	T_EQ_STR(occupation("amusement park cleaner", &m), AMUSEMENT_PARK_CLEANER);
}

/* The match's free-text skills leave out the function words of English,
 * French and Spanish, as keyword search does: the AND of a Spanish text
 * typed as a skill asked English ads for "de". */
static void test_match_function_words(void)
{
	struct resp r;
	const char *id;
	char vid[32];
	int seen = 0;
	size_t i;
	json_t *v;

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"Zorblat fitter\",\"occupation\":\"7233\",\"description\":\"Quimple and zorblat "
			    "work on the night shift.\",\"skills\":{\"essential\":[],"
			    "\"optional\":[]},\"country\":\"LS\",\"valid_until\":\"2099-03-31\"}") == 0);
	T_EQ_INT(r.status, 201);
	id = json_string_value(json_object_get(r.json, "id"));
	T_REQUIRE(id != NULL);
	snprintf(vid, sizeof vid, "%s", id);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/match", counsellor,
			    "{\"explore\":true,\"countries\":[\"LS\"],"
			    "\"profile\":{\"skills\":[\"zorblat de quimple\"]}}") == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "vacancies"), i, v) {
		const char *got = json_string_value(
			json_object_get(json_object_get(v, "vacancy"), "id"));

		seen |= got && strcmp(got, vid) == 0;
	}
	T_CHECKF(seen, "match of \"zorblat de quimple\": %s", r.body);
	resp_free(&r);
}

/* Round 14 (root.c): the word a walk-in types for a trade and the word that
 * names the worker are one root with two endings, in the three languages;
 * three shared letters, or a long ending, are not ("sewing" / "sewer",
 * "metal" / "metallurgist"). The head word of an occupation label is its
 * last content word in English, its first in French and Spanish. */
static void test_same_root(void)
{
	static const char *const same[][2] = {
		{"welding", "welder"}, {"soudage", "soudeur"}, {"soldadura", "soldador"},
		{"plomberie", "plombier"}, {"cuisine", "cuisinier"}, {"cocina", "cocinero"},
		{"bricklaying", "bricklayer"}, {"cooking", "cook"}};
	static const char *const apart[][2] = {
		{"sewing", "sewer"}, {"metal", "metallurgist"}, {"weld", "welfare"}, {"driving", "drill"}};
	char head[TAX_WORD_MAX], words[4][TAX_WORD_MAX];
	size_t i;

	for (i = 0; i < sizeof same / sizeof *same; i++)
		T_CHECKF(taxonomy_same_root(same[i][0], same[i][1]) && taxonomy_same_root(same[i][1], same[i][0]),
			 "%s / %s: one root", same[i][0], same[i][1]);
	for (i = 0; i < sizeof apart / sizeof *apart; i++)
		T_CHECKF(!taxonomy_same_root(apart[i][0], apart[i][1]), "%s / %s: two words", apart[i][0],
			 apart[i][1]);
	T_REQUIRE(taxonomy_head_word("welding engineer", ESCO_LANG_EN, head, sizeof head) == 0);
	T_EQ_STR(head, "engineer");
	T_REQUIRE(taxonomy_head_word("ingénieur soudeur", ESCO_LANG_FR, head, sizeof head) == 0);
	T_EQ_STR(head, "ingenieur");
	T_REQUIRE(taxonomy_head_word("de la", ESCO_LANG_ES, head, sizeof head) < 0);
	T_EQ_INT((int)taxonomy_content_words("garde d'enfants", words, 4), 2);
	T_EQ_STR(words[0], "garde");
	T_EQ_STR(words[1], "enfants");
}

int main(void)
{
	char err[256];

	if (taxonomy_init(err, sizeof err)) {
		fprintf(stderr, "FAIL: taxonomy: %s\n", err);
		return 1;
	}
	T_RUN(test_same_root);
	T_RUN(test_phrasing);
	T_RUN(test_general_before_specific);
	T_RUN(test_bare_occupation);
	T_RUN(test_gendered_form);
	T_RUN(test_code_with_words);
	T_RUN(test_one_edit_typo);
	T_RUN(test_product_name);
	T_RUN(test_word_inside_word);
	T_RUN(test_derivation);
	T_RUN(test_attested_synonym);
	T_RUN(test_derived_noun);
	T_RUN(test_action_noun);
	T_RUN(test_nominal_phrase);
	T_RUN(test_noun_through_english);
	T_RUN(test_joined_words);
	T_RUN(test_split_compound);
	T_RUN(test_generic_word);
	T_RUN(test_unicode_punctuation);
	if (server_start(&srv, "taxonomy_lang") == 0 &&
	    make_token("employer", "acme", employer, sizeof employer) == 0 &&
	    make_token("counsellor", "centre", counsellor, sizeof counsellor) == 0) {
		T_RUN(test_setup);
		T_RUN(test_isco_filter);
		T_RUN(test_keyword_languages);
		T_RUN(test_labels);
		T_RUN(test_lookups);
		T_RUN(test_typeahead_languages);
		T_RUN(test_match_function_words);
		server_stop(&srv);
	} else {
		fprintf(stderr, "FAIL: cannot start the server\n");
		t_failed++;
	}
	return T_DONE();
}
