package io.envkeeper.reconcile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Health component {@code reconciler}: DOWN when no pass succeeded for 5 intervals. */
@Component
class ReconcilerHealthIndicator extends AbstractHealthIndicator {

  private final ReconcileStatus status;

  ReconcilerHealthIndicator(ReconcileStatus status) {
    this.status = status;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ReconcileStatus.Snapshot snapshot = status.snapshot();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lastPassAt", snapshot.lastPassAt());
    details.put("lastSuccessfulPassAt", snapshot.lastSuccessfulPassAt());
    details.put("consecutiveFailures", snapshot.consecutiveFailures());
    details.put("destroyingCount", snapshot.destroyingCount());
    details.put("oldestDestroyingAge", snapshot.oldestDestroyingAge());
    // false while passes are skipped because the database cannot be read (they back off meanwhile)
    details.put("databaseReachable", snapshot.databaseReachable());
    (status.isHealthy() ? builder.up() : builder.down()).withDetails(details);
  }
}
