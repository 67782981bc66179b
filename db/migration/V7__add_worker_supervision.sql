-- Worker supervision (restart policies, readiness, cgroup containment). One row stays one worker
-- across its restarts: pid, pgid and process_start_ticks name the current (or last) process.
ALTER TABLE worker ADD COLUMN restarts integer NOT NULL DEFAULT 0;
ALTER TABLE worker ADD COLUMN ready boolean NOT NULL DEFAULT false;
ALTER TABLE worker ADD COLUMN ready_at timestamptz;
-- The worker's own cgroup (a path under the cgroup2 mount), or null under process-group
-- containment: crash recovery kills what is left in it, whatever its processes did to escape.
ALTER TABLE worker ADD COLUMN cgroup text;

-- BACKOFF: the process ended and a restart waits for its backoff.
ALTER TABLE worker DROP CONSTRAINT worker_status_ck;
ALTER TABLE worker ADD CONSTRAINT worker_status_ck
    CHECK (status IN ('RUNNING', 'BACKOFF', 'STOPPING', 'EXITED', 'LOST'));
ALTER TABLE worker ADD CONSTRAINT worker_restarts_ck CHECK (restarts >= 0);

-- Crash recovery and the reconciler look only at workers that may still run (or come back).
DROP INDEX worker_live_idx;
CREATE INDEX worker_live_idx ON worker (node, started_at) WHERE status IN ('RUNNING', 'BACKOFF', 'STOPPING');
