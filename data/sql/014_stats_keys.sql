-- 014_stats_keys: key management (expiry, revocation that reaches every
-- server at once), quota listings that change and close, and the aggregate
-- statistics of GET /v1/stats (issue 18).
--
-- Like 007, the server role reaches api_keys and the profiles of every
-- organisation only through SECURITY DEFINER functions that answer exactly
-- one question each: no function here returns a token hash, and the
-- statistics function returns counts, never a row of a person.

-- ---- keys ----
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN revoked_by bigint;   -- api_keys.id; NULL for the CLI
ALTER TABLE api_keys ADD COLUMN replaced_by bigint;  -- the key a rotation made

-- An expired key is as unknown as a revoked one; the expiry is answered
-- too, so a server's cache stops a key at its expiry without asking again.
DROP FUNCTION fairmatch_key(bytea);
CREATE FUNCTION fairmatch_key(hash bytea)
    RETURNS TABLE (id bigint, role text, org text, expires bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT k.id, k.role, k.org, extract(epoch FROM k.expires_at)::bigint FROM api_keys k
     WHERE k.token_hash = hash AND k.revoked_at IS NULL
       AND (k.expires_at IS NULL OR k.expires_at > now())
$$;
REVOKE ALL ON FUNCTION fairmatch_key(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_key(bytea) TO fairmatch_server;

-- Key management is for admins (and the owner: the command line).
CREATE FUNCTION fairmatch_key_admin() RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF session_user = 'fairmatch_server' AND fairmatch_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'keys are managed by admins' USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

-- Every revocation tells every server at once (the key cache listens).
CREATE FUNCTION api_keys_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.revoked_at IS DISTINCT FROM OLD.revoked_at
       OR NEW.expires_at IS DISTINCT FROM OLD.expires_at THEN
        PERFORM pg_notify('fairmatch_keys', NEW.id::text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER api_keys_notify AFTER UPDATE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION api_keys_notify();

CREATE FUNCTION fairmatch_key_create(hash bytea, new_role text, new_org text,
                                     expires timestamptz)
    RETURNS TABLE (id bigint, created_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM fairmatch_key_admin();
    RETURN QUERY
    WITH ins AS (
        INSERT INTO api_keys AS k (token_hash, role, org, expires_at)
        VALUES (hash, new_role, new_org, expires) RETURNING k.id, k.created_at)
    SELECT ins.id, ins.created_at FROM ins;
END $$;

-- The list never holds a hash.
CREATE FUNCTION fairmatch_key_list(want_org text, want_role text, want_status text,
                                   after_id bigint, max_rows integer)
    RETURNS TABLE (id bigint, role text, org text, created_at timestamptz,
                   expires_at timestamptz, revoked_at timestamptz, replaced_by bigint,
                   status text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM fairmatch_key_admin();
    RETURN QUERY
    SELECT s.* FROM (
        SELECT k.id, k.role, k.org, k.created_at, k.expires_at, k.revoked_at, k.replaced_by,
               CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                    WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired'
                    ELSE 'active' END AS status
          FROM api_keys k
         WHERE k.id > after_id
           AND (want_org IS NULL OR k.org = want_org)
           AND (want_role IS NULL OR k.role = want_role)) s
     WHERE want_status IS NULL OR s.status = want_status
     ORDER BY s.id LIMIT max_rows;
END $$;

-- Revokes key_id (by the key by_key, NULL for the CLI); answers the key's
-- row as it is after, with revoked = false when it was revoked already.
CREATE FUNCTION fairmatch_key_revoke(key_id bigint, by_key bigint)
    RETURNS TABLE (id bigint, role text, org text, revoked_at timestamptz, revoked boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM fairmatch_key_admin();
    RETURN QUERY
    WITH done AS (
        UPDATE api_keys k SET revoked_at = now(), revoked_by = by_key
         WHERE k.id = key_id AND k.revoked_at IS NULL
        RETURNING k.id, k.role, k.org, k.revoked_at)
    SELECT d.id, d.role, d.org, d.revoked_at, true FROM done d
    UNION ALL
    SELECT k.id, k.role, k.org, k.revoked_at, false FROM api_keys k
     WHERE k.id = key_id AND NOT EXISTS (SELECT 1 FROM done);
END $$;

REVOKE ALL ON FUNCTION fairmatch_key_create(bytea, text, text, timestamptz),
    fairmatch_key_list(text, text, text, bigint, integer),
    fairmatch_key_revoke(bigint, bigint), fairmatch_key_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_key_create(bytea, text, text, timestamptz),
    fairmatch_key_list(text, text, text, bigint, integer),
    fairmatch_key_revoke(bigint, bigint), fairmatch_key_admin() TO fairmatch_server;

-- ---- quota listings change and close ----
ALTER TABLE quotas ADD COLUMN closed_at timestamptz;
ALTER TABLE quotas ADD COLUMN updated_at timestamptz;
GRANT UPDATE (slots, valid_from, valid_until, conditions, closed_at, updated_at)
    ON quotas TO fairmatch_server;
-- 008 lets counsellors update a listing's row (a placement moves
-- slots_taken): everything else of a listing is an admin's to change.
CREATE FUNCTION quotas_terms_admin_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.slots, NEW.valid_from, NEW.valid_until, NEW.conditions, NEW.closed_at)
       IS DISTINCT FROM (OLD.slots, OLD.valid_from, OLD.valid_until, OLD.conditions, OLD.closed_at)
       AND fairmatch_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'only admins change or close quota listings'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.closed_at IS NOT NULL AND NEW.slots_taken > OLD.slots_taken THEN
        RAISE EXCEPTION 'quota listing % is closed', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER quotas_terms_admin_only BEFORE UPDATE ON quotas
    FOR EACH ROW WHEN (current_user = 'fairmatch_server')
    EXECUTE FUNCTION quotas_terms_admin_only();

-- ---- statistics ----
-- The occupations in profiles and open vacancies that are not ISCO-08 unit
-- group codes (ESCO URIs): the caller maps them to ISCO groups (the
-- taxonomy lives in the engine) and passes the map to fairmatch_stats.
CREATE FUNCTION fairmatch_stats_occupations() RETURNS SETOF text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF session_user = 'fairmatch_server'
       AND fairmatch_role() IS DISTINCT FROM 'regulator' AND fairmatch_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'statistics are for regulators and admins'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT DISTINCT o FROM (
        SELECT jsonb_array_elements_text(doc -> 'occupations') AS o FROM profiles
        UNION ALL
        SELECT occupation FROM vacancies WHERE status = 'open') x
     WHERE o !~ '^[0-9]{4}$';
END $$;

-- Counts, and only counts: (tab, cell, n). Tables:
--   profiles, p_citizenship, p_sex, p_age_band, p_isco_major (a profile
--   counts once per major group it holds), p_desired_country (once per
--   country), vacancies (open ones), v_country, v_isco_major, v_recruiter
--   (cell: the recruiter object as JSON text, '' for direct hire),
--   matches_month, placements_month (the last `months` calendar months).
--   (Quota use is read from quotas, which every role may read.) isco_map maps an occupation that is not a 4-digit code to
--   its ISCO-08 group.
CREATE FUNCTION fairmatch_stats(months integer, isco_map jsonb)
    RETURNS TABLE (tab text, cell text, n bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    since timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                         - make_interval(months => greatest(months, 1) - 1);
    this_year integer := extract(year FROM now() AT TIME ZONE 'UTC')::integer;
BEGIN
    IF session_user = 'fairmatch_server'
       AND fairmatch_role() IS DISTINCT FROM 'regulator' AND fairmatch_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'statistics are for regulators and admins'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT 'profiles', '', count(*) FROM profiles
    UNION ALL
    SELECT 'p_citizenship', coalesce(doc ->> 'citizenship', 'not_given'), count(*)
      FROM profiles GROUP BY 2
    UNION ALL
    SELECT 'p_sex', coalesce(doc ->> 'sex', 'not_given'), count(*) FROM profiles GROUP BY 2
    UNION ALL
    SELECT 'p_age_band', b, count(*) FROM (
        SELECT CASE WHEN coalesce(jsonb_typeof(doc -> 'birth_year'), '') <> 'number' THEN 'not_given'
                    WHEN this_year - (doc ->> 'birth_year')::integer < 25 THEN '15-24'
                    WHEN this_year - (doc ->> 'birth_year')::integer < 35 THEN '25-34'
                    WHEN this_year - (doc ->> 'birth_year')::integer < 45 THEN '35-44'
                    WHEN this_year - (doc ->> 'birth_year')::integer < 55 THEN '45-54'
                    WHEN this_year - (doc ->> 'birth_year')::integer < 65 THEN '55-64'
                    ELSE '65+' END AS b
          FROM profiles) a GROUP BY b
    UNION ALL
    SELECT 'p_isco_major', g, count(DISTINCT id) FROM (
        SELECT p.id, coalesce(left(CASE WHEN o ~ '^[0-9]{4}$' THEN o ELSE isco_map ->> o END, 1),
                              'unknown') AS g
          FROM profiles p, jsonb_array_elements_text(p.doc -> 'occupations') o
        UNION ALL
        SELECT p.id, 'none' FROM profiles p
         WHERE jsonb_array_length(coalesce(p.doc -> 'occupations', '[]')) = 0) x
     GROUP BY g
    UNION ALL
    SELECT 'p_desired_country', c, count(DISTINCT id) FROM (
        SELECT p.id, c FROM profiles p, jsonb_array_elements_text(p.doc -> 'desired_countries') c
        UNION ALL
        SELECT p.id, 'none' FROM profiles p
         WHERE jsonb_array_length(coalesce(p.doc -> 'desired_countries', '[]')) = 0) x
     GROUP BY c
    UNION ALL
    SELECT 'vacancies', '', count(*) FROM vacancies
     WHERE status = 'open' AND valid_until >= current_date
    UNION ALL
    SELECT 'v_country', country::text, count(*) FROM vacancies
     WHERE status = 'open' AND valid_until >= current_date GROUP BY 2
    UNION ALL
    SELECT 'v_isco_major',
           coalesce(left(CASE WHEN occupation ~ '^[0-9]{1,4}$' THEN occupation
                              ELSE isco_map ->> occupation END, 1), 'unknown'),
           count(*)
      FROM vacancies WHERE status = 'open' AND valid_until >= current_date GROUP BY 2
    UNION ALL
    SELECT 'v_recruiter', coalesce((doc -> 'recruiter')::text, ''), count(*) FROM vacancies
     WHERE status = 'open' AND valid_until >= current_date GROUP BY 2
    UNION ALL
    SELECT 'matches_month', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) FROM audit_log
     WHERE action IN ('profile.match', 'match.inline') AND at >= since GROUP BY 2
    UNION ALL
    SELECT 'placements_month', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*)
      FROM placements WHERE created_at >= since GROUP BY 2;
END $$;
REVOKE ALL ON FUNCTION fairmatch_stats_occupations(), fairmatch_stats(integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_stats_occupations(), fairmatch_stats(integer, jsonb)
    TO fairmatch_server;
