package io.envkeeper.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** The reconciler's recent history, as its health component shows it. */
@Component
public class ReconcileStatus {

  /** How many intervals without a successful pass turn the component DOWN. */
  static final int DOWN_AFTER_INTERVALS = 5;

  /** A consistent copy of the status. */
  public record Snapshot(
      Instant startedAt,
      Instant lastPassAt,
      Instant lastSuccessfulPassAt,
      int consecutiveFailures,
      int destroyingCount,
      Duration oldestDestroyingAge,
      boolean databaseReachable) {}

  private final Clock clock;
  private final Duration interval;
  private final Instant startedAt;
  private Instant lastPassAt;
  private Instant lastSuccessfulPassAt;
  private int consecutiveFailures;
  private int destroyingCount;
  private Instant oldestDestroyingSince;
  private boolean databaseReachable = true;

  ReconcileStatus(Clock clock, ReconcileProperties properties) {
    this.clock = clock;
    this.interval = properties.interval();
    this.startedAt = clock.instant();
  }

  synchronized void record(ReconcileOutcome outcome) {
    Instant now = clock.instant();
    lastPassAt = now;
    databaseReachable = outcome.databaseReachable();
    if (outcome.databaseReachable()) {
      lastSuccessfulPassAt = now;
      consecutiveFailures = 0;
      destroyingCount = outcome.destroyingCount();
      oldestDestroyingSince = outcome.oldestDestroyingSince();
    } else {
      consecutiveFailures++;
    }
  }

  public synchronized Snapshot snapshot() {
    Instant now = clock.instant();
    Duration oldestAge = oldestDestroyingSince == null ? null : Duration.between(oldestDestroyingSince, now);
    return new Snapshot(
        startedAt, lastPassAt, lastSuccessfulPassAt, consecutiveFailures, destroyingCount, oldestAge, databaseReachable);
  }

  /** Healthy while a pass succeeded (or the service started) within the last 5 intervals. */
  public synchronized boolean isHealthy() {
    Instant reference = lastSuccessfulPassAt != null ? lastSuccessfulPassAt : startedAt;
    return Duration.between(reference, clock.instant()).compareTo(interval.multipliedBy(DOWN_AFTER_INTERVALS)) <= 0;
  }

  synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }
}
