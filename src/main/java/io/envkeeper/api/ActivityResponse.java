package io.envkeeper.api;

import io.envkeeper.expiry.ExpiryOutlook;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET …/activity} (and the answer to {@code POST …/keepalive}).
 *
 * @param lastActivityAt the newest activity (now, while something keeps the environment alive)
 * @param idleSince where the idle clock counts from; {@code null} while something keeps it alive
 * @param destroyAt when expiry destroys it if nothing changes; {@code null} for never
 * @param keptAliveBy what keeps it alive right now: {@code request}, {@code stream},
 *     {@code worker:<id>}; empty when nothing does
 */
public record ActivityResponse(Instant lastActivityAt, Instant idleSince, Instant destroyAt, List<String> keptAliveBy) {

  static ActivityResponse of(ExpiryOutlook outlook) {
    return new ActivityResponse(outlook.lastActivityAt(), outlook.idleSince(), outlook.destroyAt(), outlook.keptAliveBy());
  }
}
