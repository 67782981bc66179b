package io.envkeeper.cluster;

import java.time.Instant;

/**
 * One row of the {@code node} table as read at one moment.
 *
 * @param leaseRemainingNanos how long the lease still ran when the row was read, by the database's
 *     clock (negative once it ran out)
 */
record NodeRecord(
    String id,
    String advertiseUrl,
    long epoch,
    Instant leaseExpiresAt,
    Instant startedAt,
    Instant retiredAt,
    long leaseRemainingNanos) {

  boolean isLive() {
    return retiredAt == null && leaseRemainingNanos > 0;
  }
}
