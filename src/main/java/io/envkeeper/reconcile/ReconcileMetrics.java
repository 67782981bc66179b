package io.envkeeper.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * {@code envkeeper_reconcile_oldest_destroying_age_seconds}: how long the oldest DESTROYING
 * environment of this node has been destroying (0 when none), as the last successful pass saw it.
 * The age keeps growing between passes, so the "stuck DESTROYING" alert fires even when passes
 * stop.
 */
@Component
record ReconcileMetrics(ReconcileStatus status) implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    TimeGauge.builder("envkeeper.reconcile.oldest.destroying.age", status, TimeUnit.SECONDS, ReconcileMetrics::oldestAgeSeconds)
        .description("Age of the oldest DESTROYING environment of this node; 0 when there is none")
        .register(registry);
  }

  private static double oldestAgeSeconds(ReconcileStatus status) {
    Duration age = status.snapshot().oldestDestroyingAge();
    return age == null ? 0 : age.toMillis() / 1000.0;
  }
}
