package io.envkeeper.runtime.process;

import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How the process core may restart a worker: decided by the owner of the environment's lock and
 * tombstones (the runtime), exactly as a first start is, so a restart can never bring back what a
 * stop or a destroy ended.
 */
public interface RestartGate {

  /**
   * Runs {@code restart} holding the environment's lock, only while the environment may run
   * workers (not torn down in this process, READY in the database), handing it the environment's
   * live workers.
   *
   * @return false when refused: nothing ran
   */
  boolean whileLive(UUID environmentId, Consumer<WorkerSet> restart);

  /** Runs {@code action} holding the environment's lock (a stop settling a pending restart). */
  <T> T locked(UUID environmentId, Supplier<T> action);
}
