/*
 * recruiters.c - the pool of synthetic recruitment agencies: built once per
 * generator, RECRUITERS_PER_COUNTRY per recruiter country, from name parts
 * (a place or a neutral adjective phrase, an agency noun, the country's
 * legal form), each with a licence number "CC-RA-NNNN" unique within its
 * country. The names are invented; any likeness to a real firm is
 * accidental.
 */
#include "data/sample/internal.h"

#include <stdio.h>

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
_Static_assert(N_ELEMS(RCOUNTRY) == SAMPLE_N_RCOUNTRY, "SAMPLE_N_RCOUNTRY sizes the pool");

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

const struct recruiter *sample__pick_recruiter(sample_gen *g, rng *r, const struct country *c)
{
	const char *cc = sample__pick_code(r, c->recruiters, 0);
	size_t i;

	for (i = 0; i < g->n_rec; i += RECRUITERS_PER_COUNTRY)
		if (strncmp(g->rec[i].country, cc, 2) == 0)
			return &g->rec[i + sample__below(r, RECRUITERS_PER_COUNTRY)];
	return &g->rec[sample__below(r, (uint32_t)g->n_rec)];
}

void sample__build_recruiters(sample_gen *g, uint64_t seed)
{
	rng r;
	size_t c, j, k;

	sample__rng_seed(&r, seed, 3);
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
				const char *head =
					sample__chance(&r, 50)
						? rc->places[sample__below(&r, (uint32_t)n_places)]
						: ADJ[sample__below(&r, N_ELEMS(ADJ))];
				const char *noun = NOUN[sample__below(&r, N_ELEMS(NOUN))];
				const char *legal = sample__chance(&r, 70)
							    ? rc->legal[sample__below(&r, 2)]
							    : "";
				int dup = 0;

				snprintf(x->name, sizeof x->name, "%s %s%s%s", head, noun, legal[0] ? " " : "",
					 legal);
				for (k = 0; k < g->n_rec && !dup; k++)
					dup = strcmp(g->rec[k].name, x->name) == 0;
				if (!dup)
					break;
			}
			snprintf(x->licence, sizeof x->licence, "%s-RA-%04u", rc->code,
				 (unsigned)(j * 701 + 1 + sample__below(&r, 700)));
			x->country = rc->code;
			g->n_rec++;
		}
	}
}
