-- Expiry: environments that clean up after themselves (time to live, idle timeout).
--   expires_at           the TTL deadline (absolute; a ttl sent on create or PATCH counts from then)
--   idle_timeout_seconds how long the environment may stay without activity
--   last_activity_at     the last activity the owner node persisted (it keeps the live value in
--                        memory and writes it here at most every envkeeper.environments.activity-flush-interval)
--   destroy_reason       why READY -> DESTROYING happened
ALTER TABLE environment
    ADD COLUMN expires_at           timestamptz,
    ADD COLUMN idle_timeout_seconds bigint,
    ADD COLUMN last_activity_at     timestamptz,
    ADD COLUMN destroy_reason       varchar(16),
    ADD CONSTRAINT environment_idle_timeout_ck CHECK (idle_timeout_seconds IS NULL OR idle_timeout_seconds > 0),
    ADD CONSTRAINT environment_destroy_reason_ck
        CHECK (destroy_reason IS NULL OR destroy_reason IN ('client', 'ttl', 'idle', 'node_retired'));

-- Before expiry existed only clients destroyed environments.
UPDATE environment SET destroy_reason = 'client' WHERE status <> 'READY';
UPDATE environment SET last_activity_at = updated_at WHERE status = 'READY';

-- The last moment each node was known to be running (stamped with every activity flush). A node
-- that starts again pauses idle clocks for the time it was down: an environment never goes idle
-- because nobody could reach it.
CREATE TABLE expiry_node_clock (
    node       varchar(253) PRIMARY KEY,
    running_at timestamptz  NOT NULL
);
