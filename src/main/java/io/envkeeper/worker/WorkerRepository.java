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

  List<Worker> findByEnvironmentIdOrderByStartedAtAscIdAsc(UUID environmentId);

  Optional<Worker> findByIdAndEnvironmentId(UUID id, UUID environmentId);

  /**
   * Rows of this node that may still run and were started before {@code before} (by an earlier
   * run of the service: this run's own workers all have live handles).
   */
  @Query(
      "SELECT w FROM Worker w WHERE w.node = :node AND w.startedAt < :before"
          + " AND w.status IN (io.envkeeper.worker.WorkerStatus.RUNNING, io.envkeeper.worker.WorkerStatus.STOPPING)"
          + " ORDER BY w.startedAt")
  List<Worker> findUnfinishedStartedBefore(@Param("node") String node, @Param("before") Instant before);
}
