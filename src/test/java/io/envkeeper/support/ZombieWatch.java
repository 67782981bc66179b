package io.envkeeper.support;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches processes die: samples their {@code /proc/<pid>/stat} about every 0.2 ms on a thread of
 * its own and records, per pid, when it was first seen a zombie and when it was first seen gone.
 * A zombie's lifetime is the time between the two: how long nobody reaped it.
 */
public final class ZombieWatch implements AutoCloseable {

  private final Map<Integer, Long> startTicks = new ConcurrentHashMap<>();
  private final Map<Integer, Long> zombieAt = new ConcurrentHashMap<>();
  private final Map<Integer, Long> goneAt = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  public ZombieWatch(Collection<Integer> pids) {
    pids.forEach(pid -> OsProcesses.of(pid).ifPresent(stat -> startTicks.put(pid, stat.startTicks())));
    sampler = new Thread(this::sample, "zombie-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    while (running) {
      long now = System.nanoTime();
      startTicks.forEach((pid, ticks) -> {
        if (goneAt.containsKey(pid)) {
          return;
        }
        var stat = OsProcesses.of(pid).filter(s -> s.startTicks() == ticks);
        if (stat.isEmpty()) {
          goneAt.put(pid, now);
          zombieAt.putIfAbsent(pid, now); // never caught as a zombie: reaped between two samples
        } else if (stat.get().isZombie()) {
          zombieAt.putIfAbsent(pid, now);
        }
      });
      LockSupport.parkNanos(200_000);
    }
  }

  /** Whether every watched process is gone (reaped). */
  public boolean allGone() {
    return goneAt.keySet().containsAll(startTicks.keySet());
  }

  /** Zombie lifetimes of the processes that are gone, in milliseconds. */
  public List<Double> lifetimesMillis() {
    return goneAt.entrySet().stream()
        .map(gone -> (gone.getValue() - zombieAt.get(gone.getKey())) / 1e6)
        .sorted()
        .toList();
  }

  public int watched() {
    return startTicks.size();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.join(2000);
  }
}
