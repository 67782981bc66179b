package io.envkeeper.worker;

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
 * {@code envkeeper_workers{status}}: worker rows per status. One grouped query, reused for a few
 * seconds, so a scrape costs one query and a database outage never fails a scrape.
 */
@Component
class WorkerStatusMetrics implements MeterBinder {

  private static final Logger log = LoggerFactory.getLogger(WorkerStatusMetrics.class);
  private static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final WorkerRepository workers;
  private Map<WorkerStatus, Long> counts = new EnumMap<>(WorkerStatus.class);
  private long countedAtNanos;

  WorkerStatusMetrics(WorkerRepository workers) {
    this.workers = workers;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (WorkerStatus status : WorkerStatus.values()) {
      Gauge.builder("envkeeper.workers", this, metrics -> metrics.count(status))
          .description("Workers by status")
          .tag("status", status.name())
          .register(registry);
    }
  }

  private synchronized double count(WorkerStatus status) {
    if (counts.isEmpty() || System.nanoTime() - countedAtNanos > MAX_AGE.toNanos()) {
      try {
        Map<WorkerStatus, Long> fresh = new EnumMap<>(WorkerStatus.class);
        for (Object[] row : workers.countByStatus()) {
          fresh.put((WorkerStatus) row[0], (Long) row[1]);
        }
        counts = fresh;
        countedAtNanos = System.nanoTime();
      } catch (RuntimeException e) {
        log.debug("worker counts not refreshed: {}", e.toString());
      }
    }
    return counts.getOrDefault(status, 0L);
  }
}
