package io.envkeeper.runtime;

import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerSpec;

/** The caller's part of starting a worker, run under the environment's lock. */
public interface WorkerStart {

  /** What to spawn in this (READY, live) runtime; may refuse by throwing (limits, profile). */
  WorkerSpec prepare(EnvironmentRuntime runtime);

  /**
   * Records the spawned worker durably. Throwing kills the worker's process group at once: no
   * process is ever left running untracked.
   */
  void record(WorkerHandle worker);
}
