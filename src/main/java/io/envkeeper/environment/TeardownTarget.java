package io.envkeeper.environment;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/** What a teardown step needs to know of the environment it tears down. */
public record TeardownTarget(UUID id, Path path, boolean managed, Instant createdAt) {

  static TeardownTarget of(Environment environment) {
    return new TeardownTarget(
        environment.getId(), Path.of(environment.getPath()), environment.isManaged(), environment.getCreatedAt());
  }
}
