package io.envkeeper.deadline;

import java.time.Duration;

/** A point on the monotonic clock; several bounded waits can share one overall bound. */
public record Deadline(long nanoTime) {

  /** The deadline {@code timeout} from now. */
  public static Deadline in(Duration timeout) {
    return new Deadline(System.nanoTime() + Math.max(0, saturatedNanos(timeout)));
  }

  public long remainingNanos() {
    return nanoTime - System.nanoTime();
  }

  /** What is left (zero once passed). */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, remainingNanos()));
  }

  public boolean hasPassed() {
    return remainingNanos() <= 0;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }
}
