package io.envkeeper.expiry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health component {@code expiry}: DOWN when an environment has stayed READY longer than
 * {@code overdue-tolerance} past its deadline (expiry is behind). Not part of readiness: a late
 * expiry is no reason to stop serving.
 */
@Component
class ExpiryHealthIndicator extends AbstractHealthIndicator {

  private final ExpiryStatus status;

  ExpiryHealthIndicator(ExpiryStatus status) {
    this.status = status;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ExpiryStatus.Snapshot snapshot = status.snapshot();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lastPassAt", snapshot.lastPassAt());
    details.put("overdue", snapshot.overdue());
    details.put("oldestOverdueAge", snapshot.oldestOverdueAge());
    details.put("overdueTolerance", snapshot.overdueTolerance());
    (snapshot.keepsUp() ? builder.up() : builder.down()).withDetails(details);
  }
}
