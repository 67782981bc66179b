package io.envkeeper.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileMetricsTests {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final ReconcileStatus status =
      new ReconcileStatus(clock, new ReconcileProperties(Duration.ofSeconds(5), 0.2, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30)));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void oldestDestroyingAgeIsZeroWithoutDestroyingEnvironments() {
    new ReconcileMetrics(status).bindTo(registry);
    status.record(new ReconcileOutcome(true, Map.of(), 0, 0, null, Duration.ZERO));
    assertThat(age()).isZero();
  }

  @Test
  void oldestDestroyingAgeGrowsEvenWhenNoPassRunsAnyMore() {
    new ReconcileMetrics(status).bindTo(registry);
    status.record(new ReconcileOutcome(true, Map.of(), 0, 2, NOW.minusSeconds(90), Duration.ZERO));
    assertThat(age()).isEqualTo(90.0);
    clock.advance(Duration.ofMinutes(30));
    assertThat(age()).isEqualTo(1890.0);
  }

  private double age() {
    return registry.get("envkeeper.reconcile.oldest.destroying.age").timeGauge().value();
  }

  private static final class MutableClock extends Clock {

    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
