package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import io.envkeeper.deadline.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import jnr.constants.platform.OpenFlags;
import jnr.constants.platform.Signal;

/**
 * {@code posix_spawnp} of a child that must be placed (cgroup, rlimits) before its program runs.
 * glibc 2.36 offers no {@code CLONE_INTO_CGROUP} for posix_spawn (2.39+ has
 * {@code posix_spawnattr_setcgroup_np}), and a move after the spawn returns comes after the exec:
 * a program that forks at once could leave children behind in the service's cgroup. So the child
 * is held at its first file action instead, before the exec:
 *
 * <ol>
 *   <li>a FIFO, made in the temporary directory, opened by the service for reading (non-blocking)
 *       and unlinked at once (nothing stays on disk); the child's first action opens it again
 *       through {@code /proc/<service pid>/fd/N}, which blocks until a writer exists (a FIFO's
 *       open; an anonymous pipe's would not block);
 *   <li>{@code posix_spawnp} runs on a new thread of its own (glibc's spawn suspends the calling
 *       thread until the exec), so the only child in that thread's
 *       {@code /proc/self/task/<tid>/children} is this one: that is how its pid is known before
 *       the spawn returns;
 *   <li>the child is placed ({@link Placement#apply}), then a writer is opened: the child's open
 *       returns, the remaining actions run (that descriptor is closed with every other one) and the
 *       program starts, already inside its cgroup and limits. The writer stays open until the spawn
 *       returned (a reader arriving after a writer came and went would block again).
 * </ol>
 *
 * If placing fails, the child is killed through a pidfd before it ran anything of its own. The same
 * pattern (hold the child, place it from outside, then release it) is what runc does with its
 * {@code runc init} stage; here the hold is a blocking open inside glibc's child, so the child runs
 * no program of ours and the worker's argv, environment and exec errors are exactly those of a
 * plain spawn.
 */
final class GatedSpawn {

  /** Between two reads of the spawning thread's children list while the child is being created. */
  private static final long POLL_NANOS = 20_000;

  private final NativeProcesses natives;
  private final int selfPid;

  GatedSpawn(NativeProcesses natives) {
    this.natives = natives;
    this.selfPid = natives.posix().getpid();
  }

  /** A child killed because it could not be placed: the caller registers (reaps) it, then fails. */
  static final class PlacementFailedException extends SpawnFailedException {
    private final transient int pid;

    PlacementFailedException(int pid, String message) {
      super(message);
      this.pid = pid;
    }

    int pid() {
      return pid;
    }
  }

  /**
   * Spawns {@code spec}, placed by {@code spec.placement()} before its program runs.
   *
   * @return the child's pid
   * @throws SpawnFailedException when the spawn fails (nothing runs)
   * @throws PlacementFailedException when the child could not be placed and was killed
   */
  int spawn(ChildSpec spec, Duration timeout) {
    Deadline deadline = Deadline.in(timeout);
    int gate = openGate();
    String gatePath = "/proc/" + selfPid + "/fd/" + gate;
    CompletableFuture<String> spawnerTask = new CompletableFuture<>();
    CompletableFuture<Integer> spawned = new CompletableFuture<>();
    Thread spawner = new Thread(() -> {
      try {
        spawnerTask.complete(Files.readSymbolicLink(Path.of("/proc/thread-self")).toString());
        spawned.complete(natives.spawn(spec.withGate(new ChildSpec.Gate(gatePath))));
      } catch (IOException | RuntimeException | Error e) {
        spawnerTask.complete("");
        spawned.completeExceptionally(e);
      }
    }, "worker-spawn");
    spawner.setDaemon(true);
    int pidfd = -1;
    try {
      spawner.start();
      // Written first thing by the new thread: this wait is short.
      String task = Await.completion(spawnerTask, deadline) ? spawnerTask.join() : "";
      int pid = task.isEmpty() ? 0 : childOf(task, spawned, deadline);
      if (pid <= 0) {
        return result(spawned, deadline); // the spawn failed before a child existed (or it throws)
      }
      pidfd = natives.pidfdOpen(pid);
      try {
        spec.placement().apply(pid);
      } catch (RuntimeException e) {
        killUnrun(pid, pidfd, spawned, deadline);
        throw new PlacementFailedException(pid, e.getMessage());
      }
      release(gatePath, pid, pidfd, spawned, deadline, timeout);
      return result(spawned, deadline);
    } finally {
      natives.closeAll(gate, pidfd);
    }
  }

  /** A FIFO opened for reading (no writer yet) and already unlinked: only its descriptor remains. */
  private int openGate() {
    Path fifo = Path.of(System.getProperty("java.io.tmpdir"), "envkeeper-gate-" + UUID.randomUUID());
    if (natives.posix().mkfifo(fifo.toString(), 0600) != 0) {
      throw new SpawnFailedException("cannot make the spawn gate " + fifo + " ("
          + LinuxProcessCalls.errnoName(natives.posix().errno()) + ")");
    }
    try {
      int fd = natives.posix().open(fifo.toString(),
          OpenFlags.O_RDONLY.intValue() | OpenFlags.O_NONBLOCK.intValue() | OpenFlags.O_CLOEXEC.intValue(), 0);
      if (fd < 0) {
        throw new SpawnFailedException("cannot open the spawn gate " + fifo + " ("
            + LinuxProcessCalls.errnoName(natives.posix().errno()) + ")");
      }
      return fd;
    } finally {
      try {
        Files.deleteIfExists(fifo);
      } catch (IOException e) {
        // the descriptor is what counts; a stray name in the temporary directory harms nothing
      }
    }
  }

  /**
   * The pid of the one child of the spawning thread, once the kernel lists it; 0 if the spawn
   * ended first (it failed without a child) or the deadline passed.
   */
  private static int childOf(String task, CompletableFuture<Integer> spawned, Deadline deadline) {
    Path children = Path.of("/proc", task, "children");
    while (true) {
      boolean ended = spawned.isDone();
      List<Integer> listed = ProcStat.readChildren(children);
      if (!listed.isEmpty()) {
        return listed.get(0);
      }
      if (ended || deadline.hasPassed()) {
        return 0;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Opens the writer (the child's open returns), and keeps it until the spawn returned. */
  private void release(
      String gatePath, int pid, int pidfd, CompletableFuture<Integer> spawned, Deadline deadline, Duration timeout) {
    // Any open descriptor of the FIFO reaches it through /proc; ours is the gate's own.
    int writer = natives.posix().open(gatePath,
        OpenFlags.O_WRONLY.intValue() | OpenFlags.O_NONBLOCK.intValue() | OpenFlags.O_CLOEXEC.intValue(), 0);
    if (writer < 0) {
      String errno = LinuxProcessCalls.errnoName(natives.posix().errno());
      killUnrun(pid, pidfd, spawned, deadline);
      throw new PlacementFailedException(pid, "cannot release the placed child (" + errno + ")");
    }
    try {
      if (!Await.completion(spawned, deadline)) {
        // Placed but stuck before its exec (should not happen): it must not run late and unwatched.
        killUnrun(pid, pidfd, spawned, Deadline.in(timeout));
        throw new PlacementFailedException(pid, "the child did not start within the placement timeout");
      }
    } finally {
      natives.closeAll(writer);
    }
  }

  /** SIGKILL through the pidfd (never a recycled pid), then the spawn returns (bounded). */
  private void killUnrun(int pid, int pidfd, CompletableFuture<Integer> spawned, Deadline deadline) {
    if (pidfd >= 0) {
      natives.pidfdSignal(pidfd, Signal.SIGKILL.intValue());
    } else if (!spawned.isDone()) {
      natives.posix().kill(pid, Signal.SIGKILL.intValue()); // unreaped until the spawn returns: still ours
    }
    Await.completion(spawned, deadline);
  }

  private static int result(CompletableFuture<Integer> spawned, Deadline deadline) {
    if (!Await.completion(spawned, deadline)) {
      throw new SpawnFailedException("the spawn did not return within the placement timeout");
    }
    try {
      return spawned.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpawnFailedException("interrupted while spawning");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new SpawnFailedException("spawn failed: " + e.getCause());
    }
  }
}
