-- The version (source updated_at) each entity was last applied at, per tenant, so a
-- stale or reordered event is recorded as skipped instead of overwriting newer state.
CREATE TABLE entity_versions (
    tenant      text        NOT NULL,
    entity_type text        NOT NULL,
    entity_id   text        NOT NULL,
    version     timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, entity_type, entity_id)
);
