-- 016_profile_statistics: the planner's statistics never copy a profile.
--
-- ANALYZE (autovacuum's, or the one `fairmatch compact` runs) stores sample
-- values of each column, and of each expression index, in pg_statistic:
-- a histogram of profiles.doc would hold whole profiles, and the GIN
-- expressions' statistics their skills and occupations. Those copies
-- outlive an erasure (the old pg_statistic rows stay in its files until
-- that catalog is vacuumed), so a profile erased and compacted could still
-- be read from disk. With a statistics target of 0 ANALYZE collects
-- nothing for these columns; the planner keeps its row counts and uses its
-- default selectivities for the candidate query, which goes through the
-- partial GIN indexes either way.
ALTER TABLE profiles ALTER COLUMN doc SET STATISTICS 0;
ALTER INDEX profiles_skills ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX profiles_occupations ALTER COLUMN 1 SET STATISTICS 0;
-- Sample rows an earlier ANALYZE left stay until deleted, which only a
-- superuser may do: done here when the migrating role is one.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        DELETE FROM pg_statistic
         WHERE starelid IN ('profiles'::regclass, 'profiles_skills'::regclass,
                            'profiles_occupations'::regclass)
           AND (starelid <> 'profiles'::regclass
                OR staattnum = (SELECT attnum FROM pg_attribute
                                 WHERE attrelid = 'profiles'::regclass AND attname = 'doc'));
    END IF;
END $$;
