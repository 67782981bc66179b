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
 * One worker process. No status setter: {@link #beginStop}, {@link #markExited} and
 * {@link #markLost} are the only moves, and they throw on an illegal one.
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

  @Version private long version;

  protected Worker() {
    // for JPA
  }

  /** A worker just spawned: RUNNING. */
  Worker(
      UUID id, UUID environmentId, String profile, List<String> args, int pid, int pgid, long processStartTicks,
      String bootId, String node, Instant startedAt) {
    this.id = id;
    this.environmentId = environmentId;
    this.profile = profile;
    this.args = List.copyOf(args);
    this.pid = pid;
    this.pgid = pgid;
    this.processStartTicks = processStartTicks;
    this.bootId = bootId;
    this.node = node;
    this.status = WorkerStatus.RUNNING;
    this.startedAt = startedAt;
  }

  /** RUNNING -> STOPPING: committed before the first signal. */
  void beginStop() {
    moveTo(WorkerStatus.STOPPING);
  }

  /** -> EXITED with what the reaper saw ({@code exitCode} and {@code signal} null when unknown). */
  void markExited(Integer exitCode, Integer signal, String error, Instant now) {
    moveTo(WorkerStatus.EXITED);
    this.exitCode = exitCode;
    this.signal = signal;
    this.exitedAt = now;
    this.lastError = truncate(error);
  }

  /** -> LOST: the process could not be confirmed gone, or vanished untracked. */
  void markLost(String error, Instant now) {
    moveTo(WorkerStatus.LOST);
    this.exitedAt = now;
    this.lastError = truncate(error);
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
}
