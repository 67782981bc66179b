package io.envkeeper.worker;

import java.time.Instant;
import java.util.UUID;

/**
 * A worker's record changed (status, process, readiness): published by {@link WorkerRecords}, the
 * one place every change of a worker row is made, inside the transaction that makes it. Listen
 * with {@code @TransactionalEventListener} to see only committed changes (e.g. to send the
 * {@code worker} events of {@code /events}).
 *
 * @param version the row's version after the change: orders events of one worker
 */
public record WorkerStatusChanged(
    UUID workerId, UUID environmentId, WorkerStatus status, int pid, Integer exitCode, Integer signal,
    int restarts, boolean ready, Instant readyAt, String lastError, long version) {

  static WorkerStatusChanged of(Worker row) {
    return new WorkerStatusChanged(row.getId(), row.getEnvironmentId(), row.getStatus(), row.getPid(),
        row.getExitCode(), row.getSignal(), row.getRestarts(), row.isReady(), row.getReadyAt(), row.getLastError(),
        row.getVersion());
  }
}
