package io.envkeeper.api;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Coalesces a stream's "something to send" signals into at most one pending drain on its sender
 * pool, so the thread that signals (watch, output pump, heartbeat) never waits for a client.
 */
final class DrainSignal {

  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Executor sender;
  private final Runnable drain;

  DrainSignal(Executor sender, Runnable drain) {
    this.sender = sender;
    this.drain = drain;
  }

  /** Schedules a drain unless one is already pending; a pool that is shutting down drops it. */
  void raise() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        sender.execute(drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
      }
    }
  }

  /** Called first by the drain: a signal raised from here on schedules another one. */
  void taken() {
    scheduled.set(false);
  }
}
