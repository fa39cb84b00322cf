-- The reference back office: every table carries company_id and every key includes it,
-- so tenants stay apart by construction.
CREATE TABLE companies (
    id             text        PRIMARY KEY,
    name           text        NOT NULL DEFAULT '',
    api_key_sha256 text        UNIQUE,          -- the key itself is never stored
    event_url      text,
    event_secret   text,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Gap-free counters: the row is locked by the transaction that takes a number, so a
-- rolled-back transaction gives its number back. Names: "change" (feed cursor),
-- "movement" (ledger order), "series:<series>" (document numbers).
CREATE TABLE counters (
    company_id text   NOT NULL REFERENCES companies (id),
    name       text   NOT NULL,
    value      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, name)
);

CREATE TABLE warehouses (
    company_id text    NOT NULL REFERENCES companies (id),
    code       text    NOT NULL,
    name       text    NOT NULL,
    is_shopify boolean NOT NULL DEFAULT false,
    PRIMARY KEY (company_id, code)
);
CREATE UNIQUE INDEX warehouses_one_shopify ON warehouses (company_id) WHERE is_shopify;

CREATE TABLE taxes (
    company_id text    NOT NULL REFERENCES companies (id),
    code       text    NOT NULL,
    name       text    NOT NULL,
    rate       numeric NOT NULL,
    included   boolean NOT NULL,
    PRIMARY KEY (company_id, code)
);

CREATE TABLE currencies (
    company_id text    NOT NULL REFERENCES companies (id),
    code       text    NOT NULL,
    name       text    NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    PRIMARY KEY (company_id, code)
);

CREATE TABLE payment_methods (
    company_id text    NOT NULL REFERENCES companies (id),
    code       text    NOT NULL,
    name       text    NOT NULL,
    is_credit  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (company_id, code)
);

CREATE TABLE document_types (
    company_id  text    NOT NULL REFERENCES companies (id),
    type        text    NOT NULL,
    name        text    NOT NULL,
    series      text    NOT NULL,
    moves_stock boolean NOT NULL,
    PRIMARY KEY (company_id, type)
);

CREATE TABLE products (
    company_id  text        NOT NULL REFERENCES companies (id),
    code        text        NOT NULL,
    title       text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    status      text        NOT NULL,
    image_urls  jsonb       NOT NULL DEFAULT '[]',
    version     integer     NOT NULL DEFAULT 1,
    change_seq  bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, code)
);
CREATE INDEX products_feed ON products (company_id, change_seq);

CREATE TABLE variants (
    company_id    text    NOT NULL,
    sku           text    NOT NULL,
    product_code  text    NOT NULL,
    position      integer NOT NULL,
    barcode       text,
    attributes    jsonb   NOT NULL DEFAULT '[]',  -- [[name, value], ...] in option order
    stock_managed boolean NOT NULL DEFAULT true,
    PRIMARY KEY (company_id, sku),
    FOREIGN KEY (company_id, product_code) REFERENCES products (company_id, code)
);
CREATE INDEX variants_product ON variants (company_id, product_code, position);

CREATE TABLE prices (
    company_id text    NOT NULL,
    sku        text    NOT NULL,
    position   integer NOT NULL,
    price_list text    NOT NULL,
    amount     numeric NOT NULL,  -- before tax
    currency   text    NOT NULL,
    tax_code   text    NOT NULL,
    PRIMARY KEY (company_id, sku, position),
    FOREIGN KEY (company_id, sku) REFERENCES variants (company_id, sku) ON DELETE CASCADE
);

-- The projection of the ledger, updated in the movement's transaction under a row lock.
CREATE TABLE stock_levels (
    company_id       text        NOT NULL,
    sku              text        NOT NULL,
    warehouse        text        NOT NULL,
    on_hand          bigint      NOT NULL DEFAULT 0,
    reserved         bigint      NOT NULL DEFAULT 0,
    last_movement_id bigint,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, sku, warehouse)
);

-- The ledger. kind is a contract MovementType, or "reservation"/"release" (an order
-- holding stock: reserved changes, on hand does not; not listed by the API).
CREATE TABLE stock_movements (
    company_id     text        NOT NULL,
    id             bigint      NOT NULL,
    kind           text        NOT NULL,
    sku            text        NOT NULL,
    warehouse      text        NOT NULL,
    to_warehouse   text,
    quantity       bigint      NOT NULL,       -- signed change at warehouse
    reserved_delta bigint      NOT NULL DEFAULT 0,
    document_id    text,
    note           text        NOT NULL DEFAULT '',
    resulting      jsonb       NOT NULL,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id)
);
CREATE INDEX stock_movements_document ON stock_movements (company_id, document_id);

CREATE TABLE customers (
    company_id        text        NOT NULL REFERENCES companies (id),
    id                text        NOT NULL,
    external_ref      text,
    first_name        text        NOT NULL DEFAULT '',
    last_name         text        NOT NULL DEFAULT '',
    company_name      text        NOT NULL DEFAULT '',
    email             text,
    phone             text,
    tax_id            text,
    billing_address   jsonb,
    is_general_public boolean     NOT NULL DEFAULT false,
    version           integer     NOT NULL DEFAULT 1,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, external_ref)
);
CREATE INDEX customers_email ON customers (company_id, lower(email));
CREATE INDEX customers_phone ON customers (company_id, phone);
CREATE UNIQUE INDEX customers_one_general_public ON customers (company_id)
    WHERE is_general_public;

CREATE TABLE sales_documents (
    company_id       text        NOT NULL REFERENCES companies (id),
    id               text        NOT NULL,
    number           text        NOT NULL,
    type             text        NOT NULL,
    status           text        NOT NULL DEFAULT 'open',
    customer_id      text        NOT NULL,
    currency         text        NOT NULL,
    payment_method   text        NOT NULL,
    warehouse        text        NOT NULL,
    lines            jsonb       NOT NULL,
    shipping         jsonb,
    external_refs    jsonb       NOT NULL,
    shopify_order_id text,
    totals           jsonb       NOT NULL,
    notes            text        NOT NULL DEFAULT '',
    cancel_reason    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    cancelled_at     timestamptz,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, number)
);
CREATE INDEX sales_documents_shopify ON sales_documents (company_id, shopify_order_id);

CREATE TABLE credit_notes (
    company_id    text        NOT NULL REFERENCES companies (id),
    id            text        NOT NULL,
    number        text        NOT NULL,
    document_id   text        NOT NULL,
    lines         jsonb       NOT NULL,
    shipping      jsonb,
    restock       boolean     NOT NULL,
    totals        jsonb       NOT NULL,
    external_refs jsonb       NOT NULL,
    reason        text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, number),
    FOREIGN KEY (company_id, document_id) REFERENCES sales_documents (company_id, id)
);

CREATE TABLE shipments (
    company_id      text        NOT NULL REFERENCES companies (id),
    id              text        NOT NULL,
    document_id     text        NOT NULL,
    carrier         text        NOT NULL,
    tracking_number text        NOT NULL,
    tracking_url    text,
    lines           jsonb       NOT NULL,
    change_seq      bigint      NOT NULL,
    shipped_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, document_id) REFERENCES sales_documents (company_id, id)
);
CREATE INDEX shipments_feed ON shipments (company_id, change_seq);

-- Written in the transaction of the effect: a key exists if and only if its effect does.
CREATE TABLE idempotency_keys (
    company_id     text        NOT NULL REFERENCES companies (id),
    operation      text        NOT NULL,
    key            text        NOT NULL,
    request_sha256 text        NOT NULL,
    response       jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, operation, key)
);
