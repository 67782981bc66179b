package io.envkeeper.environment;

import io.envkeeper.config.FaultInjection;
import io.envkeeper.config.FaultPoint;
import io.envkeeper.workspace.ManagedWorkspaces;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Removes a managed workspace directory. Runs last, once everything that could still write into
 * the directory (watcher, workers) has been stopped. Unmanaged directories stay on disk.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
record ManagedWorkspaceTeardown(ManagedWorkspaces managedWorkspaces, FaultInjection faults) implements TeardownStep {

  @Override
  public void tearDown(TeardownTarget target) throws IOException {
    faults.reached(FaultPoint.BEFORE_DIRECTORY_REMOVAL);
    if (target.managed()) {
      managedWorkspaces.delete(target.path());
    }
  }
}
