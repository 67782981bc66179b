package io.envkeeper.config;

import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Test-only crash and hang hooks, off unless a test property arms them. When
 * {@code envkeeper.test.crash-at} names a point, the process halts there exactly as a {@code kill -9}
 * would (no shutdown hook, no cleanup), so crash-safety tests can stop the real jar at each step of
 * a destroy. When {@code envkeeper.test.hang-at} names a point, the thread reaching it parks for
 * good, ignoring interrupts: a stand-in for a native call or lock that never returns.
 */
@Component
public class CrashPoints implements DisposableBean {

  /** During application shutdown, while beans are being destroyed. */
  public static final String SHUTDOWN = "shutdown";

  /** A worker was spawned, its row not yet committed. */
  public static final String AFTER_SPAWN_BEFORE_COMMIT = "after-spawn-before-commit";
  /** READY -> DESTROYING committed, no teardown started. */
  public static final String AFTER_DESTROYING_COMMIT = "after-destroying-commit";
  /** Workers signalled but not yet reaped. */
  public static final String MID_WORKER_STOP = "mid-worker-stop";
  /** Workers reaped, managed directory not yet removed. */
  public static final String BEFORE_DIRECTORY_REMOVAL = "before-directory-removal";
  /** Directory removed, DESTROYED not yet committed. */
  public static final String AFTER_DIRECTORY_REMOVAL = "after-directory-removal";

  private static final Logger log = LoggerFactory.getLogger(CrashPoints.class);
  private static final int KILLED_STATUS = 137;

  private final Set<String> armed;
  private final Set<String> hanging;

  public CrashPoints(
      @Value("${envkeeper.test.crash-at:}") Set<String> armed,
      @Value("${envkeeper.test.hang-at:}") Set<String> hanging) {
    this.armed = Set.copyOf(armed);
    this.hanging = Set.copyOf(hanging);
    if (!this.armed.isEmpty() || !this.hanging.isEmpty()) {
      log.warn("TEST HOOKS ARMED: halt at {}, hang at {}", this.armed, this.hanging);
    }
  }

  /** Halts the process if this point is armed; does nothing otherwise. */
  public void reached(String point) {
    if (armed.contains(point)) {
      log.warn("test crash hook: halting at {}", point);
      Runtime.getRuntime().halt(KILLED_STATUS);
    }
    if (hanging.contains(point)) {
      log.warn("test hang hook: hanging at {}", point);
      while (true) {
        LockSupport.park(this);
      }
    }
  }

  @Override
  public void destroy() {
    reached(SHUTDOWN);
  }
}
