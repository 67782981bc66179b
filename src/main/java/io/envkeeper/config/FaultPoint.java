package io.envkeeper.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The places where a fault-injection run may halt or hang the service (see {@link FaultInjection}). */
public enum FaultPoint {
  /** During application shutdown, while beans are being destroyed. */
  SHUTDOWN,
  /** A worker was spawned, its row not yet committed. */
  AFTER_SPAWN_BEFORE_COMMIT,
  /** READY -> DESTROYING committed, no teardown started. */
  AFTER_DESTROYING_COMMIT,
  /** Workers signalled but not yet reaped. */
  MID_WORKER_STOP,
  /** Workers reaped, managed directory not yet removed. */
  BEFORE_DIRECTORY_REMOVAL,
  /** Directory removed, DESTROYED not yet committed. */
  AFTER_DIRECTORY_REMOVAL;

  /** The name used on the command line: {@code after-spawn-before-commit}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Optional<FaultPoint> byId(String id) {
    return Arrays.stream(values()).filter(point -> point.id().equals(id.strip())).findFirst();
  }
}
