package io.envkeeper.runtime.process;

/**
 * How a process ended, decoded from a {@code waitpid} status.
 *
 * @param exitCode the code it exited with, or {@code null} if a signal ended it
 * @param signal the signal that ended it, or {@code null} if it exited
 * @param vanished true when it was not (or no longer) our child to wait for, so the status is unknown
 */
public record ExitStatus(Integer exitCode, Integer signal, boolean vanished) {

  /** Decodes a raw wait status: exit code in bits 8-15, terminating signal in bits 0-6. */
  public static ExitStatus fromWaitStatus(int status) {
    int signal = status & 0x7f;
    if (signal == 0) {
      return new ExitStatus((status >> 8) & 0xff, null, false);
    }
    return new ExitStatus(null, signal, false);
  }

  /** {@code SIGKILL} for 9, and so on; {@code SIG<n>} for a number without a name here. */
  public static String signalName(int signal) {
    jnr.constants.platform.Signal known = jnr.constants.platform.Signal.valueOf(signal);
    return known == jnr.constants.platform.Signal.__UNKNOWN_CONSTANT__ ? "SIG" + signal : known.name();
  }

  public static ExitStatus unknown() {
    return new ExitStatus(null, null, true);
  }

  @Override
  public String toString() {
    if (vanished) {
      return "exit status unknown";
    }
    return signal != null ? "killed by signal " + signal : "exit code " + exitCode;
  }
}
