package io.envkeeper.environment;

import io.envkeeper.runtime.ReadyWorkspaces;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Answers the runtime's "is it READY right now?" from the database, never from a cache. */
@Component
class ReadyWorkspaceLookup implements ReadyWorkspaces {

  private final EnvironmentRepository environments;

  ReadyWorkspaceLookup(EnvironmentRepository environments) {
    this.environments = environments;
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<Path> readyWorkspace(UUID environmentId) {
    return environments
        .findById(environmentId)
        .filter(environment -> environment.getStatus() == EnvironmentStatus.READY)
        .map(environment -> Path.of(environment.getPath()));
  }
}
