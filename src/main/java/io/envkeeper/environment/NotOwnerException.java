package io.envkeeper.environment;

/** This process does not hold its node's lease: it must not act as the owner now. */
public class NotOwnerException extends RuntimeException {

  public NotOwnerException(String message) {
    super(message);
  }
}
