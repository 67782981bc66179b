package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import io.envkeeper.deadline.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Follows live workers: records each one's end (by itself or by a stop) through the
 * {@link WorkerLifecycle}, and runs stops, one protocol per worker at a time however many callers
 * ask. An end that could not be recorded (database away) is kept and retried by
 * {@link #recordPendingEnds()}, so no outcome is lost.
 */
@Component
class WorkerSupervisor implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

  private final StopProtocol protocol;
  private final DescendantTracker tracker;
  private final WorkerProperties properties;
  private final WorkerLifecycle lifecycle;
  /** Threads are made on demand (none at construction) and die after a minute idle. */
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "worker-stop");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<UUID, CompletableFuture<StopOutcome>> stopsInFlight = new ConcurrentHashMap<>();
  private final Map<UUID, PendingEnd> pendingEnds = new ConcurrentHashMap<>();
  /** Every worker of this context not yet reaped. */
  private final Map<UUID, WorkerHandle> live = new ConcurrentHashMap<>();

  private record PendingEnd(WorkerHandle worker, StopOutcome outcome) {}

  WorkerSupervisor(
      StopProtocol protocol, DescendantTracker tracker, WorkerProperties properties, WorkerLifecycle lifecycle) {
    this.protocol = protocol;
    this.tracker = tracker;
    this.properties = properties;
    this.lifecycle = lifecycle;
  }

  /** Starts following a freshly spawned (and recorded) worker. */
  void supervise(WorkerHandle worker) {
    live.put(worker.workerId(), worker);
    tracker.track(worker);
    worker.exit().thenRun(() -> live.remove(worker.workerId(), worker));
    worker.exit().thenAcceptAsync(
        status -> {
          if (!stopsInFlight.containsKey(worker.workerId())) {
            record(worker, StopOutcome.exited(status, null));
          }
        },
        executor);
  }

  /**
   * Stops the worker with its profile's protocol; joins a stop already running. The STOPPING state is
   * recorded before this returns (and before any signal); if it cannot be, this throws.
   */
  CompletableFuture<StopOutcome> stop(WorkerHandle worker) {
    return stopEach(List.of(worker)).get(worker);
  }

  /**
   * Stops all these workers in parallel within one overall bound. A worker whose stop did not
   * finish in time, or could not start, has a LOST outcome here (its stop may still finish later).
   */
  Map<WorkerHandle, StopOutcome> stopAll(Collection<WorkerHandle> workers, Duration overall) {
    Deadline deadline = Deadline.in(overall);
    Map<WorkerHandle, CompletableFuture<StopOutcome>> stops;
    try {
      stops = stopEach(workers);
    } catch (RuntimeException e) {
      stops = new LinkedHashMap<>();
      for (WorkerHandle worker : workers) {
        stops.put(worker, CompletableFuture.failedFuture(e));
      }
    }
    Map<WorkerHandle, StopOutcome> outcomes = new LinkedHashMap<>();
    stops.forEach((worker, stop) -> outcomes.put(worker, outcomeBy(stop, deadline)));
    return outcomes;
  }

  /**
   * Records STOPPING for every worker not already being stopped, in one commit, then starts their
   * protocols in parallel; workers already being stopped join their running stop.
   */
  private Map<WorkerHandle, CompletableFuture<StopOutcome>> stopEach(Collection<WorkerHandle> workers) {
    Map<WorkerHandle, CompletableFuture<StopOutcome>> stops = new LinkedHashMap<>();
    List<WorkerHandle> starting = new ArrayList<>();
    for (WorkerHandle worker : workers) {
      CompletableFuture<StopOutcome> mine = new CompletableFuture<>();
      CompletableFuture<StopOutcome> running = stopsInFlight.putIfAbsent(worker.workerId(), mine);
      stops.put(worker, running != null ? running : mine);
      if (running == null) {
        starting.add(worker);
      }
    }
    if (starting.isEmpty()) {
      return stops;
    }
    try {
      lifecycle.stopping(starting); // committed before the first signal; throws if it cannot be
    } catch (RuntimeException e) {
      for (WorkerHandle worker : starting) {
        CompletableFuture<StopOutcome> mine = stops.get(worker);
        stopsInFlight.remove(worker.workerId(), mine);
        mine.completeExceptionally(e);
      }
      throw e;
    }
    tracker.scanNow(starting);
    for (WorkerHandle worker : starting) {
      CompletableFuture<StopOutcome> mine = stops.get(worker);
      executor.execute(() -> runProtocol(worker, mine));
    }
    return stops;
  }

  private void runProtocol(WorkerHandle worker, CompletableFuture<StopOutcome> mine) {
    try {
      StopOutcome outcome = protocol.stop(worker, properties.stopTimeoutsOf(worker.profile()));
      record(worker, outcome);
      mine.complete(outcome);
    } catch (RuntimeException e) {
      log.warn("environment {}: worker {}: stop not carried out: {}", worker.environmentId(), worker.workerId(), e.toString());
      mine.completeExceptionally(e);
    } finally {
      stopsInFlight.remove(worker.workerId(), mine);
    }
  }

  /**
   * Stops every live worker of this context in parallel (service shutdown). Those still not reaped
   * at the deadline get SIGKILL to their group at once: shutdown never leaves a worker running.
   *
   * @return how many workers were stopped
   */
  int stopEveryWorker(Duration deadline) {
    Collection<WorkerHandle> workers = List.copyOf(live.values());
    if (workers.isEmpty()) {
      return 0;
    }
    log.info("stopping {} worker(s) within {}", workers.size(), deadline);
    stopAll(workers, deadline);
    killEveryWorkerNow();
    return workers.size();
  }

  /**
   * Last resort (the shutdown deadline passed, or the process is about to be halted): SIGKILL to
   * every live worker's group and to its recorded descendants, without waiting.
   */
  void killEveryWorkerNow() {
    for (WorkerHandle worker : live.values()) {
      if (!worker.hasExited()) {
        log.warn("environment {}: worker {} pid {} still running at the deadline; SIGKILL",
            worker.environmentId(), worker.workerId(), worker.pid());
        worker.signalGroup(jnr.constants.platform.Signal.SIGKILL.intValue());
      }
      protocol.killLeftoversNow(worker);
    }
  }

  /** Records ends that failed to record earlier; returns how many are still pending. */
  int recordPendingEnds() {
    pendingEnds.values().forEach(pending -> record(pending.worker(), pending.outcome()));
    return pendingEnds.size();
  }

  private void record(WorkerHandle worker, StopOutcome outcome) {
    try {
      lifecycle.ended(worker, outcome);
      pendingEnds.remove(worker.workerId());
    } catch (RuntimeException e) {
      pendingEnds.put(worker.workerId(), new PendingEnd(worker, outcome));
      log.warn("environment {}: worker {}: end not recorded yet ({}); will retry",
          worker.environmentId(), worker.workerId(), e.toString());
    }
  }

  private static StopOutcome outcomeBy(CompletableFuture<StopOutcome> stop, Deadline deadline) {
    if (!Await.completion(stop, deadline)) {
      return StopOutcome.lost(Thread.currentThread().isInterrupted()
          ? "interrupted while stopping" : "stop did not finish within the overall bound");
    }
    try {
      return stop.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StopOutcome.lost("interrupted while stopping");
    } catch (ExecutionException e) {
      return StopOutcome.lost("stop could not start: " + e.getCause());
    }
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
