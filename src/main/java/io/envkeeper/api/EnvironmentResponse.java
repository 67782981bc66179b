package io.envkeeper.api;

import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An environment as API.md shows it, plus the {@code tenant} it belongs to. {@code idleTimeout} is
 * an ISO-8601 duration; {@code lastActivityAt} is the value the owner last persisted (live:
 * {@code GET …/activity}); {@code destroyReason} is {@code client}, {@code ttl}, {@code idle} or
 * {@code node_retired} once it left READY.
 */
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
    @Schema(description = "When its TTL destroys it; `null`: no TTL") @Nullable Instant expiresAt,
    @Schema(description = "How long it may stay without activity, an ISO-8601 duration; `null`: no idle timeout",
        format = "duration", example = "PT30M")
        @Nullable String idleTimeout,
    @Schema(description = "The last activity its node persisted (at most `activity-flush-interval` old; live:"
        + " `getActivity`)")
        @Nullable Instant lastActivityAt,
    @Schema(description = "Why it left READY; `null` while READY",
        allowableValues = {"client", "ttl", "idle", "node_retired"})
        @Nullable String destroyReason,
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
        environment.getExpiresAt(),
        environment.getIdleTimeout() == null ? null : environment.getIdleTimeout().toString(),
        environment.getLastActivityAt(),
        environment.getDestroyReason() == null ? null : environment.getDestroyReason().wireName(),
        environment.getVersion());
  }
}
