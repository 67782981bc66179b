package io.envkeeper.api;

import io.envkeeper.security.ClientToken;
import java.time.Instant;
import java.util.UUID;

/** An issued token as the admin API lists it: never the token, never its hash. */
public record TokenResponse(
    UUID id, String name, String tenant, String role, Instant createdAt, Instant revokedAt) {

  static TokenResponse of(ClientToken token) {
    return new TokenResponse(
        token.getId(), token.getName(), token.getTenant(), token.getRole().value(), token.getCreatedAt(),
        token.getRevokedAt());
  }
}
