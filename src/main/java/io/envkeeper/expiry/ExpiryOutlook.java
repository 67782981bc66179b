package io.envkeeper.expiry;

import io.envkeeper.environment.DestroyReason;
import java.time.Instant;
import java.util.List;

/**
 * What expiry makes of one environment right now, as {@code GET …/activity} answers it.
 *
 * @param lastActivityAt the newest activity (now, while something keeps it alive)
 * @param idleSince where its idle clock counts from; {@code null} while something keeps it alive
 * @param destroyAt when expiry will destroy it if nothing changes; {@code null} for never
 * @param reason {@code ttl} or {@code idle}: which deadline {@code destroyAt} is; {@code null} with it
 * @param keptAliveBy what keeps it alive right now
 */
public record ExpiryOutlook(
    Instant lastActivityAt, Instant idleSince, Instant destroyAt, DestroyReason reason, List<String> keptAliveBy) {

  public ExpiryOutlook {
    keptAliveBy = List.copyOf(keptAliveBy);
  }

  /** Whether the deadline has come at {@code now}. */
  boolean isDue(Instant now) {
    return destroyAt != null && !now.isBefore(destroyAt);
  }
}
