package io.envkeeper.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One lock per environment: unrelated environments never wait for each other. */
class EnvironmentLocksTests {

  private final EnvironmentLocks locks = new EnvironmentLocks(Duration.ofSeconds(10));
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void aLockHeldOnOneEnvironmentNeverDelaysAnotherEvenWithTheSameHash() throws Exception {
    UUID a = UUID.randomUUID();
    // Same hashCode: the high and low halves are flipped by the same bits.
    UUID b = new UUID(a.getMostSignificantBits() ^ 0x5a5a5a5aL, a.getLeastSignificantBits() ^ 0x5a5a5a5aL);
    assertThat(b.hashCode()).isEqualTo(a.hashCode());
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> holder = threads.submit(() -> locks.withLock(a, () -> {
      held.countDown();
      return await(release);
    }));
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

    long started = System.nanoTime();
    String result = locks.withLock(b, Duration.ofMillis(200), () -> "b ran");

    assertThat(result).isEqualTo("b ran");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
    release.countDown();
    holder.get(5, TimeUnit.SECONDS);
  }

  @Test
  void theSameEnvironmentStillWaitsAndGivesUpAtTheDeadline() throws Exception {
    UUID id = UUID.randomUUID();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> holder = threads.submit(() -> locks.withLock(id, () -> {
      held.countDown();
      return await(release);
    }));
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> locks.withLock(id, Duration.ofMillis(100), () -> "never"))
        .isInstanceOf(EnvironmentLocks.EnvironmentBusyException.class);
    release.countDown();
    holder.get(5, TimeUnit.SECONDS);
    assertThat(locks.withLock(id, Duration.ofMillis(100), () -> "free again")).isEqualTo("free again");
  }

  @Test
  void locksAreMutuallyExclusiveUnderContentionAndForgottenOnceUnused() throws Exception {
    List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    AtomicInteger overlaps = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      workers.add(threads.submit(() -> {
        for (int i = 0; i < 2_000; i++) {
          int which = i % ids.size();
          locks.withLock(ids.get(which), () -> {
            if (inside[which].incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            inside[which].decrementAndGet();
            return null;
          });
        }
      }));
    }
    for (Future<?> worker : workers) {
      worker.get(60, TimeUnit.SECONDS);
    }

    assertThat(overlaps).hasValue(0);
    assertThat(locks.size()).as("no lock kept for an environment nobody holds").isZero();
  }

  @Test
  void reentrantUseByTheHolderDoesNotWait() {
    UUID id = UUID.randomUUID();
    String inner = locks.withLock(id, () -> locks.withLock(id, Duration.ofMillis(50), () -> "nested"));
    assertThat(inner).isEqualTo("nested");
    assertThat(locks.size()).isZero();
  }

  private static String await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "a ran";
  }
}
