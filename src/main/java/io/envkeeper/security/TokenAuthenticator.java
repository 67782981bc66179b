package io.envkeeper.security;

import io.envkeeper.security.SecurityProperties.ConfiguredToken;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;

/**
 * Turns a presented bearer token into a {@link Caller}: first against the configured hashes (all
 * of them compared, in constant time), then against the active tokens of the {@code client_token}
 * table, looked up on every request so a revocation counts from the next request on.
 *
 * <p>The table lookup is by hash. That is safe against timing: what an index lookup could leak is
 * how much of a SHA-256 matched, which says nothing about a 256-bit random token; the match found
 * is then confirmed with {@link MessageDigest#isEqual}.
 */
@Component
class TokenAuthenticator implements AuthenticationManager {

  /** RFC 6750 b64token syntax, bounded: longer values are never ours. */
  private static final Pattern TOKEN_SYNTAX = Pattern.compile("[A-Za-z0-9\\-._~+/]{1,256}=*");

  private final List<KnownHash> configured;
  private final ClientTokens clientTokens;

  TokenAuthenticator(SecurityProperties properties, ClientTokens clientTokens) {
    this.configured = known(properties.tokens());
    this.clientTokens = clientTokens;
  }

  @Override
  public Authentication authenticate(Authentication authentication) throws AuthenticationException {
    if (!(authentication instanceof PresentedToken presented)) {
      throw new InvalidBearerTokenException();
    }
    return authenticate(presented.token())
        .map(CallerAuthentication::new)
        .orElseThrow(InvalidBearerTokenException::new);
  }

  /** The caller this token stands for, if it is a valid one. */
  Optional<Caller> authenticate(String token) {
    if (token == null || !TOKEN_SYNTAX.matcher(token).matches()) {
      return Optional.empty();
    }
    byte[] digest = TokenHash.digest(token);
    Caller match = null;
    for (KnownHash candidate : configured) {
      // Every configured hash is compared, match or not: the time taken does not depend on which.
      if (MessageDigest.isEqual(candidate.digest(), digest) && match == null) {
        match = candidate.caller();
      }
    }
    if (match != null) {
      return Optional.of(match);
    }
    String stored = TokenHash.PREFIX + HexFormat.of().formatHex(digest);
    return clientTokens
        .findActive(stored)
        .filter(row -> MessageDigest.isEqual(TokenHash.bytes(row.getTokenHash()), digest))
        .map(row -> new Caller(row.getTenant(), row.getRole(), row.getId().toString()));
  }

  /** How many tokens come from configuration. */
  int configuredCount() {
    return configured.size();
  }

  private static List<KnownHash> known(List<ConfiguredToken> tokens) {
    List<KnownHash> known = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      ConfiguredToken token = tokens.get(i);
      String hash = TokenHash.normalise(token.hash());
      if (!seen.add(hash)) {
        throw new IllegalStateException(
            "envkeeper.security.tokens[" + i + "].hash: the same hash is configured twice");
      }
      String id = "config:" + hash.substring(TokenHash.PREFIX.length(), TokenHash.PREFIX.length() + 12);
      known.add(new KnownHash(TokenHash.bytes(hash), new Caller(token.tenant(), token.role(), id)));
    }
    return List.copyOf(known);
  }

  private record KnownHash(byte[] digest, Caller caller) {}

  /** A token as presented, not yet checked. */
  static final class PresentedToken extends AbstractAuthenticationToken {

    private final String token;

    PresentedToken(String token) {
      super(List.of());
      this.token = token;
    }

    String token() {
      return token;
    }

    @Override
    public Object getCredentials() {
      return token;
    }

    @Override
    public Object getPrincipal() {
      return "bearer";
    }
  }
}
