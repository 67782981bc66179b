package io.envkeeper.runtime.watch;

import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health component {@code watchers}: watchers by state, watched directories, overflows, rescans,
 * scans of POLLING workspaces and why each of them is polled ({@code polled}: environment id →
 * reason, the first {@value #POLLED_SHOWN} by id). A FAILED or POLLING watcher is one
 * environment's problem, shown here but not DOWN; DOWN only when the shared watch loop itself is
 * dead, since then no environment sees changes. Details go to admin tokens only.
 */
@Component
class WatchersHealthIndicator extends AbstractHealthIndicator {

  /** Enough to act on (they share one cause, the node's limit) without a page per environment. */
  static final int POLLED_SHOWN = 20;

  private final WorkspaceWatchers watchers;

  WatchersHealthIndicator(WorkspaceWatchers watchers) {
    this.watchers = watchers;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Map<WatcherState, Integer> counts = watchers.countByState();
    (watchers.isLoopAlive() ? builder.up() : builder.down())
        .withDetail("watching", counts.get(WatcherState.WATCHING))
        .withDetail("polling", counts.get(WatcherState.POLLING))
        .withDetail("retrying", counts.get(WatcherState.RETRYING))
        .withDetail("failed", counts.get(WatcherState.FAILED))
        .withDetail("watchedDirectories", watchers.watchedDirectories())
        .withDetail("overflows", watchers.stats().overflows())
        .withDetail("rescans", watchers.stats().rescans())
        .withDetail("polls", watchers.stats().polls())
        .withDetail("polled", watchers.pollingReasons(POLLED_SHOWN))
        .withDetail("loopAlive", watchers.isLoopAlive());
  }
}
