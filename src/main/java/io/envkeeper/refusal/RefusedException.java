package io.envkeeper.refusal;

/**
 * A request refused for a reason its feature names in an enum of its own; the reason's
 * {@link RefusalReason#code() code} is the stable code of the problem the API answers with. Which
 * status goes with it is the API's business, not the feature's.
 */
public abstract class RefusedException extends RuntimeException {

  private final RefusalReason reason;

  protected RefusedException(RefusalReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The problem's {@code code}: the reason in snake_case. */
  public final String code() {
    return reason.code();
  }
}
