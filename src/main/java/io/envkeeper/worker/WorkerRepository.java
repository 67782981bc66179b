package io.envkeeper.worker;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Worker rows; kept after the worker ends. */
public interface WorkerRepository extends JpaRepository<Worker, UUID> {

  /** Rows per status, as {@code [WorkerStatus, Long]} pairs. */
  @Query("SELECT w.status, COUNT(w) FROM Worker w GROUP BY w.status")
  List<Object[]> countByStatus();

  /** Workers of a tenant's environments that may still run (RUNNING, BACKOFF or STOPPING). */
  @Query(
      nativeQuery = true,
      value = "SELECT count(*) FROM worker w JOIN environment e ON e.id = w.environment_id"
          + " WHERE e.tenant = :tenant AND w.status IN ('RUNNING', 'BACKOFF', 'STOPPING')")
  long countLiveOfTenant(@Param("tenant") String tenant);

  /**
   * Serialises worker starts of one tenant until the end of the current transaction, so two
   * concurrent starts cannot both take the tenant's last place.
   */
  @Query(
      nativeQuery = true,
      value = "SELECT count(*) FROM pg_advisory_xact_lock(hashtext('envkeeper.worker.tenant:' || :tenant))")
  long lockTenant(@Param("tenant") String tenant);

  List<Worker> findByEnvironmentIdOrderByStartedAtAscIdAsc(UUID environmentId);

  Optional<Worker> findByIdAndEnvironmentId(UUID id, UUID environmentId);

  /**
   * Rows of this node that may still run (or were waiting to restart) and were started before
   * {@code before} (by an earlier run of the service: this run's own workers all have live handles).
   */
  @Query(
      "SELECT w FROM Worker w WHERE w.node = :node AND w.startedAt < :before"
          + " AND w.status IN (io.envkeeper.worker.WorkerStatus.RUNNING, io.envkeeper.worker.WorkerStatus.BACKOFF,"
          + " io.envkeeper.worker.WorkerStatus.STOPPING)"
          + " ORDER BY w.startedAt")
  List<Worker> findUnfinishedStartedBefore(@Param("node") String node, @Param("before") Instant before);
}
