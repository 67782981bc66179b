package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Signal;
import org.springframework.stereotype.Component;

/**
 * The last sweep of an environment's teardown: adopted orphans (children of the service it never
 * spawned, re-parented to it as child subreaper) whose working directory lies in the workspace came
 * from that environment's workers even if their ancestry was never seen; they are killed and waited
 * for. Only adopted processes are considered, never anyone else's.
 */
@Component
class WorkspaceOrphans {

  private final ScopedReaper reaper;
  private final NativeProcesses natives;
  private final ReaperProperties properties;
  private final int selfPid;

  WorkspaceOrphans(ScopedReaper reaper, ReaperProperties properties) {
    this.reaper = reaper;
    this.natives = reaper.natives();
    this.properties = properties;
    this.selfPid = natives.posix().getpid();
  }

  /** Kills them; returns the pids still alive after {@code orphan-kill-timeout} (empty when all are gone). */
  List<Integer> killThoseIn(Path workspace) {
    List<ProcessRef> orphans = find(workspace);
    orphans.forEach(orphan -> natives.signalVerified(orphan, Signal.SIGKILL.intValue()));
    Await.until(() -> orphans.stream().noneMatch(ProcessRef::isAlive), properties.orphanKillTimeout(), properties.exitPollInterval());
    return orphans.stream().filter(ProcessRef::isAlive).map(ProcessRef::pid).toList();
  }

  /**
   * Read from the children lists of our own threads (a few small files, and the state of only the
   * children no worker registration accounts for), as the reaper's adoption does; a scan of every
   * process of the host (several milliseconds per destroy on a busy host) only where the kernel lacks
   * those lists.
   */
  private List<ProcessRef> find(Path workspace) {
    Optional<List<Integer>> children = ProcStat.childrenOf(selfPid);
    if (children.isEmpty()) {
      return ProcStat.all().stream()
          .filter(p -> p.ppid() == selfPid && !p.isZombie() && !reaper.isRegistered(p.pid()))
          .filter(p -> cwdIsIn(p.pid(), workspace))
          .map(p -> new ProcessRef(p.pid(), p.startTicks()))
          .toList();
    }
    List<ProcessRef> found = new ArrayList<>();
    for (int pid : children.get()) {
      if (!reaper.isRegistered(pid)) {
        ProcStat.of(pid)
            .filter(p -> p.ppid() == selfPid && !p.isZombie() && cwdIsIn(pid, workspace))
            .ifPresent(p -> found.add(new ProcessRef(p.pid(), p.startTicks())));
      }
    }
    return found;
  }

  private static boolean cwdIsIn(int pid, Path workspace) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd")).startsWith(workspace);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
