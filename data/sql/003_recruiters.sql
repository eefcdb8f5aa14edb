-- 003_recruiters: the recruiter registry, regulator flags and their lifting.
--
-- Flags and lifts are facts: once written they are never edited or deleted.
-- That is enforced here (triggers raise on UPDATE, DELETE and TRUNCATE), not
-- only in C, so no client, script or future code path can rewrite history.
-- Lifting a flag is a new flag_lifts row. Every insert into the three tables
-- sends NOTIFY fairmatch_integrity ('recruiter', 'flag:<id>',
-- 'lift:<flag id>') so every server refreshes its in-memory snapshot.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE recruiters (
    id                  bigserial PRIMARY KEY,              -- shown as "r_<id>"
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    aliases             text[] NOT NULL DEFAULT '{}',
    country             char(2),
    licence_number      text CHECK (length(licence_number) <= 64),
    licence_norm        text,                                -- uppercase, no spaces: exact matching
    licence_authority   text,
    licence_valid_until date,
    name_norm           text NOT NULL,                       -- names_normalise(name)
    aliases_norm        text[] NOT NULL DEFAULT '{}',        -- names_normalise of each alias
    created_by          bigint,                              -- api_keys.id; NULL for the CLI
    created_org         text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recruiters_licence ON recruiters (licence_norm) WHERE licence_norm IS NOT NULL;

-- One row per normalised name or alias: the trigram index needs a scalar
-- column, and a hit must say whether the name or an alias matched.
CREATE TABLE recruiter_names (
    recruiter  bigint NOT NULL REFERENCES recruiters (id),
    kind       text NOT NULL CHECK (kind IN ('name', 'alias')),
    label      text NOT NULL,                                -- as registered
    norm       text NOT NULL
);
CREATE INDEX recruiter_names_trgm ON recruiter_names USING gin (norm gin_trgm_ops);
CREATE INDEX recruiter_names_recruiter ON recruiter_names (recruiter);

CREATE TABLE flags (
    id          bigserial PRIMARY KEY,                       -- shown as "f_<id>"
    recruiter   bigint NOT NULL REFERENCES recruiters (id),
    severity    text NOT NULL CHECK (severity IN ('blacklist', 'warning')),
    reason      text NOT NULL CHECK (reason IN ('worker_fees', 'contract_substitution',
                    'unlicensed', 'passport_retention', 'deception', 'trafficking', 'other')),
    evidence    text NOT NULL DEFAULT '' CHECK (length(evidence) <= 20000),
    authority   text NOT NULL,                               -- the flagging regulator's organisation
    expires_at  timestamptz,                                 -- NULL: until lifted
    created_by  bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flags_recruiter ON flags (recruiter, id);

CREATE TABLE flag_lifts (
    flag       bigint PRIMARY KEY REFERENCES flags (id),     -- a flag is lifted at most once
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    lifted_by  bigint,
    lifted_org text NOT NULL,
    lifted_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION integrity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'flags are never edited or deleted; lift a flag with a new flag_lifts row';
END $$;
CREATE TRIGGER flags_append_only BEFORE UPDATE OR DELETE ON flags
    FOR EACH ROW EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER flags_no_truncate BEFORE TRUNCATE ON flags
    FOR EACH STATEMENT EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER flag_lifts_append_only BEFORE UPDATE OR DELETE ON flag_lifts
    FOR EACH ROW EXECUTE FUNCTION integrity_append_only();
CREATE TRIGGER flag_lifts_no_truncate BEFORE TRUNCATE ON flag_lifts
    FOR EACH STATEMENT EXECUTE FUNCTION integrity_append_only();

CREATE FUNCTION integrity_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV[1] names the id column ('id', or 'flag' for a lift).
    PERFORM pg_notify('fairmatch_integrity', TG_ARGV[0] || ':' || (to_jsonb(NEW) ->> TG_ARGV[1]));
    RETURN NULL;
END $$;
-- Per statement for recruiters: a bulk import of 100,000 names sends one
-- notification, not 100,000 (the snapshot holds flagged recruiters only).
CREATE FUNCTION integrity_notify_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fairmatch_integrity', TG_ARGV[0]);
    RETURN NULL;
END $$;
CREATE TRIGGER recruiters_notify AFTER INSERT ON recruiters
    FOR EACH STATEMENT EXECUTE FUNCTION integrity_notify_statement('recruiter');
CREATE TRIGGER flags_notify AFTER INSERT ON flags
    FOR EACH ROW EXECUTE FUNCTION integrity_notify('flag', 'id');
CREATE TRIGGER flag_lifts_notify AFTER INSERT ON flag_lifts
    FOR EACH ROW EXECUTE FUNCTION integrity_notify('lift', 'flag');
