package io.envkeeper.api;

/** A request parameter or header the API refuses; {@link #code()} is the problem's code. */
class InvalidRequestException extends RuntimeException {

  private final String code;

  InvalidRequestException(String code, String message) {
    super(message);
    this.code = code;
  }

  String code() {
    return code;
  }
}
