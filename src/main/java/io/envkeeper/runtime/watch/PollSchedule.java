package io.envkeeper.runtime.watch;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * When a polled workspace is scanned next: every {@code poll-interval}. The shared scheduler only
 * keeps time; the scan itself runs on the watcher's own executor, in that workspace's order.
 */
final class PollSchedule {

  private final Duration interval;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private volatile ScheduledFuture<?> pending;

  PollSchedule(Duration interval, ScheduledExecutorService scheduler, Executor executor) {
    this.interval = interval;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  /** Runs {@code scan} on the executor every interval from now on (once started, later calls do nothing). */
  void start(Runnable scan) {
    if (pending != null) {
      return;
    }
    long millis = interval.toMillis();
    try {
      pending = scheduler.scheduleWithFixedDelay(() -> executor.execute(scan), millis, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: nothing more to scan
    }
  }

  Duration interval() {
    return interval;
  }

  /** Stops the scans. Safe from any thread. */
  void cancel() {
    ScheduledFuture<?> scans = pending;
    if (scans != null) {
      scans.cancel(false);
      pending = null;
    }
  }
}
