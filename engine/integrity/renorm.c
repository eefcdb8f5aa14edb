/*
 * renorm.c - integrity_renormalise: the stored name forms rewritten by
 * today's normalisation when NAMES_FORMS_VERSION changed (see names.h for
 * the rule, data/sql/017_name_forms_version.sql for the table).
 *
 * Recruiters are read in id order, RENORM_BATCH at a time (keyset, one
 * transaction), normalised as records.c normalises a registration, and
 * only the ones whose forms differ are written: one UPDATE of recruiters,
 * one DELETE and one INSERT of recruiter_names per batch, each a single
 * statement over a JSON array, so 100,000 recruiters take a few hundred
 * round trips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/integrity/internal.h"

#define RENORM_BATCH 1000
#define RENORM_LOCK "727016" /* pg_advisory_xact_lock key: one run at a time */

/* Orders [kind, label, norm] triples as the query below does: "name"
 * before "alias", then label and norm bytewise (COLLATE "C"). */
static int triple_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = -strcmp(json_string_value(json_array_get(x, 0)),
			json_string_value(json_array_get(y, 0)));

	if (!c)
		c = strcmp(json_string_value(json_array_get(x, 1)),
			   json_string_value(json_array_get(y, 1)));
	if (!c)
		c = strcmp(json_string_value(json_array_get(x, 2)),
			   json_string_value(json_array_get(y, 2)));
	return c;
}

/* The forms today's code gives one recruiter, as records.c stores them:
 * *norms the aliases_norm array, *names the recruiter_names triples
 * (sorted), *ln the licence key. 0, -1 (out of memory) or a NAMES_E* error. */
static int forms_of(const char *name, const json_t *aliases, const char *licence,
		    json_t **norms, json_t **names, char *norm, char *ln, size_t lncap)
{
	char an[NAMES_NORM_CAP];
	json_t *v, *sorted;
	size_t i, n;
	int rc;

	*norms = json_array();
	*names = json_array();
	if (!*norms || !*names)
		return -1;
	if ((rc = names_normalise(name, strlen(name), norm, NAMES_NORM_CAP)) != 0)
		return rc;
	if (json_array_append_new(*names, json_pack("[s,s,s]", "name", name, norm)))
		return -1;
	json_array_foreach(aliases, i, v) {
		const char *a = json_string_value(v);

		if (!a)
			continue;
		if ((rc = names_normalise(a, strlen(a), an, sizeof an)) != 0)
			return rc;
		if (!an[0])
			continue; /* as records.c: punctuation only matches nothing */
		if (json_array_append_new(*norms, json_string(an)) ||
		    json_array_append_new(*names, json_pack("[s,s,s]", "alias", a, an)))
			return -1;
	}
	integrity_licence_norm(licence, ln, lncap);
	/* sort the triples (json arrays have no sort: through a C array) */
	n = json_array_size(*names);
	{
		json_t **t = malloc(n * sizeof *t);

		if (!t)
			return -1;
		for (i = 0; i < n; i++)
			t[i] = json_incref(json_array_get(*names, i));
		qsort(t, n, sizeof *t, triple_cmp);
		sorted = json_array();
		for (i = 0; i < n; i++)
			if (!sorted || json_array_append_new(sorted, t[i])) {
				for (; i < n; i++)
					json_decref(t[i]);
				break;
			}
		free(t);
	}
	if (!sorted)
		return -1;
	json_decref(*names);
	*names = sorted;
	return 0;
}

/* One batch after id *last: normalised again, the differing ones written.
 * Returns the rows read (0: done) or -1. */
static long renorm_batch(store *s, long long *last, uint64_t *changed, char *err, size_t errlen)
{
	char after[32], lim[16], *upd_text = NULL, *ids_text = NULL, *rows_text = NULL;
	json_t *upd = json_array(), *ids = json_array(), *rows = json_array();
	PGresult *r;
	long n = -1;

	snprintf(after, sizeof after, "%lld", *last);
	snprintf(lim, sizeof lim, "%d", RENORM_BATCH);
	if (!upd || !ids || !rows) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	r = store_exec(s,
		       "SELECT r.id, r.name, to_jsonb(r.aliases)::text, coalesce(r.licence_number, ''),"
		       " r.name_norm, to_jsonb(r.aliases_norm)::text, coalesce(r.licence_norm, ''),"
		       " coalesce((SELECT jsonb_agg(jsonb_build_array(n.kind, n.label, n.norm)"
		       "   ORDER BY n.kind DESC, n.label COLLATE \"C\", n.norm COLLATE \"C\")"
		       "   FROM recruiter_names n WHERE n.recruiter = r.id), '[]')::text"
		       " FROM recruiters r WHERE r.id > $1::bigint ORDER BY r.id LIMIT $2::int",
		       2, (const char *const[]){after, lim});
	if (!r) {
		snprintf(err, errlen, "%s", store_error(s));
		goto out;
	}
	for (int k = 0; k < PQntuples(r); k++) {
		char norm[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1], msg[160];
		json_t *aliases = json_loads(PQgetvalue(r, k, 2), 0, NULL);
		json_t *old_norms = json_loads(PQgetvalue(r, k, 5), 0, NULL);
		json_t *old_names = json_loads(PQgetvalue(r, k, 7), 0, NULL);
		json_t *norms = NULL, *names = NULL;
		int rc = aliases && old_norms && old_names
				 ? forms_of(PQgetvalue(r, k, 1), aliases, PQgetvalue(r, k, 3), &norms,
					    &names, norm, ln, sizeof ln)
				 : -1;
		int same = rc == 0 && strcmp(norm, PQgetvalue(r, k, 4)) == 0 &&
			   strcmp(ln, PQgetvalue(r, k, 6)) == 0 && json_equal(norms, old_norms) &&
			   json_equal(names, old_names);

		*last = strtoll(PQgetvalue(r, k, 0), NULL, 10);
		if (rc == 0 && !same)
			rc = json_array_append_new(upd, json_pack("{s:I, s:s, s:O, s:s?}", "id",
								  (json_int_t)*last, "norm", norm,
								  "norms", norms, "ln",
								  ln[0] ? ln : NULL)) ||
			     json_array_append_new(ids, json_integer(*last));
		for (size_t i = 0; rc == 0 && !same && i < json_array_size(names); i++) {
			json_t *t = json_array_get(names, i);

			rc = json_array_append_new(rows, json_pack("{s:I, s:O, s:O, s:O}", "r",
								   (json_int_t)*last, "k",
								   json_array_get(t, 0), "l",
								   json_array_get(t, 1), "n",
								   json_array_get(t, 2)));
		}
		json_decref(aliases);
		json_decref(old_norms);
		json_decref(old_names);
		json_decref(norms);
		json_decref(names);
		if (rc) {
			snprintf(msg, sizeof msg, "re-normalising recruiter r_%lld: %s", *last,
				 rc == -1 ? "out of memory" : "the normaliser failed (ICU)");
			snprintf(err, errlen, "%s", msg);
			PQclear(r);
			goto out;
		}
	}
	n = PQntuples(r);
	PQclear(r);
	if (!json_array_size(upd))
		goto out;
	upd_text = json_dumps(upd, JSON_COMPACT);
	ids_text = json_dumps(ids, JSON_COMPACT);
	rows_text = json_dumps(rows, JSON_COMPACT);
	if (!upd_text || !ids_text || !rows_text) {
		snprintf(err, errlen, "out of memory");
		n = -1;
		goto out;
	}
	if (store_run(s,
		      "UPDATE recruiters r SET name_norm = x.norm, aliases_norm = x.norms,"
		      " licence_norm = x.ln"
		      " FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, norm text, norms text[], ln text)"
		      " WHERE r.id = x.id",
		      1, (const char *const[]){upd_text}) ||
	    store_run(s,
		      "DELETE FROM recruiter_names"
		      " WHERE recruiter IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)",
		      1, (const char *const[]){ids_text}) ||
	    store_run(s,
		      "INSERT INTO recruiter_names (recruiter, kind, label, norm)"
		      " SELECT x.r, x.k, x.l, x.n"
		      " FROM jsonb_to_recordset($1::jsonb) AS x(r bigint, k text, l text, n text)",
		      1, (const char *const[]){rows_text})) {
		snprintf(err, errlen, "%s", store_error(s));
		n = -1;
		goto out;
	}
	*changed += json_array_size(upd);
out:
	json_decref(upd);
	json_decref(ids);
	json_decref(rows);
	free(upd_text);
	free(ids_text);
	free(rows_text);
	return n;
}

int integrity_renormalise(store *s, struct integrity_renorm *out, char *err, size_t errlen)
{
	struct integrity_renorm st = {0, NAMES_FORMS_VERSION, 0, 0};
	char to[16];
	long long last = 0;
	json_t *detail = NULL;
	PGresult *r;
	long n;

	if (out)
		*out = st;
	snprintf(err, errlen, "re-normalising the stored names");
	if (store_begin(s)) {
		snprintf(err, errlen, "%s", store_error(s));
		return -1;
	}
	if (store_run(s, "SELECT pg_advisory_xact_lock(" RENORM_LOCK ")", 0, NULL))
		goto dberr;
	r = store_exec(s, "SELECT version FROM name_forms_version", 0, NULL);
	if (!r)
		goto dberr;
	st.from = PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (st.from == st.to) {
		store_rollback(s);
		if (out)
			*out = st;
		return 0;
	}
	if (names_init()) {
		snprintf(err, errlen, "the name normaliser could not start (ICU)");
		goto fail;
	}
	while ((n = renorm_batch(s, &last, &st.changed, err, errlen)) > 0)
		st.recruiters += (uint64_t)n;
	if (n < 0)
		goto fail;
	snprintf(to, sizeof to, "%d", st.to);
	if (store_run(s,
		      "INSERT INTO name_forms_version (version) VALUES ($1::int)"
		      " ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version,"
		      " renormalised_at = now()",
		      1, (const char *const[]){to}))
		goto dberr;
	/* audited when there was a register to maintain (not on a new database) */
	if (st.recruiters) {
		detail = json_pack("{s:i, s:i, s:I, s:I}", "from_version", st.from, "to_version",
				   st.to, "recruiters", (json_int_t)st.recruiters, "changed",
				   (json_int_t)st.changed);
		if (!detail) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (audit_write(s, NULL, "recruiters.renormalise", "recruiters", detail))
			goto dberr;
	}
	if (store_commit(s))
		goto dberr;
	json_decref(detail);
	if (out)
		*out = st;
	return 0;
dberr:
	snprintf(err, errlen, "%s", store_error(s));
fail:
	json_decref(detail);
	store_rollback(s);
	return -1;
}
