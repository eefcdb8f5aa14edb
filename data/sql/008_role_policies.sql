-- 008_role_policies: the API's role rules, again in the database.
--
-- api/policy.c decides which role may call which endpoint. These policies
-- repeat the part of it that writes shared tables, so a route whose role
-- check is missing still cannot let an employer open a quota listing or a
-- counsellor flag a recruiter (docs/privacy.md). And vacancy reads follow
-- the API: an employer sees its own organisation's vacancies only;
-- counsellors and admins see all; the indexer thread acts as 'indexer'.

-- Vacancies: replace the read-all policy of 006.
DROP POLICY vacancies_read ON vacancies;
CREATE POLICY vacancies_read ON vacancies FOR SELECT TO fairmatch_server
    USING (fairmatch_role() IN ('counsellor', 'admin', 'indexer')
           OR (fairmatch_role() = 'employer' AND org = fairmatch_org()));

-- Quota listings: everyone reads; admins create; a placement (counsellor)
-- or its release (counsellor, admin) moves slots_taken.
ALTER TABLE quotas ENABLE ROW LEVEL SECURITY;
CREATE POLICY quotas_read ON quotas FOR SELECT TO fairmatch_server USING (true);
CREATE POLICY quotas_create ON quotas FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() = 'admin' AND created_org = fairmatch_org());
CREATE POLICY quotas_slots ON quotas FOR UPDATE TO fairmatch_server
    USING (fairmatch_role() IN ('counsellor', 'admin'));

-- The recruiter registry: everyone reads (the check is for all roles);
-- regulators and admins register, flag and lift.
ALTER TABLE recruiters ENABLE ROW LEVEL SECURITY;
CREATE POLICY recruiters_read ON recruiters FOR SELECT TO fairmatch_server USING (true);
CREATE POLICY recruiters_create ON recruiters FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() IN ('regulator', 'admin') AND created_org = fairmatch_org());
-- SELECT ... FOR SHARE (a flag locking its recruiter) needs an UPDATE
-- policy to see the row; the trigger of 006 still refuses any real update.
CREATE POLICY recruiters_lock ON recruiters FOR UPDATE TO fairmatch_server
    USING (fairmatch_role() IN ('regulator', 'admin'));
ALTER TABLE recruiter_names ENABLE ROW LEVEL SECURITY;
CREATE POLICY recruiter_names_read ON recruiter_names FOR SELECT TO fairmatch_server USING (true);
CREATE POLICY recruiter_names_create ON recruiter_names FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() IN ('regulator', 'admin'));
ALTER TABLE flags ENABLE ROW LEVEL SECURITY;
CREATE POLICY flags_read ON flags FOR SELECT TO fairmatch_server USING (true);
CREATE POLICY flags_create ON flags FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() IN ('regulator', 'admin'));
ALTER TABLE flag_lifts ENABLE ROW LEVEL SECURITY;
CREATE POLICY flag_lifts_read ON flag_lifts FOR SELECT TO fairmatch_server USING (true);
CREATE POLICY flag_lifts_create ON flag_lifts FOR INSERT TO fairmatch_server
    WITH CHECK (fairmatch_role() IN ('regulator', 'admin') AND lifted_org = fairmatch_org());
