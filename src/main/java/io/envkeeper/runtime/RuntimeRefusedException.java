package io.envkeeper.runtime;

import java.util.UUID;

/** A runtime was asked for an environment that is not READY, or was torn down in this process. */
public class RuntimeRefusedException extends RuntimeException {

  public RuntimeRefusedException(UUID id) {
    super("environment " + id + " is being destroyed or destroyed: nothing live is created for it");
  }
}
