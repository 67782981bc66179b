-- Environments: one row per environment, kept forever as a tombstone once DESTROYED.
CREATE TABLE environment (
    id                   uuid         PRIMARY KEY,
    name                 varchar(100) NOT NULL,
    path                 text         NOT NULL,
    managed              boolean      NOT NULL,
    status               varchar(16)  NOT NULL,
    labels               jsonb        NOT NULL DEFAULT '{}'::jsonb,
    node                 varchar(253) NOT NULL,
    created_at           timestamptz  NOT NULL,
    updated_at           timestamptz  NOT NULL,
    destroy_requested_at timestamptz,
    destroyed_at         timestamptz,
    destroy_attempts     integer      NOT NULL DEFAULT 0,
    last_error           text,
    version              bigint       NOT NULL,
    CONSTRAINT environment_status_ck CHECK (status IN ('READY', 'DESTROYING', 'DESTROYED'))
);

-- Two live environments may never share a workspace: enforced here, so concurrent creates
-- cannot both pass a check made in Java.
CREATE UNIQUE INDEX environment_live_path_uq ON environment (path) WHERE status <> 'DESTROYED';

-- "All non-destroyed environments" (reconciler, start-up) stays cheap however many tombstones pile up.
CREATE INDEX environment_live_idx ON environment (created_at, id) WHERE status <> 'DESTROYED';

-- Listing pages in (created_at, id) order, optionally by status.
CREATE INDEX environment_listing_idx ON environment (created_at, id);
CREATE INDEX environment_status_listing_idx ON environment (status, created_at, id);

-- Idempotency-Key of a create: a retry with the same key and body returns the first result.
CREATE TABLE idempotency_key (
    idempotency_key varchar(255) PRIMARY KEY,
    request_hash    varchar(64)  NOT NULL,
    environment_id  uuid         NOT NULL REFERENCES environment (id),
    created_at      timestamptz  NOT NULL
);
