-- 009_profile_cards: employers reach profiles only as minimised cards.
--
-- 006 let an employer's requests read whole rows of profiles that consented
-- to be shown to employers, trusting C to minimise. Now the database does
-- it: the profile_cards view gives exactly what scoring a candidate needs
-- (skills, occupations, languages, experience, desired countries) of
-- consented profiles, to requests acting as an employer, and the employers'
-- policy on profiles is gone. Citizenship, availability, the organisation,
-- consent and the other dates never reach an employer's connection.
-- A plain view (not security_barrier): it runs as its owner, exposes only
-- minimised columns, and lets the skill filters use the GIN indexes of
-- 005_profiles.sql; the server role cannot create functions to leak the rest.
CREATE VIEW profile_cards AS
    SELECT p.id, p.created_at,
           doc -> 'skills' AS skills,
           doc -> 'occupations' AS occupations,
           jsonb_strip_nulls(jsonb_build_object(
               'skills', doc -> 'skills',
               'occupations', doc -> 'occupations',
               'languages', doc -> 'languages',
               'experience_years', doc -> 'experience_years',
               'desired_countries', doc -> 'desired_countries')) AS card
      FROM profiles p
     WHERE p.consent_matching AND p.consent_show_to_employers
       AND fairmatch_role() = 'employer';
REVOKE ALL ON profile_cards FROM PUBLIC;
GRANT SELECT ON profile_cards TO fairmatch_server;
DROP POLICY profiles_candidates ON profiles;
