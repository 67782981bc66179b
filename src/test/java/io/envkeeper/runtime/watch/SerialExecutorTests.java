package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One workspace's work in order, one task at a time, and never more than its turn of the pool. */
class SerialExecutorTests {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void tasksRunInSubmissionOrderOneAtATime() {
    SerialExecutor executor = new SerialExecutor(pool, "test");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();

    IntStream.range(0, 2000).forEach(i -> executor.execute(() -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      ran.add(i);
      running.decrementAndGet();
    }));

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2000);
    assertThat(ran).isEqualTo(IntStream.range(0, 2000).boxed().toList());
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  /** A storm in one workspace: its backlog yields the pool's thread to another workspace's task. */
  @Test
  void aBusyExecutorLetsAnotherOneRunBeforeItsBacklogIsDone() throws InterruptedException {
    ExecutorService onePool = Executors.newSingleThreadExecutor();
    try {
      SerialExecutor stormy = new SerialExecutor(onePool, "stormy");
      SerialExecutor quiet = new SerialExecutor(onePool, "quiet");
      AtomicInteger stormDone = new AtomicInteger();
      CountDownLatch stormStarted = new CountDownLatch(1);
      for (int i = 0; i < 1000; i++) {
        stormy.execute(() -> {
          stormStarted.countDown();
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
          while (System.nanoTime() < end) {
            Thread.onSpinWait(); // a slice of a walk: busy, not waiting
          }
          stormDone.incrementAndGet();
        });
      }
      assertThat(stormStarted.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicInteger stormDoneWhenQuietRan = new AtomicInteger(-1);

      quiet.execute(() -> stormDoneWhenQuietRan.set(stormDone.get()));

      await().atMost(Duration.ofSeconds(10)).until(() -> stormDoneWhenQuietRan.get() >= 0);
      assertThat(stormDoneWhenQuietRan.get()).isLessThan(1000);
      await().atMost(Duration.ofSeconds(30)).until(() -> stormDone.get() == 1000);
    } finally {
      onePool.shutdownNow();
      assertThat(onePool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aFailingTaskDoesNotStopTheTasksBehindIt() {
    SerialExecutor executor = new SerialExecutor(pool, "test");
    AtomicInteger after = new AtomicInteger();

    executor.execute(() -> {
      throw new StackOverflowError("a task that overflowed");
    });
    executor.execute(after::incrementAndGet);

    await().atMost(Duration.ofSeconds(10)).until(() -> after.get() == 1);
  }
}
