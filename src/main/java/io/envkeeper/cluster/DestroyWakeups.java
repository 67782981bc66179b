package io.envkeeper.cluster;

import io.envkeeper.environment.EnvironmentDestroyer;
import io.envkeeper.environment.Ownership;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reacts to a destroy that another node accepted for an environment of this node: starts (or
 * joins) that one environment's teardown at once, without a whole reconcile pass. Ignored while this
 * node holds no lease; the reconciler picks the environment up once it holds one again.
 */
@Component
record DestroyWakeups(EnvironmentDestroyer destroyer, Ownership ownership, EnvironmentChanges changes) {

  private static final Logger log = LoggerFactory.getLogger(DestroyWakeups.class);

  /**
   * A notification's payload: {@code "<owner node> <environment id>"}. The row leaves this node's
   * cache first, whatever the lease.
   *
   * @return whether it was addressed to this node (then the accepting node waits for an acknowledgement)
   */
  boolean received(String payload) {
    int space = payload.indexOf(' ');
    if (space < 0) {
      return false;
    }
    String owner = payload.substring(0, space);
    if (!owner.equals(ownership.localNode())) {
      return false;
    }
    UUID id;
    try {
      id = UUID.fromString(payload.substring(space + 1));
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a malformed destroy wake-up: {}", payload);
      return false;
    }
    changes.destroyAnnounced(id);
    if (!ownership.actsAsOwner()) {
      log.info("environment {}: destroy wake-up while this node holds no lease; the reconciler takes it later", id);
      return true;
    }
    log.info("environment {}: destroy accepted by another node; starting its teardown", id);
    destroyer.tearDown(id);
    return true;
  }
}
