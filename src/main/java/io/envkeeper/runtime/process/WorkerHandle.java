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
 * its stdin (the control channel and keepalive), the reader of its output, and its exit as reported
 * by the reaper. Signals go to the whole process group, and only while the group is provably ours.
 */
public final class WorkerHandle {

  private static final Logger log = LoggerFactory.getLogger(WorkerHandle.class);
  /** An output line longer than this is logged but never taken for the ack line. */
  private static final int MAX_ACK_LINE_BYTES = 64 * 1024;

  private final WorkerSpec spec;
  private final NativeProcesses natives;
  private final POSIX posix;
  private final int pid;
  private final long startTicks;
  private final String bootId;
  private final Instant startedAt;
  private final WorkerLog output;
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  private final CompletableFuture<Void> ack = new CompletableFuture<>();
  private final Set<ProcessRef> descendants = ConcurrentHashMap.newKeySet();
  private volatile boolean ackArmed;
  private int pidfd;
  private int stdinFd;

  WorkerHandle(
      WorkerSpec spec, NativeProcesses natives, int pid, long startTicks, String bootId, Instant startedAt,
      int pidfd, int stdinFd, WorkerLog output) {
    this.spec = spec;
    this.natives = natives;
    this.posix = natives.posix();
    this.pid = pid;
    this.startTicks = startTicks;
    this.bootId = bootId;
    this.startedAt = startedAt;
    this.pidfd = pidfd;
    this.stdinFd = stdinFd;
    this.output = output;
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
    return pid;
  }

  /** The worker leads its own process group. */
  public int pgid() {
    return pid;
  }

  public long startTicks() {
    return startTicks;
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

  /** Completes (on the reaper thread) when the reaper collected the worker. */
  public CompletableFuture<ExitStatus> exit() {
    return exit.copy();
  }

  public boolean hasExited() {
    return exit.isDone();
  }

  /** Processes seen descending from this worker while it lived (also ones that left its group). */
  public Set<ProcessRef> descendants() {
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
      log.warn("environment {}: worker {} pid {}: shutdown message not delivered (errno {})",
          environmentId(), workerId(), pid, written < 0 ? posix.errno() : "short write");
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
   * recycled, and the leader itself is signalled through its pidfd. Once it is reaped, the group is
   * signalled only if a member we saw descend from the worker is still alive in it (which keeps the
   * pgid from being reused); tracked descendants that left the group are signalled one by one.
   */
  synchronized void signalGroup(int signal) {
    if (!exit.isDone()) {
      if (pidfd >= 0) {
        natives.pidfdSignal(pidfd, signal);
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
      log.warn("environment {}: worker {}: kill(-{}, {}) failed with errno {}",
          environmentId(), workerId(), pgid(), signal, posix.errno());
    }
  }

  // --- events from the reaper and the output reader -------------------------------------------

  void onExit(ExitStatus status) {
    synchronized (this) {
      if (pidfd >= 0) {
        posix.close(pidfd);
        pidfd = -1;
      }
    }
    exit.complete(status);
  }

  /** Reads the worker's stdout+stderr until EOF: into the capped log, and watching for the ack. */
  void readOutput(int fd) {
    byte[] buffer = new byte[8192];
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      while (true) {
        int n = posix.read(fd, buffer, buffer.length);
        if (n == 0) {
          return; // EOF: every holder of the write end (the worker and its children) is gone
        }
        if (n < 0) {
          if (posix.errno() == Errno.EINTR.intValue()) {
            continue;
          }
          return;
        }
        output.write(buffer, n);
        scanLines(buffer, n, line);
      }
    } catch (IOException e) {
      log.warn("environment {}: worker {}: log write failed: {}", environmentId(), workerId(), e.toString());
    } finally {
      posix.close(fd);
      try {
        output.close();
      } catch (IOException e) {
        // nothing more will be written
      }
    }
  }

  private void scanLines(byte[] buffer, int length, ByteArrayOutputStream line) {
    for (int i = 0; i < length; i++) {
      if (buffer[i] == '\n') {
        onLine(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else if (line.size() < MAX_ACK_LINE_BYTES) {
        line.write(buffer[i]);
      }
    }
  }

  private void onLine(String line) {
    if (ackArmed && spec.ackLine() != null && line.strip().equals(spec.ackLine().strip())) {
      ack.complete(null);
    }
  }
}
