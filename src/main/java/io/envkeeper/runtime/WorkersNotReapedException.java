package io.envkeeper.runtime;

import java.util.UUID;

/** A teardown could not confirm that every worker (and descendant) is gone; it must be retried. */
public class WorkersNotReapedException extends RuntimeException {

  public WorkersNotReapedException(UUID environmentId, String detail) {
    super("environment " + environmentId + ": workers not confirmed gone: " + detail);
  }
}
