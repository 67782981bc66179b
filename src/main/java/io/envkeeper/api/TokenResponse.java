package io.envkeeper.api;

import io.envkeeper.security.ClientToken;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** An issued token as the admin API lists it: never the token, never its hash. */
public record TokenResponse(
    UUID id,
    @Nullable String name,
    String tenant,
    @Schema(allowableValues = {"client", "admin"}) String role,
    Instant createdAt,
    @Nullable Instant revokedAt) {

  static TokenResponse of(ClientToken token) {
    return new TokenResponse(
        token.getId(), token.getName(), token.getTenant(), token.getRole().value(), token.getCreatedAt(),
        token.getRevokedAt());
  }
}
