package io.envkeeper.runtime.process;

import java.util.Collection;

/**
 * Where the runtime reports what it does to workers, so their records follow (implemented by the
 * worker feature, which owns the rows).
 */
public interface WorkerLifecycle {

  /**
   * Stops are about to begin: the STOPPING state of all these workers is recorded (one commit)
   * before any signal is sent. Throwing aborts the stops (nothing was signalled yet).
   */
  void stopping(Collection<WorkerHandle> workers);

  /** The worker ended, by itself or by a stop; {@code outcome.reaped()} false means LOST. */
  void ended(WorkerHandle worker, StopOutcome outcome);
}
