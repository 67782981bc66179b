package io.envkeeper.ops;

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
 * call or lock can keep the process alive. Armed by a JVM shutdown hook rather than on context
 * close, so closing an application context inside a test JVM never halts that JVM.
 */
@Component
class ForceExitSafetyNet implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(ForceExitSafetyNet.class);
  /** Exit status of a forced exit, distinct from a clean stop. */
  static final int FORCED_EXIT_STATUS = 3;

  private final Duration forceExitAfter;

  ForceExitSafetyNet(ShutdownProperties properties) {
    this.forceExitAfter = properties.forceExitAfter();
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
    Runtime.getRuntime().halt(FORCED_EXIT_STATUS);
  }
}
