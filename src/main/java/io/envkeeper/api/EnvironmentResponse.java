package io.envkeeper.api;

import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentStatus;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An environment as API.md shows it, plus the {@code tenant} it belongs to. */
public record EnvironmentResponse(
    UUID id,
    String tenant,
    String name,
    String path,
    boolean managed,
    EnvironmentStatus status,
    Map<String, String> labels,
    String node,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant destroyRequestedAt,
    @Nullable Instant destroyedAt,
    int destroyAttempts,
    @Nullable String lastError,
    long version) {

  static EnvironmentResponse of(Environment environment) {
    return new EnvironmentResponse(
        environment.getId(),
        environment.getTenant(),
        environment.getName(),
        environment.getPath(),
        environment.isManaged(),
        environment.getStatus(),
        environment.getLabels(),
        environment.getNode(),
        environment.getCreatedAt(),
        environment.getUpdatedAt(),
        environment.getDestroyRequestedAt(),
        environment.getDestroyedAt(),
        environment.getDestroyAttempts(),
        environment.getLastError(),
        environment.getVersion());
  }
}
