package io.envkeeper.api;

/** A request parameter or header the API refuses; {@link #code()} is the problem's code. */
class InvalidRequestException extends RuntimeException {

  private final ProblemCode code;

  InvalidRequestException(ProblemCode code, String message) {
    super(message);
    this.code = code;
  }

  ProblemCode code() {
    return code;
  }
}
