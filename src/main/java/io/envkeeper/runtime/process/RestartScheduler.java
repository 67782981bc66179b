package io.envkeeper.runtime.process;

import io.envkeeper.lifecycle.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Restart policies: after a worker's process ended by itself, decides whether it comes back (its
 * profile's {@code restart}, at most {@code max-restarts} within {@code restart-window}), records
 * BACKOFF, and after the backoff starts the same worker anew, through its {@link RestartGate}:
 * under the environment's lock, only while the environment is live, only while its record still
 * says BACKOFF and no stop was accepted. A restart keeps the worker id and appends to its log.
 */
@Component
class RestartScheduler implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RestartScheduler.class);

  private final WorkerLauncher launcher;
  private final WorkerLifecycle lifecycle;
  private final WorkerProperties properties;
  private final StopProtocol protocol;
  /** One thread, made on the first restart (none at construction). */
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("worker-restart"));

  /** What the supervisor does when a restart started a process, or ended the worker for good. */
  interface Outcomes {
    void restarted(Supervised worker, WorkerHandle next);

    void ended(Supervised worker, WorkerHandle last, StopOutcome outcome);
  }

  RestartScheduler(WorkerLauncher launcher, WorkerLifecycle lifecycle, WorkerProperties properties, StopProtocol protocol) {
    this.launcher = launcher;
    this.lifecycle = lifecycle;
    this.properties = properties;
    this.protocol = protocol;
    scheduler.setRemoveOnCancelPolicy(true);
  }

  /**
   * The worker's process {@code ended} by itself with {@code status}.
   *
   * @return null when a restart is scheduled (or a stop came first and records the end); else the
   *     reason the worker ends for good ("given up ..."), or "" for an ordinary end
   */
  String afterExit(Supervised worker, WorkerHandle ended, ExitStatus status, Outcomes outcomes) {
    WorkerProperties.Profile.Supervision supervision = properties.supervisionOf(ended.profile());
    if (!supervision.restart().restartsAfter(status) || worker.isStopped()) {
      return "";
    }
    int restart = worker.countRestart(System.nanoTime(), supervision.restartWindow().toNanos(), supervision.maxRestarts());
    if (restart < 0) {
      String reason = "given up: it ended " + (supervision.maxRestarts() + 1) + " times within "
          + supervision.restartWindow() + " (restart " + supervision.restart().name().toLowerCase().replace('_', '-')
          + ", max-restarts " + supervision.maxRestarts() + "); last end: " + status;
      log.error("environment {}: worker {}: {}", ended.environmentId(), ended.workerId(), reason);
      return reason;
    }
    Duration delay = supervision.backoffBefore(restart);
    String note = status + "; restart " + restart + " of at most " + supervision.maxRestarts() + " within "
        + supervision.restartWindow() + ", after " + delay;
    if (!lifecycle.backingOff(ended, status, note)) {
      return ""; // a stop was recorded first
    }
    log.info("environment {}: worker {} pid {}: {}", ended.environmentId(), ended.workerId(), ended.pid(), note);
    worker.pending(scheduler.schedule(() -> restart(worker, ended, delay, outcomes), delay.toNanos(), TimeUnit.NANOSECONDS));
    return null;
  }

  private void restart(Supervised worker, WorkerHandle previous, Duration delay, Outcomes outcomes) {
    worker.restartRan();
    try {
      boolean[] started = new boolean[1];
      boolean live = worker.gate().whileLive(previous.environmentId(), workers -> {
        // Under the environment's lock: a stop accepted before this point set the flag (under the
        // same lock) or recorded STOPPING; either way nothing is started.
        if (worker.isStopped() || !lifecycle.mayRestart(previous.workerId())) {
          return;
        }
        WorkerHandle next = launcher.launch(previous.spec(), previous.restarts() + 1);
        try {
          lifecycle.restarted(next);
        } catch (RuntimeException | Error e) {
          log.warn("environment {}: worker {}: restart could not be recorded; killing pid {}",
              next.environmentId(), next.workerId(), next.pid());
          protocol.killNow(next, properties.stopTimeoutsOf(next.profile()).killTimeout());
          next.settle();
          throw e;
        }
        worker.replace(next);
        workers.add(next);
        outcomes.restarted(worker, next);
        started[0] = true;
      });
      if (!live || !started[0]) {
        // The environment's teardown, or the stop that was accepted, records the end.
        log.info("environment {}: worker {}: not restarted (stopped, or its environment is going)",
            previous.environmentId(), previous.workerId());
      }
    } catch (WorkspaceUnusableException | SpawnFailedException e) {
      outcomes.ended(worker, previous, StopOutcome.exited(previous.exit().join(), "restart failed: " + e.getMessage()));
    } catch (RuntimeException e) {
      // The lock was busy or the database away: try again after the same wait.
      log.warn("environment {}: worker {}: restart postponed {} ({})", previous.environmentId(), previous.workerId(), delay, e.toString());
      if (!worker.isStopped()) {
        worker.pending(scheduler.schedule(() -> restart(worker, previous, delay, outcomes), delay.toNanos(), TimeUnit.NANOSECONDS));
      }
    }
  }

  @Override
  public void destroy() {
    scheduler.shutdownNow();
  }
}
