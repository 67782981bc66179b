package io.envkeeper.worker;

/**
 * The life of a worker: {@code RUNNING -> STOPPING -> EXITED | LOST}, and, for a profile with a
 * restart policy, {@code RUNNING -> BACKOFF -> RUNNING} (same worker, a new process) until it is
 * stopped, given up on, or its environment goes.
 */
public enum WorkerStatus {
  /** Spawned and recorded; its process runs. */
  RUNNING,
  /** Its process ended and a restart waits for its backoff; no process runs. */
  BACKOFF,
  /** A stop was requested and committed; the stop protocol is under way. */
  STOPPING,
  /** Reaped: exit code or signal recorded (unknown when it ended while the service was down). */
  EXITED,
  /** Could not be confirmed gone within the protocol's bounds, or vanished untracked. */
  LOST;

  /** The only transition table. */
  public boolean canMoveTo(WorkerStatus next) {
    return switch (this) {
      case RUNNING -> next == STOPPING || next == BACKOFF || next == EXITED || next == LOST;
      // BACKOFF -> EXITED: abandoned without a stop protocol (crash recovery: nothing runs).
      case BACKOFF -> next == RUNNING || next == STOPPING || next == EXITED;
      case STOPPING -> next == EXITED || next == LOST;
      case EXITED, LOST -> false;
    };
  }

  public boolean isTerminal() {
    return this == EXITED || this == LOST;
  }
}
