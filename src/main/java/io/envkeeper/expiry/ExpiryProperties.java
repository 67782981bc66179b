package io.envkeeper.expiry;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Expiry of environments: the defaults and caps of what clients ask for, and the rhythm of activity.
 *
 * @param defaultTtl Time to live of an environment created without {@code ttl}. None by default:
 *     such an environment has no TTL (unless {@code max-ttl} is set, which then applies).
 * @param defaultIdleTimeout Idle timeout of an environment created without {@code idleTimeout}.
 *     None by default: such an environment never expires for being idle (unless
 *     {@code max-idle-timeout} is set, which then applies).
 * @param maxTtl Longest {@code ttl} a client may ask for, on create or PATCH (a ttl counts from the
 *     request that sets it); a longer one is {@code 400 ttl_above_max}. When set, every environment
 *     has a TTL: a PATCH cannot remove it. None by default.
 * @param maxIdleTimeout Longest {@code idleTimeout} a client may ask for; a longer one is
 *     {@code 400 idle_timeout_above_max}. When set, every environment has an idle timeout, so no
 *     forgotten environment outlives it, however long its TTL. None by default.
 * @param expiryWarning How long before an expiry the {@code expiring} event goes to the
 *     environment's event streams. Also the grace after a start: a deadline that fell due while the
 *     service was down, or falls due sooner after the start, is moved to this long after the start,
 *     so clients hear of it before it happens.
 * @param activityFlushInterval How often the owner writes the {@code lastActivityAt} of environments
 *     with new activity (one batched update) and records that it is running (a restart pauses idle
 *     clocks for the time since that record). Requests themselves never write to the database.
 * @param overdueTolerance How long an environment may stay READY past its deadline before the
 *     {@code expiry} health component turns DOWN (expiry is behind).
 */
@ConfigurationProperties("envkeeper.environments")
@Validated
public record ExpiryProperties(
    Duration defaultTtl,
    Duration defaultIdleTimeout,
    Duration maxTtl,
    Duration maxIdleTimeout,
    @DefaultValue("5m") Duration expiryWarning,
    @DefaultValue("5s") Duration activityFlushInterval,
    @DefaultValue("1m") Duration overdueTolerance) {

  public ExpiryProperties {
    requireWholePositiveSeconds("default-ttl", defaultTtl);
    requireWholePositiveSeconds("default-idle-timeout", defaultIdleTimeout);
    requireWholePositiveSeconds("max-ttl", maxTtl);
    requireWholePositiveSeconds("max-idle-timeout", maxIdleTimeout);
    requireAtMost("default-ttl", defaultTtl, "max-ttl", maxTtl);
    requireAtMost("default-idle-timeout", defaultIdleTimeout, "max-idle-timeout", maxIdleTimeout);
    if (expiryWarning.isNegative()) {
      throw new IllegalArgumentException("envkeeper.environments.expiry-warning must not be negative");
    }
    if (activityFlushInterval.toMillis() < 10) {
      throw new IllegalArgumentException("envkeeper.environments.activity-flush-interval must be at least 10ms");
    }
    if (overdueTolerance.isNegative() || overdueTolerance.isZero()) {
      throw new IllegalArgumentException("envkeeper.environments.overdue-tolerance must be positive");
    }
  }

  /** The TTL every environment gets when its create names none, or {@code null} for none. */
  Duration effectiveDefaultTtl() {
    return defaultTtl != null ? defaultTtl : maxTtl;
  }

  /** The idle timeout every environment gets when its create names none, or {@code null} for none. */
  Duration effectiveDefaultIdleTimeout() {
    return defaultIdleTimeout != null ? defaultIdleTimeout : maxIdleTimeout;
  }

  private static void requireWholePositiveSeconds(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero() || value.getNano() != 0)) {
      throw new IllegalArgumentException(
          "envkeeper.environments." + name + " must be a positive whole number of seconds, got " + value);
    }
  }

  private static void requireAtMost(String name, Duration value, String capName, Duration cap) {
    if (value != null && cap != null && value.compareTo(cap) > 0) {
      throw new IllegalArgumentException("envkeeper.environments." + name + " (" + value
          + ") must not be above envkeeper.environments." + capName + " (" + cap + ")");
    }
  }
}
