package io.envkeeper.ops;

import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.environment.EnvironmentStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** {@code envkeeper_environments{status}}: rows per status. */
@Component
class EnvironmentStatusMetrics implements MeterBinder {

  private final StatusGauges<EnvironmentStatus> gauges;

  EnvironmentStatusMetrics(EnvironmentRepository environments) {
    this.gauges = new StatusGauges<>(EnvironmentStatus.class, environments::countByStatus);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauges.register(registry, "envkeeper.environments", "Environments by status");
  }
}
