package io.envkeeper.environment;

import io.envkeeper.config.CrashPoints;
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
class ManagedWorkspaceTeardown implements TeardownStep {

  private final ManagedWorkspaces managedWorkspaces;
  private final CrashPoints crashPoints;

  ManagedWorkspaceTeardown(ManagedWorkspaces managedWorkspaces, CrashPoints crashPoints) {
    this.managedWorkspaces = managedWorkspaces;
    this.crashPoints = crashPoints;
  }

  @Override
  public void tearDown(TeardownTarget target) throws IOException {
    crashPoints.reached(CrashPoints.BEFORE_DIRECTORY_REMOVAL);
    if (target.managed()) {
      managedWorkspaces.delete(target.path());
    }
  }
}
