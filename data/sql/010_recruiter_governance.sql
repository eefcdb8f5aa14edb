-- 010_recruiter_governance: the two-person rule for lifting another
-- authority's flag, and reviewed false positives (exclusions).
--
-- Both tables are facts like flags: append-only (the triggers of
-- 003_recruiters refuse UPDATE, DELETE and TRUNCATE for every role), readable
-- by everyone acting, written by regulators and admins in their own
-- organisation's name. Every insert notifies fairmatch_integrity, so every
-- server reloads its snapshot and exclusions (docs/integrity.md).

-- A lift of a flag by a regulator of another organisation than the flag's
-- authority is first a request; a second key confirms it with a flag_lifts
-- row (engine/integrity/flags.c). At most one request per flag.
CREATE TABLE flag_lift_requests (
    flag          bigint PRIMARY KEY REFERENCES flags (id),
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    requested_by  bigint,                                   -- api_keys.id
    requested_org text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now()
);

-- "This name (or that recruiter) is not recruiter R": a reviewed false
-- positive. The name is kept as given and normalised when loaded, so a
-- better normaliser applies to old decisions too.
CREATE TABLE recruiter_exclusions (
    id          bigserial PRIMARY KEY,                      -- shown as "x_<id>"
    recruiter   bigint NOT NULL REFERENCES recruiters (id),
    name        text CHECK (length(name) BETWEEN 1 AND 200),
    other       bigint REFERENCES recruiters (id),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    created_by  bigint,
    created_org text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((name IS NULL) <> (other IS NULL)),
    CHECK (other IS DISTINCT FROM recruiter)
);
CREATE INDEX recruiter_exclusions_recruiter ON recruiter_exclusions (recruiter, id);

CREATE TRIGGER flag_lift_requests_append_only BEFORE UPDATE OR DELETE ON flag_lift_requests
    FOR EACH ROW EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER flag_lift_requests_no_truncate BEFORE TRUNCATE ON flag_lift_requests
    FOR EACH STATEMENT EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER recruiter_exclusions_append_only BEFORE UPDATE OR DELETE ON recruiter_exclusions
    FOR EACH ROW EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER recruiter_exclusions_no_truncate BEFORE TRUNCATE ON recruiter_exclusions
    FOR EACH STATEMENT EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER recruiter_exclusions_notify AFTER INSERT ON recruiter_exclusions
    FOR EACH ROW EXECUTE FUNCTION integrity_notify('exclusion', 'id');

-- The server role: read and append, nothing else (006 granted more by default).
REVOKE ALL ON flag_lift_requests, recruiter_exclusions FROM fairmatch_server;
GRANT SELECT, INSERT ON flag_lift_requests, recruiter_exclusions TO fairmatch_server;
ALTER TABLE flag_lift_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY flag_lift_requests_read ON flag_lift_requests FOR SELECT TO fairmatch_server
    USING (true);
CREATE POLICY flag_lift_requests_create ON flag_lift_requests FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() IN ('regulator', 'admin') AND requested_org = fairmatch_org());
ALTER TABLE recruiter_exclusions ENABLE ROW LEVEL SECURITY;
CREATE POLICY recruiter_exclusions_read ON recruiter_exclusions FOR SELECT TO fairmatch_server
    USING (true);
CREATE POLICY recruiter_exclusions_create ON recruiter_exclusions FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() IN ('regulator', 'admin') AND created_org = fairmatch_org());

-- Regulators read the vacancies that name a recruiter (GET
-- /v1/recruiters/{id}/vacancies: which job posts name an agency), and no
-- other: a direct hire is none of a regulator's business. 008 let only
-- counsellors, admins, the indexer and the owning employer read vacancies.
CREATE POLICY vacancies_read_regulator ON vacancies FOR SELECT TO fairmatch_server
    USING (fairmatch_role() = 'regulator' AND jsonb_typeof(doc -> 'recruiter') = 'object');
