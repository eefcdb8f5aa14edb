-- 007_least_privilege: the server role can neither list API keys nor write
-- audit rows in another actor's name (docs/privacy.md).
--
-- Keys: the server needs to answer "which key has this hash?", not to read
-- the table. fairmatch_key(hash) answers exactly that (SECURITY DEFINER, as
-- the owner); SELECT on api_keys is taken away, so a forgotten check or a
-- wrong query cannot enumerate every organisation's keys.
CREATE FUNCTION fairmatch_key(hash bytea)
    RETURNS TABLE (id bigint, role text, org text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT k.id, k.role, k.org FROM api_keys k
     WHERE k.token_hash = hash AND k.revoked_at IS NULL
$$;
REVOKE ALL ON FUNCTION fairmatch_key(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_key(bytea) TO fairmatch_server;
REVOKE SELECT ON api_keys FROM fairmatch_server;

-- Audit rows: the server appends only rows of the role and organisation it
-- acts for (retention's rows are written by fairmatch_retention, as the owner).
DROP POLICY audit_append ON audit_log;
CREATE POLICY audit_append ON audit_log FOR INSERT TO fairmatch_server
    WITH CHECK (org = fairmatch_org() AND role = fairmatch_role());
