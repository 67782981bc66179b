package io.envkeeper.runtime.process;

/**
 * How a stop ended.
 *
 * @param reaped the worker was collected (its status is in {@code status}); false means LOST
 * @param status the exit status when reaped, else null
 * @param error what went wrong (LOST, or descendants that survived); null when all went to plan
 */
public record StopOutcome(boolean reaped, ExitStatus status, String error) {

  static StopOutcome exited(ExitStatus status, String error) {
    return new StopOutcome(true, status, error);
  }

  static StopOutcome lost(String error) {
    return new StopOutcome(false, null, error);
  }
}
