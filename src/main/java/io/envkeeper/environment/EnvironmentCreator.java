package io.envkeeper.environment;

import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.security.Caller;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Creates environments: the expiry rules first, then an Idempotency-Key replay ({@link
 * CreateReplays}) or the row in one transaction ({@link EnvironmentInsert}, which resolves the
 * path), then the runtime, started once the row is committed.
 */
@Service
public class EnvironmentCreator {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentCreator.class);

  private final ExpiryRules expiryRules;
  private final CreateReplays replays;
  private final EnvironmentInsert rows;
  private final RuntimeManager runtimes;

  EnvironmentCreator(ExpiryRules expiryRules, CreateReplays replays, EnvironmentInsert rows, RuntimeManager runtimes) {
    this.expiryRules = expiryRules;
    this.replays = replays;
    this.rows = rows;
    this.runtimes = runtimes;
  }

  /**
   * Creates an environment owned by the caller's tenant, or replays the first result of an earlier
   * create of the same tenant with the same key.
   */
  public CreatedEnvironment create(CreateEnvironmentCommand command, String idempotencyKey, Caller caller) {
    String tenant = caller.tenant();
    // Before anything else: a refused ttl or idleTimeout creates nothing and replays nothing.
    Duration ttl = expiryRules.ttlForCreate(command.ttl());
    Duration idleTimeout = expiryRules.idleTimeoutForCreate(command.idleTimeout());
    String requestHash = CreateReplays.requestHash(command);
    IdempotencyRecord.Key key = idempotencyKey == null ? null : new IdempotencyRecord.Key(tenant, idempotencyKey);
    if (key != null) {
      Optional<Environment> earlier = replays.replay(key, requestHash);
      if (earlier.isPresent()) {
        return new CreatedEnvironment(earlier.get(), true);
      }
    }
    try {
      Environment created = rows.insert(tenant, command, ttl, idleTimeout, key, requestHash);
      log.info("environment {}: created at {} for tenant {} (managed: {})",
          created.getId(), created.getPath(), tenant, created.isManaged());
      startRuntime(created);
      return new CreatedEnvironment(created, false);
    } catch (DataIntegrityViolationException e) {
      if (key != null && ConstraintViolations.violates(e, ConstraintViolations.IDEMPOTENCY_KEY_PRIMARY_KEY)) {
        // A concurrent request with the same key won the race: answer with its result.
        return replays.replay(key, requestHash)
            .map(environment -> new CreatedEnvironment(environment, true))
            .orElseThrow(() -> e);
      }
      throw e;
    }
  }

  /**
   * The watcher runs before the create is answered. Committed first: a runtime only ever exists for
   * a row the database already holds. If it cannot start now, the reconciler starts it.
   */
  private void startRuntime(Environment created) {
    try {
      runtimes.ensure(created.getId());
    } catch (RuntimeException e) {
      log.warn("environment {}: runtime not started at create ({}); the reconciler will start it",
          created.getId(), e.toString());
    }
  }
}
