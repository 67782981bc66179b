package io.envkeeper.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.environment.DestroyReason;
import io.envkeeper.environment.Environment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeadlinesTests {

  private static final Instant START = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration WARNING = Duration.ofMinutes(5);

  @Test
  void theEarlierDeadlineWinsAndTtlIsNamedAtATie() {
    Environment environment = environment(START.plusSeconds(60), START.plus(Duration.ofHours(1)), Duration.ofMinutes(10));

    ExpiryOutlook idleFirst = outlook(environment, idle(START.plusSeconds(60)));
    assertThat(idleFirst.destroyAt()).isEqualTo(START.plus(Duration.ofMinutes(11)));
    assertThat(idleFirst.reason()).isEqualTo(DestroyReason.IDLE);

    ExpiryOutlook tie = outlook(environment, idle(START.plus(Duration.ofMinutes(50))));
    assertThat(tie.destroyAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(tie.reason()).isEqualTo(DestroyReason.TTL);
  }

  @Test
  void somethingKeepingItAliveStopsTheIdleClockButNotTheTtl() {
    Environment idleOnly = environment(START.plusSeconds(60), null, Duration.ofMinutes(10));
    ActivitySnapshot held = new ActivitySnapshot(START.plusSeconds(90), null, List.of("stream"));

    assertThat(outlook(idleOnly, held).destroyAt()).isNull();
    Environment both = environment(START.plusSeconds(60), START.plus(Duration.ofHours(1)), Duration.ofMinutes(10));
    assertThat(outlook(both, held).destroyAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(outlook(both, held).keptAliveBy()).containsExactly("stream");
  }

  @Test
  void aDeadlineFromBeforeTheStartIsAnnouncedBeforeItIsCarriedOut() {
    Environment missedWhileDown = environment(START.minus(Duration.ofHours(2)), START.minus(Duration.ofHours(1)), null);
    assertThat(outlook(missedWhileDown, idle(START)).destroyAt()).isEqualTo(START.plus(WARNING));

    Environment idleBeforeStart = environment(START.minus(Duration.ofHours(2)), null, Duration.ofMinutes(10));
    assertThat(outlook(idleBeforeStart, idle(START.minus(Duration.ofMinutes(9)))).destroyAt())
        .isEqualTo(START.plus(WARNING));
    assertThat(outlook(idleBeforeStart, idle(START.minus(Duration.ofMinutes(1)))).destroyAt())
        .isEqualTo(START.plus(Duration.ofMinutes(9)));
  }

  @Test
  void aDeadlineSetAfterTheStartIsKeptAsSet() {
    Environment setSinceStart = environment(START.plusSeconds(10), START.plusSeconds(70), null);

    assertThat(outlook(setSinceStart, idle(START.plusSeconds(10))).destroyAt()).isEqualTo(START.plusSeconds(70));
  }

  @Test
  void noTtlAndNoIdleTimeoutMeansNever() {
    ExpiryOutlook never = outlook(environment(START, null, null), idle(START));

    assertThat(never.destroyAt()).isNull();
    assertThat(never.reason()).isNull();
  }

  private static ExpiryOutlook outlook(Environment environment, ActivitySnapshot activity) {
    return Deadlines.outlook(environment, activity, START, WARNING);
  }

  private static ActivitySnapshot idle(Instant since) {
    return new ActivitySnapshot(since, since, List.of());
  }

  /** An environment whose expiry was last set at {@code setAt}. */
  private static Environment environment(Instant setAt, Instant expiresAt, Duration idleTimeout) {
    Environment environment = new Environment(UUID.randomUUID(), "t", "e", "/w", true, Map.of(), "node", setAt);
    environment.changeExpiry(expiresAt, idleTimeout, setAt);
    return environment;
  }
}
