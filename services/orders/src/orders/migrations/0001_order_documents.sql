-- One ERP sales document per Shopify order and tenant: the exactly-once mapping.
-- Written in the transaction that claims the message in the inbox.
CREATE TABLE order_documents (
    tenant              text        NOT NULL,
    shopify_order_id    text        NOT NULL,
    erp_document_id     text        NOT NULL,
    erp_document_number text        NOT NULL,
    idempotency_key     text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, shopify_order_id)
);
