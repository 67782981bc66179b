package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvironmentStatusTests {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<Arguments> everyPair() {
    return Stream.of(EnvironmentStatus.values())
        .flatMap(from -> Stream.of(EnvironmentStatus.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void onlyForwardMovesAreAllowed(EnvironmentStatus from, EnvironmentStatus to) {
    boolean forward =
        (from == EnvironmentStatus.READY && to == EnvironmentStatus.DESTROYING)
            || (from == EnvironmentStatus.DESTROYING && to == EnvironmentStatus.DESTROYED);
    assertThat(from.canMoveTo(to)).isEqualTo(forward);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void entityRefusesEveryIllegalMove(EnvironmentStatus from, EnvironmentStatus to) {
    Environment environment = environmentIn(from);
    Runnable move =
        switch (to) {
          case READY -> null; // there is no method that moves to READY at all
          case DESTROYING -> () -> environment.beginDestroy(NOW, DestroyReason.CLIENT);
          case DESTROYED -> () -> environment.markDestroyed(NOW);
        };
    if (move == null) {
      assertThat(Environment.class.getMethods()).noneMatch(m -> m.getName().startsWith("setStatus"));
      return;
    }
    if (from.canMoveTo(to)) {
      move.run();
      assertThat(environment.getStatus()).isEqualTo(to);
    } else {
      assertThatThrownBy(move::run).isInstanceOf(IllegalStatusTransitionException.class);
      assertThat(environment.getStatus()).isEqualTo(from);
    }
  }

  @ParameterizedTest(name = "failure recorded while {0}")
  @MethodSource("statuses")
  void teardownFailureIsRecordedOnlyWhileDestroying(EnvironmentStatus status) {
    Environment environment = environmentIn(status);
    if (status == EnvironmentStatus.DESTROYING) {
      environment.recordTeardownFailure("disk on fire", NOW);
      assertThat(environment.getStatus()).isEqualTo(EnvironmentStatus.DESTROYING);
      assertThat(environment.getDestroyAttempts()).isEqualTo(1);
      assertThat(environment.getLastError()).isEqualTo("disk on fire");
    } else {
      assertThatThrownBy(() -> environment.recordTeardownFailure("x", NOW))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  static Stream<EnvironmentStatus> statuses() {
    return Stream.of(EnvironmentStatus.values());
  }

  private static Environment environmentIn(EnvironmentStatus status) {
    Environment environment = new Environment(UUID.randomUUID(), "t", "e", "/w", true, Map.of(), "node", NOW);
    if (status != EnvironmentStatus.READY) {
      environment.beginDestroy(NOW, DestroyReason.CLIENT);
    }
    if (status == EnvironmentStatus.DESTROYED) {
      environment.markDestroyed(NOW);
    }
    return environment;
  }
}
