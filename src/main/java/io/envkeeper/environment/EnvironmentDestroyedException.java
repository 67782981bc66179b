package io.envkeeper.environment;

import java.util.UUID;

/** The environment is DESTROYING or DESTROYED: nothing may be started or read live for it. */
public class EnvironmentDestroyedException extends RuntimeException {

  public EnvironmentDestroyedException(UUID id, EnvironmentStatus status) {
    super("environment " + id + " is " + status);
  }
}
