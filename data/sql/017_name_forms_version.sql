-- 017_name_forms_version: which normalisation wrote the stored name forms.
--
-- recruiters.name_norm, aliases_norm, licence_norm and recruiter_names.norm
-- are written at registration by the code of that day (engine/integrity,
-- names_normalise and names_licence_key). The SQL path of the check compares
-- a query normalised by today's code with them, so when the code's
-- NAMES_FORMS_VERSION differs from the one recorded here, the role that runs
-- the migrations rewrites every stored form in one transaction
-- (integrity_renormalise, run by `fairmatch migrate`, every command and
-- `fairmatch serve` at start) and records the new version. No row: forms of
-- an unknown version, rewritten on the first run.
--
-- One row. The server role only reads it: re-normalising is maintenance by
-- the owner, like the migrations (docs/privacy.md); the server has no UPDATE
-- on the registry (006_roles).
CREATE TABLE name_forms_version (
    one             boolean PRIMARY KEY DEFAULT true CHECK (one),
    version         integer NOT NULL,
    renormalised_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON name_forms_version FROM fairmatch_server;
GRANT SELECT ON name_forms_version TO fairmatch_server;
