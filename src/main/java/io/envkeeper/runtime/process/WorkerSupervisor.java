package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import io.envkeeper.deadline.Deadline;
import io.envkeeper.lifecycle.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Follows live workers across their processes: reports each status change through the {@link
 * WorkerLifecycle} (ready, an end by itself, BACKOFF and restarts via the {@link RestartScheduler},
 * STOPPING and the end of a stop), and runs stops, one protocol per worker at a time however many
 * callers ask. A stop settles a pending restart first, under the environment's lock: once it is
 * accepted, no process of that worker ever starts again. An end that could not be recorded
 * (database away) is kept and retried by {@link #recordPendingEnds()}, so no outcome is lost.
 */
@Component
class WorkerSupervisor implements DisposableBean, RestartScheduler.Outcomes {

  private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

  private final StopProtocol protocol;
  private final DescendantTracker tracker;
  private final WorkerLifecycle lifecycle;
  private final RestartScheduler restarts;
  /** Threads are made on demand (none at construction) and die after a minute idle. */
  private final ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.named("worker-stop"));
  private final Map<UUID, CompletableFuture<StopOutcome>> stopsInFlight = new ConcurrentHashMap<>();
  private final Map<UUID, PendingEnd> pendingEnds = new ConcurrentHashMap<>();
  /** Every worker of this context not ended for good, by id. */
  private final Map<UUID, Supervised> live = new ConcurrentHashMap<>();

  private record PendingEnd(WorkerHandle worker, StopOutcome outcome) {}

  WorkerSupervisor(
      StopProtocol protocol, DescendantTracker tracker, WorkerLifecycle lifecycle,
      RestartScheduler restarts) {
    this.protocol = protocol;
    this.tracker = tracker;
    this.lifecycle = lifecycle;
    this.restarts = restarts;
  }

  /** Starts following a freshly spawned (and recorded) worker; {@code gate} decides its restarts. */
  void supervise(WorkerHandle worker, RestartGate gate) {
    Supervised supervised = new Supervised(worker, gate);
    live.put(worker.workerId(), supervised);
    follow(supervised, worker);
  }

  private void follow(Supervised supervised, WorkerHandle worker) {
    tracker.track(worker);
    worker.ready().thenAcceptAsync(at -> recordReady(worker, at), executor);
    worker.exit().thenAcceptAsync(status -> exited(supervised, worker, status), executor);
  }

  private void recordReady(WorkerHandle worker, java.time.Instant at) {
    if (worker.hasReadyLine() && !worker.hasExited()) {
      try {
        lifecycle.ready(worker, at);
      } catch (RuntimeException e) {
        log.warn("environment {}: worker {}: readiness not recorded ({})", worker.environmentId(), worker.workerId(), e.toString());
      }
    }
    worker.markReadyRecorded();
  }

  /**
   * The process ended. A stop in flight records it itself, and so did (or will: its end may wait for
   * a teardown's transaction) a stop that already settled the handle, whose exit this may only now
   * reach on a busy host; else its leftovers go and the policy decides.
   */
  private void exited(Supervised supervised, WorkerHandle worker, ExitStatus status) {
    if (stopsInFlight.containsKey(worker.workerId()) || worker.isSettled()) {
      return;
    }
    StopProtocol.AfterExit after = protocol.afterExit(worker);
    String reason = after.survivors() != null ? "" : restarts.afterExit(supervised, worker, status, this);
    if (reason == null) {
      return; // BACKOFF: the restart (or a stop) takes it from here
    }
    String error = join(after.cause(), after.survivors(), reason.isEmpty() ? null : reason);
    ended(supervised, worker, StopOutcome.exited(status, error));
  }

  private static String join(String... parts) {
    List<String> present = new ArrayList<>();
    for (String part : parts) {
      if (part != null) {
        present.add(part);
      }
    }
    return present.isEmpty() ? null : String.join("; ", present);
  }

  @Override
  public void restarted(Supervised supervised, WorkerHandle next) {
    follow(supervised, next);
  }

  @Override
  public void ended(Supervised supervised, WorkerHandle last, StopOutcome outcome) {
    record(last, outcome);
    finish(supervised, last);
  }

  private void finish(Supervised supervised, WorkerHandle last) {
    last.settle();
    if (supervised != null && supervised.current() == last) {
      live.remove(supervised.workerId(), supervised);
    }
  }

  /**
   * Waits until the worker's current process is ready (and recorded so), the worker ended for good,
   * or {@code timeout} passed; a process that ends before it is ready is followed by its restart.
   */
  void awaitReady(UUID workerId, Duration timeout) {
    Deadline deadline = Deadline.in(timeout);
    while (!deadline.hasPassed()) {
      Supervised supervised = live.get(workerId);
      if (supervised == null) {
        return;
      }
      WorkerHandle worker = supervised.current();
      if (worker.readyRecorded().isDone() && !worker.hasExited()) {
        return;
      }
      CompletableFuture<?> change = worker.hasExited()
          ? worker.settled()
          : CompletableFuture.anyOf(worker.readyRecorded(), worker.exit(), worker.settled());
      if (!Await.completion(change, deadline)) {
        return;
      }
    }
  }

  /** The current process of the worker (the one a restart started), if it is still followed. */
  Optional<WorkerHandle> current(UUID workerId) {
    return Optional.ofNullable(live.get(workerId)).map(Supervised::current);
  }

  /**
   * Stops the worker with its profile's protocol; joins a stop already running. The STOPPING state is
   * recorded before this returns (and before any signal); if it cannot be, this throws.
   */
  CompletableFuture<StopOutcome> stop(WorkerHandle worker) {
    WorkerHandle current = settleRestart(worker);
    return stopEach(List.of(current), null, false).get(current);
  }

  /**
   * Accepts a stop of the worker: under the environment's lock, no restart is pending or starts
   * from now on. A restart that finished just before hands over its new process, which is the one
   * to stop.
   */
  private WorkerHandle settleRestart(WorkerHandle worker) {
    Supervised supervised = live.get(worker.workerId());
    if (supervised == null) {
      return worker;
    }
    return supervised.gate().locked(worker.environmentId(), () -> {
      supervised.stop();
      return supervised.current();
    });
  }

  /**
   * Stops all these workers in parallel within one overall bound. A worker whose stop did not
   * finish in time, or could not start, has a LOST outcome here (its stop may still finish later).
   * With {@code endsRecordedByCaller}, the end of each stop is kept as pending instead of being
   * committed on its own (see {@link #pendingEndsOf}): the caller records it in its own next
   * transaction, and if it does not, {@link #recordPendingEnds()} does.
   */
  Map<WorkerHandle, StopOutcome> stopAll(Collection<WorkerHandle> workers, Duration overall, boolean endsRecordedByCaller) {
    Deadline deadline = Deadline.in(overall);
    Map<WorkerHandle, CompletableFuture<StopOutcome>> stops;
    try {
      List<WorkerHandle> current = new ArrayList<>();
      for (WorkerHandle worker : workers) {
        current.add(settleRestart(worker));
      }
      stops = stopEach(current, deadline, endsRecordedByCaller);
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
   * protocols in parallel; workers already being stopped join their running stop. With {@code
   * inlineWithin} (a caller that waits for all of them anyway), the last one whose whole protocol
   * fits into it runs on the caller's thread: no hand-off to a stop thread and back for the common
   * teardown of one worker, and the caller is back within its deadline all the same.
   */
  private Map<WorkerHandle, CompletableFuture<StopOutcome>> stopEach(
      Collection<WorkerHandle> workers, Deadline inlineWithin, boolean endsRecordedByCaller) {
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
    WorkerHandle inline = inlineWithin == null ? null : lastFitting(starting, inlineWithin);
    for (WorkerHandle worker : starting) {
      if (worker != inline) {
        CompletableFuture<StopOutcome> mine = stops.get(worker);
        executor.execute(() -> runProtocol(worker, mine, endsRecordedByCaller));
      }
    }
    if (inline != null) {
      runProtocol(inline, stops.get(inline), endsRecordedByCaller);
    }
    return stops;
  }

  /** The last of these workers whose whole stop protocol ends before {@code deadline}, or null. */
  private WorkerHandle lastFitting(List<WorkerHandle> workers, Deadline deadline) {
    for (int i = workers.size() - 1; i >= 0; i--) {
      if (protocol.bound(workers.get(i)).compareTo(deadline.remaining()) <= 0) {
        return workers.get(i);
      }
    }
    return null;
  }

  private void runProtocol(WorkerHandle worker, CompletableFuture<StopOutcome> mine, boolean endRecordedByCaller) {
    try {
      StopOutcome outcome = protocol.stop(worker);
      if (endRecordedByCaller) {
        pendingEnds.put(worker.workerId(), new PendingEnd(worker, outcome));
      } else {
        record(worker, outcome);
      }
      if (outcome.reaped()) {
        finish(live.get(worker.workerId()), worker);
      }
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
   * at the deadline get SIGKILL at once: shutdown never leaves a worker running.
   *
   * @return how many workers were stopped
   */
  int stopEveryWorker(Duration deadline) {
    Collection<WorkerHandle> workers = live.values().stream().map(Supervised::current).toList();
    if (workers.isEmpty()) {
      return 0;
    }
    log.info("stopping {} worker(s) within {}", workers.size(), deadline);
    stopAll(workers, deadline, false);
    killEveryWorkerNow();
    return workers.size();
  }

  /**
   * Last resort (the shutdown deadline passed, or the process is about to be halted): no restart
   * any more, SIGKILL to every live worker's group (or cgroup) and to its recorded descendants,
   * without waiting.
   */
  void killEveryWorkerNow() {
    for (Supervised supervised : live.values()) {
      supervised.stop();
      WorkerHandle worker = supervised.current();
      if (!worker.hasExited()) {
        log.warn("environment {}: worker {} pid {} still running at the deadline; SIGKILL",
            worker.environmentId(), worker.workerId(), worker.pid());
        worker.signalGroup(jnr.constants.platform.Signal.SIGKILL.intValue());
      }
      protocol.killLeftoversNow(worker);
    }
  }

  /** The ends of this environment's workers not recorded yet (kept for a caller, or failed to record). */
  Map<WorkerHandle, StopOutcome> pendingEndsOf(UUID environmentId) {
    Map<WorkerHandle, StopOutcome> ends = new LinkedHashMap<>();
    pendingEnds.values().stream()
        .filter(pending -> pending.worker().environmentId().equals(environmentId))
        .forEach(pending -> ends.put(pending.worker(), pending.outcome()));
    return ends;
  }

  /** The worker's end (this process's) is recorded: it is no longer pending. */
  void endRecorded(WorkerHandle worker) {
    pendingEnds.computeIfPresent(worker.workerId(), (id, pending) -> pending.worker() == worker ? null : pending);
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
