package io.envkeeper.security;

import java.time.Duration;

/** A token made more requests than {@code envkeeper.limits.requests-per-second} allows. */
public class RateLimitExceededException extends RuntimeException {

  private final Duration retryAfter;

  public RateLimitExceededException(Duration retryAfter) {
    super("too many requests for this token; retry after " + Math.max(1, retryAfter.toSeconds()) + " s");
    this.retryAfter = retryAfter;
  }

  /** Whole seconds to wait, at least one: the {@code Retry-After} header's value. */
  public long retryAfterSeconds() {
    long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }
}
