package io.envkeeper.runtime.process;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JVM's reaper as a bean of this context, its meters and its health. */
@Configuration(proxyBeanMethods = false)
class ProcessCoreConfiguration {

  /** Not created here, only handed out: the context neither owns nor closes it ({@link ReaperLifecycle}). */
  @Bean(destroyMethod = "")
  ScopedReaper scopedReaper(MeterRegistry meters) {
    ScopedReaper reaper = ScopedReaper.ofThisJvm();
    counter(meters, reaper, "envkeeper.reaper.reaped", "Registered pids reaped", s -> s.reapedTotal());
    counter(meters, reaper, "envkeeper.reaper.vanished", "Registered pids that were no longer our children", s -> s.vanishedTotal());
    counter(meters, reaper, "envkeeper.reaper.adopted", "Adopted orphan zombies reaped", s -> s.adoptedTotal());
    counter(meters, reaper, "envkeeper.reaper.sweeps", "Reaper sweeps", s -> s.sweeps());
    counter(meters, reaper, "envkeeper.reaper.killed.reaped", "Killed descendants reaped the moment they died", s -> s.killedReapedTotal());
    counter(meters, reaper, "envkeeper.reaper.respawns", "Times the reaper loop was found dead and restarted", s -> s.respawns());
    gauge(meters, reaper, "envkeeper.reaper.registered", "Pids registered with the scoped reaper", s -> s.registered());
    gauge(meters, reaper, "envkeeper.reaper.zombies", "Unregistered zombie children waiting for the adoption grace", s -> s.zombies());
    gauge(meters, reaper, "envkeeper.reaper.worker.alive", "1 while the reaper loop runs", s -> s.workerAlive() ? 1 : 0);
    gauge(meters, reaper, "envkeeper.reaper.outputs", "Output pipes the reaper loop reads", s -> s.outputs());
    return reaper;
  }

  /**
   * Health component {@code reaper}: DOWN when its loop is dead or no sweep ran for 3 ticks while
   * pids are registered. Its details also say how workers are contained ({@code containment}:
   * {@code cgroup} or {@code process-group}) and which configured limits are not applied. It only
   * reads: a dead loop is restarted by the next spawn, never by a probe.
   */
  @Bean
  HealthIndicator reaperHealthIndicator(ScopedReaper reaper, WorkerContainment containment) {
    return reaperHealth(reaper, containment::details);
  }

  static HealthIndicator reaperHealth(ScopedReaper reaper, java.util.function.Supplier<java.util.Map<String, Object>> containment) {
    return () -> {
      ReaperStats stats = reaper.stats();
      return (stats.workerAlive() && !reaper.isStalled() ? Health.up() : Health.down())
          .withDetails(stats.details())
          .withDetails(containment.get())
          .build();
    };
  }

  private static void counter(MeterRegistry meters, ScopedReaper reaper, String name, String description,
      ToDoubleFunction<ReaperStats> value) {
    FunctionCounter.builder(name, reaper, r -> value.applyAsDouble(r.stats())).description(description).register(meters);
  }

  private static void gauge(MeterRegistry meters, ScopedReaper reaper, String name, String description,
      ToDoubleFunction<ReaperStats> value) {
    Gauge.builder(name, reaper, r -> value.applyAsDouble(r.stats())).description(description).register(meters);
  }
}
