package io.envkeeper.worker;

import java.util.UUID;

/** No worker with this id in this environment. */
public class WorkerNotFoundException extends RuntimeException {

  public WorkerNotFoundException(UUID environmentId, UUID workerId) {
    super("environment " + environmentId + " has no worker " + workerId);
  }
}
