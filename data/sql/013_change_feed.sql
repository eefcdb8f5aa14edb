-- 013_change_feed: what each change-log row did (GET /v1/vacancies/changes),
-- and the key that signs the API's cursors.
--
-- The change log already lists every write of a vacancy in commit order;
-- the feed also needs to say whether a row created, changed or closed the
-- vacancy. Rows written before this migration are classified from the
-- table: a vacancy's first row created it, the last row of a closed vacancy
-- closed it, the rest changed it.
ALTER TABLE change_log ADD COLUMN change text NOT NULL DEFAULT 'changed'
    CHECK (change IN ('created', 'changed', 'closed'));
UPDATE change_log c SET change = 'created'
  FROM (SELECT object_id, min(seq) AS first FROM change_log
         WHERE object_type = 'vacancy' GROUP BY object_id) f
 WHERE c.object_type = 'vacancy' AND c.seq = f.first;
UPDATE change_log c SET change = 'closed'
  FROM (SELECT object_id, max(seq) AS last FROM change_log
         WHERE object_type = 'vacancy' GROUP BY object_id) l
  JOIN vacancies v ON v.id = l.object_id
 WHERE c.object_type = 'vacancy' AND c.seq = l.last AND v.status = 'closed'
   AND c.change <> 'created';

-- The secret the cursors are signed with (engine/core/cursor.h): made once,
-- here, from PostgreSQL's strong random source (two random UUIDs: 244
-- random bits), so every server sharing the database signs alike and a
-- cursor outlives a restart. Only the owner reads it (engine_prepare_db);
-- the server role gets no grant.
CREATE TABLE server_secrets (
    name    text PRIMARY KEY,
    secret  bytea NOT NULL CHECK (length(secret) >= 32)
);
INSERT INTO server_secrets (name, secret)
VALUES ('cursor', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
REVOKE ALL ON server_secrets FROM fairmatch_server;
