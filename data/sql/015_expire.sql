-- 015_expire: the nightly close of expired vacancies (`fairmatch expire`,
-- and on a timer in `serve`; engine/vacancy/expire.c, docs/index.md).
--
-- A vacancy past its valid_until is closed like DELETE /v1/vacancies/{id}
-- closes it: status 'closed', a change-log row 'closed' (so the indexer
-- drops it from the index, and the change feed and index replicas see it),
-- and an audit row 'vacancy.expire' in its organisation's name, all in one
-- statement. The function is SECURITY DEFINER so the server role can close
-- any organisation's expired vacancies without the row-level policies
-- that hold it to one acting organisation; it does nothing else.

-- Finds the due ones without reading every open vacancy.
CREATE INDEX vacancies_open_until ON vacancies (valid_until) WHERE status = 'open';

CREATE FUNCTION fairmatch_expire(today date, batch integer) RETURNS SETOF bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF today IS NULL OR batch IS NULL OR batch < 1 THEN
        RAISE EXCEPTION 'expire needs a date and a batch of at least 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The change log's writer lock (STORE_CHANGE_LOG_LOCK, engine/store/store.h),
    -- taken before any row: seq order stays commit order, and rows a writer
    -- holds are skipped (the next run closes them), so no deadlock.
    PERFORM pg_advisory_xact_lock(727001);
    RETURN QUERY
    WITH due AS (
        SELECT id FROM vacancies
         WHERE status = 'open' AND valid_until < today
         ORDER BY valid_until, id
         LIMIT batch
           FOR UPDATE SKIP LOCKED
    ), closed AS (
        UPDATE vacancies v
           SET status = 'closed', closed_at = coalesce(v.closed_at, now()), updated_at = now()
          FROM due
         WHERE v.id = due.id
        RETURNING v.id, v.org, v.valid_until
    ), audited AS (
        INSERT INTO audit_log (actor, role, org, action, object, detail)
        SELECT NULL, 'system', c.org, 'vacancy.expire', 'v_' || c.id,
               jsonb_build_object('why', 'expired', 'valid_until', c.valid_until)
          FROM closed c
        RETURNING object
    ), logged AS (
        INSERT INTO change_log (object_type, object_id, change)
        SELECT 'vacancy', c.id, 'closed' FROM closed c ORDER BY c.id
        RETURNING object_id
    )
    SELECT object_id FROM logged;
END $$;
REVOKE ALL ON FUNCTION fairmatch_expire(date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fairmatch_expire(date, integer) TO fairmatch_server;
