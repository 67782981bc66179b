package io.envkeeper.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTests {

  @Test
  void completionAnswersWhetherTheFutureEndedInTime() {
    assertThat(Await.completion(CompletableFuture.completedFuture("done"), Duration.ZERO)).isTrue();
    assertThat(Await.completion(CompletableFuture.failedFuture(new IllegalStateException()), Duration.ZERO)).isTrue();
    assertThat(Await.completion(new CompletableFuture<>(), Duration.ofMillis(20))).isFalse();
  }

  @Test
  void untilPollsUntilTheConditionHoldsOrTheBoundPasses() {
    AtomicInteger checks = new AtomicInteger();
    assertThat(Await.until(() -> checks.incrementAndGet() >= 3, Duration.ofSeconds(5), Duration.ofMillis(1))).isTrue();
    assertThat(checks).hasValue(3);
    long started = System.nanoTime();
    assertThat(Await.until(() -> false, Duration.ofMillis(50), Duration.ofMillis(5))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(50), Duration.ofSeconds(2));
  }

  @Test
  void anInterruptEndsTheWaitAndIsKept() {
    Thread.currentThread().interrupt();
    try {
      assertThat(Await.until(() -> false, Duration.ofSeconds(10), Duration.ofMillis(5))).isFalse();
      assertThat(Await.completion(new CompletableFuture<>(), Duration.ofSeconds(10))).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
