package io.envkeeper.worker;

/** A worker request refused for what it asks: {@link #code()} is the problem's code. */
public class WorkerRequestException extends RuntimeException {

  /** Why it was refused. */
  public enum Reason {
    /** No configured profile has this name (400). */
    UNKNOWN_PROFILE,
    /** The profile takes no args, or the args break the caps (400). */
    INVALID_ARGS,
    /** The profile's max-per-environment is reached (409). */
    WORKER_LIMIT_REACHED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public WorkerRequestException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public String code() {
    return reason.code();
  }
}
