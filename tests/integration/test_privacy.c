/*
 * test_privacy.c - the database defends itself (docs/privacy.md): the
 * server's role owns nothing; row-level security keeps organisations apart
 * for plain SQL sent as that role; the audit log, flags and lifts refuse
 * UPDATE and DELETE; a profile read cannot happen without its audit row;
 * erasure leaves no byte of a profile in the index or PostgreSQL's table
 * files; retention erases what nobody touched for N months, audited;
 * profiles refuse direct identifiers in free text and warn of names; the
 * audit log shows other viewers pseudonyms; a closed vacancy has no
 * candidate cards; titles carry no escapes or bidi overrides.
 *
 * The SQL cases talk to PostgreSQL directly, as the owner (FAIRMATCH_DB)
 * to set up rows and as fairmatch_server (the same conninfo with the
 * server's user) to attack them; the rest go through a real server.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/store/store.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

static store *owner, *server;
static struct server srv;
static char counsellor_a[80], counsellor_b[80], employer_a[80], regulator[80];

/* ---- helpers ---- */

/* The first column of the first row of a query as a number; -1 on error. */
static long long scalar(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long scalar(store *s, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	PGresult *r;
	long long v = -1;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	r = store_exec(s, sql, 0, NULL);
	if (!r) {
		fprintf(stderr, "  sql failed: %s: %s\n", sql, store_error(s));
		return -1;
	}
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* Runs a statement; returns the number of rows it touched, or -1 with the
 * SQLSTATE in state (6 bytes). */
static long long affected(store *s, char *state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static long long affected(store *s, char *state, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	PGresult *r;
	long long n;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	state[0] = '\0';
	r = store_exec(s, sql, 0, NULL);
	if (!r) {
		snprintf(state, 6, "%s", store_sqlstate(s));
		return -1;
	}
	n = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return n;
}

static void random_hex(char *buf, size_t nbytes)
{
	unsigned char b[32];
	size_t i;

	if (nbytes > sizeof b || getrandom(b, nbytes, 0) != (ssize_t)nbytes)
		memset(b, 0x5a, sizeof b);
	for (i = 0; i < nbytes; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
}

/* Inserts a profile as the owner (no RLS) and returns its id in id (19 bytes). */
static int owner_profile(const char *org, int show_to_employers, char *id)
{
	char hex[17];

	random_hex(hex, 8);
	snprintf(id, 19, "p_%s", hex);
	return scalar(owner,
		      "INSERT INTO profiles (id, org, doc, consent_matching, consent_show_to_employers)"
		      " VALUES ('%s', '%s', '{\"skills\":[\"welding\"]}', true, %s) RETURNING 1",
		      id, org, show_to_employers ? "true" : "false") == 1
		       ? 0
		       : -1;
}

/* ---- the role ---- */

static void test_server_role_owns_nothing(void)
{
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
			       " AND tableowner = '%s'", STORE_SERVER_ROLE),
		 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM pg_roles WHERE rolname = '%s'"
			       " AND NOT rolsuper AND NOT rolbypassrls AND NOT rolcreaterole"
			       " AND NOT rolcreatedb AND rolcanlogin", STORE_SERVER_ROLE),
		 1);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM pg_roles WHERE rolname = current_user"
				" AND rolname = '%s'", STORE_SERVER_ROLE),
		 1);
	/* The owner is someone else, and the server cannot take a table over
	 * or switch row-level security off. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM pg_tables WHERE tablename = 'profiles'"
			       " AND tableowner = current_user"),
		 1);
	{
		char st[6];

		T_EQ_INT(affected(server, st, "ALTER TABLE profiles DISABLE ROW LEVEL SECURITY"), -1);
		T_EQ_STR(st, "42501");
		T_EQ_INT(affected(server, st, "DROP TABLE audit_log"), -1);
		T_EQ_STR(st, "42501");
		T_EQ_INT(affected(server, st, "CREATE TABLE intruder (x int)"), -1);
		T_EQ_STR(st, "42501");
	}
}

/* ---- row-level security ---- */

static void test_rls_profiles(void)
{
	char a[19], b[19], b_shown[19], st[6];

	T_REQUIRE(owner_profile("rls-a", 0, a) == 0);
	T_REQUIRE(owner_profile("rls-b", 0, b) == 0);
	T_REQUIRE(owner_profile("rls-b", 1, b_shown) == 0);

	/* A counsellor of org A: its own row, none of B's, whatever the WHERE. */
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE id = '%s'", a), 1);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE id IN ('%s', '%s')", b, b_shown), 0);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE org = 'rls-b'"), 0);
	T_EQ_INT(affected(server, st, "UPDATE profiles SET last_touched_at = now() WHERE id = '%s'", b), 0);
	T_EQ_INT(affected(server, st, "DELETE FROM profiles WHERE org = 'rls-b'"), 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE org = 'rls-b'"), 2);
	/* Nor can it write a row into B, or move its own row there. */
	T_EQ_INT(affected(server, st,
			  "INSERT INTO profiles (id, org, doc) VALUES ('p_00000000000000ff', 'rls-b', '{}')"),
		 -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "UPDATE profiles SET org = 'rls-b' WHERE id = '%s'", a), -1);
	T_EQ_STR(st, "42501");
	/* Its own row it may change. */
	T_EQ_INT(affected(server, st, "UPDATE profiles SET last_touched_at = now() WHERE id = '%s'", a), 1);

	/* Org B's counsellor sees B's rows and not A's, and no cards. */
	store_set_actor(server, "counsellor", "rls-b");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE org IN ('rls-a', 'rls-b')"), 2);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profile_cards WHERE id = '%s'", b_shown), 0);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE id = '%s'", a), 0);

	/* An employer reads no profile row, only the minimised cards of the
	 * ones that consented to be shown, and changes none. */
	store_set_actor(server, "employer", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE org IN ('rls-a', 'rls-b')"), 0);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profile_cards WHERE id IN ('%s', '%s', '%s')",
			a, b, b_shown),
		 1);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profile_cards WHERE id = '%s'"
				" AND card ? 'skills' AND NOT card ? 'citizenship' AND NOT card ? 'consent'",
			b_shown),
		 1);
	T_EQ_INT(affected(server, st, "SELECT org FROM profile_cards"), -1);
	T_EQ_STR(st, "42703");
	T_EQ_INT(affected(server, st, "UPDATE profiles SET last_touched_at = now() WHERE id = '%s'",
			  b_shown),
		 0);
	T_EQ_INT(affected(server, st, "DELETE FROM profiles WHERE id = '%s'", b_shown), 0);

	/* Regulators, admins, and a connection acting for nobody: nothing. */
	store_set_actor(server, "regulator", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE org IN ('rls-a', 'rls-b')"), 0);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profile_cards WHERE id = '%s'", b_shown), 0);
	store_set_actor(server, "admin", "rls-b");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE org IN ('rls-a', 'rls-b')"), 0);
	store_set_actor(server, NULL, NULL);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE org IN ('rls-a', 'rls-b')"), 0);

	/* The setting survives a rolled-back transaction (store_rollback
	 * re-sends it) and is per connection. */
	store_set_actor(server, "counsellor", "rls-a");
	T_REQUIRE(store_begin(server) == 0);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE id = '%s'", a), 1);
	store_rollback(server);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE id = '%s'", a), 1);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM profiles WHERE id = '%s'", b), 0);
}

static void test_rls_vacancies_and_placements(void)
{
	long long va, vb, q;
	char st[6], pa[19], pb[19];

	va = scalar(owner, "INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
			   " VALUES ('rls-a', '{}', 'ZA', '7212', '2099-01-01', 1) RETURNING id");
	vb = scalar(owner, "INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
			   " VALUES ('rls-b', '{}', 'ZA', '7212', '2099-01-01', 1) RETURNING id");
	T_REQUIRE(va > 0 && vb > 0);

	/* An employer reads and writes its own organisation's vacancies only;
	 * counsellors, admins and the indexer read all; nobody else any. */
	store_set_actor(server, "employer", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM vacancies WHERE id IN (%lld, %lld)", va, vb), 1);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM vacancies WHERE id = %lld", vb), 0);
	T_EQ_INT(affected(server, st, "UPDATE vacancies SET positions = 5 WHERE id = %lld", vb), 0);
	T_EQ_INT(affected(server, st, "UPDATE vacancies SET status = 'closed' WHERE org = 'rls-b'"), 0);
	T_EQ_INT(affected(server, st, "UPDATE vacancies SET positions = 5 WHERE id = %lld", va), 1);
	T_EQ_INT(scalar(owner, "SELECT positions FROM vacancies WHERE id = %lld", vb), 1);
	T_EQ_INT(affected(server, st,
			  "INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
			  " VALUES ('rls-b', '{}', 'ZA', '7212', '2099-01-01', 1)"),
		 -1);
	T_EQ_STR(st, "42501");
	/* No vacancy is ever deleted, and the owning org column cannot change. */
	T_EQ_INT(affected(server, st, "DELETE FROM vacancies WHERE id = %lld", va), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "UPDATE vacancies SET org = 'rls-b' WHERE id = %lld", va), -1);
	T_EQ_STR(st, "42501");
	/* A counsellor reads vacancies and changes none. */
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM vacancies WHERE id IN (%lld, %lld)", va, vb), 2);
	T_EQ_INT(affected(server, st, "UPDATE vacancies SET positions = 9 WHERE id = %lld", va), 0);
	store_set_actor(server, "indexer", NULL);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM vacancies WHERE id IN (%lld, %lld)", va, vb), 2);
	store_set_actor(server, "regulator", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM vacancies WHERE id IN (%lld, %lld)", va, vb), 0);
	store_set_actor(server, NULL, NULL);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM vacancies WHERE id IN (%lld, %lld)", va, vb), 0);

	/* Placements belong to the placing counsellor's organisation. */
	q = scalar(owner, "INSERT INTO quotas (agreement, origin_countries, destination_country,"
			  " occupation, isco, slots, valid_from, valid_until, created_org)"
			  " VALUES ('rls', '{LS}', 'ZA', '7212', '7212', 10, '2090-01-01', '2099-01-01',"
			  " 'ops') RETURNING id");
	T_REQUIRE(q > 0);
	T_REQUIRE(owner_profile("rls-a", 0, pa) == 0 && owner_profile("rls-b", 0, pb) == 0);
	T_REQUIRE(scalar(owner, "INSERT INTO placements (quota, profile, org) VALUES (%lld, '%s',"
				" 'rls-a'), (%lld, '%s', 'rls-b') RETURNING 1",
			 q, pa, q, pb) == 1);
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM placements WHERE quota = %lld", q), 1);
	T_EQ_INT(affected(server, st, "UPDATE placements SET released_at = now() WHERE quota = %lld"
				      " AND org = 'rls-b'", q),
		 0);
	T_EQ_INT(affected(server, st, "INSERT INTO placements (quota, profile, org)"
				      " VALUES (%lld, '%s', 'rls-b')", q, pa),
		 -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM placements WHERE quota = %lld"
			       " AND released_at IS NULL", q),
		 2);
	/* An admin may release any placement (the API's rule). */
	store_set_actor(server, "admin", "ops");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM placements WHERE quota = %lld", q), 2);
}

/* ---- append-only ---- */

static void test_append_only(void)
{
	long long audit, rid, fid;
	char st[6];

	store_set_actor(server, "regulator", "labour-dept");
	audit = scalar(server, "INSERT INTO audit_log (role, org, action, object)"
			       " VALUES ('regulator', 'labour-dept', 'test.append', 'r_1') RETURNING id");
	T_REQUIRE(audit > 0);
	rid = scalar(server, "INSERT INTO recruiters (name, name_norm, created_org)"
			     " VALUES ('Append Only Ltd', 'append only', 'labour-dept') RETURNING id");
	T_REQUIRE(rid > 0);
	fid = scalar(server, "INSERT INTO flags (recruiter, severity, reason, authority)"
			     " VALUES (%lld, 'warning', 'other', 'labour-dept') RETURNING id", rid);
	T_REQUIRE(fid > 0);
	T_REQUIRE(scalar(server, "INSERT INTO flag_lifts (flag, reason, lifted_org)"
				 " VALUES (%lld, 'test', 'labour-dept') RETURNING 1", fid) == 1);

	/* The server role: refused by privilege. */
	T_EQ_INT(affected(server, st, "UPDATE audit_log SET action = 'x' WHERE id = %lld", audit), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "DELETE FROM audit_log WHERE id = %lld", audit), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "TRUNCATE audit_log"), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "UPDATE flags SET severity = 'blacklist' WHERE id = %lld", fid), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "DELETE FROM flags WHERE id = %lld", fid), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "UPDATE flag_lifts SET reason = 'x' WHERE flag = %lld", fid), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "DELETE FROM flag_lifts WHERE flag = %lld", fid), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "UPDATE recruiters SET id = id WHERE id = %lld", rid), -1);
	T_EQ_STR(st, "42501");

	/* The owner too: the triggers refuse (flags since 003, audit since 006). */
	T_EQ_INT(affected(owner, st, "UPDATE audit_log SET action = 'x' WHERE id = %lld", audit), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(owner, st, "DELETE FROM audit_log WHERE id = %lld", audit), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(owner, st, "DELETE FROM flags WHERE id = %lld", fid), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE id = %lld AND action = 'test.append'",
			audit),
		 1);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM flags WHERE id = %lld AND severity = 'warning'", fid), 1);

	/* The audit log's reader: regulators see every org's rows, a
	 * counsellor only its own. */
	T_EQ_INT(scalar(server, "SELECT count(*) FROM audit_log WHERE id = %lld", audit), 1);
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM audit_log WHERE id = %lld", audit), 0);
}

/* ---- audited reads ---- */

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int post_profile(const char *token, const char *body, char *id)
{
	struct resp r;
	int rc = -1;

	id[0] = '\0';
	if (http(&r, &srv, "POST", "/v1/profiles", token, NULL, body, strlen(body)) == 0 &&
	    r.status == 201 && str(r.json, "id")) {
		snprintf(id, 19, "%s", str(r.json, "id"));
		rc = 0;
	} else {
		fprintf(stderr, "  post_profile: %ld %s\n", r.status, r.body ? r.body : "");
	}
	resp_free(&r);
	return rc;
}

static void test_read_and_audit_are_one_transaction(void)
{
	char id[19], path[64], st[6];
	struct resp r;
	long long before;

	T_REQUIRE(post_profile(counsellor_a, "{\"skills\":[\"welding\"],\"citizenship\":\"LS\"}", id) == 0);
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	before = scalar(owner, "SELECT count(*) FROM audit_log WHERE object = fairmatch_audit_alias('%s')"
			       " AND action = 'profile.read'", id);
	T_EQ_INT(before, 0);

	/* Through the API, as the server role: one read, one audit row. */
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE object = fairmatch_audit_alias('%s')"
			       " AND action = 'profile.read'", id),
		 1);
	/* Another organisation's counsellor: 404, and nothing audited as read. */
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor_b, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);

	/* When the audit row cannot be written, the read does not happen: no
	 * profile in the answer and last_touched_at unchanged. */
	T_REQUIRE(affected(owner, st, "ALTER TABLE audit_log ADD CONSTRAINT test_no_reads"
				      " CHECK (action <> 'profile.read') NOT VALID") == 0);
	T_REQUIRE(affected(owner, st, "UPDATE profiles SET last_touched_at = '2000-01-01'"
				      " WHERE id = '%s'", id) == 1);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor_a, NULL, NULL, 0) == 0);
	T_CHECKF(r.status == 503, "status %ld", r.status);
	T_CHECK(!r.body || !strstr(r.body, "welding"));
	resp_free(&r);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s'"
			       " AND last_touched_at = '2000-01-01'", id),
		 1);
	T_REQUIRE(affected(owner, st, "ALTER TABLE audit_log DROP CONSTRAINT test_no_reads") == 0);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE object = fairmatch_audit_alias('%s')"
			       " AND action = 'profile.read'", id),
		 2);
}

/* ---- erasure leaves no byte behind ---- */

/* How many regular files under dir (recursively) contain the marker. */
static int files_with(const char *dir, const char *marker)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t mlen = strlen(marker);
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			int n = files_with(path, marker);

			found += n > 0 ? n : 0;
		} else if (S_ISREG(st.st_mode) && st.st_size > 0) {
			/* Read whole files in pieces that overlap by the marker's length. */
			int fd = open(path, O_RDONLY);
			static char buf[1 << 20];
			size_t keep = 0;
			ssize_t got;

			if (fd < 0)
				continue;
			while ((got = read(fd, buf + keep, sizeof buf - keep)) > 0) {
				size_t have = keep + (size_t)got;

				if (memmem(buf, have, marker, mlen)) {
					found++;
					break;
				}
				keep = have < mlen ? have : mlen - 1;
				memmove(buf, buf + have - keep, keep);
			}
			close(fd);
		}
	}
	closedir(d);
	return found;
}

/* The directory of this database's table files (base/<oid>). */
static int database_dir(char *buf, size_t len)
{
	PGresult *r = store_exec(owner,
				 "SELECT current_setting('data_directory') || '/' ||"
				 " regexp_replace(pg_relation_filepath('profiles'), '/[^/]*$', '')",
				 0, NULL);

	if (!r)
		return -1;
	snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

/* Ends the transaction of the connection it is given, a second after it
 * starts: an older snapshot that is still open when compaction begins. */
static void *commit_a_second_later(void *arg)
{
	struct timespec second = {1, 0};

	nanosleep(&second, NULL);
	store_commit(arg);
	return NULL;
}

static void test_erasure_leaves_nothing_on_disk(void)
{
	char marker[40], hex[25], body[256], id[19], path[64], dbdir[4096], st[6];
	char conninfo[4096], err[256];
	store *holder = NULL;
	pthread_t committer;
	struct resp r;

	random_hex(hex, 12);
	snprintf(marker, sizeof marker, "zqx%s", hex);
	snprintf(body, sizeof body,
		 "{\"skills\":[\"welding\", \"%s\"],\"citizenship\":\"LS\","
		 "\"consent\":{\"matching\":true,\"show_to_employers\":true}}",
		 marker);
	T_REQUIRE(database_dir(dbdir, sizeof dbdir) == 0);
	T_REQUIRE(post_profile(counsellor_a, body, id) == 0);
	/* A match touches the index on the profile's behalf; then everything
	 * is flushed to the files. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/match", counsellor_a, "{\"profile_id\":\"%s\"}", id) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_REQUIRE(affected(owner, st, "CHECKPOINT") == 0);

	/* Before: the marker is in PostgreSQL's files (so the scan works) and,
	 * profiles never being indexed, not in the index. */
	T_CHECKF(files_with(dbdir, marker) > 0, "marker not found in %s before erasure", dbdir);
	T_EQ_INT(files_with(srv.index, marker), 0);

	/* A session whose snapshot is older than the erasure (a slow request,
	 * an autovacuum ANALYZE) could still see the row: VACUUM FULL would copy
	 * it into the new files. Compaction waits for it to end. */
	store_default_conninfo(conninfo, sizeof conninfo);
	T_REQUIRE(store_connect(conninfo, &holder, err, sizeof err) == 0);
	T_REQUIRE(store_run(holder, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL"
				    " REPEATABLE READ", 0, NULL) == 0);
	T_REQUIRE(store_begin(holder) == 0);
	T_REQUIRE(store_run(holder, "SELECT 1", 0, NULL) == 0);

	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_REQUIRE(http(&r, &srv, "DELETE", path, counsellor_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(json_is_true(json_object_get(r.json, "erased")));
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE object = '%s'"
			       " AND action = 'profile.erase'", id),
		 1);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE detail::text LIKE '%%%s%%'"
			       " OR action LIKE '%%%s%%'", marker, marker),
		 0);

	/* After compaction no file of the database or the index holds it. */
	T_REQUIRE(pthread_create(&committer, NULL, commit_a_second_later, holder) == 0);
	T_EQ_INT(cli(NULL, 0, "compact"), 0);
	pthread_join(committer, NULL);
	store_close(holder);
	T_EQ_INT(files_with(dbdir, marker), 0);
	T_EQ_INT(files_with(srv.index, marker), 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s'", id), 0);
}

/* ---- retention ---- */

static void test_retention_cli(void)
{
	char old_a[19], old_b[19], fresh[19], touched[19], out[64], st[6];

	T_REQUIRE(owner_profile("ret-a", 0, old_a) == 0 && owner_profile("ret-b", 1, old_b) == 0 &&
		  owner_profile("ret-a", 0, fresh) == 0 && owner_profile("ret-a", 0, touched) == 0);
	T_REQUIRE(affected(owner, st, "UPDATE profiles SET last_touched_at = now() - interval '13 months',"
				      " created_at = now() - interval '3 years'"
				      " WHERE id IN ('%s', '%s', '%s')", old_a, old_b, touched) == 3);
	T_REQUIRE(affected(owner, st, "UPDATE profiles SET last_touched_at = now() - interval '11 months'"
				      " WHERE id = '%s'", fresh) == 1);

	/* A read through the API touches a profile and so keeps it. */
	{
		struct resp r;
		char path[64];
		char tok[80];

		T_REQUIRE(make_token("counsellor", "ret-a", tok, sizeof tok) == 0);
		snprintf(path, sizeof path, "/v1/profiles/%s", touched);
		T_REQUIRE(http(&r, &srv, "GET", path, tok, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		resp_free(&r);
	}

	T_EQ_INT(cli(NULL, 0, "retention --months 0"), 2);
	T_EQ_INT(cli(NULL, 0, "retention --months x"), 2);
	T_EQ_INT(cli(NULL, 0, "retention"), 2);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id IN ('%s', '%s')", old_a, old_b), 2);

	T_EQ_INT(cli(out, sizeof out, "retention --months 12"), 0);
	T_CHECKF(atoi(out) >= 2, "erased %s", out);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id IN ('%s', '%s')", old_a, old_b), 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id IN ('%s', '%s')", fresh, touched), 2);
	/* Each erasure audited, under its organisation, and nothing else. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE action = 'profile.erase'"
			       " AND detail->>'why' = 'retention' AND (detail->>'months')::int = 12"
			       " AND ((object = '%s' AND org = 'ret-a') OR (object = '%s' AND org = 'ret-b'))",
			old_a, old_b),
		 2);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE action = 'profile.erase'"
			       " AND object IN ('%s', '%s')", fresh, touched),
		 0);
	/* A second run erases nothing more. */
	T_EQ_INT(cli(out, sizeof out, "retention --months 12 --no-compact"), 0);
	T_EQ_STR(out, "0");
}

static void test_retention_in_serve(void)
{
	struct server s2;
	char old[19], keep[19], st[6];
	int i;

	T_REQUIRE(owner_profile("ret-serve", 0, old) == 0 && owner_profile("ret-serve", 0, keep) == 0);
	T_REQUIRE(affected(owner, st, "UPDATE profiles SET last_touched_at = now() - interval '7 months'"
				      " WHERE id = '%s'", old) == 1);
	/* The server role may run the retention function (it owns nothing),
	 * but not with a bound that erases everything. */
	store_set_actor(server, NULL, NULL);
	T_EQ_INT(affected(server, st, "SELECT fairmatch_retention(0)"), -1);
	T_EQ_STR(st, "22023");
	T_EQ_INT(affected(server, st, "DELETE FROM profiles WHERE id = '%s'", old), 0);

	setenv("FAIRMATCH_RETENTION_MONTHS", "6", 1);
	T_REQUIRE(server_start(&s2, "privacy-retention") == 0);
	unsetenv("FAIRMATCH_RETENTION_MONTHS");
	/* The thread runs once at start; wait for it (no timing asserted). */
	for (i = 0; i < 600 && scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s'", old) != 0; i++)
		usleep(100 * 1000);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s'", old), 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s'", keep), 1);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE action = 'profile.erase'"
			       " AND object = '%s' AND org = 'ret-serve' AND role = 'system'", old),
		 1);
	T_EQ_INT(server_stop(&s2), 0);
}

/* ---- least privilege: keys and audit rows ---- */

static void test_keys_and_audit_rows(void)
{
	char st[6], tok[80], hash[80];
	PGresult *r;

	/* The server role cannot list keys, only look one up by its hash. */
	store_set_actor(server, "admin", "ops");
	T_EQ_INT(affected(server, st, "SELECT count(*) FROM api_keys"), -1);
	T_EQ_STR(st, "42501");
	T_REQUIRE(make_token("employer", "keys-org", tok, sizeof tok) == 0);
	r = store_exec(owner, "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", 1,
		       (const char *const[]){tok});
	T_REQUIRE(r != NULL);
	snprintf(hash, sizeof hash, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM api_keys WHERE token_hash = decode('%s', 'hex')", hash), 1);
	r = store_exec(server, "SELECT role, org FROM fairmatch_key(decode($1, 'hex'))", 1,
		       (const char *const[]){hash});
	T_REQUIRE(r != NULL);
	T_EQ_INT(PQntuples(r), 1);
	if (PQntuples(r) == 1) {
		T_EQ_STR(PQgetvalue(r, 0, 0), "employer");
		T_EQ_STR(PQgetvalue(r, 0, 1), "keys-org");
	}
	PQclear(r);
	T_EQ_INT(scalar(server, "SELECT count(*) FROM fairmatch_key(decode(repeat('00', 32), 'hex'))"), 0);

	/* Audit rows only in the acting role's and organisation's name. */
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(affected(server, st, "INSERT INTO audit_log (role, org, action, object)"
				      " VALUES ('counsellor', 'rls-b', 'profile.read', 'p_0000000000000001')"),
		 -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "INSERT INTO audit_log (role, org, action, object)"
				      " VALUES ('regulator', 'rls-a', 'flag.create', 'r_1')"),
		 -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "INSERT INTO audit_log (role, org, action, object)"
				      " VALUES ('counsellor', 'rls-a', 'test.own', 'p_0000000000000001')"),
		 1);
}

/* The functions of 014_stats_keys.sql: keys are managed by admins only and
 * never answer a hash; counts go to regulators and admins only; a listing's
 * terms change by admins only, and a closed listing takes no slot. */
static void test_key_stats_and_quota_functions(void)
{
	char st[6], qid[24];
	PGresult *r;
	int i;

	store_set_actor(server, "regulator", "rls-a");
	T_EQ_INT(affected(server, st, "SELECT * FROM fairmatch_key_list(NULL, NULL, NULL, 0, 10)"), -1);
	T_EQ_STR(st, "42501");
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(affected(server, st, "SELECT * FROM fairmatch_key_revoke(1, NULL)"), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "SELECT * FROM fairmatch_key_create(decode(repeat('11', 32),"
				      " 'hex'), 'admin', 'rls-a', NULL)"),
		 -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "SELECT * FROM fairmatch_stats(1, '{}')"), -1);
	T_EQ_STR(st, "42501");
	store_set_actor(server, "employer", "rls-a");
	T_EQ_INT(affected(server, st, "SELECT * FROM fairmatch_stats_occupations()"), -1);
	T_EQ_STR(st, "42501");
	/* An admin lists keys: no column holds a hash or a token. */
	store_set_actor(server, "admin", "ops");
	r = store_exec(server, "SELECT * FROM fairmatch_key_list(NULL, NULL, NULL, 0, 1000)", 0, NULL);
	T_REQUIRE(r != NULL);
	T_CHECK(PQntuples(r) >= 1);
	for (i = 0; i < PQnfields(r); i++)
		T_CHECKF(!strstr(PQfname(r, i), "hash") && !strstr(PQfname(r, i), "token"),
			 "fairmatch_key_list answers column %s", PQfname(r, i));
	PQclear(r);
	/* A regulator gets counts, and nothing but (table, cell, count). */
	store_set_actor(server, "regulator", "rls-a");
	r = store_exec(server, "SELECT * FROM fairmatch_stats(1, '{}')", 0, NULL);
	T_REQUIRE(r != NULL);
	T_EQ_INT(PQnfields(r), 3);
	PQclear(r);

	/* Quota terms: admins only; a closed listing takes no slot. */
	T_REQUIRE(scalar(owner, "INSERT INTO quotas (agreement, origin_countries, destination_country,"
				" occupation, isco, slots, valid_from, valid_until, created_org)"
				" VALUES ('rls', '{LS}', 'ZA', '7212', '7212', 5, '2090-01-01',"
				" '2090-12-31', 'ops') RETURNING id") > 0);
	snprintf(qid, sizeof qid, "%lld", scalar(owner, "SELECT max(id) FROM quotas"));
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(affected(server, st, "UPDATE quotas SET slots = 50 WHERE id = %s", qid), -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(affected(server, st, "UPDATE quotas SET closed_at = now() WHERE id = %s", qid), -1);
	T_EQ_STR(st, "42501");
	store_set_actor(server, "admin", "ops");
	T_EQ_INT(affected(server, st, "UPDATE quotas SET closed_at = now() WHERE id = %s", qid), 1);
	store_set_actor(server, "counsellor", "rls-a");
	T_EQ_INT(affected(server, st, "UPDATE quotas SET slots_taken = slots_taken + 1 WHERE id = %s",
			  qid),
		 -1);
	T_EQ_STR(st, "23514");
}

/* ---- compacting the index ---- */

static void test_index_compaction(void)
{
	struct server s3;
	char marker[40], hex[25], body[512], keep_id[32], gone_id[32], path[96], employer[80];
	struct resp r;
	int i;

	random_hex(hex, 12);
	/* Ends in a digit, so the stemmer keeps the word whole: its term, a
	 * posting-list key (keys are never compressed), holds the marker
	 * whether or not the document data is compressed with a dictionary
	 * the index trained (a server's replay of 500 or more changes trains
	 * one, and then the data holds no plain text). */
	snprintf(marker, sizeof marker, "zqx%s9", hex);
	T_REQUIRE(make_token("employer", "compact-co", employer, sizeof employer) == 0);
	T_REQUIRE(server_start(&s3, "privacy-index") == 0);
	T_REQUIRE(http_json(&r, &s3, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"Boilermaker\",\"occupation\":\"7213\",\"country\":\"ZA\","
			    "\"valid_until\":\"2099-01-01\",\"description\":\"steady compactkeep work\"}") == 0);
	T_EQ_INT(r.status, 201);
	snprintf(keep_id, sizeof keep_id, "%s", str(r.json, "id") ? str(r.json, "id") : "");
	resp_free(&r);
	snprintf(body, sizeof body,
		 "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\","
		 "\"valid_until\":\"2099-01-01\",\"description\":\"ask for %s at the gate\"}",
		 marker);
	T_REQUIRE(http(&r, &s3, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 201);
	snprintf(gone_id, sizeof gone_id, "%s", str(r.json, "id") ? str(r.json, "id") : "");
	resp_free(&r);
	T_REQUIRE(keep_id[0] && gone_id[0]);

	/* Indexed: the marker is in the index's files (the scan works). */
	T_CHECKF(files_with(s3.index, marker) > 0, "marker not in the index while the vacancy is open");
	snprintf(path, sizeof path, "/v1/vacancies/%s", gone_id);
	T_REQUIRE(http(&r, &s3, "DELETE", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	/* While the server holds the index, compaction refuses and changes nothing. */
	T_EQ_INT(cli(NULL, 0, "compact --index %s", s3.index), 1);
	T_EQ_INT(server_stop(&s3), 0);

	T_EQ_INT(cli(NULL, 0, "compact --index %s", s3.index), 0);
	T_EQ_INT(files_with(s3.index, marker), 0);
	{
		/* Compaction writes the match records' value file beside the
		 * compacted index (docs/index.md, "A value slot addressed by
		 * docid"). */
		char vf[640];
		struct stat st;

		snprintf(vf, sizeof vf, "%s/fairmatch-values-3", s3.index);
		T_CHECKF(stat(vf, &st) == 0 && st.st_size > 128, "no value file %s after compaction", vf);
	}
	T_EQ_INT(cli(NULL, 0, "compact --index %s/nowhere", s3.dir), 1);

	/* The compacted index is the live one: a server opens it and still
	 * finds the open vacancy, and the closed one stays gone. */
	T_REQUIRE(server_start(&s3, "privacy-index") == 0);
	for (i = 0; i < 2; i++) {
		T_REQUIRE(http(&r, &s3, "GET", i ? "/v1/vacancies?q=gate" : "/v1/vacancies?q=compactkeep",
			       employer, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		T_EQ_INT(json_array_size(json_object_get(r.json, "items")), i ? 0 : 1);
		resp_free(&r);
	}
	T_EQ_INT(server_stop(&s3), 0);
}

/* ---- the API's role rules, in the database ---- */

static void test_role_policies(void)
{
	char st[6];
	long long q, rid;

	/* Quota listings: only admins create them, in their own name. */
	store_set_actor(server, "employer", "acme");
	T_EQ_INT(affected(server, st, "INSERT INTO quotas (agreement, origin_countries,"
				      " destination_country, occupation, isco, slots, valid_from, valid_until,"
				      " created_org) VALUES ('x', '{LS}', 'ZA', '7212', '7212', 5, '2090-01-01',"
				      " '2099-01-01', 'acme')"),
		 -1);
	T_EQ_STR(st, "42501");
	store_set_actor(server, "admin", "ops");
	q = scalar(server, "INSERT INTO quotas (agreement, origin_countries, destination_country,"
			   " occupation, isco, slots, valid_from, valid_until, created_org) VALUES ('roles',"
			   " '{LS}', 'ZA', '7212', '7212', 5, '2090-01-01', '2099-01-01', 'ops') RETURNING id");
	T_REQUIRE(q > 0);
	/* Slots move for counsellors and admins, not for employers. */
	store_set_actor(server, "employer", "acme");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM quotas WHERE id = %lld", q), 1);
	T_EQ_INT(affected(server, st, "UPDATE quotas SET slots_taken = 5 WHERE id = %lld", q), 0);
	store_set_actor(server, "counsellor", "centre-a");
	T_EQ_INT(affected(server, st, "UPDATE quotas SET slots_taken = 1 WHERE id = %lld", q), 1);

	/* The registry: everyone reads, only regulators and admins write. */
	store_set_actor(server, "counsellor", "centre-a");
	T_EQ_INT(affected(server, st, "INSERT INTO recruiters (name, name_norm, created_org)"
				      " VALUES ('Sneaky Ltd', 'sneaky', 'centre-a')"),
		 -1);
	T_EQ_STR(st, "42501");
	store_set_actor(server, "regulator", "labour-dept");
	rid = scalar(server, "INSERT INTO recruiters (name, name_norm, created_org)"
			     " VALUES ('Roles Ltd', 'roles', 'labour-dept') RETURNING id");
	T_REQUIRE(rid > 0);
	store_set_actor(server, "employer", "acme");
	T_EQ_INT(scalar(server, "SELECT count(*) FROM recruiters WHERE id = %lld", rid), 1);
	T_EQ_INT(affected(server, st, "INSERT INTO flags (recruiter, severity, reason, authority)"
				      " VALUES (%lld, 'blacklist', 'other', 'acme')", rid),
		 -1);
	T_EQ_STR(st, "42501");
	store_set_actor(server, "counsellor", "centre-a");
	T_EQ_INT(affected(server, st, "INSERT INTO flags (recruiter, severity, reason, authority)"
				      " VALUES (%lld, 'blacklist', 'other', 'centre-a')", rid),
		 -1);
	T_EQ_STR(st, "42501");
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM flags WHERE recruiter = %lld", rid), 0);
}

/* ---- no identifiers in free text (issue 19, finding 3) ---- */

static int names_error(const json_t *answer, const char *field, const char *code)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(answer, "errors"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")) ?: "", field) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "code")) ?: "", code) == 0)
			return 1;
	return 0;
}

static void test_identifiers_refused(void)
{
	struct resp r;
	char id[32], path[64];
	const json_t *w;

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles", counsellor_a,
			    "{\"skills\":[\"MIG welding\",\"+27 82 555 0101\",\"someone@example.org\","
			    "\"passport RA1234567\"],\"occupations\":[\"7212\"],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(!names_error(r.json, "skills[0]", "identifier"));
	T_CHECK(names_error(r.json, "skills[1]", "identifier"));
	T_CHECK(names_error(r.json, "skills[2]", "identifier"));
	T_CHECK(names_error(r.json, "skills[3]", "identifier"));
	resp_free(&r);
	/* Free-text occupations too. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles", counsellor_a,
			    "{\"occupations\":[\"welder, call 082 555 0101\"],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(names_error(r.json, "occupations[0]", "identifier"));
	resp_free(&r);
	/* A name is stored (it may be a skill nobody catalogued) with a warning. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles", counsellor_a,
			    "{\"skills\":[\"MIG welding\",\"Thabo Mokoena\"],\"occupations\":[\"7212\"],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_EQ_INT(r.status, 201);
	w = json_array_get(json_object_get(r.json, "warnings"), 0);
	T_CHECKF(w && strcmp(json_string_value(json_object_get(w, "code")) ?: "",
			     "looks_like_a_name") == 0, "%.300s", r.body);
	T_CHECK(json_array_size(json_object_get(r.json, "warnings")) == 1);
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	T_REQUIRE(id[0]);
	/* A warning is answered, never stored. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s' AND doc ? 'warnings'", id), 0);
	/* A PATCH is checked the same. */
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, counsellor_a,
			    "{\"skills\":[\"write to someone@example.org\"]}") == 0);
	T_EQ_INT(r.status, 400);
	T_CHECKF(names_error(r.json, "skills[0]", "identifier"), "%.300s", r.body);
	resp_free(&r);
}

/* ---- the audit log names people only to their organisation (finding 2) ---- */

static void test_audit_pseudonyms(void)
{
	char admin[80], id[32], path[96], first[32] = "";
	struct resp r;
	const json_t *it;
	size_t i;
	int rows = 0;

	T_REQUIRE(make_token("admin", "ops", admin, sizeof admin) == 0);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/profiles", counsellor_a,
			    "{\"skills\":[\"MIG welding\"],\"occupations\":[\"7212\"],"
			    "\"consent\":{\"matching\":true,\"show_to_employers\":false}}") == 0);
	T_REQUIRE(r.status == 201);
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	/* The regulator finds the rows, but never the id. */
	snprintf(path, sizeof path, "/v1/audit?object=%s", id);
	T_REQUIRE(http(&r, &srv, "GET", path, regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECKF(r.body && !strstr(r.body, id), "the regulator sees %s: %.300s", id, r.body);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		const char *o = json_string_value(json_object_get(it, "object"));

		rows++;
		T_CHECKF(o && strncmp(o, "p~", 2) == 0 && strlen(o) == 18, "object %s", o ? o : "null");
		if (!first[0])
			snprintf(first, sizeof first, "%s", o ? o : "");
		T_CHECK(o && strcmp(o, first) == 0); /* one person, one pseudonym */
	}
	T_CHECK(rows >= 2); /* created and read */
	resp_free(&r);
	/* Another viewer: another pseudonym. */
	T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(r.body && !strstr(r.body, id) && !strstr(r.body, first));
	resp_free(&r);
}

/* ---- smaller items (finding 9) ---- */

static void test_closed_vacancy_and_spoofed_titles(void)
{
	struct resp r;
	char vid[32], path[96];

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer_a,
			    "{\"title\":\"Welder \\u202egnp.exe\",\"occupation\":\"7212\","
			    "\"country\":\"ZA\",\"valid_until\":\"2099-01-01\"}") == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(names_error(r.json, "title", "format"));
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer_a,
			    "{\"title\":\"Welder \\u001b[2J\",\"occupation\":\"7212\","
			    "\"country\":\"ZA\",\"valid_until\":\"2099-01-01\"}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer_a,
			    "{\"title\":\"Welder\",\"occupation\":\"7212\","
			    "\"country\":\"ZA\",\"valid_until\":\"2099-01-01\"}") == 0);
	T_REQUIRE(r.status == 201);
	snprintf(vid, sizeof vid, "%s", json_string_value(json_object_get(r.json, "id")) ?: "");
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates", vid);
	T_REQUIRE(http(&r, &srv, "GET", path, employer_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/vacancies/%s", vid);
	T_REQUIRE(http(&r, &srv, "DELETE", path, employer_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates", vid);
	T_REQUIRE(http(&r, &srv, "GET", path, employer_a, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 409);
	resp_free(&r);
}

int main(void)
{
	char conninfo[4096], role_conninfo[4096], err[512] = "";

	curl_global_init(CURL_GLOBAL_ALL);
	store_default_conninfo(conninfo, sizeof conninfo);
	if (store_connect(conninfo, &owner, err, sizeof err) || store_migrate(owner) ||
	    store_role_conninfo(conninfo, STORE_SERVER_ROLE, role_conninfo, sizeof role_conninfo, err,
				sizeof err) ||
	    store_connect(role_conninfo, &server, err, sizeof err) ||
	    make_token("counsellor", "centre-a", counsellor_a, sizeof counsellor_a) ||
	    make_token("counsellor", "centre-b", counsellor_b, sizeof counsellor_b) ||
	    make_token("employer", "acme", employer_a, sizeof employer_a) ||
	    make_token("regulator", "labour-dept", regulator, sizeof regulator) ||
	    server_start(&srv, "privacy")) {
		fprintf(stderr, "cannot set up: %s\n", err);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_server_role_owns_nothing);
	T_RUN(test_rls_profiles);
	T_RUN(test_rls_vacancies_and_placements);
	T_RUN(test_append_only);
	T_RUN(test_keys_and_audit_rows);
	T_RUN(test_key_stats_and_quota_functions);
	T_RUN(test_role_policies);
	T_RUN(test_read_and_audit_are_one_transaction);
	T_RUN(test_erasure_leaves_nothing_on_disk);
	T_RUN(test_retention_cli);
	T_RUN(test_retention_in_serve);
	T_RUN(test_index_compaction);
	T_RUN(test_identifiers_refused);
	T_RUN(test_audit_pseudonyms);
	T_RUN(test_closed_vacancy_and_spoofed_titles);
	server_kill(&srv);
	store_close(server);
	store_close(owner);
	curl_global_cleanup();
	return T_DONE();
}
