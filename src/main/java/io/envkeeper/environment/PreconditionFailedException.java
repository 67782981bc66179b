package io.envkeeper.environment;

import java.util.UUID;

/** An {@code If-Match} named a version the environment is no longer at: nothing was changed. */
public class PreconditionFailedException extends RuntimeException {

  public PreconditionFailedException(UUID id, long expected, long actual) {
    super("environment " + id + " is at version " + actual + ", not " + expected
        + " (If-Match): read it again and retry");
  }

  PreconditionFailedException(UUID id, long expected) {
    super("environment " + id + " changed after version " + expected + " (If-Match): read it again and retry");
  }
}
