package io.envkeeper.environment;

import java.util.UUID;

/** A move the one-way status machine does not allow, such as DESTROYED back to READY. */
public class IllegalStatusTransitionException extends IllegalStateException {

  public IllegalStatusTransitionException(UUID id, EnvironmentStatus from, EnvironmentStatus to) {
    super("environment " + id + ": illegal move " + from + " -> " + to);
  }
}
