package io.envkeeper.runtime.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the rest of the service may do with the workers of this run: start one, stop them, and
 * the shutdown's last resorts. Spawning, reaping, descendants and the stop protocol stay inside
 * this package. (Workers of an earlier run: {@link LeftoverWorkers}.)
 */
@Component
public class WorkerProcesses {

  private static final Logger log = LoggerFactory.getLogger(WorkerProcesses.class);

  private final WorkerLauncher launcher;
  private final WorkerSupervisor supervisor;
  private final WorkspaceOrphans orphans;
  private final WorkerProperties properties;
  private final StopProtocol protocol;
  private final WorkerContainment containment;

  WorkerProcesses(WorkerLauncher launcher, WorkerSupervisor supervisor, WorkspaceOrphans orphans,
      WorkerProperties properties, StopProtocol protocol, WorkerContainment containment) {
    this.launcher = launcher;
    this.supervisor = supervisor;
    this.orphans = orphans;
    this.properties = properties;
    this.protocol = protocol;
    this.containment = containment;
  }

  /**
   * Spawns the worker (registered with the reaper, its output read), has the caller record it
   * ({@code record}, e.g. commit its row), then follows it until it ends for good, restarting it as
   * its profile says through {@code restarts}. If recording throws, the worker is killed at once
   * (bounded by the profile's kill timeout) and the exception goes on: no worker ever runs
   * unrecorded.
   *
   * @throws WorkspaceUnusableException when its workspace is missing or no longer the recorded one
   * @throws SpawnFailedException when it cannot be started
   */
  public WorkerHandle start(WorkerSpec spec, Consumer<WorkerHandle> record, RestartGate restarts) {
    WorkerHandle worker = launcher.launch(spec, 0);
    try {
      record.accept(worker);
    } catch (RuntimeException | Error e) {
      log.warn("environment {}: worker {} could not be recorded; killing its process group",
          spec.environmentId(), spec.workerId());
      kill(worker);
      worker.settle();
      throw e;
    }
    supervisor.supervise(worker, restarts);
    return worker;
  }

  /**
   * Waits up to {@code timeout} until the worker is ready (its readiness recorded), or ended for
   * good; a process that ends first is followed by its restart.
   */
  public void awaitReady(UUID workerId, Duration timeout) {
    supervisor.awaitReady(workerId, timeout);
  }

  /** Whether workers run in cgroups of their own (else: process group and descendant tracking). */
  public boolean usesCgroups() {
    return containment.usesCgroups();
  }

  /** Stops the worker with its profile's protocol; joins a stop already running. */
  public CompletableFuture<StopOutcome> stop(WorkerHandle worker) {
    return supervisor.stop(worker);
  }

  /**
   * An environment's teardown: stops these workers in parallel within {@code destroy-timeout}, then
   * kills adopted orphans still in {@code workspace}; see {@link StopAll}. With {@code
   * endsRecordedByCaller} the workers' ends are not committed one by one: they wait in {@link
   * #pendingEndsOf} for the caller's transaction (the teardown's outcome), else for {@link
   * #recordPendingEnds()}.
   */
  public StopAll stopAll(Collection<WorkerHandle> workers, Path workspace, boolean workersEverStarted,
      boolean endsRecordedByCaller) {
    Map<WorkerHandle, StopOutcome> outcomes = supervisor.stopAll(workers, properties.destroyTimeout(), endsRecordedByCaller);
    List<Integer> survivors = workersEverStarted ? orphans.killThoseIn(workspace) : List.of();
    return new StopAll(outcomes, survivors);
  }

  /**
   * The longest {@link #stopAll} can take for these workers: the slowest one's whole protocol
   * (its wait for leftovers after the reap included), never more than {@code destroy-timeout}.
   * Zero without workers.
   */
  public Duration stopBound(Collection<WorkerHandle> workers) {
    Duration slowest = Duration.ZERO;
    for (WorkerHandle worker : workers) {
      Duration total = protocol.bound(worker);
      if (total.compareTo(slowest) > 0) {
        slowest = total;
      }
    }
    return slowest.compareTo(properties.destroyTimeout()) < 0 ? slowest : properties.destroyTimeout();
  }

  /** Bound on stopping the workers of an earlier run of one environment (known only from rows). */
  public Duration leftoverStopBound() {
    return properties.destroyTimeout();
  }

  /**
   * How stopping all workers of an environment ended.
   *
   * @param outcomes each worker's stop (not reaped: LOST)
   * @param orphanSurvivors adopted processes in the workspace still alive after SIGKILL
   */
  public record StopAll(Map<WorkerHandle, StopOutcome> outcomes, List<Integer> orphanSurvivors) {}

  /** Service shutdown: every live worker in parallel, SIGKILL at the deadline; returns how many. */
  public int stopEveryWorker(Duration deadline) {
    return supervisor.stopEveryWorker(deadline);
  }

  /** Last resort before a halt: SIGKILL to every live worker's group and descendants, no waiting. */
  public void killEveryWorkerNow() {
    supervisor.killEveryWorkerNow();
  }

  /** The ends of this environment's workers not recorded yet, for the caller to record. */
  public Map<WorkerHandle, StopOutcome> pendingEndsOf(UUID environmentId) {
    return supervisor.pendingEndsOf(environmentId);
  }

  /** The caller committed this worker's end (after {@link #pendingEndsOf}): no longer pending. */
  public void endRecorded(WorkerHandle worker) {
    supervisor.endRecorded(worker);
  }

  /** Records ends that failed to record earlier (database away); returns how many still wait. */
  public int recordPendingEnds() {
    return supervisor.recordPendingEnds();
  }

  private void kill(WorkerHandle worker) {
    Duration bound = properties.stopTimeoutsOf(worker.profile()).killTimeout();
    if (!protocol.killNow(worker, bound)) {
      log.error("environment {}: worker {} pid {} not reaped {} after SIGKILL; the reaper keeps its pid",
          worker.environmentId(), worker.workerId(), worker.pid(), bound);
    }
  }
}
