package io.envkeeper.environment;

import org.hibernate.exception.ConstraintViolationException;

/** Tells which database constraint a failed write broke, by the constraint's name. */
final class ConstraintViolations {

  static final String LIVE_PATH_UNIQUE = "environment_live_path_uq";
  static final String IDEMPOTENCY_KEY_PRIMARY_KEY = "idempotency_key_pkey";

  private ConstraintViolations() {}

  static boolean violates(Throwable failure, String constraintName) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConstraintViolationException violation
          && constraintName.equalsIgnoreCase(violation.getConstraintName())) {
        return true;
      }
    }
    return false;
  }
}
