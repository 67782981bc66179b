package io.envkeeper.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reaper with real child processes: it takes exactly what it registered, promptly. */
class ScopedReaperTests {

  private final NativeProcesses natives = new NativeProcesses();
  private ScopedReaper reaper;
  private final List<Integer> spawned = new ArrayList<>();

  @BeforeEach
  void startReaper() {
    reaper = new ScopedReaper(
        natives, new ReaperProperties(Duration.ofSeconds(1), true, Duration.ofMillis(500)), new SimpleMeterRegistry());
  }

  @AfterEach
  void leaveNothingRunning() {
    for (int pid : spawned) {
      ProcStat.of(pid).filter(stat -> !stat.isZombie()).ifPresent(stat -> natives.posix().kill(pid, 9));
    }
    reaper.destroy();
  }

  @Test
  void exitCodesAndSignalsAreDecoded() {
    Map<Integer, ExitStatus> statuses = new ConcurrentHashMap<>();
    int exits3 = spawn("exit 3");
    int killed = spawn("kill -KILL $$");
    int terminated = spawn("kill -TERM $$");
    reaper.register(exits3, status -> statuses.put(exits3, status));
    reaper.register(killed, status -> statuses.put(killed, status));
    reaper.register(terminated, status -> statuses.put(terminated, status));

    await().atMost(Duration.ofSeconds(5)).until(() -> statuses.size() == 3);

    assertThat(statuses.get(exits3)).isEqualTo(new ExitStatus(3, null, false));
    assertThat(statuses.get(killed)).isEqualTo(new ExitStatus(null, 9, false));
    assertThat(statuses.get(terminated)).isEqualTo(new ExitStatus(null, 15, false));
    assertThat(ExitStatus.signalName(9)).isEqualTo("SIGKILL");
  }

  /** The scoped property: a ProcessBuilder child of the same JVM keeps its own exit code. */
  @Test
  void reaperNeverTakesAnUnregisteredChildOfTheJdk() throws Exception {
    Process jdkChild = new ProcessBuilder("sh", "-c", "sleep 0.5; exit 7").start();
    List<Integer> quick = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int pid = spawn("exit 0");
      quick.add(pid);
      reaper.register(pid, status -> { });
    }

    assertThat(jdkChild.waitFor()).isEqualTo(7);
    await().atMost(Duration.ofSeconds(5)).until(() -> quick.stream().noneMatch(reaper::isRegistered));
    assertThat(reaper.stats().vanishedTotal()).isZero();
  }

  @Test
  void thousandTwentyFourRegisteredPidsDrainWithoutZombies() {
    long reapedBefore = reaper.stats().reapedTotal();
    List<Integer> pids = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      int pid = spawn("exit 0");
      pids.add(pid);
      reaper.register(pid, status -> { });
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> reaper.stats().reapedTotal() - reapedBefore == 1024);

    assertThat(reaper.stats().registered()).isZero();
    assertThat(pids).noneMatch(pid -> ProcStat.of(pid).isPresent());
  }

  /**
   * The sweep thread blocks in poll(2) on native memory the kernel writes into: it must stay alive
   * through garbage collections meanwhile (once freed under load, it corrupted the heap).
   */
  @Test
  void reapingCarriesOnThroughGarbageCollections() throws Exception {
    long reapedBefore = reaper.stats().reapedTotal();
    java.util.concurrent.atomic.AtomicBoolean collecting = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread collector = new Thread(() -> {
      while (collecting.get()) {
        System.gc();
        // Paced, not flat out: a full GC every few ms still lands while the sweep thread sits in
        // poll, without starving the spawning thread of the suite's shared JVM for a minute.
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
      }
    });
    collector.start();
    try {
      for (int i = 0; i < 300; i++) {
        try (ScopedReaper.PendingSpawn pending = ScopedReaper.spawning()) {
          int pid = spawn("exit 0");
          reaper.register(pid, status -> { });
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> reaper.stats().reapedTotal() - reapedBefore == 300);
    } finally {
      collecting.set(false);
      collector.join();
    }
    assertThat(reaper.stats().workerAlive()).isTrue();
  }

  /**
   * A child that exits before its spawner registers it is an unclaimed zombie meanwhile: however long
   * the spawner is held up (here well past the adoption grace), no reaper of this JVM adopts it, and
   * its exit status reaches the registration.
   */
  @Test
  void aSpawnNotYetRegisteredIsNeverAdopted() {
    ExitStatus[] seen = new ExitStatus[1];
    int pid;
    try (ScopedReaper.PendingSpawn pending = ScopedReaper.spawning()) {
      pid = spawn("exit 5");
      await().atMost(Duration.ofSeconds(5)).until(() -> ProcStat.of(pid).map(ProcStat::isZombie).orElse(false));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> ProcStat.of(pid).isPresent());
      reaper.register(pid, status -> seen[0] = status);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> seen[0] != null);
    assertThat(seen[0]).isEqualTo(new ExitStatus(5, null, false));
  }

  @Test
  void deadSweepThreadIsRespawnedAndReapsAgain() {
    Thread sweeper = reaper.sweeperThread();
    sweeper.interrupt();
    await().atMost(Duration.ofSeconds(5)).until(() -> !sweeper.isAlive());
    assertThat(reaper.stats().workerAlive()).isFalse();

    int pid = spawn("exit 0");
    ExitStatus[] seen = new ExitStatus[1];
    reaper.register(pid, status -> seen[0] = status);

    assertThat(reaper.stats().respawns()).isEqualTo(1);
    assertThat(reaper.stats().workerAlive()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> seen[0] != null);
  }

  @Test
  void adoptedOrphanZombiesAreReapedAfterTheGrace() throws Exception {
    Path pidFile = Files.createTempFile(Files.createDirectories(Path.of("target")), "orphan-", ".pid");
    // The middle process exits at once; its child, re-parented to this JVM (subreaper), exits later
    // and must not linger as <defunct>. (Any reaper of this JVM may take it: tests run several.)
    int middle = spawn("(sleep 0.3; exit 0) & echo $! > " + pidFile + "; exit 0");
    reaper.register(middle, status -> { });
    await().atMost(Duration.ofSeconds(5)).until(() -> !Files.readString(pidFile).isBlank());
    int orphan = Integer.parseInt(Files.readString(pidFile).trim());
    spawned.add(orphan);

    await().atMost(Duration.ofSeconds(10)).until(() -> ProcStat.of(orphan).isEmpty());
    assertThat(zombieChildren()).doesNotContain(orphan);
    Files.delete(pidFile);
  }

  private List<Integer> zombieChildren() {
    int self = natives.posix().getpid();
    return ProcStat.all().stream()
        .filter(p -> p.ppid() == self && p.isZombie() && !ScopedReaper.isRegisteredInJvm(p.pid()))
        .map(ProcStat::pid)
        .toList();
  }

  private int spawn(String script) {
    long pid = natives.posix().posix_spawnp("sh", List.of(), List.of("sh", "-c", script), List.of("PATH=/usr/bin:/bin"));
    assertThat(pid).as("spawn of " + script + " (errno " + natives.posix().errno() + ")").isPositive();
    spawned.add((int) pid);
    return (int) pid;
  }
}
