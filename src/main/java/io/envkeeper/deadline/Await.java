package io.envkeeper.deadline;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The one "wait, but never longer than this" of the service. Every wait is bounded; an interrupt
 * ends it early with the thread's interrupt flag restored (the caller looks at the state it waited
 * for and carries on), so no caller needs its own catch of {@link InterruptedException}.
 */
public final class Await {

  private Await() {}

  /**
   * Waits up to {@code timeout} for {@code future} to complete, normally or not.
   *
   * @return whether it completed in time (its outcome is then read from the future itself)
   */
  public static boolean completion(Future<?> future, Duration timeout) {
    try {
      future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return future.isDone();
    } catch (ExecutionException e) {
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** {@link #completion(Future, Duration)} against a deadline shared by several waits. */
  public static boolean completion(Future<?> future, Deadline deadline) {
    return completion(future, deadline.remaining());
  }

  /**
   * Checks {@code condition} every {@code interval} until it holds or {@code timeout} passes: for
   * states nothing notifies (a process that is not our child, a file another process holds).
   *
   * @return whether the condition held in time
   */
  public static boolean until(BooleanSupplier condition, Duration timeout, Duration interval) {
    Deadline deadline = Deadline.in(timeout);
    long intervalNanos = Math.max(1, interval.toNanos());
    while (!condition.getAsBoolean()) {
      long remaining = deadline.remainingNanos();
      if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(intervalNanos, remaining));
    }
    return true;
  }

  /**
   * Sleeps for {@code duration} (or until interrupted, flag kept): the pause of a retry loop, on
   * {@code parkNanos} so a shutdown's interrupt ends it.
   */
  public static void pause(Duration duration) {
    Deadline deadline = Deadline.in(duration);
    long remaining;
    while ((remaining = deadline.remainingNanos()) > 0 && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(remaining);
    }
  }
}
