/*
 * test_names.c - unit tests for engine/integrity/names*.c: the string-distance helpers
 * against jellyfish's expected values (read from the shared data, skipped when
 * it is absent), normalisation (legal forms, punctuation, accents, other
 * scripts, invalid UTF-8, empty and very long input), positive and hard
 * negative pairs around NAMES_DEFAULT_THRESHOLD, and several threads at once.
 */
#include "engine/integrity/names.h"
#include "tests/support/t.h"

#include <math.h>
#include <pthread.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *shared_dir(void)
{
	const char *s = getenv("FAIRMATCH_SHARED");
	return s ? s : "../shared";
}

/* Splits a jellyfish CSV line "a,b,expected" (fields may be quoted). */
static int split3(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *w;
	while (n < max) {
		if (*p == '"') {
			p++;
			w = f[n++] = p;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				*w++ = *p++;
			}
			if (*p == '"')
				p++;
			*w = '\0';
			if (*p == ',')
				p++;
			else
				break;
		} else {
			f[n++] = p;
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				p++;
			if (*p == ',') {
				*p++ = '\0';
			} else {
				*p = '\0';
				break;
			}
		}
	}
	return n;
}

typedef double (*sim_fn)(const char *, const char *);

static int check_file_sim(const char *file, sim_fn fn, double tol)
{
	char path[1024], line[1024];
	snprintf(path, sizeof path, "%s/data/name_matching/jellyfish_testdata/%s", shared_dir(),
		 file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int rows = 0;
	while (fgets(line, sizeof line, f)) {
		char *fl[4];
		if (split3(line, fl, 3) != 3)
			continue;
		double want = atof(fl[2]), got = fn(fl[0], fl[1]);
		T_CHECKF(fabs(got - want) <= tol, "%s: (%s,%s) = %.4f, want %.4f", file, fl[0], fl[1],
			 got, want);
		rows++;
	}
	fclose(f);
	return rows;
}

static int check_file_dist(const char *file, int (*fn)(const char *, const char *))
{
	char path[1024], line[1024];
	snprintf(path, sizeof path, "%s/data/name_matching/jellyfish_testdata/%s", shared_dir(),
		 file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int rows = 0;
	while (fgets(line, sizeof line, f)) {
		char *fl[4];
		if (split3(line, fl, 3) != 3)
			continue;
		int want = atoi(fl[2]), got = fn(fl[0], fl[1]);
		T_CHECKF(got == want, "%s: (%s,%s) = %d, want %d", file, fl[0], fl[1], got, want);
		rows++;
	}
	fclose(f);
	return rows;
}

static void jellyfish_expected_values(void)
{
	int n = check_file_sim("jaro_winkler.csv", names_jaro_winkler, 0.0015);
	if (n < 0)
		T_SKIP("jellyfish test data not found under %s", shared_dir());
	T_EQ_INT(n, 17);
	T_EQ_INT(check_file_sim("jaro_winkler_longtol.csv", names_jaro_winkler_long, 0.0015), 10);
	T_EQ_INT(check_file_sim("jaro_distance.csv", names_jaro, 0.0015), 5);
	T_EQ_INT(check_file_dist("levenshtein.csv", names_levenshtein), 6);
	T_EQ_INT(check_file_dist("damerau_levenshtein.csv", names_damerau_levenshtein), 9);
}

static void helpers_builtin(void)
{
	T_EQ_INT(names_levenshtein("kitten", "sitting"), 3);
	T_EQ_INT(names_damerau_levenshtein("ca", "abc"), 2); /* unrestricted */
	T_CHECK(fabs(names_jaro_winkler("martha", "marhta") - 0.961) < 0.001);
	T_CHECK(names_jaro("", "abc") == 0.0);
	char big[NAMES_MAX_CODEPOINTS + 10];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	T_EQ_INT(names_levenshtein(big, "a"), NAMES_ERANGE);
	T_EQ_INT(names_damerau_levenshtein(big, "a"), NAMES_ERANGE);
	T_CHECK(names_jaro_winkler(big, big) == 1.0);
	T_EQ_INT(names_levenshtein(NULL, "a"), NAMES_EINVAL);
}

static void norm_is(const char *in, const char *want)
{
	char out[NAMES_NORM_CAP];
	int rc = names_normalise(in, strlen(in), out, sizeof out);
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, want);
}

/* The normal form of in (a static buffer: one use per expression). */
static const char *norm_of(const char *in)
{
	static char out[NAMES_NORM_CAP];

	if (names_normalise(in, strlen(in), out, sizeof out))
		out[0] = '\0';
	return out;
}

#define INTEGRITY_LIC_CAP 65

static void normalise_cases(void)
{
	/* a vocabulary word split by a hyphen is the word (round 14) */
	norm_is("ACME Man-Power (Pty) Ltd", "acme manpower");
	norm_is("Acme Manpower", "acme manpower");
	norm_is("Société Générale de Placement SARL", "societe generale placement");
	norm_is("A.B.C. Manpower Services", "abc manpower");
	norm_is("Global Horizons Manpower, Inc.", "global horizons manpower");
	norm_is("PT Maju Jaya Tbk", "maju jaya");
	norm_is("BAOTHINH INTRA CO.,LTD", "baothinh intra");
	norm_is("Công ty TNHH thương mại Quốc tế Bảo Thịnh", "thuong mai quoc te bao thinh");
	norm_is("ООО Рога и Копыта", "roga kopyta");		/* Cyrillic, "i" = and */
	norm_is("Nguyễn Đức Cảnh Recruitment Agency", "nguyen duc canh"); /* Vietnamese */
	norm_is("O'Brien & Sons Employment Agency", "obrien sons");
	norm_is("Acme AB", "acme");
	norm_is("AB Manpower", "ab manpower"); /* initials kept at the start */
	norm_is("International Services Ltd", "international services ltd");
	norm_is("CNPJ 20.182.043/0001-42", "cnpj 20182043000142");
	norm_is("", "");
	norm_is("  ,.;- ", "");
}

static double pair_score(const char *a, const char *b);

/* Legal forms that were missing from the table: South African close
 * corporations, and forms common in the evaluation lists (Peruvian S.A.C.,
 * Turkish A.Ş. / Norwegian AS, Gulf W.L.L. and free-zone forms). Short ones
 * are dropped only at the end of a name, so initials at the start stay. */
static void legal_forms_added(void)
{
	norm_is("Thaba Labour Brokers CC", "thaba labour brokers");
	norm_is("Thaba Labour Brokers c.c.", "thaba labour brokers");
	norm_is("Thaba Labour Brokers Close Corporation", "thaba labour brokers");
	norm_is("CC Manpower", "cc manpower");
	norm_is("Eskom Holdings SOC Ltd", "eskom holdings");
	norm_is("Eske S.A.C.", "eske");
	norm_is("Ozaltin Holding A.Ş.", "ozaltin holding");
	norm_is("Agidel AS", "agidel");
	norm_is("Al Noor Manpower W.L.L.", "al noor manpower");
	norm_is("Gulf Link FZCO", "gulf link");
	norm_is("Gulf Link FZ-LLC", "gulf link");
	norm_is("Danube Staffing Zrt.", "danube staffing");
	/* and so a registered close corporation matches its name with another form */
	T_CHECK(pair_score("Thaba Labour Brokers CC", "Thaba Labour Brokers (Pty) Ltd") >= 0.99);
}

static void normalise_other_scripts(void)
{
	char out[NAMES_NORM_CAP];
	const char *arabic = "شركة الخليج للتوظيف ذ.م.م";
	T_EQ_INT(names_normalise(arabic, strlen(arabic), out, sizeof out), 0);
	T_CHECK(out[0] != '\0');
	for (const char *p = out; *p; p++)
		T_CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == ' ');
	const char *han = "北京国际人力资源有限公司"; /* ... Co., Ltd. (you xian gong si) */
	T_EQ_INT(names_normalise(han, strlen(han), out, sizeof out), 0);
	T_CHECK(strstr(out, "bei jing") == out);
	T_CHECK(strstr(out, "gong si") == NULL);
	const char *greek = "Ελληνική Εταιρεία Α.Ε.";
	T_EQ_INT(names_normalise(greek, strlen(greek), out, sizeof out), 0);
	T_CHECK(out[0] != '\0');
}

static void normalise_hostile(void)
{
	char out[NAMES_NORM_CAP];
	const char bad[] = "\xff\xfe Acme \xc3 Man\xe2\x82power \xed\xa0\x80 Ltd";
	T_EQ_INT(names_normalise(bad, sizeof bad - 1, out, sizeof out), 0);
	/* an invalid sequence inside a word (U+FFFD) is decoration there
	 * since round 12, as any symbol: the word stays whole */
	T_EQ_STR(out, "acme manpower");
	const char nul[] = "Acme\0Manpower";
	T_EQ_INT(names_normalise(nul, sizeof nul - 1, out, sizeof out), 0);
	T_EQ_STR(out, "acme manpower");
	/* very long input: cut, never overflow */
	size_t n = 100000;
	char *big = malloc(n);
	T_REQUIRE(big != NULL);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
	T_EQ_INT(names_normalise(big, n, out, sizeof out), 0);
	T_CHECK(strlen(out) < sizeof out);
	/* long non-ASCII input cut in the middle of a character */
	for (size_t i = 0; i + 2 <= n; i += 2) {
		big[i] = (char)0xc3;
		big[i + 1] = (char)0xa9;
	}
	T_EQ_INT(names_normalise(big, n - 1, out, sizeof out), 0);
	/* small output buffer: whole tokens only */
	char small[8];
	T_EQ_INT(names_normalise("Alpha Beta Gamma", 16, small, sizeof small), 0);
	T_EQ_STR(small, "alpha");
	T_EQ_INT(names_normalise("x", 1, NULL, 0), NAMES_EINVAL);
	T_EQ_INT(names_normalise(NULL, 1, small, sizeof small), NAMES_EINVAL);
	T_EQ_STR(small, "");
	free(big);
}

static double pair_score(const char *a, const char *b)
{
	char na[NAMES_NORM_CAP], nb[NAMES_NORM_CAP];
	if (names_normalise(a, strlen(a), na, sizeof na) < 0 ||
	    names_normalise(b, strlen(b), nb, sizeof nb) < 0)
		return -1.0;
	return names_similarity(na, nb);
}

static void positives_above_threshold(void)
{
	static const char *pos[][2] = {
		{"ACME Man-Power (Pty) Ltd", "Acme Manpower"},
		{"A.B.C. Manpower", "ABC Manpower"},
		{"Société Générale de Placement SARL", "Societe Generale de Placement"},
		{"Global Horizons Manpower, Inc.", "Global Horizons Manpower LLC"},
		{"Global Horizons Manpower", "Manpower Global Horizons"},
		{"Global Horizons Manpower", "Global Horizns Manpower"},
		{"Acme Manpower Services", "Acme Manpower"},
		{"Công ty TNHH Bảo Thịnh", "CONG TY TNHH BAO THINH"},
		{"Coast 2 Coast, Inc.", "Coast 2 Coast LLC"},
		{"Three Sisters Farms Services, Inc.", "Three Sisters Farms Sfervices, Inc."},
	};
	/* initials standing for a dropped word too: near the threshold */
	T_CHECK(pair_score("International Labor Management Corp.", "I.L.M. Corp") >= 0.85);
	/* Initials alone score 0.90: below the default threshold (0.93, chosen on
	 * the tuning half of the evaluation), above every hard negative here;
	 * FAIRMATCH_NAME_THRESHOLD=0.90 accepts them. */
	T_CHECK(pair_score("Hebei Tianying Construction Co., Ltd.", "H.T.C. Co. Ltd") >= 0.89);
	for (size_t i = 0; i < sizeof pos / sizeof *pos; i++) {
		double s = pair_score(pos[i][0], pos[i][1]);
		T_CHECKF(s >= NAMES_DEFAULT_THRESHOLD, "'%s' ~ '%s' scored %.3f", pos[i][0],
			 pos[i][1], s);
	}
}

static void hard_negatives_below_threshold(void)
{
	static const char *neg[][2] = {
		{"Acme Manpower", "Apex Manpower"},
		{"Global Staffing", "Global Nursing"},
		{"Hebei Construction Group Pingyuan Branch", "Hebei Construction Group Dezhou Branch"},
		{"Coast 2 Coast, Inc.", "Coast 3 Coast, Inc."},
		{"Three Sisters Farms Services, Inc.", "Three Sisters Farms Landscaping Inc."},
		{"Bao Thinh Manpower", "Bao Long Manpower"},
		{"Al Noor Recruitment Agency", "Al Huda Recruitment Agency"},
		{"ABC Manpower", "ABD Manpower"},
	};
	for (size_t i = 0; i < sizeof neg / sizeof *neg; i++) {
		double s = pair_score(neg[i][0], neg[i][1]);
		T_CHECKF(s >= 0.0 && s < NAMES_DEFAULT_THRESHOLD, "'%s' !~ '%s' scored %.3f",
			 neg[i][0], neg[i][1], s);
	}
}

static void similarity_properties(void)
{
	T_CHECK(names_similarity("", "acme") == 0.0);
	T_CHECK(names_similarity(NULL, "acme") == 0.0);
	T_CHECK(names_similarity("acme", "acme") == 1.0);
	double ab = names_similarity("acme man power", "acme manpower");
	double ba = names_similarity("acme manpower", "acme man power");
	T_CHECK(fabs(ab - ba) < 1e-9);
	T_CHECK(ab == 1.0);
	/* many tokens: bounded, no overflow */
	char big[4096];
	size_t p = 0;
	for (int i = 0; i < 300 && p + 8 < sizeof big; i++)
		p += (size_t)snprintf(big + p, sizeof big - p, "%st%d", i ? " " : "", i);
	double s = names_similarity(big, big);
	T_CHECK(s > 0.99 && s <= 1.0);
}

static void *worker(void *arg)
{
	int *bad = arg;
	for (int i = 0; i < 200; i++)
		if (pair_score("Công ty TNHH Bảo Thịnh", "Bao Thinh Co., Ltd.") < 0.99)
			(*bad)++;
	return NULL;
}

static void threads(void)
{
	pthread_t th[4];
	int bad[4] = {0};
	for (int i = 0; i < 4; i++)
		T_REQUIRE(pthread_create(&th[i], NULL, worker, &bad[i]) == 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		T_EQ_INT(bad[i], 0);
	}
}

/* The canonical text: every invisible character gives the plain name. */
static void canonical_invisible(void)
{
	static const char *const inserted[] = {
		"\xe2\x80\x8b", "\xe2\x80\x8d", "\xc2\xad", "\xe2\x81\xa0", "\xe2\x80\x8f",
		"\xe1\xa0\x8e", "\xe3\x85\xa4", "\xf3\xa0\x81\x81\xf3\xa0\x81\xa2", "\xef\xbb\xbf",
		"\xe2\x80\x8c", "\xe2\x80\x8e", "\xe2\x81\xa1"};
	char name[128];

	for (size_t i = 0; i < sizeof inserted / sizeof *inserted; i++) {
		snprintf(name, sizeof name, "Kop%sano Manpower Services", inserted[i]);
		norm_is(name, "kopano manpower");
	}
	/* a control character or line break separates, as a space does */
	norm_is("Kopano\nManpower\tServices\r", "kopano manpower");
	norm_is("Kopano\xe2\x80\xa8Manpower", "kopano manpower");
}

static void forms_are(const char *in, const char *norm, const char *skel, unsigned susp)
{
	char n[NAMES_NORM_CAP], k[NAMES_NORM_CAP];
	unsigned s = 99;

	T_EQ_INT(names_normalise_forms(in, strlen(in), n, sizeof n, k, sizeof k, &s), 0);
	T_EQ_STR(n, norm);
	T_EQ_STR(k, skel);
	T_EQ_INT((int)s, (int)susp);
}

static void canonical_lookalikes(void)
{
	/* compatibility forms fold by NFKC */
	forms_are("\xf0\x9d\x90\x8a\xf0\x9d\x90\xa8\xf0\x9d\x90\xa9\xf0\x9d\x90\x9a\xf0\x9d\x90\xa7"
		  "\xf0\x9d\x90\xa8 Manpower", "kopano manpower", "", 0);
	forms_are("\xe2\x93\x80\xe2\x93\x9e\xe2\x93\x9f\xe2\x93\x90\xe2\x93\x9d\xe2\x93\x9e Manpower",
		  "kopano manpower", "", 0);
	forms_are("\xef\xbc\xab\xef\xbd\x8f\xef\xbd\x90\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8f Manpower",
		  "kopano manpower", "", 0);
	/* a Cyrillic с in a Latin word: mixed scripts, and a confusable form
	 * equal to the Latin name */
	forms_are("Qa\xd1\x81ha Labour Agents", "qasha labour agents", "qacha labour agents",
		  NAMES_SUSPICIOUS_MIXED_SCRIPT);
	/* a whole word of Cyrillic look-alikes is one script, yet its
	 * confusable form scores as the Latin name */
	T_CHECK(names_score("\xd0\x9a\xd0\xbe\xd1\x80\xd0\xb0\xd0\xbf\xd0\xbe Manpower Services",
			    "Kopano Manpower Services") >= NAMES_DEFAULT_THRESHOLD);
	/* a genuine Cyrillic name keeps its transliteration and gets no
	 * confusable form of its legal words */
	forms_are("\xd0\x9e\xd0\x9e\xd0\x9e \xd0\xa0\xd0\xbe\xd0\xb3\xd0\xb0", "roga", "pora", 0);
	/* a plain Latin name has no second form and is not suspicious */
	forms_are("Kopano Manpower", "kopano manpower", "", 0);
}

/* Letters NFKC leaves alone but whose Unicode name says which Latin
 * letter they are drawn as: every one of each family, found by name, reads
 * as that letter inside a word; letters drawn otherwise (turned) do not. */
static void canonical_letter_like(void)
{
	static const char *const family[] = {
		"LATIN LETTER SMALL CAPITAL ", "NEGATIVE CIRCLED LATIN CAPITAL LETTER ",
		"NEGATIVE SQUARED LATIN CAPITAL LETTER ", "REGIONAL INDICATOR SYMBOL LETTER "};
	int found = 0;

	for (size_t f = 0; f < sizeof family / sizeof *family; f++)
		for (char x = 'A'; x <= 'Z'; x++) {
			char cname[80], in[32], want[16];
			UErrorCode st = U_ZERO_ERROR;
			UChar32 c;
			int32_t o = 0;
			UBool err = 0;

			snprintf(cname, sizeof cname, "%s%c", family[f], x);
			c = u_charFromName(U_UNICODE_CHAR_NAME, cname, &st);
			if (U_FAILURE(st) || c <= 0x7f)
				continue; /* no such character (no small capital X) */
			found++;
			o = snprintf(in, sizeof in, "Wa");
			U8_APPEND((uint8_t *)in, o, (int32_t)sizeof in, c, err);
			snprintf(in + o, sizeof in - (size_t)o, "ve Hire");
			snprintf(want, sizeof want, "wa%cve hire", x - 'A' + 'a');
			T_CHECK(!err);
			norm_is(in, want);
		}
	T_CHECK(found >= 100); /* 24 small capitals, 3 x 26 others */
	/* the regulator's finding: small capitals and plain letters mixed */
	norm_is("\xe1\xb4\x8b\xe1\xb4\x87s\xe1\xb4\x9b\xca\x80\xe1\xb4\x87\xca\x9f Overseas Manpower",
		"kestrel overseas manpower");
	/* a turned a (U+0250) is another letter, not an a: never read as one
	 * (the name is not "Kapano"), though since round 12 the word it
	 * splits is joined back as a word with a typo (names_similarity.c,
	 * join_near) */
	norm_is("K\xc9\x90pano Hire", "k pano hire");
	T_CHECK(names_score("K\xc9\x90pano Hire", "Kapano Hire") < 1.0);
}

/* Step 1c (round 16): marks of trade and other symbols drawn as no one
 * letter are no words of the name: after it, apart or between words they
 * separate, inside a word they vanish. Symbols drawn as one letter
 * (circled, parenthesised) stay letters. */
static void canonical_trade_marks(void)
{
	norm_is("Wave Hire\xe2\x84\xa2", "wave hire");           /* TM: NFKC "TM" */
	norm_is("Wave\xc2\xae Hire", "wave hire");                /* (R): skeleton "(R)" */
	norm_is("Wave Hire \xc2\xa9", "wave hire");               /* (C) */
	norm_is("Wa\xe2\x84\xa0ve Hire", "wave hire");           /* SM inside the word */
	norm_is("Wave\xf0\x9f\x98\x80Hire", "wave hire");        /* an emoji between words */
	norm_is("\xe2\x93\x8c" "ave Hire", "wave hire");         /* circled W stays a W */
	T_CHECK(names_score("Wave Hire Corp\xe2\x84\xa2", "Wave Hire Corp") == 1.0);
}

/* The confusable form of in ("" when the name has none). */
static void skel_is(const char *in, const char *want)
{
	char n[NAMES_NORM_CAP], k[NAMES_NORM_CAP];

	T_EQ_INT(names_normalise_forms(in, strlen(in), n, sizeof n, k, sizeof k, NULL), 0);
	T_CHECKF(strcmp(k, want) == 0, "\"%s\": skeleton \"%s\", want \"%s\"", in, k, want);
}

/* Round 18: character references, words split into vocabulary words, and
 * the small l and the capital I. */
static void canonical_round18(void)
{
	norm_is("Wave &amp; Hire", "wave hire");
	norm_is("Wave &#38; Hire", "wave hire");
	norm_is("A&#x26;B Staffing", "ab staffing");
	norm_is("Wa&#8203;ve Hire", "wave hire");  /* a zero-width space, escaped */
	norm_is("Wa&#x200b;ve Hire", "wave hire");
	norm_is("Wave&nbsp;Hire", "wave hire");
	norm_is("Wave &amp Hire", "wave amp hire"); /* no semicolon: no reference */
	norm_is("Wave &#0; Hire", "wave 0 hire");   /* NUL is no character */
	norm_is("Wave &#xD800; Hire", "wave xd800 hire"); /* nor a surrogate */
	T_CHECK(names_score("International Labor Management &amp; Corp",
			    "International Labor Management Corp.") == 1.0);
	/* a trade word split into two trade words */
	T_CHECK(names_score("Inter national Labor Manage ment Corp",
			    "International Labor Management Corp.") == 1.0);
	T_CHECK(names_score("Inter-national Labor Management", "International Labor Management") ==
		1.0);
	/* the name in one word, a long form at its start split off */
	T_CHECK(names_score("internationallabormanagement", "International Labor Management Corp.") ==
		1.0);
	T_CHECK(names_score("International_Labor_Management_Corp",
			    "International Labor Management Corp.") == 1.0);
	norm_is("internationalist staffing", "internationalist staffing");
	/* the small l and the capital I */
	skel_is("lnternational Labor Management Corp", "labor management");
	skel_is("Kopano WeIding", "kopano welding");
	skel_is("Llorente Staffing", "");
	skel_is("Lyon Staffing", "");
	skel_is("Lhasa Staffing Ltd", "");
	skel_is("Kopano ltda", "");
	skel_is("ILM Staffing", "");
}

/* A name that declares others (round 16): its parts, as byte spans. */
static void parts_are(const char *in, const char *want)
{
	struct names_part p[NAMES_ALIAS_PARTS];
	int n = names_alias_parts(in, strlen(in), p, NAMES_ALIAS_PARTS);
	char got[512] = "";
	size_t o = 0;

	for (int k = 0; k < n && o < sizeof got; k++)
		o += (size_t)snprintf(got + o, sizeof got - o, "%s[%.*s]", k ? " " : "", (int)p[k].len,
				      in + p[k].off);
	T_EQ_STR(got, want);
}

static void alias_parts(void)
{
	parts_are("Lesedi Holdings t/a Kopano Manpower", "[Lesedi Holdings] [Kopano Manpower]");
	parts_are("Lesedi LLC D / B / A Kopano", "[Lesedi LLC] [Kopano]");
	parts_are("Lesedi (formerly Kopano Ltd.)", "[Lesedi] [Kopano Ltd.]");
	parts_are("Lesedi, formerly known as Kopano", "[Lesedi] [Kopano]");
	parts_are("Lesedi aka Kopano a.k.a. Maluti", "[Lesedi] [Kopano] [Maluti]");
	parts_are("Lesedi SA, tambi\xc3\xa9n conocida como Kopano", "[Lesedi SA] [Kopano]");
	parts_are("Lesedi SA conocida como Kopano", "[Lesedi SA] [Kopano]");
	parts_are("LESEDI HOLDINGS TRADING AS KOPANO", "[LESEDI HOLDINGS] [KOPANO]");
	/* round 17: the firm it belongs to or acts for, and two names written
	 * apart by a slash or a bar */
	parts_are("Kopano Ltd, a subsidiary of Lesedi Group", "[Kopano Ltd] [Lesedi Group]");
	parts_are("Lesedi Jobs (a division of Kopano)", "[Lesedi Jobs] [Kopano]");
	parts_are("Lesedi SARL, filiale de Kopano", "[Lesedi SARL] [Kopano]");
	parts_are("Lesedi pour le compte de Kopano", "[Lesedi] [Kopano]");
	parts_are("Lesedi SA, una filial de Kopano", "[Lesedi SA] [Kopano]");
	parts_are("Lesedi Group / Kopano Manpower", "[Lesedi Group] [Kopano Manpower]");
	parts_are("Lesedi Group /Kopano | Maluti", "[Lesedi Group] [Kopano] [Maluti]");
	parts_are("Kestre| Overseas Manpower", "");
	parts_are("Lesedi c/o Kopano", "[Lesedi] [Kopano]");
	/* one name: no marker, a marker inside a word, or nothing on a side */
	parts_are("Kopano Manpower Services", "");
	parts_are("Data Base Agency", "");
	parts_are("Kataka Recruitment", "");
	parts_are("Alias Recruitment", "");
	parts_are("Formerly Yours Ltd", "");
	parts_are("Division of Labour Ltd", "");
	parts_are("Kestrel O/seas Manpower", "");
	parts_are("Maersk A / S", "");
	parts_are("Kopano Manpower A/S", "");
}

/* Round 17: the reading of a name with its cut words as written. */
static void cut_is(const char *in, const char *want)
{
	char out[NAMES_MAX_INPUT + 1];
	int r = names_cut_reading(in, strlen(in), out, sizeof out);

	T_EQ_STR(r ? out : "", want);
}

static void cut_reading(void)
{
	/* a word cut where a trade word starts: read as written too */
	cut_is("Maseru Cons. Planners", "Maseru Cons  Planners");
	/* "Int." keeps its reading: international is dropped anyway */
	cut_is("Int. Lab. Man. Corp.", "Int. Lab  Man  Corp.");
	cut_is("Thaba (Emp.)", "Thaba (Emp )");
	/* nothing to read otherwise: a legal form, a word no trade word
	 * starts, two letters, a full stop inside a word or before a letter */
	cut_is("Acme Corp.", "");
	cut_is("Kopano Ltd.", "");
	cut_is("Swe. Urban Planners", "");
	cut_is("Co. Kopano", "");
	cut_is("Serv.ices Kopano", "");
	cut_is("Kopano Manpower", "");
	T_CHECK(names_score("Maseru Construction Planners", "Maseru Cons Planners") >=
		NAMES_DEFAULT_THRESHOLD);
	/* fixed abbreviations (round 17 adds mgt, mngt, grp, hldg, hldgs) */
	T_CHECK(names_score("International Labor Management Corp.", "International Labor Mgt Corp") >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Lesedi Group Holdings", "Lesedi Grp Hldgs") >= NAMES_DEFAULT_THRESHOLD);
	/* every distinctive word cut: shown for review, not matched */
	{
		double s = names_score("International Labor Management Corp.", "Int. Lab  Man  Corp.");

		T_CHECKF(s >= NAMES_REVIEW_THRESHOLD && s < NAMES_DEFAULT_THRESHOLD, "%.3f", s);
	}
}

/* Contractions: vowels dropped and slash contractions of a word are that
 * word; of the trade vocabulary, read as the word itself, of a distinctive
 * word, a weaker name part (a possible match unless the rest is exact). */
static void contractions(void)
{
	const char *kestrel = "Kestrel Overseas Manpower";

	/* "Ovrseas" is one letter from "overseas": a typo of a trade word */
	norm_is("Kestrel Ovrseas Manpwr", "kestrel overseas manpower");
	norm_is("Kestrel O/seas Manpower", "kestrel overseas manpower");
	norm_is("Kestrel 0/S Manpower", "kestrel os manpower");
	norm_is("Rolle Farm Labor Cntrctr", "rolle");
	T_CHECK(names_score(kestrel, "Kestrel Ovrseas Manpwr") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(kestrel, "Kestrel O/seas Manpower") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(kestrel, "Kestrel 0/S Manpower") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(kestrel, "Kestrel Manpwr") >= NAMES_DEFAULT_THRESHOLD);
	/* the distinctive word contracted: a short skeleton for review, not a
	 * match; a long one (four consonants after the first letter, round
	 * 14) and a slash contraction are matches */
	{
		double k = names_score("Kopano Manpower", "Kpn Manpower");
		double h = names_score("Global Horizons Manpower", "Global H/zons Manpower");

		T_CHECKF(k >= NAMES_REVIEW_THRESHOLD && k < NAMES_DEFAULT_THRESHOLD, "%.3f", k);
		T_CHECKF(h >= NAMES_DEFAULT_THRESHOLD, "%.3f", h);
	}
	/* a two-word name with the rest exact: vowels dropped is a match */
	T_CHECK(names_score("Ponderosa Cattle", "Pndrs Cattle") >= NAMES_DEFAULT_THRESHOLD);
	/* not contractions: another word with the same first letter, a word of
	 * a legal phrase ("limited by guarantee"), a short acronym, numbers */
	T_CHECK(names_score(kestrel, "Kent Overseas Manpower") < NAMES_REVIEW_THRESHOLD);
	norm_is("Grant Farms", "grant farms");
	norm_is("TRD Farms", "trd farms");
	norm_is("Kestrel A/S", "kestrel");
	/* a number is no contraction: added, it makes a possible match of a
	 * one-word name (numbers_added), never a match */
	T_CHECK(names_score("Kestrel 10/20 Manpower", "Kestrel Manpower") < NAMES_DEFAULT_THRESHOLD);
}

/* Round 20: an apostrophe before a word's last letters marks letters left
 * out, as a slash does: "Internat'l" is "international" (a trade word,
 * dropped as the word written out), "Ass'n" "association". A possessive
 * and a name's apostrophe join the letters around them, as before. Fails
 * when the apostrophe is only dropped ("internatl" is no word). */
static void elisions(void)
{
	const char *ilm = "International Labor Management";

	norm_is("Internat'l Labor Management", "labor management");
	norm_is("Internat\xe2\x80\x99l Labor Management", "labor management"); /* U+2019 */
	norm_is("Nat'l Manpower Ass'n", "national manpower");
	T_CHECK(names_score(ilm, "Internat'l Labor Management") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(ilm, "Internat'l Labor Mgmt.") >= NAMES_DEFAULT_THRESHOLD);
	/* not elisions: a possessive, a name's apostrophe, letters that
	 * shorten no vocabulary word, another word of the vocabulary */
	norm_is("Mike's Agency", "mikes agency");
	norm_is("O'Brien Farms", "obrien farms");
	norm_is("Rock'n Roll Jobs", "rockn roll jobs");
	T_CHECK(names_score(ilm, "Nat'l Labor Management") < NAMES_DEFAULT_THRESHOLD);
}

/* Round 20: the agencies' names in French and Spanish. ILO Convention 181's
 * names for a recruiter in those languages ("agencia de empleo", "agence de
 * recrutement", "empresa de trabajo temporal") are dropped like "employment
 * agency", and the trade words they are made of leave the core and weigh
 * little, like the English ones. Fails with the English vocabulary alone
 * ("Agencia de Empleo Nuevo Horizonte" and "Nuevo Horizonte" were 0.38). */
static void french_spanish_trade_words(void)
{
	static const char *const weak[] = {
		"agence", "agencia", "colocacion", "consultores", "empleo", "empleos",
		"emploi", "emplois", "humaines", "humanos", "interim", "reclutamiento", "recrutement",
		"recursos", "ressources", "servicios", "trabajo", "travail"};
	const char *nh = "Agencia de Empleo Nuevo Horizonte S.A.";
	const char *sl = "Agence de Recrutement Soleil Levant SARL";
	double distinct = names_similarity("kopano", "kopano zebra");

	T_CHECK(names_score(nh, "Nuevo Horizonte SA") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(nh, "Agencia Nuevo Horizonte") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(nh, "Nuevo Horizonte Empleos") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(sl, "Soleil Levant") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(sl, "Soleil Levant Emplois") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Empresa de Trabajo Temporal Los Andes SL", "Los Andes") >=
		NAMES_DEFAULT_THRESHOLD);
	/* the articles of both languages are small words ("los", "las"; "au") */
	T_CHECK(names_score("Empresa de Trabajo Temporal Los Andes SL", "Andes Empleo") >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(sl, "Soleil Levant Interim") >= NAMES_DEFAULT_THRESHOLD);
	/* the distinctive words still decide */
	T_CHECK(names_score(nh, "Agencia de Empleo Nuevo Amanecer") < NAMES_REVIEW_THRESHOLD);
	T_CHECK(names_score(sl, "Agence de Recrutement Soleil Couchant") < NAMES_DEFAULT_THRESHOLD);
	/* each word weighs as a generic word (the list is searched by bsearch:
	 * a word out of order would weigh as a distinctive one) */
	for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
		char b[64];
		double x;

		snprintf(b, sizeof b, "kopano %s", weak[i]);
		x = names_similarity("kopano", b);
		T_CHECKF(x > distinct, "%s: %.3f, a distinctive word %.3f", weak[i], x, distinct);
	}
}

/* Round 20: a name written as a web address is its host's words: scheme,
 * "www", port, path and public suffix (the Public Suffix List) are none.
 * Fails when the address is tokenised as any text ("www" and "com" were
 * two distinctive words the firm's name lacks). */
static void web_addresses(void)
{
	const char *ilm = "International Labor Management Corp.";

	norm_is("www.international-labor-management.com", "labor management");
	norm_is("https://www.international-labor-management.com/about", "labor management");
	norm_is("http://acme-manpower.co.za/jobs?x=1", "acme manpower");
	norm_is("www2.kestrel-overseas.com.ph:8080", "kestrel overseas");
	T_CHECK(names_score(ilm, "www.international-labor-management.com") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score(ilm, "international-labor-management.com") >= NAMES_DEFAULT_THRESHOLD);
	/* not addresses: words, a last label no registry runs, an empty label */
	norm_is("Acme Manpower", "acme manpower");
	norm_is("J.P.Morgan", "jp morgan");
	norm_is("www.acme", "www acme");
	/* a name written with dots keeps every word but the suffix */
	norm_is("Nuevo.Horizonte.SA", "nuevo horizonte");
}

/* Round 14: a consonant skeleton long enough to be distinctive scores as a
 * typo of its word; a slash contraction keeps its slash and matches a word
 * of the other name that starts and ends as it does; legal forms are read
 * through a number added inside or after them. */
static void round14_rules(void)
{
	double s;

	/* skeletons: four consonants or more after the first letter */
	T_CHECK(names_score("Kestrel Overseas Manpower", "Kstrl Overseas Manpower") >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("SHIVIND LTD.", "SHVND LTD.") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Technique Import Export Joint Stock Company",
			    "Tchnq Import Export Joint Stock Company") >= NAMES_DEFAULT_THRESHOLD);
	/* three: as much an acronym, a possible match */
	s = names_score("GABICE S.A.C.", "GBC S.A.C.");
	T_CHECKF(s >= NAMES_REVIEW_THRESHOLD && s < NAMES_DEFAULT_THRESHOLD, "%.3f", s);
	/* a consonant changed is no skeleton */
	T_CHECK(names_score("Kestrel Overseas Manpower", "Kstrm Overseas Manpower") <
		NAMES_DEFAULT_THRESHOLD);

	/* the slash stays in the normal form */
	norm_is("Luis A/rez", "luis a/rez");
	norm_is("Kestrel O/seas Manpower", "kestrel overseas manpower");
	T_CHECK(names_score("Luis Alvarez", "Luis A/rez") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Bullberry Ranches", "B/erry Ranches") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("NOBSACONSTRUCCIONES S.A.", "N/RUCCIONES S.A.") >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Kopano Manpower Services", "K/ano Manpower Services") >=
		NAMES_DEFAULT_THRESHOLD);
	/* without the slash the letters are another name */
	T_CHECK(names_score("Luis Alvarez", "Luis Arez") < NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Bullberry Ranches", "Berry Ranches") < NAMES_DEFAULT_THRESHOLD);
	/* the tail must end the word, and hold three letters */
	T_CHECK(names_score("Luis Alvarez", "Luis A/rex") < NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Luis Alvarez", "Luis A/ez") < NAMES_DEFAULT_THRESHOLD);
	/* the first letters must start it */
	T_CHECK(names_score("Luis Alvarez", "Luis E/rez") < NAMES_DEFAULT_THRESHOLD);
	/* a number with a slash is a number */
	norm_is("Kestrel 10/20", "kestrel 1020");

	/* a vocabulary word split into two or three pieces is joined back */
	norm_is("Maple Ridge Custom Serv.ices LLC", "maple ridge custom");
	norm_is("Metal Engin eering EOOD", "metal engineering");
	norm_is("Sadin Inte-rnat-ional Operations Ltd.", "sadin");
	T_CHECK(names_score("Myers International Midways, Inc.",
			    "Myers Inte\xe3\x80\x80rnat\xe3\x80\x80ional Midways, Inc.") >=
		NAMES_DEFAULT_THRESHOLD);
	/* other words that spell something together stay words */
	norm_is("Sun Set Farms", "sun set farms");

	/* legal forms read through a number */
	norm_is("Caroline Ag II Inc.", "caroline ii");
	norm_is("Alyans Beton Limited Liability IV Company", "alyans beton iv");
	norm_is("Swaan Consulting AB Three", "swaan consulting three");
	norm_is("Productionsekonomi I Stockholm AB 3rd", "productionsekonomi stockholm third");
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency (Pty) Ltd",
			    "Thaba Bosiu Overseas Employment Agency AG 2") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Alyans Beton Limited Liability Company",
			    "Alyans Beton Limited Liability IV Company") >= NAMES_DEFAULT_THRESHOLD);
	/* one distinctive word and a number: still a possible match only */
	s = names_score("Caroline Ag Inc.", "Caroline Ag II Inc.");
	T_CHECKF(s >= NAMES_REVIEW_THRESHOLD && s < NAMES_DEFAULT_THRESHOLD, "%.3f", s);
	/* numbers on both sides still tell firms apart */
	T_CHECK(names_score("Hebei Construction Group Corporation Limited No 1 Branch",
			    "Hebei Construction Group Corporation Limited No. 7 Branch") <
		NAMES_REVIEW_THRESHOLD);
}

/* Digits and symbols for letters (leetspeak): the confusable form reads
 * them as letters, the normal form keeps them, so an evasion scores as the
 * name and an alphanumeric name still matches only as written. */
static void digits_as_letters(void)
{
	forms_are("K3strel Overseas Manpower", "k3strel overseas manpower",
		  "kestrel overseas manpower",
		  NAMES_SUSPICIOUS_DIGITS);
	forms_are("K@p4n0 Manpower", "k p4n0 manpower", "kapano manpower", NAMES_SUSPICIOUS_DIGITS);
	forms_are("Ca$h Flow Staffing", "ca h flow staffing", "cash flow staffing", NAMES_SUSPICIOUS_DIGITS);
	/* a digit and a symbol side by side are one run inside the word */
	forms_are("K3$trel Overseas", "k3 trel overseas", "kestrel overseas", NAMES_SUSPICIOUS_DIGITS);
	/* round 17: an exclamation mark inside a word is an i; after one,
	 * punctuation */
	T_CHECK(names_score("Internat!onal Labor Management Corp", "International Labor Management Corp.") >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Kopano Manpower Serv!ces", "Kopano Manpower Services") >= NAMES_DEFAULT_THRESHOLD);
	forms_are("Yahoo! Staffing", "yahoo staffing", "", 0);
	/* a symbol between words of one letter, or beside a number, is none */
	forms_are("A $ B Hire", "ab hire", "", 0);
	T_CHECK(names_score("K3strel Overseas Manpower", "Kestrel Overseas Manpower") >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("K3str3l 0v3rs345 Manpow3r", "Kestrel Overseas Manpower") >=
		NAMES_DEFAULT_THRESHOLD);
	/* a digit read as a letter takes the case beside it, so it starts
	 * no word of its own (was "manp ower", "manp0 wer") */
	forms_are("Kestrel Manp0wer", "kestrel manp0wer", "kestrel manpower", NAMES_SUSPICIOUS_DIGITS);
	forms_are("KESTREL MANP0WER", "kestrel manp0wer", "kestrel manpower", NAMES_SUSPICIOUS_DIGITS);
	/* numbers and short alphanumeric names are names: no second form */
	forms_are("3M South Africa", "3m south africa", "", 0);
	forms_are("G4S Secure Solutions", "g4s secure solutions", "", 0);
	forms_are("A2Z Infraservices", "a2z infra", "", 0);
	forms_are("1st Choice Staffing", "first choice staffing", "", 0);
	T_CHECK(names_score("3M South Africa", "EM South Africa") < NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("G4S Secure Solutions", "GAS Secure Solutions") <
		NAMES_DEFAULT_THRESHOLD);
	/* 1 looks like l and like i: the word decides. Between consonants
	 * the word needs a vowel ("K1t" was "klt", missed by a three-letter
	 * word that no edit budget covers); beside a vowel, l */
	forms_are("K1t Recruitment", "k1t recruitment", "kit recruitment", NAMES_SUSPICIOUS_DIGITS);
	forms_are("F1rst Choice Labour", "f1rst choice labour", "first choice labour",
		  NAMES_SUSPICIOUS_DIGITS);
	forms_are("G1obal Talent Hire", "g1obal talent hire", "global talent hire",
		  NAMES_SUSPICIOUS_DIGITS);
	T_CHECK(names_score("K1t Recruitment", "Kit Recruitment") >= NAMES_DEFAULT_THRESHOLD);
	/* digits that are a number stay one: several in a row at a word's
	 * edge, or one before a capitalised word; each digit is read once
	 * ("5000Jobs" was "sooojobs", and matched "Sooo Jobs") */
	forms_are("5000Jobs", "5000jobs", "", 0);
	forms_are("Staff365 Recruitment", "staff365 recruitment", "", 0);
	forms_are("4Life Staffing", "4life staffing", "", 0);
	T_CHECK(names_score("5000Jobs", "Sooo Jobs") < NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("5000Jobs", "5000 Jobs") >= NAMES_DEFAULT_THRESHOLD);
	/* a number has no leading zero: "S000" is letters */
	forms_are("S000 Jobs", "s000 jobs", "sooo jobs", NAMES_SUSPICIOUS_DIGITS);
	/* ... unless the word is written in digits throughout, or the digits
	 * are enclosed by letters */
	T_CHECK(names_score("K3str3l 0v3rs345 Manpow3r", "Kestrel Overseas Manpower") >= 1.0);
	forms_are("Gr33n Fields Labour", "gr33n fields labour", "green fields labour",
		  NAMES_SUSPICIOUS_DIGITS);
	/* four characters, two of them letters, are a word too ("D5C0") */
	forms_are("D5C0 Trading", "d5c0 trading", "dsco trading", NAMES_SUSPICIOUS_DIGITS);
	forms_are("R3S4 Trading", "r3s4 trading", "resa trading", NAMES_SUSPICIOUS_DIGITS);
}

static void licence_is(const char *in, const char *want)
{
	char out[INTEGRITY_LIC_CAP];

	T_EQ_INT(names_licence_key(in, out, sizeof out), 0);
	T_EQ_STR(out, want);
}

static void licence_keys(void)
{
	licence_is("LS-KMS-0042", "LSKMS42");
	licence_is("ls kms 0042", "LSKMS42");
	licence_is("\xef\xbc\xac\xef\xbc\xb3\xef\xbc\x8d\xef\xbc\xab\xef\xbc\xad\xef\xbc\xb3\xef\xbc\x8d"
		   "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x94\xef\xbc\x92", "LSKMS42");
	licence_is("L\xd0\x85-\xd0\x9a\xd0\x9c\xd0\x85-0042", "LSKMS42");
	licence_is("LS\xe2\x80\x8b-KMS-0042", "LSKMS42");
	/* the letters O and I for the digits 0 and 1 */
	licence_is("LS-KMS-OO42", "LSKMS42");
	licence_is("ls-kms-oo4z", "LSKMS4Z");
	licence_is("RA-IO-1", "RA101");
	licence_is("", "");
}

/* Round 12, second part: a digit run's leading zeros and a label written
 * before the number do not make another licence; other digits do. */
static void licence_written_out(void)
{
	licence_is("LS-RA-0457", "LSRA457");
	licence_is("LSRA457", "LSRA457");
	licence_is("LS-KMS-42", "LSKMS42");
	licence_is("LS-RA-4570", "LSRA4570"); /* another licence */
	licence_is("LS-RA-0450", "LSRA450");
	licence_is("LS-RA-0", "LSRA0");
	licence_is("0457-RA", "457RA");
	licence_is("Licence No. LS-KMS-0042", "LSKMS42");
	licence_is("License #LS-KMS-0042", "LSKMS42");
	licence_is("licence number: LS-KMS-0042", "LSKMS42");
	licence_is("Lic. No: LS-KMS-0042", "LSKMS42");
	licence_is("No. LS-KMS-0042", "LSKMS42");
	licence_is("Num\xc3\xa9ro de licence LS-KMS-0042", "LSKMS42");
	licence_is("Permit no LS-KMS-0042", "LSKMS42");
	/* a country code is no label; a label with no number after it stays */
	licence_is("NO-RA-0457", "N0RA457");
	licence_is("NO RA 0457", "N0RA457");
	licence_is("Licence", "L1CENCE");
	{
		char a[INTEGRITY_LIC_CAP], b[INTEGRITY_LIC_CAP];

		T_EQ_INT(names_licence_key("LS-RA-0457", a, sizeof a), 0);
		T_EQ_INT(names_licence_key("LS-RA-4570", b, sizeof b), 0);
		T_CHECK(strcmp(a, b) != 0);
	}
}

/* Round 13 (docs/integrity.md, "Round 13: a second attack"): an
 * abbreviation with its full stop is the trade word it starts; a dollar
 * sign at a word's edge is an S in the confusable form, never beside
 * digits; a licence's Latin look-alikes by their UTS #39 skeleton and
 * without a bracketed remark after the number. */
static void round13_forms(void)
{
	char n[NAMES_NORM_CAP], k[NAMES_NORM_CAP];

	norm_is("Kopano Manpower Serv.", "kopano manpower");
	norm_is("Kopano Manpower Serv. Ltd", "kopano manpower");
	norm_is("Thaba Bosiu O/seas Empl. Agcy", "thaba bosiu");
	/* no full stop, a word split by one, too short, a legal form: words */
	norm_is("Kopano Serv", "kopano serv");
	norm_is("Kop.ano Kopano", "kop ano kopano");
	norm_is("St. Mary Farms", "st mary farms");
	norm_is("Acme Corp.", "acme");
	T_CHECK(names_score("Kopano Manpower Services", "Kopano Manpower Serv.") >=
		NAMES_DEFAULT_THRESHOLD);

	T_EQ_INT(names_normalise_forms("Kopan0 Manp0wer $ervices", 24, n, sizeof n, k, sizeof k, NULL),
		 0);
	T_EQ_STR(k, "kopano manpower");
	T_EQ_INT(names_normalise_forms("Kopano Service$", 15, n, sizeof n, k, sizeof k, NULL), 0);
	T_EQ_STR(k[0] ? k : n, "kopano");
	T_EQ_INT(names_normalise_forms("$5 Jobs", 7, n, sizeof n, k, sizeof k, NULL), 0);
	T_EQ_STR(n, "five jobs");
	T_CHECK(!k[0] || strcmp(k, "five jobs") == 0);
	T_CHECK(names_score("Kopano Manpower Services", "Kopan0 Manp0wer $ervices") >=
		NAMES_DEFAULT_THRESHOLD);

	licence_is("LS-KMS-004\xc6\xa7", "LSKMS42");      /* U+01A7 tone two */
	licence_is("LS-KMS-00\xc6\xbc\xc6\xbc", "LSKMS55"); /* U+01BC tone five */
	licence_is("LS-KMS-0042 (valid)", "LSKMS42");
	licence_is("LS-KMS-0042 [expired 2024]", "LSKMS42");
	licence_is("(LS-KMS-0042)", "LSKMS42");
	licence_is("L\xc3\xa9-KMS-1", "LEKMS1"); /* an accent is no look-alike */

	/* Greek read as pronounced (BGN/PCGN): "Θάμπα Μπόσιου" */
	norm_is("\xce\x98\xce\xac\xce\xbc\xcf\x80\xce\xb1 \xce\x9c\xcf\x80\xcf\x8c\xcf\x83\xce\xb9"
		"\xce\xbf\xcf\x85",
		"thamba bosiou");
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency (Pty) Ltd",
			    "\xce\x98\xce\xac\xce\xbc\xcf\x80\xce\xb1 \xce\x9c\xcf\x80\xcf\x8c\xcf\x83"
			    "\xce\xb9\xce\xbf\xcf\x85") >= NAMES_DEFAULT_THRESHOLD);
}

/* Round 12, second part: a number added to a name carries no identity.
 * Equal but for it: at least a possible match; a match when two
 * distinctive words (not generic, not a place) are left; numbers on both
 * sides tell firms apart. */
static void numbers_added(void)
{
	const char *reg = "Thaba Bosiu Overseas Employment Agency (Pty) Ltd";

	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency 2", reg) >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency II", reg) >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency Second", reg) >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency 2nd", reg) >=
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency 12345", reg) >=
		NAMES_DEFAULT_THRESHOLD);
	/* below an exact name */
	T_CHECK(names_score("Thaba Bosiu Overseas Employment Agency 2", reg) < 1.0);
	/* one distinctive word: a possible match, not a match */
	T_CHECK(names_score("Kopano 2 Manpower", "Kopano Manpower") >= NAMES_REVIEW_THRESHOLD);
	T_CHECK(names_score("Kopano 2 Manpower", "Kopano Manpower") < NAMES_DEFAULT_THRESHOLD);
	/* a place is no distinctive word */
	T_CHECK(names_score("Bowne Global Solutions II Denmark", "Bowne Global Solutions Denmark") <
		NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Bowne Global Solutions II Denmark", "Bowne Global Solutions Denmark") >=
		NAMES_REVIEW_THRESHOLD);
	/* numbers both hold count as words; extra numbers on both sides differ */
	T_CHECK(names_score("Three Sisters Farms 3", "Three Sisters Farms") >= NAMES_REVIEW_THRESHOLD);
	T_CHECK(names_score("Acme Kestrel 2", "Acme Kestrel 3") < NAMES_REVIEW_THRESHOLD);
	T_CHECK(names_score("Kestrel 2", "Kestrel 3") < NAMES_REVIEW_THRESHOLD);
	/* a number alone is no name; another word is still another firm */
	T_CHECK(names_score("Thaba 2", reg) < NAMES_REVIEW_THRESHOLD);
	T_CHECK(names_score("Thaba Maluti 2", reg) < NAMES_REVIEW_THRESHOLD);
	/* Roman numerals only of i, v, x ("mix" stays a word) */
	T_CHECK(names_score("Kopano Mix", "Kopano") < NAMES_REVIEW_THRESHOLD);
}

/* Round 12, second part: a typo in a trade word or legal form is that
 * word, so the phrase it belongs to is dropped as written out; real
 * words one letter from another stay ("Hunan", "Truong"). */
static void trade_word_typos(void)
{
	norm_is("Thaba Bosiu Oversea Employment Agncy", "thaba bosiu");
	norm_is("Thaba Bosiu Overseas Employmnt Agency", "thaba bosiu");
	norm_is("Kopano Recrutment Agency", "kopano");
	norm_is("Kopano Manpowr Servces Limitd", "kopano manpower");
	norm_is("Hunan Construction Group Co., Ltd.", "hunan construction group");
	norm_is("Truong Viwaseen Investment JSC", "truong viwaseen investment");
	norm_is("Tuong Dang Viet Nam", "tuong dang viet nam");
	norm_is("Societe par actions simplifiee Flowbird", "flowbird");
	T_CHECK(names_score("Thaba Bosiu Oversea Employment Agncy",
			    "Thaba Bosiu Overseas Employment Agency (Pty) Ltd") >= 1.0);
}

/* Round 12's attack: decoration inside a word vanishes, separators stay;
 * a letter tripled in a long word is doubled; a bidi override is read as
 * displayed in the confusable form; a word split anywhere is joined back
 * by the similarity. */
static void broken_words(void)
{
	norm_is("Kop*ano Manpower", "kopano manpower");
	norm_is("Kop_ano Manpower", "kopano manpower");
	norm_is("Kop\xe2\x80\xa2" "ano Manpower", "kopano manpower"); /* bullet */
	norm_is("Kop\xf0\x9f\x98\x80" "ano Manpower", "kopano manpower"); /* emoji */
	norm_is("Col\xc2\xb7legi Farms", "collegi farms"); /* Catalan middle dot */
	norm_is("Kop-ano Hire", "kop ano hire"); /* separators stay */
	norm_is("AT&T Labour", "at t labour");
	norm_is("A&B Farms", "ab farms"); /* single letters are joined anyway */
	norm_is("Kopppano Farms", "koppano farms");
	norm_is("SERVIIICES Kopano", norm_of("Serviices Kopano"));
	norm_is("AAA Staffing", "aaa staffing"); /* short words keep them */
	forms_are("\xe2\x80\xae" "onapoK\xe2\x80\xac Farms", "onapok farms", "kopano farms", 0);
	T_CHECK(names_score("Kop-ano Farms", "Kopano Farms") >= 1.0);
	T_CHECK(names_score("Ko pa no Farms", "Kopano Farms") >= 1.0);
	T_CHECK(names_score("Kop-pano Farms", "Kopano Farms") >= NAMES_DEFAULT_THRESHOLD);
	T_CHECK(names_score("Kooppano Farms", "Kopano Farms") >= NAMES_REVIEW_THRESHOLD);
	/* pieces that are words of the other name are not joined */
	T_CHECK(names_score("Kop Ano Farms", "Kop Ano Farms") >= 1.0);
	T_CHECK(names_score("Acme Farm Labour", "Acmefarm Labour") >= NAMES_DEFAULT_THRESHOLD);
}

/* Shapes real registers take: the same firm, the same tokens. */
static void reshaped_names(void)
{
	norm_is("SiemensAG", "siemens");
	norm_is("Siemens AG", "siemens");
	norm_is("CNN CAUCASIALLC", "cnn caucasia");
	norm_is("Airserco PrivateLimited", "airserco");
	norm_is("BV O-GROUP", "o group");
	norm_is("O-GROUP BV", "o group");
	norm_is("AB Manpower", "ab manpower"); /* one word after: AB may be the name */
	norm_is("Forty-Four Farms", "forty four farms");
	norm_is("44 Farms", "forty four farms");
	norm_is("1st Choice Labour", "first choice labour");
	norm_is("First Choice Labour", "first choice labour");
	norm_is("SOCIEDAD DE RESPONSABLIDAD LIMITADA Andes Personal",
		norm_of("Andes Personal S.R.L."));
	norm_is("McDonald Farms", "mcdonald farms"); /* two letters: no split */
	/* "corporation" is a form, never "corp" + "oration" */
	norm_is("Gallegos Corporation", "gallegos");
	/* the last word of a long form glued to the next word */
	norm_is("Công ty cổ phầnđầu tư Hà Nội", "dau tu ha noi");
	norm_is("Limited Liability Company Iskusstvo Krasoty", "iskusstvo krasoty");
	/* a dotted legal form whose first letter is glued to the word
	 * before; spaced, or not a form, nothing moves */
	norm_is("BOFRAS.A.R.L.", "bofra");
	norm_is("ACMES.A.R.L. Maseru", "acme maseru");
	norm_is("Lopes A.R.L.", "lopes arl");
	norm_is("Jones.K.L.M.", "jones klm");
	/* neighbours cut elsewhere align as one; other letters do not */
	T_CHECK(names_score("M/S GUL CONSTRUCTION CO.", "M/SGUL CONSTRUCTION CO.") >= 0.99);
	T_CHECK(names_similarity("m sgul construction", "ms gul construction") >= 0.99);
	T_CHECK(names_similarity("m sgal construction", "ms gul construction") < 0.91);
}

/* Whether name (query or registered) has acronym key k. */
static int has_key(const char *name, int query, const char *k)
{
	char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
	int n = names_acronym_keys(name, strlen(name), query, keys, NULL);

	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return 1;
	return 0;
}

/* Acronym keys and the rule that decides what a shared key proves. */
static void acronyms(void)
{
	char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
	int pure = -1;

	T_CHECK(has_key("Fuping Fuyuan Concrete Co., Ltd.", 0, "ffc"));
	T_CHECK(has_key("Hongkong and Shanghai Banking Corporation", 0, "hsbc"));
	T_CHECK(has_key("Charles Hass DBA H&R Farms", 0, "chdhrf"));
	T_CHECK(has_key("Charles Hass DBA H&R Farms", 0, "chdhf"));
	T_CHECK(has_key("FFC Co., Ltd.", 1, "ffc"));
	T_CHECK(has_key("F.F.C.", 1, "ffc"));
	T_CHECK(has_key("F \xe2\x80\x8b F C", 1, "ffc"));
	T_CHECK(has_key("\xd0\x9a\xd0\x9c\xd0\x85", 1, "kms")); /* Cyrillic КМЅ */
	T_CHECK(has_key("J. R. Smith Recruiting", 1, "jrsr"));
	T_CHECK(has_key("John Robert Smith Recruiting", 0, "jrsr"));
	/* a query of ordinary words has no key; a legal form is no acronym */
	T_EQ_INT(names_acronym_keys("Fuping Fuyuan Concrete", 22, 1, keys, &pure), 0);
	T_EQ_INT(pure, 0);
	T_CHECK(!has_key("R.D. Ltd.", 1, "rdltd"));
	T_CHECK(names_acronym_keys("KMS", 3, 1, keys, &pure) == 1 && pure == 1);
	T_CHECK(names_acronym_keys("J. R. Smith", 11, 1, keys, &pure) >= 1 && pure == 0);
	T_EQ_INT(names_acronym_shared("FFC", "Fuping Fuyuan Concrete Co., Ltd."), 3);
	T_EQ_INT(names_acronym_shared("FFC", "Hanoi Trading Company"), 0);
	/* the registry's one-pass form gives the same normal form and keys */
	{
		static const char *const regs[] = {"Fuping Fuyuan Concrete Co., Ltd.",
						   "Charles Hass DBA H&R Farms",
						   "\xd0\x9e\xd0\x9e\xd0\x9e \xd0\x9a\xd0\xbe\xd1\x80\xd0\xb0\xd0\xbf\xd0\xbe"};
		char k2[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP], n1[NAMES_NORM_CAP], n2[NAMES_NORM_CAP];
		char s1[NAMES_NORM_CAP], s2[NAMES_NORM_CAP];

		for (size_t i = 0; i < sizeof regs / sizeof *regs; i++) {
			int a = names_acronym_keys(regs[i], strlen(regs[i]), 0, keys, NULL);
			int b = names_normalise_acronyms(regs[i], strlen(regs[i]), n2, sizeof n2, s2,
							 sizeof s2, k2);

			names_normalise_forms(regs[i], strlen(regs[i]), n1, sizeof n1, s1, sizeof s1, NULL);
			T_EQ_INT(a, b);
			for (int j = 0; j < a && j < b; j++)
				T_EQ_STR(keys[j], k2[j]);
			T_EQ_STR(n1, n2);
			T_EQ_STR(s1, s2);
		}
	}
	/* typed keys: the letters of the legal form that ends the name are
	 * upper-case in a twin key, on both sides; trade words and a leading
	 * form ("CC" Benoit) are no such letters */
	T_CHECK(has_key("GHM Inc.", 1, "ghmI:inc"));
	T_CHECK(has_key("Global Horizons Manpower, Inc.", 0, "ghmI:inc"));
	T_CHECK(!has_key("Guangxi Hydraulic Machinery Co., Ltd.", 0, "ghmI:inc"));
	T_CHECK(has_key("A.I. Limited", 1, "aiL:ltd"));
	T_CHECK(has_key("Ayemo Investments Limited", 0, "aiL:ltd"));
	T_CHECK(!has_key("A2Z Infraservices Lanka Pvt. Ltd.", 0, "aiL:ltd"));
	T_CHECK(has_key("Magic Genie Services Ltd.", 0, "mgsL:ltd"));
	T_CHECK(has_key("CC Benoit Companies LLC", 0, "cbcL:llc"));
	T_CHECK(!has_key("GHM", 1, "ghmI:inc"));
	/* ... and name the kind of their legal form (OpenSanctions' main
	 * form of its type), so forms with the same letter differ: an LLC is
	 * no Ltd, a Corporation no Co.; spelt out or abbreviated, one kind */
	T_CHECK(has_key("CBC LLC", 1, "cbcL:llc"));
	T_CHECK(!has_key("Chase Berkeley Cavendish Ltd.", 0, "cbcL:llc"));
	T_CHECK(has_key("Chase Berkeley Cavendish Ltd.", 0, "cbcL:ltd"));
	T_CHECK(has_key("HCG Corporation Limited", 1, "hcgCL:corp+ltd"));
	T_CHECK(has_key("Hebei Construction Group Corporation Limited", 0, "hcgCL:corp+ltd"));
	T_CHECK(has_key("Hunan Construction Group Co., Ltd.", 0, "hcgCL:co+ltd"));
	T_CHECK(has_key("Hunan Construction Group Company Limited", 0, "hcgCL:co+ltd"));
	/* trade words beside the initials are evidence too, as words */
	T_CHECK(has_key("SSF Manpower Services", 1, "ssf/manpower"));
	T_CHECK(has_key("Sizwe Sipho Fana Manpower", 0, "ssf/manpower"));
	T_CHECK(!has_key("Stephen Smith Farms", 0, "ssf/manpower"));
	T_CHECK(!has_key("SSF Staffing", 1, "ssf/manpower"));
	T_EQ_INT(names_acronym_key_len("ssf/manpower"), 3);
	T_CHECK(names_acronym_typed("ssf/manpower") && names_acronym_typed("cbcL:llc") &&
		!names_acronym_typed("ssf"));
	T_EQ_INT(names_acronym_key_len("hcgCL:co+ltd"), 5);
	T_EQ_INT(names_acronym_key_len("hcg"), 3);
	T_EQ_INT(names_acronym_shared("CBC LLC", "CC Benoit Companies LLC"), 4);
	/* one holder decides, several never do, two letters never decide */
	T_CHECK(names_acronym_score(0.9, 1, 3, 0.91, 0.85) == 0.91);
	T_CHECK(names_acronym_score(0.6, 2, 3, 0.91, 0.85) == 0.85);
	T_CHECK(names_acronym_score(0.88, 5, 4, 0.91, 0.85) == 0.88);
	T_CHECK(names_acronym_score(0.9, 1, 2, 0.91, 0.85) < 0.91);
	T_CHECK(names_acronym_score(0.95, 3, 3, 0.91, 0.85) == 0.95);
	/* hostile input: bounded, no crash */
	{
		char big[4096];

		memset(big, 'A', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		T_CHECK(names_acronym_keys(big, strlen(big), 1, keys, NULL) >= 0);
		for (size_t i = 0; i + 2 < sizeof big; i += 2)
			big[i + 1] = ' ';
		T_CHECK(names_acronym_keys(big, strlen(big), 0, keys, NULL) >= 0);
		T_CHECK(names_acronym_keys(NULL, 0, 1, keys, NULL) == NAMES_EINVAL);
	}
}

/* The check's scores: exact and near-exact names at 1.0. */
static void exact_scores(void)
{
	T_CHECK(names_score("PT DDC CONSULTANTS", "PT DDC CONSULTANTS") == 1.0);
	T_CHECK(names_score("PT XYZ CONSULTANTS", "PT XYZ CONSULTANTS") == 1.0);
	T_CHECK(names_score("Acme Recruitment Agency", "ACME Recruitment") == 1.0);
	T_CHECK(names_score("BV O-GROUP", "O-GROUP BV") == 1.0);
	/* different firms stay apart */
	T_CHECK(names_score("Acme Manpower", "Apex Manpower") < NAMES_REVIEW_THRESHOLD);
	T_CHECK(names_score("Deutsche Bank", "Dresdner Bank") < NAMES_DEFAULT_THRESHOLD);
	T_CHECK(NAMES_REVIEW_THRESHOLD < NAMES_DEFAULT_THRESHOLD);
}

int main(void)
{
	T_RUN(jellyfish_expected_values);
	T_RUN(helpers_builtin);
	T_RUN(normalise_cases);
	T_RUN(legal_forms_added);
	T_RUN(normalise_other_scripts);
	T_RUN(normalise_hostile);
	T_RUN(positives_above_threshold);
	T_RUN(hard_negatives_below_threshold);
	T_RUN(similarity_properties);
	T_RUN(threads);
	T_RUN(canonical_invisible);
	T_RUN(canonical_lookalikes);
	T_RUN(canonical_letter_like);
	T_RUN(canonical_trade_marks);
	T_RUN(canonical_round18);
	T_RUN(alias_parts);
	T_RUN(cut_reading);
	T_RUN(contractions);
	T_RUN(elisions);
	T_RUN(french_spanish_trade_words);
	T_RUN(web_addresses);
	T_RUN(digits_as_letters);
	T_RUN(licence_keys);
	T_RUN(licence_written_out);
	T_RUN(round13_forms);
	T_RUN(round14_rules);
	T_RUN(numbers_added);
	T_RUN(trade_word_typos);
	T_RUN(broken_words);
	T_RUN(reshaped_names);
	T_RUN(exact_scores);
	T_RUN(acronyms);
	return T_DONE();
}
