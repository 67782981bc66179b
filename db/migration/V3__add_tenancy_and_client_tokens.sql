-- Tenancy: every environment belongs to the tenant whose client created it. Rows that existed
-- before tenancy belong to tenant 'default' (the development token's tenant); the service always
-- writes the tenant itself.
ALTER TABLE environment ADD COLUMN tenant varchar(63) NOT NULL DEFAULT 'default';

-- One tenant's list in (created_at, id) order, optionally by status. The second also serves the
-- count of a tenant's READY and DESTROYING rows (max-environments-per-tenant) without reading its
-- tombstones.
CREATE INDEX environment_tenant_listing_idx ON environment (tenant, created_at, id);
CREATE INDEX environment_tenant_status_listing_idx ON environment (tenant, status, created_at, id);

-- Idempotency keys are scoped per tenant: another tenant's key never replays this tenant's result.
ALTER TABLE idempotency_key ADD COLUMN tenant varchar(63) NOT NULL DEFAULT 'default';
ALTER TABLE idempotency_key ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey;
ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_key_pkey PRIMARY KEY (tenant, idempotency_key);

-- Tokens issued through the admin API. Only the hash is stored (sha256:<hex>); the token itself is
-- shown once, when issued. Revoked tokens keep their row.
CREATE TABLE client_token (
    id          uuid         PRIMARY KEY,
    name        varchar(100),
    tenant      varchar(63)  NOT NULL,
    role        varchar(16)  NOT NULL,
    token_hash  varchar(71)  NOT NULL,
    created_at  timestamptz  NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT client_token_role_ck CHECK (role IN ('client', 'admin')),
    CONSTRAINT client_token_hash_ck CHECK (token_hash ~ '^sha256:[0-9a-f]{64}$'),
    CONSTRAINT client_token_hash_uq UNIQUE (token_hash)
);
