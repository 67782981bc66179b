package io.envkeeper.worker;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a process, and for a profile with a restart policy the processes that replace it
 * (same id; {@code pid} names the current or last one). No status setter: {@link #beginBackoff},
 * {@link #restarted}, {@link #beginStop}, {@link #markExited} and {@link #markLost} are the only
 * moves, and they throw on an illegal one.
 */
@Entity
@Table(name = "worker")
public class Worker {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final int MAX_ERROR_LENGTH = 2000;

  @Id private UUID id;

  @Column(nullable = false)
  private UUID environmentId;

  @Column(nullable = false, length = 100)
  private String profile;

  @Convert(converter = ArgsConverter.class)
  @ColumnTransformer(write = "?::jsonb")
  @Column(nullable = false, columnDefinition = "jsonb")
  private List<String> args;

  @Column(nullable = false)
  private int pid;

  @Column(nullable = false)
  private int pgid;

  @Column(nullable = false)
  private long processStartTicks;

  @Column(nullable = false, length = 64)
  private String bootId;

  @Column(nullable = false, length = 253)
  private String node;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private WorkerStatus status;

  @Column(nullable = false)
  private Instant startedAt;

  private Instant exitedAt;

  private Integer exitCode;

  private Integer signal;

  @Column(columnDefinition = "text")
  private String lastError;

  @Column(nullable = false)
  private int restarts;

  @Column(nullable = false)
  private boolean ready;

  private Instant readyAt;

  @Column(columnDefinition = "text")
  private String cgroup;

  @Version private long version;

  protected Worker() {
    // for JPA
  }

  /**
   * A worker just spawned: RUNNING; {@code readyAt} is its start when the profile has no ready line
   * (running is ready), null while a ready line is awaited.
   */
  Worker(
      UUID id, UUID environmentId, String profile, List<String> args, Spawned process, String node, String cgroup) {
    this.id = id;
    this.environmentId = environmentId;
    this.profile = profile;
    this.args = List.copyOf(args);
    this.node = node;
    this.cgroup = cgroup;
    this.status = WorkerStatus.RUNNING;
    this.startedAt = process.startedAt();
    takeProcess(process);
  }

  /** The process a row names: what crash recovery checks before it signals anything. */
  record Spawned(int pid, int pgid, long startTicks, String bootId, Instant startedAt, Instant readyAt) {}

  private void takeProcess(Spawned process) {
    this.pid = process.pid();
    this.pgid = process.pgid();
    this.processStartTicks = process.startTicks();
    this.bootId = process.bootId();
    this.ready = process.readyAt() != null;
    this.readyAt = process.readyAt();
  }

  /** RUNNING -> BACKOFF: the process ended ({@code exitCode}/{@code signal}) and a restart waits. */
  void beginBackoff(Integer exitCode, Integer signal, String note, Instant now) {
    moveTo(WorkerStatus.BACKOFF);
    this.exitCode = exitCode;
    this.signal = signal;
    this.exitedAt = now;
    this.lastError = truncate(note);
    notReady();
  }

  /**
   * BACKOFF -> RUNNING: the same worker in a new process. The end of the previous one is cleared
   * (its reason stays in {@code lastError}); {@code startedAt} stays the worker's first start.
   */
  void restarted(Spawned process) {
    moveTo(WorkerStatus.RUNNING);
    restarts++;
    this.exitCode = null;
    this.signal = null;
    this.exitedAt = null;
    takeProcess(process);
  }

  /** The process {@code pid} printed its ready line; ignored for any other (an earlier) process. */
  boolean markReady(int readyPid, Instant at) {
    if (ready || readyPid != pid || (status != WorkerStatus.RUNNING && status != WorkerStatus.STOPPING)) {
      return false;
    }
    this.ready = true;
    this.readyAt = at;
    return true;
  }

  /**
   * RUNNING or BACKOFF -> STOPPING: committed before the first signal. A worker stopped while it
   * waited to restart says so (its last process's end stays).
   */
  void beginStop() {
    if (status == WorkerStatus.BACKOFF) {
      this.lastError = "stopped while waiting to restart; not restarted";
    }
    moveTo(WorkerStatus.STOPPING);
  }

  /**
   * -> EXITED with what the reaper saw ({@code exitCode} and {@code signal} null when unknown). A
   * worker that was waiting to restart keeps the end of its last process when nothing new is known;
   * {@code lastError} changes only when {@code error} says something (an earlier crash that made
   * the worker restart stays visible).
   */
  void markExited(Integer exitCode, Integer signal, String error, Instant now) {
    boolean knownEnd = exitCode != null || signal != null || exitedAt == null;
    moveTo(WorkerStatus.EXITED);
    if (knownEnd) {
      this.exitCode = exitCode;
      this.signal = signal;
      this.exitedAt = now;
    }
    if (error != null) {
      this.lastError = truncate(error);
    }
    notReady();
  }

  /** -> LOST: the process could not be confirmed gone, or vanished untracked. */
  void markLost(String error, Instant now) {
    moveTo(WorkerStatus.LOST);
    this.exitedAt = now;
    this.lastError = truncate(error);
    notReady();
  }

  private void notReady() {
    this.ready = false;
    this.readyAt = null;
  }

  private void moveTo(WorkerStatus next) {
    if (!status.canMoveTo(next)) {
      throw new IllegalStateException("worker " + id + ": " + status + " -> " + next + " is not allowed");
    }
    log.info("environment {}: worker {}: {} -> {}", environmentId, id, status, next);
    status = next;
  }

  private static String truncate(String error) {
    return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
  }

  public UUID getId() {
    return id;
  }

  public UUID getEnvironmentId() {
    return environmentId;
  }

  public String getProfile() {
    return profile;
  }

  public List<String> getArgs() {
    return List.copyOf(args);
  }

  public int getPid() {
    return pid;
  }

  public int getPgid() {
    return pgid;
  }

  public long getProcessStartTicks() {
    return processStartTicks;
  }

  public String getBootId() {
    return bootId;
  }

  public String getNode() {
    return node;
  }

  public WorkerStatus getStatus() {
    return status;
  }

  public Instant getStartedAt() {
    return startedAt;
  }

  public Instant getExitedAt() {
    return exitedAt;
  }

  public Integer getExitCode() {
    return exitCode;
  }

  public Integer getSignal() {
    return signal;
  }

  public String getLastError() {
    return lastError;
  }

  /** How many times the worker was restarted (a new process under the same id). */
  public int getRestarts() {
    return restarts;
  }

  /** Whether the current process is ready (printed its ready line, or has none to print). */
  public boolean isReady() {
    return ready;
  }

  public Instant getReadyAt() {
    return readyAt;
  }

  /** The worker's cgroup (absolute path), or null under process-group containment. */
  public String getCgroup() {
    return cgroup;
  }
}
