-- One row per tenant: where the next reconciliation run starts, and what the last one did.
-- last_started_at is the start of the last *complete* run (no transient failures): the
-- next window begins there, less an overlap; NULL until a run completes.
CREATE TABLE reconcile_runs (
    tenant           text        PRIMARY KEY,
    last_started_at  timestamptz,
    last_finished_at timestamptz NOT NULL,
    last_report      jsonb       NOT NULL
);
