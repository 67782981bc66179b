package io.envkeeper.environment;

import io.envkeeper.config.LimitsProperties;
import io.envkeeper.config.NodeProperties;
import io.envkeeper.workspace.ManagedWorkspaces;
import io.envkeeper.workspace.WorkspacePathPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transaction of a create: the per-tenant limit and, for a client path, the nesting check under
 * their locks, the row and its Idempotency-Key record, and for a managed workspace the directory,
 * made inside that transaction so a READY row never exists without its directory. A failed commit
 * removes the directory again.
 */
@Component
record EnvironmentInsert(
    EnvironmentRepository environments, IdempotencyRecordRepository idempotencyRecords, WorkspacePathPolicy pathPolicy,
    ManagedWorkspaces managedWorkspaces, TransactionTemplate transaction, NodeProperties node, LimitsProperties limits,
    Clock clock, Ownership ownership) {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentInsert.class);

  /**
   * Inserts the row (and the key's record) in one transaction, in the workspace the command names
   * (resolved by the path policy) or a managed one; the caller checked ttl and idle timeout. A
   * live environment already on that path (a concurrent create's commit) is {@link PathInUseException}.
   */
  Environment insert(
      String tenant, CreateEnvironmentCommand command, Duration ttl, Duration idleTimeout,
      IdempotencyRecord.Key key, String requestHash) {
    Path clientPath = command.path() == null ? null : pathPolicy.resolve(command.path());
    try {
      return write(tenant, command, ttl, idleTimeout, clientPath, key, requestHash);
    } catch (DataIntegrityViolationException e) {
      if (ConstraintViolations.violates(e, ConstraintViolations.LIVE_PATH_UNIQUE)) {
        throw new PathInUseException(String.valueOf(clientPath));
      }
      throw e;
    }
  }

  private Environment write(
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
}
