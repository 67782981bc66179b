package io.envkeeper.environment;

/** An Idempotency-Key came back with a different request body. */
public class IdempotencyKeyReusedException extends RuntimeException {

  public IdempotencyKeyReusedException() {
    super("this Idempotency-Key was already used with a different request body");
  }
}
