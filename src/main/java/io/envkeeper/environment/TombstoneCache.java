package io.envkeeper.environment;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * DESTROYED rows, kept in memory once read: a tombstone never changes again, so polls of destroyed
 * environments (the status of a destroyed id, the 410 of everything under it) are answered without
 * the database. Bounded: past {@value #MAX_ENTRIES} entries an arbitrary one makes room.
 */
@Component
class TombstoneCache {

  static final int MAX_ENTRIES = 10_000;

  private final BoundedMap<UUID, Environment> tombstones = new BoundedMap<>(MAX_ENTRIES);

  Optional<Environment> find(UUID id) {
    return Optional.ofNullable(tombstones.get(id));
  }

  /** Remembers the row if it is a tombstone; returns it either way. */
  Environment remember(Environment environment) {
    if (environment.getStatus() == EnvironmentStatus.DESTROYED) {
      tombstones.put(environment.getId(), environment);
    }
    return environment;
  }
}
