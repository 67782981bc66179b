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
record ExpiryPolicy(ExpiryProperties properties) implements ExpiryRules {

  static final long LONGEST_DAYS = 36_500;

  @Override
  public Duration ttlForCreate(Duration requested) {
    return ttl().forCreate(requested);
  }

  @Override
  public Duration idleTimeoutForCreate(Duration requested) {
    return idleTimeout().forCreate(requested);
  }

  @Override
  public void checkTtl(Duration ttl) {
    ttl().check(ttl);
  }

  @Override
  public void checkIdleTimeout(Duration idleTimeout) {
    idleTimeout().check(idleTimeout);
  }

  private DeadlineSetting ttl() {
    return new DeadlineSetting("ttl", properties.effectiveDefaultTtl(), properties.maxTtl(),
        "envkeeper.environments.max-ttl", ExpiryRequestException.Reason.TTL_ABOVE_MAX);
  }

  private DeadlineSetting idleTimeout() {
    return new DeadlineSetting("idleTimeout", properties.effectiveDefaultIdleTimeout(), properties.maxIdleTimeout(),
        "envkeeper.environments.max-idle-timeout", ExpiryRequestException.Reason.IDLE_TIMEOUT_ABOVE_MAX);
  }

  /**
   * One of the two deadlines a client sets, ttl and idleTimeout: its name in a request, the default
   * an environment created without one gets, its cap ({@code null}: none) and the refusal above it.
   */
  private record DeadlineSetting(
      String field, Duration defaultValue, Duration max, String maxName, ExpiryRequestException.Reason aboveMax) {

    /** The requested value, checked, or the default when none was requested. */
    Duration forCreate(Duration requested) {
      if (requested == null) {
        return defaultValue;
      }
      check(requested);
      return requested;
    }

    void check(Duration value) {
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
}
