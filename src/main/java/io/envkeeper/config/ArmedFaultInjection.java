package io.envkeeper.config;

import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The test run's hooks: at a point named by {@code --envkeeper.test.crash-at} the process halts
 * exactly as a {@code kill -9} would (no shutdown hook, no cleanup), so crash-safety tests can stop
 * the real jar at each step of a destroy; at one named by {@code --envkeeper.test.hang-at} the
 * thread reaching it parks for good, ignoring interrupts (a native call or lock that never returns).
 */
final class ArmedFaultInjection implements FaultInjection, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ArmedFaultInjection.class);
  private static final int KILLED_STATUS = 137;

  private final Set<FaultPoint> crashAt;
  private final Set<FaultPoint> hangAt;

  ArmedFaultInjection(Set<FaultPoint> crashAt, Set<FaultPoint> hangAt) {
    this.crashAt = Set.copyOf(crashAt);
    this.hangAt = Set.copyOf(hangAt);
    log.warn("FAULT INJECTION ARMED (test run): halt at {}, hang at {}", this.crashAt, this.hangAt);
  }

  @Override
  public void reached(FaultPoint point) {
    if (crashAt.contains(point)) {
      log.warn("fault injection: halting at {}", point.id());
      Runtime.getRuntime().halt(KILLED_STATUS);
    }
    if (hangAt.contains(point)) {
      log.warn("fault injection: hanging at {}", point.id());
      while (true) {
        LockSupport.park(this);
      }
    }
  }

  @Override
  public void destroy() {
    reached(FaultPoint.SHUTDOWN);
  }
}
