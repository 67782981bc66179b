package io.envkeeper.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpiryPropertiesTests {

  private static final Duration WARNING = Duration.ofMinutes(5);
  private static final Duration FLUSH = Duration.ofSeconds(5);
  private static final Duration TOLERANCE = Duration.ofMinutes(1);

  @Test
  void noneByDefault() {
    ExpiryProperties properties = new ExpiryProperties(null, null, null, null, WARNING, FLUSH, TOLERANCE);

    assertThat(properties.effectiveDefaultTtl()).isNull();
    assertThat(properties.effectiveDefaultIdleTimeout()).isNull();
  }

  @Test
  void aCapWithoutADefaultAppliesToEveryEnvironment() {
    ExpiryProperties properties =
        new ExpiryProperties(null, null, Duration.ofHours(8), Duration.ofHours(1), WARNING, FLUSH, TOLERANCE);

    assertThat(properties.effectiveDefaultTtl()).isEqualTo(Duration.ofHours(8));
    assertThat(properties.effectiveDefaultIdleTimeout()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aDefaultAboveItsCapIsRefusedAtStartUpWithBothNames() {
    assertThatThrownBy(() -> new ExpiryProperties(
            Duration.ofHours(9), null, Duration.ofHours(8), null, WARNING, FLUSH, TOLERANCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default-ttl")
        .hasMessageContaining("max-ttl");
    assertThatThrownBy(() -> new ExpiryProperties(
            null, Duration.ofHours(2), null, Duration.ofHours(1), WARNING, FLUSH, TOLERANCE))
        .hasMessageContaining("default-idle-timeout");
  }

  @Test
  void zeroNegativeAndFractionalDurationsAreRefused() {
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMinutes(-1), Duration.ofMillis(1500)}) {
      assertThatThrownBy(() -> new ExpiryProperties(bad, null, null, null, WARNING, FLUSH, TOLERANCE))
          .hasMessageContaining("positive whole number of seconds");
    }
    assertThatThrownBy(() -> new ExpiryProperties(null, null, null, null, WARNING.negated(), FLUSH, TOLERANCE))
        .hasMessageContaining("expiry-warning");
  }
}
