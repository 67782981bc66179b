package io.envkeeper.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jnr.constants.platform.Signal;
import org.springframework.stereotype.Component;

/**
 * The last sweep of an environment's teardown: adopted orphans (children of the service it never
 * spawned, re-parented to it as child subreaper) whose working directory lies in the workspace came
 * from that environment's workers even if their ancestry was never seen; they are killed and waited
 * for. Only adopted processes are considered, never anyone else's.
 */
@Component
public class WorkspaceOrphans {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final NativeProcesses natives;
  private final int selfPid;

  WorkspaceOrphans(NativeProcesses natives) {
    this.natives = natives;
    this.selfPid = natives.posix().getpid();
  }

  /** Kills them; returns the pids still alive after {@code timeout} (empty when all are gone). */
  public List<Integer> killThoseIn(Path workspace, Duration timeout) {
    List<ProcessRef> orphans = find(workspace);
    orphans.forEach(orphan -> natives.signalVerified(orphan, Signal.SIGKILL.intValue()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!orphans.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(POLL_NANOS);
      orphans = orphans.stream().filter(ProcessRef::isAlive).toList();
    }
    return orphans.stream().map(ProcessRef::pid).toList();
  }

  private List<ProcessRef> find(Path workspace) {
    return ProcStat.all().stream()
        .filter(p -> p.ppid() == selfPid && !p.isZombie() && !ScopedReaper.isRegisteredInJvm(p.pid()))
        .filter(p -> cwdIsIn(p.pid(), workspace))
        .map(p -> new ProcessRef(p.pid(), p.startTicks()))
        .toList();
  }

  private static boolean cwdIsIn(int pid, Path workspace) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd")).startsWith(workspace);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
