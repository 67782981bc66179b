package io.envkeeper.worker;

import io.envkeeper.refusal.RefusalReason;
import io.envkeeper.refusal.RefusedException;

/** A worker request refused for what it asks: {@link #code()} is the problem's code. */
public class WorkerRequestException extends RefusedException {

  /** Why it was refused. */
  public enum Reason implements RefusalReason {
    /** No configured profile has this name (400). */
    UNKNOWN_PROFILE,
    /** The profile takes no args, or the args break the caps (400). */
    INVALID_ARGS,
    /** The profile's max-per-environment is reached (409). */
    WORKER_LIMIT_REACHED
  }

  public WorkerRequestException(Reason reason, String message) {
    super(reason, message);
  }
}
