package io.envkeeper.runtime.process;

/** When a worker whose process ended by itself is started again (profile setting {@code restart}). */
public enum RestartPolicy {
  /** Never: the worker is EXITED once its process ends. */
  NEVER,
  /** When its process failed: a non-zero exit code, a signal, or an end whose status is unknown. */
  ON_FAILURE,
  /** Whenever its process ends by itself, a clean exit too. */
  ALWAYS;

  /** Whether a process that ended with {@code status} (not by a stop) is to be restarted. */
  public boolean restartsAfter(ExitStatus status) {
    return switch (this) {
      case NEVER -> false;
      case ON_FAILURE -> status.vanished() || status.signal() != null || (status.exitCode() != null && status.exitCode() != 0);
      case ALWAYS -> true;
    };
  }
}
