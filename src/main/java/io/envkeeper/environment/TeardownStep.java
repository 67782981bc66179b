package io.envkeeper.environment;

import java.time.Duration;

/**
 * One part of destroying an environment (stop workers, close the watcher, remove the directory).
 * Steps run in {@link org.springframework.core.annotation.Order} order, only after DESTROYING is
 * committed, and must be idempotent: a failed teardown is retried from the first step.
 */
public interface TeardownStep {

  void tearDown(TeardownTarget target) throws Exception;

  /**
   * The longest this step can take for {@code target}, as far as it waits for anything (a process
   * to stop); zero for a step that only does quick local work. A destroy that may wait at least as
   * long as all steps together runs them on its own thread instead of handing them to the teardown
   * executor (see {@link EnvironmentDestroyer}).
   */
  default Duration bound(TeardownTarget target) {
    return Duration.ZERO;
  }

  /**
   * Inside the transaction that records how the teardown ended (DESTROYED, or the failure): writes
   * what this step learned that belongs with it (the ends of the workers it stopped), so that it
   * needs no commit of its own. Called once every step ran, or one failed. Must be idempotent: a
   * transaction that rolls back leaves the step to record it again (or to record it by itself).
   */
  default void recordOutcome(TeardownTarget target) {}
}
