-- 004_quotas: bilateral labour-quota listings and the placements that use their slots.
--
-- A listing says "destination D opens N slots for occupation O to citizens
-- of origin countries C, between two dates". slots_taken counts the live
-- placements; the CHECK below makes overbooking impossible even for a writer
-- that forgets the rule: a placement takes its slot with one statement,
--   UPDATE quotas SET slots_taken = slots_taken + 1
--    WHERE id = $1 AND slots_taken < slots RETURNING ...
-- in the same transaction as its placements row and its audit row, so any
-- number of server processes can place at once and never take more slots
-- than exist (concurrent updates of one row queue on its row lock and
-- re-check the WHERE clause against the committed count).

CREATE TABLE quotas (
    id                   bigserial PRIMARY KEY,                 -- shown as "q_<id>"
    agreement            text NOT NULL CHECK (length(agreement) BETWEEN 1 AND 300),
    origin_countries     text[] NOT NULL
                         CHECK (cardinality(origin_countries) BETWEEN 1 AND 100),
    destination_country  char(2) NOT NULL,
    occupation           text NOT NULL CHECK (length(occupation) BETWEEN 1 AND 200),
                                                                -- as given: ISCO-08 code or ESCO URI
    isco                 text NOT NULL CHECK (isco ~ '^[0-9]{1,4}$'),
                                                                -- its ISCO-08 group (a URI's unit group)
    slots                integer NOT NULL CHECK (slots BETWEEN 0 AND 10000000),
    slots_taken          integer NOT NULL DEFAULT 0,
    valid_from           date NOT NULL,
    valid_until          date NOT NULL,
    conditions           text NOT NULL DEFAULT '' CHECK (length(conditions) <= 5000),
    illustrative         boolean NOT NULL DEFAULT false,        -- sample data, not a real agreement
    created_by           bigint,                                -- api_keys.id; NULL for the CLI
    created_org          text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (slots_taken BETWEEN 0 AND slots),
    CHECK (valid_until >= valid_from)
);
CREATE INDEX quotas_isco ON quotas (isco text_pattern_ops);
CREATE INDEX quotas_origin ON quotas USING gin (origin_countries);
CREATE INDEX quotas_destination ON quotas (destination_country, id);

-- One row per placement; releasing sets released_at (the row stays, as the
-- record that the slot was used and given back). A profile holds at most
-- one live placement per listing. profile is the pseudonymous profile id
-- without a foreign key: erasing a profile must never be blocked, and a
-- slot that was used stays used until a counsellor releases it.
CREATE TABLE placements (
    id           bigserial PRIMARY KEY,                         -- shown as "pl_<id>"
    quota        bigint NOT NULL REFERENCES quotas (id),
    profile      text NOT NULL CHECK (profile ~ '^p_[0-9a-f]{16}$'),
    org          text NOT NULL,                                 -- the placing counsellor's organisation
    created_by   bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    released_at  timestamptz
);
CREATE UNIQUE INDEX placements_live ON placements (quota, profile) WHERE released_at IS NULL;
CREATE INDEX placements_quota ON placements (quota, id);
