package io.envkeeper.security;

import jakarta.persistence.EntityManager;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues, lists, looks up and revokes the tokens of the {@code client_token} table. Tokens are 256
 * random bits, URL-safe base64, with a recognisable {@code ek_} prefix (secret scanners, logs).
 */
@Service
@Transactional
public class ClientTokens {

  /** Marks Envkeeper tokens so that a leaked one is recognisable. */
  static final String TOKEN_PREFIX = "ek_";
  private static final int TOKEN_BYTES = 32;
  private static final Logger log = LoggerFactory.getLogger(ClientTokens.class);

  private final ClientTokenRepository tokens;
  private final Clock clock;
  private final EntityManager entityManager;
  private final ApplicationEventPublisher events;
  private final SecureRandom random = new SecureRandom();

  ClientTokens(
      ClientTokenRepository tokens, Clock clock, EntityManager entityManager, ApplicationEventPublisher events) {
    this.tokens = tokens;
    this.clock = clock;
    this.entityManager = entityManager;
    this.events = events;
  }

  /** Issues a new token; its plain value is in the result and nowhere else. */
  public IssuedToken issue(String tenant, ClientRole role, String name) {
    String token = newToken();
    ClientToken record =
        new ClientToken(
            UUID.randomUUID(), name, tenant, role, TokenHash.of(token),
            clock.instant().truncatedTo(ChronoUnit.MICROS));
    tokens.saveAndFlush(record);
    log.info("token {}: issued for tenant {} (role {}, name {})", record.getId(), tenant, role.value(), name);
    return new IssuedToken(record, token);
  }

  /**
   * Issues a token only if no active one exists yet, atomically across every instance that shares
   * the database (a transaction-scoped advisory lock), so two first starts issue one token.
   */
  public Optional<IssuedToken> issueFirst(String tenant, ClientRole role, String name) {
    entityManager
        .createNativeQuery("SELECT pg_advisory_xact_lock(hashtext('envkeeper.client_token.first'))")
        .getSingleResult();
    if (tokens.countByRevokedAtIsNull() > 0) {
      return Optional.empty();
    }
    return Optional.of(issue(tenant, role, name));
  }

  @Transactional(readOnly = true)
  public List<ClientToken> list() {
    return tokens.findAllInOrder();
  }

  /**
   * Revokes a token: the next request with it is refused, and its open streams end once the
   * revocation is committed ({@link OpenStreams}). Idempotent.
   */
  public ClientToken revoke(UUID id) {
    ClientToken token = tokens.findById(id).orElseThrow(() -> new ClientTokenNotFoundException(id));
    if (token.isActive()) {
      token.revoke(clock.instant().truncatedTo(ChronoUnit.MICROS));
      tokens.saveAndFlush(token);
      log.info("token {}: revoked (tenant {})", id, token.getTenant());
    }
    events.publishEvent(new TokenRevokedEvent(id));
    return token;
  }

  /** Which of {@code ids} are tokens that are still active: one query, however many. */
  @Transactional(readOnly = true)
  public Set<UUID> activeAmong(Collection<UUID> ids) {
    return Set.copyOf(tokens.findActiveIdsIn(ids));
  }

  /** The active token with this hash, if any. */
  @Transactional(readOnly = true)
  public Optional<ClientToken> findActive(String tokenHash) {
    return tokens.findByTokenHash(tokenHash).filter(ClientToken::isActive);
  }

  @Transactional(readOnly = true)
  public long countActive() {
    return tokens.countByRevokedAtIsNull();
  }

  private String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
