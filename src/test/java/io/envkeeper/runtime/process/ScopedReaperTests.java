package io.envkeeper.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.OsProcesses;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import jnr.constants.platform.OpenFlags;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JVM's reaper with real child processes: it takes exactly what it spawned, promptly, passes on
 * their output, and adopts only orphans. It is shared with every application context of the test
 * JVM, as in production with the one context: each test holds it while it runs.
 */
class ScopedReaperTests {

  private static final ReaperProperties DEFAULTS = new ReaperProperties(Duration.ofSeconds(1), true, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofMinutes(2));

  private final ScopedReaper reaper = ScopedReaper.ofThisJvm();
  private final NativeProcesses natives = reaper.natives();
  private final List<Integer> spawned = new ArrayList<>();
  private int devNull;
  private int directory;

  @BeforeEach
  void holdTheReaper() {
    reaper.retain(DEFAULTS);
    devNull = natives.posix().open("/dev/null", OpenFlags.O_RDWR.intValue() | OpenFlags.O_CLOEXEC.intValue(), 0);
    directory = natives.posix().open(".", OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue() | OpenFlags.O_CLOEXEC.intValue(), 0);
    assertThat(devNull).isNotNegative();
    assertThat(directory).isNotNegative();
  }

  @AfterEach
  void leaveNothingRunning() {
    for (int pid : spawned) {
      OsProcesses.of(pid).filter(stat -> !stat.isZombie()).ifPresent(stat -> natives.posix().kill(pid, 9));
    }
    natives.closeAll(devNull, directory);
    reaper.release();
  }

  @Test
  void exitCodesAndSignalsAreDecoded() {
    CompletableFuture<ExitStatus> exits3 = spawn("exit 3").exit();
    CompletableFuture<ExitStatus> killed = spawn("kill -KILL $$").exit();
    CompletableFuture<ExitStatus> terminated = spawn("kill -TERM $$").exit();

    await().atMost(Duration.ofSeconds(5)).until(() -> exits3.isDone() && killed.isDone() && terminated.isDone());

    assertThat(exits3.join()).isEqualTo(new ExitStatus(3, null, false));
    assertThat(killed.join()).isEqualTo(new ExitStatus(null, 9, false));
    assertThat(terminated.join()).isEqualTo(new ExitStatus(null, 15, false));
    assertThat(ExitStatus.signalName(9)).isEqualTo("SIGKILL");
  }

  @Test
  void aFailedSpawnNamesItsErrnoAndRegistersNothing() {
    int before = reaper.stats().registered();
    assertThatThrownBy(() -> reaper.spawn(spec(List.of("no-such-program-" + System.nanoTime()))))
        .isInstanceOf(SpawnFailedException.class)
        .hasMessageContaining("ENOENT");
    assertThat(reaper.stats().registered()).isLessThanOrEqualTo(before);
  }

  /** The scoped property: a ProcessBuilder child of the same JVM keeps its own exit code. */
  @Test
  void reaperNeverTakesAnUnregisteredChildOfTheJdk() throws Exception {
    long vanishedBefore = reaper.stats().vanishedTotal();
    Process jdkChild = new ProcessBuilder("sh", "-c", "sleep 0.5; exit 7").start();
    List<Child> quick = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      quick.add(spawn("exit 0"));
    }

    assertThat(jdkChild.waitFor()).isEqualTo(7);
    await().atMost(Duration.ofSeconds(5)).until(() -> quick.stream().noneMatch(child -> reaper.isRegistered(child.pid())));
    assertThat(reaper.stats().vanishedTotal()).isEqualTo(vanishedBefore);
  }

  @Test
  void thousandTwentyFourChildrenDrainWithoutZombies() {
    List<Child> children = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      children.add(spawn("exit 0"));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().allMatch(child -> child.exit().isDone()));

    assertThat(children).noneMatch(child -> reaper.isRegistered(child.pid()));
    assertThat(children).noneMatch(child -> OsProcesses.of(child.pid()).isPresent());
  }

  /**
   * The loop blocks in poll(2) on native memory the kernel writes into: it must stay alive through
   * garbage collections meanwhile (once freed under load, it corrupted the heap).
   */
  @Test
  void reapingCarriesOnThroughGarbageCollections() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean collecting = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread collector = new Thread(() -> {
      while (collecting.get()) {
        System.gc();
        // Paced, not flat out: a full GC every few ms still lands while the loop sits in poll,
        // without starving the spawning thread of the suite's shared JVM for a minute.
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
      }
    });
    collector.start();
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        children.add(spawn("exit 0"));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().allMatch(child -> child.exit().isDone()));
    } finally {
      collecting.set(false);
      collector.join();
    }
    assertThat(reaper.stats().workerAlive()).isTrue();
  }

  /**
   * A child that exits before its spawn registers it is an unclaimed zombie meanwhile: however long
   * the spawn is held up (here well past the adoption grace), it is never adopted, and its exit
   * status reaches the spawner.
   */
  @Test
  void aSpawnNotYetRegisteredIsNeverAdopted() {
    Child child = reaper.spawn(spec(List.of("sh", "-c", "exit 5")), pid -> {
      await().atMost(Duration.ofSeconds(5)).until(() -> OsProcesses.of(pid).map(OsProcesses.Stat::isZombie).orElse(false));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> OsProcesses.of(pid).isPresent());
    });
    spawned.add(child.pid());

    await().atMost(Duration.ofSeconds(5)).until(() -> child.exit().isDone());
    assertThat(child.exit().join()).isEqualTo(new ExitStatus(5, null, false));
  }

  @Test
  void deadLoopIsRestartedByTheNextSpawnAndReapsAgain() {
    Thread loop = reaper.loopThread();
    long respawnsBefore = reaper.stats().respawns();
    loop.interrupt();
    await().atMost(Duration.ofSeconds(5)).until(() -> !loop.isAlive());
    assertThat(reaper.stats().workerAlive()).isFalse();

    Child child = spawn("exit 0");

    assertThat(reaper.stats().respawns()).isEqualTo(respawnsBefore + 1);
    assertThat(reaper.stats().workerAlive()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> child.exit().isDone());
  }

  /** A probe only looks: a dead loop shows DOWN, check after check, until a spawn restarts it. */
  @Test
  void healthReportsADeadLoopWithoutRestartingIt() {
    HealthIndicator health = ProcessCoreConfiguration.reaperHealth(reaper, java.util.Map::of);
    Thread loop = reaper.loopThread();
    long respawnsBefore = reaper.stats().respawns();
    loop.interrupt();
    await().atMost(Duration.ofSeconds(5)).until(() -> !loop.isAlive());

    assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.health().getDetails()).containsEntry("workerAlive", false).containsKeys("registered", "sweeps", "respawns");
    assertThat(reaper.stats().respawns()).isEqualTo(respawnsBefore);

    spawn("exit 0");
    await().atMost(Duration.ofSeconds(5)).until(() -> health.health().getStatus().equals(Status.UP));
  }

  @Test
  void nothingIsSpawnedWhileNobodyHoldsTheReaper() {
    ReaperStats before = reaper.stats();
    reaper.release();
    try {
      if (reaper.stats().workerAlive()) {
        return; // an application context of this JVM holds it too: nothing to see here
      }
      assertThatThrownBy(() -> reaper.spawn(spec(List.of("true")))).isInstanceOf(SpawnFailedException.class);
      assertThat(reaper.stats().registered()).isEqualTo(before.registered());
    } finally {
      reaper.retain(DEFAULTS);
    }
  }

  @Test
  void outputIsPassedOnInOrderUntilEndOfFile() {
    int[] pipe = natives.pipe(true, false);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    Child child;
    try {
      child = reaper.spawn(new ChildSpec(List.of("sh", "-c", "i=0; while [ $i -lt 500 ]; do echo line-$i; i=$((i+1)); done"),
          List.of("PATH=/usr/bin:/bin"), devNull, pipe[1], pipe[1], directory, true));
      spawned.add(child.pid());
    } finally {
      natives.closeAll(pipe[1]);
    }
    reaper.pump(pipe[0], collectingInto(received, ended), child);

    await().atMost(Duration.ofSeconds(10)).until(ended::isDone);
    String[] lines = received.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(500);
    assertThat(lines[0]).isEqualTo("line-0");
    assertThat(lines[499]).isEqualTo("line-499");
    await().atMost(Duration.ofSeconds(5)).until(() -> child.exit().isDone());
  }

  /** Whoever hears of an exit (the worker's EXITED) finds everything the process wrote passed on. */
  @Test
  void allOutputOfAnExitedChildIsPassedOnBeforeItsExit() {
    for (int round = 0; round < 20; round++) {
      int[] pipe = natives.pipe(true, false);
      int[] go = natives.pipe(false, false);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      CompletableFuture<Integer> receivedAtExit = new CompletableFuture<>();
      Child child;
      try {
        // Once its stdin ends (its output is pumped by then), 60 000 bytes: they fit in the pipe,
        // so they are written at once, and the child exits.
        child = reaper.spawn(new ChildSpec(List.of("sh", "-c", "read go; exec head -c 60000 /dev/zero"),
            List.of("PATH=/usr/bin:/bin"), go[0], pipe[1], pipe[1], directory, true));
        spawned.add(child.pid());
        // Runs on the reaper's loop, as the sink does: the size at the moment the exit is passed on.
        child.exit().thenRun(() -> receivedAtExit.complete(received.size()));
      } finally {
        natives.closeAll(pipe[1], go[0]);
      }
      reaper.pump(pipe[0], collectingInto(received, new CompletableFuture<>()), child);
      natives.closeAll(go[1]);

      await().atMost(Duration.ofSeconds(10)).until(receivedAtExit::isDone);
      assertThat(receivedAtExit.join()).as("bytes passed on before the exit, round %d", round).isEqualTo(60_000);
    }
  }

  private static OutputSink collectingInto(ByteArrayOutputStream received, CompletableFuture<Void> ended) {
    return new OutputSink() {
      @Override
      public boolean received(byte[] bytes, int length) {
        received.write(bytes, 0, length);
        return true;
      }

      @Override
      public void ended() {
        ended.complete(null);
      }
    };
  }

  @Test
  void adoptedOrphanZombiesAreReapedAfterTheGrace() throws Exception {
    Path pidFile = Files.createTempFile(Files.createDirectories(Path.of("target")), "orphan-", ".pid");
    // The middle process exits at once; its child, re-parented to this JVM (subreaper), exits later
    // and must not linger as <defunct>.
    spawn("(sleep 0.3; exit 0) & echo $! > " + pidFile + "; exit 0");
    await().atMost(Duration.ofSeconds(5)).until(() -> !Files.readString(pidFile).isBlank());
    int orphan = Integer.parseInt(Files.readString(pidFile).trim());
    spawned.add(orphan);

    await().atMost(Duration.ofSeconds(10)).until(() -> OsProcesses.of(orphan).isEmpty());
    assertThat(zombieChildren()).doesNotContain(orphan);
    Files.delete(pidFile);
  }

  /**
   * A child that must be placed (cgroup, rlimits) is held before its program: while the placement
   * runs, and as long as it takes, the child is still the service's clone (its {@code exe} is the
   * JVM's) and has run nothing of its own; once released, the program runs.
   */
  @Test
  void aPlacedChildRunsNothingOfItsProgramUntilPlaced() throws Exception {
    Path marker = Files.createTempFile(Files.createDirectories(Path.of("target")), "gated-", ".ran");
    Files.delete(marker);
    Path jvm = Path.of("/proc/self/exe").toRealPath();
    List<Path> exeWhilePlaced = new ArrayList<>();
    Placement holdAWhile = new Placement() {
      @Override
      public boolean isNeeded() {
        return true;
      }

      @Override
      public void apply(int pid) {
        // Held for 300 ms: a child that was not held would have run its program by then.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
            .until(() -> !Files.exists(marker) && exe(pid).equals(jvm));
        exeWhilePlaced.add(exe(pid));
      }
    };

    Child child = reaper.spawn(placed(List.of("sh", "-c", "touch " + marker + "; exit 0"), holdAWhile));
    spawned.add(child.pid());

    assertThat(exeWhilePlaced).containsExactly(jvm);
    await().atMost(Duration.ofSeconds(5)).until(() -> child.exit().isDone());
    assertThat(child.exit().join()).isEqualTo(new ExitStatus(0, null, false));
    assertThat(marker).exists();
    Files.delete(marker);
  }

  /** A child that cannot be placed is killed before its program ran, and collected; the spawn fails. */
  @Test
  void aChildThatCannotBePlacedNeverRunsItsProgram() throws Exception {
    Path marker = Files.createTempFile(Files.createDirectories(Path.of("target")), "unplaced-", ".ran");
    Files.delete(marker);
    int[] held = new int[1];
    Placement refuses = new Placement() {
      @Override
      public boolean isNeeded() {
        return true;
      }

      @Override
      public void apply(int pid) {
        held[0] = pid;
        throw new SpawnFailedException("no place for pid " + pid);
      }
    };

    assertThatThrownBy(() -> reaper.spawn(placed(List.of("sh", "-c", "touch " + marker), refuses)))
        .isInstanceOf(SpawnFailedException.class)
        .hasMessageContaining("no place for pid");

    spawned.add(held[0]);
    await().atMost(Duration.ofSeconds(5)).until(() -> OsProcesses.of(held[0]).isEmpty());
    assertThat(marker).doesNotExist();
  }

  private static Path exe(int pid) {
    try {
      return Path.of("/proc/" + pid + "/exe").toRealPath();
    } catch (java.io.IOException e) {
      return Path.of("/gone");
    }
  }

  private ChildSpec placed(List<String> argv, Placement placement) {
    return new ChildSpec(argv, List.of("PATH=/usr/bin:/bin"), devNull, devNull, devNull, directory, true, placement, null);
  }

  private List<Integer> zombieChildren() {
    int self = natives.posix().getpid();
    return OsProcesses.all().stream()
        .filter(p -> p.ppid() == self && p.isZombie() && !reaper.isRegistered(p.pid()))
        .map(OsProcesses.Stat::pid)
        .toList();
  }

  private Child spawn(String script) {
    Child child = reaper.spawn(spec(List.of("sh", "-c", script)));
    spawned.add(child.pid());
    return child;
  }

  private ChildSpec spec(List<String> argv) {
    return new ChildSpec(argv, List.of("PATH=/usr/bin:/bin"), devNull, devNull, devNull, directory, true);
  }
}
