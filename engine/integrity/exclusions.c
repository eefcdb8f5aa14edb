/*
 * exclusions.c - reviewed false positives: a regulator's decision that a
 * name, or another registered recruiter, is not recruiter R. Recording one
 * (append-only, audited), listing a recruiter's, and the in-memory set that
 * the check and the snapshot verdict consult: a name whose normal form is
 * excluded for R no longer matches R by name or alias (a licence match
 * still does). The set is reloaded with the snapshot on every server
 * (NOTIFY fairmatch_integrity "exclusion:<id>", then the refresher).
 *
 * Rows keep the name as given and are normalised when loaded, so a better
 * normaliser applies to old decisions too. Each decision is held under two
 * keys: the name's normal form (today's normaliser) and its *written key*
 * (integ__exclusion_key: the name as written, up to case, width, invisible
 * characters and punctuation), which no NAMES_FORMS_VERSION changes. A key
 * that is also one of R's own names' keys is ambiguous (a new normaliser
 * gave the reviewed name R's own form: round 13) and is not held: an
 * exclusion never hides R under its own name, and the name as reviewed
 * stays excluded by its written key. (Registered names never change: a
 * recruiter is append-only, so R's own keys are known at load.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/core/hash.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

/* An open-addressing set of (recruiter, normalised name), immutable once
 * built; a reload builds a new one and swaps it under the lock. */
struct excl_set {
	int64_t *ids;
	char **norms;
	size_t cap; /* a power of two, at least twice the entries */
	size_t n;
};

static struct excl_set *current;
static pthread_rwlock_t excl_lock = PTHREAD_RWLOCK_INITIALIZER;
/* The entries of current, read without the lock: the verdict scan asks once
 * per flagged recruiter, and most registers have no exclusion at all. */
static atomic_size_t excl_entries;

#define EXCLUSION_COLUMNS                                                                   \
	"e.id, e.recruiter, e.name, e.other, e.reason, e.created_org, " TS("e.created_at")

static void set_free(struct excl_set *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->cap; i++)
		free(x->norms[i]);
	free(x->norms);
	free(x->ids);
	free(x);
}

/* Marks the written key in the set: normal forms never hold this byte. */
#define XKEY_MARK '\x01'

int integ__exclusion_key(const char *name, char *out, size_t cap)
{
	/* NFKC_Casefold (which also removes default-ignorable code points),
	 * then every run of what is neither a letter, a mark nor a digit
	 * becomes one space. Deliberately not names_normalise: this key must
	 * not move when the normaliser does (NAMES_FORMS_VERSION). */
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&st);
	UChar in[INTEGRITY_NAME_MAX * 2 + 8], nf[INTEGRITY_NAME_MAX * 6 + 8],
		key[INTEGRITY_NAME_MAX * 6 + 8];
	int32_t n = 0, m, k = 0, i = 0, len;
	int space = 0;

	if (!cap)
		return -1;
	out[0] = '\0';
	if (!name || U_FAILURE(st))
		return -1;
	len = (int32_t)strnlen(name, INTEGRITY_NAME_MAX * 4);
	u_strFromUTF8Lenient(in, (int32_t)(sizeof in / sizeof in[0]), &n, name, len, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	m = unorm2_normalize(cf, in, n, nf, (int32_t)(sizeof nf / sizeof nf[0]), &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	while (i < m) {
		UChar32 c;
		int32_t at = i;

		U16_NEXT(nf, i, m, c);
		if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK)) {
			if (space && k)
				key[k++] = ' ';
			space = 0;
			while (at < i)
				key[k++] = nf[at++];
		} else {
			space = 1;
		}
	}
	u_strToUTF8(out, (int32_t)cap, &n, key, k, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static uint64_t key_hash(int64_t id, const char *norm)
{
	uint64_t h = hash_add(HASH_FNV64_BASIS, &id, sizeof id);

	return hash_add(h, norm, strlen(norm));
}

/* Adds (id, norm); 0, or -1 when out of memory. Duplicates are kept once. */
static int set_add(struct excl_set *x, int64_t id, const char *norm)
{
	size_t i;

	for (i = key_hash(id, norm) & (x->cap - 1); x->norms[i]; i = (i + 1) & (x->cap - 1))
		if (x->ids[i] == id && strcmp(x->norms[i], norm) == 0)
			return 0;
	if (!(x->norms[i] = strdup(norm)))
		return -1;
	x->ids[i] = id;
	x->n++;
	return 0;
}

static int set_has(const struct excl_set *x, int64_t id, const char *norm)
{
	for (size_t i = key_hash(id, norm) & (x->cap - 1); x->norms[i]; i = (i + 1) & (x->cap - 1))
		if (x->ids[i] == id && strcmp(x->norms[i], norm) == 0)
			return 1;
	return 0;
}

static struct excl_set *set_new(size_t entries)
{
	struct excl_set *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
	for (x->cap = 16; x->cap < 2 * entries + 2; x->cap *= 2)
		;
	x->ids = calloc(x->cap, sizeof *x->ids);
	x->norms = calloc(x->cap, sizeof *x->norms);
	if (!x->ids || !x->norms) {
		set_free(x);
		return NULL;
	}
	return x;
}

int integ__exclusions_load(store *s)
{
	/* Each decision as (recruiter, name): a name as given, or every name
	 * and alias of the other recruiter, both ways round; then (own = t)
	 * every name and alias of the recruiters concerned. */
	PGresult *r = store_exec(s,
				 "SELECT recruiter, name, false FROM recruiter_exclusions"
				 "  WHERE name IS NOT NULL"
				 " UNION ALL SELECT e.recruiter, n.label, false FROM recruiter_exclusions e"
				 "  JOIN recruiter_names n ON n.recruiter = e.other"
				 " UNION ALL SELECT e.other, n.label, false FROM recruiter_exclusions e"
				 "  JOIN recruiter_names n ON n.recruiter = e.recruiter"
				 "  WHERE e.other IS NOT NULL"
				 " UNION ALL SELECT n.recruiter, n.label, true FROM recruiter_names n"
				 "  WHERE n.recruiter IN (SELECT recruiter FROM recruiter_exclusions"
				 "   UNION SELECT other FROM recruiter_exclusions WHERE other IS NOT NULL)",
				 0, NULL);
	struct excl_set *x = NULL, *own = NULL, *old;
	char norm[NAMES_NORM_CAP], xkey[INTEG_XKEY_CAP + 1];
	int i, pass;

	if (!r)
		return -1;
	x = set_new((size_t)PQntuples(r) * 2);
	own = set_new((size_t)PQntuples(r) * 2);
	if (!own) { /* out of memory: no set rather than one without R's keys */
		set_free(x);
		x = NULL;
	}
	/* Pass 0 collects R's own keys, pass 1 the decisions' keys but those. */
	for (pass = 0; x && own && pass < 2; pass++)
		for (i = 0; x && i < PQntuples(r); i++) {
			const char *label = PQgetvalue(r, i, 1);
			int64_t id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
			int is_own = PQgetvalue(r, i, 2)[0] == 't';

			if (is_own != (pass == 0))
				continue;
			xkey[0] = XKEY_MARK;
			if (integ__exclusion_key(label, xkey + 1, sizeof xkey - 1) || !xkey[1])
				xkey[0] = '\0';
			if (names_normalise(label, strlen(label), norm, sizeof norm))
				norm[0] = '\0';
			if ((norm[0] && (is_own || !set_has(own, id, norm)) &&
			     set_add(is_own ? own : x, id, norm)) ||
			    (xkey[0] && (is_own || !set_has(own, id, xkey)) &&
			     set_add(is_own ? own : x, id, xkey))) {
				set_free(x);
				x = NULL;
			}
		}
	PQclear(r);
	set_free(own);
	if (!x)
		return -1;
	pthread_rwlock_wrlock(&excl_lock);
	old = current;
	current = x;
	atomic_store(&excl_entries, x->n);
	pthread_rwlock_unlock(&excl_lock);
	set_free(old);
	return 0;
}

void integ__exclusions_free(void)
{
	struct excl_set *old;

	pthread_rwlock_wrlock(&excl_lock);
	old = current;
	current = NULL;
	atomic_store(&excl_entries, 0);
	pthread_rwlock_unlock(&excl_lock);
	set_free(old);
}

int integ__exclusions_any(void)
{
	return atomic_load(&excl_entries) != 0;
}

int integ__excluded(int64_t recruiter, const char *norm, const char *xkey)
{
	char mk[INTEG_XKEY_CAP + 1];
	int hit = 0;

	if (atomic_load(&excl_entries) == 0)
		return 0;
	mk[0] = '\0';
	if (xkey && xkey[0])
		snprintf(mk, sizeof mk, "%c%s", XKEY_MARK, xkey);
	pthread_rwlock_rdlock(&excl_lock);
	if (current && current->n)
		hit = (norm && norm[0] && set_has(current, recruiter, norm)) ||
		      (mk[0] && set_has(current, recruiter, mk));
	pthread_rwlock_unlock(&excl_lock);
	return hit;
}

size_t integ__drop_excluded(const char *norm, const char *xkey, struct integ__match *m, size_t n)
{
	size_t i, k = 0;

	if (atomic_load(&excl_entries) == 0)
		return n;
	for (i = 0; i < n; i++)
		if (strcmp(m[i].on, "licence") == 0 || !integ__excluded(m[i].id, norm, xkey))
			m[k++] = m[i];
	return k;
}

static json_t *exclusion_from_row(PGresult *r, int row)
{
	char id[32], rid[32], other[32];

	snprintf(id, sizeof id, "x_%s", PQgetvalue(r, row, 0));
	snprintf(rid, sizeof rid, "r_%s", PQgetvalue(r, row, 1));
	snprintf(other, sizeof other, "r_%s", PQgetvalue(r, row, 3));
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "id", id, "recruiter", rid, "name",
			 integ__str_or_null(r, row, 2), "other_recruiter",
			 PQgetisnull(r, row, 3) ? json_null() : json_string(other), "reason",
			 PQgetvalue(r, row, 4), "by", PQgetvalue(r, row, 5), "created_at",
			 PQgetvalue(r, row, 6));
}

int integ__exclusions_of(store *s, int64_t recruiter, json_t **out, problem *p)
{
	char ids[32];
	PGresult *r;
	json_t *a;

	snprintf(ids, sizeof ids, "%lld", (long long)recruiter);
	r = store_exec(s,
		       "SELECT " EXCLUSION_COLUMNS " FROM recruiter_exclusions e"
		       " WHERE e.recruiter = $1 OR e.other = $1 ORDER BY e.id",
		       1, (const char *const[]){ids});
	if (!r)
		return integ__db_fail(s, p);
	a = json_array();
	for (int i = 0; a && i < PQntuples(r); i++)
		if (json_array_append_new(a, exclusion_from_row(r, i))) {
			json_decref(a);
			a = NULL;
		}
	PQclear(r);
	if (!a)
		return integ__oom(p);
	*out = a;
	return 0;
}

static int exclusion_validate(const json_t *in, int64_t recruiter, int64_t *other, problem *p)
{
	static const char *const keys[] = {"name", "recruiter", "reason", NULL};
	const char *name = NULL, *rid = NULL;
	int has_name, has_rid;

	*other = 0;
	fields_only(in, "", keys, p);
	has_name = fields_string(in, "", "name", INTEGRITY_NAME_MAX, 0, &name, p) > 0;
	has_rid = fields_string(in, "", "recruiter", 32, 0, &rid, p) > 0;
	fields_string(in, "", "reason", INTEGRITY_REASON_MAX, 1, NULL, p);
	if (p->kind)
		return -1;
	if (has_name == has_rid) {
		problem_field(p, has_name ? "recruiter" : "name", "one_of",
			      "give either a name or a recruiter id, not both");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	if (has_rid && (integrity_parse_id(rid, 'r', other) || *other == recruiter)) {
		problem_field(p, "recruiter", "format",
			      *other == recruiter ? "must be another recruiter"
						  : "must be a recruiter id (r_<n>)");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	if (has_name && memchr(name, '\0', json_string_length(json_object_get(in, "name")))) {
		problem_field(p, "name", "format", "must not contain NUL characters");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	return 0;
}

/* Refuses an excluded name that is the recruiter's own name or alias: the
 * decision would contradict the register (and search's exact-term filter). */
static int own_name_check(store *s, int64_t recruiter, const char *name, problem *p)
{
	char norm[NAMES_NORM_CAP], ids[32];
	PGresult *r;
	int own = 0;

	if (names_normalise(name, strlen(name), norm, sizeof norm) || !norm[0]) {
		problem_field(p, "name", "no_letters", "has no letters or digits to compare");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	/* Each label normalised now, as the exclusion will be when loaded. */
	snprintf(ids, sizeof ids, "%lld", (long long)recruiter);
	r = store_exec(s, "SELECT label FROM recruiter_names WHERE recruiter = $1", 1,
		       (const char *const[]){ids});
	if (!r)
		return -1;
	for (int i = 0; !own && i < PQntuples(r); i++) {
		const char *label = PQgetvalue(r, i, 0);
		char ln[NAMES_NORM_CAP];

		own = names_normalise(label, strlen(label), ln, sizeof ln) == 0 && strcmp(ln, norm) == 0;
	}
	PQclear(r);
	if (own) {
		problem_field(p, "name", "own_name", "is a registered name or alias of r_%lld",
			      (long long)recruiter);
		problem_set(p, PROBLEM_RULE, "name \"%s\" is a registered name or alias of r_%lld",
			    norm, (long long)recruiter);
		problem_subject(p, "recruiter");
		return -1;
	}
	return 0;
}

int integrity_exclusion_create(store *s, const struct principal *who, int64_t recruiter,
			       const json_t *in, json_t **out, problem *p)
{
	const char *name = json_string_value(json_object_get(in, "name"));
	const char *reason = json_string_value(json_object_get(in, "reason"));
	char ids[32], others[32], by[32], obj[32], xid[32];
	int64_t other = 0;
	PGresult *r;
	json_t *detail = NULL;

	*out = NULL;
	if (exclusion_validate(in, recruiter, &other, p))
		return -1;
	reason = json_string_value(json_object_get(in, "reason"));
	snprintf(ids, sizeof ids, "%lld", (long long)recruiter);
	snprintf(others, sizeof others, "%lld", (long long)other);
	snprintf(by, sizeof by, "%lld", who ? (long long)who->key_id : 0LL);
	snprintf(obj, sizeof obj, "r_%lld", (long long)recruiter);
	if (store_begin(s))
		return integ__db_fail(s, p);
	r = store_exec(s, "SELECT count(*) FROM recruiters WHERE id IN ($1, NULLIF($2, '0')::bigint)",
		       2, (const char *const[]){ids, others});
	if (!r)
		return integ__db_fail(s, p);
	if (strtol(PQgetvalue(r, 0, 0), NULL, 10) != (other ? 2 : 1)) {
		PQclear(r);
		store_rollback(s);
		if (other)
			problem_set(p, PROBLEM_NOT_FOUND, "no recruiter r_%lld or r_%lld",
				    (long long)recruiter, (long long)other);
		else
			problem_set(p, PROBLEM_NOT_FOUND, "no recruiter %s", obj);
		return -1;
	}
	PQclear(r);
	if (name && own_name_check(s, recruiter, name, p)) {
		if (p->kind) {
			store_rollback(s);
			return -1;
		}
		return integ__db_fail(s, p);
	}
	r = store_exec(s,
		       "INSERT INTO recruiter_exclusions (recruiter, name, other, reason, created_by,"
		       " created_org) VALUES ($1, $2, NULLIF($3, '0')::bigint, $4,"
		       " NULLIF($5, '0')::bigint, $6) RETURNING id",
		       6, (const char *const[]){ids, name, others, reason, by, who ? who->org : "cli"});
	if (!r)
		return integ__db_fail(s, p);
	snprintf(xid, sizeof xid, "x_%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	detail = json_pack("{s:s, s:s}", "exclusion", xid, "reason", reason);
	if (detail && name)
		json_object_set_new(detail, "name", json_string(name));
	if (detail && other)
		json_object_set_new(detail, "other_recruiter", json_sprintf("r_%lld", (long long)other));
	if (!detail) {
		store_rollback(s);
		return integ__oom(p);
	}
	if (audit_write(s, who, "recruiter.exclude", obj, detail) || store_commit(s)) {
		json_decref(detail);
		return integ__db_fail(s, p);
	}
	json_decref(detail);
	/* This server's very next check applies it; the others on the notification. */
	if (integ__exclusions_load(s) == 0)
		integrity_refresh(s);
	r = store_exec(s, "SELECT " EXCLUSION_COLUMNS " FROM recruiter_exclusions e WHERE e.id = $1",
		       1, (const char *const[]){xid + 2});
	if (!r)
		return integ__db_fail(s, p);
	*out = PQntuples(r) ? exclusion_from_row(r, 0) : NULL;
	PQclear(r);
	return *out ? 0 : integ__oom(p);
}
