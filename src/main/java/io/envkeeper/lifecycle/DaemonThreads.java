package io.envkeeper.lifecycle;

import java.util.concurrent.ThreadFactory;

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
}
