package io.envkeeper.expiry;

/** A {@code ttl} or {@code idleTimeout} the expiry rules refuse; {@link #code()} is the problem's code. */
public class ExpiryRequestException extends RuntimeException {

  private final String code;

  ExpiryRequestException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
