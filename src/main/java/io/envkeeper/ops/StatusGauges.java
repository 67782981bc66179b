package io.envkeeper.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gauge per status value (tag {@code status}), fed by one grouped count query reused for a few
 * seconds: a scrape costs one query, not one per status, and a database outage never fails a
 * scrape (the last figures stay).
 *
 * @param <S> the status enum
 */
final class StatusGauges<S extends Enum<S>> {

  private static final Logger log = LoggerFactory.getLogger(StatusGauges.class);
  private static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final Class<S> statusType;
  private final Supplier<List<Object[]>> countByStatus;
  private Map<S, Long> counts;
  private long countedAtNanos;

  /** {@code countByStatus} returns {@code [status, count]} pairs. */
  StatusGauges(Class<S> statusType, Supplier<List<Object[]>> countByStatus) {
    this.statusType = statusType;
    this.countByStatus = countByStatus;
    this.counts = new EnumMap<>(statusType);
  }

  void register(MeterRegistry registry, String name, String description) {
    for (S status : statusType.getEnumConstants()) {
      Gauge.builder(name, this, gauges -> gauges.count(status))
          .description(description)
          .tag("status", status.name())
          .register(registry);
    }
  }

  private synchronized double count(S status) {
    if (counts.isEmpty() || System.nanoTime() - countedAtNanos > MAX_AGE.toNanos()) {
      refresh();
    }
    return counts.getOrDefault(status, 0L);
  }

  private void refresh() {
    try {
      Map<S, Long> fresh = new EnumMap<>(statusType);
      for (Object[] row : countByStatus.get()) {
        fresh.put(statusType.cast(row[0]), (Long) row[1]);
      }
      counts = fresh;
      countedAtNanos = System.nanoTime();
    } catch (RuntimeException e) {
      log.debug("{} counts not refreshed: {}", statusType.getSimpleName(), e.toString());
    }
  }
}
