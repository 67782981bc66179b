package io.envkeeper.ops;

import io.envkeeper.worker.WorkerRepository;
import io.envkeeper.worker.WorkerStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** {@code envkeeper_workers{status}}: worker rows per status. */
@Component
class WorkerStatusMetrics implements MeterBinder {

  private final StatusGauges<WorkerStatus> gauges;

  WorkerStatusMetrics(WorkerRepository workers) {
    this.gauges = new StatusGauges<>(WorkerStatus.class, workers::countByStatus);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauges.register(registry, "envkeeper.workers", "Workers by status");
  }
}
