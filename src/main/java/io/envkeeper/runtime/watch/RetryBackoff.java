package io.envkeeper.runtime.watch;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * When one watcher next retries its missing workspace directory: exponential, capped, at most
 * {@code retry-attempts} times. The shared scheduler only keeps time; the retry itself runs on the
 * watcher's own executor, in that workspace's order.
 */
final class RetryBackoff {

  private final WatchProperties properties;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private int attempts;
  private volatile ScheduledFuture<?> pending;

  RetryBackoff(WatchProperties properties, ScheduledExecutorService scheduler, Executor executor) {
    this.properties = properties;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  boolean exhausted() {
    return attempts >= properties.retryAttempts();
  }

  /** Runs {@code retry} on the executor after the next delay, counting it as an attempt when it runs. */
  void schedule(Runnable retry) {
    long delayMillis = properties.retryDelay(attempts + 1).toMillis();
    try {
      pending = scheduler.schedule(() -> executor.execute(() -> {
        attempts++;
        retry.run();
      }), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: nothing more to retry
    }
  }

  int attempts() {
    return attempts;
  }

  /** The workspace is watched again: a later loss starts from the first delay. */
  void reset() {
    attempts = 0;
  }

  /** Drops a retry not run yet. Safe from any thread. */
  void cancel() {
    ScheduledFuture<?> retry = pending;
    if (retry != null) {
      retry.cancel(false);
    }
  }
}
