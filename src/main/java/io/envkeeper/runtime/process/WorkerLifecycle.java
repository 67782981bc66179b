package io.envkeeper.runtime.process;

import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

/**
 * Where the runtime reports what happens to workers, so their records follow (implemented by the
 * worker feature, which owns the rows). Every status change of a worker passes through here.
 */
public interface WorkerLifecycle {

  /**
   * Stops are about to begin: the STOPPING state of all these workers is recorded (one commit)
   * before any signal is sent. Throwing aborts the stops (nothing was signalled yet).
   */
  void stopping(Collection<WorkerHandle> workers);

  /** The worker ended for good, by itself or by a stop; {@code outcome.reaped()} false means LOST. */
  void ended(WorkerHandle worker, StopOutcome outcome);

  /**
   * The worker's process ended by itself and a restart is due: BACKOFF is recorded.
   *
   * @param note why, and when the restart comes (becomes the worker's {@code lastError})
   * @return false when the worker is no longer RUNNING (a stop was recorded first): no restart
   */
  boolean backingOff(WorkerHandle ended, ExitStatus status, String note);

  /**
   * Asked under the environment's lock just before a restart spawns anything: whether the worker
   * is still waiting to restart (its record says BACKOFF). False: nothing is started.
   */
  boolean mayRestart(UUID workerId);

  /**
   * The worker's new process: RUNNING again, under the same id. Throwing (the record is no longer
   * BACKOFF) kills the new process at once.
   */
  void restarted(WorkerHandle next);

  /** The worker's current process printed its ready line at {@code at}. */
  void ready(WorkerHandle worker, Instant at);
}
