package io.envkeeper.environment;

import java.util.UUID;

/** No environment has this id. */
public class EnvironmentNotFoundException extends RuntimeException {

  public EnvironmentNotFoundException(UUID id) {
    super("environment " + id + " does not exist");
  }
}
