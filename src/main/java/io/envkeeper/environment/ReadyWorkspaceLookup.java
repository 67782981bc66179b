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
  private final Ownership ownership;

  ReadyWorkspaceLookup(EnvironmentRepository environments, Ownership ownership) {
    this.environments = environments;
    this.ownership = ownership;
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<Path> readyWorkspace(UUID environmentId) {
    Optional<Environment> ready =
        environments.findById(environmentId).filter(environment -> environment.getStatus() == EnvironmentStatus.READY);
    if (ready.isPresent()) {
      // Only the owner, holding its lease, starts anything live for an environment.
      if (!ready.get().getNode().equals(ownership.localNode())) {
        throw new NotOwnerException("environment " + environmentId + " lives on node " + ready.get().getNode());
      }
      ownership.fence();
    }
    return ready.map(environment -> Path.of(environment.getPath()));
  }
}
