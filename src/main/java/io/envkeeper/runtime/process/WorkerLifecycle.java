package io.envkeeper.runtime.process;

/**
 * Where the runtime reports what it does to workers, so their records follow (implemented by the
 * worker feature, which owns the rows).
 */
public interface WorkerLifecycle {

  /**
   * A stop is about to begin: the STOPPING state is recorded before any signal is sent. Throwing
   * aborts the stop (nothing was signalled yet).
   */
  void stopping(WorkerHandle worker);

  /** The worker ended, by itself or by a stop; {@code outcome.reaped()} false means LOST. */
  void ended(WorkerHandle worker, StopOutcome outcome);
}
