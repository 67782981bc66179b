package io.envkeeper.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The per-environment lock that destroy, runtime creation and worker spawns all take, so a poll or
 * spawn racing a destroy can never re-create what the destroy tore down.
 *
 * <p>One lock per environment, so unrelated environments never wait for each other (a slow holder
 * of one never makes another answer {@code 503 environment_busy}). A lock exists only while someone
 * holds or waits for it: every user is counted, under the map's per-key atomicity, and the last one
 * out removes it, so memory stays bounded however many environments come and go and two live lock
 * objects never exist for one id. Acquisition is always {@code tryLock} with a deadline.
 */
@Component
public class EnvironmentLocks {

  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
  private final Duration defaultTimeout;

  /** A lock and how many threads hold or wait for it; {@code users} changes only inside compute. */
  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  @Autowired
  EnvironmentLocks(RuntimeProperties properties) {
    this(properties.lockTimeout());
  }

  EnvironmentLocks(Duration defaultTimeout) {
    this.defaultTimeout = defaultTimeout;
  }

  /** Runs {@code action} holding the environment's lock, waiting at most {@code timeout} for it. */
  public <T> T withLock(UUID id, Duration timeout, Supplier<T> action) {
    Entry entry = entries.compute(id, (key, existing) -> {
      Entry used = existing != null ? existing : new Entry();
      used.users++;
      return used;
    });
    try {
      if (!tryLock(entry.lock, timeout)) {
        throw new EnvironmentBusyException(id, timeout);
      }
      try {
        return action.get();
      } finally {
        entry.lock.unlock();
      }
    } finally {
      entries.computeIfPresent(id, (key, existing) -> --existing.users == 0 ? null : existing);
    }
  }

  /** {@link #withLock(UUID, Duration, Supplier)} with {@code envkeeper.runtime.lock-timeout}. */
  public <T> T withLock(UUID id, Supplier<T> action) {
    return withLock(id, defaultTimeout, action);
  }

  /** Locks that exist right now (held or waited for). */
  int size() {
    return entries.size();
  }

  private static boolean tryLock(ReentrantLock lock, Duration timeout) {
    try {
      return lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The lock could not be had within its deadline. */
  public static class EnvironmentBusyException extends RuntimeException {
    public EnvironmentBusyException(UUID id, Duration timeout) {
      super("environment " + id + " is busy: its lock was not free within " + timeout);
    }
  }
}
