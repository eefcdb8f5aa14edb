-- 001_core: keys, vacancies, the change log that feeds the index, the audit log.
--
-- PostgreSQL is the source of truth. Every write of an indexed object adds a
-- change_log row in the same transaction; the indexer applies the log to
-- Xapian in seq order and records the last seq it applied inside the index.

CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,              -- sha256 of the bearer token; the token is never stored
    role        text NOT NULL CHECK (role IN ('counsellor', 'employer', 'regulator', 'admin')),
    org         text NOT NULL CHECK (length(org) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE vacancies (
    id           bigserial PRIMARY KEY,
    org          text NOT NULL,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    doc          jsonb NOT NULL,                     -- the validated vacancy fields, as the API takes them
    country      char(2) NOT NULL,
    occupation   text NOT NULL,
    valid_until  date NOT NULL,
    positions    integer NOT NULL CHECK (positions >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    closed_at    timestamptz
);
CREATE INDEX vacancies_org ON vacancies (org, id);

-- Writers take pg_advisory_xact_lock(change_log_lock) just before inserting
-- here, so seq order is commit order and the indexer can never skip a seq
-- that commits late. Held from the insert to the commit: a short section.
CREATE TABLE change_log (
    seq          bigserial PRIMARY KEY,
    object_type  text NOT NULL,                      -- 'vacancy', later 'profile'
    object_id    bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION change_log_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fairmatch_changes', '');
    RETURN NULL;
END $$;
CREATE TRIGGER change_log_notify AFTER INSERT ON change_log
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_notify();

-- Who did what to which object. Never the content of a profile.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     bigint,                                -- api_keys.id; NULL for the CLI
    role      text NOT NULL,
    org       text NOT NULL,
    action    text NOT NULL,
    object    text,
    detail    jsonb
);
CREATE INDEX audit_log_object ON audit_log (object, id);
