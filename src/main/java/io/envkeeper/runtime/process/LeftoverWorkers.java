package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import jnr.constants.platform.Signal;
import org.springframework.stereotype.Component;

/**
 * Worker processes left behind by an earlier run of the service on this host (crash recovery): what
 * became of one ({@link #inspect}), stopping it ({@link #stop}), and finding ones no record names
 * ({@link #carrying}). They are not our children: nothing is waited for with waitpid, and a recorded
 * pid is only ever signalled while its start time (and the boot) still match the record.
 */
@Component
public class LeftoverWorkers {

  /** The variable every worker (and what it starts) carries its worker id in. */
  public static final String WORKER_ID_VARIABLE = TaggedProcesses.WORKER_ID;

  /** A worker process as an earlier run recorded it. */
  public record Recorded(int pid, int pgid, long startTicks, String bootId) {}

  /** What is found of a recorded process now. */
  public enum State {
    /** The host rebooted since: the record says nothing about any process of this boot. */
    ANOTHER_BOOT,
    /** No process with this pid and start time. */
    GONE,
    /** It ended and waits to be collected by its parent (a zombie): its exit status is not ours. */
    ENDED,
    /** It still runs. */
    RUNNING
  }

  /** A live process carrying a worker's identity variables, as they were at its start. */
  public record Tagged(Recorded process, Instant startedAt, Map<String, String> variables) {}

  private final NativeProcesses natives;
  private final ReaperProperties reaperProperties;
  private final WorkerProperties properties;
  private final String bootId = ProcStat.bootId();
  /** Stops under way, by process: a second caller joins the first instead of signalling again. */
  private final Map<ProcessRef, CompletableFuture<Boolean>> stopsInFlight = new ConcurrentHashMap<>();

  private final WorkerContainment containment;

  LeftoverWorkers(ScopedReaper reaper, ReaperProperties reaperProperties, WorkerProperties properties,
      WorkerContainment containment) {
    this.natives = reaper.natives();
    this.reaperProperties = reaperProperties;
    this.properties = properties;
    this.containment = containment;
  }

  public State inspect(Recorded recorded) {
    if (!bootId.equals(recorded.bootId())) {
      return State.ANOTHER_BOOT;
    }
    Optional<ProcStat> stat = ProcStat.of(recorded.pid());
    if (stat.isEmpty() || stat.get().startTicks() != recorded.startTicks()) {
      return State.GONE;
    }
    return stat.get().isZombie() ? State.ENDED : State.RUNNING;
  }

  /**
   * Stops it with the bounds of {@code profile} (or the configured defaults when that profile is
   * unknown, null, or no longer configured): SIGTERM to its group, the grace, SIGKILL, the kill timeout. A stop of the same process
   * already under way is joined, never repeated beside it.
   *
   * @return whether the process is gone afterwards
   */
  public boolean stop(Recorded recorded, String profile) {
    StopTimeouts bounds = properties.stopTimeoutsOf(profile);
    ProcessRef process = new ProcessRef(recorded.pid(), recorded.startTicks());
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> running = stopsInFlight.putIfAbsent(process, mine);
    if (running != null) {
      Duration bound = bounds.stopGrace().plus(bounds.killTimeout()).plus(bounds.killTimeout());
      return Await.completion(running, bound) && running.getNow(false);
    }
    try {
      boolean gone = stopGroup(process, recorded.pgid(), bounds);
      mine.complete(gone);
      return gone;
    } finally {
      mine.complete(false); // a stop that threw: a joiner must not wait for nothing
      stopsInFlight.remove(process, mine);
    }
  }

  /**
   * SIGTERM to the group, up to the grace; SIGKILL, up to the kill timeout. Not our child: its end
   * is watched in {@code /proc} (a zombie counts as gone).
   */
  private boolean stopGroup(ProcessRef leader, int pgid, StopTimeouts bounds) {
    if (!leader.isAlive()) {
      return true;
    }
    signalGroup(leader, pgid, Signal.SIGTERM.intValue());
    if (Await.until(() -> !leader.isAlive(), bounds.stopGrace(), reaperProperties.exitPollInterval())) {
      return true;
    }
    signalGroup(leader, pgid, Signal.SIGKILL.intValue());
    return Await.until(() -> !leader.isAlive(), bounds.killTimeout(), reaperProperties.exitPollInterval());
  }

  /**
   * Signals the group only while its leader is verified to be the recorded process (pid and start
   * time); with pidfds the leader's pid is pinned by an open pidfd meanwhile, so it cannot be
   * recycled in between. The leader itself is signalled apart only if it left its group (one signal
   * per process: a handler may count them).
   */
  private void signalGroup(ProcessRef leader, int pgid, int signal) {
    int pidfd = natives.pidfdOpen(leader.pid());
    try {
      if (!leader.isAlive()) {
        return;
      }
      natives.posix().kill(-pgid, signal);
      boolean leftGroup = ProcStat.of(leader.pid()).map(ProcStat::pgrp).orElse(pgid) != pgid;
      if (leftGroup && pidfd >= 0) {
        natives.pidfdSignal(pidfd, signal);
      } else if (leftGroup) {
        natives.posix().kill(leader.pid(), signal);
      }
    } finally {
      natives.closeAll(pidfd);
    }
  }

  /**
   * Kills whatever is left in the cgroup an earlier run recorded for worker {@code workerId}
   * ({@code cgroup.kill}: daemons that left its process group too) and removes it. Only a directory
   * that is exactly a worker's cgroup as this service names them ({@code .../envkeeper.<node>/<worker
   * id>}, or the configured parent's {@code <worker id>}, on the cgroup2 mount) is ever touched,
   * whatever a row says.
   *
   * @return null when nothing is left, else a description of what survived
   */
  public String killCgroup(String recordedPath, java.util.UUID workerId, String profile) {
    if (recordedPath == null) {
      return null;
    }
    java.nio.file.Path path = java.nio.file.Path.of(recordedPath).normalize();
    java.util.Optional<CgroupMount> mount = CgroupMount.find().mount();
    java.nio.file.Path current = containment.pathOf(workerId);
    boolean ours = mount.isPresent() && path.startsWith(mount.get().mountPoint())
        && path.getFileName().toString().equals(workerId.toString())
        && path.getParent() != null
        && (path.getParent().getFileName().toString().startsWith("envkeeper.") || path.equals(current));
    if (!ours || !java.nio.file.Files.isDirectory(path)) {
      return null;
    }
    WorkerCgroup cgroup = WorkerCgroup.at(path);
    if (!cgroup.isEmpty()) {
      cgroup.kill();
      Duration bound = properties.stopTimeoutsOf(profile).killTimeout();
      if (!Await.until(cgroup::isEmpty, bound, reaperProperties.exitPollInterval())) {
        return "processes of cgroup " + path + " survived SIGKILL: " + cgroup.pids();
      }
    }
    return cgroup.remove() ? null : "cgroup " + path + " could not be removed";
  }

  /**
   * Kills whatever is left in the cgroup a worker of this node gets (or got) under cgroup
   * containment, and removes it: for a worker no row records (spawned just before a crash), whose
   * cgroup no row names.
   *
   * @return null when nothing is left, else a description of what survived
   */
  public String killCgroupOf(java.util.UUID workerId) {
    java.nio.file.Path path = containment.pathOf(workerId);
    return path == null ? null : killCgroup(path.toString(), workerId, null);
  }

  /** Every live process whose environment has {@code variable}. */
  public List<Tagged> carrying(String variable) {
    return TaggedProcesses.carrying(variable).stream()
        .map(t -> new Tagged(
            new Recorded(t.process().pid(), t.pgid(), t.process().startTicks(), bootId), t.startedAt(), t.variables()))
        .toList();
  }

  /** This boot's id, as recorded with every worker. */
  public String bootId() {
    return bootId;
  }
}
