package io.envkeeper.ops;

import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.worker.WorkerRepository;
import io.envkeeper.worker.WorkerStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** {@code envkeeper_environments{status}} and {@code envkeeper_workers{status}}: rows per status. */
@Component
class StatusMetrics implements MeterBinder {

  private final StatusGauges<EnvironmentStatus> environments;
  private final StatusGauges<WorkerStatus> workers;

  StatusMetrics(EnvironmentRepository environments, WorkerRepository workers) {
    this.environments = new StatusGauges<>(EnvironmentStatus.class, environments::countByStatus);
    this.workers = new StatusGauges<>(WorkerStatus.class, workers::countByStatus);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    environments.register(registry, "envkeeper.environments", "Environments by status");
    workers.register(registry, "envkeeper.workers", "Workers by status");
  }
}
