package io.envkeeper.config;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * While the file named by {@code --envkeeper.test.heartbeat-stall-file} exists, lease heartbeats
 * stall.
 */
final class ArmedFaultInjection implements FaultInjection, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ArmedFaultInjection.class);
  private static final int KILLED_STATUS = 137;

  private final Set<FaultPoint> crashAt;
  private final Set<FaultPoint> hangAt;
  /** Null when the run stalls no heartbeat. */
  private final Path heartbeatStallFile;

  ArmedFaultInjection(Set<FaultPoint> crashAt, Set<FaultPoint> hangAt, Path heartbeatStallFile) {
    this.crashAt = Set.copyOf(crashAt);
    this.hangAt = Set.copyOf(hangAt);
    this.heartbeatStallFile = heartbeatStallFile;
    log.warn("FAULT INJECTION ARMED (test run): halt at {}, hang at {}, heartbeats stall while {} exists",
        this.crashAt, this.hangAt, heartbeatStallFile != null ? heartbeatStallFile : "(no file)");
  }

  @Override
  public boolean heartbeatStalled() {
    return heartbeatStallFile != null && Files.exists(heartbeatStallFile);
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
