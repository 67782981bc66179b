package io.envkeeper.worker;

/** The one-way life of a worker: {@code RUNNING -> STOPPING -> EXITED | LOST}. */
public enum WorkerStatus {
  /** Spawned and recorded; its process runs. */
  RUNNING,
  /** A stop was requested and committed; the stop protocol is under way. */
  STOPPING,
  /** Reaped: exit code or signal recorded (unknown when it ended while the service was down). */
  EXITED,
  /** Could not be confirmed gone within the protocol's bounds, or vanished untracked. */
  LOST;

  /** The only transition table. */
  public boolean canMoveTo(WorkerStatus next) {
    return switch (this) {
      case RUNNING -> next == STOPPING || next == EXITED || next == LOST;
      case STOPPING -> next == EXITED || next == LOST;
      case EXITED, LOST -> false;
    };
  }

  public boolean isTerminal() {
    return this == EXITED || this == LOST;
  }
}
