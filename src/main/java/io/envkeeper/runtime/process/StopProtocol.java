package io.envkeeper.runtime.process;

import io.envkeeper.config.FaultInjection;
import io.envkeeper.config.FaultPoint;
import io.envkeeper.deadline.Await;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jnr.constants.platform.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stops one worker, every step bounded: shutdown message on stdin and up to {@code ack-timeout} for
 * the ack line (then stdin is closed, and a worker that acked gets {@code exit-after-ack} to exit by
 * itself), SIGTERM to the process group (and its cgroup) and up to {@code stop-grace}, SIGKILL and
 * up to {@code kill-timeout} for the reap, else LOST. Whatever outlives the leader (members of the
 * group, recorded descendants, everything in its cgroup) is killed too, and its cgroup removed; the
 * same happens when a worker's process ends by itself ({@link #afterExit}).
 */
@Component
class StopProtocol {

  private static final Logger log = LoggerFactory.getLogger(StopProtocol.class);

  private final ScopedReaper reaper;
  private final NativeProcesses natives;
  private final FaultInjection faults;
  private final WorkerProperties properties;
  private final ReaperProperties reaperProperties;

  StopProtocol(ScopedReaper reaper, FaultInjection faults, WorkerProperties properties, ReaperProperties reaperProperties) {
    this.reaper = reaper;
    this.natives = reaper.natives();
    this.faults = faults;
    this.properties = properties;
    this.reaperProperties = reaperProperties;
  }

  /** Stops the worker within its profile's stop timeouts. */
  StopOutcome stop(WorkerHandle worker) {
    return stop(worker, properties.stopTimeoutsOf(worker.profile()));
  }

  /**
   * The longest {@link #stop(WorkerHandle)} can take: every step of the profile's protocol to its
   * bound, and the wait for leftovers after the reap (up to another kill timeout).
   */
  java.time.Duration bound(WorkerHandle worker) {
    StopTimeouts timeouts = properties.stopTimeoutsOf(worker.profile());
    return timeouts.total(properties.exitAfterAck()).plus(timeouts.killTimeout());
  }

  StopOutcome stop(WorkerHandle worker, StopTimeouts timeouts) {
    boolean acked = false;
    if (!worker.hasExited() && timeouts.shutdownMessage() != null) {
      worker.armAck();
      if (worker.writeLine(timeouts.shutdownMessage())) {
        Await.completion(java.util.concurrent.CompletableFuture.anyOf(worker.ack(), worker.exit()), timeouts.ackTimeout());
        acked = worker.ack().isDone();
      }
    }
    worker.closeStdin();
    if (acked) {
      Await.completion(worker.exit(), properties.exitAfterAck());
    }
    if (!worker.hasExited()) {
      worker.signalGroup(Signal.SIGTERM.intValue());
      faults.reached(FaultPoint.MID_WORKER_STOP);
      Await.completion(worker.exit(), timeouts.stopGrace());
    }
    if (!worker.hasExited()) {
      log.warn("environment {}: worker {} pid {} ignored SIGTERM for {}; sending SIGKILL",
          worker.environmentId(), worker.workerId(), worker.pid(), timeouts.stopGrace());
      worker.signalGroup(Signal.SIGKILL.intValue());
      Await.completion(worker.exit(), timeouts.killTimeout());
    }
    String leftovers = killLeftovers(worker, timeouts.killTimeout());
    if (!worker.hasExited()) {
      String error = "not reaped within " + timeouts.killTimeout() + " after SIGKILL; the reaper keeps its pid";
      log.error("environment {}: worker {} pid {} LOST: {}", worker.environmentId(), worker.workerId(), worker.pid(), error);
      return StopOutcome.lost(error);
    }
    return StopOutcome.exited(worker.exit().join(), leftovers);
  }

  /**
   * Kills what is left of the worker (its cgroup, or its process group and recorded descendants),
   * and waits (up to {@code timeout}) until none is alive; an emptied cgroup is removed. Returns a
   * description of survivors, or null.
   */
  private String killLeftovers(WorkerHandle worker, java.time.Duration timeout) {
    WorkerCgroup cgroup = worker.cgroup();
    if (cgroup != null) {
      return killCgroup(worker, cgroup, timeout);
    }
    if (nothingLeft(worker)) {
      return null;
    }
    Set<ProcessRef> leftovers = survivors(worker);
    if (leftovers.isEmpty()) {
      return null;
    }
    log.info("environment {}: worker {}: killing {} leftover descendant(s)", worker.environmentId(), worker.workerId(), leftovers.size());
    // Killed again at every look: a leftover may have forked while it was being killed.
    if (Await.until(() -> killAll(survivors(worker)), timeout, reaperProperties.exitPollInterval())) {
      return null;
    }
    return "descendants survived SIGKILL: "
        + survivors(worker).stream().map(p -> Integer.toString(p.pid())).collect(Collectors.joining(","));
  }

  /** {@code cgroup.kill} (the kernel kills every process in it, forks racing the kill included). */
  private String killCgroup(WorkerHandle worker, WorkerCgroup cgroup, java.time.Duration timeout) {
    if (!cgroup.isEmpty()) {
      List<ProcessRef> members = worker.cgroupMembers();
      if (!members.isEmpty()) {
        log.info("environment {}: worker {}: killing {} leftover process(es) of cgroup {}",
            worker.environmentId(), worker.workerId(), members.size(), cgroup);
      }
      reaper.expectEnds(members);
      cgroup.kill();
      if (!Await.until(cgroup::isEmpty, timeout, reaperProperties.exitPollInterval())) {
        return "processes of cgroup " + cgroup + " survived SIGKILL: "
            + cgroup.pids().stream().map(String::valueOf).collect(Collectors.joining(","));
      }
    }
    if (!worker.hasExited()) {
      return null; // the leader's reap is the caller's to wait for; its cgroup goes after
    }
    if (!cgroup.remove()) {
      return "cgroup " + cgroup + " could not be removed";
    }
    return null;
  }

  /**
   * After a worker's process ended by itself: whatever it left (daemons, stray children) is killed,
   * as systemd does for a service's cgroup, and its cgroup removed. Also tells what ended it when
   * the kernel did (its OOM killer at {@code memory.max}).
   */
  AfterExit afterExit(WorkerHandle worker) {
    return afterExit(worker, properties.stopTimeoutsOf(worker.profile()).killTimeout());
  }

  /** {@link #afterExit(WorkerHandle)} with {@code timeout} for what it kills. */
  AfterExit afterExit(WorkerHandle worker, java.time.Duration timeout) {
    WorkerCgroup cgroup = worker.cgroup();
    String cause = null;
    if (cgroup != null && cgroup.oomKills() > 0) {
      cause = "killed by the kernel's OOM killer: the worker reached its limits.memory-max";
    } else if (cgroup != null && cgroup.pidsMaxHits() > 0) {
      cause = "its processes hit limits.pids-max (a fork failed)";
    }
    return new AfterExit(killLeftovers(worker, timeout), cause);
  }

  /**
   * What was found after a process ended by itself.
   *
   * @param survivors leftovers that survived SIGKILL, or null
   * @param cause what (beyond its own status) ended it, or null
   */
  record AfterExit(String survivors, String cause) {}

  /**
   * Kills the worker at once (a process that must not run: its record failed), waits up to
   * {@code bound} for its reap, and removes its cgroup.
   *
   * @return whether it was reaped within the bound
   */
  boolean killNow(WorkerHandle worker, java.time.Duration bound) {
    worker.closeStdin();
    worker.signalGroup(Signal.SIGKILL.intValue());
    boolean reaped = Await.completion(worker.exit(), bound);
    killLeftovers(worker, bound);
    return reaped;
  }

  /** SIGKILL to what is left of the worker's cgroup, or group and recorded descendants; no waiting. */
  void killLeftoversNow(WorkerHandle worker) {
    if (worker.cgroup() != null) {
      reaper.expectEnds(worker.cgroupMembers());
      worker.cgroup().kill();
      return;
    }
    if (nothingLeft(worker)) {
      return;
    }
    killAll(survivors(worker));
  }

  /** SIGKILL to each (verified by pidfd), announced to the reaper first; true when there was none. */
  private boolean killAll(Set<ProcessRef> processes) {
    if (processes.isEmpty()) {
      return true;
    }
    reaper.expectEnds(processes);
    processes.forEach(process -> natives.signalVerified(process, Signal.SIGKILL.intValue()));
    return false;
  }

  /**
   * The common case, told without reading all of {@code /proc}: the leader is reaped, its process
   * group is empty ({@code kill(-pgid, 0)} finds no member) and no recorded descendant is alive.
   */
  private boolean nothingLeft(WorkerHandle worker) {
    return worker.hasExited()
        && !natives.groupHasMembers(worker.pgid())
        && worker.descendants().stream().noneMatch(ProcessRef::isAlive)
        && tagged(worker).isEmpty();
  }

  /**
   * Live processes other than the leader that still carry the worker's id in their environment:
   * what a daemon started by the worker becomes once it left the group and its parent died
   * between two scans of the descendant tracker ({@code eval $(ssh-agent -s)}: fork, setsid,
   * chdir /, parent exits). Only a process that cleared its environment escapes this; a cgroup
   * holds that one too.
   */
  private static List<ProcessRef> tagged(WorkerHandle worker) {
    ProcessRef leader = new ProcessRef(worker.pid(), worker.startTicks());
    return TaggedProcesses.carrying(TaggedProcesses.WORKER_ID, worker.workerId().toString()).stream()
        .filter(process -> !process.equals(leader))
        .toList();
  }

  /**
   * Live members of the worker's group, live recorded descendants and live processes carrying the
   * worker's id. A live member pins the pgid, so members are ours, unless a new process now owns
   * the leader's pid (then the number was recycled into a new group and its members are someone
   * else's).
   */
  private static Set<ProcessRef> survivors(WorkerHandle worker) {
    List<ProcStat> processes = ProcStat.all();
    boolean groupRecycled = processes.stream()
        .anyMatch(p -> p.pid() == worker.pgid() && p.startTicks() != worker.startTicks());
    Set<ProcessRef> alive = processes.stream()
        .filter(p -> !groupRecycled && p.pgrp() == worker.pgid() && p.pid() != worker.pid() && !p.isZombie())
        .map(p -> new ProcessRef(p.pid(), p.startTicks()))
        .collect(Collectors.toSet());
    worker.descendants().stream().filter(ProcessRef::isAlive).forEach(alive::add);
    alive.addAll(tagged(worker));
    return alive;
  }
}
