package io.envkeeper.expiry;

import io.envkeeper.refusal.RefusalReason;
import io.envkeeper.refusal.RefusedException;

/** A {@code ttl} or {@code idleTimeout} the expiry rules refuse; {@link #code()} is the problem's code. */
public class ExpiryRequestException extends RefusedException {

  /** Which rule was broken. */
  public enum Reason implements RefusalReason {
    /** Zero, negative, not whole seconds, or a century or more. */
    INVALID_DURATION,
    /** Above {@code envkeeper.environments.max-ttl}, or removing the TTL while that cap is set. */
    TTL_ABOVE_MAX,
    /** Above {@code envkeeper.environments.max-idle-timeout}, or removing it while that cap is set. */
    IDLE_TIMEOUT_ABOVE_MAX
  }

  ExpiryRequestException(Reason reason, String message) {
    super(reason, message);
  }
}
