package io.envkeeper.security;

import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Long-lived responses (event streams; any later stream registers the same way) by the token that
 * opened them, so a revoked token loses its streams within seconds, not only its next request:
 *
 * <ul>
 *   <li>at once when the token is revoked through this service (after the revocation commits);
 *   <li>and, for a revocation this service was not told about (another node's, or one made in the
 *       database), at the next re-validation: every {@code stream-revalidation-interval} one query
 *       asks which of the open streams' tokens are still active.
 * </ul>
 *
 * Configured tokens cannot be revoked at run time (only by a restart with other configuration), so
 * only tokens of the {@code client_token} table are checked. While the database cannot be reached
 * streams stay open: a revocation cannot have happened through it either.
 */
@Component
public class OpenStreams extends PhasedLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OpenStreams.class);

  private final ClientTokens tokens;
  private final Duration interval;
  private final Map<String, Set<Registration>> byToken = new ConcurrentHashMap<>();
  private ScheduledExecutorService revalidation;

  OpenStreams(ClientTokens tokens, SecurityProperties properties) {
    super(DEFAULT_PHASE);
    this.tokens = tokens;
    this.interval = properties.streamRevalidationInterval();
  }

  /**
   * Registers a stream opened by {@code caller}; {@code close} ends it from the server side (it may
   * be called from any thread, more than once). Close the returned registration when the stream
   * ends by itself.
   */
  public Registration register(Caller caller, Runnable close) {
    Registration registration = new Registration(caller.tokenId(), close);
    // Added inside compute, atomically with closeAll's removal of the key: a stream registered
    // just after its token's streams were ended is never added to a set nobody looks at again
    // (it lands in a new set, which the next re-validation finds).
    byToken.compute(caller.tokenId(), (id, streams) -> {
      Set<Registration> set = streams != null ? streams : ConcurrentHashMap.newKeySet();
      set.add(registration);
      return set;
    });
    return registration;
  }

  /** How many streams are registered (for tests and health details). */
  public int size() {
    return byToken.values().stream().mapToInt(Set::size).sum();
  }

  /** A revocation through this service: its streams end as soon as it is committed. */
  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
  public void onRevoked(TokenRevokedEvent event) {
    closeAll(event.tokenId().toString(), "revoked");
  }

  /** One query for every open stream's token; the streams of tokens no longer active end. */
  void revalidate() {
    List<UUID> ids = byToken.keySet().stream().map(OpenStreams::tableTokenId).flatMap(Optional::stream).toList();
    if (ids.isEmpty()) {
      return;
    }
    Set<UUID> active;
    try {
      active = tokens.activeAmong(ids);
    } catch (DataAccessException | TransactionException e) {
      log.debug("open streams: token re-validation skipped, database unavailable ({})", e.toString());
      return;
    }
    for (UUID id : ids) {
      if (!active.contains(id)) {
        closeAll(id.toString(), "no longer active");
      }
    }
  }

  private void closeAll(String tokenId, String why) {
    Set<Registration> streams = byToken.remove(tokenId);
    if (streams == null || streams.isEmpty()) {
      return;
    }
    log.info("token {}: {}; ending its {} open stream(s)", tokenId, why, streams.size());
    for (Registration stream : streams) {
      try {
        stream.close.run();
      } catch (RuntimeException e) {
        log.warn("token {}: could not end an open stream ({})", tokenId, e.toString());
      }
    }
  }

  private static Optional<UUID> tableTokenId(String tokenId) {
    try {
      return Optional.of(UUID.fromString(tokenId));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a configured token ("config:...") or the management port
    }
  }

  @Override
  public synchronized void start() {
    revalidation = DaemonThreads.repeating("stream-token-revalidation", interval, this::revalidateSafely);
    running = true;
  }

  private void revalidateSafely() {
    try {
      revalidate();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: keep re-validating.
      log.warn("open streams: token re-validation failed ({})", e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (revalidation != null) {
      revalidation.shutdownNow();
    }
  }

  /** One registered stream. Closing it (when the stream ended by itself) forgets it. */
  public final class Registration implements AutoCloseable {

    private final String tokenId;
    private final Runnable close;

    private Registration(String tokenId, Runnable close) {
      this.tokenId = tokenId;
      this.close = close;
    }

    @Override
    public void close() {
      byToken.computeIfPresent(tokenId, (id, streams) -> {
        streams.remove(this);
        return streams.isEmpty() ? null : streams;
      });
    }
  }
}
