package io.envkeeper.runtime.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import jnr.constants.platform.Errno;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live worker this service spawned: its process (pid = pgid, start time, pidfd), the write end of
 * its stdin (the control channel and keepalive), its output (into the capped log, watched for the
 * ack line) and its exit as reported by the reaper. Signals go to the whole process group, and only
 * while the group is provably ours.
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
  private final Set<ProcessRef> descendants = ConcurrentHashMap.newKeySet();
  private final Output output = new Output();
  private volatile boolean ackArmed;
  private int stdinFd;

  WorkerHandle(WorkerSpec spec, Child child, POSIX posix, String bootId, Instant startedAt, int stdinFd, WorkerLog outputLog) {
    this.spec = spec;
    this.child = child;
    this.posix = posix;
    this.bootId = bootId;
    this.startedAt = startedAt;
    this.stdinFd = stdinFd;
    this.outputLog = outputLog;
  }

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
   * Signals the worker's process group. While the leader is unreaped its pid (= the pgid) cannot be
   * recycled; a leader that moved to another group is signalled apart, through its pidfd (one
   * signal per process: a handler may count them). Once it is reaped, the group is signalled only if
   * a member we saw descend from the worker is still alive in it (which keeps the pgid from being
   * reused); tracked descendants that left the group are signalled one by one.
   */
  void signalGroup(int signal) {
    if (!hasExited()) {
      if (ProcStat.of(pid()).map(ProcStat::pgrp).orElse(pgid()) != pgid()) {
        child.signal(signal);
      }
      killGroup(signal);
      return;
    }
    boolean memberAlive = descendants.stream()
        .anyMatch(d -> d.isAlive() && ProcStat.of(d.pid()).map(ProcStat::pgrp).orElse(-1) == pgid());
    if (memberAlive) {
      killGroup(signal);
    }
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
    }
  }
}
