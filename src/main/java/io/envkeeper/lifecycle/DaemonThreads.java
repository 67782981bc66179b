package io.envkeeper.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Threads of the service's own pools and loops are daemons: one stuck in a system call never holds
 * the JVM up at exit (the shutdown bounds its waits and moves on).
 */
public final class DaemonThreads {

  private DaemonThreads() {
  }

  /** A factory of daemon threads, each named {@code name}. */
  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * One daemon thread named {@code name} that runs {@code task} every {@code period} (counted from
   * the end of the previous run), the first time one period from now. Shut it down to stop it.
   */
  public static ScheduledExecutorService repeating(String name, Duration period, Runnable task) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named(name));
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    return scheduler;
  }
}
