package io.envkeeper.worker;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.runtime.process.ExitStatus;
import io.envkeeper.runtime.process.OrphanedWorkerStopper;
import io.envkeeper.runtime.process.ProcStat;
import io.envkeeper.runtime.process.ProcessRef;
import io.envkeeper.runtime.process.TaggedProcesses;
import io.envkeeper.runtime.process.WorkerProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Crash recovery: workers recorded RUNNING or STOPPING by an earlier run of the service on this node.
 * A process with the recorded pid, the same start time and the same boot id is stopped (SIGTERM,
 * grace, SIGKILL to its group) and marked EXITED, or LOST if it survives; anything else is marked
 * LOST. A pid whose start time does not match is never signalled (it was recycled).
 */
@Component
public class WorkerRecovery implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WorkerRecovery.class);
  private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofSeconds(2);
  static final String WORKER_ID_VARIABLE = "ENVKEEPER_WORKER_ID";
  static final String ENVIRONMENT_ID_VARIABLE = "ENVKEEPER_ENVIRONMENT_ID";

  private final WorkerRepository workers;
  private final WorkerRecords records;
  private final OrphanedWorkerStopper stopper;
  private final WorkerProperties properties;
  private final NodeProperties node;
  private final String bootId = ProcStat.bootId();
  /** Rows started before this instant belong to an earlier run: this run's workers have handles. */
  private final Instant runStartedAt;
  private final NodeEnvironments environments;
  private volatile boolean untrackedSwept;
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "worker-recovery");
    thread.setDaemon(true);
    return thread;
  });

  WorkerRecovery(
      WorkerRepository workers, WorkerRecords records, OrphanedWorkerStopper stopper, WorkerProperties properties,
      NodeProperties node, NodeEnvironments environments, Clock clock) {
    this.environments = environments;
    this.workers = workers;
    this.records = records;
    this.stopper = stopper;
    this.properties = properties;
    this.node = node;
    this.runStartedAt = clock.instant();
  }

  /**
   * Recovers every unfinished worker of earlier runs on this node, in parallel; the first call also
   * stops workers of earlier runs that have no row at all. Returns how many were recovered.
   */
  public int recoverAll() {
    List<Worker> unfinished = workers.findUnfinishedStartedBefore(node.id(), runStartedAt);
    awaitAll(unfinished.stream().map(this::recoverAsync).toList());
    int untracked = untrackedSwept ? 0 : stopUntrackedWorkers();
    untrackedSwept = true;
    return unfinished.size() + untracked;
  }

  /**
   * A crash between a worker's spawn and the commit of its row leaves a process no row names. Every
   * worker carries {@code ENVKEEPER_WORKER_ID}: a process started before this run with an id that
   * has no unfinished row, in an environment of this node, is such an orphan and is stopped.
   */
  private int stopUntrackedWorkers() {
    List<TaggedProcesses.Tagged> tagged = TaggedProcesses.carrying(WORKER_ID_VARIABLE);
    java.util.Set<Integer> leaders = new java.util.HashSet<>();
    tagged.forEach(t -> leaders.add(t.process().pid()));
    int stopped = 0;
    for (TaggedProcesses.Tagged process : tagged) {
      boolean diesWithItsLeader = process.pgid() != process.process().pid() && leaders.contains(process.pgid());
      if (diesWithItsLeader || !process.startedAt().isBefore(runStartedAt) || !isUntrackedHere(process)) {
        continue;
      }
      log.warn("worker {} pid {}: running without an unfinished row (spawned just before a crash, or left"
          + " behind by an earlier run); stopping it", process.variables().get(WORKER_ID_VARIABLE), process.process().pid());
      if (!stopper.stop(process.process(), process.pgid(), DEFAULT_STOP_GRACE, DEFAULT_KILL_TIMEOUT)) {
        log.error("pid {} survived SIGKILL", process.process().pid());
      }
      stopped++;
    }
    return stopped;
  }

  private boolean isUntrackedHere(TaggedProcesses.Tagged tagged) {
    try {
      UUID workerId = UUID.fromString(tagged.variables().get(WORKER_ID_VARIABLE));
      UUID environmentId = UUID.fromString(tagged.variables().getOrDefault(ENVIRONMENT_ID_VARIABLE, ""));
      boolean tracked = workers.findById(workerId).map(w -> !w.getStatus().isTerminal()).orElse(false);
      return !tracked && environments.isOnNode(environmentId, node.id());
    } catch (IllegalArgumentException e) {
      return false; // not a variable we set
    }
  }

  /**
   * Recovers the unfinished workers of earlier runs in one environment (its teardown).
   *
   * @return descriptions of processes that are still alive afterwards (empty when all are gone)
   */
  public List<String> recoverEnvironment(UUID environmentId) {
    List<Worker> unfinished = workers.findByEnvironmentIdOrderByStartedAtAscIdAsc(environmentId).stream()
        .filter(w -> !w.getStatus().isTerminal() && w.getStartedAt().isBefore(runStartedAt))
        .toList();
    List<String> survivors = new ArrayList<>();
    for (CompletableFuture<Optional<String>> recovery : unfinished.stream().map(this::recoverAsync).toList()) {
      recovery.join().ifPresent(survivors::add);
    }
    return survivors;
  }

  /** Whether this row belongs to an earlier run of the service (no live handle can exist for it). */
  boolean isFromEarlierRun(Worker worker) {
    return worker.getStartedAt().isBefore(runStartedAt);
  }

  CompletableFuture<Optional<String>> recoverAsync(Worker worker) {
    return CompletableFuture.supplyAsync(() -> recover(worker), executor);
  }

  /** @return a description of the process if it is still alive afterwards */
  private Optional<String> recover(Worker worker) {
    UUID id = worker.getId();
    if (!bootId.equals(worker.getBootId())) {
      records.lost(id, "the host rebooted after it started; exit status unknown");
      return Optional.empty();
    }
    ProcessRef leader = new ProcessRef(worker.getPid(), worker.getProcessStartTicks());
    Optional<ProcStat> stat = ProcStat.of(worker.getPid());
    if (stat.isEmpty() || stat.get().startTicks() != worker.getProcessStartTicks()) {
      records.lost(id, "gone while the service was down; exit status unknown");
      return Optional.empty();
    }
    if (stat.get().isZombie()) {
      records.exited(id, ExitStatus.unknown(), "ended while the service was down; exit status unknown");
      return Optional.empty();
    }
    log.warn("environment {}: worker {} pid {} outlived an earlier run of the service; stopping it",
        worker.getEnvironmentId(), id, worker.getPid());
    records.beginStop(id);
    WorkerProperties.Profile profile = properties.profiles().get(worker.getProfile());
    Duration grace = profile != null ? profile.stopGrace() : DEFAULT_STOP_GRACE;
    Duration kill = profile != null ? profile.killTimeout() : DEFAULT_KILL_TIMEOUT;
    if (stopper.stop(leader, worker.getPgid(), grace, kill)) {
      records.exited(id, ExitStatus.unknown(), "stopped by crash recovery after a restart; exit status unknown");
      return Optional.empty();
    }
    String error = "pid " + worker.getPid() + " survived SIGKILL during crash recovery";
    records.lost(id, error);
    return Optional.of("worker " + id + ": " + error);
  }

  private static void awaitAll(List<CompletableFuture<Optional<String>>> recoveries) {
    recoveries.forEach(CompletableFuture::join);
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
