-- Change events leave through this table: a row is written in the same transaction as
-- the change it describes, so an event exists if and only if its change committed.
-- The dispatcher (erp_sim.delivery) sends rows of a company in id order, at least once,
-- and marks them delivered; a restart resumes from the first undelivered row.
CREATE TABLE outbox (
    id              bigserial   PRIMARY KEY,
    company_id      text        NOT NULL,
    entity_key      text        NOT NULL,   -- "stock:SKU@WH", "product:CODE", ...
    event_id        uuid        NOT NULL UNIQUE,
    event_type      text        NOT NULL,   -- "stock.changed", ...
    body            jsonb       NOT NULL,   -- the whole event: id, type, occurred_at, version, data
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    delivered_at    timestamptz
);

CREATE INDEX outbox_pending ON outbox (company_id, id) WHERE delivered_at IS NULL;
