package io.envkeeper.deadline;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff: {@code initial} before the first retry, doubled for each further one, never
 * more than {@code max}. The one doubling rule of the service (reconcile passes during an outage,
 * destroy retries, the instance lock, watcher retries, the cluster membership connection).
 */
public record Backoff(Duration initial, Duration max) {

  /** Doublings beyond this change nothing any real cap would let through, and cannot overflow. */
  private static final int MAX_DOUBLINGS = 30;

  public Backoff {
    if (initial.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("backoff needs durations >= 0, got " + initial + " and " + max);
    }
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry): {@code initial * 2^(retry-1)},
   * capped at {@code max} (which wins even below {@code initial}); zero for {@code retry <= 0} (nothing failed yet).
   */
  public Duration delay(int retry) {
    if (retry <= 0) {
      return Duration.ZERO;
    }
    Duration delay = initial.multipliedBy(1L << Math.min(retry - 1, MAX_DOUBLINGS));
    return delay.compareTo(max) > 0 || delay.isNegative() ? max : delay;
  }

  /** {@code delay} spread by up to {@code ±jitter} of itself (0 ≤ jitter ≤ 1), at least 1 ms. */
  public static Duration jittered(Duration delay, double jitter) {
    double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofMillis(Math.max(1, (long) (delay.toMillis() * factor)));
  }
}
