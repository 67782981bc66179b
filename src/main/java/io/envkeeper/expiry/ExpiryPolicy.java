package io.envkeeper.expiry;

import io.envkeeper.environment.ExpiryRules;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The expiry rules of {@link ExpiryProperties}: a duration is positive, whole seconds and at most
 * a century ({@value #LONGEST_DAYS} days, so a deadline always fits the database); the caps hold
 * for every environment, including those created without a value of their own.
 */
@Component
class ExpiryPolicy implements ExpiryRules {

  static final long LONGEST_DAYS = 36_500;

  private final ExpiryProperties properties;

  ExpiryPolicy(ExpiryProperties properties) {
    this.properties = properties;
  }

  @Override
  public Duration ttlForCreate(Duration requested) {
    if (requested == null) {
      return properties.effectiveDefaultTtl();
    }
    checkTtl(requested);
    return requested;
  }

  @Override
  public Duration idleTimeoutForCreate(Duration requested) {
    if (requested == null) {
      return properties.effectiveDefaultIdleTimeout();
    }
    checkIdleTimeout(requested);
    return requested;
  }

  @Override
  public void checkTtl(Duration ttl) {
    check("ttl", ttl, properties.maxTtl(), "envkeeper.environments.max-ttl", ExpiryRequestException.Reason.TTL_ABOVE_MAX);
  }

  @Override
  public void checkIdleTimeout(Duration idleTimeout) {
    check("idleTimeout", idleTimeout, properties.maxIdleTimeout(), "envkeeper.environments.max-idle-timeout",
        ExpiryRequestException.Reason.IDLE_TIMEOUT_ABOVE_MAX);
  }

  private static void check(String field, Duration value, Duration max, String maxName,
      ExpiryRequestException.Reason aboveMax) {
    if (value == null) {
      if (max != null) {
        throw new ExpiryRequestException(aboveMax,
            field + " cannot be removed: every environment has one of at most " + max + " (" + maxName + ")");
      }
      return;
    }
    if (value.isNegative() || value.isZero()) {
      throw new ExpiryRequestException(ExpiryRequestException.Reason.INVALID_DURATION, field + " must be a positive duration, got " + value);
    }
    if (value.getNano() != 0) {
      throw new ExpiryRequestException(ExpiryRequestException.Reason.INVALID_DURATION, field + " must be a whole number of seconds, got " + value);
    }
    if (value.toDays() >= LONGEST_DAYS) {
      throw new ExpiryRequestException(ExpiryRequestException.Reason.INVALID_DURATION, field + " must be shorter than P" + LONGEST_DAYS + "D, got " + value);
    }
    if (max != null && value.compareTo(max) > 0) {
      throw new ExpiryRequestException(aboveMax, field + " " + value + " is above the maximum " + max + " (" + maxName + ")");
    }
  }
}
