package io.envkeeper.environment;

import io.envkeeper.runtime.RuntimeManager;
import java.time.Duration;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * First teardown step: tombstones the environment in this process and closes its runtime (the
 * watcher, whose event streams get their final {@code destroyed} event), before anything on disk
 * is touched.
 */
@Component
@Order(100)
record RuntimeTeardown(RuntimeManager runtimes) implements TeardownStep {

  @Override
  public void tearDown(TeardownTarget target) {
    runtimes.teardown(target.id());
  }

  @Override
  public Duration bound(TeardownTarget target) {
    return runtimes.teardownBound(target.id());
  }
}
