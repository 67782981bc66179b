package io.envkeeper.expiry;

import io.envkeeper.environment.DestroyReason;
import io.envkeeper.environment.Environment;
import java.time.Duration;
import java.time.Instant;

/**
 * The deadline arithmetic, in one place and free of I/O.
 *
 * <ul>
 *   <li>TTL: {@code expiresAt}, whatever the activity.
 *   <li>Idle: {@code idleSince + idleTimeout}, only while nothing keeps the environment alive.
 *   <li>After a start, a deadline of state from before the start (a TTL set, or an idle clock last
 *       reset, before it) is at the earliest {@code expiry-warning} after the start, so a deadline
 *       missed while the service was down is announced before it is carried out.
 *   <li>The earlier deadline wins; at a tie the TTL (the client's explicit wish) is named.
 * </ul>
 */
final class Deadlines {

  private Deadlines() {}

  static ExpiryOutlook outlook(Environment environment, ActivitySnapshot activity, Instant startedAt, Duration warning) {
    Instant graceEnd = startedAt.plus(warning);
    Instant ttlAt = environment.getExpiresAt();
    if (ttlAt != null && environment.getUpdatedAt().isBefore(startedAt)) {
      ttlAt = Activity.latest(ttlAt, graceEnd);
    }
    Instant idleAt = null;
    if (environment.getIdleTimeout() != null && activity.idleSince() != null) {
      idleAt = activity.idleSince().plus(environment.getIdleTimeout());
      if (activity.idleSince().isBefore(startedAt)) {
        idleAt = Activity.latest(idleAt, graceEnd);
      }
    }
    Instant destroyAt = null;
    DestroyReason reason = null;
    if (ttlAt != null) {
      destroyAt = ttlAt;
      reason = DestroyReason.TTL;
    }
    if (idleAt != null && (destroyAt == null || idleAt.isBefore(destroyAt))) {
      destroyAt = idleAt;
      reason = DestroyReason.IDLE;
    }
    return new ExpiryOutlook(activity.lastActivityAt(), activity.idleSince(), destroyAt, reason, activity.keptAliveBy());
  }
}
