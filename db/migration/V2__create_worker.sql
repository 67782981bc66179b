-- Workers: one row per worker process ever started, kept after it ends.
CREATE TABLE worker (
    id                  uuid         PRIMARY KEY,
    environment_id      uuid         NOT NULL REFERENCES environment (id),
    profile             varchar(100) NOT NULL,
    args                jsonb        NOT NULL DEFAULT '[]'::jsonb,
    pid                 integer      NOT NULL,
    pgid                integer      NOT NULL,
    -- /proc/<pid>/stat field 22 and the boot id: with the pid they name one process, so a
    -- recycled pid is never mistaken for the worker (crash recovery checks all three).
    process_start_ticks bigint       NOT NULL,
    boot_id             varchar(64)  NOT NULL,
    node                varchar(253) NOT NULL,
    status              varchar(16)  NOT NULL,
    started_at          timestamptz  NOT NULL,
    exited_at           timestamptz,
    exit_code           integer,
    signal              integer,
    last_error          text,
    version             bigint       NOT NULL,
    CONSTRAINT worker_status_ck CHECK (status IN ('RUNNING', 'STOPPING', 'EXITED', 'LOST'))
);

-- Listing an environment's workers in start order.
CREATE INDEX worker_environment_idx ON worker (environment_id, started_at, id);

-- Crash recovery and the reconciler look only at workers that may still run.
CREATE INDEX worker_live_idx ON worker (node, started_at) WHERE status IN ('RUNNING', 'STOPPING');
