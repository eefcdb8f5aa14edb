/*
 * sample.c - seeded generator of vacancies and profiles from real ESCO data.
 *
 * The generator draws from two xoshiro256** streams (one for vacancies, one
 * for profiles) derived from the seed with splitmix64. An occupation is
 * chosen by first drawing an ISCO-08 major group with weights that follow
 * labour migration (services, crafts, plant operators and elementary work
 * dominate; managers are rare), then an occupation of that group uniformly.
 * Skills come from the occupation's own essential/optional lists. Countries,
 * cities, currencies, salary bands, language mixes and recruitment corridors
 * are small static tables below; salary bands are monthly, in major units of
 * the local currency, for mid-skilled work, and are scaled by ISCO major
 * group. All arithmetic is on integers, so output is identical everywhere.
 *
 * Recruiters: at creation the generator builds a pool of synthetic agencies
 * (RECRUITERS_PER_COUNTRY per recruiter country) from name parts (a place or
 * a neutral adjective phrase, an agency noun, the country's legal form) and
 * gives each a licence number "CC-RA-NNNN" unique within its country. The
 * names are invented; any likeness to a real firm is accidental.
 */
#include "data/sample.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define RECRUITERS_PER_COUNTRY 12
#define DESC_MAX 800
#define TEXT_MAX 1024
#define DUMP_MAX 16384

/* ---- PRNG: splitmix64 to seed xoshiro256** ---- */

typedef struct {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* uniform in [0, n) (n > 0), by multiply-shift: exact integer arithmetic */
static uint32_t below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int chance(rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

static uint32_t between(rng *r, uint32_t lo, uint32_t hi)
{
	return lo + below(r, hi - lo + 1);
}

static size_t weighted(rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = below(r, total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- static tables ---- */

struct lang_w {
	const char *code;
	unsigned w;
};

struct country {
	const char *code, *name, *currency;
	unsigned weight;        /* share of vacancies */
	unsigned sal_lo, sal_hi; /* monthly band, major units, mid-skilled work */
	const char *cities[6];
	struct lang_w langs[4];
	const char *recruiters; /* countries recruiters for it sit in */
};

static const struct country DEST[] = {
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

struct origin {
	const char *code, *native, *second;
	unsigned weight;
	const char *dests; /* desired destinations, most likely first */
	int label_lang;    /* language of free-text skills: ESCO_LANG_* */
};

static const struct origin ORIGIN[] = {
	{"LS", "st", "en", 12, "ZA BW NA", ESCO_LANG_EN},
	{"ZW", "sn", "en", 12, "ZA BW NA GB", ESCO_LANG_EN},
	{"MZ", "ts", "pt", 8, "ZA PT", ESCO_LANG_EN},
	{"MW", "ny", "en", 6, "ZA", ESCO_LANG_EN},
	{"PH", "tl", "en", 14, "AE SA QA KW HK SG MY CA US IT", ESCO_LANG_EN},
	{"ML", "bm", "fr", 6, "FR ES", ESCO_LANG_FR},
	{"EG", "ar", "en", 6, "SA KW QA AE IT", ESCO_LANG_EN},
	{"BA", "bs", "en", 4, "HR DE", ESCO_LANG_EN},
	{"RS", "sr", "en", 4, "HR DE", ESCO_LANG_EN},
	{"NP", "ne", "en", 10, "QA AE SA KW MY", ESCO_LANG_EN},
	{"BD", "bn", "en", 10, "SA QA AE KW MY SG IT", ESCO_LANG_EN},
	{"KE", "sw", "en", 8, "AE SA QA GB", ESCO_LANG_EN},
};

struct rcountry {
	const char *code;
	const char *places[6];
	const char *legal[2];
};

static const struct rcountry RCOUNTRY[] = {
	{"LS", {"Maseru", "Leribe", "Mafeteng", "Mohale's Hoek", "Butha-Buthe", "Maluti"}, {"(Pty) Ltd", ""}},
	{"ZA", {"Johannesburg", "Soweto", "Limpopo", "Gauteng", "Highveld", "Karoo"}, {"(Pty) Ltd", "CC"}},
	{"ZW", {"Harare", "Bulawayo", "Mutare", "Gweru", "Zambezi", "Masvingo"}, {"(Pvt) Ltd", ""}},
	{"MZ", {"Maputo", "Beira", "Nampula", "Zambezia", "Inhambane", "Tete"}, {"Lda", ""}},
	{"MW", {"Lilongwe", "Blantyre", "Zomba", "Shire", "Mzuzu", "Nyasa"}, {"Ltd", ""}},
	{"PH", {"Manila", "Cebu", "Davao", "Luzon", "Visayas", "Mindanao"}, {"Inc.", "Corporation"}},
	{"ML", {"Bamako", "Niger", "Sahel", "Kayes", "Djoliba", "Sikasso"}, {"SARL", ""}},
	{"EG", {"Cairo", "Nile", "Delta", "Alexandria", "Luxor", "Sinai"}, {"LLC", "S.A.E."}},
	{"BA", {"Sarajevo", "Mostar", "Tuzla", "Una", "Neretva", "Bosna"}, {"d.o.o.", ""}},
	{"RS", {"Belgrade", "Novi Sad", "Danube", "Nis", "Morava", "Sava"}, {"d.o.o.", ""}},
	{"NP", {"Kathmandu", "Himalaya", "Pokhara", "Everest", "Lumbini", "Annapurna"}, {"Pvt. Ltd.", ""}},
	{"BD", {"Dhaka", "Chittagong", "Sylhet", "Padma", "Bengal", "Meghna"}, {"Ltd", ""}},
	{"KE", {"Nairobi", "Rift Valley", "Mombasa", "Kilimanjaro", "Tana", "Lakeside"}, {"Ltd", ""}},
	{"AE", {"Dubai", "Gulf", "Emirates", "Jumeirah", "Creek", "Oasis"}, {"LLC", "FZE"}},
	{"QA", {"Doha", "Pearl", "Al Bidda", "Corniche", "Dunes", "Peninsula"}, {"W.L.L.", ""}},
	{"MY", {"Kuala Lumpur", "Penang", "Selangor", "Borneo", "Malacca", "Perak"}, {"Sdn Bhd", ""}},
	{"BW", {"Gaborone", "Kalahari", "Okavango", "Francistown", "Limpopo", "Chobe"}, {"(Pty) Ltd", ""}},
	{"NA", {"Windhoek", "Namib", "Etosha", "Kunene", "Kavango", "Erongo"}, {"(Pty) Ltd", "CC"}},
	{"IT", {"Milano", "Roma", "Adriatica", "Tirreno", "Padana", "Etna"}, {"S.r.l.", ""}},
	{"ES", {"Iberia", "Andaluc\xC3\xAD" "a", "Levante", "Meseta", "Ebro", "Costa"}, {"S.L.", ""}},
	{"HR", {"Zagreb", "Jadran", "Dalmacija", "Slavonija", "Istra", "Kvarner"}, {"d.o.o.", ""}},
	{"DE", {"Rhein", "Hansa", "Elbe", "Spree", "Main", "Alpen"}, {"GmbH", ""}},
	{"FR", {"Lyon", "Provence", "Loire", "Seine", "Garonne", "Rhône"}, {"SAS", "SARL"}},
	{"PT", {"Lusitania", "Tejo", "Douro", "Algarve", "Minho", "Atlantico"}, {"Lda", ""}},
	{"GB", {"Thames", "Pennine", "Mersey", "Severn", "Cotswold", "Tyne"}, {"Ltd", ""}},
	{"CA", {"Maple", "Prairie", "Laurentian", "Fraser", "Ontario", "Yukon"}, {"Inc.", ""}},
	{"US", {"Liberty", "Pacific", "Gulf Coast", "Lone Star", "Great Lakes", "Sunbelt"}, {"LLC", "Inc."}},
};

static const char *const ADJ[] = {
	"Blue Horizon", "Silver Bridge", "Golden Harvest", "New Dawn",    "True North",
	"Bright Path",  "Evergreen",     "Sunrise",        "Crossroads",  "Pinnacle",
	"Harbour Light", "Open Road",    "Summit",         "Keystone",    "Meridian",
	"Twin Rivers",  "Red Rock",      "Fair Winds",     "Steady Hands", "Unity",
};

static const char *const NOUN[] = {
	"Manpower Services", "Recruitment",         "Recruitment Agency", "Staffing",
	"Labour Solutions",  "Employment Agency",   "Placement Services", "Overseas Employment",
	"Workforce Solutions", "Human Resources",   "Job Connect",        "Careers",
	"Labour Hire",       "Manpower Consultants",
};

/* ISCO major groups 0..9: share of vacancies, and salary scale in percent */
static const unsigned MAJOR_W[10] = {0, 3, 12, 10, 6, 18, 6, 18, 14, 13};
static const unsigned MAJOR_PAY[10] = {120, 250, 180, 130, 100, 95, 90, 110, 105, 80};

static const char *const CEFR[] = {"A1", "A2", "B1", "B2", "C1", "C2"};
static const unsigned CEFR_W[] = {3, 12, 35, 35, 12, 3};

static const char *const PREFIX[] = {"Senior ", "Junior ", "Experienced ", "Trainee "};
static const char *const SUFFIX[] = {" (contract)", " - night shift", " (12-month contract)",
				     " - immediate start", " (seasonal)", " (m/f/d)"};

/* ---- generator state ---- */

struct recruiter {
	char name[112];
	char licence[16];
	const char *country;
};

struct sample_gen {
	const esco *tax;
	rng vac, prof;
	const esco_occupation *const *by_major[10];
	size_t n_major[10];
	struct recruiter rec[N_ELEMS(RCOUNTRY) * RECRUITERS_PER_COUNTRY];
	size_t n_rec;
	int32_t day0; /* days from 1970-01-01 to 2027-01-01 */
};

/* days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms) */
static int32_t days_from_civil(int32_t y, unsigned m, unsigned d)
{
	int32_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, char out[32])
{
	int32_t era, y;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int32_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 32, "%04d-%02u-%02u", (int)y, m, d);
}

/* ---- text helpers: bounded, UTF-8-safe ---- */

struct text {
	char s[TEXT_MAX];
	size_t len;
};

/* longest prefix of s (at most max bytes) that ends on a UTF-8 boundary */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void t_add(struct text *t, const char *s)
{
	size_t n = strlen(s), room = sizeof t->s - 1 - t->len;

	n = utf8_cut(s, n, room);
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void t_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void t_addf(struct text *t, const char *fmt, ...)
{
	char buf[TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	buf[utf8_cut(buf, strlen(buf), sizeof buf - 1)] = '\0';
	t_add(t, buf);
}

/* appends sentence s (with a separating space) only if the whole fits in max */
static void t_sentence(struct text *t, const struct text *s, size_t max)
{
	if (s->len == 0 || t->len + (t->len ? 1 : 0) + s->len > max)
		return;
	if (t->len)
		t_add(t, " ");
	t_add(t, s->s);
}

static const char *a_an(const char *word)
{
	return strchr("aeiouAEIOU", word[0]) && word[0] ? "an" : "a";
}

/* ---- choosing ---- */

static const esco_occupation *pick_occupation(sample_gen *g, rng *r)
{
	unsigned w[10];
	size_t i, m;

	for (i = 0; i < 10; i++)
		w[i] = g->n_major[i] ? MAJOR_W[i] : 0;
	m = weighted(r, w, 10);
	return g->by_major[m][below(r, (uint32_t)g->n_major[m])];
}

/* k distinct indexes below n into out (k <= n, k small), in draw order */
static size_t pick_distinct(rng *r, size_t n, size_t k, uint32_t *out)
{
	size_t got = 0, i;

	if (k > n)
		k = n;
	while (got < k) {
		uint32_t x = below(r, (uint32_t)n);
		for (i = 0; i < got && out[i] != x; i++)
			;
		if (i == got)
			out[got++] = x;
	}
	return k;
}

static const char *any_label(rng *r, const esco_labels *lb, unsigned alt_percent)
{
	if (lb->n_alt && chance(r, alt_percent))
		return lb->alt[below(r, (uint32_t)lb->n_alt)];
	return lb->preferred;
}

static const struct country *dest_by_code(const char *code)
{
	size_t i;

	for (i = 0; i < N_ELEMS(DEST); i++)
		if (strncmp(DEST[i].code, code, 2) == 0)
			return &DEST[i];
	return NULL;
}

/* picks one two-letter code from a space-separated list, earlier ones likelier */
static const char *pick_code(rng *r, const char *list, int skew)
{
	size_t n = (strlen(list) + 1) / 3, i;
	unsigned w[16];

	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		w[i] = skew ? (unsigned)(2 * (n - i) + 1) : 1;
	return list + 3 * weighted(r, w, n);
}

static const struct recruiter *pick_recruiter(sample_gen *g, rng *r, const struct country *c)
{
	const char *cc = pick_code(r, c->recruiters, 0);
	size_t i;

	for (i = 0; i < g->n_rec; i += RECRUITERS_PER_COUNTRY)
		if (strncmp(g->rec[i].country, cc, 2) == 0)
			return &g->rec[i + below(r, RECRUITERS_PER_COUNTRY)];
	return &g->rec[below(r, (uint32_t)g->n_rec)];
}

static void build_recruiters(sample_gen *g, uint64_t seed)
{
	rng r;
	size_t c, j, k;

	rng_seed(&r, seed, 3);
	g->n_rec = 0;
	for (c = 0; c < N_ELEMS(RCOUNTRY); c++) {
		const struct rcountry *rc = &RCOUNTRY[c];
		size_t n_places = 0;

		while (n_places < 6 && rc->places[n_places])
			n_places++;
		for (j = 0; j < RECRUITERS_PER_COUNTRY; j++) {
			struct recruiter *x = &g->rec[g->n_rec];
			int tries;

			for (tries = 0; tries < 100; tries++) {
				const char *head = chance(&r, 50) ? rc->places[below(&r, (uint32_t)n_places)]
								  : ADJ[below(&r, N_ELEMS(ADJ))];
				const char *noun = NOUN[below(&r, N_ELEMS(NOUN))];
				const char *legal = chance(&r, 70) ? rc->legal[below(&r, 2)] : "";
				int dup = 0;

				snprintf(x->name, sizeof x->name, "%s %s%s%s", head, noun, legal[0] ? " " : "",
					 legal);
				for (k = 0; k < g->n_rec && !dup; k++)
					dup = strcmp(g->rec[k].name, x->name) == 0;
				if (!dup)
					break;
			}
			snprintf(x->licence, sizeof x->licence, "%s-RA-%04u", rc->code,
				 (unsigned)(j * 701 + 1 + below(&r, 700)));
			x->country = rc->code;
			g->n_rec++;
		}
	}
}

int sample_gen_new(const esco *tax, uint64_t seed, sample_gen **out)
{
	sample_gen *g;
	size_t m, usable = 0;

	*out = NULL;
	g = calloc(1, sizeof *g);
	if (!g)
		return SAMPLE_ERR_NOMEM;
	g->tax = tax;
	rng_seed(&g->vac, seed, 1);
	rng_seed(&g->prof, seed, 2);
	for (m = 0; m < 10; m++) {
		char d[2] = {(char)('0' + m), 0};
		g->n_major[m] = esco_occupations_by_isco(tax, d, &g->by_major[m]);
		if (MAJOR_W[m])
			usable += g->n_major[m];
	}
	if (!usable) {
		free(g);
		return SAMPLE_ERR_DATA;
	}
	build_recruiters(g, seed);
	g->day0 = days_from_civil(2027, 1, 1);
	*out = g;
	return 0;
}

void sample_gen_free(sample_gen *g)
{
	free(g);
}

/* ---- JSON helpers: every setter reports failure, the caller bails out ---- */

/*
 * Every string handed to jansson is valid UTF-8: the taxonomy guarantees it
 * for its strings, the tables here are UTF-8, and the text builders cut only
 * on character boundaries. So the _nocheck constructor skips re-validation.
 */
static json_t *str(const char *s)
{
	return json_stringn_nocheck(s, strlen(s));
}

static int set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new_nocheck(o, k, v) : -1;
}

static int push(json_t *a, json_t *v)
{
	return v ? json_array_append_new(a, v) : -1;
}

static long round_money(long v)
{
	long step = v >= 100000 ? 1000 : v >= 10000 ? 100 : v >= 1000 ? 50 : 10;

	return (v + step / 2) / step * step;
}

static void capitalise(char *s)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
}

/* the first sentence of an ESCO description, at most max bytes */
static void first_sentence(struct text *t, const char *desc, size_t max)
{
	const char *end = strstr(desc, ". ");
	size_t n = end ? (size_t)(end - desc) + 1 : strlen(desc);

	t->len = 0;
	t->s[0] = '\0';
	if (n > max || n < 20)
		return;
	memcpy(t->s, desc, n);
	t->s[n] = '\0';
	t->len = n;
	/* ESCO descriptions may hold line breaks; keep the sentence on one line */
	for (n = 0; n < t->len; n++)
		if (t->s[n] == '\n' || t->s[n] == '\r')
			t->s[n] = ' ';
	if (t->s[t->len - 1] != '.')
		t_add(t, ".");
}

static json_t *languages_json(rng *r, const struct country *c)
{
	json_t *arr = json_array();
	unsigned w[4];
	size_t n = 0, i, first, k;

	if (!arr)
		return NULL;
	while (n < 4 && c->langs[n].code) {
		w[n] = c->langs[n].w;
		n++;
	}
	k = n > 1 && chance(r, 35) ? 2 : 1;
	first = weighted(r, w, n);
	for (i = 0; i < k; i++) {
		size_t li = first;
		json_t *l = json_object();

		if (i == 1) {
			w[first] = 0;
			li = weighted(r, w, n);
		}
		if (!l || push(arr, l) || set(l, "code", str(c->langs[li].code)) ||
		    set(l, "level", str(CEFR[weighted(r, CEFR_W, N_ELEMS(CEFR_W))]))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *sample_next_vacancy(sample_gen *g)
{
	rng *r = &g->vac;
	const esco_occupation *o = pick_occupation(g, r);
	const struct country *c;
	json_t *v = json_object(), *skills = NULL, *ess = NULL, *opt = NULL, *sal = NULL, *rec = NULL;
	struct text title = {{0}, 0}, desc = {{0}, 0}, s = {{0}, 0};
	uint32_t eidx[8], oidx[4];
	size_t ne, no, i, n_cities = 0;
	int text_skill = -1;
	unsigned cw[N_ELEMS(DEST)];
	const char *city, *label;
	long lo, hi;
	uint32_t positions, u;
	char date[32];

	if (!v)
		return NULL;
	for (i = 0; i < N_ELEMS(DEST); i++)
		cw[i] = DEST[i].weight;
	c = &DEST[weighted(r, cw, N_ELEMS(DEST))];
	while (n_cities < 6 && c->cities[n_cities])
		n_cities++;
	city = c->cities[below(r, (uint32_t)n_cities)];

	/* title */
	label = any_label(r, &o->labels[ESCO_LANG_EN], 30);
	u = below(r, 100);
	if (u < 12)
		t_add(&title, PREFIX[below(r, N_ELEMS(PREFIX))]);
	t_add(&title, label);
	if (u >= 88)
		t_add(&title, SUFFIX[below(r, N_ELEMS(SUFFIX))]);
	capitalise(title.s);

	/* skills */
	ne = pick_distinct(r, o->n_essential, between(r, 3, 8), eidx);
	no = pick_distinct(r, o->n_optional, below(r, 5), oidx);
	if (ne > 1 && chance(r, 20))
		text_skill = (int)below(r, (uint32_t)ne);

	/* description: 2-4 sentences, at most DESC_MAX bytes */
	s.len = 0;
	s.s[0] = '\0';
	switch (below(r, 3)) {
	case 0:
		t_addf(&s, "We are looking for %s %s to join our team in %s, %s.", a_an(label), label, city,
		       c->name);
		break;
	case 1:
		t_addf(&s, "Our client in %s is hiring %s %s.", city, a_an(label), label);
		break;
	default:
		t_addf(&s, "%s vacancy in %s (%s).", title.s, city, c->name);
		break;
	}
	t_sentence(&desc, &s, DESC_MAX);
	if (chance(r, 75)) {
		first_sentence(&s, o->description, 360);
		t_sentence(&desc, &s, DESC_MAX);
	}
	if (ne) {
		s.len = 0;
		s.s[0] = '\0';
		t_add(&s, ne == 1 ? "Required skill: " : "Required skills: ");
		for (i = 0; i < ne && i < 4; i++) {
			if (i)
				t_add(&s, i + 1 == ne || i == 3 ? " and " : ", ");
			t_add(&s, o->essential[eidx[i]]->label);
		}
		t_add(&s, ".");
		t_sentence(&desc, &s, DESC_MAX);
	}
	s.len = 0;
	s.s[0] = '\0';
	if (no && chance(r, 60))
		t_addf(&s, "Experience with %s is an advantage.", o->optional[oidx[0]]->label);
	else if (chance(r, 50))
		t_add(&s, chance(r, 50) ? "The employer pays all recruitment and travel costs."
					: "Accommodation and transport to work are provided.");
	t_sentence(&desc, &s, DESC_MAX);

	/* salary */
	lo = (long)between(r, c->sal_lo, c->sal_hi);
	lo = lo * (long)MAJOR_PAY[o->isco[0] - '0'] / 100;
	lo = round_money(lo);
	hi = round_money(lo * (long)between(r, 110, 150) / 100);

	u = below(r, 100);
	positions = u < 40 ? 1
		    : u < 60 ? between(r, 2, 3)
		    : u < 75 ? between(r, 4, 6)
		    : u < 87 ? between(r, 7, 12)
		    : u < 95 ? between(r, 13, 25)
			     : between(r, 26, 50);
	civil_from_days(g->day0 + (int32_t)below(r, 731), date);

	if (set(v, "title", json_stringn_nocheck(title.s, title.len)) ||
	    set(v, "description", json_stringn_nocheck(desc.s, desc.len)) ||
	    set(v, "occupation", str(chance(r, 75) ? o->isco : o->uri)))
		goto fail;
	if (set(v, "skills", skills = json_object()) || set(skills, "essential", ess = json_array()) ||
	    set(skills, "optional", opt = json_array()))
		goto fail;
	for (i = 0; i < ne; i++) {
		const esco_skill *k = o->essential[eidx[i]];
		if (push(ess, str((int)i == text_skill ? any_label(r, &k->labels[ESCO_LANG_EN], 40)
							       : k->uri)))
			goto fail;
	}
	for (i = 0; i < no; i++)
		if (push(opt, str(o->optional[oidx[i]]->uri)))
			goto fail;
	if (set(v, "languages", languages_json(r, c)) || set(v, "country", str(c->code)) ||
	    set(v, "city", str(city)))
		goto fail;
	if (set(v, "salary", sal = json_object()) || set(sal, "min", json_integer(lo)) ||
	    set(sal, "max", json_integer(hi)) || set(sal, "currency", str(c->currency)) ||
	    set(sal, "period", str("month")))
		goto fail;
	if (set(v, "positions", json_integer(positions)) || set(v, "valid_until", str(date)))
		goto fail;
	if (chance(r, 60)) {
		const struct recruiter *x = pick_recruiter(g, r, c);
		if (set(v, "recruiter", rec = json_object()) || set(rec, "name", str(x->name)) ||
		    set(rec, "licence", str(x->licence)) ||
		    set(rec, "country", str(x->country)))
			goto fail;
	}
	if (set(v, "worker_fees", json_integer(0)))
		goto fail;
	return v;
fail:
	json_decref(v);
	return NULL;
}

json_t *sample_next_profile(sample_gen *g)
{
	static const unsigned ISCED_W[9] = {3, 8, 20, 35, 10, 8, 10, 5, 1};
	rng *r = &g->prof;
	unsigned ow[N_ELEMS(ORIGIN)];
	const struct origin *c;
	const esco_occupation *occ[2];
	json_t *p = json_object(), *arr, *l, *x;
	size_t n_occ, i, n_dest, ne, no;
	uint32_t idx[12];
	char date[32];

	if (!p)
		return NULL;
	for (i = 0; i < N_ELEMS(ORIGIN); i++)
		ow[i] = ORIGIN[i].weight;
	c = &ORIGIN[weighted(r, ow, N_ELEMS(ORIGIN))];

	/* occupations: one, sometimes a second from the same minor group */
	occ[0] = pick_occupation(g, r);
	n_occ = 1;
	if (chance(r, 20)) {
		const esco_occupation *const *list;
		char minor[4];
		size_t n;

		memcpy(minor, occ[0]->isco, 3);
		minor[3] = '\0';
		n = esco_occupations_by_isco(g->tax, minor, &list);
		occ[1] = n ? list[below(r, (uint32_t)n)] : occ[0];
		if (occ[1] != occ[0])
			n_occ = 2;
	}
	if (set(p, "occupations", arr = json_array()))
		goto fail;
	for (i = 0; i < n_occ; i++)
		if (push(arr, str(chance(r, 60) ? occ[i]->isco : occ[i]->uri)))
			goto fail;

	/* skills: essential ones of the first occupation, some optional; a quarter as text */
	if (set(p, "skills", arr = json_array()))
		goto fail;
	ne = pick_distinct(r, occ[0]->n_essential, between(r, 3, 10), idx);
	for (i = 0; i < ne; i++) {
		const esco_skill *k = occ[0]->essential[idx[i]];
		const char *txt = k->uri;
		if (chance(r, 25)) {
			const esco_labels *lb = &k->labels[c->label_lang];
			txt = any_label(r, lb->preferred ? lb : &k->labels[ESCO_LANG_EN], 30);
		}
		if (push(arr, str(txt)))
			goto fail;
	}
	no = pick_distinct(r, occ[0]->n_optional, below(r, 3), idx);
	for (i = 0; i < no; i++)
		if (push(arr, str(occ[0]->optional[idx[i]]->uri)))
			goto fail;

	/* languages: the native one, the second language, sometimes English */
	if (set(p, "languages", arr = json_array()) || push(arr, l = json_object()) ||
	    set(l, "code", str(c->native)) || set(l, "level", str("native")) ||
	    push(arr, l = json_object()) || set(l, "code", str(c->second)) ||
	    set(l, "level", str(CEFR[weighted(r, CEFR_W, N_ELEMS(CEFR_W))])))
		goto fail;
	if (strcmp(c->second, "en") != 0 && chance(r, 40))
		if (push(arr, l = json_object()) || set(l, "code", str("en")) ||
		    set(l, "level", str(CEFR[weighted(r, CEFR_W, 4)])))
			goto fail;

	if (set(p, "education", x = json_object()) ||
	    set(x, "isced", json_integer((json_int_t)weighted(r, ISCED_W, 9))))
		goto fail;
	{
		uint32_t e = below(r, 16) + below(r, 16);
		if (set(p, "experience_years", json_integer(e > 30 ? 30 : e)))
			goto fail;
	}
	if (set(p, "citizenship", str(c->code)) || set(p, "desired_countries", arr = json_array()))
		goto fail;
	n_dest = between(r, 1, 3);
	{
		const char *seen[3];
		size_t k = 0, tries;
		for (tries = 0; tries < 10 && k < n_dest; tries++) {
			const char *d = pick_code(r, c->dests, 1);
			size_t j;
			for (j = 0; j < k && strncmp(seen[j], d, 2) != 0; j++)
				;
			if (j < k || !dest_by_code(d))
				continue;
			seen[k++] = d;
			if (push(arr, json_stringn_nocheck(d, 2)))
				goto fail;
		}
	}
	civil_from_days(g->day0 - 31 + (int32_t)below(r, 396), date);
	if (set(p, "available_from", str(date)) || set(p, "consent", x = json_object()) ||
	    set(x, "matching", json_true()) || set(x, "show_to_employers", json_boolean(chance(r, 60))))
		goto fail;
	return p;
fail:
	json_decref(p);
	return NULL;
}

/* ---- compact serialisation ----
 *
 * jansson's json_dumpb spends most of the generator's time walking strings
 * one code point at a time, so lines are written by this small serialiser
 * instead. It produces exactly what json_dumpb(v, JSON_COMPACT) produces for
 * the values built here (objects in insertion order, arrays, strings,
 * integers, booleans, null): the same escapes (\" \\ \b \f \n \r \t and
 * \u00XX with upper-case hex for other control characters), UTF-8 passed
 * through. tests/unit/test_sample.c re-dumps every line with jansson and compares.
 */
struct out {
	char *p;
	size_t len, cap;
	int full;
};

static void o_put(struct out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* 1 for the bytes a JSON string must escape: controls, '"' and '\\' */
static const unsigned char NEEDS_ESC[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

static void o_str(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;

	if (o->full || n + 2 > o->cap - o->len) {
		o->full = 1;
		return;
	}
	o->p[o->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t elen = 2;

		if (!NEEDS_ESC[c])
			continue;
		o_put(o, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		o_put(o, esc, elen);
	}
	o_put(o, s + run, n - run);
	o_put(o, "\"", 1);
}

static void o_int(struct out *o, json_int_t v)
{
	char num[24];
	size_t i = sizeof num;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		num[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		num[--i] = '-';
	o_put(o, num + i, sizeof num - i);
}

static void o_value(struct out *o, json_t *v, int depth)
{
	size_t i, n;

	if (depth > 16) { /* our values are three levels deep */
		o->full = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		void *it;
		int first = 1;

		o_put(o, "{", 1);
		for (it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			if (!first)
				o_put(o, ",", 1);
			first = 0;
			o_str(o, json_object_iter_key(it), json_object_iter_key_len(it));
			o_put(o, ":", 1);
			o_value(o, json_object_iter_value(it), depth + 1);
		}
		o_put(o, "}", 1);
		break;
	}
	case JSON_ARRAY:
		o_put(o, "[", 1);
		for (i = 0, n = json_array_size(v); i < n; i++) {
			if (i)
				o_put(o, ",", 1);
			o_value(o, json_array_get(v, i), depth + 1);
		}
		o_put(o, "]", 1);
		break;
	case JSON_STRING:
		o_str(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		o_int(o, json_integer_value(v));
		break;
	case JSON_TRUE:
		o_put(o, "true", 4);
		break;
	case JSON_FALSE:
		o_put(o, "false", 5);
		break;
	case JSON_NULL:
		o_put(o, "null", 4);
		break;
	default: /* reals are never built here */
		o->full = 1;
	}
}

typedef json_t *(*next_fn)(sample_gen *);

static int write_lines(const esco *tax, FILE *out, uint64_t count, uint64_t seed, next_fn next,
		       const char *what, char *err, size_t errlen)
{
	sample_gen *g = NULL;
	char *buf = NULL;
	uint64_t i;
	int rc = sample_gen_new(tax, seed, &g);

	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "sample: %s", rc == SAMPLE_ERR_NOMEM ? "out of memory"
								  : "the taxonomy has no occupations");
		return rc;
	}
	buf = malloc(DUMP_MAX);
	if (!buf) {
		rc = SAMPLE_ERR_NOMEM;
		if (err && errlen)
			snprintf(err, errlen, "sample: out of memory");
		goto out;
	}
	for (i = 0; i < count; i++) {
		json_t *v = next(g);
		size_t n;

		if (!v) {
			rc = SAMPLE_ERR_DATA;
			if (err && errlen)
				snprintf(err, errlen, "sample: cannot build %s %llu (out of memory or bad UTF-8)",
					 what, (unsigned long long)i);
			goto out;
		}
		{
			struct out o = {buf, 0, DUMP_MAX - 1, 0};
			o_value(&o, v, 0);
			n = o.full ? 0 : o.len;
		}
		json_decref(v);
		if (n == 0) {
			rc = SAMPLE_ERR_DATA;
			if (err && errlen)
				snprintf(err, errlen, "sample: %s %llu does not fit in %d bytes", what,
					 (unsigned long long)i, DUMP_MAX);
			goto out;
		}
		buf[n++] = '\n';
		if (fwrite(buf, 1, n, out) != n) {
			rc = SAMPLE_ERR_IO;
			if (err && errlen)
				snprintf(err, errlen, "sample: write failed after %llu %ss", (unsigned long long)i,
					 what);
			goto out;
		}
	}
	if (fflush(out) != 0 || ferror(out)) {
		rc = SAMPLE_ERR_IO;
		if (err && errlen)
			snprintf(err, errlen, "sample: write failed");
	}
out:
	free(buf);
	sample_gen_free(g);
	return rc;
}

int sample_vacancies(const esco *tax, FILE *out, uint64_t count, uint64_t seed, char *err,
		     size_t errlen)
{
	return write_lines(tax, out, count, seed, sample_next_vacancy, "vacancy", err, errlen);
}

int sample_profiles(const esco *tax, FILE *out, uint64_t count, uint64_t seed, char *err,
		    size_t errlen)
{
	return write_lines(tax, out, count, seed, sample_next_profile, "profile", err, errlen);
}
