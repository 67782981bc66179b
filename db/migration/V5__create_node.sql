-- Cluster membership: one row per node id. The lease is the node's right to act as the owner of
-- its environments; every time and comparison uses the database's clock (clock_timestamp()), never
-- a node's own.
CREATE TABLE node (
    id               varchar(253) PRIMARY KEY,
    -- Base URL other nodes forward requests to (the node's API port).
    advertise_url    text         NOT NULL,
    -- Raised on every acquisition of the lease: the fencing token. An owner's state change commits
    -- only while the row still shows the epoch its process acquired and a lease that has not run out.
    epoch            bigint       NOT NULL,
    lease_expires_at timestamptz  NOT NULL,
    -- When the process holding (or last holding) the id first acquired it.
    started_at       timestamptz  NOT NULL,
    -- Set by POST /admin/nodes/{id}/retire: the node is gone for good; nothing is placed on it.
    retired_at       timestamptz,
    CONSTRAINT node_epoch_ck CHECK (epoch > 0)
);

-- Placement counts each live node's READY environments; the reconciler reads one node's live rows.
-- Both stay cheap however many tombstones pile up.
CREATE INDEX environment_live_node_idx ON environment (node, status) WHERE status <> 'DESTROYED';
