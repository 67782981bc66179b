package io.envkeeper.runtime.process;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health component {@code reaper}: DOWN when its loop is dead or no sweep ran for 3 ticks while
 * pids are registered. It only reads: a dead loop is restarted by the next spawn, never by a probe.
 */
@Component
class ReaperHealthIndicator extends AbstractHealthIndicator {

  private final ScopedReaper reaper;

  ReaperHealthIndicator(ScopedReaper reaper) {
    this.reaper = reaper;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ScopedReaper.Stats stats = reaper.stats();
    boolean healthy = stats.workerAlive() && !reaper.isStalled();
    (healthy ? builder.up() : builder.down())
        .withDetail("registered", stats.registered())
        .withDetail("reapedTotal", stats.reapedTotal())
        .withDetail("vanishedTotal", stats.vanishedTotal())
        .withDetail("adoptedTotal", stats.adoptedTotal())
        .withDetail("sweeps", stats.sweeps())
        .withDetail("lastSweepAt", stats.lastSweepAt())
        .withDetail("workerAlive", stats.workerAlive())
        .withDetail("respawns", stats.respawns())
        .withDetail("zombies", stats.zombies())
        .withDetail("subreaper", stats.subreaper())
        .withDetail("outputs", stats.outputs());
  }
}
