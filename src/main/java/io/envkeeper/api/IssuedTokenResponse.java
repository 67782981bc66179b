package io.envkeeper.api;

import io.envkeeper.security.IssuedToken;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** Answer to {@code POST /admin/tokens}: the only time the token itself is ever shown. */
public record IssuedTokenResponse(
    UUID id,
    @Nullable String name,
    String tenant,
    @Schema(allowableValues = {"client", "admin"}) String role,
    Instant createdAt,
    @Schema(description = "The token: shown this once, never again") String token) {

  static IssuedTokenResponse of(IssuedToken issued) {
    TokenResponse token = TokenResponse.of(issued.record());
    return new IssuedTokenResponse(
        token.id(), token.name(), token.tenant(), token.role(), token.createdAt(), issued.token());
  }

  @Override
  public String toString() {
    return "IssuedTokenResponse[" + id + "]"; // never the token
  }
}
