package io.envkeeper.runtime;

import io.envkeeper.config.FaultInjection;
import io.envkeeper.config.FaultPoint;
import io.envkeeper.runtime.process.RestartGate;
import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerProcesses;
import io.envkeeper.runtime.process.WorkerSet;
import io.envkeeper.runtime.watch.WorkspaceWatchers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The only owner of in-memory runtimes. A runtime is created only for an environment that is READY
 * in the database and not in this process's tombstone set, decided under the same per-environment
 * lock that teardown takes: a poll racing a destroy can never re-create what the destroy tore down.
 * Every refused attempt is counted in {@code envkeeper_resurrections_blocked_total}.
 */
@Component
public class RuntimeManager {

  private static final Logger log = LoggerFactory.getLogger(RuntimeManager.class);

  private final Map<UUID, EnvironmentRuntime> runtimes = new ConcurrentHashMap<>();
  private final Map<UUID, CompletableFuture<Void>> closing = new ConcurrentHashMap<>();
  private final EnvironmentLocks locks;
  private final Tombstones tombstones;
  private final ReadyWorkspaces readyWorkspaces;
  private final WorkspaceWatchers watchers;
  private final WorkerProcesses processes;
  private final FaultInjection faults;
  private final Counter resurrectionsBlocked;

  RuntimeManager(
      EnvironmentLocks locks,
      Tombstones tombstones,
      ReadyWorkspaces readyWorkspaces,
      WorkspaceWatchers watchers,
      WorkerProcesses processes,
      FaultInjection faults,
      MeterRegistry meters) {
    this.locks = locks;
    this.tombstones = tombstones;
    this.readyWorkspaces = readyWorkspaces;
    this.watchers = watchers;
    this.processes = processes;
    this.faults = faults;
    this.resurrectionsBlocked =
        Counter.builder("envkeeper.resurrections.blocked")
            .description("Attempts to create a runtime for an environment that is not READY")
            .register(meters);
    Gauge.builder("envkeeper.runtimes.live", runtimes, Map::size)
        .description("Environments with a live in-memory runtime")
        .register(meters);
  }

  /**
   * The environment's runtime, created (watcher started) if it has none yet. A caller that created
   * it (or raced the creator) returns once the watcher's first walk is done or its bound has passed:
   * the walk runs on the watcher's own threads, and the environment's lock is not held meanwhile.
   *
   * @throws RuntimeRefusedException if the environment is not READY or was torn down here
   */
  public EnvironmentRuntime ensure(UUID id) {
    EnvironmentRuntime existing = runtimes.get(id);
    if (existing != null && !tombstones.contains(id)) {
      return existing;
    }
    EnvironmentRuntime runtime = ensureLocked(id);
    runtime.watcher().awaitStarted();
    return runtime;
  }

  private EnvironmentRuntime ensureLocked(UUID id) {
    return locks.withLock(id, () -> {
      if (tombstones.contains(id)) {
        throw refused(id);
      }
      EnvironmentRuntime current = runtimes.get(id);
      if (current != null) {
        return current;
      }
      Path workspace = readyWorkspaces.readyWorkspace(id).orElseThrow(() -> refused(id));
      EnvironmentRuntime created =
          new EnvironmentRuntime(id, workspace, watchers.open(id, workspace), new WorkerSet());
      runtimes.put(id, created);
      log.info("environment {}: runtime started, watching {}", id, workspace);
      return created;
    });
  }

  /**
   * Starts a worker in a READY environment: under the environment's lock (the one teardown takes),
   * after the tombstone and database checks of {@link #ensure}, so no worker is ever started for an
   * environment a destroy has begun on. The worker is recorded before this returns; if recording
   * fails its process group is killed.
   */
  public WorkerHandle startWorker(UUID id, WorkerStart start) {
    return locks.withLock(id, () -> {
      EnvironmentRuntime runtime = ensure(id);
      WorkerHandle worker = processes.start(start.prepare(runtime), spawned -> {
        faults.reached(FaultPoint.AFTER_SPAWN_BEFORE_COMMIT);
        start.record(spawned);
      }, restartGate);
      runtime.workers().add(worker);
      return worker;
    });
  }

  /**
   * Restarts decided by the process core run through here: under the environment's lock, after the
   * same checks as a first start (not tombstoned here, READY in the database), so a restart racing
   * a destroy can never bring a worker back once the destroy began.
   */
  private final RestartGate restartGate = new RestartGate() {
    @Override
    public boolean whileLive(UUID id, Consumer<WorkerSet> restart) {
      return locks.withLock(id, () -> {
        EnvironmentRuntime runtime = runtimes.get(id);
        if (tombstones.contains(id) || runtime == null || readyWorkspaces.readyWorkspace(id).isEmpty()) {
          resurrectionsBlocked.increment();
          log.info("environment {}: worker restart refused (not READY or torn down)", id);
          return false;
        }
        restart.accept(runtime.workers());
        return true;
      });
    }

    @Override
    public <T> T locked(UUID id, Supplier<T> action) {
      return locks.withLock(id, action);
    }
  };

  /** The runtime if one is live; never creates one. */
  public Optional<EnvironmentRuntime> find(UUID id) {
    return Optional.ofNullable(runtimes.get(id));
  }

  /**
   * Tears the runtime down for good: the id is tombstoned first (under the lock, so no ensure can
   * slip in after), then the watcher is closed and the workers stopped. The workers' ends are left
   * for the teardown's outcome to record ({@link WorkerProcesses#pendingEndsOf}). Idempotent; safe
   * when there is no runtime.
   */
  public void teardown(UUID id) {
    close(id, locks.withLock(id, () -> tombstone(id)), true, true);
  }

  /**
   * The reconciler's teardown of a runtime that should not exist: re-checks the database under the
   * lock, so a READY environment created after the reconciler's read is never torn down.
   *
   * @return whether it was torn down
   */
  public boolean teardownIfNotReady(UUID id) {
    Optional<EnvironmentRuntime> runtime = locks.withLock(id, () -> {
      if (readyWorkspaces.readyWorkspace(id).isPresent()) {
        return Optional.<EnvironmentRuntime>empty();
      }
      return Optional.ofNullable(tombstone(id));
    });
    // A close already running (the destroy's own teardown) is not repeated beside it.
    return runtime.isPresent() && close(id, runtime.get(), false, false);
  }

  private EnvironmentRuntime tombstone(UUID id) {
    tombstones.add(id);
    return runtimes.get(id);
  }

  /**
   * Closes the runtime once, however many callers ask at the same time: a caller that finds a close
   * running joins it ({@code joinRunning}) or leaves it to finish. Returns whether this call closed it.
   * With {@code endsRecordedByCaller}, see {@link WorkerProcesses#stopAll}.
   */
  private boolean close(UUID id, EnvironmentRuntime runtime, boolean joinRunning, boolean endsRecordedByCaller) {
    if (runtime == null) {
      return false;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = closing.putIfAbsent(id, mine);
    if (running != null) {
      if (joinRunning) {
        joinClose(running);
      }
      return false;
    }
    try {
      stopEverything(id, runtime, endsRecordedByCaller);
      mine.complete(null);
      return true;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      closing.remove(id, mine);
    }
  }

  private static void joinClose(CompletableFuture<Void> running) {
    try {
      running.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : e;
    }
  }

  /**
   * Closes the watcher (its streams get their final event), then stops every worker in parallel
   * within the overall bound. The runtime is forgotten only once every worker and descendant is
   * confirmed gone; otherwise it stays, so a retried teardown finds the same workers again.
   */
  private void stopEverything(UUID id, EnvironmentRuntime runtime, boolean endsRecordedByCaller) {
    watchers.close(runtime.watcher());
    WorkerProcesses.StopAll stopped = processes.stopAll(
        runtime.workers().all(), runtime.workspace(), runtime.workers().everStarted(), endsRecordedByCaller);
    List<String> failures = new ArrayList<>();
    stopped.outcomes().forEach((worker, outcome) -> {
      if (!outcome.reaped() || outcome.error() != null) {
        failures.add("worker " + worker.workerId() + " pid " + worker.pid() + ": " + outcome.error());
      }
    });
    if (!stopped.orphanSurvivors().isEmpty()) {
      failures.add("adopted processes in the workspace survived SIGKILL: " + stopped.orphanSurvivors());
    }
    if (!failures.isEmpty()) {
      throw new WorkersNotReapedException(id, String.join("; ", failures));
    }
    runtimes.remove(id, runtime);
    log.info("environment {}: runtime torn down ({} worker(s) stopped)", id, stopped.outcomes().size());
  }

  /**
   * The longest {@link #teardown} can take for this environment: its live workers' stop bound (the
   * watcher's close is local and quick). Zero without a runtime.
   */
  public Duration teardownBound(UUID id) {
    EnvironmentRuntime runtime = runtimes.get(id);
    return runtime == null ? Duration.ZERO : processes.stopBound(runtime.workers().all());
  }

  /** Ids of environments with a live runtime. */
  public Set<UUID> liveIds() {
    return Set.copyOf(runtimes.keySet());
  }

  /** Whether the id was torn down in this process (nothing may be created for it again). */
  public boolean isTombstoned(UUID id) {
    return tombstones.contains(id);
  }

  private RuntimeRefusedException refused(UUID id) {
    resurrectionsBlocked.increment();
    log.info("environment {}: runtime refused (not READY or torn down)", id);
    return new RuntimeRefusedException(id);
  }
}
