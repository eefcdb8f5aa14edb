-- 018_audit_alias: erasing a profile also unlinks its audit history
-- (docs/privacy.md, "Forgetting").
--
-- The audit log is append-only (006_roles.sql), so an erasure cannot take
-- the profile's id out of the rows that recorded its creation, reads,
-- matches, cards and changes. Instead those rows never hold the id: they
-- hold the profile's audit alias, "pa_" and 32 random hex digits kept only
-- in the profile's own row. While the profile exists the alias and the id
-- map to each other (GET /v1/audit answers with the id, as before); the
-- erasure deletes the row and with it the only link, so the earlier rows
-- stay counted events (who, role, organisation, action, time) that name
-- nobody. The erasure row itself keeps the plain id: that it happened.
-- Rows written before this migration keep the ids they hold.

-- gen_random_uuid() draws from the server's strong random source (122
-- random bits per value); the default gives every existing profile its
-- own alias too (ADD COLUMN evaluates a volatile default per row).
ALTER TABLE profiles ADD COLUMN audit_alias text NOT NULL
    DEFAULT 'pa_' || replace(gen_random_uuid()::text, '-', '')
    CONSTRAINT profiles_audit_alias_format CHECK (audit_alias ~ '^pa_[0-9a-f]{32}$');
CREATE UNIQUE INDEX profiles_audit_alias ON profiles (audit_alias);
-- Planner samples of the column would outlive erasures (see 016).
ALTER TABLE profiles ALTER COLUMN audit_alias SET STATISTICS 0;

-- An object as the audit log stores it: a stored profile's id becomes its
-- alias, anything else (other ids, an erased profile's id) stays itself.
-- SECURITY DEFINER: every role's rows about a profile (an employer's card,
-- a regulator's view of a placement) are written with the alias, though
-- row-level security hides the profile from that role.
-- (plpgsql: its plans are cached per connection; every audit row and every
-- row read back passes through one of these.)
CREATE FUNCTION fairmatch_audit_alias(object text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    hit text;
BEGIN
    IF left(object, 2) IS DISTINCT FROM 'p_' THEN
        RETURN object;
    END IF;
    SELECT p.audit_alias INTO hit FROM profiles p WHERE p.id = object;
    RETURN coalesce(hit, object);
END $$;
-- The reverse, for reading the log back: a stored profile's alias becomes
-- its id again; the alias of an erased profile stays an alias.
CREATE FUNCTION fairmatch_audit_object(object text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    hit text;
BEGIN
    IF left(object, 3) IS DISTINCT FROM 'pa_' THEN
        RETURN object;
    END IF;
    SELECT p.id INTO hit FROM profiles p WHERE p.audit_alias = object;
    RETURN coalesce(hit, object);
END $$;
-- The same for the string members of a detail object ({"profile": ...}):
-- to the alias (to_alias) or back to the id.
CREATE FUNCTION fairmatch_audit_detail(detail jsonb, to_alias boolean) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    k text;
    v jsonb;
    s text;
    m text;
    result jsonb := detail;
BEGIN
    IF jsonb_typeof(detail) IS DISTINCT FROM 'object' THEN
        RETURN detail;
    END IF;
    FOR k, v IN SELECT e.key, e.value FROM jsonb_each(detail) e LOOP
        CONTINUE WHEN jsonb_typeof(v) <> 'string';
        s := v #>> '{}';
        m := NULL;
        IF to_alias AND left(s, 2) = 'p_' THEN
            SELECT p.audit_alias INTO m FROM profiles p WHERE p.id = s;
        ELSIF NOT to_alias AND left(s, 3) = 'pa_' THEN
            SELECT p.id INTO m FROM profiles p WHERE p.audit_alias = s;
        END IF;
        IF m IS NOT NULL THEN
            result := jsonb_set(result, ARRAY[k], to_jsonb(m));
        END IF;
    END LOOP;
    RETURN result;
END $$;
REVOKE ALL ON FUNCTION fairmatch_audit_alias(text), fairmatch_audit_object(text),
    fairmatch_audit_detail(jsonb, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_audit_alias(text), fairmatch_audit_object(text),
    fairmatch_audit_detail(jsonb, boolean) TO fairmatch_server;

-- A placement names its profile, and the audit rows of the placement name
-- the placement ("pl_…"): erasing the profile puts the alias in its place,
-- so the slot stays used (and releasable) without naming the person. As
-- the owner, for the counsellor's DELETE and for fairmatch_retention alike.
ALTER TABLE placements DROP CONSTRAINT placements_profile_check;
ALTER TABLE placements ADD CONSTRAINT placements_profile_check
    CHECK (profile ~ '^p_[0-9a-f]{16}$' OR profile ~ '^pa_[0-9a-f]{32}$');
CREATE INDEX placements_profile ON placements (profile);
CREATE FUNCTION profiles_erase_placements() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE placements SET profile = OLD.audit_alias WHERE profile = OLD.id;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION profiles_erase_placements() FROM PUBLIC;
CREATE TRIGGER profiles_erase_placements AFTER DELETE ON profiles
    FOR EACH ROW EXECUTE FUNCTION profiles_erase_placements();
