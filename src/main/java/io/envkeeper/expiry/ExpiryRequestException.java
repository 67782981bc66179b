package io.envkeeper.expiry;

import java.util.Locale;

/** A {@code ttl} or {@code idleTimeout} the expiry rules refuse; {@link #code()} is the problem's code. */
public class ExpiryRequestException extends RuntimeException {

  /** Which rule was broken. */
  public enum Reason {
    /** Zero, negative, not whole seconds, or a century or more. */
    INVALID_DURATION,
    /** Above {@code envkeeper.environments.max-ttl}, or removing the TTL while that cap is set. */
    TTL_ABOVE_MAX,
    /** Above {@code envkeeper.environments.max-idle-timeout}, or removing it while that cap is set. */
    IDLE_TIMEOUT_ABOVE_MAX;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  ExpiryRequestException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public String code() {
    return reason.code();
  }
}
