package io.envkeeper.environment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Environment rows. Rows are never deleted: DESTROYED ones are tombstones. */
public interface EnvironmentRepository extends JpaRepository<Environment, UUID> {

  /**
   * One page in (createdAt, id) order after the cursor position. {@code labels} is a JSON object
   * every returned row's labels must contain ({@code {}} matches all).
   */
  @Query(
      nativeQuery = true,
      value =
          """
          SELECT * FROM environment e
          WHERE (CAST(:status AS text) IS NULL OR e.status = CAST(:status AS text))
            AND e.labels @> CAST(:labels AS jsonb)
            AND (NOT :afterCursor OR (e.created_at, e.id) > (:cursorAt, :cursorId))
          ORDER BY e.created_at, e.id
          LIMIT :limit
          """)
  List<Environment> findPage(
      @Param("status") String status,
      @Param("labels") String labelsJson,
      @Param("afterCursor") boolean afterCursor,
      @Param("cursorAt") Instant cursorAt,
      @Param("cursorId") UUID cursorId,
      @Param("limit") int limit);

  /** {@link #findPage} restricted to one tenant's rows (served by the tenant listing indexes). */
  @Query(
      nativeQuery = true,
      value =
          """
          SELECT * FROM environment e
          WHERE e.tenant = :tenant
            AND (CAST(:status AS text) IS NULL OR e.status = CAST(:status AS text))
            AND e.labels @> CAST(:labels AS jsonb)
            AND (NOT :afterCursor OR (e.created_at, e.id) > (:cursorAt, :cursorId))
          ORDER BY e.created_at, e.id
          LIMIT :limit
          """)
  List<Environment> findTenantPage(
      @Param("tenant") String tenant,
      @Param("status") String status,
      @Param("labels") String labelsJson,
      @Param("afterCursor") boolean afterCursor,
      @Param("cursorAt") Instant cursorAt,
      @Param("cursorId") UUID cursorId,
      @Param("limit") int limit);

  /**
   * The tenant's environments that are not tombstones. Asked as the two live statuses, so the
   * (tenant, status, ...) index reads live rows only, however many tombstones the tenant has.
   */
  @Query(
      nativeQuery = true,
      value = "SELECT count(*) FROM environment WHERE tenant = :tenant AND status IN ('READY', 'DESTROYING')")
  long countLiveOfTenant(@Param("tenant") String tenant);

  /**
   * Serialises creates of one tenant until the end of the current transaction (a transaction-scoped
   * advisory lock), so concurrent creates cannot both pass the per-tenant limit.
   */
  @Query(
      nativeQuery = true,
      value = "SELECT count(*) FROM pg_advisory_xact_lock(hashtext('envkeeper.environment.tenant:' || :tenant))")
  long lockTenant(@Param("tenant") String tenant);

  /**
   * Serialises creates on client paths until the end of the current transaction (one
   * transaction-scoped advisory lock for all of them, whatever their tenant or node), so that of two
   * concurrent creates on nested paths the second sees the first's committed row. The partial
   * unique index on {@code path} covers equal paths only; nesting has no index that could refuse it.
   */
  @Query(
      nativeQuery = true,
      value = "SELECT count(*) FROM pg_advisory_xact_lock(hashtext('envkeeper.environment.client-path'))")
  long lockClientPaths();

  /**
   * Whether an environment that is not a tombstone has its workspace at one of {@code paths} (the
   * path asked for and its ancestors) or anywhere under {@code prefix} (the path asked for plus a
   * slash). Managed workspaces count like any other.
   */
  @Query(
      nativeQuery = true,
      value =
          """
          SELECT EXISTS (
            SELECT 1 FROM environment
            WHERE status <> 'DESTROYED' AND (path IN (:paths) OR starts_with(path, :prefix)))
          """)
  boolean existsLiveNestedWith(@Param("paths") List<String> paths, @Param("prefix") String prefix);

  /**
   * This node's environments that are not tombstones. Served by the partial index on non-DESTROYED
   * rows, so its cost grows with live environments, not with the history of destroyed ones.
   */
  @Query(
      "SELECT e FROM Environment e WHERE e.node = :node"
          + " AND e.status <> io.envkeeper.environment.EnvironmentStatus.DESTROYED ORDER BY e.createdAt, e.id")
  List<Environment> findLiveOnNode(@Param("node") String node);

  /** Rows per status, as {@code [EnvironmentStatus, Long]} pairs. */
  @Query("SELECT e.status, COUNT(e) FROM Environment e GROUP BY e.status")
  List<Object[]> countByStatus();
}
