/*
 * tables.c - the destination countries (cities, currency, monthly salary
 * band for mid-skilled work, language mix, the countries their recruiters
 * sit in) that vacancies and profiles share, and the CEFR level mix.
 */
#include "data/sample/internal.h"

const struct country sample__dest[] = {
	{"ZA", "South Africa", "ZAR", 14, 7000, 22000,
	 {"Johannesburg", "Cape Town", "Durban", "Pretoria", "Gqeberha", "Rustenburg"},
	 {{"en", 80}, {"af", 8}, {"zu", 8}, {"st", 4}}, "LS ZW MZ MW ZA"},
	{"BW", "Botswana", "BWP", 4, 2500, 9000, {"Gaborone", "Francistown", "Maun", "Selebi-Phikwe"},
	 {{"en", 100}}, "ZW ZA BW LS"},
	{"NA", "Namibia", "NAD", 3, 4000, 15000, {"Windhoek", "Walvis Bay", "Swakopmund", "Oshakati"},
	 {{"en", 85}, {"af", 15}}, "ZA ZW NA"},
	{"LS", "Lesotho", "LSL", 2, 2000, 7000, {"Maseru", "Maputsoe", "Teyateyaneng", "Mafeteng"},
	 {{"en", 60}, {"st", 40}}, "LS ZA"},
	{"MZ", "Mozambique", "MZN", 2, 6000, 30000, {"Maputo", "Beira", "Nampula", "Tete"},
	 {{"pt", 90}, {"en", 10}}, "MZ ZA"},
	{"AE", "United Arab Emirates", "AED", 9, 1500, 9000, {"Dubai", "Abu Dhabi", "Sharjah", "Al Ain"},
	 {{"en", 80}, {"ar", 20}}, "PH NP BD EG KE AE"},
	{"SA", "Saudi Arabia", "SAR", 8, 1500, 9000, {"Riyadh", "Jeddah", "Dammam", "Mecca"},
	 {{"en", 50}, {"ar", 50}}, "PH BD NP EG KE"},
	{"QA", "Qatar", "QAR", 6, 1300, 8000, {"Doha", "Al Wakrah", "Al Khor", "Lusail"},
	 {{"en", 70}, {"ar", 30}}, "NP BD PH KE QA"},
	{"KW", "Kuwait", "KWD", 4, 120, 800, {"Kuwait City", "Hawalli", "Al Ahmadi", "Jahra"},
	 {{"en", 60}, {"ar", 40}}, "PH EG BD"},
	{"MY", "Malaysia", "MYR", 5, 1500, 5500,
	 {"Kuala Lumpur", "George Town", "Johor Bahru", "Ipoh", "Kota Kinabalu"}, {{"en", 100}},
	 "BD NP MY"},
	{"SG", "Singapore", "SGD", 4, 1600, 6000, {"Singapore"}, {{"en", 100}}, "PH BD"},
	{"HK", "Hong Kong", "HKD", 4, 5000, 25000, {"Hong Kong", "Kowloon", "Sha Tin", "Tsuen Wan"},
	 {{"en", 100}}, "PH"},
	{"IT", "Italy", "EUR", 5, 1300, 2800, {"Rome", "Milan", "Naples", "Turin", "Bologna", "Verona"},
	 {{"it", 70}, {"en", 30}}, "PH BD EG IT"},
	{"ES", "Spain", "EUR", 4, 1200, 2600,
	 {"Madrid", "Barcelona", "Valencia", "Seville", "Murcia", "Almer\xC3\xAD" "a"},
	 {{"es", 80}, {"en", 20}}, "ML ES"},
	{"HR", "Croatia", "EUR", 3, 900, 2000, {"Zagreb", "Split", "Rijeka", "Osijek", "Zadar", "Dubrovnik"},
	 {{"hr", 60}, {"en", 40}}, "BA RS NP HR"},
	{"DE", "Germany", "EUR", 5, 2200, 4200,
	 {"Berlin", "Munich", "Hamburg", "Frankfurt am Main", "Stuttgart", "Cologne"}, {{"en", 100}},
	 "BA RS DE"},
	{"FR", "France", "EUR", 4, 1800, 3500, {"Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Bordeaux"},
	 {{"fr", 90}, {"en", 10}}, "ML FR"},
	{"PT", "Portugal", "EUR", 3, 900, 2200, {"Lisbon", "Porto", "Faro", "Braga", "Coimbra"},
	 {{"pt", 85}, {"en", 15}}, "MZ PT"},
	{"GB", "United Kingdom", "GBP", 5, 1900, 3800,
	 {"London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol"}, {{"en", 100}},
	 "ZW PH KE GB"},
	{"CA", "Canada", "CAD", 4, 2800, 6000, {"Toronto", "Montreal", "Vancouver", "Calgary", "Winnipeg"},
	 {{"en", 75}, {"fr", 25}}, "PH CA"},
	{"US", "United States", "USD", 4, 2800, 6500,
	 {"New York", "Houston", "Chicago", "Los Angeles", "Miami", "Seattle"}, {{"en", 85}, {"es", 15}},
	 "PH US"},
	{"PH", "Philippines", "PHP", 2, 14000, 50000, {"Manila", "Cebu City", "Davao City", "Quezon City"},
	 {{"en", 60}, {"tl", 40}}, "PH"},
	{"ML", "Mali", "XOF", 1, 60000, 300000, {"Bamako", "Sikasso", "S\xC3\xA9gou", "Kayes", "Mopti"},
	 {{"fr", 100}}, "ML"},
	{"EG", "Egypt", "EGP", 2, 5000, 20000, {"Cairo", "Alexandria", "Giza", "Port Said"},
	 {{"ar", 75}, {"en", 25}}, "EG"},
	{"KE", "Kenya", "KES", 2, 20000, 90000, {"Nairobi", "Mombasa", "Kisumu", "Nakuru"},
	 {{"en", 60}, {"sw", 40}}, "KE"},
};

static const char *const CEFR[] = {"A1", "A2", "B1", "B2", "C1", "C2"};
static const unsigned CEFR_W[] = {3, 12, 35, 35, 12, 3};

const struct country *sample__dest_by_code(const char *code)
{
	size_t i;

	for (i = 0; i < N_ELEMS(sample__dest); i++)
		if (strncmp(sample__dest[i].code, code, 2) == 0)
			return &sample__dest[i];
	return NULL;
}

/* a CEFR level, drawn from the first n (at most 6) by how often they are asked for */
const char *sample__cefr_level(rng *r, size_t n)
{
	return CEFR[sample__weighted(r, CEFR_W, n)];
}
