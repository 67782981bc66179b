package io.envkeeper.environment;

import io.envkeeper.config.LimitsProperties;
import io.envkeeper.config.NodeProperties;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.security.Caller;
import io.envkeeper.workspace.ManagedWorkspaces;
import io.envkeeper.workspace.WorkspacePathPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates environments: path policy, the per-tenant limit, the row (and its Idempotency-Key) in one
 * transaction, and for a managed workspace the directory, made inside that transaction so a READY
 * row never exists without its directory. A failed commit removes the directory again.
 */
@Service
public class EnvironmentCreator {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentCreator.class);

  private final EnvironmentRepository environments;
  private final IdempotencyRecordRepository idempotencyRecords;
  private final WorkspacePathPolicy pathPolicy;
  private final ManagedWorkspaces managedWorkspaces;
  private final TransactionTemplate transaction;
  private final NodeProperties node;
  private final LimitsProperties limits;
  private final Clock clock;
  private final RuntimeManager runtimes;
  private final Ownership ownership;
  private final ExpiryRules expiryRules;

  EnvironmentCreator(
      EnvironmentRepository environments,
      IdempotencyRecordRepository idempotencyRecords,
      WorkspacePathPolicy pathPolicy,
      ManagedWorkspaces managedWorkspaces,
      TransactionTemplate transaction,
      NodeProperties node,
      LimitsProperties limits,
      Clock clock,
      RuntimeManager runtimes,
      Ownership ownership,
      ExpiryRules expiryRules) {
    this.environments = environments;
    this.idempotencyRecords = idempotencyRecords;
    this.pathPolicy = pathPolicy;
    this.managedWorkspaces = managedWorkspaces;
    this.transaction = transaction;
    this.node = node;
    this.limits = limits;
    this.clock = clock;
    this.runtimes = runtimes;
    this.ownership = ownership;
    this.expiryRules = expiryRules;
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
    String requestHash = sha256(command.canonicalJson());
    IdempotencyRecord.Key key = idempotencyKey == null ? null : new IdempotencyRecord.Key(tenant, idempotencyKey);
    if (key != null) {
      Optional<Environment> earlier = replay(key, requestHash);
      if (earlier.isPresent()) {
        return new CreatedEnvironment(earlier.get(), true);
      }
    }
    Path clientPath = command.path() == null ? null : pathPolicy.resolve(command.path());
    try {
      Environment created = insert(tenant, command, ttl, idleTimeout, clientPath, key, requestHash);
      log.info("environment {}: created at {} for tenant {} (managed: {})",
          created.getId(), created.getPath(), tenant, created.isManaged());
      startRuntime(created);
      return new CreatedEnvironment(created, false);
    } catch (DataIntegrityViolationException e) {
      if (key != null && ConstraintViolations.violates(e, ConstraintViolations.IDEMPOTENCY_KEY_PRIMARY_KEY)) {
        // A concurrent request with the same key won the race: answer with its result.
        return replay(key, requestHash)
            .map(environment -> new CreatedEnvironment(environment, true))
            .orElseThrow(() -> e);
      }
      if (ConstraintViolations.violates(e, ConstraintViolations.LIVE_PATH_UNIQUE)) {
        throw new PathInUseException(String.valueOf(clientPath));
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

  private Optional<Environment> replay(IdempotencyRecord.Key key, String requestHash) {
    return idempotencyRecords
        .findById(key)
        .map(
            record -> {
              if (!record.getRequestHash().equals(requestHash)) {
                throw new IdempotencyKeyReusedException();
              }
              return environments
                  .findById(record.getEnvironmentId())
                  .orElseThrow(() -> new EnvironmentNotFoundException(record.getEnvironmentId()));
            });
  }

  private Environment insert(
      String tenant, CreateEnvironmentCommand command, Duration ttl, Duration idleTimeout, Path clientPath,
      IdempotencyRecord.Key key, String requestHash) {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    boolean managed = clientPath == null;
    Path[] createdDirectory = new Path[1];
    try {
      return transaction.execute(
          status -> {
            ownership.fence(); // the row names this node as owner: only a lease holder may write it
            checkTenantLimit(tenant);
            if (!managed) {
              checkNotNested(clientPath);
            }
            if (!managed) {
              // Last look before the row commits: a component swapped for a symlink since the
              // policy checked it is refused, not recorded.
              pathPolicy.recheck(clientPath);
            }
            Path path = managed ? managedWorkspaces.create(id) : clientPath;
            createdDirectory[0] = managed ? path : null;
            Environment environment =
                new Environment(
                    id, tenant, command.name(), path.toString(), managed, command.labels(), node.id(), now);
            if (ttl != null || idleTimeout != null) {
              environment.changeExpiry(ttl == null ? null : now.plus(ttl), idleTimeout, now);
            }
            environments.saveAndFlush(environment);
            if (key != null) {
              idempotencyRecords.saveAndFlush(new IdempotencyRecord(key, requestHash, id, now));
            }
            return environment;
          });
    } catch (RuntimeException e) {
      removeQuietly(id, createdDirectory[0]);
      throw e;
    }
  }

  /**
   * No live workspace, of any tenant, may be this path, lie inside it or contain it. Checked under
   * the client-path lock, in a statement that starts after the lock is held: a concurrent create on
   * a nested path has then either committed (and is seen) or waits for this one.
   */
  private void checkNotNested(Path clientPath) {
    environments.lockClientPaths();
    List<String> selfAndAncestors = new ArrayList<>();
    for (Path path = clientPath; path != null; path = path.getParent()) {
      selfAndAncestors.add(path.toString());
    }
    if (environments.existsLiveNestedWith(selfAndAncestors, clientPath + "/")) {
      throw new PathInUseException(clientPath.toString());
    }
  }

  /** Under the tenant's lock, so two concurrent creates cannot both take the last place. */
  private void checkTenantLimit(String tenant) {
    environments.lockTenant(tenant);
    if (environments.countLiveOfTenant(tenant) >= limits.maxEnvironmentsPerTenant()) {
      throw new EnvironmentLimitReachedException(limits.maxEnvironmentsPerTenant());
    }
  }

  private void removeQuietly(UUID id, Path directory) {
    if (directory == null) {
      return;
    }
    try {
      managedWorkspaces.delete(directory);
    } catch (IOException | RuntimeException e) {
      log.warn("environment {}: could not remove workspace {} of a failed create", id, directory, e);
    }
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
