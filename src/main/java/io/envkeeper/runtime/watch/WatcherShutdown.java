package io.envkeeper.runtime.watch;

import io.envkeeper.lifecycle.PhasedLifecycle;
import org.springframework.stereotype.Component;

/**
 * On an orderly stop, ends every watcher's run ({@link WorkspaceWatchers#suspendAll()}): manifests
 * written, unused change seqs given back. Runs after the event streams are closed and the web server
 * and the reconciler have stopped (higher phases stop first), and before the database goes (beans
 * are destroyed after every phase has stopped).
 */
@Component
class WatcherShutdown extends PhasedLifecycle {

  /** Below the web server's ({@code Integer.MAX_VALUE - 1024} and {@code - 2048}) and the reconciler's. */
  private static final int PHASE = Integer.MAX_VALUE - 3072;

  private final WorkspaceWatchers watchers;

  WatcherShutdown(WorkspaceWatchers watchers) {
    super(PHASE);
    this.watchers = watchers;
  }

  @Override
  public void stop() {
    running = false;
    watchers.suspendAll();
  }
}
