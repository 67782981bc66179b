package io.envkeeper.worker;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.runtime.process.ExitStatus;
import io.envkeeper.runtime.process.LeftoverWorkers.Recorded;
import io.envkeeper.runtime.process.LeftoverWorkers.Tagged;
import io.envkeeper.runtime.process.LeftoverWorkers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>Each leftover is handled once, whichever path reaches it (a recovery pass, a client's stop, an
 * environment's teardown) and however many at the same time: recoveries run one per worker (a
 * second caller joins the first), a row already finished is never handled again, and the sweep for
 * processes no row names leaves alone every process a row names.
 */
@Component
public class WorkerRecovery implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WorkerRecovery.class);
  static final String WORKER_ID_VARIABLE = LeftoverWorkers.WORKER_ID_VARIABLE;
  static final String ENVIRONMENT_ID_VARIABLE = "ENVKEEPER_ENVIRONMENT_ID";

  private final WorkerRepository workers;
  private final WorkerRecords records;
  private final LeftoverWorkers leftovers;
  private final NodeProperties node;
  private final NodeEnvironments environments;
  /** Rows started before this instant belong to an earlier run: this run's workers have handles. */
  private final Instant runStartedAt;
  private final Map<UUID, CompletableFuture<Optional<String>>> recoveriesInFlight = new ConcurrentHashMap<>();
  private volatile boolean untrackedSwept;
  /** Threads are made on demand (none at construction) and die after a minute idle. */
  private final ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.named("worker-recovery"));

  WorkerRecovery(
      WorkerRepository workers, WorkerRecords records, LeftoverWorkers leftovers, NodeProperties node,
      NodeEnvironments environments, Clock clock) {
    this.workers = workers;
    this.records = records;
    this.leftovers = leftovers;
    this.node = node;
    this.environments = environments;
    this.runStartedAt = clock.instant();
  }

  /**
   * Recovers every unfinished worker of earlier runs on this node, in parallel; the first call also
   * stops workers of earlier runs that have no row at all. Returns how many were recovered.
   */
  public int recoverAll() {
    List<Worker> unfinished = workers.findUnfinishedStartedBefore(node.id(), runStartedAt);
    unfinished.stream().map(this::recoverAsync).toList().forEach(CompletableFuture::join);
    int untracked = untrackedSwept ? 0 : stopUntrackedWorkers();
    untrackedSwept = true;
    return unfinished.size() + untracked;
  }

  /**
   * A crash between a worker's spawn and the commit of its row leaves a process no row names. Every
   * worker carries {@code ENVKEEPER_WORKER_ID}: a process started before this run, in an environment
   * of this node, that no unfinished row accounts for, and that is not itself the process a row
   * recorded (that one is the row's to handle), is such an orphan and is stopped.
   */
  private int stopUntrackedWorkers() {
    List<Tagged> tagged = leftovers.carrying(WORKER_ID_VARIABLE);
    java.util.Set<Integer> leaders = new java.util.HashSet<>();
    tagged.forEach(t -> leaders.add(t.process().pid()));
    int stopped = 0;
    for (Tagged process : tagged) {
      boolean diesWithItsLeader = process.process().pgid() != process.process().pid() && leaders.contains(process.process().pgid());
      if (diesWithItsLeader || !process.startedAt().isBefore(runStartedAt) || !isUntrackedHere(process)) {
        continue;
      }
      log.warn("worker {} pid {}: running without an unfinished row (spawned just before a crash, or left"
          + " behind by an earlier run); stopping it", process.variables().get(WORKER_ID_VARIABLE), process.process().pid());
      if (!leftovers.stop(process.process(), null)) {
        log.error("pid {} survived SIGKILL", process.process().pid());
      }
      // Its cgroup, if it got one, is in no row either: what its processes left there goes too.
      String cgroupSurvivors = leftovers.killCgroupOf(UUID.fromString(process.variables().get(WORKER_ID_VARIABLE)));
      if (cgroupSurvivors != null) {
        log.error("worker {}: {}", process.variables().get(WORKER_ID_VARIABLE), cgroupSurvivors);
      }
      stopped++;
    }
    return stopped;
  }

  private boolean isUntrackedHere(Tagged tagged) {
    try {
      UUID workerId = UUID.fromString(tagged.variables().get(WORKER_ID_VARIABLE));
      UUID environmentId = UUID.fromString(tagged.variables().getOrDefault(ENVIRONMENT_ID_VARIABLE, ""));
      Optional<Worker> row = workers.findById(workerId);
      boolean accountedFor = row.map(w -> !w.getStatus().isTerminal() || isTheRecordedProcess(w, tagged.process()))
          .orElse(false);
      return !accountedFor && environments.isOnNode(environmentId, node.id());
    } catch (IllegalArgumentException e) {
      return false; // not a variable we set
    }
  }

  private static boolean isTheRecordedProcess(Worker row, Recorded process) {
    return row.getPid() == process.pid() && row.getProcessStartTicks() == process.startTicks();
  }

  /**
   * Recovers the unfinished workers of earlier runs in one environment (its teardown).
   *
   * @return descriptions of their processes still alive afterwards (empty when all are gone)
   */
  public List<String> recoverEnvironment(UUID environmentId) {
    List<Worker> earlier = workers.findByEnvironmentIdOrderByStartedAtAscIdAsc(environmentId).stream()
        .filter(w -> w.getStartedAt().isBefore(runStartedAt))
        .toList();
    List<CompletableFuture<Optional<String>>> recoveries =
        earlier.stream().filter(w -> !w.getStatus().isTerminal()).map(this::recoverAsync).toList();
    List<String> survivors = new ArrayList<>();
    recoveries.forEach(recovery -> recovery.join().ifPresent(survivors::add));
    // One handled before and LOST still runs: reported, not handled again.
    earlier.stream()
        .filter(w -> w.getStatus() == WorkerStatus.LOST && leftovers.inspect(recordedOf(w)) == LeftoverWorkers.State.RUNNING)
        .forEach(w -> survivors.add("worker " + w.getId() + ": pid " + w.getPid() + " still runs after SIGKILL"));
    return survivors;
  }

  /**
   * Whether an environment created at {@code createdAt} can have workers of an earlier run of the
   * service (only one created before this run started can).
   */
  boolean mayHaveEarlierRunWorkers(Instant createdAt) {
    return createdAt == null || !createdAt.isAfter(runStartedAt);
  }

  /** Whether this row belongs to an earlier run of the service (no live handle can exist for it). */
  boolean isFromEarlierRun(Worker worker) {
    return worker.getStartedAt().isBefore(runStartedAt);
  }

  /** Recovers one worker of an earlier run; joins its recovery if one is already under way. */
  CompletableFuture<Optional<String>> recoverAsync(Worker worker) {
    UUID id = worker.getId();
    CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<String>> running = recoveriesInFlight.putIfAbsent(id, mine);
    if (running != null) {
      return running;
    }
    try {
      executor.execute(() -> {
        try {
          mine.complete(recover(id));
        } catch (RuntimeException e) {
          mine.completeExceptionally(e);
        } finally {
          recoveriesInFlight.remove(id, mine);
        }
      });
    } catch (RuntimeException rejected) {
      recoveriesInFlight.remove(id, mine);
      mine.completeExceptionally(rejected);
    }
    return mine;
  }

  /** @return a description of the process if it is still alive afterwards */
  private Optional<String> recover(UUID id) {
    Optional<Worker> unfinished = workers.findById(id).filter(w -> !w.getStatus().isTerminal());
    if (unfinished.isEmpty()) {
      return Optional.empty(); // handled already, by whichever path came first
    }
    Worker worker = unfinished.get();
    Optional<String> survivors = recoverProcess(worker);
    // Whatever its processes left in its cgroup (a daemon that left the process group) goes too.
    String cgroupSurvivors = leftovers.killCgroup(worker.getCgroup(), id, worker.getProfile());
    if (cgroupSurvivors != null) {
      log.error("environment {}: worker {}: {}", worker.getEnvironmentId(), id, cgroupSurvivors);
      return Optional.of("worker " + id + ": " + cgroupSurvivors);
    }
    return survivors;
  }

  private Optional<String> recoverProcess(Worker worker) {
    UUID id = worker.getId();
    if (worker.getStatus() == WorkerStatus.BACKOFF) {
      // Its process had ended; the restart it waited for belonged to the run that is gone.
      records.exited(id, ExitStatus.unknown(), "not restarted: the service restarted while it waited to restart");
      return Optional.empty();
    }
    Recorded process = recordedOf(worker);
    switch (leftovers.inspect(process)) {
      case ANOTHER_BOOT -> {
        records.lost(id, "the host rebooted after it started; exit status unknown");
        return Optional.empty();
      }
      case GONE -> {
        records.lost(id, "gone while the service was down; exit status unknown");
        return Optional.empty();
      }
      case ENDED -> {
        records.exited(id, ExitStatus.unknown(), "ended while the service was down; exit status unknown");
        return Optional.empty();
      }
      case RUNNING -> {
        return stop(worker, process);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private Optional<String> stop(Worker worker, Recorded process) {
    UUID id = worker.getId();
    log.warn("environment {}: worker {} pid {} outlived an earlier run of the service; stopping it",
        worker.getEnvironmentId(), id, worker.getPid());
    records.beginStop(id);
    if (leftovers.stop(process, worker.getProfile())) {
      records.exited(id, ExitStatus.unknown(), "stopped by crash recovery after a restart; exit status unknown");
      return Optional.empty();
    }
    String error = "pid " + worker.getPid() + " survived SIGKILL during crash recovery";
    records.lost(id, error);
    return Optional.of("worker " + id + ": " + error);
  }

  private static Recorded recordedOf(Worker worker) {
    return new Recorded(worker.getPid(), worker.getPgid(), worker.getProcessStartTicks(), worker.getBootId());
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
