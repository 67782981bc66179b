package io.envkeeper.runtime.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of a worker this service spawned (a restarted worker gets a new handle under the same
 * worker id): its process (pid = pgid, start time, pidfd), its cgroup under cgroup containment, the
 * write end of its stdin (the control channel and keepalive), its output (into the capped log,
 * watched for the ack line and the ready line) and its exit as reported by the reaper. Signals go
 * to the whole process group and every process of its cgroup, and only while they are provably ours.
 */
public final class WorkerHandle {

  private static final Logger log = LoggerFactory.getLogger(WorkerHandle.class);
  /** An output line longer than this is logged but never taken for the ack line. */
  private static final int MAX_ACK_LINE_BYTES = 64 * 1024;

  private final WorkerSpec spec;
  private final Child child;
  private final POSIX posix;
  private final String bootId;
  private final Instant startedAt;
  private final WorkerLog outputLog;
  private final CompletableFuture<Void> ack = new CompletableFuture<>();
  private final CompletableFuture<Instant> ready = new CompletableFuture<>();
  /** Completed once its readiness is in its record (at once for a profile without a ready line). */
  private final CompletableFuture<Void> readyRecorded = new CompletableFuture<>();
  /** Completed once this handle is no longer the worker's live one (ended for good, or replaced). */
  private final CompletableFuture<Void> settled = new CompletableFuture<>();
  private final ScopedReaper reaper;
  private final WorkerCgroup cgroup;
  private final int restarts;
  private final Pattern readyLine;
  private final Set<ProcessRef> descendants = ConcurrentHashMap.newKeySet();
  private final Output output = new Output();
  private volatile boolean ackArmed;
  private int stdinFd;

  WorkerHandle(
      WorkerSpec spec, Child child, ScopedReaper reaper, String bootId, Instant startedAt, int stdinFd,
      WorkerLog outputLog, Incarnation incarnation) {
    this.spec = spec;
    this.child = child;
    this.reaper = reaper;
    this.posix = reaper.natives().posix();
    this.bootId = bootId;
    this.startedAt = startedAt;
    this.stdinFd = stdinFd;
    this.outputLog = outputLog;
    this.cgroup = incarnation.cgroup();
    this.restarts = incarnation.restarts();
    this.readyLine = incarnation.readyLine();
    if (readyLine == null) {
      ready.complete(startedAt); // nothing to wait for: running is ready
    }
  }

  /**
   * What distinguishes one process of a worker from the next.
   *
   * @param restarts how many processes of this worker came before this one
   * @param cgroup its cgroup, or null under process-group containment
   * @param readyLine what in its output makes it ready, or null (ready once running)
   */
  record Incarnation(int restarts, WorkerCgroup cgroup, Pattern readyLine) {}

  public UUID workerId() {
    return spec.workerId();
  }

  public UUID environmentId() {
    return spec.environmentId();
  }

  public String profile() {
    return spec.profile();
  }

  public int pid() {
    return child.pid();
  }

  /** The worker leads its own process group. */
  public int pgid() {
    return child.pid();
  }

  public long startTicks() {
    return child.startTicks();
  }

  public String bootId() {
    return bootId;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Path logFile() {
    return spec.logFile();
  }

  /** How many processes of this worker came before this one (0 for its first). */
  public int restarts() {
    return restarts;
  }

  /** Its cgroup directory, or null under process-group containment. */
  public String cgroupPath() {
    return cgroup == null ? null : cgroup.directory().toString();
  }

  /**
   * Completes with the instant this process became ready: at once for a profile without a ready
   * line, else when a line of its output matched (on the reaper's loop: return at once from it).
   */
  public CompletableFuture<Instant> ready() {
    return ready.copy();
  }

  /** Whether its profile has a ready line to wait for (else it is ready once it runs). */
  public boolean hasReadyLine() {
    return readyLine != null;
  }

  /** Completes once its readiness is recorded; never for a process that ends before it is ready. */
  CompletableFuture<Void> readyRecorded() {
    return readyRecorded.copy();
  }

  void markReadyRecorded() {
    readyRecorded.complete(null);
  }

  /** Completes once this handle is no longer its worker's live one: ended for good, or replaced by a restart. */
  public CompletableFuture<Void> settled() {
    return settled.copy();
  }

  /** Whether it ended for good or was replaced (a worker waiting to restart is not settled). */
  public boolean isSettled() {
    return settled.isDone();
  }

  void settle() {
    settled.complete(null);
  }

  WorkerCgroup cgroup() {
    return cgroup;
  }

  /** Completes (on the reaper's loop) when the reaper collected the worker. */
  public CompletableFuture<ExitStatus> exit() {
    return child.exit().copy();
  }

  public boolean hasExited() {
    return child.exit().isDone();
  }

  WorkerSpec spec() {
    return spec;
  }

  /** Processes seen descending from this worker while it lived (also ones that left its group). */
  Set<ProcessRef> descendants() {
    return Set.copyOf(descendants);
  }

  void recordDescendants(Collection<ProcessRef> seen) {
    descendants.addAll(seen);
  }

  // --- the control channel ------------------------------------------------------------------

  /** From here on, a line equal to the profile's ack line completes {@link #ack()}. */
  void armAck() {
    ackArmed = true;
  }

  CompletableFuture<Void> ack() {
    return ack;
  }

  /**
   * Writes one line to the worker's stdin. The descriptor is non-blocking, so a worker that never
   * reads cannot hang the service: a full pipe is reported as false, like a closed one.
   */
  synchronized boolean writeLine(String line) {
    if (stdinFd < 0) {
      return false;
    }
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    int written = posix.write(stdinFd, bytes, bytes.length);
    if (written != bytes.length) {
      log.warn("environment {}: worker {} pid {}: shutdown message not delivered ({})",
          environmentId(), workerId(), pid(), written < 0 ? LinuxProcessCalls.errnoName(posix.errno()) : "short write");
      return false;
    }
    return true;
  }

  /** Closes our end of stdin: the worker reads EOF, as it would if the service died. */
  synchronized void closeStdin() {
    if (stdinFd >= 0) {
      posix.close(stdinFd);
      stdinFd = -1;
    }
  }

  // --- signals --------------------------------------------------------------------------------

  /**
   * Signals the worker: its process group, and under cgroup containment every process of its
   * cgroup (SIGKILL: {@code cgroup.kill}, by the kernel, race-free against forks). While the leader
   * is unreaped its pid (= the pgid) cannot be recycled; a leader that moved to another group is
   * signalled apart, through its pidfd (one signal per process: a handler may count them). Once it
   * is reaped, the group is signalled only if a member we saw descend from the worker is still alive
   * in it (which keeps the pgid from being reused); tracked descendants that left the group are
   * signalled one by one. The processes signalled are announced to the reaper first, so those that
   * are (or become) our children are reaped the moment they die.
   */
  void signalGroup(int signal) {
    if (cgroup != null) {
      signalCgroup(signal);
      return;
    }
    if (!hasExited()) {
      reaper.expectEnds(groupMembers());
      if (ProcStat.of(pid()).map(ProcStat::pgrp).orElse(pgid()) != pgid()) {
        child.signal(signal);
      }
      killGroup(signal);
      return;
    }
    boolean memberAlive = descendants.stream()
        .anyMatch(d -> d.isAlive() && ProcStat.of(d.pid()).map(ProcStat::pgrp).orElse(-1) == pgid());
    if (memberAlive) {
      reaper.expectEnds(groupMembers());
      killGroup(signal);
    }
  }

  private void signalCgroup(int signal) {
    List<ProcessRef> members = cgroupMembers();
    reaper.expectEnds(members);
    if (signal == Signal.SIGKILL.intValue() && cgroup.kill()) {
      return;
    }
    boolean leaderInGroup = !hasExited() && ProcStat.of(pid()).map(ProcStat::pgrp).orElse(pgid()) == pgid();
    if (!hasExited() && !leaderInGroup) {
      child.signal(signal);
    }
    if (!hasExited() || natives().groupHasMembers(pgid()) && members.stream().anyMatch(m -> inGroup(m.pid()))) {
      killGroup(signal);
    }
    // Those that left the group (setsid, a daemon's double fork): one by one, verified by pidfd.
    for (ProcessRef member : members) {
      if (member.pid() != pid() && !inGroup(member.pid())) {
        natives().signalVerified(member, signal);
      }
    }
  }

  private boolean inGroup(int pid) {
    return ProcStat.of(pid).map(ProcStat::pgrp).orElse(-1) == pgid();
  }

  /** The live processes of its cgroup other than the leader (the reaper holds that one). */
  List<ProcessRef> cgroupMembers() {
    List<ProcessRef> members = new ArrayList<>();
    for (int member : cgroup.pids()) {
      if (member != pid()) {
        ProcStat.of(member).ifPresent(stat -> members.add(new ProcessRef(member, stat.startTicks())));
      }
    }
    return members;
  }

  /** Live members of its process group other than the leader, and live recorded descendants. */
  private List<ProcessRef> groupMembers() {
    List<ProcessRef> members = new ArrayList<>();
    for (ProcStat process : ProcStat.all()) {
      if (process.pgrp() == pgid() && process.pid() != pid() && !process.isZombie()) {
        members.add(new ProcessRef(process.pid(), process.startTicks()));
      }
    }
    descendants.stream().filter(ProcessRef::isAlive).filter(d -> !members.contains(d)).forEach(members::add);
    return members;
  }

  private NativeProcesses natives() {
    return reaper.natives();
  }

  private void killGroup(int signal) {
    if (posix.kill(-pgid(), signal) != 0 && posix.errno() != Errno.ESRCH.intValue()) {
      log.warn("environment {}: worker {}: kill(-{}, {}) failed ({})",
          environmentId(), workerId(), pgid(), signal, LinuxProcessCalls.errnoName(posix.errno()));
    }
  }

  // --- output, read by the reaper's loop ------------------------------------------------------

  /** Where the reaper passes the worker's stdout+stderr. */
  OutputSink output() {
    return output;
  }

  /** Into the capped log, and watched for the ack line. Runs on the reaper's loop only. */
  private final class Output implements OutputSink {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public boolean received(byte[] bytes, int length) {
      try {
        outputLog.write(bytes, length);
      } catch (IOException e) {
        log.warn("environment {}: worker {}: log write failed: {}", environmentId(), workerId(), e.toString());
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (bytes[i] == '\n') {
          onLine(line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else if (line.size() < MAX_ACK_LINE_BYTES) {
          line.write(bytes[i]);
        }
      }
      return true;
    }

    @Override
    public void ended() {
      try {
        outputLog.close();
      } catch (IOException e) {
        // nothing more will be written
      }
    }

    private void onLine(String text) {
      if (ackArmed && spec.ackLine() != null && text.strip().equals(spec.ackLine().strip())) {
        ack.complete(null);
      }
      if (readyLine != null && !ready.isDone() && readyLine.matcher(text).find()) {
        ready.complete(Instant.now());
      }
    }
  }
}
