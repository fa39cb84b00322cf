-- After a sale. Every key starts with the tenant: two merchants' ids never meet.

-- ERP shipment -> order: find the order by the document the ERP names.
CREATE INDEX order_documents_by_erp_document ON order_documents (tenant, erp_document_id);

-- A step we did not take by ourselves (cancel of a shipped document, a refund the ERP
-- cannot credit), for a person to resolve; once per order and kind.
CREATE TABLE order_attention (
    tenant           text        NOT NULL,
    shopify_order_id text        NOT NULL,
    kind             text        NOT NULL,
    reason           text        NOT NULL,
    detail           text        NOT NULL,
    erp_document_id  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at      timestamptz,
    PRIMARY KEY (tenant, shopify_order_id, kind)
);

-- One ERP credit note per part of a Shopify refund.
CREATE TABLE order_credit_notes (
    tenant                 text        NOT NULL,
    shopify_refund_id      text        NOT NULL,
    part                   text        NOT NULL,
    shopify_order_id       text        NOT NULL,
    erp_document_id        text        NOT NULL,
    erp_credit_note_id     text        NOT NULL,
    erp_credit_note_number text        NOT NULL,
    idempotency_key        text        NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, shopify_refund_id, part)
);

-- One Shopify fulfillment per ERP shipment; NULL gid: Shopify had nothing left to fulfil.
CREATE TABLE order_fulfillments (
    tenant           text        NOT NULL,
    erp_shipment_id  text        NOT NULL,
    erp_document_id  text        NOT NULL,
    shopify_order_id text        NOT NULL,
    fulfillment_gid  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, erp_shipment_id)
);
