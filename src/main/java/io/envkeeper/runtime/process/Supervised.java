package io.envkeeper.runtime.process;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

/**
 * One worker as the supervisor follows it across its processes: the current one, the restart
 * waiting for its backoff, the restarts counted in the window, and whether a stop was accepted
 * (after which nothing is ever started for it again).
 */
final class Supervised {

  private final RestartGate gate;
  private final UUID workerId;
  private final UUID environmentId;
  /** Nanos of the restarts decided within the profile's window, oldest first. */
  private final Deque<Long> restarts = new ArrayDeque<>();
  private volatile WorkerHandle current;
  // Guarded by this.
  private boolean stopped;
  private ScheduledFuture<?> pendingRestart;

  Supervised(WorkerHandle first, RestartGate gate) {
    this.gate = gate;
    this.workerId = first.workerId();
    this.environmentId = first.environmentId();
    this.current = first;
  }

  RestartGate gate() {
    return gate;
  }

  UUID workerId() {
    return workerId;
  }

  UUID environmentId() {
    return environmentId;
  }

  WorkerHandle current() {
    return current;
  }

  /** The restart's new process takes over (called under the environment's lock). */
  void replace(WorkerHandle next) {
    current = next;
  }

  /**
   * A stop was accepted: no restart is scheduled or run from now on. Called under the
   * environment's lock, so a restart in progress has either finished (its process is {@link
   * #current}) or will see this and start nothing.
   */
  synchronized void stop() {
    stopped = true;
    if (pendingRestart != null) {
      pendingRestart.cancel(false);
      pendingRestart = null;
    }
  }

  synchronized boolean isStopped() {
    return stopped;
  }

  /** Keeps the scheduled restart; false (and nothing kept) when a stop came first. */
  synchronized boolean pending(ScheduledFuture<?> restart) {
    if (stopped) {
      restart.cancel(false);
      return false;
    }
    pendingRestart = restart;
    return true;
  }

  synchronized void restartRan() {
    pendingRestart = null;
  }

  /**
   * Counts a restart at {@code now} in a window of {@code windowNanos}.
   *
   * @return how many restarts the window holds with this one, or -1 (not counted) when it already
   *     holds {@code max}
   */
  synchronized int countRestart(long now, long windowNanos, int max) {
    while (!restarts.isEmpty() && now - restarts.peekFirst() > windowNanos) {
      restarts.pollFirst();
    }
    if (restarts.size() >= max) {
      return -1;
    }
    restarts.addLast(now);
    return restarts.size();
  }
}
