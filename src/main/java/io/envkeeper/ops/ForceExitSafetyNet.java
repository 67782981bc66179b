package io.envkeeper.ops;

import io.envkeeper.runtime.process.WorkerProcesses;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Guarantees the process ends once it has begun to: when the JVM starts shutting down (SIGTERM,
 * Ctrl-C, Kubernetes stop, {@code System.exit}), a daemon timer is armed that calls
 * {@link Runtime#halt} after {@code envkeeper.shutdown.force-exit-after}, so no hung hook, native
 * call or lock can keep the process alive; right before the halt, every worker still running is
 * killed. Armed by a JVM shutdown hook rather than on context
 * close, so closing an application context inside a test JVM never halts that JVM.
 */
@Component
class ForceExitSafetyNet implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(ForceExitSafetyNet.class);
  /** Exit status of a forced exit, distinct from a clean stop. */
  static final int FORCED_EXIT_STATUS = 3;

  private final Duration forceExitAfter;
  private final WorkerProcesses workers;

  ForceExitSafetyNet(ShutdownProperties properties, WorkerProcesses workers) {
    this.forceExitAfter = properties.forceExitAfter();
    this.workers = workers;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::arm, "force-exit-arm"));
  }

  private void arm() {
    Thread timer = new Thread(this::haltWhenDue, "force-exit-timer");
    timer.setDaemon(true);
    timer.start();
  }

  private void haltWhenDue() {
    long deadline = System.nanoTime() + forceExitAfter.toNanos();
    long remaining;
    while ((remaining = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(remaining);
    }
    log.error("shutdown did not finish within {}; halting the process", forceExitAfter);
    System.err.println("envkeeper: shutdown exceeded " + forceExitAfter + ", forcing exit");
    try {
      // Whatever hung, no worker outlives the service.
      workers.killEveryWorkerNow();
    } catch (RuntimeException | Error e) {
      System.err.println("envkeeper: could not kill the remaining workers: " + e);
    }
    Runtime.getRuntime().halt(FORCED_EXIT_STATUS);
  }
}
