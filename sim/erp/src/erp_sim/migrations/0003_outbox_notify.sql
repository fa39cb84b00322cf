-- Wakes the dispatcher (erp_sim.delivery) as soon as a change commits: a NOTIFY is
-- delivered on commit (never for a rolled-back insert), and identical notifications of
-- one transaction are folded into one. The dispatcher also polls, so a notification
-- that is missed (no listener at that moment) only costs latency.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
