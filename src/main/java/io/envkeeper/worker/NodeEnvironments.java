package io.envkeeper.worker;

import io.envkeeper.environment.EnvironmentRepository;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Whether an environment belongs to this node (crash recovery touches nothing of another node). */
@Component
class NodeEnvironments {

  private final EnvironmentRepository environments;

  NodeEnvironments(EnvironmentRepository environments) {
    this.environments = environments;
  }

  boolean isOnNode(UUID environmentId, String node) {
    return environments.findById(environmentId).map(e -> e.getNode().equals(node)).orElse(false);
  }
}
