package io.envkeeper.expiry;

import java.time.Instant;
import java.util.List;

/**
 * The activity of one environment as its owner knows it right now.
 *
 * @param lastActivityAt the newest activity (now, while something keeps it alive)
 * @param idleSince where its idle clock counts from, or {@code null} while something keeps it alive
 * @param keptAliveBy what keeps it alive right now ({@code request}, {@code stream},
 *     {@code worker:<id>}); empty when nothing does
 */
record ActivitySnapshot(Instant lastActivityAt, Instant idleSince, List<String> keptAliveBy) {

  ActivitySnapshot {
    keptAliveBy = List.copyOf(keptAliveBy);
  }

  boolean keptAlive() {
    return !keptAliveBy.isEmpty();
  }
}
