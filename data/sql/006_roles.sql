-- 006_roles: the server's own login role, row-level security, append-only history.
--
-- Two kinds of connection (docs/privacy.md, "Who can do what in the database"):
--
--  * The owner: whoever FAIRMATCH_DB logs in as. It owns every table, runs
--    these migrations and the command line (import, reindex, verify, keys,
--    retention). It is the operator's tool and is not limited by the
--    policies below (a table owner bypasses row-level security).
--  * fairmatch_server: every connection of `fairmatch serve` after its
--    start-up migration (request threads, the indexer, the integrity
--    snapshot). It owns nothing, has only the grants listed here, and every
--    org-scoped table checks its rows against the acting organisation and
--    role that the server sets for each request with
--        set_config('fairmatch.org', <org>, ...), set_config('fairmatch.role', <role>, ...)
--    (engine/store.c, store_set_actor). A C check that is forgotten then
--    finds no row instead of another organisation's row.
--
-- The role is cluster-wide and has no password: the private cluster trusts
-- its unix socket (data/pgctl.sh). On a shared cluster give it a password
-- and point FAIRMATCH_SERVER_DB at it. Creating it needs CREATEROLE (or a
-- superuser); when it already exists it is reused.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fairmatch_server') THEN
        CREATE ROLE fairmatch_server LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
            NOINHERIT NOREPLICATION NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- another database of this cluster created it at the same moment
END $$;

-- The acting organisation and role of the current request ('' or NULL when
-- none is set: no org-scoped row is then visible).
CREATE FUNCTION fairmatch_org() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('fairmatch.org', true), '')
$$;
CREATE FUNCTION fairmatch_role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('fairmatch.role', true), '')
$$;

-- ---- grants: exactly what the server's code paths use ----
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM fairmatch_server;
GRANT SELECT ON schema_migrations, api_keys TO fairmatch_server;
GRANT SELECT, INSERT ON change_log, audit_log, recruiters, recruiter_names, flags, flag_lifts
    TO fairmatch_server;
-- No column that says whose a row is (org, created_org, id) can be updated.
GRANT SELECT, INSERT ON vacancies TO fairmatch_server;
GRANT UPDATE (status, doc, country, occupation, valid_until, positions, updated_at, closed_at)
    ON vacancies TO fairmatch_server;
GRANT SELECT, INSERT ON quotas TO fairmatch_server;
GRANT UPDATE (slots_taken) ON quotas TO fairmatch_server;
GRANT SELECT, INSERT ON placements TO fairmatch_server;
GRANT UPDATE (released_at) ON placements TO fairmatch_server;
GRANT SELECT, INSERT, DELETE ON profiles TO fairmatch_server;
GRANT UPDATE (doc, consent_matching, consent_show_to_employers, updated_at, last_touched_at)
    ON profiles TO fairmatch_server;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO fairmatch_server;
-- A flag locks its recruiter with SELECT ... FOR SHARE, which PostgreSQL
-- allows only with some UPDATE privilege. The grant is on the id column,
-- and the trigger below refuses every actual update by the server role:
-- the registry has no update path.
GRANT UPDATE (id) ON recruiters TO fairmatch_server;
CREATE FUNCTION recruiters_server_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'recruiters are not updated by the server'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER recruiters_server_no_update BEFORE UPDATE ON recruiters
    FOR EACH ROW WHEN (current_user = 'fairmatch_server')
    EXECUTE FUNCTION recruiters_server_no_update();
-- Tables added by later migrations get plain read and write grants, so a
-- new feature works at once; a migration that adds an org-scoped or
-- append-only table must narrow them (as this one does) and say so.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO fairmatch_server;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO fairmatch_server;

-- ---- row-level security (applies to fairmatch_server; the owner bypasses it) ----

-- Profiles: the counsellors of the owning organisation; employers see the
-- rows that consented to be shown to employers (the candidate cards, which
-- the C code minimises to a few fields). Regulators and admins: none.
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY profiles_own ON profiles TO fairmatch_server
    USING (fairmatch_role() = 'counsellor' AND org = fairmatch_org())
    WITH CHECK (fairmatch_role() = 'counsellor' AND org = fairmatch_org());
CREATE POLICY profiles_candidates ON profiles FOR SELECT TO fairmatch_server
    USING (fairmatch_role() = 'employer' AND consent_matching AND consent_show_to_employers);

-- Vacancies are public job posts: everyone reads them (the indexer too,
-- with no acting organisation). Only their employer, or an admin, writes.
ALTER TABLE vacancies ENABLE ROW LEVEL SECURITY;
CREATE POLICY vacancies_read ON vacancies FOR SELECT TO fairmatch_server USING (true);
CREATE POLICY vacancies_insert ON vacancies FOR INSERT TO fairmatch_server
    WITH CHECK (org = fairmatch_org() AND fairmatch_role() IN ('employer', 'admin'));
CREATE POLICY vacancies_update ON vacancies FOR UPDATE TO fairmatch_server
    USING ((fairmatch_role() = 'employer' AND org = fairmatch_org()) OR fairmatch_role() = 'admin');

-- Placements: the placing counsellor's organisation; an admin may release any.
ALTER TABLE placements ENABLE ROW LEVEL SECURITY;
CREATE POLICY placements_read ON placements FOR SELECT TO fairmatch_server
    USING (org = fairmatch_org() OR fairmatch_role() = 'admin');
CREATE POLICY placements_insert ON placements FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() = 'counsellor' AND org = fairmatch_org());
CREATE POLICY placements_release ON placements FOR UPDATE TO fairmatch_server
    USING (org = fairmatch_org() OR fairmatch_role() = 'admin');

-- The audit log: anyone acting may append; regulators and admins read it
-- all (GET /v1/audit), others only their organisation's rows.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_append ON audit_log FOR INSERT TO fairmatch_server WITH CHECK (true);
CREATE POLICY audit_read ON audit_log FOR SELECT TO fairmatch_server
    USING (fairmatch_role() IN ('regulator', 'admin') OR org = fairmatch_org());

-- ---- append-only: the audit log, flags and lifts ----
-- Not granted above, and refused by triggers for every role, the owner
-- included (flags and lifts have had theirs since 003_recruiters).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, flags, flag_lifts FROM fairmatch_server;
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- ---- retention: the one way the server role reaches across organisations ----
-- Erases the profiles nobody read, changed or matched for `months` months
-- (last_touched_at) and writes one audit row per erasure, in one
-- transaction. SECURITY DEFINER: it runs as the owner, so the server's
-- retention thread can erase stale profiles of every organisation without
-- being able to see or touch any other row of theirs. Returns the erased ids.
CREATE FUNCTION fairmatch_retention(months integer) RETURNS SETOF text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF months IS NULL OR months < 1 THEN
        RAISE EXCEPTION 'retention needs at least 1 month, not %', months
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH gone AS (
        DELETE FROM profiles
         WHERE last_touched_at < now() - make_interval(months => months)
        RETURNING id, org
    ), audited AS (
        INSERT INTO audit_log (actor, role, org, action, object, detail)
        SELECT NULL, 'system', g.org, 'profile.erase', g.id,
               jsonb_build_object('why', 'retention', 'months', months)
          FROM gone g
        RETURNING object
    )
    SELECT object FROM audited;
END $$;
REVOKE ALL ON FUNCTION fairmatch_retention(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_retention(integer) TO fairmatch_server;
