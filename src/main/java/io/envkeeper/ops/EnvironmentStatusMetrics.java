package io.envkeeper.ops;

import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.environment.EnvironmentStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code envkeeper_environments{status}}: rows per status. Counted by one grouped query, reused for
 * a few seconds so a scrape (one gauge per status) costs one query, not three.
 */
@Component
class EnvironmentStatusMetrics implements MeterBinder {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentStatusMetrics.class);
  private static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final EnvironmentRepository environments;
  private Map<EnvironmentStatus, Long> counts = new EnumMap<>(EnvironmentStatus.class);
  private long countedAtNanos;

  EnvironmentStatusMetrics(EnvironmentRepository environments) {
    this.environments = environments;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (EnvironmentStatus status : EnvironmentStatus.values()) {
      Gauge.builder("envkeeper.environments", this, metrics -> metrics.count(status))
          .description("Environments by status")
          .tag("status", status.name())
          .register(registry);
    }
  }

  private synchronized double count(EnvironmentStatus status) {
    if (counts.isEmpty() || System.nanoTime() - countedAtNanos > MAX_AGE.toNanos()) {
      refresh();
    }
    return counts.getOrDefault(status, 0L);
  }

  private void refresh() {
    try {
      Map<EnvironmentStatus, Long> fresh = new EnumMap<>(EnvironmentStatus.class);
      for (Object[] row : environments.countByStatus()) {
        fresh.put((EnvironmentStatus) row[0], (Long) row[1]);
      }
      counts = fresh;
      countedAtNanos = System.nanoTime();
    } catch (RuntimeException e) {
      // Keep the last figures: a scrape must not fail because the database is briefly away.
      log.debug("environment counts not refreshed: {}", e.toString());
    }
  }
}
