package io.envkeeper.cluster;

import io.envkeeper.environment.BoundedMap;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Which node owns an environment, as learned from rows this node has read. An environment's owner
 * never changes (a retired node's environments are destroyed, not moved), so what is kept here
 * never goes stale and needs no invalidation; it only says where to send a call, never whether the
 * call may be answered. Bounded: past {@value #MAX_ENTRIES} entries an arbitrary one makes room.
 */
@Component
class KnownOwners {

  static final int MAX_ENTRIES = 10_000;

  private final BoundedMap<UUID, String> owners = new BoundedMap<>(MAX_ENTRIES);

  void learn(UUID environment, String node) {
    owners.put(environment, node);
  }

  Optional<String> of(UUID environment) {
    return Optional.ofNullable(owners.get(environment));
  }
}
