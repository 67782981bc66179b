package io.envkeeper.expiry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * {@code envkeeper_expiry_overdue}: environments of this node still READY past their deadline, as
 * the last pass saw them; {@code envkeeper_expiry_oldest_overdue_age_seconds}: how long the oldest
 * of them has been due (0 when none). Expiries carried out are counted by {@link ExpiryPass}.
 */
@Component
record ExpiryMetrics(ExpiryStatus status) implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("envkeeper.expiry.overdue", status, s -> s.snapshot().overdue())
        .description("Environments of this node still READY past their expiry deadline")
        .register(registry);
    TimeGauge.builder("envkeeper.expiry.oldest.overdue.age", status, TimeUnit.SECONDS,
            s -> s.snapshot().oldestOverdueAge().toMillis() / 1000.0)
        .description("How long the oldest overdue environment of this node has been due; 0 when none")
        .register(registry);
  }
}
