package io.envkeeper.runtime;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The per-environment lock that destroy, runtime creation and worker spawns all take, so a poll or
 * spawn racing a destroy can never re-create what the destroy tore down.
 *
 * <p>Striped (a fixed set of locks chosen by id hash): memory stays bounded however many
 * environments come and go, at the cost of rare false sharing between two ids. Acquisition is
 * always {@code tryLock} with a deadline, never a blocking {@code lock()}.
 */
@Component
public class EnvironmentLocks {

  private static final int STRIPES = 256;
  /** Long enough for any holder's bounded critical section; short enough to never hang a request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  public EnvironmentLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Runs {@code action} holding the environment's lock, waiting at most {@code timeout} for it. */
  public <T> T withLock(UUID id, Duration timeout, Supplier<T> action) {
    ReentrantLock lock = stripes[Math.floorMod(id.hashCode(), STRIPES)];
    boolean acquired;
    try {
      acquired = lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentBusyException(id, timeout);
    }
    if (!acquired) {
      throw new EnvironmentBusyException(id, timeout);
    }
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /** {@link #withLock(UUID, Duration, Supplier)} with the default timeout. */
  public <T> T withLock(UUID id, Supplier<T> action) {
    return withLock(id, DEFAULT_TIMEOUT, action);
  }

  /** The lock could not be had within its deadline. */
  public static class EnvironmentBusyException extends RuntimeException {
    public EnvironmentBusyException(UUID id, Duration timeout) {
      super("environment " + id + " is busy: its lock was not free within " + timeout);
    }
  }
}
