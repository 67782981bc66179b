package io.envkeeper.environment;

/**
 * One part of destroying an environment (stop workers, close the watcher, remove the directory).
 * Steps run in {@link org.springframework.core.annotation.Order} order, only after DESTROYING is
 * committed, and must be idempotent: a failed teardown is retried from the first step.
 */
public interface TeardownStep {

  void tearDown(TeardownTarget target) throws Exception;
}
