-- One row per message a consumer has applied. The claim is inserted in the same
-- transaction as the handler's effect, so "applied" and "claimed" cannot disagree.
CREATE TABLE inbox (
    tenant       text        NOT NULL,
    consumer     text        NOT NULL,
    message_id   text        NOT NULL,
    message_type text        NOT NULL,
    message_key  text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, consumer, message_id)
);

CREATE INDEX inbox_claimed_at ON inbox (claimed_at);
