package io.envkeeper.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Client tokens that come from configuration (tokens issued through the admin API live in the
 * {@code client_token} table). Only hashes are configured, never tokens.
 *
 * @param tokens Configured tokens: {@code hash} ({@code sha256:<hex of the token's SHA-256>}),
 *     {@code tenant} and {@code role} ({@code client} or {@code admin}).
 * @param developmentToken Whether to create and print a development admin token on start-up when no
 *     token is configured and the {@code client_token} table has no active token.
 * @param streamRevalidationInterval How often the tokens of open event streams are checked against
 *     the {@code client_token} table (one query for all of them): a stream of a token revoked
 *     elsewhere (another node, the database) ends within this interval. A revocation through this
 *     service ends them at once.
 */
@ConfigurationProperties("envkeeper.security")
@Validated
public record SecurityProperties(
    @DefaultValue List<@Valid ConfiguredToken> tokens,
    @DefaultValue("true") boolean developmentToken,
    @NotNull @DurationMin(millis = 10) @DefaultValue("2s") Duration streamRevalidationInterval) {

  /** Tenant names: what a tenant may be called, in configuration and in the admin API. */
  public static final String TENANT_FORMAT = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

  public SecurityProperties {
    tokens = List.copyOf(tokens);
  }

  /**
   * One configured token.
   *
   * @param hash {@code sha256:<64 hex digits>}: the SHA-256 of the token, never the token itself.
   * @param tenant Tenant the token acts for.
   * @param role {@code client} or {@code admin}.
   */
  public record ConfiguredToken(
      @NotNull(message = "must be set to sha256:<hex of the token's SHA-256>")
          @Pattern(regexp = TokenHash.FORMAT, message = "must be sha256:<64 hex digits of the token's SHA-256>")
          String hash,
      @NotNull(message = "must name the token's tenant")
          @Pattern(regexp = TENANT_FORMAT, message = "must be 1-63 characters of [A-Za-z0-9._-], starting with a letter or digit")
          String tenant,
      @NotNull(message = "must be client or admin") ClientRole role) {}
}
