package io.envkeeper.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTests {

  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    assertThat(backoff.delay(0)).isZero();
    assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delay(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aCapBelowTheInitialDelayWins() {
    assertThat(new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(30)).delay(1)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void jitterStaysWithinItsSpread() {
    for (int i = 0; i < 1000; i++) {
      assertThat(Backoff.jittered(Duration.ofSeconds(10), 0.1)).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
    }
  }
}
