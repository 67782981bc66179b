package io.envkeeper.environment;

import io.envkeeper.security.Caller;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Reads environments. Reads touch the database (or the tombstone cache) only, never a runtime. Not
 * transactional as a whole: a tombstone found in the cache needs no connection at all.
 */
@Service
public class EnvironmentQueries {

  private static final UUID NO_ID = new UUID(0, 0);

  private final EnvironmentRepository environments;
  private final TombstoneCache tombstones;
  private final ReadyEnvironmentCache readyRows;

  EnvironmentQueries(EnvironmentRepository environments, TombstoneCache tombstones, ReadyEnvironmentCache readyRows) {
    this.environments = environments;
    this.tombstones = tombstones;
    this.readyRows = readyRows;
  }

  /**
   * A status poll: like {@link #get}, but a READY row of this node comes from memory while it is
   * known unchanged ({@link ReadyEnvironmentCache} says how that is known), as a DESTROYED one
   * does. Only for answering the poll: decisions (410, routing, teardown) read the database.
   */
  public Environment poll(UUID id, Caller caller) {
    return tombstones.find(id)
        .or(() -> readyRows.find(id))
        .or(() -> {
          long readAt = readyRows.generation();
          return environments.findById(id).map(tombstones::remember).map(row -> readyRows.remember(row, readAt));
        })
        .filter(environment -> caller.canAccess(environment.getTenant()))
        .orElseThrow(() -> new EnvironmentNotFoundException(id));
  }

  /**
   * The environment in whatever status it is. Another tenant's environment is "not found", exactly
   * like an id that does not exist: its existence is not revealed.
   */
  public Environment get(UUID id, Caller caller) {
    return tombstones.find(id)
        .or(() -> environments.findById(id).map(tombstones::remember))
        .filter(environment -> caller.canAccess(environment.getTenant()))
        .orElseThrow(() -> new EnvironmentNotFoundException(id));
  }

  /** The environment, refusing any that is not READY (after the tenant check: 404 before 410). */
  public Environment getReady(UUID id, Caller caller) {
    Environment environment = get(id, caller);
    if (environment.getStatus() != EnvironmentStatus.READY) {
      throw new EnvironmentDestroyedException(id, environment.getStatus());
    }
    return environment;
  }

  /** One page in (createdAt, id) order: the caller's tenant's environments, or all for an admin. */
  public EnvironmentPage list(EnvironmentQuery query, Caller caller) {
    PageCursor after = query.after();
    String status = query.status() == null ? null : query.status().name();
    String labels = LabelsConverter.toJson(query.labels());
    Instant cursorAt = after == null ? Instant.EPOCH : after.createdAt();
    UUID cursorId = after == null ? NO_ID : after.id();
    List<Environment> rows =
        caller.isAdmin()
            ? environments.findPage(status, labels, after != null, cursorAt, cursorId, query.limit() + 1)
            : environments.findTenantPage(
                caller.tenant(), status, labels, after != null, cursorAt, cursorId, query.limit() + 1);
    if (rows.size() <= query.limit()) {
      return new EnvironmentPage(rows, null);
    }
    List<Environment> page = rows.subList(0, query.limit());
    return new EnvironmentPage(page, PageCursor.after(page.get(page.size() - 1)));
  }
}
