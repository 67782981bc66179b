package io.envkeeper.api;

import io.envkeeper.runtime.process.ExitStatus;
import io.envkeeper.worker.Worker;
import io.envkeeper.worker.WorkerStatus;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A worker as API.md shows it. {@code signal} is the number of the signal that ended it
 * ({@code signalName} its name), {@code exitCode} the code it exited with; at most one is set (for a
 * worker in BACKOFF: how its last process ended). {@code restarts} counts the processes that
 * replaced its first; {@code ready}/{@code readyAt} are those of its current process.
 */
public record WorkerResponse(
    UUID id,
    UUID environmentId,
    String profile,
    List<String> args,
    int pid,
    WorkerStatus status,
    Instant startedAt,
    @Nullable Instant exitedAt,
    @Nullable Integer exitCode,
    @Nullable Integer signal,
    @Nullable String signalName,
    @Nullable String lastError,
    int restarts,
    boolean ready,
    @Nullable Instant readyAt) {

  static WorkerResponse of(Worker worker) {
    return new WorkerResponse(
        worker.getId(),
        worker.getEnvironmentId(),
        worker.getProfile(),
        worker.getArgs(),
        worker.getPid(),
        worker.getStatus(),
        worker.getStartedAt(),
        worker.getExitedAt(),
        worker.getExitCode(),
        worker.getSignal(),
        worker.getSignal() == null ? null : ExitStatus.signalName(worker.getSignal()),
        worker.getLastError(),
        worker.getRestarts(),
        worker.isReady(),
        worker.getReadyAt());
  }

}
