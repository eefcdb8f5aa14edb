-- 005_profiles: pseudonymous skill profiles (issue 4).
--
-- No direct identifiers: the id is random ("p_" + 16 hex digits from
-- getrandom), and doc holds only the validated profile fields (occupations,
-- skills, languages, education, experience_years, citizenship,
-- desired_countries, available_from, consent). Consent is copied out into
-- columns so the employer-side candidate query can filter on it with an
-- index. Profiles are not in the Xapian index: the candidate direction is
-- answered from PostgreSQL (GIN on the skills), so erasing the row erases
-- everything and no change_log row is ever written for a profile.
CREATE TABLE profiles (
    id                          text PRIMARY KEY CHECK (id ~ '^p_[0-9a-f]{16}$'),
    org                         text NOT NULL CHECK (length(org) BETWEEN 1 AND 100),
    doc                         jsonb NOT NULL,
    consent_matching            boolean NOT NULL DEFAULT true,
    consent_show_to_employers   boolean NOT NULL DEFAULT false,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    last_touched_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_org ON profiles (org, id);
-- Candidate pre-filter: doc->'skills' ?| array[...] and doc->'occupations' ?| array[...].
CREATE INDEX profiles_skills ON profiles USING gin ((doc -> 'skills'))
    WHERE consent_matching AND consent_show_to_employers;
CREATE INDEX profiles_occupations ON profiles USING gin ((doc -> 'occupations'))
    WHERE consent_matching AND consent_show_to_employers;
