package io.envkeeper.worker;

import java.util.UUID;

/**
 * Payload of the {@code worker} event on an environment's {@code /events} streams: the worker as its
 * row stands after a status change was committed.
 *
 * @param restarts how often the worker was restarted under the same id (its restart policy)
 */
public record WorkerEvent(UUID workerId, WorkerStatus status, int pid, Integer exitCode, Integer signal, int restarts) {

  /** The SSE event name. */
  public static final String NAME = "worker";

  /** The worker as its row stands. */
  public static WorkerEvent of(Worker worker) {
    return new WorkerEvent(
        worker.getId(), worker.getStatus(), worker.getPid(), worker.getExitCode(), worker.getSignal(),
        worker.getRestarts());
  }
}
