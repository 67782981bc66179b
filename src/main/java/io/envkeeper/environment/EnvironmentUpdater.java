package io.envkeeper.environment;

import io.envkeeper.environment.UpdateEnvironmentCommand.Change;
import io.envkeeper.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Partial updates of a READY environment ({@code PATCH}): its TTL, idle timeout and labels. Checked
 * in this order, each refusal changing nothing: the values (the expiry rules), the tenant (404),
 * the status (410: a destroy that has begun is never put off), the client's {@code If-Match}
 * version (412). The write is an optimistic one on the row's version: with {@code If-Match} a
 * concurrent change is a 412, without it the update is applied again to the fresh row.
 */
@Service
public class EnvironmentUpdater {

  private static final int MAX_OPTIMISTIC_RETRIES = 5;

  private final EnvironmentRepository environments;
  private final ExpiryRules expiryRules;
  private final TransactionTemplate transaction;
  private final Clock clock;

  EnvironmentUpdater(
      EnvironmentRepository environments, ExpiryRules expiryRules, TransactionTemplate transaction, Clock clock) {
    this.environments = environments;
    this.expiryRules = expiryRules;
    this.transaction = transaction;
    this.clock = clock;
  }

  /**
   * Applies the command.
   *
   * @param expectedVersion the {@code If-Match} version, or {@code null} when the client sent none
   * @return the environment after the update (unchanged, same version, when nothing differed)
   */
  public Environment update(UUID id, UpdateEnvironmentCommand command, Long expectedVersion, Caller caller) {
    if (command.ttl().given()) {
      expiryRules.checkTtl(command.ttl().value());
    }
    if (command.idleTimeout().given()) {
      expiryRules.checkIdleTimeout(command.idleTimeout().value());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return transaction.execute(status -> apply(id, command, expectedVersion, caller));
      } catch (ObjectOptimisticLockingFailureException e) {
        if (expectedVersion != null) {
          throw new PreconditionFailedException(id, expectedVersion);
        }
        if (attempt >= MAX_OPTIMISTIC_RETRIES) {
          throw e;
        }
      }
    }
  }

  private Environment apply(UUID id, UpdateEnvironmentCommand command, Long expectedVersion, Caller caller) {
    Environment environment =
        environments.findById(id)
            .filter(row -> caller.canAccess(row.getTenant()))
            .orElseThrow(() -> new EnvironmentNotFoundException(id));
    if (environment.getStatus() != EnvironmentStatus.READY) {
      throw new EnvironmentDestroyedException(id, environment.getStatus());
    }
    if (expectedVersion != null && environment.getVersion() != expectedVersion) {
      throw new PreconditionFailedException(id, expectedVersion, environment.getVersion());
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    boolean changed = false;
    Instant expiresAt = command.ttl().given() ? deadline(now, command.ttl().value()) : environment.getExpiresAt();
    Duration idleTimeout = valueOr(command.idleTimeout(), environment.getIdleTimeout());
    if (!Objects.equals(expiresAt, environment.getExpiresAt()) || !Objects.equals(idleTimeout, environment.getIdleTimeout())) {
      environment.changeExpiry(expiresAt, idleTimeout, now);
      changed = true;
    }
    Change<Map<String, String>> labels = command.labels();
    if (labels.given()) {
      Map<String, String> wanted = labels.value() == null ? Map.of() : labels.value();
      if (!wanted.equals(environment.getLabels())) {
        environment.changeLabels(wanted, now);
        changed = true;
      }
    }
    return changed ? environments.saveAndFlush(environment) : environment;
  }

  /** A TTL sent in a PATCH counts from the PATCH: "two more hours from now". */
  private static Instant deadline(Instant now, Duration ttl) {
    return ttl == null ? null : now.plus(ttl);
  }

  private static <T> T valueOr(Change<T> change, T current) {
    return change.given() ? change.value() : current;
  }
}
