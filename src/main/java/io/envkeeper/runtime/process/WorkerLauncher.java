package io.envkeeper.runtime.process;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.constants.platform.Fcntl;
import jnr.constants.platform.OpenFlags;
import jnr.posix.ExtraSpawnFileActions;
import jnr.posix.POSIX;
import jnr.posix.SpawnAttribute;
import jnr.posix.SpawnFileAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Spawns workers with {@code posix_spawnp} (no shell, no ProcessBuilder): in a process group of
 * their own, started in their working directory, with exactly three descriptors: stdin from a pipe
 * only the service writes to (control channel and keepalive), stdout and stderr into one pipe the
 * service reads (the ack line and the capped log). Every other descriptor is closed in the child
 * ({@code closefrom(3)}), so no JDBC socket, inotify instance or log file of the service leaks.
 */
@Component
public class WorkerLauncher {

  private static final Logger log = LoggerFactory.getLogger(WorkerLauncher.class);
  private static final int FD_CLOEXEC = 1;
  private static final java.time.Duration KILL_WAIT = java.time.Duration.ofSeconds(2);

  private final NativeProcesses natives;
  private final POSIX posix;
  private final ScopedReaper reaper;
  private final Clock clock;
  private final String bootId = ProcStat.bootId();

  WorkerLauncher(NativeProcesses natives, ScopedReaper reaper, Clock clock) {
    this.natives = natives;
    this.posix = natives.posix();
    this.reaper = reaper;
    this.clock = clock;
  }

  /** Starts the worker; it is registered with the reaper before this returns. */
  public WorkerHandle launch(WorkerSpec spec) {
    int[] stdin = pipe(true);
    int[] output;
    try {
      output = pipe(false);
    } catch (SpawnFailedException e) {
      closeAll(stdin[0], stdin[1]);
      throw e;
    }
    WorkerLog logFile = new WorkerLog(spec.logFile(), spec.logMaxBytes());
    WorkerHandle handle;
    // Until its pid is registered, a worker that exits at once is an unclaimed zombie child.
    try (ScopedReaper.PendingSpawn pending = ScopedReaper.spawning()) {
      long pid =
          posix.posix_spawnp(
              spec.command().get(0),
              List.of(
                  SpawnFileAction.dup(stdin[0], 0),
                  SpawnFileAction.dup(output[1], 1),
                  SpawnFileAction.dup(output[1], 2),
                  ExtraSpawnFileActions.chdir(spec.workingDirectory().toString()),
                  ExtraSpawnFileActions.closeFrom(3)),
              List.of(SpawnAttribute.flags((short) SpawnAttribute.SETPGROUP), SpawnAttribute.pgroup(0)),
              spec.command(),
              environment(spec.environment()));
      int spawnErrno = posix.errno();
      closeAll(stdin[0], output[1]); // the child's ends: only the child may hold them now
      if (pid <= 0) {
        closeAll(stdin[1], output[0]);
        closeQuietly(logFile);
        throw new SpawnFailedException(
            "cannot start " + spec.command().get(0) + " for profile " + spec.profile() + " (errno " + spawnErrno + ")");
      }
      int pidfd = natives.pidfdOpen((int) pid);
      long startTicks = ProcStat.of((int) pid).map(ProcStat::startTicks).orElse(-1L);
      handle =
          new WorkerHandle(spec, natives, (int) pid, startTicks, bootId, clock.instant(), pidfd, stdin[1], logFile);
      reaper.register((int) pid, handle::onExit);
    }
    int workerPid = handle.pid();
    Thread reader = new Thread(() -> handle.readOutput(output[0]), "worker-output-" + workerPid);
    reader.setDaemon(true);
    reader.start();
    log.info("environment {}: worker {} ({}) started, pid {}", spec.environmentId(), spec.workerId(), spec.profile(), workerPid);
    return handle;
  }

  /** Kills a worker that must not live (it could not be recorded): SIGKILL, bounded wait for the reap. */
  public void kill(WorkerHandle worker) {
    worker.closeStdin();
    worker.signalGroup(jnr.constants.platform.Signal.SIGKILL.intValue());
    try {
      worker.exit().get(KILL_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.error("environment {}: worker {} pid {} not reaped {} after SIGKILL; the reaper keeps its pid",
          worker.environmentId(), worker.workerId(), worker.pid(), KILL_WAIT);
    }
  }

  private static List<String> environment(Map<String, String> variables) {
    List<String> entries = new ArrayList<>();
    variables.forEach((name, value) -> entries.add(name + "=" + value));
    return entries;
  }

  /**
   * A pipe whose ends are close-on-exec in the service. The worker's stdin gets a non-blocking write
   * end (the flag belongs to the open file, so only for a pipe whose write end stays with us).
   */
  private int[] pipe(boolean nonBlockingWriteEnd) {
    int[] fds = new int[2];
    if (posix.pipe(fds) != 0) {
      throw new SpawnFailedException("cannot create a pipe (errno " + posix.errno() + ")");
    }
    for (int fd : fds) {
      posix.fcntlInt(fd, Fcntl.F_SETFD, FD_CLOEXEC);
    }
    if (nonBlockingWriteEnd) {
      int flags = posix.fcntl(fds[1], Fcntl.F_GETFL);
      posix.fcntlInt(fds[1], Fcntl.F_SETFL, flags | OpenFlags.O_NONBLOCK.intValue());
    }
    return fds;
  }

  private void closeAll(int... fds) {
    for (int fd : fds) {
      posix.close(fd);
    }
  }

  private static void closeQuietly(WorkerLog logFile) {
    try {
      logFile.close();
    } catch (java.io.IOException e) {
      // nothing was written
    }
  }
}
