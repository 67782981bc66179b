package io.envkeeper.runtime;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The runtime's view of the database: the workspace of an environment that is READY right now.
 * Implemented by the environment feature; asked under the environment's lock before anything live
 * is created, so a destroy committed a moment ago is always seen.
 */
public interface ReadyWorkspaces {

  /** The workspace path if the environment exists and is READY; empty otherwise. */
  Optional<Path> readyWorkspace(UUID environmentId);
}
