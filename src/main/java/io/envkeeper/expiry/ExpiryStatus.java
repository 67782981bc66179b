package io.envkeeper.expiry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Whether expiry keeps up, as the last pass saw it: environments still READY past their deadline
 * ("overdue") and since when the oldest of them is due. The age keeps growing between passes, so
 * it still shows when passes stop.
 */
@Component
class ExpiryStatus {

  /** A consistent copy of the status, with the tolerance it is judged by. */
  record Snapshot(Instant lastPassAt, int overdue, Duration oldestOverdueAge, Duration overdueTolerance) {

    /** Expiry keeps up while no environment has stayed READY longer than the tolerance past its deadline. */
    boolean keepsUp() {
      return oldestOverdueAge.compareTo(overdueTolerance) <= 0;
    }
  }

  private final Clock clock;
  private final Duration tolerance;
  private Instant lastPassAt;
  private int overdue;
  private Instant oldestOverdueSince;

  ExpiryStatus(Clock clock, ExpiryProperties properties) {
    this.clock = clock;
    this.tolerance = properties.overdueTolerance();
  }

  synchronized void record(Instant passAt, int overdueCount, Instant oldestDue) {
    lastPassAt = passAt;
    overdue = overdueCount;
    oldestOverdueSince = oldestDue;
  }

  synchronized Snapshot snapshot() {
    Duration age = oldestOverdueSince == null ? Duration.ZERO : Duration.between(oldestOverdueSince, clock.instant());
    return new Snapshot(lastPassAt, overdue, age.isNegative() ? Duration.ZERO : age, tolerance);
  }
}
