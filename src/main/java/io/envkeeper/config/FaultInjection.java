package io.envkeeper.config;

/**
 * Crash and hang hooks for crash-safety tests of the packaged jar. In production this is
 * {@link #NONE}: every call does nothing. The halting implementation exists only in a run started
 * with the {@code fault-injection} profile on its command line; see {@link FaultInjectionConfiguration}.
 */
public interface FaultInjection {

  /** Production: no point is ever armed. */
  FaultInjection NONE = point -> { };

  /** Halts or hangs the process here if a fault-injection run armed this point; otherwise nothing. */
  void reached(FaultPoint point);

  /**
   * Whether this node's lease heartbeats are to stall right now (a heartbeat that hangs while the
   * database stays reachable): in a fault-injection run, while the file named by {@code
   * --envkeeper.test.heartbeat-stall-file} exists. Never in production.
   */
  default boolean heartbeatStalled() {
    return false;
  }
}
